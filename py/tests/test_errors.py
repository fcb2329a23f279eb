"""Exceptions: every core code maps to a class, PyJWT's hierarchy holds, and each rejection
path raises the class PyJWT users catch, carrying the core's code."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import authcore
import jwt as pyjwt
import pytest
from authcore import exceptions as ex
from authcore import jwt

SECRET = "authcore-test-secret-0123456789abcdef"
NOW = 1_700_000_000


@pytest.mark.parametrize("code", authcore.ERROR_CODES)
def test_every_core_code_maps_to_an_exception(code: str) -> None:
    cls = ex.exception_for_code(code)
    assert issubclass(cls, ex.AuthError)
    err = ex._from_core(code, "message", None)
    assert type(err) is cls and err.code == code


def test_error_codes_come_from_the_core() -> None:
    assert len(authcore.ERROR_CODES) == len(set(authcore.ERROR_CODES)) >= 37
    assert "invalid_signature" in authcore.ERROR_CODES


def test_pyjwt_hierarchy() -> None:
    assert issubclass(ex.PyJWTError, ex.AuthError)
    assert issubclass(ex.InvalidTokenError, ex.PyJWTError)
    assert issubclass(ex.DecodeError, ex.InvalidTokenError)
    assert issubclass(ex.InvalidSignatureError, ex.DecodeError)
    for cls in (
        ex.ExpiredSignatureError,
        ex.ImmatureSignatureError,
        ex.InvalidAudienceError,
        ex.InvalidIssuerError,
        ex.InvalidIssuedAtError,
        ex.InvalidSubjectError,
        ex.InvalidJTIError,
        ex.MissingRequiredClaimError,
        ex.InvalidAlgorithmError,
        ex.WrongTokenTypeError,
    ):
        assert issubclass(cls, ex.InvalidTokenError), cls
    assert issubclass(ex.InvalidKeyError, ex.PyJWTError)
    assert not issubclass(ex.InvalidKeyError, ex.InvalidTokenError)
    assert issubclass(ex.UnknownKidError, ex.InvalidSignatureError)
    # authcore.jwt re-exports PyJWT's names.
    for name in ("PyJWTError", "InvalidTokenError", "DecodeError", "ExpiredSignatureError"):
        assert getattr(jwt, name) is getattr(ex, name)


def test_application_code_can_raise_them() -> None:
    e = ex.InvalidTokenError("revoked by admin")
    assert (str(e), e.code, e.claim) == ("revoked by admin", "invalid_token", None)
    assert ex.ExpiredSignatureError().code == "expired"
    m = ex.MissingRequiredClaimError("tenant")
    assert (m.claim, m.code, str(m)) == (
        "tenant",
        "missing_claim",
        'Token is missing the "tenant" claim',
    )
    r = ex.RateLimitedError("slow down", retry_after=3.0)
    assert (r.code, r.retry_after) == ("rate_limited", 3.0)
    assert isinstance(ex.InvalidParamsError("x"), ValueError)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any] | str, secret: str = SECRET) -> str:
    """A token with any header and payload, correctly signed (so only the check under test fires)."""
    import hashlib
    import hmac

    body = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(body.encode())}"
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


HS = {"alg": "HS256", "typ": "JWT"}
GOOD = {"sub": "alice", "iat": NOW - 10, "exp": NOW + 600}


def decode(token: str, **kw: Any) -> dict[str, Any]:
    kw.setdefault("algorithms", ["HS256"])
    return jwt.decode(token, SECRET, **kw)


# (name, make the failing call, expected class, expected code, expected claim)
REJECTIONS: list[tuple[str, Callable[[], Any], type[ex.AuthError], str, str | None]] = [
    (
        "expired",
        lambda: decode(forge(HS, {**GOOD, "exp": NOW - 1})),
        ex.ExpiredSignatureError,
        "expired",
        None,
    ),
    (
        "nbf in the future",
        lambda: decode(forge(HS, {**GOOD, "nbf": NOW + 60})),
        ex.ImmatureSignatureError,
        "not_yet_valid",
        None,
    ),
    (
        "iat in the future",
        lambda: decode(forge(HS, {**GOOD, "iat": NOW + 60})),
        ex.ImmatureSignatureError,
        "issued_in_future",
        None,
    ),
    (
        "audience mismatch",
        lambda: decode(forge(HS, {**GOOD, "aud": "web"}), audience="api"),
        ex.InvalidAudienceError,
        "invalid_audience",
        None,
    ),
    (
        "aud without expectation",
        lambda: decode(forge(HS, {**GOOD, "aud": "web"})),
        ex.InvalidAudienceError,
        "invalid_audience",
        None,
    ),
    (
        "aud mistyped",
        lambda: decode(forge(HS, {**GOOD, "aud": 5}), audience="api"),
        ex.InvalidAudienceError,
        "invalid_claim",
        "aud",
    ),
    (
        "issuer mismatch",
        lambda: decode(forge(HS, {**GOOD, "iss": "evil"}), issuer="good"),
        ex.InvalidIssuerError,
        "invalid_issuer",
        None,
    ),
    (
        "iss mistyped",
        lambda: decode(forge(HS, {**GOOD, "iss": 1})),
        ex.InvalidIssuerError,
        "invalid_claim",
        "iss",
    ),
    (
        "issuer expected, none",
        lambda: decode(forge(HS, GOOD), issuer="good"),
        ex.MissingRequiredClaimError,
        "missing_claim",
        "iss",
    ),
    (
        "exp missing",
        lambda: decode(forge(HS, {"sub": "alice"})),
        ex.MissingRequiredClaimError,
        "missing_claim",
        "exp",
    ),
    (
        "custom claim missing",
        lambda: decode(forge(HS, GOOD), options={"require": ["exp", "tenant"]}),
        ex.MissingRequiredClaimError,
        "missing_claim",
        "tenant",
    ),
    (
        "subject mismatch",
        lambda: decode(forge(HS, GOOD), subject="bob"),
        ex.InvalidSubjectError,
        "invalid_subject",
        None,
    ),
    (
        "sub mistyped",
        lambda: decode(forge(HS, {**GOOD, "sub": 7})),
        ex.InvalidSubjectError,
        "invalid_claim",
        "sub",
    ),
    (
        "jti mistyped",
        lambda: decode(forge(HS, {**GOOD, "jti": 7})),
        ex.InvalidJTIError,
        "invalid_claim",
        "jti",
    ),
    (
        "iat mistyped",
        lambda: decode(forge(HS, {**GOOD, "iat": "yesterday"})),
        ex.InvalidIssuedAtError,
        "invalid_claim",
        "iat",
    ),
    (
        "exp mistyped",
        lambda: decode(forge(HS, {**GOOD, "exp": 1.5})),
        ex.InvalidClaimError,
        "invalid_claim",
        "exp",
    ),
    (
        "duplicate exp",
        lambda: decode(forge(HS, '{"exp":1800000000,"exp":1}')),
        ex.DuplicateClaimError,
        "duplicate_claim",
        "exp",
    ),
    (
        "refresh token as access",
        lambda: decode(forge(HS, {**GOOD, "typ": "refresh"})),
        ex.WrongTokenTypeError,
        "wrong_token_type",
        None,
    ),
    (
        "access where refresh expected",
        lambda: decode(forge(HS, {**GOOD, "typ": "access"}), token_type="refresh"),
        ex.WrongTokenTypeError,
        "wrong_token_type",
        None,
    ),
    (
        "alg none",
        lambda: decode(forge({"alg": "none"}, GOOD)),
        ex.InvalidAlgorithmError,
        "unsupported_alg",
        None,
    ),
    (
        "alg HS512",
        lambda: decode(pyjwt.encode(GOOD, SECRET * 2, algorithm="HS512")),
        ex.InvalidAlgorithmError,
        "unsupported_alg",
        None,
    ),
    (
        "algorithms not given",
        lambda: jwt.decode(forge(HS, GOOD), SECRET),
        ex.InvalidAlgorithmError,
        "unsupported_alg",
        None,
    ),
    (
        "HS256 not allowed by caller",
        lambda: decode(forge(HS, GOOD), algorithms=["RS256"]),
        ex.InvalidAlgorithmError,
        "unsupported_alg",
        None,
    ),
    (
        "crit header",
        lambda: decode(forge({**HS, "crit": ["exp"]}, GOOD)),
        ex.InvalidHeaderError,
        "invalid_header",
        None,
    ),
    (
        "jwk header",
        lambda: decode(forge({**HS, "jwk": {}}, GOOD)),
        ex.InvalidHeaderError,
        "invalid_header",
        None,
    ),
    (
        "wrong secret",
        lambda: decode(forge(HS, GOOD, secret="another-secret-0123456789abcdefgh")),
        ex.InvalidSignatureError,
        "invalid_signature",
        None,
    ),
    (
        "tampered payload",
        lambda: decode(tamper(forge(HS, GOOD))),
        ex.InvalidSignatureError,
        "invalid_signature",
        None,
    ),
    ("two segments", lambda: decode("abc.def"), ex.DecodeError, "malformed", None),
    ("payload not JSON", lambda: decode(forge(HS, "not json")), ex.DecodeError, "malformed", None),
    (
        "padded base64",
        lambda: decode(forge(HS, GOOD).replace(".", "=.", 1)),
        ex.DecodeError,
        "invalid_base64",
        None,
    ),
    (
        "nesting 33 deep",
        lambda: decode(forge(HS, '{"exp":1800000000,"n":' + "[" * 32 + "]" * 32 + "}")),
        ex.DecodeError,
        "nesting_too_deep",
        None,
    ),
    (
        "too large",
        lambda: decode(forge(HS, {**GOOD, "pad": "x" * 9000})),
        ex.TokenTooLargeError,
        "token_too_large",
        None,
    ),
    (
        "weak secret",
        lambda: jwt.decode(forge(HS, GOOD), "short", algorithms=["HS256"]),
        ex.WeakKeyError,
        "weak_key",
        None,
    ),
    (
        "unknown kid",
        lambda: jwt.decode(
            forge({**HS, "kid": "k9"}, GOOD),
            authcore.KeySet([authcore.Key(SECRET, "k1")]),
            algorithms=["HS256"],
        ),
        ex.UnknownKidError,
        "unknown_kid",
        None,
    ),
    ("bad kid", lambda: authcore.Key(SECRET, 'a"b'), ex.InvalidKeyError, "invalid_key", None),
    (
        "duplicate kids",
        lambda: authcore.KeySet([authcore.Key(SECRET, "a"), authcore.Key(SECRET, "a")]),
        ex.InvalidKeyError,
        "invalid_key",
        None,
    ),
    (
        "unknown default kid",
        lambda: authcore.KeySet([authcore.Key(SECRET, "a")], "b"),
        ex.InvalidKeyError,
        "invalid_key",
        None,
    ),
    ("empty key set", lambda: authcore.KeySet([]), ex.InvalidKeyError, "invalid_key", None),
]


def tamper(token: str) -> str:
    h, p, s = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    claims["sub"] = "mallory"
    return ".".join([h, b64(json.dumps(claims).encode()), s])


@pytest.mark.parametrize("name,call,cls,code,claim", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_rejection_paths(
    name: str,
    call: Callable[[], Any],
    cls: type[ex.AuthError],
    code: str,
    claim: str | None,
    freeze_time: Callable[[float], None],
) -> None:
    freeze_time(NOW)
    with pytest.raises(cls) as info:
        call()
    assert type(info.value) is cls
    assert info.value.code == code
    assert info.value.claim == claim
    assert SECRET not in str(info.value)


def test_control_the_forged_token_is_accepted(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    assert decode(forge(HS, GOOD)) == GOOD
