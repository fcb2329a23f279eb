"""Per-request cost of authentication in FastAPI: one app, one uvicorn worker, three routes.

    .venv/bin/python bench/auth_overhead.py [--rounds 5] [--seconds 4] [--connections 16]
                                            [--server plain|standard]
                                            [--revocation [memory|sqlite]]
                                            [--mixed] [--token-cache-size N]
                                            [--profile out.txt]

Routes, all answering the same small JSON body (no database, so only authentication differs),
each the first route of its own copy of the app (``build_dispatch``), so that none pays for
routes tried before it:

* ``/noauth/me``  — no authentication at all (the framework's floor), driven twice: without
  a token and with the same ``Authorization`` header as the others (``noauth+header``), which
  separates what receiving the token costs the HTTP server from what checking it costs;
* ``/floor/me``   — a security dependency with the signature of authcore's that checks
  nothing: what FastAPI itself charges for any such dependency;
* ``/guide/me``   — the guide's pattern: ``OAuth2PasswordBearer`` + PyJWT ``jwt.decode``;
* ``/authcore/me`` — ``Depends(auth.current_claims)`` of ``authcore.fastapi`` (defaults:
  signature, ``exp``/``iat``, ``typ``, ids, roles, scopes all checked by the core);
* ``/authcore/user`` — ``Depends(auth.current_user)`` (no ``load_user``: the claims);
* ``/authcore/scoped`` — ``current_claims`` inside ``Security(..., scopes=["grades:read"])``;
* ``/solver/me`` — ``/authcore/me`` on a plain ``APIRoute``: the dependency solved by FastAPI's
  dependency solver, as before ``AuthRoute`` (the ``authcore/*`` routes are ``AuthRoute`` routes,
  as ``auth.install`` makes the app's routes).

``--revocation`` adds a session store with ``check_access_revocation=True`` (one store lookup
per request) as one more route on a second ``AuthCore``: a memory store, or with
``--revocation sqlite`` an SQLite file in a temporary directory (the demo's default store).

``wrk`` (Debian package) drives each route for ``--seconds``, the routes interleaved, for
``--rounds`` rounds; the table shows the median req/s per route, the ratio to the guide's
pattern and the authentication cost in µs per request two ways, both computed round by round
and then the median: from throughput (1/rps − 1/rps of the no-auth route) and from the
server's own CPU time (its utime + stime over the run, per request served, minus the no-auth
route's, and minus the ``noauth+header`` route's: the check alone, the header's parsing
apart). On a machine with two or more CPUs the server is pinned to CPU 0 and wrk to CPU 1
(``taskset``; ``--no-pin`` turns it off), so wrk does not take the server's core; the CPU
figure holds even when other work shares the machine. Read the ratios, not the absolute
numbers.
``--mixed`` measures differently, for a machine shared with other work: each round is one wrk
run whose requests go to the routes at random (a Lua script), and the server times each
request's ASGI call (its CPU time, per route; requests never overlap inside the app, and the
run says so) and uvicorn's reading of the request (``data_received``, HTTP parsing included),
so a busy moment falls on every route alike and each route runs after every other as often
(what ran just before decides what is still in the CPU's caches). It reports the CPU µs per
request inside the app and with the reading, each one's excess over the no-auth route sent
without a token, and the excess inside the app as a multiple of FastAPI's do-nothing
dependency's (``× floor``: the machine's speed, which moves every µs figure from day to day,
cancels out), medians over rounds.
``--token-cache-size N`` sets ``AuthSettings.token_cache_size`` (how many verified tokens
authcore remembers; wrk sends one token, so every request but the first finds it): ``0``
measures a token verified on every request.
``--server`` picks uvicorn's HTTP parser and event loop: ``plain`` (the default) is what
``pip install uvicorn`` runs, h11 (pure Python) and asyncio; ``standard`` is what
``pip install "uvicorn[standard]"`` (and ``"fastapi[standard]"``) runs, httptools and uvloop,
which must then be installed.
``--profile FILE`` runs the server under py-spy (``pip install py-spy``) while the authcore
route is driven, and writes the aggregated stacks to FILE. Not a test; asserts nothing.
"""

