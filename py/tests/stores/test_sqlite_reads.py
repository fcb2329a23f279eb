"""SQLite reads on the event loop's thread (``inline_reads``): the per-request revocation check
answers without the round trip to the store's worker thread, sees every commit at once (this
process's and another's), and any trouble on that path hands the read to the worker, which
decides as before (deadline, fail closed)."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path

import pytest
from authcore.stores import SQLiteStore
from store_helpers import hex_id

pytestmark = pytest.mark.asyncio

T = 1_800_000_000


def block_worker(store: SQLiteStore) -> tuple[threading.Event, Future[None]]:
    """Occupies the store's one worker thread until the returned event is set."""
    gate = threading.Event()
    started = threading.Event()

    def hold() -> None:
        started.set()
        gate.wait(30)

    executor = store._executor  # the worker is what this test takes away
    assert executor is not None
    held = executor.submit(hold)
    assert started.wait(10)
    return gate, held


async def test_the_revocation_check_answers_while_the_worker_thread_is_busy(db_file: str) -> None:
    store = SQLiteStore(db_file)
    revoked_fam, denied_jti = hex_id(), hex_id()
    await store.revoke_family(revoked_fam, T)
    await store.deny_access_jti(denied_jti, T)
    # records that have ended mean nothing
    past = int(time.time()) - 1
    ended_fam, ended_jti = hex_id(), hex_id()
    await store.revoke_family(ended_fam, past)
    await store.deny_access_jti(ended_jti, past)
    assert not await store.is_access_revoked(hex_id(), hex_id())  # sets up the read connection
    gate, held = block_worker(store)
    try:
        # each of these would wait for the worker (and time out here) without inline reads
        checks: list[tuple[Callable[[], Awaitable[bool]], bool]] = [
            (lambda: store.is_access_revoked(hex_id(), revoked_fam), True),
            (lambda: store.is_access_revoked(denied_jti, hex_id()), True),
            (lambda: store.is_access_revoked(denied_jti, None), True),
            (lambda: store.is_access_revoked(hex_id(), hex_id()), False),
            (lambda: store.is_access_revoked(hex_id(), None), False),
            (lambda: store.is_access_revoked(ended_jti, ended_fam), False),
            (lambda: store.is_access_revoked(ended_jti, revoked_fam), True),
            (lambda: store.is_access_revoked(denied_jti, ended_fam), True),
            (lambda: store.is_family_revoked(revoked_fam), True),
            (lambda: store.is_family_revoked(hex_id()), False),
            (lambda: store.is_access_jti_denied(denied_jti), True),
            (lambda: store.is_access_jti_denied(hex_id()), False),
        ]
        for call, expected in checks:
            answer = await asyncio.wait_for(call(), 5)
            assert answer is expected
        assert not held.done()
    finally:
        gate.set()
    held.result(10)
    await store.close()


async def test_without_inline_reads_the_check_waits_for_the_worker(db_file: str) -> None:
    store = SQLiteStore(db_file, inline_reads=False)
    fam = hex_id()
    await store.revoke_family(fam, T)
    assert await store.is_access_revoked(hex_id(), fam)
    gate, held = block_worker(store)
    check = asyncio.ensure_future(store.is_access_revoked(hex_id(), fam))
    for _ in range(20):
        await asyncio.sleep(0.01)
        assert not check.done()
    gate.set()
    assert await asyncio.wait_for(check, 10) is True
    held.result(10)
    await store.close()


async def test_a_revocation_by_another_store_on_the_file_is_seen_by_the_next_read(
    db_file: str,
) -> None:
    """Two workers of one app, each with its store on one file: what one commits, the other's
    next read sees (no read transaction left open on the inline connection)."""
    a, b = SQLiteStore(db_file), SQLiteStore(db_file)
    sub = "student"
    try:
        for i in range(25):
            fam, jti = hex_id(), hex_id()
            await b.add_family(sub, fam, T, T - 100 + i, "ua")
            assert not await a.is_access_revoked(jti, fam)
            listed = {f["id"] for f in await a.list_families(sub, now=T - 1)}
            assert fam in listed
            if i % 2:
                await b.revoke_family(fam, T)
            else:
                await b.deny_access_jti(jti, T)
            assert await a.is_access_revoked(jti, fam)
            assert (fam in {f["id"] for f in await a.list_families(sub, now=T - 1)}) is not bool(
                i % 2
            )
        assert a._reader is not None  # the reads above did run inline
    finally:
        await a.close()
        await b.close()


async def test_a_broken_read_connection_hands_the_read_to_the_worker(db_file: str) -> None:
    store = SQLiteStore(db_file)
    fam = hex_id()
    await store.revoke_family(fam, T)
    assert await store.is_access_revoked(hex_id(), fam)
    reader = store._reader
    assert reader is not None
    reader.close()  # any sqlite3.Error on the inline path
    assert await store.is_access_revoked(hex_id(), fam)
    assert not await store.is_access_revoked(hex_id(), hex_id())
    # the next read opens a new inline connection
    assert await store.is_family_revoked(fam)
    assert store._reader is not None and store._reader is not reader
    await store.close()


async def test_a_fresh_file_is_neither_created_nor_read_before_the_worker_sets_it_up(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.db"
    store = SQLiteStore(str(path))
    # the first read of a store that never wrote: the worker creates the schema, then answers
    assert not await store.is_access_revoked(hex_id(), hex_id())
    assert path.exists()
    await store.close()


async def test_reads_after_close_fail_closed(db_file: str) -> None:
    store = SQLiteStore(db_file)
    fam = hex_id()
    await store.revoke_family(fam, T)
    assert await store.is_access_revoked(hex_id(), fam)
    await store.close()
    with pytest.raises(Exception) as caught:
        await store.is_access_revoked(hex_id(), fam)
    assert getattr(caught.value, "code", None) == "store_unavailable"


async def test_the_per_request_check_answers_401_for_a_revoked_session_and_503_for_a_dead_store(
    db_file: str,
) -> None:
    """``AuthCore.check_session`` (what every request with an access token runs): a revoked
    session is 401 ``token_revoked``; a store that cannot answer is 503 ``store_unavailable``,
    with its audit event (fail closed, never "allowed")."""
    from authcore.fastapi import AuthCore, AuthHTTPException, AuthSettings
    from authcore.fastapi.models import AuthEvent

    events: list[AuthEvent] = []
    store = SQLiteStore(db_file)
    auth = AuthCore(
        AuthSettings(secret=secrets.token_urlsafe(48)), store=store, on_event=events.append
    )
    body, refresh = auth.issue_pair("student", ["student"], [])
    await auth.start_session(refresh)
    claims = auth.verify_access(body.access_token)
    await auth.check_session(claims)  # live: no answer
    assert claims.fam is not None
    await store.revoke_family(claims.fam, T)
    with pytest.raises(AuthHTTPException) as caught:
        await auth.check_session(claims)
    assert (caught.value.status_code, caught.value.code) == (401, "token_revoked")
    await store.close()
    with pytest.raises(AuthHTTPException) as caught:
        await auth.check_session(claims)
    assert (caught.value.status_code, caught.value.code) == (503, "store_unavailable")
    assert [(e.kind, e.reason) for e in events][-1] == ("store_unavailable", "check_access")
