"""``authcore.jwt`` as a drop-in for PyJWT's HS256 surface: same calls, same results, tokens
interchangeable in both directions; stricter only where the README says so."""

from __future__ import annotations

import decimal
import enum
import json
import math
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import authcore
import jwt as pyjwt
import pytest
from authcore import _authcore, jwt
from authcore import exceptions as ex
from hypothesis import given, settings
from hypothesis import strategies as st
from jwt.types import Options as PyJWTOptions

SECRET = "authcore-test-secret-0123456789abcdef"
NOW = 1_700_000_000
REGISTERED = {"exp", "nbf", "iat", "iss", "sub", "aud", "jti", "typ", "scope", "fam", "roles"}


def peer(claims: dict[str, Any], **kw: Any) -> str:
    return pyjwt.encode(claims, SECRET, algorithm="HS256", **kw)


# --- tokens cross over in both directions -------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
custom_claims = st.dictionaries(
    st.text(max_size=10).filter(lambda k: k not in REGISTERED), json_values, max_size=6
)


@settings(max_examples=150, deadline=None)
@given(custom_claims)
def test_encode_matches_pyjwt_byte_for_byte(claims: dict[str, Any]) -> None:
    claims = {"sub": "alice", "exp": NOW + 60, **claims}
    assert jwt.encode(claims, SECRET, algorithm="HS256") == peer(claims)


@settings(max_examples=150, deadline=None)
@given(custom_claims)
def test_decode_gives_pyjwt_claims(claims: dict[str, Any]) -> None:
    claims = {"sub": "alice", "exp": 2**40, **claims}
    token = peer(claims)
    ours = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert ours == pyjwt.decode(token, SECRET, algorithms=["HS256"])
    assert json.dumps(ours, sort_keys=True) == json.dumps(claims, sort_keys=True)


def test_the_usual_call_encodes_as_the_general_path() -> None:
    # encode(claims, secret-or-authcore-key) takes a shortcut to the core; headers={} (no
    # header of its own) takes the general path: tokens and refusals must be the same
    class Claims(dict):  # type: ignore[type-arg]
        pass

    class Level(enum.IntEnum):
        HIGH = 3

    keyset = authcore.KeySet([authcore.Key(SECRET, "k2"), authcore.Key(SECRET * 2, "k3")])
    keys: list[Any] = [SECRET, SECRET.encode(), authcore.Key(SECRET, "k1"), keyset]
    payloads: list[dict[str, Any]] = [
        {"sub": "alice", "exp": NOW},
        {"exp": datetime.fromtimestamp(NOW, timezone.utc), "role": "admin"},  # native datetime
        {"exp": NOW, "id": uuid.UUID(int=7).int, "lvl": Level.HIGH},  # json.dumps
        Claims(sub="alice", exp=NOW),
    ]
    for key in keys:
        for claims in payloads:
            usual = jwt.encode(claims, key)
            assert usual == jwt.encode(claims, key, algorithm="HS256", headers={})
            kid = {"kid": key.kid if key is keys[2] else keyset.default_kid}
            assert usual == peer(claims, headers=kid if key in keys[2:] else None)
        for bad in ({"exp": "soon"}, {"sub": 7, "exp": NOW}):
            with pytest.raises(ex.PyJWTError) as usual_err:
                jwt.encode(bad, key)
            with pytest.raises(ex.PyJWTError) as general_err:
                jwt.encode(bad, key, headers={})
            assert type(usual_err.value) is type(general_err.value)
            assert usual_err.value.code == general_err.value.code
    for short in ("too-short", b"too-short"):
        with pytest.raises(ex.InvalidKeyError):
            jwt.encode({"exp": NOW}, short)
        with pytest.raises(ex.InvalidKeyError):
            jwt.encode({"exp": NOW}, short, headers={})


def test_our_tokens_verify_in_pyjwt() -> None:
    claims = {
        "sub": "alice",
        "iss": "https://auth.example.com",
        "aud": ["api", "web"],
        "exp": datetime.now(timezone.utc) + timedelta(minutes=5),
        "roles": ["admin"],
    }
    token = jwt.encode(claims, authcore.Key(SECRET, "k1"))
    assert pyjwt.get_unverified_header(token) == {"alg": "HS256", "kid": "k1", "typ": "JWT"}
    out = pyjwt.decode(
        token, SECRET, algorithms=["HS256"], audience="api", issuer="https://auth.example.com"
    )
    assert out["roles"] == ["admin"] and out["sub"] == "alice"


