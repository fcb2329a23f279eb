"""Password hashing: the shared vectors, pwdlib's interface, and hashes crossing over with
argon2-cffi, bcrypt and pwdlib in both directions."""

from __future__ import annotations

from typing import Any

import argon2
import authcore
import bcrypt
import pytest
from authcore import Argon2Params, HashBounds, PasswordHasher, PasswordPolicy
from authcore import exceptions as ex
from authcore.passwords import hash_password, needs_rehash, verify_password
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from vectors_helpers import load_vectors

VECTORS = load_vectors("password.json")
POLICY = VECTORS["policy"]
SMALL = Argon2Params(64, 1, 1)  # fast parameters for tests that are not about cost
PASSWORD = "correct horse battery staple"


def password_of(case: dict[str, Any]) -> bytes:
    if "password_hex" in case:
        return bytes.fromhex(case["password_hex"])
    password: str = case["password"]
    return password.encode("utf-8")


def policy_params() -> Argon2Params:
    assert (POLICY["algorithm"], POLICY["version"]) == ("argon2id", 19)
    return Argon2Params(
        POLICY["m_cost"], POLICY["t_cost"], POLICY["p_cost"], output_len=POLICY["hash_len"]
    )


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_password_vectors(case: dict[str, Any]) -> None:
    password, stored, expect = password_of(case), case["hash"], case["expect"]
    if expect == "ok":
        assert verify_password(password, stored) is True
    elif expect == "password_mismatch":
        assert verify_password(password, stored) is False
    else:
        with pytest.raises(ex.PasswordError) as e:
            verify_password(password, stored)
        assert e.value.code == expect
        assert type(e.value) is ex.exception_for_code(expect)
    if case["needs_rehash"] is None:
        with pytest.raises(ex.InvalidHashError):
            needs_rehash(stored, policy_params())
    else:
        assert needs_rehash(stored, policy_params()) is case["needs_rehash"]


def test_vector_file_is_substantial() -> None:
    assert len(VECTORS["cases"]) > 40
    assert policy_params() == Argon2Params.OWASP


# --- the hasher ---------------------------------------------------------------------------


def test_hash_verify_and_defaults() -> None:
    hasher = PasswordHasher()
    assert hasher.params == Argon2Params.OWASP == Argon2Params()
    stored = hasher.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(PASSWORD, stored)
    assert not hasher.verify(PASSWORD + "!", stored)
    assert hasher.hash(PASSWORD) != stored  # fresh salt each time
    assert not hasher.needs_rehash(stored)
    assert PasswordHasher.recommended().params == hasher.params


def test_params_shape_the_hash() -> None:
    params = Argon2Params(128, 3, 2, algorithm="argon2i", output_len=16, salt_len=8)
    stored = PasswordHasher(params).hash(b"bytes password")
    assert stored.startswith("$argon2i$v=19$m=128,t=3,p=2$")
    salt, tag = stored.split("$")[-2:]
    assert (len(salt), len(tag)) == (11, 22)  # 8 and 16 bytes, unpadded base64
    assert verify_password(b"bytes password", stored)
    assert repr(params) == (
        'Argon2Params(m_cost=128, t_cost=3, p_cost=2, algorithm="argon2i", output_len=16, salt_len=8)'
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"t_cost": 0},
        {"p_cost": 0},
        {"m_cost": 7},
        {"m_cost": 31, "p_cost": 4},
        {"output_len": 15},
        {"salt_len": 7},
        {"salt_len": 65},
    ],
)
def test_invalid_params(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ex.InvalidParamsError) as e:
        Argon2Params(**kwargs)
    assert e.value.code == "invalid_params"


@pytest.mark.parametrize("name", ["scrypt", "Argon2id", "argon2", "argon2id ", ""])
def test_unknown_algorithm_name(name: str) -> None:
    # The core's parser decides (exact, case-sensitive names), with its error code.
    with pytest.raises(ex.InvalidParamsError) as e:
        Argon2Params(algorithm=name)
    assert e.value.code == "invalid_params" and isinstance(e.value, ValueError)


@pytest.mark.parametrize("name", ["argon2id", "argon2i", "argon2d"])
def test_algorithm_names(name: str) -> None:
    assert Argon2Params(64, 1, 1, algorithm=name).algorithm == name


