#!/usr/bin/env bash
# Fan-out benchmark on loopback: thousands of native WebSocket readers (bench/fanout, tokio +
# tokio-tungstenite) behind the relay and a two-node sockudo cluster joined by Redis. Starts
# everything it needs on its own ports, stops everything on exit. Parts (FANOUT_PARTS, default
# "two-nodes tuned one-node upstream"), each generator run bounded (< 3 min) and stopping by
# itself; before each fan-out run the script waits (at most 90 s) for a quiet machine:
#   two-nodes  FANOUT_SUBSCRIBERS (10000) readers spread over nodes A and B, one public
#              match.{k} channel each over FANOUT_MATCHES (50) matches; FANOUT_RATE (1) event/s
#              per match for FANOUT_SECONDS (60) s. Two sources, FANOUT_ROUNDS (3) rounds each:
#              relay   league POST /demo/publish → stats sockudo → relay → node A ⇄ Redis → node B
#                      (clock: the generator's publish call; end to end)
#              direct  POST batch_events to node A → node A ⇄ Redis → node B (clock: the same,
#                      the send time is also in the data)
#   tuned      two-nodes again, FANOUT_TUNED_ROUNDS (1) rounds, with two sockudo settings that
#              size a large cluster: the per-socket outbound queue cut from 1000 messages to
#              FANOUT_TUNED_MAX_MESSAGES (100; WEBSOCKET_MAX_MESSAGES: memory per socket), and no
#              app-wide connection quota (SOCKUDO_DEFAULT_APP_MAX_CONNECTIONS=0: with a quota,
#              every connect asks all nodes for their socket count through Redis)
#   one-node   the same readers on one sockudo without the Redis adapter (the relay publishes
#              there): the cost of the cluster hop, by difference
#   three-nodes (not in the default set) FANOUT_SCALING_SUBSCRIBERS (3000) readers over three
#              nodes for 10 s, one round, relay source: how Redis commands per connect and per
#              disconnect grow with the node count (a cross-node query costs N + 1 commands)
#   upstream   what readers cost the stats API across a restart of its sockudo (SIGKILL and
#              start again): FANOUT_READERS (200) readers behind the relay, then the same number
#              as direct readers (own socket to the stats sockudo, private channels authorized
#              through a gateway in upstream mode). Calls counted in the league's access log.
# Prints tables (medians over rounds, min–max) and writes bench/results/fanout-<timestamp>.json.
# Not part of the test command: a full run takes about 20 minutes on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"

N=${FANOUT_SUBSCRIBERS:-10000}
MATCHES=${FANOUT_MATCHES:-50}
RATE=${FANOUT_RATE:-1}
RUN_SECONDS=${FANOUT_SECONDS:-60}
ROUNDS=${FANOUT_ROUNDS:-3}
READERS=${FANOUT_READERS:-200}
UP_MATCHES=${FANOUT_UPSTREAM_MATCHES:-10}
PARTS=${FANOUT_PARTS:-two-nodes tuned one-node upstream}
TUNED=${FANOUT_TUNED_MAX_MESSAGES:-100}
TUNED_ROUNDS=${FANOUT_TUNED_ROUNDS:-1}
SOURCES=${FANOUT_SOURCES:-relay direct}
REDIS_PORT=${FANOUT_REDIS_PORT:-26379}
STATS_PORT=${FANOUT_STATS_PORT:-26001}
NODE_A=${FANOUT_NODE_A_PORT:-26101}
NODE_B=${FANOUT_NODE_B_PORT:-26102}
NODE_C=${FANOUT_NODE_C_PORT:-26103}
SCALING_N=${FANOUT_SCALING_SUBSCRIBERS:-3000}
SINGLE=${FANOUT_SINGLE_PORT:-26201}
LEAGUE_PORT=${FANOUT_LEAGUE_PORT:-28801}
RELAY_PORT=${FANOUT_RELAY_PORT:-28802}
UPSTREAM_GW_PORT=${FANOUT_UPSTREAM_GW_PORT:-28803}
ORIGIN=http://127.0.0.1:1
export GATEWAY_PROFILE=${GATEWAY_PROFILE:-release}
wants() { [[ " $PARTS " == *" $1 "* ]]; }

# The generator holds N sockets, a node up to N: raise the open-file limit to the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) >= N + 1000)) || die "open-file limit $(ulimit -n) is too low for $N subscribers (ulimit -Hn, or a smaller FANOUT_SUBSCRIBERS)"
export SOCKUDO_MAX_CONNECTIONS=$((2 * N + 1000)) SOCKUDO_MAX_EVENTS=100000

