#!/usr/bin/env bash
# courtside against pusher-js + laravel-echo (vendored from npm here, never committed), in one
# headless Chromium run driven by bench/compare (fantoccini, WebDriver): bundle sizes, event→DOM
# latency, cold start, lost events and long tasks; then throughput (300 games into a ticker at
# 5,000 events/s: events lost, long tasks, DOM patches per card per frame). Prints the table; JSON under bench/results/.
# BENCH_EVENTS (2000), BENCH_RATE (50/s), BENCH_ROUNDS (3). Not part of the test command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
SOCKUDO_PORT=${BENCH_SOCKUDO_PORT:-46001}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-48787}
PAGE_PORT=${BENCH_PAGE_PORT:-48080}
DRIVER_PORT=${BENCH_DRIVER_PORT:-49515}

"$ROOT/scripts/bootstrap.sh"
vendor="$ROOT/bench/vendor"
if [[ ! -f $vendor/node_modules/pusher-js/dist/web/pusher.min.js || ! -f $vendor/node_modules/laravel-echo/dist/echo.iife.js ]]; then
  say "vendoring pusher-js and laravel-echo from npm"
  mkdir -p "$vendor" && (cd "$vendor" && npm install --no-audit --no-fund --silent pusher-js@8.6.0 laravel-echo@2.5.0 >/dev/null)
fi
say "building the release widget and the benchmark driver"
[[ -f target/release-dist/courtside_bg.wasm ]] || "$ROOT/scripts/build-release.sh" "$ROOT/target/release-dist" >"$RUN_DIR/compare-release.log" 2>&1
(cd bench/compare && cargo build -q --release)

cleanup() { stop_bg "compare-driver"; stop_bg "page-$PAGE_PORT"; stop_bg "gateway-$GATEWAY_PORT"; stop_bg "sockudo-$SOCKUDO_PORT"; }
trap cleanup EXIT
start_sockudo "$SOCKUDO_PORT"
GATEWAY_PROFILE=release start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT" COURTSIDE_RATE_PER_IP=1000000 COURTSIDE_RATE_PER_TOKEN=1000000

site="$ROOT/target/compare-site"
rm -rf "$site" && mkdir -p "$site"
stage_widget target/release-dist "$site"
cp "$vendor/node_modules/pusher-js/dist/web/pusher.min.js" "$vendor/node_modules/laravel-echo/dist/echo.iife.js" "$site/"
cp bench/compare/pages/*.js "$site/"
for page in courtside reference ticker; do
  fill_page "bench/compare/pages/$page.html" "$site/$page.html" "$GATEWAY_PORT" "$SOCKUDO_PORT"
done
start_bg "page-$PAGE_PORT" "$PAGE_PORT" python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$site"
start_bg "compare-driver" "$DRIVER_PORT" /usr/bin/chromedriver --port="$DRIVER_PORT"

snippet=$(cd "$site" && find snippets -name '*.js' | paste -sd, -)
mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
BENCH_GATEWAY="http://127.0.0.1:$GATEWAY_PORT" BENCH_SITE="$site" BENCH_DRIVER_PORT="$DRIVER_PORT" \
BENCH_COURTSIDE_URL="http://127.0.0.1:$PAGE_PORT/courtside.html" BENCH_REFERENCE_URL="http://127.0.0.1:$PAGE_PORT/reference.html" \
BENCH_OURS="loader.js,courtside.js,courtside_bg.wasm,$snippet" BENCH_THEIRS="pusher.min.js,echo.iife.js,reference.js" \
BENCH_JSON="$ROOT/bench/results/compare-$stamp.json" \
  bench/compare/target/release/courtside-compare

say "throughput: ${BENCH_GAMES:-300} games on one ticker, ${BENCH_TP_RATE:-5000} events/s for ${BENCH_TP_SECONDS:-30} s"
BENCH_MODE=throughput BENCH_GATEWAY="http://127.0.0.1:$GATEWAY_PORT" BENCH_PUSHER_HTTP="http://127.0.0.1:$SOCKUDO_PORT" \
BENCH_DRIVER_PORT="$DRIVER_PORT" BENCH_TICKER_URL="http://127.0.0.1:$PAGE_PORT/ticker.html" \
BENCH_JSON="$ROOT/bench/results/compare-$stamp.json" \
  bench/compare/target/release/courtside-compare
