"""Data shapes of :mod:`authcore.fastapi`: request/response bodies, verified claims, credentials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AccessClaims", "Credentials", "RefreshClaims", "RefreshRequest", "TokenResponse"]

MAX_TOKEN_CHARS = 8192
"""Longest token a request body may carry (the core's own limit is 8 KiB too)."""


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


@dataclass(frozen=True)
class AccessClaims:
    """A verified access token. ``raw`` holds every claim, including custom ones."""

    sub: str
    jti: str
    iat: int
    exp: int
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    fam: Optional[str] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class RefreshClaims:
    """A verified refresh token."""

    sub: str
    jti: str
    fam: str
    iat: int
    exp: int
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
