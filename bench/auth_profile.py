"""Where the per-request authentication time goes, without a network in between.

    .venv/bin/python bench/auth_profile.py [--requests 20000] [--rounds 5] [--cprofile ROUTE]
                                           [--revocation [memory|sqlite]]

Calls the app of ``bench/auth_overhead.py`` directly through ASGI (one event loop, no socket,
no HTTP parsing), route after route, interleaved, and prints CPU µs per request and the difference
to the no-auth route — the same comparison as the wrk benchmark with far less noise.
``--cprofile authcore/me`` profiles that route and prints the functions with the most time,
inclusive (``cumtime``), which shows what each layer of the dependency path costs.
Not a test; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from auth_overhead import build_dispatch


def scope_for(path: str, token: str | None) -> dict[str, Any]:
    headers = [(b"host", b"bench")]
    if token:
        headers.append((b"authorization", b"Bearer " + token.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }


async def drive(app: Any, path: str, token: str | None, n: int) -> float:
    scope = scope_for(path, token)
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    t0 = time.process_time()  # CPU time: waiting for a core on a busy machine does not count
    for _ in range(n):
        await app(dict(scope), receive, send)
    elapsed = time.process_time() - t0
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return elapsed / n * 1e6


async def main_async(args: argparse.Namespace) -> None:
    # each route first in its own copy of the app (see build_dispatch)
    app, copies = build_dispatch(secrets.token_urlsafe(48), args.revocation)
    for copy in copies.values():  # lifespan start-up (the revocation route's session)
        for start in copy.state.startup:
            await start()
    token = copies["/authcore/me"].state.tokens["authcore"]
    routes: dict[str, str | None] = {
        "/noauth/me": None,
        "/floor/me": token,
        "/guide/me": token,
        "/authcore/me": token,
        "/authcore/user": token,
        "/authcore/scoped": token,
        "/solver/me": token,
    }
    if args.revocation:
        routes["/revocation/me"] = copies["/revocation/me"].state.tokens["revocation"]
    if args.cprofile:
        path = "/" + args.cprofile.strip("/")
        await drive(app, path, routes[path], 2000)
        prof = cProfile.Profile()
        prof.enable()
        await drive(app, path, routes[path], args.requests)
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(45)
        return
    results: dict[str, list[float]] = {p: [] for p in routes}
    for path, tok in routes.items():
        await drive(app, path, tok, 1000)
    for i in range(args.rounds):
        order = list(routes.items())
        if i % 2:
            order.reverse()
        for path, tok in order:
            results[path].append(await drive(app, path, tok, args.requests))
    best = {p: min(v) for p, v in results.items()}
    floor = best["/noauth/me"]
    print(f"\nASGI in-process, {args.requests} requests × {args.rounds} rounds, best round\n")
    print(f"{'route':<18} {'µs/req':>8} {'auth µs':>8}   median µs/req")
    for p, us in best.items():
        print(f"{p:<18} {us:>8.1f} {us - floor:>8.1f}   {statistics.median(results[p]):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--revocation", nargs="?", const="memory", choices=["memory", "sqlite"])
    ap.add_argument("--cprofile", metavar="ROUTE")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
