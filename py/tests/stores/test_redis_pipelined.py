"""The Redis store's per-request revocation check is batched: the checks asked in one turn of
the event loop go to Redis together (one script call on a server, one pipeline on a cluster),
and each still gets its own, current answer — or fails closed. Against a real redis-server."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import time
from collections.abc import Callable

import pytest
from authcore.exceptions import StoreUnavailableError
from authcore.stores import RedisStore
from store_helpers import RedisServer, cluster_store, hex_id, unique_prefix

pytestmark = pytest.mark.asyncio

T = int(time.time()) + 3600


@pytest.fixture(params=["redis", "redis-cluster"])
def stores(request: pytest.FixtureRequest) -> Callable[[], RedisStore]:
    """Makes stores on one Redis: a server, or a cluster of three (whose client routes each
    key to its node: a batch is then a pipeline of one ``EXISTS`` per key)."""
    prefix = unique_prefix()
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        return lambda: RedisStore(url, prefix=prefix)
    url = request.getfixturevalue("redis_cluster_url")
    return lambda: cluster_store(url, prefix)


async def reads_processed(store: RedisStore) -> int:
    """How many reads (network round trips from any client) the server has served."""
    return int((await store.client.info("stats"))["total_reads_processed"])


async def asks_for(store: RedisStore) -> list[tuple[str, str | None, bool]]:
    """45 checks in random order, each with the answer it must get: revoked families, denied
    tokens with and without a family, and unrevoked ones."""
    revoked_fams = {hex_id() for _ in range(5)}
    denied_jtis = {hex_id() for _ in range(5)}
    for fam in revoked_fams:
        await store.revoke_family(fam, T)
    for jti in denied_jtis:
        await store.deny_access_jti(jti, T)
    asks: list[tuple[str, str | None, bool]] = []
    asks += [(hex_id(), fam, True) for fam in revoked_fams]
    asks += [(jti, hex_id(), True) for jti in denied_jtis]
    asks += [(jti, None, True) for jti in denied_jtis]
    asks += [(hex_id(), hex_id(), False) for _ in range(20)]
    asks += [(hex_id(), None, False) for _ in range(5)]
    secrets.SystemRandom().shuffle(asks)
    return asks


async def test_checks_asked_together_each_get_their_own_answer(
    stores: Callable[[], RedisStore],
) -> None:
    store = stores()
    for _ in range(3):
        asks = await asks_for(store)
        answers = await asyncio.gather(*(store.is_access_revoked(j, f) for j, f, _ in asks))
        assert answers == [expected for _, _, expected in asks]
    await store.close()


async def test_checks_asked_together_take_one_round_trip(private_redis: RedisServer) -> None:
    store = RedisStore(private_redis.url, prefix=unique_prefix())
    asks = await asks_for(store)
    # connected, and the batch's script known to the server (the first batch on a server, or
    # after a restart, loads it: two round trips more): the count below is the checks' alone
    await asyncio.gather(*(store.is_access_revoked(hex_id(), hex_id()) for _ in range(2)))
    before = await reads_processed(store)
    answers = await asyncio.gather(*(store.is_access_revoked(j, f) for j, f, _ in asks))
    after = await reads_processed(store)
    assert answers == [expected for _, _, expected in asks]
    # 45 checks asked in one turn: one command (one read), and the INFO call itself; asked
    # one by one they would take 45 round trips
    assert after - before <= 3, after - before
    await store.close()


async def test_checks_are_answered_after_the_server_forgot_the_script(redis_url: str) -> None:
    """A Redis restarted without its script cache (or ``SCRIPT FLUSH``): the next batch loads
    the script again and every check still gets its own answer."""
    store = RedisStore(redis_url, prefix=unique_prefix())
    for _ in range(2):
        asks = await asks_for(store)
        await store.client.script_flush()
        answers = await asyncio.gather(*(store.is_access_revoked(j, f) for j, f, _ in asks))
        assert answers == [expected for _, _, expected in asks]
    await store.close()


async def test_a_client_that_decodes_answers_gets_the_same_answers(redis_url: str) -> None:
    """A client of the app's own made with ``decode_responses=True`` (answers as ``str``)."""
    import redis.asyncio as aioredis

    store = RedisStore(
        client=aioredis.Redis.from_url(redis_url, decode_responses=True), prefix=unique_prefix()
    )
    asks = await asks_for(store)
    answers = await asyncio.gather(*(store.is_access_revoked(j, f) for j, f, _ in asks))
    assert answers == [expected for _, _, expected in asks]
    await store.close()


@pytest.mark.parametrize(
    "script",
    [
        "return string.sub(string.rep('0', #ARGV[1]), 2)",  # one answer short
        "return string.rep('0', #ARGV[1]) .. '0'",  # one answer more
        "return string.rep('2', #ARGV[1])",  # not an answer
        "return 0",  # an integer
        "return {0, 0}",  # a list
        "return redis.error_reply('ERR no')",  # an error
    ],
)
async def test_a_malformed_answer_fails_every_check_of_the_batch(
    redis_url: str, script: str
) -> None:
    """The batch's answer is one character a check: any other answer (a server script other
    than the store's, say) fails each check closed, never reads as "not revoked"."""
    store = RedisStore(redis_url, prefix=unique_prefix())
    store._checks_script = store.client.register_script(script)  # a real script on the server
    results = await asyncio.gather(
        *(store.is_access_revoked(hex_id(), hex_id()) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, StoreUnavailableError) for r in results), results
    assert len({id(r) for r in results}) == 5  # each its own error
    await store.close()


