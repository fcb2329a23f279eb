"""Data shapes of :mod:`authcore.fastapi`: request/response bodies, verified claims, credentials.

:class:`AccessClaims` and :class:`RefreshClaims` are the core's (``authcore._authcore``): frozen
objects with ``sub``, ``jti``, ``fam``, ``iat``, ``exp``; access claims add ``roles`` and
``scopes`` (tuples of str) and ``raw`` (every claim, as a new dict). Refresh claims carry no
roles or scopes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from .._authcore import DEFAULT_MAX_TOKEN_LEN, AccessClaims, RefreshClaims

__all__ = ["AccessClaims", "Credentials", "RefreshClaims", "RefreshRequest", "TokenResponse"]

MAX_TOKEN_CHARS = DEFAULT_MAX_TOKEN_LEN
"""Longest token a request body may carry (the core's limit)."""


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 token response, plus the refresh token of the pair."""

    access_token: str
    refresh_token: str
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
