#!/usr/bin/env python3
"""Generate the cross-language test vectors in ``tests/vectors/*.json``.

Run with ``.venv/bin/python tests/vectors/gen.py`` (or ``make vectors``); ``--check`` only
verifies that the committed files match what the peer libraries produce now.

Valid tokens come from PyJWT, password hashes from argon2-cffi and bcrypt, legacy formats from
libpass (passlib's maintained fork) and Django's hashers, and the RFC 7515
A.1 / RFC 9106 examples are checked against the RFC text. Tampered tokens are built by hand;
where a case targets a check that runs after the MAC, the hand-built token carries a correct MAC
so that exactly one check can fire. Every case is self-checked here: valid tokens must decode
with PyJWT at the same ``now``, argon2/bcrypt hashes must verify (or not) with their reference
library. The output is deterministic: fixed times, fixed salts (bcrypt salts included).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import pathlib
import sys
from collections.abc import Callable, Iterable
from datetime import datetime, timezone, tzinfo
from importlib import metadata
from typing import Any
from unittest import mock

import bcrypt
import jwt
import jwt.api_jwt
from _argon2_cffi_bindings import ffi, lib  # type: ignore[import-untyped]  # cffi: no types
from argon2.exceptions import VerificationError
from argon2.low_level import ARGON2_VERSION, Type, core, hash_secret, verify_secret

OUT = pathlib.Path(__file__).resolve().parent
NOW = 1_700_000_000

# A JSON object: claims, a header, a test case.
Json = dict[str, Any]


def _major(dist: str) -> str:
    return f"{dist} {metadata.version(dist).split('.')[0]}.x"


PYJWT = _major("PyJWT")
ARGON2_CFFI = _major("argon2-cffi")
BCRYPT = _major("bcrypt")
HAND = "handmade"
RFC7515 = "RFC 7515 A.1"
RFC9106 = "RFC 9106"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


# --------------------------------------------------------------------------------------------
# JWT keys
# --------------------------------------------------------------------------------------------

RFC7515_K = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
RFC7515_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

KEYS: dict[str, tuple[bytes, str | None]] = {
    "main": (b"authcore-vector-secret-main-2f7c41d09e8b", None),
    "other": (b"authcore-vector-secret-other-a61be3c5770d", None),
    "k1": (b"authcore-vector-secret-k1-rotation-0001", "k1"),
    "k2": (b"authcore-vector-secret-k2-rotation-0002", "k2"),
    "rfc7515": (base64.urlsafe_b64decode(RFC7515_K + "=="), None),
    "weak": (b"authcore-vector-secret-31-bytes", None),
}
assert len(KEYS["weak"][0]) == 31
assert all(len(s) >= 32 for n, (s, _) in KEYS.items() if n != "weak")
assert len(KEYS["rfc7515"][0]) == 64


def secret(name: str) -> bytes:
    return KEYS[name][0]


def keys_json() -> Json:
    out: Json = {}
    for name, (sec, kid) in KEYS.items():
        try:
            text = sec.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        out[name] = {"secret": text, "secret_hex": sec.hex(), "kid": kid}
    return out


# --------------------------------------------------------------------------------------------
# Token builders
# --------------------------------------------------------------------------------------------

STD_HEADER = {"alg": "HS256", "typ": "JWT"}


def seg(x: Json | list[Any] | str | bytes) -> str:
    if isinstance(x, (dict, list)):
        return b64u(compact(x))
    if isinstance(x, str):
        return b64u(x.encode())
    return b64u(x)


def mac(key: str, signing_input: str, digest: Callable[[], Any] = hashlib.sha256) -> bytes:
    return hmac.new(secret(key), signing_input.encode(), digest).digest()


def hand(
    payload: Json | str | bytes | None = None,
    header: Json | list[Any] | None = None,
    *,
    key: str = "main",
    hseg: str | None = None,
    pseg: str | None = None,
    sig: str | None = None,
) -> str:
    """A compact JWS from a header and payload (dict, str or bytes), MAC'd with `key`."""
    h = hseg if hseg is not None else seg(STD_HEADER if header is None else header)
    if pseg is None:
        assert payload is not None, "a payload or a payload segment"
        pseg = seg(payload)
    p = pseg
    s = sig if sig is not None else b64u(mac(key, f"{h}.{p}"))
    return f"{h}.{p}.{s}"


def pyjwt(claims: Json, key: str = "main", kid: str | None = None) -> str:
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode(claims, secret(key), algorithm="HS256", headers=headers)


def claims(**extra: Any) -> Json:
    """A typical valid payload at NOW, with overrides (value None drops the claim)."""
    base = {"sub": "alice", "iat": NOW - 60, "exp": NOW + 3600}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


# --------------------------------------------------------------------------------------------
# JWT cases
# --------------------------------------------------------------------------------------------

VALIDATION_DEFAULTS = {
    "leeway": 0,
    "issuer": None,
    "audience": None,
    "subject": None,
    "token_type": None,
    "required": ["exp"],
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iat": True,
    "max_token_len": 8192,
}

jwt_cases: list[Json] = []


def case(
    name: str,
    token: str,
    expect: Json,
    *,
    keys: Iterable[str] = ("main",),
    now: int = NOW,
    source: str = HAND,
    **validation: Any,
) -> None:
    assert all(n != name for n in (c["name"] for c in jwt_cases)), name
    assert set(validation) <= set(VALIDATION_DEFAULTS), validation
    assert all(k in KEYS for k in keys)
    jwt_cases.append(
        {
            "name": name,
            "source": source,
            "token": token,
            "keys": list(keys),
            "now": now,
            "validation": validation,
            "expect": expect,
        }
    )


def ok(payload: Json) -> Json:
    return {"ok": True, "claims": payload}


def err(code: str) -> Json:
    return {"error": code}


def signed(name: str, payload: Json, error: str | None = None, **kw: Any) -> None:
    """A case for `payload` MAC'd with the main key: verifies to it, or fails with `error`."""
    case(name, hand(payload), err(error) if error else ok(payload), **kw)


