"""authcore: fast, strict authentication primitives with a Rust core.

- :mod:`authcore.jwt` — PyJWT-compatible HS256 and EdDSA tokens (``encode``, ``decode``…);
- :class:`Key`, :class:`KeySet` — HS256 keys (≥ 32 bytes) and rotation by ``kid``;
- :class:`Ed25519PrivateKey`, :class:`Ed25519PublicKey` — EdDSA keys (PEM, JWK), and
  ``KeySet.jwks()`` / ``KeySet.from_jwks()`` for publishing and reading public keys;
- :class:`PasswordHasher` — Argon2id hashing with the GIL released, bcrypt upgrade on login;
- :mod:`authcore.authz` — role hierarchies and OAuth2 scopes;
- :mod:`authcore.exceptions` — PyJWT's exception names, every exception with a ``.code``.
"""

from __future__ import annotations

from . import authz, exceptions, jwt, keys
from ._authcore import (
    DEFAULT_MAX_TOKEN_LEN,
    ERROR_CODES,
    MIN_SECRET_LEN,
    Argon2Params,
    Ed25519PrivateKey,
    Ed25519PublicKey,
    HashBounds,
    Key,
    KeySet,
    PasswordPolicy,
    Quota,
    RoleHierarchy,
    SessionPolicy,
    __version__,
    check_password,
    has_role,
    has_scopes,
    key_hash,
    needs_rehash,
    parse_scopes,
    require_role,
    require_scopes,
)
from .exceptions import *
from .exceptions import __all__ as _exception_names
from .passwords import PasswordHasher

__all__ = [
    "DEFAULT_MAX_TOKEN_LEN",
    "ERROR_CODES",
    "MIN_SECRET_LEN",
    "Argon2Params",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "HashBounds",
    "Key",
    "KeySet",
    "PasswordHasher",
    "PasswordPolicy",
    "Quota",
    "RoleHierarchy",
    "SessionPolicy",
    "__version__",
    "authz",
    "check_password",
    "exceptions",
    "has_role",
    "has_scopes",
    "jwt",
    "key_hash",
    "keys",
    "needs_rehash",
    "parse_scopes",
    "require_role",
    "require_scopes",
]
__all__ += _exception_names  # noqa: PLE0605 (the exception names, listed in exceptions.py)
