"""``authcore.compat.passlib.CryptContext`` against passlib itself (libpass, passlib's maintained
fork, which installs as ``passlib``) and the shared legacy vectors."""

from __future__ import annotations

from typing import Any

import bcrypt
import pytest
from authcore import exceptions as ex
from authcore.compat.passlib import (
    CryptContext,
    InsecureSchemeError,
    MalformedHashError,
    PasswordSizeError,
    PasswordTruncateError,
    UnknownHashError,
)
from authcore.passwords import Argon2Params, HashBounds
from passlib.context import CryptContext as PasslibContext  # type: ignore[import-untyped]
from vectors_helpers import load_vectors

VECTORS = load_vectors("password.json")
LEGACY = [
    "bcrypt",
    "bcrypt_sha256",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha512",
    "django_pbkdf2_sha1",
    "django_pbkdf2_sha256",
    "sha256_crypt",
    "sha512_crypt",
]
SMALL = Argon2Params(64, 1, 1)  # fast parameters for tests that are not about cost
PW = "correct horse battery staple"


def password_of(case: dict[str, Any]) -> bytes:
    if "password_hex" in case:
        return bytes.fromhex(case["password_hex"])
    password: str = case["password"]
    return password.encode()


def context_for(case: dict[str, Any]) -> CryptContext:
    bounds = case.get("bounds", {})
    schemes = list(LEGACY)
    if bounds.get("allow_md5_crypt"):
        schemes.append("md5_crypt")
    if bounds.get("allow_plaintext"):
        schemes.append("plaintext")
    truncate_error = bounds.get("bcrypt_long_password") == "refuse"
    return CryptContext(
        schemes=schemes,
        deprecated="auto",
        allow_insecure=len(schemes) > len(LEGACY),
        bcrypt__truncate_error=truncate_error,
        # The vectors' needs_rehash is against the default (OWASP) policy.
        params=None if case["hash"].startswith("$argon2") else SMALL,
    )


ALL_CASES = VECTORS["cases"] + VECTORS["bounds_cases"]


@pytest.mark.parametrize("case", ALL_CASES, ids=[c["name"] for c in ALL_CASES])
def test_every_vector_through_crypt_context(case: dict[str, Any]) -> None:
    ctx, password, stored, expect = (
        context_for(case),
        password_of(case),
        case["hash"],
        case["expect"],
    )
    if expect == "ok":
        assert ctx.verify(password, stored) is True
        ok, new = ctx.verify_and_update(password, stored)
        assert ok is True
        assert (new is not None) is case["needs_rehash"]
        if new is not None:
            assert new.startswith("$argon2id$")
            assert ctx.verify(password, new) is True
            assert ctx.needs_update(new) is False
    elif expect == "password_mismatch":
        assert ctx.verify(password, stored) is False
        assert ctx.verify_and_update(password, stored) == (False, None)
    else:
        # passlib's contract: an unusable hash is a ValueError; authcore's code rides along.
        with pytest.raises(ValueError) as e:
            ctx.verify(password, stored)
        assert isinstance(e.value, ex.AuthError)
        if expect in ("hash_params_out_of_bounds", "password_too_long"):
            assert e.value.code == expect


def test_vector_counts() -> None:
    schemes = {c["name"].split("_")[0] for c in ALL_CASES}
    assert {"bcrypt", "pbkdf2", "django", "sha256", "sha512", "md5", "des", "plaintext"} <= schemes
    assert len(ALL_CASES) >= 130


# --- interop with passlib itself ------------------------------------------------------------

# passlib's own defaults: pbkdf2_sha256 29000 rounds, sha512_crypt 656000, bcrypt 12, …
PASSLIB = PasslibContext(schemes=LEGACY)