def jwt_vectors() -> None:
    # --- valid tokens from PyJWT ------------------------------------------------------------
    c = claims()
    case("pyjwt_minimal", pyjwt(c), ok(c), source=PYJWT)
    c = claims(
        iss="https://auth.example.com",
        aud="api",
        nbf=NOW - 60,
        jti="6f1c2a9e-4b7d-4c2f-9a51-0d3e8b7f1a22",
        roles=["admin", "editor"],
        scope="items:read items:write",
        typ="access",
    )
    case(
        "pyjwt_full_access_token",
        pyjwt(c),
        ok(c),
        source=PYJWT,
        issuer="https://auth.example.com",
        audience=["api"],
        subject="alice",
        token_type="access",
    )
    c = claims(name="Zoë Ångström ✓", profile={"lang": "fr", "tags": ["a", "b"], "n": None})
    case("pyjwt_unicode_and_nested_claims", pyjwt(c), ok(c), source=PYJWT)
    c = claims(exp=18446744073709551615)
    case("pyjwt_exp_u64_max", pyjwt(c), ok(c), source=PYJWT)
    c = claims(aud=["web", "api"])
    case("pyjwt_aud_array_overlap", pyjwt(c), ok(c), source=PYJWT, audience=["mobile", "api"])
    c = claims(iss="b")
    case("pyjwt_issuer_from_list", pyjwt(c), ok(c), source=PYJWT, issuer=["a", "b"])
    c = claims(iss="https://other.example.com")
    case("iss_present_no_issuer_expected", pyjwt(c), ok(c), source=PYJWT)

    # --- RFC 7515 Appendix A.1 --------------------------------------------------------------
    h, p, s = RFC7515_TOKEN.split(".")
    assert b64u(mac("rfc7515", f"{h}.{p}")) == s, "RFC 7515 A.1 MAC"
    rfc_claims = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
    assert json.loads(base64.urlsafe_b64decode(p + "==")) == rfc_claims
    case(
        "rfc7515_a1",
        RFC7515_TOKEN,
        ok(rfc_claims),
        keys=["rfc7515"],
        now=1300819370,
        source=RFC7515,
    )
    case(
        "rfc7515_a1_expired",
        RFC7515_TOKEN,
        err("expired"),
        keys=["rfc7515"],
        now=1300819380,
        source=RFC7515,
    )
    case(
        "rfc7515_a1_wrong_key",
        RFC7515_TOKEN,
        err("invalid_signature"),
        now=1300819370,
        source=RFC7515,
    )

    # --- keys and kid rotation --------------------------------------------------------------
    case("weak_key_rejected", hand(claims(), key="weak"), err("weak_key"), keys=["weak"])
    c = claims()
    case("kid_selects_second_key", pyjwt(c, "k2", kid="k2"), ok(c), keys=["k1", "k2"], source=PYJWT)
    case("kid_selects_first_key", pyjwt(c, "k1", kid="k1"), ok(c), keys=["k1", "k2"], source=PYJWT)
    case(
        "kid_unknown", pyjwt(c, "k2", kid="k3"), err("unknown_kid"), keys=["k1", "k2"], source=PYJWT
    )
    case("no_kid_uses_default_key", pyjwt(c, "k1"), ok(c), keys=["k1", "k2"], source=PYJWT)
    case("no_kid_default_is_first_listed", pyjwt(c, "k2"), ok(c), keys=["k2", "k1"], source=PYJWT)
    case(
        "no_kid_signed_with_non_default_key",
        pyjwt(c, "k2"),
        err("invalid_signature"),
        keys=["k1", "k2"],
        source=PYJWT,
    )
    case(
        "kid_names_key_but_signed_with_other",
        pyjwt(c, "k2", kid="k1"),
        err("invalid_signature"),
        keys=["k1", "k2"],
        source=PYJWT,
    )
    case("kid_with_kidless_key_set", pyjwt(c, "main", kid="k1"), err("unknown_kid"), source=PYJWT)
    case(
        "kid_not_a_string",
        hand(c, {"alg": "HS256", "typ": "JWT", "kid": 1}, key="k1"),
        err("invalid_header"),
        keys=["k1", "k2"],
    )

    # --- size and structure -----------------------------------------------------------------
    t = pyjwt(c)
    case("length_equal_to_limit", t, ok(c), source=PYJWT, max_token_len=len(t))
    case("length_one_over_limit", t, err("token_too_large"), source=PYJWT, max_token_len=len(t) - 1)
    big = claims(blob="x" * 9000)
    case("default_limit_8192", pyjwt(big), err("token_too_large"), source=PYJWT)
    h, p, s = t.split(".")
    case("two_segments", f"{h}.{p}", err("malformed"))
    case("four_segments", f"{h}.{p}.{s}.{s}", err("malformed"))
    case("one_segment", h, err("malformed"))
    case("empty_token", "", err("malformed"))

    # --- strict base64url -------------------------------------------------------------------
    odd = claims(pad="x")  # payload length not a multiple of 3: padding would be needed
    assert len(compact(odd)) % 3 != 0
    po = seg(odd)
    pad = "=" * (-len(po) % 4)
    case("payload_padded", hand(hseg=seg(STD_HEADER), pseg=po + pad), err("invalid_base64"))
    case(
        "payload_with_space",
        hand(hseg=seg(STD_HEADER), pseg=po[:10] + " " + po[10:]),
        err("invalid_base64"),
    )
    case(
        "payload_with_newline",
        hand(hseg=seg(STD_HEADER), pseg=po[:10] + "\n" + po[10:]),
        err("invalid_base64"),
    )
    # A payload whose base64url holds '-' and '_', sent in the standard alphabet instead.
    std = next(x for i in range(1, 50) if {"-", "_"} <= set(seg(x := claims(note="?>?~" * i))))
    ps = seg(std)
    case("payload_urlsafe_chars", hand(std), ok(std))
    case(
        "payload_standard_alphabet",
        hand(hseg=seg(STD_HEADER), pseg=ps.replace("-", "+").replace("_", "/")),
        err("invalid_base64"),
    )
    # Non-canonical: unused low bits of the last character set.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(po[-1])
    unused = 4 if len(compact(odd)) % 3 == 1 else 2
    noncanon = po[:-1] + alphabet[last | 1]
    assert last & ((1 << unused) - 1) == 0 and base64.urlsafe_b64decode(noncanon + pad) == compact(
        odd
    )
    case(
        "payload_non_canonical_trailing_bits",
        hand(hseg=seg(STD_HEADER), pseg=noncanon),
        err("invalid_base64"),
    )
    t = pyjwt(c)
    h, p, s = t.split(".")
    sl = alphabet.index(s[-1])
    case(
        "signature_non_canonical_trailing_bits",
        f"{h}.{p}.{s[:-1]}{alphabet[sl | 1]}",
        err("invalid_base64"),
        source=PYJWT,
    )
    case("signature_padded", f"{h}.{p}.{s}=", err("invalid_base64"), source=PYJWT)
    case(
        "payload_invalid_char",
        hand(hseg=seg(STD_HEADER), pseg=po[:5] + "*" + po[6:]),
        err("invalid_base64"),
    )
    case(
        "payload_impossible_length",
        hand(hseg=seg(STD_HEADER), pseg=po + "A" * ((1 - len(po)) % 4)),
        err("invalid_base64"),
    )
    odd_header = {"alg": "HS256", "typ": "JWT", "x": "1"}
    assert len(compact(odd_header)) % 3 != 0
    ho = seg(odd_header)
    case("header_unpadded_odd_length", hand(c, odd_header), ok(c))
    case("header_padded", hand(c, hseg=ho + "=" * (-len(ho) % 4)), err("invalid_base64"))

    # --- header -----------------------------------------------------------------------------
    case("header_not_json", hand(c, hseg=seg('{"alg":"HS256"')), err("malformed"))
    case("header_json_array", hand(c, ["HS256"]), err("malformed"))
    case("header_json_string", hand(c, hseg=seg('"HS256"')), err("malformed"))
    case("header_invalid_utf8", hand(c, hseg=seg(b'{"alg":"HS256","x":"\xff"}')), err("malformed"))
    case(
        "alg_none_unsigned",
        f"{seg({'alg': 'none', 'typ': 'JWT'})}.{seg(c)}.",
        err("unsupported_alg"),
    )
    case("alg_none_with_mac", hand(c, {"alg": "none", "typ": "JWT"}), err("unsupported_alg"))
    case("alg_NONE", hand(c, {"alg": "NONE"}), err("unsupported_alg"))
    case("alg_lowercase_hs256", hand(c, {"alg": "hs256", "typ": "JWT"}), err("unsupported_alg"))
    hs512_h = seg({"alg": "HS512", "typ": "JWT"})
    hs512_sig = b64u(mac("main", f"{hs512_h}.{seg(c)}", hashlib.sha512))
    case(
        "alg_hs512_correctly_signed",
        hand(hseg=hs512_h, pseg=seg(c), sig=hs512_sig),
        err("unsupported_alg"),
    )
    case("alg_rs256", hand(c, {"alg": "RS256", "typ": "JWT"}), err("unsupported_alg"))
    case("alg_missing", hand(c, {"typ": "JWT"}), err("unsupported_alg"))
    case("alg_trailing_space", hand(c, {"alg": "HS256 ", "typ": "JWT"}), err("unsupported_alg"))
    case(
        "alg_escaped_is_hs256",
        hand(c, hseg=seg('{"alg":"HS\\u0032\\u0035\\u0036","typ":"JWT"}')),
        ok(c),
    )
    case("header_alg_only", hand(c, {"alg": "HS256"}), ok(c))
    case(
        "header_unknown_member_ignored",
        hand(c, {"alg": "HS256", "typ": "JWT", "cty": "x", "x-trace": "1"}),
        ok(c),
    )
    case("typ_lowercase_jwt", hand(c, {"alg": "HS256", "typ": "jwt"}), ok(c))
    case("typ_at_jwt", hand(c, {"alg": "HS256", "typ": "at+jwt"}), ok(c))
    case("typ_jose", hand(c, {"alg": "HS256", "typ": "JOSE"}), err("invalid_header"))
    case("typ_not_a_string", hand(c, {"alg": "HS256", "typ": 1}), err("invalid_header"))
    for member, value in [
        ("crit", ["exp"]),
        ("b64", False),
        ("jku", "https://attacker.example/jwks.json"),
        ("jwk", {"kty": "oct", "k": b64u(secret("other"))}),
        ("x5u", "https://attacker.example/cert.pem"),
        ("x5c", ["MIIB"]),
    ]:
        case(
            f"header_{member}_rejected",
            hand(c, {"alg": "HS256", "typ": "JWT", member: value}),
            err("invalid_header"),
        )

    # --- MAC --------------------------------------------------------------------------------
    t = pyjwt(c)
    h, p, s = t.split(".")
    case("wrong_key", pyjwt(c, "other"), err("invalid_signature"), source=PYJWT)
    raw = bytearray(base64.urlsafe_b64decode(s + "="))
    raw[0] ^= 1
    case(
        "signature_bit_flipped",
        f"{h}.{p}.{b64u(bytes(raw))}",
        err("invalid_signature"),
        source=PYJWT,
    )
    case(
        "signature_truncated",
        f"{h}.{p}.{b64u(base64.urlsafe_b64decode(s + '=')[:31])}",
        err("invalid_signature"),
    )
    case(
        "signature_extended",
        f"{h}.{p}.{b64u(base64.urlsafe_b64decode(s + '=') + b'0')}",
        err("invalid_signature"),
    )
    case("signature_empty", f"{h}.{p}.", err("invalid_signature"))
    case(
        "payload_changed_after_signing",
        f"{h}.{seg(claims(sub='mallory'))}.{s}",
        err("invalid_signature"),
    )
    case(
        "bad_mac_and_garbage_payload",
        f"{h}.{seg(b'not json at all')}.{s}",
        err("invalid_signature"),
    )
    case("bad_mac_and_expired", f"{h}.{seg(claims(exp=NOW - 10))}.{s}", err("invalid_signature"))

    # --- payload structure ------------------------------------------------------------------
    case("payload_not_json", hand(b"not json"), err("malformed"))
    case("payload_json_array", hand(b'[{"exp":1700003600}]'), err("malformed"))
    case("payload_json_number", hand(b"1700003600"), err("malformed"))
    case("payload_invalid_utf8", hand(b'{"exp":1700003600,"n":"\xc3\x28"}'), err("malformed"))
    case("payload_trailing_garbage", hand(compact(c) + b"x"), err("malformed"))
    deep_ok = b'{"exp":1700003600,"n":' + b"[" * 31 + b"]" * 31 + b"}"
    deep_bad = b'{"exp":1700003600,"n":' + b"[" * 32 + b"]" * 32 + b"}"
    case("nesting_depth_32", hand(deep_ok), ok(json.loads(deep_ok)))
    case("nesting_depth_33", hand(deep_bad), err("nesting_too_deep"))
    case(
        "nesting_depth_33_objects",
        hand(b'{"exp":1700003600,"n":' + b'{"a":' * 32 + b"1" + b"}" * 33),
        err("nesting_too_deep"),
    )

    # --- typed registered claims ------------------------------------------------------------
    for label, cname, literal in [
        ("exp_fraction", "exp", "1700003600.5"),
        ("exp_float_integral", "exp", "1700003600.0"),
        ("exp_string", "exp", '"1700003600"'),
        ("exp_negative", "exp", "-1"),
        ("exp_exponent", "exp", "1e10"),
        ("exp_u64_overflow", "exp", "18446744073709551616"),
        ("exp_bool", "exp", "true"),
        ("exp_null", "exp", "null"),
        ("nbf_string", "nbf", '"1699999000"'),
        ("nbf_fraction", "nbf", "1.5"),
        ("iat_negative", "iat", "-5"),
        ("iat_float_integral", "iat", "1699999940.0"),
        ("iat_huge", "iat", "99999999999999999999999"),
    ]:
        body = (
            f'{{"sub":"alice","{cname}":{literal}'
            + ("" if cname == "exp" else ',"exp":1700003600')
            + "}"
        )
        case(label, hand(body), err("invalid_claim"))
    case("aud_number", hand(claims(aud=5)), err("invalid_claim"), audience=["api"])
    case(
        "aud_array_with_number",
        hand(claims(aud=["api", 5])),
        err("invalid_claim"),
        audience=["api"],
    )
    case("iss_number", hand(claims(iss=5)), err("invalid_claim"), issuer="5")
    case("iss_number_no_issuer_expected", hand(claims(iss=5)), err("invalid_claim"))
    case("sub_number", hand(claims(sub=5)), err("invalid_claim"))
    case("jti_number", hand(claims(jti=5)), err("invalid_claim"))
    case("typ_claim_number", hand(claims(typ=5)), err("invalid_claim"))
    case(
        "duplicate_exp",
        hand(b'{"sub":"alice","exp":1700003600,"exp":1600000000}'),
        err("duplicate_claim"),
    )
    case(
        "duplicate_exp_escaped_name",
        hand(b'{"sub":"alice","exp":1700003600,"\\u0065xp":1600000000}'),
        err("duplicate_claim"),
    )
    case(
        "duplicate_iss",
        hand(b'{"iss":"a","exp":1700003600,"iss":"b"}'),
        err("duplicate_claim"),
        issuer="a",
    )
    case(
        "duplicate_aud",
        hand(b'{"aud":"api","exp":1700003600,"aud":"web"}'),
        err("duplicate_claim"),
        audience=["api"],
    )
    case(
        "duplicate_sub",
        hand(b'{"sub":"alice","exp":1700003600,"sub":"bob"}'),
        err("duplicate_claim"),
    )

    # --- time claims ------------------------------------------------------------------------
    signed("exp_equal_now_is_expired", claims(exp=NOW), "expired")
    signed("exp_one_second_left", claims(exp=NOW + 1))
    signed("exp_within_leeway_boundary_expired", claims(exp=NOW - 10), "expired", leeway=10)
    signed("exp_within_leeway", claims(exp=NOW - 9), leeway=10)
    signed("leeway_larger_than_now", {"exp": 1}, now=5, leeway=10)
    signed("expired_but_verify_exp_off", claims(exp=NOW - 3600), verify_exp=False)
    signed("nbf_equal_now", claims(nbf=NOW))
    signed("nbf_future", claims(nbf=NOW + 1), "not_yet_valid")
    signed("nbf_within_leeway", claims(nbf=NOW + 5), leeway=5)
    signed("nbf_beyond_leeway", claims(nbf=NOW + 6), "not_yet_valid", leeway=5)
    signed("nbf_future_verify_nbf_off", claims(nbf=NOW + 600), verify_nbf=False)
    signed("iat_equal_now", claims(iat=NOW))
    signed("iat_future", claims(iat=NOW + 1), "issued_in_future")
    signed("iat_future_within_leeway", claims(iat=NOW + 30), leeway=30)
    signed("iat_future_verify_iat_off", claims(iat=NOW + 600), verify_iat=False)

    # --- required claims --------------------------------------------------------------------
    signed("exp_missing", claims(exp=None), "missing_claim")
    signed("exp_missing_not_required", claims(exp=None), required=[])
    signed("iat_required_missing", claims(iat=None), "missing_claim", required=["exp", "iat"])
    signed("custom_required_missing", claims(), "missing_claim", required=["exp", "tenant"])
    signed("custom_required_present", claims(tenant="acme"), required=["exp", "tenant"])

    # --- issuer, audience, subject ----------------------------------------------------------
    signed(
        "issuer_expected_iss_missing", claims(), "missing_claim", issuer="https://auth.example.com"
    )
    signed(
        "issuer_mismatch",
        claims(iss="https://evil.example.com"),
        "invalid_issuer",
        issuer="https://auth.example.com",
    )
    signed("issuer_not_in_list", claims(iss="c"), "invalid_issuer", issuer=["a", "b"])
    c = {"iss": "uA", **claims()}
    case(
        "iss_escaped_matches",
        hand(compact(claims()).replace(b"{", b'{"iss":"u\\u0041",', 1)),
        ok(c),
        issuer="uA",
    )
    signed("audience_expected_aud_missing", claims(), "missing_claim", audience=["api"])
    signed("audience_no_overlap", claims(aud="web"), "invalid_audience", audience=["api"])
    signed("audience_empty_array", claims(aud=[]), "invalid_audience", audience=["api"])
    signed("aud_present_none_expected", claims(aud="api"), "invalid_audience")
    c = {"aud": "api", **claims()}
    case(
        "aud_escaped_matches",
        hand(compact(claims()).replace(b"{", b'{"aud":"\\u0061pi",', 1)),
        ok(c),
        audience=["api"],
    )
    signed("subject_matches", claims(sub="alice"), subject="alice")
    signed("subject_mismatch", claims(sub="alice"), "invalid_subject", subject="bob")

    # --- payload token type -----------------------------------------------------------------
    refresh, access = claims(typ="refresh"), claims(typ="access")
    signed("refresh_rejected_by_default", refresh, "wrong_token_type")
    signed("refresh_where_access_expected", refresh, "wrong_token_type", token_type="access")
    signed("refresh_where_refresh_expected", refresh, token_type="refresh")
    signed("access_where_refresh_expected", access, "wrong_token_type", token_type="refresh")
    signed("access_without_expectation", access)
    signed("untyped_where_refresh_expected", claims(), "wrong_token_type", token_type="refresh")

    # --- raw UTF-8 and whitespace in the payload -------------------------------------------
    body_utf8 = '{ "sub" : "zoë" ,\n "exp" : 1700003600 }'.encode()
    case("payload_raw_utf8_and_whitespace", hand(body_utf8), ok(json.loads(body_utf8)))