# No ``from __future__ import annotations``: FastAPI resolves the routes' ``Annotated``
# dependencies, which name objects local to build_app.

import argparse
import importlib
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
SCOPES = {"grades:read": "Read grades", "grades:write": "Record grades"}


def build_app(secret: str, revocation: Optional[str]) -> Any:
    """The FastAPI app with every route (imported in the server process only)."""
    from collections.abc import AsyncIterator, Awaitable, Callable
    from contextlib import asynccontextmanager
    from typing import Annotated

    import jwt
    from authcore.fastapi import AccessClaims, AuthCore, AuthSettings
    from fastapi import Depends, FastAPI, HTTPException, Request, Security, status
    from fastapi.routing import APIRoute
    from fastapi.security import OAuth2PasswordBearer, SecurityScopes
    from fastapi.security.base import SecurityBase

    # AUTHCORE_TOKEN_CACHE_SIZE (--token-cache-size): 0 verifies every token every time
    cache = os.environ.get("AUTHCORE_TOKEN_CACHE_SIZE")
    settings = AuthSettings(secret=secret)
    if cache is not None:
        settings = AuthSettings(secret=secret, token_cache_size=int(cache))
    auth = AuthCore(settings, scopes=SCOPES)
    startup: list[Callable[[], Awaitable[None]]] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for start in startup:
            await start()
        yield

    app = FastAPI(lifespan=lifespan)
    # first, as the README says: the routes declared after it are AuthRoutes (build_dispatch
    # puts each measured route first, so the routes install adds are not tried before them)
    auth.install(app)
    app.state.startup = startup
    app.state.tokens = {}

    # -- the guide's pattern ----------------------------------------------------------------
    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/tokens")

    def decode_token(token: str) -> Optional[dict[str, Any]]:
        try:
            payload: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"])
            return payload
        except jwt.InvalidTokenError:
            return None

    async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> dict[str, Any]:
        credentials_exception = HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Could not validate credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
        payload = decode_token(token)
        if payload is None or payload.get("sub") is None:
            raise credentials_exception
        return payload

    @app.get("/noauth/me")
    async def noauth_me() -> dict[str, str]:
        return {"sub": "student"}

    # FastAPI's own price of one security dependency: the signature of authcore's (the
    # request and the route's SecurityScopes), and a body that checks nothing
    class NoCheck(SecurityBase):
        def __init__(self) -> None:
            self.model = oauth2_scheme.model
            self.scheme_name = "NoCheck"

        async def __call__(self, request: Request, security_scopes: SecurityScopes) -> str:
            return "student"

    @app.get("/floor/me")
    async def floor_me(sub: Annotated[str, Depends(NoCheck())]) -> dict[str, str]:
        return {"sub": sub}

    @app.get("/guide/me")
    async def guide_me(
        user: Annotated[dict[str, Any], Depends(get_current_user)],
    ) -> dict[str, str]:
        return {"sub": user["sub"]}

    Claims = Annotated[AccessClaims, Depends(auth.current_claims)]

    @app.get("/authcore/me")
    async def authcore_me(claims: Claims) -> dict[str, str]:
        return {"sub": claims.sub}

    @app.get("/authcore/user")
    async def authcore_user(
        user: Annotated[AccessClaims, Depends(auth.current_user)],
    ) -> dict[str, str]:
        return {"sub": user.sub}

    @app.get("/authcore/scoped")
    async def authcore_scoped(
        claims: Annotated[AccessClaims, Security(auth.current_claims, scopes=["grades:read"])],
    ) -> dict[str, str]:
        return {"sub": claims.sub}

    # the same dependency as /authcore/me on a plain APIRoute: solved by FastAPI's solver
    async def solver_me(claims: Claims) -> dict[str, str]:
        return {"sub": claims.sub}

    app.router.add_api_route("/solver/me", solver_me, route_class_override=APIRoute)
    body, _ = auth.issue_pair("student", ["student"], ["grades:read"])
    app.state.tokens["authcore"] = body.access_token

    if revocation:
        import tempfile

        from authcore.stores import MemoryStore, SessionStore, SQLiteStore

        if revocation == "sqlite":
            app.state.store_dir = tempfile.TemporaryDirectory(prefix="authcore-bench-")
            store: SessionStore = SQLiteStore(os.path.join(app.state.store_dir.name, "s.db"))
        else:
            store = MemoryStore()
        rauth = AuthCore(settings, scopes=SCOPES, store=store, check_access_revocation=True)
        RClaims = Annotated[AccessClaims, Depends(rauth.current_claims)]

        @app.get("/revocation/me")
        async def revocation_me(claims: RClaims) -> dict[str, str]:
            return {"sub": claims.sub}

        rbody, rrefresh = rauth.issue_pair("student", ["student"], ["grades:read"])
        app.state.tokens["revocation"] = rbody.access_token
        app.state.revocation_auth = rauth

        async def start_session() -> None:
            await rauth.start_session(rrefresh)

        startup.append(start_session)

    return app


