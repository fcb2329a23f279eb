"""Helpers shared by the store tests: a real redis-server (or a cluster of three) under
scripts/redis.sh."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from authcore.stores import RedisStore

ROOT = Path(__file__).resolve().parents[3]
REDIS_SH = ROOT / "scripts" / "redis.sh"


def redis_sh(cmd: str, dir: Path, appendfsync: str) -> str:
    """Runs ``scripts/redis.sh CMD DIR``; its output (a URL, for the starting commands)."""
    env = {**os.environ, "APPENDFSYNC": appendfsync}
    out = subprocess.run(
        [str(REDIS_SH), cmd, str(dir)], check=True, capture_output=True, text=True, env=env
    )
    return out.stdout.strip()


class RedisServer:
    """A redis-server whose files live in ``dir``; it keeps its port across restarts."""

    def __init__(self, dir: Path, appendfsync: str = "always") -> None:
        self.dir = dir
        self.appendfsync = appendfsync
        self.url = ""

    def _sh(self, cmd: str) -> str:
        return redis_sh(cmd, self.dir, self.appendfsync)

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


class RedisCluster:
    """A Redis Cluster of three masters under ``dir`` (``scripts/redis.sh cluster``)."""

    def __init__(self, dir: Path) -> None:
        self.dir = dir
        self.url = ""

    def start(self) -> RedisCluster:
        self.url = redis_sh("cluster", self.dir, "everysec")
        return self

    def stop(self) -> None:
        redis_sh("cluster-stop", self.dir, "everysec")


def unique_prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


def cluster_store(url: str, prefix: str | None = None, **kwargs: Any) -> RedisStore:
    """A ``RedisStore`` over a ``redis.asyncio.cluster.RedisCluster`` client of the cluster at
    ``url`` (keys under ``prefix``, by default a fresh one)."""
    from redis.asyncio.cluster import RedisCluster as ClusterClient

    client = ClusterClient.from_url(url)
    return RedisStore(client=client, prefix=prefix or unique_prefix(), **kwargs)


class AppInstance:
    """The example app in its own uvicorn process (``python -m examples.fastapi_app``) on a
    free loopback port; ``env`` adds ``AUTHCORE_*`` settings."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AUTHCORE_", "DEMO_"))},
            "PORT": "0",
            "LOG_LEVEL": "warning",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def spawn(self) -> AppInstance:
        """Starts the process; :meth:`wait_ready` waits until it listens."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "examples.fastapi_app"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return self

    def wait_ready(self) -> AppInstance:
        assert self.proc is not None and self.proc.stdout is not None
        lines = []
        for line in self.proc.stdout:  # the banner names the bound port
            lines.append(line)
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if m:
                self.url = m.group(1)
                break
        if not self.url:
            self.stop()
            raise AssertionError("app did not start:\n" + "".join(lines))
        # Keep draining the pipe so the app never blocks on a full stdout.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        return self

    def start(self) -> AppInstance:
        return self.spawn().wait_ready()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def hex_id() -> str:
    """A fresh jti or family id."""
    return secrets.token_hex(16)
