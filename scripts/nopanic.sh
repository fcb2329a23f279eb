#!/usr/bin/env bash
# Link-time proof that no panic path of authcore survives optimisation (examples/nopanic).
#
#   scripts/nopanic.sh check    build the proof binary for thumbv7em-none-eabihf at opt-level 3
#                               and "s", without and with feature `eddsa` (Ed25519 loading,
#                               JWK/JWKS, signing); a surviving panic path fails the link. On failure the
#                               binary is re-linked with line tables and the offending call
#                               sites are listed (scripts/panic_paths.py). Then every JWT and
#                               session path with Ed25519 keys (feature `eddsa-verify`): linked
#                               anyway, its panic sites listed, and the check fails unless the
#                               only one is curve25519-dalek's NAF table lookup ($DALEK_SITE).
#   scripts/nopanic.sh report   also call the entry points whose panic paths live in
#                               dependencies (feature `deps`) and list those sites; never fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
TARGET=thumbv7em-none-eabihf
CRATE=examples/nopanic
BIN=authcore-nopanic
# The one panic site allowed in Ed25519 verification: curve25519-dalek's double-base scalar
# multiplication indexes its NAF lookup table (`window.rs`) with digits that are odd and below
# 16 by construction, which the optimiser cannot see.
DALEK_SITE=window.rs@vartime_double_base.rs

# Re-links with line tables, ignoring the undefined symbol, and lists the panic call sites.
explain() {
  local profile=$1; shift
  local upper; upper=$(tr '[:lower:]-' '[:upper:]_' <<<"$profile")
  echo "── panic call sites ($profile${*:+, $*})"
  env "CARGO_PROFILE_${upper}_DEBUG=line-tables-only" RUSTFLAGS="-C link-arg=--noinhibit-exec" \
    cargo build -q --manifest-path "$CRATE/Cargo.toml" --target "$TARGET" --profile "$profile" "$@" 2>/dev/null || true
  python3 "$ROOT/scripts/panic_paths.py" "$CRATE/target/$TARGET/$profile/$BIN" || true
}

case "${1:-check}" in
  check)
    for features in "" "--features=eddsa"; do
      for profile in release small; do
        echo "\$ cargo build --manifest-path $CRATE/Cargo.toml --target $TARGET --profile $profile $features"
        # shellcheck disable=SC2086 # $features is one word or none
        if ! cargo build -q --manifest-path "$CRATE/Cargo.toml" --target "$TARGET" --profile "$profile" $features; then
          # shellcheck disable=SC2086
          explain "$profile" $features
          echo "✘ a panic path survives optimisation ($profile $features): see the call sites above" >&2
          exit 1
        fi
      done
    done
    for profile in release small; do
      upper=$(tr '[:lower:]-' '[:upper:]_' <<<"$profile")
      elf="$CRATE/target/eddsa-verify/$TARGET/$profile/$BIN"
      rm -f "$elf"
      echo "\$ cargo build --manifest-path $CRATE/Cargo.toml --target $TARGET --profile $profile --features=eddsa-verify (linked anyway; panic sites listed)"
      env "CARGO_PROFILE_${upper}_DEBUG=line-tables-only" RUSTFLAGS="-C link-arg=--noinhibit-exec" \
        cargo build -q --manifest-path "$CRATE/Cargo.toml" --target "$TARGET" --profile "$profile" \
        --target-dir "$CRATE/target/eddsa-verify" --features=eddsa-verify 2>/dev/null || true
      if [ ! -f "$elf" ] || ! python3 scripts/panic_paths.py "$elf" --allow "$DALEK_SITE"; then
        echo "✘ Ed25519 verification ($profile): a panic site other than $DALEK_SITE survives (listed above)" >&2
        exit 1
      fi
    done
    echo "no panic path survives in the optimised core (opt-level 3 and s, $TARGET; HS256, and Ed25519 with verification but for curve25519-dalek's NAF table lookup)"
    ;;
  report)
    explain release --features deps,eddsa
    ;;
  *)
    echo "usage: $0 [check|report]" >&2
    exit 2
    ;;
esac
