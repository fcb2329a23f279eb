"""The shared EdDSA vectors (tests/vectors/eddsa.json from PyJWT + cryptography,
tests/vectors/eddsa_jose.json from jose) and attack cases (tests/attacks/eddsa.json) through the
Python package: the same verdicts, codes and tokens as the Rust and JS runners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Union

import pytest
from authcore import Ed25519PrivateKey, Ed25519PublicKey, Key, KeySet, jwt
from authcore.exceptions import AuthError, exception_for_code
from vectors_helpers import load_vectors, native_decode

VECTORS = load_vectors("eddsa.json")
JOSE = load_vectors("eddsa_jose.json")
ATTACKS = json.loads(
    (Path(__file__).resolve().parents[2] / "tests" / "attacks" / "eddsa.json").read_text("utf-8")
)

AnyKey = Union[Key, Ed25519PublicKey]


def typed_key(spec: dict[str, Any]) -> AnyKey:
    """One key of a file's ``keys`` table, built from its ``type``."""
    kind = spec["type"]
    if kind == "hs256":
        return Key(bytes.fromhex(spec["secret_hex"]), spec["kid"])
    if kind == "ed25519_pem":
        return Ed25519PublicKey.from_pem(spec["pem"], spec["kid"])
    if kind == "ed25519_raw":
        return Ed25519PublicKey.from_bytes(bytes.fromhex(spec["public_hex"]), spec["kid"])
    if kind == "jwk":
        return Ed25519PublicKey.from_jwk(spec["jwk"])
    raise AssertionError(f"unknown key type {kind}")


def key_set(table: dict[str, Any], names: list[str]) -> KeySet:
    """The case's key set; a ``jwks`` entry gives all its keys, in order."""
    if [table[n]["type"] for n in names] == ["jwks"]:
        return KeySet.from_jwks(table[names[0]]["jwks"])
    assert all(table[n]["type"] != "jwks" for n in names), "a jwks entry stands alone"
    return KeySet([typed_key(table[n]) for n in names])


def check(case: dict[str, Any], table: dict[str, Any], defaults: dict[str, Any]) -> None:
    expect = case["expect"]
    try:
        claims = native_decode(case, key_set(table, case["keys"]), defaults)
    except AuthError as e:
        assert "error" in expect, f"refused with {e.code}; expected {expect}"
        assert e.code == expect["error"]
        if "claim" in expect:
            assert e.claim == expect["claim"]
        assert type(e) is exception_for_code(e.code, e.claim)
        return
    assert expect.get("ok"), f"accepted; expected {expect}"
    assert claims == expect["claims"]


def test_files_are_substantial() -> None:
    assert len(VECTORS["cases"]) >= 15 and len(VECTORS["sign"]) >= 3
    assert len(JOSE["cases"]) >= 36 and len(JOSE["sign"]) >= 5 and len(JOSE["signers"]) >= 3
    assert len(ATTACKS["cases"]) >= 50


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_vector(case: dict[str, Any]) -> None:
    check(case, VECTORS["keys"], VECTORS["validation_defaults"])


@pytest.mark.parametrize("case", JOSE["cases"], ids=[c["name"] for c in JOSE["cases"]])
def test_jose_vector(case: dict[str, Any]) -> None:
    check(case, JOSE["keys"], JOSE["validation_defaults"])


@pytest.mark.parametrize("case", ATTACKS["cases"], ids=[c["id"] for c in ATTACKS["cases"]])
def test_attack(case: dict[str, Any]) -> None:
    check(case, ATTACKS["keys"], ATTACKS["validation_defaults"])


SIGN = [(VECTORS, c) for c in VECTORS["sign"]] + [(JOSE, c) for c in JOSE["sign"]]


