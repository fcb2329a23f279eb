"""Store hardening against real servers: a Redis paused with SIGSTOP, a Redis with an evicting
memory policy, an SQLite file whose write lock another process holds; the grace window and
logout everywhere in every store."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from store_helpers import ROOT, RedisServer, unique_prefix

if str(ROOT) not in sys.path:  # the example app lives in examples/fastapi_app
    sys.path.insert(0, str(ROOT))

from authcore import Argon2Params, PasswordHasher
from authcore.fastapi import AuthCore, AuthSettings, ConfigError
from authcore.stores import RedisStore, SessionPolicy, SessionStore, SQLiteStore
from fastapi import FastAPI

pytestmark = pytest.mark.asyncio

PASSWORD = "correct horse battery staple"
POLICY = SessionPolicy(900, 86400, 0, 10)
T = 1_800_000_000


def ids() -> tuple[str, str]:
    return secrets.token_hex(16), secrets.token_hex(16)


# ---- the grace window, in every store ------------------------------------------------------


async def test_a_token_presented_again_within_the_grace_window_is_not_reuse(
    store: SessionStore,
) -> None:
    jti, fam = ids()
    exp = T + 3600
    assert await store.use_refresh(jti, fam, exp, POLICY, now=T) == "ok"
    assert await store.use_refresh(jti, fam, exp, POLICY, now=T + 3) == "repeat"
    assert await store.use_refresh(jti, fam, exp, POLICY, now=T + 9) == "repeat"
    if isinstance(store, RedisStore):
        return  # Redis expires by its own clock; the window's end is checked below in time
    assert await store.use_refresh(jti, fam, exp, POLICY, now=T + 10) == "reused"
    assert await store.use_refresh(jti, fam, exp, POLICY, now=T + 11) == "revoked"


async def test_without_a_grace_window_a_second_use_is_reuse(store: SessionStore) -> None:
    jti, fam = ids()
    no_grace = SessionPolicy(900, 86400, 0, 0)
    assert await store.use_refresh(jti, fam, T + 3600, no_grace, now=T) == "ok"
    assert await store.use_refresh(jti, fam, T + 3600, no_grace, now=T + 1) == "reused"


# ---- logout everywhere and the session list, in every store --------------------------------


async def test_revoke_user_revokes_every_family_of_the_subject(store: SessionStore) -> None:
    now = int(time.time())
    until = now + 3600
    (_, a), (_, b), (_, other) = ids(), ids(), ids()
    await store.add_family("alice", a, until, now - 5, "phone")
    await store.add_family("alice", b, until, now, "laptop")
    await store.add_family("bob", other, until, now, "")
    await store.touch_family(a, now + 1)
    listed = await store.list_families("alice")
    assert [(r["id"], r["user_agent"]) for r in listed] == [(b, "laptop"), (a, "phone")]
    assert listed[1]["last_used"] == now + 1 and listed[1]["created"] == now - 5
    assert await store.revoke_user("alice", until) == 2
    assert await store.is_family_revoked(a) and await store.is_family_revoked(b)
    assert not await store.is_family_revoked(other)
    assert await store.list_families("alice") == []
    assert await store.revoke_user("alice", until) == 0
    jti = secrets.token_hex(16)
    assert await store.use_refresh(jti, a, now + 3600, POLICY) == "revoked"


# ---- Redis paused past its timeout -----------------------------------------------------------


def demo_over(store: RedisStore, tmp_path: Path) -> FastAPI:
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    hasher = PasswordHasher(Argon2Params(1024, 1, 1))
    db = tmp_path / "users.sqlite3"
    seed(UserDB(db), PASSWORD, hasher, force=True)
    return create_app(AuthSettings(secret=secrets.token_urlsafe(48)), db, hasher, store=store)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis", appendfsync="everysec").start()
    try:
        yield server
    finally:
        os.kill(int((server.dir / "redis.pid").read_text()), signal.SIGCONT)
        server.stop()


async def refresh_through_a_stall(
    server: RedisServer, tmp_path: Path, grace: int
) -> list[tuple[int, str, str | None]]:
    """Logs in, pauses Redis (SIGSTOP) past the store's timeout during a refresh, resumes it,
    retries the refresh with the same token; returns the statuses and codes seen."""
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    hasher = PasswordHasher(Argon2Params(1024, 1, 1))
    db = tmp_path / f"users-{grace}.sqlite3"
    seed(UserDB(db), PASSWORD, hasher, force=True)
    store = RedisStore(server.url, prefix=unique_prefix(), timeout=0.3)
    settings = AuthSettings(secret=secrets.token_urlsafe(48), refresh_grace=grace)
    app = create_app(settings, db, hasher, store=store)
    pid = int((server.dir / "redis.pid").read_text())
    transport = httpx.ASGITransport(app=app)
    seen: list[tuple[int, str, str | None]] = []
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as c:
            r = await c.post(
                "/api/v1/auth/tokens",
                data={"username": "student@example.com", "password": PASSWORD},
            )
            token = r.json()["refresh_token"]
            os.kill(pid, signal.SIGSTOP)
            try:
                r = await c.post("/api/v1/auth/refresh", json={"refresh_token": token})
                seen.append((r.status_code, r.json()["code"], r.headers.get("Retry-After")))
            finally:
                os.kill(pid, signal.SIGCONT)
            await asyncio.sleep(1)  # Retry-After: 1; the stalled script has run meanwhile
            r = await c.post("/api/v1/auth/refresh", json={"refresh_token": token})
            seen.append((r.status_code, r.json().get("code", ""), None))
            if r.status_code == 200:
                r = await c.post(
                    "/api/v1/auth/refresh", json={"refresh_token": r.json()["refresh_token"]}
                )
                seen.append((r.status_code, r.json().get("code", ""), None))
    finally:
        await store.close()
    return seen


async def test_a_redis_stall_past_the_timeout_does_not_log_the_user_out(
    redis: RedisServer, tmp_path: Path
) -> None:
    """Was: the refresh answered 503, the stalled script ran later anyway, the client's retry
    got token_reused and the whole session was revoked."""
    seen = await refresh_through_a_stall(redis, tmp_path, grace=10)
    assert seen == [(503, "store_unavailable", "1"), (200, "", None), (200, "", None)]
    # Without the grace window, the retry is taken for a stolen token: the failure fixed above.
    seen = await refresh_through_a_stall(redis, tmp_path, grace=0)
    assert seen[0][:2] == (503, "store_unavailable") and seen[1][:2] == (401, "token_reused")


async def test_every_redis_operation_has_its_deadline_also_on_the_apps_own_client(
    redis: RedisServer,
) -> None:
    """``timeout`` bounds each operation itself (one deadline, not one per socket call): with
    a client of the app's own, whose timeouts are longer, a stalled Redis fails it in time; the
    connection whose answer was still owed is not reused for the next command."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis.url)  # redis-py's own: 5 s per socket call
    store = RedisStore(client=client, prefix=unique_prefix(), timeout=0.3)
    jti, fam = ids()
    await store.revoke_family(fam, int(time.time()) + 600)
    pid = int((redis.dir / "redis.pid").read_text())
    os.kill(pid, signal.SIGSTOP)
    try:
        for call in (
            lambda: store.is_access_revoked(jti, fam),
            lambda: store.use_refresh(jti, fam, int(time.time()) + 600, POLICY),
            store.ping,
        ):
            # without the store's deadline the call waits for the client's own timeout, if it
            # has one (not cancelled here: a cancellation would end it with an error of its own)
            task = asyncio.ensure_future(call())
            done, _ = await asyncio.wait({task}, timeout=3)
            if not done:
                task.cancel()
            assert done, "the operation outlived its deadline"
            error = task.exception()
            assert getattr(error, "code", None) == "store_unavailable", error
    finally:
        os.kill(pid, signal.SIGCONT)
    # answers again, each to its own command (the stalled ones' late answers are not read)
    assert await store.is_access_revoked(jti, fam) is True
    assert await store.is_access_revoked(*ids()) is False
    await store.close()
    await client.aclose()
    with pytest.raises(ValueError):
        RedisStore(redis.url, timeout=0)


