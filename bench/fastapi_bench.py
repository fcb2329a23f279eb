"""Load run: the authcore example app vs its PyJWT + pwdlib twin, each under a real uvicorn.

    .venv/bin/python bench/fastapi_bench.py [--requests 4000] [--concurrency 32]
                                            [--probes 300] [--login-workers 4]

Loopback only, bounded request counts, one server at a time (one uvicorn worker each). For
each server it measures:

1. ``/healthz`` throughput (the framework's floor on this machine: no auth at all), then
   ``/api/v1/me`` throughput: ``--requests`` authenticated requests, ``--concurrency`` in
   flight (token verification + one SQLite user lookup per request);
2. ``/api/v1/me`` latency, sequential probes: alone, then while ``--login-workers`` clients
   log in back to back (Argon2id m=19456 t=2 p=1 on every login).

Servers: ``authcore`` (examples/fastapi_app), ``twin-inline`` (PyJWT + pwdlib, password
verified inside the async route as in FastAPI's tutorial) and ``twin-thread`` (the same, with
the verify moved to the thread pool). Not a test: it asserts nothing and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench password " + secrets.token_hex(4)
USER = "student@example.com"


def start_server(
    kind: str, tmp: Path, extra_env: Optional[dict[str, str]] = None, pin: Sequence[str] = ()
) -> tuple[subprocess.Popen[str], str]:
    """Starts ``kind`` (``authcore``: the example app; ``twin-…``) on a free port, with
    ``extra_env`` on top of its settings, under ``pin`` (e.g. ``taskset -c 0``); returns the
    process and its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHCORE_", "TWIN_"))}
    env.update(PORT="0", DEMO_PASSWORD=PASSWORD, LOG_LEVEL="warning", PYTHONUNBUFFERED="1")
    secret = secrets.token_urlsafe(48)
    if kind == "authcore":
        # the twin has no login rate limit: switch the example's off to compare like with like
        env.update(
            AUTHCORE_SECRET=secret,
            AUTHCORE_DB=str(tmp / "authcore.sqlite3"),
            AUTHCORE_LOGIN_RATE_CLIENT="off",
            AUTHCORE_LOGIN_RATE_USER="off",
        )
        cmd = [sys.executable, "-m", "examples.fastapi_app"]
    else:
        env.update(
            TWIN_SECRET=secret, TWIN_DB=str(tmp / f"{kind}.sqlite3"), TWIN_LOGIN=kind.split("-")[1]
        )
        cmd = [sys.executable, "-m", "bench.twin_app"]
    env.update(extra_env or {})
    cmd = [*pin, *cmd]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if m:
            # keep draining output so the server never blocks on a full pipe
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, m.group(1)
    proc.kill()
    raise RuntimeError(f"{kind} did not start")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


async def login(client: httpx.AsyncClient) -> str:
    r = await client.post("/api/v1/auth/tokens", data={"username": USER, "password": PASSWORD})
    r.raise_for_status()
    token: str = r.json()["access_token"]
    return token


async def throughput(
    base: str, token: str, n: int, concurrency: int, path: str = "/api/v1/me"
) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as c:
        for _ in range(50):  # warm-up
            (await c.get(path, headers=headers)).raise_for_status()
        remaining = n

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                r = await c.get(path, headers=headers)
                if r.status_code != 200:
                    raise RuntimeError(f"{path} answered {r.status_code}")

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return n / (time.perf_counter() - t0)


async def latency(base: str, token: str, probes: int, login_workers: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    stop = asyncio.Event()
    logins = 0

    async def login_loop() -> None:
        nonlocal logins
        async with httpx.AsyncClient(base_url=base, timeout=60) as c:
            while not stop.is_set():
                await login(c)
                logins += 1

    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        for _ in range(20):
            await c.get("/api/v1/me", headers=headers)
        tasks = [asyncio.create_task(login_loop()) for _ in range(login_workers)]
        if tasks:
            await asyncio.sleep(0.5)  # let the logins get going
        samples = []
        t0 = time.perf_counter()
        for _ in range(probes):
            s = time.perf_counter()
            r = await c.get("/api/v1/me", headers=headers)
            samples.append((time.perf_counter() - s) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"/me answered {r.status_code}")
            await asyncio.sleep(0.002)
        elapsed = time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*tasks)
    return {
        "p50": statistics.median(samples),
        "p99": pct(samples, 99),
        "max": max(samples),
        "logins_per_s": logins / elapsed if tasks else 0.0,
    }


async def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(kind, Path(tmp))
        try:
            async with httpx.AsyncClient(base_url=base, timeout=60) as c:
                token = await login(c)
            floor = await throughput(base, "", args.requests, args.concurrency, "/healthz")
            rps = await throughput(base, token, args.requests, args.concurrency)
            idle = await latency(base, token, args.probes, 0)
            busy = await latency(base, token, args.probes, args.login_workers)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {"floor": floor, "rps": rps, "idle": idle, "busy": busy}


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Metric by metric, the median over rounds."""
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in ("floor", "rps")}
    for phase in ("idle", "busy"):
        out[phase] = {m: statistics.median(r[phase][m] for r in runs) for m in runs[0][phase]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--probes", type=int, default=300)
    ap.add_argument("--login-workers", type=int, default=4)
    ap.add_argument("--servers", default="authcore,twin-inline,twin-thread")
    ap.add_argument("--rounds", type=int, default=1, help="report the median of N rounds")
    args = ap.parse_args()

    kinds = args.servers.split(",")
    rounds: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for i in range(args.rounds):  # interleaved, so a busy moment hits every server alike
        for kind in kinds:
            print(f"… round {i + 1}/{args.rounds}: {kind}", file=sys.stderr, flush=True)
            rounds[kind].append(asyncio.run(run(kind, args)))
    results = {k: _median(v) for k, v in rounds.items()}

    print(
        f"\nmedian of {args.rounds} round(s). /me: {args.requests} requests at concurrency "
        f"{args.concurrency}; latency: "
        f"{args.probes} sequential probes, alone and with {args.login_workers} login loops\n"
    )
    head = (
        f"{'server':<12} {'/healthz':>9} {'/me req/s':>9} {'p50 idle':>9} {'p99 idle':>9} "
        f"{'p50 login':>10} {'p99 login':>10} {'max login':>10} {'logins/s':>9}"
    )
    print(head)
    print("-" * len(head))
    for kind, r in results.items():
        i, b = r["idle"], r["busy"]
        print(
            f"{kind:<12} {r['floor']:>9.0f} {r['rps']:>9.0f} {i['p50']:>7.2f}ms {i['p99']:>7.2f}ms "
            f"{b['p50']:>8.2f}ms {b['p99']:>8.2f}ms {b['max']:>8.2f}ms {b['logins_per_s']:>9.1f}"
        )


if __name__ == "__main__":
    main()
