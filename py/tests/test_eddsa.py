"""EdDSA (Ed25519) through ``authcore.jwt``: PyJWT's EdDSA surface, keys as PEM, as authcore
key objects and as ``cryptography``'s, JWKs and JWKS, and tokens that cross over with PyJWT +
``cryptography`` in both directions."""

from __future__ import annotations

import json
import time
from typing import Any

import authcore
import jwt as pyjwt
import pytest
from authcore import Ed25519PrivateKey, Ed25519PublicKey, Key, KeySet, jwt
from authcore import exceptions as ex
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

SECRET = "authcore-test-secret-0123456789abcdef"


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "alice", "exp": int(time.time()) + 300, **extra}


@pytest.fixture
def peer_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def pkcs8(key: ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def spki(key: ed25519.Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# --- PyJWT's surface, PEM keys, both directions ----------------------------------------------


def test_pyjwt_tokens_verify_here_with_pem(peer_key: ed25519.Ed25519PrivateKey) -> None:
    token = pyjwt.encode(claims(role="x"), pkcs8(peer_key), algorithm="EdDSA")
    public = spki(peer_key.public_key())
    assert jwt.decode(token, public, algorithms=["EdDSA"])["role"] == "x"
    assert jwt.decode(token, public.decode(), algorithms=["EdDSA"])["sub"] == "alice"


def test_our_tokens_verify_in_pyjwt_and_are_byte_identical(
    peer_key: ed25519.Ed25519PrivateKey,
) -> None:
    c = claims(aud="api")
    ours = jwt.encode(c, pkcs8(peer_key), algorithm="EdDSA")
    assert pyjwt.get_unverified_header(ours) == {"alg": "EdDSA", "typ": "JWT"}
    got = pyjwt.decode(ours, spki(peer_key.public_key()), algorithms=["EdDSA"], audience="api")
    assert got == c
    # Ed25519 is deterministic and the header and payload are serialized as PyJWT does.
    assert ours == pyjwt.encode(c, pkcs8(peer_key), algorithm="EdDSA")


def test_cryptography_key_objects_are_accepted(peer_key: ed25519.Ed25519PrivateKey) -> None:
    token = jwt.encode(claims(), peer_key, algorithm="EdDSA")
    assert jwt.decode(token, peer_key.public_key(), algorithms=["EdDSA"])["sub"] == "alice"
    # PyJWT also verifies with the private key object (its public half).
    assert jwt.decode(token, peer_key, algorithms=["EdDSA"])["sub"] == "alice"


def test_a_tampered_or_foreign_token_is_refused(peer_key: ed25519.Ed25519PrivateKey) -> None:
    token = jwt.encode(claims(), peer_key, algorithm="EdDSA")
    head, payload, sig = token.split(".")
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    with pytest.raises(ex.InvalidSignatureError) as e:
        jwt.decode(f"{head}.{payload}.{flipped}", peer_key.public_key(), algorithms=["EdDSA"])
    assert e.value.code == "invalid_signature"
    other = ed25519.Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ex.InvalidSignatureError):
        jwt.decode(token, other, algorithms=["EdDSA"])


# --- a key fixes its algorithm --------------------------------------------------------------


def test_algorithms_must_allow_the_keys_algorithm(peer_key: ed25519.Ed25519PrivateKey) -> None:
    token = jwt.encode(claims(), peer_key, algorithm="EdDSA")
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.decode(token, peer_key.public_key(), algorithms=["HS256"])
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.decode(token, peer_key.public_key())


def test_header_alg_never_picks_the_check(peer_key: ed25519.Ed25519PrivateKey) -> None:
    public = Ed25519PublicKey.from_pem(spki(peer_key.public_key()))
    # An HS256 token MACed with the public key's PEM, JWK or raw bytes: the key is an
    # Ed25519 public key, so HS256 is refused whatever the MAC.
    pem = spki(peer_key.public_key())
    for material in (pem, json.dumps(public.public_jwk()).encode()):
        forged = pyjwt.encode(claims(), b"x" * 32, algorithm="HS256")  # any MAC
        with pytest.raises(ex.PyJWTError) as e:
            jwt.decode(forged, public, algorithms=["HS256", "EdDSA"])
        assert e.value.code == "unsupported_alg"
        with pytest.raises(ex.InvalidKeyError) as k:
            jwt.decode(forged, material, algorithms=["HS256"])
        assert k.value.code == "invalid_key"
    # An EdDSA token against an HS256 key.
    token = jwt.encode(claims(), peer_key, algorithm="EdDSA")
    with pytest.raises(ex.PyJWTError) as e:
        jwt.decode(token, Key(SECRET), algorithms=["HS256", "EdDSA"])
    assert e.value.code == "unsupported_alg"


@pytest.mark.parametrize(
    "material",
    [
        (
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
            "-----END PUBLIC KEY-----\n"
        ),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm/RAlphM3+hUG6wWfcO5bIUIaqMLa2ywxcOK1wMWbh x@y",
        '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}',
    ],
)
def test_an_hs256_secret_that_is_a_public_key_is_refused(material: str) -> None:
    """As PyJWT: a service passing its public key where the HMAC secret goes would let
    anyone mint."""
    with pytest.raises(ex.InvalidKeyError) as e:
        Key(material)
    assert e.value.code == "invalid_key"
    with pytest.raises(ex.InvalidKeyError):
        jwt.encode(claims(), material, algorithm="HS256")
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.encode(claims(), material, algorithm="HS256")


# --- key objects ------------------------------------------------------------------------------


def test_key_objects_round_trip(peer_key: ed25519.Ed25519PrivateKey) -> None:
    ours = Ed25519PrivateKey.from_pem(pkcs8(peer_key))
    assert ours.algorithm == "EdDSA" and Key(SECRET).algorithm == "HS256"
    pub = ours.public_key()
    assert pub.public_pem() == spki(peer_key.public_key()).decode()
    assert Ed25519PrivateKey.from_pem(ours.private_pem()).public_pem() == pub.public_pem()
    jwk = ours.public_jwk()
    assert set(jwk) >= {"kty", "crv", "x", "kid"} and "d" not in jwk
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert jwk["kid"] == ours.kid == pub.kid  # the RFC 7638 thumbprint
    assert Ed25519PublicKey.from_jwk(jwk).public_pem() == pub.public_pem()
    assert Ed25519PublicKey.from_jwk(json.dumps(jwk)).kid == pub.kid
    assert "PRIVATE" not in repr(ours) and pub.kid in repr(pub)


def test_thumbprint_kid_is_rfc7638() -> None:
    # RFC 8037 A.3: the thumbprint of A.2's public key.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert Ed25519PublicKey.from_jwk(jwk).kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_generate_and_explicit_kid() -> None:
    a, b = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate(kid="2026-12")
    assert a.kid != b.kid and b.kid == "2026-12"
    token = jwt.encode(claims(), b, algorithm="EdDSA")
    assert jwt.get_unverified_header(token)["kid"] == "2026-12"
    assert jwt.decode(token, b.public_key(), algorithms=["EdDSA"])["sub"] == "alice"


def test_private_jwk_is_refused_as_public_and_accepted_as_private() -> None:
    # RFC 8037 A.1
    private = {
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
    with pytest.raises(ex.InvalidKeyError):
        Ed25519PublicKey.from_jwk(private)
    key = Ed25519PrivateKey.from_jwk(private)
    assert key.public_jwk()["x"] == private["x"]


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "RSA", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "OKP", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"},
        {"kty": "OKP", "crv": "Ed25519"},
    ],
)
def test_bad_jwks_are_invalid_key(jwk: dict[str, str]) -> None:
    with pytest.raises(ex.InvalidKeyError) as e:
        Ed25519PublicKey.from_jwk(jwk)
    assert e.value.code == "invalid_key"


