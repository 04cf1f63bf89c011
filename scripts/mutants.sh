#!/usr/bin/env bash
# Mutation testing of the pure layers: cargo-mutants changes src/protocol and src/store one
# mutant at a time (a `<` for a `<=`, a function body replaced by a default value …) and runs
# the native suites (`cargo test -p courtside --test engine --test store`); a mutant those
# tests do not fail on is "missed". Prints caught / missed / timeouts / unviable and the
# missed mutants. Installs cargo-mutants (crates.io) if missing; safe to run again.
#
# Usage: scripts/mutants.sh [extra cargo-mutants args …]
#   MUTANTS_TIMEOUT  seconds one test run of one mutant may take (default 120)
#   MUTANTS_BUDGET   seconds for the whole run (default 5400); past it the run is stopped
#                    and the mutants tested so far are reported
#   MUTANTS_SHARD    k/n: only this share of the mutants (e.g. 0/4), for shorter runs
#   MUTANTS_FILES    space-separated globs to mutate (default 'src/protocol/** src/store/**')
#   MUTANTS_TESTS    the cargo test selection (default '--test engine --test store';
#                    add '--lib' to count the modules' own unit tests too)
#   MUTANTS_VERSION  cargo-mutants version to install (default 27.0.0)
# Builds go to target/mutants/build (never the shared target dir); results to
# target/mutants/out/mutants.out (outcomes.json, caught.txt, missed.txt …).
# Exit status: 0 when the run finished (missed mutants are reported, not fatal), non-zero
# when the unmutated tree failed its tests, the budget ran out, or cargo-mutants broke.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

version=${MUTANTS_VERSION:-27.0.0}
timeout_s=${MUTANTS_TIMEOUT:-120}
budget_s=${MUTANTS_BUDGET:-5400}
files=${MUTANTS_FILES:-'src/protocol/** src/store/**'}
tests=${MUTANTS_TESTS:-'--test engine --test store'}
work="$ROOT/target/mutants"
out="$work/out"
mkdir -p "$work" "$out"

have() { cargo mutants --version 2>/dev/null | grep -q "cargo-mutants $version"; }
if ! have; then
  echo "mutants: installing cargo-mutants $version from crates.io" >&2
  cargo install --locked --quiet cargo-mutants --version "$version"
fi

args=(--package courtside --timeout "$timeout_s" --output "$out" --jobs 1 --no-shuffle --colors never)
# Split on spaces without expanding the globs: cargo-mutants matches them itself.
read -r -a globs <<<"$files"
for f in "${globs[@]}"; do args+=(--file "$f"); done
if [[ -n ${MUTANTS_SHARD:-} ]]; then args+=(--shard "$MUTANTS_SHARD"); fi
read -r -a test_args <<<"$tests"

echo "mutants: $(cargo mutants "${args[@]}" --list "$@" -- "${test_args[@]}" | wc -l) mutants in ${files}; tests: cargo test ${tests}" >&2
started=$SECONDS
set +e
# Its own target dir: the mutated copy never touches the shared build.
CARGO_TARGET_DIR="$work/build" timeout --signal=INT --kill-after=60 "$budget_s" \
  cargo mutants "${args[@]}" "$@" -- "${test_args[@]}" >"$work/run.log" 2>&1
rc=$?
set -e
tail -n 5 "$work/run.log" >&2

result="$out/mutants.out"
[[ -f $result/outcomes.json ]] || { echo "mutants: no outcomes (exit $rc); see $work/run.log" >&2; exit 1; }
python3 - "$result/outcomes.json" "$((SECONDS - started))" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
counts = {}
for x in o.get("outcomes", []):
    if x.get("scenario") == "Baseline":
        continue
    counts[x.get("summary")] = counts.get(x.get("summary"), 0) + 1
caught, missed = counts.get("CaughtMutant", 0), counts.get("MissedMutant", 0)
timeouts, unviable = counts.get("Timeout", 0), counts.get("Unviable", 0)
viable = caught + missed + timeouts
rate = 100.0 * (caught + timeouts) / viable if viable else 0.0
print(f"mutants: {caught} caught, {missed} missed, {timeouts} timeouts, {unviable} unviable "
      f"(of {o.get('total_mutants', '?')}; killed {rate:.1f}% of the viable ones) in {sys.argv[2]} s")
PY
if [[ -s $result/missed.txt ]]; then
  echo "missed mutants (the tests pass with these bugs in):"
  sed 's/^/  /' "$result/missed.txt"
fi
# cargo-mutants: 0 all caught, 2 some missed, 3 some timed out; 4 the unmutated tree failed.
case $rc in
  0 | 2 | 3) exit 0 ;;
  124 | 130) echo "mutants: the budget of $budget_s s ran out; the counts above are partial" >&2; exit 124 ;;
  *) echo "mutants: cargo-mutants failed (exit $rc); see $work/run.log" >&2; exit "$rc" ;;
esac
