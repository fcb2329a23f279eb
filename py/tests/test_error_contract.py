"""The error contract between the core and the Python package: the core's codes
(``authcore.ERROR_CODES``, read from the extension) are exactly the codes of the
code → exception table, and each becomes an exception carrying that code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import authcore
import pytest
from authcore import exceptions as ex
from authcore import jwt

SECRET = "authcore-contract-secret-0123456789abcdef"


def test_by_code_keys_are_exactly_the_core_codes() -> None:
    codes = [k for k in ex._BY_CODE if isinstance(k, str)]
    refined = [k for k in ex._BY_CODE if isinstance(k, tuple)]
    assert len(authcore.ERROR_CODES) == len(set(authcore.ERROR_CODES))
    assert sorted(set(codes) - set(authcore.ERROR_CODES)) == [], "mapped, but no core code"
    assert sorted(set(authcore.ERROR_CODES) - set(codes)) == [], "core code without a class"
    assert len(codes) + len(refined) == len(ex._BY_CODE)
    for code, claim in refined:
        assert code in authcore.ERROR_CODES, (code, claim)


@pytest.mark.parametrize("code", authcore.ERROR_CODES)
def test_each_code_becomes_an_exception_with_that_code(code: str) -> None:
    cls = ex._BY_CODE[code]
    assert issubclass(cls, ex.AuthError)
    assert ex.exception_for_code(code) is cls
    err = ex._from_core(code, "message", None)
    assert type(err) is cls
    assert err.code == code


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(payload: dict[str, object]) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(payload).encode())
    mac = hmac.new(SECRET.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(mac)}"


@pytest.mark.parametrize(("code", "claim"), [k for k in ex._BY_CODE if isinstance(k, tuple)])
def test_refined_entries_name_claims_the_core_reports(code: str, claim: str) -> None:
    # A mistyped registered claim: the core reports (code, claim) and the refined class is
    # raised, so the table's claim names are the core's.
    token = _signed({"exp": 2_000_000_000, claim: {"not": "a string or number"}})
    with pytest.raises(ex.AuthError) as info:
        jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_aud": False})
    assert (info.value.code, info.value.claim) == (code, claim)
    assert type(info.value) is ex._BY_CODE[(code, claim)]
