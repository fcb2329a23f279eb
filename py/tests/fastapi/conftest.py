"""Fixtures for the FastAPI integration and the example app."""

from __future__ import annotations

import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import pytest_asyncio

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the example app lives in examples/fastapi_app
    sys.path.insert(0, str(ROOT))

from authcore.fastapi import AuthSettings
from fastapi_helpers import DEMO_PASSWORD, make_hasher

if TYPE_CHECKING:
    from fastapi_helpers import Demo


@pytest.fixture
def secret() -> str:
    return secrets.token_urlsafe(48)


@pytest.fixture
def settings(secret: str) -> AuthSettings:
    # No grace window: these tests present a spent refresh token again at once and expect
    # reuse detection; the grace window has tests of its own.
    return AuthSettings(secret=secret, refresh_grace=0)


@pytest.fixture
def demo(tmp_path: Path, settings: AuthSettings) -> Demo:
    """The example app on a fresh SQLite file, demo users seeded with ``DEMO_PASSWORD``."""
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    path = tmp_path / "demo.sqlite3"
    hasher = make_hasher()
    db = UserDB(path)
    seed(db, DEMO_PASSWORD, hasher, force=True)
    app = create_app(settings, path, hasher)
    return app, db


@pytest_asyncio.fixture
async def client(demo: Demo) -> AsyncIterator[httpx.AsyncClient]:
    app, _ = demo
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as c:
        yield c
