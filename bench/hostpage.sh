#!/usr/bin/env bash
# The widget's cost to the page that embeds it: a news article in headless Chromium, with and
# without the widget, the widget far below the fold and above it (bench/hostpage/run.py says what
# is measured and how). Prints a table (median and range over BENCH_HP_RUNS runs, default 5) and
# writes bench/results/hostpage-<timestamp>.json. Not part of the test command (about 8 minutes).
#   bench/hostpage.sh [DIST]   DIST: a release build (default: built into target/hostpage-dist)
# Ports: BENCH_HP_SOCKUDO_PORT (29001), BENCH_HP_GATEWAY_PORT (29787), BENCH_HP_PAGE_PORT (29080),
# chromedriver on BENCH_HP_DRIVER_PORTS (29500-29599). Network shaping: BENCH_HP_RTT (40 ms),
# BENCH_HP_DOWN_KBPS (10000), BENCH_HP_CPU (1: no CPU slow-down), BENCH_HP_WINDOW (1280,800);
# BENCH_HP_VARIANTS picks pages (bench/hostpage/run.py lists them). A phone-like run (Lighthouse's
# mobile profile): BENCH_HP_RTT=150 BENCH_HP_DOWN_KBPS=1600 BENCH_HP_CPU=4 BENCH_HP_WINDOW=412,915.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
SOCKUDO_PORT=${BENCH_HP_SOCKUDO_PORT:-29001}
GATEWAY_PORT=${BENCH_HP_GATEWAY_PORT:-29787}
PAGE_PORT=${BENCH_HP_PAGE_PORT:-29080}

dist=${1:-$ROOT/target/hostpage-dist}
if [[ ! -f $dist/courtside_bg.wasm ]]; then
  say "building the release widget into $dist"
  "$ROOT/scripts/build-release.sh" "$dist" >"$RUN_DIR/hostpage-release.log" 2>&1 \
    || { tail -n 40 "$RUN_DIR/hostpage-release.log"; die "release build failed"; }
fi
[[ -s $dist/courtside_bg.wasm ]] || die "$dist/courtside_bg.wasm is empty: rebuild it"

cleanup() { stop_bg "page-$PAGE_PORT"; stop_bg "gateway-$GATEWAY_PORT"; stop_bg "sockudo-$SOCKUDO_PORT"; }
trap cleanup EXIT
start_sockudo "$SOCKUDO_PORT"
start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT"

site="$ROOT/target/hostpage-site"
rm -rf "$site" && mkdir -p "$site"
stage_widget "$dist" "$site"
start_bg "page-$PAGE_PORT" "$PAGE_PORT" python3 "$ROOT/bench/hostpage/serve.py" "$PAGE_PORT" "$site"

# One hand-made live match for every run: a score and a last event, so the board is full height.
match=$((700000 + RANDOM))
curl -fsS -X POST -H "Authorization: Bearer $DEMO_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"match_id\":$match,\"home_score\":54,\"away_score\":49}" "http://127.0.0.1:$GATEWAY_PORT/demo/publish" >/dev/null

mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
for f in loader.js courtside.js courtside_bg.wasm; do
  printf '  %-18s %7d B  %6d B gzip -9\n' "$f" "$(stat -c %s "$dist/$f")" "$(gzip -9c "$dist/$f" | wc -c)"
done
say "host page: ${BENCH_HP_RUNS:-5} runs of each page, RTT ${BENCH_HP_RTT:-40} ms, ${BENCH_HP_DOWN_KBPS:-10000} kbit/s down, CPU ×${BENCH_HP_CPU:-1}, window ${BENCH_HP_WINDOW:-1280,800}"
python3 bench/hostpage/run.py --site "$site" --base "http://127.0.0.1:$PAGE_PORT" \
  --gateway "http://127.0.0.1:$GATEWAY_PORT" --ws-port "$SOCKUDO_PORT" --key "$PUSHER_APP_KEY" --match "$match" \
  --runs "${BENCH_HP_RUNS:-5}" --rtt "${BENCH_HP_RTT:-40}" --down-kbps "${BENCH_HP_DOWN_KBPS:-10000}" \
  --cpu "${BENCH_HP_CPU:-1}" --window "${BENCH_HP_WINDOW:-1280,800}" --driver-ports "${BENCH_HP_DRIVER_PORTS:-29500-29599}" \
  ${BENCH_HP_VARIANTS:+--variants "$BENCH_HP_VARIANTS"} --json "bench/results/hostpage-$stamp.json"
