#!/usr/bin/env bash
# The widget's size budget: what a page downloads, gzip -9 (as scripts/test.sh prints it), per file
# and in total, against size-budget.json. Fails, naming each file over its budget, when the
# release build in DIST is heavier than the budget: sizes can only fall.
#   scripts/size-budget.sh DIST             check (the test command runs this on its release build)
#   scripts/size-budget.sh --tighten DIST   lower each budget to DIST's size (rounded up by less
#                                            than 1 %); never raises one. Commit the new file.
#   scripts/size-budget.sh --baseline DIST  set every budget to DIST's size (rounded up by less than
#                                            1 %), up or down: only for a commit that says why.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUDGET="$ROOT/size-budget.json"

mode=check
case ${1:-} in --tighten) mode=tighten; shift ;; --baseline) mode=baseline; shift ;; esac
dist=${1:?usage: scripts/size-budget.sh [--tighten|--baseline] DIST}
for f in courtside_bg.wasm courtside.js loader.js; do
  [[ -s $dist/$f ]] || { echo "size budget: $dist/$f is missing or empty" >&2; exit 1; }
done
[[ -f $BUDGET ]] || { echo "size budget: $BUDGET is missing" >&2; exit 1; }

gz() { gzip -9c "$1" | wc -c; }
snippets=0
while IFS= read -r -d '' f; do snippets=$((snippets + $(gz "$f"))); done < <(find "$dist/snippets" -type f -print0 2>/dev/null)
sizes=$(printf '{"courtside_bg.wasm": %d, "courtside.js": %d, "loader.js": %d, "snippets": %d}' \
  "$(gz "$dist/courtside_bg.wasm")" "$(gz "$dist/courtside.js")" "$(gz "$dist/loader.js")" "$snippets")

python3 - "$BUDGET" "$sizes" "$mode" <<'PY'
import json, sys

path, sizes, mode = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
sizes["total"] = sum(sizes.values())
doc = json.load(open(path))
budget = doc["gzip9_bytes"]
missing = [k for k in sizes if k not in budget]
if missing and mode != "baseline":
    sys.exit(f"size budget: {path} has no budget for {', '.join(missing)}")


def rounded_up(n):
    """n rounded up to a step of at most 1 % of n (1, 10, 100 or 1000 bytes)."""
    step = 1
    while step * 10 <= n / 100:
        step *= 10
    return -(-n // step) * step


if mode in ("tighten", "baseline"):
    changed = []
    for k, n in sizes.items():
        new = rounded_up(n) if mode == "baseline" else min(budget[k], rounded_up(n))
        if new != budget.get(k):
            changed.append(f"{k} {budget.get(k)} -> {new}")
            budget[k] = new
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print("size budget: " + ("; ".join(changed) if changed else "no change"))
    sys.exit(0)

over = []
print(f"  {'file':18} {'gzip -9':>8} {'budget':>8}")
for k, n in sizes.items():
    flag = "" if n <= budget[k] else f"  OVER by {n - budget[k]} B"
    print(f"  {k:18} {n:8d} {budget[k]:8d}{flag}")
    if flag:
        over.append(f"{k} is {n} B gzip -9, {n - budget[k]} B over its budget of {budget[k]} B")
if over:
    sys.stdout.flush()
    print("size budget exceeded: " + "; ".join(over) + f". The bundle may only shrink: find the bytes "
          f"(twiggy top, cargo bloat), or, if the growth is the price of a feature, raise the budget "
          f"in size-budget.json in its own commit and say why.", file=sys.stderr)
    sys.exit(1)
print(f"size budget: ok, {sizes['total']} B of {budget['total']} B")
PY
