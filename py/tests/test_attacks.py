"""The cross-language attack suite (tests/attacks/), through the Python package: every case must
reach exactly the verdict, error code and claim that the Rust and JS runners reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import authcore
import pytest
from authcore import _authcore
from authcore.exceptions import AuthError, exception_for_code
from vectors_helpers import native_decode

ATTACKS = Path(__file__).resolve().parents[2] / "tests" / "attacks"
JWT = json.loads((ATTACKS / "jwt.json").read_text(encoding="utf-8"))
PASSWORD = json.loads((ATTACKS / "password.json").read_text(encoding="utf-8"))


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


def test_attack_suite_is_complete() -> None:
    # Guards the parametrization against an empty or truncated file (the suite has 255 cases).
    assert len(JWT["cases"]) + len(PASSWORD["cases"]) >= 250


def check_error(e: AuthError, expect: dict[str, Any]) -> None:
    assert "error" in expect, f"refused with {e.code}; expected {expect}"
    assert e.code == expect["error"]
    if "claim" in expect:
        assert e.claim == expect["claim"]
    assert type(e) is exception_for_code(e.code, e.claim)


@pytest.mark.parametrize("case", JWT["cases"], ids=ids(JWT["cases"]))
def test_jwt_attack(case: dict[str, Any]) -> None:
    expect = case["expect"]
    try:
        keys = authcore.KeySet(
            [
                authcore.Key(bytes.fromhex(JWT["keys"][n]["secret_hex"]), JWT["keys"][n]["kid"])
                for n in case["keys"]
            ]
        )
        claims = native_decode(case, keys, JWT["validation_defaults"])
    except AuthError as e:
        check_error(e, expect)
        return
    assert expect.get("ok"), f"accepted; expected {expect}"
    assert claims == expect["claims"]


def password_of(case: dict[str, Any]) -> bytes:
    if "password_hex" in case:
        raw = bytes.fromhex(case["password_hex"])
    else:
        password: str = case["password"]
        raw = password.encode()
    repeat: int = case.get("password_repeat", 1)
    return raw * repeat


@pytest.mark.parametrize("case", PASSWORD["cases"], ids=ids(PASSWORD["cases"]))
def test_password_attack(case: dict[str, Any]) -> None:
    expect = case["expect"]
    try:
        ok = _authcore.verify_password(password_of(case), case["hash"])
    except AuthError as e:
        check_error(e, expect)
        return
    if expect.get("ok"):
        assert ok is True
    else:
        # A wrong password is False, not an exception, in the Python API.
        assert expect == {"error": "password_mismatch"} and ok is False
