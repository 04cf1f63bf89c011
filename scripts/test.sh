#!/usr/bin/env bash
# Runs every test: native unit and integration tests, browser tests in headless Chromium
# against a real sockudo and the real gateway, and the release build loaded in Chromium.
# Ports (test-only, so a running demo is not disturbed): COURTSIDE_TEST_SOCKUDO_PORT (16001),
# COURTSIDE_TEST_GATEWAY_PORT (18787), COURTSIDE_TEST_PAGE_PORT (18080), COURTSIDE_TEST_PEER_PORT
# (17001, the scripted Reverb-like peer of tests/peer).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SOCKUDO_PORT=${COURTSIDE_TEST_SOCKUDO_PORT:-16001}
GATEWAY_PORT=${COURTSIDE_TEST_GATEWAY_PORT:-18787}
PAGE_PORT=${COURTSIDE_TEST_PAGE_PORT:-18080}
PEER_PORT=${COURTSIDE_TEST_PEER_PORT:-17001}
started=$SECONDS

"$ROOT/scripts/bootstrap.sh"

cleanup() {
  stop_bg "page-$PAGE_PORT"
  stop_bg "peer-$PEER_PORT"
  stop_bg "gateway-$GATEWAY_PORT"
  stop_bg "sockudo-$SOCKUDO_PORT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

results="$RUN_DIR/test-results.txt"
: >"$results"
count() { grep -E '^test result: ' | tee -a "$results" >/dev/null || true; }
# run_logged LOG CMD...: run CMD, keep its whole output in LOG, show the summary lines.
run_logged() {
  local log=$1 rc
  shift
  set +e
  "$@" 2>&1 | tee "$log" | grep -E --line-buffered '^(test result|error(\[|:)|failures:|---- |test .* FAILED|thread .* panicked)'
  rc=${PIPESTATUS[0]}
  set -e
  return "$rc"
}

say "1/4 native tests (protocol engine, store, gateway)"
run_logged "$RUN_DIR/native.log" cargo test --workspace || die "native tests failed (log: $RUN_DIR/native.log)"
count <"$RUN_DIR/native.log"

say "starting sockudo, the gateway and the scripted peer for the browser tests"
cargo build -q -p courtside-peer
start_bg "peer-$PEER_PORT" "$PEER_PORT" "$ROOT/target/debug/courtside-peer" "$PEER_PORT"
start_sockudo "$SOCKUDO_PORT"
start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT" \
  COURTSIDE_CHANNELS='private-match.*,private-competition.*,private-games,!private-match.403*'

say "2/4 browser tests (wasm-bindgen-test, headless Chromium): end to end, and the $(grep -vc '^#' tests/scenarios.txt) fault scenarios of tests/scenarios.txt"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120
export COURTSIDE_PEER_PORT="$PEER_PORT"
export COURTSIDE_E2E_GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
export COURTSIDE_E2E_WS_PORT="$SOCKUDO_PORT"
export COURTSIDE_E2E_KEY="$PUSHER_APP_KEY"
run_logged "$RUN_DIR/browser.log" cargo test --target wasm32-unknown-unknown \
  || die "browser tests failed (log: $RUN_DIR/browser.log)"
count <"$RUN_DIR/browser.log"

say "3/4 release build (scripts/build-release.sh: nightly build-std, wasm-opt -Oz from binaryen 132)"
"$ROOT/scripts/build-release.sh" "$ROOT/target/release-dist" >"$RUN_DIR/release.log" 2>&1 \
  || { tail -n 40 "$RUN_DIR/release.log"; die "release build failed"; }
for f in courtside_bg.wasm courtside.js loader.js; do
  printf '  %-18s %7d B  %6d B gzip -9\n' "$f" "$(stat -c %s "target/release-dist/$f")" "$(gzip -9c "target/release-dist/$f" | wc -c)"
done

say "4/4 the release build in headless Chromium (strict CSP, live event, no page errors, the hostile page)"
site="$ROOT/target/release-check"
rm -rf "$site" && mkdir -p "$site"
stage_widget target/release-dist "$site"
fill_page tests/release/page.html "$site/index.html" "$GATEWAY_PORT" "$SOCKUDO_PORT"
fill_page examples/hostile.html "$site/hostile.html" "$GATEWAY_PORT" "$SOCKUDO_PORT"
cp examples/hostile.css examples/hostile.js "$site/"
start_bg "page-$PAGE_PORT" "$PAGE_PORT" python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$site"
run_logged "$RUN_DIR/release-check.log" python3 tests/release_check.py --page "http://127.0.0.1:$PAGE_PORT/" \
  --gateway "http://127.0.0.1:$GATEWAY_PORT" --screenshot "$ROOT/target/screens/release.png" \
  --hostile "http://127.0.0.1:$PAGE_PORT/hostile.html" \
  || { cat "$RUN_DIR/release-check.log"; die "the release build failed in Chromium"; }
grep -E '^test result: ' "$RUN_DIR/release-check.log" >>"$results" || true

passed=$(awk '{for (i=1;i<=NF;i++) if ($i ~ /^passed;?$/) s+=$(i-1)} END {print s+0}' "$results")
failed=$(awk '{for (i=1;i<=NF;i++) if ($i ~ /^failed;?$/) s+=$(i-1)} END {print s+0}' "$results")
say "all tests passed: $passed passed, $failed failed, in $((SECONDS - started)) s"