@pytest.mark.parametrize("scheme", LEGACY)
@pytest.mark.parametrize("password", [PW, "pässwörd ✓", ""])
def test_verifies_what_passlib_hashes_with_its_defaults(scheme: str, password: str) -> None:
    if scheme == "bcrypt":
        stored = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()
    else:
        stored = PASSLIB.handler(scheme).hash(password)
    ctx = CryptContext(schemes=LEGACY, deprecated="auto", params=SMALL)
    assert ctx.identify(stored) == scheme == PASSLIB.identify(stored)
    assert ctx.verify(password, stored) is True
    assert ctx.verify(password + "x", stored) is False
    assert ctx.needs_update(stored) is True
    ok, new = ctx.verify_and_update(password, stored)
    assert ok and new is not None
    # passlib verifies our Argon2id output.
    assert PasslibContext(schemes=["argon2"]).verify(password, new) is True


def test_passlib_argon2_hashes_verify_and_follow_our_params() -> None:
    theirs = PasslibContext(schemes=["argon2"], argon2__memory_cost=64, argon2__rounds=1)
    stored = theirs.hash(PW)
    assert stored.startswith("$argon2id$v=19$m=64,t=1,p=")
    ctx = CryptContext(schemes=["argon2"], params=SMALL)
    assert ctx.verify(PW, stored) is True
    assert ctx.verify("wrong", stored) is False
    default = CryptContext(schemes=["argon2"])
    assert default.needs_update(stored) is True  # m=64 is not the default policy
    assert default.verify_and_update(PW, stored)[1] is not None


def test_the_guide_context_upgrades_bcrypt_users() -> None:
    ctx = CryptContext(schemes=["bcrypt"], deprecated="auto")
    stored = bcrypt.hashpw(b"hunter2 hunter2", bcrypt.gensalt(4)).decode()
    assert ctx.schemes() == ("argon2", "bcrypt")
    assert ctx.default_scheme() == "argon2"
    assert ctx.verify("hunter2 hunter2", stored)
    ok, new = ctx.verify_and_update("hunter2 hunter2", stored)
    assert ok and new and new.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert ctx.verify_and_update("hunter2 hunter2", new) == (True, None)
    assert ctx.hash("x").startswith("$argon2id$")
    assert ctx.identify(new) == "argon2"


def test_unknown_and_unlisted_hashes_raise_like_passlib() -> None:
    ours = CryptContext(schemes=["bcrypt"])
    theirs = PasslibContext(schemes=["bcrypt"])
    pbkdf2 = PASSLIB.handler("pbkdf2_sha256").hash(PW)
    for stored in ["not a hash", pbkdf2, "", "$argon2id$garbage"]:
        with pytest.raises(ValueError, match="hash could not be identified"):
            theirs.verify(PW, stored)
        if stored.startswith("$argon2"):
            # argon2 is always configured here (it writes new hashes): malformed, not unknown.
            with pytest.raises(MalformedHashError):
                ours.verify(PW, stored)
            continue
        with pytest.raises(UnknownHashError, match="hash could not be identified") as e:
            ours.verify(PW, stored)
        assert e.value.code == "invalid_hash"
        assert ours.identify(stored) is None is theirs.identify(stored)
        with pytest.raises(UnknownHashError):
            ours.identify(stored, required=True)
    malformed = "$2b$12$" + "a" * 10
    with pytest.raises(ValueError):
        theirs.verify(PW, malformed)
    with pytest.raises(MalformedHashError):
        ours.verify(PW, malformed)


def test_hash_none_spends_a_dummy_verify() -> None:
    ctx = CryptContext(schemes=["bcrypt"], params=SMALL)
    assert ctx.verify(PW, None) is False
    assert ctx.verify_and_update(PW, None) == (False, None)
    assert ctx.dummy_verify() is False


