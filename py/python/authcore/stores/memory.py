"""In-memory store: one process, nothing survives a restart (tests, single-process demos)."""

from __future__ import annotations

import threading
from typing import Any

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
)

__all__ = ["MemoryStore"]

_PURGE_EVERY = 1024  # writes between automatic purges (keeps memory bounded)


class MemoryStore:
    """Dicts behind a lock: each operation is atomic across threads and event loops.

    Expired records are dropped every few hundred writes, so memory stays proportional to the
    live records. After :meth:`close` every call raises :class:`StoreUnavailableError`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._used: dict[str, int] = {}
        self._grace: dict[str, int] = {}
        self._revoked: dict[str, int] = {}
        self._denied: dict[str, int] = {}
        self._tats: dict[str, int] = {}
        # family -> [sub, until, created, last_used, user_agent]
        self._families: dict[str, list[Any]] = {}
        self._writes = 0
        self._closed = False

    def __repr__(self) -> str:
        return "MemoryStore()"

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailableError("store is closed")

    def _wrote(self, now: int) -> None:
        self._writes += 1
        if self._writes % _PURGE_EVERY == 0:
            self._purge(now)

    @staticmethod
    def _live(table: dict[str, int], key: str, now: int) -> bool:
        until = table.get(key)
        return until is not None and until > now

    @staticmethod
    def _extend(table: dict[str, int], key: str, until: int) -> None:
        table[key] = max(until, table.get(key, 0))

    async def use_refresh(
        self, jti: str, family: str, exp: int, policy: SessionPolicy, now: int | None = None
    ) -> RefreshOutcome:
        now = refresh_args(jti, family, now)
        with self._lock:
            self._check_open()
            outcome, until = policy.on_refresh(
                self._live(self._revoked, family, now),
                self._live(self._used, jti, now),
                exp,
                now,
                self._live(self._grace, jti, now),
            )
            if outcome == "ok":
                self._extend(self._used, jti, until)
                grace_until = policy.grace_until(now)
                if grace_until is not None:
                    self._extend(self._grace, jti, grace_until)
                self._wrote(now)
            elif outcome == "reused":
                self._extend(self._revoked, family, until)
                self._wrote(now)
            return outcome

    async def revoke_family(self, family: str, until: int) -> None:
        check_id(family, "family")
        with self._lock:
            self._check_open()
            self._extend(self._revoked, family, until)
            self._wrote(clock_s())

    async def add_family(
        self, sub: str, family: str, until: int, created: int, user_agent: str
    ) -> None:
        check_id(family, "family")
        with self._lock:
            self._check_open()
            self._families[family] = [sub, until, created, created, user_agent]
            self._wrote(created)

    async def touch_family(self, family: str, now: int) -> None:
        with self._lock:
            self._check_open()
            record = self._families.get(family)
            if record is not None:
                record[3] = max(record[3], now)

    async def list_families(self, sub: str, now: int | None = None) -> list[dict[str, Any]]:
        now = clock_s() if now is None else now
        with self._lock:
            self._check_open()
            rows = [
                {"id": fam, "created": r[2], "last_used": r[3], "user_agent": r[4]}
                for fam, r in self._families.items()
                if r[0] == sub and r[1] > now and not self._live(self._revoked, fam, now)
            ]
        return sorted(rows, key=lambda r: (-r["created"], r["id"]))

    async def revoke_user(self, sub: str, until: int, now: int | None = None) -> int:
        now = clock_s() if now is None else now
        with self._lock:
            self._check_open()
            n = 0
            for fam, r in self._families.items():
                if r[0] == sub and r[1] > now:
                    n += not self._live(self._revoked, fam, now)
                    self._extend(self._revoked, fam, until)
            self._wrote(now)
            return n

    async def is_family_revoked(self, family: str, now: int | None = None) -> bool:
        check_id(family, "family")
        with self._lock:
            self._check_open()
            return self._live(self._revoked, family, clock_s() if now is None else now)

    async def is_access_revoked(self, jti: str, family: str | None) -> bool:
        """Whether ``family`` is revoked or ``jti`` denylisted, under one lock."""
        with self._lock:
            self._check_open()
            return self._revoked_now(jti, family)

    def known_unrevoked(self, jti: str, family: str | None) -> bool:
        """:meth:`is_access_revoked`'s ``False`` without awaiting (everything is in memory);
        ``False`` when revoked or closed (then ask :meth:`is_access_revoked`). Never raises.
        Without the lock: two look-ups, each atomic, and a revocation only ever adds."""
        return not self._closed and not self._revoked_now(jti, family)

    def _revoked_now(self, jti: str, family: str | None) -> bool:
        now = clock_s()
        return self._live(self._denied, jti, now) or (
            family is not None and self._live(self._revoked, family, now)
        )

    async def deny_access_jti(self, jti: str, until: int) -> None:
        check_id(jti, "jti")
        with self._lock:
            self._check_open()
            self._extend(self._denied, jti, until)
            self._wrote(clock_s())

    async def is_access_jti_denied(self, jti: str, now: int | None = None) -> bool:
        check_id(jti, "jti")
        with self._lock:
            self._check_open()
            return self._live(self._denied, jti, clock_s() if now is None else now)

    async def rate_limit(self, key: str, limit: Quota, now_ms: int | None = None) -> Decision:
        check_key(key)
        now = clock_ms() if now_ms is None else now_ms
        with self._lock:
            self._check_open()
            decision, new_tat = gcra(self._tats.get(key), now, limit)
            if decision.allowed:
                self._tats[key] = new_tat
                self._wrote(now // 1000)
            return decision

    async def reset_rate_limit(self, key: str) -> None:
        check_key(key)
        with self._lock:
            self._check_open()
            self._tats.pop(key, None)

    def _purge(self, now: int) -> int:
        n = 0
        for table in (self._used, self._grace, self._revoked, self._denied):
            dead = [k for k, until in table.items() if until <= now]
            for k in dead:
                del table[k]
            n += len(dead)
        gone = [k for k, r in self._families.items() if r[1] <= now]
        for k in gone:
            del self._families[k]
        n += len(gone)
        dead = [k for k, tat in self._tats.items() if tat <= now * 1000]
        for k in dead:
            del self._tats[k]
        return n + len(dead)

    async def purge_expired(self, now: int | None = None) -> int:
        with self._lock:
            self._check_open()
            return self._purge(clock_s() if now is None else now)

    async def ping(self) -> None:
        with self._lock:
            self._check_open()

    async def close(self) -> None:
        with self._lock:
            self._closed = True
