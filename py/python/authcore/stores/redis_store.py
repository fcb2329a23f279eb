"""Redis store: several application instances share one Redis (redis-py's asyncio client).

Every read-decide-write is one Lua script, so it is atomic in the server; every record is a
key with an absolute expiry (``EXAT``/``PXAT``), so Redis drops dead records by itself and a
restart that reloads the data (AOF or RDB) keeps the remaining lifetimes right.

The scripts mirror the core exactly: ``_USE_REFRESH`` is the table of
:meth:`SessionPolicy.on_refresh` (with both record expiries computed by the core), and
``_GCRA`` is the core's ``Gcra::check`` formula (the test suite compares the two on the same
sequences). Without an explicit ``now_ms``, the rate limiter reads the Redis server's clock, so
all instances share one clock.

Requirements: Redis 7.0 or later (``EXPIRETIME``), used by this application alone, with
``maxmemory-policy noeviction``: under an evicting policy (``volatile-lru``, ``allkeys-lru``…,
usual on a shared cache) Redis drops the ``used`` and ``revoked`` records under memory
pressure and a spent refresh token rotates again. :meth:`RedisStore.check_config` (run at
start-up by ``AuthCore.install``) refuses such a server unless ``allow_eviction=True``.
Nothing recorded is lost across a Redis restart only when Redis persists it: run with
``appendonly yes`` (``appendfsync everysec`` may lose the last second on a crash; ``always``
loses nothing). Keys of one family share a hash tag, so the scripts also work on Redis
Cluster: pass a ``redis.asyncio.cluster.RedisCluster`` as ``client`` (the test suite runs every
store test on a cluster of three masters too).

Each operation has a deadline (``timeout``, 2 s by default) from when it is asked for,
connecting and the one retry below included; past it the operation is cancelled (redis-py
drops the connection whose answer is still owed) and fails. One deadline per operation rather
than redis-py's per socket call: a write then a read could take twice the timeout, and on
Python 3.11 each timed socket call costs a task of its own (a tenth of the command's CPU).

Connection errors, timeouts and server errors all raise :class:`StoreUnavailableError`;
redis-py reconnects on the next call once the server is back. A command whose connection
broke is retried once on a fresh connection (so the first request after a Redis restart does
not fail on a stale pooled socket). If the lost attempt had in fact run, the retry of a refresh
sees its own mark and answers ``reused``: the session is revoked (the user logs in again), it
is never wrongly accepted.

The per-request revocation check (:meth:`RedisStore.is_access_revoked`) is batched: the
checks that requests make in one turn of the event loop go to Redis together, as one command
(``_CHECKS``: one script that runs each check's ``EXISTS`` and answers one character a check),
and each request gets its own answer. Every check is still sent after its request asked (a
revocation committed before it is seen); the deadline is the batch's, from when it is sent at
the next turn; a batch that fails, outlives it or gets a malformed answer fails every check in
it. Under load this takes redis-py's per-command cost (connection pool, packing, deadline,
socket calls, reply parsing) once per turn instead of once per request: with 16 checks a
batch, one command costs the client 0.4–0.6 of the CPU of a pipeline of 16 ``EXISTS``. On Redis
Cluster, where one script cannot reach keys of several slots, a batch is a pipeline of one
``EXISTS`` per key (the cluster client routes each).
"""

from __future__ import annotations

import asyncio
import sys
from itertools import islice
from typing import Any, cast

from ..exceptions import StoreUnavailableError
from ._base import (
    Decision,
    Quota,
    RefreshOutcome,
    SessionPolicy,
    check_id,
    check_key,
    refresh_args,
    subject_key,
)

if sys.version_info >= (3, 11):
    from asyncio import timeout as _deadline
else:  # redis-py depends on async-timeout below Python 3.11.3
    from async_timeout import timeout as _deadline  # type: ignore[import-not-found,unused-ignore]

__all__ = ["RedisStore"]

_BATCH_MAX = 256
"""At most this many revocation checks in one batch; more start the next one."""

# KEYS: each check's keys in turn (denied(jti), then revoked(family) when it has one).
# ARGV[1]: one digit a check, its number of keys (1 or 2).
# Answers one character a check: '1' when one of its keys exists (revoked), else '0'.
_CHECKS = """
local sizes = ARGV[1]
local out = {}
local k = 1
for i = 1, #sizes do
  local n = string.byte(sizes, i) - 48
  if redis.call('EXISTS', unpack(KEYS, k, k + n - 1)) > 0 then
    out[i] = '1'
  else
    out[i] = '0'
  end
  k = k + n
end
return table.concat(out)
"""

