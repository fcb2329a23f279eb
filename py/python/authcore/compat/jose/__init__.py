"""python-jose's ``jwt`` for HS256 tokens, verified by the authcore core.

Switch by changing the import::

    from authcore.compat.jose import jwt, JWTError      # was: from jose import jwt, JWTError

The calls, option names and exception classes are python-jose's; every check is the core's,
through :mod:`authcore.jwt`. python-jose's unsafe behaviours stay refused (``algorithms`` is
required, only HS256 exists, secrets are at least 32 bytes, ``exp`` is required unless
``options={"require_exp": False}``): the README's "Differences from python-jose" lists them.
"""

from __future__ import annotations

from . import jwt
from .exceptions import ExpiredSignatureError, JOSEError, JWTClaimsError, JWTError

__all__ = ["ExpiredSignatureError", "JOSEError", "JWTClaimsError", "JWTError", "jwt"]
