"""Builds the Python API reference with pdoc: ``python scripts/pydocs.py OUTDIR``.

The public modules of the installed ``authcore`` package, and the extension module
``authcore._authcore`` with the signatures of its stub (``_authcore.pyi``). pdoc executes a stub
as a module; the stub's annotations name classes before they are defined (legal in a stub), so
it is executed here with postponed evaluation of annotations.
"""

from __future__ import annotations
import __future__

import sys
import types
from pathlib import Path

import pdoc
import pdoc.doc_pyi

MODULES = [
    "authcore",
    "authcore.passwords",
    "authcore.fastapi",
    "authcore.stores",
    "authcore._authcore",
]


def _import_stub_file(module_name: str, stub_file: Path) -> types.ModuleType:
    module = types.ModuleType(module_name)
    module.__file__ = str(stub_file)
    code = compile(
        stub_file.read_text(encoding="utf-8"),
        str(stub_file),
        "exec",
        flags=__future__.annotations.compiler_flag,
        dont_inherit=True,
    )
    exec(code, module.__dict__)  # noqa: S102 (the package's own stub, executed as pdoc does)
    return module


def main() -> None:
    out = Path(sys.argv[1])
    pdoc.doc_pyi._import_stub_file = _import_stub_file
    pdoc.render.configure(docformat="restructuredtext", footer_text="authcore")
    pdoc.pdoc(*MODULES, output_directory=out)
    print(f"Python API reference: {out / 'index.html'}")


if __name__ == "__main__":
    main()
