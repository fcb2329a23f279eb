"""python-jose's exception classes (``jose.exceptions``), each also an authcore
:class:`~authcore.exceptions.AuthError` carrying the core's ``.code`` (and ``.claim``)."""

from __future__ import annotations

from ...exceptions import AuthError

__all__ = ["ExpiredSignatureError", "JOSEError", "JWTClaimsError", "JWTError"]


class JOSEError(AuthError):
    """Base of python-jose's exceptions."""

    code = "invalid_token"


class JWTError(JOSEError):
    """The token was rejected: structure, algorithm, key, signature, a missing required claim."""


class JWTClaimsError(JWTError):
    """A claim check failed (audience, issuer, subject, ``nbf``, ``iat``, a mistyped claim)."""


class ExpiredSignatureError(JWTError):
    """``exp`` is in the past (beyond leeway)."""

    code = "expired"