# --------------------------------------------------------------------------------------------
# Cross-check valid JWT cases with PyJWT at the case's `now`
# --------------------------------------------------------------------------------------------


def pyjwt_decode(c: Json) -> Json:
    v = VALIDATION_DEFAULTS | c["validation"]
    header = jwt.get_unverified_header(c["token"])
    key = next(
        (k for k in c["keys"] if "kid" in header and KEYS[k][1] == header["kid"]), c["keys"][0]
    )

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> FrozenDatetime:
            return cls.fromtimestamp(c["now"], tz=timezone.utc)

    # PyJWT reads the clock through its module's `datetime`.
    with mock.patch.object(jwt.api_jwt, "datetime", FrozenDatetime):
        return jwt.decode(
            c["token"],
            secret(key),
            algorithms=["HS256"],
            options={
                "require": v["required"],
                "verify_exp": v["verify_exp"],
                "verify_nbf": v["verify_nbf"],
                "verify_iat": v["verify_iat"],
            },
            audience=v["audience"],
            issuer=v["issuer"],
            subject=v["subject"],
            leeway=v["leeway"],
        )


def check_jwt() -> list[str]:
    accepted_by_pyjwt = []
    for c in jwt_cases:
        expect = c["expect"]
        if "ok" in expect:
            got = pyjwt_decode(c)
            assert got == expect["claims"], (c["name"], got)
            continue
        if expect["error"] == "weak_key":
            continue
        try:
            pyjwt_decode(c)
        except Exception:  # noqa: BLE001, S112 - any PyJWT refusal is a refusal
            continue
        accepted_by_pyjwt.append(f"{c['name']} ({expect['error']})")
    return accepted_by_pyjwt