@pytest.mark.parametrize(("doc", "case"), SIGN, ids=[c["name"] for _, c in SIGN])
def test_sign_is_pyjwts_and_joses_byte_for_byte(doc: dict[str, Any], case: dict[str, Any]) -> None:
    signer = doc["signers"][case["key"]]
    kid = None if case["kid"] == signer["thumbprint"] else case["kid"]
    key = Ed25519PrivateKey.from_pem(signer["private_pem"], kid)
    typ = None if case["typ"] == "JWT" else case["typ"]
    from authcore import _authcore

    token = _authcore.encode(case["payload_json"].encode(), key, typ, alg="EdDSA")
    assert token == case["token"]


@pytest.mark.parametrize("name", sorted(VECTORS["signers"]))
def test_signer_forms_agree_and_write_as_cryptography(name: str) -> None:
    s = VECTORS["signers"][name]
    forms = [
        Ed25519PrivateKey.from_pem(s["private_pem"]),
        Ed25519PrivateKey.from_seed(bytes.fromhex(s["seed_hex"])),
        Ed25519PrivateKey.from_jwk(s["private_jwk"]),
    ]
    for key in forms:
        assert key.kid == s["thumbprint"]
        assert key.private_pem() == s["private_pem"]
        assert key.public_pem() == s["public_pem"]
        assert key.public_key().public_bytes().hex() == s["public_hex"]
        assert {k: v for k, v in key.public_jwk().items() if k in s["public_jwk"]} == s[
            "public_jwk"
        ]
    assert Ed25519PublicKey.from_jwk(s["public_jwk"]).kid == s["thumbprint"]
    assert Ed25519PublicKey.from_pem(s["public_pem"]).public_pem() == s["public_pem"]


@pytest.mark.parametrize("doc", [VECTORS, JOSE], ids=["cryptography", "jose"])
def test_rfc8037(doc: dict[str, Any]) -> None:
    r = doc["rfc8037"]
    key = Ed25519PrivateKey.from_jwk(r["private_jwk"])
    assert key.kid == r["thumbprint"]
    # A.4: the JWS of "Example of Ed25519 signing" (not a JSON payload: signed byte for byte
    # through the core's encoder is impossible, so the signature is checked by verifying).
    head = r["jws"].split(".")[0]
    assert head == "eyJhbGciOiJFZERTQSJ9"
    with pytest.raises(AuthError) as e:
        jwt.decode(r["jws"], key.public_key(), algorithms=["EdDSA"])
    assert e.value.code != "invalid_signature"  # the signature verifies; the payload is refused


@pytest.mark.parametrize("name", sorted(JOSE["signers"]))
def test_jose_exports_read_as_one_key(name: str) -> None:
    """jose's PKCS#8, SPKI and JWK exports are one key, its RFC 7638 thumbprint is the default
    kid, and the JWK written here has jose's members; the PEM is jose's bar its final newline."""
    s = JOSE["signers"][name]
    forms = [
        Ed25519PrivateKey.from_pem(s["private_pem"]),
        Ed25519PrivateKey.from_jwk(s["private_jwk"]),
        Ed25519PrivateKey.from_seed(bytes.fromhex(s["seed_hex"])),
    ]
    for key in forms:
        assert key.kid == s["thumbprint"]
        assert key.private_pem() == s["private_pem"] + "\n"
        assert key.public_pem() == s["public_pem"] + "\n"
        assert {k: v for k, v in key.public_jwk().items() if k in s["public_jwk"]} == s[
            "public_jwk"
        ]
    for public in [
        Ed25519PublicKey.from_jwk(s["public_jwk"]),
        Ed25519PublicKey.from_pem(s["public_pem"]),
    ]:
        assert public.kid == s["thumbprint"]
        assert public.public_bytes().hex() == s["public_hex"]


def test_jose_jwks_reads_and_writes_back() -> None:
    """The JWKS a jose issuer publishes (exportJWK, thumbprint kid, alg, use) is read, and
    written back member for member."""
    doc = JOSE["keys"]["jwks"]["jwks"]
    assert KeySet.from_jwks(doc).jwks() == doc
