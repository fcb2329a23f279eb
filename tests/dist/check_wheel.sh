#!/usr/bin/env bash
# Installs the x86-64 wheel from dist/ into a fresh venv (with the `fastapi` extra) and runs
# tests/dist/smoke.py there: JWT encode/decode, password hash/verify, the demo app serving a
# login and an authenticated request. With --sdist, also builds a wheel from dist/'s sdist in
# another fresh venv (pip's isolated build: maturin from the index, the local Rust toolchain)
# and runs the same smoke script against it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1

shopt -s nullglob
wheels=(dist/authcore-*-cp310-abi3-manylinux*_x86_64*.whl)
sdists=(dist/authcore-*.tar.gz)
[ ${#wheels[@]} -eq 1 ] || { echo "expected one x86-64 wheel in dist/, found ${#wheels[@]} (run make dist)" >&2; exit 1; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

smoke() { # smoke VENV: the demo's own imports besides the package: httpx (ASGI client)
  (cd "$tmp" && "$1/bin/python" "$ROOT/tests/dist/smoke.py" "$ROOT")
}

echo "\$ pip install ${wheels[0]}[fastapi] httpx  (fresh venv)"
"$PYTHON" -m venv "$tmp/wheel"
"$tmp/wheel/bin/pip" install -q "${wheels[0]}[fastapi]" httpx
smoke "$tmp/wheel"

if [ "${1:-}" = --sdist ]; then
  [ ${#sdists[@]} -eq 1 ] || { echo "expected one sdist in dist/, found ${#sdists[@]}" >&2; exit 1; }
  echo "\$ pip wheel ${sdists[0]}  (fresh venv, isolated build)"
  "$PYTHON" -m venv "$tmp/sdist"
  "$tmp/sdist/bin/pip" wheel -q --no-deps -w "$tmp/built" "${sdists[0]}"
  built=("$tmp"/built/authcore-*.whl)
  echo "built $(basename "${built[0]}")"
  "$tmp/sdist/bin/pip" install -q "${built[0]}[fastapi]" httpx
  smoke "$tmp/sdist"
fi
