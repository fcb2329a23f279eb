"""The auth router: ``POST {prefix}/tokens`` (login), ``/refresh`` and ``/logout``.

Login (OAuth2 password form: ``username``, ``password``, optional ``scope``) answers with
``{access_token, refresh_token, token_type: "bearer", expires_in, scope}`` and
``Cache-Control: no-store`` (RFC 6749 §5.1). A wrong password, an unknown user and an inactive
account get the same 401 body after the same work: the unknown user's password is verified
against a dummy hash made with the current parameters. A stale hash (legacy bcrypt, older
Argon2 parameters) that verifies is re-hashed and handed to ``update_password_hash``.

A username or password that is not valid Unicode text (a lone surrogate, which a multipart
form with ``charset=unicode_escape`` can produce) gets the same 401 after the same work, and
nothing is logged for it: such a username is looked up as no one, and such a password is
checked (as its UTF-8 bytes with the surrogate kept) against the account's hash, which it
cannot match. Every login failure takes as long as the slowest password check the server has
recently made (see :meth:`AuthCore.equalize_login_time`), so the time does not tell an
unknown account, an Argon2id hash or a legacy bcrypt hash apart.

Granted scopes: the requested scopes the account may have; all of the account's scopes when
none are requested. A request that names a scope which is not a well-formed scope-token is
refused with 400 ``invalid_scope`` (RFC 6749 §5.2), never widened to everything. The
response's ``scope`` says what was granted.

Bodies of the auth routes are at most :data:`MAX_AUTH_BODY_BYTES` (64 KiB): a larger one is
refused with 413 before it is read in full.

Cookie mode (``AuthSettings(cookie_mode=True)``), for browser apps: the refresh token travels
only in an ``HttpOnly; Secure; SameSite=Strict`` cookie scoped to the auth routes
(``__Secure-authcore_refresh``, ``Path={prefix}``: a ``__Host-`` cookie must have
``Path=/``), never in a body; the access token is in the body, for the page to keep in memory.
``/refresh`` and ``/logout`` read the cookie. The routes that set or read it (login, refresh,
logout) are protected from cross-site requests as the OWASP CSRF cheat sheet describes for
"custom request headers": they need the header ``X-Authcore-CSRF: 1`` (a cross-site page
cannot send one without a CORS preflight the app does not grant), and when the browser says
where the request comes from (``Origin``, else ``Sec-Fetch-Site``) it must be this site
(``AuthSettings.cookie_origins`` lists others). A login, which reads no cookie, may show a
same-origin ``Origin`` instead of the header (the docs page's Authorize button cannot add
one). A refused request is 403 ``csrf_failed``.

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
import time
from collections.abc import Awaitable, Iterable, Sequence
from typing import Annotated, Any, Callable, Protocol

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from ..authz import is_scope_token
from .errors import AuthHTTPException, ErrorBody, bearer_challenge
from .models import AccessClaims, Credentials, RefreshClaims, RefreshRequest, TokenResponse
from .route import AuthRoute

__all__ = [
    "AUTH_ERROR_RESPONSES",
    "MAX_AUTH_BODY_BYTES",
    "MAX_PASSWORD_BYTES",
    "MAX_USERNAME_CHARS",
    "AuthService",
    "PlainError",
    "SessionInfo",
    "build_router",
    "error_responses",
    "requested_scopes",
]

log = logging.getLogger("authcore.fastapi")

MAX_PASSWORD_BYTES = 4096
"""Longer login passwords are refused before any lookup or hashing (DoS guard)."""
MAX_USERNAME_CHARS = 320
MAX_AUTH_BODY_BYTES = 64 * 1024
"""Largest body the auth routes read (a refresh token is at most 8 KiB; a login form far less)."""


def _is_text(value: str) -> bool:
    """Whether ``value`` is valid Unicode text (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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

    def verify_password(
        self, password: str | bytes, stored_hash: str
    ) -> Awaitable[tuple[bool, Any]]: ...

    def store_new_hash(self, sub: str, new_hash: str) -> Awaitable[None]: ...

    def verify_unknown_user(self, password: str | bytes) -> Awaitable[None]: ...

    def client_address(self, request: Request) -> str | None: ...

    def equalize_login_time(self, started: float) -> Awaitable[None]: ...

    def check_login_rate(self, client: str | None, username: str) -> Awaitable[None]: ...

    def login_finished(
        self,
        client: str | None,
        username: str,
        ok: bool,
        reason: str = ...,
        subject: Any = ...,
    ) -> Awaitable[None]: ...

    def start_session(
        self, refresh: RefreshClaims, client: str | None = ..., user_agent: str | None = ...
    ) -> Awaitable[None]: ...

    def rotate(self, old: RefreshClaims, new: RefreshClaims) -> Awaitable[None]: ...

    def end_session(self, claims: RefreshClaims) -> Awaitable[None]: ...

    @property
    def has_store(self) -> bool: ...

    @property
    def cookie_mode(self) -> bool: ...

    @property
    def cookie_origins(self) -> Sequence[str]: ...

    @property
    def refresh_ttl(self) -> int: ...

    @property
    def current_claims(self) -> Callable[..., Awaitable[AccessClaims]]: ...

    def revoke_user(self, sub: str) -> Awaitable[int]: ...

    def list_sessions(self, sub: str) -> Awaitable[list[dict[str, Any]]]: ...

    def revoke_session(self, sub: str, family: str) -> Awaitable[bool]: ...


class SessionInfo(BaseModel):
    """One session (a login and the refreshes that followed it)."""

    id: str = Field(description="the session family id (`fam` of its tokens)")
    created: int = Field(description="login time, Unix seconds")
    last_used: int = Field(description="last refresh, Unix seconds")
    user_agent: str = Field(description="the User-Agent of the login (at most 200 characters)")
    current: bool = Field(description="whether the calling access token belongs to it")


_DESCRIPTIONS = {
    400: "The request body is not valid JSON, or a requested scope is malformed",
    413: "The request body is larger than the route accepts",
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
    400 and 413, which FastAPI may answer itself (``{"detail"}``: a body that is not UTF-8, a
    body over the limit); a 400 of ours adds ``code``."""
    out: dict[int | str, dict[str, Any]] = {
        s: {
            "model": PlainError if s in (400, 413) else ErrorBody,
            "description": _DESCRIPTIONS[s],
        }
        for s in statuses
    }
    if 413 in out:  # Starlette answers a declared Content-Length over the limit in plain text
        out[413]["content"] = {"text/plain": {"schema": {"type": "string"}}}
    return out


AUTH_ERROR_RESPONSES = error_responses(401, 403)
"""``responses=`` for a protected route: 401 and 403 with the ``{"detail", "code"}`` body."""

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _invalid_credentials() -> AuthHTTPException:
    return AuthHTTPException(
        401, "invalid_credentials", None, {"WWW-Authenticate": bearer_challenge()}
    )


COOKIE_NAME = "__Secure-authcore_refresh"
CSRF_HEADER = "X-Authcore-CSRF"


def _same_site(request: Request, allowed: Sequence[str], login: bool = False) -> bool:
    """The OWASP "custom request header" defence plus the browser's own word on origin. A
    login (which reads no cookie) may instead show a same-origin ``Origin`` alone, so the
    docs page's Authorize button, which cannot add a header, still logs in."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin is not None and origin != own and origin not in allowed:
        return False
    if request.headers.get(CSRF_HEADER) != "1":
        return login and origin is not None
    if origin is not None:
        return True
    site = request.headers.get("sec-fetch-site")
    return site is None or site in ("same-origin", "none")


def _names(value: Any) -> Sequence[str] | None:
    """A user's ``roles`` / ``scopes`` attribute as names (a single ``str`` is one name)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def build_router(auth: AuthService) -> APIRouter:
    router = APIRouter(
        prefix=auth.prefix,
        tags=["auth"],
        max_body_size=MAX_AUTH_BODY_BYTES,
        route_class=AuthRoute,  # the session routes below take current_claims
    )
    cookies = auth.cookie_mode

    def check_csrf(request: Request, login: bool = False) -> None:
        if cookies and not _same_site(request, auth.cookie_origins, login):
            raise AuthHTTPException(403, "csrf_failed")

    def deliver(pair: TokenResponse, response: Response) -> TokenResponse:
        """Bearer mode: the pair in the body. Cookie mode: the refresh token in the cookie."""
        response.headers.update(_NO_STORE)
        if not cookies:
            return pair
        response.set_cookie(
            COOKIE_NAME,
            pair.refresh_token or "",
            max_age=auth.refresh_ttl,
            path=auth.prefix,
            secure=True,
            httponly=True,
            samesite="strict",
        )
        return pair.model_copy(update={"refresh_token": None})

    def presented(request: Request, body: RefreshRequest | None) -> str:
        token = request.cookies.get(COOKIE_NAME) if cookies else None
        if token is None and body is not None:
            token = body.refresh_token
        if not token:
            raise AuthHTTPException.unauthenticated()
        return token

    @router.post(
        "/tokens",
        response_model=TokenResponse,
        response_model_exclude_none=True,
        summary="Log in (OAuth2 password flow)",
        responses=error_responses(400, 401, 403, 413, 429, 503),
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
        check_csrf(request, login=True)
        asked = requested_scopes(form.scopes)
        if len(asked) != len(dict.fromkeys(form.scopes)):
            raise AuthHTTPException(400, "invalid_scope")
        client = auth.client_address(request)
        await auth.check_login_rate(client, username)

        started = time.perf_counter()
        # Not valid text: no account has that name, and no stored hash matches that password;
        # both still cost one password check, like any failed login.
        secret: str | bytes = (
            password if _is_text(password) else password.encode("utf-8", "surrogatepass")
        )
        creds = await auth.load_credentials(username) if _is_text(username) else None
        ok, new_hash, reason = False, None, "unknown_user"
        if creds is None:
            await auth.verify_unknown_user(secret)
        else:
            reason = "wrong_password"
            try:
                ok, new_hash = await auth.verify_password(secret, creds.password_hash)
            except Exception as exc:  # noqa: BLE001 — unusable stored hash: a failed login
                reason = "unusable_hash"
                log.error("stored password hash unusable: %s", getattr(exc, "code", "error"))
            if ok and not bool(getattr(creds, "active", True)):
                ok, reason = False, "inactive"
        if not ok or creds is None:
            await auth.equalize_login_time(started)
            subject = creds.subject if creds is not None else None
            await auth.login_finished(client, username, False, reason, subject)
            raise _invalid_credentials()
        await auth.login_finished(client, username, True, "ok")

        if new_hash:
            await auth.store_new_hash(creds.subject, new_hash)
        allowed = requested_scopes(creds.scopes)
        # The core keeps the asked scopes the account may have (all of them when none are
        # asked for): the same narrowing as a refresh under its grant.
        body, refresh_claims = auth.issue_pair(
            creds.subject, creds.roles, asked or allowed, grant=allowed
        )
        user_agent = request.headers.get("user-agent")
        await auth.start_session(refresh_claims, client, user_agent[:200] if user_agent else None)
        return deliver(body, response)

    @router.post(
        "/refresh",
        response_model=TokenResponse,
        response_model_exclude_none=True,
        summary="Exchange a refresh token for a new pair",
        responses=error_responses(400, 401, 403, 413, 503),
    )
    async def refresh(
        request: Request, response: Response, body: RefreshRequest | None = None
    ) -> TokenResponse:
        check_csrf(request)
        claims = auth.verify_refresh(presented(request, body))
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
        return deliver(pair, response)

    @router.post(
        "/logout",
        status_code=204,
        summary="End the session of a refresh token",
        responses=error_responses(400, 401, 403, 413, 503),
    )
    async def logout(request: Request, body: RefreshRequest | None = None) -> Response:
        check_csrf(request)
        claims = auth.verify_refresh(presented(request, body))
        await auth.end_session(claims)
        done = Response(status_code=204)
        if cookies:
            done.delete_cookie(
                COOKIE_NAME, path=auth.prefix, secure=True, httponly=True, samesite="strict"
            )
        return done

    if not auth.has_store:
        return router
    claims_dep = Annotated[AccessClaims, Depends(auth.current_claims)]

    def needs_claims(fn: Any) -> Any:
        # The annotation names this router's dependency, which is not a module-level name.
        fn.__annotations__["claims"] = claims_dep
        return fn

    @router.post(
        "/logout-all",
        status_code=204,
        summary="Log out everywhere: end every session of the current user",
        responses=error_responses(401, 503),
    )
    @needs_claims
    async def logout_all(claims: AccessClaims) -> Response:
        await auth.revoke_user(claims.sub)
        return Response(status_code=204)

    @router.get(
        "/sessions",
        response_model=list[SessionInfo],
        summary="The current user's active sessions",
        responses=error_responses(401, 503),
    )
    @needs_claims
    async def sessions(claims: AccessClaims, response: Response) -> list[SessionInfo]:
        rows = await auth.list_sessions(claims.sub)
        response.headers.update(_NO_STORE)
        return [SessionInfo(**r, current=r["id"] == claims.fam) for r in rows]

    @router.delete(
        "/sessions/{session_id}",
        status_code=204,
        summary="End one session of the current user",
        responses={
            **error_responses(401, 503),
            404: {"model": ErrorBody, "description": "no such session"},
        },
    )
    @needs_claims
    async def end_one(
        claims: AccessClaims,
        session_id: Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    ) -> Response:
        if not await auth.revoke_session(claims.sub, session_id):
            raise AuthHTTPException(404, "session_not_found", "no such session")
        return Response(status_code=204)

    return router
