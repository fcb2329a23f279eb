"""SQLite store: the embedded default. Records survive restarts; several processes on one
machine may share the file.

Each store owns one connection for writing, used from one worker thread, so the event loop
never waits for a lock. The database runs in WAL mode; every read-decide-write runs in a
``BEGIN IMMEDIATE`` transaction, which takes the write lock first, so two processes can never
both see a refresh token as unused.

``synchronous=NORMAL`` (the WAL default) survives application crashes; pass
``synchronous="FULL"`` to survive power loss as well, at the cost of one fsync per write.

Plain reads (the revocation check each request makes, session lists) run on the event loop's
own thread over a read-only connection of their own (``inline_reads=True``, the default): in
WAL mode a reader never waits for a writer, and a look-up by key in a file the OS keeps in
memory costs a few microseconds, where the round trip to the worker thread costs a hundred or
more. Such a read never waits for a lock: its connection has no busy timeout, and a read that
meets a lock, an error or a file not yet set up goes to the worker thread like the rest
(deadline and all). Each commit is visible to the next read, this process's or another's.
(WAL needs every process on one machine, the file on a local disk: SQLite does not support it
on a network file system.) A page not in the OS's memory is then read from the disk on the
loop's thread; ``inline_reads=False`` keeps the loop off the file altogether. An in-memory
database (``":memory:"``) always reads on the worker thread, whose connection alone sees it.

The revocation check remembers its "not revoked" answers until the next commit to the file, by
any process: SQLite's WAL index says, without a query, whether one happened (see
``_wal_index``), so a token checked again before anything was written costs no query at all,
and a revocation is seen by the next check, as before. Only inline reads remember.

Every operation has a deadline (``timeout``, 2 s by default) counted from when it is asked
for: time spent queued behind other operations counts, an operation still queued at its
deadline is dropped without touching the file, and SQLite waits for a lock only until the
deadline. So when another process holds the write lock, requests fail with 503 after about
``timeout``, each of them, instead of queueing into 5 s, 10 s, 15 s… :meth:`ping` takes the
write lock (and gives it back at once), so a readiness check sees a file nobody can write.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..exceptions import StoreUnavailableError
from ._base import (
    Decision,
    Quota,
    RefreshOutcome,
    SessionPolicy,
    check_id,
    check_key,
    clock_ms,
    clock_s,
    gcra,
    refresh_args,
    subject_key,
)
from ._wal_index import WalIndexView, view_of

__all__ = ["SQLiteStore"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS authcore_records (
    kind  TEXT    NOT NULL,  -- 'used', 'grace' (refresh jti), 'revoked' (family), 'denied' (access jti)
    id    TEXT    NOT NULL,
    until INTEGER NOT NULL,  -- Unix seconds; the record means nothing once until <= now
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS authcore_rate (
    key TEXT    PRIMARY KEY,
    tat INTEGER NOT NULL     -- GCRA theoretical arrival time, Unix ms
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS authcore_families (
    fam        TEXT    PRIMARY KEY,
    sub        TEXT    NOT NULL,  -- hash of the subject
    until      INTEGER NOT NULL,  -- Unix seconds: the session's tokens are dead after it
    created    INTEGER NOT NULL,
    last_used  INTEGER NOT NULL,
    user_agent TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS authcore_families_sub ON authcore_families (sub);
"""

_LIVE = "SELECT 1 FROM authcore_records WHERE kind = ? AND id = ? AND until > ?"
# Records are only ever extended: a later revocation never shortens an earlier one.
_EXTEND = (
    "INSERT INTO authcore_records (kind, id, until) VALUES (?, ?, ?) "
    "ON CONFLICT (kind, id) DO UPDATE SET until = max(until, excluded.until)"
)
_PURGE_INTERVAL_S = 60.0
# Whether an access token's jti is denylisted (?1) or its family revoked (?2) at ?3: two
# primary-key look-ups (a UNION ALL costs SQLite a third less than the same test with OR)
_ACCESS_REVOKED = (
    "SELECT 1 FROM authcore_records WHERE kind = 'denied' AND id = ?1 AND until > ?3 "
    "UNION ALL "
    "SELECT 1 FROM authcore_records WHERE kind = 'revoked' AND id = ?2 AND until > ?3 LIMIT 1"
)
_UNREVOKED_MAX = 4096
"""How many (jti, family) pairs the revocation check remembers as not revoked."""


class _Unrevoked:
    """(jti, family) pairs found not revoked since the commit that left the WAL index's header
    as ``header``. Nothing but a commit turns such an answer: records are only ever written or
    extended by transactions, and time only ends them."""

    __slots__ = ("header", "pairs")

    def __init__(self, header: bytes) -> None:
        self.header = header
        self.pairs: set[tuple[str, str | None]] = set()


