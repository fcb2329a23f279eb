"""The store contract, run against every implementation (memory, SQLite, real Redis)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from authcore.stores import (
    MemoryStore,
    Quota,
    RedisStore,
    SessionPolicy,
    SessionStore,
    SQLiteStore,
)
from store_helpers import RedisServer

pytestmark = pytest.mark.asyncio

POLICY = SessionPolicy(access_ttl=900, refresh_ttl=7 * 86400, leeway=5)


def now() -> int:
    return int(time.time())


async def test_rotation_then_reuse_revokes_the_family(store: SessionStore) -> None:
    t = now()
    exp = t + 3600
    assert await store.use_refresh("jti-1-0000000000", "fam-A-0000000000", exp, POLICY, t) == "ok"
    # The next token of the family rotates normally.
    assert await store.use_refresh("jti-2-0000000000", "fam-A-0000000000", exp, POLICY, t) == "ok"
    # jti-1 again: stolen copy → reuse, and the family is revoked ...
    assert (
        await store.use_refresh("jti-1-0000000000", "fam-A-0000000000", exp, POLICY, t) == "reused"
    )
    assert await store.is_family_revoked("fam-A-0000000000")
    # ... so the newest token of the family (never used) is rejected too, and so is jti-1.
    assert (
        await store.use_refresh("jti-3-0000000000", "fam-A-0000000000", exp, POLICY, t) == "revoked"
    )
    assert (
        await store.use_refresh("jti-1-0000000000", "fam-A-0000000000", exp, POLICY, t) == "revoked"
    )
    # Another session is untouched.
    assert not await store.is_family_revoked("fam-B-0000000000")
    assert await store.use_refresh("jti-9-0000000000", "fam-B-0000000000", exp, POLICY, t) == "ok"


async def test_logout_revokes_the_family(store: SessionStore) -> None:
    t = now()
    await store.revoke_family("fam-L-0000000000", POLICY.family_until(t))
    assert await store.is_family_revoked("fam-L-0000000000")
    assert (
        await store.use_refresh("jti-L-0000000000", "fam-L-0000000000", t + 60, POLICY, t)
        == "revoked"
    )
    assert not await store.is_family_revoked("fam-other-000000")


async def test_access_denylist(store: SessionStore) -> None:
    t = now()
    assert not await store.is_access_jti_denied("acc-1-0000000000")
    await store.deny_access_jti("acc-1-0000000000", t + 60)
    assert await store.is_access_jti_denied("acc-1-0000000000")
    assert not await store.is_access_jti_denied("acc-2-0000000000")


async def test_concurrent_uses_of_one_token_rotate_exactly_once(store: SessionStore) -> None:
    """The read and the write are one atomic step: of 20 simultaneous uses, one wins."""
    t = now()
    outcomes = await asyncio.gather(
        *(
            store.use_refresh("jti-race-0000000", "fam-race-0000000", t + 60, POLICY, t)
            for _ in range(20)
        )
    )
    assert outcomes.count("ok") == 1
    # The first loser detects reuse and revokes; later ones may see the revocation.
    assert set(outcomes) - {"ok"} <= {"reused", "revoked"}
    assert "reused" in outcomes
    assert await store.is_family_revoked("fam-race-0000000")


async def test_rate_limit_burst_then_retry_after_then_reset(store: SessionStore) -> None:
    quota = Quota(3, 10_000)  # 3 at once, then one per 10 s
    t = int(time.time() * 1000)
    remaining = []
    for _ in range(3):
        d = await store.rate_limit("k", quota, t)
        assert d.allowed
        remaining.append(d.remaining)
    assert remaining == [2, 1, 0]
    d = await store.rate_limit("k", quota, t)
    assert not d.allowed
    assert (d.retry_after_ms, d.retry_after, d.remaining) == (10_000, 10, 0)
    # A denied request does not push the key further back.
    d = await store.rate_limit("k", quota, t + 4_000)
    assert (d.allowed, d.retry_after_ms) == (False, 6_000)
    # One cell comes back per period.
    assert (await store.rate_limit("k", quota, t + 10_000)).allowed
    assert not (await store.rate_limit("k", quota, t + 10_000)).allowed
    # Other keys have their own budget; a reset gives the full burst back.
    assert (await store.rate_limit("other", quota, t)).allowed
    await store.reset_rate_limit("k")
    assert (await store.rate_limit("k", quota, t + 10_000)).remaining == 2


async def test_revocation_is_never_shortened(store: SessionStore) -> None:
    t = now()
    await store.revoke_family("fam-X-0000000000", t + 3600)
    await store.revoke_family("fam-X-0000000000", t + 1)
    assert await store.is_family_revoked("fam-X-0000000000", t + 1800)
    await store.deny_access_jti("acc-X-0000000000", t + 3600)
    await store.deny_access_jti("acc-X-0000000000", t + 1)
    assert await store.is_access_jti_denied("acc-X-0000000000", t + 1800)


@pytest.mark.parametrize(
    "bad",
    ["", "x" * 15, "x" * 65, "fam.with.dots-000", "fam:colon-0000000", "fäm-000000000000", None, 7],
)
async def test_ids_the_core_refuses_are_refused(store: SessionStore, bad: Any) -> None:
    from authcore.exceptions import InvalidParamsError

    with pytest.raises(InvalidParamsError, match="jti must be 16 to 64 characters"):
        await store.use_refresh(bad, "fam-000000000000", now() + 60, POLICY)
    with pytest.raises(InvalidParamsError, match="family must be 16 to 64 characters"):
        await store.revoke_family(bad, now() + 60)
    with pytest.raises(InvalidParamsError):
        await store.deny_access_jti(bad, now() + 60)


async def test_ids_at_the_core_bounds_are_accepted(store: SessionStore) -> None:
    for ok in ("x" * 16, "A-z_09" + "y" * 58):
        assert await store.use_refresh(ok, ok, now() + 60, POLICY) == "ok"


@pytest.mark.parametrize("bad", ["", "x" * 257, None, 7])
async def test_rate_limit_keys_are_checked(store: SessionStore, bad: Any) -> None:
    with pytest.raises(ValueError):
        await store.rate_limit(bad, Quota(1, 1000))


async def test_closed_store_fails_closed(store: SessionStore) -> None:
    from authcore.stores import StoreUnavailableError

    await store.close()
    for call in (
        store.use_refresh("j-00000000000000", "f-00000000000000", now() + 60, POLICY),
        store.is_family_revoked("f-00000000000000"),
        store.rate_limit("k", Quota(1, 1000)),
        store.ping(),
    ):
        with pytest.raises(StoreUnavailableError) as e:
            await call
        assert e.value.code == "store_unavailable"


# ---- expiry: simulated time where the store takes `now`, real time for Redis --------------


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_records_expire_and_are_purged(kind: str, tmp_path: Path) -> None:
    s = MemoryStore() if kind == "memory" else SQLiteStore(str(tmp_path / "s.db"))
    try:
        t = 1_700_000_000
        policy = SessionPolicy(access_ttl=60, refresh_ttl=600, leeway=0)
        assert (
            await s.use_refresh("j1-0000000000000", "f1-0000000000000", t + 600, policy, t) == "ok"
        )
        assert (
            await s.use_refresh("j1-0000000000000", "f1-0000000000000", t + 600, policy, t + 1)
            == "reused"
        )
        # The revocation lasts until the family's last token expires, not a second longer.
        assert await s.is_family_revoked("f1-0000000000000", t + 1 + 600 - 1)
        assert not await s.is_family_revoked("f1-0000000000000", t + 1 + 600)
        await s.deny_access_jti("a1-0000000000000", t + 60)
        await s.rate_limit("k", Quota(1, 1_000), t * 1000)
        # Once everything is past its expiry, purge drops all four records.
        assert await s.purge_expired(t + 10_000) == 4
        assert await s.purge_expired(t + 10_000) == 0
        # A used jti whose token has expired is forgotten: nothing it could block verifies.
        assert (
            await s.use_refresh(
                "j1-0000000000000", "f1-0000000000000", t + 20_000, policy, t + 10_000
            )
            == "ok"
        )
    finally:
        await s.close()


async def test_redis_keys_carry_their_absolute_expiry(redis_url: str) -> None:
    s = RedisStore(redis_url, prefix="test:expiry:")
    client = s._client
    try:
        t = now()
        policy = SessionPolicy(access_ttl=60, refresh_ttl=600, leeway=5)
        await s.use_refresh("j1-0000000000000", "f1-0000000000000", t + 600, policy, t)
        assert (
            await client.expiretime("test:expiry:{f1-0000000000000}:used:j1-0000000000000")
            == t + 605
        )
        await s.use_refresh("j1-0000000000000", "f1-0000000000000", t + 600, policy, t)
        assert await client.expiretime(
            "test:expiry:{f1-0000000000000}:revoked"
        ) == policy.family_until(t)
        await s.deny_access_jti("a1-0000000000000", t + 60)
        assert await client.expiretime("test:expiry:denied:a1-0000000000000") == t + 60
        # Rate-limit state lives exactly until its TAT: then a fresh key means the same.
        d = await s.rate_limit("k", Quota(2, 150))
        assert d.allowed
        assert await client.pttl("test:expiry:rate:k") in range(1, 151)
        await asyncio.sleep(0.3)
        assert not await client.exists("test:expiry:rate:k")
    finally:
        await client.delete(*[k async for k in client.scan_iter("test:expiry:*")])
        await s.close()


async def test_redis_expired_records_are_gone(redis_url: str) -> None:
    """Real expiry, end to end: a revocation that ends in a second or two is over then.

    Times are whole seconds: `now() + 1` can be a millisecond away (and the record already gone
    when read back), so the revocation runs until `now() + 2`, between 1 and 2 s from here.
    """
    s = RedisStore(redis_url, prefix="test:ttl:")
    try:
        await s.revoke_family("f-00000000000000", now() + 2)
        assert await s.is_family_revoked("f-00000000000000")
        for _ in range(50):
            if not await s.is_family_revoked("f-00000000000000"):
                break
            await asyncio.sleep(0.1)
        assert not await s.is_family_revoked("f-00000000000000")
    finally:
        await s.close()


# ---- persistence and failure ------------------------------------------------------------


async def test_sqlite_state_survives_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions.db")
    t = now()
    first = SQLiteStore(path)
    assert (
        await first.use_refresh("j1-0000000000000", "f1-0000000000000", t + 60, POLICY, t) == "ok"
    )
    await first.revoke_family("f2-0000000000000", t + 60)
    await first.deny_access_jti("a1-0000000000000", t + 60)
    for _ in range(2):
        await first.rate_limit("k", Quota(2, 60_000))
    await first.close()

    second = SQLiteStore(path)
    try:
        assert (
            await second.use_refresh("j1-0000000000000", "f1-0000000000000", t + 60, POLICY, t)
            == "reused"
        )
        assert await second.is_family_revoked("f2-0000000000000")
        assert await second.is_access_jti_denied("a1-0000000000000")
        assert not (await second.rate_limit("k", Quota(2, 60_000))).allowed
    finally:
        await second.close()


async def test_two_sqlite_stores_on_one_file_share_state_atomically(tmp_path: Path) -> None:
    """Two processes' worth of connections: one token still rotates exactly once."""
    path = str(tmp_path / "shared.db")
    a, b = SQLiteStore(path), SQLiteStore(path)
    try:
        t = now()
        outcomes = await asyncio.gather(
            *(
                s.use_refresh("j-00000000000000", "f-00000000000000", t + 60, POLICY, t)
                for s in [a, b] * 10
            )
        )
        assert outcomes.count("ok") == 1
        assert await b.is_family_revoked("f-00000000000000") and await a.is_family_revoked(
            "f-00000000000000"
        )
    finally:
        await a.close()
        await b.close()


