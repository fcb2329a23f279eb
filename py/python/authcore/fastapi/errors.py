"""HTTP errors of :mod:`authcore.fastapi`: one body shape, RFC 6750 challenges.

Every error this package raises is an :class:`AuthHTTPException` and answers with

.. code-block:: json

    {"detail": "token has expired", "code": "expired"}

``code`` is the core's stable error code (``expired``, ``invalid_signature``,
``wrong_token_type``, ``forbidden``, ``missing_scope``, ``token_reused``, ``rate_limited``,
``store_unavailable``…) or one of the HTTP-layer codes below; ``detail`` is a short human
message. Neither ever contains a token, a password or a key.

======================= ====== ===============================================================
code                    status meaning
======================= ====== ===============================================================
``not_authenticated``   401    no bearer token was sent
*token codes*           401    the token failed verification (``expired``, ``malformed``…)
``wrong_token_type``    401    a refresh token was sent where an access token belongs, or back
``invalid_user``        401    the token is valid but the user loader found no (active) user
``invalid_credentials`` 401    login failed; the same answer for an unknown user and a wrong
                               password
``invalid_scope``       400    a requested scope is not a well-formed scope-token (RFC 6749
                               §5.2)
``invalid_json``        400    the request body is not valid JSON
``invalid_request``     422    the request does not match the route's parameters (the answer
                               names the fields, never their values)
``token_reused``        401    a refresh token was used twice: its family is revoked
``token_revoked``       401    the token or its family was revoked (logout)
``forbidden``           403    none of the required roles is held
``csrf_failed``         403    cookie mode: a cross-site request (no ``X-Authcore-CSRF: 1``
                               header, or a foreign ``Origin``)
``missing_scope``       403    a required OAuth2 scope was not granted
``rate_limited``        429    too many attempts (``Retry-After`` header)
``store_unavailable``   503    the session store cannot be reached (fail closed)
======================= ====== ===============================================================

401 answers carry ``WWW-Authenticate: Bearer`` — with ``error="invalid_token"`` when a token was
presented (RFC 6750 §3.1) — and 403 answers ``error="insufficient_scope"`` (with ``scope="…"``
for scope failures).

:class:`AuthHTTPException` subclasses FastAPI's ``HTTPException``: if the handler is not installed
(:meth:`authcore.fastapi.AuthCore.install` does it), FastAPI still answers with the right
status and headers, just without ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

__all__ = [
    "STATUS_BY_CODE",
    "AuthHTTPException",
    "ErrorBody",
    "auth_error_handler",
    "bearer_challenge",
    "token_error",
    "validation_error_handler",
]

# Codes the HTTP layer maps to a status other than 401 (everything token-related is 401).
STATUS_BY_CODE: Mapping[str, int] = {
    "invalid_scope": 400,
    "invalid_json": 400,
    "forbidden": 403,
    "csrf_failed": 403,
    "missing_scope": 403,
    "rate_limited": 429,
    "store_unavailable": 503,
}

_DETAIL: Mapping[str, str] = {
    "not_authenticated": "not authenticated",
    "invalid_credentials": "incorrect username or password",
    "invalid_scope": "a requested scope is malformed",
    "invalid_json": "request body is not valid JSON",
    "invalid_request": "request does not match the route's parameters",
    "invalid_user": "user not found or inactive",
    "malformed": "token is malformed",
    "invalid_base64": "token is malformed",
    "token_too_large": "token is too large",
    "nesting_too_deep": "token is malformed",
    "invalid_header": "token header is not accepted",
    "unsupported_alg": "token algorithm is not accepted",
    "unknown_kid": "token key id is unknown",
    "invalid_claim": "token has an invalid claim",
    "duplicate_claim": "token has a duplicate claim",
    "invalid_subject": "token subject is not accepted",
    "expired": "token has expired",
    "not_yet_valid": "token is not yet valid",
    "issued_in_future": "token was issued in the future",
    "invalid_signature": "token signature is invalid",
    "wrong_token_type": "wrong token type",
    "invalid_issuer": "token issuer is not accepted",
    "invalid_audience": "token audience is not accepted",
    "missing_claim": "token lacks a required claim",
    "token_reused": "refresh token was already used; the session is revoked",
    "token_revoked": "token has been revoked",
    "forbidden": "not allowed for your role",
    "csrf_failed": "cross-site request refused",
    "missing_scope": "not enough permissions (scope)",
    "rate_limited": "too many attempts; retry later",
    "store_unavailable": "session store unavailable; retry later",
}


class ErrorBody(BaseModel):
    """Body of every error answer (documented in the OpenAPI schema)."""

    detail: str
    code: str


def bearer_challenge(
    error: str | None = None,
    description: str | None = None,
    scope: Sequence[str] | None = None,
) -> str:
    """An RFC 6750 §3 ``WWW-Authenticate`` value: ``Bearer error="…", scope="…"``."""
    params = []
    if error:
        params.append(f'error="{error}"')
    if description:
        params.append('error_description="{}"'.format(description.replace('"', "'")))
    if scope:
        params.append('scope="{}"'.format(" ".join(scope)))
    return "Bearer " + ", ".join(params) if params else "Bearer"


class AuthHTTPException(HTTPException):
    """An authentication/authorization failure with a stable ``code``."""

    def __init__(
        self,
        status_code: int,
        code: str,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            status_code=status_code,
            detail=detail or _DETAIL.get(code, "invalid token"),
            headers=dict(headers) if headers else None,
        )
        self.code = code

    @classmethod
    def unauthenticated(
        cls, code: str = "not_authenticated", detail: str | None = None
    ) -> AuthHTTPException:
        """401; RFC 6750 says a request without credentials gets a bare ``Bearer`` challenge."""
        error = None if code == "not_authenticated" else "invalid_token"
        desc = None if error is None else (detail or _DETAIL.get(code, "invalid token"))
        return cls(401, code, detail, {"WWW-Authenticate": bearer_challenge(error, desc)})

    @classmethod
    def forbidden(
        cls, code: str = "forbidden", scope: Sequence[str] | None = None
    ) -> AuthHTTPException:
        """403 with ``error="insufficient_scope"`` (and the needed ``scope`` when known)."""
        challenge = bearer_challenge("insufficient_scope", _DETAIL[code], scope)
        return cls(403, code, None, {"WWW-Authenticate": challenge})

    @classmethod
    def from_code(cls, code: str, retry_after: float | None = None) -> AuthHTTPException:
        """Maps a core/store error code onto its HTTP answer (401 unless listed otherwise)."""
        status = STATUS_BY_CODE.get(code, 401)
        if status == 401:
            return cls.unauthenticated(code)
        if status == 400:
            return cls(400, code)
        if status == 403:
            return cls.forbidden(code)
        headers = {}
        if retry_after is not None:
            headers["Retry-After"] = str(max(1, int(-(-retry_after // 1))))
        elif status == 503:
            headers["Retry-After"] = "1"
        return cls(status, code, None, headers)


def token_error(exc: BaseException) -> AuthHTTPException:
    """A 401 for a token that failed verification; uses the exception's core ``code``."""
    code = getattr(exc, "code", None)
    if not isinstance(code, str) or not code:
        code = "malformed"
    if STATUS_BY_CODE.get(code, 401) != 401:
        return AuthHTTPException.from_code(code)
    return AuthHTTPException.unauthenticated(code)


async def auth_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Renders :class:`AuthHTTPException` as ``{"detail", "code"}`` with its headers."""
    code = getattr(exc, "code", "error")
    detail = getattr(exc, "detail", "error")
    status = getattr(exc, "status_code", 500)
    return JSONResponse(
        {"detail": detail, "code": code},
        status_code=status,
        headers=getattr(exc, "headers", None),
    )


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Request validation errors without the input: FastAPI's 422 echoes what was sent (a
    misspelled ``refresh_token`` field comes back whole). A body that is not JSON answers
    400 ``invalid_json``; anything else 422 ``invalid_request`` with, per error, where
    (``loc``), what kind (``type``) and a short ``msg`` — never the value."""
    errors: list[dict[str, Any]] = getattr(exc, "errors", list)()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse({"detail": _DETAIL["invalid_json"], "code": "invalid_json"}, 400)
    detail = [
        {
            "loc": [p for p in e.get("loc", ()) if isinstance(p, (str, int))][:8],
            "type": str(e.get("type", "invalid"))[:64],
            "msg": str(e.get("msg", "invalid"))[:200],
        }
        for e in errors[:20]
    ]
    return JSONResponse({"detail": detail, "code": "invalid_request"}, 422)
