"""Secrets and PEM keys passed as ``str``/``bytes`` on every call, as PyJWT users do.

The extension keeps the key it made from the last such material on each thread and reuses it
when the next call passes equal material for the same algorithms; these tests pin down that a
reused key is always the right one."""

from __future__ import annotations

import threading

import pytest
from authcore import Ed25519PrivateKey, jwt
from authcore.exceptions import InvalidKeyError, InvalidSignatureError, WeakKeyError

A = b"a" * 16 + b"-first-secret-of-32+bytes"
B = b"b" * 16 + b"-other-secret-of-32+bytes"
CLAIMS = {"sub": "alice", "exp": 4_000_000_000}


def test_alternating_secrets_each_verify_only_their_own_tokens() -> None:
    ta, tb = jwt.encode(CLAIMS, A), jwt.encode(CLAIMS, B)
    for _ in range(3):
        assert jwt.decode(ta, A, algorithms=["HS256"]) == CLAIMS
        with pytest.raises(InvalidSignatureError):
            jwt.decode(ta, B, algorithms=["HS256"])
        assert jwt.decode(tb, B, algorithms=["HS256"]) == CLAIMS
        with pytest.raises(InvalidSignatureError):
            jwt.decode(tb, A, algorithms=["HS256"])


def test_secrets_differing_in_one_byte_or_in_length_are_different_keys() -> None:
    token = jwt.encode(CLAIMS, A)
    for other in (A[:-1] + b"X", A[:1] + b"X" + A[2:], A + b"!", A[:-1]):
        with pytest.raises(InvalidSignatureError):
            jwt.decode(token, other, algorithms=["HS256"])
        assert jwt.decode(token, A, algorithms=["HS256"]) == CLAIMS  # and back again


def test_a_str_secret_is_its_utf8_bytes() -> None:
    text = "ключ-" + "s" * 32
    token = jwt.encode(CLAIMS, text)
    assert jwt.decode(token, text.encode(), algorithms=["HS256"]) == CLAIMS
    assert jwt.encode(CLAIMS, text.encode()) == token


def test_a_refused_secret_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(WeakKeyError):
            jwt.encode(CLAIMS, b"short")
    pem = Ed25519PrivateKey.generate().public_pem()
    token = jwt.encode(CLAIMS, A)
    for _ in range(2):  # a public key is never an HMAC secret, even after it verified EdDSA
        with pytest.raises(InvalidKeyError):
            jwt.decode(token, pem, algorithms=["HS256"])


def test_the_same_pem_read_for_other_algorithms_is_read_again() -> None:
    private = Ed25519PrivateKey.generate()
    pem = private.public_pem()
    token = jwt.encode(CLAIMS, private, algorithm="EdDSA")
    assert jwt.decode(token, pem, algorithms=["EdDSA"]) == CLAIMS
    with pytest.raises(InvalidKeyError):  # as an HS256 secret this PEM is refused
        jwt.decode(token, pem, algorithms=["HS256"])
    assert jwt.decode(token, pem, algorithms=["EdDSA", "HS256"]) == CLAIMS


def test_threads_with_their_own_secrets_never_get_each_others_keys() -> None:
    secrets = [bytes([65 + i]) * 40 for i in range(4)]
    tokens = [jwt.encode({"sub": str(i), "exp": 4_000_000_000}, s) for i, s in enumerate(secrets)]
    failures: list[str] = []

    def worker(i: int) -> None:
        for n in range(300):
            mine, other = secrets[i], secrets[(i + 1 + n % 3) % 4]
            if jwt.decode(tokens[i], mine, algorithms=["HS256"]) != {
                "sub": str(i),
                "exp": 4_000_000_000,
            }:
                failures.append(f"{i}: own token refused")
            try:
                jwt.decode(tokens[i], other, algorithms=["HS256"])
                failures.append(f"{i}: accepted with another thread's secret")
            except InvalidSignatureError:
                pass

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