def test_special_values_serialize_like_json_dumps() -> None:
    class Color(str, enum.Enum):
        RED = "red"

    class Level(enum.IntEnum):
        HIGH = 3

    claims = {
        "exp": NOW,
        "text": 'quote " backslash \\ slash / nl \n tab \t ctrl \x01 del \x7f é 😀 \u2028',
        "float": [0.1, 1e16, 1e-7, -0.0, 123456789.125, 5e-324, 1.7976931348623157e308],
        "ints": [0, -1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30],
        "tuple": (1, 2),
        "enum": Color.RED,
        "intenum": Level.HIGH,
        "nested": {"a": [{"b": None, "c": True}]},
        "empty": [{}, []],
    }
    assert jwt.encode(claims, SECRET) == peer(claims)
    assert _authcore.encode_claims({"intenum": Level.HIGH}, SECRET) is None  # json.dumps decides


def test_json_encoder_and_non_string_keys_fall_back_to_json_dumps() -> None:
    class Encoder(json.JSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, (uuid.UUID, decimal.Decimal)):
                return str(o)
            return super().default(o)

    claims = {"exp": NOW, "id": uuid.UUID(int=7), "price": decimal.Decimal("1.10")}
    assert jwt.encode(claims, SECRET, json_encoder=Encoder) == peer(claims, json_encoder=Encoder)
    with pytest.raises(TypeError):
        jwt.encode(claims, SECRET)  # as with PyJWT: not JSON serializable
    keyed = {"exp": NOW, "m": {1: "int key", None: "none key", 2.5: "float key"}}
    assert jwt.encode(keyed, SECRET) == peer(keyed)


def test_nan_is_refused_rather_than_signed_as_invalid_json() -> None:
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            jwt.encode({"exp": NOW, "x": bad}, SECRET)
    cyclic: dict[str, Any] = {"exp": NOW}
    cyclic["self"] = cyclic
    with pytest.raises(ValueError):
        jwt.encode(cyclic, SECRET)


def test_encode_validates_like_the_verifier() -> None:
    with pytest.raises(ex.InvalidIssuerError) as e:
        jwt.encode({"iss": 5}, SECRET)
    assert e.value.code == "invalid_claim"
    with pytest.raises(ex.DecodeError) as d:
        deep: Any = 1
        for _ in range(32):
            deep = [deep]
        jwt.encode({"exp": NOW, "n": deep}, SECRET)  # 33 levels with the payload object
    assert d.value.code == "nesting_too_deep"
    with pytest.raises(TypeError):
        jwt.encode([("exp", NOW)], SECRET)  # type: ignore[arg-type]  # the wrong type under test


# --- PyJWT's argument conventions ------------------------------------------------------------


def test_datetime_claims_become_unix_seconds_as_in_pyjwt() -> None:
    aware = datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    naive = datetime(2030, 1, 2, 3, 4, 5)
    claims = {"exp": aware, "nbf": naive, "iat": naive, "other": "x"}
    token = jwt.encode(claims, SECRET)
    assert token == peer(claims)
    out = jwt.decode(
        token, SECRET, algorithms=["HS256"], options={"verify_nbf": False, "verify_iat": False}
    )
    assert out["exp"] == int(aware.timestamp())
    assert out["nbf"] == int(naive.replace(tzinfo=timezone.utc).timestamp())
    assert claims["exp"] is aware  # the caller's dict is not modified


def test_leeway_as_seconds_or_timedelta(freeze_time: Callable[[float], None]) -> None:
    token = peer({"exp": NOW - 30})
    freeze_time(NOW)
    with pytest.raises(ex.ExpiredSignatureError):
        jwt.decode(token, SECRET, algorithms=["HS256"], leeway=30)
    assert jwt.decode(token, SECRET, algorithms=["HS256"], leeway=31)["exp"] == NOW - 30
    assert jwt.decode(token, SECRET, algorithms=["HS256"], leeway=timedelta(minutes=1))
    with pytest.raises(ValueError):
        jwt.decode(token, SECRET, algorithms=["HS256"], leeway=-1)


def test_audience_and_issuer_forms(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = peer({"exp": NOW + 60, "aud": ["web", "api"], "iss": "b"})
    audiences: list[Callable[[], Any]] = [
        lambda: "api",
        lambda: ["x", "api"],
        lambda: ("api",),
        lambda: {"api"},
        lambda: (a for a in ["api"]),
    ]
    for audience in audiences:
        for issuer in ("b", ["a", "b"], ("b",), {"b"}):
            assert jwt.decode(
                token, SECRET, algorithms=["HS256"], audience=audience(), issuer=issuer
            )
    with pytest.raises(ex.InvalidAudienceError):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience=["mobile"])
    with pytest.raises(ex.InvalidIssuerError):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="api", issuer=["a"])
    # Wrong argument types on purpose (the type: ignores): each must raise TypeError.
    with pytest.raises(TypeError):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience=[1])  # type: ignore[list-item]
    # A bytes audience is compared as PyJWT compares it (test_pyjwt_exact.py).


