"""Key material does not outlive a key object: once a ``Key``, ``Ed25519PrivateKey`` or
``KeySet`` is gone, the process memory holds no HMAC state or Ed25519 seed it kept (the core's
``Key`` wipes itself on drop). Read from ``/proc/self/mem``: every writable mapping is scanned
for the bytes, counted before, while and after the key lives."""

from __future__ import annotations

import gc
import hashlib
import math
import struct
import sys

import pytest
from authcore import Ed25519PrivateKey, Key, KeySet

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/mem")


def _primes(n: int) -> list[int]:
    found: list[int] = []
    candidate = 2
    while len(found) < n:
        if all(candidate % p for p in found):
            found.append(candidate)
        candidate += 1
    return found


def _icbrt(n: int) -> int:
    x = 1 << (n.bit_length() // 3 + 1)
    while (y := (2 * x + n // (x * x)) // 3) < x:
        x = y
    return x


# FIPS 180-4 §4.2.2, §5.3.3: the fractional parts' first 32 bits of the primes' cube and square
# roots.
_ROUND = [_icbrt(p << 96) & 0xFFFFFFFF for p in _primes(64)]
_INIT = [math.isqrt(p << 64) & 0xFFFFFFFF for p in _primes(8)]


def _sha256_words(block: bytes) -> list[int]:
    """SHA-256's state words after one 64-byte block (hashlib does not expose them; checked
    against hashlib below, on a padded block)."""

    def rotr(x: int, n: int) -> int:
        return ((x >> n) | (x << (32 - n))) & 0xFFFFFFFF

    def sigma(x: int, a: int, b: int, c: int, shift: bool) -> int:
        return rotr(x, a) ^ rotr(x, b) ^ ((x >> c) if shift else rotr(x, c))

    w = list(struct.unpack(">16I", block))
    for i in range(16, 64):
        w.append(
            (
                w[i - 16]
                + sigma(w[i - 15], 7, 18, 3, True)
                + w[i - 7]
                + sigma(w[i - 2], 17, 19, 10, True)
            )
            & 0xFFFFFFFF
        )
    v = list(_INIT)
    for k, x in zip(_ROUND, w):
        a, b, c, d, e, f, g, h = v
        t1 = h + sigma(e, 6, 11, 25, False) + ((e & f) ^ (~e & g)) + k + x
        t2 = sigma(a, 2, 13, 22, False) + ((a & b) ^ (a & c) ^ (b & c))
        v = [(t1 + t2) & 0xFFFFFFFF, a, b, c, (d + t1) & 0xFFFFFFFF, e, f, g]
    return [(x + y) & 0xFFFFFFFF for x, y in zip(_INIT, v)]


def test_the_state_function_is_sha256() -> None:
    msg = b"abc"
    block = msg + b"\x80" + bytes(64 - len(msg) - 9) + struct.pack(">Q", 8 * len(msg))
    assert struct.pack(">8I", *_sha256_words(block)) == hashlib.sha256(msg).digest()


def _hmac_states(secret: bytes) -> list[bytes]:
    """The inner and outer HMAC-SHA256 states of a secret of at most 64 bytes, as the core
    keeps them (native-endian words)."""
    padded = secret.ljust(64, b"\0")
    order = "<8I" if sys.byteorder == "little" else ">8I"
    return [
        struct.pack(order, *_sha256_words(bytes(x ^ pad for x in padded))) for pad in (0x36, 0x5C)
    ]


_CHUNK = 1 << 20
_ZERO = bytes(_CHUNK)


def _in_memory(needles: list[bytes]) -> int:
    """How often the needles occur in the process's writable memory.

    Memory is read through one buffer, in overlapping chunks, and the buffer is zeroed after
    each chunk is searched: a scan leaves no copy of what it read behind (a copy of the stack
    in a freed buffer would be found by the next scan) and never finds the previous chunk when
    it reads the buffer's own pages."""
    found = 0
    overlap = max(len(n) for n in needles) - 1
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("rw"):
                continue
            lo, hi = (int(x, 16) for x in span.split("-"))
            pos = lo
            while pos < hi:
                try:
                    mem.seek(pos)
                    got = mem.readinto(view[: min(_CHUNK, hi - pos)]) or 0
                except (OSError, OverflowError, ValueError):
                    break
                found += sum(buf.count(n, 0, got) for n in needles)
                view[:] = _ZERO
                if got < _CHUNK or pos + got >= hi:
                    break
                pos += got - overlap
    view.release()
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
