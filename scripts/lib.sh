# Shared by the project's commands: paths, ports, credentials, and process helpers.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
RUN_DIR="$ROOT/target/run"
mkdir -p "$RUN_DIR"
export PATH="$TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Demo app credentials for the local Pusher server (not secrets: loopback only).
# sockudo runs without its metrics port and HTTP rate limiter: it only ever listens on loopback.
export PUSHER_APP_ID="${PUSHER_APP_ID:-courtside-demo}"
export PUSHER_APP_KEY="${PUSHER_APP_KEY:-courtside-demo-key}"
export PUSHER_APP_SECRET="${PUSHER_APP_SECRET:-courtside-demo-secret}"
# The stats API as the demo and the tests play it: its own Pusher server (sockudo) and app, and
# the Bearer token its auth and read routes want (the league's gateway answers them).
export STATS_APP_ID="${STATS_APP_ID:-courtside-stats}"
export STATS_APP_KEY="${STATS_APP_KEY:-courtside-stats-key}"
export STATS_APP_SECRET="${STATS_APP_SECRET:-courtside-stats-secret}"
export STATS_TOKEN="${STATS_TOKEN:-courtside-demo-stats-token}"
# The Bearer for the demo league's /demo/publish (hand-made scores for tests and live demos).
export DEMO_TOKEN="${DEMO_TOKEN:-courtside-demo-publish-token}"

say() { printf '\033[1m[courtside]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[courtside] %s\033[0m\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for_port PORT NAME PID: until the port accepts connections, the process dies, or 60 s pass.
wait_for_port() {
  local port=$1 name=$2 pid=$3 deadline=$((SECONDS + 60))
  until port_open "$port"; do
    kill -0 "$pid" 2>/dev/null || die "$name exited before listening on $port (log: $RUN_DIR/$name.log)"
    ((SECONDS < deadline)) || die "$name did not listen on $port within 60 s (log: $RUN_DIR/$name.log)"
    sleep 0.2
  done
}

# stop_stale NAME: stop a process a previous run left behind (crash, kill -9).
stop_stale() {
  local pidfile="$RUN_DIR/$1.pid"
  if [[ -f $pidfile ]]; then
    local pid
    pid=$(cat "$pidfile")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      say "stopping a stale $1 (pid $pid)"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
}

# start_bg NAME PORT CMD...: start a service in the background, record its pid, wait for its port.
start_bg() {
  local name=$1 port=$2
  shift 2
  stop_stale "$name"
  port_open "$port" && die "port $port is taken by another program; set a different port (see README)"
  "$@" >"$RUN_DIR/$name.log" 2>&1 &
  local pid=$!
  disown "$pid" 2>/dev/null || true
  echo "$pid" >"$RUN_DIR/$name.pid"
  wait_for_port "$port" "$name" "$pid"
  say "$name listening on 127.0.0.1:$port"
}

stop_bg() {
  local pidfile="$RUN_DIR/$1.pid"
  [[ -f $pidfile ]] || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

start_sockudo() {
  local port=$1
  start_bg "sockudo-$port" "$port" env HOST=127.0.0.1 PORT="$port" \
    SOCKUDO_DEFAULT_APP_ID="$PUSHER_APP_ID" SOCKUDO_DEFAULT_APP_KEY="$PUSHER_APP_KEY" \
    SOCKUDO_DEFAULT_APP_SECRET="$PUSHER_APP_SECRET" \
    SOCKUDO_DEFAULT_APP_MAX_CONNECTIONS="${SOCKUDO_MAX_CONNECTIONS:-2000}" \
    SOCKUDO_DEFAULT_APP_MAX_BACKEND_EVENTS_PER_SECOND="${SOCKUDO_MAX_EVENTS:-10000}" \
    METRICS_ENABLED=false RATE_LIMITER_ENABLED=false \
    sockudo
}

# start_sockudo_app PORT ID KEY SECRET [ENV...]: a sockudo for one app (more env: e.g. the Redis adapter).
start_sockudo_app() {
  local port=$1 id=$2 key=$3 secret=$4
  shift 4
  start_bg "sockudo-$port" "$port" env HOST=127.0.0.1 PORT="$port" \
    SOCKUDO_DEFAULT_APP_ID="$id" SOCKUDO_DEFAULT_APP_KEY="$key" SOCKUDO_DEFAULT_APP_SECRET="$secret" \
    SOCKUDO_DEFAULT_APP_MAX_CONNECTIONS="${SOCKUDO_MAX_CONNECTIONS:-2000}" \
    SOCKUDO_DEFAULT_APP_MAX_BACKEND_EVENTS_PER_SECOND="${SOCKUDO_MAX_EVENTS:-10000}" \
    METRICS_ENABLED=false RATE_LIMITER_ENABLED=false "$@" \
    sockudo
}

# start_redis PORT: a throwaway Redis (no persistence) for the sockudo cluster and the relay lease.
start_redis() {
  start_bg "redis-$1" "$1" redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no
}

# start_cluster_node PORT REDIS_PORT: a sockudo node of the site's fan-out cluster (the page's
# app), joined to the others through Redis.
start_cluster_node() {
  start_sockudo_app "$1" "$PUSHER_APP_ID" "$PUSHER_APP_KEY" "$PUSHER_APP_SECRET" \
    ADAPTER_DRIVER=redis CACHE_DRIVER=redis REDIS_URL="redis://127.0.0.1:$2/0"
}

# start_gateway_as NAME PORT ENV...: the gateway with the given environment (mode and all).
start_gateway_as() {
  local name=$1 port=$2
  shift 2
  local profile=${GATEWAY_PROFILE:-debug}
  if [[ $profile == release ]]; then cargo build -q --release -p courtside-gateway; else cargo build -q -p courtside-gateway; fi
  start_bg "$name" "$port" env COURTSIDE_LISTEN="127.0.0.1:$port" "$@" "$ROOT/target/$profile/courtside-gateway"
}

start_gateway() {
  local port=$1 sockudo_port=$2
  shift 2
  local profile=${GATEWAY_PROFILE:-debug}
  if [[ $profile == release ]]; then cargo build -q --release -p courtside-gateway; else cargo build -q -p courtside-gateway; fi
  # The league's games name teams by id only: the demo directory names them.
  start_bg "gateway-$port" "$port" env COURTSIDE_MODE=demo COURTSIDE_LISTEN="127.0.0.1:$port" \
    PUSHER_HTTP_URL="http://127.0.0.1:$sockudo_port" COURTSIDE_DIRECTORY="$ROOT/gateway/demo-directory.json" \
    COURTSIDE_DEMO_TOKEN="$DEMO_TOKEN" \
    "$@" "$ROOT/target/$profile/courtside-gateway"
}

# stage_widget DIST SITE: copy the files a page needs to load the widget from a release build.
stage_widget() {
  mkdir -p "$2"
  cp -r "$1/courtside.js" "$1/courtside_bg.wasm" "$1/loader.js" "$1/snippets" "$2/"
}

# fill_page TEMPLATE OUT GATEWAY_PORT SOCKUDO_PORT: a page template with its addresses filled in.
fill_page() {
  sed -e "s|{{GATEWAY}}|http://127.0.0.1:$3|g" -e "s|{{WS_PORT}}|$4|g" -e "s|{{KEY}}|$PUSHER_APP_KEY|g" \
    -e "s|{{MATCH}}|1|g" "$1" >"$2"
}
