#!/usr/bin/env python3
"""Generate the attack suite ``tests/attacks/{jwt,password}.json``.

Run with ``.venv/bin/python tests/attacks/gen.py``; ``--check`` only verifies that the committed
files are what this script produces now (exit 1 otherwise).

Every case replays an attack from the published history of JWT and password-hashing libraries
against the verifier and names the CVE or advisory it comes from (``reference``; ``null`` when the
case follows a specification rule rather than a specific incident). Tokens are built byte by
byte (``hmac``/``hashlib``) or with PyJWT, hashes with argon2-cffi and bcrypt. Where the check
under attack runs after the MAC, the token carries a correct MAC, so the case tests that check
and not the signature. The output is deterministic: fixed times, keys and salts.

Self-checks before writing: tokens expected to verify are decoded by PyJWT with the same
options and must give the same claims; argon2 and bcrypt verdicts are confirmed with
argon2-cffi and bcrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import pathlib
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone, tzinfo
from typing import Any
from unittest import mock

import bcrypt
import jwt
import jwt.api_jwt
from argon2.exceptions import VerificationError
from argon2.low_level import Type, hash_secret, verify_secret
from jwt.types import Options as PyJWTOptions

OUT = pathlib.Path(__file__).resolve().parent
NOW = 1_700_000_000
U64_MAX = 2**64 - 1

# A JSON object: claims, a header, a test case.
Json = dict[str, Any]

AUTH0_2015 = "https://auth0.com/blog/critical-vulnerabilities-in-json-web-token-libraries/"
RFC8725_ALG = "RFC 8725 §3.1"
RFC8725_INJECT = "RFC 8725 §3.10"
RFC8725_TYPES = "RFC 8725 §3.12"
RFC7519_DUP = "RFC 7519 §4"
RFC7515_CRIT = "RFC 7515 §4.1.11"
RFC4648_CANON = "RFC 4648 §3.5"
RFC8259_STR = "RFC 8259 §7-8"

# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------

KEYS: dict[str, tuple[bytes, str | None]] = {
    "main": (b"authcore-attack-secret-main-5d1e9a07c3b2f4e6", None),
    "k1": (b"authcore-attack-secret-k1-rotation-0001aa", "k1"),
    "k2": (b"authcore-attack-secret-k2-rotation-0002bb", "k2"),
    "weak": (b"authcore-attack-secret-31-bytes", None),
    "empty": (b"", None),
}
assert len(KEYS["weak"][0]) == 31
assert all(len(s) >= 32 for n, (s, _) in KEYS.items() if n not in ("weak", "empty"))

# The server's RSA public key: what confused verifiers used as an HMAC secret.
RSA_PUBLIC_PEM = b"""-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuZg/OdN6bIaLNFq94Wcr
Yh+jCHT+OS6sR2kzGN0Jr57P5yapvZY6JJ7hFG7bFCey2CBr1b9FICN8OTm7jakk
5gbCErvqlPVg2NVYIDXN5jrJ+HrsAZDyJd6PYLTVL6Y+8QjNzD5CBamkxtBkzO+g
uV0gCWwsoYqDrbG1HL8uhmatRypff/Cl7OQ94rKp/nC+6eYYue7ssIICA7njE3n8
3HlwRs89hBEjpu+VsVWUxeX1QtkPkpBexUtFbdSW2kzF9HhK2sQ8f6/V/OtDjPFS
KqCeiVwgEiBY0awtNTm2BjKnlCW+ONgp5JIz+WXSIgfy+lkZ/qUv8jMMfvFw95lM
2QIDAQAB
-----END PUBLIC KEY-----
"""
# OpenSSH-format public keys (CVE-2022-29217, CVE-2024-33663 used these as HMAC secrets).
SSH_ED25519_PUBLIC = (
    b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmdYpH1ZqQyQ4uYpZxHqXzS4fXJXq0p0WmH4bS9bS3F"
)
SSH_ECDSA_PUBLIC = (
    b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEm5Yq3Pq0wJ"
    b"fWm8bZ1uQ0o4cH4g7v3xZbq6T1l2J3mYp1QfW9yZ8bQ2cJ9xX1vWc8nRr7kQzq6bO5m6m0a7v5g="
)


def keys_json() -> Json:
    out: Json = {}
    for name, (sec, kid) in KEYS.items():
        out[name] = {"secret": sec.decode(), "secret_hex": sec.hex(), "kid": kid}
    return out


# --------------------------------------------------------------------------------------------
# Token builders
# --------------------------------------------------------------------------------------------


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def seg(x: Json | list[Any] | str | bytes) -> str:
    """A segment from a dict/list (compact JSON), str (JSON text) or bytes (raw)."""
    if isinstance(x, (dict, list)):
        return b64u(compact(x))
    if isinstance(x, str):
        return b64u(x.encode())
    return b64u(x)


def mac(secret: bytes, signing_input: str, digest: Callable[[], Any] = hashlib.sha256) -> bytes:
    return hmac.new(secret, signing_input.encode(), digest).digest()


STD_HEADER = {"alg": "HS256", "typ": "JWT"}


def hand(
    payload: Json | list[Any] | str | bytes | None,
    header: Json | list[Any] | str | None = None,
    *,
    secret: bytes | None = None,
    hseg: str | None = None,
    pseg: str | None = None,
    sig: str | None = None,
    digest: Callable[[], Any] | None = None,
) -> str:
    """A compact JWS; the MAC is HMAC-SHA256 under the main key unless told otherwise."""
    h = hseg if hseg is not None else seg(STD_HEADER if header is None else header)
    if pseg is None:
        assert payload is not None, "a payload or a payload segment"
        pseg = seg(payload)
    p = pseg
    key = KEYS["main"][0] if secret is None else secret
    s = sig if sig is not None else b64u(mac(key, f"{h}.{p}", digest or hashlib.sha256))
    return f"{h}.{p}.{s}"


def claims(**extra: Any) -> Json:
    """A valid payload at NOW, with overrides (None drops a claim)."""
    base = {"sub": "alice", "iat": NOW - 60, "exp": NOW + 3600}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


def raw_claims(inner: str) -> str:
    """JSON text for a payload: the usual claims plus `inner` members written verbatim."""
    return f'{{"sub":"alice","iat":{NOW - 60},"exp":{NOW + 3600},{inner}}}'


def noncanonical(segment: str) -> str:
    """Flips unused trailing bits of the last character (same bytes for a lenient decoder)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    rem = len(segment) % 4
    assert rem in (2, 3), "needs unused trailing bits"
    i = alphabet.index(segment[-1])
    return segment[:-1] + alphabet[i | (0b1111 if rem == 2 else 0b11)]


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

VALIDATION_DEFAULTS = {
    "leeway": 0,
    "issuer": None,
    "audience": None,
    "verify_aud": True,
    "subject": None,
    "token_type": None,
    "required": ["exp"],
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iat": True,
    "max_token_len": 8192,
}

jwt_cases: list[Json] = []
pw_cases: list[Json] = []
category = ""


def section(name: str) -> None:
    global category
    category = name


def ok(payload: Json | str) -> Json:
    if isinstance(payload, str):
        payload = json.loads(payload)
    return {"ok": True, "claims": payload}


def err(code: str, claim: str | None = None) -> Json:
    return {"error": code, "claim": claim} if claim else {"error": code}


def case(
    id_: str,
    description: str,
    reference: str | None,
    token: str,
    expect: Json,
    *,
    keys: Iterable[str] = ("main",),
    now: int = NOW,
    **validation: Any,
) -> None:
    assert all(c["id"] != id_ for c in jwt_cases + pw_cases), id_
    assert set(validation) <= set(VALIDATION_DEFAULTS), validation
    assert all(k in KEYS for k in keys)
    jwt_cases.append(
        {
            "id": id_,
            "category": category,
            "description": description,
            "reference": reference,
            "kind": "jwt",
            "token": token,
            "keys": list(keys),
            "now": now,
            "validation": validation,
            "expect": expect,
        }
    )


