"""The auth router: ``POST {prefix}/tokens`` (login), ``/refresh`` and ``/logout``.

Login (OAuth2 password form: ``username``, ``password``, optional ``scope``) answers with
``{access_token, refresh_token, token_type: "bearer", expires_in, scope}`` and
``Cache-Control: no-store`` (RFC 6749 §5.1). A wrong password, an unknown user and an inactive
account get the same 401 body after the same work: the unknown user's password is verified
against a dummy hash made with the current parameters. A stale hash (legacy bcrypt, older
Argon2 parameters) that verifies is re-hashed and handed to ``update_password_hash``.

Granted scopes: the requested scopes the account may have; all of the account's scopes when
none are requested. The response's ``scope`` says what was granted.

Refresh: a refresh token carries no roles, and its scopes are the session's grant (what login
granted). The new pair's roles are the user's current ones (``load_user``'s ``roles``
attribute); its scopes are the user's current ``scopes`` that the grant holds, so a refresh
only ever narrows (RFC 6749 §6). With no loader the new pair carries no roles and the grant's
scopes.

This module does not import the application object: it is handed an :class:`AuthService`
(what ``AuthCore`` is) and uses only its public methods.
"""

# The routes' annotations name module-level objects only, so FastAPI resolves them.
from __future__ import annotations

import logging
from collections.abc import Awaitable, Iterable, Sequence
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from ..authz import is_scope_token
from .errors import AuthHTTPException, ErrorBody, bearer_challenge
from .models import Credentials, RefreshClaims, RefreshRequest, TokenResponse

__all__ = [
    "AUTH_ERROR_RESPONSES",
    "MAX_PASSWORD_BYTES",
    "MAX_USERNAME_CHARS",
    "AuthService",
    "PlainError",
    "build_router",
    "error_responses",
    "requested_scopes",
]

log = logging.getLogger("authcore.fastapi")

MAX_PASSWORD_BYTES = 4096
"""Longer login passwords are refused before any lookup or hashing (DoS guard)."""
MAX_USERNAME_CHARS = 320


def requested_scopes(raw: Iterable[str]) -> list[str]:
    """The well-formed scope-tokens (the core's RFC 6749 §3.3 grammar) of ``raw``, each once."""
    return [s for s in dict.fromkeys(raw) if is_scope_token(s)]


class AuthService(Protocol):
    """What the auth routes need from the application object."""

    @property
    def prefix(self) -> str: ...

    @property
    def loads_users(self) -> bool: ...

    def issue_pair(
        self,
        sub: str,
        roles: Iterable[str],
        scopes: Iterable[str],
        fam: str | None = None,
        now: int | None = None,
        grant: Iterable[str] | None = None,
    ) -> tuple[TokenResponse, RefreshClaims]: ...

    def verify_refresh(self, token: str) -> RefreshClaims: ...

    def load_user(self, sub: str) -> Awaitable[Any]: ...

    def load_credentials(self, username: str) -> Awaitable[Credentials | None]: ...

    def verify_password(self, password: str, stored_hash: str) -> Awaitable[tuple[bool, Any]]: ...

    def store_new_hash(self, sub: str, new_hash: str) -> Awaitable[None]: ...

    def verify_unknown_user(self, password: str) -> Awaitable[None]: ...

    def check_login_rate(self, client: str, username: str) -> Awaitable[None]: ...

    def login_finished(self, client: str, username: str, ok: bool) -> Awaitable[None]: ...

    def start_session(self, refresh: RefreshClaims) -> Awaitable[None]: ...

    def rotate(self, old: RefreshClaims, new: RefreshClaims) -> Awaitable[None]: ...

    def end_session(self, claims: RefreshClaims) -> Awaitable[None]: ...


_DESCRIPTIONS = {
    400: "The request body is not valid JSON",
    401: "Not authenticated: missing, invalid, expired or wrong-type token",
    403: "Authenticated, but a required role or scope is missing",
    429: "Too many attempts (see Retry-After)",
    503: "Session store unavailable (fail closed)",
}


