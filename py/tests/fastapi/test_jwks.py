"""EdDSA signing in the FastAPI layer: ``AUTHCORE_SIGNING_KEY``, ``/.well-known/jwks.json``
and key rotation, through the example app (httpx on ASGI) and PyJWT as an outside verifier."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jwt as pyjwt
import pytest
import pytest_asyncio
from authcore import Ed25519PrivateKey, UnknownKidError, jwt
from authcore.fastapi import AuthSettings, ConfigError
from authcore.fastapi.errors import AuthHTTPException
from fastapi_helpers import DEMO_PASSWORD, access_claims, bearer, make_hasher

JWKS = "/.well-known/jwks.json"


def demo_client(tmp_path: Path, settings: AuthSettings) -> httpx.AsyncClient:
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    path = tmp_path / "demo.sqlite3"
    hasher = make_hasher()
    seed(UserDB(path), DEMO_PASSWORD, hasher, force=True)
    app = create_app(settings, path, hasher)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo.test")


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest_asyncio.fixture
async def eddsa(tmp_path: Path, key: Ed25519PrivateKey) -> AsyncIterator[httpx.AsyncClient]:
    async with demo_client(tmp_path, AuthSettings(signing_key=key.private_pem())) as c:
        yield c


async def login(c: httpx.AsyncClient) -> dict[str, Any]:
    r = await c.post(
        "/api/v1/auth/tokens", data={"username": "admin@example.com", "password": DEMO_PASSWORD}
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.asyncio
async def test_tokens_are_eddsa_and_verify_with_the_published_jwks(
    eddsa: httpx.AsyncClient, key: Ed25519PrivateKey
) -> None:
    tokens = await login(eddsa)
    header = pyjwt.get_unverified_header(tokens["access_token"])
    assert header == {"alg": "EdDSA", "kid": key.kid, "typ": "JWT"}
    r = await eddsa.get(JWKS)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=300"
    doc = r.json()
    assert doc == {"keys": [key.public_jwk()]}
    assert all("d" not in k for k in doc["keys"])
    # An outside verifier (PyJWT + cryptography) that holds only the JWKS.
    public = pyjwt.PyJWKSet.from_dict(doc)[key.kid]
    claims = pyjwt.decode(tokens["access_token"], public.key, algorithms=["EdDSA"])
    assert claims["typ"] == "access"
    # The service verifies its own tokens, refresh included.
    assert (
        await eddsa.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    ).status_code == 200
    r = await eddsa.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text


@pytest.mark.asyncio
async def test_a_verifier_key_cannot_mint(eddsa: httpx.AsyncClient) -> None:
    """Whoever holds the published key (or an HS256 token's MAC under it) cannot mint."""
    doc = (await eddsa.get(JWKS)).json()
    jwk = doc["keys"][0]
    import json

    for material in (json.dumps(jwk), json.dumps(jwk).encode()):
        forged = pyjwt.encode(access_claims(), b"x" * 32, algorithm="HS256")
        r = await eddsa.get("/api/v1/me", headers=bearer(forged))
        assert r.status_code == 401
        with pytest.raises(jwt.InvalidKeyError):
            jwt.encode(access_claims(), material, algorithm="HS256")


@pytest.mark.asyncio
async def test_hs256_services_publish_no_jwks(tmp_path: Path, secret: str) -> None:
    async with demo_client(tmp_path, AuthSettings(secret=secret)) as c:
        assert (await c.get(JWKS)).status_code == 404
        tokens = await login(c)
        assert pyjwt.get_unverified_header(tokens["access_token"])["alg"] == "HS256"


@pytest.mark.asyncio
async def test_rotation_keeps_the_old_key_until_its_last_token_expires(tmp_path: Path) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = int(time.time())
    # Tokens the old key signed before it was retired, still within their lifetime.
    old_token = jwt.encode(access_claims(sub="1"), old, algorithm="EdDSA")
    settings = AuthSettings(signing_key=new, previous_signing_keys=[(old.public_pem(), now - 60)])
    async with demo_client(tmp_path, settings) as c:
        doc = (await c.get(JWKS)).json()
        assert [k["kid"] for k in doc["keys"]] == [new.kid, old.kid]
        tokens = await login(c)  # the new key signs at once
        assert pyjwt.get_unverified_header(tokens["access_token"])["kid"] == new.kid
        assert (await c.get("/api/v1/me", headers=bearer(old_token))).status_code == 200
    # Retired longer ago than the refresh lifetime: nothing it signed is alive any more.
    gone = now - settings.refresh_ttl - 1
    expired = AuthSettings(signing_key=new, previous_signing_keys=[(old, gone)])
    assert expired.retired_keys()[0].until < now
    (tmp_path / "later").mkdir()
    async with demo_client(tmp_path / "later", expired) as c:
        doc = (await c.get(JWKS)).json()
        assert [k["kid"] for k in doc["keys"]] == [new.kid]
        r = await c.get("/api/v1/me", headers=bearer(old_token))
        assert r.status_code == 401 and r.json()["code"] == "unknown_kid"


def test_a_key_retires_while_the_service_runs() -> None:
    from authcore.fastapi import AuthCore

    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = int(time.time())
    s = AuthSettings(signing_key=new, previous_signing_keys=[(old, now)])
    auth = AuthCore(s)
    until = s.retired_keys()[0].until
    assert until == now + s.refresh_ttl + s.leeway
    assert len(auth.jwks(until - 1)["keys"]) == 2
    assert [k["kid"] for k in auth.jwks(until)["keys"]] == [new.kid]


def test_a_retired_key_is_forgotten_with_the_tokens_it_signed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A token the old key signed, remembered as verified (token_cache_size), is refused from
    the moment the key retires: the remembered tokens go with the key set."""
    from authcore.fastapi import AuthCore

    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = int(time.time())
    s = AuthSettings(signing_key=new, previous_signing_keys=[(old, now)])
    auth = AuthCore(s)
    until = s.retired_keys()[0].until
    claims = access_claims("7", exp=until + 3600)  # signed to outlive its key
    token = jwt.encode(claims, old, algorithm="EdDSA")
    first = auth.verify_access(token)
    assert auth.verify_access(token) is first  # remembered
    monkeypatch.setattr(time, "time", lambda: float(until))
    with pytest.raises(AuthHTTPException) as err:
        auth.verify_access(token)
    assert err.value.status_code == 401 and err.value.code == "unknown_kid"


def test_an_hs256_secret_beside_the_signing_key_only_verifies(tmp_path: Path, secret: str) -> None:
    from authcore.fastapi import AuthCore

    key = Ed25519PrivateKey.generate()
    auth = AuthCore(AuthSettings(secret=secret, secret_kid="hs-2025", signing_key=key))
    body, _ = auth.issue_pair("1", ["student"], [])
    assert pyjwt.get_unverified_header(body.access_token)["alg"] == "EdDSA"
    old = jwt.encode(access_claims(), secret, algorithm="HS256", headers={"kid": "hs-2025"})
    assert auth.verify_access(old).sub == "1"
    assert [k["kid"] for k in auth.jwks()["keys"]] == [key.kid]  # the secret is never published


def test_signing_key_from_env_text_or_file(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_pem()
    a = AuthSettings.from_env({"AUTHCORE_SIGNING_KEY": pem})
    f = tmp_path / "signing.pem"
    f.write_text(pem)
    b = AuthSettings.from_env({"AUTHCORE_SIGNING_KEY": str(f)})
    assert isinstance(a.signing_key, Ed25519PrivateKey)
    assert isinstance(b.signing_key, Ed25519PrivateKey)
    assert a.signing_key.kid == b.signing_key.kid == key.kid and a.algorithm == "EdDSA"
    old = Ed25519PrivateKey.generate()
    g = tmp_path / "old.pem"
    g.write_text(old.public_pem())
    c = AuthSettings.from_env(
        {"AUTHCORE_SIGNING_KEY": pem, "AUTHCORE_PREVIOUS_SIGNING_KEYS": f"{g}@1700000000"}
    )
    assert [(r.public_key.kid, r.retired_at) for r in c.retired_keys()] == [(old.kid, 1700000000)]


@pytest.mark.parametrize(
    "env",
    [
        {"AUTHCORE_SIGNING_KEY": "/nonexistent/key.pem"},
        {
            "AUTHCORE_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
        },
        {"AUTHCORE_SIGNING_KEY": "<public>"},
        {"AUTHCORE_SIGNING_KEY": "<private>", "AUTHCORE_PREVIOUS_SIGNING_KEYS": "no-time.pem"},
    ],
)
def test_bad_signing_keys_refuse_to_start_without_echoing_them(env: dict[str, str]) -> None:
    key = Ed25519PrivateKey.generate()
    env = {
        k: v.replace("<public>", key.public_pem()).replace("<private>", key.private_pem())
        for k, v in env.items()
    }
    with pytest.raises(ConfigError) as info:
        AuthSettings.from_env(env)
    assert key.private_pem() not in str(info.value)


def test_a_public_key_as_hs256_secret_refuses_to_start() -> None:
    pem = Ed25519PrivateKey.generate().public_pem()
    with pytest.raises(ConfigError, match="public key"):
        AuthSettings(secret=pem)


def test_demo_under_uvicorn_publishes_its_key(tmp_path: Path) -> None:
    """The demo as deployed: a key file in AUTHCORE_SIGNING_KEY, a real uvicorn, an outside
    verifier (PyJWT) that fetches the JWKS over HTTP and verifies the service's token."""
    from fastapi_helpers import Output, start_demo

    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "signing.pem"
    key_file.write_text(key.private_pem())
    proc = start_demo(
        {"AUTHCORE_SIGNING_KEY": str(key_file), "DEMO_PASSWORD": DEMO_PASSWORD}, tmp_path
    )
    out = Output(proc)
    try:
        base = out.wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
        out.wait_for(r"public keys \(JWKS\): " + base + "/.well-known/jwks.json")
        with httpx.Client(base_url=base, timeout=30) as c:
            r = c.post(
                "/api/v1/auth/tokens",
                data={"username": "teacher@example.com", "password": DEMO_PASSWORD},
            )
            assert r.status_code == 200, r.text
            token = r.json()["access_token"]
            jwks = c.get(JWKS)
            assert jwks.headers["access-control-allow-origin"] == "*"
        client = pyjwt.PyJWKSet.from_dict(jwks.json())
        claims = pyjwt.decode(token, client[key.kid].key, algorithms=["EdDSA"])
        assert claims["roles"] == ["teacher"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert key.private_pem() not in out.text() and token not in out.text()


def test_a_retired_key_verifies_its_last_token_until_the_core_boundary() -> None:
    """The last token a retired key could have signed (a refresh token issued at
    ``retired_at``) verifies, and the key is published, until ``retired_at + refresh_ttl +
    leeway - 1``; at the boundary the key has left both the JWKS and the verifying set."""
    from authcore import _authcore
    from authcore.fastapi import AuthCore

    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    retired_at = int(time.time()) - 100
    before = AuthCore(AuthSettings(signing_key=old, leeway=30))
    body, _ = before.issue_pair("1", ["student"], [], now=retired_at)
    token = body.refresh_token
    assert token is not None
    s = AuthSettings(signing_key=new, leeway=30, previous_signing_keys=[(old, retired_at)])
    auth = AuthCore(s)
    until = s.retired_keys()[0].until
    assert until == auth.policy.key_retired_until(retired_at) == retired_at + s.refresh_ttl + 30

    def verify(now: int) -> _authcore.RefreshClaims:
        return _authcore.verify_refresh(token, auth.keys_at(now), auth.policy, now)

    last = until - 1
    assert [k["kid"] for k in auth.jwks(last)["keys"]] == [new.kid, old.kid]
    assert verify(last).sub == "1"
    public = pyjwt.PyJWKSet.from_dict(auth.jwks(last))[old.kid]  # an outside verifier agrees
    pyjwt.decode(token, public.key, algorithms=["EdDSA"], leeway=30)
    assert [k["kid"] for k in auth.jwks(until)["keys"]] == [new.kid]
    with pytest.raises(UnknownKidError) as info:
        verify(until)
    assert info.value.code == "unknown_kid"


@pytest.mark.parametrize("ahead", [31, 3600, "ms"])
def test_a_retirement_in_the_future_refuses_to_start(
    ahead: int | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key listed as no longer signing cannot retire later than now (the leeway allows for
    the signer's clock): such a time is a mistake (milliseconds, a wrong year) that would keep
    the key trusted for as long past its real retirement."""
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = int(time.time())
    # the settings read the clock themselves: hold it, so that a second boundary crossed
    # between here and there cannot move leeway + 1 back within the leeway
    monkeypatch.setattr(time, "time", lambda: float(now))
    retired_at = now * 1000 if ahead == "ms" else now + int(ahead)
    with pytest.raises(ConfigError, match="retired_at"):
        AuthSettings(signing_key=new, leeway=30, previous_signing_keys=[(old, retired_at)])
    within = AuthSettings(signing_key=new, leeway=30, previous_signing_keys=[(old, now + 20)])
    assert within.retired_keys()[0].until == now + 20 + within.refresh_ttl + 30


def test_a_retirement_time_that_is_not_unix_seconds_refuses_to_start(tmp_path: Path) -> None:
    from authcore.fastapi import AuthCore

    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(ConfigError, match="retired_at"):
        AuthSettings(signing_key=new, previous_signing_keys=[(old, -1)])
    f = tmp_path / "old.pem"
    f.write_text(old.public_pem())
    with pytest.raises(ConfigError, match="retired_at"):
        AuthSettings.from_env(
            {
                "AUTHCORE_SIGNING_KEY": new.private_pem(),
                "AUTHCORE_PREVIOUS_SIGNING_KEYS": f"{f}@{int(time.time()) * 1000}",
            }
        )
    # Retired long ago (the epoch included): accepted, and no longer trusted.
    gone = AuthSettings(signing_key=new, previous_signing_keys=[(old, 0)])
    auth = AuthCore(gone)
    assert [k["kid"] for k in auth.jwks()["keys"]] == [new.kid]
