#!/usr/bin/env bash
# The firmware door: build examples/firmware for a Cortex-M3, run it under QEMU, report sizes.
#
#   scripts/firmware.sh run [variant]  build one variant (default: full) and run it under QEMU
#   scripts/firmware.sh size           build + run the variants; print flash/RAM/stack and
#                                      instructions per call
#   scripts/firmware.sh test           fmt + clippy of the firmware crate, then size, failing on
#                                      a failed check or a missed budget, then the no_std builds
#   scripts/firmware.sh no-std         build authcore for thumbv7em-none-eabihf with no feature and
#                                      with each feature alone (all together: make test-rust)
#
# Variants (cargo features of examples/firmware): verify (verify-only), verify_eddsa (verify-only,
# HS256 + EdDSA with an Ed25519 public key compiled in), verify_eddsa_small (the same without
# ed25519-dalek's basepoint table), sign (verify + sign), full (+ roles/scopes, rate limiting,
# Argon2id). Budgets: verify-only flash <= 24 KiB, stack of one verify() <= 4 KiB; HS256 + EdDSA
# verify-only flash <= 64 KiB, stack of one EdDSA verify() <= 8 KiB.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FW=$ROOT/examples/firmware
TARGET=thumbv7m-none-eabi
OUT=$FW/target/$TARGET/release
VARIANTS=(verify verify_eddsa verify_eddsa_small sign full)
FLASH_BUDGET=$((24 * 1024))
STACK_BUDGET=$((4 * 1024))
EDDSA_FLASH_BUDGET=$((64 * 1024))
EDDSA_STACK_BUDGET=$((8 * 1024))
MHZ=50  # the LM3S6965's top clock, for the floor on time printed beside instruction counts
QEMU=(qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic
      -semihosting-config enable=on,target=native -icount shift=0 -kernel)
export PATH="$HOME/.cargo/bin:$PATH"

need() {
  command -v "$1" >/dev/null || { echo "firmware: '$1' not found; run scripts/setup.sh firmware" >&2; exit 2; }
}

# build VARIANT -> $OUT/authcore-firmware-VARIANT
build() {
  (cd "$FW" && cargo build --release -q --no-default-features --features "$1")
  cp "$OUT/authcore-firmware" "$OUT/authcore-firmware-$1"
}

# run VARIANT: boots the image; QEMU's exit status is the firmware's verdict. Output is kept
# in $OUT/VARIANT.log.
run() {
  local status=0
  timeout 300 "${QEMU[@]}" "$OUT/authcore-firmware-$1" >"$OUT/$1.log" 2>&1 || status=$?
  return $status
}

# size_of VARIANT -> "text data bss"
size_of() {
  arm-none-eabi-size "$OUT/authcore-firmware-$1" | awk 'NR == 2 { print $1, $2, $3 }'
}

stack_of() { # stack_of VARIANT WHAT -> "N B", or "-" when the variant does not do WHAT
  local n
  n=$(sed -n "s/^stack $2: \([0-9]*\) bytes.*/\1/p" "$OUT/$1.log" | head -n1)
  if [ -n "$n" ]; then echo "$n B"; else echo "-"; fi
}

label() {
  case $1 in
    verify) echo verify-only ;; verify_eddsa) echo "+EdDSA" ;; verify_eddsa_small) echo "+EdDSA small" ;;
    sign) echo verify+sign ;; *) echo "$1" ;;
  esac
}

kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

