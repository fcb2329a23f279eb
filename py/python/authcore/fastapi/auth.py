"""`AuthCore`: the object a FastAPI app builds once and takes its dependencies and routes from.

.. code-block:: python

    auth = AuthCore(
        AuthSettings.from_env(),
        load_user=users.by_id,                  # (subject) -> user | None, sync or async
        load_credentials=users.credentials,     # (username) -> Credentials | None
        update_password_hash=users.set_hash,    # (subject, new_hash) -> None
        roles=[("admin", "teacher"), ("teacher", "student")],
        scopes={"grades:read": "Read grades", "grades:write": "Change grades"},
    )
    auth.install(app)      # /api/v1/auth/{tokens,refresh,logout} + the error handler

    @app.get("/me")
    async def me(user = Depends(auth.current_user)): ...

    @app.get("/classes")
    async def classes(user = Depends(auth.require_role("teacher"))): ...

    @app.get("/grades")
    async def grades(user = Security(auth.current_user, scopes=["grades:read"])): ...

Tokens: the core writes and checks both kinds (``authcore::session``). Access tokens carry
``typ: "access"``, ``sub``, ``jti``, ``fam`` (the session family), ``iat``, ``exp``, ``roles``
(when any) and ``scope``; refresh tokens ``typ: "refresh"``, ``sub``, ``jti``, ``fam``, ``iat``,
``exp`` and ``scope``: no roles (re-read from the user on refresh), and the scope only as the
session's grant, which a refresh never widens (RFC 6749 §6). Both carry ``iss``/``aud`` when configured. Every check
runs in the Rust core: signature, claims, token type, ids, roles with their hierarchy, scopes.

Sessions: with no store, refresh verifies the refresh token (signature, expiry, type), re-reads
the user and issues a new pair in the same family, and logout only verifies the token (tokens
stay valid until they expire; a warning says so at start-up). A store (``authcore.stores``:
memory, SQLite or Redis, wrapped in ``Sessions``) adds rotation with reuse detection (a reused
refresh token revokes its family: 401 ``token_reused``; one presented again within the
settings' ``refresh_grace`` gets a pair again), logout and logout everywhere, the list of a
user's sessions, login rate limiting per client address, per (account, client) and per account
(429 with ``Retry-After``) and, by default, a per-request check that the access token's session
was not revoked (``check_access_revocation``). A store that fails makes the request fail closed
with 503.

Events: ``on_event`` receives an :class:`~authcore.fastapi.models.AuthEvent` for each login
(succeeded, failed with a reason, rate-limited), refresh (rotated, reused), logout, logout
everywhere, password re-hash and store failure; by default each is one JSON log line on the
``authcore.audit`` logger. No event carries a secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
import json
import logging
import statistics
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Union

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from .. import _authcore
from .._authcore import (
    AccessVerifier,
    Ed25519PrivateKey,
    Ed25519PublicKey,
    Key,
    KeySet,
    SessionPolicy,
)
from ..authz import RoleHierarchy, has_role, has_scopes, is_scope_token
from ..exceptions import AuthError, PyJWTError
from ..passwords import PasswordHasher
from .config import AuthSettings, parse_networks
from .deps import build_dependencies
from .errors import AuthHTTPException, auth_error_handler, token_error, validation_error_handler
from .jwks import build_jwks_router
from .models import AccessClaims, AuthEvent, Credentials, RefreshClaims, TokenResponse
from .route import AuthRoute
from .routers import MAX_PASSWORD_BYTES, MAX_USERNAME_CHARS, build_router, requested_scopes

if TYPE_CHECKING:
    from ..stores import Quota, Sessions

__all__ = ["MAX_PASSWORD_BYTES", "MAX_USERNAME_CHARS", "AuthCore", "requested_scopes"]

log = logging.getLogger("authcore.fastapi")
audit_log = logging.getLogger("authcore.audit")

MaybeAwaitable = Union[Any, Awaitable[Any]]
RateSetting = Union["Quota", str, None]

_DEFAULT: Any = object()


def _sessions_for(
    store: Any,
    settings: AuthSettings,
    policy: SessionPolicy,
    per_client: Any,
    per_user: Any,
    per_account: Any,
) -> Sessions | None:
    """``store`` as a :class:`authcore.stores.Sessions`: given as one, wrapped from a bare
    store, or opened from ``settings.store_url``; ``None`` when nothing is configured."""
    if store is None and not settings.store_url:
        return None
    from .. import stores

    if isinstance(store, stores.Sessions):
        return store
    if store is None and settings.store_url is not None:
        store = stores.store_from_url(settings.store_url)
    limits: dict[str, Any] = {}
    for name, value, setting in (
        ("login_per_client", per_client, settings.login_rate_client),
        ("login_per_user", per_user, settings.login_rate_user),
        ("login_per_account", per_account, settings.login_rate_account),
    ):
        if value is _DEFAULT and setting is not None:  # AUTHCORE_LOGIN_RATE_* ("off" = none)
            value = None if setting.strip().lower() == "off" else setting
        if value is not _DEFAULT:
            limits[name] = stores.parse_quota(value) if isinstance(value, str) else value
    return stores.Sessions(store, policy, **limits)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_async(fn: Callable[..., Any]) -> bool:
    call = type(fn).__call__ if not inspect.isroutine(fn) else None
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(call)


def log_event(event: AuthEvent) -> None:
    """The default ``on_event``: one JSON line on the ``authcore.audit`` logger (WARNING for
    reuse and store failures, INFO otherwise)."""
    level = (
        logging.WARNING if event.kind in ("refresh_reused", "store_unavailable") else logging.INFO
    )
    if audit_log.isEnabledFor(level):
        audit_log.log(level, json.dumps(event.as_dict(), separators=(",", ":")))


_TIMING_WINDOW = 16  # password checks remembered per hash scheme for the login time floor


def _scheme(stored_hash: str | None) -> str:
    if stored_hash is None:
        return "dummy"
    if stored_hash.startswith("$argon2"):
        return "argon2"
    if stored_hash.startswith("$2"):
        return "bcrypt"
    return stored_hash[:12].split("$")[1] if stored_hash.startswith("$") else "other"


async def _call(fn: Callable[..., Any], is_async: bool, *args: Any) -> Any:
    """Calls an app callback: awaited if async, in the thread pool if sync."""
    result = await fn(*args) if is_async else await run_in_threadpool(fn, *args)
    if inspect.isawaitable(result):
        result = await result
    return result


class AuthCore:
    """Holds settings, keys, the password hasher and the app's callbacks; hands out FastAPI
    dependencies (:attr:`current_user`, :meth:`require_role`…) and the auth router.

    ``load_user(subject)`` returns the app's user object (or ``None`` when the account is gone
    or disabled); it may be sync (run in the thread pool) or async. When omitted,
    :attr:`current_user` returns the verified :class:`AccessClaims`. A user object's ``roles``
    and ``scopes`` attributes (iterables of str), when present, are re-read on refresh so role
    changes apply to the next access token.

    ``load_credentials(username)`` returns :class:`Credentials` or ``None`` for the login route.
    ``update_password_hash(subject, new_hash)`` stores a re-hashed password after a successful
    login with a stale (legacy bcrypt, old Argon2 parameters) hash.

    ``roles`` is a :class:`~authcore.authz.RoleHierarchy` or its ``(senior, junior)`` edges;
    ``scopes`` maps every OAuth2 scope the API knows to a description (shown in the docs'
    "Authorize" dialog).

    ``store`` is an :class:`authcore.stores.Sessions`, or a bare store (``MemoryStore``,
    ``SQLiteStore``, ``RedisStore``) wrapped in one with the settings' lifetimes and the
    ``login_rate_client`` / ``login_rate_user`` quotas (``"20/min"``, ``"5/min, burst=5"`` or
    a ``Quota``; the stores' defaults otherwise). Without one, ``settings.store_url``
    (``AUTHCORE_STORE``) is opened; without either, sessions are stateless.
    ``check_access_revocation`` (on by default when there is a store; the settings'
    ``check_access_revocation``, ``AUTHCORE_CHECK_REVOCATION``) asks the store on every
    request whether the access token's session was revoked (one lookup per request), so logout,
    logout everywhere and a detected reuse stop the access tokens at once.

    ``on_event(event)`` receives every :class:`AuthEvent` (sync or async; an exception it
    raises is logged and ignored); the default logs one JSON line each.

    ``min_login_time`` (seconds) is a floor for every failed login, on top of the adaptive one
    (:meth:`login_time_floor`): set it to the time of the slowest legacy hash the accounts
    still hold, so that even the first such check after start-up is not told apart.
    """

    def __init__(
        self,
        settings: AuthSettings | None = None,
        *,
        load_user: Callable[[str], MaybeAwaitable] | None = None,
        load_credentials: Callable[[str], MaybeAwaitable] | None = None,
        update_password_hash: Callable[[str, str], MaybeAwaitable] | None = None,
        hasher: PasswordHasher | None = None,
        roles: RoleHierarchy | Sequence[tuple[str, str]] | None = None,
        scopes: Mapping[str, str] | None = None,
        store: Any = None,
        check_access_revocation: bool | None = None,
        login_rate_client: Any = _DEFAULT,
        login_rate_user: Any = _DEFAULT,
        login_rate_account: Any = _DEFAULT,
        on_event: Callable[[AuthEvent], MaybeAwaitable] | None = log_event,
        min_login_time: float = 0.0,
        prefix: str = "/api/v1/auth",
    ) -> None:
        self.settings = settings if settings is not None else AuthSettings.from_env()
        self.hasher = hasher if hasher is not None else PasswordHasher()
        if roles is None or isinstance(roles, RoleHierarchy):
            self.roles: RoleHierarchy | None = roles
        else:
            self.roles = RoleHierarchy(list(roles))
        self.scopes: dict[str, str] = dict(scopes or {})
        for name in self.scopes:
            if not is_scope_token(name):
                raise ValueError(f"invalid OAuth2 scope name {name!r}")
        s = self.settings
        self.policy = s.policy()
        self.sessions = _sessions_for(
            store, s, self.policy, login_rate_client, login_rate_user, login_rate_account
        )
        if check_access_revocation is None:
            check_access_revocation = s.check_access_revocation
        self.check_access_revocation = check_access_revocation and self.sessions is not None
        self._trusted_proxies = parse_networks(s.trusted_proxies)
        self._warned_no_client = False
        self._on_event = on_event
        self._on_event_async = on_event is not None and _is_async(on_event)
        self._check_times: dict[str, deque[float]] = {}
        self.min_login_time = float(min_login_time)
        self.prefix = prefix.rstrip("/")
        self.token_url = f"{self.prefix}/tokens"

        self._load_user = load_user
        self._load_user_async = load_user is not None and _is_async(load_user)
        self._load_credentials = load_credentials
        self._load_credentials_async = load_credentials is not None and _is_async(load_credentials)
        self._update_hash = update_password_hash
        self._update_hash_async = update_password_hash is not None and _is_async(
            update_password_hash
        )

        self._retire_at: int | None = None
        self._audience = s.audience
        self._issuer = s.issuer
        self._keys = self._key_set(int(time.time()))  # its first key signs
        self._verifier = self._access_verifier()

        deps = build_dependencies(self)
        self.scheme: OAuth2PasswordBearer = deps.scheme
        self.current_claims = deps.current_claims
        self.current_user = deps.current_user
        self.optional_user = deps.optional_user
        self._require_role = deps.require_role
        self._router: APIRouter | None = None

    def _key_set(self, now: int) -> KeySet:
        """The signing key first, then the keys that only verify: the HS256 secret beside a
        signing key, previous HS256 secrets, and previous Ed25519 keys until they retire."""
        s = self.settings
        keys: list[Key | Ed25519PrivateKey | Ed25519PublicKey] = []
        if isinstance(s.signing_key, Ed25519PrivateKey):
            keys.append(s.signing_key)
        if s.secret is not None:
            keys.append(Key(s.secret, kid=s.secret_kid))
            keys += [Key(v, kid=k) for k, v in s.previous_secrets.items()]
        # the core decides which previous keys are still trusted at `now`
        live = [r for r in s.retired_keys() if self.policy.key_still_trusted(r.retired_at, now)]
        keys += [r.public_key for r in live]
        self._retire_at = min((r.until for r in live), default=None)
        return KeySet(keys)

    def _access_verifier(self) -> AccessVerifier:
        """What verifies access tokens with the current key set (remembering the tokens it
        accepted, ``settings.token_cache_size``; a new key set starts with none)."""
        return AccessVerifier(
            self._keys,
            self.policy,
            self._issuer,
            self._audience,
            self.settings.token_cache_size,
        )

    def keys_at(self, now: int) -> KeySet:
        """The key set at ``now``: a previous signing key leaves it (stops verifying, and is
        no longer published) once the last token it signed has expired. The set is rebuilt,
        asking the core again, from the earliest time the core gave for a key to leave."""
        if self._retire_at is not None and now >= self._retire_at:
            self._keys = self._key_set(now)
            self._verifier = self._access_verifier()
        return self._keys

    # -- wiring ------------------------------------------------------------------------------

    @property
    def publishes_keys(self) -> bool:
        """Whether tokens are EdDSA-signed (or were, by a key not yet retired): then
        :meth:`install` adds ``GET /.well-known/jwks.json``."""
        s = self.settings
        return s.signing_key is not None or bool(s.previous_signing_keys)

    def jwks(self, now: int | None = None) -> dict[str, Any]:
        """The JWKS document of the public keys that verify at ``now`` (the signing key's and
        the previous keys' until they retire); HS256 secrets are never in it."""
        return self.keys_at(int(time.time()) if now is None else now).jwks()

    @property
    def cookie_mode(self) -> bool:
        """Whether the refresh token travels in an HttpOnly cookie (``settings.cookie_mode``)."""
        return self.settings.cookie_mode

    @property
    def cookie_origins(self) -> Sequence[str]:
        """Origins besides the app's own allowed to call the cookie routes."""
        return self.settings.cookie_origins

    @property
    def refresh_ttl(self) -> int:
        return self.settings.refresh_ttl

    @property
    def has_store(self) -> bool:
        """Whether a session store is configured."""
        return self.sessions is not None

    @property
    def loads_users(self) -> bool:
        """Whether the app gave a ``load_user`` callback."""
        return self._load_user is not None

    @property
    def router(self) -> APIRouter:
        """The ``APIRouter`` with ``POST {prefix}/tokens``, ``/refresh`` and ``/logout``."""
        if self._router is None:
            self._router = build_router(self)
        return self._router

    def install(self, app: FastAPI) -> None:
        """Adds the auth router, the ``{"detail", "code"}`` error handler and a request
        validation handler that never echoes the input (400 ``invalid_json`` for a body that
        is not JSON, 422 ``invalid_request`` otherwise) to ``app``; makes this object reachable
        as ``app.state.authcore``; prepares the dummy hash; and runs :meth:`startup_checks`
        when the app starts (a store that cannot be used safely stops the start-up).

        The app's routes declared after this call (``@app.get``…) are :class:`AuthRoute` routes,
        which resolve authcore's dependencies without FastAPI's dependency solver (same values,
        errors and OpenAPI; less time per request); an ``APIRouter`` opts in with
        ``APIRouter(route_class=AuthRoute)``. An app whose router has a route class of its own
        keeps it."""
        if app.router.route_class is APIRoute:
            # the app's routes (@app.get…) resolve authcore's dependencies without FastAPI's
            # dependency solver, with the same results (route.py)
            app.router.route_class = AuthRoute
        app.include_router(self.router)
        if self.publishes_keys:
            app.include_router(build_jwks_router(self))
        app.add_exception_handler(AuthHTTPException, auth_error_handler)
        app.add_exception_handler(RequestValidationError, validation_error_handler)
        app.state.authcore = self
        # The dummy hash for unknown users is made now, so the first unknown-user login does
        # not take longer than a wrong password would.
        warm_up = getattr(self.hasher, "dummy_verify", None)
        if warm_up is not None:
            started = time.perf_counter()
            warm_up("authcore warm-up")
            self._remember_check("dummy", time.perf_counter() - started)
        inner = app.router.lifespan_context

        @contextlib.asynccontextmanager
        async def lifespan(a: Any) -> Any:
            await self.startup_checks()
            async with inner(a) as state:
                yield state

        app.router.lifespan_context = lifespan

    async def startup_checks(self) -> None:
        """Says loudly what the configuration does not do, and refuses what is unsafe:

        - no store: logout answers 204 but revokes nothing, and nothing is rate-limited
          (a ``RuntimeWarning`` and an ERROR log line);
        - a store whose ``check_config`` refuses (a Redis whose ``maxmemory-policy`` may evict
          session records) raises :class:`~authcore.fastapi.ConfigError`."""
        if self.sessions is None:
            msg = (
                "authcore: no session store configured (AUTHCORE_STORE): logout answers 204 but "
                "revokes nothing, refresh tokens are not rotated, logins are not rate-limited. "
                "Set AUTHCORE_STORE=sqlite:///sessions.db (or redis://…) in production."
            )
            log.error(msg)
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            return
        if not self._trusted_proxies:
            log.info(
                "authcore: login limits key on the peer address (no AUTHCORE_TRUSTED_PROXIES); "
                "behind a reverse proxy, list it there, or every client shares the proxy's "
                "limit; without any address (a Unix socket) only the per-account limit applies"
            )
        check = getattr(self.sessions.store, "check_config", None)
        if check is not None:
            await check()

    def require_role(self, *roles: str) -> Callable[..., Awaitable[Any]]:
        """Dependency: the current user, if the token holds one of ``roles`` (directly or via
        the hierarchy); otherwise 403 ``forbidden``. Works inside ``Security(..., scopes=…)``."""
        return self._require_role(*roles)

    # -- requests ----------------------------------------------------------------------------

    def client_address(self, request: Request) -> str | None:
        """The client address login limits are keyed on: the peer address, unless the peer is
        one of the settings' ``trusted_proxies``; then the rightmost ``X-Forwarded-For`` entry
        that is not a trusted proxy (entries further left are written by the client and may be
        forged). ``None`` when there is no address at all (a Unix socket, a proxy that sends
        none): such requests are limited per account only, and a warning says so once."""
        peer = request.client.host if request.client else None
        if peer and self._trusted_proxies and self._is_trusted(peer):
            hops = [
                h.strip() for v in request.headers.getlist("x-forwarded-for") for h in v.split(",")
            ]
            for hop in reversed([h for h in hops if h]):
                if not self._is_trusted(hop):
                    return hop if _is_ip(hop) else None
            return peer
        if not peer:
            if not self._warned_no_client:
                self._warned_no_client = True
                log.warning(
                    "authcore: a login request has no client address (Unix socket, or a proxy "
                    "that sends none): per-client login limits are off for such requests; only "
                    "the per-account limit applies. Behind a proxy, list it in "
                    "AUTHCORE_TRUSTED_PROXIES and have it send X-Forwarded-For."
                )
            return None
        return peer

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self._trusted_proxies)

    # -- tokens ------------------------------------------------------------------------------

    def issue_pair(
        self,
        sub: str,
        roles: Iterable[str],
        scopes: Iterable[str],
        fam: str | None = None,
        now: int | None = None,
        grant: Iterable[str] | None = None,
    ) -> tuple[TokenResponse, RefreshClaims]:
        """Signs a new access + refresh pair (a new family unless ``fam`` is given): one core
        call. ``roles`` go into the access token only; ``scopes`` into the access token and,
        as the session's grant, into the refresh token (a single ``str`` is one role / a
        space-delimited scope string). On a refresh, ``grant`` is the presented refresh
        token's scopes: the core keeps only the ``scopes`` it holds (a refresh never widens).

        Returns the response body and the refresh token's claims (for a session store)."""
        if isinstance(scopes, str):
            scopes = scopes.split()
        now = int(time.time()) if now is None else now
        access, refresh, claims, refresh_claims = _authcore.issue_pair(
            self.keys_at(now),
            self.policy,
            sub,
            roles,
            scopes,
            fam,
            now=now,
            issuer=self._issuer,
            audience=self._audience,
            grant=None if grant is None else list(grant),
        )
        body = TokenResponse(
            access_token=access,
            refresh_token=refresh,
            token_type="bearer",
            expires_in=self.policy.access_ttl,
            scope=" ".join(claims.scopes),
        )
        return body, refresh_claims

    def verify_access(self, token: str) -> AccessClaims:
        """Verifies an access token (signature, claims, ``typ == "access"``, ids, roles and
        scopes) in one core call, or raises a 401
        :class:`~authcore.fastapi.errors.AuthHTTPException` carrying the core's code."""
        try:
            now = int(time.time())
            self.keys_at(now)
            return self._verifier.verify(token, now)
        except PyJWTError as exc:
            raise token_error(exc) from None

    def verify_bearer(self, headers: Iterable[tuple[bytes, bytes]]) -> AccessClaims | None:
        """The access token a request's ASGI ``headers`` carry, verified as by
        :meth:`verify_access`, in one core call that also reads the ``Authorization`` header
        (the first one; scheme ``Bearer`` in any case, as ``OAuth2PasswordBearer`` reads it).
        ``None`` when the request carries no bearer token; a bad one raises 401."""
        try:
            now = int(time.time())
            self.keys_at(now)
            return self._verifier.verify_bearer(headers, now)
        except PyJWTError as exc:
            raise token_error(exc) from None

    def verify_refresh(self, token: str) -> RefreshClaims:
        """Verifies a refresh token (``typ == "refresh"``, ``jti`` and ``fam`` well formed) in
        one core call, or raises 401 (``malformed`` for text that is not valid Unicode)."""
        try:
            now = int(time.time())
            return _authcore.verify_refresh(
                token, self.keys_at(now), self.policy, now, self._issuer, self._audience
            )
        except PyJWTError as exc:
            raise token_error(exc) from None
        except UnicodeEncodeError:
            raise AuthHTTPException.unauthenticated("malformed") from None

    # -- authorization -----------------------------------------------------------------------

    def has_any_role(self, held: Sequence[str], required: Sequence[str]) -> bool:
        """True when one of ``required`` is held directly or through the hierarchy."""
        return has_role(held, required, self.roles)

    def has_scopes(self, granted: Sequence[str], required: Sequence[str]) -> bool:
        """True when every scope in ``required`` was granted."""
        try:
            return has_scopes(" ".join(granted), required)
        except Exception:  # noqa: BLE001 — a malformed scope list grants nothing
            return False

    def grants(self, claims: AccessClaims, required: Sequence[str]) -> bool:
        """:meth:`has_scopes` of the claims' scopes (checked by the core on the claims as
        they are, without building their list in Python)."""
        try:
            return claims.has_scopes(required)
        except AuthError:  # a malformed requirement (invalid_params) grants nothing
            return False

    # -- callbacks ---------------------------------------------------------------------------

    async def load_user(self, sub: str) -> Any:
        if self._load_user is None:
            return None
        return await _call(self._load_user, self._load_user_async, sub)

    async def load_credentials(self, username: str) -> Credentials | None:
        if self._load_credentials is None:
            raise RuntimeError("AuthCore(load_credentials=...) is needed for the login route")
        creds: Credentials | None = await _call(
            self._load_credentials, self._load_credentials_async, username
        )
        return creds

    async def verify_password(self, password: str | bytes, stored_hash: str) -> tuple[bool, Any]:
        """``(ok, new_hash)``: whether ``password`` matches, and a re-hash when the stored hash
        is stale (else ``None``)."""
        started = time.perf_counter()
        try:
            ok, new_hash = await self.hasher.averify_and_update(password, stored_hash)
        finally:
            self._remember_check(_scheme(stored_hash), time.perf_counter() - started)
        return ok, new_hash

    async def store_new_hash(self, sub: str, new_hash: str) -> None:
        if self._update_hash is None:
            return
        try:
            await _call(self._update_hash, self._update_hash_async, sub, new_hash)
        except Exception as exc:  # noqa: BLE001 — the login succeeded; upgrade next time
            log.warning("password hash upgrade failed: %s", type(exc).__name__)
            return
        await self.emit("password_rehashed", subject=sub)

    async def verify_unknown_user(self, password: str | bytes) -> None:
        """Spends one verification with the current parameters, as for a real account, so an
        unknown user costs the same work as a wrong password."""
        started = time.perf_counter()
        await self.hasher.adummy_verify(password)
        self._remember_check("dummy", time.perf_counter() - started)

    # -- login timing --------------------------------------------------------------------------

    def _remember_check(self, scheme: str, seconds: float) -> None:
        self._check_times.setdefault(scheme, deque(maxlen=_TIMING_WINDOW)).append(seconds)

    def login_time_floor(self) -> float:
        """The slowest hash scheme's typical check time (median of its recent checks, over
        every scheme seen since start-up): what every failed login takes at least."""
        medians = [statistics.median(t) for t in self._check_times.values() if t]
        return max(medians, default=0.0)

    def _floor(self) -> float:
        return max(self.login_time_floor(), self.min_login_time)

    async def equalize_login_time(self, started: float) -> None:
        """Waits until a failed login has taken :meth:`login_time_floor` since ``started``
        (``time.perf_counter()``), so an unknown account, an Argon2id hash and a legacy
        bcrypt hash answer after the same time. The wait sleeps, it burns no CPU."""
        remaining = self._floor() - (time.perf_counter() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)

    # -- events ------------------------------------------------------------------------------

    async def emit(self, kind: Any, **fields: Any) -> None:
        """Hands an :class:`AuthEvent` to ``on_event`` (never raises)."""
        if self._on_event is None:
            return
        try:
            await _call(
                self._on_event, self._on_event_async, AuthEvent(kind, time.time(), **fields)
            )
        except Exception as exc:  # noqa: BLE001 — an audit hook must not break a login
            log.warning("on_event failed: %s", type(exc).__name__)

    # -- session store -----------------------------------------------------------------------

    async def _sessions(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Calls ``sessions.<method>`` when a store is configured. Refusals keep their code
        (401/429); any failure of the store becomes 503 ``store_unavailable`` (fail closed)."""
        if self.sessions is None:
            return None
        try:
            return await getattr(self.sessions, method)(*args, **kwargs)
        except AuthHTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 — any store failure fails closed (503)
            raise await self._store_answer(method, exc) from None

    async def _store_answer(self, method: str, exc: Exception) -> AuthHTTPException:
        """The answer to a store call that raised ``exc``: a refusal keeps its code, any other
        failure is 503 ``store_unavailable`` (logged, and an event)."""
        code = getattr(exc, "code", None)
        if code in ("token_reused", "token_revoked", "rate_limited"):
            return AuthHTTPException.from_code(code, getattr(exc, "retry_after", None))
        if code != "store_unavailable":
            log.error("session store failed in %s: %s", method, type(exc).__name__)
        await self.emit("store_unavailable", reason=method)
        return AuthHTTPException.from_code("store_unavailable")

    async def check_login_rate(self, client: str | None, username: str) -> None:
        """Counts a login attempt per client address, per (account, client) and per account
        (429 when over)."""
        try:
            await self._sessions("check_login", client, username)
        except AuthHTTPException as exc:
            if exc.code == "rate_limited":
                await self.emit("login_rate_limited", client=client)
            raise

    async def login_finished(
        self, client: str | None, username: str, ok: bool, reason: str = "ok", subject: Any = None
    ) -> None:
        await self._sessions("login_succeeded" if ok else "login_failed", client, username)
        if not ok:
            await self.emit("login_failed", client=client, reason=reason, subject=subject)

    async def start_session(
        self, refresh: RefreshClaims, client: str | None = None, user_agent: str | None = None
    ) -> None:
        await self._sessions(
            "start_family",
            fam=refresh.fam,
            jti=refresh.jti,
            sub=refresh.sub,
            exp=refresh.exp,
            user_agent=user_agent,
        )
        await self.emit("login_succeeded", subject=refresh.sub, client=client, family=refresh.fam)

    async def rotate(self, old: RefreshClaims, new: RefreshClaims) -> None:
        """Spends ``old``: a second use is reuse (401 ``token_reused``, family revoked)."""
        try:
            outcome = await self._sessions(
                "rotate",
                fam=old.fam,
                jti=old.jti,
                exp=old.exp,
                new_jti=new.jti,
                new_exp=new.exp,
            )
        except AuthHTTPException as exc:
            if exc.code == "token_reused":
                await self.emit("refresh_reused", subject=old.sub, family=old.fam)
            raise
        reason = "repeat" if outcome == "repeat" else None
        await self.emit("refresh_rotated", subject=old.sub, family=old.fam, reason=reason)

    async def end_session(self, claims: RefreshClaims) -> None:
        """Logout: revokes the refresh token's family (its access tokens too, when checked)."""
        await self._sessions("revoke_family", fam=claims.fam, exp=claims.exp)
        await self.emit("logout", subject=claims.sub, family=claims.fam)

    async def revoke_user(self, sub: str) -> int:
        """Logout everywhere: revokes every session family of ``sub`` (for admins, and after a
        password change), with their access tokens when they are checked. Returns how many
        sessions were ended. Raises 503 when the store fails, and ``RuntimeError`` without a
        store (there is nothing to revoke: tokens live until they expire)."""
        if self.sessions is None:
            raise RuntimeError("revoke_user needs a session store (AUTHCORE_STORE)")
        n = int(await self._sessions("revoke_user", sub))
        await self.emit("logout_all", subject=sub, reason=f"{n} sessions")
        return n

    async def list_sessions(self, sub: str) -> list[dict[str, Any]]:
        """The live sessions of ``sub``: ``id``, ``created``, ``last_used``, ``user_agent``."""
        if self.sessions is None:
            return []
        return list(await self._sessions("list_sessions", sub))

    async def revoke_session(self, sub: str, family: str) -> bool:
        """Ends one session of ``sub``; ``False`` if ``sub`` has no such live session."""
        if self.sessions is None:
            return False
        done = bool(await self._sessions("revoke_session", sub, family))
        if done:
            await self.emit("session_revoked", subject=sub, family=family)
        return done

    async def ready(self) -> bool:
        """Readiness: whether the session store answers within its deadline (``True``
        without a store)."""
        if self.sessions is None:
            return True
        try:
            await self.sessions.store.ping()
        except Exception as exc:  # noqa: BLE001 — any failure means not ready
            await self.emit("store_unavailable", reason=f"ping: {type(exc).__name__}")
            return False
        return True

    def session_known_live(self, claims: AccessClaims) -> bool:
        """Whether the store can tell at once, without I/O, that ``claims``' session was not
        revoked (:meth:`Sessions.known_live`): then :meth:`check_session` has nothing to add.
        ``False`` means "await :meth:`check_session`". Never raises."""
        sessions = self.sessions
        return sessions is not None and sessions.known_live(jti=claims.jti, fam=claims.fam)

    async def check_session(self, claims: AccessClaims) -> None:
        """Per request, with ``check_access_revocation`` (the default with a store), after the
        signature check and as a step of its own: 401 ``token_revoked`` when the access token's
        family (logout, logout everywhere, reuse) or the token itself was revoked."""
        sessions = self.sessions
        if not self.check_access_revocation or sessions is None:
            return
        # as _sessions does, without looking the method up by name: once per request
        try:
            await sessions.check_access(jti=claims.jti, fam=claims.fam)
        except AuthHTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 — any store failure fails closed (503)
            raise await self._store_answer("check_access", exc) from None
