"""Sessions benchmark: the rate limiter's own cost, the stores, and the example app over HTTP.

Bounded and loopback only: it starts its own redis-server (scripts/redis.sh, in a temp dir,
``appendfsync everysec`` as Redis ships it) and the example app in uvicorn processes on
127.0.0.1, runs each load for a fixed time with a fixed number of concurrent clients, and
stops everything. Not a test: nothing here asserts a speed.

    .venv/bin/python bench/sessions_bench.py [--seconds 3] [--concurrency 16]

Figures:
1. the core's GCRA decision (``Quota.check``) through the Python binding, µs per call;
2. each store's ``rate_limit`` and ``use_refresh`` from Python (sequential: µs per call);
3. over HTTP, per store (memory as the baseline, SQLite, Redis): refresh requests/s; login attempts/s that are
   refused by the rate limiter before any password work (429); full login attempts/s
   (Argon2id verify at OWASP parameters, wrong password → 401).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authcore import Quota
from authcore.stores import MemoryStore, RedisStore, SessionPolicy, SQLiteStore

PASSWORD = "bench password, not a secret"
RUST_GCRA_NS = 7.5  # `Gcra::check` in release Rust, measured by criterion on this machine kind


def gcra_binding() -> None:
    q = Quota(5, 12_000)
    check = q.check
    n = 300_000
    best = min(
        timeit.repeat(lambda: check(1_700_000_060_000, 1_700_000_000_000), number=n, repeat=5)
    )
    noop = min(timeit.repeat(lambda: None, number=n, repeat=5))
    print("1. core GCRA decision (Quota.check via the Python binding)")
    print(
        f"   {best / n * 1e6:6.3f} µs per call   (of which ~{noop / n * 1e6:.3f} µs is the Python lambda call)"
    )
    print(f"   pure Rust Gcra::check: ~{RUST_GCRA_NS} ns per call (criterion, release)")


async def store_latency(stores: dict[str, Any]) -> None:
    print("2. store calls from Python, sequential (µs per call)")
    policy = SessionPolicy(900, 7 * 86400)
    quota = Quota(1_000_000, 1)
    for name, store in stores.items():
        n = 2_000
        t0 = time.perf_counter()
        for i in range(n):
            await store.rate_limit(f"bench:{i % 64}", quota)
        rl = (time.perf_counter() - t0) / n * 1e6
        now, exp = int(time.time()), int(time.time()) + 3600
        t0 = time.perf_counter()
        for i in range(n):
            await store.use_refresh(
                f"jti-{i}-{secrets.token_hex(4)}", f"fam-{i % 64}", exp, policy, now
            )
        ur = (time.perf_counter() - t0) / n * 1e6
        line = f"   {name:<7} rate_limit {rl:7.1f} µs   use_refresh {ur:7.1f} µs"
        if isinstance(store, RedisStore):  # the floor: one round trip of the same client
            t0 = time.perf_counter()
            for _ in range(n):
                await store.ping()
            line += f"   (PING round trip {(time.perf_counter() - t0) / n * 1e6:.1f} µs)"
        print(line)
        await store.close()


# ---- HTTP -----------------------------------------------------------------------------------


def start_app(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHCORE_", "DEMO_"))}
    full.update(PORT="0", LOG_LEVEL="warning", PYTHONUNBUFFERED="1", DEMO_PASSWORD=PASSWORD, **env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "examples.fastapi_app"],
        cwd=ROOT,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = proc.stdout
    assert out is not None
    for line in out:
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if m:
            threading.Thread(target=out.read, daemon=True).start()
            return proc, m.group(1)
    raise SystemExit("example app did not start")


def stop_app(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)


async def run_for(
    seconds: float, concurrency: int, work: Callable[[int], Awaitable[int]]
) -> tuple[float, dict[int, int]]:
    """Runs ``work(client_index)`` in ``concurrency`` loops for ``seconds``; returns
    (requests/s, statuses)."""
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + seconds

    async def loop(i: int) -> None:
        while time.perf_counter() < stop:
            status = await work(i)
            statuses[status] = statuses.get(status, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(loop(i) for i in range(concurrency)))
    total = sum(statuses.values())
    return total / (time.perf_counter() - t0), statuses


async def http_bench(
    name: str, store_url: str, tmp: Path, seconds: float, concurrency: int
) -> None:
    env = {
        "AUTHCORE_SECRET": secrets.token_urlsafe(48),
        "AUTHCORE_STORE": store_url,
        "AUTHCORE_DB": str(tmp / f"users-{name}.sqlite3"),
        "AUTHCORE_LOGIN_RATE_CLIENT": "off",
        "AUTHCORE_LOGIN_RATE_USER": "1/hour",
    }
    proc, url = start_app(env)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    try:
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as c:
            # One session per client loop; each refresh spends its token and keeps the new one.
            chains = []
            for i in range(concurrency):
                r = await c.post(
                    "/api/v1/auth/tokens",
                    data={"username": "student@example.com", "password": PASSWORD},
                )
                if r.status_code != 200:
                    raise SystemExit(f"login failed: {r.status_code} {r.text}")
                chains.append(r.json()["refresh_token"])

            async def do_refresh(i: int) -> int:
                r = await c.post("/api/v1/auth/refresh", json={"refresh_token": chains[i]})
                if r.status_code == 200:
                    chains[i] = r.json()["refresh_token"]
                return r.status_code

            rps, st = await run_for(seconds, concurrency, do_refresh)
            print(f"   {name:<7} refresh              {rps:8.0f} req/s   {st}")

            # The per-user limit (1/hour) is spent: every attempt is refused by the limiter.
            form = {"username": "admin@example.com", "password": "wrong"}
            await c.post("/api/v1/auth/tokens", data=form)

            async def throttled(i: int) -> int:
                return (await c.post("/api/v1/auth/tokens", data=form)).status_code

            rps, st = await run_for(seconds, concurrency, throttled)
            print(f"   {name:<7} login, rate-limited  {rps:8.0f} req/s   {st}")
    finally:
        stop_app(proc)

    # Full attempts: limits off, each wrong password costs one Argon2id verify.
    env.update(AUTHCORE_LOGIN_RATE_USER="off")
    proc, url = start_app(env)
    try:
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as c:
            form = {"username": "teacher@example.com", "password": "wrong"}

            async def full(i: int) -> int:
                return (await c.post("/api/v1/auth/tokens", data=form)).status_code

            rps, st = await run_for(seconds, concurrency, full)
            print(f"   {name:<7} login, full (Argon2) {rps:8.0f} req/s   {st}")
    finally:
        stop_app(proc)


async def run(args: argparse.Namespace, tmp: Path, redis_url: str) -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, redis {redis_url}\n")
    gcra_binding()
    print()
    await store_latency(
        {
            "memory": MemoryStore(),
            "sqlite": SQLiteStore(str(tmp / "bench.db")),
            "redis": RedisStore(redis_url, prefix="bench:"),
        }
    )
    print()
    print(f"3. example app over HTTP ({args.concurrency} clients, {args.seconds:g} s each)")
    # memory:// (a dict in the app process) is the baseline: the rest is the HTTP/app cost.
    await http_bench("memory", "memory://", tmp, args.seconds, args.concurrency)
    await http_bench("sqlite", f"sqlite:///{tmp}/sessions.db", tmp, args.seconds, args.concurrency)
    await http_bench("redis", redis_url, tmp, args.seconds, args.concurrency)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--seconds", type=float, default=3.0, help="duration of each HTTP load (default 3)"
    )
    ap.add_argument(
        "--concurrency", type=int, default=16, help="concurrent HTTP clients (default 16)"
    )
    args = ap.parse_args()
    redis_sh = str(ROOT / "scripts" / "redis.sh")
    with tempfile.TemporaryDirectory(prefix="authcore-bench-") as d:
        tmp = Path(d)
        redis_dir = str(tmp / "redis")
        env = {**os.environ, "APPENDFSYNC": "everysec"}
        redis_url = subprocess.run(
            [redis_sh, "start", redis_dir], check=True, capture_output=True, text=True, env=env
        ).stdout.strip()
        try:
            asyncio.run(run(args, tmp, redis_url))
        finally:
            subprocess.run([redis_sh, "stop", redis_dir], check=False)


if __name__ == "__main__":
    main()
