"""Role and OAuth2 scope checks (decided by the Rust core).

Comparisons are exact and case-sensitive. A requirement naming nothing (no role, no scope,
a scope string of spaces) raises ``InvalidParamsError``: any of nothing passes for no one. To
admit any authenticated user, check nothing beyond the verified token, which is the caller's
job and comes first.
Failures never name the missing role or scope.

::

    hierarchy = RoleHierarchy([("admin", "teacher"), ("teacher", "student")])
    require_role(roles_of(claims), "student", hierarchy)   # an admin passes
    require_scopes(claims.get("scope", ""), ["grades:read"])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _authcore
from ._authcore import (
    RoleHierarchy,
    has_role,
    has_scopes,
    parse_scopes,
    require_role,
    require_scopes,
)
from .exceptions import InvalidClaimError

__all__ = [
    "RoleHierarchy",
    "has_role",
    "has_scopes",
    "is_scope_token",
    "parse_scopes",
    "require_role",
    "require_scopes",
    "roles_of",
    "scopes_of",
]


def roles_of(claims: Mapping[str, Any], claim: str = "roles") -> list[str]:
    """The roles in a verified token's claims, by the core's rule for the ``roles`` claim: one
    string is one role, an array of strings several, absent none. Anything else raises
    ``InvalidClaimError`` naming ``claim``."""
    return _authcore.roles_of(claims.get(claim), claim)


def scopes_of(claims: Mapping[str, Any], claim: str = "scope") -> list[str]:
    """The scopes of a verified token's space-delimited ``scope`` claim (absent is none), by
    the core's grammar; anything else raises ``InvalidClaimError`` naming ``claim``."""
    return _authcore.scopes_of(claims.get(claim), claim)


def is_scope_token(name: str) -> bool:
    """Whether ``name`` is one RFC 6749 §3.3 scope-token (the core's grammar)."""
    try:
        return parse_scopes(name) == [name]
    except InvalidClaimError:
        return False
