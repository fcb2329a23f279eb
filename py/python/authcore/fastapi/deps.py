"""FastAPI dependencies built for one :class:`~authcore.fastapi.AuthCore`.

* ``auth.current_claims`` — the verified :class:`AccessClaims` (no user lookup).
* ``auth.current_user`` — the user the app's loader returns for the token's ``sub``.
* ``auth.optional_user`` — the same, or ``None`` when no token was sent (a bad token is 401).
* ``auth.require_role(*roles)`` — the current user if it holds one of the roles.

All of them honour ``Security(dep, scopes=[...])``: the scopes FastAPI collects in
``SecurityScopes`` must all be granted by the token, else 403 ``missing_scope`` with
``WWW-Authenticate: Bearer error="insufficient_scope", scope="…"``.

This module imports neither the application object nor the router: it is handed a
:class:`TokenAuthority` (what ``AuthCore`` is) and uses only its public methods.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the dependencies' signatures,
# whose ``Annotated`` aliases are local to build_dependencies.
from collections.abc import Awaitable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Optional, Protocol

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from fastapi.security.base import SecurityBase

from .errors import AuthHTTPException
from .models import AccessClaims

__all__ = ["RESOLVE_ATTR", "BearerAuth", "Dependencies", "TokenAuthority", "build_dependencies"]

# per-request caches, as ASGI scope extension keys
_USER_KEY = "authcore.user"
_CLAIMS_KEY = "authcore.claims"
_NOT_LOADED = object()
# the attribute through which each of these dependencies offers its value without FastAPI's
# solver: ``await dep.authcore_resolve(request, scopes)`` (see route.py)
RESOLVE_ATTR = "authcore_resolve"


class TokenAuthority(Protocol):
    """What the dependencies need from the application object."""

    check_access_revocation: bool

    @property
    def token_url(self) -> str: ...

    @property
    def scopes(self) -> Mapping[str, str]: ...

    @property
    def loads_users(self) -> bool: ...

    def verify_bearer(self, headers: Iterable[tuple[bytes, bytes]]) -> Optional[AccessClaims]: ...

    def session_known_live(self, claims: AccessClaims) -> bool: ...

    def check_session(self, claims: AccessClaims) -> Awaitable[None]: ...

    def grants(self, claims: AccessClaims, required: Sequence[str]) -> bool: ...

    def has_any_role(self, held: Sequence[str], required: Sequence[str]) -> bool: ...

    def load_user(self, sub: str) -> Awaitable[Any]: ...


class BearerAuth(SecurityBase):
    """The dependency behind ``auth.current_claims``, ``current_user`` and ``optional_user``:
    the OAuth2 password-flow bearer scheme (declared in OpenAPI exactly as
    :class:`OAuth2PasswordBearer` declares it, under the same name) whose call reads the
    ``Authorization`` header, verifies the token and checks the route's scopes (``user``: then
    gives the user the app's loader returns).

    One dependency instead of a scheme nested in a checker: FastAPI solves each level of a
    dependency tree with its own bookkeeping, which cost more per request than the token check
    itself (``bench/auth_profile.py``). ``optional`` gives ``None`` instead of 401 when no
    bearer token was sent (a bad token is still 401)."""

    def __init__(
        self,
        scheme: OAuth2PasswordBearer,
        auth: TokenAuthority,
        *,
        user: bool = False,
        optional: bool = False,
    ) -> None:
        self.model = scheme.model
        self.scheme_name = scheme.scheme_name
        self._auth = auth
        self._user = user
        self._optional = optional

    async def __call__(self, request: Request, security_scopes: SecurityScopes) -> Any:
        return await self.authcore_resolve(request, security_scopes.scopes)

    async def authcore_resolve(self, request: Request, scopes: list[str]) -> Any:
        """The dependency's value for ``request`` when the route requires ``scopes``: what
        FastAPI gets by calling it, and what :class:`~authcore.fastapi.AuthRoute` gets without
        FastAPI's dependency solver."""
        auth = self._auth
        # once per request: a route asking for current_user and current_claims (two
        # dependencies) verifies the token, and asks the store, once (kept in the ASGI scope:
        # a plain dict, where request.state costs microseconds)
        scope = request.scope
        claims: Optional[AccessClaims] = scope.get(_CLAIMS_KEY)
        if claims is None:
            # the header read and the token verified in one core call (authcore::bearer reads
            # the header as OAuth2PasswordBearer does); None: no bearer token was sent
            claims = auth.verify_bearer(scope["headers"])
            if claims is None:
                if self._optional:
                    return None
                raise AuthHTTPException.unauthenticated()
            # the store's answer at once when it has one, else its awaited check
            if auth.check_access_revocation and not auth.session_known_live(claims):
                await auth.check_session(claims)
            scope[_CLAIMS_KEY] = claims
        if scopes and not auth.grants(claims, scopes):
            raise AuthHTTPException.forbidden("missing_scope", scopes)
        if self._user:
            return await _user(auth, scope, claims)
        return claims


async def _user(auth: TokenAuthority, scope: MutableMapping[str, Any], claims: AccessClaims) -> Any:
    """The user of ``claims`` (the claims themselves without a loader), loaded once per
    request."""
    cached = scope.get(_USER_KEY, _NOT_LOADED)
    if cached is not _NOT_LOADED:
        return cached
    if not auth.loads_users:
        user: Any = claims
    else:
        user = await auth.load_user(claims.sub)
        if user is None:
            raise AuthHTTPException.unauthenticated("invalid_user")
    scope[_USER_KEY] = user
    return user


@dataclass(frozen=True)
class Dependencies:
    scheme: OAuth2PasswordBearer
    current_claims: BearerAuth
    current_user: BearerAuth
    optional_user: BearerAuth
    require_role: Callable[..., Callable[..., Awaitable[Any]]]


def build_dependencies(auth: TokenAuthority) -> Dependencies:
    scheme = OAuth2PasswordBearer(
        tokenUrl=auth.token_url,
        scopes=dict(auth.scopes),
        auto_error=False,
        description="Log in with a username and password (OAuth2 password flow); "
        "the access token is sent as `Authorization: Bearer <token>`.",
    )
    current_claims = BearerAuth(scheme, auth)
    Claims = Annotated[AccessClaims, Depends(current_claims)]
    # each one dependency (not current_claims nested); the token is verified and the user
    # loaded once per request whichever of them a route asks for
    current_user = BearerAuth(scheme, auth, user=True)
    optional_user = BearerAuth(scheme, auth, user=True, optional=True)

    def require_role(*roles: str) -> Callable[..., Awaitable[Any]]:
        if not roles or not all(isinstance(r, str) and r for r in roles):
            raise ValueError("require_role needs at least one non-empty role name")
        required = list(roles)

        async def role_checked_user(request: Request, claims: Claims) -> Any:
            if not auth.has_any_role(claims.roles, required):
                raise AuthHTTPException.forbidden("forbidden")
            return await _user(auth, request.scope, claims)

        async def resolve(request: Request, scopes: list[str]) -> Any:
            # what FastAPI computes: current_claims (given the route's scopes), then the check
            claims = await current_claims.authcore_resolve(request, scopes)
            return await role_checked_user(request, claims)

        role_checked_user.__name__ = "require_role_" + "_or_".join(
            "".join(c if c.isalnum() else "_" for c in r) for r in roles
        )
        # read by AuthRoute (route.py), which resolves it without FastAPI's solver
        setattr(role_checked_user, RESOLVE_ATTR, resolve)
        return role_checked_user

    return Dependencies(scheme, current_claims, current_user, optional_user, require_role)
