"""Session hardening of ``authcore.fastapi``, in process over the example app (real SQLite
files): each test names the problem it guards against and fails without its fix."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from authcore.fastapi import AuthCore, AuthEvent, AuthSettings, ConfigError
from authcore.stores import MemoryStore
from fastapi import FastAPI
from fastapi_helpers import DEMO_PASSWORD, bearer, login, make_hasher

pytestmark = pytest.mark.asyncio

TOKENS = "/api/v1/auth/tokens"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
WRONG = "Tr0ub4dor&3-guess"


def demo_app(tmp_path: Path, settings: AuthSettings, **kw: Any) -> FastAPI:
    from examples.fastapi_app.app import create_app, seed
    from examples.fastapi_app.db import UserDB

    path = tmp_path / "demo.sqlite3"
    hasher = kw.pop("hasher", None) or make_hasher(1024, 1, 1)
    seed(UserDB(path), DEMO_PASSWORD, hasher, force=True)
    return create_app(settings, path, hasher, **kw)


@pytest_asyncio.fixture
async def http(tmp_path: Path, settings: AuthSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = demo_app(tmp_path, settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://demo.test"
    ) as c:
        yield c


def multipart(fields: dict[str, str], charset: str) -> tuple[bytes, dict[str, str]]:
    boundary = "authcoreboundary"
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    body += f"--{boundary}--\r\n"
    ctype = f"multipart/form-data; boundary={boundary}; charset={charset}"
    return body.encode("ascii"), {"Content-Type": ctype}


# ---- 1: lone surrogates -------------------------------------------------------------------


async def test_a_lone_surrogate_is_a_plain_401_for_known_and_unknown_users(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Was: 401 plus an ERROR log line per request for a known user, 500 for an unknown one
    (account enumeration, log flood)."""
    caplog.set_level(logging.INFO)
    cases = [
        {"username": "student@example.com", "password": "x\\ud800y"},
        {"username": "nobody@example.com", "password": "x\\ud800y"},
        {"username": "student\\udc80@example.com", "password": DEMO_PASSWORD},
    ]
    answers = []
    for fields in cases:
        body, headers = multipart(fields, "unicode_escape")
        r = await http.post(TOKENS, content=body, headers=headers)
        answers.append((r.status_code, r.json()))
    assert answers == [(401, answers[0][1])] * 3
    assert answers[0][1]["code"] == "invalid_credentials"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # A surrogate in a JSON body is a 4xx, never a 500.
    for route in (REFRESH, LOGOUT):
        r = await http.post(
            route,
            content=b'{"refresh_token": "a\\ud800b"}',
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code in (401, 422), r.text
        assert r.json()["code"] in ("malformed", "invalid_request")


# ---- 2: bounded bodies, no echo -----------------------------------------------------------


async def test_auth_bodies_are_bounded_and_validation_errors_never_echo_input(
    http: httpx.AsyncClient,
) -> None:
    """Was: a 200 MB /refresh body was read whole and echoed back in a 200 MB 422; a
    misspelled field name echoed the refresh token."""
    big = b'{"refresh_token": "' + b"a" * (100 * 1024) + b'"}'
    r = await http.post(REFRESH, content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and len(r.content) < 200
    r = await http.post(TOKENS, data={"username": "u" * (70 * 1024), "password": "p"})
    assert r.status_code == 413
    token = (await login(http, "student@example.com")).json()["refresh_token"]
    r = await http.post(REFRESH, json={"refresh_tokn": token})
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    assert token not in r.text and token[:40] not in r.text
    # The README's promise: a body that is not JSON is 400.
    r = await http.post(REFRESH, content=b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (400, "invalid_json")


# ---- 3: access tokens die with their session ------------------------------------------------


async def test_logout_stops_the_access_token_of_the_session(http: httpx.AsyncClient) -> None:
    """Was: the example app's logout left the access token working until it expired."""
    tokens = (await login(http, "student@example.com")).json()
    me = bearer(tokens["access_token"])
    assert (await http.get("/api/v1/me", headers=me)).status_code == 200
    assert (
        await http.post(LOGOUT, json={"refresh_token": tokens["refresh_token"]})
    ).status_code == 204
    r = await http.get("/api/v1/me", headers=me)
    assert (r.status_code, r.json()["code"]) == (401, "token_revoked")


# ---- 4: the client key ----------------------------------------------------------------------


def limited(tmp_path: Path, secret: str, **settings: Any) -> httpx.AsyncClient:
    s = AuthSettings(
        secret=secret,
        login_rate_client="3/min",
        login_rate_user="off",
        login_rate_account="off",
        **settings,
    )
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = demo_app(tmp_path, s)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo.test")


async def wrong_login(c: httpx.AsyncClient, user: str, xff: str | None = None) -> int:
    headers = {"X-Forwarded-For": xff} if xff else {}
    r = await c.post(TOKENS, data={"username": user, "password": WRONG}, headers=headers)
    return r.status_code


async def test_forwarded_headers_count_only_from_trusted_proxies(
    tmp_path: Path, secret: str
) -> None:
    """Was: the key was request.client.host, which a trusted proxy setup lets a client forge."""
    async with limited(tmp_path / "a", secret) as c:  # no trusted proxy: the header is ignored
        codes = [await wrong_login(c, f"u{i}", xff=f"198.51.100.{i}") for i in range(4)]
        assert codes == [401, 401, 401, 429]
    async with limited(tmp_path / "b", secret, trusted_proxies=("127.0.0.1",)) as c:
        # The proxy appends the real address; what the client wrote to its left is ignored.
        codes = [await wrong_login(c, f"u{i}", xff=f"10.9.9.{i}, 203.0.113.5") for i in range(4)]
        assert codes == [401, 401, 401, 429]
        assert await wrong_login(c, "u9", xff="203.0.113.6") == 401  # another real client


async def test_requests_without_a_client_address_are_not_one_bucket(
    tmp_path: Path, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Was: behind --uds or a proxy sending no address, every client shared one bucket and
    20 failed logins locked everyone out."""
    s = AuthSettings(secret=secret, login_rate_client="3/min")
    app = demo_app(tmp_path, s)

    async def no_address(scope: Any, receive: Any, send: Any) -> None:
        await app({**scope, "client": None}, receive, send)

    caplog.set_level(logging.WARNING, "authcore.fastapi")
    transport = httpx.ASGITransport(app=no_address)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as c:
        codes = [await wrong_login(c, f"user{i}@example.com") for i in range(8)]
        assert codes == [401] * 8
        assert (await login(c, "student@example.com")).status_code == 200
    warned = [r for r in caplog.records if "no client address" in r.getMessage()]
    assert len(warned) == 1


# ---- 8: timing of failed logins ------------------------------------------------------------


async def test_failed_logins_take_the_same_time_whatever_the_hash(
    tmp_path: Path, secret: str
) -> None:
    """Was: ~65 ms for an account with a legacy bcrypt hash, ~28 ms for Argon2id, 18-32 ms for
    an unknown user: the time told which accounts still had bcrypt hashes.

    The guarantee checked is the one that holds on any machine, however loaded: once the server
    has seen a bcrypt check, every failed login (Argon2id account, unknown user) takes at least
    the typical bcrypt check time. Comparing wall-clock medians of the three kinds instead is
    at the mercy of the machine's load."""
    s = AuthSettings(
        secret=secret, login_rate_client="off", login_rate_user="off", login_rate_account="off"
    )
    app = demo_app(tmp_path, s, hasher=make_hasher(4096, 1, 1))  # Argon2 cheaper than bcrypt
    auth = app.state.authcore
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as c:
        before = auth.login_time_floor()  # the dummy check made at start-up
        for _ in range(3):
            await wrong_login(c, "legacy@example.com")  # the server has now seen bcrypt checks
        floor = auth.login_time_floor()
        assert floor > before
        for _ in range(3):
            for user in ("student@example.com", "x@y.z"):  # Argon2id account, unknown user
                started = time.perf_counter()
                assert await wrong_login(c, user) == 401
                elapsed = time.perf_counter() - started
                # the cheap checks never lower the floor the bcrypt checks set
                assert auth.login_time_floor() >= floor
                assert elapsed >= floor - 0.001, (user, elapsed, floor)


# ---- 9: malformed scopes ---------------------------------------------------------------------


async def test_a_scope_request_of_malformed_names_is_invalid_scope(http: httpx.AsyncClient) -> None:
    """Was: a request made only of malformed names granted every scope of the account."""
    for scope in ('"', "grades:read \\bad", 'a"b'):
        r = await login(http, "teacher@example.com", scope=scope)
        assert (r.status_code, r.json()["code"]) == (400, "invalid_scope"), scope
    r = await login(http, "teacher@example.com", scope="grades:read")
    assert r.json()["scope"] == "grades:read"


# ---- 10: placeholder secrets -----------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        "your-256-bit-secret-your-256-bit",
        "0123456789abcdef0123456789abcdef",
        "changeme-changeme-changeme-12345",
        "abcdefghabcdefghabcdefghabcdefgh",
        "abcdefghijklmnopqrstuvwxyz012345",
    ],
)
async def test_placeholder_and_sequence_secrets_are_refused(secret: str) -> None:
    """Was: these passed the strength check (32 bytes, 8+ distinct bytes)."""
    with pytest.raises(ConfigError) as e:
        AuthSettings(secret=secret)
    assert secret not in str(e.value)
    with pytest.raises(ConfigError):
        AuthSettings.from_env({"AUTHCORE_SECRET": secret})


# ---- no store: said at start-up -------------------------------------------------------------


async def test_without_a_store_start_up_says_logout_revokes_nothing(secret: str) -> None:
    auth = AuthCore(AuthSettings(secret=secret), load_credentials=lambda u: None)
    app = FastAPI()
    auth.install(app)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with app.router.lifespan_context(app):
            pass
    assert any("revokes nothing" in str(w.message) for w in caught)


# ---- logout everywhere, sessions ----------------------------------------------------------


async def test_logout_all_ends_every_session_of_the_user(http: httpx.AsyncClient) -> None:
    phone = (await login(http, "student@example.com")).json()
    laptop = (await login(http, "student@example.com")).json()
    other = (await login(http, "teacher@example.com")).json()
    r = await http.post("/api/v1/auth/logout-all", headers=bearer(phone["access_token"]))
    assert r.status_code == 204
    for t in (phone, laptop):
        r = await http.post(REFRESH, json={"refresh_token": t["refresh_token"]})
        assert (r.status_code, r.json()["code"]) == (401, "token_revoked")
        r = await http.get("/api/v1/me", headers=bearer(t["access_token"]))
        assert (r.status_code, r.json()["code"]) == (401, "token_revoked")
    assert (await http.get("/api/v1/me", headers=bearer(other["access_token"]))).status_code == 200
    again = (await login(http, "student@example.com")).json()
    assert (await http.get("/api/v1/me", headers=bearer(again["access_token"]))).status_code == 200


async def test_sessions_are_listed_and_can_be_ended_one_by_one(http: httpx.AsyncClient) -> None:
    a = (
        await http.post(
            TOKENS,
            data={"username": "student@example.com", "password": DEMO_PASSWORD},
            headers={"User-Agent": "phone/1.0"},
        )
    ).json()
    b = (await login(http, "student@example.com")).json()
    await http.post(REFRESH, json={"refresh_token": a["refresh_token"]})
    r = await http.get("/api/v1/auth/sessions", headers=bearer(b["access_token"]))
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    rows = r.json()
    assert len(rows) == 2 and [x["current"] for x in rows].count(True) == 1
    phone = next(x for x in rows if x["user_agent"] == "phone/1.0")
    assert phone["last_used"] >= phone["created"] > 0
    r = await http.delete(f"/api/v1/auth/sessions/{phone['id']}", headers=bearer(b["access_token"]))
    assert r.status_code == 204
    assert (await http.get("/api/v1/me", headers=bearer(a["access_token"]))).status_code == 401
    left = (await http.get("/api/v1/auth/sessions", headers=bearer(b["access_token"]))).json()
    assert [x["id"] for x in left] == [x["id"] for x in rows if x["id"] != phone["id"]]
    # Another user's session id is not found, and not ended.
    t = (await login(http, "teacher@example.com")).json()
    r = await http.delete(
        f"/api/v1/auth/sessions/{left[0]['id']}", headers=bearer(t["access_token"])
    )
    assert (r.status_code, r.json()["code"]) == (404, "session_not_found")


# ---- audit events ---------------------------------------------------------------------------


async def test_events_cover_the_session_lifecycle_and_never_carry_a_secret(
    tmp_path: Path, secret: str
) -> None:
    events: list[AuthEvent] = []
    s = AuthSettings(secret=secret, login_rate_user="2/min", refresh_grace=0)
    app = demo_app(tmp_path, s, on_event=events.append)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as c:
        legacy = (await login(c, "legacy@example.com")).json()  # re-hashed to Argon2id
        r1 = legacy["refresh_token"]
        r2 = (await c.post(REFRESH, json={"refresh_token": r1})).json()["refresh_token"]
        await c.post(REFRESH, json={"refresh_token": r1})  # reuse
        t = (await login(c, "student@example.com")).json()
        await c.post(LOGOUT, json={"refresh_token": t["refresh_token"]})
        t = (await login(c, "student@example.com")).json()
        await c.post("/api/v1/auth/logout-all", headers=bearer(t["access_token"]))
        for _ in range(3):
            await wrong_login(c, "admin@example.com")
        await wrong_login(c, "ghost@example.com")
        await app.state.authcore.sessions.store.close()
        await wrong_login(c, "admin@example.com")  # store closed: 503
    kinds = [e.kind for e in events]
    for kind in (
        "login_succeeded",
        "password_rehashed",
        "refresh_rotated",
        "refresh_reused",
        "logout",
        "logout_all",
        "login_failed",
        "login_rate_limited",
        "store_unavailable",
    ):
        assert kind in kinds, kind
    reasons = {e.reason for e in events if e.kind == "login_failed"}
    assert reasons == {"wrong_password", "unknown_user"}
    reused = next(e for e in events if e.kind == "refresh_reused")
    assert reused.subject and reused.family and reused.time > 0
    text = json.dumps([e.as_dict() for e in events])
    for secret_text in (DEMO_PASSWORD, WRONG, r1, r2, legacy["access_token"], secret):
        assert secret_text not in text


async def test_the_default_event_sink_writes_one_json_line(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "authcore.audit")
    await login(http, "student@example.com")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "authcore.audit"]
    event = json.loads(line)
    assert event["event"] == "login_succeeded" and event["subject"] and event["family"]


async def test_memory_store_readiness_follows_the_store(secret: str) -> None:
    store = MemoryStore()
    auth = AuthCore(AuthSettings(secret=secret), store=store, on_event=None)
    assert await auth.ready()
    await store.close()
    assert not await auth.ready()
    await asyncio.sleep(0)


# ---- cookie mode ----------------------------------------------------------------------------

CSRF = {"X-Authcore-CSRF": "1"}


@pytest_asyncio.fixture
async def browser(tmp_path: Path, secret: str) -> AsyncIterator[httpx.AsyncClient]:
    app = demo_app(tmp_path, AuthSettings(secret=secret, cookie_mode=True, refresh_grace=0))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://demo.test"
    ) as c:
        yield c


