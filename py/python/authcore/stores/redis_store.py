"""Redis store: several application instances share one Redis (redis-py's asyncio client).

Every read-decide-write is one Lua script, so it is atomic in the server; every record is a
key with an absolute expiry (``EXAT``/``PXAT``), so Redis drops dead records by itself and a
restart that reloads the data (AOF or RDB) keeps the remaining lifetimes right.

The scripts mirror the core exactly: ``_USE_REFRESH`` is the table of
:meth:`SessionPolicy.on_refresh` (with both record expiries computed by the core), and
``_GCRA`` is the core's ``Gcra::check`` formula (the test suite compares the two on the same
sequences). Without an explicit ``now_ms``, the rate limiter reads the Redis server's clock, so
all instances share one clock.

Requirements: Redis 7.0 or later (``EXPIRETIME``). Nothing recorded is lost across a Redis
restart only when Redis persists it: run with ``appendonly yes`` (``appendfsync everysec``
may lose the last second on a crash; ``always`` loses nothing). Keys of one family share a
hash tag, so the scripts also work on Redis Cluster.

Connection errors, timeouts and server errors all raise :class:`StoreUnavailableError`;
redis-py reconnects on the next call once the server is back. A command whose connection
broke is retried once on a fresh connection (so the first request after a Redis restart does
not fail on a stale pooled socket). If the lost attempt had in fact run, the retry of a refresh
sees its own mark and answers ``reused``: the session is revoked (the user logs in again), it
is never wrongly accepted.
"""

from __future__ import annotations

from typing import Any, cast

from ..exceptions import StoreUnavailableError
from ._base import Decision, Quota, RefreshOutcome, SessionPolicy, check_id, check_key, refresh_args

__all__ = ["RedisStore"]

# KEYS: revoked(family), used(jti).  ARGV: used_until, revoke_until (Unix seconds).
# The table of authcore::session::SessionPolicy::on_refresh.
_USE_REFRESH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'revoked'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[2])
  return 'reused'
end
redis.call('SET', KEYS[2], '1', 'EXAT', ARGV[1])
return 'ok'
"""

# KEYS: the record.  ARGV: until (Unix seconds).  Only ever extends an existing expiry.
_EXTEND = """
local current = redis.call('EXPIRETIME', KEYS[1])
if current == -1 or current >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[1])
return 1
"""

# KEYS: tat(key).  ARGV: burst, period_ms, now_ms ('' = the server's clock).
# authcore::ratelimit::Gcra::check, line by line; every value stays below 2^53 (Quota
# checks burst * period_ms), so Lua's doubles compute it exactly.
_GCRA = """
local burst = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now
local stored = redis.call('GET', KEYS[1])
if stored then
  local tat = tonumber(stored)
  if tat and tat > now then
    start = tat
  end
end
local new_tat = start + period
local limit = burst * period
local ahead = new_tat - now
if ahead <= limit then
  local s = string.format('%d', new_tat)
  redis.call('SET', KEYS[1], s, 'PXAT', s)
  local left = math.floor((limit - ahead) / period)
  if left > burst - 1 then
    left = burst - 1
  end
  return {1, 0, left}