def jwt_attacks() -> None:
    # Loop variables of several tables below, at the type of their widest use.
    ref: str | None
    value: str | Sequence[str]
    c = claims()

    section("alg_none")
    for id_, alg in [
        ("alg_none", "none"),
        ("alg_none_capitalised", "None"),
        ("alg_none_upper", "NONE"),
        ("alg_none_mixed_case", "nOnE"),
    ]:
        case(
            id_,
            f'Unsigned token, alg "{alg}", empty signature: libraries that trusted the header '
            "skipped verification; case variants slipped past blocklists.",
            AUTH0_2015,
            hand(c, {"alg": alg, "typ": "JWT"}, sig=""),
            err("unsupported_alg"),
        )
    case(
        "alg_none_with_valid_mac",
        'alg "none" while the token carries a correct HS256 MAC: the header alone decides.',
        "CVE-2022-23540",
        hand(c, {"alg": "none", "typ": "JWT"}),
        err("unsupported_alg"),
    )
    case(
        "alg_none_escaped",
        'alg "\\u006eone": the comparison is on unescaped text.',
        AUTH0_2015,
        hand(c, hseg=seg('{"alg":"\\u006eone","typ":"JWT"}'), sig=""),
        err("unsupported_alg"),
    )
    case(
        "alg_missing",
        "No alg at all: some libraries defaulted to none.",
        "CVE-2018-1000531",
        hand(c, {"typ": "JWT"}),
        err("unsupported_alg"),
    )
    case("alg_null", "alg null.", None, hand(c, {"alg": None}), err("unsupported_alg"))
    case("alg_empty", 'alg "".', None, hand(c, {"alg": ""}), err("unsupported_alg"))
    case("alg_array", 'alg ["HS256"].', None, hand(c, {"alg": ["HS256"]}), err("unsupported_alg"))
    case(
        "alg_hs256_lowercase",
        'alg "hs256" with a correct MAC: case variants are other algorithm names.',
        RFC8725_ALG,
        hand(c, {"alg": "hs256"}),
        err("unsupported_alg"),
    )
    case(
        "alg_trailing_nul",
        'alg "HS256\\u0000" with a correct MAC: C-string comparisons stop at the NUL.',
        None,
        hand(c, hseg=seg('{"alg":"HS256\\u0000"}')),
        err("unsupported_alg"),
    )
    case(
        "alg_duplicate_none_then_hs256",
        "alg twice, none then HS256: a first-wins parser sees none, a last-wins parser HS256; "
        "duplicate header members are refused.",
        None,
        hand(c, hseg=seg('{"alg":"none","alg":"HS256"}')),
        err("invalid_header"),
    )
    case(
        "alg_duplicate_hs256_then_none",
        "alg twice, HS256 then none.",
        None,
        hand(c, hseg=seg('{"alg":"HS256","alg":"none"}'), sig=""),
        err("unsupported_alg"),
    )

    section("alg_confusion")
    case(
        "alg_rs256_mac_with_public_key",
        "alg RS256, MAC'd with HMAC-SHA256 keyed by the server's RSA public key PEM: verifiers "
        "that let the header pick the algorithm used the public key as an HMAC secret.",
        "CVE-2016-10555",
        hand(c, {"alg": "RS256", "typ": "JWT"}, secret=RSA_PUBLIC_PEM),
        err("unsupported_alg"),
    )
    case(
        "alg_hs256_mac_with_public_key",
        "alg HS256, MAC keyed by the server's RSA public key PEM: only the configured secret "
        "verifies.",
        "CVE-2015-9235",
        hand(c, secret=RSA_PUBLIC_PEM),
        err("invalid_signature"),
    )
    case(
        "alg_hs256_mac_with_public_key_leading_newline",
        "As above with a newline before the PEM (defeated an anchored PEM detector).",
        "CVE-2026-34950",
        hand(c, secret=b"\n" + RSA_PUBLIC_PEM),
        err("invalid_signature"),
    )
    case(
        "alg_hs256_mac_with_rsa_public_key_header",
        'MAC keyed by a "-----BEGIN RSA PUBLIC KEY-----" PEM, missed by PEM detectors '
        "(also CVE-2017-11424 in PyJWT).",
        "CVE-2023-48223",
        hand(c, secret=RSA_PUBLIC_PEM.replace(b"PUBLIC KEY", b"RSA PUBLIC KEY")),
        err("invalid_signature"),
    )
    case(
        "alg_hs256_mac_with_public_key_comment_prefix",
        "As above with a comment line before the PEM (non-whitespace prefixes defeated the "
        "whitespace fix).",
        "GHSA-ww5h-9m49-7xx4",
        hand(c, secret=b"# verification key\n" + RSA_PUBLIC_PEM),
        err("invalid_signature"),
    )
    case(
        "alg_eddsa_mac_with_ssh_key",
        "alg EdDSA, MAC keyed by an OpenSSH ed25519 public key.",
        "CVE-2022-29217",
        hand(c, {"alg": "EdDSA"}, secret=SSH_ED25519_PUBLIC),
        err("unsupported_alg"),
    )
    case(
        "alg_hs256_mac_with_ssh_key",
        "alg HS256, MAC keyed by an OpenSSH ed25519 public key.",
        "CVE-2022-29217",
        hand(c, secret=SSH_ED25519_PUBLIC),
        err("invalid_signature"),
    )
    case(
        "alg_es256_mac_with_ssh_ecdsa_key",
        "alg ES256, MAC keyed by an OpenSSH ECDSA public key.",
        "CVE-2024-33663",
        hand(c, {"alg": "ES256"}, secret=SSH_ECDSA_PUBLIC),
        err("unsupported_alg"),
    )
    case(
        "alg_es256_psychic_signature",
        "alg ES256 with an all-zero 64-byte signature (r = s = 0).",
        "CVE-2022-21449",
        hand(c, {"alg": "ES256"}, sig=b64u(bytes(64))),
        err("unsupported_alg"),
    )
    case(
        "alg_hs512_same_secret",
        "alg HS512 with a correct HMAC-SHA512 under the same secret: only HS256 is accepted.",
        RFC8725_ALG,
        hand(c, {"alg": "HS512"}, digest=hashlib.sha512),
        err("unsupported_alg"),
    )
    case(
        "alg_hs384_same_secret",
        "alg HS384 with a correct HMAC-SHA384 under the same secret.",
        RFC8725_ALG,
        hand(c, {"alg": "HS384"}, digest=hashlib.sha384),
        err("unsupported_alg"),
    )
    case(
        "alg_ps256",
        "alg PS256 with a random signature.",
        RFC8725_ALG,
        hand(c, {"alg": "PS256"}, sig=b64u(hashlib.sha512(b"ps256").digest() * 4)),
        err("unsupported_alg"),
    )

    section("key_length")
    case(
        "key_31_bytes_refused",
        "A 31-byte secret: HS256 keys shorter than the hash output are brute-forceable offline; "
        "building the key set fails.",
        "RFC 7518 §3.2",
        hand(c, secret=KEYS["weak"][0]),
        err("weak_key"),
        keys=("weak",),
    )
    case(
        "key_empty_refused",
        "An empty shared secret (InfluxDB accepted tokens MAC'd with it).",
        "CVE-2019-20933",
        hand(c, secret=b""),
        err("weak_key"),
        keys=("empty",),
    )
    case(
        "token_macd_with_empty_secret",
        "A token MAC'd with the empty secret, presented to a correctly keyed verifier.",
        "CVE-2019-20933",
        hand(c, secret=b""),
        err("invalid_signature"),
    )
    case(
        "token_macd_with_dictionary_secret",
        'A token MAC\'d with "secret" (the first guess of every JWT cracker).',
        None,
        hand(c, secret=b"secret"),
        err("invalid_signature"),
    )

    section("signature")
    good = hand(c)
    h, p, s = good.split(".")
    sig = base64.urlsafe_b64decode(s + "=")
    case(
        "sig_stripped",
        "Signature removed, dot kept.",
        "CVE-2020-28042",
        f"{h}.{p}.",
        err("invalid_signature"),
    )
    case(
        "sig_truncated_one_char",
        "Last signature character removed (31 bytes).",
        "CVE-2020-28042",
        f"{h}.{p}.{s[:-1]}",
        err("invalid_signature"),
    )
    case(
        "sig_truncated_half",
        "First 16 signature bytes only: verifiers that compared min(len) bytes accepted it.",
        "CVE-2020-28042",
        f"{h}.{p}.{b64u(sig[:16])}",
        err("invalid_signature"),
    )
    case(
        "sig_one_byte",
        "First signature byte only (a 1-in-256 guess against prefix comparison).",
        "CVE-2020-28042",
        f"{h}.{p}.{b64u(sig[:1])}",
        err("invalid_signature"),
    )
    case(
        "sig_extended_one_byte",
        "Correct signature plus one byte.",
        None,
        f"{h}.{p}.{b64u(sig + b'x')}",
        err("invalid_signature"),
    )
    case(
        "sig_doubled",
        "Correct signature twice (64 bytes, the size of an HS512 tag).",
        None,
        f"{h}.{p}.{b64u(sig + sig)}",
        err("invalid_signature"),
    )
    case(
        "sig_all_zero",
        "32 zero bytes.",
        "CVE-2022-21449",
        f"{h}.{p}.{b64u(bytes(32))}",
        err("invalid_signature"),
    )
    case(
        "sig_bit_flipped",
        "Correct signature with its last byte's low bit flipped.",
        None,
        f"{h}.{p}.{b64u(sig[:-1] + bytes([sig[-1] ^ 1]))}",
        err("invalid_signature"),
    )
    other = hand(claims(sub="mallory")).split(".")
    case(
        "sig_transplanted",
        "The signature of another valid token (sub mallory) on alice's claims.",
        None,
        f"{h}.{p}.{other[2]}",
        err("invalid_signature"),
    )
    case(
        "sig_over_payload_only",
        "A MAC over the payload segment alone (header not covered).",
        None,
        f"{h}.{p}.{b64u(mac(KEYS['main'][0], p))}",
        err("invalid_signature"),
    )
    case(
        "sig_bad_mac_garbage_payload",
        "Bad MAC over a payload that is not JSON: the MAC is checked before the payload is "
        "parsed, so the parser never sees attacker bytes.",
        "RFC 8725 §3.3",
        f"{h}.{seg(b'{{{{ not json')}.{s}",
        err("invalid_signature"),
    )

    section("base64")
    case(
        "b64_sig_padded",
        "Signature with = padding.",
        "RFC 7515 §2",
        f"{good}=",
        err("invalid_base64"),
    )
    case(
        "b64_sig_noncanonical_bits",
        "Signature whose last character has non-zero unused bits: lenient decoders give the "
        "same bytes, so one MAC has several encodings.",
        RFC4648_CANON,
        f"{h}.{p}.{noncanonical(s)}",
        err("invalid_base64"),
    )
    pc = seg(compact(c) + b" ")  # a length with unused bits
    assert len(pc) % 4 in (2, 3)
    case(
        "b64_payload_noncanonical_bits",
        "Payload segment with non-zero unused bits, correctly MAC'd over that text.",
        RFC4648_CANON,
        hand(None, pseg=noncanonical(pc)),
        err("invalid_base64"),
    )
    padded_header = seg({"alg": "HS256", "typ": "JWT", "p": "x"})
    assert len(padded_header) % 4
    case(
        "b64_header_padded",
        "Header segment with = padding, MAC'd over that text.",
        "RFC 7515 §2",
        hand(c, hseg=padded_header + "=" * (-len(padded_header) % 4)),
        err("invalid_base64"),
    )
    std_alpha = base64.b64encode(compact(claims(sub="??>>??"))).decode().rstrip("=")
    assert "+" in std_alpha or "/" in std_alpha
    case(
        "b64_payload_standard_alphabet",
        "Payload in the standard alphabet (+ and /), MAC'd over that text.",
        "RFC 7515 §2",
        hand(None, pseg=std_alpha),
        err("invalid_base64"),
    )
    case(
        "b64_payload_with_newline",
        "Payload segment wrapped with a newline (MIME style), MAC'd over that text.",
        "RFC 7515 §2",
        hand(None, pseg=p[:20] + "\n" + p[20:]),
        err("invalid_base64"),
    )
    case(
        "b64_payload_length_4n_plus_1",
        "A payload segment of length 4n+1 (no byte string encodes to that).",
        None,
        hand(None, pseg=p + "A" * ((1 - len(p)) % 4)),
        err("invalid_base64"),
    )
    case(
        "b64_percent_encoded_padding",
        "URL-encoded padding %3D on the signature.",
        None,
        f"{good}%3D",
        err("invalid_base64"),
    )
    case(
        "b64_bearer_prefix",
        'The whole Authorization header value ("Bearer <token>") passed as the token.',
        None,
        f"Bearer {good}",
        err("invalid_base64"),
    )

    section("segments")
    case("segments_empty", "The empty string.", None, "", err("malformed"))
    case("segments_one", "Header only.", None, h, err("malformed"))
    case(
        "segments_two", "Header and payload, no signature part.", None, f"{h}.{p}", err("malformed")
    )
    case("segments_dots_only", "Two dots.", None, "..", err("malformed"))
    case("segments_four", "A fourth segment appended.", None, f"{good}.{s}", err("malformed"))
    case("segments_trailing_dot", "A trailing dot.", None, f"{good}.", err("malformed"))
    jwe = ".".join(
        [
            seg({"alg": "dir", "enc": "A128GCM"}),
            "",
            b64u(bytes(12)),
            b64u(b"ciphertext"),
            b64u(bytes(16)),
        ]
    )
    case(
        "segments_jwe_five",
        "A five-part JWE where a JWS is expected (token substitution).",
        "CVE-2022-3102",
        jwe,
        err("malformed"),
    )
    polyglot = json.dumps(
        {f" {h}.{seg(claims(sub='admin'))}.": "", "protected": h, "payload": p, "signature": s}
    )
    case(
        "segments_json_serialization_polyglot",
        "A JWS JSON-serialization object whose first key smuggles a compact token with forged "
        "claims (python-jwt mixed the two representations).",
        "CVE-2022-39227",
        polyglot,
        err("invalid_base64"),
    )
    case(
        "segments_trailing_newline",
        "Token followed by a newline (as read from a file or header).",
        None,
        good + "\n",
        err("invalid_base64"),
    )

    section("size_nesting")
    filler = "x" * 6200
    big = hand(claims(pad=filler))
    assert len(big) > 8192
    case(
        "size_over_limit",
        f"A correctly MAC'd {len(big)}-byte token: refused on length before any decoding.",
        None,
        big,
        err("token_too_large"),
    )
    case(
        "size_64_kib",
        "64 KiB of base64 in the payload segment.",
        None,
        f"{h}.{'A' * (1 << 16)}.{s}",
        err("token_too_large"),
    )
    case(
        "size_limit_lowered",
        "A normal token against a verifier configured for 128 bytes.",
        None,
        good,
        err("token_too_large"),
        max_token_len=128,
    )
    case(
        "nesting_header_40",
        "A header nested 40 arrays deep (under 1 KiB), unsigned: refused before the MAC.",
        None,
        hand(c, hseg=seg('{"alg":"HS256","x":' + "[" * 40 + "]" * 40 + "}")),
        err("nesting_too_deep"),
    )
    case(
        "nesting_header_oversized",
        "A 2 KiB header: refused before it is parsed.",
        None,
        hand(c, {"alg": "HS256", "x": "y" * 2048}),
        err("invalid_header"),
    )
    case(
        "nesting_payload_33",
        "A correctly MAC'd payload nested 33 deep (the bound is 32).",
        None,
        hand(raw_claims('"x":' + "[" * 32 + "]" * 32)),
        err("nesting_too_deep"),
    )
    case(
        "nesting_payload_32",
        "A payload nested exactly 32 deep is accepted.",
        None,
        hand(raw_claims('"x":' + "[" * 31 + "]" * 31)),
        ok(raw_claims('"x":' + "[" * 31 + "]" * 31)),
    )
    case(
        "nesting_payload_unterminated_bomb",
        "5000 unterminated '[' in a MAC'd payload: recursive parsers exhaust the stack; the "
        "scanner stops at depth 33.",
        None,
        hand(raw_claims('"x":' + "[" * 5000)),
        err("nesting_too_deep"),
    )
    case(
        "nesting_object_bomb",
        '1000 nested {"a": objects in a MAC\'d payload.',
        None,
        hand(raw_claims('"x":' + '{"a":' * 1000)),
        err("nesting_too_deep"),
    )
    many = ",".join(f'"c{i}":{i}' for i in range(500))
    case(
        "size_many_members",
        "500 custom claims within the size limit: accepted, linear work.",
        None,
        hand(raw_claims(many)),
        ok(raw_claims(many)),
    )
    case(
        "zip_deflate_payload",
        'Header "zip":"DEF" and a deflated payload, correctly MAC\'d: JWS payloads are never '
        "decompressed (JWT decompression bombs), so this is not JSON.",
        "CVE-2024-33664",
        hand(None, {"alg": "HS256", "zip": "DEF"}, pseg=b64u(zlib.compress(compact(c))[2:-4])),
        err("malformed"),
    )

    section("structure")
    case(
        "payload_json_array",
        "Claims as a JSON array [exp, nbf, sub, iss, aud], correctly MAC'd: serde-derived "
        "claim structs accept sequences (jsonwebtoken 11.1 verifies this token; found by "
        "fuzz/differential).",
        "RFC 7519 §7.2",
        hand(f'[{NOW + 3600},0,"alice","x",null]'),
        err("malformed"),
    )
    case("payload_json_string", "Claims as a JSON string.", None, hand('"alice"'), err("malformed"))
    case("payload_json_null", "Claims as null.", None, hand("null"), err("malformed"))
    case(
        "payload_trailing_data",
        "A second value after the claims object.",
        None,
        hand(compact(c).decode() + '{"sub":"admin"}'),
        err("malformed"),
    )
    case(
        "header_json_array",
        "Header as a JSON array.",
        None,
        hand(c, hseg=seg('["HS256"]')),
        err("malformed"),
    )
    case(
        "header_utf16",
        "Header JSON encoded as UTF-16.",
        "RFC 8725 §3.7",
        hand(c, hseg=b64u(json.dumps(STD_HEADER).encode("utf-16"))),
        err("malformed"),
    )
    case(
        "payload_nested_jwt_cty",
        'cty "JWT" with a nested token as payload: nested JWTs are not unwrapped.',
        "RFC 7519 §5.2",
        hand(None, {"alg": "HS256", "cty": "JWT"}, pseg=b64u(good.encode())),
        err("malformed"),
    )

    section("duplicate_claims")
    for id_, inner, claim, ref in [
        ("dup_exp", f'"exp":{NOW + 10**8}', "exp", RFC7519_DUP),
        ("dup_exp_escaped", f'"\\u0065xp":{NOW + 10**8}', "exp", RFC7519_DUP),
        ("dup_sub", '"sub":"admin"', "sub", RFC7519_DUP),
        ("dup_iat", f'"iat":{NOW}', "iat", RFC7519_DUP),
    ]:
        case(
            id_,
            f"{claim} appears twice; first-wins and last-wins parsers would disagree.",
            ref,
            hand(raw_claims(inner)),
            err("duplicate_claim", claim),
        )
    case(
        "dup_roles",
        'roles twice, ["user"] then ["admin"]: CouchDB\'s two JSON parsers disagreed on '
        "exactly this and granted admin.",
        "CVE-2017-12635",
        hand(raw_claims('"roles":["user"],"roles":["admin"]')),
        err("duplicate_claim", "roles"),
    )
    case(
        "dup_iss",
        "iss twice, trusted then attacker's.",
        RFC7519_DUP,
        hand(raw_claims('"iss":"https://auth.example.com","iss":"https://evil.example"')),
        err("duplicate_claim", "iss"),
        issuer=["https://auth.example.com"],
    )
    case(
        "dup_aud",
        "aud twice.",
        RFC7519_DUP,
        hand(raw_claims('"aud":"api","aud":"admin-api"')),
        err("duplicate_claim", "aud"),
        audience=["api"],
    )
    case(
        "dup_typ",
        "typ twice, refresh then access.",
        RFC7519_DUP,
        hand(raw_claims('"typ":"refresh","typ":"access"')),
        err("duplicate_claim", "typ"),
    )
    case(
        "dup_custom_required",
        "A required custom claim twice, a value then null: a first-wins check sees the claim, "
        "a last-wins reader (JSON.parse, json.loads) gets null. Every door refuses duplicate "
        "names anywhere in the payload (malformed).",
        RFC7519_DUP,
        hand(raw_claims('"tenant":"acme","tenant":null')),
        err("malformed"),
        required=["exp", "tenant"],
    )
    for id_, inner, what in [
        (
            "dup_custom_escaped",
            '"tenant":"acme","t\\u0065nant":"evil"',
            "a custom claim twice, the second name escaped: the names are compared unescaped.",
        ),
        (
            "dup_custom_nested",
            '"ctx":{"role":"user","role":"admin"}',
            "a repeated name inside a nested object.",
        ),
        (
            "dup_custom_in_array",
            '"grants":[{"id":1},{"id":2,"admin":false,"admin":true}]',
            "a repeated name in an object inside an array.",
        ),
        (
            "dup_custom_after_many",
            ",".join(f'"c{i}":{i}' for i in range(500)) + ',"c0":"again"',
            "500 custom claims, then the first one again: found past the name table's capacity.",
        ),
    ]:
        case(
            id_,
            f"{what[0].upper()}{what[1:]} Every door refuses duplicate names anywhere in the "
            "payload (malformed).",
            RFC7519_DUP,
            hand(raw_claims(inner)),
            err("malformed"),
        )

    section("mistyped_claims")
    for id_, inner, claim in [
        ("type_exp_string", f'"exp":"{NOW + 3600}"', "exp"),
        ("type_exp_bool", '"exp":true', "exp"),
        ("type_exp_null", '"exp":null', "exp"),
        ("type_exp_object", '"exp":{"$gt":0}', "exp"),
        ("type_iss_number", '"iss":1', "iss"),
        ("type_iss_array", '"iss":["https://auth.example.com"]', "iss"),
        ("type_sub_object", '"sub":{"id":"alice"}', "sub"),
        ("type_aud_object", '"aud":{"api":true}', "aud"),
        ("type_aud_nested_array", '"aud":[["api"]]', "aud"),
        ("type_aud_null_element", '"aud":["api",null]', "aud"),
        ("type_roles_object", '"roles":{"admin":true}', "roles"),
        ("type_roles_number", '"roles":[1]', "roles"),
        ("type_typ_number", '"typ":0', "typ"),
        ("type_scope_array", '"scope":["admin"]', "scope"),
        ("type_jti_number", '"jti":12345', "jti"),
    ]:
        payload = f'{{"exp":{NOW + 3600},{inner}}}' if claim != "exp" else f"{{{inner}}}"
        extra: Json = {}
        if claim == "iss":
            extra["issuer"] = ["https://auth.example.com"]
        if claim == "aud":
            extra["audience"] = ["api"]
        case(
            id_,
            f"{claim} of the wrong JSON type ({inner.split(':', 1)[1]}): refused, never coerced, "
            "whether or not the claim is checked.",
            None,
            hand(payload),
            err("invalid_claim", claim),
            **extra,
        )

    section("numeric_dates")
    for id_, text, claim, desc in [
        ("date_exp_fraction", f"{NOW + 3600}.5", "exp", "a fraction"),
        ("date_exp_dot_zero", f"{NOW + 3600}.0", "exp", "an integral float"),
        ("date_exp_exponent", "4.1e9", "exp", "exponent notation"),
        ("date_exp_1e308", "1e308", "exp", "1e308 (overflows integer conversions)"),
        ("date_exp_1e400", "1e400", "exp", "1e400 (infinity as a double)"),
        ("date_exp_negative", "-1", "exp", "a negative number"),
        ("date_exp_2_pow_64", str(2**64), "exp", "2^64 (wraps to 0 in u64)"),
        ("date_exp_huge", "1" + "0" * 40, "exp", "a 41-digit integer"),
        ("date_nbf_2_pow_64", str(2**64), "nbf", "2^64"),
        ("date_nbf_negative_zero", "-0", "nbf", "-0"),
        ("date_iat_fraction", f"{NOW}.999", "iat", "a fraction"),
    ]:
        payload = (
            f'{{"exp":{text}}}' if claim == "exp" else f'{{"exp":{NOW + 3600},"{claim}":{text}}}'
        )
        case(
            id_,
            f"{claim} is {desc}: NumericDates here are non-negative integers that fit u64.",
            None,
            hand(payload),
            err("invalid_claim", claim),
        )
    case(
        "date_exp_leading_zero",
        "exp with a leading zero: not JSON.",
        RFC8259_STR,
        hand(f'{{"exp":0{NOW + 3600}}}'),
        err("malformed"),
    )
    case(
        "date_exp_plus_sign",
        "exp with a plus sign: not JSON.",
        RFC8259_STR,
        hand(f'{{"exp":+{NOW + 3600}}}'),
        err("malformed"),
    )
    case(
        "date_exp_u64_max",
        "exp = 2^64-1 is valid and far in the future (no overflow in exp + leeway).",
        None,
        hand({"exp": U64_MAX}),
        ok({"exp": U64_MAX}),
        leeway=60,
    )
    case("date_exp_zero", "exp = 0.", None, hand({"exp": 0}), err("expired"))
    case(
        "date_exp_now",
        "exp = now is expired.",
        "RFC 7519 §4.1.4",
        hand({"exp": NOW}),
        err("expired"),
    )
    case(
        "date_iat_u64_max",
        "iat = 2^64-1: issued in the future even with leeway (saturating, not wrapping).",
        None,
        hand({"exp": U64_MAX, "iat": U64_MAX}),
        err("issued_in_future"),
        leeway=3600,
    )
    case(
        "date_nbf_u64_max",
        "nbf = 2^64-1 with a leeway: not yet valid (now + leeway saturates).",
        None,
        hand({"exp": U64_MAX, "nbf": U64_MAX}),
        err("not_yet_valid"),
        leeway=3600,
    )
    case(
        "date_exp_past_huge_leeway",
        "Expired an hour ago, leeway 2^64-1: exp + leeway saturates instead of wrapping to a "
        "small number.",
        None,
        hand({"exp": NOW - 3600}),
        ok({"exp": NOW - 3600}),
        leeway=U64_MAX,
    )

    section("issuer_audience")
    iss = "https://auth.example.com"
    for id_, value, desc, ref in [
        ("iss_substring", "auth.example", "a substring of the expected issuer", "CVE-2024-53861"),
        (
            "iss_superstring",
            iss + ".evil.example",
            "the expected issuer as a prefix",
            "CVE-2024-53861",
        ),
        ("iss_case", iss.upper(), "the expected issuer in upper case", None),
        ("iss_trailing_slash", iss + "/", "a trailing slash", None),
        (
            "iss_nul_suffix",
            iss + "\u0000.evil.example",
            "a NUL and a suffix (C-string truncation)",
            None,
        ),
        ("iss_homoglyph", iss.replace("a", "\u0430"), "Cyrillic а for Latin a", None),
        ("iss_rtl_override", "\u202e" + iss, "a right-to-left override prefix", None),
    ]:
        case(
            id_,
            f"iss is {desc}.",
            ref,
            hand(claims(iss=value)),
            err("invalid_issuer"),
            issuer=[iss],
        )
    case(
        "iss_escaped_slashes",
        "iss written with escaped slashes: the same string, accepted.",
        None,
        hand(raw_claims('"iss":"https:\\/\\/auth.example.com"')),
        ok(raw_claims('"iss":"https:\\/\\/auth.example.com"')),
        issuer=[iss],
    )
    case(
        "iss_escaped_unicode",
        "iss written with \\u escapes: the same string, accepted.",
        None,
        hand(raw_claims('"iss":"\\u0068ttps://auth.example.com"')),
        ok(raw_claims('"iss":"\\u0068ttps://auth.example.com"')),
        issuer=[iss],
    )
    case(
        "iss_missing",
        "No iss while an issuer is expected.",
        None,
        hand(c),
        err("missing_claim", "iss"),
        issuer=[iss],
    )
    for id_, value, desc, ref in [
        ("aud_substring", "ap", "a substring of the expected audience", None),
        ("aud_superstring", "api.evil.example", "the expected audience as a prefix", None),
        ("aud_case", "API", "the expected audience in upper case", None),
        ("aud_empty_string", "", "the empty string", None),
        ("aud_comma_list", "web,api", "a comma-joined list in one string", None),
        ("aud_empty_array", [], "an empty array", "CVE-2020-26160"),
        (
            "aud_array_other",
            ["web", "admin"],
            "an array without the expected audience",
            "CVE-2020-26160",
        ),
        ("aud_nul_suffix", "api\u0000", "the expected audience plus a NUL", None),
    ]:
        case(
            id_,
            f"aud is {desc}.",
            ref,
            hand(claims(aud=value)),
            err("invalid_audience"),
            audience=["api"],
        )
    case(
        "aud_array_contains",
        "aud array that contains the expected audience among others: accepted.",
        "RFC 7519 §4.1.3",
        hand(claims(aud=["web", "api"])),
        ok(claims(aud=["web", "api"])),
        audience=["api"],
    )
    case(
        "aud_unexpected",
        "A token for another service (aud set) at a verifier that expects no audience.",
        "RFC 8725 §3.9",
        hand(claims(aud="billing")),
        err("invalid_audience"),
    )
    case(
        "sub_trailing_space",
        "sub with a trailing space where a subject is expected.",
        None,
        hand(claims(sub="alice ")),
        err("invalid_subject"),
        subject="alice",
    )

    section("kid_injection")
    ring = ("k1", "k2")
    for id_, kid, secret, desc in [
        (
            "kid_path_traversal",
            "../../../../../../dev/null",
            b"",
            "a path to an empty file, MAC'd with the empty key",
        ),
        (
            "kid_sql_injection",
            "x' UNION SELECT 'secret' -- ",
            b"secret",
            "SQL that makes a lookup return 'secret'",
        ),
        ("kid_command_injection", "k1|curl evil.example", b"secret", "a shell pipeline"),
        ("kid_case_variant", "K1", KEYS["k1"][0], "K1 for k1"),
        ("kid_trailing_space", "k1 ", KEYS["k1"][0], "k1 with a trailing space"),
        ("kid_nul_suffix", "k1\u0000", KEYS["k1"][0], "k1 plus NUL"),
    ]:
        case(
            id_,
            f"kid is {desc}: a kid only selects among configured keys, never a path or query.",
            RFC8725_INJECT,
            hand(c, {"alg": "HS256", "kid": kid}, secret=secret),
            # A control character breaks the kid rule itself (no key can have it).
            err("invalid_header" if "\u0000" in kid else "unknown_kid"),
            keys=ring,
        )
    case(
        "kid_escaped_equals_k1",
        "kid \\u006b1 is k1 once unescaped: accepted with k1's key.",
        None,
        hand(c, hseg=seg('{"alg":"HS256","kid":"\\u006b1"}'), secret=KEYS["k1"][0]),
        ok(c),
        keys=ring,
    )
    case(
        "kid_names_other_key",
        "kid k2 but MAC'd with k1's secret.",
        None,
        hand(c, {"alg": "HS256", "kid": "k2"}, secret=KEYS["k1"][0]),
        err("invalid_signature"),
        keys=ring,
    )
    for id_, hjson, desc in [
        ("kid_empty", '{"alg":"HS256","kid":""}', "empty"),
        ("kid_too_long", '{"alg":"HS256","kid":"' + "k" * 65 + '"}', "65 bytes long"),
        ("kid_number", '{"alg":"HS256","kid":1}', "a number"),
        ("kid_array", '{"alg":"HS256","kid":["k1"]}', "an array"),
        ("kid_null", '{"alg":"HS256","kid":null}', "null"),
        ("kid_duplicate", '{"alg":"HS256","kid":"k2","kid":"k1"}', "given twice"),
    ]:
        case(
            id_,
            f"kid is {desc}.",
            RFC8725_INJECT,
            hand(c, hseg=seg(hjson), secret=KEYS["k1"][0]),
            err("invalid_header"),
            keys=ring,
        )

    section("header_params")
    attacker = b"attacker-chosen-hmac-key-32-bytes!!"
    case(
        "hdr_jwk_embedded_key",
        "An embedded jwk (oct) holding the attacker's key, token MAC'd with it: node-jose "
        "verified with the embedded key.",
        "CVE-2018-0114",
        hand(c, {"alg": "HS256", "jwk": {"kty": "oct", "k": b64u(attacker)}}, secret=attacker),
        err("invalid_header"),
    )
    case(
        "hdr_jwk_with_valid_mac",
        "An embedded jwk even when the MAC is correct: key-bearing headers are refused.",
        "CVE-2018-0114",
        hand(c, {"alg": "HS256", "jwk": {"kty": "oct", "k": b64u(KEYS["main"][0])}}),
        err("invalid_header"),
    )
    header_cases: list[tuple[str, Json, str, str | None]] = [
        (
            "hdr_jku",
            {"alg": "HS256", "jku": "https://evil.example/jwks.json"},
            "jku (SSRF, attacker key set)",
            RFC8725_INJECT,
        ),
        (
            "hdr_x5u",
            {"alg": "HS256", "x5u": "http://169.254.169.254/latest/meta-data/"},
            "x5u (SSRF)",
            RFC8725_INJECT,
        ),
        (
            "hdr_x5c",
            {"alg": "HS256", "x5c": ["MIIB"]},
            "x5c (attacker certificate)",
            RFC8725_INJECT,
        ),
        (
            "hdr_crit_exp",
            {"alg": "HS256", "crit": ["exp"]},
            'crit ["exp"] (an extension we do not implement)',
            "GHSA-752w-5fwx-jx9f",
        ),
        (
            "hdr_crit_empty",
            {"alg": "HS256", "crit": []},
            "crit [] (must not be empty)",
            RFC7515_CRIT,
        ),
        (
            "hdr_b64_false",
            {"alg": "HS256", "b64": False, "crit": ["b64"]},
            "b64 false (unencoded payload)",
            "RFC 7797 §3",
        ),
        (
            "hdr_b64_false_no_crit",
            {"alg": "HS256", "b64": False},
            "b64 false without crit",
            "RFC 7797 §6",
        ),
        ("hdr_typ_jose", {"alg": "HS256", "typ": "JOSE"}, 'typ "JOSE"', RFC8725_TYPES),
        (
            "hdr_typ_secevent",
            {"alg": "HS256", "typ": "secevent+jwt"},
            'typ "secevent+jwt" (another kind of JWT)',
            RFC8725_TYPES,
        ),
        ("hdr_typ_null", {"alg": "HS256", "typ": None}, "typ null", None),
    ]
    for id_, header, desc, ref in header_cases:
        case(
            id_,
            f"Header with {desc}, correctly MAC'd: refused.",
            ref,
            hand(c, header),
            err("invalid_header"),
        )
    case(
        "hdr_unknown_param_ignored",
        "An unknown header parameter is ignored (RFC 7515 §4), the token accepted.",
        "RFC 7515 §4",
        hand(c, {"alg": "HS256", "typ": "JWT", "x-trace": "1"}),
        ok(c),
    )

    section("token_type")
    case(
        "type_refresh_as_access",
        'A refresh token (typ "refresh") presented where access tokens are verified.',
        RFC8725_TYPES,
        hand(claims(typ="refresh")),
        err("wrong_token_type"),
    )
    case(
        "type_refresh_escaped",
        'typ "re\\u0066resh": still a refresh token.',
        RFC8725_TYPES,
        hand(raw_claims('"typ":"re\\u0066resh"')),
        err("wrong_token_type"),
    )
    case(
        "type_refresh_at_jwt_header",
        "A refresh token whose header claims at+jwt.",
        "RFC 9068 §2.1",
        hand(claims(typ="refresh"), {"alg": "HS256", "typ": "at+jwt"}),
        err("wrong_token_type"),
    )
    case(
        "type_access_expected_missing",
        "No typ claim where access tokens are required.",
        RFC8725_TYPES,
        hand(c),
        err("wrong_token_type"),
        token_type="access",
    )
    case(
        "type_access_expected_refresh",
        "A refresh token where access tokens are required.",
        RFC8725_TYPES,
        hand(claims(typ="refresh")),
        err("wrong_token_type"),
        token_type="access",
    )
    case(
        "type_refresh_expected_access",
        "An access token at the refresh endpoint.",
        RFC8725_TYPES,
        hand(claims(typ="access")),
        err("wrong_token_type"),
        token_type="refresh",
    )
    case(
        "type_id_token_as_access",
        'An ID token (typ "id") where access tokens are required.',
        RFC8725_TYPES,
        hand(claims(typ="id")),
        err("wrong_token_type"),
        token_type="access",
    )

    section("escapes")
    case(
        "esc_sub_nul_admin",
        'sub "alice\\u0000admin" against the expected subject alice.',
        None,
        hand(f'{{"sub":"alice\\u0000admin","exp":{NOW + 3600}}}'),
        err("invalid_subject"),
        subject="alice",
    )
    case(
        "esc_raw_nul",
        "A raw NUL byte inside a string.",
        RFC8259_STR,
        hand(b'{"exp":%d,"sub":"ali\x00ce"}' % (NOW + 3600)),
        err("malformed"),
    )
    case(
        "esc_raw_control",
        "A raw 0x1f byte inside a string.",
        RFC8259_STR,
        hand(b'{"exp":%d,"sub":"ali\x1fce"}' % (NOW + 3600)),
        err("malformed"),
    )
    case(
        "esc_lone_high_surrogate",
        "A lone high surrogate \\ud800 (not a character; breaks UTF-8 round trips).",
        RFC8259_STR,
        hand(raw_claims('"name":"\\ud800"')),
        err("malformed"),
    )
    case(
        "esc_lone_low_surrogate",
        "A lone low surrogate \\udc00.",
        RFC8259_STR,
        hand(raw_claims('"name":"\\udc00"')),
        err("malformed"),
    )
    case(
        "esc_surrogate_pair",
        "A valid surrogate pair (U+1F600).",
        RFC8259_STR,
        hand(raw_claims('"name":"\\ud83d\\ude00"')),
        ok(raw_claims('"name":"\\ud83d\\ude00"')),
    )
    case(
        "esc_invalid_escape",
        "An escape JSON does not have (\\x41).",
        RFC8259_STR,
        hand(raw_claims('"name":"\\x41"')),
        err("malformed"),
    )
    case(
        "esc_overlong_utf8_slash",
        "An overlong UTF-8 encoding of / (C0 AF).",
        "RFC 3629 §3",
        hand(b'{"exp":%d,"iss":"https:\xc0\xaf\xc0\xafauth.example.com"}' % (NOW + 3600)),
        err("malformed"),
    )
    case(
        "esc_utf8_bom",
        "A UTF-8 byte-order mark before the payload object.",
        RFC8259_STR,
        hand(b"\xef\xbb\xbf" + compact(c)),
        err("malformed"),
    )
    case(
        "esc_invalid_utf8",
        "A 0xFF byte inside a string.",
        "RFC 3629 §3",
        hand(b'{"exp":%d,"sub":"\xff"}' % (NOW + 3600)),
        err("malformed"),
    )
    case(
        "esc_quote_breakout",
        "A sub that contains an escaped quote and what looks like a roles member: it stays "
        "one string.",
        None,
        hand(raw_claims('"name":"x\\",\\"roles\\":[\\"admin\\"]"')),
        ok(raw_claims('"name":"x\\",\\"roles\\":[\\"admin\\"]"')),
    )
    case(
        "esc_role_escaped",
        'roles ["adm\\u0069n"] is the role admin (callers see unescaped text).',
        None,
        hand(raw_claims('"roles":["adm\\u0069n"]')),
        ok(raw_claims('"roles":["adm\\u0069n"]')),
    )
    case(
        "esc_claim_name_with_nul",
        'A member named "ex\\u0000p" is not exp: the token has no exp.',
        None,
        hand(f'{{"ex\\u0000p":{NOW + 3600}}}'),
        err("missing_claim", "exp"),
    )
    case(
        "esc_line_separator",
        "A raw U+2028 inside a string is valid JSON (it breaks naive JavaScript eval).",
        None,
        hand(raw_claims('"name":"a\u2028b"')),
        ok(raw_claims('"name":"a\u2028b"')),
    )


