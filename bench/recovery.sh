#!/usr/bin/env bash
# Recovery benchmark: a page of BENCH_WIDGETS scoreboards (default 100, each its own match and
# channel, one shared socket) on the release build; sockudo is killed (SIGKILL) and restarted
# BENCH_ROUNDS times (default 5). Prints the time until every board is resubscribed and
# backfilled, and writes JSON to bench/results/. Not part of the test command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"

WIDGETS=${BENCH_WIDGETS:-100}
ROUNDS=${BENCH_ROUNDS:-5}
SOCKUDO_PORT=${BENCH_SOCKUDO_PORT:-26001}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-28797}
PAGE_PORT=${BENCH_PAGE_PORT:-28080}

"$ROOT/scripts/bootstrap.sh"
cleanup() { stop_bg "page-$PAGE_PORT"; stop_bg "gateway-$GATEWAY_PORT"; stop_bg "sockudo-$SOCKUDO_PORT"; }
trap cleanup EXIT

say "release build"
"$ROOT/scripts/build-release.sh" "$ROOT/target/bench-dist" >"$RUN_DIR/bench-release.log" 2>&1 || { tail -20 "$RUN_DIR/bench-release.log"; die "release build failed"; }
start_sockudo "$SOCKUDO_PORT"
GATEWAY_PROFILE=release start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT" COURTSIDE_RATE_PER_IP=100000 COURTSIDE_RATE_PER_TOKEN=100000

site="$ROOT/target/bench-site"
rm -rf "$site" && mkdir -p "$site"
stage_widget target/bench-dist "$site"
ids=$(seq -s, 800001 $((800000 + WIDGETS)))
for id in ${ids//,/ }; do
  curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$GATEWAY_PORT/demo/publish" \
    -d "{\"match_id\":$id,\"home_score\":2,\"away_score\":0}" >/dev/null
done
{
  echo '<!doctype html><meta charset="utf-8"><title>courtside recovery bench</title><link rel="icon" href="data:,">'
  echo "<script type=\"module\" src=\"loader.js\" data-gateway=\"http://127.0.0.1:$GATEWAY_PORT\" data-host=\"127.0.0.1\" data-port=\"$SOCKUDO_PORT\" data-tls=\"false\" data-key=\"$PUSHER_APP_KEY\"></script>"
  for id in ${ids//,/ }; do echo "<courtside-scoreboard size=\"nano\" match=\"$id\"></courtside-scoreboard>"; done
} >"$site/index.html"
start_bg "page-$PAGE_PORT" "$PAGE_PORT" python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$site"

restart="source '$ROOT/scripts/lib.sh'; kill -9 \$(cat '$RUN_DIR/sockudo-$SOCKUDO_PORT.pid'); rm -f '$RUN_DIR/sockudo-$SOCKUDO_PORT.pid'; while port_open $SOCKUDO_PORT; do sleep 0.02; done; start_sockudo $SOCKUDO_PORT"
mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
python3 bench/recovery.py --page "http://127.0.0.1:$PAGE_PORT/" --ids "$ids" --rounds "$ROUNDS" \
  --restart "$restart" --json "bench/results/recovery-$stamp.json"
say "written bench/results/recovery-$stamp.json"
