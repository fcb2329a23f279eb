"""Shared fixtures for the authcore package tests."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


@pytest.fixture
def freeze_time(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """``freeze_time(t)`` makes ``time.time()`` (the clock ``authcore.jwt`` reads) return ``t``."""

    def freeze(t: float) -> None:
        monkeypatch.setattr(time, "time", lambda: t)

    return freeze
