"""Helpers shared by the FastAPI and example-app tests."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from authcore import PasswordHasher, jwt

if TYPE_CHECKING:
    from fastapi import FastAPI

    from examples.fastapi_app.db import UserDB

    Demo = tuple[FastAPI, UserDB]
    """The example app and its user database (the ``demo`` fixture)."""

DEMO_PASSWORD = "correct horse battery staple"


def make_hasher(m_cost: int = 19456, t_cost: int = 2, p_cost: int = 1) -> PasswordHasher:
    """A hasher with the given Argon2id parameters (the default is OWASP's)."""
    from authcore import Argon2Params

    return PasswordHasher(Argon2Params(m_cost, t_cost, p_cost))


def hash_params(phc: str | None) -> str:
    """``m=…,t=…,p=…`` of an Argon2 PHC string."""
    assert phc is not None
    return phc.split("$")[3]


def mint(secret: str | bytes, claims: dict[str, Any], kid: str | None = None) -> str:
    """Signs arbitrary claims with ``secret`` (for expired, wrong-type, foreign tokens)."""
    key = secret.encode() if isinstance(secret, str) else secret
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, key, algorithm="HS256", headers=headers)


def access_claims(sub: str = "1", **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "typ": "access",
        "sub": sub,
        "iat": now,
        "exp": now + 600,
        "jti": secrets.token_urlsafe(16),
        "roles": ["student"],
        "scope": "",
    }
    claims.update(extra)
    return claims


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    client: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD, scope: str = ""
) -> httpx.Response:
    data = {"username": username, "password": password}
    if scope:
        data["scope"] = scope
    return await client.post("/api/v1/auth/tokens", data=data)


async def token_for(client: httpx.AsyncClient, username: str, scope: str = "") -> str:
    r = await login(client, username, scope=scope)
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


ROOT = Path(__file__).resolve().parents[3]


def start_demo(env_extra: dict[str, str], tmp_path: Path) -> subprocess.Popen[str]:
    """``python -m examples.fastapi_app`` on an ephemeral loopback port (``PORT=0``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHCORE_", "DEMO_"))}
    env.update(PORT="0", AUTHCORE_DB=str(tmp_path / "demo.sqlite3"), PYTHONUNBUFFERED="1")
    env.update(env_extra)
    return subprocess.Popen(
        [sys.executable, "-m", "examples.fastapi_app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


class Output:
    """Collects a process's output in a thread; waits for a line matching a pattern."""

    def __init__(self, proc: Any) -> None:
        self.lines: list[str | None] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: Any) -> None:
        for line in proc.stdout:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self.lines.append(None)
            self._cond.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        rx = re.compile(pattern)
        with self._cond:
            while True:
                for line in self.lines:
                    if line is None:
                        raise AssertionError("process ended:\n" + self.text())
                    m = rx.search(line)
                    if m:
                        return m
                if not self._cond.wait(timeout):
                    raise AssertionError("timed out waiting for output:\n" + self.text())

    def text(self) -> str:
        return "".join(line for line in self.lines if line)