# --------------------------------------------------------------------------------------------
# encode.json: PyJWT's bytes for HS256
# --------------------------------------------------------------------------------------------


def encode_vectors() -> list[Json]:
    out: list[Json] = []

    def add(name: str, key: str, kid: str | None, claims_: Json) -> None:
        token = pyjwt(claims_, key, kid)
        header = (
            {"alg": "HS256", "kid": kid, "typ": "JWT"} if kid else {"alg": "HS256", "typ": "JWT"}
        )
        header_json = compact(header)
        payload_json = compact(claims_)
        h, p = b64u(header_json), b64u(payload_json)
        assert token == f"{h}.{p}.{b64u(mac(key, f'{h}.{p}'))}", name
        out.append(
            {
                "name": name,
                "key": key,
                "kid": kid,
                "claims": claims_,
                "header_json": header_json.decode(),
                "payload_json": payload_json.decode(),
                "token": token,
            }
        )

    add("minimal", "main", None, {"sub": "alice", "exp": NOW + 3600})
    add("empty_claims", "main", None, {})
    add(
        "registered_claims",
        "main",
        None,
        {
            "iss": "https://auth.example.com",
            "sub": "alice",
            "aud": "api",
            "exp": NOW + 900,
            "nbf": NOW,
            "iat": NOW,
            "jti": "0c4f9a",
        },
    )
    add(
        "aud_array_roles_scope",
        "main",
        None,
        {
            "sub": "42",
            "aud": ["api", "web"],
            "roles": ["admin"],
            "scope": "items:read",
            "exp": NOW + 900,
        },
    )
    add("with_kid", "k2", "k2", {"sub": "alice", "exp": NOW + 3600, "typ": "access"})
    add(
        "refresh_with_family",
        "k1",
        "k1",
        {"sub": "alice", "typ": "refresh", "fam": "f-1", "jti": "r-1", "exp": NOW + 86400},
    )
    add(
        "json_types",
        "main",
        None,
        {
            "exp": 18446744073709551615,
            "n": -7,
            "t": True,
            "f": False,
            "z": None,
            "o": {"a": [1, {"b": []}]},
        },
    )
    add(
        "string_escapes",
        "main",
        None,
        {"exp": NOW + 60, "s": 'quote " backslash \\ slash / nl \n tab \t ctl \x01 \x1f'},
    )
    return out


# --------------------------------------------------------------------------------------------
# password.json
# --------------------------------------------------------------------------------------------

OWASP = {
    "type": Type.ID,
    "version": 19,
    "memory_cost": 19456,
    "time_cost": 2,
    "parallelism": 1,
    "hash_len": 32,
}
SALT = b"authcore-salt-16"  # 16 bytes
assert len(SALT) == 16

password_cases: list[Json] = []


def pw_case(
    name: str,
    password: bytes,
    hash_: str,
    expect: str,
    needs_rehash: bool | None,
    source: str,
    note: str | None = None,
) -> None:
    assert all(c["name"] != name for c in password_cases), name
    entry: Json = {"name": name}
    try:
        text = password.decode("utf-8")
        assert "\x00" not in text
        entry["password"] = text
    except (UnicodeDecodeError, AssertionError):
        entry["password_hex"] = password.hex()
    entry |= {"hash": hash_, "expect": expect, "needs_rehash": needs_rehash, "source": source}
    if note:
        entry["note"] = note
    password_cases.append(entry)


def argon2(
    password: bytes,
    *,
    type: Type = Type.ID,
    version: int = 19,
    m: int = 64,
    t: int = 1,
    p: int = 1,
    hash_len: int = 32,
    salt: bytes = SALT,
) -> str:
    return hash_secret(
        password,
        salt,
        time_cost=t,
        memory_cost=m,
        parallelism=p,
        hash_len=hash_len,
        type=type,
        version=version,
    ).decode()


def bcrypt_hash(password: bytes, cost: int = 4, salt22: bytes = b"authcoreVectorSalt.22e") -> str:
    assert len(salt22) == 22
    return bcrypt.hashpw(password, b"$2b$%02d$" % cost + salt22).decode()


