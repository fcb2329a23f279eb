"""``AuthRoute``: FastAPI's ``APIRoute`` with authcore's dependencies resolved before FastAPI's
dependency solver instead of by it.

FastAPI charges every ``Depends`` a few microseconds of its own bookkeeping (a recursive
``solve_dependencies`` per level, its callable classification and cache keys), about as much as
authcore's whole check costs (``bench/auth_profile.py``). A route built by ``AuthRoute`` whose
dependency list *starts* with authcore dependencies (``auth.current_claims``, ``current_user``,
``optional_user``, ``require_role(...)``, with ``Depends`` or ``Security(..., scopes=[...])``,
as parameters or in ``dependencies=[...]``) gets their values by calling them directly, in the
same order and with the same scopes FastAPI would give them, and hands the rest of the route to
FastAPI's own handler, built by FastAPI from the route without them. Nothing else changes: the
same values and errors, the OpenAPI document (built from the route as declared), the other
dependencies, parameters and their validation.

A route keeps FastAPI's path, unchanged, when it has a request body (FastAPI reads and parses
the body before any dependency), when its endpoint is not a plain function or coroutine
function (a generator, a streaming route, a callable object), and on every request for which
``app.dependency_overrides`` replaces one of the authcore dependencies it uses (tests that
override ``auth.current_user`` see exactly what FastAPI does).

:meth:`AuthCore.install` makes it the route class of the app's own routes (``@app.get``…); an
``APIRouter`` opts in with ``APIRouter(route_class=AuthRoute)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

import fastapi.routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from .deps import RESOLVE_ATTR

__all__ = ["AuthRoute"]

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
# the resolved values, from the route handler to the endpoint's wrapper (ASGI scope extension)
_VALUES_KEY = "authcore.values"
# the request parameter the wrapper is given when the endpoint does not take one itself
_REQUEST_PARAM = "authcore_request__"


@dataclass(frozen=True)
class _Resolved:
    """One leading authcore dependency of a route."""

    name: str | None  # the endpoint parameter it fills; None for dependencies=[...]
    resolve: Callable[[Request, list[str]], Awaitable[Any]]
    scopes: list[str]  # what FastAPI's SecurityScopes would hold for it


def _oauth_scopes(dependant: Dependant) -> list[str] | None:
    """What FastAPI's ``SecurityScopes`` holds for a dependency: the scopes of the enclosing
    ``Security(...)`` levels, then its own, once each. ``None`` when this FastAPI keeps them
    elsewhere: then the route keeps FastAPI's path, where the scopes cannot be missed."""
    if not (hasattr(dependant, "own_oauth_scopes") and hasattr(dependant, "parent_oauth_scopes")):
        return None
    scopes = list(dependant.parent_oauth_scopes or [])
    for scope in dependant.own_oauth_scopes or []:
        if scope not in scopes:
            scopes.append(scope)
    return scopes


def _calls(dependant: Dependant) -> set[Any]:
    """Every callable in a dependency's tree: an override of any of them changes its value."""
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def _plain_endpoint(call: Any) -> bool:
    return (
        inspect.isfunction(call)
        and not inspect.isgeneratorfunction(call)
        and not inspect.isasyncgenfunction(call)
    )


def _effective(route: APIRoute) -> Any:
    """What FastAPI builds the handler from: the route itself, or, while FastAPI builds the
    handler of the route as included by a router (prefix, the router's dependencies), that
    inclusion's context. The hook FastAPI offers integrations is ``get_route_handler``; which
    inclusion it is building for is in a context variable FastAPI keeps for it."""
    var = getattr(fastapi.routing, "_effective_route_context_var", None)
    context = var.get() if var is not None else None
    if context is not None and getattr(context, "original_route", None) is route:
        return context
    return route


def _wrap_endpoint(call: Callable[..., Any], request_param: str, own_param: bool) -> Any:
    """The endpoint, given the resolved values FastAPI no longer computes."""

    def completed(values: dict[str, Any]) -> dict[str, Any]:
        request = values[request_param] if own_param else values.pop(request_param)
        values.update(request.scope.pop(_VALUES_KEY))
        return values

    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(call):

        async def endpoint(**values: Any) -> Any:
            return await call(**completed(values))

        wrapper = endpoint
    else:

        def sync_endpoint(**values: Any) -> Any:
            return call(**completed(values))

        wrapper = sync_endpoint
    # FastAPI names the endpoint it calls in its telemetry (module, qualified name) and its
    # validation errors (file, line, function): have it name the app's, not this wrapper
    functools.update_wrapper(wrapper, call)
    cache = getattr(fastapi.routing, "_endpoint_context_cache", None)
    extract = getattr(fastapi.routing, "_extract_endpoint_context", None)
    if isinstance(cache, dict) and extract is not None:
        cache[id(wrapper)] = extract(call)
    return wrapper


class AuthRoute(APIRoute):
    """``APIRoute`` that resolves a route's leading authcore dependencies itself (see the
    module's documentation); every other route, and every overridden request, is FastAPI's."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        route = _effective(self)
        dependant: Dependant | None = getattr(route, "dependant", None)
        if (
            dependant is None
            or getattr(route, "body_field", None) is not None
            or getattr(route, "is_json_stream", False)
            or getattr(route, "is_sse_stream", False)
            or not _plain_endpoint(dependant.call)
        ):
            return handler
        leading: list[_Resolved] = []
        ours: set[Any] = set()
        for sub in dependant.dependencies:
            resolve = getattr(sub.call, RESOLVE_ATTR, None)
            if resolve is None:
                break
            scopes = _oauth_scopes(sub)
            if scopes is None:
                return handler
            leading.append(_Resolved(sub.name, resolve, scopes))
            ours |= _calls(sub)
        if not leading:
            return handler
        assert dependant.call is not None  # _plain_endpoint
        own_param = dependant.request_param_name is not None
        request_param = dependant.request_param_name or _REQUEST_PARAM
        lean = replace(
            dependant,
            dependencies=dependant.dependencies[len(leading) :],
            call=_wrap_endpoint(dependant.call, request_param, own_param),
            request_param_name=request_param,
        )
        # FastAPI builds the handler of the route without them, from everything else it knows
        # about the route (response model, status code, classes, limits). Should a FastAPI
        # build it from another object than `route`, that handler is FastAPI's whole one: the
        # dependencies are then solved twice, never skipped.
        route.dependant = lean
        try:
            lean_handler = super().get_route_handler()
        finally:
            route.dependant = dependant
        provider = route.dependency_overrides_provider

        async def authenticated(request: Request) -> Response:
            overrides = getattr(provider, "dependency_overrides", None)
            if overrides and not ours.isdisjoint(overrides):
                return await handler(request)
            values: dict[str, Any] = {}
            for dep in leading:
                value = await dep.resolve(request, dep.scopes)
                if dep.name is not None:
                    values[dep.name] = value
            request.scope[_VALUES_KEY] = values
            return await lean_handler(request)

        return authenticated
