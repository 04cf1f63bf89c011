#!/usr/bin/env python3
"""The host-page benchmark (bench/hostpage.sh runs it): a news article in headless Chromium, with
and without the widget, the widget far below the fold and then above it. Per run, a fresh
browser profile (a first visit), the network shaped like a home connection, and in the page
(bench/hostpage/measure.js, the page's first script):

  LCP  the host's Largest Contentful Paint: the last candidate before the reader scrolls
  TBT  the sum over long tasks of (duration - 50 ms), from navigation to the end of the run
  CLS  the sum of layout-shift values without recent input, from navigation to the end of the run
       (every shift counted, not only the worst session window: an upper bound of Chrome's CLS)

and which requests the page made before the reader scrolled and after. The reader scrolls down
like a skimmer (400 px every 100 ms) until the widget is mid-screen; the run ends 3 s after the
widget shows its score (or 3 s after the scroll, without the widget).

Variants: below / above (where the widget sits) x with / without it; below-eager (data-load="eager":
everything fetched at once, as the previous loader did); *-unreserved (a page rule cancels the
loader's reserved height: the CLS the reservation avoids); above-render-blocking (blocking="render"
on the script tag, so that the reservation is in place at the first paint).
Writes the per-run data and the summary as JSON; prints a table of medians and ranges.
"""

import argparse
import json
import os
import random
import statistics
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import release_check  # noqa: E402  (the Browser helper: chromedriver over plain HTTP)

HERE = os.path.dirname(os.path.abspath(__file__))

VARIANTS = {
    # name: (where the widget sits, extra attributes on the loader's script tag, a page rule that
    # cancels the loader's reserved height)
    "below": ("below", "", False),
    "below-eager": ("below", ' data-load="eager"', False),
    "below-unreserved": ("below", "", True),
    "above": ("above", "", False),
    "above-render-blocking": ("above", ' blocking="render"', False),
    "above-unreserved": ("above", "", True),
}


# ---------------------------------------------------------------------------- the page

