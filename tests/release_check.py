#!/usr/bin/env python3
"""Loads the release build in headless Chromium through ChromeDriver and checks it works:
the scoreboard renders from a snapshot, a pushed event reaches the DOM, and the page logs no
error. wasm-bindgen-test never runs wasm-opt, so this is the only check of the shipped bytes.
Standard library only: WebDriver is plain JSON over HTTP."""

import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHROME_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
]


def request(method, url, body=None, timeout=60, bearer=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{method} {url} -> {e.code}: {e.read()[:500]!r}") from None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, window="560,720"):
        self.port = free_port()
        self.driver = subprocess.Popen(
            [os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"), f"--port={self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while True:
            try:
                if request("GET", self.base + "/status", timeout=2)["value"]["ready"]:
                    break
            except Exception:
                pass
            if time.time() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium",
                                   "args": CHROME_ARGS + [f"--window-size={window}", f"--user-data-dir={tempfile.mkdtemp()}"]},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        self.session = request("POST", self.base + "/session", caps)["value"]["sessionId"]
        self.url = f"{self.base}/session/{self.session}"

    def go(self, url):
        request("POST", self.url + "/url", {"url": url})

    def js(self, script, *args):
        return request("POST", self.url + "/execute/sync", {"script": script, "args": list(args)})["value"]

    def logs(self):
        return request("POST", self.url + "/se/log", {"type": "browser"})["value"]

    def screenshot(self, path):
        png = base64.b64decode(request("GET", self.url + "/screenshot")["value"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)

    def wait(self, script, what, timeout=30):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.js(script)
            if last:
                return last
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; last value {last!r}")

    def close(self):
        try:
            request("DELETE", self.url)
        finally:
            self.driver.kill()


SCORES = """
const b = document.getElementById('board');
const r = b && b.shadowRoot;
if (!r) return null;
const h = r.querySelector('[data-score=home]'), a = r.querySelector('[data-score=away]');
const n = r.querySelector('.cs-name');
return h && a ? [h.textContent, a.textContent, n ? n.textContent : ''] : null;
"""


MEASURE = """
const b = document.getElementById('board').shadowRoot;
const board = b.querySelector('.cs-board'), score = b.querySelector('[data-score=home]');
const s = getComputedStyle(score), n = getComputedStyle(b.querySelector('.cs-name'));
return { height: Math.round(board.getBoundingClientRect().height), font: s.fontSize + ' ' + s.fontFamily,
         weight: s.fontWeight, color: s.color, spacing: n.letterSpacing + ' ' + n.textTransform };
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--page", required=True)
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--hostile", help="the hostile page's URL")
    args = ap.parse_args()
    match_id = random.randint(500_000, 900_000)
    # The league's /demo/publish wants its Bearer (scripts/lib.sh exports DEMO_TOKEN).
    publish = lambda h, a: request("POST", args.gateway + "/demo/publish",
                                   {"match_id": match_id, "home_score": h, "away_score": a},
                                   bearer=os.environ.get("DEMO_TOKEN"))
    passed = 0
    publish(2, 0)
    # The page is a template with the match id left to the query; rewrite it per run.
    browser = Browser()
    try:
        browser.go(args.page)
        browser.js(f"document.getElementById('board').setAttribute('match', '{match_id}')")
        scores = browser.wait(SCORES + "", "the snapshot to render")
        browser.wait(SCORES.replace("return h && a ?", "return h && a && h.textContent === '2' ?"), "score 2-0 from the snapshot")
        assert "Home Testers" in browser.wait(SCORES, "team names")[2], scores
        print("test release: snapshot renders ... ok"); passed += 1
        browser.wait("return document.getElementById('board').getAttribute('data-connection') === 'live'", "a live connection")
        publish(5, 0)
        browser.wait(SCORES.replace("return h && a ?", "return h && a && h.textContent === '5' ?"), "the pushed 5-0")
        print("test release: pushed event reaches the DOM ... ok"); passed += 1
        if args.screenshot:
            browser.screenshot(args.screenshot)
        errors = [l for l in browser.logs() if l.get("level") == "SEVERE"]
        assert not errors, "page errors:\n" + "\n".join(l["message"] for l in errors)
        print("test release: no page errors under a strict CSP ... ok"); passed += 1
        if args.hostile:
            clean = browser.js(MEASURE)
            browser.go(f"{args.hostile}?match={match_id}")
            browser.wait("return document.body.dataset.churned === 'yes'", "100 adds and removes", timeout=60)
            browser.wait(SCORES.replace("return h && a ?", "return h && a && h.textContent === '5' ?"), "the score on the hostile page")
            hostile = browser.js(MEASURE)
            twin = browser.js(MEASURE.replace("'board'", "'twin'"))
            for key in ("height", "font", "weight", "color", "spacing"):
                assert hostile[key] == clean[key], f"{key}: clean {clean[key]!r}, hostile {hostile[key]!r}"
                assert twin[key] == clean[key], f"twin {key}: clean {clean[key]!r}, hostile {twin[key]!r}"
            print("test hostile: global CSS does not change the widget ... ok"); passed += 1
            stats = json.loads(browser.js("return document.body.dataset.afterChurn"))
            assert stats["sockets"] == 1, f"sockets opened: {stats}"
            print(f"test hostile: two boards and 100 mounts share one socket ... ok"); passed += 1
            if args.screenshot:
                browser.screenshot(args.screenshot.replace(".png", "-hostile.png"))
            browser.js("window.dispatchEvent(new Event('courtside:cleanup')); return true")
            after = json.loads(browser.wait("return document.body.dataset.afterCleanup", "cleanup stats"))
            leftovers = {k: after[k] for k in ("channels", "listeners", "widgets", "timers") if after[k] != 0}
            assert not leftovers, f"left behind after every element was removed: {after}"
            print("test hostile: no listeners, timers or subscriptions left behind ... ok"); passed += 1
            errors = [l for l in browser.logs() if l.get("level") == "SEVERE"]
            assert not errors, "hostile page errors:\n" + "\n".join(l["message"] for l in errors)
            print("test hostile: no page errors ... ok"); passed += 1
    finally:
        browser.close()
    print(f"test result: ok. {passed} passed; 0 failed")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, RuntimeError) as e:
        print(f"FAILED: {e}")
        sys.exit(1)
