"""The demo as `make demo` starts it: a real uvicorn process on an ephemeral loopback port."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import httpx
import pytest
from fastapi_helpers import Output
from fastapi_helpers import start_demo as start


def test_demo_under_uvicorn(tmp_path: Path) -> None:
    secret = secrets.token_urlsafe(48)
    password = "demo pass " + secrets.token_hex(4)
    proc = start({"AUTHCORE_SECRET": secret, "DEMO_PASSWORD": password}, tmp_path)
    out = Output(proc)
    try:
        base = out.wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
        out.wait_for(r"curl -s " + re.escape(base) + "/api/v1/auth/tokens")
        assert (tmp_path / "demo.sqlite3").exists()
        with httpx.Client(base_url=base, timeout=30) as c:
            r = c.post(
                "/api/v1/auth/tokens", data={"username": "admin@example.com", "password": password}
            )
            assert r.status_code == 200, r.text
            tokens = r.json()
            auth = {"Authorization": f"Bearer {tokens['access_token']}"}
            assert c.get("/api/v1/me", headers=auth).json()["email"] == "admin@example.com"
            assert c.get("/api/v1/admin/users", headers=auth).status_code == 200
            assert c.get("/api/v1/me").status_code == 401
            r = c.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            assert r.status_code == 200
            legacy = c.post(
                "/api/v1/auth/tokens", data={"username": "legacy@example.com", "password": password}
            )
            assert legacy.status_code == 200
            assert c.get("/docs").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = out.text()
    for needle in (
        secret,
        tokens["access_token"],
        tokens["refresh_token"],
        r.json()["access_token"],
    ):
        assert needle not in log


def test_demo_generates_and_prints_a_password(tmp_path: Path) -> None:
    proc = start({"AUTHCORE_DEV": "1"}, tmp_path)
    out = Output(proc)
    try:
        base = out.wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
        password = out.wait_for(r"demo users, password (\S+):").group(1)
        assert "AUTHCORE_DEV=1" in out.text()  # the loud dev-mode warning
        r = httpx.post(
            f"{base}/api/v1/auth/tokens",
            data={"username": "student@example.com", "password": password},
        )
        assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("env", [{}, {"AUTHCORE_SECRET": "too-short"}])
def test_demo_refuses_to_start_without_a_strong_secret(tmp_path: Path, env: dict[str, str]) -> None:
    proc = start(env, tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "AUTHCORE_SECRET" in out and "too-short" not in out
