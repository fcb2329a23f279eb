"""Configuration: store URLs, rate strings, session policies."""

from __future__ import annotations

from pathlib import Path

import pytest
from authcore.exceptions import InvalidParamsError
from authcore.stores import (
    DEFAULT_LOGIN_PER_CLIENT,
    MemoryStore,
    RedisStore,
    SessionPolicy,
    SQLiteStore,
    parse_quota,
    store_from_url,
)


@pytest.mark.asyncio
async def test_store_from_url(tmp_path: Path, redis_url: str) -> None:
    assert isinstance(store_from_url("memory://"), MemoryStore)
    s = store_from_url(f"sqlite:///{tmp_path}/a.db")  # absolute: sqlite:////tmp/...
    assert isinstance(s, SQLiteStore) and s.path == f"{tmp_path}/a.db"
    await s.close()
    r = store_from_url(redis_url)
    assert isinstance(r, RedisStore)
    await r.ping()
    await r.close()
    for bad in ["", "sqlite://", "sqlite:///", "postgres://x", "memory:/"]:
        with pytest.raises(ValueError):
            store_from_url(bad)


def test_parse_quota() -> None:
    assert (parse_quota("5/min").burst, parse_quota("5/min").period_ms) == (5, 12_000)
    q = parse_quota("100/hour, burst=20")
    assert (q.burst, q.period_ms) == (20, 36_000)
    assert parse_quota(" 10 / s ").period_ms == 100
    for bad in ["", "5", "5/day", "-1/s", "5/min burst 3", "0/s"]:
        with pytest.raises((ValueError, InvalidParamsError)):
            parse_quota(bad)


def test_policy_is_validated_by_the_core() -> None:
    for args in [(0, 10), (11, 10), (60, 600, 60)]:
        with pytest.raises(InvalidParamsError):
            SessionPolicy(*args)


def test_login_limits_from_the_environment() -> None:
    import secrets

    from authcore.fastapi import AuthCore, AuthSettings, ConfigError

    env = {
        "AUTHCORE_SECRET": secrets.token_urlsafe(48),
        "AUTHCORE_STORE": "memory://",
        "AUTHCORE_LOGIN_RATE_CLIENT": "off",
        "AUTHCORE_LOGIN_RATE_USER": "7/min, burst=2",
    }
    sessions = AuthCore(AuthSettings.from_env(env)).sessions
    assert sessions is not None and sessions.login_per_client is None
    assert sessions.login_per_user is not None
    assert (sessions.login_per_user.burst, sessions.login_per_user.period_ms) == (2, 8_572)
    # Unset: the stores' defaults.
    defaults = AuthCore(AuthSettings.from_env({**env, "AUTHCORE_LOGIN_RATE_CLIENT": ""})).sessions
    assert defaults is not None and defaults.login_per_client == DEFAULT_LOGIN_PER_CLIENT
    for bad in ["5", "0/s", "5/fortnight"]:
        with pytest.raises(ConfigError):
            AuthSettings.from_env({**env, "AUTHCORE_LOGIN_RATE_USER": bad})
