"""``authcore.jwt`` shaped as PyJWT's ``PyJWT`` instance the suite's ``jwt`` fixture returns,
with the two adaptations the suite needs (see README.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authcore import Key
from authcore import jwt as _jwt


def _key(key: Any) -> Any:
    """The suite's short secrets (``"secret"``) as weak keys; authcore refuses them as text."""
    if isinstance(key, (str, bytes)) and len(key) < 32:
        return Key(key, allow_weak=True)
    return key


def _options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """PyJWT's ``require`` default (nothing) unless the test asks for one."""
    return {"require": [], **(options or {})}


class AuthcoreJWT:
    def encode(self, payload: Any, key: Any, *args: Any, **kwargs: Any) -> str:
        return _jwt.encode(payload, _key(key), *args, **kwargs)

    def decode(
        self,
        jwt: Any,
        key: Any = None,
        algorithms: Any = None,
        options: Mapping[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        return _jwt.decode(jwt, _key(key), algorithms, _options(options), *args, **kwargs)

    def decode_complete(
        self,
        jwt: Any,
        key: Any = None,
        algorithms: Any = None,
        options: Mapping[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        return _jwt.decode_complete(jwt, _key(key), algorithms, _options(options), *args, **kwargs)