report() { # report ENFORCE(0|1)
  local enforce=$1 failed=0 over=0
  need qemu-system-arm; need arm-none-eabi-size
  declare -A result
  for v in "${VARIANTS[@]}"; do
    build "$v"
    if run "$v"; then result[$v]=pass; else result[$v]=FAIL; failed=1; fi
  done
  echo "authcore firmware: $TARGET under QEMU lm3s6965evb (256 KiB flash, 64 KiB RAM),"
  echo "profile release: opt-level z, lto, codegen-units 1, panic abort, compact SHA-256"
  local row='%-14s %19s %15s %13s %13s %11s %15s  %s\n'
  # shellcheck disable=SC2059
  printf "$row" variant "flash (text+data)" "RAM (data+bss)" "verify stack" "EdDSA stack" \
    "sign stack" "password stack" checks
  for v in "${VARIANTS[@]}"; do
    read -r text data bss < <(size_of "$v")
    local flash=$((text + data)) ram=$((data + bss)) vs
    vs=$(stack_of "$v" verify)
    # shellcheck disable=SC2059
    printf "$row" "$(label "$v")" "$flash B ($(kib "$flash"))" "$ram B" "$vs" \
      "$(stack_of "$v" "eddsa verify")" "$(stack_of "$v" sign)" "$(stack_of "$v" password)" \
      "${result[$v]}: $(grep -E '^[0-9]+ passed' "$OUT/$v.log" || echo "no summary")"
    if [ "$v" = verify ]; then
      [ "$flash" -le "$FLASH_BUDGET" ] || { echo "OVER BUDGET: verify-only flash $flash B > $FLASH_BUDGET B" >&2; over=1; }
      vs=${vs% B}
      [ "$vs" != "-" ] && [ "$vs" -le "$STACK_BUDGET" ] || { echo "OVER BUDGET: verify stack $vs B > $STACK_BUDGET B" >&2; over=1; }
    fi
    if [ "$v" = verify_eddsa ]; then
      local es; es=$(stack_of "$v" "eddsa verify"); es=${es% B}
      [ "$flash" -le "$EDDSA_FLASH_BUDGET" ] || { echo "OVER BUDGET: HS256+EdDSA verify-only flash $flash B > $EDDSA_FLASH_BUDGET B" >&2; over=1; }
      [ "$es" != "-" ] && [ "$es" -le "$EDDSA_STACK_BUDGET" ] || { echo "OVER BUDGET: EdDSA verify stack $es B > $EDDSA_STACK_BUDGET B" >&2; over=1; }
    fi
  done
  echo "instructions per call (exact for the image: QEMU -icount; a Cortex-M3 spends at least a cycle on each,"
  echo "so the time is at least the count / the clock; the LM3S6965 runs at up to $MHZ MHz):"
  for v in "${VARIANTS[@]}"; do
    awk -v v="$(label "$v")" -v mhz="$MHZ" '
      /^icount calibration: / { cal = $3 }
      /^icount instructions of the calibration: / { known = $6 }
      /^icount / && !/calibration/ { sub(/^icount /, ""); n = index($0, ": "); what[++k] = substr($0, 1, n - 1)
        split(substr($0, n + 2), f, " "); ticks[k] = f[1]; calls[k] = f[4]
        note[k] = (match($0, / \(.*\)$/) ? substr($0, RSTART) : "") }
      END { for (i = 1; i <= k; i++) { if (!cal || !known) { print "  " v ": no instruction counts (see its checks)"; exit }
        ins = ticks[i] * known / cal / calls[i]
        printf "  %-14s %-16s %10d  (>= %.2f ms at %d MHz)%s\n", v, what[i], ins, ins / (mhz * 1000), mhz, note[i] } }' "$OUT/$v.log"
  done
  echo "budgets: verify-only flash <= $FLASH_BUDGET B, verify stack <= $STACK_BUDGET B; HS256+EdDSA verify-only flash <= $EDDSA_FLASH_BUDGET B, EdDSA verify stack <= $EDDSA_STACK_BUDGET B: $([ $over = 0 ] && echo met || echo MISSED)"
  echo "stacks are high-water marks of the call alone (token/output buffers and Argon2 blocks are the caller's)"
  for v in "${VARIANTS[@]}"; do
    if [ "${result[$v]}" != pass ]; then
      echo "--- $v: QEMU output ($OUT/$v.log)" >&2
      cat "$OUT/$v.log" >&2
    fi
  done
  [ "$enforce" = 0 ] || [ $((failed + over)) = 0 ]
}

lint() {
  echo "examples/firmware: cargo fmt --check; cargo clippy --release -- -D warnings"
  (cd "$FW" && cargo fmt --check && cargo clippy -q --release -- -D warnings)
}

no_std() {
  for f in "" jwt eddsa password bcrypt authz ratelimit session; do
    echo "cargo build -p authcore --target thumbv7em-none-eabihf --no-default-features${f:+ --features $f}"
    cargo build -q -p authcore --target thumbv7em-none-eabihf --no-default-features ${f:+--features "$f"}
  done
}

case "${1:-test}" in
  run)
    need qemu-system-arm
    build "${2:-full}"
    status=0; run "${2:-full}" || status=$?
    cat "$OUT/${2:-full}.log"; exit $status ;;
  size) report 0 ;;
  test) lint; report 1; no_std ;;
  no-std) no_std ;;
  *) echo "usage: $0 run [verify|sign|full] | size | test | no-std" >&2; exit 2 ;;
esac
