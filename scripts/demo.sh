#!/usr/bin/env bash
# Runs the demo: sockudo (a real Pusher server), the gateway with its simulated league, and
# `trunk serve` for the page. Ctrl-C stops all three.
# Ports: COURTSIDE_PAGE_PORT (8080), COURTSIDE_GATEWAY_PORT (8787), COURTSIDE_SOCKUDO_PORT (6001).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PAGE_PORT=${COURTSIDE_PAGE_PORT:-8080}
GATEWAY_PORT=${COURTSIDE_GATEWAY_PORT:-8787}
SOCKUDO_PORT=${COURTSIDE_SOCKUDO_PORT:-6001}

"$ROOT/scripts/bootstrap.sh"

cleanup() {
  stop_bg "trunk-$PAGE_PORT"
  stop_bg "gateway-$GATEWAY_PORT"
  stop_bg "sockudo-$SOCKUDO_PORT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_sockudo "$SOCKUDO_PORT"
start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT"

# Trunk's proxies follow the chosen ports: write this run's copy of Trunk.toml.
config="$RUN_DIR/Trunk.demo.toml"
sed -e "s|^target = .*|target = \"$ROOT/index.html\"|" \
    -e "s|^dist = .*|dist = \"$ROOT/target/demo-dist\"|" \
    -e "s|^port = .*|port = $PAGE_PORT|" \
    -e "s|127.0.0.1:8787|127.0.0.1:$GATEWAY_PORT|g" \
    -e "s|127.0.0.1:6001|127.0.0.1:$SOCKUDO_PORT|g" \
    "$ROOT/Trunk.toml" >"$config"

say "building the widget (the first build takes a few minutes)"
stop_stale "trunk-$PAGE_PORT"
port_open "$PAGE_PORT" && die "port $PAGE_PORT is taken; set COURTSIDE_PAGE_PORT"
trunk serve --config "$config" >"$RUN_DIR/trunk-$PAGE_PORT.log" 2>&1 &
echo $! >"$RUN_DIR/trunk-$PAGE_PORT.pid"
pid=$!
deadline=$((SECONDS + 1200))
until curl -sf "http://127.0.0.1:$PAGE_PORT/" -o /dev/null; do
  kill -0 "$pid" 2>/dev/null || { tail -n 40 "$RUN_DIR/trunk-$PAGE_PORT.log"; die "trunk serve stopped"; }
  ((SECONDS < deadline)) || die "trunk serve did not answer in 20 minutes (log: $RUN_DIR/trunk-$PAGE_PORT.log)"
  sleep 1
done
say "demo ready: open http://127.0.0.1:$PAGE_PORT/   (Ctrl-C stops everything)"
wait "$pid"
