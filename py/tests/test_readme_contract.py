"""The README's error-code table lists exactly the core's codes, in the core's order."""

from __future__ import annotations

import re
from pathlib import Path

import authcore

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_codes() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Error codes\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_readme_error_table_is_the_cores() -> None:
    assert readme_codes() == list(authcore.ERROR_CODES)
