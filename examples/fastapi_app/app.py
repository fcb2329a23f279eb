"""A small school API protected by ``authcore.fastapi``.

======================================= ========================================================
route                                   who may call it
======================================= ========================================================
``POST /api/v1/auth/tokens``            anyone (OAuth2 password form) → access + refresh pair
``POST /api/v1/auth/refresh``           holder of a refresh token → new pair
``POST /api/v1/auth/logout``            holder of a refresh token → 204
``GET  /api/v1/me``                     any logged-in user
``GET  /api/v1/grades``                 scope ``grades:read`` (students see their own grades)
``POST /api/v1/grades``                 role ``teacher`` (or ``admin``) and scope ``grades:write``
``GET  /api/v1/classes``                role ``teacher`` (admins inherit it)
``GET  /api/v1/admin/users``            role ``admin``
``POST /api/v1/auth/logout-all``        a logged-in user → 204, every session of the user ended
``GET  /api/v1/auth/sessions``          a logged-in user → the user's active sessions
``DELETE /api/v1/auth/sessions/{id}``   a logged-in user → 204, that session ended
``GET  /healthz``                       anyone (liveness: the process answers)
``GET  /readyz``                        anyone (readiness: 503 while the session store is down)
======================================= ========================================================

Roles form a hierarchy: admin ⊃ teacher ⊃ student.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' signatures, whose
# ``Annotated`` dependencies name the local ``auth``.
from pathlib import Path
from typing import Annotated, Any, Callable, Optional, Union

from authcore import PasswordHasher
from authcore.fastapi import (
    AUTH_ERROR_RESPONSES,
    AccessClaims,
    AuthCore,
    AuthEvent,
    AuthSettings,
    PlainError,
    error_responses,
)
from authcore.fastapi.auth import log_event
from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.routing import Match

from .db import User, UserDB

ROLE_HIERARCHY = [("admin", "teacher"), ("teacher", "student")]
SCOPES = {
    "grades:read": "Read grades",
    "grades:write": "Record grades",
    "users:read": "List users",
}
DEFAULT_DB = "./authcore-demo.sqlite3"


class Me(BaseModel):
    id: int
    email: str
    roles: list[str]
    scopes: list[str] = Field(description="scopes granted to this token")


class UserRow(BaseModel):
    id: int
    email: str
    roles: list[str]
    active: bool
    hash_scheme: str = Field(description="algorithm of the stored password hash")


class GradeOut(BaseModel):
    id: int
    student: str
    course: str
    grade: str


class GradeIn(BaseModel):
    student: str = Field(min_length=3, max_length=320)
    course: str = Field(min_length=1, max_length=100)
    grade: str = Field(min_length=1, max_length=8)


def create_app(
    settings: Optional[AuthSettings] = None,
    db_path: Union[str, Path, None] = None,
    hasher: Optional[PasswordHasher] = None,
    on_event: Optional[Callable[[AuthEvent], Any]] = None,
    store: Any = None,
) -> FastAPI:
    """Builds the app. ``settings`` default to the ``AUTHCORE_*`` environment, ``db_path`` to
    ``$AUTHCORE_DB`` or ``./authcore-demo.sqlite3``. Sessions (refresh rotation, logout,
    login limits) live in ``settings.store_url`` (``$AUTHCORE_STORE``), by default an SQLite
    file next to the user database (``…-sessions.sqlite3``)."""
    import dataclasses
    import os

    db_file = Path(db_path or os.environ.get("AUTHCORE_DB") or DEFAULT_DB)
    db = UserDB(db_file)
    settings = settings if settings is not None else AuthSettings.from_env()
    if settings.store_url is None and store is None:
        sessions_db = db_file.with_name(f"{db_file.stem}-sessions.sqlite3")
        settings = dataclasses.replace(settings, store_url=f"sqlite:///{sessions_db}")
    auth = AuthCore(
        settings,
        load_user=db.get_user,
        load_credentials=db.get_credentials,
        update_password_hash=db.set_password_hash,
        hasher=hasher,
        roles=ROLE_HIERARCHY,
        scopes=SCOPES,
        on_event=on_event if on_event is not None else log_event,
        store=store,
    )
    app = FastAPI(
        title="authcore demo",
        version="0.1.0",
        description="Log in with the **Authorize** button (OAuth2 password flow); the demo "
        "users' password is printed when the server starts.",
        docs_url=None,
        redoc_url=None,
    )
    auth.install(app)
    serve_docs(app)
    if settings.cookie_mode:
        serve_page(app)
    app.add_exception_handler(405, method_not_allowed)
    CurrentUser = Annotated[User, Depends(auth.current_user)]
    Claims = Annotated[AccessClaims, Depends(auth.current_claims)]
    app.state.db = db

    @app.get("/healthz", tags=["meta"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["meta"],
        responses={503: {"model": PlainError, "description": "the session store is down"}},
    )
    async def readyz() -> JSONResponse:
        if await auth.ready():
            return JSONResponse({"status": "ok"})
        return JSONResponse({"detail": "session store unavailable"}, 503, {"Retry-After": "1"})

    @app.get("/api/v1/me", response_model=Me, responses=AUTH_ERROR_RESPONSES, tags=["users"])
    async def me(
        user: CurrentUser,
        claims: Claims,
    ) -> Me:
        return Me(id=user.id, email=user.email, roles=list(user.roles), scopes=list(claims.scopes))

    @app.get(
        "/api/v1/grades",
        response_model=list[GradeOut],
        responses=AUTH_ERROR_RESPONSES,
        tags=["grades"],
    )
    def list_grades(
        user: Annotated[User, Security(auth.current_user, scopes=["grades:read"])],
        claims: Claims,
    ) -> list[GradeOut]:
        own_only = not auth.has_any_role(claims.roles, ["teacher"])
        rows = db.grades(user.id if own_only else None)
        return [GradeOut(**g.__dict__) for g in rows]

    @app.post(
        "/api/v1/grades",
        response_model=GradeOut,
        status_code=201,
        responses={
            **AUTH_ERROR_RESPONSES,
            **error_responses(400),
            404: {"model": PlainError, "description": "no such student"},
        },
        tags=["grades"],
    )
    def add_grade(
        body: GradeIn,
        user: Annotated[User, Security(auth.require_role("teacher"), scopes=["grades:write"])],
    ) -> GradeOut:
        grade = db.add_grade(body.student, body.course, body.grade, user.id)
        if grade is None:
            raise HTTPException(404, "no such student")
        return GradeOut(**grade.__dict__)

    @app.get("/api/v1/classes", responses=AUTH_ERROR_RESPONSES, tags=["teaching"])
    def classes(
        user: Annotated[User, Depends(auth.require_role("teacher"))],
    ) -> list[dict[str, Any]]:
        return [
            {"id": 1, "name": "Mathematics 7B", "teacher": user.email},
            {"id": 2, "name": "Physics 8A", "teacher": user.email},
        ]

    @app.get(
        "/api/v1/admin/users",
        response_model=list[UserRow],
        responses=AUTH_ERROR_RESPONSES,
        tags=["admin"],
    )
    def admin_users(_: Annotated[User, Depends(auth.require_role("admin"))]) -> list[UserRow]:
        return [
            UserRow(id=u.id, email=u.email, roles=list(u.roles), active=u.active, hash_scheme=s)
            for u, s in db.users()
        ]

    return app


STATIC = Path(__file__).resolve().parent / "static"
WEB_PACKAGE = Path(__file__).resolve().parents[2] / "wasm" / "pkg" / "web"


def serve_docs(app: FastAPI) -> None:
    """``/docs`` with Swagger UI's assets served by the app itself (no CDN, works offline),
    from the ``swagger-ui-bundle-v2`` package; FastAPI's CDN page when it is not installed."""
    from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
    from fastapi.responses import HTMLResponse
    from starlette.staticfiles import StaticFiles

    try:
        from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the CDN page, as FastAPI serves by default
        assets = None
    else:
        assets = Path(str(swagger_ui_path))
        app.mount("/static/swagger", StaticFiles(directory=assets), name="swagger")
    redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if assets is None:
            return get_swagger_ui_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{app.title} - Swagger UI",
                oauth2_redirect_url=redirect,
            )
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=redirect,
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    @app.get(redirect, include_in_schema=False)
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def serve_page(app: FastAPI) -> None:
    """The login page at ``/`` (cookie mode): ``static/index.html`` and ``page.js``, and the
    authcore JS package's web build (``wasm/pkg/web``, made by ``make wasm``) at
    ``/authcore/``."""
    from fastapi.responses import FileResponse
    from starlette.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if WEB_PACKAGE.is_dir():
        app.mount("/authcore", StaticFiles(directory=WEB_PACKAGE), name="authcore-js")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    """405 whose ``Allow`` lists every method of the path (RFC 9110 §15.5.6), not only those
    of the first route that matched it (``GET`` and ``POST /grades`` are two routes)."""
    methods = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return JSONResponse(
        {"detail": "Method Not Allowed"},
        status_code=405,
        headers={"Allow": ", ".join(sorted(methods))},
    )


