#!/usr/bin/env python3
"""The JavaScript API (api.js) of the release build, in headless Chromium:

1. parity: pusher-js + laravel-echo and courtside's API, written the same way on one page and
   fed the same events (published through the league's /demo/publish on a channel nothing else
   uses), must make the same callbacks with the same data in the same order, through
   listen, stopListening, leave and disconnect;
2. match(id).subscribe: the reduced state, backfilled from a snapshot, one call per change,
   nothing after unsubscribe, unknown matches, bad ids and bad settings refused;
3. examples: the stats API documentation's two Echo examples (examples/echo-api.html, only
   their import line changed) show a pushed score, a final result and a ticker card;
4. with --import-map: the npm package, installed from its tarball, imported by a page through
   an import map (no bundler) and live.
Prints one `test result:` line per check. Standard library only."""

import argparse
import json
import random
import sys

from release_check import Browser, request


def publish(gateway, token, match, home=0, away=0, kind=None, status=None):
    body = {"match_id": match, "home_score": home, "away_score": away}
    if kind:
        body["kind"] = kind
    if status:
        body = {"match_id": match, "status": status}
    return request("POST", gateway + "/demo/publish", body, bearer=token)


def relevant(log, match):
    """The calls about `match` (the league plays other games on `games` meanwhile), and every
    connection and subscription callback."""
    out = []
    for what, data in log:
        if isinstance(data, dict) and "match_id" in data:
            if data.get("match_id") == match:
                out.append([what, data])
        else:
            out.append([what, data])
    return out


def check_parity(b, site, gateway, token, ws_port, key):
    match = 9000 + random.randrange(900)
    publish(gateway, token, match, 0, 0)  # the league makes the match; nobody listens yet
    b.go(f"{site}parity.html?gateway={gateway}&port={ws_port}&key={key}&match={match}")
    ready = """const p = window.parity; if (!p) return null; if (p.error) return 'error: ' + p.error;
      const has = (n, w) => p.logs[n].some((e) => e[0] === w);
      return ['reference', 'courtside'].every((n) => has(n, 'match subscribed') && has(n, 'games subscribed') && has(n, 'denied error')) && 'ok';"""
    state = b.wait(ready, "both clients subscribed to match and games, and refused the 403 channel")
    assert state == "ok", state

    def both(script, what):
        cond = f"const p = window.parity; return ['reference', 'courtside'].every((n) => p.logs[n].some((e) => {script}));"
        b.wait(cond, what)

    publish(gateway, token, match, 2, 0)
    publish(gateway, token, match, 5, 0, "3pt_made")
    publish(gateway, token, match, status="finished")
    publish(gateway, token, match, 6, 0, "ft_made")
    both(f"e[0] === 'match event' && e[1].home_score === 6 && e[1].match_id === {match}", "the fourth publication")
    b.js("window.parity.stopMatchEvents()")
    publish(gateway, token, match, 8, 0)
    publish(gateway, token, match, status="finished")
    both(f"e[0] === 'games status' && e[1].home_score === 8 && e[1].match_id === {match}", "the status after stopListening")
    b.js("window.parity.leaveMatch()")
    publish(gateway, token, match, 10, 0)
    both(f"e[0] === 'games event' && e[1].home_score === 10 && e[1].match_id === {match}", "the event after leave")
    b.js("window.parity.disconnect()")
    both("e[0] === 'disconnected'", "disconnected")

    logs = b.js("return window.parity.logs")
    ref, ours = relevant(logs["reference"], match), relevant(logs["courtside"], match)
    summary = lambda log: [(w, d.get("home_score"), d.get("status")) if isinstance(d, dict) and "match_id" in d
                           else (w, None) if isinstance(d, dict) else (w, d) for w, d in log]
    denied = lambda log: [d for w, d in log if w == "denied error"]
    if denied(ref) != [{"type": "AuthError", "status": 403}] or denied(ours) != denied(ref):
        raise AssertionError(f"the refused channel: Echo {denied(ref)}, courtside {denied(ours)}")
    # What Echo itself does here, pinned, so that two equally wrong logs cannot pass.
    ev, st = lambda h: ("games all .event.received", h, "in_progress"), lambda h: ("games all .status.changed", h, "finished")
    expected = [
        ("state_change", "connecting>connected"), ("connected", None),
        ("match subscribed", None), ("games subscribed", None), ("denied error", None),
        ("match event", 2, "in_progress"), ev(2), ("games event", 2, "in_progress"),
        ("match event", 5, "in_progress"), ev(5), ("games event", 5, "in_progress"),
        ("match status", 5, "finished"), st(5), ("games status", 5, "finished"),
        ("match event", 6, "in_progress"), ev(6), ("games event", 6, "in_progress"),
        ev(8), ("games event", 8, "in_progress"),                 # match events: stopListening
        ("match status", 8, "finished"), st(8), ("games status", 8, "finished"),
        ev(10), ("games event", 10, "in_progress"),               # the match channel: left
        ("state_change", "connected>disconnected"), ("disconnected", None),
    ]
    # Subscriptions and the refusal may come in any order, on either client; the rest may not
    # (pusher-js calls listenToAll's callbacks before an event's own).
    norm = lambda s: sorted(map(str, s[:5])) + s[5:]
    if norm(summary(ref)) != norm(expected):
        raise AssertionError("pusher-js + Echo did not do what this test expects of it:\n" + json.dumps(summary(ref), indent=1))
    if norm(summary(ours)) != norm(summary(ref)):
        raise AssertionError("courtside's calls differ from Echo's:\nEcho:      " + json.dumps(summary(ref))
                             + "\ncourtside: " + json.dumps(summary(ours)))
    data = lambda log: [d for _, d in log if isinstance(d, dict)]
    if data(ours) != data(ref):
        raise AssertionError("same calls, different data:\n" + json.dumps(data(ref))[:2000] + "\n" + json.dumps(data(ours))[:2000])
    print(f"parity: {len(ours)} calls for match {match}, identical in order and data to pusher-js + Echo")


