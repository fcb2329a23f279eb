"""Fixtures for the store tests: real SQLite files and real redis-server processes.

A Redis server is started by ``scripts/redis.sh`` on a free loopback port with its files in a
temporary directory (AOF on), and stopped after. ``make test`` starts one
for the whole run and passes its URL in ``AUTHCORE_TEST_REDIS_URL``; without it, the session
starts its own. Tests that stop or crash Redis always get a private server.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from authcore.stores import MemoryStore, RedisStore, SessionStore, SQLiteStore
from store_helpers import RedisCluster, RedisServer, cluster_store, unique_prefix


@pytest.fixture
def db_file(tmp_path: Path) -> str:
    """A path for a new SQLite store file."""
    return str(tmp_path / "sessions.db")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("AUTHCORE_TEST_REDIS_URL")
    if url:
        yield url
        return
    # Shared by many tests that never crash it: fsync once a second keeps them fast.
    server = RedisServer(tmp_path_factory.mktemp("redis"), appendfsync="everysec").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis Cluster of three masters (``scripts/redis.sh cluster``), shared like
    ``redis_url``; the URL of one node (the cluster client finds the others)."""
    cluster = RedisCluster(tmp_path_factory.mktemp("redis-cluster")).start()
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis only this test uses (it may stop, kill and restart it); every write is fsynced
    before Redis answers, so a crash loses nothing that was acknowledged."""
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture(params=["memory", "sqlite", "redis", "redis-cluster"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    """Each implementation in turn, empty (Redis also as a cluster)."""
    if request.param == "memory":
        s: SessionStore = MemoryStore()
    elif request.param == "sqlite":
        s = SQLiteStore(str(tmp_path / "sessions.db"))
    elif request.param == "redis":
        s = RedisStore(request.getfixturevalue("redis_url"), prefix=unique_prefix())
    else:
        s = cluster_store(request.getfixturevalue("redis_cluster_url"))
    try:
        yield s
    finally:
        await s.close()
