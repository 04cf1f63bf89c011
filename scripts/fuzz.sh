#!/usr/bin/env bash
# Fuzz the frame decoder (through a live engine) and the match reducer with cargo-fuzz on the
# nightly toolchain, SECONDS each (default 600). Installs cargo-fuzz if missing. Exits non-zero
# when a fuzzer finds a crash (its output is kept in target/run/fuzz-TARGET.log).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/fuzz"
seconds=${1:-600}
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo +nightly install cargo-fuzz
failed=()
for target in frame_decoder reducer; do
  say "fuzzing $target for $seconds s"
  log="$RUN_DIR/fuzz-$target.log"
  set +e
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^(Done|==|SUMMARY)|panicked' "$log" || true
  if ((rc != 0)); then
    failed+=("$target")
    say "$target: the fuzzer failed (exit $rc); see $log and fuzz/artifacts/$target/"
  fi
done
((${#failed[@]} == 0)) || die "fuzzing found a failure in: ${failed[*]}"
