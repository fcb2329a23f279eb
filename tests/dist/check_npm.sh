#!/usr/bin/env bash
# The npm tarball from dist/ as a user gets it: publint and arethetypeswrong on the tarball, then
# installed (offline: it has no dependencies) into a fresh project and used from an ES module
# and from CommonJS, and its declarations type-checked with tsc --strict — the files in
# tests/dist/npm/ must compile (their @ts-expect-error lines must be errors), wrong.mts must not.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$ROOT/tests/js/node_modules/.bin
[ -x "$BIN/attw" ] || scripts/setup.sh node

shopt -s nullglob
tgz=(dist/authcore-*.tgz)
[ ${#tgz[@]} -eq 1 ] || { echo "expected one npm tarball in dist/, found ${#tgz[@]} (run make dist)" >&2; exit 1; }
tgz=$ROOT/${tgz[0]}

echo "\$ publint run --strict $(basename "$tgz")"
"$BIN/publint" run --strict "$tgz"
# "authcore" must resolve with its types everywhere (node10, node16 from CJS and ESM, bundlers).
# "authcore/manual" is the web build without automatic initialisation: an ES module by design,
# so a CommonJS require of it is the one finding accepted there.
echo "\$ attw --entrypoints . ./package.json $(basename "$tgz")"
"$BIN/attw" "$tgz" --format table-flipped --entrypoints . ./package.json
echo "\$ attw --entrypoints ./manual --ignore-rules cjs-resolves-to-esm $(basename "$tgz")"
"$BIN/attw" "$tgz" --format table-flipped --ignore-rules cjs-resolves-to-esm --entrypoints ./manual

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp tests/dist/npm/* "$tmp/"
cd "$tmp"
echo '{ "name": "authcore-dist-check", "private": true, "version": "0.0.0" }' > package.json
echo "\$ npm install --offline $(basename "$tgz")  (fresh project)"
npm install --offline --no-audit --no-fund --loglevel=error "$tgz"
node esm.mjs
node cjs.cjs
echo "\$ tsc --strict (use.mts, use.cts)"
node "$ROOT/tests/js/node_modules/typescript/bin/tsc" -p tsconfig.json
echo "\$ tsc --strict wrong.mts  (must fail)"
if out=$(node "$ROOT/tests/js/node_modules/typescript/bin/tsc" -p tsconfig.wrong.json 2>&1); then
  echo "tsc accepted a wrong call" >&2; exit 1
fi
grep -q "wrong.mts.*error TS2322" <<<"$out" || { echo "unexpected tsc output: $out" >&2; exit 1; }
echo "refused: $(grep -o 'error TS[0-9]*: .*' <<<"$out" | head -1)"
echo "npm package: ok"
