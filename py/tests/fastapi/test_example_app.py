"""The example service over HTTP (httpx ASGITransport): the routes a user first meets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from authcore import jwt
from authcore.fastapi import AuthSettings
from fastapi_helpers import DEMO_PASSWORD, bearer, hash_params, login, make_hasher, token_for

if TYPE_CHECKING:
    from fastapi_helpers import Demo

pytestmark = pytest.mark.asyncio


async def test_login_and_me(client: httpx.AsyncClient) -> None:
    r = await login(client, "teacher@example.com")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    me = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "email": "teacher@example.com",
        "roles": ["teacher"],
        "scopes": ["grades:read", "grades:write"],
    }


async def test_email_is_case_insensitive(client: httpx.AsyncClient) -> None:
    assert (await login(client, "Student@Example.COM")).status_code == 200


async def test_wrong_password_and_unknown_user_look_the_same(client: httpx.AsyncClient) -> None:
    wrong = await login(client, "admin@example.com", "not-the-password")
    unknown = await login(client, "nobody@example.com", DEMO_PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.content == unknown.content
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")


async def test_me_without_or_with_a_bad_token_is_401(
    client: httpx.AsyncClient, secret: str
) -> None:
    r = await client.get("/api/v1/me")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = await client.get("/api/v1/me", headers=bearer("eyJhbGciOiJIUzI1NiJ9.e30.bad"))
    assert r.status_code == 401 and "invalid_token" in r.headers["www-authenticate"]


async def test_teacher_route(client: httpx.AsyncClient) -> None:
    for user, status in (("teacher", 200), ("admin", 200), ("student", 403)):
        token = await token_for(client, f"{user}@example.com")
        r = await client.get("/api/v1/classes", headers=bearer(token))
        assert r.status_code == status, user
    assert r.json()["code"] == "forbidden"


async def test_admin_route(client: httpx.AsyncClient) -> None:
    for user, status in (("admin", 200), ("teacher", 403), ("student", 403)):
        token = await token_for(client, f"{user}@example.com")
        r = await client.get("/api/v1/admin/users", headers=bearer(token))
        assert r.status_code == status, user
    admin = await token_for(client, "admin@example.com")
    listed = (await client.get("/api/v1/admin/users", headers=bearer(admin))).json()
    assert {u["email"] for u in listed} >= {"admin@example.com", "legacy@example.com"}
    assert all("password" not in str(u) and "$argon2" not in str(u) for u in listed)


async def test_scoped_route(client: httpx.AsyncClient) -> None:
    student = await token_for(client, "student@example.com")
    grades = await client.get("/api/v1/grades", headers=bearer(student))
    assert grades.status_code == 200
    assert {g["student"] for g in grades.json()} == {"student@example.com"}

    teacher = await token_for(client, "teacher@example.com")
    all_grades = (await client.get("/api/v1/grades", headers=bearer(teacher))).json()
    assert {g["student"] for g in all_grades} == {"student@example.com", "legacy@example.com"}

    narrow = await token_for(client, "admin@example.com", scope="users:read")
    r = await client.get("/api/v1/grades", headers=bearer(narrow))
    assert r.status_code == 403 and r.json()["code"] == "missing_scope"
    assert 'scope="grades:read"' in r.headers["www-authenticate"]


async def test_recording_a_grade_needs_teacher_role_and_write_scope(
    client: httpx.AsyncClient,
) -> None:
    grade = {"student": "student@example.com", "course": "Chemistry 9C", "grade": "A"}
    teacher = await token_for(client, "teacher@example.com")
    r = await client.post("/api/v1/grades", json=grade, headers=bearer(teacher))
    assert r.status_code == 201 and r.json()["course"] == "Chemistry 9C"

    read_only = await token_for(client, "teacher@example.com", scope="grades:read")
    r = await client.post("/api/v1/grades", json=grade, headers=bearer(read_only))
    assert r.status_code == 403 and r.json()["code"] == "missing_scope"

    student = await token_for(client, "student@example.com")
    r = await client.post("/api/v1/grades", json=grade, headers=bearer(student))
    assert r.status_code == 403

    r = await client.post(
        "/api/v1/grades", json={**grade, "student": "ghost@example.com"}, headers=bearer(teacher)
    )
    assert r.status_code == 404


async def test_expired_forged_and_refresh_tokens_are_401(
    client: httpx.AsyncClient, secret: str
) -> None:
    from fastapi_helpers import access_claims, mint

    tokens = (await login(client, "student@example.com")).json()
    sub = jwt.decode(tokens["access_token"], secret, algorithms=["HS256"])["sub"]
    cases = {
        "expired": mint(secret, access_claims(sub=sub, iat=1, exp=2)),
        "invalid_signature": mint("x" * 16 + "another-secret-of-32-bytes", access_claims(sub=sub)),
        "wrong_token_type": tokens["refresh_token"],
    }
    for code, token in cases.items():
        r = await client.get("/api/v1/me", headers=bearer(token))
        assert r.status_code == 401 and r.json()["code"] == code


async def test_refresh_then_logout(client: httpx.AsyncClient) -> None:
    tokens = (await login(client, "student@example.com")).json()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    fresh = r.json()
    assert (
        await client.get("/api/v1/me", headers=bearer(fresh["access_token"]))
    ).status_code == 200
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": fresh["refresh_token"]})
    assert r.status_code == 204


async def test_legacy_bcrypt_user_is_upgraded_to_argon2id_on_login(
    client: httpx.AsyncClient, demo: Demo
) -> None:
    _, db = demo
    before = db.password_hash("legacy@example.com")
    assert before is not None and before.startswith("$2b$")
    assert (await login(client, "legacy@example.com", "wrong password")).status_code == 401
    assert db.password_hash("legacy@example.com") == before  # failures change nothing

    assert (await login(client, "legacy@example.com")).status_code == 200
    after = db.password_hash("legacy@example.com")
    assert (
        after is not None
        and after.startswith("$argon2id$v=19$")
        and hash_params(after) == "m=19456,t=2,p=1"
    )
    assert make_hasher().verify(DEMO_PASSWORD, after)
    assert (await login(client, "legacy@example.com")).status_code == 200
    assert db.password_hash("legacy@example.com") == after  # current hashes stay put


async def test_hash_is_upgraded_when_parameters_change(
    tmp_path: Path, settings: AuthSettings
) -> None:
    import httpx

    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    path = tmp_path / "params.sqlite3"
    seed(UserDB(path), DEMO_PASSWORD, make_hasher(m_cost=8192, t_cost=1), force=True)
    db = UserDB(path)
    old = db.password_hash("student@example.com")
    assert hash_params(old) == "m=8192,t=1,p=1"

    app = create_app(settings, path, make_hasher(m_cost=12288, t_cost=3))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await login(c, "student@example.com")).status_code == 200
    assert hash_params(db.password_hash("student@example.com")) == "m=12288,t=3,p=1"


async def test_swagger_authorize_button_flow(client: httpx.AsyncClient) -> None:
    """What Swagger UI's "Authorize" dialog sends for the OAuth2 password flow."""
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    schema = (await client.get("/openapi.json")).json()
    [scheme] = schema["components"]["securitySchemes"].values()
    token_url = scheme["flows"]["password"]["tokenUrl"]
    assert token_url == "/api/v1/auth/tokens"
    r = await client.post(
        token_url,
        content="grant_type=password&username=admin%40example.com&password="
        + DEMO_PASSWORD.replace(" ", "+")
        + "&scope=grades%3Aread%20users%3Aread",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic Og==",  # empty client_id/secret, as Swagger sends them
        },
    )
    assert r.status_code == 200 and r.json()["scope"] == "grades:read users:read"
    for path, op in (("/api/v1/me", "get"), ("/api/v1/grades", "get")):
        assert schema["paths"][path][op]["security"]


