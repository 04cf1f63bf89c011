#!/usr/bin/env bash
# Runs every test: native unit and integration tests, browser tests in headless Chromium
# against a real sockudo and the real gateway, and the release build loaded in Chromium.
# Ports (test-only, so a running demo is not disturbed): COURTSIDE_TEST_SOCKUDO_PORT (16001),
# COURTSIDE_TEST_GATEWAY_PORT (18787), COURTSIDE_TEST_PAGE_PORT (18080), COURTSIDE_TEST_PEER_PORT
# (17001, the scripted Reverb-like peer of tests/peer), and for the real-data and relay tests:
# COURTSIDE_TEST_UPSTREAM_PORT (18788, a gateway in upstream mode reading the league's stats
# API), COURTSIDE_TEST_RELAY_PORT (18789, a relay), COURTSIDE_TEST_REDIS_PORT (16379),
# COURTSIDE_TEST_NODE_A_PORT / _NODE_B_PORT (16101/16102, two sockudo nodes joined by Redis),
# COURTSIDE_TEST_RUNNER_PORT (18090, where wasm-bindgen-test serves the test page),
# COURTSIDE_TEST_CORPUS_PORT (18091, the fuzzers' grown corpus for the shipped codec's test).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SOCKUDO_PORT=${COURTSIDE_TEST_SOCKUDO_PORT:-16001}
GATEWAY_PORT=${COURTSIDE_TEST_GATEWAY_PORT:-18787}
PAGE_PORT=${COURTSIDE_TEST_PAGE_PORT:-18080}
PEER_PORT=${COURTSIDE_TEST_PEER_PORT:-17001}
UPSTREAM_PORT=${COURTSIDE_TEST_UPSTREAM_PORT:-18788}
RELAY_PORT=${COURTSIDE_TEST_RELAY_PORT:-18789}
REDIS_PORT=${COURTSIDE_TEST_REDIS_PORT:-16379}
NODE_A=${COURTSIDE_TEST_NODE_A_PORT:-16101}
NODE_B=${COURTSIDE_TEST_NODE_B_PORT:-16102}
RUNNER_PORT=${COURTSIDE_TEST_RUNNER_PORT:-18090}
CORPUS_PORT=${COURTSIDE_TEST_CORPUS_PORT:-18091}
started=$SECONDS

"$ROOT/scripts/bootstrap.sh"