# KEYS: revoked(family), used(jti), grace(jti).  ARGV: used_until, revoke_until, grace_until
# (Unix seconds; grace_until '' = no grace window).
# The table of authcore::session::SessionPolicy::on_refresh.
_USE_REFRESH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'revoked'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  if redis.call('EXISTS', KEYS[3]) == 1 then
    return 'repeat'
  end
  redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[2])
  return 'reused'
end
redis.call('SET', KEYS[2], '1', 'EXAT', ARGV[1])
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[3], '1', 'EXAT', ARGV[3])
end
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

# KEYS: info(family).  ARGV: now.  Moves last_used forward on a listed family.
_TOUCH = """
local last = tonumber(redis.call('HGET', KEYS[1], 'last_used'))
if last and last < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'last_used', ARGV[1])
end
return 0
"""

# KEYS: revoked(family).  ARGV: until.  Revokes (or extends); 1 when it was not revoked yet.
_REVOKE_COUNT = """
local current = redis.call('EXPIRETIME', KEYS[1])
if current == -2 then
  redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[1])
  return 1
end
if current ~= -1 and current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[1])
end
return 0
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
    a ready ``client`` (a ``redis.asyncio.Redis``, or a ``redis.asyncio.cluster.RedisCluster``).
    ``prefix`` namespaces the keys. ``timeout`` bounds each operation (seconds), connecting
    included, also with a ``client`` of your own: a Redis that does not answer fails the
    request instead of hanging it.
    ``allow_eviction=True`` lets :meth:`check_config` accept an evicting ``maxmemory-policy``
    (with an error log line).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        prefix: str = "authcore:",
        timeout: float = 2.0,
        allow_eviction: bool = False,
    ) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.cluster import RedisCluster
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import RedisError

        if (url is None) == (client is None):
            raise ValueError("pass exactly one of url or client")
        if not timeout > 0:
            raise ValueError("timeout must be positive")
        self._timeout = float(timeout)
        if client is None and url is not None:
            # One immediate retry on a broken connection (e.g. after a Redis restart, when a
            # pooled socket is stale); no retry on timeouts, and no backoff sleeps: a down
            # Redis fails the request at once.
            # No socket_timeout: each operation runs under one deadline (_do).
            client = aioredis.Redis.from_url(
                url,
                socket_connect_timeout=timeout,
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            )
        self._client = client
        # On Redis Cluster one check's two keys lie in two slots: a pipeline then carries one
        # EXISTS per key (the cluster client routes each), not one EXISTS over both.
        self._cluster = isinstance(client, RedisCluster)
        self._prefix = prefix
        self._use_refresh = client.register_script(_USE_REFRESH)
        self._extend_script = client.register_script(_EXTEND)
        self._gcra = client.register_script(_GCRA)
        self._touch = client.register_script(_TOUCH)
        self._revoke_count = client.register_script(_REVOKE_COUNT)
        self._checks_script = client.register_script(_CHECKS)
        self._allow_eviction = allow_eviction
        self._closed = False
        self._errors = (TimeoutError, asyncio.TimeoutError, RedisError, OSError)
        self._checks: _Checks | None = None  # the revocation checks waiting for this turn
        self._sending: set[asyncio.Task[None]] = set()
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

    def _grace_key(self, family: str, jti: str) -> str:
        return f"{self._prefix}{{{family}}}:grace:{jti}"

    def _denied_key(self, jti: str) -> str:
        return f"{self._prefix}denied:{jti}"

    def _rate_key(self, key: str) -> str:
        return f"{self._prefix}rate:{key}"

    async def _do(self, call: Any) -> Any:
        if self._closed:
            call.close()
            raise StoreUnavailableError("store is closed")
        try:
            async with _deadline(self._timeout):
                return await call
        except self._errors as exc:
            raise StoreUnavailableError(f"redis store unavailable ({type(exc).__name__})") from exc

    # -- sessions --------------------------------------------------------------------------

    async def use_refresh(
        self, jti: str, family: str, exp: int, policy: SessionPolicy, now: int | None = None
    ) -> RefreshOutcome:
        now = refresh_args(jti, family, now)
        # Both possible writes' expiries come from the core; the script picks the branch.
        _, used_until = policy.on_refresh(False, False, exp, now)
        _, revoke_until = policy.on_refresh(False, True, exp, now)
        grace_until = policy.grace_until(now)
        keys = [
            self._revoked_key(family),
            self._used_key(family, jti),
            self._grace_key(family, jti),
        ]
        args = [used_until, revoke_until, "" if grace_until is None else grace_until]
        outcome = await self._do(self._use_refresh(keys=keys, args=args))
        text = outcome.decode() if isinstance(outcome, bytes) else str(outcome)
        if text not in ("ok", "repeat", "reused", "revoked"):
            raise StoreUnavailableError(f"unexpected answer from the session script: {text!r}")
        return cast(RefreshOutcome, text)

    async def revoke_family(self, family: str, until: int) -> None:
        check_id(family, "family")
        await self._do(self._extend_script(keys=[self._revoked_key(family)], args=[int(until)]))

    async def check_config(self) -> None:
        """Refuses (``ConfigError``) a Redis whose ``maxmemory-policy`` is not ``noeviction``,
        unless the store was made with ``allow_eviction=True`` (then it only warns). A server
        that does not answer ``CONFIG GET`` (renamed or forbidden, as on some managed
        services) gets a warning: the policy could not be checked."""
        import logging

        from ..fastapi.config import ConfigError

        log = logging.getLogger("authcore.stores")
        try:
            answer = await self._do(self._client.config_get("maxmemory-policy"))
        except StoreUnavailableError as exc:
            log.warning("authcore: could not read Redis maxmemory-policy (%s)", exc)
            return
        policy = answer.get("maxmemory-policy") or answer.get(b"maxmemory-policy")
        policy = policy.decode() if isinstance(policy, bytes) else policy
        if policy in (None, "noeviction"):
            return
        msg = (
            f"Redis maxmemory-policy is {policy!r}: under memory pressure Redis evicts used and "
            "revoked session records, and a spent refresh token rotates again. Use a Redis for "
            "this application alone with maxmemory-policy noeviction."
        )
        if self._allow_eviction:
            log.error("authcore: %s", msg)
            return
        raise ConfigError(msg + " (RedisStore(allow_eviction=True) accepts it.)")

    def _user_key(self, sub: str) -> str:
        return f"{self._prefix}user:{subject_key(sub)}"

    def _info_key(self, family: str) -> str:
        return f"{self._prefix}{{{family}}}:info"

    async def add_family(
        self, sub: str, family: str, until: int, created: int, user_agent: str
    ) -> None:
        check_id(family, "family")
        pipe = self._client.pipeline(transaction=False)
        info = self._info_key(family)
        pipe.hset(info, mapping={"created": created, "last_used": created, "ua": user_agent})
        pipe.expireat(info, int(until))
        pipe.zadd(self._user_key(sub), {family: int(until)})
        pipe.expireat(self._user_key(sub), int(until), gt=True)
        pipe.expireat(self._user_key(sub), int(until), nx=True)
        await self._do(pipe.execute())

    async def touch_family(self, family: str, now: int) -> None:
        check_id(family, "family")
        await self._do(self._touch(keys=[self._info_key(family)], args=[int(now)]))

    async def _live_families(self, sub: str, now: int) -> list[str]:
        fams = await self._do(self._client.zrangebyscore(self._user_key(sub), f"({now}", "+inf"))
        return [f.decode() if isinstance(f, bytes) else str(f) for f in fams]

    async def list_families(self, sub: str, now: int | None = None) -> list[dict[str, Any]]:
        from ._base import clock_s

        fams = await self._live_families(sub, clock_s() if now is None else now)
        rows = []
        for fam in fams:
            if await self.is_family_revoked(fam):
                continue
            info = await self._do(self._client.hgetall(self._info_key(fam)))
            if not info:
                continue
            get = {(k.decode() if isinstance(k, bytes) else k): v for k, v in info.items()}
            ua = get.get("ua", b"")
            rows.append(
                {
                    "id": fam,
                    "created": int(get.get("created", 0)),
                    "last_used": int(get.get("last_used", 0)),
                    "user_agent": ua.decode() if isinstance(ua, bytes) else str(ua),
                }
            )
        return sorted(rows, key=lambda r: (-r["created"], r["id"]))

    async def revoke_user(self, sub: str, until: int, now: int | None = None) -> int:
        """Revokes each live family listed for ``sub``. Not one atomic step across families,
        and it need not be: a family never joins the list except by a new login, which comes
        after the request to log out everywhere."""
        from ._base import clock_s

        n = 0
        for fam in await self._live_families(sub, clock_s() if now is None else now):
            n += int(
                await self._do(self._revoke_count(keys=[self._revoked_key(fam)], args=[int(until)]))
            )
        return n

    async def is_family_revoked(self, family: str, now: int | None = None) -> bool:
        # Redis expires keys by its own clock; ``now`` is accepted for interface symmetry.
        check_id(family, "family")
        return bool(await self._do(self._client.exists(self._revoked_key(family))))

    async def is_access_revoked(self, jti: str, family: str | None) -> bool:
        """Whether ``family`` is revoked or ``jti`` denylisted: one ``EXISTS``, sent with the
        other checks asked in the same turn of the event loop (see the module's text)."""
        keys = [self._denied_key(check_id(jti, "jti"))]
        if family:
            keys.append(self._revoked_key(check_id(family, "family")))
        if self._closed:
            raise StoreUnavailableError("store is closed")
        loop = asyncio.get_running_loop()
        checks = self._checks
        if checks is None or checks.loop is not loop or len(checks.waiting) >= _BATCH_MAX:
            # the first check of this turn: the sending task runs after the callbacks already
            # due (the other requests of this turn), which add their checks meanwhile
            checks = self._checks = _Checks(loop, self)
            task = loop.create_task(self._send(checks))
            self._sending.add(task)
            task.add_done_callback(checks.sent)
        answer: asyncio.Future[bool] = loop.create_future()
        checks.waiting.append((keys, answer))
        # No deadline of its own: the sending task runs under the store's deadline, and every
        # check it carries is answered or failed when it ends, however it ends (_Checks.sent).
        return await answer

    async def _send(self, checks: _Checks) -> None:
        """Sends the checks of one turn: one ``EXISTS`` alone, several as one ``_CHECKS``
        (on a cluster: one pipeline)."""
        if self._checks is checks:
            self._checks = None  # checks asked from now on go in the next turn's batch
        waiting = [(keys, answer) for keys, answer in checks.waiting if not answer.done()]
        if not waiting:
            return
        try:
            if len(waiting) == 1:
                answers = [await self._do(self._client.exists(*waiting[0][0]))]
            elif not self._cluster:
                answers = await self._batch([keys for keys, _ in waiting])
            else:
                answers = await self._cluster_batch([keys for keys, _ in waiting])
        except StoreUnavailableError as exc:
            checks.fail(exc)
            return
        for (_, answer), revoked in zip(waiting, answers):
            if not answer.done():
                answer.set_result(bool(revoked))

    async def _batch(self, checks: list[list[str]]) -> list[bool]:
        """Each check's answer (revoked?) from one ``_CHECKS`` call; an answer of another
        length or with other characters fails the batch (never read as "not revoked")."""
        sizes = "".join(str(len(keys)) for keys in checks)
        reply = await self._do(
            self._checks_script(keys=[key for keys in checks for key in keys], args=[sizes])
        )
        if isinstance(reply, str):  # a client of the app's own with decode_responses=True
            reply = reply.encode()
        if not isinstance(reply, bytes) or len(reply) != len(checks) or reply.strip(b"01"):
            raise StoreUnavailableError("unexpected answer to the revocation checks")
        return [flag == 0x31 for flag in reply]  # b"1"

    async def _cluster_batch(self, checks: list[list[str]]) -> list[bool]:
        """Each check's answer from one pipeline of one ``EXISTS`` per key: on Redis Cluster a
        check's two keys lie in two slots (the cluster client routes each command)."""
        pipe = self._client.pipeline(transaction=False)
        for keys in checks:
            for key in keys:
                pipe.exists(key)
        counts = await self._do(pipe.execute())
        if len(counts) != sum(len(keys) for keys in checks):
            raise StoreUnavailableError("unexpected answer from the revocation pipeline")
        each = iter(counts)
        return [sum(islice(each, len(keys))) > 0 for keys in checks]

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
            # a pipeline already sent gets its answer (or fails at its deadline) before the
            # client closes; checks not sent yet fail closed ("store is closed")
            if self._sending:
                await asyncio.wait(set(self._sending))
            await self._client.aclose()


class _Checks:
    """The revocation checks asked in one turn of one event loop: their keys and the future
    each waits on."""

    __slots__ = ("loop", "store", "waiting")

    def __init__(self, loop: asyncio.AbstractEventLoop, store: RedisStore) -> None:
        self.loop = loop
        self.store = store
        self.waiting: list[tuple[list[str], asyncio.Future[bool]]] = []

    def fail(self, exc: BaseException) -> None:
        """Fails every check not answered yet, each with an error of its own (one exception
        object raised in several tasks would share its traceback)."""
        for _, answer in self.waiting:
            if not answer.done():
                error = StoreUnavailableError(str(exc) or "redis store unavailable")
                error.__cause__ = exc
                answer.set_exception(error)

    def sent(self, task: asyncio.Task[None]) -> None:
        """The sending task's end: a check it left unanswered (the task cancelled, say, even
        before it began) fails closed instead of waiting for ever."""
        self.store._sending.discard(task)
        if self.store._checks is self:
            self.store._checks = None
        if not all(answer.done() for _, answer in self.waiting):
            self.fail(StoreUnavailableError("redis store unavailable (the check was not sent)"))
