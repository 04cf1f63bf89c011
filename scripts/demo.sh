#!/usr/bin/env bash
# Runs the demo as a site would run courtside: the simulated league plays the stats API (its
# own Pusher server, private channels, auth and read API behind a Bearer token), a relay holds
# the one upstream connection and republishes on public channels to the site's sockudo (joined
# to Redis, as a cluster node), and `trunk serve` builds and serves the page. Ctrl-C stops all.
#
#   ./scripts/demo.sh            the real chain: league → relay → sockudo → page
#   ./scripts/demo.sh --direct   readers on the "stats API" directly (auth and snapshots
#                                through a gateway in demo mode), as before the relay
#
# Ports: COURTSIDE_PAGE_PORT (8080), COURTSIDE_GATEWAY_PORT (8787, the page's gateway),
# COURTSIDE_SOCKUDO_PORT (6001, the page's Pusher server), COURTSIDE_LEAGUE_PORT (8788),
# COURTSIDE_STATS_SOCKUDO_PORT (6002), COURTSIDE_REDIS_PORT (6390).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

direct=false
for arg in "$@"; do
  case $arg in
    --direct) direct=true ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done

PAGE_PORT=${COURTSIDE_PAGE_PORT:-8080}
GATEWAY_PORT=${COURTSIDE_GATEWAY_PORT:-8787}
SOCKUDO_PORT=${COURTSIDE_SOCKUDO_PORT:-6001}
LEAGUE_PORT=${COURTSIDE_LEAGUE_PORT:-8788}
STATS_SOCKUDO_PORT=${COURTSIDE_STATS_SOCKUDO_PORT:-6002}
REDIS_PORT=${COURTSIDE_REDIS_PORT:-6390}

"$ROOT/scripts/bootstrap.sh"

cleanup() {
  stop_bg "trunk-$PAGE_PORT"
  stop_bg "gateway-$GATEWAY_PORT"
  stop_bg "league-$LEAGUE_PORT"
  stop_bg "sockudo-$SOCKUDO_PORT"
  stop_bg "sockudo-$STATS_SOCKUDO_PORT"
  stop_bg "redis-$REDIS_PORT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

directory="$ROOT/gateway/demo-directory.json"
page="$ROOT/index.html"
if $direct; then
  start_sockudo "$SOCKUDO_PORT"
  start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT" COURTSIDE_DIRECTORY="$directory"
  # The same page, following the stats API's private channels.
  page="$ROOT/.demo-direct.html"
  sed -e 's|data-channels="public"|data-channels="private"|' "$ROOT/index.html" >"$page"
else
  # The stats API, played by the league: its Reverb (a sockudo of its own) and its HTTP API.
  start_sockudo_app "$STATS_SOCKUDO_PORT" "$STATS_APP_ID" "$STATS_APP_KEY" "$STATS_APP_SECRET"
  start_gateway_as "league-$LEAGUE_PORT" "$LEAGUE_PORT" COURTSIDE_MODE=demo \
    PUSHER_APP_ID="$STATS_APP_ID" PUSHER_APP_KEY="$STATS_APP_KEY" PUSHER_APP_SECRET="$STATS_APP_SECRET" \
    PUSHER_HTTP_URL="http://127.0.0.1:$STATS_SOCKUDO_PORT" COURTSIDE_DEMO_STATS_TOKEN="$STATS_TOKEN" \
    COURTSIDE_DEMO_TOKEN="$DEMO_TOKEN"
  # The site: a sockudo node (clustered through Redis, ready for more nodes) and the relay.
  start_redis "$REDIS_PORT"
  start_cluster_node "$SOCKUDO_PORT" "$REDIS_PORT"
  start_gateway_as "gateway-$GATEWAY_PORT" "$GATEWAY_PORT" COURTSIDE_MODE=relay \
    STATS_API_URL="http://127.0.0.1:$LEAGUE_PORT" STATS_API_TOKEN="$STATS_TOKEN" \
    STATS_API_SOCKET="ws://127.0.0.1:$STATS_SOCKUDO_PORT" STATS_API_KEY="$STATS_APP_KEY" \
    PUSHER_HTTP_URL="http://127.0.0.1:$SOCKUDO_PORT" COURTSIDE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    COURTSIDE_ALLOWED_ORIGINS="http://127.0.0.1:$PAGE_PORT,http://localhost:$PAGE_PORT" \
    COURTSIDE_TOKEN_KEY="demo-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" COURTSIDE_DIRECTORY="$directory"
fi

# Trunk's proxies follow the chosen ports: write this run's copy of Trunk.toml.
config="$RUN_DIR/Trunk.demo.toml"
sed -e "s|^target = .*|target = \"$page\"|" \
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
if $direct; then
  say "demo ready (direct): open http://127.0.0.1:$PAGE_PORT/   (Ctrl-C stops everything)"
else
  say "demo ready: league :$LEAGUE_PORT → relay :$GATEWAY_PORT → sockudo :$SOCKUDO_PORT → http://127.0.0.1:$PAGE_PORT/   (Ctrl-C stops everything)"
fi
wait "$pid"
