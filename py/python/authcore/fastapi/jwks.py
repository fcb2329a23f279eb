"""``GET /.well-known/jwks.json``: the public keys that verify this service's tokens.

The document (RFC 7517) lists the Ed25519 public keys of the current signing key and of the
previous ones until the last token each signed has expired; it never holds an HS256 secret
(the core refuses to write one). It is cacheable (``Cache-Control: public, max-age=…``): a
verifier that meets an unknown ``kid`` fetches it again, so a new signing key is picked up
within one fetch, and a retired key leaves it once nothing it signed can still verify.
Public data, it is readable from any origin (``Access-Control-Allow-Origin: *``), so a page
on another origin can verify this service's tokens in the browser.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from fastapi import APIRouter, Response

__all__ = ["JWKS_MAX_AGE", "JWKS_PATH", "build_jwks_router"]

JWKS_PATH = "/.well-known/jwks.json"
JWKS_MAX_AGE = 300
"""Seconds a verifier may cache the document (``Cache-Control: public, max-age=300``)."""


class KeyPublisher(Protocol):
    def jwks(self, now: int | None = None) -> dict[str, Any]: ...


def build_jwks_router(auth: KeyPublisher) -> APIRouter:
    """The router serving :data:`JWKS_PATH` from ``auth.jwks()``."""
    router = APIRouter(tags=["auth"])

    @router.get(
        JWKS_PATH,
        summary="Public keys (JWKS) that verify this service's tokens",
        response_class=Response,
        responses={200: {"content": {"application/jwk-set+json": {}}}},
    )
    def jwks() -> Response:
        body = json.dumps(auth.jwks(), separators=(",", ":"))
        return Response(
            body,
            media_type="application/jwk-set+json",
            headers={
                "Cache-Control": f"public, max-age={JWKS_MAX_AGE}",
                "Access-Control-Allow-Origin": "*",
            },
        )

    return router
