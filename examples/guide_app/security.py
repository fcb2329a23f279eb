"""The guide's "Core Concepts" (password hashing, JWT tokens) as it writes them.

Changed from the guide: the two imports marked ``# authcore``, and ``SECRET_KEY``, which the
guide says to load from the environment in production — authcore refuses secrets shorter than
32 bytes, so its placeholder ``"your-secret-key"`` cannot be used.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any, Optional

from authcore.compat.jose import JWTError, jwt  # authcore (was: from jose import jwt, JWTError)
from authcore.compat.passlib import CryptContext  # authcore (was: from passlib.context import …)

# --- 1. Password Hashing --------------------------------------------------------------------

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return pwd_context.hash(password)


def verify_password(plain_password: str, hashed_password: str) -> bool:
    """Verify a password against a hash."""
    return pwd_context.verify(plain_password, hashed_password)


# --- 2. JWT Tokens --------------------------------------------------------------------------

SECRET_KEY = os.environ["SECRET_KEY"]  # Load from env in production (>= 32 bytes)
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 60


def create_access_token(data: dict[str, Any], expires_delta: Optional[timedelta] = None) -> str:
    """Create a JWT access token."""
    to_encode = data.copy()
    expire = datetime.utcnow() + (expires_delta or timedelta(minutes=15))  # noqa: DTZ003 (the guide's line; naive UTC, read as UTC)
    to_encode.update({"exp": expire})
    return jwt.encode(to_encode, SECRET_KEY, algorithm=ALGORITHM)


def decode_token(token: str) -> Optional[dict[str, Any]]:
    """Decode and validate a JWT token."""
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        return payload
    except JWTError:
        return None
