"""The example app's user database when several workers open a new file at once (uvicorn
``--workers``, or two instances started together): each must come up, none may fail with
"database is locked" (SQLite answers a process racing another through the switch to WAL at
once, without its busy wait; seen as a failed start in the test suite, 6 of 240 openings)."""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from examples.fastapi_app.db import UserDB

WORKERS = 4
ROUNDS = 40


def open_db(path: str, start: Barrier, answers: Any) -> None:
    start.wait()
    try:
        UserDB(path)
        answers.put("ok")
    except Exception as exc:  # noqa: BLE001 — reported to the test
        answers.put(repr(exc))


@pytest.mark.skipif(sys.platform != "linux", reason="forks the test process")
def test_workers_opening_a_new_user_database_together_all_start(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    failures: list[str] = []
    for n in range(ROUNDS):
        path = str(tmp_path / f"users-{n}.sqlite3")
        start, answers = ctx.Barrier(WORKERS), ctx.Queue()
        procs = [ctx.Process(target=open_db, args=(path, start, answers)) for _ in range(WORKERS)]
        for p in procs:
            p.start()
        results = [answers.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        failures += [r for r in results if r != "ok"]
        assert UserDB(path).get_credentials("nobody@example.com") is None  # the schema is there
    assert failures == []
