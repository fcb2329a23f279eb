"""Fixtures for the store tests: real SQLite files and real redis-server processes.

A Redis server is started by ``scripts/redis.sh`` on a free loopback port with its files in a
temporary directory (AOF on, fsync on every write), and stopped after. ``make test`` starts one
for the whole run and passes its URL in ``AUTHCORE_TEST_REDIS_URL``; without it, the session
starts its own. Tests that stop or crash Redis always get a private server.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from authcore.stores import MemoryStore, RedisStore, SQLiteStore

ROOT = Path(__file__).resolve().parents[3]
REDIS_SH = ROOT / "scripts" / "redis.sh"


class RedisServer:
    """A redis-server whose files live in ``dir``; it keeps its port across restarts."""

    def __init__(self, dir: Path) -> None:
        self.dir = dir
        self.url = ""

    def _sh(self, cmd: str) -> str:
        out = subprocess.run(
            [str(REDIS_SH), cmd, str(self.dir)], check=True, capture_output=True, text=True
        )
        return out.stdout.strip()

    def start(self) -> RedisServer:
        self.url = self._sh("start")
        return self

    def stop(self) -> None:
        """Graceful shutdown."""
        self._sh("stop")

    def kill(self) -> None:
        """SIGKILL: a crash, with no chance to flush anything."""
        self._sh("kill")

    @property
    def port(self) -> int:
        return int((self.dir / "port").read_text())


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("AUTHCORE_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis only this test uses (it may stop, kill and restart it)."""
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


def unique_prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


@pytest_asyncio.fixture(params=["memory", "sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[object]:
    """Each implementation in turn, empty."""
    if request.param == "memory":
        s: object = MemoryStore()
    elif request.param == "sqlite":
        s = SQLiteStore(str(tmp_path / "sessions.db"))
    else:
        s = RedisStore(request.getfixturevalue("redis_url"), prefix=unique_prefix())
    try:
        yield s
    finally:
        await s.close()
