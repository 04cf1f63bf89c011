#!/usr/bin/env bash
# The production build of the widget into DIST (default dist/): trunk build --release with
# wasm-opt -Oz (binaryen 132), on the nightly toolchain with std rebuilt for size
# (-Z build-std, immediate-abort panics). Falls back to the stable toolchain when nightly or
# its rust-src is missing, and says so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
dist=${1:-$ROOT/dist}

if rustup toolchain list | grep -q '^nightly' && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  # Trunk runs cargo offline: fetch what std's own build needs first.
  cargo +nightly fetch -q --manifest-path "$(rustc +nightly --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
  RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" CARGO_TARGET_DIR="$ROOT/target/nightly" \
    trunk build --release --dist "$dist"
else
  say "nightly with rust-src not found: building on stable (about 12 % larger)"
  trunk build --release --dist "$dist"
fi
