"""``AuthRoute`` (the route class ``auth.install`` gives an app) answers every request exactly as
FastAPI's own ``APIRoute`` does, while resolving authcore's leading dependencies itself.

Two copies of one app, the same routes, keys and session store: one with ``AuthRoute`` routes
(what ``install`` sets), one whose router keeps a route class of its own (FastAPI's path). Each
request goes to both; status, body and ``WWW-Authenticate`` must be the same. Apart from that,
FastAPI's call of a dependency is counted, to show which routes take the shorter path."""

# No ``from __future__ import annotations``: FastAPI reads the routes' signatures, whose
# ``Annotated`` dependencies name objects local to build().
import functools
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import httpx
import pytest
import pytest_asyncio
from authcore.fastapi import AccessClaims, AuthCore, AuthRoute, AuthSettings
from authcore.fastapi.deps import BearerAuth
from authcore.stores import MemoryStore
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Security
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from fastapi_helpers import access_claims, bearer, mint
from pydantic import BaseModel

pytestmark = pytest.mark.asyncio

SCOPES = {"grades:read": "Read grades", "grades:write": "Record grades"}
ROLES = [("admin", "teacher"), ("teacher", "student")]


class FastAPIRoute(APIRoute):
    """A route class of the app's own: install keeps it, so this copy is FastAPI's path."""


@dataclass(frozen=True)
class U:
    id: str
    name: str


USERS = {"1": U("1", "ada"), "2": U("2", "tom"), "3": U("3", "sam")}  # "9" is gone


def load_user(sub: str) -> Optional[U]:
    return USERS.get(sub)


class Out(BaseModel):
    sub: str


class Note(BaseModel):
    text: str


def build(secret: str, store: MemoryStore, route_class: type[APIRoute]) -> FastAPI:
    auth = AuthCore(
        AuthSettings(secret=secret),
        load_user=load_user,
        roles=ROLES,
        scopes=SCOPES,
        store=store,
        on_event=None,
    )
    app = FastAPI()
    app.router.route_class = route_class
    auth.install(app)
    app.state.auth = auth
    Claims = Annotated[AccessClaims, Depends(auth.current_claims)]
    User = Annotated[U, Depends(auth.current_user)]

    def teapot(x_teapot: Annotated[Optional[str], Header()] = None) -> None:
        if x_teapot is not None:
            raise HTTPException(418, "teapot")

    async def active(user: User) -> U:
        if user.name == "sam":
            raise HTTPException(403, "inactive")
        return user

    @app.get("/claims")
    async def claims_route(claims: Claims) -> dict[str, Any]:
        return {"sub": claims.sub, "roles": list(claims.roles), "scopes": list(claims.scopes)}

    @app.get("/user")
    async def user_route(user: User) -> dict[str, str]:
        return {"id": user.id}

    @app.get("/optional")
    async def optional_route(
        user: Annotated[Optional[U], Depends(auth.optional_user)],
    ) -> dict[str, Optional[str]]:
        return {"id": user.id if user else None}

    @app.get("/scoped")
    async def scoped(
        user: Annotated[U, Security(auth.current_user, scopes=["grades:read"])],
    ) -> str:
        return user.id

    @app.get("/role")
    async def role(user: Annotated[U, Depends(auth.require_role("teacher"))]) -> str:
        return user.id

    @app.get("/role-scoped")
    async def role_scoped(
        user: Annotated[U, Security(auth.require_role("teacher"), scopes=["grades:write"])],
    ) -> str:
        return user.id

    @app.get("/items/{item_id}", response_model=Out, status_code=201)
    async def item(
        claims: Claims, user: User, item_id: int, q: int, request: Request
    ) -> dict[str, Any]:
        return {"sub": f"{claims.sub}/{user.id}/{item_id}/{q}/{request.url.path}", "extra": 1}

    @app.get("/sync")
    def sync_route(request: Request, user: User) -> dict[str, str]:
        return {"id": user.id, "path": request.url.path}

    @app.get("/sync-plain")
    def sync_plain(claims: Claims, n: int = 1) -> dict[str, Any]:
        return {"sub": claims.sub, "n": n}

    @app.get("/parameterless", dependencies=[Depends(auth.current_claims)])
    async def parameterless() -> str:
        return "ok"

    @app.get("/after-teapot")
    async def after_teapot(_: Annotated[None, Depends(teapot)], claims: Claims) -> str:
        return claims.sub

    @app.get("/then-teapot")
    async def then_teapot(claims: Claims, _: Annotated[None, Depends(teapot)]) -> str:
        return claims.sub

    @app.get("/nested")
    async def nested(user: User, me: Annotated[U, Depends(active)]) -> str:
        return f"{user.id}:{me.id}"

    @app.get("/broken", response_model=Out)
    async def broken(claims: Claims) -> dict[str, Any]:
        return {"not": claims.sub}  # fails the response model: a 500 naming this endpoint

    @app.post("/notes")
    async def notes(claims: Claims, note: Note) -> str:
        return f"{claims.sub}:{note.text}"

    router = APIRouter(route_class=route_class)

    @router.get("/user")
    async def routed_user(user: User) -> str:
        return user.id

    app.include_router(router, prefix="/r")
    app.include_router(router, prefix="/k", dependencies=[Depends(teapot)])
    app.include_router(router, prefix="/a", dependencies=[Depends(auth.require_role("admin"))])
    return app