def check_examples(b, site, gateway, token, screenshot):
    publish(gateway, token, 123, 0, 0)
    b.go(f"{site}echo-api.html")
    b.wait("return document.readyState === 'complete'", "the page")
    # Publish until both examples have subscribed and show it (nothing on the page says when; the
    # two channels are authorised and subscribed independently, so one may show a score the other
    # missed: wait for the same publication on both).
    score = None
    for home in range(2, 40, 2):
        publish(gateway, token, 123, home, 1)
        try:
            score = b.wait(f"""const li = document.querySelector('#ticker li[data-match="123"]');
                return document.getElementById('score').textContent === '{home} : 1' && li
                    && li.textContent.includes('{home}:1') && '{home} : 1'""",
                           "the pushed score on both channels", timeout=2)
            break
        except AssertionError:
            continue
    assert score, "the follow-one-match example never showed a pushed score"
    publish(gateway, token, 123, status="finished")
    b.wait("return document.getElementById('final').textContent === 'Final (finished)'", "the final result")
    card = b.wait("const li = document.querySelector('#ticker li[data-match=\"123\"]'); return li && li.textContent",
                  "the ticker card")
    assert "finished" in card and score.replace(" : ", ":") in card, card
    if screenshot:
        b.screenshot(screenshot)
    # Done watching: the match channel is left, the ticker goes on.
    b.js("document.getElementById('done').click()")
    publish(gateway, token, 123, 50, 1)
    b.wait("const li = document.querySelector('#ticker li[data-match=\"123\"]'); return li && li.textContent.includes('50:1')",
           "the ticker after leave")
    shown = b.js("return document.getElementById('score').textContent")
    assert shown == score, f"the left channel still updated the score: {shown}"
    errors = [l["message"] for l in b.logs() if l["level"] == "SEVERE"]
    assert not errors, errors
    print(f"examples: score {score}, final result, ticker card, leave")


