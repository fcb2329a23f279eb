"""Smoke test of an installed authcore wheel: run by tests/dist/check_wheel.sh in a fresh venv.

Usage: ``python smoke.py REPO_ROOT``. The package must come from the venv's site-packages (not
the source tree); the demo app is imported from ``REPO_ROOT/examples`` and served one login
and one authenticated request over httpx's ASGI transport.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import authcore
from authcore import PasswordHasher, jwt


def check_installed() -> None:
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    where = Path(authcore.__file__).resolve()
    assert site in where.parents, f"authcore imported from {where}, not from {site}"
    print(f"authcore {authcore.__version__} from {where.parent}")


def check_jwt() -> None:
    secret = b"k" * 32
    payload = {"sub": "42", "role": "admin", "exp": int(time.time()) + 60}
    token = jwt.encode(payload, secret, algorithm="HS256")
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims == payload, claims
    try:
        jwt.decode(token, b"x" * 32, algorithms=["HS256"])
    except authcore.InvalidSignatureError as e:
        print(f"jwt: encode/decode ok, wrong key refused ({e.code})")
    else:
        raise AssertionError("a token under another key was accepted")


def check_passwords() -> PasswordHasher:
    hasher = PasswordHasher()
    phc = hasher.hash("correct horse battery staple")
    assert phc.startswith("$argon2id$"), phc
    assert hasher.verify("correct horse battery staple", phc)
    assert not hasher.verify("wrong horse battery staple", phc)
    print("passwords: argon2id hash/verify ok")
    return hasher


async def check_demo_app(repo: Path, hasher: PasswordHasher) -> None:
    import httpx
    from authcore.fastapi import AuthSettings

    sys.path.insert(0, str(repo))
    from examples.fastapi_app.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = AuthSettings(secret=secrets.token_bytes(32))
        app = create_app(settings, db_path=Path(tmp) / "users.sqlite3", hasher=hasher)
        app.state.db.upsert_user(
            "teacher@example.com", hasher.hash("pw-0123456789"), ("teacher",), ("grades:read",)
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
            r = await client.post(
                "/api/v1/auth/tokens",
                data={"username": "teacher@example.com", "password": "pw-0123456789"},
            )
            assert r.status_code == 200, (r.status_code, r.text)
            token = r.json()["access_token"]
            r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, (r.status_code, r.text)
            assert r.json()["email"] == "teacher@example.com", r.json()
            r = await client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
            assert r.status_code == 401, (r.status_code, r.text)
    print("demo app: login, GET /api/v1/me (200) and a bad token (401) ok")


def main() -> None:
    repo = Path(sys.argv[1]).resolve()
    check_installed()
    check_jwt()
    hasher = check_passwords()
    asyncio.run(check_demo_app(repo, hasher))
    print("smoke: ok")


if __name__ == "__main__":
    main()
