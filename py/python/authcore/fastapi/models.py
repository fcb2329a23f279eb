"""Data shapes of :mod:`authcore.fastapi`: request/response bodies, verified claims, credentials.

:class:`AccessClaims` and :class:`RefreshClaims` are the core's (``authcore._authcore``): frozen
objects with ``sub``, ``jti``, ``fam``, ``iat``, ``exp``; access claims add ``roles`` and
``scopes`` (tuples of str) and ``raw`` (every claim, as a new dict). Refresh claims carry no
roles or scopes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._authcore import DEFAULT_MAX_TOKEN_LEN, AccessClaims, RefreshClaims

__all__ = [
    "AccessClaims",
    "AuthEvent",
    "Credentials",
    "EventKind",
    "RefreshClaims",
    "RefreshRequest",
    "TokenResponse",
]

MAX_TOKEN_CHARS = DEFAULT_MAX_TOKEN_LEN
"""Longest token a request body may carry (the core's limit)."""


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 token response, plus the refresh token of the pair."""

    access_token: str
    refresh_token: str | None = Field(
        None, description="absent in cookie mode (the refresh token is in an HttpOnly cookie)"
    )
    token_type: str = Field("bearer", examples=["bearer"])
    expires_in: int = Field(description="access-token lifetime in seconds")
    scope: str = Field("", description="granted scopes, space-delimited")


class RefreshRequest(BaseModel):
    """Body of ``/refresh`` and ``/logout``."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=MAX_TOKEN_CHARS)


@dataclass(frozen=True)
class Credentials:
    """What the login route needs to know about an account, from the app's credentials loader.

    ``subject`` is the stable id written into ``sub`` (e.g. a user id; it may equal the
    username). ``scopes`` are the OAuth2 scopes this account may be granted (none by default).
    An inactive account is still verified (same work, same answer as a wrong password).
    """

    subject: str
    password_hash: str = field(repr=False)
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    active: bool = True


EventKind = Literal[
    "login_succeeded",
    "login_failed",
    "login_rate_limited",
    "refresh_rotated",
    "refresh_reused",
    "logout",
    "logout_all",
    "session_revoked",
    "password_rehashed",
    "store_unavailable",
]
"""What happened. ``login_failed`` has a ``reason``: ``unknown_user``, ``wrong_password``,
``inactive`` or ``unusable_hash``; ``refresh_rotated`` has ``repeat`` when the token was
presented again within the grace window; ``store_unavailable`` names the ``operation``."""


@dataclass(frozen=True)
class AuthEvent:
    """One audit event, handed to ``AuthCore(on_event=…)``. It never holds a secret: no
    password, token, hash or key; the username of a failed login is not kept either (only the
    account's ``subject`` when the account exists)."""

    kind: EventKind
    time: float
    """Unix seconds."""
    subject: str | None = None
    client: str | None = None
    """The client address used for rate limiting (``None`` when the request had none)."""
    family: str | None = None
    """The session family (``fam``)."""
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict, without the fields that are ``None``."""
        out: dict[str, Any] = {"event": self.kind, "time": round(self.time, 3)}
        for name in ("subject", "client", "family", "reason"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out
