"""The SQLite revocation check remembers "not revoked" until the next commit: a token checked
again before anything was written to the file costs no query, and every commit — this
process's or another process's, a logout, a denylisted token, a detected reuse — ends what was
remembered, so the next check sees a revocation as before. Whether anything was committed comes
from SQLite's WAL index (``authcore.stores._wal_index``), read without a query."""

from __future__ import annotations

import asyncio
import os
import secrets
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from authcore.stores import MemoryStore, SessionPolicy, SQLiteStore
from authcore.stores._wal_index import view_of
from store_helpers import hex_id

T = 1_800_000_000


class Queries:
    """Counts the statements the store's inline read connection runs."""

    def __init__(self, store: SQLiteStore) -> None:
        reader = store._reader  # the connection whose queries the remembering saves
        assert reader is not None, "the reads did not run inline"
        self.n = 0
        reader.set_trace_callback(self._count)

    def _count(self, _statement: str) -> None:
        self.n += 1

    def take(self) -> int:
        n, self.n = self.n, 0
        return n


@pytest.mark.asyncio
async def test_a_pair_checked_again_before_any_commit_costs_no_query(db_file: str) -> None:
    store = SQLiteStore(db_file)
    jti, fam = hex_id(), hex_id()
    await store.add_family("student", fam, T, T - 100, "ua")
    assert not await store.is_access_revoked(jti, fam)  # opens the read connection
    queries = Queries(store)
    for _ in range(3):
        assert not await store.is_access_revoked(jti, fam)
    assert queries.take() == 0
    # any commit, even one that revokes nothing, ends what was remembered
    await store.touch_family(fam, T - 50)
    assert not await store.is_access_revoked(jti, fam)
    assert queries.take() == 1
    assert not await store.is_access_revoked(jti, fam)
    assert queries.take() == 0
    # other pairs are asked for
    assert not await store.is_access_revoked(hex_id(), fam)
    assert not await store.is_access_revoked(jti, None)
    assert queries.take() == 2
    # a revoked answer is never remembered as anything: asked for each time
    await store.revoke_family(fam, T)
    for _ in range(2):
        assert await store.is_access_revoked(jti, fam)
    assert queries.take() == 2
    await store.close()


@pytest.mark.asyncio
async def test_this_process_revocations_end_a_remembered_answer(db_file: str) -> None:
    store = SQLiteStore(db_file)
    policy = SessionPolicy(600, 3600)
    sub = "student"
    try:
        for what in ("revoke_family", "deny_access_jti", "revoke_user", "reuse"):
            jti, fam, refresh = hex_id(), hex_id(), hex_id()
            await store.add_family(sub, fam, T, T - 100, "ua")
            for _ in range(2):
                assert not await store.is_access_revoked(jti, fam)
            if what == "revoke_family":
                await store.revoke_family(fam, T)
            elif what == "deny_access_jti":
                await store.deny_access_jti(jti, T)
            elif what == "revoke_user":
                assert await store.revoke_user(sub, T) >= 1
            else:
                assert await store.use_refresh(refresh, fam, T, policy) == "ok"
                assert not await store.is_access_revoked(jti, fam)
                assert await store.use_refresh(refresh, fam, T, policy) == "reused"
            assert await store.is_access_revoked(jti, fam), what
    finally:
        await store.close()


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from authcore.stores import SessionPolicy, SQLiteStore

    async def main():
        store = SQLiteStore(sys.argv[1])
        policy = SessionPolicy(600, 3600)
        for line in sys.stdin:
            what, jti, fam, refresh = line.split()
            if what == "revoke_family":
                await store.revoke_family(fam, 1_800_000_000)
            elif what == "deny_access_jti":
                await store.deny_access_jti(jti, 1_800_000_000)
            elif what == "revoke_user":
                await store.revoke_user("student", 1_800_000_000)
            elif what == "reuse":
                for _ in range(2):
                    outcome = await store.use_refresh(refresh, fam, 1_800_000_000, policy)
                assert outcome == "reused", outcome
            print("done", flush=True)
        await store.close()

    asyncio.run(main())
    """
)


@pytest.fixture
def other_process(db_file: str) -> Iterator[subprocess.Popen[str]]:
    """Another process with its own store on the file (another worker of the app)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_file],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    yield child
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(30) == 0