def password_vectors() -> None:
    pw = b"correct horse battery staple"
    a = ARGON2_CFFI
    pw_case("argon2id_owasp_params", pw, argon2(pw, m=19456, t=2, p=1), "ok", False, a)
    pw_case("argon2id_small", pw, argon2(pw), "ok", True, a)
    pw_case(
        "argon2id_small_wrong_password",
        b"correct horse battery stapl",
        argon2(pw),
        "password_mismatch",
        True,
        a,
    )
    pw_case("argon2id_m1024_t3_p2", pw, argon2(pw, m=1024, t=3, p=2), "ok", True, a)
    pw_case("argon2id_m256_t2_p4", pw, argon2(pw, m=256, t=2, p=4), "ok", True, a)
    pw_case("argon2id_hash_16_bytes", pw, argon2(pw, hash_len=16), "ok", True, a)
    pw_case("argon2id_hash_64_bytes", pw, argon2(pw, hash_len=64), "ok", True, a)
    pw_case("argon2id_salt_8_bytes", pw, argon2(pw, salt=b"8bytes!!"), "ok", True, a)
    pw_case(
        "argon2id_salt_32_bytes",
        pw,
        argon2(pw, salt=b"authcore-salt-32-bytes-long-0001"),
        "ok",
        True,
        a,
    )
    pw_case("argon2id_version_16", pw, argon2(pw, version=16), "ok", True, a)
    pw_case("argon2i", pw, argon2(pw, type=Type.I, m=128, t=2), "ok", True, a)
    pw_case(
        "argon2i_wrong_password",
        b"wrong",
        argon2(pw, type=Type.I, m=128, t=2),
        "password_mismatch",
        True,
        a,
    )
    pw_case("argon2d", pw, argon2(pw, type=Type.D, m=128, t=2), "ok", True, a)
    pw_case(
        "argon2id_unicode_password",
        "pässwörd-✓-密码".encode(),
        argon2("pässwörd-✓-密码".encode()),
        "ok",
        True,
        a,
    )
    pw_case("argon2id_empty_password", b"", argon2(b""), "ok", True, a)
    pw_case("argon2id_password_with_nul", b"pass\x00word", argon2(b"pass\x00word"), "ok", True, a)
    pw_case(
        "argon2id_nul_suffix_is_different",
        b"pass",
        argon2(b"pass\x00word"),
        "password_mismatch",
        True,
        a,
    )
    pw_case("argon2id_non_utf8_password", b"\xff\xfe pass", argon2(b"\xff\xfe pass"), "ok", True, a)
    long_pw = b"L" * 200
    pw_case("argon2id_long_password_200_bytes", long_pw, argon2(long_pw), "ok", True, a)
    pw_case(
        "argon2id_long_password_not_truncated",
        long_pw[:72],
        argon2(long_pw),
        "password_mismatch",
        True,
        a,
    )

    # RFC 9106 inputs (without secret and associated data, which PHC strings cannot carry).
    rfc_pw, rfc_salt = b"\x01" * 32, b"\x02" * 16
    pw_case(
        "argon2id_rfc9106_inputs_no_secret",
        rfc_pw,
        argon2(rfc_pw, m=32, t=3, p=4, salt=rfc_salt),
        "ok",
        True,
        a,
        note="RFC 9106 section 5.3 password, salt and parameters; no secret, no associated data",
    )

    # Bounds: parameters planted into a valid small hash must be refused before any work.
    base = argon2(pw)
    assert base.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    tail = base.split("$", 4)[4]
    planted = "$argon2id$v=19${}$" + tail
    pw_case(
        "argon2id_planted_m_4gib",
        pw,
        planted.format("m=4194304,t=1,p=1"),
        "hash_params_out_of_bounds",
        True,
        HAND,
    )
    pw_case(
        "argon2id_planted_t_100000",
        pw,
        planted.format("m=64,t=100000,p=1"),
        "hash_params_out_of_bounds",
        True,
        HAND,
    )
    pw_case(
        "argon2id_planted_p_255",
        pw,
        planted.format("m=2048,t=1,p=255"),
        "hash_params_out_of_bounds",
        True,
        HAND,
    )

    # Malformed PHC strings.
    salt_b64, hash_b64 = tail.split("$")
    bad = [
        ("empty_string", ""),
        ("plaintext", "correct horse battery staple"),
        ("truncated_params", "$argon2id$v=19$m=64,t=1"),
        ("truncated_no_hash", f"$argon2id$v=19$m=64,t=1,p=1${salt_b64}"),
        ("truncated_hash_bad_length", f"$argon2id$v=19$m=64,t=1,p=1${salt_b64}${hash_b64[:-42]}"),
        ("unknown_algorithm", "$argon2x$v=19$m=64,t=1,p=1$" + tail),
        ("unknown_version", "$argon2id$v=20$m=64,t=1,p=1$" + tail),
        ("unknown_param", "$argon2id$v=19$m=64,t=1,p=1,x=3$" + tail),
        ("missing_param", "$argon2id$v=19$m=64,t=1$" + tail),
        ("non_numeric_param", "$argon2id$v=19$m=sixty,t=1,p=1$" + tail),
        ("salt_bad_base64", f"$argon2id$v=19$m=64,t=1,p=1$!!!!salt!!!!${hash_b64}"),
        ("hash_bad_base64", f"$argon2id$v=19$m=64,t=1,p=1${salt_b64}${hash_b64[:-4]}*@#!"),
        ("hash_padded_base64", f"$argon2id$v=19$m=64,t=1,p=1${salt_b64}${hash_b64}="),
        (
            "salt_too_short",
            f"$argon2id$v=19$m=64,t=1,p=1${base64.b64encode(b'1234').decode().rstrip('=')}${hash_b64}",
        ),
        ("trailing_dollar", base + "$"),
    ]
    for name, h in bad:
        pw_case(f"argon2_{name}", pw, h, "invalid_hash", None, HAND)
    v16 = argon2(pw, version=16)
    pw_case(
        "argon2_missing_version",
        pw,
        v16.replace("v=16$", ""),
        "invalid_hash",
        None,
        HAND,
        note="argon2-cffi reads a missing v= as version 0x10 and accepts this hash; authcore refuses it",
    )

    # bcrypt (legacy verify only: always needs a rehash to argon2id).
    b = BCRYPT
    h2b = bcrypt_hash(pw)
    pw_case("bcrypt_2b", pw, h2b, "ok", True, b)
    pw_case(
        "bcrypt_2b_wrong_password",
        b"Correct horse battery staple",
        h2b,
        "password_mismatch",
        True,
        b,
    )
    pw_case("bcrypt_2a", pw, "$2a$" + h2b[4:], "ok", True, b)
    pw_case("bcrypt_2y", pw, "$2y$" + h2b[4:], "ok", True, b)
    pw_case(
        "bcrypt_cost_5", b"hunter2hunter2", bcrypt_hash(b"hunter2hunter2", cost=5), "ok", True, b
    )
    pw_case(
        "bcrypt_unicode_password",
        "pässwörd".encode(),
        bcrypt_hash("pässwörd".encode()),
        "ok",
        True,
        b,
    )
    p72 = bytes(range(0x41, 0x41 + 26)) * 2 + b"0123456789012345678_"
    assert len(p72) == 72
    h72 = bcrypt_hash(p72)
    pw_case("bcrypt_72_byte_password", p72, h72, "ok", True, b)
    pw_case("bcrypt_71_byte_prefix_mismatch", p72[:71], h72, "password_mismatch", True, b)
    pw_case(
        "bcrypt_80_byte_password_truncated_to_72",
        p72 + b"IGNORED!",
        h72,
        "ok",
        True,
        HAND,
        note="bcrypt only reads 72 bytes; hashes made by bcrypt 4.x and passlib from longer passwords verify",
    )
    pw_case("bcrypt_cost_31", pw, "$2b$31$" + h2b[7:], "hash_params_out_of_bounds", True, HAND)
    for name, h in [
        ("bcrypt_truncated", h2b[:40]),
        (
            "bcrypt_unknown_variant_2x",
            "$2x$" + h2b[4:],
        ),  # crypt_blowfish sign-extension bug variant
        ("bcrypt_cost_03", "$2b$03$" + h2b[7:]),
        ("bcrypt_cost_not_numeric", "$2b$ab$" + h2b[7:]),
        ("bcrypt_bad_char", h2b[:-1] + "!"),
        ("bcrypt_too_long", h2b + "A"),
    ]:
        pw_case(name, pw, h, "invalid_hash", None, HAND)


# Legacy formats (verify-only, always rehashed): passlib's own hashes made by libpass, Django's
# by Django's hashers, with fixed salts and small costs so the vectors are deterministic and the
# debug-build test suites stay fast.
LIBPASS = _major("libpass")
DJANGO = _major("django")
# Cases that need non-default bounds: {"bounds": {...}} says which.
bounds_cases: list[Json] = []


def _django_hasher(name: str) -> Any:
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if not settings.configured:
        settings.configure(PASSWORD_HASHERS=[])
        django.setup()
    from django.contrib.auth import hashers  # type: ignore[import-untyped]

    return {"sha256": hashers.PBKDF2PasswordHasher, "sha1": hashers.PBKDF2SHA1PasswordHasher}[
        name
    ]()


