"""Helpers shared by the store tests: a real redis-server under scripts/redis.sh."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REDIS_SH = ROOT / "scripts" / "redis.sh"


class RedisServer:
    """A redis-server whose files live in ``dir``; it keeps its port across restarts."""

    def __init__(self, dir: Path, appendfsync: str = "always") -> None:
        self.dir = dir
        self.appendfsync = appendfsync
        self.url = ""

    def _sh(self, cmd: str) -> str:
        env = {**os.environ, "APPENDFSYNC": self.appendfsync}
        out = subprocess.run(
            [str(REDIS_SH), cmd, str(self.dir)], check=True, capture_output=True, text=True, env=env
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


def unique_prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"
