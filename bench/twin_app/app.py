"""The example service rebuilt the classic way — PyJWT + pwdlib, as in FastAPI's security
tutorial — with the same routes, the same SQLite schema and the same Argon2id parameters
(m=19456, t=2, p=1), so `bench/fastapi_bench.py` compares the libraries, not the apps.

``TWIN_LOGIN=inline`` (default) verifies the password inside the ``async def`` login route, as
the tutorial does, which blocks the event loop for the whole hash; ``TWIN_LOGIN=thread`` runs it
in the thread pool instead (what a careful pwdlib user would write).

Benchmark use only: no refresh rotation, no rate limiting, no hash upgrade.
"""

# No ``from __future__ import annotations``: FastAPI must resolve the routes' ``Annotated``
# dependencies, which name objects local to create_app.

import os
import secrets
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Optional

import jwt
from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm, SecurityScopes
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

ALGORITHM = "HS256"
HIERARCHY = {
    "admin": {"admin", "teacher", "student"},
    "teacher": {"teacher", "student"},
    "student": {"student"},
}
SCOPES = {"grades:read": "Read grades", "grades:write": "Record grades", "users:read": "List users"}
USERS = [
    ("admin@example.com", "admin", "grades:read grades:write users:read"),
    ("teacher@example.com", "teacher", "grades:read grades:write"),
    ("student@example.com", "student", "grades:read"),
]