def legacy_vectors() -> None:
    from passlib import hash as ph  # type: ignore[import-untyped]

    pw = b"correct horse battery staple"
    wrong = b"Correct horse battery staple"
    uni = "pässwörd ✓".encode()
    lp = LIBPASS

    def both(name: str, h: str, password: bytes = pw) -> None:
        pw_case(name, password, h, "ok", True, lp)
        pw_case(f"{name}_wrong_password", wrong, h, "password_mismatch", True, lp)

    # bcrypt_sha256, v2 (HMAC-SHA256 keyed by the salt text) and v1 (SHA-256).
    bsalt = "authcoreVectorSalt.22e"
    b2 = ph.bcrypt_sha256.using(salt=bsalt, rounds=4)
    b1 = ph.bcrypt_sha256.using(salt=bsalt, rounds=5, version=1)
    v2 = b2.hash(pw)
    both("bcrypt_sha256_v2", v2)
    both("bcrypt_sha256_v1_2b", b1.hash(pw))
    pw_case("bcrypt_sha256_v1_2a", pw, b1.using(ident="2a").hash(pw), "ok", True, lp)
    pw_case("bcrypt_sha256_v2_unicode", uni, b2.hash(uni), "ok", True, lp)
    long = b"0123456789" * 10
    hl = b2.hash(long)
    pw_case("bcrypt_sha256_v2_100_byte_password", long, hl, "ok", True, lp)
    pw_case(
        "bcrypt_sha256_v2_100_byte_password_not_truncated",
        long[:72],
        hl,
        "password_mismatch",
        True,
        lp,
        note="the SHA-256 pre-hash reads the whole password, unlike plain bcrypt",
    )
    pw_case(
        "bcrypt_sha256_cost_31",
        pw,
        v2.replace("r=4$", "r=31$"),
        "hash_params_out_of_bounds",
        True,
        HAND,
    )
    for name, h in [
        ("bcrypt_sha256_v3", v2.replace("v=2,", "v=3,")),
        ("bcrypt_sha256_v2_with_2a", v2.replace("t=2b", "t=2a")),
        ("bcrypt_sha256_zero_padded_cost", v2.replace("r=4$", "r=04$")),
        ("bcrypt_sha256_no_digest", v2.rsplit("$", 1)[0]),
        ("bcrypt_sha256_bad_salt_bits", v2.replace(bsalt, bsalt[:-1] + "f")),
    ]:
        pw_case(name, pw, h, "invalid_hash", None, HAND)

    # passlib pbkdf2_* (adapted base64).
    salt = b"authcore-salt-16"
    for scheme in ("pbkdf2_sha1", "pbkdf2_sha256", "pbkdf2_sha512"):
        handler = getattr(ph, scheme).using(salt=salt, rounds=1000)
        h = handler.hash(pw)
        both(scheme, h)
        pw_case(f"{scheme}_unicode", uni, handler.hash(uni), "ok", True, lp)
    p256 = ph.pbkdf2_sha256.using(salt=b"\xfb\xff" * 8, rounds=1000)
    hdot = p256.hash(pw)
    assert "." in hdot, hdot
    pw_case("pbkdf2_sha256_salt_with_dot", pw, hdot, "ok", True, lp)
    pw_case("pbkdf2_sha256_empty_password", b"", p256.hash(b""), "ok", True, lp)
    h = ph.pbkdf2_sha256.using(salt=salt, rounds=1000).hash(pw)
    pw_case(
        "pbkdf2_sha256_rounds_4294967295",
        pw,
        h.replace("$1000$", "$4294967295$"),
        "hash_params_out_of_bounds",
        True,
        HAND,
    )
    for name, bad in [
        ("pbkdf2_sha256_zero_padded_rounds", h.replace("$1000$", "$01000$")),
        ("pbkdf2_sha256_zero_rounds", h.replace("$1000$", "$0$")),
        ("pbkdf2_sha256_plus_for_dot", hdot.replace(".", "+")),
        ("pbkdf2_sha256_padded_digest", h + "="),
        ("pbkdf2_sha256_short_digest", h[:-4]),
        ("pbkdf2_sha256_extra_field", h + "$"),
    ]:
        pw_case(name, pw, bad, "invalid_hash", None, HAND)

    # Django's PBKDF2 hashers (its own code, as its `auth_user.password` column holds them).
    dsalt = "authcoreDjangoSalt22ch"
    for name, alg in [("django_pbkdf2_sha256", "sha256"), ("django_pbkdf2_sha1", "sha1")]:
        hasher = _django_hasher(alg)
        h = hasher.encode(pw.decode(), dsalt, 1000)
        pw_case(name, pw, h, "ok", True, DJANGO)
        pw_case(f"{name}_wrong_password", wrong, h, "password_mismatch", True, DJANGO)
        pw_case(
            f"{name}_unicode", uni, hasher.encode(uni.decode(), dsalt, 1000), "ok", True, DJANGO
        )
    hd = _django_hasher("sha256").encode(pw.decode(), dsalt, 1000)
    pw_case(
        "django_pbkdf2_sha256_iterations_3000000",
        pw,
        hd.replace("$1000$", "$3000000$"),
        "hash_params_out_of_bounds",
        True,
        HAND,
    )
    pw_case("django_pbkdf2_sha256_unpadded", pw, hd.rstrip("="), "invalid_hash", None, HAND)
    pw_case(
        "django_pbkdf2_sha256_empty_salt", pw, hd.replace(dsalt, ""), "invalid_hash", None, HAND
    )

    # sha256_crypt / sha512_crypt.
    csalt = "authcoreSalt16ch"
    for scheme in ("sha256_crypt", "sha512_crypt"):
        handler = getattr(ph, scheme)
        h = handler.using(salt=csalt, rounds=1000).hash(pw)
        assert "$rounds=1000$" in h, h
        both(scheme, h)
        implicit = handler.using(salt="shortsalt", rounds=5000).hash(pw)
        assert "rounds=" not in implicit, implicit
        pw_case(f"{scheme}_implicit_5000_rounds", pw, implicit, "ok", True, lp)
        pw_case(
            f"{scheme}_unicode",
            uni,
            handler.using(salt=csalt, rounds=1000).hash(uni),
            "ok",
            True,
            lp,
        )
        pw_case(
            f"{scheme}_empty_salt", pw, handler.using(salt="", rounds=1000).hash(pw), "ok", True, lp
        )
        pw_case(
            f"{scheme}_rounds_999999999",
            pw,
            h.replace("rounds=1000$", "rounds=999999999$"),
            "hash_params_out_of_bounds",
            True,
            HAND,
        )
        for name, bad in [
            (f"{scheme}_rounds_999", h.replace("rounds=1000$", "rounds=999$")),
            (f"{scheme}_zero_padded_rounds", h.replace("rounds=1000$", "rounds=01000$")),
            (f"{scheme}_salt_17_chars", h.replace(csalt, csalt + "x")),
            (f"{scheme}_short_digest", h[:-1]),
            (f"{scheme}_bad_char", h[:-1] + "!"),
        ]:
            pw_case(name, pw, bad, "invalid_hash", None, HAND)

    # Insecure schemes: refused by default (insecure_hash); md5_crypt and plaintext verify when
    # the bounds allow them (bounds_cases), des_crypt never does.
    md5 = ph.md5_crypt.using(salt="authcore").hash(pw)
    des = ph.des_crypt.using(salt="ac").hash(pw)
    pw_case("md5_crypt_refused_by_default", pw, md5, "insecure_hash", None, lp)
    pw_case("des_crypt_refused", pw, des, "insecure_hash", None, lp)
    pw_case("plaintext_refused_by_default", pw, pw.decode(), "invalid_hash", None, HAND)

    def bcase(
        name: str, password: bytes, h: str, expect: str, bounds: Json, source: str = lp
    ) -> None:
        pw_case(name, password, h, expect, True if expect != "insecure_hash" else None, source)
        entry = password_cases.pop()
        entry["bounds"] = bounds
        bounds_cases.append(entry)

    md5_ok = {"allow_md5_crypt": True}
    bcase("md5_crypt_allowed", pw, md5, "ok", md5_ok)
    bcase("md5_crypt_allowed_wrong_password", wrong, md5, "password_mismatch", md5_ok)
    bcase("md5_crypt_allowed_unicode", uni, ph.md5_crypt.using(salt="x").hash(uni), "ok", md5_ok)
    bcase("md5_crypt_allowed_empty_salt", pw, ph.md5_crypt.using(salt="").hash(pw), "ok", md5_ok)
    bcase("des_crypt_never_verified", pw, des, "insecure_hash", md5_ok)
    plain = {"allow_plaintext": True}
    bcase("plaintext_allowed", pw, pw.decode(), "ok", plain)
    bcase("plaintext_allowed_wrong_password", wrong, pw.decode(), "password_mismatch", plain)
    bcase("plaintext_allowed_md5_still_refused", pw, md5, "insecure_hash", plain)
    p72 = bytes(range(0x41, 0x41 + 26)) * 2 + b"0123456789012345678_"
    refuse = {"bcrypt_long_password": "refuse"}
    h72 = bcrypt_hash(p72)
    bcase("bcrypt_72_bytes_refuse_rule", p72, h72, "ok", refuse, BCRYPT)
    bcase("bcrypt_73_bytes_refused", p72 + b"!", h72, "password_too_long", refuse, BCRYPT)


