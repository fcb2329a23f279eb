"""FastAPI dependencies built for one :class:`~authcore.fastapi.AuthCore`.

* ``auth.current_claims`` — the verified :class:`AccessClaims` (no user lookup).
* ``auth.current_user`` — the user the app's loader returns for the token's ``sub``.
* ``auth.optional_user`` — the same, or ``None`` when no token was sent (a bad token is 401).
* ``auth.require_role(*roles)`` — the current user if it holds one of the roles.

All of them honour ``Security(dep, scopes=[...])``: the scopes FastAPI collects in
``SecurityScopes`` must all be granted by the token, else 403 ``missing_scope`` with
``WWW-Authenticate: Bearer error="insufficient_scope", scope="…"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from .errors import AuthHTTPException
from .models import AccessClaims

if TYPE_CHECKING:
    from .auth import AuthCore

__all__ = ["Dependencies", "build_dependencies"]

_USER_KEY = "authcore_user"
_NOT_LOADED = object()


@dataclass(frozen=True)
class Dependencies:
    scheme: OAuth2PasswordBearer
    current_claims: Callable[..., Any]
    current_user: Callable[..., Any]
    optional_user: Callable[..., Any]
    require_role: Callable[..., Callable[..., Any]]


def build_dependencies(auth: AuthCore) -> Dependencies:
    scheme = OAuth2PasswordBearer(
        tokenUrl=auth.token_url,
        scopes=auth.scopes,
        auto_error=False,
        description="Log in with a username and password (OAuth2 password flow); "
        "the access token is sent as `Authorization: Bearer <token>`.",
    )

    async def _verified(token: str, security_scopes: SecurityScopes) -> AccessClaims:
        claims = auth.verify_access(token)
        await auth.check_session(claims)
        needed = security_scopes.scopes
        if needed and not auth.has_scopes(claims.scopes, needed):
            raise AuthHTTPException.forbidden("missing_scope", needed)
        return claims

    async def current_claims(
        security_scopes: SecurityScopes, token: Optional[str] = Depends(scheme)
    ) -> AccessClaims:
        if not token:
            raise AuthHTTPException.unauthenticated()
        return await _verified(token, security_scopes)

    async def _user(request: Request, claims: AccessClaims) -> Any:
        cached = getattr(request.state, _USER_KEY, _NOT_LOADED)
        if cached is not _NOT_LOADED:
            return cached
        if auth._load_user is None:
            user: Any = claims
        else:
            user = await auth.load_user(claims.sub)
            if user is None:
                raise AuthHTTPException.unauthenticated("invalid_user")
        setattr(request.state, _USER_KEY, user)
        return user

    async def current_user(request: Request, claims: AccessClaims = Depends(current_claims)) -> Any:
        return await _user(request, claims)

    async def optional_user(
        request: Request,
        security_scopes: SecurityScopes,
        token: Optional[str] = Depends(scheme),
    ) -> Any:
        if not token:
            return None
        return await _user(request, await _verified(token, security_scopes))

    def require_role(*roles: str) -> Callable[..., Any]:
        if not roles or not all(isinstance(r, str) and r for r in roles):
            raise ValueError("require_role needs at least one non-empty role name")
        required = list(roles)

        async def role_checked_user(
            request: Request, claims: AccessClaims = Depends(current_claims)
        ) -> Any:
            if not auth.has_any_role(claims.roles, required):
                raise AuthHTTPException.forbidden("forbidden")
            return await _user(request, claims)

        role_checked_user.__name__ = "require_role_" + "_or_".join(
            "".join(c if c.isalnum() else "_" for c in r) for r in roles
        )
        return role_checked_user

    return Dependencies(scheme, current_claims, current_user, optional_user, require_role)
