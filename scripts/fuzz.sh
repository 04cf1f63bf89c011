#!/usr/bin/env bash
# Fuzz every target of fuzz/fuzz_targets (the frame decoder through a live engine, the match
# reducer) with cargo-fuzz, SECONDS each (default 600), and print per target the runs, the
# speed and the corpus libFuzzer ended with. Exits non-zero when a fuzzer finds a crash (its
# output is kept in target/run/fuzz-TARGET.log, the input in fuzz/artifacts/TARGET/).
# The toolchain: nightly where rustup has it (cargo-fuzz passes -Z flags), else the default one
# with RUSTC_BOOTSTRAP=1, and says so. Installs cargo-fuzz if missing (about a minute).
# Each run starts from the committed seeds (fuzz/corpus/TARGET/seed*), copied to a scratch
# corpus under target/fuzz-corpus/ that libFuzzer may grow: a run leaves the tree as it was.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/fuzz"
seconds=${1:-600}
[[ $seconds =~ ^[0-9]+$ ]] || die "usage: scripts/fuzz.sh [SECONDS]"

if rustup toolchain list | grep -q '^nightly'; then
  cargo=(cargo +nightly)
else
  say "no nightly toolchain: fuzzing on $(rustc --version | awk '{print $1, $2}') with RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
if ! "${cargo[@]}" fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about a minute)"
  "${cargo[@]}" install cargo-fuzz
fi

scratch="$ROOT/target/fuzz-corpus"
failed=()
for src in fuzz_targets/*.rs; do
  target=$(basename "$src" .rs)
  say "fuzzing $target for $seconds s"
  log="$RUN_DIR/fuzz-$target.log"
  corpus="$scratch/$target"
  rm -rf "$corpus" && mkdir -p "$corpus"
  cp "corpus/$target"/seed* "$corpus/"
  set +e
  "${cargo[@]}" fuzz run -O "$target" "$corpus" -- -max_total_time="$seconds" -max_len=4096 >"$log" 2>&1
  rc=$?
  set -e
  # What a crash says: the sanitizer's or libFuzzer's report, the panic and its message, the input.
  awk '/^(==|SUMMARY)|Test unit written/ {print} p {print; p=0} /panicked/ {print; p=1}' "$log"
  # libFuzzer's closing lines: `#N DONE cov: C ft: F corp: I/Sb …` and `Done N runs in S second(s)`.
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE ' "$log" | tail -n 1 || true)
  runs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1 \2/p' "$log" | tail -n 1)
  if [[ -n $runs ]]; then
    read -r n s <<<"$runs"
    corp=$(sed -nE 's/.* corp: ([0-9]+)\/([0-9]+[A-Za-z]*).*/\1 inputs (\2)/p' <<<"$done_line")
    cov=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+).*/cov \1, ft \2/p' <<<"$done_line")
    printf '  %-14s %10d runs in %d s (%d/s); corpus %s from %d seed(s); %s\n' \
      "$target:" "$n" "$s" "$((n / (s > 0 ? s : 1)))" "${corp:-?}" "$(ls "corpus/$target"/seed* | wc -l)" "${cov:-cov ?}"
  fi
  if ((rc != 0)); then
    failed+=("$target")
    say "$target: the fuzzer failed (exit $rc); see $log and fuzz/artifacts/$target/"
  elif [[ -z $runs ]]; then
    failed+=("$target")
    say "$target: no 'Done N runs' line from libFuzzer; see $log"
  fi
done
((${#failed[@]} == 0)) || die "fuzzing found a failure in: ${failed[*]}"
say "fuzzing: every target ran $seconds s without a crash"
