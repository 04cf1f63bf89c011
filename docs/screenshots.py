#!/usr/bin/env python3
"""Screenshots of the real release build for the README: each variant on its own page,
captured element by element in headless Chromium. Run by scripts/screenshots.sh."""

import base64
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from release_check import Browser, request  # noqa: E402

READY = """
const el = document.querySelector(arguments[0]);
const r = el && el.shadowRoot;
return !!(r && (r.querySelector('[data-score=home]') || r.querySelector('.cs-card')));
"""


def main():
    base, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    browser = Browser(window="1000,900")
    try:
        for name in ["light", "dark", "compact", "nano", "ticker", "competition", "german", "pushes-directory", "postponed"]:
            browser.go(f"{base}/{name}.html")
            browser.wait(READY.replace("arguments[0]", "'#shot'"), f"{name} to render", timeout=30)
            time.sleep(1.6)  # let the score highlight and the carousel slide finish: a still picture
            el = request("POST", browser.url + "/element", {"using": "css selector", "value": "#frame"})["value"]
            el_id = list(el.values())[0]
            png = base64.b64decode(request("GET", f"{browser.url}/element/{el_id}/screenshot")["value"])
            with open(os.path.join(out, f"{name}.png"), "wb") as f:
                f.write(png)
            print(f"{out}/{name}.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
