"""Sessions over a store: what the login, refresh and logout routes call.

:class:`Sessions` turns the store's answers into the session-layer exceptions (each with the
core's ``code``) and holds the login rate limits, three buckets per attempt:

- per client address (IPv6 grouped by ``/64``, the block one host usually controls):
  :data:`DEFAULT_LOGIN_PER_CLIENT`, 20 a minute;
- per (account, client) pair: :data:`DEFAULT_LOGIN_PER_USER`, 5 at once then one a minute —
  an attacker guessing one account from one address is slowed down there, and the owner on
  another client is not;
- per account, whatever the client: :data:`DEFAULT_LOGIN_PER_ACCOUNT`, a higher ceiling (30 at
  once, then 30 a minute) that bounds guessing from many addresses. Locking the owner out
  takes more than 30 guesses a minute, so at least 6 addresses (each held to 5 a minute by the
  pair limit); an account sees at most about 43,000 guesses a day.

Usernames are case-folded and stored only as hashes. Every attempt counts before the password
is checked, so parallel guesses cannot slip through; a successful login resets its pair's
bucket (``reset_user_on_success``), so the owner is not locked out by their own typos once they
get in. A request without a client address (a Unix socket, a proxy that sends none) counts
against the account ceiling only: it is never pooled with every other such client into one
bucket.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from ..exceptions import RateLimitedError, TokenReusedError, TokenRevokedError
from ._base import Quota, SessionPolicy, SessionStore, clock_s

__all__ = [
    "DEFAULT_LOGIN_PER_ACCOUNT",
    "DEFAULT_LOGIN_PER_CLIENT",
    "DEFAULT_LOGIN_PER_USER",
    "Sessions",
]

DEFAULT_LOGIN_PER_CLIENT = Quota(burst=20, period_ms=3_000)
"""20 attempts at once per client address, then one every 3 s (20 per minute)."""
DEFAULT_LOGIN_PER_USER = Quota(burst=5, period_ms=60_000)
"""5 attempts at once per (account, client address) pair, then one per minute."""
DEFAULT_LOGIN_PER_ACCOUNT = Quota(burst=30, period_ms=2_000)
"""30 attempts at once per account from all clients together, then 30 per minute."""


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def client_key(client: str, ipv6_prefix: int = 64) -> str:
    """The rate-limit key of a client address (IPv6 grouped by ``ipv6_prefix`` bits)."""
    try:
        ip = ipaddress.ip_address(client)
    except ValueError:
        return "login:client:" + _digest(client)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"login:client:{ip.ipv4_mapped}"
        net = ipaddress.IPv6Network(f"{ip}/{ipv6_prefix}", strict=False)
        return f"login:client:{net}"
    return f"login:client:{ip}"


def user_key(username: str) -> str:
    """The rate-limit key of a username (case-folded and hashed: no address is stored)."""
    return "login:user:" + _digest(username.strip().casefold())


def pair_key(username: str, client: str, ipv6_prefix: int = 64) -> str:
    """The rate-limit key of one (account, client address) pair (hashed)."""
    return "login:pair:" + _digest(
        username.strip().casefold() + "\0" + client_key(client, ipv6_prefix)
    )


class Sessions:
    """Refresh rotation, revocation and login throttling for one app, over ``store``.

    ``policy`` must be the app's token lifetimes and leeway: it decides how long records
    live. ``login_per_client`` (per address), ``login_per_user`` (per account and address) and
    ``login_per_account`` (per account) may be ``None`` to switch a limit off.
    ``deny_access_on_logout``: :meth:`revoke_access` records access ``jti`` s (apps that check
    access tokens against the store see them rejected at once).
    """

    def __init__(
        self,
        store: SessionStore,
        policy: SessionPolicy,
        *,
        login_per_client: Quota | None = DEFAULT_LOGIN_PER_CLIENT,
        login_per_user: Quota | None = DEFAULT_LOGIN_PER_USER,
        login_per_account: Quota | None = DEFAULT_LOGIN_PER_ACCOUNT,
        reset_user_on_success: bool = True,
        ipv6_prefix: int = 64,
    ) -> None:
        if not 0 < ipv6_prefix <= 128:
            raise ValueError("ipv6_prefix must be between 1 and 128")
        self.store = store
        self.policy = policy
        self.login_per_client = login_per_client
        self.login_per_user = login_per_user
        self.login_per_account = login_per_account
        self.reset_user_on_success = reset_user_on_success
        self.ipv6_prefix = ipv6_prefix

    @classmethod
    def from_url(cls, url: str, policy: SessionPolicy, **kwargs: Any) -> Sessions:
        """Sessions over :func:`~authcore.stores.store_from_url` ``(url)``; ``kwargs`` as for
        the constructor."""
        from . import store_from_url

        return cls(store_from_url(url), policy, **kwargs)

    def __repr__(self) -> str:
        return f"Sessions({self.store!r}, {self.policy!r})"

    # -- login -----------------------------------------------------------------------------

    async def check_login(self, client: str | None, username: str) -> None:
        """Counts one login attempt; raises :class:`RateLimitedError` when over a limit.

        The client limit is checked first, then the (account, client) pair, then the account
        ceiling; a request refused by one bucket does not spend the next ones. ``client`` is
        ``None`` when the request has no client address: only the account ceiling applies."""
        buckets: list[tuple[str, Quota | None]] = []
        if client is not None:
            buckets.append((client_key(client, self.ipv6_prefix), self.login_per_client))
            buckets.append((pair_key(username, client, self.ipv6_prefix), self.login_per_user))
        buckets.append((user_key(username), self.login_per_account))
        for key, quota in buckets:
            if quota is None:
                continue
            d = await self.store.rate_limit(key, quota)
            if not d.allowed:
                raise RateLimitedError(retry_after=d.retry_after)

    async def login_failed(self, client: str | None, username: str) -> None:
        """Nothing more to record: :meth:`check_login` already counted the attempt."""

    async def login_succeeded(self, client: str | None, username: str) -> None:
        if self.reset_user_on_success and self.login_per_user is not None and client is not None:
            await self.store.reset_rate_limit(pair_key(username, client, self.ipv6_prefix))

    # -- refresh ---------------------------------------------------------------------------

    async def start_family(
        self, *, fam: str, jti: str, sub: str, exp: int, user_agent: str | None = None
    ) -> None:
        """Lists the new session under its subject (for :meth:`list_sessions` and
        :meth:`revoke_user`) until its refresh tokens can no longer verify."""
        now = clock_s()
        await self.store.add_family(
            sub, fam, self.policy.family_until(now), now, (user_agent or "")[:200]
        )

    async def rotate(
        self, *, fam: str, jti: str, exp: int, new_jti: str = "", new_exp: int = 0
    ) -> str:
        """Spends the verified refresh token ``jti``; raises :class:`TokenReusedError` (the
        family is now revoked) or :class:`TokenRevokedError`. Returns ``"ok"``, or
        ``"repeat"`` when the token was presented again within the grace window."""
        outcome = await self.store.use_refresh(jti, fam, exp, self.policy)
        if outcome == "reused":
            raise TokenReusedError()
        if outcome not in ("ok", "repeat"):
            raise TokenRevokedError()
        await self.store.touch_family(fam, clock_s())
        return outcome

    # -- logout and revocation -------------------------------------------------------------

    async def revoke_family(self, *, fam: str, exp: int = 0) -> None:
        """Ends a session: the family stays revoked until its last token would have expired
        (and at least until ``exp`` plus leeway)."""
        until = max(self.policy.family_until(clock_s()), self.policy.record_until(exp))
        await self.store.revoke_family(fam, until)

    async def revoke_user(self, sub: str) -> int:
        """Logout everywhere: revokes every live family of ``sub`` until its last token would
        have expired; returns how many."""
        return await self.store.revoke_user(sub, self.policy.family_until(clock_s()))

    async def list_sessions(self, sub: str) -> list[dict[str, Any]]:
        """The live, unrevoked sessions of ``sub``, newest first."""
        return await self.store.list_families(sub)

    async def revoke_session(self, sub: str, fam: str) -> bool:
        """Revokes the family ``fam`` if it is a live session of ``sub``."""
        if not any(f["id"] == fam for f in await self.store.list_families(sub)):
            return False
        await self.store.revoke_family(fam, self.policy.family_until(clock_s()))
        return True

    async def revoke_access(self, *, jti: str, exp: int) -> None:
        """Denylists one access token until it expires."""
        await self.store.deny_access_jti(jti, self.policy.record_until(exp))

    def known_live(self, *, jti: str, fam: str | None) -> bool:
        """Whether the store can tell at once, without I/O, that the access token ``jti`` of
        family ``fam`` was not revoked (its optional ``known_unrevoked``: the memory store
        always, the SQLite store for a token it checked since the last commit to the file);
        then :meth:`check_access` has nothing to add. ``False`` means "ask
        :meth:`check_access`". Never raises: a store of the app's own without the method, or
        whose method fails, is asked."""
        known = getattr(self.store, "known_unrevoked", None)
        if known is None:
            return False
        try:
            return known(jti, fam) is True
        except Exception:  # noqa: BLE001 — a store of the app's own: then ask check_access
            return False

    async def check_access(self, *, jti: str, fam: str | None) -> None:
        """Raises :class:`TokenRevokedError` if the access token's family was revoked or the
        token itself was denylisted."""
        one_step = getattr(self.store, "is_access_revoked", None)
        if one_step is not None:  # one round trip for both records
            if await one_step(jti, fam):
                raise TokenRevokedError()
            return
        if fam and await self.store.is_family_revoked(fam):
            raise TokenRevokedError()
        if await self.store.is_access_jti_denied(jti):
            raise TokenRevokedError()

    async def close(self) -> None:
        await self.store.close()