ROUTES = (
    "/noauth/me",
    "/floor/me",
    "/guide/me",
    "/authcore/me",
    "/authcore/user",
    "/authcore/scoped",
    "/solver/me",
)


def build_dispatch(secret: str, revocation: Optional[str]) -> tuple[Any, dict[str, Any]]:
    """The routes of :func:`build_app` found at the same cost each: Starlette tries an app's
    routes in order, so in one app a route registered later pays for every route before it
    (about 0.5–1 µs each), which is layout, not authentication. Here each measured route is
    the first route of its own copy of the app, behind one dict lookup on the path. Returns
    the ASGI app (its lifespan is not run: await each copy's ``state.startup`` first) and the
    copies by path."""
    paths = ROUTES + (("/revocation/me",) if revocation else ())
    copies: dict[str, Any] = {}
    for path in paths:
        app = build_app(secret, revocation)
        routes = app.router.routes
        routes.insert(
            0, routes.pop(next(i for i, r in enumerate(routes) if getattr(r, "path", None) == path))
        )
        copies[path] = app

    async def dispatch(scope: Any, receive: Any, send: Any) -> None:
        await copies[scope["path"]](scope, receive, send)

    return dispatch, copies


#: uvicorn's (http, loop) per ``--server``.
SERVERS = {"plain": ("h11", "asyncio"), "standard": ("httptools", "uvloop")}


def route_key(scope: Any) -> str:
    """The path, ``+header`` when an ``Authorization`` header came."""
    for name, _ in scope["headers"]:
        if name == b"authorization":
            return str(scope["path"]) + "+header"
    return str(scope["path"])


def timed(dispatch: Any, protocols: Sequence[Any] = ()) -> Any:
    """``dispatch`` with the CPU time of each request's ASGI call added up per route
    (:func:`route_key`), and that of the HTTP server reading it (the ``data_received`` of the
    uvicorn ``protocols`` given, patched: wrk sends one request at a time on a connection, so each call reads one
    request, the one the protocol then holds the scope of), served as JSON at ``/__stats``
    (which then starts over). ``overlaps`` counts requests that began while another was inside
    the app: none, when no request yields to the event loop inside the app (these routes do not
    await anything that waits), and then each request's time is its own."""
    import json as json_
    from time import thread_time_ns

    stats: dict[str, list[int]] = {}
    reading: dict[str, list[int]] = {}
    state = {"active": 0, "overlaps": 0}

    def timed_read(original: Any) -> Any:
        def data_received(self: Any, data: bytes) -> None:
            started = thread_time_ns()
            original(self, data)
            spent = thread_time_ns() - started
            scope = getattr(self, "scope", None)
            if scope is not None:
                entry = reading.setdefault(route_key(scope), [0, 0])
                entry[0] += spent
                entry[1] += 1

        return data_received

    for protocol in protocols:
        protocol.data_received = timed_read(protocol.data_received)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        path = scope["path"]
        if path == "/__stats":
            doc = {"routes": stats, "reading": reading, "overlaps": state["overlaps"]}
            body = json_.dumps(doc).encode()
            stats.clear()
            reading.clear()
            state["overlaps"] = 0
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        key = route_key(scope)
        if state["active"]:
            state["overlaps"] += 1
        state["active"] += 1
        started = thread_time_ns()
        try:
            await dispatch(scope, receive, send)
        finally:
            spent = thread_time_ns() - started
            state["active"] -= 1
            entry = stats.setdefault(key, [0, 0])
            entry[0] += spent
            entry[1] += 1

    return app


