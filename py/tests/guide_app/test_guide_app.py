"""The guide's four patterns (examples/guide_app) on authcore: login, get_current_user,
require_role and refresh behave as the guide means them, tokens cross with real python-jose,
and the users' bcrypt hashes keep working and become Argon2id at their first login."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import bcrypt
import httpx
import jose.jwt  # type: ignore[import-untyped]
import pytest
import pytest_asyncio

from examples.guide_app import app as guide
from examples.guide_app.security import SECRET_KEY, create_access_token

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "guide password " + secrets.token_hex(4)


@pytest.fixture(autouse=True)
def users() -> Iterator[guide.UserRepository]:
    repo = guide.user_repository
    repo.users.clear()
    for email, role in [
        ("admin@x.test", "admin"),
        ("teacher@x.test", "teacher"),
        ("student@x.test", "student"),
    ]:
        repo.add(email, role, bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode())
    yield repo
    repo.users.clear()


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=guide.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://guide.test") as c:
        yield c


async def token(c: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await c.post("/api/v1/auth/tokens", data={"username": email, "password": password})


def bearer(t: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {t}"}


@pytest.mark.asyncio
async def test_login_upgrades_bcrypt_to_argon2id(
    client: httpx.AsyncClient, users: guide.UserRepository
) -> None:
    admin = users.users[1]
    before = admin.password_hash
    assert before.startswith("$2b$")
    assert (await token(client, "admin@x.test", "wrong")).status_code == 401
    assert (await token(client, "nobody@x.test")).status_code == 401
    assert admin.password_hash == before  # a failed login changes nothing
    r = await token(client, "admin@x.test")
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    after = admin.password_hash
    assert after.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert (await token(client, "admin@x.test")).status_code == 200
    assert admin.password_hash == after  # Argon2id hashes stay put


@pytest.mark.asyncio
async def test_current_user_and_roles(client: httpx.AsyncClient) -> None:
    tokens = {}
    for who in ("admin", "teacher", "student"):
        r = await token(client, f"{who}@x.test")
        tokens[who] = r.json()["access_token"]
    me = await client.get("/api/v1/me", headers=bearer(tokens["teacher"]))
    assert me.json() == {"id": 2, "email": "teacher@x.test", "role": "teacher"}
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (
        await client.get("/api/v1/me", headers=bearer(tokens["teacher"] + "x"))
    ).status_code == 401
    expected = {
        ("admin", "/api/v1/admin/users"): 200,
        ("teacher", "/api/v1/admin/users"): 403,
        ("student", "/api/v1/admin/users"): 403,
        ("admin", "/api/v1/grades"): 200,
        ("teacher", "/api/v1/grades"): 200,
        ("student", "/api/v1/grades"): 403,
    }
    for (who, path), code in expected.items():
        r = await client.get(path, headers=bearer(tokens[who]))
        assert r.status_code == code, (who, path, r.text)
    r = await client.get("/api/v1/grades", headers=bearer(tokens["student"]))
    assert r.json()["detail"] == "Role 'student' not authorized for this resource"


@pytest.mark.asyncio
async def test_refresh(client: httpx.AsyncClient) -> None:
    refresh = guide.create_refresh_token(3)
    r = await client.post("/api/v1/auth/refresh", params={"refresh_token": refresh})
    assert r.status_code == 200, r.text
    access = r.json()["access_token"]
    assert (await client.get("/api/v1/me", headers=bearer(access))).json()["id"] == 3
    # An access token is not a refresh token; garbage is refused.
    login = (await token(client, "student@x.test")).json()["access_token"]
    for bad in (login, refresh + "x", "not.a.token"):
        r = await client.post("/api/v1/auth/refresh", params={"refresh_token": bad})
        assert r.status_code == 401


@pytest.mark.asyncio
async def test_tokens_cross_with_python_jose(client: httpx.AsyncClient) -> None:
    ours = (await token(client, "admin@x.test")).json()["access_token"]
    claims = jose.jwt.decode(ours, SECRET_KEY, algorithms=["HS256"])
    assert claims["sub"] == "1" and claims["role"] == "admin"
    theirs = jose.jwt.encode(
        {"sub": "1", "exp": int(time.time()) + 60}, SECRET_KEY, algorithm="HS256"
    )
    assert (await client.get("/api/v1/me", headers=bearer(theirs))).status_code == 200
    expired = create_access_token({"sub": "1"}, expires_delta=timedelta(seconds=-120))
    assert (await client.get("/api/v1/me", headers=bearer(expired))).status_code == 401
    other = jose.jwt.encode({"sub": "1", "exp": int(time.time()) + 60}, "x" * 48, algorithm="HS256")
    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 401


def test_guide_app_under_uvicorn() -> None:
    env = dict(os.environ, PORT="0", GUIDE_PASSWORD=PASSWORD, PYTHONUNBUFFERED="1")
    env["SECRET_KEY"] = secrets.token_urlsafe(48)
    proc = subprocess.Popen(
        [sys.executable, "-m", "examples.guide_app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert m, line
        with httpx.Client(base_url=m.group(1), timeout=30) as c:
            r = c.post(
                "/api/v1/auth/tokens",
                data={"username": "teacher@example.com", "password": PASSWORD},
            )
            assert r.status_code == 200, r.text
            auth = bearer(r.json()["access_token"])
            assert c.get("/api/v1/me", headers=auth).json()["role"] == "teacher"
            assert c.get("/api/v1/grades", headers=auth).status_code == 200
            assert c.get("/api/v1/admin/users", headers=auth).status_code == 403
            # The bcrypt hash became Argon2id: the next login still works.
            r = c.post(
                "/api/v1/auth/tokens",
                data={"username": "teacher@example.com", "password": PASSWORD},
            )
            assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