cleanup() {
  stop_bg "page-$PAGE_PORT"
  stop_bg "corpus-$CORPUS_PORT"
  stop_bg "peer-$PEER_PORT"
  stop_bg "relay-$RELAY_PORT"
  stop_bg "upstream-$UPSTREAM_PORT"
  stop_bg "gateway-$GATEWAY_PORT"
  stop_bg "sockudo-$NODE_A"
  stop_bg "sockudo-$NODE_B"
  stop_bg "redis-$REDIS_PORT"
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

say "1/5 native tests (protocol engine, store, gateway)"
run_logged "$RUN_DIR/native.log" cargo test --workspace || die "native tests failed (log: $RUN_DIR/native.log)"
count <"$RUN_DIR/native.log"

say "2/5 fuzzing: every target of fuzz/fuzz_targets for 60 s (scripts/fuzz.sh: cargo-fuzz, libFuzzer)"
fuzz_started=$SECONDS
set +e
"$ROOT/scripts/fuzz.sh" 60 2>&1 | tee "$RUN_DIR/fuzz.log"
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || die "fuzzing failed (log: $RUN_DIR/fuzz.log; each target's: $RUN_DIR/fuzz-TARGET.log)"
# fuzz.sh prints a line per target that ran its time out: `  NAME: N runs in S s (…); corpus …`.
fuzzed=$(grep -cE '^  [a-z_]+: +[0-9]+ runs in ' "$RUN_DIR/fuzz.log" || true)
((fuzzed > 0)) || die "fuzz.sh reported no target that ran (log: $RUN_DIR/fuzz.log)"
echo "test result: ok. $fuzzed passed; 0 failed" >>"$results"   # each fuzz target: 60 s without a crash
say "fuzzing: $fuzzed targets in $((SECONDS - fuzz_started)) s"
# The corpus the fuzzers grew, for the browser tests to run through the shipped codec
# (tests/browser_codec.rs): every UTF-8 input of each target, one JSON file, served with CORS.
python3 - "$ROOT/target/fuzz-corpus" "$ROOT/target/fuzz-corpus-served/corpus.json" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
doc = {}
for target in sorted(os.listdir(src)):
    texts = []
    for name in sorted(os.listdir(os.path.join(src, target))):
        try:
            texts.append(open(os.path.join(src, target, name), "rb").read().decode("utf-8"))
        except UnicodeDecodeError:
            pass  # the targets skip what is not UTF-8
    doc[target] = texts
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(doc, open(out, "w"))
print("  corpus for the shipped codec: " + ", ".join(f"{t} {len(v)}" for t, v in doc.items()))
PY

say "starting sockudo, the gateway and the scripted peer for the browser tests"
cargo build -q -p courtside-peer
start_bg "peer-$PEER_PORT" "$PEER_PORT" "$ROOT/target/debug/courtside-peer" "$PEER_PORT"
start_sockudo "$SOCKUDO_PORT"
# The league: the demo gateway, which also plays the stats API (Bearer auth, read API) for the
# upstream and relay gateways below; the sockudo above is then the stats API's Reverb.
start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT" \
  COURTSIDE_CHANNELS='private-match.*,private-competition.*,private-games,!private-match.403*' \
  COURTSIDE_DEMO_STATS_TOKEN="$STATS_TOKEN" COURTSIDE_DIRECTORY="$ROOT/gateway/demo-directory.json" \
  COURTSIDE_RATE_PER_IP=100000 COURTSIDE_RATE_PER_TOKEN=100000   # every test client shares 127.0.0.1
runner_origin="http://127.0.0.1:$RUNNER_PORT"
test_token_key="test-token-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
stats_api=(STATS_API_URL="http://127.0.0.1:$GATEWAY_PORT" STATS_API_TOKEN="$STATS_TOKEN"
  STATS_API_SOCKET="ws://127.0.0.1:$SOCKUDO_PORT" STATS_API_KEY="$PUSHER_APP_KEY"
  COURTSIDE_ALLOWED_ORIGINS="$runner_origin" COURTSIDE_TOKEN_KEY="$test_token_key"
  COURTSIDE_DIRECTORY="$ROOT/gateway/demo-directory.json")
# Upstream mode: auth forwarded with the Bearer, snapshots from the read API via the adapter.
start_gateway_as "upstream-$UPSTREAM_PORT" "$UPSTREAM_PORT" COURTSIDE_MODE=upstream "${stats_api[@]}"
# The relay: one upstream socket, republished on public channels to a two-node sockudo cluster.
start_redis "$REDIS_PORT"
start_cluster_node "$NODE_A" "$REDIS_PORT"
start_cluster_node "$NODE_B" "$REDIS_PORT"
start_gateway_as "relay-$RELAY_PORT" "$RELAY_PORT" COURTSIDE_MODE=relay "${stats_api[@]}" \
  PUSHER_HTTP_URL="http://127.0.0.1:$NODE_A" COURTSIDE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" COURTSIDE_RELAY_ID=relay-test

say "3/5 browser tests (wasm-bindgen-test, headless Chromium): end to end, and the $(grep -vc '^#' tests/scenarios.txt) fault scenarios of tests/scenarios.txt"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120
export COURTSIDE_PEER_PORT="$PEER_PORT"
export COURTSIDE_E2E_GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
export COURTSIDE_E2E_WS_PORT="$SOCKUDO_PORT"
export COURTSIDE_E2E_KEY="$PUSHER_APP_KEY"
export COURTSIDE_E2E_UPSTREAM_GATEWAY="http://127.0.0.1:$UPSTREAM_PORT"
export COURTSIDE_E2E_RELAY_GATEWAY="http://127.0.0.1:$RELAY_PORT"
export COURTSIDE_E2E_NODE_B="$NODE_B"
export COURTSIDE_E2E_DEMO_TOKEN="$DEMO_TOKEN"
start_bg "corpus-$CORPUS_PORT" "$CORPUS_PORT" python3 -c '
import functools, http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), functools.partial(H, directory=sys.argv[2])).serve_forever()
' "$CORPUS_PORT" "$ROOT/target/fuzz-corpus-served"
export COURTSIDE_E2E_FUZZ_CORPUS="http://127.0.0.1:$CORPUS_PORT/corpus.json"
export WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$RUNNER_PORT"
run_logged "$RUN_DIR/browser.log" cargo test --target wasm32-unknown-unknown \
  || die "browser tests failed (log: $RUN_DIR/browser.log)"
count <"$RUN_DIR/browser.log"
# A cfg slip that compiled the browser tests out would pass on nothing: count what ran.
BROWSER_FLOOR=30
ran=$(awk '/^test result: /{for (i=1;i<=NF;i++) if ($i ~ /^passed;?$/) s+=$(i-1)} END {print s+0}' "$RUN_DIR/browser.log")
((ran >= BROWSER_FLOOR)) || die "only $ran browser tests ran (at least $BROWSER_FLOOR expected): were they compiled out?"
say "$ran browser tests ran (floor $BROWSER_FLOOR)"

