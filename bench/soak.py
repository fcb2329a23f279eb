"""Soak run: the example app under uvicorn with 2 workers sharing one session store, 50 simulated
users logging in, calling ``/api/v1/me``, refreshing and logging out, while the store fails.

    .venv/bin/python bench/soak.py [--store redis|sqlite] [--seconds 600] [--users 50]
                                   [--pause-every 60] [--pause-for 5] [--kill-every 150]
                                   [--grace 10]

With ``--store redis`` a private ``redis-server`` (append-only file, fsync always, so a killed
server restarts with its data) is paused with SIGSTOP every ``--pause-every`` seconds for
``--pause-for`` seconds, and killed (SIGKILL) and restarted every ``--kill-every`` seconds.
With ``--store sqlite`` both workers share one SQLite file and nothing is broken on purpose.

Each user loops: log in; three times (five ``/me`` calls, refresh); every third loop replays
the refresh token it just rotated away, after the refresh grace window (must be 401
``token_reused``, which also revokes the
family: the current refresh token must then fail too); log out and try the logged-out refresh
token (must be 401). It counts:

* status codes per route; 5xx other than 503 (target 0; 503 is the fail-closed answer while
  the store is down);
* sessions lost: a refresh with the current token refused with 401 when no 503 preceded it
  on that token (target 0). After a 503 the outcome of a rotation is unknown to the client (the
  store may have spent the token before the answer was lost): those are counted apart;
* rotated twice: a replayed refresh token that was accepted (target 0);
* revoked but working: a refresh token accepted after its family was revoked by logout or by
  reuse (target 0);
* access after revocation: ``/me`` answered 200 to the session's last access token after
  logout or after the reuse that revoked its family (target 0; the revocation and the check
  may land on different workers);
* RSS of each worker over time.

Not part of ``make test``: a long run of real servers, reported in the issue's note.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = ["student@example.com", "teacher@example.com", "admin@example.com"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Redis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.dir = workdir
        self.proc: subprocess.Popen[bytes] | None = None
        self.paused = False

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def pause(self) -> None:
        if self.proc:
            self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc:
            self.proc.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.proc:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(p.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


class Stats:
    def __init__(self) -> None:
        self.status: collections.Counter[tuple[str, int]] = collections.Counter()
        self.bad_5xx = 0
        self.lost = 0
        self.lost_after_503 = 0
        self.rotated_twice = 0
        self.revoked_but_working = 0
        self.access_after_revocation = 0
        self.requests = 0
        self.errors: collections.Counter[str] = collections.Counter()

    def count(self, route: str, r: httpx.Response) -> None:
        self.requests += 1
        self.status[(route, r.status_code)] += 1
        if r.status_code >= 500 and r.status_code != 503:
            self.bad_5xx += 1


async def user_loop(
    i: int, base: str, password: str, stop: float, stats: Stats, rng: random.Random, grace: int
) -> None:
    username = ACCOUNTS[i % len(ACCOUNTS)]
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:

        async def post(route: str, **kw: Any) -> httpx.Response:
            r = await c.post(route, **kw)
            stats.count(route, r)
            return r

        async def check_refused(access: str) -> None:
            """The access token of a revoked family: /me must not answer 200."""
            r = await c.get("/api/v1/me", headers={"Authorization": f"Bearer {access}"})
            stats.count("/api/v1/me (revoked)", r)
            if r.status_code == 200:
                stats.access_after_revocation += 1

        loop = 0
        while time.monotonic() < stop:
            try:
                r = await post(
                    "/api/v1/auth/tokens", data={"username": username, "password": password}
                )
                if r.status_code != 200:
                    await asyncio.sleep(0.5)
                    continue
                pair = r.json()
                access, refresh = pair["access_token"], pair["refresh_token"]
                spent: str | None = None
                after_503 = False
                ended = False
                for _ in range(3):
                    for _ in range(5):
                        r = await c.get("/api/v1/me", headers={"Authorization": f"Bearer {access}"})
                        stats.count("/api/v1/me", r)
                        await asyncio.sleep(rng.uniform(0.02, 0.1))
                    r = await post("/api/v1/auth/refresh", json={"refresh_token": refresh})
                    if r.status_code == 200:
                        spent, after_503 = refresh, False
                        access, refresh = r.json()["access_token"], r.json()["refresh_token"]
                    elif r.status_code == 503:
                        after_503 = True
                        await asyncio.sleep(0.5)
                    elif r.status_code == 401:
                        if after_503:
                            stats.lost_after_503 += 1
                        else:
                            stats.lost += 1
                        ended = True
                        break
                if ended:
                    continue
                loop += 1
                if loop % 3 == 0 and spent is not None:
                    # replay the rotated-away token once the grace window is over: reuse, the
                    # family is revoked (within the window a retry gets a pair, by design)
                    await asyncio.sleep(grace + 1 if grace else 0)
                    r = await post("/api/v1/auth/refresh", json={"refresh_token": spent})
                    if r.status_code == 200:
                        stats.rotated_twice += 1
                    elif r.status_code == 401:
                        r = await post("/api/v1/auth/refresh", json={"refresh_token": refresh})
                        if r.status_code == 200:
                            stats.revoked_but_working += 1
                        await check_refused(access)
                    continue
                r = await post("/api/v1/auth/logout", json={"refresh_token": refresh})
                if r.status_code == 200 or r.status_code == 204:
                    r = await post("/api/v1/auth/refresh", json={"refresh_token": refresh})
                    if r.status_code == 200:
                        stats.revoked_but_working += 1
                    await check_refused(access)
            except httpx.HTTPError as exc:
                stats.errors[type(exc).__name__] += 1
                await asyncio.sleep(0.5)


async def chaos(redis: Redis | None, args: argparse.Namespace, stop: float, log: list[str]) -> None:
    if redis is None:
        return
    t0 = time.monotonic()
    next_pause, next_kill = t0 + args.pause_every, t0 + args.kill_every
    while time.monotonic() < stop - 5:
        now = time.monotonic()
        if now >= next_kill:
            log.append(f"{now - t0:6.0f}s kill -9 redis, restart after 3 s")
            redis.kill()
            await asyncio.sleep(3)
            redis.start()
            next_kill += args.kill_every
        elif now >= next_pause:
            log.append(f"{now - t0:6.0f}s SIGSTOP redis for {args.pause_for:g} s")
            redis.pause()
            await asyncio.sleep(args.pause_for)
            redis.resume()
            next_pause += args.pause_every
        await asyncio.sleep(0.5)


async def sample_rss(master: int, stop: float, samples: list[tuple[float, list[int]]]) -> None:
    t0 = time.monotonic()
    while time.monotonic() < stop:
        workers = sorted(children(master))
        samples.append((time.monotonic() - t0, [rss_kib(p) // 1024 for p in workers]))
        await asyncio.sleep(15)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", choices=["redis", "sqlite"], default="redis")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pause-every", type=float, default=60)
    ap.add_argument("--pause-for", type=float, default=5)
    ap.add_argument("--kill-every", type=float, default=150)
    ap.add_argument(
        "--grace", type=int, default=10, help="AUTHCORE_REFRESH_GRACE of the app (0 = none)"
    )
    args = ap.parse_args()
    if args.store == "redis" and shutil.which("redis-server") is None:
        sys.exit("redis-server is missing: scripts/setup.sh apt")

    tmp = Path(tempfile.mkdtemp(prefix="authcore-soak-"))
    password = "soak " + secrets.token_hex(8)
    redis = None
    if args.store == "redis":
        redis = Redis(tmp)
        redis.start()
        store = f"redis://127.0.0.1:{redis.port}/0"
    else:
        store = f"sqlite:///{tmp / 'sessions.sqlite3'}"
    port = free_port()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT / "py" / "python"), str(ROOT)]),
        AUTHCORE_SECRET=secrets.token_urlsafe(48),
        AUTHCORE_DB=str(tmp / "users.sqlite3"),
        AUTHCORE_STORE=store,
        AUTHCORE_LOGIN_RATE_CLIENT="off",
        AUTHCORE_LOGIN_RATE_USER="off",
        AUTHCORE_LOGIN_RATE_ACCOUNT="off",
        AUTHCORE_REFRESH_GRACE=str(args.grace),
    )
    seed = (
        "import sys; from authcore import PasswordHasher; "
        "from examples.fastapi_app.app import seed; from examples.fastapi_app.db import UserDB; "
        "seed(UserDB(sys.argv[1]), sys.argv[2], PasswordHasher(), force=True)"
    )
    subprocess.run(
        [sys.executable, "-c", seed, env["AUTHCORE_DB"], password], env=env, cwd=ROOT, check=True
    )
    server_log = open(tmp / "server.log", "wb")  # noqa: SIM115 — closed after the run
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "examples.fastapi_app.app:create_app",
            "--workers",
            str(args.workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    stats = Stats()
    log: list[str] = []
    samples: list[tuple[float, list[int]]] = []

    async def run() -> None:
        stop = time.monotonic() + args.seconds
        rng = random.Random(1)
        await asyncio.gather(
            chaos(redis, args, stop, log),
            sample_rss(server.pid, stop, samples),
            *(
                user_loop(i, base, password, stop, stats, rng, args.grace)
                for i in range(args.users)
            ),
        )

    t0 = time.monotonic()
    try:
        asyncio.run(run())
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if redis is not None:
            redis.kill()
        server_log.close()
        server_text = (tmp / "server.log").read_text(errors="replace")
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - t0

    print(
        f"\nsoak: store={args.store}, {args.workers} uvicorn workers, {args.users} users, "
        f"{elapsed:.0f} s, {stats.requests} requests ({stats.requests / elapsed:.0f}/s)"
    )
    if log:
        print("store outages:\n  " + "\n  ".join(log))
    print("status counts:")
    for (route, code), n in sorted(stats.status.items()):
        print(f"  {route:<24} {code}  {n}")
    print(f"5xx other than 503:            {stats.bad_5xx}")
    print(f"sessions lost:                 {stats.lost}")
    print(
        f"  (401 after a 503 on that token, outcome unknown to the client: {stats.lost_after_503})"
    )
    print(f"refresh tokens rotated twice:  {stats.rotated_twice}")
    print(f"revoked but still working:     {stats.revoked_but_working}")
    print(f"access after revocation:       {stats.access_after_revocation}")
    if stats.errors:
        print(f"client errors: {dict(stats.errors)}")
    print(
        f"server log: {server_text.count('Traceback')} tracebacks, "
        f"{server_text.count('token reused')} reuse warnings, "
        f"{server_text.count('session store failed')} store-failure errors"
    )
    print("worker RSS (MiB) over time:")
    for t, rss in samples:
        print(f"  {t:6.0f}s  {rss}")


if __name__ == "__main__":
    main()