def serve(secret: str, revocation: Optional[str], server_kind: str, mixed: bool) -> None:
    import asyncio

    import uvicorn

    app, copies = build_dispatch(secret, revocation)
    if mixed:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        protocols: list[Any] = [H11Protocol]
        if server_kind == "standard":  # uvicorn[standard]
            from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

            protocols.append(HttpToolsProtocol)
        app = timed(app, protocols)
    http, loop = SERVERS[server_kind]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http=http,
        loop=loop,
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        for copy in copies.values():
            for start in copy.state.startup:
                await start()
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        # each route's token from its own copy (the revocation route's session is its own)
        tokens = " ".join(
            f"{k}={v}" for k, v in copies["/authcore/me"].state.tokens.items() if k != "revocation"
        )
        if revocation:
            tokens += f" revocation={copies['/revocation/me'].state.tokens['revocation']}"
        print(f"listening on http://127.0.0.1:{port} {tokens}", flush=True)
        await task

    if loop == "uvloop":  # optional (uvicorn[standard]): imported by name, untyped
        importlib.import_module("uvloop").run(run())
    else:
        asyncio.run(run())


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_pins(wanted: bool = True) -> tuple[list[str], list[str]]:
    """The command prefixes that pin the server to CPU 0 and wrk to CPU 1 (``taskset``), or two
    empty ones when not ``wanted``, on a single CPU or without ``taskset``."""
    if wanted and (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", "0"], ["taskset", "-c", "1"]
    return [], []


def wrk(
    url: str, token: Optional[str], seconds: int, connections: int, pin: list[str]
) -> tuple[float, int]:
    """Requests per second and requests served."""
    cmd = pin + ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"{url}: errors under wrk:\n{out}")
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    n = re.search(r"(\d+) requests in", out)
    if not m or not n:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{out}")
    return float(m.group(1)), int(n.group(1))


#: wrk script of ``--mixed``: the requests given as arguments (path, token or "-"), each
#: request one of them at random: every route follows every route as often (what ran just
#: before a request decides how much of its code and data is still in the CPU's caches).
MIXED_LUA = """
local reqs = {}
function init(args)
  math.randomseed(os.time())
  for k = 1, #args, 2 do
    local headers = {}
    if args[k + 1] ~= "-" then headers["Authorization"] = "Bearer " .. args[k + 1] end
    reqs[#reqs + 1] = wrk.format("GET", args[k], headers)
  end
end
function request()
  return reqs[math.random(#reqs)]
end
"""


