"""What checking access-token revocation costs per request, per store.

Bounded and loopback only: it starts its own redis-server (scripts/redis.sh in a temp dir,
``appendfsync everysec``), uses an SQLite file in a temp dir, and stops everything. Not a
test: nothing here asserts a speed. Compare figures of one run (ratios), not across machines.

    .venv/bin/python bench/revocation_bench.py [--seconds 2] [--wrk ROUNDS] [--stores redis,…]

Figures:
1. the revocation check alone (is the family revoked, is the token denylisted) per store, µs
   per call, beside the core's ``verify_access`` of the same token: as each request makes it
   (``AuthCore.session_known_live``, else ``check_session``: a token checked again, the
   common case), one at a time and 16 at once (wall time per check with 16 requests in
   flight, as under load: the Redis store sends the checks of one turn as one command), and
   at first sight (``Sessions.check_access`` of a jti never checked, as the
   first request of a token, or any after a commit to an SQLite file, makes it);
2. ``GET /api/v1/me`` of the example app in process (httpx over ASGI), the check off and on
   alternating request by request, per store: median µs per request and their ratio;
3. with ``--wrk ROUNDS`` (``wrk`` installed: ``scripts/setup.sh apt``): the example app under
   uvicorn (one worker each, ``AUTHCORE_CHECK_REVOCATION`` 0 and 1, pinned to CPU 0) driven by
   ``wrk`` (CPU 1) on ``GET /api/v1/me``, off and on alternating for ROUNDS rounds of
   ``--seconds`` each, per store: median requests/s and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authcore import Argon2Params, PasswordHasher
from authcore.fastapi import AuthSettings
from authcore.stores import MemoryStore, RedisStore, SQLiteStore

PASSWORD = "correct horse battery staple"


async def per_call(fn: Any, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            await fn()
        n += 50
    return (time.perf_counter() - start) / n * 1e6


async def per_call_together(fn: Any, seconds: float, width: int = 16) -> float:
    """``width`` loops of ``fn`` at once (requests in flight together, as under load): wall
    µs per call."""
    n, start = 0, time.perf_counter()

    async def loop() -> None:
        nonlocal n
        while time.perf_counter() - start < seconds:
            for _ in range(10):
                await fn()
            n += 10

    await asyncio.gather(*(loop() for _ in range(width)))
    return (time.perf_counter() - start) / n * 1e6


async def first_sight(sessions: Any, fam: str, rounds: int = 5, n: int = 2000) -> float:
    """``check_access`` of jtis never checked before (none remembered), best of ``rounds``."""
    best = float("inf")
    for _ in range(rounds):
        jtis = [secrets.token_hex(16) for _ in range(n)]
        start = time.perf_counter()
        for jti in jtis:
            await sessions.check_access(jti=jti, fam=fam)
        best = min(best, (time.perf_counter() - start) / n * 1e6)
    return best


async def run(seconds: float, tmp: Path, url: str, stores: list[str]) -> None:
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    hasher = PasswordHasher(Argon2Params(1024, 1, 1))
    db = tmp / "users.sqlite3"
    seed(UserDB(db), PASSWORD, hasher, force=True)
    secret = secrets.token_urlsafe(48)
    print("1. revocation check alone, µs per call")
    print("   store    per request  16 at once  first sight  verify_access  per request/verify")
    apps: dict[str, tuple[Any, Any, str]] = {}
    for name, make in (
        ("memory", MemoryStore),
        ("sqlite", lambda: SQLiteStore(str(tmp / "sessions.db"))),
        ("redis", lambda: RedisStore(url, prefix=f"bench:{secrets.token_hex(4)}:")),
    ):
        if name not in stores:
            continue
        on = create_app(AuthSettings(secret=secret), db, hasher, store=make())
        off = create_app(AuthSettings(secret=secret), db, hasher, store=make())
        off.state.authcore.check_access_revocation = False
        auth = on.state.authcore
        transport = httpx.ASGITransport(app=on)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
            r = await c.post(
                "/api/v1/auth/tokens",
                data={"username": "student@example.com", "password": PASSWORD},
            )
            token = r.json()["access_token"]
        claims = auth.verify_access(token)

        async def check(auth: Any = auth, claims: Any = claims) -> None:
            if not auth.session_known_live(claims):  # as the dependencies do
                await auth.check_session(claims)

        async def verify(auth: Any = auth, token: str = token) -> None:
            auth.verify_access(token)

        c_us = await per_call(check, seconds)
        t_us = await per_call_together(check, seconds)
        f_us = await first_sight(auth.sessions, claims.fam)
        v_us = await per_call(verify, seconds)
        print(
            f"   {name:<8} {c_us:>10.1f}  {t_us:>10.1f}   {f_us:>10.1f}    {v_us:>10.1f}"
            f"     {c_us / v_us:9.1f}×"
        )
        apps[name] = (on, off, token)

    print("\n2. GET /api/v1/me in process, one request with the check off, one on, alternating;")
    print("   median µs per request and the ratio (medians resist a machine shared with others)")
    print("   store    check off  check on  on/off")
    for name, (on, off, token) in apps.items():
        clients = {
            k: httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://b")
            for k, a in (("off", off), ("on", on))
        }
        headers = {"Authorization": f"Bearer {token}"}
        times: dict[str, list[float]] = {"off": [], "on": []}
        deadline = time.perf_counter() + seconds * 2
        while time.perf_counter() < deadline:
            for k, c in clients.items():
                t0 = time.perf_counter()
                r = await c.get("/api/v1/me", headers=headers)
                times[k].append(time.perf_counter() - t0)
                assert r.status_code == 200, r.text
        for c in clients.values():
            await c.aclose()
        off_us, on_us = (statistics.median(times[k]) * 1e6 for k in ("off", "on"))
        print(f"   {name:<8} {off_us:>8.0f}  {on_us:>8.0f}   {on_us / off_us:.2f}")
        for a in (on, off):
            await a.state.authcore.sessions.close()


def under_wrk(rounds: int, seconds: float, tmp: Path, url: str, stores: list[str]) -> None:
    """Figure 3: the example app under uvicorn and wrk, the check off and on, per store."""
    import shutil

    sys.path.insert(0, str(ROOT / "bench"))
    from auth_overhead import cpu_pins, wrk
    from fastapi_bench import PASSWORD as DEMO_PASSWORD
    from fastapi_bench import USER, start_server

    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: scripts/setup.sh apt (Debian package wrk)")
    server_pin, wrk_pin = cpu_pins()
    print(f"\n3. GET /api/v1/me under uvicorn (one worker) and wrk (-c16), {rounds} rounds of")
    print(f"   {seconds:g} s, the check off and on alternating; median requests/s and the ratio")
    print("   store    check off  check on  on/off")
    for name, store_url in (
        ("memory", "memory://"),
        ("sqlite", f"sqlite:///{tmp / 'wrk-sessions.db'}"),
        ("redis", url),
    ):
        if name not in stores:
            continue
        procs, bases, tokens = [], {}, {}
        try:
            for check in ("off", "on"):
                env = {
                    "AUTHCORE_STORE": store_url,
                    "AUTHCORE_CHECK_REVOCATION": "1" if check == "on" else "0",
                }
                home = tmp / f"wrk-{name}-{check}"
                home.mkdir()
                proc, base = start_server("authcore", home, env, server_pin)
                procs.append(proc)
                r = httpx.post(
                    f"{base}/api/v1/auth/tokens",
                    data={"username": USER, "password": DEMO_PASSWORD},
                    timeout=60,
                )
                r.raise_for_status()
                bases[check], tokens[check] = base, r.json()["access_token"]
            rps: dict[str, list[float]] = {"off": [], "on": []}
            for check in ("off", "on"):  # warm-up
                wrk(f"{bases[check]}/api/v1/me", tokens[check], 1, 16, wrk_pin)
            for _ in range(rounds):
                for check in ("off", "on"):
                    rate, _ = wrk(
                        f"{bases[check]}/api/v1/me", tokens[check], int(seconds), 16, wrk_pin
                    )
                    rps[check].append(rate)
            off, on = (statistics.median(rps[k]) for k in ("off", "on"))
            print(f"   {name:<8} {off:>8.0f}  {on:>8.0f}   {on / off:.2f}")
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--wrk", type=int, metavar="ROUNDS", default=0)
    p.add_argument(
        "--stores",
        default="memory,sqlite,redis",
        help="the stores to measure, comma-separated (default: memory,sqlite,redis)",
    )
    args = p.parse_args()
    stores = args.stores.split(",")
    if not stores or set(stores) - {"memory", "sqlite", "redis"}:
        p.error("--stores takes memory, sqlite and redis, comma-separated")
    seconds = args.seconds
    tmp = Path(tempfile.mkdtemp(prefix="authcore-revocation-"))
    redis_dir = tmp / "redis"
    redis_sh = str(ROOT / "scripts/redis.sh")
    url = subprocess.run(
        [redis_sh, "start", str(redis_dir)],
        check=True,
        capture_output=True,
        text=True,
        env={"APPENDFSYNC": "everysec", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    ).stdout.strip()
    try:
        asyncio.run(run(seconds, tmp, url, stores))
        if args.wrk:
            under_wrk(args.wrk, max(1.0, seconds), tmp, url, stores)
    finally:
        subprocess.run([redis_sh, "stop", str(redis_dir)], check=False)


if __name__ == "__main__":
    main()
