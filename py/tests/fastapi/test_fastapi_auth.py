"""authcore.fastapi on a minimal app: tokens, dependencies, login, refresh, logout, store hooks."""

# No ``from __future__ import annotations``: FastAPI reads the test routes' signatures, whose
# ``Annotated`` dependencies name the local ``auth``.
import base64
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Optional

import httpx
import pytest
import pytest_asyncio
from authcore import PasswordHasher, _authcore, jwt
from authcore.fastapi import AccessClaims, AuthCore, AuthSettings, Credentials
from fastapi import Depends, FastAPI, Security
from fastapi_helpers import access_claims, bearer, hash_params, make_hasher, mint

pytestmark = pytest.mark.asyncio

PASSWORD = "a long enough passphrase"
HASHER = make_hasher(m_cost=1024, t_cost=1)  # cheap, but real Argon2id

Built = tuple[FastAPI, AuthCore]
Stored = tuple[httpx.AsyncClient, Any]


@dataclass(frozen=True)
class U:
    id: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()


MaybeUser = Optional[U]
MaybeCredentials = Optional[Credentials]


class Users:
    """An in-memory account table with the three callbacks AuthCore takes."""

    def __init__(self, hasher: PasswordHasher = HASHER) -> None:
        h = hasher.hash(PASSWORD)
        self.creds: dict[str, Credentials] = {
            "ada": Credentials("1", h, ("admin",), ("grades:read", "users:read")),
            "tom": Credentials("2", h, ("teacher",), ("grades:read",)),
            "sam": Credentials("3", h, ("student",), ()),
            "off": Credentials("4", h, ("student",), (), active=False),
        }
        self.updates: list[tuple[str, str]] = []

    def user(self, sub: str) -> MaybeUser:
        for c in self.creds.values():
            if c.subject == sub and c.active:
                return U(c.subject, c.roles, c.scopes)
        return None

    async def credentials(self, username: str) -> MaybeCredentials:
        return self.creds.get(username)

    def update(self, sub: str, new_hash: str) -> None:
        self.updates.append((sub, new_hash))
        for name, c in self.creds.items():
            if c.subject == sub:
                self.creds[name] = replace(c, password_hash=new_hash)


def build(settings: AuthSettings, users: Users, **kw: Any) -> Built:
    kw.setdefault("hasher", HASHER)
    auth = AuthCore(
        settings,
        load_user=users.user,
        load_credentials=users.credentials,
        update_password_hash=users.update,
        roles=[("admin", "teacher"), ("teacher", "student")],
        scopes={"grades:read": "read", "users:read": "list users"},
        **kw,
    )
    app = FastAPI()
    auth.install(app)

    @app.get("/me")
    async def me(user: Annotated[U, Depends(auth.current_user)]) -> dict[str, Any]:
        return {"id": user.id}

    @app.get("/claims")
    async def claims(c: Annotated[AccessClaims, Depends(auth.current_claims)]) -> dict[str, Any]:
        return {"sub": c.sub, "roles": list(c.roles), "scopes": list(c.scopes)}

    @app.get("/maybe")
    async def maybe(user: Annotated[MaybeUser, Depends(auth.optional_user)]) -> dict[str, Any]:
        return {"id": user.id if user else None}

    @app.get("/teach")
    async def teach(user: Annotated[U, Depends(auth.require_role("teacher"))]) -> dict[str, Any]:
        return {"id": user.id}

    @app.get("/admin")
    async def admin(user: Annotated[U, Depends(auth.require_role("admin"))]) -> dict[str, Any]:
        return {"id": user.id}

    @app.get("/grades")
    async def grades(
        user: Annotated[U, Security(auth.current_user, scopes=["grades:read"])],
    ) -> dict[str, Any]:
        return {"id": user.id}

    @app.get("/users")
    async def users_route(
        user: Annotated[U, Security(auth.require_role("admin"), scopes=["users:read"])],
    ) -> dict[str, Any]:
        return {"id": user.id}

    return app, auth


