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
stay valid until they expire). A store (``authcore.stores``: memory, SQLite or Redis, wrapped in
``Sessions``) adds rotation with reuse detection (a reused refresh token revokes its family:
401 ``token_reused``), logout revocation, login rate limiting per client address and per
username (429 with ``Retry-After``) and, with ``check_access_revocation=True``, a per-request
check that the access token's session was not revoked. A store that fails makes the request
fail closed with 503.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Union

from fastapi import APIRouter, FastAPI
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from .. import _authcore
from .._authcore import Ed25519PrivateKey, Ed25519PublicKey, Key, KeySet, SessionPolicy
from ..authz import RoleHierarchy, has_role, has_scopes, is_scope_token
from ..exceptions import PyJWTError
from ..passwords import PasswordHasher
from .config import AuthSettings
from .deps import build_dependencies
from .errors import AuthHTTPException, auth_error_handler, token_error
from .jwks import build_jwks_router
from .models import AccessClaims, Credentials, RefreshClaims, TokenResponse
from .routers import MAX_PASSWORD_BYTES, MAX_USERNAME_CHARS, build_router, requested_scopes

if TYPE_CHECKING:
    from ..stores import Quota, Sessions

__all__ = ["MAX_PASSWORD_BYTES", "MAX_USERNAME_CHARS", "AuthCore", "requested_scopes"]

log = logging.getLogger("authcore.fastapi")

MaybeAwaitable = Union[Any, Awaitable[Any]]
RateSetting = Union["Quota", str, None]

_DEFAULT: Any = object()


def _sessions_for(
    store: Any, settings: AuthSettings, policy: SessionPolicy, per_client: Any, per_user: Any
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
    ):
        if value is _DEFAULT and setting is not None:  # AUTHCORE_LOGIN_RATE_* ("off" = none)
            value = None if setting.strip().lower() == "off" else setting
        if value is not _DEFAULT:
            limits[name] = stores.parse_quota(value) if isinstance(value, str) else value
    return stores.Sessions(store, policy, **limits)


