"""python-jose's ``jose.jwt`` for HS256: ``encode``, ``decode``, ``get_unverified_header``,
``get_unverified_claims``. A translation over :mod:`authcore.jwt`: python-jose's arguments and
option names in, python-jose's exception classes out (each with the core's ``.code``); no claim
rule lives here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, NoReturn, Union

from ... import jwt as _jwt
from ...exceptions import PyJWTError
from .exceptions import ExpiredSignatureError, JOSEError, JWTClaimsError, JWTError

__all__ = [
    "ExpiredSignatureError",
    "JOSEError",
    "JWTClaimsError",
    "JWTError",
    "decode",
    "encode",
    "get_unverified_claims",
    "get_unverified_header",
    "get_unverified_headers",
]

KeyLike = Union[_jwt.Key, _jwt.KeySet, str, bytes]

#: python-jose's option names → how each reaches :func:`authcore.jwt.decode`.
_VERIFY = ("signature", "aud", "iat", "exp", "nbf", "iss", "sub", "jti", "at_hash")
_REQUIRE = ("aud", "iat", "exp", "nbf", "iss", "sub", "jti", "at_hash")
_OPTIONS = frozenset(
    [f"verify_{n}" for n in _VERIFY] + [f"require_{n}" for n in _REQUIRE] + ["leeway"]
)

#: The python-jose class and message for an authcore token error, per core code or
#: ``(code, claim)``: python-jose raises ``JWTClaimsError`` for claim checks, ``JWTError`` for
#: everything else, and ``ExpiredSignatureError`` for ``exp``. A code not listed is a
#: ``JWTError`` with the core's message.
_BY_CODE: dict[str | tuple[str, str], tuple[type[JOSEError], str | None]] = {
    "expired": (ExpiredSignatureError, "Signature has expired."),
    "not_yet_valid": (JWTClaimsError, "The token is not yet valid (nbf)"),
    "issued_in_future": (JWTClaimsError, "The token is not yet valid (iat)"),
    "invalid_audience": (JWTClaimsError, "Invalid audience"),
    ("missing_claim", "aud"): (JWTClaimsError, "Invalid audience"),
    "invalid_issuer": (JWTClaimsError, "Invalid issuer"),
    ("missing_claim", "iss"): (JWTClaimsError, "Invalid issuer"),
    "invalid_subject": (JWTClaimsError, "Invalid subject"),
    "invalid_claim": (JWTClaimsError, None),
    ("invalid_claim", "exp"): (JWTClaimsError, "Expiration Time claim (exp) must be an integer."),
    ("invalid_claim", "nbf"): (JWTClaimsError, "Not Before claim (nbf) must be an integer."),
    ("invalid_claim", "iat"): (JWTClaimsError, "Issued At claim (iat) must be an integer."),
    ("invalid_claim", "aud"): (JWTClaimsError, "Invalid claim format in token"),
    ("invalid_claim", "sub"): (JWTClaimsError, "Subject must be a string."),
    ("invalid_claim", "jti"): (JWTClaimsError, "JWT ID must be a string."),
    "invalid_signature": (JWTError, "Signature verification failed."),
    "unsupported_alg": (JWTError, "The specified alg value is not allowed"),
}


def _translate(err: PyJWTError, required: Iterable[str] = ()) -> JOSEError:
    code, claim = err.code, err.claim
    cls: type[JOSEError] = JWTError
    message: str | None = None
    if code == "missing_claim" and claim is not None and claim in set(required):
        # A ``require_*`` option: python-jose's own wording and class.
        message = f'missing required key "{claim}" among claims'
    else:
        found = _BY_CODE.get((code, claim)) if claim is not None else None
        cls, message = found or _BY_CODE.get(code, (JWTError, None))
        if message is None:
            message = str(err)
    return cls(message, code=code, claim=claim)


def _raise(err: PyJWTError, required: Iterable[str] = ()) -> NoReturn:
    raise _translate(err, required) from None


def encode(
    claims: dict[str, Any],
    key: KeyLike,
    algorithm: str = "HS256",
    headers: Mapping[str, Any] | None = None,
) -> str:
    """Signs ``claims`` as an HS256 JWT (python-jose's ``jwt.encode``); the token is
    byte-identical to python-jose's. ``key``: a secret of at least 32 bytes, or an authcore
    ``Key``/``KeySet``."""
    try:
        return _jwt.encode(claims, key, algorithm=algorithm, headers=headers)
    except PyJWTError as err:
        _raise(err)


def decode(
    token: str | bytes,
    key: KeyLike,
    algorithms: str | Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
    audience: str | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
) -> dict[str, Any]:
    """Verifies an HS256 JWT and returns its claims (python-jose's ``jwt.decode``).

    ``algorithms`` is required and must contain ``"HS256"``. ``options`` takes python-jose's
    names: ``verify_signature``, ``verify_aud``, ``verify_iat``, ``verify_exp``,
    ``verify_nbf``, ``verify_iss``, ``verify_sub``, ``verify_jti``, ``require_aud``,
    ``require_iat``, ``require_exp``, ``require_nbf``, ``require_iss``, ``require_sub``,
    ``require_jti``, ``leeway`` (seconds or ``timedelta``). ``exp`` is required unless
    ``require_exp`` is set to ``False`` explicitly.
    """
    opts = dict(options or {})
    unknown = set(opts) - _OPTIONS
    if unknown:
        raise JWTError(f"unknown decode option(s): {', '.join(sorted(unknown))}")
    if opts.get("require_at_hash"):
        raise JWTError("at_hash is not supported", code="invalid_params")
    if audience is not None and not isinstance(audience, str):
        raise JWTError("audience must be a string or None", code="invalid_params")
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    required = [n for n in _REQUIRE if n != "exp" and opts.get(f"require_{n}")]
    if opts.get("require_exp", True):
        required.insert(0, "exp")
    verify = {
        # python-jose checks the claims even without the signature, and a claim required by a
        # ``require_*`` option is always checked.
        f"verify_{n}": bool(opts.get(f"verify_{n}", True) or opts.get(f"require_{n}"))
        for n in ("aud", "iat", "exp", "nbf", "iss", "sub", "jti")
    }
    leeway: float | timedelta = opts.get("leeway", 0)
    try:
        return _jwt.decode(
            token,
            key,
            algorithms=algorithms,
            options={
                "verify_signature": bool(opts.get("verify_signature", True)),
                **verify,
                "require": required,
            },
            audience=audience,
            issuer=issuer,
            subject=subject,
            leeway=leeway,
        )
    except PyJWTError as err:
        _raise(err, required)


def get_unverified_header(token: str | bytes) -> dict[str, Any]:
    """The token's header **without verifying anything** (python-jose's
    ``jwt.get_unverified_header``)."""
    try:
        return _jwt.get_unverified_header(token)
    except PyJWTError as err:
        raise JWTError("Error decoding token headers.", code=err.code) from None


def get_unverified_headers(token: str | bytes) -> dict[str, Any]:
    """python-jose's alias of :func:`get_unverified_header`."""
    return get_unverified_header(token)


def get_unverified_claims(token: str | bytes) -> dict[str, Any]:
    """The token's claims **without verifying the signature or any claim** (python-jose's
    ``jwt.get_unverified_claims``). The structure is still the core's to check."""
    try:
        claims: dict[str, Any] = _jwt.decode(
            token, options={"verify_signature": False, "require": []}
        )
    except PyJWTError as err:
        raise JWTError("Error decoding token claims.", code=err.code) from None
    return claims