@pytest.fixture
def users() -> Users:
    return Users()


@pytest.fixture
def built(settings: AuthSettings, users: Users) -> Built:
    return build(settings, users)


@pytest_asyncio.fixture
async def http(built: Built) -> AsyncIterator[httpx.AsyncClient]:
    app, _ = built
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


async def login(
    http: httpx.AsyncClient, username: str = "tom", password: str = PASSWORD, **extra: Any
) -> httpx.Response:
    return await http.post(
        "/api/v1/auth/tokens", data={"username": username, "password": password, **extra}
    )


async def pair(http: httpx.AsyncClient, username: str = "tom", **extra: Any) -> dict[str, Any]:
    r = await login(http, username, **extra)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# --- login -------------------------------------------------------------------------------------


async def test_login_returns_a_bearer_pair_with_documented_claims(
    http: httpx.AsyncClient, settings: AuthSettings
) -> None:
    r = await login(http, "tom")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_ttl
    assert body["scope"] == "grades:read"
    access = jwt.decode(body["access_token"], settings.secret, algorithms=["HS256"])
    assert access["typ"] == "access" and access["sub"] == "2"
    assert access["roles"] == ["teacher"] and access["scope"] == "grades:read"
    assert access["exp"] - access["iat"] == settings.access_ttl
    assert access["jti"] and access["fam"]
    refresh = jwt.decode(
        body["refresh_token"], settings.secret, algorithms=["HS256"], token_type="refresh"
    )
    assert refresh["typ"] == "refresh" and refresh["sub"] == "2"
    assert refresh["fam"] == access["fam"] and refresh["jti"] != access["jti"]
    assert refresh["exp"] - refresh["iat"] == settings.refresh_ttl
    # A refresh token grants nothing but a new pair: no roles; its scope is the session's
    # grant, the ceiling of every refreshed pair.
    assert set(refresh) == {"typ", "sub", "jti", "fam", "iat", "exp", "scope"}
    assert refresh["scope"] == "grades:read"
    # Ids are the core's shape (session::Id), each fresh.
    for value in (access["jti"], access["fam"], refresh["jti"]):
        assert _authcore.check_id(value) == value


def test_issued_ids_carry_128_random_bits_in_22_characters(built: Built) -> None:
    # The core writes an id as the unpadded base64url of 16 fresh bytes: 22 characters (every
    # request carries the token; 32 hex digits would be 20 bytes more), each id new, and over
    # a few hundred ids every one of the 128 bits is seen both set and clear.
    _, auth = built
    ids: list[str] = []
    for _ in range(100):
        body, refresh = auth.issue_pair("2", ["teacher"], ["grades:read"])
        access = jwt.decode(body.access_token, auth.settings.secret, algorithms=["HS256"])
        ids += [access["jti"], access["fam"], refresh.jti]
        assert refresh.fam == access["fam"]
    assert len(set(ids)) == len(ids)
    full = (1 << 128) - 1
    seen_set = seen_clear = 0
    for i in ids:
        assert len(i) == 22 and _authcore.check_id(i) == i
        raw = base64.urlsafe_b64decode(i + "==")
        assert base64.urlsafe_b64encode(raw).rstrip(b"=") == i.encode()
        b = int.from_bytes(raw, "big")
        assert b <= full
        seen_set |= b
        seen_clear |= ~b & full
    assert seen_set == full and seen_clear == full


async def test_wrong_password_and_unknown_user_get_identical_answers(
    http: httpx.AsyncClient,
) -> None:
    wrong = await login(http, "tom", "not the password")
    unknown = await login(http, "nobody@example.com", PASSWORD)
    inactive = await login(http, "off", PASSWORD)
    assert wrong.status_code == unknown.status_code == inactive.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == inactive.json()
        == {
            "detail": "incorrect username or password",
            "code": "invalid_credentials",
        }
    )
    for r in (wrong, unknown, inactive):
        assert r.headers["www-authenticate"] == "Bearer"
    assert {k for k in wrong.headers} == {k for k in unknown.headers}