def _is_async(fn: Callable[..., Any]) -> bool:
    call = type(fn).__call__ if not inspect.isroutine(fn) else None
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(call)


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
    ``check_access_revocation=True`` asks the store on every request whether the access
    token's session was revoked (one lookup per request).
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
        check_access_revocation: bool = False,
        login_rate_client: Any = _DEFAULT,
        login_rate_user: Any = _DEFAULT,
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
        self.policy = SessionPolicy(s.access_ttl, s.refresh_ttl, s.leeway)
        self.sessions = _sessions_for(store, s, self.policy, login_rate_client, login_rate_user)
        self.check_access_revocation = check_access_revocation and self.sessions is not None
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
        self._keys = self._key_set(int(time.time()))  # its first key signs
        self._audience = s.audience
        self._issuer = s.issuer

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
        live = [r for r in s.retired_keys() if r.until > now]
        keys += [r.public_key for r in live]
        self._retire_at = min((r.until for r in live), default=None)
        return KeySet(keys)

    def keys_at(self, now: int) -> KeySet:
        """The key set at ``now``: a previous signing key leaves it (stops verifying, and is
        no longer published) once the last token it signed has expired."""
        if self._retire_at is not None and now >= self._retire_at:
            self._keys = self._key_set(now)
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
        """Adds the auth router and the ``{"detail", "code"}`` error handler to ``app``, makes
        this object reachable as ``app.state.authcore`` and prepares the dummy hash."""
        app.include_router(self.router)
        if self.publishes_keys:
            app.include_router(build_jwks_router(self))
        app.add_exception_handler(AuthHTTPException, auth_error_handler)
        app.state.authcore = self
        # The dummy hash for unknown users is made now, so the first unknown-user login does
        # not take longer than a wrong password would.
        warm_up = getattr(self.hasher, "dummy_verify", None)
        if warm_up is not None:
            warm_up("authcore warm-up")

    def require_role(self, *roles: str) -> Callable[..., Awaitable[Any]]:
        """Dependency: the current user, if the token holds one of ``roles`` (directly or via
        the hierarchy); otherwise 403 ``forbidden``. Works inside ``Security(..., scopes=…)``."""
        return self._require_role(*roles)

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
            return _authcore.verify_access(
                token, self.keys_at(now), self.policy, now, self._issuer, self._audience
            )
        except PyJWTError as exc:
            raise token_error(exc) from None

    def verify_refresh(self, token: str) -> RefreshClaims:
        """Verifies a refresh token (``typ == "refresh"``, ``jti`` and ``fam`` well formed) in
        one core call, or raises 401."""
        try:
            now = int(time.time())
            return _authcore.verify_refresh(
                token, self.keys_at(now), self.policy, now, self._issuer, self._audience
            )
        except PyJWTError as exc:
            raise token_error(exc) from None

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

    async def verify_password(self, password: str, stored_hash: str) -> tuple[bool, Any]:
        """``(ok, new_hash)``: whether ``password`` matches, and a re-hash when the stored hash
        is stale (else ``None``)."""
        ok, new_hash = await self.hasher.averify_and_update(password, stored_hash)
        return ok, new_hash

    async def store_new_hash(self, sub: str, new_hash: str) -> None:
        if self._update_hash is None:
            return
        try:
            await _call(self._update_hash, self._update_hash_async, sub, new_hash)
        except Exception as exc:  # noqa: BLE001 — the login succeeded; upgrade next time
            log.warning("password hash upgrade failed: %s", type(exc).__name__)

    async def verify_unknown_user(self, password: str) -> None:
        """Spends one verification with the current parameters, as for a real account, so an
        unknown user costs the same work as a wrong password."""
        await self.hasher.adummy_verify(password)

    # -- session store -----------------------------------------------------------------------

    async def _sessions(self, method: str, *args: Any, **kwargs: Any) -> None:
        """Calls ``sessions.<method>`` when a store is configured. Refusals keep their code
        (401/429); any failure of the store becomes 503 ``store_unavailable`` (fail closed)."""
        if self.sessions is None:
            return
        try:
            await getattr(self.sessions, method)(*args, **kwargs)
        except AuthHTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 — any store failure fails closed (503)
            code = getattr(exc, "code", None)
            if code in ("token_reused", "token_revoked", "rate_limited"):
                if code == "token_reused":
                    log.warning("refresh token reused: session family revoked")
                raise AuthHTTPException.from_code(code, getattr(exc, "retry_after", None)) from None
            if code != "store_unavailable":
                log.error("session store failed in %s: %s", method, type(exc).__name__)
            raise AuthHTTPException.from_code("store_unavailable") from None

    async def check_login_rate(self, client: str, username: str) -> None:
        """Counts a login attempt per client address and per username (429 when over)."""
        await self._sessions("check_login", client, username)

    async def login_finished(self, client: str, username: str, ok: bool) -> None:
        await self._sessions("login_succeeded" if ok else "login_failed", client, username)

    async def start_session(self, refresh: RefreshClaims) -> None:
        await self._sessions(
            "start_family", fam=refresh.fam, jti=refresh.jti, sub=refresh.sub, exp=refresh.exp
        )

    async def rotate(self, old: RefreshClaims, new: RefreshClaims) -> None:
        """Spends ``old``: a second use is reuse (401 ``token_reused``, family revoked)."""
        await self._sessions(
            "rotate",
            fam=old.fam,
            jti=old.jti,
            exp=old.exp,
            new_jti=new.jti,
            new_exp=new.exp,
        )

    async def end_session(self, claims: RefreshClaims) -> None:
        """Logout: revokes the refresh token's family (its access tokens too, when checked)."""
        await self._sessions("revoke_family", fam=claims.fam, exp=claims.exp)

    async def check_session(self, claims: AccessClaims) -> None:
        """Per request, with ``check_access_revocation``: 401 ``token_revoked`` when the access
        token's family (logout, reuse) or the token itself was revoked."""
        if self.check_access_revocation:
            await self._sessions("check_access", jti=claims.jti, fam=claims.fam)