command -v redis-server >/dev/null || die "redis-server is missing (apt-get install redis-server)"
command -v sockudo >/dev/null || die "sockudo is missing (scripts/bootstrap.sh)"
say "building the load generator"
(cd bench/fanout && cargo build -q --release)
gen="$ROOT/target/fanout/release/courtside-fanout"
# The gateway is built once and copied, so that every part runs the same binary even if the
# tree changes meanwhile. FANOUT_GATEWAY_BIN: use this binary instead (e.g. one built from a
# clean checkout of a commit).
gateway_bin="$RUN_DIR/fanout-gateway"
if [[ -n ${FANOUT_GATEWAY_BIN:-} ]]; then
  cp --remove-destination "$FANOUT_GATEWAY_BIN" "$gateway_bin"
  gateway_from="${FANOUT_GATEWAY_FROM:-$FANOUT_GATEWAY_BIN}"
else
  say "building the gateway ($GATEWAY_PROFILE)"
  if [[ $GATEWAY_PROFILE == release ]]; then cargo build -q --release -p courtside-gateway; else cargo build -q -p courtside-gateway; fi
  cp --remove-destination "target/$GATEWAY_PROFILE/courtside-gateway" "$gateway_bin"
  gateway_from="working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- gateway src Cargo.lock || echo ' (modified)'), $GATEWAY_PROFILE"
fi
# start_gw NAME PORT ENV...: the gateway binary above with the given environment.
start_gw() {
  local name=$1 port=$2
  shift 2
  start_bg "$name" "$port" env COURTSIDE_LISTEN="127.0.0.1:$port" "$@" "$gateway_bin"
}

cleanup() {
  for s in "fanout-upstream-$UPSTREAM_GW_PORT" "fanout-relay-$RELAY_PORT" "fanout-league-$LEAGUE_PORT" \
    "sockudo-$NODE_A" "sockudo-$NODE_B" "sockudo-$NODE_C" "sockudo-$SINGLE" "sockudo-$STATS_PORT" "redis-$REDIS_PORT"; do
    stop_bg "$s"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pid_of() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }
healthz() { curl -s --max-time 2 "http://127.0.0.1:$1/healthz" || true; }
wait_relay() {
  local h=""
  for _ in $(seq 300); do
    h=$(healthz "$RELAY_PORT")
    [[ $h == *'"publishing":true'* && $h == *'"upstream":"connected"'* ]] && return 0
    sleep 0.1
  done
  die "the relay is not publishing after 30 s: $h (log: $RUN_DIR/fanout-relay-$RELAY_PORT.log)"
}

# The stats API: its own sockudo (the stats app) and the league gateway playing its HTTP side,
# with an access log (tower_http at debug) to count the calls it answers.
start_redis "$REDIS_PORT"
start_sockudo_app "$STATS_PORT" "$STATS_APP_ID" "$STATS_APP_KEY" "$STATS_APP_SECRET"
start_gw "fanout-league-$LEAGUE_PORT" "$LEAGUE_PORT" COURTSIDE_MODE=demo \
  PUSHER_APP_ID="$STATS_APP_ID" PUSHER_APP_KEY="$STATS_APP_KEY" PUSHER_APP_SECRET="$STATS_APP_SECRET" \
  PUSHER_HTTP_URL="http://127.0.0.1:$STATS_PORT" COURTSIDE_DEMO_STATS_TOKEN="$STATS_TOKEN" \
  COURTSIDE_DEMO_TOKEN="$DEMO_TOKEN" \
  COURTSIDE_DIRECTORY="$ROOT/gateway/demo-directory.json" COURTSIDE_LOG="info,tower_http=debug" \
  COURTSIDE_RATE_PER_IP=1000000 COURTSIDE_RATE_PER_TOKEN=1000000 COURTSIDE_RATE_TOKEN_PER_IP=1000000 COURTSIDE_RATE_AUTH_GLOBAL=1000000
token_key="fanout-token-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
stats_api=(STATS_API_URL="http://127.0.0.1:$LEAGUE_PORT" STATS_API_TOKEN="$STATS_TOKEN"
  STATS_API_SOCKET="ws://127.0.0.1:$STATS_PORT" STATS_API_KEY="$STATS_APP_KEY"
  COURTSIDE_ALLOWED_ORIGINS="$ORIGIN" COURTSIDE_TOKEN_KEY="$token_key"
  COURTSIDE_RATE_PER_IP=1000000 COURTSIDE_RATE_PER_TOKEN=1000000 COURTSIDE_RATE_TOKEN_PER_IP=1000000 COURTSIDE_RATE_AUTH_GLOBAL=1000000)