def test_bcrypt_72_byte_setting() -> None:
    p73 = b"A" * 73
    stored = PasslibContext(schemes=["bcrypt"]).hash(p73[:72])
    # Default: passlib 1.7 / bcrypt 4 semantics, verify on the first 72 bytes (libpass over
    # bcrypt 5 raises here instead: those users could not log in).
    assert CryptContext(schemes=["bcrypt"]).verify(p73, stored) is True
    with pytest.raises(ValueError):
        PasslibContext(schemes=["bcrypt"]).verify(p73, stored)
    # truncate_error=True: refused, as bcrypt 5 and passlib's own setting do.
    strict = CryptContext(schemes=["bcrypt"], bcrypt__truncate_error=True)
    assert strict.verify(p73[:72], stored) is True
    with pytest.raises(PasswordTruncateError) as e:
        strict.verify(p73, stored)
    assert e.value.code == "password_too_long"
    with pytest.raises(ValueError):
        PasslibContext(schemes=["bcrypt"], bcrypt__truncate_error=True).verify(p73, stored)
    # bcrypt_sha256 reads the whole password either way.
    long_hash = PASSLIB.handler("bcrypt_sha256").hash(p73 * 2)
    assert strict.copy(schemes=["bcrypt_sha256"]).verify(p73 * 2, long_hash) is True


def test_insecure_schemes_need_an_explicit_opt_in() -> None:
    md5 = PasslibContext(schemes=["md5_crypt"]).hash(PW)
    with pytest.raises(InsecureSchemeError, match="allow_insecure=True"):
        CryptContext(schemes=["md5_crypt"])
    with pytest.raises(UnknownHashError):
        CryptContext(schemes=["bcrypt"]).verify(PW, md5)
    ctx = CryptContext(schemes=["md5_crypt", "plaintext"], allow_insecure=True, params=SMALL)
    assert ctx.verify(PW, md5) is True
    assert ctx.verify("wrong", md5) is False
    ok, new = ctx.verify_and_update(PW, md5)
    assert ok and new and new.startswith("$argon2id$")
    assert ctx.identify("stored in the clear") == "plaintext"
    assert ctx.verify("stored in the clear", "stored in the clear") is True
    assert ctx.verify_and_update("stored in the clear", "stored in the clear")[1] is not None
    with pytest.raises(ValueError, match="reset"):
        CryptContext(schemes=["des_crypt"], allow_insecure=True)


def test_planted_costs_are_refused_before_work() -> None:
    ctx = CryptContext(schemes=LEGACY)
    planted = "$pbkdf2-sha256$4000000000$YXV0aGNvcmUtc2FsdC0xNg$SPIcnRYM.enI6Yp3hv7tlnVCCze42rXKchHof8kOCmk"
    with pytest.raises(ex.HashParamsOutOfBoundsError) as e:
        ctx.verify(PW, planted)
    assert isinstance(e.value, ValueError)
    assert ctx.needs_update(planted) is True
    tight = CryptContext(schemes=LEGACY, bounds=HashBounds(pbkdf2_iterations=(1, 10_000)))
    with pytest.raises(ex.HashParamsOutOfBoundsError):
        tight.verify(PW, PASSLIB.handler("pbkdf2_sha256").hash(PW))
    with pytest.raises(PasswordSizeError):
        ctx.verify("x" * 4097, planted)


def test_keywords() -> None:
    ctx = CryptContext(
        schemes=["bcrypt", "pbkdf2_sha256"],
        deprecated=["pbkdf2_sha256"],
        default="bcrypt",
        bcrypt__rounds=13,
        pbkdf2_sha256__default_rounds=100000,
        argon2__memory_cost=64,
        argon2__rounds=1,
    )
    assert (ctx.params.m_cost, ctx.params.t_cost) == (64, 1)
    assert CryptContext(schemes="bcrypt, pbkdf2_sha256").schemes() == (
        "argon2",
        "bcrypt",
        "pbkdf2_sha256",
    )
    with pytest.raises(TypeError):
        CryptContext(schemes=["bcrypt"], frobnicate=1)
    with pytest.raises(KeyError):
        CryptContext(schemes=["bcrypt", "scrypt"])
    with pytest.raises(ValueError, match="verify-only"):
        ctx.hash(PW, scheme="bcrypt")
    with pytest.raises(MalformedHashError):
        ctx.verify(PW, bcrypt.hashpw(b"x", bcrypt.gensalt(4)), scheme="pbkdf2_sha256")
    assert ctx.verify(b"x", bcrypt.hashpw(b"x", bcrypt.gensalt(4))) is True
