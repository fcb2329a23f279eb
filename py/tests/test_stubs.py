"""``_authcore.pyi`` matches the native module: ``mypy.stubtest`` compares every name, signature
(parameter names, kinds, defaults), property and constant of the stub with the runtime module.

What stubtest does not compare is hashability (it skips ``__hash__``): that one is checked here,
because a stub that inherits ``object.__hash__`` for an unhashable class lets mypy accept it as a
dict key or set member."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import authcore
import pytest
from authcore import _authcore

ROOT = Path(__file__).resolve().parents[2]
ALLOWLIST = Path(__file__).resolve().parent / "stubtest-allowlist.txt"
STUB = Path(authcore.__file__).parent / "_authcore.pyi"
STUB_CLASSES = {
    node.name: node for node in ast.parse(STUB.read_text()).body if isinstance(node, ast.ClassDef)
}


def test_stubtest() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "authcore._authcore",
            "--allowlist",
            str(ALLOWLIST),
        ],
        cwd=ROOT,  # the repository's mypy settings (pyproject.toml)
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def stub_hash(cls: ast.ClassDef) -> str:
    """How the stub declares ``__hash__``: ``"own"`` (a method), ``"none"`` (``ClassVar[None]``,
    unhashable) or ``"object"`` (not declared: identity hash inherited from ``object``)."""
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__hash__":
            return "own"
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "__hash__"
        ):
            return "none"
    return "object"


def runtime_hash(cls: type) -> str:
    hash_: object = cls.__hash__
    if hash_ is None:
        return "none"
    return "object" if hash_ is object.__hash__ else "own"


@pytest.mark.parametrize("name", sorted(STUB_CLASSES))
def test_hashability(name: str) -> None:
    assert stub_hash(STUB_CLASSES[name]) == runtime_hash(getattr(_authcore, name))
