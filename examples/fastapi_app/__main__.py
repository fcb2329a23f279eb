"""Starts the demo: ``python -m examples.fastapi_app`` from the repository root.

Environment: ``PORT`` (default 8000; 0 picks a free port), ``LOG_LEVEL`` (uvicorn's, default
``info``), ``AUTHCORE_DB`` (SQLite file,
default ``./authcore-demo.sqlite3``, created on first start), ``DEMO_PASSWORD`` (password of
the demo accounts; generated and printed when unset) and the ``AUTHCORE_*`` settings
(``AUTHCORE_SIGNING_KEY``, an Ed25519 private key whose public key is served at
``/.well-known/jwks.json``; ``AUTHCORE_SECRET`` for HS256; or ``AUTHCORE_DEV=1`` for a throwaway
Ed25519 key). Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shlex
import sys
from collections.abc import Callable

import uvicorn
from authcore import PasswordHasher
from authcore.fastapi import AuthSettings, ConfigError

from .app import DEFAULT_DB, DEMO_USERS, create_app, seed
from .db import UserDB

HOST = "127.0.0.1"


def _banner(port: int, password: str, db_path: str, changed: list[str], alg: str = "HS256") -> str:
    base = f"http://{HOST}:{port}"
    keys = (
        f"\n  tokens are EdDSA-signed; public keys (JWKS): {base}/.well-known/jwks.json\n"
        if alg == "EdDSA"
        else ""
    )
    pw = shlex.quote(f"password={password}")
    legacy_note = "(bcrypt hash: upgraded to argon2id at first login)"
    users = "\n".join(
        f"    {email:<22} {', '.join(roles):<8} {legacy_note if legacy else ''}".rstrip()
        for email, roles, _, legacy in DEMO_USERS
    )
    note = (
        "password (re)set for: " + ", ".join(changed)
        if changed
        else "demo accounts unchanged (DEMO_PASSWORD already matches)"
    )
    return f"""
authcore demo listening on {base}   (SQLite: {db_path}; {note})

  API docs (use the Authorize button): {base}/docs
{keys}  demo users, password {shlex.quote(password)}:
{users}

  log in and call /api/v1/me:
    TOKEN=$(curl -s {base}/api/v1/auth/tokens \\
        --data-urlencode username=teacher@example.com --data-urlencode {pw} \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    curl -s {base}/api/v1/me -H "Authorization: Bearer $TOKEN"
""".rstrip()


async def _serve(server: uvicorn.Server, on_started: Callable[[int], None]) -> None:
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            break
        await asyncio.sleep(0.05)
    if server.started:
        sock = server.servers[0].sockets[0]
        on_started(sock.getsockname()[1])
    await task


def main() -> int:
    try:
        settings = AuthSettings.from_env()
    except ConfigError as exc:
        print(f"authcore demo: {exc}", file=sys.stderr)
        return 2
    try:
        port = int(os.environ.get("PORT") or "8000")
        if not 0 <= port <= 65535:
            raise ValueError
    except ValueError:
        print("authcore demo: PORT must be a port number", file=sys.stderr)
        return 2
    db_path = os.environ.get("AUTHCORE_DB") or DEFAULT_DB
    password = os.environ.get("DEMO_PASSWORD") or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)

    hasher = PasswordHasher()
    changed = seed(UserDB(db_path), password, hasher, force=generated)
    app = create_app(settings, db_path, hasher)
    log_level = os.environ.get("LOG_LEVEL", "info").lower()
    # No proxy headers: the app's own trusted-proxy rule (AUTHCORE_TRUSTED_PROXIES) decides
    # which X-Forwarded-For to believe; uvicorn would believe any from 127.0.0.1.
    config = uvicorn.Config(
        app,
        host=HOST,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
    )
    server = uvicorn.Server(config)

    def started(bound: int) -> None:
        print(_banner(bound, password, db_path, changed, settings.algorithm), flush=True)

    asyncio.run(_serve(server, started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