def check_legacy(c: Json) -> str:
    """What libpass (and, for Django's strings, Django) says about a legacy case."""
    from passlib.context import CryptContext  # type: ignore[import-untyped]

    schemes = [
        "bcrypt_sha256",
        "pbkdf2_sha1",
        "pbkdf2_sha256",
        "pbkdf2_sha512",
        "django_pbkdf2_sha256",
        "django_pbkdf2_sha1",
        "sha256_crypt",
        "sha512_crypt",
        "md5_crypt",
        "des_crypt",
        "bcrypt",
    ]
    if c.get("bounds", {}).get("allow_plaintext"):
        schemes.append("plaintext")
    pw = c["password"].encode() if "password" in c else bytes.fromhex(c["password_hex"])
    if c.get("bounds", {}).get("bcrypt_long_password") == "refuse":
        ctx = CryptContext(schemes=["bcrypt"], bcrypt__truncate_error=True)
        try:
            return "ok" if ctx.verify(pw, c["hash"]) else "password_mismatch"
        except ValueError:
            return "password_too_long"
    ok = CryptContext(schemes=schemes).verify(pw, c["hash"])
    if c["hash"].startswith("pbkdf2_"):
        hasher = _django_hasher(c["hash"].split("$")[0].removeprefix("pbkdf2_"))
        assert hasher.verify(pw.decode(), c["hash"]) == ok, c["name"]
    if not ok:
        return "password_mismatch"
    return c["expect"] if c["expect"] == "insecure_hash" else "ok"


def check_passwords() -> None:
    types = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}
    for c in password_cases + bounds_cases:
        pw = c["password"].encode() if "password" in c else bytes.fromhex(c["password_hex"])
        h = c["hash"]
        if c["source"] == HAND and c["expect"] != "ok":
            continue  # planted / garbled strings: the refusal is authcore's own contract
        if c["source"] in (LIBPASS, DJANGO) or "bounds" in c:
            got = check_legacy(c)
        elif h.startswith("$argon2"):
            try:
                verify_secret(h.encode(), pw, types[h.split("$")[1]])
                got = "ok"
            except VerificationError:
                got = "password_mismatch"
        else:
            try:
                got = "ok" if bcrypt.checkpw(pw[:72], h.encode()) else "password_mismatch"
            except ValueError:
                got = "invalid_hash"
        assert got == c["expect"], (c["name"], got)


def rfc9106_vectors() -> list[Json]:
    """RFC 9106 section 5 test vectors (with secret and associated data), checked via libargon2."""
    tags = {
        "argon2d": "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb",
        "argon2i": "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8",
        "argon2id": "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
    }
    inputs = {
        "password": b"\x01" * 32,
        "salt": b"\x02" * 16,
        "secret": b"\x03" * 8,
        "ad": b"\x04" * 12,
    }
    out = []
    for name, typ in [("argon2d", Type.D), ("argon2i", Type.I), ("argon2id", Type.ID)]:
        buf = ffi.new("uint8_t[]", 32)
        keep = {k: ffi.new("uint8_t[]", v) for k, v in inputs.items()}
        ctx = ffi.new(
            "argon2_context *",
            {
                "out": buf,
                "outlen": 32,
                "pwd": keep["password"],
                "pwdlen": 32,
                "salt": keep["salt"],
                "saltlen": 16,
                "secret": keep["secret"],
                "secretlen": 8,
                "ad": keep["ad"],
                "adlen": 12,
                "t_cost": 3,
                "m_cost": 32,
                "lanes": 4,
                "threads": 4,
                "version": ARGON2_VERSION,
                "allocate_cbk": ffi.NULL,
                "free_cbk": ffi.NULL,
                "flags": lib.ARGON2_DEFAULT_FLAGS,
            },
        )
        assert core(ctx, typ.value) == lib.ARGON2_OK
        tag = bytes(ffi.buffer(buf, 32)).hex()
        assert tag == tags[name], (name, tag)
        out.append(
            {
                "name": f"rfc9106_{name}",
                "algorithm": name,
                "version": 19,
                "m_cost": 32,
                "t_cost": 3,
                "p_cost": 4,
                "password_hex": inputs["password"].hex(),
                "salt_hex": inputs["salt"].hex(),
                "secret_hex": inputs["secret"].hex(),
                "ad_hex": inputs["ad"].hex(),
                "tag_hex": tag,
                "source": RFC9106,
            }
        )
    return out


# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# EdDSA (Ed25519) vectors → eddsa.json: PyJWT + cryptography, RFC 8037 A.1-A.5
# --------------------------------------------------------------------------------------------

ED_SEEDS = {
    "ed1": hashlib.sha256(b"authcore-vector-ed25519-1").digest(),
    "ed2": hashlib.sha256(b"authcore-vector-ed25519-2").digest(),
}
RFC8037_PRIVATE_JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC8037_JWS = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)


