#!/usr/bin/env python3
"""Recovery after a Pusher server crash: N scoreboards on one page (N channels, one socket),
sockudo killed with SIGKILL and started again; measures the time from the kill until every
board has merged a fresh snapshot after resubscribing (`courtside:synced`). Prints the rounds,
the median and the spread. Driven by bench/recovery.sh."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from release_check import Browser, request  # noqa: E402

ALL_LIVE = """
const boards = [...document.querySelectorAll('courtside-scoreboard')];
return boards.length > 0 && boards.every(b => b.getAttribute('data-connection') === 'live'
  && b.shadowRoot && b.shadowRoot.querySelector('[data-score=home]'));
"""
LISTEN = """
window.__synced = {};
document.addEventListener('courtside:synced', e => {
  (window.__synced[e.detail.matchId] = window.__synced[e.detail.matchId] || []).push(Date.now());
}, true);
return true;
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--page", required=True)
    ap.add_argument("--ids", required=True, help="comma-separated match ids on the page")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--restart", required=True, help="shell command that kills and restarts sockudo")
    ap.add_argument("--json", required=True)
    args = ap.parse_args()
    ids = [int(i) for i in args.ids.split(",")]
    browser = Browser()
    results = []
    try:
        browser.go(args.page)
        browser.wait(ALL_LIVE, "every board live", timeout=60)
        browser.js(LISTEN)
        for r in range(args.rounds):
            # Start from a quiet page whose connection has stayed up past the backoff reset (15 s):
            # a crash does not find the client still mid-recovery from the last one.
            quiet_since = time.time()
            while time.time() - quiet_since < 16:
                synced = browser.js("return window.__synced")
                latest = max((t for ts in synced.values() for t in ts), default=0) / 1000
                quiet_since = max(quiet_since, latest)
                time.sleep(0.25)
            browser.js("window.__synced = {}; return true")
            t0 = time.time() * 1000
            subprocess.run(["bash", "-c", args.restart], check=True, stdout=subprocess.DEVNULL)
            back = time.time() * 1000 - t0
            deadline = time.time() + 90
            while True:
                synced = browser.js("return window.__synced")
                firsts = [min((t for t in synced.get(str(i), []) if t > t0), default=None) for i in ids]
                if all(f is not None for f in firsts):
                    break
                if time.time() > deadline:
                    missing = sum(f is None for f in firsts)
                    raise RuntimeError(f"round {r}: {missing} of {len(ids)} boards never resynced")
                time.sleep(0.05)
            recovery = max(firsts) - t0
            median_board = statistics.median(f - t0 for f in firsts)
            results.append({"round": r + 1, "server_back_ms": round(back), "all_synced_ms": round(recovery),
                            "median_board_ms": round(median_board)})
            print(f"round {r + 1}: server back after {back:.0f} ms; every board resubscribed and "
                  f"backfilled after {recovery:.0f} ms (median board {median_board:.0f} ms)")
            browser.wait(ALL_LIVE, "every board live again", timeout=60)
    finally:
        browser.close()
    alls = [x["all_synced_ms"] for x in results]
    summary = {"widgets": len(ids), "rounds": results, "median_all_synced_ms": statistics.median(alls),
               "min_ms": min(alls), "max_ms": max(alls)}
    print(f"recovery of {len(ids)} boards: median {summary['median_all_synced_ms']:.0f} ms "
          f"(min {summary['min_ms']}, max {summary['max_ms']}) over {len(alls)} rounds")
    with open(args.json, "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
