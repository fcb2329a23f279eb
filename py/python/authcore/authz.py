"""Role and OAuth2 scope checks (decided by the Rust core).

Comparisons are exact and case-sensitive. An empty requirement is satisfied by anyone
("any authenticated user"); verifying the token is the caller's job and comes first.
Failures never name the missing role or scope.

::

    hierarchy = RoleHierarchy([("admin", "teacher"), ("teacher", "student")])
    require_role(roles_of(claims), "student", hierarchy)   # an admin passes
    require_scopes(claims.get("scope", ""), ["grades:read"])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    "parse_scopes",
    "require_role",
    "require_scopes",
    "roles_of",
    "scopes_of",
]


def roles_of(claims: Mapping[str, Any], claim: str = "roles") -> list[str]:
    """The roles in a verified token's claims: the ``roles`` claim as a list (a single string
    is one role; absent is none). Anything else raises ``InvalidClaimError``."""
    value = claims.get(claim)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(r, str) for r in value):
        return list(value)
    raise InvalidClaimError(f"a claim has an invalid type or value ({claim})", claim=claim)


def scopes_of(claims: Mapping[str, Any], claim: str = "scope") -> list[str]:
    """The scopes of a verified token's space-delimited ``scope`` claim (absent is none)."""
    value = claims.get(claim)
    if value is None:
        return []
    if not isinstance(value, str):
        raise InvalidClaimError(f"a claim has an invalid type or value ({claim})", claim=claim)
    return parse_scopes(value)