@pytest.mark.asyncio
async def test_another_process_revocations_end_a_remembered_answer(
    db_file: str, other_process: subprocess.Popen[str]
) -> None:
    """Each kind of revocation, committed by another process between two checks of a pair
    this process remembers as not revoked, is seen by the very next check."""
    store = SQLiteStore(db_file)
    assert other_process.stdin is not None and other_process.stdout is not None
    try:
        for round_ in range(3):
            for what in ("revoke_family", "deny_access_jti", "revoke_user", "reuse"):
                jti, fam, refresh = hex_id(), hex_id(), hex_id()
                await store.add_family("student", fam, T, T - 100, "ua")
                assert not await store.is_access_revoked(jti, fam)
                queries = Queries(store)
                assert not await store.is_access_revoked(jti, fam)
                assert queries.take() == 0  # remembered: the next answer came from memory
                other_process.stdin.write(f"{what} {jti} {fam} {refresh}\n")
                other_process.stdin.flush()
                done = await asyncio.to_thread(other_process.stdout.readline)
                assert done == "done\n"
                assert await store.is_access_revoked(jti, fam), (round_, what)
                assert queries.take() == 1
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_remembered_answer_is_not_given_after_close_or_a_broken_connection(
    db_file: str,
) -> None:
    store = SQLiteStore(db_file)
    jti, fam = hex_id(), hex_id()
    for _ in range(2):
        assert not await store.is_access_revoked(jti, fam)
    reader = store._reader
    assert reader is not None
    reader.close()  # as any sqlite3.Error on the inline path: the next query meets it
    assert not await store.is_access_revoked(hex_id(), fam)  # answered by the worker
    assert store._reader is None
    # without its connection the WAL index may no longer be held: what it answered is gone
    assert not store.known_unrevoked(jti, fam)
    for _ in range(2):
        assert not await store.is_access_revoked(jti, fam)  # a new inline connection
    await store.close()
    with pytest.raises(Exception) as caught:
        await store.is_access_revoked(jti, fam)
    assert getattr(caught.value, "code", None) == "store_unavailable"


@pytest.mark.asyncio
async def test_what_is_remembered_is_bounded(db_file: str) -> None:
    from authcore.stores.sqlite import _UNREVOKED_MAX

    store = SQLiteStore(db_file)
    fam = hex_id()
    for _ in range(_UNREVOKED_MAX + 10):
        assert not await store.is_access_revoked(hex_id(), fam)
    assert 0 < len(store._unrevoked.pairs) <= _UNREVOKED_MAX
    await store.close()


def test_the_wal_index_is_read_only_where_sqlite_maps_it(tmp_path: Path) -> None:
    """No view without a WAL index SQLite has mapped in this process; with one, the header
    stays the same without commits and changes with each."""
    db = str(tmp_path / "a.db")
    assert view_of(db) is None  # no such database
    rollback = sqlite3.connect(str(tmp_path / "r.db"), isolation_level=None)
    rollback.execute("CREATE TABLE t (x)")
    rollback.execute("SELECT * FROM t").fetchall()
    assert view_of(str(tmp_path / "r.db")) is None  # not in WAL mode: no index
    # a stale -shm beside a database nobody has open here is not the live index
    stale = tmp_path / "s.db"
    sqlite3.connect(str(stale)).close()
    (tmp_path / "s.db-shm").write_bytes(bytes(32768))
    assert view_of(str(stale)) is None

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("SELECT * FROM t").fetchall()
    view = view_of(db)
    assert view is not None and view_of(db) is view  # one view per index and process
    first = view.header()
    assert first is not None
    conn.execute("SELECT * FROM t").fetchall()
    assert view.header() == first  # a read commits nothing
    seen = {first}
    for i in range(5):
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        header = view.header()
        assert header is not None and header not in seen
        seen.add(header)
    conn.close()
    rollback.close()


@pytest.mark.asyncio
async def test_known_unrevoked_says_yes_only_for_what_was_found_since_the_last_commit(
    db_file: str,
) -> None:
    """The per-request check's answer without an await: ``True`` only for a pair found not
    revoked since the last commit; otherwise ``False`` ("ask"), never an exception."""
    store = SQLiteStore(db_file)
    jti, fam = hex_id(), hex_id()
    assert not store.known_unrevoked(jti, fam)  # never asked
    for _ in range(2):
        assert not await store.is_access_revoked(jti, fam)
    assert store.known_unrevoked(jti, fam)
    assert not store.known_unrevoked(hex_id(), fam)
    await store.deny_access_jti(hex_id(), T)  # a commit: ask again
    assert not store.known_unrevoked(jti, fam)
    assert not await store.is_access_revoked(jti, fam)
    assert store.known_unrevoked(jti, fam)
    await store.close()
    assert not store.known_unrevoked(jti, fam)


