"""Sessions over HTTP: the example app with a real SQLite file or a real redis-server.

In-process (httpx over ASGI) for the flows, and real uvicorn processes for what needs them:
two instances sharing one Redis, Redis dying under a running app, an app restart.
"""

from __future__ import annotations

import contextlib
import secrets
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import cast

import httpx
import pytest
import pytest_asyncio
from store_helpers import ROOT, AppInstance, RedisServer, unique_prefix

if str(ROOT) not in sys.path:  # the example app lives in examples/fastapi_app
    sys.path.insert(0, str(ROOT))

from authcore import Argon2Params, PasswordHasher
from authcore.fastapi import AuthSettings
from authcore.stores import RedisStore, Sessions

pytestmark = pytest.mark.asyncio


class SessionsClient(httpx.AsyncClient):
    """A client of the in-process app, with the app's :class:`Sessions` at hand."""

    sessions: Sessions


StartInstances = Callable[..., list[AppInstance]]

PASSWORD = "correct horse battery staple"
TOKENS, REFRESH, LOGOUT = "/api/v1/auth/tokens", "/api/v1/auth/refresh", "/api/v1/auth/logout"


async def login(c: httpx.AsyncClient, user: str, password: str = PASSWORD) -> httpx.Response:
    return await c.post(TOKENS, data={"username": user, "password": password})


async def refresh(c: httpx.AsyncClient, token: str) -> httpx.Response:
    return await c.post(REFRESH, json={"refresh_token": token})


def code(r: httpx.Response) -> str:
    value: str = r.json().get("code", "")
    return value


@contextlib.asynccontextmanager
async def serve(store_url: str, tmp_path: Path) -> AsyncIterator[SessionsClient]:
    """The example app in-process over ``store_url`` (an empty one); the user limit is 3/min."""
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    hasher = PasswordHasher(Argon2Params(1024, 1, 1))  # cheap: these tests are not about hashing
    db = tmp_path / "users.sqlite3"
    seed(UserDB(db), PASSWORD, hasher, force=True)
    # No grace window here: these tests present a spent token again at once and expect reuse.
    settings = AuthSettings(
        secret=secrets.token_urlsafe(48),
        store_url=store_url,
        login_rate_user="3/min",
        refresh_grace=0,
    )
    app = create_app(settings, db, hasher)
    sessions = app.state.authcore.sessions
    if store_url.startswith("redis"):
        await cast(RedisStore, sessions.store).client.flushdb()
    transport = httpx.ASGITransport(app=app)
    try:
        async with SessionsClient(transport=transport, base_url="http://demo.test") as c:
            c.sessions = sessions
            yield c
    finally:
        await sessions.close()


def redis_db_url(redis_url: str) -> str:
    """A logical database of the shared server other than 0, emptied by :func:`serve`."""
    return f"{redis_url.rsplit('/', 1)[0]}/{1 + secrets.randbelow(15)}"


