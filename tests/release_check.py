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
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
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
        self.profile = tempfile.mkdtemp(prefix="courtside-chromium-")  # removed by close()
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
                                   "args": CHROME_ARGS + [f"--window-size={window}", f"--user-data-dir={self.profile}"]},
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
            shutil.rmtree(self.profile, ignore_errors=True)


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


# What the page fetched of the widget, by file name, and whether the elements are defined.
FETCHED = """(() => {
  const names = performance.getEntriesByType('resource').map((r) => r.name.split('?')[0].split('/').pop());
  const count = (n) => names.filter((x) => x === n).length;
  return { glue: count('courtside.js'), wasm: count('courtside_bg.wasm'), defined: !!customElements.get('courtside-scoreboard') };
})()"""

# The loader's script tag, added to a page that has no widget (the settings of the release page).
INJECT = """
const [settings] = arguments;
const s = document.createElement('script');
s.type = 'module';
s.src = '/loader.js';
for (const [k, v] of Object.entries(settings)) s.setAttribute('data-' + k, v);
document.head.append(s);
return true;
"""

# A widget's host box and its content: the loader reserves the box, the widget fills it.
BOX = """
const e = document.getElementById(ID), r = e.shadowRoot && e.shadowRoot.querySelector('.cs-root');
const ready = r && r.querySelector('[data-score=home], .cs-card');
return ready ? { host: e.getBoundingClientRect().height, content: r.getBoundingClientRect().height,
                 reserved: parseFloat(getComputedStyle(e).minHeight) } : null;
"""