def png(width, height, seed, block=4):
    """A PNG about as heavy as a news photo's JPEG (a 1200x675 hero: about 190 KB): a mosaic of
    4-pixel blocks over a smooth colour field."""
    rnd = random.Random(seed)
    base = [rnd.randrange(40, 160) for _ in range(3)]
    grid = [[bytes(min(255, base[c] + int(60 * (bx * block / width + c * by * block / height)) + rnd.randrange(0, 48))
                   for c in range(3)) for bx in range(width // block + 1)] for by in range(height // block + 1)]
    rows = []
    for y in range(height):
        cells = grid[y // block]
        rows.append(b"\0" + b"".join(cells[x // block] for x in range(width)))
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


WORDS = ("the season coach guard forward minutes rebound defence offence arena crowd fourth quarter "
         "league playoff contract trade rookie veteran shooting three-point rotation bench injury "
         "practice schedule franchise owner fans ticket city night win loss streak record points "
         "assists turnovers pace spacing lineup starter closing stretch timeout possession").split()


def paragraph(rnd, sentences=5):
    out = []
    for _ in range(sentences):
        words = [rnd.choice(WORDS) for _ in range(rnd.randrange(12, 26))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def write_pages(site, gateway, ws_port, key, match):
    rnd = random.Random(13)
    for name, (w, h, seed) in {"hero.png": (1200, 675, 1), "photo-1.png": (800, 450, 2), "photo-2.png": (800, 450, 3)}.items():
        path = os.path.join(site, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(png(w, h, seed))
    with open(os.path.join(HERE, "measure.js")) as src, open(os.path.join(site, "measure.js"), "w") as dst:
        dst.write(src.read())
    with open(os.path.join(HERE, "article.css")) as src, open(os.path.join(site, "article.css"), "w") as dst:
        dst.write(src.read())
    with open(os.path.join(site, "unreserved.css"), "w") as f:
        f.write("courtside-scoreboard { min-height: 0; }\n")
    paras = [paragraph(rnd) for _ in range(40)]
    widget = f'<courtside-scoreboard id="widget" match="{match}" lang="en"></courtside-scoreboard>'
    pages = {}
    for variant, (where, attrs, unreserved) in VARIANTS.items():
        for with_widget in (True, False):
            if not with_widget and variant not in ("below", "above"):
                continue
            name = f"{variant}-{'with' if with_widget else 'without'}.html"
            loader = ""
            if with_widget:
                loader = (f'\n  <script type="module" src="loader.js" data-gateway="{gateway}" data-host="127.0.0.1"'
                          f' data-port="{ws_port}" data-tls="false" data-key="{key}"{attrs}></script>')
            extra_css = '\n  <link rel="stylesheet" href="unreserved.css">' if unreserved else ""
            body = []
            for i, p in enumerate(paras):
                if i == 12:
                    body.append('<figure><img src="photo-1.png" width="800" height="450" loading="lazy" alt="The bench '
                                'during a timeout"><figcaption>The bench during a timeout.</figcaption></figure>')
                if i == 24:
                    body.append('<figure><img src="photo-2.png" width="800" height="450" loading="lazy" alt="Fans at '
                                'the arena"><figcaption>Fans at the arena.</figcaption></figure>')
                if with_widget and where == "below" and i == 32:
                    body.append('<h2>Live: the game tonight</h2>\n' + widget)
                if i in (8, 20, 30):
                    body.append(f"<h2>{paragraph(rnd, 1)[:48].rstrip()}</h2>")
                body.append(f"<p>{p}</p>")
            top = f"\n    {widget}" if with_widget and where == "above" else ""
            csp = (f"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' {gateway} "
                   f"ws://127.0.0.1:{ws_port}; style-src 'self'; img-src 'self' data:")
            html = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="{csp}">
  <title>Late run seals it: the home side holds on in overtime</title>
  <link rel="icon" href="data:,">
  <script src="measure.js"></script>
  <link rel="stylesheet" href="article.css">{extra_css}{loader}
</head>
<body>
  <header class="masthead"><a class="brand" href="#">The Daily Court</a>
    <nav><a href="#">News</a> <a href="#">Scores</a> <a href="#">Opinion</a> <a href="#">Video</a></nav></header>
  <main>
  <article>
    <p class="kicker">Basketball</p>
    <h1>Late run seals it: the home side holds on in overtime</h1>
    <p class="byline">By A. Reporter · 28 November · 6 min read</p>{top}
    <figure class="hero"><img src="hero.png" width="1200" height="675" fetchpriority="high" alt="A guard drives to the basket">
      <figcaption>A guard drives to the basket in the fourth quarter.</figcaption></figure>
    <p class="lede">{paragraph(rnd, 3)}</p>
    {chr(10).join('    ' + b for b in body)}
  </article>
  </main>
  <footer>© The Daily Court</footer>
</body>
</html>
"""
            with open(os.path.join(site, name), "w") as f:
                f.write(html)
            pages[(variant, with_widget)] = name
    return pages


# ---------------------------------------------------------------------------- one run

SNAPSHOT = """
const hp = window.__hp, nav = performance.getEntriesByType('navigation')[0];
const w = document.getElementById('widget');
return JSON.stringify({
  lcp: hp.lcp, shifts: hp.shifts, tasks: hp.tasks, visibleAt: hp.visibleAt, paintedAt: hp.paintedAt,
  scrolledAt: hp.scrolledAt, scrollDone: hp.scrollDone || null, load: nav.loadEventEnd, fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null,
  resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name.startsWith(location.origin) ? r.name.slice(location.origin.length) : r.name,
    start: Math.round(r.startTime), end: Math.round(r.responseEnd), bytes: r.transferSize, type: r.initiatorType })),
  preconnect: [...document.querySelectorAll('link[rel=preconnect]')].map((l) => l.href + (l.crossOrigin !== null ? ' crossorigin' : '')),
  widgetHeight: w ? w.getBoundingClientRect().height : null, viewport: [innerWidth, innerHeight],
  unsupported: Object.keys(hp).filter((k) => k.endsWith('Unsupported')),
});
"""


def cdp(browser, cmd, params):
    return release_check.request("POST", browser.url + "/goog/cdp/execute", {"cmd": cmd, "params": params})


def one_run(args, url, with_widget, ports):
    release_check.free_port = lambda: next(ports)
    browser = release_check.Browser(window=args.window)
    try:
        cdp(browser, "Network.enable", {})
        cdp(browser, "Network.emulateNetworkConditions", {
            "offline": False, "latency": args.rtt, "downloadThroughput": args.down_kbps * 1000 / 8,
            "uploadThroughput": args.up_kbps * 1000 / 8})
        if args.cpu > 1:
            cdp(browser, "Emulation.setCPUThrottlingRate", {"rate": args.cpu})
        browser.go(url)  # returns after the load event
        # Settle: the widget above the fold paints after load; give it (or the page) time.
        deadline = time.time() + 15
        if with_widget:
            settled = ("const w = document.getElementById('widget');"
                       "return window.__hp.paintedAt !== null || w.getBoundingClientRect().top > 2 * innerHeight")
            while time.time() < deadline and not browser.js(settled):
                time.sleep(0.05)
        time.sleep(3)
        before = json.loads(browser.js(SNAPSHOT))
        browser.js(f"window.__hp.scrollToWidget({args.step}, {args.every}); return true")
        browser.wait("return window.__hp.scrollDone", "the scroll to end", timeout=60)
        if with_widget:
            deadline = time.time() + 20
            while time.time() < deadline and browser.js("return window.__hp.paintedAt") is None:
                time.sleep(0.05)
        time.sleep(3)
        after = json.loads(browser.js(SNAPSHOT))
        severe = [l["message"] for l in browser.logs() if l.get("level") == "SEVERE"]
    finally:
        browser.close()
    return summarize(before, after, severe)


def tbt(tasks, until=None):
    return sum(max(0.0, t["d"] - 50) for t in tasks if until is None or t["t"] < until)


def cls(shifts, until=None):
    return sum(s["value"] for s in shifts if not s["input"] and (until is None or s["t"] < until))


def summarize(before, after, severe):
    scrolled = after["scrolledAt"]
    lcp = [e for e in after["lcp"] if e["t"] < scrolled]
    is_ours = lambda r: r["name"].split("?")[0].rsplit("/", 1)[-1] in ("loader.js", "courtside.js", "courtside_bg.wasm") or "/snippets/" in r["name"]
    ours = [r for r in after["resources"] if is_ours(r)]
    wasm = [r for r in after["resources"] if r["name"].endswith("courtside_bg.wasm")]
    gateway = [r for r in after["resources"] if r["name"].startswith("http") and not is_ours(r)]
    return {
        "lcp_ms": round(lcp[-1]["t"], 1) if lcp else None,
        "lcp_element": lcp[-1]["element"] if lcp else None,
        "fcp_ms": round(after["fcp"], 1) if after["fcp"] else None,
        "load_ms": round(after["load"], 1),
        "tbt_ms": round(tbt(after["tasks"]), 1),
        "tbt_before_scroll_ms": round(tbt(after["tasks"], scrolled), 1),
        "long_tasks": len(after["tasks"]),
        "longest_task_ms": round(max([t["d"] for t in after["tasks"]], default=0), 1),
        "cls": round(cls(after["shifts"]), 4),
        "cls_before_scroll": round(cls(after["shifts"], scrolled), 4),
        "shift_sources": sorted({s for e in after["shifts"] for s in e["sources"] if s}),
        "wasm_before_scroll": any(r["start"] < scrolled for r in wasm),
        "wasm_fetches": len(wasm),
        "widget_requests_before_scroll": [r["name"] for r in ours + gateway if r["start"] < scrolled],
        "widget_requests_after_scroll": [r["name"] for r in ours + gateway if r["start"] >= scrolled],
        "requests_before_scroll": len([r for r in after["resources"] if r["start"] < scrolled]),
        "requests_after_scroll": len([r for r in after["resources"] if r["start"] >= scrolled]),
        "bytes_before_scroll": sum(r["bytes"] for r in after["resources"] if r["start"] < scrolled),
        "bytes_after_scroll": sum(r["bytes"] for r in after["resources"] if r["start"] >= scrolled),
        "widget_bytes": sum(r["bytes"] for r in ours),
        "widget_bytes_before_scroll": sum(r["bytes"] for r in ours if r["start"] < scrolled),
        "wasm_request_after_scroll_ms": round(wasm[0]["start"] - scrolled, 1) if wasm and wasm[0]["start"] >= scrolled else None,
        "visible_to_painted_ms": (round(after["paintedAt"] - after["visibleAt"], 1)
                                  if after["paintedAt"] is not None and after["visibleAt"] is not None else None),
        "painted_ms": round(after["paintedAt"], 1) if after["paintedAt"] is not None else None,
        "widget_height": after["widgetHeight"],
        "preconnect": after["preconnect"],
        "page_errors": severe,
        "unsupported": after["unsupported"],
        "viewport": after["viewport"],
    }


# ---------------------------------------------------------------------------- the table

def med_range(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    lo, hi, med = min(values), max(values), statistics.median(values)
    return f"{fmt(med)} ({fmt(lo)}–{fmt(hi)})"


def table(results):
    ms = lambda v: f"{v:.0f}"
    score = lambda v: f"{v:.3f}"
    kb = lambda v: f"{v / 1000:.1f} KB"
    lines = ["| page | runs | LCP ms | TBT ms | CLS | wasm fetched before scroll | widget bytes before / after scroll (median) | visible→painted ms |",
             "|---|---|---|---|---|---|---|---|"]
    for key, runs in results.items():
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
            key, len(runs), med_range([r["lcp_ms"] for r in runs], ms), med_range([r["tbt_ms"] for r in runs], ms),
            med_range([r["cls"] for r in runs], score), f"{sum(r['wasm_before_scroll'] for r in runs)}/{len(runs)}",
            kb(statistics.median([r["widget_bytes_before_scroll"] for r in runs])) + " / "
            + kb(statistics.median([r["widget_bytes"] - r["widget_bytes_before_scroll"] for r in runs])),
            med_range([r["visible_to_painted_ms"] for r in runs], ms)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True, help="the directory the page server serves")
    ap.add_argument("--base", required=True, help="the page server's URL")
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--ws-port", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--match", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", required=True)
    ap.add_argument("--driver-ports", default="29500-29599")
    ap.add_argument("--window", default="1280,800")
    ap.add_argument("--rtt", type=float, default=40, help="round trip added per request, ms")
    ap.add_argument("--down-kbps", type=float, default=10000)
    ap.add_argument("--up-kbps", type=float, default=5000)
    ap.add_argument("--cpu", type=float, default=1, help="CPU slow-down factor (Emulation.setCPUThrottlingRate)")
    ap.add_argument("--step", type=int, default=400)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    pages = write_pages(args.site, args.gateway, args.ws_port, args.key, args.match)
    lo, hi = map(int, args.driver_ports.split("-"))
    ports = iter(list(range(lo, hi + 1)) * 100)
    wanted = args.variants.split(",")
    keys = [k for k in pages if k[0] in wanted]
    results = {f"{v} {'with' if w else 'without'}": [] for v, w in keys}
    for i in range(args.runs):  # interleaved, so drift in the machine's load hits every page alike
        for variant, with_widget in keys:
            label = f"{variant} {'with' if with_widget else 'without'}"
            r = one_run(args, f"{args.base}/{pages[(variant, with_widget)]}", with_widget, ports)
            results[label].append(r)
            print(f"  run {i + 1}/{args.runs} {label:24} LCP {r['lcp_ms']} ms ({r['lcp_element']})  TBT {r['tbt_ms']} ms  "
                  f"CLS {r['cls']}  wasm before scroll: {r['wasm_before_scroll']}  visible→painted {r['visible_to_painted_ms']}",
                  flush=True)
    summary = table(results)
    print()
    print(summary)
    with open(args.json, "w") as f:
        json.dump({"settings": {k: v for k, v in vars(args).items() if k not in ("json",)},
                   "chromium": os.popen("chromium --version 2>/dev/null").read().strip(),
                   "table": summary, "runs": results}, f, indent=1)
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
