#!/usr/bin/env bash
# Load benchmark for the gateway on loopback with wrk (Debian's package): signatures per
# second and p50/p99 latency for POST /auth in local mode, and for cached snapshots in upstream
# mode (a static file server stands in for the stats API). Prints a table and writes JSON to
# bench/results/. Not part of the test command: numbers are reported, never asserted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
GW_PORT=${BENCH_GATEWAY_PORT:-28787}
UP_PORT=${BENCH_UPSTREAM_PORT:-28788}

command -v wrk >/dev/null || { say "installing wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
say "building the gateway (release)"
cargo build -q --release -p courtside-gateway

cleanup() { stop_bg "bench-gateway"; stop_bg "bench-upstream"; }
trap cleanup EXIT

common=(COURTSIDE_LISTEN="127.0.0.1:$GW_PORT" COURTSIDE_ALLOWED_ORIGINS=http://bench.local
  COURTSIDE_TOKEN_KEY=bench-token-key-0123456789abcdef0123456789 COURTSIDE_LOG=warn
  COURTSIDE_RATE_PER_IP=1000000 COURTSIDE_RATE_PER_TOKEN=1000000)

token() {
  curl -sf -X POST -H "Origin: http://bench.local" "http://127.0.0.1:$GW_PORT/token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# run_wrk NAME SCRIPT URL: prints "rps p50_ms p99_ms"
run_wrk() {
  local out
  out=$(TOKEN=$(token) wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$2" "$3")
  echo "$out" >"$RUN_DIR/bench-$1.txt"
  python3 - "$RUN_DIR/bench-$1.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {non2xx.group(1) if non2xx else 0}")
PY
}

say "local mode: POST /auth ($CONNECTIONS connections, $DURATION)"
start_bg "bench-gateway" "$GW_PORT" env "${common[@]}" COURTSIDE_MODE=local PUSHER_APP_ID=1 \
  PUSHER_APP_KEY=bench-key PUSHER_APP_SECRET=bench-secret "$ROOT/target/release/courtside-gateway"
read -r auth_rps auth_p50 auth_p99 auth_bad < <(run_wrk auth bench/auth.lua "http://127.0.0.1:$GW_PORT/auth")
stop_bg "bench-gateway"

say "upstream mode: GET /api/matches/1 from the cache ($CONNECTIONS connections, $DURATION)"
up="$ROOT/target/bench-upstream"
mkdir -p "$up/api/v1/matches"
echo '{"id":1,"status":"in_progress","home_team":{"id":1,"name":"A"},"away_team":{"id":2,"name":"B"},"home_score":50,"away_score":48}' >"$up/api/v1/matches/1"
start_bg "bench-upstream" "$UP_PORT" python3 -m http.server "$UP_PORT" --bind 127.0.0.1 --directory "$up"
start_bg "bench-gateway" "$GW_PORT" env "${common[@]}" COURTSIDE_MODE=upstream \
  STATS_API_URL="http://127.0.0.1:$UP_PORT" STATS_API_TOKEN=bench-upstream-token "$ROOT/target/release/courtside-gateway"
read -r snap_rps snap_p50 snap_p99 snap_bad < <(run_wrk snapshot bench/snapshot.lua "http://127.0.0.1:$GW_PORT/api/matches/1")
upstream_hits=$(grep -c '"GET /api/v1/matches/1' "$RUN_DIR/bench-upstream.log" || true)

printf '\n%-28s %12s %10s %10s %8s\n' "gateway route" "requests/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-28s %12s %10s %10s %8s\n' "POST /auth (local signing)" "$auth_rps" "$auth_p50" "$auth_p99" "$auth_bad"
printf '%-28s %12s %10s %10s %8s\n' "GET snapshot (cached)" "$snap_rps" "$snap_p50" "$snap_p99" "$snap_bad"
echo "upstream requests during the snapshot run: $upstream_hits (cache TTL 2 s)"
echo "machine: $(nproc) cores; wrk -t2 -c$CONNECTIONS -d$DURATION on loopback, load generator on the same cores"

stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
cat >"bench/results/gateway-$stamp.json" <<JSON
{"date":"$stamp","connections":$CONNECTIONS,"duration":"$DURATION","cores":$(nproc),
 "auth_local":{"requests_per_s":$auth_rps,"p50_ms":$auth_p50,"p99_ms":$auth_p99,"non_2xx":$auth_bad},
 "snapshot_cached":{"requests_per_s":$snap_rps,"p50_ms":$snap_p50,"p99_ms":$snap_p99,"non_2xx":$snap_bad,"upstream_requests":$upstream_hits}}
JSON
say "written bench/results/gateway-$stamp.json"
