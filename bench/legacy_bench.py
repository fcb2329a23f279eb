"""Legacy password verification: authcore's CryptContext vs passlib's (libpass), one run.

    .venv/bin/python bench/legacy_bench.py [--quick]

Each scheme's hash is made by passlib at its own default cost (printed; passlib's
``django_pbkdf2_sha256`` defaults to 29000 iterations, Django itself to 1 000 000); both contexts verify the same password against the same string. Prints verifies
per second and the ratio (authcore / passlib). libpass runs PBKDF2 through ``hashlib`` (OpenSSL),
bcrypt through the ``bcrypt`` package (Rust) and sha-crypt through its own backend; authcore
runs every scheme in its Rust core (RustCrypto ``pbkdf2``, ``sha-crypt``, ``blowfish``). Build
the extension in release mode first (``make py``).

Timing: CPU time of this process, the best of several rounds; the two contexts' rounds are
interleaved so that load on a busy machine hits both alike. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from importlib import metadata

import authcore
from authcore.compat.passlib import CryptContext
from passlib.context import CryptContext as Passlib  # type: ignore[import-untyped]

PASSWORD = "correct horse battery staple"
SCHEMES = [
    "bcrypt",
    "bcrypt_sha256",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha512",
    "django_pbkdf2_sha256",
    "sha256_crypt",
    "sha512_crypt",
    "md5_crypt",
]


def best_time(fn: Callable[[], object], rounds: int) -> float:
    """Seconds per call of ``fn``: the best of ``rounds`` calls (each call is long)."""
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="passlib's costs / 10, fewer rounds")
    args = ap.parse_args()
    rounds = 3 if args.quick else 5
    theirs = Passlib(schemes=SCHEMES)
    ours = CryptContext(schemes=SCHEMES, allow_insecure=True)
    print(
        f"authcore {authcore.__version__}, libpass {metadata.version('libpass')}, "
        f"bcrypt {metadata.version('bcrypt')}, Python {sys.version.split()[0]}"
    )
    print(f"{'verify, CPU time per op':<44} {'authcore':>12} {'passlib':>12} {'ratio':>7}")
    for scheme in SCHEMES:
        handler = theirs.handler(scheme)
        if args.quick and hasattr(handler, "default_rounds"):
            rounds_setting = max(handler.min_rounds, handler.default_rounds // 10)
            if scheme.startswith("bcrypt"):
                rounds_setting = max(4, handler.default_rounds - 3)
            handler = handler.using(rounds=rounds_setting)
        stored = handler.hash(PASSWORD)
        assert ours.verify(PASSWORD, stored) and theirs.verify(PASSWORD, stored)
        a = b = float("inf")
        for _ in range(rounds):  # interleaved
            a = min(a, best_time(partial(ours.verify, PASSWORD, stored), 1))
            b = min(b, best_time(partial(theirs.verify, PASSWORD, stored), 1))
        cost = getattr(handler, "default_rounds", None)
        label = f"{scheme} (cost {cost})" if cost else scheme
        print(f"{label:<44} {1 / a:>8,.1f}/s {1 / b:>8,.1f}/s {b / a:>6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