def test_verify_and_update() -> None:
    hasher = PasswordHasher(SMALL)
    current = hasher.hash(PASSWORD)
    assert hasher.verify_and_update(PASSWORD, current) == (True, None)
    assert hasher.verify_and_update("wrong", current) == (False, None)
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    ok, upgraded = hasher.verify_and_update(PASSWORD, legacy)
    assert ok and upgraded is not None and upgraded.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert hasher.verify(PASSWORD, upgraded) and not hasher.needs_rehash(upgraded)
    stronger = PasswordHasher(Argon2Params(128, 1, 1))
    ok, rehashed = stronger.verify_and_update(PASSWORD.encode(), current.encode())
    assert ok and rehashed is not None and "m=128" in rehashed


def test_malformed_and_planted_hashes_raise_instead_of_returning_false() -> None:
    hasher = PasswordHasher(SMALL)
    with pytest.raises(ex.InvalidHashError):
        hasher.verify(PASSWORD, "plaintext")
    with pytest.raises(ex.InvalidHashError):
        hasher.verify(PASSWORD, "$argon2id$v=19$m=64,t=1,p=1$ü".encode())
    with pytest.raises(ex.InvalidHashError):
        hasher.verify_and_update(PASSWORD, "$pbkdf2-sha256$29000$abc$def")
    planted = "$argon2id$v=19$m=4194304,t=1,p=1$YXV0aGNvcmUtc2FsdC0xNg$RXPQAJjS3o0g34B6HuH7hg"
    with pytest.raises(ex.HashParamsOutOfBoundsError):
        hasher.verify(PASSWORD, planted)


def test_bounds() -> None:
    b = HashBounds(m_cost=(8, 1024), t_cost=(1, 3), bcrypt_cost=(4, 10))
    assert (b.m_cost, b.t_cost, b.p_cost, b.bcrypt_cost) == ((8, 1024), (1, 3), (1, 16), (4, 10))
    assert HashBounds() == HashBounds()
    hasher = PasswordHasher(SMALL, bounds=b)
    big = PasswordHasher(Argon2Params(2048, 1, 1)).hash(PASSWORD)
    with pytest.raises(ex.HashParamsOutOfBoundsError):
        hasher.verify(PASSWORD, big)
    costly_bcrypt = bcrypt.hashpw(b"pw", b"$2b$11$" + bcrypt.gensalt(4)[7:])
    with pytest.raises(ex.HashParamsOutOfBoundsError):
        hasher.verify("pw", costly_bcrypt.decode())
    with pytest.raises(ex.HashParamsOutOfBoundsError):  # own parameters must be verifiable
        PasswordHasher(Argon2Params(4096, 1, 1), bounds=b)
    with pytest.raises(ex.InvalidParamsError):
        HashBounds(t_cost=(5, 2))


def test_pepper() -> None:
    peppered = PasswordHasher(SMALL, pepper=b"server-side secret")
    stored = peppered.hash(PASSWORD)
    assert peppered.verify(PASSWORD, stored)
    assert not PasswordHasher(SMALL).verify(PASSWORD, stored)
    assert not PasswordHasher(SMALL, pepper="other").verify(PASSWORD, stored)
    assert "server-side" not in repr(peppered) and "pepper=<set>" in repr(peppered)


def test_empty_pepper_is_refused() -> None:
    for empty in (b"", ""):
        with pytest.raises(ex.InvalidParamsError):
            PasswordHasher(SMALL, pepper=empty)
        with pytest.raises(ex.InvalidParamsError):
            hash_password(PASSWORD, SMALL, pepper=empty)
        with pytest.raises(ex.InvalidParamsError):
            verify_password(PASSWORD, PasswordHasher(SMALL).hash(PASSWORD), pepper=empty)


def test_a_pepper_with_a_bcrypt_hash_is_refused() -> None:
    """A bcrypt hash cannot carry the pepper: a peppered hasher refuses it instead of letting a
    planted bcrypt hash log anyone in. A migrating service verifies a bcrypt hash with a hasher
    without the pepper and stores the peppered hasher's hash in its place."""
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    peppered = PasswordHasher(SMALL, pepper=b"server-side secret")
    for password in (PASSWORD, "wrong"):
        with pytest.raises(ex.InvalidParamsError):
            peppered.verify(password, legacy)
        with pytest.raises(ex.InvalidParamsError):
            peppered.verify_and_update(password, legacy)
        with pytest.raises(ex.InvalidParamsError):
            verify_password(password, legacy, pepper="x")
    assert peppered.needs_rehash(legacy)
    assert PasswordHasher(SMALL).verify(PASSWORD, legacy)
    assert peppered.verify(PASSWORD, peppered.hash(PASSWORD))


