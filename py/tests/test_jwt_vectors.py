"""The shared token vectors (tests/vectors/jwt.json, encode.json), through both the native
module and the PyJWT-compatible ``authcore.jwt`` API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import authcore
import pytest
from authcore import _authcore, jwt
from authcore.exceptions import AuthError, InvalidTokenError, exception_for_code
from vectors_helpers import load_vectors, native_decode

JWT = load_vectors("jwt.json")
ENCODE = load_vectors("encode.json")
DEFAULTS = JWT["validation_defaults"]


def make_key(name: str) -> authcore.Key:
    spec = JWT["keys"][name]
    return authcore.Key(bytes.fromhex(spec["secret_hex"]), spec["kid"])


def key_set(names: list[str]) -> authcore.KeySet:
    return authcore.KeySet([make_key(n) for n in names])


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in cases]


def test_vector_files_are_substantial() -> None:
    # Guards the parametrization below against an empty or truncated vector file.
    assert len(JWT["cases"]) > 100
    assert len(ENCODE["cases"]) >= 8


@pytest.mark.parametrize("case", JWT["cases"], ids=ids(JWT["cases"]))
def test_native_decode(case: dict[str, Any]) -> None:
    expect = case["expect"]
    try:
        keys = key_set(case["keys"])
        claims = native_decode(case, keys, DEFAULTS)
    except AuthError as e:
        assert "error" in expect, f"unexpected {type(e).__name__}: {e}"
        assert e.code == expect["error"]
        assert type(e) is exception_for_code(e.code, e.claim)
        return
    assert expect.get("ok"), f"accepted; expected {expect}"
    assert claims == expect["claims"]


def pyjwt_call(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case's validation as ``authcore.jwt.decode`` keyword arguments (PyJWT's names)."""
    v = {**DEFAULTS, **case["validation"]}
    options = {
        "require": v["required"],
        "verify_exp": v["verify_exp"],
        "verify_nbf": v["verify_nbf"],
        "verify_iat": v["verify_iat"],
    }
    kwargs = {
        "algorithms": ["HS256"],
        "options": options,
        "audience": v["audience"],
        "issuer": v["issuer"],
        "subject": v["subject"],
        "leeway": v["leeway"],
        "token_type": v["token_type"],
        "max_token_len": v["max_token_len"],
    }
    return kwargs, options


@pytest.mark.parametrize("case", JWT["cases"], ids=ids(JWT["cases"]))
def test_pyjwt_api_decode(case: dict[str, Any], freeze_time: Callable[[float], None]) -> None:
    freeze_time(case["now"] + 0.999)  # PyJWT-style clocks are fractional; whole seconds count
    kwargs, _ = pyjwt_call(case)
    expect = case["expect"]
    try:
        keys = key_set(case["keys"])
        claims = jwt.decode(case["token"], keys, **kwargs)
    except AuthError as e:
        assert "error" in expect, f"unexpected {type(e).__name__}: {e}"
        assert e.code == expect["error"]
        if e.code != "weak_key":
            assert isinstance(e, InvalidTokenError)
        return
    assert expect.get("ok"), f"accepted; expected {expect}"
    assert claims == expect["claims"]


# With a single key (a Key, or a raw secret as PyJWT users pass it) a token's kid is only a
# hint, as in PyJWT; a key *set* refuses a kid it does not hold (that case is in the set tests).
SINGLE_KEY_CASES = [
    c for c in JWT["cases"] if len(c["keys"]) == 1 and c["name"] != "kid_with_kidless_key_set"
]


@pytest.mark.parametrize("case", SINGLE_KEY_CASES, ids=ids(SINGLE_KEY_CASES))
def test_raw_secret(case: dict[str, Any], freeze_time: Callable[[float], None]) -> None:
    freeze_time(case["now"])
    kwargs, _ = pyjwt_call(case)
    secret = bytes.fromhex(JWT["keys"][case["keys"][0]]["secret_hex"])
    expect = case["expect"]
    try:
        claims = jwt.decode(case["token"], secret, **kwargs)
    except AuthError as e:
        assert e.code == expect.get("error"), e
        return
    assert claims == expect["claims"]


@pytest.mark.parametrize("case", ENCODE["cases"], ids=ids(ENCODE["cases"]))
def test_encode_is_byte_identical_to_pyjwt(case: dict[str, Any]) -> None:
    spec = JWT["keys"][case["key"]]
    headers = {"kid": case["kid"]} if case["kid"] else None
    secret = bytes.fromhex(spec["secret_hex"])
    assert jwt.encode(case["claims"], secret, algorithm="HS256", headers=headers) == case["token"]
    assert jwt.encode(case["claims"], spec["secret"], headers=headers) == case["token"]
    key = authcore.Key(secret, case["kid"])
    assert jwt.encode(case["claims"], key) == case["token"]
    assert _authcore.encode(case["payload_json"].encode(), key) == case["token"]
    assert _authcore.encode_claims(case["claims"], key) == case["token"]
    # ... and the same token comes back through our own verifier.
    options = {"require": [], "verify_exp": False, "verify_aud": False}
    typ = case["claims"].get("typ")
    assert jwt.decode(case["token"], key, ["HS256"], options, token_type=typ) == case["claims"]
