"""The FastAPI login (authcore.fastapi, through the demo app) accepts every legacy format the
core verifies — passlib's and Django's hashes, made by libpass and Django themselves — and
stores Argon2id in its place at the first successful login."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi_helpers import DEMO_PASSWORD, hash_params, login
from passlib.context import CryptContext  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from fastapi_helpers import Demo

SCHEMES = [
    "bcrypt_sha256",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha512",
    "django_pbkdf2_sha256",
    "sha256_crypt",
    "sha512_crypt",
]
PASSLIB = CryptContext(schemes=SCHEMES)
pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_legacy_hash_logs_in_and_is_upgraded(
    scheme: str, client: httpx.AsyncClient, demo: Demo
) -> None:
    _, db = demo
    email = "legacy@example.com"
    creds = db.get_credentials(email)
    assert creds is not None
    stored = PASSLIB.handler(scheme).hash(DEMO_PASSWORD)
    db.set_password_hash(creds.subject, stored)

    assert (await login(client, email, "wrong password")).status_code == 401
    assert db.password_hash(email) == stored  # a failed login changes nothing
    r = await login(client, email)
    assert r.status_code == 200, r.text
    after = db.password_hash(email)
    assert after is not None and after.startswith("$argon2id$v=19$")
    assert hash_params(after) == "m=19456,t=2,p=1"
    assert (await login(client, email)).status_code == 200
    assert db.password_hash(email) == after


async def test_insecure_stored_value_is_a_failed_login_not_a_500(
    client: httpx.AsyncClient, demo: Demo
) -> None:
    _, db = demo
    email = "legacy@example.com"
    creds = db.get_credentials(email)
    assert creds is not None
    for stored in [CryptContext(schemes=["md5_crypt"]).hash(DEMO_PASSWORD), DEMO_PASSWORD]:
        db.set_password_hash(creds.subject, stored)
        assert (await login(client, email)).status_code == 401
