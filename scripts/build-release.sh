#!/usr/bin/env bash
# The production build of the widget into DIST (default dist/): trunk build --release with
# wasm-opt -Oz (binaryen 132), on the nightly toolchain with std rebuilt for size
# (-Z build-std with std's `optimize_for_size`, immediate-abort panics, no `Debug` formatting and no panic locations:
# -Zfmt-debug=none -Zlocation-detail=none). Falls back to the stable toolchain when nightly or
# its rust-src is missing, and says so. Then `shrink` (below) makes what goes over the wire
# smaller still.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dist=$(realpath -m -- "${1:-$ROOT/dist}") # a relative DIR is the caller's, made absolute before the cd
cd "$ROOT"

# What goes over the wire, made smaller after Trunk (wasm-bindgen, then wasm-opt -Oz):
# 1. the exports leptos' server_fn brings in through wasm-streams (`IntoUnderlyingSource`,
#    `…Sink`, `…ByteSource`: classes nothing can construct, since the module never hands one
#    to JS) dropped from the wasm and the glue, and wasm-opt -Oz run again (twice);
# 2. the wasm's import and export names (wasm-bindgen's hashed `__wbg_…_0123456789abcdef` and
#    `wasm_bindgen_…___convert__closures_____invoke___…`) minified by binaryen in that run, and
#    the JS glue rewritten to the same names (the mapping binaryen prints);
# 3. the JS glue and its snippets minified by esbuild (from npm, see scripts/bootstrap.sh);
# 4. the demo page's subresource-integrity hashes recomputed for the files changed.
shrink() {
  local dist=$1 bin="$TOOLS/node_modules/.bin"
  [[ -x $bin/esbuild && -x $bin/wasm-opt ]] || die "esbuild or wasm-opt missing: run scripts/bootstrap.sh"
  local map
  map=$(mktemp)
  python3 - "$dist/courtside_bg.wasm" <<'PY'
import sys
# Drop the wasm-streams exports from the export section (id 7); wasm-opt then drops their code.
# (The name of a custom section, id 0, is a one-byte length and the name: all here are short.)
def leb(b, i):
    n = shift = 0
    while True:
        x = b[i]; i += 1; n |= (x & 0x7f) << shift; shift += 7
        if x < 0x80: return n, i
def enc(n):
    out = bytearray()
    while True:
        x = n & 0x7f; n >>= 7
        out.append(x | 0x80 if n else x)
        if not n: return bytes(out)
path = sys.argv[1]
b = open(path, "rb").read()
out, i, dropped = bytearray(b[:8]), 8, 0
while i < len(b):
    sid = b[i]; size, j = leb(b, i + 1); body = b[j:j + size]
    if sid == 0 and body[1:1 + body[0]] == b"__wasm_split_unstable":
        i = j + size  # leptos' marker for its wasm-split tooling, which this build does not use
        continue
    if sid == 7:
        n, k = leb(body, 0); keep = []
        for _ in range(n):
            l, k2 = leb(body, k); name = body[k2:k2 + l].decode(); _, k4 = leb(body, k2 + l + 1)
            if "intounderlying" in name: dropped += 1
            else: keep.append(body[k:k4])
            k = k4
        body = enc(len(keep)) + b"".join(keep)
    out += bytes([sid]) + enc(len(body)) + body; i = j + size
if dropped not in (0, 13):
    sys.exit(f"expected the 13 wasm-streams exports, found {dropped}")
open(path, "wb").write(out)
PY
  # --low-memory-unused: the module's lowest 1 KB is the bottom of its 1 MB stack (rustc links
  # the stack first), reached only by a stack that already overflowed; binaryen may then fold
  # constant offsets into loads and stores (1.1 KB gzip).
  "$bin/wasm-opt" "$dist/courtside_bg.wasm" --low-memory-unused -Oz -Oz --minify-imports-and-exports-and-modules \
    --strip-producers --strip-target-features \
    -o "$dist/courtside_bg.wasm" >"$map"
  python3 - "$map" "$dist/courtside.js" <<'PY'
import json, re, sys
mapping = json.load(open(sys.argv[1]))
path = sys.argv[2]
js = open(path).read()
# The wasm-streams classes, their finalizers and dispose hooks (their exports are gone).
js = re.sub(r'(?ms)^export class IntoUnderlying\w+ \{.*?^\}\n(if \(Symbol\.dispose\) IntoUnderlying\w+\.prototype\[Symbol\.dispose\] = [^\n]*\n)?', '', js)
js = re.sub(r'(?ms)^const IntoUnderlying\w+Finalization = .*?;\n', '', js)
if re.search(r'(?i)intounderlying', js):
    sys.exit("the glue still names the wasm-streams classes")
ident = re.compile(r'^[A-Za-z_$][A-Za-z0-9_$]*$')
modules = {m for m, _, _ in mapping["imports"]}
snippets = modules - {"./courtside_bg.js"}
if "./courtside_bg.js" not in modules or any(not m.startswith("./snippets/") for m in snippets):
    sys.exit(f"unexpected import modules {modules}")
# binaryen gives every import module the name "a": the glue's object for it, `import0`, also
# gets the snippets' functions the wasm imports directly (under their new names).
old = '"./courtside_bg.js": import0,'
if js.count(old) != 1:
    sys.exit("the glue's import object changed shape")
js = js.replace(old, 'a: import0,')
direct = []
for m in sorted(snippets):
    alias = re.search(r'import \* as (import\d+) from "' + re.escape(m) + '"', js)
    line = f'"{m}": {alias.group(1)},' if alias else None
    if not alias or js.count(line) != 1:
        sys.exit(f"the glue's import of {m} changed shape")
    js = re.sub(r'\s*' + re.escape(line), '', js)
    direct += [f"        {json.dumps(new)}: {alias.group(1)}.{name},\n" for mod, name, new in mapping["imports"] if mod == m]
# The import object: each entry starts at 8 spaces (`name: function…`) and runs to the next.
start = js.index("    const import0 = {\n") + len("    const import0 = {\n")
end = js.index("\n    };\n", start) + 1
entries = re.split(r'(?m)^(?=        [A-Za-z_$][\w$]*: )', js[start:end])
if entries[0] != "" or entries[1].strip() != "__proto__: null,":
    sys.exit("the glue's import object changed shape")
renamed = {name: new for mod, name, new in mapping["imports"] if mod == "./courtside_bg.js"}
kept = [entries[1]] + direct
for e in entries[2:]:
    name = re.match(r'\s+([\w$]+): ', e).group(1)
    if name in renamed:  # the others were optimised away with the code that called them
        kept.append(e.replace(name + ": ", json.dumps(renamed.pop(name)) + ": ", 1))
if renamed:
    sys.exit(f"imports with no definition in the glue: {list(renamed)[:3]}")
js = js[:start] + "".join(kept) + js[end:]
for name, new in mapping["exports"]:
    use = re.compile(r'\bwasm\.' + re.escape(name) + r'\b')
    js, n = use.subn('wasm.' + new if ident.match(new) else 'wasm[' + json.dumps(new) + ']', js)
    if n == 0 and name not in ("_WASM_SPLIT_MARKER_732e786d2a082da8version", "__abort_handler", "__instance_terminated"):
        print(f"note: export {name} is not used by the glue", file=sys.stderr)
left = re.findall(r'\bwasm\.(\w{20,})', js)
if left:
    sys.exit(f"glue still uses unminified exports: {left[:3]}")
open(path, "w").write(js)
PY
  rm -f "$map"
  local f snippets
  shopt -s nullglob
  snippets=("$dist"/snippets/*/*.js)
  shopt -u nullglob
  for f in "$dist/courtside.js" "${snippets[@]}"; do
    "$bin/esbuild" "$f" --minify --format=esm --log-level=warning --outfile="$f" --allow-overwrite
  done
  # Trunk wrote integrity hashes for the files it emitted: the demo page must match the new ones.
  [[ -f $dist/index.html ]] || return 0
  for f in "$dist/courtside.js" "$dist/courtside_bg.wasm" "${snippets[@]}"; do
    local rel=${f#"$dist"/} sum
    sum=$(openssl dgst -sha384 -binary "$f" | openssl base64 -A)
    sed -i -E "s#(href=\"/$rel\"[^>]*integrity=\")sha384-[^\"]+#\1sha384-$sum#" "$dist/index.html"
    if grep -q "href=\"/$rel\"[^>]*integrity=" "$dist/index.html" && ! grep -qF "sha384-$sum" "$dist/index.html"; then
      die "could not update the integrity hash of $rel in $dist/index.html"
    fi
  done
}


if rustup toolchain list | grep -q '^nightly' && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  # Trunk runs cargo offline: fetch what std's own build needs first.
  cargo +nightly fetch -q --manifest-path "$(rustc +nightly --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
  # std built with its `optimize_for_size` feature: its smaller algorithms (0.7 KB gzip).
  RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=std,panic_abort CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" CARGO_TARGET_DIR="$ROOT/target/nightly" \
    trunk build --release --dist "$dist"
else
  say "nightly with rust-src not found: building on stable (about 12 % larger)"
  trunk build --release --dist "$dist"
fi
shrink "$dist"

# What a site or a developer takes from the build, besides the flat files above:
# - loader.js and api.js minified (esbuild; export names kept);
# - dist/courtside/VERSION/: every file, immutable (cache for a year), with its Subresource
#   Integrity hash printed and written to integrity.txt;
# - dist/courtside/latest/: loader.js and api.js, the files to cache briefly, loading VERSION's;
# - dist/courtside-VERSION.tgz: the npm package (`npm pack`, offline), its entry api.js with
#   the types in courtside.d.ts.
publish_files() {
  local dist=$1 bin="$TOOLS/node_modules/.bin" f
  local version
  version=$(awk -F'"' '/^version = /{print $2; exit}' "$ROOT/Cargo.toml")
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no version in Cargo.toml"
  for f in loader.js api.js; do
    "$bin/esbuild" "$dist/$f" --minify --format=esm --log-level=warning --outfile="$dist/$f" --allow-overwrite
  done
  local out="$dist/courtside/$version" latest="$dist/courtside/latest"
  rm -rf "$dist/courtside" && mkdir -p "$out" "$latest"
  cp -r "$dist"/{loader.js,api.js,courtside.js,courtside_bg.wasm,courtside.d.ts,snippets} "$out/"
  # The latest loader fetches the versioned files (its own URL is not theirs).
  sed -e "s#\"./courtside.js\"#\"../$version/courtside.js\"#; s#\"courtside_bg.wasm\"#\"../$version/courtside_bg.wasm\"#" \
    "$dist/loader.js" >"$latest/loader.js"
  printf "export * from '../%s/api.js';\n" "$version" >"$latest/api.js"
  grep -q "\.\./$version/courtside.js" "$latest/loader.js" && grep -q "\.\./$version/courtside_bg.wasm" "$latest/loader.js" \
    || die "could not point the latest loader at $version (the minified loader changed shape)"
  (cd "$out" && find . -type f ! -name integrity.txt | sort | while read -r f; do
    printf '%s sha384-%s\n' "${f#./}" "$(openssl dgst -sha384 -binary "$f" | openssl base64 -A)"
  done) >"$out/integrity.txt"
  say "courtside $version: Subresource Integrity ($out/integrity.txt)"
  sed 's/^/  /' "$out/integrity.txt"
  local pkg="$dist/npm"
  rm -rf "$pkg" && mkdir -p "$pkg"
  cp -r "$out"/{api.js,courtside.js,courtside_bg.wasm,courtside.d.ts,loader.js,snippets} "$pkg/"
  cat >"$pkg/package.json" <<JSON
{
  "name": "courtside",
  "version": "$version",
  "description": "Live basketball scores: an Echo-shaped client with backfill and deduplication, and embeddable scoreboard, ticker and competition elements",
  "license": "MIT",
  "type": "module",
  "main": "./api.js",
  "types": "./courtside.d.ts",
  "exports": {
    ".": { "types": "./courtside.d.ts", "default": "./api.js" },
    "./loader.js": "./loader.js",
    "./courtside.js": "./courtside.js",
    "./courtside_bg.wasm": "./courtside_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": ["api.js", "courtside.js", "courtside_bg.wasm", "courtside.d.ts", "loader.js", "snippets/"],
  "sideEffects": ["./loader.js"]
}
JSON
  (cd "$dist" && npm pack --offline --silent "$pkg" >/dev/null) || die "npm pack failed"
  [[ -s $dist/courtside-$version.tgz ]] || die "npm pack wrote no courtside-$version.tgz"
  say "npm package: $dist/courtside-$version.tgz ($(stat -c %s "$dist/courtside-$version.tgz") B)"
}
publish_files "$dist"
