#!/usr/bin/env bash
# Screenshots of the release build for the README (docs/screenshots/): light, dark, compact,
# nano, the ticker, a competition and German labels, each against the demo league.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
SOCKUDO_PORT=36001 GATEWAY_PORT=38787 PAGE_PORT=38080
"$ROOT/scripts/bootstrap.sh"
cleanup() { stop_bg "page-$PAGE_PORT"; stop_bg "gateway-$GATEWAY_PORT"; stop_bg "sockudo-$SOCKUDO_PORT"; }
trap cleanup EXIT
[[ -f target/release-dist/courtside_bg.wasm ]] || "$ROOT/scripts/build-release.sh" "$ROOT/target/release-dist"
start_sockudo "$SOCKUDO_PORT"
start_gateway "$GATEWAY_PORT" "$SOCKUDO_PORT"
site="$ROOT/target/screens-site"
rm -rf "$site" && mkdir -p "$site"
stage_widget target/release-dist "$site"
match=$(curl -sf -X POST -H 'Origin: http://127.0.0.1' "http://127.0.0.1:$GATEWAY_PORT/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' |
  xargs -I{} curl -sf -H 'Authorization: Bearer {}' "http://127.0.0.1:$GATEWAY_PORT/api/matches?status=live" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["matches"][0]["id"])')
page() { # NAME BACKGROUND WIDTH ELEMENT
  cat >"$site/$1.html" <<HTML
<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="loader.js" data-gateway="http://127.0.0.1:$GATEWAY_PORT" data-host="127.0.0.1" data-port="$SOCKUDO_PORT" data-tls="false" data-key="$PUSHER_APP_KEY"></script>
<body style="margin:0;background:$2"><div id="frame" style="padding:16px;width:$3;background:$2">$4</div></body>
HTML
}
page light '#f3f4f6' 420px "<courtside-scoreboard id=shot lang=en theme=light match=$match></courtside-scoreboard>"
page dark '#0d1014' 420px "<courtside-scoreboard id=shot lang=en theme=dark match=$match></courtside-scoreboard>"
page compact '#f3f4f6' 320px "<courtside-scoreboard id=shot lang=en size=compact match=$match></courtside-scoreboard>"
page nano '#f3f4f6' 170px "<courtside-scoreboard id=shot lang=en size=nano match=$match></courtside-scoreboard>"
page ticker '#f3f4f6' 720px "<courtside-ticker id=shot lang=en theme=light interval=60></courtside-ticker>"
page competition '#f3f4f6' 640px "<courtside-competition id=shot lang=en theme=light competition=4></courtside-competition>"
page german '#f3f4f6' 420px "<courtside-scoreboard id=shot lang=de theme=light match=$match></courtside-scoreboard>"
# The league's read API names teams by id only: these names, colours and players come from the
# directory, the score and the last play from pushes. And the league's postponed game.
postponed=$(curl -sf -X POST -H 'Origin: http://127.0.0.1' "http://127.0.0.1:$GATEWAY_PORT/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' |
  xargs -I{} curl -sf -H 'Authorization: Bearer {}' "http://127.0.0.1:$GATEWAY_PORT/api/matches?status=all" |
  python3 -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin)["matches"] if m["status"] == "postponed"][0])')
page pushes-directory '#f3f4f6' 420px "<courtside-scoreboard id=shot lang=en theme=light match=$match></courtside-scoreboard>"
page postponed '#f3f4f6' 420px "<courtside-scoreboard id=shot lang=en theme=light match=$postponed></courtside-scoreboard>"
start_bg "page-$PAGE_PORT" "$PAGE_PORT" python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$site"
python3 docs/screenshots.py "http://127.0.0.1:$PAGE_PORT" "$ROOT/docs/screenshots"
