"""``_authcore.pyi`` matches the native module exactly: the same names, and for every function,
constructor and method the same parameters (names, kinds, which have defaults, and literal
default values)."""

from __future__ import annotations

import ast
import inspect
import sys
import types
from pathlib import Path
from typing import Any

import authcore
import pytest
from authcore import _authcore

STUB = ast.parse((Path(authcore.__file__).parent / "_authcore.pyi").read_text())
MODULE_ATTRS = {
    "__doc__",
    "__file__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "__all__",
}


def stub_names(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    out: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
    return out


STUB_TOP = {
    k: v for k, v in stub_names(STUB.body).items() if not k.startswith("_") or k == "__version__"
}


def stub_params(fn: ast.FunctionDef, drop_self: bool) -> list[tuple[str, str, Any]]:
    """(name, kind, default) with default ``None`` meaning "no default", ``...`` "some"."""
    a = fn.args
    positional = a.posonlyargs + a.args
    defaults: list[Any] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = []
    for arg, d in zip(positional, defaults):
        out.append((arg.arg, "pos", literal(d)))
    for arg, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((arg.arg, "kw", literal(d)))
    return out[1:] if drop_self else out


def literal(node: ast.expr | None) -> Any:
    if node is None:
        return None
    try:
        return ("value", ast.literal_eval(node))
    except ValueError:
        return ("value", ...)


def runtime_params(obj: Any) -> list[tuple[str, str, Any]]:
    out = []
    for p in inspect.signature(obj).parameters.values():
        kind = "kw" if p.kind is p.KEYWORD_ONLY else "pos"
        default = None if p.default is p.empty else ("value", p.default)
        out.append((p.name, kind, default))
    return out


def same(stub: list[tuple[str, str, Any]], runtime: list[tuple[str, str, Any]]) -> bool:
    if [(n, k, d is None) for n, k, d in stub] != [(n, k, d is None) for n, k, d in runtime]:
        return False
    # Compare default values where the runtime signature spells them out.
    return all(
        s == r for (_, _, s), (_, _, r) in zip(stub, runtime) if r is not None and r[1] is not ...
    )


def test_module_names_match() -> None:
    runtime = {n for n in dir(_authcore) if n not in MODULE_ATTRS}
    assert runtime == set(STUB_TOP)


@pytest.mark.parametrize(
    "name", sorted(n for n, v in STUB_TOP.items() if isinstance(v, ast.FunctionDef))
)
def test_function_signatures(name: str) -> None:
    fn = STUB_TOP[name]
    assert isinstance(fn, ast.FunctionDef)
    obj = getattr(_authcore, name)
    assert isinstance(obj, types.BuiltinFunctionType)
    assert same(stub_params(fn, False), runtime_params(obj)), (
        stub_params(fn, False),
        runtime_params(obj),
    )


@pytest.mark.parametrize(
    "name", sorted(n for n, v in STUB_TOP.items() if isinstance(v, ast.ClassDef))
)
def test_class_members(name: str) -> None:
    cls_node = STUB_TOP[name]
    assert isinstance(cls_node, ast.ClassDef)
    cls = getattr(_authcore, name)
    members = stub_names(cls_node.body)
    runtime = {n for n in vars(cls) if not n.startswith("_")} | {
        n
        for n in ("__init__", "__len__", "__eq__", "__hash__")
        if n in vars(cls) and vars(cls)[n] is not None
    }
    if "__new__" in vars(cls):
        runtime.add("__init__")
    if (
        vars(cls).get("__richcmp__")
        or "__eq__" in vars(cls)
        and vars(cls)["__eq__"] is not object.__eq__
    ):
        runtime.add("__eq__")
    assert {
        n
        for n in members
        if not n.startswith("_") or n in ("__init__", "__len__", "__eq__", "__hash__")
    } == runtime

    # Python < 3.10 cannot show the signature of an extension type's constructor.
    if sys.version_info >= (3, 10):
        init = members["__init__"]
        assert isinstance(init, ast.FunctionDef)
        assert same(stub_params(init, True), runtime_params(cls)), name
    for member, node in members.items():
        attr = vars(cls).get(member)
        if isinstance(node, ast.FunctionDef) and not member.startswith("_"):
            is_property = any(
                isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list
            )
            if is_property:
                assert isinstance(attr, types.GetSetDescriptorType), member
            else:
                assert callable(getattr(cls, member)), member
                # Unbound methods show `self` at runtime too; static methods have none on either side.
                assert same(stub_params(node, False), runtime_params(getattr(cls, member))), member
        elif isinstance(node, ast.AnnAssign):  # ClassVar constants
            assert isinstance(getattr(cls, member), cls), member
