"""Key material does not outlive a key object: once a ``Key``, ``Ed25519PrivateKey`` or
``KeySet`` is gone, the process memory holds no HMAC state or Ed25519 seed it kept (the core's
``Key`` wipes itself on drop). Read from ``/proc/self/mem``: every writable mapping is scanned
for the bytes, counted before, while and after the key lives."""

from __future__ import annotations

import gc
import struct
import sys

import pytest
from authcore import Ed25519PrivateKey, Key, KeySet

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/mem")

_K = [
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
    0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
    0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
    0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
    0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
]  # fmt: skip
_H = [
    0x6A09E667,
    0xBB67AE85,
    0x3C6EF372,
    0xA54FF53A,
    0x510E527F,
    0x9B05688C,
    0x1F83D9AB,
    0x5BE0CD19,
]


def _sha256_state(block: bytes) -> bytes:
    """SHA-256's state after one 64-byte block, as the core keeps it (native-endian words);
    hashlib does not expose it."""
    m = 0xFFFFFFFF

    def r(x: int, n: int) -> int:
        return ((x >> n) | (x << (32 - n))) & m

    w = list(struct.unpack(">16I", block))
    for i in range(16, 64):
        s0 = r(w[i - 15], 7) ^ r(w[i - 15], 18) ^ (w[i - 15] >> 3)
        s1 = r(w[i - 2], 17) ^ r(w[i - 2], 19) ^ (w[i - 2] >> 10)
        w.append((w[i - 16] + s0 + w[i - 7] + s1) & m)
    a, b, c, d, e, f, g, h = _H
    for i in range(64):
        t1 = (h + (r(e, 6) ^ r(e, 11) ^ r(e, 25)) + ((e & f) ^ (~e & g)) + _K[i] + w[i]) & m
        t2 = ((r(a, 2) ^ r(a, 13) ^ r(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & m
        a, b, c, d, e, f, g, h = (t1 + t2) & m, a, b, c, (d + t1) & m, e, f, g
    words = [(x + y) & m for x, y in zip(_H, [a, b, c, d, e, f, g, h])]
    return struct.pack("<8I" if sys.byteorder == "little" else ">8I", *words)


def _hmac_states(secret: bytes) -> list[bytes]:
    """The inner and outer HMAC-SHA256 states of a secret of at most 64 bytes."""
    padded = secret.ljust(64, b"\0")
    return [_sha256_state(bytes(x ^ pad for x in padded)) for pad in (0x36, 0x5C)]


def _in_memory(needles: list[bytes]) -> int:
    """How often the needles occur in the process's writable memory."""
    found = 0
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("rw"):
                continue
            lo, hi = (int(x, 16) for x in span.split("-"))
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, OverflowError, ValueError):
                continue
            found += sum(data.count(n) for n in needles)
    return found


def test_a_dropped_hs256_key_leaves_no_hmac_state() -> None:
    secret = bytes(range(1, 33)) + b"-wipe-test-secret"
    states = _hmac_states(secret)
    before = _in_memory(states)
    key = Key(secret)
    assert _in_memory(states) > before, "the scan finds the states of a live key"
    del key
    gc.collect()
    assert _in_memory(states) == before


def test_a_dropped_ed25519_key_and_key_set_leave_no_seed() -> None:
    seed = bytes((i * 37 + 11) & 0xFF for i in range(32))
    before = _in_memory([seed])
    key = Ed25519PrivateKey.from_seed(seed)
    live = _in_memory([seed])
    assert live > before, "the scan finds the seed of a live key"
    keys = KeySet([key, Key(b"k" * 32, kid="hs")])  # a copy of the seed, beside an HS256 key
    assert _in_memory([seed]) > live
    del key, keys
    gc.collect()
    assert _in_memory([seed]) == before