async def test_cookie_mode_keeps_the_refresh_token_out_of_reach_of_scripts(
    browser: httpx.AsyncClient,
) -> None:
    creds = {"username": "student@example.com", "password": DEMO_PASSWORD}
    r = await browser.post(TOKENS, data=creds, headers=CSRF)
    assert r.status_code == 200
    body = r.json()
    assert "refresh_token" not in body and body["access_token"]
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Secure-authcore_refresh=")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/api/v1/auth"):
        assert attribute.lower() in cookie.lower(), attribute
    # Silent refresh: the cookie alone, rotated on each use.
    first = browser.cookies.get("__Secure-authcore_refresh")
    r = await browser.post(REFRESH, headers=CSRF)
    assert r.status_code == 200 and "refresh_token" not in r.json()
    assert browser.cookies.get("__Secure-authcore_refresh") != first
    me = await browser.get("/api/v1/me", headers=bearer(r.json()["access_token"]))
    assert me.status_code == 200
    # Logout ends the session and clears the cookie.
    assert (await browser.post(LOGOUT, headers=CSRF)).status_code == 204
    assert browser.cookies.get("__Secure-authcore_refresh") is None
    r = await browser.post(REFRESH, headers=CSRF)
    assert (r.status_code, r.json()["code"]) == (401, "not_authenticated")


