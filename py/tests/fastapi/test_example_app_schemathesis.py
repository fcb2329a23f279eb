"""Property-based API testing of the example app from its own OpenAPI schema (schemathesis).

Every operation gets generated inputs, valid and invalid, sent as an anonymous caller, a
student and an admin. No input may produce a 5xx, and every answer must match the schema:
documented status codes, content types, headers and bodies. Bounded: a few dozen examples per
operation (``SCHEMATHESIS_MAX_EXAMPLES``).
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from authcore.fastapi import AuthSettings
from fastapi_helpers import DEMO_PASSWORD, make_hasher
from hypothesis import HealthCheck, Phase, settings

from examples.fastapi_app.app import create_app, seed
from examples.fastapi_app.db import UserDB

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30"))

# schemathesis' pytest integration needs the schema when the module is collected (its
# fixture-based loader does not support this pytest), so the app is built here, once.
_tmp = Path(tempfile.mkdtemp(prefix="authcore-schemathesis-"))
atexit.register(shutil.rmtree, _tmp, True)
_hasher = make_hasher(m_cost=1024, t_cost=1)
_db = UserDB(_tmp / "demo.sqlite3")
seed(_db, DEMO_PASSWORD, _hasher, force=True)
# Login limits off here, so generated logins reach password verification; the CLI run below
# keeps the defaults (and meets the documented 429).
_settings = AuthSettings(
    secret=secrets.token_urlsafe(48), login_rate_client="off", login_rate_user="off"
)
APP = create_app(_settings, _tmp / "demo.sqlite3", _hasher)


def _headers(who: str) -> dict[str, str]:
    creds = _db.get_credentials(f"{who}@example.com")
    assert creds is not None
    body, _ = APP.state.authcore.issue_pair(creds.subject, creds.roles, creds.scopes)
    return {"Authorization": f"Bearer {body.access_token}"}


CALLERS = [{}, _headers("student"), _headers("admin")]

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    for headers in CALLERS:
        case.call_and_validate(headers=headers)


def test_schemathesis_cli_against_uvicorn(tmp_path: Path) -> None:
    """The `st` command line, every check, coverage and fuzzing phases, on the real server
    (as an admin: every operation reachable)."""
    import subprocess
    import sys

    import httpx
    from fastapi_helpers import Output, start_demo

    password = "st run " + secrets.token_hex(4)
    proc = start_demo(
        {
            "AUTHCORE_SECRET": secrets.token_urlsafe(48),
            "DEMO_PASSWORD": password,
            "LOG_LEVEL": "warning",
        },
        tmp_path,
    )
    out = Output(proc)
    try:
        base = out.wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
        r = httpx.post(
            f"{base}/api/v1/auth/tokens",
            data={"username": "admin@example.com", "password": password},
        )
        token = r.json()["access_token"]
        # A body over the auth routes' 64 KiB limit is refused with 413 before it is read.
        (tmp_path / "schemathesis.toml").write_text(
            "[checks.negative_data_rejection]\n"
            'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", '
            '"415", "422", "428", "429", "5xx"]\n'
        )
        st = Path(sys.executable).with_name("st")
        run = subprocess.run(
            [
                str(st),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                "--phases",
                "coverage,fuzzing",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                "1",
                "-w",
                "1",
                "--continue-on-failure",
                "-H",
                f"Authorization: Bearer {token}",
            ],
            cwd=tmp_path,  # st writes a .schemathesis/ cache into its working directory
            check=False,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