# start_relay PORT: the relay (lease in Redis), republishing to the sockudo on PORT.
start_relay() {
  stop_bg "fanout-relay-$RELAY_PORT"
  start_gw "fanout-relay-$RELAY_PORT" "$RELAY_PORT" COURTSIDE_MODE=relay "${stats_api[@]}" \
    PUSHER_HTTP_URL="http://127.0.0.1:$1" COURTSIDE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" COURTSIDE_RELAY_ID=fanout-relay
  wait_relay
}

stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
out="$RUN_DIR/fanout-$stamp.jsonl"
: >"$out"
common=(FANOUT_OUT="$out" FANOUT_REDIS="127.0.0.1:$REDIS_PORT" FANOUT_KEY="$PUSHER_APP_KEY" FANOUT_LEAGUE="http://127.0.0.1:$LEAGUE_PORT" FANOUT_ORIGIN="$ORIGIN")
services_pids() {
  echo "redis=$(pid_of "redis-$REDIS_PORT"),relay=$(pid_of "fanout-relay-$RELAY_PORT"),league=$(pid_of "fanout-league-$LEAGUE_PORT"),stats-sockudo=$(pid_of "sockudo-$STATS_PORT")"
}
# wait_quiet: the machine is shared; before a run, wait (at most FANOUT_QUIET_WAIT_S, 90 s) for
# two seconds in which other processes use less than FANOUT_QUIET_PCT (30) % of one core (niced
# work, which yields to the benchmark, not counted). Each run records the machine's CPU next to
# its own processes' (machine_cpu_pct in the JSON).
cpu_busy_total() { awk '/^cpu / {print $2+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
wait_quiet() {
  local deadline=$((SECONDS + ${FANOUT_QUIET_WAIT_S:-90})) b0 t0 b1 t1 pct
  while :; do
    read -r b0 t0 < <(cpu_busy_total)
    sleep 2
    read -r b1 t1 < <(cpu_busy_total)
    pct=$(((b1 - b0) * 100 * $(nproc) / (t1 - t0 + 1)))
    ((pct < ${FANOUT_QUIET_PCT:-30})) && return 0
    if ((SECONDS >= deadline)); then
      say "the machine stays busy (${pct} % of one core used by others); running anyway"
      return 0
    fi
  done
}
# fanout ROUNDS LABEL NODES PUBLISH_PORT NODE_PIDS: every round, every source.
fanout() {
  local rounds=$1 label=$2 nodes=$3 publish=$4 node_pids=$5 round source
  for round in $(seq "$rounds"); do
    for source in $SOURCES; do
      wait_quiet
      env "${common[@]}" FANOUT_MODE=fanout FANOUT_LABEL="$label" FANOUT_SOURCE="$source" FANOUT_ROUND="$round" \
        FANOUT_NODES="$nodes" FANOUT_PUBLISH_URL="http://127.0.0.1:$publish" FANOUT_APP_ID="$PUSHER_APP_ID" \
        FANOUT_APP_SECRET="$PUSHER_APP_SECRET" FANOUT_RELAY="http://127.0.0.1:$RELAY_PORT" \
        FANOUT_PIDS="$node_pids,$(services_pids)" FANOUT_SUBSCRIBERS="$N" FANOUT_MATCHES="$MATCHES" \
        FANOUT_RATE="$RATE" FANOUT_SECONDS="$RUN_SECONDS" FANOUT_DEADLINE_S=175 \
        timeout 180 "$gen" || say "$label $source round $round did not finish (exit $?); its result is missing"
    done
  done
}

# cluster ROUNDS LABEL: two fresh nodes joined by Redis, the relay on node A, the runs.
cluster() {
  start_cluster_node "$NODE_A" "$REDIS_PORT"
  start_cluster_node "$NODE_B" "$REDIS_PORT"
  start_relay "$NODE_A"
  fanout "$1" "$2" "node-a=127.0.0.1:$NODE_A,node-b=127.0.0.1:$NODE_B" "$NODE_A" \
    "node-a=$(pid_of "sockudo-$NODE_A"),node-b=$(pid_of "sockudo-$NODE_B")"
  stop_bg "fanout-relay-$RELAY_PORT"
  stop_bg "sockudo-$NODE_A"
  stop_bg "sockudo-$NODE_B"
}
if wants two-nodes; then
  say "two-node cluster: $N readers over nodes A and B, $MATCHES matches, $RATE/s each, ${RUN_SECONDS} s, $ROUNDS rounds"
  cluster "$ROUNDS" two-nodes
fi
if wants tuned; then
  say "two-node cluster, tuned: outbound queue $TUNED messages per socket (sockudo's default 1000), no app connection quota"
  WEBSOCKET_MAX_MESSAGES=$TUNED SOCKUDO_MAX_CONNECTIONS=0 cluster "$TUNED_ROUNDS" two-tuned
fi
if wants three-nodes; then
  say "three-node cluster: $SCALING_N readers, 10 s, relay only (Redis cost per connect and disconnect against the node count)"
  start_cluster_node "$NODE_A" "$REDIS_PORT"
  start_cluster_node "$NODE_B" "$REDIS_PORT"
  start_cluster_node "$NODE_C" "$REDIS_PORT"
  start_relay "$NODE_A"
  N=$SCALING_N RUN_SECONDS=10 SOURCES=relay fanout 1 three-nodes \
    "node-a=127.0.0.1:$NODE_A,node-b=127.0.0.1:$NODE_B,node-c=127.0.0.1:$NODE_C" "$NODE_A" \
    "node-a=$(pid_of "sockudo-$NODE_A"),node-b=$(pid_of "sockudo-$NODE_B"),node-c=$(pid_of "sockudo-$NODE_C")"
  stop_bg "fanout-relay-$RELAY_PORT"
  stop_bg "sockudo-$NODE_A"
  stop_bg "sockudo-$NODE_B"
  stop_bg "sockudo-$NODE_C"
fi
if wants one-node || wants upstream; then
  # One sockudo with the local adapter: no Redis on the path.
  start_sockudo_app "$SINGLE" "$PUSHER_APP_ID" "$PUSHER_APP_KEY" "$PUSHER_APP_SECRET"
  start_relay "$SINGLE"
fi
if wants one-node; then
  say "one node: the same $N readers on one sockudo (local adapter)"
  fanout "$ROUNDS" one-node "node=127.0.0.1:$SINGLE" "$SINGLE" "node=$(pid_of "sockudo-$SINGLE")"
fi
if wants upstream; then
  restart="source '$ROOT/scripts/lib.sh'; kill -9 \$(cat '$RUN_DIR/sockudo-$STATS_PORT.pid'); rm -f '$RUN_DIR/sockudo-$STATS_PORT.pid';
    while port_open $STATS_PORT; do sleep 0.02; done; start_sockudo_app $STATS_PORT '$STATS_APP_ID' '$STATS_APP_KEY' '$STATS_APP_SECRET'"
  upstream_common=("${common[@]}" FANOUT_READERS="$READERS" FANOUT_MATCHES="$UP_MATCHES" FANOUT_RESTART="$restart"
    FANOUT_LEAGUE_LOG="$RUN_DIR/fanout-league-$LEAGUE_PORT.log" FANOUT_UPSTREAM_PORT="$STATS_PORT" FANOUT_DEADLINE_S=175)
  say "upstream cost, relay: $READERS readers on the site's sockudo behind the relay; the stats sockudo restarts"
  env "${upstream_common[@]}" FANOUT_MODE=upstream-relay FANOUT_RELAY="http://127.0.0.1:$RELAY_PORT" \
    FANOUT_NODES="node=127.0.0.1:$SINGLE" timeout 180 "$gen" || say "the relay part did not finish (exit $?)"
  stop_bg "fanout-relay-$RELAY_PORT"
  say "upstream cost, direct: $READERS readers, each its own socket to the stats sockudo, auth through a gateway in upstream mode"
  start_gw "fanout-upstream-$UPSTREAM_GW_PORT" "$UPSTREAM_GW_PORT" COURTSIDE_MODE=upstream "${stats_api[@]}"
  env "${upstream_common[@]}" FANOUT_MODE=upstream-direct FANOUT_GATEWAY="http://127.0.0.1:$UPSTREAM_GW_PORT" \
    FANOUT_UPSTREAM_WS="127.0.0.1:$STATS_PORT" FANOUT_UPSTREAM_KEY="$STATS_APP_KEY" \
    timeout 180 "$gen" || say "the direct part did not finish (exit $?)"
fi

mkdir -p bench/results
FANOUT_MODE=report FANOUT_OUT="$out" FANOUT_JSON="$ROOT/bench/results/fanout-$stamp.json" FANOUT_STAMP="$stamp" \
  FANOUT_SOCKUDO_VERSION="$(sockudo --version 2>/dev/null | head -1)" FANOUT_GATEWAY_FROM="$gateway_from" "$gen"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; loopback; generator, nodes, Redis, relay and league share the cores"