def ed_private(name: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(ED_SEEDS[name])


def thumbprint(x: str) -> str:
    """RFC 7638 over the required OKP members, in lexicographic order."""
    return b64u(hashlib.sha256(compact({"crv": "Ed25519", "kty": "OKP", "x": x})).digest())


def ed_material(name: str) -> Json:
    """Everything `cryptography` writes for one key, and its RFC 7638 thumbprint."""
    from cryptography.hazmat.primitives import serialization as ser

    sk = ed_private(name)
    pk = sk.public_key()
    raw = pk.public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    x = b64u(raw)
    return {
        "seed_hex": ED_SEEDS[name].hex(),
        "public_hex": raw.hex(),
        "private_pem": sk.private_bytes(
            ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
        ).decode(),
        "private_der_hex": sk.private_bytes(
            ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption()
        ).hex(),
        "public_pem": pk.public_bytes(
            ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        "public_der_hex": pk.public_bytes(
            ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo
        ).hex(),
        "public_jwk": {"kty": "OKP", "crv": "Ed25519", "x": x},
        "private_jwk": {"kty": "OKP", "crv": "Ed25519", "x": x, "d": b64u(ED_SEEDS[name])},
        "thumbprint": thumbprint(x),
    }


def ed_keys() -> Json:
    """Verification keys, typed as in tests/attacks/README.md."""
    m1, m2 = ed_material("ed1"), ed_material("ed2")
    return {
        "ed1": {"type": "ed25519_pem", "pem": m1["public_pem"], "kid": None},
        "ed1_kid": {"type": "ed25519_pem", "pem": m1["public_pem"], "kid": "ed-2026-12"},
        "ed2": {"type": "ed25519_pem", "pem": m2["public_pem"], "kid": None},
        "ed1_jwk": {"type": "jwk", "jwk": {**m1["public_jwk"], "kid": "ed-1", "use": "sig"}},
        "rfc8037": {
            "type": "jwk",
            "jwk": {k: v for k, v in RFC8037_PRIVATE_JWK.items() if k != "d"},
        },
        "jwks": {
            "type": "jwks",
            "jwks": {
                "keys": [
                    {**m1["public_jwk"], "kid": "ed-1", "alg": "EdDSA", "use": "sig"},
                    {**m2["public_jwk"], "kid": "ed-2", "alg": "EdDSA", "use": "sig"},
                ]
            },
        },
        "hs": {"type": "hs256", "secret_hex": secret("main").hex(), "kid": None},
        "hs_k1": {"type": "hs256", "secret_hex": secret("k1").hex(), "kid": "k1"},
    }


ed_cases: list[Json] = []


def ed_case(name: str, token: str, expect: Json, keys: list[str], source: str, **v: Any) -> None:
    assert all(c["name"] != name for c in ed_cases), name
    ed_cases.append(
        {
            "name": name,
            "source": source,
            "token": token,
            "keys": keys,
            "now": NOW,
            "validation": v,
            "expect": expect,
        }
    )


def pyjwt_ed(payload: Json, name: str = "ed1", **headers: Any) -> str:
    return jwt.encode(payload, ed_private(name), algorithm="EdDSA", headers=headers or None)


def eddsa_vectors() -> Json:
    src = f"{_major('PyJWT')} + {_major('cryptography')}"
    c = claims()
    ed_case("pyjwt_eddsa", pyjwt_ed(c), ok(c), ["ed1"], src)
    pem_token = jwt.encode(c, ed_material("ed1")["private_pem"], algorithm="EdDSA")
    assert pem_token == pyjwt_ed(c), "PyJWT signs the same from the PEM text"
    ed_case("pyjwt_eddsa_private_key_verifies_own", pyjwt_ed(c), ok(c), ["ed1_jwk"], src)
    ed_case(
        "pyjwt_eddsa_kid_in_jwks",
        pyjwt_ed(c, kid="ed-2", typ="JWT"),
        err("invalid_signature"),
        ["jwks"],
        src,
    )
    ed_case("pyjwt_eddsa_kid_ed2_in_jwks", pyjwt_ed(c, "ed2", kid="ed-2"), ok(c), ["jwks"], src)
    ed_case("pyjwt_eddsa_kid_unknown", pyjwt_ed(c, kid="nope"), err("unknown_kid"), ["jwks"], src)
    ed_case("pyjwt_eddsa_no_kid_default_of_jwks", pyjwt_ed(c), ok(c), ["jwks"], src)
    ed_case("pyjwt_eddsa_at_jwt", pyjwt_ed(c, typ="at+jwt"), ok(c), ["ed1"], src)
    ed_case(
        "pyjwt_eddsa_explicit_kid_mismatch",
        pyjwt_ed(c, kid="other"),
        err("unknown_kid"),
        ["ed1_kid"],
        src,
    )
    expired = claims(exp=NOW - 1)
    ed_case("pyjwt_eddsa_expired", pyjwt_ed(expired), err("expired"), ["ed1"], src)
    ed_case("pyjwt_eddsa_wrong_key", pyjwt_ed(c), err("invalid_signature"), ["ed2"], src)
    # A mixed set: each token goes to the key its kid names; the default key decides without.
    hs_token = jwt.encode(c, secret("k1"), algorithm="HS256", headers={"kid": "k1"})
    ed_case("mixed_set_hs256_by_kid", hs_token, ok(c), ["ed1_jwk", "hs_k1"], src)
    ed_case("mixed_set_eddsa_by_kid", pyjwt_ed(c, kid="ed-1"), ok(c), ["hs_k1", "ed1_jwk"], src)
    ed_case(
        "mixed_set_eddsa_default_hs256", pyjwt_ed(c), err("unsupported_alg"), ["hs", "ed1_jwk"], src
    )
    # RFC 9864's fully-specified name, signed by cryptography (PyJWT does not write it).
    h = seg({"alg": "Ed25519", "typ": "JWT"})
    p = seg(c)
    sig = b64u(ed_private("ed1").sign(f"{h}.{p}".encode()))
    ed_case("fully_specified_ed25519", f"{h}.{p}.{sig}", ok(c), ["ed1"], HAND)
    # RFC 8037 A.4/A.5: the signature validates; the payload is not a claims object.
    ed_case("rfc8037_a5", RFC8037_JWS, err("malformed"), ["rfc8037"], "RFC 8037 A.4")
    # Self-check: PyJWT + cryptography accept every EdDSA token expected to verify.
    for case in ed_cases:
        header = jwt.get_unverified_header(case["token"])
        if not case["expect"].get("ok") or header["alg"] != "EdDSA":
            continue
        signer = "ed2" if header.get("kid") == "ed-2" else "ed1"
        got = jwt.decode(
            case["token"],
            ed_private(signer).public_key(),
            algorithms=["EdDSA"],
            options={"verify_exp": False, "verify_iat": False, "verify_aud": False},
        )
        assert got == case["expect"]["claims"], case["name"]
    # The signer side: PyJWT's tokens, byte for byte (Ed25519 is deterministic).
    sign: list[Json] = []
    m1 = ed_material("ed1")
    for name, kid, typ, payload in [
        ("thumbprint_kid", m1["thumbprint"], "JWT", claims()),
        ("explicit_kid", "ed-1", "JWT", claims(scope="read write")),
        ("at_jwt", m1["thumbprint"], "at+jwt", claims(aud=["api"])),
    ]:
        token = pyjwt_ed(payload, kid=kid, typ=typ)
        payload_json = base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()
        sign.append(
            {
                "name": name,
                "key": "ed1",
                "kid": kid,
                "typ": typ,
                "payload_json": payload_json,
                "token": token,
            }
        )
    # RFC 8037 A.1-A.3 and the keys' PEM/DER/JWK forms as cryptography writes them.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    rfc_sk = Ed25519PrivateKey.from_private_bytes(
        base64.urlsafe_b64decode(RFC8037_PRIVATE_JWK["d"] + "=")
    )
    rfc_input, rfc_sig = RFC8037_JWS.rsplit(".", 1)
    assert b64u(rfc_sk.sign(rfc_input.encode())) == rfc_sig
    assert thumbprint(RFC8037_PRIVATE_JWK["x"]) == RFC8037_THUMBPRINT
    return {
        "validation_defaults": VALIDATION_DEFAULTS,
        "keys": ed_keys(),
        "signers": {"ed1": m1, "ed2": ed_material("ed2")},
        "rfc8037": {
            "private_jwk": RFC8037_PRIVATE_JWK,
            "thumbprint": RFC8037_THUMBPRINT,
            "jws": RFC8037_JWS,
        },
        "cases": ed_cases,
        "sign": sign,
    }


CHECK_ONLY = "--check" in sys.argv[1:]
stale: list[str] = []


def write(name: str, data: Json) -> None:
    path = OUT / name
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if CHECK_ONLY:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
        return
    path.write_text(text, encoding="utf-8")
    print(f"wrote tests/vectors/{name}")


def main() -> int:
    jwt_vectors()
    pyjwt_accepts = check_jwt()
    write(
        "jwt.json",
        {"validation_defaults": VALIDATION_DEFAULTS, "keys": keys_json(), "cases": jwt_cases},
    )
    write("encode.json", {"cases": encode_vectors()})
    write("eddsa.json", eddsa_vectors())
    password_vectors()
    legacy_vectors()
    check_passwords()
    write(
        "password.json",
        {
            "policy": {
                "algorithm": "argon2id",
                "version": 19,
                "m_cost": 19456,
                "t_cost": 2,
                "p_cost": 1,
                "hash_len": 32,
            },
            "cases": password_cases,
            "bounds_cases": bounds_cases,
            "rfc9106": rfc9106_vectors(),
        },
    )
    if CHECK_ONLY:
        if stale:
            print(f"stale vectors (run `make vectors`): {', '.join(stale)}", file=sys.stderr)
            return 1
        print(f"vectors up to date: {len(jwt_cases)} jwt, {len(password_cases)} password cases")
        return 0
    codes = sorted({c["expect"].get("error") for c in jwt_cases} - {None})
    print(f"jwt: {len(jwt_cases)} cases, error codes: {', '.join(codes)}")
    print(f"password: {len(password_cases)} cases")
    print(f"PyJWT accepts {len(pyjwt_accepts)} tokens authcore refuses:")
    for line in pyjwt_accepts:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
