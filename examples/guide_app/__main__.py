"""Runs the guide app: ``SECRET_KEY=… GUIDE_PASSWORD=… python -m examples.guide_app``.

Seeds three users (admin, teacher, student) whose stored hashes are bcrypt, as a passlib
service has them; ``PORT`` (default 8000; 0 picks a free port). Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import os
import sys

import uvicorn

HOST = "127.0.0.1"


async def _serve(server: uvicorn.Server) -> None:
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():
        await asyncio.sleep(0.05)
    if server.started:
        port = server.servers[0].sockets[0].getsockname()[1]
        print(f"guide app listening on http://{HOST}:{port}", flush=True)
    await task


def main() -> int:
    if len(os.environ.get("SECRET_KEY", "").encode()) < 32 or not os.environ.get("GUIDE_PASSWORD"):
        print("guide app: set SECRET_KEY (>= 32 bytes) and GUIDE_PASSWORD", file=sys.stderr)
        return 2
    from .app import app, bcrypt_hash, user_repository

    password = os.environ["GUIDE_PASSWORD"]
    for email, role in [
        ("admin@example.com", "admin"),
        ("teacher@example.com", "teacher"),
        ("student@example.com", "student"),
    ]:
        user_repository.add(email, role, bcrypt_hash(password))
    port = int(os.environ.get("PORT") or "8000")
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning")
    asyncio.run(_serve(uvicorn.Server(config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
