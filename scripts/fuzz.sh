#!/usr/bin/env bash
# Fuzz the frame decoder (through a live engine) and the match reducer with cargo-fuzz on the
# nightly toolchain, SECONDS each (default 600). Installs cargo-fuzz if missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/fuzz"
seconds=${1:-600}
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo +nightly install cargo-fuzz
for target in frame_decoder reducer; do
  say "fuzzing $target for $seconds s"
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 2>&1 |
    grep -E '^(Done|==|SUMMARY)|panicked' || true
done
