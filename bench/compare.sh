#!/usr/bin/env bash
# courtside against pusher-js 8.6.0 + laravel-echo 2.5.0 (from .tools/node_modules, where
# scripts/bootstrap.sh installs them for the JS API's parity test too), driven in headless
# Chromium by bench/compare (fantoccini, WebDriver). Five parts, each run in rounds, each printing
# for every metric and both sides the median over the rounds and the range (min–max), naming the
# rounds that lost events and how (they stay in the figures), and writing JSON with every
# round's figures under bench/results/ (BENCH_PARTS picks some, default all five):
#   latency     sizes, event→DOM latency, cold start, lost events, long tasks (both pages,
#               interleaved rounds; BENCH_EVENTS 2000, BENCH_RATE 50/s, BENCH_ROUNDS 3)
#   throughput  300 games into one ticker at 5,000 events/s for 30 s (BENCH_GAMES, BENCH_TP_RATE,
#               BENCH_TP_SECONDS, BENCH_TP_ROUNDS 3), courtside's ticker and a pusher-js + echo
#               one (pages/ticker-reference.js), each in its own browser, one after the other:
#               events sent and received, cards on their last score, cards that missed events
#               and were recovered by a snapshot or not, the server's slow-consumer disconnects,
#               long tasks (start-up and flood) and long animation frames with where their time
#               went, DOM patches per card per frame, time until every card is right after the
#               last publish (BENCH_TP_SETTLE_S 10 at most) (about 1 minute a round and side);
#               BENCH_TP_RECONNECT_AT_S=N forces a reconnect N s into each flood (a check)
#   memory      1,000,000 events and 1,000 forced reconnects into both pages (BENCH_MEM_EVENTS,
#               BENCH_MEM_RECONNECTS, BENCH_MEM_RATE 2000/s, BENCH_MEM_ROUNDS 3): JS heap and
#               wasm memory, start and end, events missed (about 9 minutes a round)
#   recovery    sockudo killed and restarted under 100 readers of each library, each its own
#               socket (BENCH_READERS, BENCH_RECOVERY_ROUNDS 3): time until all are back, spread
#               of the reconnect attempts
#   hostpage    the host page's LCP, TBT and CLS with and without the widget, below and above the
#               fold (bench/hostpage.sh on the same widget build, its own servers and ports;
#               BENCH_HP_* as there; about 8 minutes)
#   profile     (only when asked for: BENCH_PARTS=profile) Chromium's sampling profiler on both
#               sides, the scoreboard page (BENCH_PROFILE_EVENTS 1000 at BENCH_PROFILE_RATE 100/s)
#               and the ticker page (BENCH_PROFILE_SECONDS 10 at BENCH_TP_RATE): time by kind and
#               the functions with the most self time; wasm functions are named when the build in
#               BENCH_WIDGET_DIST kept its name section (trunk with data-wasm-opt="0" data-keep-debug)
# Every event the benchmark sends goes through the demo league (POST /demo/publish, batches in
# throughput and memory), so the snapshots serve it too and a lost event can be told from a
# recovered one; the league keeps BENCH_GAMES + 1000 hand-made matches (COURTSIDE_DEMO_MAX_MANUAL).
# Not part of the test command: a full run takes about 50 minutes (memory's three rounds, 28).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
SOCKUDO_PORT=${BENCH_SOCKUDO_PORT:-46001}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-48787}
PAGE_PORT=${BENCH_PAGE_PORT:-48080}
DRIVER_PORT=${BENCH_DRIVER_PORT:-49515}

"$ROOT/scripts/bootstrap.sh"
reference=("$TOOLS/node_modules/pusher-js/dist/web/pusher.min.js" "$TOOLS/node_modules/laravel-echo/dist/echo.iife.js")
for f in "${reference[@]}"; do [[ -f $f ]] || die "$f is missing: scripts/bootstrap.sh installs pusher-js and laravel-echo"; done
version_of() { node -p "require('$TOOLS/node_modules/$1/package.json').version"; }
say "the reference: pusher-js $(version_of pusher-js), laravel-echo $(version_of laravel-echo)"
[[ $(version_of pusher-js) == 8.6.0 && $(version_of laravel-echo) == 2.5.0 ]] \
  || say "warning: not the versions this benchmark is about (pusher-js 8.6.0, laravel-echo 2.5.0): reinstall them in .tools"
say "building the release widget and the benchmark driver"
# BENCH_WIDGET_DIST: a release build of the widget to measure (default target/release-dist, built
# here when missing). A build older than the last commit to the widget's sources is measured
# anyway, with a warning: rebuild it with scripts/build-release.sh to measure the tree.
widget=${BENCH_WIDGET_DIST:-$ROOT/target/release-dist}
[[ -f $widget/courtside_bg.wasm ]] || "$ROOT/scripts/build-release.sh" "$widget" >"$RUN_DIR/compare-release.log" 2>&1
last_change=$(git -C "$ROOT" log -1 --format=%ct -- src Cargo.toml Cargo.lock index.html style Trunk.toml 2>/dev/null || echo 0)
if (( $(stat -c %Y "$widget/courtside_bg.wasm") < last_change )); then
  say "warning: $widget was built before the last commit to the widget ($(git -C "$ROOT" log -1 --format='%h %ci' -- src Cargo.toml Cargo.lock index.html style Trunk.toml)): it measures an older widget"