class SQLiteStore:
    """A :class:`~authcore.stores.SessionStore` in an SQLite file (created on first use).

    Any SQLite error (file unreadable, disk full, lock not obtained by the operation's
    deadline) and any operation past its deadline (``timeout`` seconds after it was asked for;
    ``busy_timeout`` is its older name) raises :class:`StoreUnavailableError`; the connection
    is then reopened on the next call.
    Expired records are purged at most once a minute during writes, and on
    :meth:`purge_expired`.
    ``inline_reads`` (default on): plain reads run on the calling thread, never waiting for a
    lock, and go to the worker thread only when that is not possible (see the module
    docstring); off, every operation runs on the worker thread.
    """

    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "NORMAL",
        timeout: float = 2.0,
        busy_timeout: float | None = None,
        inline_reads: bool = True,
    ) -> None:
        if synchronous.upper() not in ("NORMAL", "FULL", "EXTRA"):
            raise ValueError("synchronous must be NORMAL, FULL or EXTRA")
        self.path = str(path)
        self._synchronous = synchronous.upper()
        self._busy_timeout = float(timeout if busy_timeout is None else busy_timeout)
        if not self._busy_timeout > 0:
            raise ValueError("timeout must be positive")
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="authcore-sqlite"
        )
        self._conn: sqlite3.Connection | None = None
        self._last_purge = 0.0
        # the read-only connection of the thread that first read inline (the event loop's);
        # reads from any other thread go to the worker
        self._inline = bool(inline_reads) and self.path not in ("", ":memory:")
        self._reader: sqlite3.Connection | None = None
        self._reader_thread: int | None = None
        # the WAL index, read only while the reader is open (None: none found)
        self._wal: WalIndexView | None = None
        self._unrevoked = _Unrevoked(b"")

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # -- plumbing (runs in the worker thread) ---------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,  # explicit transactions only
                check_same_thread=False,  # one worker thread, but not the creating one
            )
            try:
                self._set_up(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _set_up(self, conn: sqlite3.Connection) -> None:
        """WAL mode and the schema. Switching a new file to WAL needs an exclusive lock, and
        SQLite answers a connection that races another one through it with an immediate
        "database is locked" (its busy handler is not consulted there), so the set-up is
        retried with backoff within the busy timeout, as the handler would have waited."""
        deadline = time.monotonic() + self._busy_timeout
        delay = 0.005
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA synchronous={self._synchronous}")
                conn.executescript(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                locked = "locked" in str(exc) or "busy" in str(exc)
                if not locked or time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

    def _call(self, fn: Callable[[sqlite3.Connection], T], deadline: float) -> T:
        remaining = deadline - time.monotonic()
        if remaining <= 0:  # waited in the queue past its deadline: the caller has given up
            raise StoreUnavailableError("sqlite store unavailable (deadline passed in queue)")
        try:
            conn = self._connect()
            conn.execute(f"PRAGMA busy_timeout = {max(1, int(remaining * 1000))}")
            return fn(conn)
        except sqlite3.Error as exc:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None
            raise StoreUnavailableError(f"sqlite store unavailable ({type(exc).__name__})") from exc

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        executor = self._executor
        if executor is None:
            raise StoreUnavailableError("store is closed")
        deadline = time.monotonic() + self._busy_timeout
        try:
            future = executor.submit(self._call, fn, deadline)
        except RuntimeError:  # shut down meanwhile
            raise StoreUnavailableError("store is closed") from None
        # The worker itself fails at the deadline; this timer (a little later) only covers an
        # operation stuck past it (a disk that does not answer). A timer, not wait_for: that
        # makes a task per operation, which costs more than the query.
        waiter = asyncio.wrap_future(future)
        expired: list[bool] = []

        def expire() -> None:
            expired.append(True)
            waiter.cancel()

        timer = asyncio.get_running_loop().call_later(self._busy_timeout + 0.25, expire)
        try:
            return await waiter
        except asyncio.CancelledError:
            if expired:
                raise StoreUnavailableError("sqlite store unavailable (deadline)") from None
            raise
        finally:
            timer.cancel()

    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` (which only reads) on the calling thread when that cannot wait (see the module
        docstring), else on the worker thread as :meth:`_run`."""
        if self._inline and self._executor is not None:
            conn = self._inline_reader()
            if conn is not None:
                try:
                    return fn(conn)
                except sqlite3.Error:  # a lock, a file replaced or damaged: the worker decides
                    self._drop_reader()
        return await self._run(fn)

    def _inline_reader(self) -> sqlite3.Connection | None:
        conn = self._reader
        if conn is not None:
            return conn if self._reader_thread == threading.get_ident() else None
        if self._conn is None or self._reader_thread is not None:
            # the worker has not set the file up yet (it may not exist: never create it
            # here), or another thread reads inline
            return None
        try:
            conn = sqlite3.connect(
                self.path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error:
            return None
        try:
            conn.execute("PRAGMA query_only = ON")
            # a first read maps the file's WAL index into this process, where it is found
            conn.execute("PRAGMA schema_version").fetchall()
        except sqlite3.Error:
            conn.close()
            return None
        self._reader, self._reader_thread = conn, threading.get_ident()
        self._wal = view_of(self.path)
        return conn

    def _drop_reader(self) -> None:
        self._wal, self._unrevoked = None, _Unrevoked(b"")
        conn, self._reader, self._reader_thread = self._reader, None, None
        if conn is not None:
            conn.close()

    def _write(
        self, body: Callable[[sqlite3.Connection], T], now: int
    ) -> Callable[[sqlite3.Connection], T]:
        """``body`` inside ``BEGIN IMMEDIATE … COMMIT`` (plus the periodic purge)."""

        def tx(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
                if time.monotonic() - self._last_purge > _PURGE_INTERVAL_S:
                    self._purge(conn, now)
                    self._last_purge = time.monotonic()
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

        return tx

    @staticmethod
    def _purge(conn: sqlite3.Connection, now: int) -> int:
        n = conn.execute("DELETE FROM authcore_records WHERE until <= ?", (now,)).rowcount
        n += conn.execute("DELETE FROM authcore_rate WHERE tat <= ?", (now * 1000,)).rowcount
        n += conn.execute("DELETE FROM authcore_families WHERE until <= ?", (now,)).rowcount
        return n

    # -- sessions --------------------------------------------------------------------------

    async def use_refresh(
        self, jti: str, family: str, exp: int, policy: SessionPolicy, now: int | None = None
    ) -> RefreshOutcome:
        now = refresh_args(jti, family, now)

        def body(conn: sqlite3.Connection) -> Any:
            revoked = conn.execute(_LIVE, ("revoked", family, now)).fetchone() is not None
            used = conn.execute(_LIVE, ("used", jti, now)).fetchone() is not None
            grace = conn.execute(_LIVE, ("grace", jti, now)).fetchone() is not None
            outcome, until = policy.on_refresh(revoked, used, exp, now, grace)
            if outcome == "ok":
                conn.execute(_EXTEND, ("used", jti, until))
                grace_until = policy.grace_until(now)
                if grace_until is not None:
                    conn.execute(_EXTEND, ("grace", jti, grace_until))
            elif outcome == "reused":
                conn.execute(_EXTEND, ("revoked", family, until))
            return outcome

        return await self._run(self._write(body, now))

    async def _extend(self, kind: str, key: str, until: int) -> None:
        await self._run(self._write(lambda c: c.execute(_EXTEND, (kind, key, until)), clock_s()))

    async def _is_live(self, kind: str, key: str, now: int | None) -> bool:
        args = (kind, key, clock_s() if now is None else now)
        # fetchall: a statement stepped to its end leaves no read transaction open
        return await self._read(lambda c: bool(c.execute(_LIVE, args).fetchall()))

    async def revoke_family(self, family: str, until: int) -> None:
        await self._extend("revoked", check_id(family, "family"), until)

    async def add_family(
        self, sub: str, family: str, until: int, created: int, user_agent: str
    ) -> None:
        check_id(family, "family")
        row = (family, subject_key(sub), int(until), int(created), int(created), user_agent)
        await self._run(
            self._write(
                lambda c: c.execute(
                    "INSERT OR REPLACE INTO authcore_families VALUES (?, ?, ?, ?, ?, ?)", row
                ),
                created,
            )
        )

    async def touch_family(self, family: str, now: int) -> None:
        await self._run(
            self._write(
                lambda c: c.execute(
                    "UPDATE authcore_families SET last_used = max(last_used, ?) WHERE fam = ?",
                    (now, family),
                ),
                now,
            )
        )

    async def list_families(self, sub: str, now: int | None = None) -> list[dict[str, Any]]:
        at = clock_s() if now is None else now

        def read(c: sqlite3.Connection) -> list[dict[str, Any]]:
            rows = c.execute(
                "SELECT fam, created, last_used, user_agent FROM authcore_families f "
                "WHERE sub = ? AND until > ? AND NOT EXISTS (SELECT 1 FROM authcore_records r "
                "WHERE r.kind = 'revoked' AND r.id = f.fam AND r.until > ?) "
                "ORDER BY created DESC, fam",
                (subject_key(sub), at, at),
            ).fetchall()
            return [
                {"id": r[0], "created": r[1], "last_used": r[2], "user_agent": r[3]} for r in rows
            ]

        return await self._read(read)

    async def revoke_user(self, sub: str, until: int, now: int | None = None) -> int:
        at = clock_s() if now is None else now

        def body(c: sqlite3.Connection) -> int:
            fams = [
                r[0]
                for r in c.execute(
                    "SELECT fam FROM authcore_families f WHERE sub = ? AND until > ? AND NOT "
                    "EXISTS (SELECT 1 FROM authcore_records r WHERE r.kind = 'revoked' "
                    "AND r.id = f.fam AND r.until > ?)",
                    (subject_key(sub), at, at),
                )
            ]
            c.executemany(_EXTEND, [("revoked", fam, until) for fam in fams])
            return len(fams)

        return await self._run(self._write(body, at))

    async def is_family_revoked(self, family: str, now: int | None = None) -> bool:
        return await self._is_live("revoked", check_id(family, "family"), now)

    async def is_access_revoked(self, jti: str, family: str | None) -> bool:
        """Whether ``family`` is revoked or ``jti`` denylisted: one query, or none when this
        pair was found not revoked since the last commit to the file."""
        pair = (jti, family)
        if self.known_unrevoked(jti, family):
            return False
        args = (check_id(jti, "jti"), check_id(family, "family") if family else "", clock_s())

        def read(c: sqlite3.Connection) -> bool:
            view = self._wal if c is self._reader else None
            before = view.header() if view is not None else None  # read before the query
            revoked = bool(c.execute(_ACCESS_REVOKED, args).fetchall())
            if before is not None and not revoked:
                self._remember(pair, before)
            return revoked

        return await self._read(read)

    def known_unrevoked(self, jti: str, family: str | None) -> bool:
        """Whether this store found the pair not revoked since the last commit to the file,
        in any process: then :meth:`is_access_revoked` would say ``False`` without a query.
        Never waits, never raises; ``False`` means "ask"."""
        known, wal = self._unrevoked, self._wal
        return (jti, family) in known.pairs and wal is not None and wal.unchanged(known.header)

    def _remember(self, pair: tuple[str, str | None], header: bytes) -> None:
        known = self._unrevoked
        if known.header != header or len(known.pairs) >= _UNREVOKED_MAX:
            known = self._unrevoked = _Unrevoked(header)
        known.pairs.add(pair)

    async def deny_access_jti(self, jti: str, until: int) -> None:
        await self._extend("denied", check_id(jti, "jti"), until)

    async def is_access_jti_denied(self, jti: str, now: int | None = None) -> bool:
        return await self._is_live("denied", check_id(jti, "jti"), now)

    # -- rate limiting ---------------------------------------------------------------------

    async def rate_limit(self, key: str, limit: Quota, now_ms: int | None = None) -> Decision:
        check_key(key)
        now = clock_ms() if now_ms is None else now_ms

        def body(conn: sqlite3.Connection) -> Decision:
            row = conn.execute("SELECT tat FROM authcore_rate WHERE key = ?", (key,)).fetchone()
            decision, new_tat = gcra(row[0] if row else None, now, limit)
            if decision.allowed:
                conn.execute(
                    "INSERT INTO authcore_rate (key, tat) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET tat = excluded.tat",
                    (key, new_tat),
                )
            return decision

        return await self._run(self._write(body, now // 1000))

    async def reset_rate_limit(self, key: str) -> None:
        check_key(key)
        await self._run(
            self._write(
                lambda c: c.execute("DELETE FROM authcore_rate WHERE key = ?", (key,)), clock_s()
            )
        )

    # -- maintenance -----------------------------------------------------------------------

    async def purge_expired(self, now: int | None = None) -> int:
        now = clock_s() if now is None else now
        return await self._run(self._write(lambda c: self._purge(c, now), now))

    async def ping(self) -> None:
        """Takes the write lock and gives it back: fails when no write could happen now."""

        def probe(c: sqlite3.Connection) -> None:
            c.execute("BEGIN IMMEDIATE")
            c.execute("ROLLBACK")

        await self._run(probe)

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        self._drop_reader()

        def shutdown() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        await asyncio.wrap_future(executor.submit(shutdown))
        executor.shutdown(wait=False)