class PlainError(BaseModel):
    """FastAPI's own error body (e.g. the 400 for a body that is not JSON)."""

    detail: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the given error statuses: :class:`ErrorBody`, except
    400, which FastAPI itself answers (``{"detail"}``) when a JSON body does not parse."""
    return {
        s: {"model": PlainError if s == 400 else ErrorBody, "description": _DESCRIPTIONS[s]}
        for s in statuses
    }


AUTH_ERROR_RESPONSES = error_responses(401, 403)
"""``responses=`` for a protected route: 401 and 403 with the ``{"detail", "code"}`` body."""

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _invalid_credentials() -> AuthHTTPException:
    return AuthHTTPException(
        401, "invalid_credentials", None, {"WWW-Authenticate": bearer_challenge()}
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _names(value: Any) -> Sequence[str] | None:
    """A user's ``roles`` / ``scopes`` attribute as names (a single ``str`` is one name)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def build_router(auth: AuthService) -> APIRouter:
    router = APIRouter(prefix=auth.prefix, tags=["auth"])

    @router.post(
        "/tokens",
        response_model=TokenResponse,
        summary="Log in (OAuth2 password flow)",
        responses=error_responses(401, 429, 503),
    )
    async def login(
        request: Request,
        response: Response,
        form: Annotated[OAuth2PasswordRequestForm, Depends()],
    ) -> TokenResponse:
        username, password = form.username, form.password
        if (
            len(username) > MAX_USERNAME_CHARS
            or len(password.encode("utf-8", "surrogatepass")) > MAX_PASSWORD_BYTES
        ):
            raise _invalid_credentials()
        client = _client(request)
        await auth.check_login_rate(client, username)

        creds = await auth.load_credentials(username)
        ok, new_hash = False, None
        if creds is None:
            await auth.verify_unknown_user(password)
        else:
            try:
                ok, new_hash = await auth.verify_password(password, creds.password_hash)
            except Exception as exc:  # noqa: BLE001 — unusable stored hash: a failed login
                log.error("stored password hash unusable: %s", getattr(exc, "code", "error"))
            ok = ok and bool(getattr(creds, "active", True))
        await auth.login_finished(client, username, ok)
        if not ok or creds is None:
            log.info("login failed")
            raise _invalid_credentials()

        if new_hash:
            await auth.store_new_hash(creds.subject, new_hash)
        allowed = requested_scopes(creds.scopes)
        asked = requested_scopes(form.scopes)
        # The core keeps the asked scopes the account may have (all of them when none are
        # asked for): the same narrowing as a refresh under its grant.
        body, refresh_claims = auth.issue_pair(
            creds.subject, creds.roles, asked or allowed, grant=allowed
        )
        await auth.start_session(refresh_claims)
        response.headers.update(_NO_STORE)
        return body

    @router.post(
        "/refresh",
        response_model=TokenResponse,
        summary="Exchange a refresh token for a new pair",
        responses=error_responses(400, 401, 503),
    )
    async def refresh(body: RefreshRequest, response: Response) -> TokenResponse:
        claims = auth.verify_refresh(body.refresh_token)
        roles: Sequence[str] = ()
        scopes: Sequence[str] = claims.scopes
        if auth.loads_users:
            user = await auth.load_user(claims.sub)
            if user is None:
                raise AuthHTTPException.unauthenticated("invalid_user")
            roles = _names(getattr(user, "roles", None)) or ()
            scopes = requested_scopes(_names(getattr(user, "scopes", None)) or ())
        pair, new = auth.issue_pair(claims.sub, roles, scopes, fam=claims.fam, grant=claims.scopes)
        await auth.rotate(claims, new)
        response.headers.update(_NO_STORE)
        return pair

    @router.post(
        "/logout",
        status_code=204,
        summary="End the session of a refresh token",
        responses=error_responses(400, 401, 503),
    )
    async def logout(body: RefreshRequest) -> Response:
        claims = auth.verify_refresh(body.refresh_token)
        await auth.end_session(claims)
        return Response(status_code=204)

    return router