class CountingHasher:
    """Delegates to a real hasher and records what was verified."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def adummy_verify(self, password: str) -> None:
        self.calls.append("dummy")
        await self.inner.adummy_verify(password)

    async def averify_and_update(self, password: str, phc: str) -> tuple[bool, Any]:
        self.calls.append(phc)
        ok, new_hash = await self.inner.averify_and_update(password, phc)
        return bool(ok), new_hash


async def test_unknown_user_costs_a_full_verify(settings: AuthSettings, users: Users) -> None:
    counting = CountingHasher(HASHER)
    app, _ = build(settings, users, hasher=counting)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await login(c, "ghost", PASSWORD)).status_code == 401
        assert (await login(c, "tom", "wrong")).status_code == 401
        assert (await login(c, "off", PASSWORD)).status_code == 401
    assert counting.calls == [
        "dummy",
        users.creds["tom"].password_hash,
        users.creds["off"].password_hash,
    ]


async def test_requested_scopes_are_narrowed_to_what_the_account_may_have(
    http: httpx.AsyncClient,
) -> None:
    assert (await pair(http, "ada"))["scope"] == "grades:read users:read"
    assert (await pair(http, "ada", scope="users:read"))["scope"] == "users:read"
    assert (await pair(http, "tom", scope="users:read grades:read"))["scope"] == "grades:read"
    assert (await pair(http, "sam", scope="grades:read"))["scope"] == ""


async def test_stale_hash_is_upgraded_on_successful_login_only(settings: AuthSettings) -> None:
    old = make_hasher(m_cost=512, t_cost=1)
    users = Users(hasher=old)
    app, _ = build(settings, users)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await login(c, "tom", "wrong password")).status_code == 401
        assert users.updates == []
        assert (await login(c, "tom")).status_code == 200
    [(sub, new_hash)] = users.updates
    assert sub == "2" and hash_params(new_hash) == "m=1024,t=1,p=1"
    assert HASHER.verify(PASSWORD, new_hash)


async def test_failed_hash_update_does_not_fail_the_login(settings: AuthSettings) -> None:
    users = Users(hasher=make_hasher(m_cost=512, t_cost=1))

    def broken(sub: str, new_hash: str) -> None:
        raise OSError("disk full")

    setattr(users, "update", broken)  # noqa: B010 — replaces the bound method
    app, _ = build(settings, users)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await login(c, "tom")).status_code == 200


async def test_unusable_stored_hash_is_a_failed_login_not_a_500(
    settings: AuthSettings, users: Users
) -> None:
    users.creds["tom"] = replace(users.creds["tom"], password_hash="$argon2id$garbage")
    app, _ = build(settings, users)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await login(c, "tom")
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"


async def test_oversized_credentials_are_refused_before_any_work(http: httpx.AsyncClient) -> None:
    r = await login(http, "tom", "x" * 5000)
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    r = await login(http, "t" * 400, PASSWORD)
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"


# --- current_user and friends ------------------------------------------------------------------


async def test_access_token_reaches_the_user_loader(http: httpx.AsyncClient) -> None:
    token = (await pair(http, "tom"))["access_token"]
    r = await http.get("/me", headers=bearer(token))
    assert r.status_code == 200 and r.json() == {"id": "2"}


async def test_missing_token_is_401_with_a_bare_bearer_challenge(http: httpx.AsyncClient) -> None:
    r = await http.get("/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"detail": "not authenticated", "code": "not_authenticated"}
    r = await http.get("/me", headers={"Authorization": "Basic dG9tOnB3"})
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "token_fn, code",
    [
        (lambda s: "not.a.token", "invalid_base64"),
        (lambda s: "garbage", "malformed"),
        (lambda s: mint(s, access_claims(exp=int(time.time()) - 60)), "expired"),
        (
            lambda s: mint("another secret that is long enough!!", access_claims()),
            "invalid_signature",
        ),
        (lambda s: mint(s, access_claims(typ="refresh", fam="f")), "wrong_token_type"),
        (lambda s: mint(s, access_claims(typ="id")), "wrong_token_type"),
        (
            lambda s: mint(s, {k: v for k, v in access_claims().items() if k != "jti"}),
            "missing_claim",
        ),
        (lambda s: mint(s, access_claims(), kid="unknown"), "unknown_kid"),
        # ids outside the core's shape (16-64 base64url characters)
        (lambda s: mint(s, access_claims(jti="short")), "invalid_claim"),
        (lambda s: mint(s, access_claims(fam="a family with spaces")), "invalid_claim"),
        (lambda s: mint(s, access_claims(scope='a"b')), "invalid_claim"),
    ],
    ids=[
        "bad-base64",
        "malformed",
        "expired",
        "forged",
        "refresh",
        "other-typ",
        "no-jti",
        "kid",
        "short-jti",
        "bad-fam",
        "bad-scope",
    ],
)
async def test_bad_tokens_are_401_invalid_token_with_the_core_code(
    http: httpx.AsyncClient, secret: str, token_fn: Callable[[str], str], code: str
) -> None:
    r = await http.get("/me", headers=bearer(token_fn(secret)))
    assert r.status_code == 401
    assert r.json()["code"] == code
    assert r.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


async def test_unsigned_alg_none_token_is_refused(http: httpx.AsyncClient) -> None:
    import base64
    import json

    def seg(obj: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    token = f"{seg({'alg': 'none', 'typ': 'JWT'})}.{seg(access_claims())}."
    r = await http.get("/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["code"] in ("unsupported_alg", "malformed")


async def test_token_of_a_deleted_user_is_401_invalid_user(
    http: httpx.AsyncClient, users: Users
) -> None:
    token = (await pair(http, "tom"))["access_token"]
    del users.creds["tom"]
    r = await http.get("/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["code"] == "invalid_user"


async def test_optional_user_is_none_without_token_but_bad_token_still_401(
    http: httpx.AsyncClient,
) -> None:
    assert (await http.get("/maybe")).json() == {"id": None}
    token = (await pair(http, "sam"))["access_token"]
    assert (await http.get("/maybe", headers=bearer(token))).json() == {"id": "3"}
    assert (await http.get("/maybe", headers=bearer("x.y.z"))).status_code == 401


async def test_current_claims_needs_no_user_lookup(http: httpx.AsyncClient) -> None:
    token = (await pair(http, "ada"))["access_token"]
    r = await http.get("/claims", headers=bearer(token))
    assert r.json() == {"sub": "1", "roles": ["admin"], "scopes": ["grades:read", "users:read"]}


# --- roles and scopes --------------------------------------------------------------------------


async def test_require_role_honours_the_hierarchy(http: httpx.AsyncClient) -> None:
    tokens = {u: (await pair(http, u))["access_token"] for u in ("ada", "tom", "sam")}
    assert (await http.get("/teach", headers=bearer(tokens["ada"]))).status_code == 200
    assert (await http.get("/teach", headers=bearer(tokens["tom"]))).status_code == 200
    r = await http.get("/teach", headers=bearer(tokens["sam"]))
    assert r.status_code == 403
    assert r.json() == {"detail": "not allowed for your role", "code": "forbidden"}
    assert r.headers["www-authenticate"].startswith('Bearer error="insufficient_scope"')
    assert (await http.get("/admin", headers=bearer(tokens["tom"]))).status_code == 403


async def test_roles_come_from_the_verified_token(http: httpx.AsyncClient, secret: str) -> None:
    forged_role = mint(secret + "x", access_claims(sub="3", roles=["admin"]))
    assert (await http.get("/admin", headers=bearer(forged_role))).status_code == 401
    signed = mint(secret, access_claims(sub="3", roles=["admin"]))
    assert (await http.get("/admin", headers=bearer(signed))).status_code == 200


async def test_missing_scope_is_403_with_insufficient_scope_challenge(
    http: httpx.AsyncClient,
) -> None:
    token = (await pair(http, "sam"))["access_token"]
    r = await http.get("/grades", headers=bearer(token))
    assert r.status_code == 403
    assert r.json()["code"] == "missing_scope"
    challenge = r.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="grades:read"' in challenge
    ok = (await pair(http, "tom"))["access_token"]
    assert (await http.get("/grades", headers=bearer(ok))).status_code == 200


async def test_role_and_scope_together(http: httpx.AsyncClient, secret: str) -> None:
    narrow = (await pair(http, "ada", scope="grades:read"))["access_token"]
    r = await http.get("/users", headers=bearer(narrow))
    assert r.status_code == 403 and r.json()["code"] == "missing_scope"
    full = (await pair(http, "ada"))["access_token"]
    assert (await http.get("/users", headers=bearer(full))).status_code == 200
    scoped_teacher = mint(secret, access_claims(sub="2", roles=["teacher"], scope="users:read"))
    r = await http.get("/users", headers=bearer(scoped_teacher))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


async def test_require_role_needs_role_names(built: Built) -> None:
    _, auth = built
    with pytest.raises(ValueError):
        auth.require_role()
    with pytest.raises(ValueError):
        auth.require_role("")


# --- refresh and logout ------------------------------------------------------------------------


async def test_refresh_issues_a_new_pair_in_the_same_family(
    http: httpx.AsyncClient, settings: AuthSettings
) -> None:
    first = await pair(http, "tom")
    r = await http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    second = r.json()
    a1 = jwt.decode(first["access_token"], settings.secret, algorithms=["HS256"])
    a2 = jwt.decode(second["access_token"], settings.secret, algorithms=["HS256"])
    assert a2["fam"] == a1["fam"] and a2["jti"] != a1["jti"]
    assert a2["sub"] == "2" and a2["scope"] == "grades:read"
    assert (await http.get("/me", headers=bearer(second["access_token"]))).status_code == 200


async def test_refresh_rereads_roles_and_scopes(
    http: httpx.AsyncClient, users: Users, settings: AuthSettings
) -> None:
    first = await pair(http, "tom")
    users.creds["tom"] = replace(users.creds["tom"], roles=("student",), scopes=())
    second = (
        await http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    claims = jwt.decode(second["access_token"], settings.secret, algorithms=["HS256"])
    assert claims["roles"] == ["student"] and claims["scope"] == ""


async def test_a_refresh_never_widens_the_login_grant(
    http: httpx.AsyncClient, users: Users, settings: AuthSettings
) -> None:
    async def refresh(token: str) -> dict[str, Any]:
        r = await http.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    # ada may have grades:read and users:read, but asked for users:read only.
    first = await pair(http, "ada", scope="users:read")
    second = await refresh(first["refresh_token"])
    assert second["scope"] == "users:read"
    access = jwt.decode(second["access_token"], settings.secret, algorithms=["HS256"])
    assert access["scope"] == "users:read" and access["roles"] == ["admin"]
    # A scope taken from the account is gone from the next pair...
    users.creds["ada"] = replace(users.creds["ada"], scopes=("grades:read",))
    third = await refresh(second["refresh_token"])
    assert third["scope"] == ""
    # ...and giving it back does not widen this session again: only a new login does.
    users.creds["ada"] = replace(users.creds["ada"], scopes=("grades:read", "users:read"))
    assert (await refresh(third["refresh_token"]))["scope"] == ""
    assert (await pair(http, "ada", scope="users:read"))["scope"] == "users:read"


async def test_refresh_without_a_user_loader_grants_no_roles_and_keeps_the_grant(
    settings: AuthSettings, users: Users
) -> None:
    auth = AuthCore(settings, load_credentials=users.credentials, hasher=HASHER)
    app = FastAPI()
    auth.install(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        first = await pair(c, "tom")
        r = await c.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    # No loader to re-read the user: no roles, and the scopes of the login's grant.
    assert r.status_code == 200 and r.json()["scope"] == "grades:read"
    claims = auth.verify_access(r.json()["access_token"])
    assert (claims.sub, claims.roles, claims.scopes) == ("2", (), ("grades:read",))
    assert claims.fam == auth.verify_access(first["access_token"]).fam


async def test_verified_claims_come_from_the_core(
    built: Built, http: httpx.AsyncClient, settings: AuthSettings
) -> None:
    _, auth = built
    body = await pair(http, "ada")
    claims = auth.verify_access(body["access_token"])
    assert isinstance(claims, AccessClaims) and isinstance(claims, _authcore.AccessClaims)
    assert claims.roles == ("admin",) and claims.scopes == ("grades:read", "users:read")
    assert claims.raw == jwt.decode(body["access_token"], settings.secret, algorithms=["HS256"])
    refresh = auth.verify_refresh(body["refresh_token"])
    assert (refresh.sub, refresh.fam) == ("1", claims.fam)
    assert not hasattr(refresh, "roles") and refresh.scopes == ("grades:read", "users:read")


async def test_refresh_refuses_access_tokens_and_gone_users(
    http: httpx.AsyncClient, users: Users
) -> None:
    first = await pair(http, "tom")
    r = await http.post("/api/v1/auth/refresh", json={"refresh_token": first["access_token"]})
    assert r.status_code == 401 and r.json()["code"] == "wrong_token_type"
    del users.creds["tom"]
    r = await http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 401 and r.json()["code"] == "invalid_user"


async def test_expired_refresh_token_is_401(http: httpx.AsyncClient, secret: str) -> None:
    now = int(time.time())
    stale = mint(
        secret,
        {"typ": "refresh", "sub": "2", "iat": now - 100, "exp": now - 10, "jti": "j", "fam": "f"},
    )
    r = await http.post("/api/v1/auth/refresh", json={"refresh_token": stale})
    assert r.status_code == 401 and r.json()["code"] == "expired"


async def test_refresh_token_is_not_a_bearer_credential(http: httpx.AsyncClient) -> None:
    first = await pair(http, "tom")
    r = await http.get("/me", headers=bearer(first["refresh_token"]))
    assert r.status_code == 401 and r.json()["code"] == "wrong_token_type"


async def test_logout_verifies_the_refresh_token(http: httpx.AsyncClient) -> None:
    first = await pair(http, "tom")
    assert (
        await http.post("/api/v1/auth/logout", json={"refresh_token": first["refresh_token"]})
    ).status_code == 204
    r = await http.post("/api/v1/auth/logout", json={"refresh_token": first["access_token"]})
    assert r.status_code == 401 and r.json()["code"] == "wrong_token_type"
    r = await http.post("/api/v1/auth/logout", json={"refresh_token": ""})
    assert r.status_code == 422


# --- with a session store ----------------------------------------------------------------------


@pytest_asyncio.fixture(params=["memory", "sqlite"])
async def stored(
    settings: AuthSettings, users: Users, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Stored]:
    from authcore.stores import MemoryStore, SQLiteStore

    store = MemoryStore() if request.param == "memory" else SQLiteStore(str(tmp_path / "s.db"))
    app, _ = build(
        settings,
        users,
        store=store,
        check_access_revocation=True,
        login_rate_client="100/min, burst=6",
        login_rate_user="1/min, burst=3",
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c, store


async def refresh(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post("/api/v1/auth/refresh", json={"refresh_token": token})


async def test_reused_refresh_token_revokes_the_family(stored: Stored) -> None:
    http, _ = stored
    first = await pair(http, "tom")
    second = await refresh(http, first["refresh_token"])
    assert second.status_code == 200
    r = await refresh(http, first["refresh_token"])
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    r = await refresh(http, second.json()["refresh_token"])
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    r = await http.get("/me", headers=bearer(second.json()["access_token"]))
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"


async def test_logout_revokes_refresh_and_access_tokens_of_the_session(stored: Stored) -> None:
    http, _ = stored
    mine, other = await pair(http, "tom"), await pair(http, "tom")
    for _ in range(3):  # live: the store now knows it at once (known_unrevoked)
        assert (await http.get("/me", headers=bearer(mine["access_token"]))).status_code == 200
    r = await http.post("/api/v1/auth/logout", json={"refresh_token": mine["refresh_token"]})
    assert r.status_code == 204
    r = await refresh(http, mine["refresh_token"])
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert (await http.get("/me", headers=bearer(mine["access_token"]))).status_code == 401
    assert (await http.get("/me", headers=bearer(other["access_token"]))).status_code == 200
    assert (await refresh(http, other["refresh_token"])).status_code == 200


async def test_failed_logins_are_rate_limited_per_username(stored: Stored) -> None:
    http, _ = stored
    codes = [(await login(http, "tom", "wrong")).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    r = await login(http, "tom")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
    assert (await login(http, "ada")).status_code == 200  # another account is not affected


async def test_successful_login_resets_the_username_bucket(stored: Stored) -> None:
    http, _ = stored
    for _ in range(2):
        assert (await login(http, "sam", "wrong")).status_code == 401
    assert (await login(http, "sam")).status_code == 200
    assert [(await login(http, "sam", "wrong")).status_code for _ in range(3)] == [401] * 3


async def test_login_attempts_are_rate_limited_per_client(stored: Stored) -> None:
    http, _ = stored
    codes = [(await login(http, f"user{i}", "wrong")).status_code for i in range(7)]
    assert codes == [401] * 6 + [429]


async def test_unreachable_store_fails_closed_with_503(stored: Stored) -> None:
    http, store = stored
    first = await pair(http, "tom")
    await store.close()
    for r in (
        await login(http, "tom"),
        await refresh(http, first["refresh_token"]),
        await http.post("/api/v1/auth/logout", json={"refresh_token": first["refresh_token"]}),
        await http.get("/me", headers=bearer(first["access_token"])),
    ):
        assert r.status_code == 503
        assert r.json()["code"] == "store_unavailable" and r.headers["retry-after"]


# --- settings that shape tokens ----------------------------------------------------------------


async def test_issuer_and_audience_are_written_and_enforced(secret: str, users: Users) -> None:
    s = AuthSettings(secret=secret, issuer="https://auth.example", audience="school-api")
    app, _ = build(s, users)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        token = (await pair(c, "tom"))["access_token"]
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience="school-api")
        assert claims["iss"] == "https://auth.example" and claims["aud"] == "school-api"
        assert (await c.get("/me", headers=bearer(token))).status_code == 200
        other = mint(secret, access_claims(sub="2", iss="https://auth.example", aud="other"))
        r = await c.get("/me", headers=bearer(other))
        assert r.status_code == 401 and r.json()["code"] == "invalid_audience"
        no_iss = mint(secret, access_claims(sub="2", aud="school-api"))
        assert (await c.get("/me", headers=bearer(no_iss))).status_code == 401


async def test_key_rotation_accepts_previous_kid_and_signs_with_current(
    secret: str, users: Users
) -> None:
    old = secrets.token_urlsafe(48)
    s = AuthSettings(secret=secret, secret_kid="k2", previous_secrets={"k1": old})
    app, _ = build(s, users)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        legacy = mint(old, access_claims(sub="2"), kid="k1")
        assert (await c.get("/me", headers=bearer(legacy))).status_code == 200
        token = (await pair(c, "tom"))["access_token"]
        assert jwt.get_unverified_header(token)["kid"] == "k2"
        assert (await c.get("/me", headers=bearer(token))).status_code == 200


# --- hygiene -----------------------------------------------------------------------------------


async def test_no_secret_password_or_token_is_logged(
    settings: AuthSettings, users: Users, caplog: pytest.LogCaptureFixture
) -> None:
    from authcore.stores import MemoryStore

    caplog.set_level(logging.DEBUG)
    app, _ = build(settings, users, store=MemoryStore())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        tokens = await pair(c, "tom")
        await login(c, "tom", "wrong-password-123")
        await c.get("/me", headers=bearer(tokens["access_token"] + "x"))
        await c.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        await c.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        users.creds["tom"] = replace(users.creds["tom"], password_hash="$argon2id$broken")
        await login(c, "tom")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert text  # the failures above were logged
    assert isinstance(settings.secret, bytes)  # a str secret is stored encoded
    for needle in (
        settings.secret.decode(),
        PASSWORD,
        "wrong-password-123",
        tokens["access_token"],
        tokens["refresh_token"],
        "$argon2id$",
    ):
        assert needle not in text


async def test_openapi_offers_the_password_flow_with_scopes(built: Built) -> None:
    app, _ = built
    schema = app.openapi()
    [scheme] = schema["components"]["securitySchemes"].values()
    flow = scheme["flows"]["password"]
    assert flow["tokenUrl"] == "/api/v1/auth/tokens"
    assert set(flow["scopes"]) == {"grades:read", "users:read"}
    assert schema["paths"]["/grades"]["get"]["security"]


async def test_bearer_header_is_read_as_oauth2_password_bearer_reads_it(
    http: httpx.AsyncClient,
) -> None:
    token = (await pair(http, "ada"))["access_token"]
    for value in (f"bearer {token}", f"BEARER  {token} "):
        r = await http.get("/claims", headers={"Authorization": value})
        assert r.status_code == 200, value
    for value in (f"Basic {token}", "Bearer", "Bearer ", token, ""):
        r = await http.get("/claims", headers={"Authorization": value})
        assert r.status_code == 401, value
        assert r.headers["www-authenticate"].startswith("Bearer")
    r = await http.get("/maybe", headers={"Authorization": f"Basic {token}"})
    assert r.json() == {"id": None}
    # as Starlette's request.headers.get: with two Authorization headers the first one counts
    both = [("Authorization", f"Bearer {token}"), ("Authorization", "Basic x")]
    assert (await http.get("/claims", headers=both)).status_code == 200
    assert (await http.get("/claims", headers=both[::-1])).status_code == 401
    # a value that is not ASCII (latin-1 on the wire) is a bad token, not a server error
    r = await http.get("/claims", headers=[(b"Authorization", b"Bearer \xe9t\xe9")])
    assert r.status_code == 401


async def test_openapi_security_requirements_name_the_scopes_of_each_route(built: Built) -> None:
    app, _ = built
    paths = app.openapi()["paths"]
    [name] = app.openapi()["components"]["securitySchemes"]
    assert paths["/claims"]["get"]["security"] == [{name: []}]
    assert paths["/maybe"]["get"]["security"] == [{name: []}]
    assert paths["/grades"]["get"]["security"] == [{name: ["grades:read"]}]
    assert paths["/users"]["get"]["security"] == [{name: ["users:read"]}]


async def test_a_route_with_current_user_and_current_claims_verifies_the_token_once(
    built: Built, http: httpx.AsyncClient
) -> None:
    app, auth = built

    @app.get("/both")
    async def both(
        user: Annotated[U, Depends(auth.current_user)],
        claims: Annotated[AccessClaims, Security(auth.current_claims, scopes=["users:read"])],
    ) -> dict[str, Any]:
        return {"id": user.id, "sub": claims.sub}

    calls: list[list[tuple[bytes, bytes]]] = []
    verify = auth.verify_bearer

    def counting(headers: Iterable[tuple[bytes, bytes]]) -> Optional[AccessClaims]:
        calls.append(list(headers))
        return verify(headers)

    auth.verify_bearer = counting  # type: ignore[method-assign]
    ada = (await pair(http, "ada"))["access_token"]
    r = await http.get("/both", headers=bearer(ada))
    assert r.status_code == 200
    assert len(calls) == 1 and (b"authorization", f"Bearer {ada}".encode()) in calls[0]
    # the scopes are still checked per dependency: tom has no users:read
    tom = (await pair(http, "tom"))["access_token"]
    r = await http.get("/both", headers=bearer(tom))
    assert r.status_code == 403
    assert r.json()["code"] == "missing_scope"