@pytest.mark.asyncio
async def test_memory_store_knows_at_once(db_file: str) -> None:
    store = MemoryStore()
    jti, fam = hex_id(), hex_id()
    assert store.known_unrevoked(jti, fam) and store.known_unrevoked(jti, None)
    await store.revoke_family(fam, T)
    assert not store.known_unrevoked(jti, fam) and store.known_unrevoked(jti, None)
    await store.deny_access_jti(jti, T)
    assert not store.known_unrevoked(jti, None)
    other = hex_id()
    assert store.known_unrevoked(other, None)
    # a record that has ended means nothing, as for is_access_revoked
    ended_jti, ended_fam = hex_id(), hex_id()
    await store.revoke_family(ended_fam, int(time.time()) - 1)
    await store.deny_access_jti(ended_jti, int(time.time()) - 1)
    assert store.known_unrevoked(ended_jti, ended_fam)
    assert not await store.is_access_revoked(ended_jti, ended_fam)
    await store.close()
    assert not store.known_unrevoked(other, None)  # closed: ask (which fails closed)


@pytest.mark.asyncio
async def test_two_workers_a_request_after_logout_elsewhere_is_refused(
    tmp_path: Path, db_file: str
) -> None:
    """Two apps on one SQLite file (two workers of one service): an access token that worker
    A has served (so A answers it without a query) is refused by A's next request once the
    session was logged out through worker B; a store of the app's own without
    ``known_unrevoked``, or one whose ``known_unrevoked`` fails, is asked every time."""
    import httpx
    from authcore.fastapi import AccessClaims, AuthCore, AuthSettings
    from fastapi import Depends, FastAPI

    settings = AuthSettings(secret=secrets.token_urlsafe(48))

    def worker(store: object) -> tuple[AuthCore, FastAPI]:
        auth = AuthCore(settings, store=store)
        app = FastAPI()

        @app.get("/me")
        async def me(claims: AccessClaims = Depends(auth.current_claims)) -> dict[str, str]:
            return {"sub": claims.sub}

        auth.install(app)
        return auth, app

    a_store, b_store = SQLiteStore(db_file), SQLiteStore(db_file)
    auth_a, app_a = worker(a_store)
    auth_b, app_b = worker(b_store)
    body, refresh = auth_b.issue_pair("student", ["student"], [])
    await auth_b.start_session(refresh)
    claims = auth_a.verify_access(body.access_token)
    headers = {"Authorization": f"Bearer {body.access_token}"}
    a = httpx.AsyncClient(transport=httpx.ASGITransport(app=app_a), base_url="http://a")
    b = httpx.AsyncClient(transport=httpx.ASGITransport(app=app_b), base_url="http://b")
    async with a, b:
        assert not auth_a.session_known_live(claims)
        for _ in range(3):
            assert (await a.get("/me", headers=headers)).status_code == 200
        assert auth_a.session_known_live(claims)  # A now answers without a query
        r = await b.post("/api/v1/auth/logout", json={"refresh_token": body.refresh_token})
        assert r.status_code == 204
        assert not auth_a.session_known_live(claims)
        r = await a.get("/me", headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "token_revoked"

    class Asks(MemoryStore):
        """A store of the app's own: no known_unrevoked."""

        known_unrevoked = None  # type: ignore[assignment]  # (absent)

    class Fails(MemoryStore):
        def known_unrevoked(self, jti: str, family: str | None) -> bool:
            raise RuntimeError("broken")

    for store in (Asks(), Fails()):
        auth, app = worker(store)
        body, refresh = auth.issue_pair("student", ["student"], [])
        await auth.start_session(refresh)
        claims = auth.verify_access(body.access_token)
        assert not auth.session_known_live(claims)
        headers = {"Authorization": f"Bearer {body.access_token}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as c:
            assert (await c.get("/me", headers=headers)).status_code == 200
            assert claims.fam is not None
            await store.revoke_family(claims.fam, T)
            r = await c.get("/me", headers=headers)
            assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    await a_store.close()
    await b_store.close()


def test_a_header_is_taken_only_whole_and_of_the_known_version(tmp_path: Path) -> None:
    """Copies that disagree (a commit half written), an index not initialised, or one of
    another version: no header, so nothing is remembered against it."""
    import mmap

    from authcore.stores._wal_index import WalIndexView

    def header_of(first: bytes, second: bytes) -> bytes | None:
        f = tmp_path / "index"
        f.write_bytes(first + second + bytes(4096))
        with open(f, "rb") as fh:
            view = WalIndexView(mmap.mmap(fh.fileno(), 96, access=mmap.ACCESS_READ))
            return view.header()

    made = bytearray(48)
    made[0:4] = (3007000).to_bytes(4, sys.byteorder)
    made[8:12] = (7).to_bytes(4, sys.byteorder)  # iChange
    made[12] = 1  # isInit
    good = bytes(made)
    assert header_of(good, good) == good + good
    torn = good[:8] + (8).to_bytes(4, sys.byteorder) + good[12:]
    assert header_of(torn, good) is None
    assert header_of(good[:12] + b"\0" + good[13:], good[:12] + b"\0" + good[13:]) is None
    other = (3007001).to_bytes(4, sys.byteorder) + good[4:]
    assert header_of(other, other) is None
