"""The auth router: ``POST {prefix}/tokens`` (login), ``/refresh`` and ``/logout``.

Login (OAuth2 password form: ``username``, ``password``, optional ``scope``) answers with
``{access_token, refresh_token, token_type: "bearer", expires_in, scope}`` and
``Cache-Control: no-store`` (RFC 6749 §5.1). A wrong password, an unknown user and an inactive
account get the same 401 body after the same work: the unknown user's password is verified
against a dummy hash made with the current parameters. A stale hash (legacy bcrypt, older
Argon2 parameters) that verifies is re-hashed and handed to ``update_password_hash``.

Granted scopes: the requested scopes the account may have; all of the account's scopes when
none are requested. The response's ``scope`` says what was granted.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from .errors import AuthHTTPException, ErrorBody, bearer_challenge
from .models import RefreshRequest, TokenResponse

if TYPE_CHECKING:
    from .auth import AuthCore

__all__ = ["AUTH_ERROR_RESPONSES", "PlainError", "build_router", "error_responses"]

log = logging.getLogger("authcore.fastapi")

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


def error_responses(*statuses: int) -> dict[int, dict[str, Any]]:
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


def build_router(auth: AuthCore) -> APIRouter:
    from .auth import MAX_PASSWORD_BYTES, MAX_USERNAME_CHARS, requested_scopes

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
        form: OAuth2PasswordRequestForm = Depends(),
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
                ok, new_hash = await auth.hasher.averify_and_update(password, creds.password_hash)
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
        granted = [s for s in asked if s in allowed] if asked else allowed
        body, refresh_claims = auth.issue_pair(creds.subject, creds.roles, granted)
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
        roles = list(claims.roles)
        scopes = list(claims.scopes)
        if auth._load_user is not None:
            user = await auth.load_user(claims.sub)
            if user is None:
                raise AuthHTTPException.unauthenticated("invalid_user")
            current_roles = getattr(user, "roles", None)
            if current_roles is not None:
                roles = current_roles
            current_scopes = getattr(user, "scopes", None)
            if current_scopes is not None:
                still = set(current_scopes)
                scopes = [s for s in scopes if s in still]
        pair, new = auth.issue_pair(claims.sub, roles, scopes, fam=claims.fam)
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