# The demo accounts: (email, roles, scopes, legacy bcrypt hash?)
DEMO_USERS: list[tuple[str, tuple[str, ...], tuple[str, ...], bool]] = [
    ("admin@example.com", ("admin",), ("grades:read", "grades:write", "users:read"), False),
    ("teacher@example.com", ("teacher",), ("grades:read", "grades:write"), False),
    ("student@example.com", ("student",), ("grades:read",), False),
    ("legacy@example.com", ("student",), ("grades:read",), True),
]


def seed(db: UserDB, password: str, hasher: PasswordHasher, *, force: bool) -> list[str]:
    """Creates the demo accounts, or resets their password when ``force`` or when the stored
    hash does not match ``password``. Returns the e-mails whose password was (re)set.

    ``legacy@example.com`` gets a bcrypt hash, which the first login upgrades to Argon2id."""
    import bcrypt

    changed = []
    for email, roles, scopes, legacy in DEMO_USERS:
        current = db.password_hash(email)
        if current is not None and not force and hasher.verify(password, current):
            continue
        if legacy:
            # bcrypt reads at most 72 bytes (newer bcrypt releases refuse more)
            new = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=10)).decode()
        else:
            new = hasher.hash(password)
        db.upsert_user(email, new, roles, scopes)
        changed.append(email)
    if not db.has_grades():
        teacher = db.get_credentials("teacher@example.com")
        for student in ("student@example.com", "legacy@example.com"):
            for course, grade in (("Mathematics 7B", "A-"), ("Physics 8A", "B+")):
                db.add_grade(student, course, grade, int(teacher.subject) if teacher else 0)
    return changed