# routes whose authcore dependencies lead: AuthRoute resolves them without FastAPI's solver
SHORT = [
    "/claims",
    "/user",
    "/optional",
    "/scoped",
    "/role",
    "/role-scoped",
    "/items/7?q=3",
    "/items/x?q=3",
    "/items/7",
    "/sync",
    "/sync-plain?n=4",
    "/sync-plain?n=four",
    "/parameterless",
    "/then-teapot",
    "/r/user",
    "/a/user",
]
# after another dependency (the route's, the router's) or nested in one: FastAPI's path
PATHS = SHORT + ["/after-teapot", "/nested", "/k/user"]


@dataclass
class Twins:
    short: httpx.AsyncClient
    fastapi: httpx.AsyncClient
    tokens: dict[str, Optional[dict[str, str]]]
    calls: list[int]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts FastAPI's calls of authcore's bearer dependency (``BearerAuth.__call__``)."""
    calls = [0]
    original = BearerAuth.__call__

    @functools.wraps(original)  # FastAPI reads the signature of the original
    async def call(self: BearerAuth, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(BearerAuth, "__call__", call)
    yield calls


@pytest_asyncio.fixture
async def twins(counted: list[int]) -> AsyncIterator[Twins]:
    secret = secrets.token_urlsafe(48)
    store = MemoryStore()
    short = build(secret, store, AuthRoute)
    plain = build(secret, store, FastAPIRoute)
    auth: AuthCore = short.state.auth
    tokens: dict[str, Optional[dict[str, str]]] = {"none": None}
    for name, sub, roles, scopes in [
        ("admin", "1", ["admin"], ["grades:read", "grades:write"]),
        ("teacher", "2", ["teacher"], ["grades:read"]),
        ("student", "3", ["student"], []),
        ("gone", "9", ["admin"], ["grades:read"]),
    ]:
        body, refresh = auth.issue_pair(sub, roles, scopes)
        await auth.start_session(refresh)
        tokens[name] = bearer(body.access_token)
    body, refresh = auth.issue_pair("2", ["teacher"], ["grades:read"])
    await auth.start_session(refresh)
    await auth.end_session(refresh)
    tokens["revoked"] = bearer(body.access_token)
    now = int(time.time())
    tokens["expired"] = bearer(mint(secret, access_claims("1", iat=now - 900, exp=now - 300)))
    tokens["forged"] = bearer(mint(secrets.token_urlsafe(48), access_claims("1")))
    tokens["garbage"] = {"Authorization": "Bearer not.a.token"}
    tokens["basic"] = {"Authorization": "Basic YWRhOnB3"}
    tokens["empty"] = {"Authorization": "Bearer "}
    tokens["teapot+admin"] = {**(tokens["admin"] or {}), "X-Teapot": "1"}
    tokens["teapot"] = {"X-Teapot": "1"}
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=short), base_url="http://t") as s,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=plain), base_url="http://t") as p,
    ):
        yield Twins(s, p, tokens, counted)


def answer(r: httpx.Response) -> tuple[int, Any, Optional[str]]:
    return r.status_code, r.json(), r.headers.get("www-authenticate")


async def test_every_route_and_token_answers_as_fastapi_does(twins: Twins) -> None:
    statuses: set[int] = set()
    for path in PATHS:
        for name, headers in twins.tokens.items():
            ours = answer(await twins.short.get(path, headers=headers))
            theirs = answer(await twins.fastapi.get(path, headers=headers))
            assert ours == theirs, (path, name)
            statuses.add(ours[0])
    # the matrix reaches every outcome a user relies on
    assert statuses >= {200, 201, 401, 403, 418, 422}


async def test_leading_dependencies_skip_fastapis_solver(twins: Twins) -> None:
    admin = twins.tokens["admin"]
    for path in PATHS:
        twins.calls[0] = 0
        r = await twins.fastapi.get(path, headers=admin)
        assert twins.calls[0] > 0, path  # FastAPI's path calls the dependency
        twins.calls[0] = 0
        r = await twins.short.get(path, headers=admin)
        assert r.status_code in (200, 201, 422), (path, r.status_code)
        if path in SHORT:
            assert twins.calls[0] == 0, path
        else:  # not leading (after another dependency, nested, a router's), or a body
            assert twins.calls[0] > 0, path


async def test_request_bodies_keep_fastapis_order(twins: Twins) -> None:
    # FastAPI reads the body before any dependency: a malformed body is refused first
    for headers in (None, twins.tokens["admin"], twins.tokens["garbage"]):
        for content in (b'{"text": "hi"}', b"{not json", b'{"text": 1}'):
            kw: dict[str, Any] = {"content": content, "headers": {**(headers or {})}}
            kw["headers"]["content-type"] = "application/json"
            ours = answer(await twins.short.post("/notes", **kw))
            assert ours == answer(await twins.fastapi.post("/notes", **kw))


async def test_dependency_overrides_apply_as_in_fastapi(twins: Twins) -> None:
    def fake_user() -> U:
        return U("42", "fake")

    def fake_claims() -> AccessClaims:
        raise HTTPException(409, "overridden claims")

    for client, app_auth in (
        (twins.short, twins.short._transport.app.state.auth),  # type: ignore[attr-defined]
        (twins.fastapi, twins.fastapi._transport.app.state.auth),  # type: ignore[attr-defined]
    ):
        app = client._transport.app  # type: ignore[attr-defined]
        app.dependency_overrides[app_auth.current_user] = fake_user
        app.dependency_overrides[app_auth.current_claims] = fake_claims
    for path in PATHS:
        for name in ("none", "admin", "garbage"):
            headers = twins.tokens[name]
            ours = answer(await twins.short.get(path, headers=headers))
            assert ours == answer(await twins.fastapi.get(path, headers=headers)), (path, name)
    r = await twins.short.get("/user")
    assert r.json() == {"id": "42"}
    r = await twins.short.get("/role", headers=twins.tokens["teacher"])  # nests current_claims
    assert r.status_code == 409
    for client in (twins.short, twins.fastapi):
        client._transport.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    r = await twins.short.get("/user", headers=twins.tokens["admin"])
    assert r.json() == {"id": "1"}


async def test_server_errors_name_the_apps_endpoint(twins: Twins) -> None:
    # FastAPI's ResponseValidationError names the endpoint (file, line, function) in the log
    messages = []
    for client in (twins.short, twins.fastapi):
        with pytest.raises(ResponseValidationError) as caught:
            await client.get("/broken", headers=twins.tokens["admin"])
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert __file__ in messages[0] and "in broken" in messages[0]


async def test_openapi_is_the_same(twins: Twins) -> None:
    ours = (await twins.short.get("/openapi.json")).json()
    assert ours == (await twins.fastapi.get("/openapi.json")).json()
    assert ours["paths"]["/claims"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
    assert ours["paths"]["/scoped"]["get"]["security"] == [
        {"OAuth2PasswordBearer": ["grades:read"]}
    ]


async def test_install_sets_the_route_class_only_over_fastapis_default() -> None:
    auth = AuthCore(AuthSettings(secret=secrets.token_urlsafe(48)), on_event=None)
    app = FastAPI()
    auth.install(app)
    assert app.router.route_class is AuthRoute

    @app.get("/x")
    async def x() -> str:
        return "x"

    assert isinstance(app.router.routes[-1], AuthRoute)
    own = FastAPI()
    own.router.route_class = FastAPIRoute
    auth.install(own)
    assert own.router.route_class is FastAPIRoute