def check_match_state(b, site, gateway, token, ws_port, key):
    a, other = 9000 + random.randrange(900), 9900 + random.randrange(99)
    publish(gateway, token, a, 3, 0, "3pt_made")     # before the page: only a snapshot can bring it
    publish(gateway, token, other, 0, 2)
    b.go(f"{site}match.html?gateway={gateway}&port={ws_port}&key={key}&match={a}&other={other}")
    first = b.wait(f"""const p = window.page; if (!p) return null; if (p.error) return {{error: p.error}};
        const s = p.states[{a}]; return s.length && s[s.length - 1];""", "the first state (from the snapshot)")
    assert "error" not in first, first
    assert (first["id"], first["home_score"], first["away_score"], first["status"]) == (a, 3, 0, "in_progress"), first
    assert first["home_team"]["name"] == "Home Testers" and first["last_event"]["type"] == "3pt_made", first
    # The first state may come from the snapshot before the channel is subscribed; the 5 then
    # comes by push or by the snapshot taken once subscribed: either way the channel is live
    # once it shows, so the status after it arrives by push (sent at once, it could be folded
    # into that snapshot together with the 5).
    publish(gateway, token, a, 5, 0)
    b.wait(f"const s = window.page.states[{a}]; return s.length && s[s.length - 1].home_score === 5", "the pushed event")
    publish(gateway, token, a, status="finished")
    b.wait(f"const s = window.page.states[{a}]; return s.length && s[s.length - 1].status === 'finished' && s.length",
           "the pushed status")
    b.js("window.page.stop()")
    publish(gateway, token, a, 7, 0)                  # after unsubscribe: must not arrive
    publish(gateway, token, other, 0, 4)              # same socket, later: once it is in, so would be 7
    b.wait(f"const s = window.page.states[{other}]; return s.length && s[s.length - 1].away_score === 4",
           "the other match's later event")
    page = b.js("return window.page")
    states = page["states"][str(a)]
    seen = [(s["home_score"], s["status"]) for s in states]
    assert seen == [(3, "in_progress"), (5, "in_progress"), (5, "finished")], f"one call per change, none after unsubscribe: {seen}"
    errors = page["errors"]
    assert ["unknown", {"status": 404, "message": "unknown match"}] in errors, errors
    assert any(e[0] == "bad id" and "whole number" in e[1] for e in errors), errors
    assert any(e[0] == "bad settings" and "data-gateway" in e[1] and "data-port" in e[1] for e in errors), errors
    assert len(errors) == 3, errors
    print(f"match state: {seen} (snapshot, push, status; nothing after unsubscribe), 404, a bad id and bad settings refused")


def check_import_map(b, page, gateway, token, ws_port, key):
    match = 9000 + random.randrange(900)
    publish(gateway, token, match, 4, 2)
    b.go(f"{page}?gateway={gateway}&port={ws_port}&key={key}&match={match}")
    state = b.wait("const s = window.states; return s && s.length && s[s.length - 1]", "a state through the installed package")
    assert (state["id"], state["home_score"], state["away_score"]) == (match, 4, 2), state
    wasm = b.js("return performance.getEntriesByType('resource').map((r) => r.name).filter((n) => n.endsWith('.wasm'))")
    assert len(wasm) == 1 and "/node_modules/courtside/courtside_bg.wasm" in wasm[0], wasm
    print(f"import map: {wasm[0].split('127.0.0.1')[-1]} loaded, match {match} at 4:2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True, help="where parity.html and echo-api.html are served, ending in /")
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--ws-port", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--demo-token", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--import-map", help="a page importing the installed npm package through an import map")
    args = ap.parse_args()
    passed = failed = 0
    for name, check in [
        ("parity", lambda b: check_parity(b, args.site, args.gateway, args.demo_token, args.ws_port, args.key)),
        ("match state", lambda b: check_match_state(b, args.site, args.gateway, args.demo_token, args.ws_port, args.key)),
        ("examples", lambda b: check_examples(b, args.site, args.gateway, args.demo_token, args.screenshot)),
    ] + ([("import map", lambda b: check_import_map(b, args.import_map, args.gateway, args.demo_token, args.ws_port, args.key))]
         if args.import_map else []):
        b = Browser()
        try:
            check(b)
            passed += 1
        except Exception as e:
            failed += 1
            print(f"FAILED {name}: {e}", file=sys.stderr)
            for l in b.logs()[-20:]:
                print("  console:", l.get("level"), l.get("message", "")[:300], file=sys.stderr)
        finally:
            b.close()
    print(f"test result: {'ok' if not failed else 'FAILED'}. {passed} passed; {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
