"""The guide's four authentication patterns, as it writes them, on authcore.

The guide leaves ``User`` and ``user_repository`` to the reader: here they are a dataclass and
an in-memory store seeded with bcrypt hashes (what a passlib service has in its database). One
step is added to the login, passlib's own migration idiom: after a successful verify, a hash
that ``needs_update`` (every bcrypt hash) is replaced by ``hash_password``, so users move to
Argon2id at their next login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

import bcrypt
from fastapi import APIRouter, Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel

from .security import create_access_token, decode_token, hash_password, pwd_context, verify_password


@dataclass
class User:
    id: int
    email: str
    role: str
    password_hash: str


class UserRepository:
    """In-memory users (the guide's ``user_repository``)."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}

    async def find_by_email(self, email: str) -> Optional[User]:
        return next((u for u in self.users.values() if u.email == email), None)

    async def find_by_id(self, user_id: int) -> Optional[User]:
        return self.users.get(user_id)

    def add(self, email: str, role: str, password_hash: str) -> User:
        user = User(len(self.users) + 1, email, role, password_hash)
        self.users[user.id] = user
        return user


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash as passlib's ``CryptContext(schemes=["bcrypt"])`` stored it."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(12)).decode()


user_repository = UserRepository()

# --- Pattern 1: OAuth2 Password Bearer (Login Endpoint) -------------------------------------

router = APIRouter()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/tokens")


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class TokenData(BaseModel):
    user_id: int
    role: str


@router.post("/tokens", response_model=Token)
async def login(form_data: OAuth2PasswordRequestForm = Depends()) -> Token:
    """
    OAuth2 compatible token login.
    Returns JWT access token.
    """
    # 1. Find user by email
    user = await user_repository.find_by_email(form_data.username)
    if not user:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )

    # 2. Verify password
    if not verify_password(form_data.password, user.password_hash):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid credentials",
        )
    # (added) passlib's migration step: bcrypt hashes become Argon2id at login.
    if pwd_context.needs_update(user.password_hash):
        user.password_hash = hash_password(form_data.password)

    # 3. Create token
    access_token = create_access_token(data={"sub": str(user.id), "role": user.role})

    return Token(access_token=access_token)


# --- Pattern 2: Current User Dependency ------------------------------------------------------


async def get_current_user(token: str = Depends(oauth2_scheme)) -> User:
    """
    Dependency to get current authenticated user from JWT token.
    Usage:
        @router.get("/me")
        async def get_me(user: User = Depends(get_current_user)):
            return user
    """
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )

    payload = decode_token(token)
    if payload is None:
        raise credentials_exception

    user_id = payload.get("sub")
    if user_id is None:
        raise credentials_exception

    user = await user_repository.find_by_id(int(user_id))
    if user is None:
        raise credentials_exception

    return user


# --- Pattern 3: Role-Based Access Control (RBAC) ---------------------------------------------


def require_role(*allowed_roles: str):  # type: ignore[no-untyped-def]  # the guide's signature
    """
    Dependency factory for role-based access control.
    Usage:
        @router.get("/admin-only")
        async def admin_endpoint(user: User = Depends(require_role("admin"))):
            ...
    """

    async def role_checker(user: User = Depends(get_current_user)) -> User:
        if user.role not in allowed_roles:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=f"Role '{user.role}' not authorized for this resource",
            )
        return user

    return role_checker


# Usage examples
require_teacher = require_role("teacher", "admin")
require_admin = require_role("admin")

# --- Pattern 4: Token Refresh -----------------------------------------------------------------

REFRESH_TOKEN_EXPIRE_DAYS = 7


def create_refresh_token(user_id: int) -> str:
    """Create a longer-lived refresh token."""
    return create_access_token(
        data={"sub": str(user_id), "type": "refresh"},
        expires_delta=timedelta(days=REFRESH_TOKEN_EXPIRE_DAYS),
    )


@router.post("/refresh", response_model=Token)
async def refresh_token(refresh_token: str) -> Token:
    """Exchange refresh token for new access token."""
    payload = decode_token(refresh_token)
    if not payload or payload.get("type") != "refresh":
        raise HTTPException(status_code=401, detail="Invalid refresh token")

    user_id = payload.get("sub")
    new_access_token = create_access_token(data={"sub": user_id})

    return Token(access_token=new_access_token)


# --- the application ---------------------------------------------------------------------------

app = FastAPI(title="The FastAPI auth patterns guide on authcore")
app.include_router(router, prefix="/api/v1/auth")


@app.get("/api/v1/me")
async def get_me(user: User = Depends(get_current_user)) -> dict[str, object]:
    return {"id": user.id, "email": user.email, "role": user.role}


@app.get("/api/v1/grades")
async def grades(user: User = Depends(require_teacher)) -> dict[str, object]:
    return {"grades": [], "by": user.email}


@app.get("/api/v1/admin/users")
async def admin_users(user: User = Depends(require_admin)) -> list[str]:
    return [u.email for u in user_repository.users.values()]