async def test_cookie_mode_refuses_cross_site_requests(browser: httpx.AsyncClient) -> None:
    creds = {"username": "student@example.com", "password": DEMO_PASSWORD}
    assert (await browser.post(TOKENS, data=creds, headers=CSRF)).status_code == 200
    # A form on another site can send the cookie (were SameSite not honoured) but no header.
    for headers in (
        {},
        {**CSRF, "Origin": "https://evil.example"},
        {**CSRF, "Sec-Fetch-Site": "cross-site"},
    ):
        for route in (REFRESH, LOGOUT, TOKENS):
            r = await browser.post(route, headers=headers, data=creds if route == TOKENS else None)
            assert (r.status_code, r.json()["code"]) == (403, "csrf_failed"), (route, headers)
    # The session survived all of it.
    r = await browser.post(REFRESH, headers={**CSRF, "Origin": "https://demo.test"})
    assert r.status_code == 200
    # A same-origin login without the header (the docs' Authorize button) is let through;
    # refresh and logout, which use the cookie, still need the header.
    own = {"Origin": "https://demo.test"}
    assert (await browser.post(TOKENS, data=creds, headers=own)).status_code == 200
    r = await browser.post(REFRESH, headers=own)
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")


async def test_min_login_time_pads_even_the_first_failed_login(secret: str) -> None:
    auth = AuthCore(
        AuthSettings(secret=secret), load_credentials=lambda u: None, min_login_time=0.3
    )
    app = FastAPI()
    auth.install(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        started = time.perf_counter()
        assert await wrong_login(c, "nobody@example.com") == 401
        assert time.perf_counter() - started >= 0.3
