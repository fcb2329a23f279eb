"""The benchmarks' apps answer what the benchmarks expect (so a benchmark never measures a 422):
the PyJWT + pwdlib twin of the example app, and the three-route app of
``bench/auth_overhead.py``. Behaviour only; the timing lives in ``bench/``."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

pytestmark = pytest.mark.asyncio


async def test_twin_app_serves_me_to_a_logged_in_user(tmp_path: Path) -> None:
    from bench.twin_app.app import create_app, seed

    db = str(tmp_path / "twin.sqlite3")
    seed(db, "twin password")
    app = create_app(secrets.token_urlsafe(48), db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post(
            "/api/v1/auth/tokens",
            data={"username": "student@example.com", "password": "twin password"},
        )
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        r = await c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        assert r.json()["email"] == "student@example.com"


@pytest.mark.parametrize("store", ["memory", "sqlite"])
async def test_auth_overhead_app_routes_all_answer_the_same_body(store: str) -> None:
    from bench.auth_overhead import build_app

    app = build_app(secrets.token_urlsafe(48), revocation=store)
    for start in app.state.startup:
        await start()
    token = app.state.tokens["authcore"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await c.get("/noauth/me")).json() == {"sub": "student"}
        for path in ("/guide/me", "/authcore/me", "/authcore/user", "/authcore/scoped"):
            r = await c.get(path, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, (path, r.text)
            assert r.json() == {"sub": "student"}
            assert (await c.get(path)).status_code == 401, path
        revocable = app.state.tokens["revocation"]
        r = await c.get("/revocation/me", headers={"Authorization": f"Bearer {revocable}"})
        assert r.status_code == 200, r.text
        # the route does ask its store: once the session ends, its access token is refused
        claims = app.state.revocation_auth.verify_access(revocable)
        await app.state.revocation_auth.sessions.revoke_family(fam=claims.fam)
        r = await c.get("/revocation/me", headers={"Authorization": f"Bearer {revocable}"})
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "token_revoked"


async def test_auth_overhead_dispatch_finds_every_route_first_and_serves_it() -> None:
    from bench.auth_overhead import build_dispatch

    app, copies = build_dispatch(secrets.token_urlsafe(48), revocation="memory")
    for path, copy in copies.items():
        assert copy.router.routes[0].path == path
        for start in copy.state.startup:
            await start()
    token = copies["/authcore/me"].state.tokens["authcore"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for path in copies:
            tok = copies[path].state.tokens["revocation" if "revocation" in path else "authcore"]
            headers = {} if path == "/noauth/me" else {"Authorization": f"Bearer {tok}"}
            r = await c.get(path, headers=headers)
            assert r.status_code == 200, (path, r.text)
            assert r.json() == {"sub": "student"}
        # a token of one copy verifies in the others (one secret): the bench sends one token
        r = await c.get("/authcore/user", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200


async def test_mixed_mode_times_each_request_by_route() -> None:
    """``--mixed``'s server side: every request's time lands on its route (with ``+header``
    when it carried a token), none overlaps, and the stats start over once read."""
    from bench.auth_overhead import build_dispatch, timed

    app, copies = build_dispatch(secrets.token_urlsafe(48), revocation=None)
    token = copies["/authcore/me"].state.tokens["authcore"]
    served = timed(app)
    bearer = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=served), base_url="http://t"
    ) as c:
        for _ in range(3):
            assert (await c.get("/noauth/me")).status_code == 200
            assert (await c.get("/noauth/me", headers=bearer)).status_code == 200
            assert (await c.get("/authcore/me", headers=bearer)).status_code == 200
        doc = (await c.get("/__stats")).json()
        assert doc["overlaps"] == 0
        counts = {k: n for k, (ns, n) in doc["routes"].items() if ns > 0}
        assert counts == {"/noauth/me": 3, "/noauth/me+header": 3, "/authcore/me+header": 3}
        assert (await c.get("/__stats")).json()["routes"] == {}
