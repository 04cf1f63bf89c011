#!/usr/bin/env python3
"""A static server for the host-page benchmark that behaves like a CDN: HTTP/1.1 keep-alive,
gzip (-6, cached per file) for text and wasm, application/wasm for .wasm. Standard library only.
Usage: serve.py PORT DIR [--isolated]

--isolated adds the headers that make a page cross-origin isolated (COOP same-origin, COEP
credentialless), so that its performance.now() counts in 5 µs steps instead of Chromium's
100 µs (the latency benchmark's clock; the host-page benchmark stays a plain article page)."""

import gzip
import http.server
import os
import sys

TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
         ".wasm": "application/wasm", ".png": "image/png", ".json": "application/json", ".svg": "image/svg+xml"}
COMPRESS = {".html", ".js", ".css", ".wasm", ".json", ".svg"}
CACHE = {}
ISOLATED = "--isolated" in sys.argv[3:]


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            self.send_error(404)
            return
        ext = os.path.splitext(path)[1]
        stamp = os.stat(path).st_mtime_ns
        key = (path, stamp)
        if key not in CACHE:
            with open(path, "rb") as f:
                raw = f.read()
            CACHE[key] = (raw, gzip.compress(raw, 6) if ext in COMPRESS else None)
        raw, packed = CACHE[key]
        body, encoded = raw, False
        if packed is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, encoded = packed, True
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")
        if ISOLATED:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "credentialless")
        if encoded:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    port, root = int(sys.argv[1]), sys.argv[2]
    os.chdir(root)
    http.server.ThreadingHTTPServer.daemon_threads = True
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