# --- key sets and JWKS ------------------------------------------------------------------------


def test_key_set_mixes_kinds_and_publishes_public_keys_only() -> None:
    new, old = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    hs = Key(SECRET, "hs")
    keys = KeySet([new, old.public_key(), hs])
    doc = keys.jwks()
    assert [k["kid"] for k in doc["keys"]] == [new.kid, old.kid]
    assert all("d" not in k and "k" not in k for k in doc["keys"])
    # The default key signs (EdDSA); each key verifies only its own algorithm.
    token = jwt.encode(claims(), keys, algorithm="EdDSA")
    assert jwt.get_unverified_header(token)["kid"] == new.kid
    assert jwt.decode(token, keys, algorithms=["EdDSA", "HS256"])["sub"] == "alice"
    old_token = jwt.encode(claims(), old, algorithm="EdDSA")
    assert jwt.decode(old_token, keys, algorithms=["EdDSA"])["sub"] == "alice"
    hs_token = jwt.encode(claims(), hs)
    assert jwt.decode(hs_token, keys, algorithms=["EdDSA", "HS256"])["sub"] == "alice"
    with pytest.raises(ex.InvalidAlgorithmError):
        jwt.decode(hs_token, keys, algorithms=["EdDSA"])
    # A verifier built from the published JWKS verifies, and cannot sign.
    verifier = KeySet.from_jwks(doc)
    assert jwt.decode(token, verifier, algorithms=["EdDSA"])["sub"] == "alice"
    with pytest.raises(ex.InvalidKeyError):
        jwt.encode(claims(), verifier, algorithm="EdDSA")
    with pytest.raises(ex.InvalidKeyError):
        jwt.encode(claims(), new.public_key(), algorithm="EdDSA")


def test_jwks_with_duplicate_kids_is_refused() -> None:
    jwk = Ed25519PrivateKey.generate().public_jwk()
    with pytest.raises(ex.InvalidKeyError):
        KeySet.from_jwks({"keys": [jwk, jwk]})


def test_pyjwt_reads_our_jwks(peer_key: ed25519.Ed25519PrivateKey) -> None:
    ours = Ed25519PrivateKey.from_pem(pkcs8(peer_key))
    token = jwt.encode(claims(), ours, algorithm="EdDSA")
    jwks = pyjwt.PyJWKSet.from_dict(KeySet([ours]).jwks())
    signing = jwks[ours.kid]
    assert pyjwt.decode(token, signing.key, algorithms=["EdDSA"])["sub"] == "alice"


def test_exported_names() -> None:
    assert authcore.Ed25519PrivateKey is Ed25519PrivateKey
    assert "EdDSA" in jwt.ALGORITHMS and "HS256" in jwt.ALGORITHMS