end
return {0, ahead - limit, 0}
"""


class RedisStore:
    """A :class:`~authcore.stores.SessionStore` in Redis.

    ``url`` is a redis-py URL (``redis://host:port/db``, ``rediss://…``, ``unix://…``); or pass
    a ready ``client`` (a ``redis.asyncio.Redis``). ``prefix`` namespaces the keys.
    ``timeout`` bounds connecting and each command (seconds): a Redis that does not answer
    fails the request instead of hanging it.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        prefix: str = "authcore:",
        timeout: float = 2.0,
    ) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError

        if (url is None) == (client is None):
            raise ValueError("pass exactly one of url or client")
        if client is None and url is not None:
            # One immediate retry on a broken connection (e.g. after a Redis restart, when a
            # pooled socket is stale); no retry on timeouts, and no backoff sleeps: a down
            # Redis fails the request at once.
            client = aioredis.Redis.from_url(
                url,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            )
        self._client = client
        self._prefix = prefix
        self._use_refresh = client.register_script(_USE_REFRESH)
        self._extend_script = client.register_script(_EXTEND)
        self._gcra = client.register_script(_GCRA)
        self._closed = False
        self.url = url

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self._prefix!r})"

    @property
    def client(self) -> Any:
        """The ``redis.asyncio.Redis`` client (given, or opened from ``url``)."""
        return self._client

    # -- keys: one hash tag per family, so its keys share a cluster slot ------------------

    def _revoked_key(self, family: str) -> str:
        return f"{self._prefix}{{{family}}}:revoked"

    def _used_key(self, family: str, jti: str) -> str:
        return f"{self._prefix}{{{family}}}:used:{jti}"

    def _denied_key(self, jti: str) -> str:
        return f"{self._prefix}denied:{jti}"

    def _rate_key(self, key: str) -> str:
        return f"{self._prefix}rate:{key}"

    async def _do(self, call: Any) -> Any:
        from redis.exceptions import RedisError

        if self._closed:
            call.close()
            raise StoreUnavailableError("store is closed")
        try:
            return await call
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailableError(f"redis store unavailable ({type(exc).__name__})") from exc

    # -- sessions --------------------------------------------------------------------------

    async def use_refresh(
        self, jti: str, family: str, exp: int, policy: SessionPolicy, now: int | None = None
    ) -> RefreshOutcome:
        now = refresh_args(jti, family, now)
        # Both possible writes' expiries come from the core; the script picks the branch.
        _, used_until = policy.on_refresh(False, False, exp, now)
        _, revoke_until = policy.on_refresh(False, True, exp, now)
        keys = [self._revoked_key(family), self._used_key(family, jti)]
        outcome = await self._do(self._use_refresh(keys=keys, args=[used_until, revoke_until]))
        text = outcome.decode() if isinstance(outcome, bytes) else str(outcome)
        if text not in ("ok", "reused", "revoked"):
            raise StoreUnavailableError(f"unexpected answer from the session script: {text!r}")
        return cast(RefreshOutcome, text)

    async def revoke_family(self, family: str, until: int) -> None:
        check_id(family, "family")
        await self._do(self._extend_script(keys=[self._revoked_key(family)], args=[int(until)]))

    async def is_family_revoked(self, family: str, now: int | None = None) -> bool:
        # Redis expires keys by its own clock; ``now`` is accepted for interface symmetry.
        check_id(family, "family")
        return bool(await self._do(self._client.exists(self._revoked_key(family))))

    async def deny_access_jti(self, jti: str, until: int) -> None:
        check_id(jti, "jti")
        await self._do(self._extend_script(keys=[self._denied_key(jti)], args=[int(until)]))

    async def is_access_jti_denied(self, jti: str, now: int | None = None) -> bool:
        check_id(jti, "jti")
        return bool(await self._do(self._client.exists(self._denied_key(jti))))

    # -- rate limiting ---------------------------------------------------------------------

    async def rate_limit(self, key: str, limit: Quota, now_ms: int | None = None) -> Decision:
        check_key(key)
        if limit.burst * limit.period_ms >= 2**53:
            # Lua computes in doubles: keep every value exact there.
            raise ValueError("burst * period_ms must stay below 2**53 for the Redis store")
        args = [limit.burst, limit.period_ms, "" if now_ms is None else int(now_ms)]
        allowed, retry_after_ms, remaining = await self._do(
            self._gcra(keys=[self._rate_key(key)], args=args)
        )
        return Decision(bool(allowed), int(retry_after_ms), int(remaining))

    async def reset_rate_limit(self, key: str) -> None:
        check_key(key)
        await self._do(self._client.delete(self._rate_key(key)))

    # -- maintenance -----------------------------------------------------------------------

    async def purge_expired(self, now: int | None = None) -> int:
        return 0  # every key carries its expiry; Redis drops them

    async def ping(self) -> None:
        await self._do(self._client.ping())

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._client.aclose()
