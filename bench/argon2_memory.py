"""Peak memory of 100 concurrent logins (Argon2id, m=19456 KiB, t=2, p=1), with and without the
limit on concurrent Argon2 computations.

    .venv/bin/python bench/argon2_memory.py [--logins 100] [--limits unbounded,default,1]

Each case runs in a fresh process: ``--logins`` verifications started at once, as threads
(sync callers, e.g. FastAPI's thread pool) and then as asyncio tasks (``averify``, as the login
route calls it). It prints the process's peak RSS (``ru_maxrss``), the most computations that
ran at once, and the wall time. ``unbounded`` sets the limit to the number of logins (what the
hasher did before it had a limit); ``default`` is the CPU count. Not a test; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(limit: str, logins: int, mode: str) -> None:
    from authcore.passwords import PasswordHasher, argon2_concurrency, set_argon2_concurrency

    if limit == "unbounded":
        set_argon2_concurrency(logins)
    elif limit != "default":
        set_argon2_concurrency(int(limit))
    hasher = PasswordHasher()
    stored = hasher.hash("correct horse battery staple")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    argon2_concurrency(reset_peak=True)
    t0 = time.perf_counter()
    if mode == "threads":
        start = threading.Barrier(logins)

        def login() -> None:
            start.wait()
            hasher.verify("correct horse battery staple", stored)

        threads = [threading.Thread(target=login) for _ in range(logins)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:

        async def main() -> None:
            # one thread per login, as under a busy server's thread pool
            loop = asyncio.get_running_loop()
            from concurrent.futures import ThreadPoolExecutor

            loop.set_default_executor(ThreadPoolExecutor(max_workers=logins))
            await asyncio.gather(
                *(hasher.averify("correct horse battery staple", stored) for _ in range(logins))
            )

        asyncio.run(main())
    elapsed = time.perf_counter() - t0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    limit_now, _, peak = argon2_concurrency()
    print(f"{limit_now} {peak} {base / 1024:.0f} {peak_rss / 1024:.0f} {elapsed:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--logins", type=int, default=100)
    ap.add_argument("--limits", default="unbounded,default")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.logins, args.child[1])
        return
    env = dict(os.environ, PYTHONPATH=str(ROOT / "py" / "python"))
    print(
        f"{args.logins} concurrent Argon2id verifications (m=19456 KiB, t=2, p=1), {os.cpu_count()} CPUs\n"
    )
    head = f"{'limit':<10} {'callers':<8} {'limit':>5} {'ran at once':>11} {'RSS before':>11} {'peak RSS':>9} {'wall':>7}"
    print(head)
    print("-" * len(head))
    for limit in args.limits.split(","):
        for mode in ("threads", "asyncio"):
            out = subprocess.run(
                [sys.executable, __file__, "--logins", str(args.logins), "--child", limit, mode],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            n, peak, base, rss, wall = out
            print(
                f"{limit:<10} {mode:<8} {n:>5} {peak:>11} {base + ' MiB':>11} "
                f"{rss + ' MiB':>9} {wall + ' s':>7}"
            )


if __name__ == "__main__":
    main()