class Token(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


class Me(BaseModel):
    id: int
    email: str
    roles: list[str]
    scopes: list[str]


class DB:
    def __init__(self, path: str) -> None:
        self.path = path
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL"
                " UNIQUE COLLATE NOCASE, password_hash TEXT NOT NULL, roles TEXT NOT NULL,"
                " scopes TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def by_id(self, sub: str) -> Optional[sqlite3.Row]:
        if not sub.isdigit():
            return None
        with closing(self._connect()) as db:
            row: Optional[sqlite3.Row] = db.execute(
                "SELECT * FROM users WHERE id = ? AND active = 1", (int(sub),)
            ).fetchone()
            return row

    def by_email(self, email: str) -> Optional[sqlite3.Row]:
        with closing(self._connect()) as db:
            row: Optional[sqlite3.Row] = db.execute(
                "SELECT * FROM users WHERE email = ?", (email,)
            ).fetchone()
            return row

    def seed(self, password_hash: str) -> None:
        with closing(self._connect()) as db, db:
            for email, roles, scopes in USERS:
                db.execute(
                    "INSERT INTO users (email, password_hash, roles, scopes) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(email) DO UPDATE SET password_hash = excluded.password_hash",
                    (email, password_hash, roles, scopes),
                )

    def all(self) -> list[sqlite3.Row]:
        with closing(self._connect()) as db:
            return db.execute("SELECT * FROM users ORDER BY id").fetchall()


def create_app(secret: str, db_path: str, login_mode: str = "inline") -> FastAPI:
    db = DB(db_path)
    password_hash = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
    dummy = password_hash.hash(secrets.token_urlsafe(16))
    access_ttl, refresh_ttl = 900, 7 * 86400
    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/tokens", scopes=SCOPES)
    app = FastAPI(title="twin (PyJWT + pwdlib)")
    app.state.db = db
    app.state.password_hash = password_hash

    def verify(password: str, row: Optional[sqlite3.Row]) -> bool:
        if row is None:
            password_hash.verify(password, dummy)
            return False
        return password_hash.verify(password, row["password_hash"])

    def make_token(claims: dict[str, Any], ttl: int) -> str:
        now = datetime.now(timezone.utc)
        claims = {
            **claims,
            "iat": now,
            "exp": now + timedelta(seconds=ttl),
            "jti": secrets.token_urlsafe(16),
        }
        return jwt.encode(claims, secret, algorithm=ALGORITHM)

    def pair(sub: str, roles: list[str], scope: str, fam: str) -> Token:
        return Token(
            access_token=make_token(
                {"typ": "access", "sub": sub, "roles": roles, "scope": scope, "fam": fam},
                access_ttl,
            ),
            refresh_token=make_token(
                {"typ": "refresh", "sub": sub, "roles": roles, "scope": scope, "fam": fam},
                refresh_ttl,
            ),
            expires_in=access_ttl,
            scope=scope,
        )

    def unauthorized(security_scopes: SecurityScopes, detail: str) -> HTTPException:
        value = (
            f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
        )
        return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, {"WWW-Authenticate": value})

    async def get_current_claims(
        security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
    ) -> dict[str, Any]:
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "iat", "sub", "jti", "typ"]},
            )
        except jwt.InvalidTokenError:
            raise unauthorized(security_scopes, "Could not validate credentials") from None
        if claims.get("typ") != "access":
            raise unauthorized(security_scopes, "Could not validate credentials")
        granted = set(claims.get("scope", "").split())
        for scope in security_scopes.scopes:
            if scope not in granted:
                raise HTTPException(status.HTTP_403_FORBIDDEN, "Not enough permissions")
        return claims

    async def get_current_user(
        claims: Annotated[dict[str, Any], Depends(get_current_claims)],
    ) -> sqlite3.Row:
        row = await run_in_threadpool(db.by_id, claims["sub"])
        if row is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "Inactive user", {"WWW-Authenticate": "Bearer"}
            )
        return row

    def require_role(role: str) -> Callable[..., Awaitable[sqlite3.Row]]:
        async def dep(
            claims: Annotated[dict[str, Any], Depends(get_current_claims)],
            user: Annotated[sqlite3.Row, Depends(get_current_user)],
        ) -> sqlite3.Row:
            if not any(role in HIERARCHY.get(r, {r}) for r in claims.get("roles", [])):
                raise HTTPException(status.HTTP_403_FORBIDDEN, "Not enough permissions")
            return user

        return dep

    @app.post("/api/v1/auth/tokens", response_model=Token)
    async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
        row = await run_in_threadpool(db.by_email, form.username)
        if login_mode == "thread":
            ok = await run_in_threadpool(verify, form.password, row)
        else:  # the tutorial's way: a synchronous hash inside an async route
            ok = verify(form.password, row)
        if not ok or row is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Incorrect username or password",
                {"WWW-Authenticate": "Bearer"},
            )
        allowed = row["scopes"].split()
        granted = [s for s in form.scopes if s in allowed] if form.scopes else allowed
        return pair(
            str(row["id"]), row["roles"].split(), " ".join(granted), secrets.token_urlsafe(16)
        )

    class RefreshIn(BaseModel):
        refresh_token: str

    @app.post("/api/v1/auth/refresh", response_model=Token)
    async def refresh(body: RefreshIn) -> Token:
        try:
            claims = jwt.decode(body.refresh_token, secret, algorithms=[ALGORITHM])
        except jwt.InvalidTokenError:
            raise HTTPException(401, "Invalid refresh token") from None
        if claims.get("typ") != "refresh":
            raise HTTPException(401, "Invalid refresh token")
        return pair(claims["sub"], claims["roles"], claims["scope"], claims["fam"])

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/me", response_model=Me)
    async def me(
        user: Annotated[sqlite3.Row, Depends(get_current_user)],
        claims: Annotated[dict[str, Any], Depends(get_current_claims)],
    ) -> Me:
        return Me(
            id=user["id"],
            email=user["email"],
            roles=user["roles"].split(),
            scopes=claims.get("scope", "").split(),
        )

    @app.get("/api/v1/grades")
    def grades(
        user: Annotated[sqlite3.Row, Security(get_current_user, scopes=["grades:read"])],
    ) -> list[dict[str, Any]]:
        return []

    @app.get("/api/v1/classes")
    def classes(
        user: Annotated[sqlite3.Row, Depends(require_role("teacher"))],
    ) -> list[dict[str, Any]]:
        return [{"id": 1, "name": "Mathematics 7B", "teacher": user["email"]}]

    @app.get("/api/v1/admin/users")
    def admin_users(
        _: Annotated[sqlite3.Row, Depends(require_role("admin"))],
    ) -> list[dict[str, Any]]:
        return [{"id": r["id"], "email": r["email"]} for r in db.all()]

    return app


def seed(db_path: str, password: str) -> None:
    db = DB(db_path)
    hasher = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
    db.seed(hasher.hash(password))


def main() -> None:
    import asyncio

    import uvicorn

    secret = os.environ["TWIN_SECRET"]
    db_path = os.environ.get("TWIN_DB", "./twin.sqlite3")
    seed(db_path, os.environ["DEMO_PASSWORD"])
    app = create_app(secret, db_path, os.environ.get("TWIN_LOGIN", "inline"))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "0")),
        log_level=os.environ.get("LOG_LEVEL", "warning"),
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started:
            port = server.servers[0].sockets[0].getsockname()[1]
            print(f"twin listening on http://127.0.0.1:{port}", flush=True)
        await task

    asyncio.run(serve())
