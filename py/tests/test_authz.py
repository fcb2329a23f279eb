"""Roles, hierarchies and OAuth2 scopes (decided by the core)."""

from __future__ import annotations

import pytest
from authcore import exceptions as ex
from authcore.authz import (
    RoleHierarchy,
    has_role,
    has_scopes,
    parse_scopes,
    require_role,
    require_scopes,
    roles_of,
    scopes_of,
)

SCHOOL = [("admin", "teacher"), ("teacher", "student")]


def test_roles_without_hierarchy() -> None:
    assert has_role(["editor", "viewer"], "viewer")
    assert has_role(["editor"], ["admin", "editor"])  # any one of the required roles
    assert not has_role(["viewer"], ["admin", "editor"])
    assert not has_role(["Admin"], "admin")  # exact, case-sensitive
    assert has_role("editor", "editor")  # a single role as a string


def test_hierarchy() -> None:
    h = RoleHierarchy(SCHOOL)
    assert h.edges == SCHOOL
    assert h.implies("admin", "student") and not h.implies("student", "teacher")
    assert has_role(["admin"], "student", h)
    assert has_role(["admin"], "student", SCHOOL)  # edges given directly
    assert not has_role(["student"], "teacher", h)
    require_role(["teacher"], ["student"], h)
    with pytest.raises(ex.ForbiddenError) as e:
        require_role(["student"], ["admin", "teacher"], h)
    assert e.value.code == "forbidden"
    assert "admin" not in str(e.value) and "student" not in str(e.value)


@pytest.mark.parametrize(
    "edges",
    [
        [("a", "b"), ("b", "a")],
        [("a", "a")],
        [("", "b")],
        [(f"r{i}", f"r{i + 1}") for i in range(65)],
    ],
)
def test_bad_hierarchies_are_refused(edges: list[tuple[str, str]]) -> None:
    with pytest.raises(ex.InvalidParamsError):
        RoleHierarchy(edges)


def test_empty_required_role_name_is_a_configuration_error() -> None:
    with pytest.raises(ex.InvalidParamsError):
        has_role(["admin"], [""])


@pytest.mark.parametrize("held", [[], ["admin"], "admin"])
def test_any_of_no_roles_passes_for_no_one(held: list[str] | str) -> None:
    for check in (has_role, require_role):
        with pytest.raises(ex.InvalidParamsError):
            check(held, [])
        with pytest.raises(ex.InvalidParamsError):
            check(held, [], SCHOOL)


@pytest.mark.parametrize("required", [[], "", " ", "   "])
@pytest.mark.parametrize("granted", ["", "items:read"])
def test_a_scope_requirement_naming_nothing_is_refused(
    granted: str, required: list[str] | str
) -> None:
    for check in (has_scopes, require_scopes):
        with pytest.raises(ex.InvalidParamsError):
            check(granted, required)


def test_scopes() -> None:
    granted = "items:read  items:write profile"
    assert parse_scopes(granted) == ["items:read", "items:write", "profile"]
    require_scopes(granted, ["items:read", "profile"])
    require_scopes(granted, "items:write items:read")
    assert not has_scopes(granted, ["admin"])
    with pytest.raises(ex.MissingScopeError) as e:
        require_scopes(granted, ["items:read", "admin"])
    assert e.value.code == "missing_scope"
    with pytest.raises(ex.InvalidClaimError) as bad:
        has_scopes('items:read "quoted"', ["items:read"])
    assert (bad.value.code, bad.value.claim) == ("invalid_claim", "scope")
    with pytest.raises(ex.InvalidParamsError):
        require_scopes(granted, ["two words"])
    with pytest.raises(TypeError):
        require_scopes(granted, [1])  # type: ignore[list-item]  # the wrong type under test


def test_claims_helpers() -> None:
    assert roles_of({"roles": ["a", "b"]}) == ["a", "b"]
    assert roles_of({"roles": "a"}) == ["a"]
    assert roles_of({}) == []
    assert scopes_of({"scope": "a b"}) == ["a", "b"] and scopes_of({}) == []
    with pytest.raises(ex.InvalidClaimError):
        roles_of({"roles": [1]})
    with pytest.raises(ex.InvalidClaimError):
        scopes_of({"scope": ["a"]})


@pytest.mark.parametrize("bad", [[1], {"a": 1}, 7, ["a", None], True])
def test_roles_of_follows_the_core_rule_and_names_the_claim(bad: object) -> None:
    with pytest.raises(ex.InvalidClaimError) as e:
        roles_of({"groups": bad}, "groups")
    assert e.value.claim == "groups"


def test_claim_helpers_agree_with_the_verifier() -> None:
    # What the core accepts inside a token, the helpers accept in a decoded dict, and the
    # reverse: escaped names are roles, a scope string outside the RFC 6749 grammar is not.
    assert roles_of({"roles": ['t"eacher', "ünï"]}) == ['t"eacher', "ünï"]
    with pytest.raises(ex.InvalidClaimError) as e:
        scopes_of({"perm": 'a"b'}, "perm")
    assert e.value.claim == "perm"
    assert scopes_of({"scope": "  a  b "}) == ["a", "b"]
