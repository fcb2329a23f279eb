"""Text that is not valid Unicode (a lone surrogate such as "\\ud800") is refused with
``UnicodeEncodeError`` (a ``ValueError``) at every entry point that takes a secret, password,
pepper, role, scope, issuer, audience, subject, kid or claim: it is never replaced by U+FFFD,
which would make distinct strings compare equal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import authcore
import pytest
from authcore import Argon2Params, Key, PasswordHasher, PasswordPolicy
from authcore import exceptions as ex
from authcore import jwt as ajwt
from authcore.authz import RoleHierarchy, has_role, has_scopes, parse_scopes, require_scopes
from authcore.passwords import check_password, hash_password, needs_rehash, verify_password

LONE = "\ud800"
SECRET = b"s" * 32
SMALL = Argon2Params(64, 1, 1)
NOW_TOKEN = ajwt.encode({"sub": "alice", "exp": 4_000_000_000}, Key(SECRET))


def _stored() -> str:
    return hash_password("pw", SMALL)


CALLS: dict[str, Callable[[], Any]] = {
    "secret": lambda: Key(LONE * 32),
    "secret_mixed": lambda: Key("a" * 31 + LONE),
    "kid": lambda: Key(SECRET, kid=LONE),
    "password_hash": lambda: hash_password(LONE, SMALL),
    "password_verify": lambda: verify_password(LONE, _stored()),
    "stored_hash": lambda: verify_password("pw", LONE),
    "needs_rehash": lambda: needs_rehash(LONE),
    "pepper_hash": lambda: hash_password("pw", SMALL, pepper=LONE),
    "pepper_verify": lambda: verify_password("pw", _stored(), pepper=LONE),
    "pepper_hasher": lambda: PasswordHasher(SMALL, pepper=LONE),
    "policy": lambda: check_password(LONE * 20),
    "policy_method": lambda: PasswordPolicy().check(LONE * 20),
    "held_role": lambda: has_role([LONE], ["admin"]),
    "held_role_str": lambda: has_role(LONE, "admin"),
    "required_role": lambda: has_role(["admin"], [LONE]),
    "required_role_str": lambda: has_role(["admin"], LONE),
    "hierarchy": lambda: RoleHierarchy([(LONE, "a")]),
    "granted_scope": lambda: has_scopes(LONE, "read"),
    "required_scope": lambda: has_scopes("read", LONE),
    "required_scope_list": lambda: require_scopes("read", ["read", LONE]),
    "parse_scopes": lambda: parse_scopes(LONE),
    "issuer": lambda: ajwt.decode(NOW_TOKEN, Key(SECRET), ["HS256"], issuer=LONE),
    "issuer_list": lambda: ajwt.decode(NOW_TOKEN, Key(SECRET), ["HS256"], issuer=["a", LONE]),
    "audience": lambda: ajwt.decode(NOW_TOKEN, Key(SECRET), ["HS256"], audience=LONE),
    "audience_list": lambda: ajwt.decode(NOW_TOKEN, Key(SECRET), ["HS256"], audience=[LONE]),
    "subject": lambda: ajwt.decode(NOW_TOKEN, Key(SECRET), ["HS256"], subject=LONE),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_lone_surrogates_raise_unicode_encode_error(name: str) -> None:
    with pytest.raises(UnicodeEncodeError):
        CALLS[name]()


@pytest.mark.parametrize("payload", [{"sub": LONE}, {LONE: 1}, {"roles": ["a", LONE]}])
def test_lone_surrogates_in_claims_are_refused(payload: dict[str, Any]) -> None:
    # json.dumps writes the surrogate as the escape "\\ud800", which the core's JSON rules
    # refuse like in any token: the payload is not valid JSON text (code "malformed").
    with pytest.raises(ex.DecodeError) as e:
        ajwt.encode({**payload, "exp": 4_000_000_000}, Key(SECRET))
    assert e.value.code == "malformed"


@pytest.mark.parametrize("headers", [{"kid": LONE}, {"x-request": LONE}, {LONE: 1}])
def test_lone_surrogates_in_headers_are_refused(headers: dict[str, Any]) -> None:
    # The header is written as JSON as PyJWT writes it, so the same rule as for claims applies.
    with pytest.raises(ex.DecodeError) as e:
        ajwt.encode({"exp": 4_000_000_000}, Key(SECRET), headers=headers)
    assert e.value.code == "malformed"


def test_the_error_is_a_value_error_and_not_a_replacement() -> None:
    assert issubclass(UnicodeEncodeError, ValueError)
    # Two secrets that differ only in a lone surrogate never become one key.
    with pytest.raises(UnicodeEncodeError):
        Key("k" * 31 + "\udc00")
    assert authcore.Key("k" * 31 + "\ufffd").kid is None
