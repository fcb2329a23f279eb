"""Shared fixtures for the authcore package tests: the cross-language vectors and a clock."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import pytest

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load_vectors(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture
def freeze_time(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """``freeze_time(t)`` makes ``time.time()`` (the clock ``authcore.jwt`` reads) return ``t``."""

    def freeze(t: float) -> None:
        monkeypatch.setattr(time, "time", lambda: t)

    return freeze
