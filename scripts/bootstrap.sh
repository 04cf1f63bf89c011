#!/usr/bin/env bash
# Installs what the demo and the tests need, and skips whatever is already there.
# Safe to run any number of times.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v protoc >/dev/null || missing+=(protobuf-compiler)
command -v redis-server >/dev/null || missing+=(redis-server)   # the sockudo cluster's adapter
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The release build rebuilds std for size on nightly (see scripts/build-release.sh).
if rustup toolchain list | grep -q '^nightly'; then
  rustup component list --toolchain nightly --installed | grep -q '^rust-src' \
    || { say "adding rust-src to nightly"; rustup component add rust-src --toolchain nightly; }
  rustup target list --toolchain nightly --installed | grep -qx wasm32-unknown-unknown \
    || { say "adding wasm32 to nightly"; rustup target add wasm32-unknown-unknown --toolchain nightly; }
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wbg=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[[ -n $wbg ]] || die "Cargo.lock names no wasm-bindgen version"
grep -q "wasm_bindgen = \"$wbg\"" Trunk.toml || die "Trunk.toml's wasm_bindgen must equal Cargo.lock's $wbg"
installed() { cargo install --list | grep -q "^$1 v$2:"; }
if ! installed wasm-bindgen-cli "$wbg"; then
  say "installing wasm-bindgen-cli $wbg (about 4 minutes)"
  cargo install wasm-bindgen-cli --version "=$wbg"   # --locked fails on this registry
fi
if ! cargo install --list | grep -q '^trunk v0\.21\.'; then
  say "installing trunk 0.21 (about 10 minutes; 0.22 needs a newer rustc)"
  cargo install trunk --version '^0.21' --locked
fi
# The relay's fan-out runs on sockudo nodes joined by Redis: the binary needs the `redis` feature.
# `cargo install --list` does not show features; cargo's own record (.crates2.json) does.
sockudo_has_redis() {
  python3 - "${CARGO_HOME:-$HOME/.cargo}/.crates2.json" <<'PY'
import json, sys
try:
    installs = json.load(open(sys.argv[1])).get("installs", {})
except OSError:
    sys.exit(1)
ok = any(k.startswith("sockudo 5.2.0 ") and "redis" in v.get("features", []) for k, v in installs.items())
sys.exit(0 if ok else 1)
PY
}
if ! installed sockudo 5.2.0 || ! sockudo_has_redis; then
  say "installing sockudo 5.2.0 with the redis adapter (a Pusher-protocol server; about 18 minutes)"
  cargo install sockudo --version 5.2.0 --no-default-features --features "local redis"
fi
if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132'; then
  say "installing wasm-opt from npm binaryen@132 (Debian's 108 breaks the module)"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --silent binaryen@132 >/dev/null)
fi
# The release build minifies the wasm-bindgen glue with esbuild (scripts/build-release.sh).
if ! "$TOOLS/node_modules/.bin/esbuild" --version 2>/dev/null | grep -q '^0\.25\.'; then
  say "installing esbuild 0.25 from npm (minifies the JS glue of the release build)"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --silent esbuild@0.25 >/dev/null)
fi
# The JS API's checks: its types (tsc), and parity with the stack the stats API's documentation
# prescribes (pusher-js + laravel-echo, the versions bench/compare.sh measures against).
if ! { [[ -f $TOOLS/node_modules/typescript/package.json ]] && grep -q '"version": "5\.9\.' "$TOOLS/node_modules/typescript/package.json" \
  && [[ -f $TOOLS/node_modules/pusher-js/dist/web/pusher.min.js && -f $TOOLS/node_modules/laravel-echo/dist/echo.iife.js ]]; }; then
  say "installing typescript 5.9, pusher-js 8.6.0 and laravel-echo 2.5.0 from npm (the JS API's type check and parity test)"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --silent typescript@5.9 pusher-js@8.6.0 laravel-echo@2.5.0 >/dev/null)
fi
say "tools ready: $(wasm-bindgen --version), $(trunk --version), wasm-opt $("$TOOLS/node_modules/.bin/wasm-opt" --version | awk '{print $3}'), esbuild $("$TOOLS/node_modules/.bin/esbuild" --version), $(chromium --version 2>/dev/null | awk '{print $1, $2}')"