@pytest_asyncio.fixture(params=["sqlite", "redis"])
async def app_client(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[SessionsClient]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/sessions.db"
    else:
        url = redis_db_url(request.getfixturevalue("redis_url"))
    async with serve(url, tmp_path) as c:
        yield c


async def test_refresh_rotates_and_reuse_revokes_the_family(app_client: SessionsClient) -> None:
    c = app_client
    r = await login(c, "student@example.com")
    assert r.status_code == 200
    r1 = r.json()["refresh_token"]
    access1 = r.json()["access_token"]

    r = await refresh(c, r1)
    assert r.status_code == 200
    r2 = r.json()["refresh_token"]
    assert r2 != r1

    # r1 again: stolen → 401 token_reused, and the family is gone ...
    r = await refresh(c, r1)
    assert (r.status_code, code(r)) == (401, "token_reused")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    # ... including the newest token, which was never used.
    r = await refresh(c, r2)
    assert (r.status_code, code(r)) == (401, "token_revoked")
    # Another login is a new family and works.
    r = await login(c, "student@example.com")
    assert (await refresh(c, r.json()["refresh_token"])).status_code == 200
    # Issue 15, fix 3: the thief's access token of the revoked family stops at once (the app
    # checks access tokens against the store by default).
    me = await c.get("/api/v1/me", headers={"Authorization": f"Bearer {access1}"})
    assert (me.status_code, code(me)) == (401, "token_revoked")


async def test_logout_revokes_the_family(app_client: SessionsClient) -> None:
    c = app_client
    tokens = (await login(c, "teacher@example.com")).json()
    r = await refresh(c, tokens["refresh_token"])
    newest = r.json()["refresh_token"]
    assert (await c.post(LOGOUT, json={"refresh_token": newest})).status_code == 204
    r = await refresh(c, newest)
    assert (r.status_code, code(r)) == (401, "token_revoked")
    # Logging out twice is harmless.
    assert (await c.post(LOGOUT, json={"refresh_token": newest})).status_code == 204


async def test_failed_logins_are_limited_with_retry_after(app_client: SessionsClient) -> None:
    c = app_client
    for _ in range(3):
        r = await login(c, "admin@example.com", "wrong password")
        assert r.status_code == 401
    r = await login(c, "admin@example.com", "wrong password")
    assert (r.status_code, code(r)) == (429, "rate_limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    # Even the right password waits: the limit is checked before the password.
    assert (await login(c, "admin@example.com")).status_code == 429
    # Other users are not affected.
    assert (await login(c, "teacher@example.com")).status_code == 200


async def test_a_successful_login_resets_the_user_limit(app_client: SessionsClient) -> None:
    c = app_client
    for _ in range(2):
        assert (await login(c, "admin@example.com", "typo")).status_code == 401
    assert (await login(c, "admin@example.com")).status_code == 200
    for _ in range(3):
        assert (await login(c, "admin@example.com", "typo")).status_code == 401
    assert (await login(c, "admin@example.com", "typo")).status_code == 429


async def test_every_redis_key_the_app_writes_expires(redis_url: str, tmp_path: Path) -> None:
    async with serve(redis_db_url(redis_url), tmp_path) as c:
        tokens = (await login(c, "student@example.com")).json()
        await refresh(c, tokens["refresh_token"])
        await refresh(c, tokens["refresh_token"])  # reuse → revoked family
        await login(c, "admin@example.com", "wrong")
        client = cast(RedisStore, c.sessions.store).client
        keys = [k async for k in client.scan_iter("*")]
        # used jti, revoked family, student's session listing (the family's info and her list),
        # the client's bucket, student's and admin's account buckets and admin's (account,
        # client) bucket (student's success deleted hers)
        assert len(keys) == 8
        now = time.time()
        for key in keys:
            expires = await client.expiretime(key)
            assert now < expires <= now + c.sessions.policy.family_until(0) + 5, key


# ---- real processes -----------------------------------------------------------------------


def instance_env(tmp_path: Path, store_url: str, **extra: str) -> dict[str, str]:
    return {
        "AUTHCORE_SECRET": SECRET,
        "AUTHCORE_STORE": store_url,
        "AUTHCORE_DB": str(tmp_path / "users.sqlite3"),
        "DEMO_PASSWORD": PASSWORD,
        "AUTHCORE_REFRESH_GRACE": "0",  # a spent token presented again is reuse at once
        **extra,
    }


SECRET = secrets.token_urlsafe(48)


@pytest.fixture
def instances() -> Iterator[StartInstances]:
    started: list[AppInstance] = []

    def start(*envs: dict[str, str]) -> list[AppInstance]:
        """Starts one instance per ``env``, all at once."""
        apps = [AppInstance(env).spawn() for env in envs]
        started.extend(apps)
        return [app.wait_ready() for app in apps]

    yield start
    for app in started:
        app.stop()


async def test_two_instances_share_reuse_detection_and_login_limits(
    redis_url: str, tmp_path: Path, instances: StartInstances
) -> None:
    url = f"{redis_url.rsplit('/', 1)[0]}/0"
    prefix_db = unique_prefix()  # a distinct username keeps this test's limit its own
    user = "student@example.com"
    env = instance_env(tmp_path, url, AUTHCORE_LOGIN_RATE_USER="3/min")
    a, b = instances(env, env)
    async with httpx.AsyncClient(base_url=a.url) as ca, httpx.AsyncClient(base_url=b.url) as cb:
        tokens = (await login(ca, user)).json()
        assert (await refresh(ca, tokens["refresh_token"])).status_code == 200  # used on A
        r = await refresh(cb, tokens["refresh_token"])  # replayed on B
        assert (r.status_code, code(r)) == (401, "token_reused")

        # Three failures spread over both instances exhaust one shared budget.
        victim = f"{prefix_db}@example.com"
        for c in (ca, cb, ca):
            assert (await login(c, victim, "wrong")).status_code == 401
        for c in (cb, ca):
            r = await login(c, victim, "wrong")
            assert (r.status_code, code(r)) == (429, "rate_limited")


async def test_redis_outage_fails_closed_and_nothing_recorded_is_lost(
    private_redis: RedisServer, tmp_path: Path, instances: StartInstances
) -> None:
    env = instance_env(tmp_path, private_redis.url, AUTHCORE_LOGIN_RATE_USER="2/min")
    (app,) = instances(env)
    async with httpx.AsyncClient(base_url=app.url) as c:
        tokens = (await login(c, "teacher@example.com")).json()
        used = tokens["refresh_token"]
        fresh = (await refresh(c, used)).json()["refresh_token"]  # `used` is now spent
        gone = (await login(c, "student@example.com")).json()["refresh_token"]
        assert (await c.post(LOGOUT, json={"refresh_token": gone})).status_code == 204
        for _ in range(2):
            await login(c, "admin@example.com", "wrong")
        assert (await login(c, "admin@example.com", "wrong")).status_code == 429

        private_redis.kill()
        for r in (
            await refresh(c, fresh),
            await login(c, "teacher@example.com"),
            await c.post(LOGOUT, json={"refresh_token": fresh}),
        ):
            assert (r.status_code, code(r)) == (503, "store_unavailable")
            assert r.headers.get("Retry-After")
        # The app is alive, says it is not ready, and fails closed where an access token's
        # revocation cannot be checked.
        assert (await c.get("/healthz")).status_code == 200
        assert (await c.get("/readyz")).status_code == 503
        me = await c.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert (me.status_code, code(me)) == (503, "store_unavailable")
        assert app.alive()

        private_redis.start()  # same port, same append-only file
        assert (await c.get("/readyz")).status_code == 200
        r = await refresh(c, gone)
        assert (r.status_code, code(r)) == (401, "token_revoked")  # the logout held
        assert (await login(c, "admin@example.com")).status_code == 429  # so did the limit
        r = await refresh(c, fresh)  # never used: rotates normally now
        assert r.status_code == 200
        r = await refresh(c, used)  # spent before the outage: still detected
        assert (r.status_code, code(r)) == (401, "token_reused")


async def test_sqlite_sessions_survive_an_app_restart(
    tmp_path: Path, instances: StartInstances
) -> None:
    env = instance_env(tmp_path, f"sqlite:///{tmp_path}/sessions.db")
    (first,) = instances(env)
    async with httpx.AsyncClient(base_url=first.url) as c:
        tokens = (await login(c, "teacher@example.com")).json()
        used = tokens["refresh_token"]
        fresh = (await refresh(c, used)).json()["refresh_token"]
        gone = (await login(c, "student@example.com")).json()["refresh_token"]
        assert (await c.post(LOGOUT, json={"refresh_token": gone})).status_code == 204
    first.stop()

    (second,) = instances(env)
    async with httpx.AsyncClient(base_url=second.url) as c:
        r = await refresh(c, used)
        assert (r.status_code, code(r)) == (401, "token_reused")
        r = await refresh(c, gone)
        assert (r.status_code, code(r)) == (401, "token_revoked")
        # `used` was replayed, so its whole family, `fresh` included, is revoked now.
        r = await refresh(c, fresh)
        assert (r.status_code, code(r)) == (401, "token_revoked")