def test_large_memory_hash_outside_the_per_thread_buffer() -> None:
    # 80 MiB is above what a thread keeps between calls: a buffer of its own, then freed.
    params = Argon2Params(80 * 1024, 1, 1)
    stored = hash_password(PASSWORD, params)
    assert verify_password(PASSWORD, stored)
    assert not verify_password("nope", stored)
    # ... and the per-thread buffer still works afterwards.
    small = hash_password(PASSWORD, SMALL)
    assert verify_password(PASSWORD, small)


def test_policy() -> None:
    default = PasswordPolicy()
    assert (
        default.min_len,
        default.max_len_bytes,
        default.required_classes,
        default.reject_common,
    ) == (
        8,
        1024,
        None,
        True,
    )
    cases = [
        ("tiny-pw", ex.PasswordTooShortError, "password_too_short"),
        ("x" * 1025, ex.PasswordTooLongError, "password_too_long"),
        ("Password1", ex.PasswordTooCommonError, "password_too_common"),
    ]
    for pw, cls, code in cases:
        with pytest.raises(cls) as e:
            authcore.check_password(pw)
        assert e.value.code == code and isinstance(e.value, ex.PasswordPolicyError)
        assert pw not in str(e.value)
    authcore.check_password("correct horse battery staple")
    strict = PasswordPolicy(12, 64, required_classes=3, reject_common=False)
    with pytest.raises(ex.PasswordTooWeakError):
        strict.check("alllowercaseletters")
    strict.check("Mixed-Case and 1 digit")
    authcore.check_password("12345678", PasswordPolicy(reject_common=False))  # accepted
    with pytest.raises(ex.InvalidParamsError):
        PasswordPolicy(0, 10)
    with pytest.raises(ex.InvalidParamsError):
        PasswordPolicy(required_classes=5)


def test_hasher_applies_policy_to_new_passwords_only() -> None:
    hasher = PasswordHasher(SMALL, policy=PasswordPolicy())
    with pytest.raises(ex.PasswordTooShortError):
        hasher.hash("short")
    legacy = PasswordHasher(SMALL).hash("short")  # chosen before the policy existed
    ok, upgraded = PasswordHasher(
        Argon2Params(128, 1, 1), policy=PasswordPolicy()
    ).verify_and_update("short", legacy)
    assert ok and upgraded is not None


def test_dummy_verify() -> None:
    hasher = PasswordHasher(SMALL)
    assert hasher.dummy_verify(PASSWORD) is False
    assert hasher.dummy_verify("authcore dummy password") is False


# --- other libraries' hashes, both directions ---------------------------------------------------


def test_argon2_cffi_interop() -> None:
    theirs = argon2.PasswordHasher(time_cost=1, memory_cost=256, parallelism=2)
    stored = theirs.hash(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + "x", stored)
    ours = hash_password(PASSWORD, Argon2Params(256, 1, 2))
    assert theirs.verify(ours, PASSWORD)
    assert not theirs.check_needs_rehash(ours)
    with pytest.raises(argon2.exceptions.VerifyMismatchError):
        theirs.verify(ours, "wrong")
    # argon2-cffi's own defaults (RFC 9106 low-memory) are ours too.
    assert needs_rehash(argon2.PasswordHasher().hash("x"), Argon2Params.RFC9106_LOW_MEMORY) is False


def test_bcrypt_interop_and_upgrade() -> None:
    for prefix in (b"2a", b"2b"):
        stored = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(5, prefix=prefix)).decode()
        assert verify_password(PASSWORD, stored)
        assert not verify_password(PASSWORD.upper(), stored)
        assert needs_rehash(stored)


def test_pwdlib_interop() -> None:
    theirs = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=128, parallelism=1),))
    stored = theirs.hash(PASSWORD)
    assert PasswordHasher(SMALL).verify(PASSWORD, stored)
    ours = hash_password(PASSWORD, Argon2Params(128, 1, 1))
    assert theirs.verify(PASSWORD, ours)
