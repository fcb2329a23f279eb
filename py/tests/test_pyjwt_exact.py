"""``authcore.jwt`` raises what PyJWT raises, with PyJWT's words, where no documented stricter
rule applies: each case runs on both libraries and the outcomes are compared."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import jwt as pyjwt
import pytest
from authcore import exceptions as ex
from authcore import jwt

SECRET = "authcore-test-secret-0123456789abcdef"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(header: dict[str, Any], payload: dict[str, Any]) -> str:
    """A token with any header, signed with SECRET (PyJWT's signer, our header bytes)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    sig = pyjwt.get_algorithm_by_name("HS256").sign(signing_input.encode(), SECRET.encode())
    return f"{signing_input}.{b64(sig)}"


def outcome(f: Callable[[], Any]) -> tuple[str, Any]:
    """``("ok", value)``, or ``(class names of the exception and its bases, message)``."""
    try:
        return ("ok", f())
    except Exception as e:  # noqa: BLE001 - every outcome is compared
        return (",".join(c.__name__ for c in type(e).__mro__), str(e))


def same(ours: Callable[[], Any], theirs: Callable[[], Any], *, message: bool = True) -> None:
    """Ours raises a class named like PyJWT's (or a subclass of it) with the same message, or
    returns the same value."""
    a, b = outcome(ours), outcome(theirs)
    if b[0] == "ok":
        assert a == b
        return
    pyjwt_class = b[0].split(",")[0]
    assert pyjwt_class in a[0].split(","), (a, b)
    if message:
        assert a[1] == b[1], (a, b)


def both(call: str, *args: Any, **kw: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    return (lambda: getattr(jwt, call)(*args, **kw), lambda: getattr(pyjwt, call)(*args, **kw))


def exp() -> int:
    return int(time.time()) + 600


@pytest.mark.parametrize("token", [None, 123, 1.5, ["a.b.c"]])
def test_a_token_that_is_not_text_is_a_decode_error(token: Any) -> None:
    for call in ("decode", "decode_complete"):
        same(*both(call, token, SECRET, algorithms=["HS256"]))
        with pytest.raises(ex.InvalidTokenError) as err:
            getattr(jwt, call)(token, SECRET, algorithms=["HS256"])
        assert err.value.code == "malformed"
    same(*both("get_unverified_header", token))


@pytest.mark.parametrize("aud_claim", ["a", ["a", "b"], None])
@pytest.mark.parametrize("audience", [b"a", b"", bytearray(b"a")])
def test_a_bytes_audience_is_compared_as_pyjwt_compares_it(aud_claim: Any, audience: Any) -> None:
    claims: dict[str, Any] = {"exp": exp()}
    if aud_claim is not None:
        claims["aud"] = aud_claim
    token = pyjwt.encode(claims, SECRET)
    same(*both("decode", token, SECRET, algorithms=["HS256"], audience=audience))
    strict = {"strict_aud": True}
    same(*both("decode", token, SECRET, algorithms=["HS256"], audience=audience, options=strict))


@pytest.mark.parametrize("kid", [123, None, 1.5, ["k"], {"k": 1}])
def test_a_kid_that_is_not_a_string_is_refused_on_encode(kid: Any) -> None:
    claims = {"exp": exp()}
    same(*both("encode", claims, SECRET, headers={"kid": kid}), message=False)
    with pytest.raises(ex.InvalidTokenError) as err:
        jwt.encode(claims, SECRET, headers={"kid": kid})
    assert err.value.code == "invalid_header"


@pytest.mark.parametrize("kid", [123, None, 1.5, ["k"]])
def test_get_unverified_header_refuses_a_kid_that_is_not_a_string(kid: Any) -> None:
    token = signed({"alg": "HS256", "kid": kid}, {"exp": exp()})
    same(*both("get_unverified_header", token), message=False)
    with pytest.raises(ex.InvalidTokenError) as err:
        jwt.get_unverified_header(token)
    assert err.value.code == "invalid_header"
    ok = signed({"alg": "HS256", "kid": "k1"}, {"exp": exp()})
    same(*both("get_unverified_header", ok))


def test_a_null_audience_is_accepted_and_is_absent() -> None:
    claims = {"exp": exp(), "aud": None}
    assert jwt.encode(claims, SECRET) == pyjwt.encode(claims, SECRET)
    token = jwt.encode(claims, SECRET)
    same(*both("decode", token, SECRET, algorithms=["HS256"]))
    same(*both("decode", token, SECRET, algorithms=["HS256"], audience="api"))
    with pytest.raises(ex.MissingRequiredClaimError) as err:
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="api")
    assert (err.value.claim, err.value.code) == ("aud", "missing_claim")


@pytest.mark.parametrize(
    "headers",
    [
        {"x-request": 1},
        {"x-request": "abc", "typ": "at+jwt"},
        {"testheader": True, "kid": "k1"},
        {"typ": None},
        {"typ": "JWT", "cty": "text", "nested": {"a": [1, 2]}},
    ],
)
@pytest.mark.parametrize("sort_headers", [True, False])
def test_private_header_parameters_are_written_and_ignored(
    headers: dict[str, Any], sort_headers: bool
) -> None:
    claims = {"sub": "alice", "exp": exp()}
    ours = jwt.encode(claims, SECRET, headers=headers, sort_headers=sort_headers)
    assert ours == pyjwt.encode(claims, SECRET, headers=headers, sort_headers=sort_headers)
    assert jwt.decode(ours, SECRET, algorithms=["HS256"]) == claims
    assert jwt.get_unverified_header(ours) == pyjwt.get_unverified_header(ours)


@pytest.mark.parametrize(
    "headers",
    [
        {"crit": ["exp"]},
        {"b64": False},
        {"jku": "https://attacker.example/keys"},
        {"jwk": {"kty": "oct", "k": "AAAA"}},
        {"x5u": "https://attacker.example/cert"},
        {"x5c": ["MIIB"]},
        {"typ": "JOSE"},
    ],
)
def test_header_parameters_the_verifier_refuses_are_never_signed(headers: dict[str, Any]) -> None:
    with pytest.raises(ex.InvalidHeaderError) as err:
        jwt.encode({"exp": exp()}, SECRET, headers=headers)
    assert err.value.code == "invalid_header"


def test_a_key_set_names_its_signing_key_with_private_parameters() -> None:
    keys = jwt.KeySet([jwt.Key(SECRET, kid="k1"), jwt.Key(SECRET[::-1], kid="k2")], "k2")
    token = jwt.encode({"exp": exp()}, keys, headers={"x-request": 1})
    assert jwt.get_unverified_header(token) == {
        "alg": "HS256",
        "kid": "k2",
        "typ": "JWT",
        "x-request": 1,
    }
    assert jwt.decode(token, keys, algorithms=["HS256"])


def mutate(token: str, part: int, value: str) -> str:
    parts = token.split(".")
    parts[part] = value
    return ".".join(parts)


def messages_cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    now = int(time.time())
    return [
        ("expired", {"exp": now - 100}, {}),
        ("nbf", {"exp": now + 600, "nbf": now + 300}, {}),
        ("iat", {"exp": now + 600, "iat": now + 300}, {}),
        ("issuer", {"exp": now + 600, "iss": "a"}, {"issuer": "b"}),
        ("issuer list", {"exp": now + 600, "iss": "a"}, {"issuer": ["b", "c"]}),
        ("audience", {"exp": now + 600, "aud": "a"}, {"audience": "b"}),
        ("audience list", {"exp": now + 600, "aud": ["a"]}, {"audience": ["b", "c"]}),
        ("unexpected audience", {"exp": now + 600, "aud": "a"}, {}),
        ("subject", {"exp": now + 600, "sub": "a"}, {"subject": "b"}),
        ("missing exp", {"sub": "a"}, {"options": {"require": ["exp"]}}),
        ("missing iss", {"exp": now + 600}, {"issuer": "a"}),
        ("sub type", {"exp": now + 600, "sub": 1}, {}),
        ("jti type", {"exp": now + 600, "jti": 1}, {}),
        ("iss type", {"exp": now + 600, "iss": 1}, {"issuer": "a"}),
        ("aud type", {"exp": now + 600, "aud": 1}, {"audience": "a"}),
        ("aud member type", {"exp": now + 600, "aud": ["a", 1]}, {"audience": "a"}),
        ("exp type", {"exp": "soon"}, {}),
        ("nbf type", {"exp": now + 600, "nbf": "soon"}, {}),
        ("iat type", {"exp": now + 600, "iat": "soon"}, {}),
        (
            "strict",
            {"exp": now + 600, "aud": "a"},
            {"audience": "b", "options": {"strict_aud": True}},
        ),
        (
            "strict list",
            {"exp": now + 600, "aud": "a"},
            {"audience": ["a"], "options": {"strict_aud": True}},
        ),
    ]


@pytest.mark.parametrize("case", messages_cases(), ids=lambda c: c[0])
def test_claim_errors_carry_pyjwt_messages(
    case: tuple[str, dict[str, Any], dict[str, Any]],
) -> None:
    _, claims, kw = case
    token = signed({"alg": "HS256", "typ": "JWT"}, claims)
    same(*both("decode", token, SECRET, algorithms=["HS256"], **kw))
    with pytest.raises(ex.InvalidTokenError) as err:
        jwt.decode(token, SECRET, algorithms=["HS256"], **kw)
    assert err.value.code in {c for c in _codes()}
    assert SECRET not in str(err.value) and token not in str(err.value)


def _codes() -> set[str]:
    import authcore

    return set(authcore.ERROR_CODES)


def test_signature_and_algorithm_errors_carry_pyjwt_messages() -> None:
    token = pyjwt.encode({"exp": exp()}, SECRET)
    other = "another-secret-of-32-bytes-long!!!"
    same(*both("decode", token, other, algorithms=["HS256"]))
    with pytest.raises(ex.InvalidSignatureError) as err:
        jwt.decode(token, other, algorithms=["HS256"])
    assert err.value.code == "invalid_signature"
    tampered = mutate(token, 2, b64(b"\0" * 32))
    same(*both("decode", tampered, SECRET, algorithms=["HS256"]))