async def test_a_revocation_committed_before_a_check_is_seen_by_it(
    stores: Callable[[], RedisStore],
) -> None:
    """Each check is sent after it was asked: batching never answers from an earlier read."""
    store, other = stores(), stores()  # another worker, same Redis
    for _ in range(5):
        jti, fam = hex_id(), hex_id()
        assert (
            await asyncio.gather(*(store.is_access_revoked(jti, fam) for _ in range(10)))
            == [False] * 10
        )
        await other.revoke_family(fam, T)
        assert (
            await asyncio.gather(*(store.is_access_revoked(jti, fam) for _ in range(10)))
            == [True] * 10
        )
        await other.deny_access_jti(jti, T)
        assert await store.is_access_revoked(jti, None) is True
    await store.close()
    await other.close()


async def test_a_stalled_redis_fails_every_check_of_a_batch_at_the_deadline(
    private_redis: RedisServer,
) -> None:
    store = RedisStore(private_redis.url, prefix=unique_prefix(), timeout=0.3)
    jti, fam = hex_id(), hex_id()
    await store.revoke_family(fam, T)
    pid = int((private_redis.dir / "redis.pid").read_text())
    os.kill(pid, signal.SIGSTOP)
    try:
        start = time.monotonic()
        results = await asyncio.wait_for(
            asyncio.gather(
                *(store.is_access_revoked(jti, fam) for _ in range(12)), return_exceptions=True
            ),
            timeout=5,
        )
        elapsed = time.monotonic() - start
    finally:
        os.kill(pid, signal.SIGCONT)
    assert all(isinstance(r, StoreUnavailableError) for r in results), results
    assert all(getattr(r, "code", None) == "store_unavailable" for r in results)
    assert len({id(r) for r in results}) == 12  # each request its own error
    assert elapsed < 2, elapsed
    # answers again, each check its own answer (the stalled batch's late answers not read)
    both = await asyncio.gather(
        store.is_access_revoked(jti, fam), store.is_access_revoked(hex_id(), hex_id())
    )
    assert list(both) == [True, False]
    await store.close()


async def test_a_check_whose_request_went_away_does_not_disturb_the_others(
    redis_url: str,
) -> None:
    store = RedisStore(redis_url, prefix=unique_prefix())
    fam = hex_id()
    await store.revoke_family(fam, T)
    tasks = [asyncio.ensure_future(store.is_access_revoked(hex_id(), fam)) for _ in range(10)]
    await asyncio.sleep(0)  # every check asked, none answered yet
    for task in tasks[::3]:
        task.cancel()  # the client disconnected
    done = await asyncio.gather(*tasks, return_exceptions=True)
    for i, result in enumerate(done):
        if i % 3 == 0:
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert result is True
    assert await store.is_access_revoked(hex_id(), hex_id()) is False
    await store.close()


async def test_checks_asked_before_close_and_not_yet_sent_fail_closed(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=unique_prefix())
    await store.ping()
    tasks = [asyncio.ensure_future(store.is_access_revoked(hex_id(), hex_id())) for _ in range(5)]
    await asyncio.sleep(0)  # asked; the batch that carries them is not sent yet
    await store.close()  # in this task, at once: before the batch's task runs
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=5)
    assert all(isinstance(r, StoreUnavailableError) for r in results), results
    with pytest.raises(StoreUnavailableError):
        await store.is_access_revoked(hex_id(), hex_id())


async def test_concurrent_requests_of_a_logged_out_session_are_refused_and_others_served(
    stores: Callable[[], RedisStore],
) -> None:
    """Through a FastAPI app: requests in flight together, two sessions, one logged out — each
    request gets its own session's answer."""
    import httpx
    from authcore.fastapi import AccessClaims, AuthCore, AuthSettings
    from fastapi import Depends, FastAPI

    store = stores()
    auth = AuthCore(AuthSettings(secret=secrets.token_urlsafe(48)), store=store)
    app = FastAPI()

    @app.get("/me")
    async def me(claims: AccessClaims = Depends(auth.current_claims)) -> dict[str, str]:
        return {"sub": claims.sub}

    auth.install(app)
    live, live_refresh = auth.issue_pair("ann", ["student"], [])
    gone, gone_refresh = auth.issue_pair("bob", ["student"], [])
    for refresh in (live_refresh, gone_refresh):
        await auth.start_session(refresh)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/api/v1/auth/logout", json={"refresh_token": gone.refresh_token})
        assert r.status_code == 204
        tokens = [live.access_token, gone.access_token] * 10
        responses = await asyncio.gather(
            *(c.get("/me", headers={"Authorization": f"Bearer {t}"}) for t in tokens)
        )
    for token, r in zip(tokens, responses):
        if token == live.access_token:
            assert r.status_code == 200 and r.json() == {"sub": "ann"}
        else:
            assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    await store.close()