# --------------------------------------------------------------------------------------------
# Password cases
# --------------------------------------------------------------------------------------------

PW = b"correct horse battery staple"
SALT16 = b"authcore-atk-16b"
BCRYPT_SALT22 = b"authcoreAttackSalt.22e"
MIB = 1 << 20


def argon2(
    password: bytes,
    *,
    m: int = 64,
    t: int = 1,
    p: int = 1,
    hash_len: int = 32,
    salt: bytes = SALT16,
    type_: Type = Type.ID,
) -> str:
    return hash_secret(
        password, salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=hash_len, type=type_
    ).decode()


def bcrypt_hash(password: bytes, cost: int = 4) -> str:
    return bcrypt.hashpw(password, b"$2b$%02d$" % cost + BCRYPT_SALT22).decode()


def pw_case(
    id_: str,
    description: str,
    reference: str | None,
    hash_: str,
    password: bytes,
    expect: Json,
    repeat: int | None = None,
) -> None:
    assert all(c["id"] != id_ for c in jwt_cases + pw_cases), id_
    entry: Json = {
        "id": id_,
        "category": category,
        "description": description,
        "reference": reference,
        "kind": "password",
        "hash": hash_,
    }
    try:
        text = password.decode("utf-8")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", password, 0, 1, "NUL")
        entry["password"] = text
    except UnicodeDecodeError:
        entry["password_hex"] = password.hex()
    if repeat is not None:
        entry["password_repeat"] = repeat
    entry["expect"] = expect
    pw_cases.append(entry)