def check_loading(browser, page, settings, match_id):
    """The loader fetches nothing without an element or while the element is far from the screen,
    fetches the module once one is scrolled near, and at once with data-load="eager"; each widget
    paints into the height reserved for it."""
    passed = 0
    # A page of the same origin with no widget: the server's listing of snippets/.
    blank = urllib.parse.urljoin(page, "snippets/")
    browser.go(blank)
    browser.js(INJECT, settings)
    browser.wait("return document.adoptedStyleSheets.length > 0", "the loader to run")
    time.sleep(1.5)
    fetched = browser.js("return " + FETCHED)
    assert fetched == {"glue": 0, "wasm": 0, "defined": False}, f"with no element on the page the loader fetched: {fetched}"
    print("test loader: nothing fetched while the page has no widget ... ok"); passed += 1
    browser.js(f"""
      const spacer = document.createElement('div');
      spacer.style.height = (4 * innerHeight) + 'px';
      const board = document.createElement('courtside-scoreboard');
      board.id = 'lazy';
      board.setAttribute('match', '{match_id}');
      const after = document.createElement('p');
      after.id = 'after';
      after.textContent = 'after the widget';
      document.body.append(spacer, board, after);
      window.__shifts = 0;
      new PerformanceObserver((l) => l.getEntries().forEach((e) => {{ if (!e.hadRecentInput) window.__shifts += e.value; }}))
        .observe({{ type: 'layout-shift', buffered: true }});
      return true;""")
    time.sleep(1.5)
    fetched = browser.js("return " + FETCHED)
    assert fetched["wasm"] == 0 and fetched["glue"] == 0, f"a widget four screens below the fold was fetched: {fetched}"
    print("test loader: nothing fetched while the widget is far below the fold ... ok"); passed += 1
    where = "const e = document.getElementById(arguments[0]).getBoundingClientRect(); return [e.top + scrollY, e.height];"
    board_before, after_before = browser.js(where, "lazy"), browser.js(where, "after")
    browser.js("document.getElementById('lazy').scrollIntoView({ block: 'center' }); return true")
    browser.wait("return document.getElementById('lazy').shadowRoot?.querySelector('[data-score=home]')?.textContent === '5'",
                 "the scrolled-to widget to show 5-0")
    fetched = browser.js("return " + FETCHED)
    assert fetched["wasm"] == 1 and fetched["glue"] == 1, f"the module was not fetched exactly once: {fetched}"
    print("test loader: fetched once the widget is scrolled near ... ok"); passed += 1
    time.sleep(0.5)
    board_after, after_after = browser.js(where, "lazy"), browser.js(where, "after")
    shifts = browser.js("return window.__shifts")
    assert board_after == board_before and after_after == after_before and shifts == 0, (
        f"the page moved when the widget painted: widget {board_before} -> {board_after}, next paragraph "
        f"{after_before} -> {after_after}, layout shift {shifts}; the reserved heights in src/embed/loader.js must "
        "match the widget's")
    print("test loader: the widget paints into its reserved box, the page does not move ... ok"); passed += 1
    # data-load="eager": fetched at once, with no element on the page.
    browser.go(blank)
    browser.js(INJECT, dict(settings, load="eager"))
    browser.wait(f"const f = {FETCHED}; return f.wasm === 1 && f.defined", 'the module fetched at once with data-load="eager"')
    print('test loader: data-load="eager" fetches at once ... ok'); passed += 1
    # Each kind and size fills the height the loader reserved for it (one row of cards for a
    # competition, which grows by rows).
    kinds = [("full", "courtside-scoreboard", {"match": str(match_id)}), ("compact", "courtside-scoreboard", {"match": str(match_id), "size": "compact"}),
             ("nano", "courtside-scoreboard", {"match": str(match_id), "size": "nano"}), ("ticker", "courtside-ticker", {}),
             ("competition", "courtside-competition", {"competition": "4"})]
    browser.js("""
      for (const [id, tag, attrs] of arguments[0]) {
        const e = document.createElement(tag);
        e.id = id;
        for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
        document.body.append(e);
      }
      return true;""", kinds)
    for kind, _, _ in kinds:
        box = browser.wait(BOX.replace("ID", repr(kind)), f"the {kind} widget with data")
        grows = kind == "competition"
        ok = box["reserved"] - 2 <= box["content"] and (grows or box["content"] <= box["reserved"])
        assert ok, (f"{kind}: the widget is {box['content']:.2f} px tall but src/embed/loader.js reserves "
                    f"{box['reserved']:.0f} px: update the reserved height")
    print("test loader: every kind and size fills the height reserved for it ... ok"); passed += 1
    # (The listing page has no icon: the browser's request for /favicon.ico is not the widget's.)
    errors = [l for l in browser.logs() if l.get("level") == "SEVERE" and "/favicon.ico" not in l["message"]]
    assert not errors, "loader page errors:\n" + "\n".join(l["message"] for l in errors)
    return passed


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
        settings = browser.js("const d = document.querySelector('script[data-gateway]').dataset; "
                              "return { gateway: d.gateway, host: d.host, port: d.port, tls: d.tls, key: d.key }")
        order = browser.js("""
          const nav = performance.getEntriesByType('navigation')[0];
          const wasm = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/courtside_bg.wasm'));
          return { load: nav.loadEventStart, wasm: wasm.map((r) => r.startTime),
                   reserved: getComputedStyle(document.getElementById('board')).minHeight,
                   preconnect: [...document.querySelectorAll('link[rel=preconnect]')].map((l) => [l.href, l.crossOrigin]) };""")
        assert len(order["wasm"]) == 1 and order["wasm"][0] >= order["load"], f"the wasm must be fetched once, after the load event: {order}"
        assert order["reserved"] not in ("0px", "auto"), f"the loader's stylesheet did not apply under the strict CSP: {order}"
        gateway = urllib.parse.urlsplit(settings["gateway"])
        socket_origin = f"{'http' if settings['tls'] in ('false', '0') else 'https'}://{settings['host']}:{settings['port']}/"
        hints = {href: cors for href, cors in order["preconnect"]}
        assert len(hints) == len(order["preconnect"]) == 2 and hints.get(socket_origin, "") is None \
            and hints.get(f"{gateway.scheme}://{gateway.netloc}/") in ("", "anonymous"), (
            f"preconnect hints {order['preconnect']}: expected the gateway's (crossorigin) and {socket_origin}")
        print("test release: the wasm comes after the page's load event; preconnect hints, reserved height under the CSP ... ok"); passed += 1
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
        passed += check_loading(browser, args.page, settings, match_id)
    finally:
        browser.close()
    print(f"test result: ok. {passed} passed; 0 failed")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, RuntimeError) as e:
        print(f"FAILED: {e}")
        sys.exit(1)