say "relay cluster: takeover and upstream loss (two relays, two sockudo nodes, Redis)"
stop_bg "relay-$RELAY_PORT"   # one relay group per cluster: the test starts its own pair
run_logged "$RUN_DIR/relay.log" env COURTSIDE_RELAY_TEST=1 COURTSIDE_RELAY_TEST_STATS_API="http://127.0.0.1:$GATEWAY_PORT" \
  COURTSIDE_RELAY_TEST_STATS_TOKEN="$STATS_TOKEN" COURTSIDE_RELAY_TEST_UPSTREAM_WS="ws://127.0.0.1:$SOCKUDO_PORT" \
  COURTSIDE_RELAY_TEST_UPSTREAM_KEY="$PUSHER_APP_KEY" COURTSIDE_RELAY_TEST_NODE_A="$NODE_A" COURTSIDE_RELAY_TEST_NODE_B="$NODE_B" \
  COURTSIDE_RELAY_TEST_REDIS="redis://127.0.0.1:$REDIS_PORT" COURTSIDE_RELAY_TEST_DEMO_TOKEN="$DEMO_TOKEN" \
  cargo test -p courtside-gateway --test relay_cluster -- --test-threads=1 --nocapture \
  || die "relay cluster tests failed (log: $RUN_DIR/relay.log)"
count <"$RUN_DIR/relay.log"

say "4/5 release build (scripts/build-release.sh: nightly build-std, wasm-opt -Oz from binaryen 132)"
"$ROOT/scripts/build-release.sh" "$ROOT/target/release-dist" >"$RUN_DIR/release.log" 2>&1 \
  || { tail -n 40 "$RUN_DIR/release.log"; die "release build failed"; }
for f in courtside_bg.wasm courtside.js loader.js; do
  printf '  %-18s %7d B  %6d B gzip -9\n' "$f" "$(stat -c %s "target/release-dist/$f")" "$(gzip -9c "target/release-dist/$f" | wc -c)"
done
# Sizes only fall: over its budget (size-budget.json), the build fails.
"$ROOT/scripts/size-budget.sh" target/release-dist || die "the release build is over its size budget (size-budget.json)"
echo "test result: ok. 1 passed; 0 failed" >>"$results"   # the size budget, counted with the rest

say "5/5 the release build in headless Chromium (strict CSP, live event, no page errors, the hostile page)"
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

say "the JS API: parity with pusher-js + laravel-echo, match state, the stats API's examples, the npm package, its types"
version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
cp target/release-dist/api.js tests/api/*.html tests/api/*.js "$site/"
cp "$TOOLS/node_modules/pusher-js/dist/web/pusher.min.js" "$TOOLS/node_modules/laravel-echo/dist/echo.iife.js" "$site/"
fill_page examples/echo-client.js "$site/echo-client.js" "$GATEWAY_PORT" "$SOCKUDO_PORT"
cp examples/echo-api.html "$site/"
# The package as a developer gets it: its tarball installed (offline) into a scratch project.
project="$site/npm-project"
mkdir -p "$project" && mv "$site/importmap.html" "$project/index.html"
(cd "$project" && npm init -y >/dev/null && npm install --offline --no-audit --no-fund --silent "$ROOT/target/release-dist/courtside-$version.tgz") \
  || die "the npm package did not install from target/release-dist/courtside-$version.tgz"
# Node's ESM resolution finds the entry and its exports.
(cd "$project" && node --input-type=module -e "
  const m = await import('courtside');
  const url = import.meta.resolve('courtside');
  if (!url.endsWith('/node_modules/courtside/api.js') || typeof m.connect !== 'function' || typeof m.setAuthorizer !== 'function')
    { console.error('bad package entry', url, Object.keys(m)); process.exit(1); }") || die "the npm package's entry does not resolve in node"
# Its types, from the installed package (exports → types), against the README's usage.
cp tests/types/example.ts "$project/"
printf '%s\n' '{"compilerOptions": {"target": "es2022", "module": "es2022", "moduleResolution": "bundler", "lib": ["es2022", "dom"], "strict": true, "noEmit": true}, "files": ["example.ts"]}' >"$project/tsconfig.json"
"$TOOLS/node_modules/.bin/tsc" -p "$project/tsconfig.json" || die "tsc: the package's types (src/api/courtside.d.ts) refuse tests/types/example.ts"
echo "test result: ok. 2 passed; 0 failed" >>"$results"   # the package's node resolution and its types
run_logged "$RUN_DIR/api-check.log" python3 tests/api_check.py --site "http://127.0.0.1:$PAGE_PORT/" \
  --gateway "http://127.0.0.1:$GATEWAY_PORT" --ws-port "$SOCKUDO_PORT" --key "$PUSHER_APP_KEY" --demo-token "$DEMO_TOKEN" \
  --import-map "http://127.0.0.1:$PAGE_PORT/npm-project/index.html" --screenshot "$ROOT/target/screens/echo-api.png" \
  || { cat "$RUN_DIR/api-check.log"; die "the JS API failed in Chromium"; }
grep -E '^test result: ' "$RUN_DIR/api-check.log" >>"$results" || true

passed=$(awk '{for (i=1;i<=NF;i++) if ($i ~ /^passed;?$/) s+=$(i-1)} END {print s+0}' "$results")
failed=$(awk '{for (i=1;i<=NF;i++) if ($i ~ /^failed;?$/) s+=$(i-1)} END {print s+0}' "$results")
say "all tests passed: $passed passed, $failed failed, in $((SECONDS - started)) s"
