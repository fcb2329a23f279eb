"""The store interface and the values it exchanges.

A store keeps four kinds of records, each with an absolute expiry after which it means
nothing and may be dropped:

- ``used(jti)``: a refresh token that was already exchanged;
- ``revoked(family)``: a session family ended by logout or by detected reuse;
- ``denied(jti)``: an access token denylisted before its ``exp`` (optional per app);
- ``tat(key)``: the GCRA state of a rate-limit key (milliseconds).

Every decision is the Rust core's: :meth:`SessionPolicy.on_refresh` for rotation and
:meth:`Quota.check` (GCRA) for rate limiting. The Redis store runs the same formulas in Lua (it has to
decide inside the server to be atomic); the test suite runs one sequence through the core and
through Redis and compares every decision.

Times: session records use Unix seconds, rate limits Unix milliseconds, all from the wall
clock (several processes must share it). ``now`` arguments default to the current time.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from .. import _authcore
from .._authcore import MAX_ID_LEN, MIN_ID_LEN, Quota, SessionPolicy
from ..exceptions import InvalidParamsError

__all__ = ["Decision", "Quota", "RefreshOutcome", "SessionPolicy", "SessionStore", "parse_quota"]

RefreshOutcome = Literal["ok", "repeat", "reused", "revoked"]
"""``"ok"`` (rotated), ``"repeat"`` (spent within the policy's grace window: a new pair
again, nothing written), ``"reused"`` (family now revoked) or ``"revoked"``."""

MAX_KEY_LEN = 256
"""Longest rate-limit key a store accepts."""


def clock_s() -> int:
    return int(time.time())


def clock_ms() -> int:
    return time.time_ns() // 1_000_000


def check_id(value: str, what: str) -> str:
    """A ``jti`` or family id must be one the core accepts (``session::Id``): ``MIN_ID_LEN``
    to ``MAX_ID_LEN`` characters of ``A-Z a-z 0-9 - _``. Else ``InvalidParamsError`` (also a
    ``ValueError``)."""
    if isinstance(value, str):
        try:
            return _authcore.check_id(value)
        except InvalidParamsError:
            pass
    raise InvalidParamsError(
        f"{what} must be {MIN_ID_LEN} to {MAX_ID_LEN} characters of A-Z a-z 0-9 - _"
    )


def subject_key(sub: str) -> str:
    """A subject as a store key: a hash, so any ``sub`` text is a safe key."""
    import hashlib

    return hashlib.blake2b(sub.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def check_key(value: str, what: str = "key") -> str:
    """Rate-limit keys are non-empty strings of at most :data:`MAX_KEY_LEN` characters."""
    if not isinstance(value, str) or not value or len(value) > MAX_KEY_LEN:
        raise ValueError(f"{what} must be a non-empty string of at most {MAX_KEY_LEN} characters")
    return value


def refresh_args(jti: str, family: str, now: int | None) -> int:
    """Checks the ids of a ``use_refresh`` call and returns ``now`` (default: the clock)."""
    check_id(jti, "jti")
    check_id(family, "family")
    return clock_s() if now is None else now


@dataclass(frozen=True)
class Decision:
    """One rate-limit decision (the core's ``ratelimit::Decision``)."""

    allowed: bool
    """Whether the request may proceed."""
    retry_after_ms: int
    """When denied: milliseconds until one request will be allowed; 0 when allowed."""
    remaining: int
    """Further requests allowed right now after this one (0 when denied)."""

    @property
    def retry_after(self) -> int:
        """``Retry-After`` in whole seconds (rounded up; at least 1 when denied)."""
        return 0 if self.allowed else max(1, math.ceil(self.retry_after_ms / 1000))


def gcra(tat_ms: int | None, now: int, limit: Quota) -> tuple[Decision, int]:
    """The core's GCRA step: the decision and the TAT to store when allowed."""
    allowed, new_tat, retry_after_ms, remaining = limit.check(tat_ms, now)
    return Decision(allowed, retry_after_ms, remaining), new_tat


_RATE = re.compile(
    r"^\s*(\d{1,9})\s*/\s*(s|sec|second|m|min|minute|h|hour)\s*(?:,\s*burst\s*=\s*(\d{1,9})\s*)?$"
)


def parse_quota(text: str) -> Quota:
    """``"5/min"``, ``"10/s"``, ``"100/hour, burst=20"`` → the core's :class:`Quota`
    (``n`` per window, the period rounded up; the burst defaults to ``n``)."""
    m = _RATE.match(text)
    if not m:
        raise ValueError("a rate must look like '5/min', '10/s' or '100/h, burst=20'")
    n, unit, burst = m.groups()
    per = {"s": Quota.per_second, "m": Quota.per_minute, "h": Quota.per_hour}[unit[0]]
    quota = per(int(n))
    return quota.with_burst(int(burst)) if burst else quota


@runtime_checkable
class SessionStore(Protocol):
    """Storage for refresh-token rotation, revocation and rate limiting.

    Every method is a coroutine and atomic. A store that cannot reach its backend raises
    :class:`~authcore.stores.StoreUnavailableError` (code ``store_unavailable``): it never
    answers as if nothing were recorded.
    """

    async def use_refresh(
        self, jti: str, family: str, exp: int, policy: SessionPolicy, now: int | None = None
    ) -> RefreshOutcome:
        """Spends the verified refresh token ``jti`` of ``family`` (expiring at ``exp``), in
        one atomic step: family revoked → ``"revoked"``; ``jti`` spent within the grace window
        (a live ``grace(jti)``) → ``"repeat"``; ``jti`` already used → the family is revoked
        until ``policy.family_until(now)`` and ``"reused"``; otherwise ``jti`` is marked used
        until ``policy.record_until(exp)`` (and ``grace(jti)`` until ``policy.grace_until(now)``)
        and ``"ok"``."""
        ...

    async def revoke_family(self, family: str, until: int) -> None:
        """Revokes ``family`` until ``until`` (Unix seconds); never shortens a revocation."""
        ...

    async def add_family(
        self, sub: str, family: str, until: int, created: int, user_agent: str
    ) -> None:
        """Lists ``family`` as a session of ``sub`` until ``until`` (its ``last_used`` starts
        at ``created``)."""
        ...

    async def touch_family(self, family: str, now: int) -> None:
        """Sets a listed family's ``last_used``."""
        ...

    async def list_families(self, sub: str, now: int | None = None) -> list[dict[str, Any]]:
        """``sub``'s listed families that are live and not revoked, newest first: dicts with
        ``id``, ``created``, ``last_used``, ``user_agent``."""
        ...

    async def revoke_user(self, sub: str, until: int, now: int | None = None) -> int:
        """Revokes every live listed family of ``sub`` until ``until``; returns how many."""
        ...

    async def is_family_revoked(self, family: str, now: int | None = None) -> bool: ...

    async def deny_access_jti(self, jti: str, until: int) -> None:
        """Denylists an access token until ``until`` (its ``exp`` plus leeway)."""
        ...

    async def is_access_jti_denied(self, jti: str, now: int | None = None) -> bool: ...

    async def rate_limit(self, key: str, limit: Quota, now_ms: int | None = None) -> Decision:
        """Counts one request against ``key`` (GCRA) and says whether it may proceed."""
        ...

    async def reset_rate_limit(self, key: str) -> None:
        """Gives ``key`` its full burst again."""
        ...

    async def purge_expired(self, now: int | None = None) -> int:
        """Drops expired records; returns how many (stores with native expiry return 0)."""
        ...

    async def ping(self) -> None:
        """Raises :class:`~authcore.stores.StoreUnavailableError` unless the backend answers."""
        ...

    async def close(self) -> None: ...


# Optional, looked up by name by Sessions.check_access and Sessions.known_live (a store without
# them works as well, with more awaits):
#   async def is_access_revoked(self, jti: str, family: str | None) -> bool
#       ``is_family_revoked(family) or is_access_jti_denied(jti)`` in one round trip;
#   def known_unrevoked(self, jti: str, family: str | None) -> bool
#       True only when the store can say at once, without I/O and without raising, that
#       ``is_access_revoked`` would answer False now (the per-request check then awaits
#       nothing); False means "ask".