def phc(
    *,
    alg: str = "argon2id",
    v: str | None = "v=19",
    params: str = "m=64,t=1,p=1",
    salt: str | None = None,
    hash_: str | None = None,
) -> str:
    """A PHC string assembled from parts of a valid small argon2id hash of PW."""
    base = argon2(PW).split("$")
    parts = [
        "",
        alg,
        v,
        params,
        base[4] if salt is None else salt,
        base[5] if hash_ is None else hash_,
    ]
    return "$".join(p for p in parts if p is not None)


def noncanonical_std(s: str) -> str:
    """Sets the unused trailing bits of standard, unpadded base64 text."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    rem = len(s) % 4
    assert rem in (2, 3)
    return s[:-1] + alphabet[alphabet.index(s[-1]) | (0b1111 if rem == 2 else 0b11)]


def password_attacks() -> None:
    valid = argon2(PW)

    def b64(n: int) -> str:
        return base64.b64encode(bytes(range(n))).decode().rstrip("=")

    section("argon2_params")
    for id_, params, desc in [
        ("argon2_m_4gib", "m=4194304,t=1,p=1", "m = 4 GiB"),
        ("argon2_m_u32_max", "m=4294967295,t=1,p=1", "m = 2^32-1 KiB"),
        ("argon2_t_u32_max", "m=64,t=4294967295,p=1", "t = 2^32-1 passes"),
        ("argon2_t_100000", "m=64,t=100000,p=1", "t = 100000 passes"),
        ("argon2_p_255", "m=2048,t=1,p=255", "p = 255 lanes"),
        ("argon2_p_max", "m=134217720,t=1,p=16777215", "p = 2^24-1 lanes (the format's maximum)"),
    ]:
        pw_case(
            id_,
            f"A stored hash with {desc} planted in it (database write, import): refused before "
            "any memory is touched or hashing starts.",
            None,
            phc(params=params),
            PW,
            err("hash_params_out_of_bounds"),
        )
    pw_case(
        "argon2_output_4_bytes",
        "A planted 4-byte output (2^32 guesses to collide): outside the bounds.",
        None,
        phc(hash_=b64(4)),
        PW,
        err("hash_params_out_of_bounds"),
    )
    for id_, params, desc in [
        ("argon2_t_zero", "m=64,t=0,p=1", "t = 0"),
        ("argon2_p_zero", "m=64,t=1,p=0", "p = 0"),
        ("argon2_m_below_8p", "m=7,t=1,p=1", "m below 8 KiB per lane"),
        ("argon2_p_2_pow_24", "m=134217728,t=1,p=16777216", "p = 2^24 (beyond the format)"),
        ("argon2_m_overflow", "m=4294967296,t=1,p=1", "m = 2^32 (overflows u32)"),
        ("argon2_m_leading_zero", "m=064,t=1,p=1", "a leading zero"),
        ("argon2_m_plus_sign", "m=+64,t=1,p=1", "a plus sign"),
        ("argon2_m_negative", "m=-64,t=1,p=1", "a negative number"),
        ("argon2_params_reordered", "t=1,m=64,p=1", "parameters out of order"),
        ("argon2_params_duplicated", "m=64,m=64,t=1,p=1", "m given twice"),
        ("argon2_param_keyid", "m=64,t=1,p=1,keyid=AAAA", "a keyid parameter"),
        ("argon2_param_data", "m=64,t=1,p=1,data=AAAA", "a data parameter"),
        ("argon2_params_spaces", "m=64, t=1, p=1", "spaces between parameters"),
    ]:
        pw_case(
            id_,
            f"Parameters with {desc}: not the reference grammar.",
            None,
            phc(params=params),
            PW,
            err("invalid_hash"),
        )

    section("phc_garbled")
    for id_, s, desc in [
        ("phc_empty", "", "the empty string"),
        ("phc_plaintext", PW.decode(), "a plaintext password stored as the hash"),
        ("phc_prefix_only", "$argon2id", "the algorithm prefix alone"),
        (
            "phc_truncated_after_params",
            phc(salt=None, hash_=None).rsplit("$", 2)[0],
            "truncated after the parameters",
        ),
        ("phc_truncated_hash", valid[:-10], "the hash cut short mid-character"),
        ("phc_missing_version", phc(v=None), "no v= field (argon2-cffi reads 0x10, others 0x13)"),
        ("phc_version_20", phc(v="v=20"), "an unknown version"),
        ("phc_upper_case_alg", phc(alg="ARGON2ID"), "the algorithm in upper case"),
        ("phc_unknown_alg", phc(alg="argon2x"), "an unknown Argon2 variant"),
        ("phc_hash_padded", valid + "=", "base64 padding on the hash"),
        (
            "phc_hash_noncanonical",
            noncanonical_std(valid),
            "non-zero unused bits in the hash's base64",
        ),
        (
            "phc_hash_urlsafe",
            phc(hash_=base64.urlsafe_b64encode(bytes([251] * 32)).decode().rstrip("=")),
            "the URL-safe alphabet",
        ),
        ("phc_salt_7_bytes", phc(salt=b64(7)), "a 7-byte salt"),
        ("phc_trailing_newline", valid + "\n", "a trailing newline"),
        ("phc_leading_space", " " + valid, "a leading space"),
        ("phc_trailing_dollar", valid + "$", "a trailing $"),
        ("phc_nul_inside", valid[:20] + "\u0000" + valid[20:], "a NUL inside"),
        ("phc_huge_salt", phc(salt="A" * 4096), "a 4 KiB salt field (parsing cost is bounded)"),
        (
            "phc_pbkdf2",
            "$pbkdf2-sha256$29000$N2Zmd3VvYnVzeHZ3$c2FsdGVkaGFzaA",
            "a PBKDF2 hash (unsupported scheme)",
        ),
        ("phc_md5crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "an md5crypt hash"),
        ("phc_sha512crypt", "$6$saltsalt$" + "a" * 86, "a sha512crypt hash"),
    ]:
        pw_case(id_, f"Stored hash is {desc}.", None, s, PW, err("invalid_hash"))

    section("password_input")
    pw_case(
        "pw_argon2_baseline",
        "The right password against a small argon2id hash (baseline for this section).",
        None,
        valid,
        PW,
        {"ok": True},
    )
    nul = b"pass\x00word-1234"
    pw_case(
        "pw_nul_prefix_argon2",
        "The part before a NUL, against the hash of the whole password: C-string APIs "
        "truncated at NUL and accepted it.",
        None,
        argon2(nul),
        b"pass",
        err("password_mismatch"),
    )
    pw_case(
        "pw_nul_full_argon2",
        "The whole NUL-containing password verifies.",
        None,
        argon2(nul),
        nul,
        {"ok": True},
    )
    pw_case(
        "pw_nul_suffix_argon2",
        "The password plus a NUL is a different password.",
        None,
        valid,
        PW + b"\x00",
        err("password_mismatch"),
    )
    pw_case(
        "pw_huge_argon2",
        "A 1 MiB password verifies against its argon2id hash (hashing cost grows linearly, "
        "no quadratic or per-byte KDF work; Django's PBKDF2 was a DoS here).",
        "CVE-2013-1443",
        argon2(b"A" * MIB),
        b"A",
        {"ok": True},
        repeat=MIB,
    )
    pw_case(
        "pw_huge_argon2_one_short",
        "The same 1 MiB password minus one byte does not verify: no truncation.",
        "CVE-2013-1443",
        argon2(b"A" * MIB),
        b"A",
        err("password_mismatch"),
        repeat=MIB - 1,
    )
    pw_case(
        "pw_empty_against_hash",
        "An empty password against a real hash.",
        None,
        valid,
        b"",
        err("password_mismatch"),
    )

    section("bcrypt")
    bc = bcrypt_hash(PW)
    pw_case(
        "bcrypt_baseline",
        "The right password against a cost-4 $2b$ hash.",
        None,
        bc,
        PW,
        {"ok": True},
    )
    pw_case(
        "bcrypt_2x_refused",
        "$2x$: crypt_blowfish's marker for hashes made with its sign-extension bug.",
        "CVE-2011-2483",
        "$2x$" + bc[4:],
        PW,
        err("invalid_hash"),
    )
    pw_case(
        "bcrypt_2_original",
        "The original $2$ prefix.",
        "CVE-2011-2483",
        "$2$" + bc[4:],
        PW,
        err("invalid_hash"),
    )
    pw_case(
        "bcrypt_2y_accepted",
        "$2y$ (PHP's fixed marker) computes like $2b$.",
        "CVE-2011-2483",
        "$2y$" + bc[4:],
        PW,
        {"ok": True},
    )
    pw_case(
        "bcrypt_upper_prefix", "$2B$ in upper case.", None, "$2B$" + bc[4:], PW, err("invalid_hash")
    )
    for id_, cost, code, desc in [
        ("bcrypt_cost_3", "03", "invalid_hash", "cost 3 (below bcrypt's minimum of 4)"),
        ("bcrypt_cost_32", "32", "invalid_hash", "cost 32 (beyond bcrypt's 31)"),
        ("bcrypt_cost_99", "99", "invalid_hash", "cost 99"),
        (
            "bcrypt_cost_31",
            "31",
            "hash_params_out_of_bounds",
            "cost 31 planted (2^31 rounds, days of CPU)",
        ),
        (
            "bcrypt_cost_15",
            "15",
            "hash_params_out_of_bounds",
            "cost 15 (above the default bound of 14)",
        ),
        ("bcrypt_cost_one_digit", "4", "invalid_hash", "a one-digit cost"),
    ]:
        pw_case(id_, f"bcrypt with {desc}.", None, f"$2b${cost}$" + bc[7:], PW, err(code))
    pw_case(
        "bcrypt_59_chars",
        "A bcrypt string one character short.",
        None,
        bc[:-1],
        PW,
        err("invalid_hash"),
    )
    pw_case(
        "bcrypt_61_chars",
        "A bcrypt string one character long.",
        None,
        bc + "a",
        PW,
        err("invalid_hash"),
    )
    bc_alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    noncanon = bc[:-1] + bc_alphabet[bc_alphabet.index(bc[-1]) | 0b11]
    assert noncanon != bc
    pw_case(
        "bcrypt_noncanonical_hash",
        "Non-zero unused bits in the last hash character (two strings, one hash).",
        RFC4648_CANON,
        noncanon,
        PW,
        err("invalid_hash"),
    )
    pw_case(
        "bcrypt_bad_salt_char",
        "A salt character outside bcrypt's alphabet.",
        None,
        bc[:7] + "!" + bc[8:],
        PW,
        err("invalid_hash"),
    )
    a72 = b"A" * 72
    pw_case(
        "bcrypt_72_byte_truncation",
        "bcrypt reads only 72 bytes: a password extended past 72 bytes still verifies "
        "(Okta's username+password cache key was bypassed this way). Documented, kept for "
        "compatibility with hashes made by other libraries.",
        "Okta security advisory 2024-10-30 (AD/LDAP delegated authentication)",
        bcrypt_hash(a72),
        a72 + b"-anything-after-byte-72",
        {"ok": True},
    )
    pw_case(
        "bcrypt_71_byte_prefix",
        "71 of the 72 bytes do not verify.",
        None,
        bcrypt_hash(a72),
        a72[:71],
        err("password_mismatch"),
    )
    pw_case(
        "bcrypt_nul_prefix",
        "A password with an embedded NUL against the hash of the part before it: C bcrypt "
        "stops at the NUL, this implementation does not.",
        None,
        bcrypt_hash(b"pass"),
        b"pass\x00word",
        err("password_mismatch"),
    )
    pw_case(
        "bcrypt_huge_password",
        "A 1 MiB password against a bcrypt hash of its first 72 bytes: verifies (truncation), "
        "in constant work.",
        "CVE-2013-1443",
        bcrypt_hash(b"B" * 72),
        b"B",
        {"ok": True},
        repeat=MIB,
    )


# --------------------------------------------------------------------------------------------
# Self-checks and output
# --------------------------------------------------------------------------------------------


def pyjwt_check() -> list[str]:
    """Decodes every `ok` JWT case with PyJWT; returns the error cases PyJWT accepts."""
    lenient = []
    for c in jwt_cases:
        v = {**VALIDATION_DEFAULTS, **c["validation"]}
        if c["keys"][0] in ("weak", "empty"):
            continue
        key_by_kid = {KEYS[k][1]: KEYS[k][0] for k in c["keys"]}
        try:
            kid = jwt.get_unverified_header(c["token"]).get("kid")
        except Exception:  # noqa: BLE001 - any refusal counts
            kid = None
        if kid is not None and kid not in key_by_kid and None not in key_by_kid:
            # A key ring without a kid-less key: an unknown kid has no key (as in authcore).
            if "ok" in c["expect"]:
                raise AssertionError(f"unknown kid in ok case {c['id']}")
            continue
        secret = key_by_kid.get(kid, KEYS[c["keys"][0]][0])
        opts: PyJWTOptions = {
            "require": v["required"],
            "verify_exp": v["verify_exp"],
            "verify_nbf": v["verify_nbf"],
            "verify_iat": v["verify_iat"],
            "verify_aud": v["verify_aud"],
            "verify_iss": v["issuer"] is not None,
            "verify_sub": v["subject"] is not None,
        }

        class FrozenDatetime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None, now: int = c["now"]) -> FrozenDatetime:
                return cls.fromtimestamp(now, tz=timezone.utc)

        try:
            # PyJWT reads the clock through its module's `datetime`.
            with mock.patch.object(jwt.api_jwt, "datetime", FrozenDatetime):
                got = (
                    jwt.decode(
                        c["token"],
                        secret,
                        algorithms=["HS256"],
                        options=opts,
                        audience=v["audience"],
                        issuer=v["issuer"],
                        subject=v["subject"],
                        leeway=min(v["leeway"], 10**9),
                    )
                    if len(c["token"]) <= v["max_token_len"]
                    else None
                )
            pyjwt_ok = got is not None
        except Exception:  # noqa: BLE001 - any PyJWT refusal counts
            pyjwt_ok, got = False, None
        if "ok" in c["expect"]:
            assert pyjwt_ok, f"PyJWT refuses ok case {c['id']}"
            assert got == c["expect"]["claims"], c["id"]
        elif pyjwt_ok:
            lenient.append(c["id"])
    return lenient


def password_check() -> None:
    for c in pw_cases:
        pw = bytes.fromhex(c["password_hex"]) if "password_hex" in c else c["password"].encode()
        pw *= c.get("password_repeat", 1)
        h = c["hash"]
        want = c["expect"].get("error", "ok")
        if want not in ("ok", "password_mismatch"):
            continue
        if h.startswith("$argon2"):
            try:
                verify_secret(h.encode(), pw, Type.ID if h.startswith("$argon2id") else Type.I)
                got = "ok"
            except VerificationError:
                got = "password_mismatch"
        else:
            got = (
                "ok" if bcrypt.checkpw(pw[:72], ("$2b$" + h[4:]).encode()) else "password_mismatch"
            )
            if b"\x00" in pw[:72]:
                # Python bcrypt refuses NUL; the EksBlowfish key is password + NUL, so
                # "pass\0word" can only equal "pass" if the implementation truncates at NUL.
                got = "password_mismatch"
        assert got == want, (c["id"], got, want)


# --------------------------------------------------------------------------------------------
# EdDSA (Ed25519) attacks → eddsa.json (its own file: typed keys, see README)
# --------------------------------------------------------------------------------------------

ED_SEEDS = {
    "ed1": hashlib.sha256(b"authcore-attack-ed25519-1").digest(),
    "ed2": hashlib.sha256(b"authcore-attack-ed25519-2").digest(),
}
ED_HS_SECRET = b"authcore-attack-hs256-secret-32b"
# The eight points of small order (RFC 8032 curve; libsodium's block list), canonical encodings,
# and two non-canonical encodings of small-order points (y = p + 1, y = p - 1 + p).
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]
NON_CANONICAL = [
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
]
ED_L = 2**252 + 27742317777372353535851937790883648493

ed_cases: list[Json] = []


def _ed_private(name: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(ED_SEEDS[name])


def _ed_public_raw(name: str) -> bytes:
    from cryptography.hazmat.primitives import serialization as ser

    raw: bytes = _ed_private(name).public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    return raw


def _ed_public_pem(name: str) -> str:
    from cryptography.hazmat.primitives import serialization as ser

    pub = _ed_private(name).public_key()
    pem: bytes = pub.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode()


def _ed_jwk(name: str, private: bool = False, **extra: Any) -> Json:
    jwk: Json = {"kty": "OKP", "crv": "Ed25519", "x": b64u(_ed_public_raw(name))}
    if private:
        jwk["d"] = b64u(ED_SEEDS[name])
    jwk.update(extra)
    return jwk


def _ed_keys() -> Json:
    """Typed key descriptions (README: `type` hs256 | ed25519_pem | ed25519_raw | jwk | jwks)."""
    keys: Json = {
        "ed1": {"type": "ed25519_pem", "pem": _ed_public_pem("ed1"), "kid": None},
        "ed1_kid": {"type": "ed25519_pem", "pem": _ed_public_pem("ed1"), "kid": "ed-1"},
        "ed2": {"type": "ed25519_pem", "pem": _ed_public_pem("ed2"), "kid": None},
        "ed1_jwk": {"type": "jwk", "jwk": _ed_jwk("ed1")},
        "ed1_jwk_with_d": {"type": "jwk", "jwk": _ed_jwk("ed1", private=True)},
        "hs": {"type": "hs256", "secret_hex": ED_HS_SECRET.hex(), "kid": None},
        "hs_kid": {"type": "hs256", "secret_hex": ED_HS_SECRET.hex(), "kid": "k-hs"},
        "hs_secret_is_public_pem": {
            "type": "hs256",
            "secret_hex": _ed_public_pem("ed1").encode().hex(),
            "kid": None,
        },
        "hs_secret_is_public_jwk": {
            "type": "hs256",
            "secret_hex": compact(_ed_jwk("ed1")).hex(),
            "kid": None,
        },
        "hs_secret_is_openssh": {
            "type": "hs256",
            "secret_hex": (
                b"ssh-ed25519 "
                + base64.b64encode(
                    b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + _ed_public_raw("ed1")
                )
                + b" service@example"
            ).hex(),
            "kid": None,
        },
        "jwks_duplicate_kid": {
            "type": "jwks",
            "jwks": {"keys": [_ed_jwk("ed1", kid="same"), _ed_jwk("ed2", kid="same")]},
        },
    }
    for i, point in enumerate(SMALL_ORDER + NON_CANONICAL):
        keys[f"weak_{i}"] = {"type": "ed25519_raw", "public_hex": point, "kid": None}
    return keys


def ed_sign(name: str, header: Json, payload: Json) -> str:
    h, p = seg(header), seg(payload)
    return f"{h}.{p}.{b64u(_ed_private(name).sign(f'{h}.{p}'.encode()))}"


def ed_case(
    id: str,
    category: str,
    description: str,
    token: str,
    keys: list[str],
    expect: Json,
    reference: str | None = None,
) -> None:
    assert all(c["id"] != id for c in ed_cases), id
    ed_cases.append(
        {
            "id": id,
            "category": category,
            "description": description,
            "reference": reference,
            "kind": "jwt",
            "token": token,
            "keys": keys,
            "now": NOW,
            "validation": {},
            "expect": expect,
        }
    )


def eddsa_attacks() -> None:
    claims = {"sub": "mallory", "exp": NOW + 600}
    eh = {"alg": "EdDSA", "typ": "JWT"}
    good = ed_sign("ed1", eh, claims)
    h_p, sig = good.rsplit(".", 1)
    raw_sig = base64.urlsafe_b64decode(sig + "==")

    def bad(code: str) -> Json:
        return {"error": code}

    hs_h = seg({"alg": "HS256", "typ": "JWT"}) + "." + seg(claims)

    ed_case(
        "eddsa_valid",
        "eddsa_baseline",
        "A correct EdDSA token verifies with the "
        "signer's public key (the baseline the other cases alter).",
        good,
        ["ed1"],
        {"ok": True, "claims": claims},
        "RFC 8037 §3.1",
    )
    ed_case(
        "eddsa_valid_fully_specified",
        "eddsa_baseline",
        "alg Ed25519 (RFC 9864's fully-specified name) verifies with an Ed25519 key, as in jose.",
        ed_sign("ed1", {"alg": "Ed25519", "typ": "JWT"}, claims),
        ["ed1"],
        {"ok": True, "claims": claims},
        "RFC 9864 §2.2",
    )
    # Algorithm confusion: an HS256 token MACed with the public key material.
    for what, material in [
        ("raw", _ed_public_raw("ed1")),
        ("pem", _ed_public_pem("ed1").encode()),
        ("jwk", compact(_ed_jwk("ed1"))),
    ]:
        for keyset in (["ed1"], ["ed1_jwk"]):
            ed_case(
                f"confusion_hs256_mac_with_public_{what}_{keyset[0]}",
                "alg_confusion",
                f"An HS256 token MACed with the Ed25519 public key's {what} bytes: the "
                "key is an Ed25519 key, so only EdDSA can verify with it.",
                f"{hs_h}.{b64u(mac(material, hs_h))}",
                keyset,
                bad("unsupported_alg"),
                "CVE-2015-9235",
            )
    for name, what in [
        ("hs_secret_is_public_pem", "PEM"),
        ("hs_secret_is_public_jwk", "JWK JSON"),
        ("hs_secret_is_openssh", "OpenSSH line"),
    ]:
        material = bytes.fromhex(_ed_keys()[name]["secret_hex"])
        ed_case(
            f"confusion_{name[13:]}_as_hs256_secret",
            "alg_confusion",
            f"The public key ({what}) passed as the HS256 secret is refused when the key "
            "is made: otherwise anyone holding the public key mints tokens.",
            f"{hs_h}.{b64u(mac(material, hs_h))}",
            [name],
            bad("invalid_key"),
            "CVE-2022-29217",
        )
    ed_case(
        "confusion_hs256_token_ed_key",
        "alg_confusion",
        "A valid HS256 token against an Ed25519 key: the key fixes the algorithm.",
        f"{hs_h}.{b64u(mac(ED_HS_SECRET, hs_h))}",
        ["ed1"],
        bad("unsupported_alg"),
    )
    ed_case(
        "confusion_eddsa_token_hs_key",
        "alg_confusion",
        "An EdDSA token against an HS256 key.",
        good,
        ["hs"],
        bad("unsupported_alg"),
    )
    kid_hs = ed_sign("ed1", {"alg": "EdDSA", "kid": "k-hs", "typ": "JWT"}, claims)
    ed_case(
        "confusion_kid_names_hs_key",
        "alg_confusion",
        "An EdDSA token whose kid names "
        "the HS256 key of a mixed set: the chosen key's algorithm decides, not the "
        "header.",
        kid_hs,
        ["hs_kid", "ed1_kid"],
        bad("unsupported_alg"),
    )
    for alg, tag in [
        ("eddsa", "lower"),
        ("EDDSA", "upper"),
        ("ED25519", "ed25519_upper"),
        ("ed25519", "ed25519_lower"),
        ("Ed448", "ed448"),
        ("EdDSA ", "trailing_space"),
        ("none", "none"),
    ]:
        token = ed_sign("ed1", {"alg": alg, "typ": "JWT"}, claims)
        if alg == "none":
            token = token.rsplit(".", 1)[0] + "."
        ed_case(
            f"alg_variant_{tag}",
            "alg_confusion",
            f"alg {alg!r}: names are compared exactly (RFC 7515 §4.1.1).",
            token,
            ["ed1"],
            bad("unsupported_alg"),
            "RFC 8725 §3.1",
        )
    # Malleability: S + L, and the small-order points as R.
    r, s_int = raw_sig[:32], int.from_bytes(raw_sig[32:], "little")
    ed_case(
        "malleable_s_plus_l",
        "eddsa_strict",
        "The signature's S + L: the same group "
        "equation holds, but S must be below L (no malleable signatures).",
        f"{h_p}.{b64u(r + (s_int + ED_L).to_bytes(32, 'little'))}",
        ["ed1"],
        bad("invalid_signature"),
        "RFC 8032 §5.1.7",
    )
    for i, point in enumerate(SMALL_ORDER + NON_CANONICAL):
        kind = "small-order" if i < len(SMALL_ORDER) else "non-canonical"
        ed_case(
            f"small_order_r_{i}",
            "eddsa_strict",
            f"A {kind} point as R (S = 0 and the real S): strict verification refuses it.",
            f"{h_p}.{b64u(bytes.fromhex(point) + raw_sig[32:])}",
            ["ed1"],
            bad("invalid_signature"),
            "RFC 8032 §5.1.7",
        )
        forged = f"{h_p}.{b64u(bytes.fromhex(point) + bytes(32))}"
        ed_case(
            f"small_order_public_key_{i}",
            "eddsa_strict",
            f"A {kind} point as the "
            "public key (with R the same point and S = 0, a non-strict verifier accepts "
            "any message): refused when the key is loaded.",
            forged,
            [f"weak_{i}"],
            bad("invalid_key"),
            "RFC 8032 §5.1.7",
        )
    for n in (32, 63, 65, 0):
        ed_case(
            f"signature_length_{n}",
            "eddsa_strict",
            f"A {n}-byte signature: an Ed25519 signature is exactly 64 bytes.",
            f"{h_p}.{b64u((raw_sig * 2)[:n])}",
            ["ed1"],
            bad("invalid_signature"),
        )
    ed_case(
        "wrong_ed25519_key",
        "eddsa_strict",
        "A correct signature by another Ed25519 key.",
        good,
        ["ed2"],
        bad("invalid_signature"),
    )
    ed_case(
        "jwk_with_private_d_as_public",
        "jwk",
        "A JWK carrying the private d where a "
        "public key is expected: refused (a verifier must not hold the signing key).",
        good,
        ["ed1_jwk_with_d"],
        bad("invalid_key"),
        "RFC 7517 §9.2",
    )
    ed_case(
        "jwks_duplicate_kid",
        "jwk",
        "A JWK set with two keys under one kid: which one verifies would be ambiguous.",
        good,
        ["jwks_duplicate_kid"],
        bad("invalid_key"),
        "RFC 7517 §4.5",
    )
    ed_case(
        "embedded_jwk_header",
        "key_injection",
        "A token carrying its own jwk header "
        "(signed by the attacker's key): header keys are never used.",
        ed_sign("ed2", {"alg": "EdDSA", "jwk": _ed_jwk("ed2")}, claims),
        ["ed1"],
        bad("invalid_header"),
        "CVE-2018-0114",
    )
    # Self-check against cryptography: the baseline verifies, the strict refusals are real.
    from cryptography.exceptions import InvalidSignature

    _ed_private("ed1").public_key().verify(raw_sig, h_p.encode())
    try:
        _ed_private("ed2").public_key().verify(raw_sig, h_p.encode())
        raise AssertionError("ed2 verified ed1's signature")
    except InvalidSignature:
        pass


def render() -> dict[str, str]:
    eddsa_attacks()
    jwt_attacks()
    password_attacks()
    lenient = pyjwt_check()
    password_check()
    jwt_doc = {
        "validation_defaults": VALIDATION_DEFAULTS,
        "keys": keys_json(),
        "cases": jwt_cases,
    }
    pw_doc = {"cases": pw_cases}

    def dump(d: Json) -> str:
        return json.dumps(d, indent=1, ensure_ascii=False) + "\n"

    if "--quiet" not in sys.argv:
        counts = Counter(c["category"] for c in jwt_cases + pw_cases)
        for cat, n in counts.items():
            print(f"{n:4} {cat}", file=sys.stderr)
        print(f"{len(jwt_cases) + len(pw_cases):4} cases", file=sys.stderr)
        print(
            f"PyJWT {jwt.__version__} accepts {len(lenient)} refused cases: {lenient}",
            file=sys.stderr,
        )
    ed_doc = {"validation_defaults": VALIDATION_DEFAULTS, "keys": _ed_keys(), "cases": ed_cases}
    return {
        "jwt.json": dump(jwt_doc),
        "password.json": dump(pw_doc),
        "eddsa.json": dump(ed_doc),
    }


def main() -> int:
    files = render()
    if "--check" in sys.argv:
        stale = [n for n, text in files.items() if (OUT / n).read_text() != text]
        if stale:
            print(f"stale: {stale}; run tests/attacks/gen.py", file=sys.stderr)
            return 1
        return 0
    for name, text in files.items():
        (OUT / name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