fi
say "the widget measured: $widget (built $(date -u -r "$widget/courtside_bg.wasm" +%Y-%m-%dT%H:%M:%SZ))"
(cd bench/compare && CARGO_TARGET_DIR="$ROOT/target/compare" cargo build -q --release)

PARTS=${BENCH_PARTS:-latency throughput memory recovery hostpage}
wants() { [[ " $PARTS " == *" $1 "* ]]; }
cleanup() { stop_bg "compare-driver"; stop_bg "page-$PAGE_PORT"; stop_bg "gateway-$GATEWAY_PORT"; stop_bg "sockudo-$SOCKUDO_PORT"; }
trap cleanup EXIT
start_sockudo "$SOCKUDO_PORT"
GATEWAY_PROFILE=release start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT" COURTSIDE_RATE_PER_IP=1000000 COURTSIDE_RATE_PER_TOKEN=1000000 \
  COURTSIDE_RATE_TOKEN_PER_IP=1000000 COURTSIDE_RATE_AUTH_GLOBAL=1000000 \
  COURTSIDE_DEMO_MAX_MANUAL=$(( ${BENCH_GAMES:-300} + 1000 ))   # every benchmark reader shares 127.0.0.1

site="$ROOT/target/compare-site"
rm -rf "$site" && mkdir -p "$site"
stage_widget "$widget" "$site"
cp "${reference[@]}" "$site/"
cp bench/compare/pages/*.js "$site/"
for page in courtside reference ticker ticker-reference recovery; do
  fill_page "bench/compare/pages/$page.html" "$site/$page.html" "$GATEWAY_PORT" "$SOCKUDO_PORT"
done
# Cross-origin isolated pages: performance.now() in 5 µs steps, not 100 µs (both pages alike).
start_bg "page-$PAGE_PORT" "$PAGE_PORT" python3 "$ROOT/bench/hostpage/serve.py" "$PAGE_PORT" "$site" --isolated
start_bg "compare-driver" "$DRIVER_PORT" /usr/bin/chromedriver --port="$DRIVER_PORT"

snippet=$(cd "$site" && find snippets -name '*.js' | paste -sd, -)
mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
export BENCH_GATEWAY="http://127.0.0.1:$GATEWAY_PORT" \
  BENCH_DRIVER_PORT="$DRIVER_PORT" BENCH_JSON="$ROOT/bench/results/compare-$stamp.json" \
  BENCH_COURTSIDE_URL="http://127.0.0.1:$PAGE_PORT/courtside.html" BENCH_REFERENCE_URL="http://127.0.0.1:$PAGE_PORT/reference.html" \
  BENCH_SOCKUDO_LOG="$RUN_DIR/sockudo-$SOCKUDO_PORT.log"
driver="$ROOT/target/compare/release/courtside-compare"

if wants latency; then
  say "latency, sizes and cold start: ${BENCH_EVENTS:-2000} events at ${BENCH_RATE:-50}/s, ${BENCH_ROUNDS:-3} rounds"
  BENCH_SITE="$site" BENCH_OURS="loader.js,courtside.js,courtside_bg.wasm,$snippet" BENCH_THEIRS="pusher.min.js,echo.iife.js,echo-setup.js,reference.js" \
    "$driver"
fi
if wants throughput; then
  say "throughput: ${BENCH_GAMES:-300} games on one ticker, ${BENCH_TP_RATE:-5000} events/s for ${BENCH_TP_SECONDS:-30} s, ${BENCH_TP_ROUNDS:-3} rounds"
  BENCH_MODE=throughput BENCH_TICKER_URL="http://127.0.0.1:$PAGE_PORT/ticker.html" \
    BENCH_TICKER_REFERENCE_URL="http://127.0.0.1:$PAGE_PORT/ticker-reference.html" "$driver"
fi
if wants profile; then
  say "profile: the scoreboard and the ticker on both sides, Chromium's sampling profiler"
  BENCH_MODE=profile BENCH_TICKER_URL="http://127.0.0.1:$PAGE_PORT/ticker.html" \
    BENCH_TICKER_REFERENCE_URL="http://127.0.0.1:$PAGE_PORT/ticker-reference.html" "$driver"
fi
if wants memory; then
  say "memory: ${BENCH_MEM_EVENTS:-1000000} events and ${BENCH_MEM_RECONNECTS:-1000} forced reconnects, ${BENCH_MEM_ROUNDS:-3} rounds"
  BENCH_MODE=memory "$driver"
fi
if wants recovery; then
  say "recovery: sockudo killed and restarted under ${BENCH_READERS:-100} readers of each library, ${BENCH_RECOVERY_ROUNDS:-3} rounds per set-up"
  restart="source '$ROOT/scripts/lib.sh'; kill -9 \$(cat '$RUN_DIR/sockudo-$SOCKUDO_PORT.pid'); rm -f '$RUN_DIR/sockudo-$SOCKUDO_PORT.pid'; while port_open $SOCKUDO_PORT; do sleep 0.02; done; start_sockudo $SOCKUDO_PORT"
  BENCH_MODE=recovery BENCH_RESTART="$restart" BENCH_RECOVERY_URL="http://127.0.0.1:$PAGE_PORT/recovery.html" "$driver"
fi
if wants hostpage; then
  say "host page: LCP, TBT and CLS of an article with and without the widget (bench/hostpage.sh)"
  "$ROOT/bench/hostpage.sh" "$widget"
fi
