"""The Redis store decides inside Redis (Lua) with the core's formulas: same inputs, same
decisions. The memory store calls the core directly, so it is the reference."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from authcore.stores import (
    MemoryStore,
    Quota,
    RedisStore,
    SessionPolicy,
    SessionStore,
    SQLiteStore,
)
from store_helpers import unique_prefix

pytestmark = pytest.mark.asyncio

QUOTAS = [Quota(1, 1), Quota(1, 1_000), Quota(3, 250), Quota(5, 12_000), Quota(10, 7)]


@pytest.mark.parametrize("seed", range(4))
async def test_gcra_in_lua_matches_the_core(redis_url: str, seed: int) -> None:
    rng = random.Random(seed)
    core, lua = MemoryStore(), RedisStore(redis_url, prefix=unique_prefix())
    # Simulated clock ahead of the real one, so Redis never expires a key by its own clock
    # before the simulated time passes its TAT.
    t = time.time_ns() // 1_000_000 + 3_600_000
    try:
        for step in range(300):
            quota = QUOTAS[rng.randrange(len(QUOTAS))]
            key = f"k{rng.randrange(3)}:{quota.burst}:{quota.period_ms}"
            r = rng.random()
            if r < 0.05:
                await core.reset_rate_limit(key)
                await lua.reset_rate_limit(key)
                continue
            if r < 0.10:
                t -= rng.randrange(0, 2 * quota.period_ms + 1)  # the clock may step back
            else:
                t += rng.choice(
                    [0, 0, 1, quota.period_ms // 2, quota.period_ms, 3 * quota.period_ms]
                )
            expected = await core.rate_limit(key, quota, t)
            got = await lua.rate_limit(key, quota, t)
            assert got == expected, (seed, step, key, t)
    finally:
        await lua.close()


async def test_gcra_in_lua_uses_the_redis_clock_when_no_time_is_given(redis_url: str) -> None:
    lua = RedisStore(redis_url, prefix=unique_prefix())
    try:
        quota = Quota(2, 60_000)
        assert [(await lua.rate_limit("k", quota)).allowed for _ in range(3)] == [
            True,
            True,
            False,
        ]
        d = await lua.rate_limit("k", quota)
        assert 0 < d.retry_after_ms <= 60_000
    finally:
        await lua.close()


@pytest.mark.parametrize("grace", [0, 30])
@pytest.mark.parametrize("seed", range(3))
async def test_refresh_decisions_agree_across_stores(
    redis_url: str, tmp_path: Path, seed: int, grace: int
) -> None:
    """Every store, Redis's Lua script included, takes the core's decisions; with a grace
    window (the clock stays within it here) a token used again is ``repeat``."""
    rng = random.Random(seed)
    policy = SessionPolicy(access_ttl=60, refresh_ttl=3600, leeway=2, grace=grace)
    stores: list[SessionStore] = [
        MemoryStore(),
        SQLiteStore(str(tmp_path / "s.db")),
        RedisStore(redis_url, prefix=unique_prefix()),
    ]
    seen: set[str] = set()
    try:
        t = int(time.time())
        for step in range(150):
            fam = f"fam-{rng.randrange(4)}-0000000000"
            if rng.random() < 0.1:
                for s in stores:
                    await s.revoke_family(fam, policy.family_until(t))
                continue
            jti = f"{fam}-jti-{rng.randrange(6)}"
            outcomes = [await s.use_refresh(jti, fam, t + 600, policy, t) for s in stores]
            assert len(set(outcomes)) == 1, (seed, step, jti, outcomes)
            seen.add(outcomes[0])
            revoked = [await s.is_family_revoked(fam) for s in stores]
            assert len(set(revoked)) == 1, (seed, step, fam, revoked)
        assert ("repeat" in seen) == (grace > 0) and "ok" in seen
    finally:
        for s in stores:
            await s.close()
