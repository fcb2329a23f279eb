"""The bearer token of a request, read by the core (``authcore::bearer``) and verified in the
same call (``AuthCore.verify_bearer``), against FastAPI's own ``OAuth2PasswordBearer``: an app
moving to authcore answers every ``Authorization`` header the way it did."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from authcore import _authcore
from authcore.fastapi import AccessClaims, AuthCore, AuthSettings
from authcore.fastapi.errors import AuthHTTPException
from fastapi.security import OAuth2PasswordBearer
from fastapi_helpers import access_claims, mint
from starlette.requests import Request

SCHEMES = ["Bearer", "bearer", "BEARER", "bEaReR", "Basic", "Bearer:", "Bear", "", "\xa0Bearer"]
SEPARATORS = [" ", "  ", "\t", " \t", " \xa0", " \x1c", " \x85", " \x0b", "", "\x00 "]
ENDINGS = ["", " ", "\t\r", "\xa0", "\x85", "\x1f", " x", "\x00", "é"]


def request(headers: list[tuple[bytes, bytes]]) -> Request:
    return Request({"type": "http", "headers": headers})


async def fastapi_reads(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token FastAPI's OAuth2PasswordBearer hands a route; ``""`` counts as none (as
    authcore always treated it: no credentials, 401 without an error code)."""
    token = await OAuth2PasswordBearer(tokenUrl="token", auto_error=False)(request(headers))
    return token or None


@pytest.fixture
def auth(secret: str) -> AuthCore:
    return AuthCore(AuthSettings(secret=secret))


@pytest.fixture
def token(auth: AuthCore) -> str:
    body, _ = auth.issue_pair("ada", ["student"], [])
    return body.access_token


@pytest.mark.asyncio
async def test_every_header_reads_as_fastapi_reads_it(auth: AuthCore, token: str) -> None:
    """Scheme × separator × token × ending: where FastAPI finds the valid token, authcore
    verifies it; where FastAPI finds none, authcore says none; where FastAPI finds something
    else, authcore rejects it as a token (401 with a code)."""
    seen = {"valid": 0, "none": 0, "rejected": 0}
    for scheme, sep, body, end in itertools.product(SCHEMES, SEPARATORS, [token, "", "x"], ENDINGS):
        value = (scheme + sep + body + end).encode("latin-1")
        headers = [(b"host", b"api.test"), (b"authorization", value)]
        expected = await fastapi_reads(headers)
        if expected == token:
            claims = auth.verify_bearer(headers)
            assert claims is not None and claims.sub == "ada", value
            seen["valid"] += 1
        elif expected is None:
            assert auth.verify_bearer(headers) is None, value
            seen["none"] += 1
        else:
            with pytest.raises(AuthHTTPException) as err:
                auth.verify_bearer(headers)
            assert err.value.status_code == 401, value
            assert err.value.code != "not_authenticated", value
            seen["rejected"] += 1
    assert all(n > 50 for n in seen.values()), seen


@pytest.mark.asyncio
async def test_the_first_authorization_header_counts(auth: AuthCore, token: str) -> None:
    good, bad = f"Bearer {token}".encode(), b"Bearer not.a.token"
    for headers in (
        [(b"authorization", good), (b"authorization", bad)],
        [(b"authorization", bad), (b"authorization", good)],
        [(b"authorization", b"Basic dTpw"), (b"authorization", good)],
        [(b"x-authorization", good)],
        [(b"Authorization", good)],  # ASGI names are lower case; Starlette misses this too
        [],
    ):
        expected = await fastapi_reads(headers)
        if expected == token:
            assert auth.verify_bearer(headers) is not None
        elif expected is None:
            assert auth.verify_bearer(headers) is None
        else:
            with pytest.raises(AuthHTTPException):
                auth.verify_bearer(headers)


def test_the_same_verdict_as_verify_access(auth: AuthCore, secret: str) -> None:
    """The header is only read: every check is verify_access's, with its codes."""
    now = int(time.time())
    cases: dict[str, str] = {
        "valid": mint(secret, access_claims("7")),
        "expired": mint(secret, access_claims("7", exp=now - 3600, iat=now - 7200)),
        "forged": mint("another secret that is also 48 characters long!!", access_claims("7")),
        "refresh": mint(secret, access_claims("7", typ="refresh", fam="f" * 32)),
        "garbage": "abc.def.ghi",
    }
    for name, tok in cases.items():
        headers = [(b"authorization", b"Bearer " + tok.encode())]
        try:
            expected: Any = auth.verify_access(tok)
        except AuthHTTPException as exc:
            expected = (exc.status_code, exc.code)
        try:
            got: Any = auth.verify_bearer(headers)
        except AuthHTTPException as exc:
            got = (exc.status_code, exc.code)
        assert got == expected, name
    assert isinstance(
        auth.verify_bearer([(b"authorization", b"Bearer " + cases["valid"].encode())]), AccessClaims
    )


def test_headers_as_asgi_servers_give_them(auth: AuthCore, token: str) -> None:
    """Lists or tuples of pairs, each pair a tuple or a list; anything else is a TypeError."""
    value = f"Bearer {token}".encode()
    keys, policy, now = auth.keys_at(int(time.time())), auth.policy, int(time.time())
    for headers in (
        [(b"authorization", value)],
        ((b"authorization", value),),
        [[b"authorization", value]],
        iter([(b"authorization", value)]),
    ):
        assert _authcore.verify_bearer(headers, keys, policy, now) is not None
    bad: Any
    for bad in (
        [(b"authorization",)],
        [(b"authorization", value, b"")],
        [("authorization", value)],
        [(b"authorization", value.decode())],
        [b"authorization: " + value],
        None,
        5,
    ):
        with pytest.raises(TypeError):
            _authcore.verify_bearer(bad, keys, policy, now)