async def test_the_grace_window_ends_on_the_redis_clock(redis: RedisServer) -> None:
    store = RedisStore(redis.url, prefix=unique_prefix())
    try:
        jti, fam = ids()
        short = SessionPolicy(900, 86400, 0, 1)
        now = int(time.time())
        assert await store.use_refresh(jti, fam, now + 3600, short, now=now) == "ok"
        await asyncio.sleep(now + 1.2 - time.time())
        assert await store.use_refresh(jti, fam, now + 3600, short) == "reused"
    finally:
        await store.close()


# ---- Redis with an evicting memory policy ------------------------------------------------


async def test_an_evicting_redis_is_refused_at_start_up(redis: RedisServer, tmp_path: Path) -> None:
    """Was: under volatile-lru the used/revoked records were evicted and a spent refresh token
    rotated again; nothing checked the policy."""
    import redis.asyncio as aioredis

    admin = aioredis.Redis.from_url(redis.url)
    await admin.config_set("maxmemory-policy", "volatile-lru")
    try:
        store = RedisStore(redis.url, prefix=unique_prefix())
        app = demo_over(store, tmp_path)
        with pytest.raises(ConfigError, match="maxmemory-policy"):
            async with app.router.lifespan_context(app):
                pass
        lenient = RedisStore(redis.url, allow_eviction=True)
        await lenient.check_config()  # logs an error, does not refuse
        await lenient.close()
        await admin.config_set("maxmemory-policy", "noeviction")
        async with app.router.lifespan_context(app):
            pass
        await store.close()
    finally:
        await admin.aclose()


# ---- SQLite write lock held elsewhere --------------------------------------------------------


async def test_sqlite_operations_fail_at_their_deadline_and_readiness_says_so(
    tmp_path: Path,
) -> None:
    """Was: requests queued behind a write lock the store could not get, failing at 5 s,
    10 s, 15 s… while /healthz answered 200."""
    path = tmp_path / "sessions.db"
    store = SQLiteStore(str(path), timeout=0.5)
    await store.ping()
    auth = AuthCore(AuthSettings(secret=secrets.token_urlsafe(48)), store=store, on_event=None)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert not await auth.ready()
        started = time.monotonic()
        results = await asyncio.gather(
            *(store.revoke_family(secrets.token_hex(16), T) for _ in range(6)),
            return_exceptions=True,
        )
        elapsed = time.monotonic() - started
        assert all(getattr(r, "code", None) == "store_unavailable" for r in results), results
        # Six operations of a 0.5 s deadline, one worker: all fail at about the deadline, not
        # queued one after another (which took 3 s and more).
        assert elapsed < 2.0, elapsed
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert await auth.ready()
    await store.revoke_family(secrets.token_hex(16), T)
    await store.close()
