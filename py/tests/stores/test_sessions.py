"""`Sessions`: login throttling, rotation, revocation, as the HTTP routes use them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from authcore.exceptions import (
    RateLimitedError,
    StoreUnavailableError,
    TokenReusedError,
    TokenRevokedError,
)
from authcore.stores import MemoryStore, Quota, SessionPolicy, Sessions
from authcore.stores.sessions import client_key, user_key

pytestmark = pytest.mark.asyncio

POLICY = SessionPolicy(access_ttl=900, refresh_ttl=86400, leeway=0)


def sessions(**kw: Any) -> Sessions:
    kw.setdefault("login_per_client", Quota(10, 60_000))
    kw.setdefault("login_per_user", Quota(3, 60_000))
    return Sessions(MemoryStore(), POLICY, **kw)


async def test_per_user_limit_counts_every_attempt_and_says_when_to_retry() -> None:
    s = sessions()
    for _ in range(3):
        await s.check_login("10.0.0.1", "alice@example.com")
        await s.login_failed("10.0.0.1", "alice@example.com")
    with pytest.raises(RateLimitedError) as e:
        await s.check_login("10.0.0.1", "Alice@Example.com ")  # same account, same address
    assert e.value.code == "rate_limited"
    assert e.value.retry_after == 60
    # The owner on a clean client still gets in, and someone else is not affected.
    await s.check_login("10.0.0.2", "alice@example.com")
    await s.check_login("10.0.0.1", "bob@example.com")


async def test_guesses_from_anywhere_do_not_lock_the_owner_out() -> None:
    """Issue 15, fix 5: five wrong guesses a minute from anywhere kept the owner at 429. Now
    the per-(account, client) limit stops the guesser and the owner's clean client gets in;
    only the higher per-account ceiling counts every client."""
    s = sessions(login_per_user=Quota(5, 60_000), login_per_account=Quota(12, 60_000))
    for _ in range(5):
        await s.check_login("203.0.113.66", "owner@example.com")
    with pytest.raises(RateLimitedError):
        await s.check_login("203.0.113.66", "owner@example.com")
    await s.check_login("198.51.100.7", "owner@example.com")  # the owner
    # The ceiling: guesses spread over many addresses stop at 12 for the account.
    for i in range(6):
        await s.check_login(f"192.0.2.{i}", "owner@example.com")
    with pytest.raises(RateLimitedError):
        await s.check_login("192.0.2.200", "owner@example.com")


async def test_requests_without_a_client_address_are_not_pooled() -> None:
    """Issue 15, fix 4: with no client address (--uds, a proxy that sends none) every client
    shared one bucket, so 20 failed logins locked everyone out."""
    s = sessions(login_per_client=Quota(20, 60_000), login_per_account=Quota(30, 60_000))
    for i in range(25):
        await s.check_login(None, f"user{i}@example.com")
    await s.check_login(None, "owner@example.com")


async def test_success_resets_the_user_bucket_but_not_the_client_bucket() -> None:
    s = sessions(login_per_client=Quota(4, 60_000))
    for _ in range(2):
        await s.check_login("10.0.0.1", "alice")
    await s.login_succeeded("10.0.0.1", "alice")
    # alice has her full budget again ...
    await s.check_login("10.0.0.9", "alice")
    await s.check_login("10.0.0.9", "alice")
    await s.check_login("10.0.0.9", "alice")
    # ... while 10.0.0.1 spent 2 of its 4 and has 2 left.
    await s.check_login("10.0.0.1", "u1")
    await s.check_login("10.0.0.1", "u2")
    with pytest.raises(RateLimitedError):
        await s.check_login("10.0.0.1", "u3")


async def test_no_reset_when_configured_off() -> None:
    s = sessions(reset_user_on_success=False, login_per_user=Quota(1, 60_000))
    await s.check_login("10.0.0.1", "alice")
    await s.login_succeeded("10.0.0.1", "alice")
    with pytest.raises(RateLimitedError):
        await s.check_login("10.0.0.1", "alice")


async def test_a_throttled_client_does_not_drain_the_users_budget() -> None:
    s = sessions(login_per_client=Quota(1, 60_000), login_per_user=Quota(2, 60_000))
    await s.check_login("203.0.113.7", "alice")
    for _ in range(5):
        with pytest.raises(RateLimitedError):
            await s.check_login("203.0.113.7", "alice")
    # alice still has one attempt left from another address.
    await s.check_login("198.51.100.1", "alice")


async def test_ipv6_clients_are_grouped_by_their_64_prefix() -> None:
    s = sessions(login_per_client=Quota(2, 60_000), login_per_user=None)
    await s.check_login("2001:db8:1:2::1", "a")
    await s.check_login("2001:db8:1:2:ffff::9", "b")
    with pytest.raises(RateLimitedError):
        await s.check_login("2001:db8:1:2:abcd::1", "c")
    await s.check_login("2001:db8:1:3::1", "d")  # the next /64 is someone else
    assert client_key("::ffff:192.0.2.1") == client_key("192.0.2.1")
    assert client_key("testclient") == client_key("testclient") != client_key("other")
    # Usernames are never stored in the clear.
    assert "alice" not in user_key("alice") and user_key("ALICE") == user_key("alice")


async def test_limits_can_be_switched_off() -> None:
    s = sessions(login_per_client=None, login_per_user=None, login_per_account=None)
    for _ in range(50):
        await s.check_login("10.0.0.1", "alice")


async def test_rotate_reuse_and_logout() -> None:
    s = sessions()
    exp = int(time.time()) + 3600
    await s.start_family(fam="fam-1-0000000000", jti="j1-0000000000000", sub="alice", exp=exp)
    await s.rotate(
        fam="fam-1-0000000000",
        jti="j1-0000000000000",
        exp=exp,
        new_jti="j2-0000000000000",
        new_exp=exp,
    )
    with pytest.raises(TokenReusedError) as e:
        await s.rotate(
            fam="fam-1-0000000000",
            jti="j1-0000000000000",
            exp=exp,
            new_jti="j3-0000000000000",
            new_exp=exp,
        )
    assert e.value.code == "token_reused"
    with pytest.raises(TokenRevokedError) as e2:
        await s.rotate(
            fam="fam-1-0000000000",
            jti="j2-0000000000000",
            exp=exp,
            new_jti="j4-0000000000000",
            new_exp=exp,
        )
    assert e2.value.code == "token_revoked"
    # Access tokens of the family are rejected when the app checks them.
    with pytest.raises(TokenRevokedError):
        await s.check_access(jti="acc-1-0000000000", fam="fam-1-0000000000")

    await s.rotate(fam="fam-2-0000000000", jti="k1-0000000000000", exp=exp)
    await s.check_access(jti="acc-2-0000000000", fam="fam-2-0000000000")
    await s.revoke_family(fam="fam-2-0000000000", exp=exp)
    with pytest.raises(TokenRevokedError):
        await s.rotate(fam="fam-2-0000000000", jti="k2-0000000000000", exp=exp)
    with pytest.raises(TokenRevokedError):
        await s.check_access(jti="acc-2-0000000000", fam="fam-2-0000000000")


async def test_logout_revocation_outlives_every_token_of_the_family() -> None:
    store = MemoryStore()
    s = Sessions(store, POLICY)
    t = int(time.time())
    await s.revoke_family(fam="fam-000000000000", exp=t + 10)
    # Tokens rotated up to now live at most refresh_ttl: the revocation covers them all.
    assert await store.is_family_revoked("fam-000000000000", t + POLICY.refresh_ttl - 1)


async def test_access_denylist() -> None:
    s = sessions()
    exp = int(time.time()) + 900
    await s.check_access(jti="acc-000000000000", fam=None)
    await s.revoke_access(jti="acc-000000000000", exp=exp)
    with pytest.raises(TokenRevokedError):
        await s.check_access(jti="acc-000000000000", fam=None)


async def test_known_live_says_yes_only_when_the_store_knows_without_asking() -> None:
    """What the per-request check uses to skip the await: never "live" for a revoked family,
    a denylisted token, a closed store, or a store that cannot tell at once."""
    s = sessions()
    exp = int(time.time()) + 900
    assert s.known_live(jti="acc-000000000000", fam="fam-000000000000")
    assert s.known_live(jti="acc-000000000000", fam=None)
    await s.revoke_family(fam="fam-000000000000", exp=exp)
    assert not s.known_live(jti="acc-000000000000", fam="fam-000000000000")
    await s.revoke_access(jti="acc-000000000000", exp=exp)
    assert not s.known_live(jti="acc-000000000000", fam=None)
    assert s.known_live(jti="acc-000000000001", fam="fam-000000000001")
    await s.close()
    assert not s.known_live(jti="acc-000000000001", fam="fam-000000000001")

    class Asks(MemoryStore):
        known_unrevoked = None  # type: ignore[assignment]  # a store of the app's own: absent

    class Fails(MemoryStore):
        def known_unrevoked(self, jti: str, family: str | None) -> bool:
            raise RuntimeError("broken")

    class Truthy(MemoryStore):
        def known_unrevoked(self, jti: str, family: str | None) -> bool:
            return "yes"  # type: ignore[return-value]  # only True means "live"

    for store in (Asks(), Fails(), Truthy()):
        assert not Sessions(store, POLICY).known_live(jti="acc-000000000000", fam=None)


async def test_store_failure_propagates_as_store_unavailable() -> None:
    s = sessions()
    await s.close()
    for call in (
        s.check_login("10.0.0.1", "alice"),
        s.rotate(fam="f-00000000000000", jti="j-00000000000000", exp=int(time.time()) + 60),
        s.revoke_family(fam="f-00000000000000", exp=0),
        s.check_access(jti="j-00000000000000", fam="f-00000000000000"),
    ):
        with pytest.raises(StoreUnavailableError):
            await call
