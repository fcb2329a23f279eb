"""``authcore.compat.jose`` as a drop-in for python-jose's ``jwt`` (HS256): tokens cross in both
directions, option names and exception classes behave alike, and python-jose's unsafe
behaviours stay refused (README, "Differences from python-jose")."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import jose.exceptions  # type: ignore[import-untyped]
import jose.jwt  # type: ignore[import-untyped]
import pytest
from authcore import exceptions as ex
from authcore.compat import jose as compat
from authcore.compat.jose import ExpiredSignatureError, JWTClaimsError, JWTError, jwt

SECRET = "authcore-test-secret-0123456789abcdef"


def now() -> int:
    return int(time.time())


def outcome(f: Callable[[], Any]) -> tuple[str, Any]:
    """``("ok", value)`` or ``(exception class name, message)``."""
    try:
        return ("ok", f())
    except Exception as e:  # noqa: BLE001 - every outcome is compared
        return (type(e).__name__, str(e))


def alike(call: str, *args: Any, message: bool = True, **kw: Any) -> tuple[str, Any]:
    """Runs ``jwt.<call>`` on both; same value, or same exception class (and message)."""
    ours = outcome(lambda: getattr(jwt, call)(*args, **kw))
    theirs = outcome(lambda: getattr(jose.jwt, call)(*args, **kw))
    if message:
        assert ours == theirs
    else:
        assert ours[0] == theirs[0], (ours, theirs)
    return ours


def test_the_guide_imports_work() -> None:
    from authcore.compat.jose import JWTError as Imported
    from authcore.compat.jose import jwt as imported

    assert imported is jwt and Imported is JWTError
    assert compat.jwt.JWTError is JWTError
    assert issubclass(ExpiredSignatureError, JWTError)
    assert issubclass(JWTClaimsError, JWTError)
    assert issubclass(JWTError, ex.AuthError)


CLAIMS: list[dict[str, Any]] = [
    {"sub": "alice", "exp": 2_000_000_000},
    {"sub": "bob", "exp": 2_000_000_000, "roles": ["admin"], "aud": "api", "iss": "me"},
    {"sub": "carol", "exp": 2_000_000_000, "iat": 1_700_000_000, "nbf": 1_700_000_000, "x": 1.5},
    {"sub": "dave", "exp": 2_000_000_000, "nested": {"a": [1, None, "é"]}},
]
HEADERS: list[dict[str, Any] | None] = [None, {"kid": "k1"}, {"x-request": "r1"}]


@pytest.mark.parametrize("claims", CLAIMS)
@pytest.mark.parametrize("headers", HEADERS)
def test_tokens_cross_both_ways(claims: dict[str, Any], headers: dict[str, Any] | None) -> None:
    ours = jwt.encode(dict(claims), SECRET, algorithm="HS256", headers=headers)
    theirs = jose.jwt.encode(dict(claims), SECRET, algorithm="HS256", headers=headers)
    assert ours == theirs
    kw: dict[str, Any] = {"audience": claims.get("aud"), "issuer": claims.get("iss")}
    assert jose.jwt.decode(ours, SECRET, algorithms=["HS256"], **kw) == claims
    assert jwt.decode(theirs, SECRET, algorithms=["HS256"], **kw) == claims
    assert jwt.decode(theirs, SECRET, algorithms="HS256", **kw) == claims
    assert jwt.get_unverified_header(theirs) == jose.jwt.get_unverified_header(theirs)
    assert jwt.get_unverified_claims(theirs) == jose.jwt.get_unverified_claims(theirs)
    assert jwt.get_unverified_headers(theirs) == jose.jwt.get_unverified_headers(theirs)


def test_datetime_claims_become_seconds() -> None:
    exp = datetime.now(tz=timezone.utc) + timedelta(minutes=5)
    ours = jwt.encode({"sub": "a", "exp": exp}, SECRET)
    assert ours == jose.jwt.encode({"sub": "a", "exp": exp}, SECRET)


def cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    t = now()
    return [
        ("expired", {"exp": t - 100}, {}),
        ("expired within leeway", {"exp": t - 100}, {"options": {"leeway": 200}}),
        ("leeway timedelta", {"exp": t - 100}, {"options": {"leeway": timedelta(seconds=200)}}),
        ("skip exp", {"exp": t - 100}, {"options": {"verify_exp": False}}),
        ("nbf", {"exp": t + 600, "nbf": t + 300}, {}),
        ("skip nbf", {"exp": t + 600, "nbf": t + 300}, {"options": {"verify_nbf": False}}),
        ("audience", {"exp": t + 600, "aud": "a"}, {"audience": "b"}),
        ("audience in list", {"exp": t + 600, "aud": ["a", "b"]}, {"audience": "b"}),
        ("unexpected audience", {"exp": t + 600, "aud": "a"}, {}),
        ("skip aud", {"exp": t + 600, "aud": "a"}, {"options": {"verify_aud": False}}),
        ("issuer", {"exp": t + 600, "iss": "a"}, {"issuer": "b"}),
        ("issuer list", {"exp": t + 600, "iss": "a"}, {"issuer": ["a", "c"]}),
        ("missing issuer", {"exp": t + 600}, {"issuer": "a"}),
        (
            "skip iss",
            {"exp": t + 600, "iss": "a"},
            {"issuer": "b", "options": {"verify_iss": False}},
        ),
        ("subject", {"exp": t + 600, "sub": "a"}, {"subject": "b"}),
        ("sub type", {"exp": t + 600, "sub": 1}, {}),
        ("jti type", {"exp": t + 600, "jti": 1}, {}),
        ("aud type", {"exp": t + 600, "aud": 1}, {"audience": "a"}),
        ("require iat", {"exp": t + 600}, {"options": {"require_iat": True}}),
        ("require sub", {"exp": t + 600}, {"options": {"require_sub": True}}),
        ("require iss", {"exp": t + 600}, {"options": {"require_iss": True}}),
        ("require exp off", {"sub": "a"}, {"options": {"require_exp": False}}),
        ("exp type", {"exp": "soon"}, {}),
        ("no signature check", {"exp": t - 100}, {"options": {"verify_signature": False}}),
    ]


@pytest.mark.parametrize("case", cases(), ids=lambda c: c[0])
def test_options_and_exceptions_behave_alike(
    case: tuple[str, dict[str, Any], dict[str, Any]],
) -> None:
    _, claims, kw = case
    token = jose.jwt.encode(claims, SECRET)
    result = alike("decode", token, SECRET, algorithms=["HS256"], **kw)
    if result[0] != "ok":
        # Also an authcore error with the core's code.
        with pytest.raises(JWTError) as err:
            jwt.decode(token, SECRET, algorithms=["HS256"], **kw)
        assert err.value.code != "invalid_token" and SECRET not in str(err.value)


def test_wrong_key_and_tampering_are_jwt_errors() -> None:
    token = jose.jwt.encode({"exp": now() + 60}, SECRET)
    other = "another-secret-of-32-bytes-long!!!"
    alike("decode", token, other, algorithms=["HS256"])
    with pytest.raises(JWTError) as err:
        jwt.decode(token, other, algorithms=["HS256"])
    assert err.value.code == "invalid_signature"
    for bad in ("not-a-token", "a.b", token + "x"):
        alike("decode", bad, SECRET, algorithms=["HS256"], message=False)
        alike("get_unverified_claims", bad, message=False)
    alike("get_unverified_header", "not-a-token")


def test_an_expired_token_is_an_expired_signature_error() -> None:
    token = jose.jwt.encode({"exp": now() - 10}, SECRET)
    with pytest.raises(ExpiredSignatureError) as err:
        jwt.decode(token, SECRET, algorithms=["HS256"])
    assert err.value.code == "expired"
    with pytest.raises(jose.exceptions.ExpiredSignatureError):
        jose.jwt.decode(token, SECRET, algorithms=["HS256"])


# --- python-jose's vulnerable behaviours stay refused ------------------------------------


def test_algorithms_are_required() -> None:
    token = jose.jwt.encode({"exp": now() + 60}, SECRET)
    # python-jose accepts any algorithm the token names when `algorithms` is omitted.
    assert jose.jwt.decode(token, SECRET)
    with pytest.raises(JWTError) as err:
        jwt.decode(token, SECRET)
    assert err.value.code == "unsupported_alg"


def test_only_hs256() -> None:
    token = jose.jwt.encode({"exp": now() + 60}, SECRET, algorithm="HS512")
    assert jose.jwt.decode(token, SECRET, algorithms=["HS512"])
    for algorithms in (["HS512"], ["HS256", "HS512"]):
        with pytest.raises(JWTError):
            jwt.decode(token, SECRET, algorithms=algorithms)
    with pytest.raises(JWTError):
        jwt.encode({"exp": now() + 60}, SECRET, algorithm="HS512")


def test_no_key_confusion() -> None:
    # CVE-2024-33663's shape: a token that names an asymmetric algorithm, verified by a caller
    # who lists it, must never be checked as an HMAC over whatever key text is at hand.
    pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
    # A public key is never an HMAC secret (the core's rule, as python-jose >= 3.4 and PyJWT).
    with pytest.raises(JWTError) as refused:
        jwt.encode({"exp": now() + 60}, pem)
    assert refused.value.code == "invalid_key"
    hs = jwt.encode({"exp": now() + 60}, SECRET)
    for algorithms in (["RS256"], ["ES256"], ["RS256", "ES256"]):
        with pytest.raises(JWTError) as err:
            jwt.decode(hs, pem, algorithms=algorithms)
        assert err.value.code == "unsupported_alg"
    # The token's own `alg` decides nothing: an RS256-labelled token is refused even when the
    # caller lists HS256 too.
    _, payload, sig = hs.split(".")
    rs_header = jose.jwt.get_unverified_header(hs) | {"alg": "RS256"}
    forged_header = base64.urlsafe_b64encode(json.dumps(rs_header).encode()).rstrip(b"=").decode()
    with pytest.raises(JWTError) as err:
        jwt.decode(f"{forged_header}.{payload}.{sig}", SECRET, algorithms=["HS256", "RS256"])
    assert err.value.code == "unsupported_alg"


def test_weak_secrets_are_refused() -> None:
    token = jose.jwt.encode({"exp": now() + 60}, "secret")
    assert jose.jwt.decode(token, "secret", algorithms=["HS256"])
    with pytest.raises(JWTError) as err:
        jwt.decode(token, "secret", algorithms=["HS256"])
    assert err.value.code == "weak_key"
    with pytest.raises(JWTError) as err:
        jwt.encode({"exp": now() + 60}, "secret")
    assert err.value.code == "weak_key"


def test_exp_is_required_unless_switched_off() -> None:
    token = jose.jwt.encode({"sub": "a"}, SECRET)
    assert jose.jwt.decode(token, SECRET, algorithms=["HS256"]) == {"sub": "a"}
    with pytest.raises(JWTError) as err:
        jwt.decode(token, SECRET, algorithms=["HS256"])
    assert (err.value.code, err.value.claim) == ("missing_claim", "exp")
    assert str(err.value) == 'missing required key "exp" among claims'


def test_an_expected_audience_must_be_in_the_token() -> None:
    token = jose.jwt.encode({"exp": now() + 60}, SECRET)
    assert jose.jwt.decode(token, SECRET, algorithms=["HS256"], audience="api")
    with pytest.raises(JWTClaimsError) as err:
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="api")
    assert (err.value.code, err.value.claim) == ("missing_claim", "aud")


def test_unknown_options_are_refused() -> None:
    token = jose.jwt.encode({"exp": now() + 60}, SECRET)
    with pytest.raises(JWTError):
        jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp_typo": False})
