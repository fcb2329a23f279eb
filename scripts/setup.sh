#!/usr/bin/env bash
# Idempotent machine set-up for authcore: everything `make test` and `make demo` need.
# Usage: scripts/setup.sh [all|rust|wasm|apt|py|node|fuzz|firmware|dist] ...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PATH"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

apt_updated=""
apt_update() { [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }; }
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_update
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_rust() {
  local have; have=$(rustup target list --installed)
  for t in wasm32-unknown-unknown thumbv7em-none-eabihf thumbv7m-none-eabi; do
    grep -qx "$t" <<<"$have" || { log "rustup target add $t"; rustup target add "$t"; }
  done
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
}

setup_wasm() {
  setup_rust
  if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" -q
  fi
}

setup_apt() {
  apt_install redis-server chromium chromium-driver binutils-arm-none-eabi wrk
  setup_qemu
}

# qemu-system-arm from bookworm-backports, next to the preinstalled qemu-utils (also backports);
# the machine's /etc/apt stays untouched.
setup_qemu() {
  if ! command -v qemu-system-arm >/dev/null; then
    local d; d=$(mktemp -d)
    mkdir -p "$d/parts"
    cat > "$d/sources.list" <<SRC
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian bookworm-backports main
deb http://deb.debian.org/debian-security bookworm-security main
SRC
    local o=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=$d/parts")
    log "apt-get install -t bookworm-backports qemu-system-arm"
    $SUDO apt-get "${o[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${o[@]}" install -y -qq --no-install-recommends \
      -t bookworm-backports qemu-system-arm qemu-utils >/dev/null
    rm -rf "$d"
  fi
}

setup_py() {
  if [ ! -x .venv/bin/python ]; then log "python venv .venv"; python3 -m venv .venv; fi
  local stamp=.venv/.reqs-stamp
  if [ ! -f "$stamp" ] || [ requirements-dev.txt -nt "$stamp" ]; then
    log "pip install -r requirements-dev.txt"
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -r requirements-dev.txt
    touch "$stamp"
  fi
}

setup_node() {
  # wasm/: binaryen (wasm-opt), jose and hash-wasm for the benchmark. tests/js/: jose,
  # playwright-core (drives Debian's chromium from setup_apt; it never downloads a browser),
  # typescript, and the package itself as a link to wasm/.
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  for d in wasm tests/js; do
    if [ -f "$d/package.json" ] && { [ ! -d "$d/node_modules" ] || [ "$d/package.json" -nt "$d/node_modules" ]; }; then
      log "npm install in $d"
      (cd "$d" && npm install --no-audit --no-fund --loglevel=error && touch node_modules)
    fi
  done
}

setup_fuzz() {
  rustup component list --toolchain nightly --installed | grep -q '^rust-src' || rustup component add rust-src miri --toolchain nightly
  command -v cargo-fuzz >/dev/null || { log "cargo install cargo-fuzz"; cargo install cargo-fuzz --locked -q; }
}

# make dist: the aarch64 Rust target (zig, from the `ziglang` wheel in requirements-dev.txt,
# links for it and for glibc 2.17 on x86-64).
setup_dist() {
  setup_py
  rustup target list --installed | grep -qx aarch64-unknown-linux-gnu \
    || { log "rustup target add aarch64-unknown-linux-gnu"; rustup target add aarch64-unknown-linux-gnu; }
}

setup_firmware() { setup_rust; apt_install binutils-arm-none-eabi; setup_qemu; }

[ $# -eq 0 ] && set -- all
for what in "$@"; do
  case "$what" in
    all) setup_rust; setup_apt; setup_py; setup_dist; setup_wasm; setup_node; setup_fuzz ;;
    rust|wasm|apt|py|node|fuzz|firmware|dist) "setup_$what" ;;
    *) echo "unknown: $what" >&2; exit 2 ;;
  esac
done