def test_options(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    algs = ["HS256"]
    expired = peer({"exp": NOW - 1, "aud": "api", "iss": "i", "sub": "s"})
    with pytest.raises(ex.ExpiredSignatureError):
        jwt.decode(expired, SECRET, algs, audience="api")
    assert jwt.decode(expired, SECRET, algs, {"verify_exp": False}, audience="api")["sub"] == "s"
    assert jwt.decode(expired, SECRET, algs, {"verify_exp": False, "verify_aud": False})
    assert jwt.decode(
        expired,
        SECRET,
        algs,
        {"verify_exp": False, "verify_iss": False},
        audience="api",
        issuer="other",
    )
    assert jwt.decode(
        expired,
        SECRET,
        algs,
        {"verify_exp": False, "verify_sub": False},
        audience="api",
        subject="other",
    )
    no_exp = peer({"sub": "s"})
    with pytest.raises(ex.MissingRequiredClaimError):
        jwt.decode(no_exp, SECRET, algs)
    assert jwt.decode(no_exp, SECRET, algs, {"require": []}) == {"sub": "s"}
    with pytest.raises(ex.MissingRequiredClaimError) as m:
        jwt.decode(no_exp, SECRET, algs, {"require": ["sub", "tenant"]})
    assert m.value.claim == "tenant"
    with pytest.raises(ValueError, match="verify_expiration"):
        jwt.decode(no_exp, SECRET, algs, {"verify_expiration": False})
    # PyJWT's options accepted without effect: the minimum key length is always enforced.
    assert jwt.decode(no_exp, SECRET, algs, {"require": [], "enforce_minimum_key_length": True})


def test_strict_aud(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    strict = {"strict_aud": True}
    single = peer({"exp": NOW + 9, "aud": "api"})
    listed = peer({"exp": NOW + 9, "aud": ["api"]})
    assert jwt.decode(single, SECRET, ["HS256"], strict, audience="api")
    with pytest.raises(ex.InvalidAudienceError):
        jwt.decode(listed, SECRET, ["HS256"], strict, audience="api")
    with pytest.raises(ex.InvalidAudienceError):
        jwt.decode(single, SECRET, ["HS256"], strict, audience=["api"])
    with pytest.raises(ex.InvalidAudienceError):
        jwt.decode(single, SECRET, ["HS256"], strict, audience="web")
    # As in PyJWT: no expected audience, no strict check (a token without aud passes).
    bare = peer({"exp": NOW + 9})
    assert jwt.decode(bare, SECRET, ["HS256"], strict)
    with pytest.raises(ex.InvalidAudienceError):
        jwt.decode(single, SECRET, ["HS256"], strict)
    # verify_aud off switches strict matching off too.
    assert jwt.decode(listed, SECRET, ["HS256"], {**strict, "verify_aud": False}, audience="x")


def test_without_signature_verification(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = pyjwt.encode(
        {"exp": NOW - 5, "aud": "x", "sub": "s"}, "another-secret-0123456789abcdef!"
    )
    off: PyJWTOptions = {"verify_signature": False}
    assert jwt.decode(token, options=off) == pyjwt.decode(token, options=off)
    with pytest.raises(ex.ExpiredSignatureError):  # explicitly switched on, as in PyJWT
        jwt.decode(token, options={**off, "verify_exp": True})
    with pytest.raises(ex.MissingRequiredClaimError):
        jwt.decode(token, options={**off, "require": ["jti"]})
    refresh = pyjwt.encode({"typ": "refresh"}, "x" * 32)
    assert jwt.decode(refresh, options=off) == {"typ": "refresh"}
    # The structure is still checked.
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.decode(pyjwt.encode({}, "x" * 64, algorithm="HS512"), options=off)


def test_algorithms_argument(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = peer({"exp": NOW + 9})
    for algs in (["HS256"], ("HS384", "HS256"), "HS256"):
        assert jwt.decode(token, SECRET, algorithms=algs)
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.encode({}, SECRET, algorithm="HS512")
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.encode({}, SECRET, algorithm="none")
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.encode({}, SECRET, headers={"alg": "HS384"})


def test_headers() -> None:
    token = jwt.encode({"exp": NOW}, SECRET, headers={"kid": "k2", "typ": "at+jwt"})
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "k2", "typ": "at+jwt"}
    assert token == peer({"exp": NOW}, headers={"kid": "k2", "typ": "at+jwt"})
    # RFC 7515: a parameter the verifier does not understand is written and ignored...
    token = jwt.encode({"exp": NOW}, SECRET, headers={"x5t": "abc"})
    assert token == peer({"exp": NOW}, headers={"x5t": "abc"})
    # ...but one that carries a key, or asks for an extension, is never signed.
    with pytest.raises(ex.InvalidHeaderError):
        jwt.encode({}, SECRET, headers={"jku": "https://attacker.example/keys"})
    with pytest.raises(ex.InvalidHeaderError):
        jwt.encode({}, SECRET, headers={"typ": "JOSE"})


def test_decode_complete(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = peer({"exp": NOW + 9}, headers={"kid": "k"})
    ours = jwt.decode_complete(token, SECRET, algorithms=["HS256"])
    theirs = pyjwt.decode_complete(token, SECRET, ["HS256"], {"verify_exp": False})
    assert ours == theirs


def test_bytes_tokens_and_secrets(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = peer({"exp": NOW + 9})
    assert jwt.decode(token.encode(), SECRET.encode(), algorithms=["HS256"]) == {"exp": NOW + 9}


# --- keys -------------------------------------------------------------------------------------


def test_key_rotation(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    old, new = authcore.Key("o" * 32, "2024"), authcore.Key("n" * 32, "2025")
    keys = authcore.KeySet([old, new], default_kid="2025")
    assert (keys.kids, keys.default_kid, len(keys)) == (["2024", "2025"], "2025", 2)
    signed_old = jwt.encode({"exp": NOW + 9}, old)
    signed_new = jwt.encode({"exp": NOW + 9}, keys)  # the default key signs
    assert jwt.get_unverified_header(signed_new)["kid"] == "2025"
    for token in (signed_old, signed_new):
        assert jwt.decode(token, keys, algorithms=["HS256"]) == {"exp": NOW + 9}
    with pytest.raises(ex.UnknownKidError):
        jwt.decode(signed_old, authcore.KeySet([new]), algorithms=["HS256"])
    # A kid-less token is checked against the default key only.
    plain = pyjwt.encode({"exp": NOW + 9}, "o" * 32)
    with pytest.raises(ex.InvalidSignatureError):
        jwt.decode(plain, keys, algorithms=["HS256"])


def test_single_key_treats_kid_as_a_hint_like_pyjwt(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = peer({"exp": NOW + 9}, headers={"kid": "whatever"})
    assert jwt.decode(token, SECRET, algorithms=["HS256"])
    assert jwt.decode(token, authcore.Key(SECRET), algorithms=["HS256"])
    with pytest.raises(ex.UnknownKidError):
        jwt.decode(token, authcore.Key(SECRET, "other"), algorithms=["HS256"])


def test_keys_hide_their_secret() -> None:
    key = authcore.Key(SECRET, "k1")
    assert repr(key) == 'Key(kid="k1")' and SECRET not in repr(key)
    assert not key.is_weak
    assert "k1" in repr(authcore.KeySet([key]))
    assert authcore.Key(SECRET.encode()).kid is None


def test_weak_secrets_need_an_explicit_opt_in(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    with pytest.warns(pyjwt.warnings.InsecureKeyLengthWarning):
        legacy = pyjwt.encode({"exp": NOW + 9}, "secret", algorithm="HS256")
    with pytest.raises(ex.WeakKeyError):
        jwt.decode(legacy, "secret", algorithms=["HS256"])
    with pytest.raises(ex.WeakKeyError):
        authcore.Key("secret")
    weak = authcore.Key("secret", allow_weak=True)
    assert weak.is_weak
    assert jwt.decode(legacy, weak, algorithms=["HS256"]) == {"exp": NOW + 9}


def test_max_token_len(freeze_time: Callable[[float], None]) -> None:
    freeze_time(NOW)
    token = peer({"exp": NOW + 9, "pad": "x" * 9000})
    with pytest.raises(ex.TokenTooLargeError):
        jwt.decode(token, SECRET, algorithms=["HS256"])
    assert jwt.decode(token, SECRET, algorithms=["HS256"], max_token_len=len(token))["pad"]
    with pytest.raises(ex.TokenTooLargeError):
        jwt.decode(token, SECRET, algorithms=["HS256"], max_token_len=len(token) - 1)


def test_claim_names_built_at_run_time_encode_as_literal_ones() -> None:
    # registered names written as literals are interned strings; the same names built at run
    # time are other objects with the same text, and subclasses of str keep their own rules
    class Name(str):
        pass

    literal = {"sub": "alice", "role": "admin", "scope": "a b", "exp": NOW, "iat": NOW - 1}
    built = {"".join(k): v for k, v in literal.items()}
    assert all(a is not b for a, b in zip(literal, built) if len(a) > 1)
    assert jwt.encode(built, SECRET) == jwt.encode(literal, SECRET) == peer(literal)
    assert _authcore.encode_claims({Name("sub"): "alice"}, SECRET) is None  # json.dumps decides
    assert jwt.encode({Name("sub"): "alice", "exp": NOW}, SECRET) == peer(
        {Name("sub"): "alice", "exp": NOW}
    )