def mixed(
    base: str, routes: list[tuple[str, str, Optional[str]]], args: Any, pin: list[str]
) -> None:
    """``--mixed``: every round one wrk run that sends the routes' requests mixed, so a busy
    moment of the machine falls on all of them alike; the server's CPU time per request of
    each route (inside the app: HTTP parsing apart) against the no-auth route's."""
    import json
    import tempfile
    import urllib.request

    def stats() -> dict[str, Any]:
        with urllib.request.urlopen(f"{base}/__stats", timeout=30) as r:
            doc: dict[str, Any] = json.load(r)
            return doc

    key = {name: "/" + path + ("+header" if tok else "") for name, path, tok in routes}
    spec: list[str] = []
    for _, path, tok in routes:
        spec += ["/" + path, tok or "-"]
    us: dict[str, list[float]] = {name: [] for name, _, _ in routes}
    read_us: dict[str, list[float]] = {name: [] for name, _, _ in routes}
    overlaps = served = 0
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(MIXED_LUA)
        script.flush()
        cmd = pin + ["wrk", "-t1", f"-c{args.connections}", "-s", script.name]
        for i in range(args.rounds + 1):  # the first round warms up
            if i:
                print(f"… round {i}/{args.rounds}", file=sys.stderr, flush=True)
            stats()  # starts over
            seconds = args.seconds * len(routes) if i else 2
            out = subprocess.run(
                cmd + [f"-d{seconds:g}s", base, "--"] + spec,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if "Non-2xx" in out or "Socket errors" in out:
                raise RuntimeError(f"errors under wrk:\n{out}")
            doc = stats()
            if not i:
                continue
            overlaps += doc["overlaps"]
            for name, runs in us.items():
                ns, n = doc["routes"][key[name]]
                runs.append(ns / n / 1e3)
                served += n
                read_ns, read_n = doc["reading"].get(key[name], (0, 0))
                read_us[name].append(read_ns / read_n / 1e3 if read_n else float("nan"))
    print(
        f"\none uvicorn worker ({' + '.join(SERVERS[args.server])})"
        f"{' on CPU 0, wrk on CPU 1' if pin else ''}, wrk -t1 -c{args.connections}; "
        f"{args.rounds} rounds, each one wrk run of {args.seconds * len(routes):g} s sending the "
        f"{len(routes)} routes' requests in random order; {served} requests timed, "
        f"{overlaps} overlapping\n"
        "app: the server's CPU µs per request inside the app; +read: and in the HTTP server "
        "reading it (its parse of the headers included); over noauth: the median of the "
        "per-round differences to the no-auth route sent without a token; × floor: the "
        "route's excess inside the app over FastAPI's do-nothing dependency's (the floor "
        "route), round by round, median: unlike µs it does not move with the machine's speed "
        "from day to day\n"
    )
    total = {n: [a + r for a, r in zip(us[n], read_us[n])] for n in us}
    head = (
        f"{'route':<18} {'app µs':>8} {'over noauth':>12} {'+read µs':>9} {'over noauth':>12}"
        f" {'× floor':>8}   app µs by round"
    )
    print(head)
    print("-" * len(head))
    floor = [f - b for f, b in zip(us["floor"], us["noauth"])]  # the floor's excess, by round
    for name, runs in us.items():
        over = statistics.median(u - b for u, b in zip(runs, us["noauth"]))
        over_t = statistics.median(u - b for u, b in zip(total[name], total["noauth"]))
        ratios = [(u - b) / f for u, b, f in zip(runs, us["noauth"], floor) if f > 0]
        ratio = statistics.median(ratios) if ratios else float("nan")
        by_round = " ".join(f"{u:.1f}" for u in runs)
        print(
            f"{name:<18} {statistics.median(runs):>8.1f} {over:>12.1f} "
            f"{statistics.median(total[name]):>9.1f} {over_t:>12.1f} {ratio:>8.2f}   {by_round}"
        )
    if overlaps:
        print(f"\n{overlaps} requests began while another was in the app: their times overlap")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--server", choices=sorted(SERVERS), default="plain")
    ap.add_argument(
        "--revocation",
        nargs="?",
        const="memory",
        choices=["memory", "sqlite"],
        help="add a route that checks revocation in a store (default: memory)",
    )
    ap.add_argument("--profile", metavar="FILE")
    ap.add_argument("--no-pin", action="store_true", help="do not pin server and wrk to CPUs")
    ap.add_argument(
        "--mixed",
        action="store_true",
        help="one wrk run per round cycling through every route request by request; the "
        "server times each request's ASGI call (CPU time) per route",
    )
    ap.add_argument(
        "--token-cache-size",
        type=int,
        metavar="N",
        help="AuthSettings.token_cache_size of the authcore routes (0: every request verifies "
        "its token; default: the settings' default)",
    )
    ap.add_argument("--serve", metavar="SECRET", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.revocation, args.server, args.mixed)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: scripts/setup.sh apt (Debian package wrk)")

    server_pin, wrk_pin = cpu_pins(not args.no_pin)
    pinned = bool(server_pin)
    secret = secrets.token_urlsafe(48)
    cmd = server_pin + [sys.executable, str(Path(__file__).resolve()), "--serve", secret]
    cmd += ["--server", args.server]
    if args.revocation:
        cmd += ["--revocation", args.revocation]
    if args.mixed:
        cmd.append("--mixed")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "py" / "python"))
    env.pop("AUTHCORE_STORE", None)
    env.pop("AUTHCORE_TOKEN_CACHE_SIZE", None)
    if args.token_cache_size is not None:
        env["AUTHCORE_TOKEN_CACHE_SIZE"] = str(args.token_cache_size)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"listening on (\S+) (.*)", line)
    if not m:
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    base = m.group(1)
    tokens = dict(kv.split("=", 1) for kv in m.group(2).split())
    token = tokens["authcore"]
    # (label, path, token); "noauth+header" is the no-auth route sent the same Authorization
    # header: what receiving the token costs the server (HTTP parsing) apart from checking it
    routes: list[tuple[str, str, Optional[str]]] = [
        ("noauth", "noauth/me", None),
        ("noauth+header", "noauth/me", token),
        ("floor", "floor/me", token),
        ("guide", "guide/me", token),
        ("authcore", "authcore/me", token),
        ("authcore/user", "authcore/user", token),
        ("authcore/scoped", "authcore/scoped", token),
        ("solver", "solver/me", token),
    ]
    if args.revocation:
        routes.append(("revocation", "revocation/me", tokens["revocation"]))
    if args.mixed:
        try:
            mixed(base, routes, args, wrk_pin)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        return
    results: dict[str, list[float]] = {name: [] for name, _, _ in routes}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in routes}  # server CPU µs/request
    try:
        for _, path, tok in routes:  # warm-up
            wrk(f"{base}/{path}", tok, 1, args.connections, wrk_pin)
        for i in range(args.rounds):
            print(f"… round {i + 1}/{args.rounds}", file=sys.stderr, flush=True)
            order = routes if i % 2 == 0 else routes[::-1]
            for name, path, tok in order:
                url = f"{base}/{path}"
                before = cpu_seconds(proc.pid)
                rps, served = wrk(url, tok, args.seconds, args.connections, wrk_pin)
                cpu[name].append((cpu_seconds(proc.pid) - before) / served * 1e6)
                results[name].append(rps)
        if args.profile:
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "--pid",
                    str(proc.pid),
                    "--format",
                    "raw",
                    "--output",
                    args.profile,
                    "--duration",
                    str(int(args.seconds * 2)),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(0.5)
            wrk(f"{base}/authcore/me", token, args.seconds * 2, args.connections, wrk_pin)
            spy.wait()
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    # Per round, each route against the no-auth route and the guide's route of the same round
    # (measured seconds apart), then the median over rounds: a busy moment shifts a whole round.
    med = {k: statistics.median(v) for k, v in results.items()}
    noauth, guide = results["noauth"], results["guide"]
    print(
        f"\none uvicorn worker ({' + '.join(SERVERS[args.server])})"
        f"{' on CPU 0, wrk on CPU 1' if pinned else ''}, wrk -t1 "
        f"-c{args.connections}, {args.seconds:g} s per route, {args.rounds} interleaved rounds; "
        "ratios and costs are per-round medians; same machine: read the ratios\n"
        "auth µs/req: from throughput (1/rps − 1/rps of noauth); CPU µs/req: the server's "
        "CPU time per request served, and its excess over noauth and over noauth+header (the "
        "check alone)\n"
    )
    head = (
        f"{'route':<18} {'req/s':>8} {'vs guide':>9} {'auth µs/req':>12} {'CPU µs/req':>11} "
        f"{'auth CPU µs':>12} {'check CPU µs':>13}   req/s by round"
    )
    print(head)
    print("-" * len(head))
    for name, runs in results.items():
        ratio = statistics.median(r / g for r, g in zip(runs, guide))
        cost = statistics.median((1 / r - 1 / f) * 1e6 for r, f in zip(runs, noauth))
        cpu_cost = statistics.median(c - f for c, f in zip(cpu[name], cpu["noauth"]))
        check_cost = statistics.median(c - f for c, f in zip(cpu[name], cpu["noauth+header"]))
        by_round = " ".join(f"{r:.0f}" for r in runs)
        print(
            f"{name:<18} {med[name]:>8.0f} {ratio:>8.2f}× {cost:>12.1f} "
            f"{statistics.median(cpu[name]):>11.1f} {cpu_cost:>12.1f} {check_cost:>13.1f}   "
            f"{by_round}"
        )


if __name__ == "__main__":
    main()
