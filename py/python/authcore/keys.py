"""Ed25519 keys: authcore's own key objects, and ``cryptography``'s converted to them.

:class:`Ed25519PrivateKey` signs EdDSA tokens and :class:`Ed25519PublicKey` verifies them;
both are the Rust core's keys (PEM, JWK and JWKS are read and written by the core). A key
fixes its algorithm: an Ed25519 key never verifies an HS256 token, whatever the header says.

``cryptography``'s ``Ed25519PrivateKey`` / ``Ed25519PublicKey`` objects are accepted wherever
a key is (``authcore.jwt.encode``/``decode``) when that package is installed: their raw 32
bytes are handed to the core. ``cryptography`` is not a dependency of authcore.
"""

from __future__ import annotations

from typing import Any

from ._authcore import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["Ed25519PrivateKey", "Ed25519PublicKey", "from_cryptography"]


def from_cryptography(key: Any) -> Any:
    """``key`` as an authcore key when it is one of ``cryptography``'s Ed25519 keys, else
    ``key`` unchanged (the caller's type check then refuses it)."""
    module = type(key).__module__
    if not module.startswith("cryptography."):
        return key
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if isinstance(key, ed25519.Ed25519PrivateKey):
        return Ed25519PrivateKey.from_seed(key.private_bytes_raw())
    if isinstance(key, ed25519.Ed25519PublicKey):
        return Ed25519PublicKey.from_bytes(key.public_bytes_raw())
    return key