async def test_sqlite_unusable_file_fails_closed(tmp_path: Path) -> None:
    from authcore.stores import StoreUnavailableError

    s = SQLiteStore(str(tmp_path / "missing-dir" / "s.db"))
    with pytest.raises(StoreUnavailableError):
        await s.use_refresh("j-00000000000000", "f-00000000000000", now() + 60, POLICY)
    with pytest.raises(StoreUnavailableError):
        await s.rate_limit("k", Quota(1, 1000))
    # Once the directory exists the store works: it reconnects on the next call.
    (tmp_path / "missing-dir").mkdir()
    assert await s.use_refresh("j-00000000000000", "f-00000000000000", now() + 60, POLICY) == "ok"
    await s.close()


async def test_redis_down_fails_closed_and_restart_keeps_everything(
    private_redis: RedisServer,
) -> None:
    from authcore.stores import StoreUnavailableError

    s = RedisStore(private_redis.url, timeout=1.0)
    t = now()
    quota = Quota(2, 60_000)
    assert await s.use_refresh("j1-0000000000000", "f1-0000000000000", t + 600, POLICY, t) == "ok"
    await s.revoke_family("f2-0000000000000", t + 600)
    await s.deny_access_jti("a1-0000000000000", t + 600)
    for _ in range(2):
        assert (await s.rate_limit("k", quota)).allowed

    private_redis.kill()  # a crash: nothing gets flushed at shutdown
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: s.use_refresh("j2-0000000000000", "f3-0000000000000", t + 600, POLICY, t),
        lambda: s.revoke_family("f4-0000000000000", t + 600),
        lambda: s.is_family_revoked("f2-0000000000000"),
        lambda: s.deny_access_jti("a2-0000000000000", t + 600),
        lambda: s.is_access_jti_denied("a1-0000000000000"),
        lambda: s.rate_limit("k2", quota),
        lambda: s.reset_rate_limit("k"),
        lambda: s.ping(),
    ]
    for call in calls:
        with pytest.raises(StoreUnavailableError):
            await call()

    private_redis.start()  # same port, same data directory
    assert (
        await s.use_refresh("j1-0000000000000", "f1-0000000000000", t + 600, POLICY, t) == "reused"
    )
    assert await s.is_family_revoked("f2-0000000000000")
    assert await s.is_access_jti_denied("a1-0000000000000")
    assert not (await s.rate_limit("k", quota)).allowed
    await s.close()
