"""Login throughput on this machine: password verifications per second and their p99, called as
a FastAPI login route calls them (from ``async def``, off the event loop), many clients at once.

    .venv/bin/python bench/login_throughput.py [--seconds 10] [--clients 16] [--rounds 2]

Hashers, each verifying a correct password against its own stored hash:

* ``authcore`` — ``PasswordHasher().averify`` (Argon2id m=19456 KiB, t=2, p=1; at most the CPU
  count at once, the rest wait on the loop);
* ``bcrypt-12`` — the guide's ``CryptContext(schemes=["bcrypt"])`` at cost 12, through
  ``passlib`` when it imports with the installed ``bcrypt`` (``libpass``), else ``bcrypt``
  directly, in ``asyncio.to_thread``;
* ``pwdlib-argon2`` — pwdlib's ``Argon2Hasher`` at the same parameters as authcore, in
  ``asyncio.to_thread``.

Each hasher runs ``--clients`` login loops for ``--seconds``; the rounds alternate the order.
Memory: the peak RSS of this process is printed at the end. Not a test; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from collections.abc import Awaitable, Callable

PASSWORD = "correct horse battery staple"


def hashers() -> dict[str, Callable[[], Awaitable[bool]]]:
    import bcrypt
    from authcore.passwords import PasswordHasher
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    ours = PasswordHasher()
    ours_hash = ours.hash(PASSWORD)

    bcrypt_verify: Callable[[], bool]
    try:
        from passlib.context import CryptContext  # type: ignore[import-untyped, unused-ignore]

        ctx = CryptContext(schemes=["bcrypt"], deprecated="auto", bcrypt__rounds=12)
        bcrypt_hash = ctx.hash(PASSWORD)
        bcrypt_verify = lambda: ctx.verify(PASSWORD, bcrypt_hash)
        bcrypt_name = "bcrypt-12 (passlib)"
    except Exception:  # noqa: BLE001 — passlib 1.7 breaks with bcrypt >= 4.1: use bcrypt
        raw = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(12))
        bcrypt_verify = lambda: bcrypt.checkpw(PASSWORD.encode(), raw)
        bcrypt_name = "bcrypt-12 (bcrypt)"

    twin = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
    twin_hash = twin.hash(PASSWORD)

    async def authcore_login() -> bool:
        return await ours.averify(PASSWORD, ours_hash)

    async def bcrypt_login() -> bool:
        return await asyncio.to_thread(bcrypt_verify)

    async def pwdlib_login() -> bool:
        return await asyncio.to_thread(twin.verify, PASSWORD, twin_hash)

    return {"authcore": authcore_login, bcrypt_name: bcrypt_login, "pwdlib-argon2": pwdlib_login}


async def run(login: Callable[[], Awaitable[bool]], clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < stop:
            t = time.perf_counter()
            if not await login():
                raise RuntimeError("a correct password was refused")
            latencies.append(time.perf_counter() - t)

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


def p99(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]


async def main_async(args: argparse.Namespace) -> None:
    logins = hashers()
    results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in logins}
    for i in range(args.rounds):
        order = list(logins.items()) if i % 2 == 0 else list(logins.items())[::-1]
        for name, login in order:
            await login()  # warm-up
            t = time.perf_counter()
            lat = await run(login, args.clients, args.seconds)
            elapsed = time.perf_counter() - t
            results[name].append((len(lat) / elapsed, statistics.median(lat), p99(lat)))
    print(
        f"\n{args.clients} concurrent login loops, {args.seconds:g} s per hasher, "
        f"{args.rounds} round(s) (median); one process on this machine: read the ratios\n"
    )
    head = f"{'hasher':<22} {'logins/s':>9} {'vs bcrypt':>9} {'p50':>9} {'p99':>9}"
    print(head)
    print("-" * len(head))
    med = {
        k: tuple(statistics.median(r[j] for r in v) for j in range(3)) for k, v in results.items()
    }
    bcrypt_rate = next(v[0] for k, v in med.items() if k.startswith("bcrypt"))
    for name, (rate, p50, p99_) in med.items():
        print(
            f"{name:<22} {rate:>9.1f} {rate / bcrypt_rate:>8.2f}x "
            f"{p50 * 1e3:>7.0f}ms {p99_ * 1e3:>7.0f}ms"
        )
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