async def test_grant_type_other_than_password_is_rejected(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/tokens",
        data={
            "grant_type": "client_credentials",
            "username": "admin@example.com",
            "password": DEMO_PASSWORD,
        },
    )
    assert r.status_code == 422


async def test_first_start_creates_the_database_and_seeds_demo_users(tmp_path: Path) -> None:
    from examples.fastapi_app.app import DEMO_USERS, seed
    from examples.fastapi_app.db import UserDB

    path = tmp_path / "sub" / "fresh.sqlite3"
    path.parent.mkdir()
    assert not path.exists()
    db = UserDB(path)
    hasher = make_hasher(m_cost=1024, t_cost=1)
    changed = seed(db, "first password!", hasher, force=False)
    assert path.exists() and changed == [u[0] for u in DEMO_USERS]
    roles = {u.email: u.roles for u, _ in db.users()}
    assert roles["admin@example.com"] == ("admin",)
    assert roles["teacher@example.com"] == ("teacher",)
    assert roles["student@example.com"] == ("student",)
    schemes = {u.email: s for u, s in db.users()}
    assert schemes["legacy@example.com"] == "bcrypt" and schemes["admin@example.com"] == "argon2id"

    # Same password again: nothing is reset (an upgraded legacy hash stays upgraded).
    assert seed(db, "first password!", hasher, force=False) == []
    # A different password resets the demo accounts.
    assert len(seed(db, "second password", hasher, force=False)) == len(DEMO_USERS)
    stored = db.password_hash("admin@example.com")
    assert stored is not None and hasher.verify("second password", stored)
