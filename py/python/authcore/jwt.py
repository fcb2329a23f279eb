"""PyJWT-compatible HS256 and EdDSA (Ed25519) tokens, verified by the authcore Rust core.

Switch a service by changing its import::

    import authcore.jwt as jwt

    token = jwt.encode({"sub": "alice", "exp": exp}, SECRET, algorithm="HS256")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="api")

Same function signatures, option names and exception classes as PyJWT's HS256 surface. Where
PyJWT is permissive in ways that hurt (short secrets, optional ``exp``, duplicate claims,
non-canonical base64…) authcore is stricter; the README lists every difference.

EdDSA as in PyJWT: ``jwt.encode(claims, private_key, algorithm="EdDSA")`` and
``jwt.decode(token, public_key, algorithms=["EdDSA"])``, keys as PEM (PKCS#8 private, SPKI
public), as :class:`Ed25519PrivateKey` / :class:`Ed25519PublicKey`, or as ``cryptography``'s
Ed25519 key objects.

Only ``HS256`` and ``EdDSA`` exist here: a token with any other ``alg`` (``none`` included) is
rejected before its signature is looked at. A key fixes its algorithm: the token's ``alg``
must be the algorithm of the key that verifies it (chosen by ``kid``), so a header never
decides how a token is checked.
"""

from __future__ import annotations

import base64
import json
import time
import warnings
from calendar import timegm
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Union

from . import _authcore
from ._authcore import DEFAULT_MAX_TOKEN_LEN, Ed25519PrivateKey, Ed25519PublicKey, Key, KeySet
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidHeaderError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWTError,
    WrongTokenTypeError,
)
from .keys import from_cryptography

__all__ = [
    "ACCESS",
    "ALGORITHM",
    "ALGORITHMS",
    "REFRESH",
    "DecodeError",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidHeaderError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "Key",
    "KeySet",
    "MissingRequiredClaimError",
    "PyJWTError",
    "WrongTokenTypeError",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
]

#: The default algorithm of :func:`encode` (PyJWT's).
ALGORITHM = "HS256"
#: The algorithms authcore signs and verifies (the core's names).
ALGORITHMS: tuple[str, ...] = tuple(_authcore.ALGORITHMS)
#: Payload ``typ`` values for access and refresh tokens (see ``decode(..., token_type=)``).
ACCESS = "access"
REFRESH = "refresh"

KeyLike = Union[Key, KeySet, Ed25519PrivateKey, Ed25519PublicKey, str, bytes, Any]
"""A key argument: authcore keys and key sets, a secret or PEM (str/bytes), or one of
``cryptography``'s Ed25519 key objects."""
_NATIVE = (str, bytes, Key, KeySet, Ed25519PrivateKey, Ed25519PublicKey)
# key types that sign HS256 as given (no conversion, no header of their own beyond a kid)
_HS256_KEYS = frozenset((str, bytes, Key, KeySet))


def _native(key: Any) -> Any:
    """``cryptography``'s Ed25519 keys as authcore keys; anything else unchanged."""
    return key if key is None or isinstance(key, _NATIVE) else from_cryptography(key)


_TIME_CLAIMS = ("exp", "iat", "nbf")
_DEFAULT_REQUIRE = ("exp",)
_OPTIONS = frozenset(
    {
        "verify_signature",
        "verify_exp",
        "verify_nbf",
        "verify_iat",
        "verify_aud",
        "verify_iss",
        "verify_sub",
        "verify_jti",
        "require",
        "strict_aud",
        "enforce_minimum_key_length",
    }
)


def _int_date(value: Any) -> Any:
    """PyJWT's conversion of ``exp``/``iat``/``nbf``: a ``datetime`` becomes Unix seconds
    (``timegm(utctimetuple())``, so a naive datetime is taken as UTC); anything else is
    returned unchanged."""
    if isinstance(value, datetime):
        return timegm(value.utctimetuple())
    return value


def encode(
    payload: dict[str, Any],
    key: KeyLike,
    algorithm: str | None = ALGORITHM,
    headers: Mapping[str, Any] | None = None,
    json_encoder: type[json.JSONEncoder] | None = None,
    sort_headers: bool = True,
) -> str:
    """Encodes ``payload`` as an HS256 or EdDSA JWT (PyJWT's ``jwt.encode``).

    ``key`` is a :class:`Key`, a :class:`KeySet` (its default key signs and its ``kid`` goes in
    the header) or a secret of at least 32 bytes for HS256; an :class:`Ed25519PrivateKey`,
    PKCS#8 PEM or ``cryptography``'s private key for ``algorithm="EdDSA"``. The key's
    algorithm must be ``algorithm`` (``invalid_key`` otherwise). ``datetime`` values of ``exp``, ``iat`` and
    ``nbf`` become Unix seconds. ``headers`` may set ``kid`` and ``typ`` (``"JWT"`` or
    ``"at+jwt"``); ``alg`` must be the key's. The payload is serialized exactly as PyJWT does
    (``json.dumps(payload, separators=(",", ":"), cls=json_encoder)``), so tokens are
    byte-identical to PyJWT's, then checked with the verifier's rules: a payload that
    :func:`decode` would reject for its structure (mistyped or duplicate registered claims,
    nesting deeper than 32) raises the same exception here.
    """
    if (
        algorithm == ALGORITHM
        and headers is None
        and json_encoder is None
        and type(payload) is dict
        and type(key) in _HS256_KEYS
    ):
        # PyJWT's usual call (a secret or an authcore key, no headers): what the general path
        # below does for it, without its checks, which all pass here
        # (test_jwt_compat.py::test_the_usual_call_encodes_as_the_general_path)
        token = _authcore.encode_claims(payload, key, None, None, ALGORITHM)
        return token if token is not None else _encode_json(payload, key, ALGORITHM, None)
    if not isinstance(payload, dict):
        raise TypeError("Expecting a dict object, as JWT only supports JSON objects as payloads.")
    alg = algorithm
    if headers and headers.get("alg"):
        alg = headers["alg"]
    if alg not in ALGORITHMS:
        raise InvalidAlgorithmError(f"algorithm {alg!r} is not supported (HS256 or EdDSA)")
    # Key material (PEM text, `cryptography` objects) signs without `kid`, as in PyJWT; an
    # authcore key object writes its own.
    material = alg != ALGORITHM and (isinstance(key, (str, bytes)) or not isinstance(key, _NATIVE))
    key = _native(key)
    if headers or material:
        return _encode_with_headers(
            payload, key, alg, headers or {}, json_encoder, sort_headers, not material
        )
    if json_encoder is None:
        # Serialized natively (datetime claims included) unless a value needs json.dumps.
        token = _authcore.encode_claims(payload, key, None, None, alg)
        if token is not None:
            return token
    return _encode_json(payload, key, alg, json_encoder)


def _encode_json(
    payload: dict[str, Any], key: KeyLike, alg: str, json_encoder: type[json.JSONEncoder] | None
) -> str:
    """The payload serialized by ``json.dumps`` (a value the native serializer leaves to it, or
    a ``json_encoder``), then signed with no ``typ``/``kid`` beyond the key's."""
    if any(isinstance(payload.get(c), datetime) for c in _TIME_CLAIMS):
        payload = {**payload, **{c: _int_date(payload[c]) for c in _TIME_CLAIMS if c in payload}}
    data = json.dumps(payload, separators=(",", ":"), cls=json_encoder, allow_nan=False)
    return _authcore.encode(data.encode("utf-8"), key, None, None, alg=alg)


def _encode_with_headers(
    payload: dict[str, Any],
    key: KeyLike,
    alg: str,
    headers: Mapping[str, Any],
    json_encoder: type[json.JSONEncoder] | None,
    sort_headers: bool,
    key_kid: bool = True,
) -> str:
    """PyJWT's header, built as PyJWT builds it (``typ`` defaults to ``"JWT"`` and is dropped
    when falsy; private parameters kept; serialized with ``sort_keys=sort_headers``); the core
    signs it only if its verifier would accept it (RFC 7515: private parameters are ignored;
    ``crit``, ``b64``, ``jku``, ``jwk``, ``x5u``, ``x5c``, a non-string ``kid`` are refused)."""
    header: dict[str, Any] = {"typ": "JWT", "alg": alg}
    signing_kid = key.default_kid if isinstance(key, KeySet) else getattr(key, "kid", None)
    if signing_kid is not None and key_kid:
        header["kid"] = signing_kid
    header.update(headers)
    if not header["typ"]:
        del header["typ"]
    header_json = json.dumps(
        header, separators=(",", ":"), cls=json_encoder, sort_keys=sort_headers
    )
    if any(isinstance(payload.get(c), datetime) for c in _TIME_CLAIMS):
        payload = {**payload, **{c: _int_date(payload[c]) for c in _TIME_CLAIMS if c in payload}}
    data = json.dumps(payload, separators=(",", ":"), cls=json_encoder, allow_nan=False)
    return _authcore.encode(
        data.encode("utf-8"), key, header_json=header_json.encode("utf-8"), alg=alg
    )


def _token(jwt: Any) -> str | bytes:
    """PyJWT's rule for the token argument: text or bytes, else ``DecodeError``."""
    if not isinstance(jwt, (str, bytes, bytearray)):
        raise DecodeError(f"Invalid token type. Token must be a {bytes}", code="malformed")
    return bytes(jwt) if isinstance(jwt, bytearray) else jwt


def _audience(audience: Any) -> Any:
    """PyJWT iterates a ``bytes`` audience into integers, none of which can equal a claim: it
    is an audience that matches nothing (the empty list)."""
    if isinstance(audience, (bytes, bytearray)):
        return []
    if audience is not None and not isinstance(audience, (str, Iterable)):
        raise TypeError("audience must be a string, iterable or None")
    return audience


def _audience_message(err: InvalidAudienceError, audience: Any, strict: bool) -> None:
    """PyJWT's words for an audience refusal depend on what the caller asked for."""
    if err.code != "invalid_audience":
        return
    if audience is None:
        err.args = ("Invalid audience",)
    elif strict and not isinstance(audience, str):
        err.args = ("Invalid audience (strict)",)
    elif strict:
        err.args = ("Audience doesn't match (strict)",)


def _leeway_seconds(leeway: float | timedelta) -> int:
    seconds = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
    if seconds < 0:
        raise ValueError("leeway must not be negative")
    return int(seconds)


def _no_key() -> InvalidKeyError:
    return InvalidKeyError("a key is required to verify a token", code="invalid_key")


def _check_algorithms(algorithms: Any) -> list[str]:
    """``algorithms`` as a list, when it names one algorithm authcore has."""
    if algorithms is None:
        raise InvalidAlgorithmError(
            'It is required that you pass in a value for the "algorithms" argument when '
            "calling decode()."
        )
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    if not any(a in ALGORITHMS for a in algorithms):
        raise InvalidAlgorithmError("The specified alg value is not allowed (HS256 or EdDSA)")
    return list(algorithms)


def decode(
    jwt: str | bytes,
    key: KeyLike | None = None,
    algorithms: Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    audience: str | Iterable[str] | None = None,
    issuer: str | Iterable[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    token_type: str | None = None,
    max_token_len: int = DEFAULT_MAX_TOKEN_LEN,
    verify: bool | None = None,
) -> dict[str, Any]:
    """Verifies an HS256 or EdDSA JWT and returns its claims (PyJWT's ``jwt.decode``).

    ``key`` is a :class:`Key`, a :class:`KeySet` (the token's ``kid`` picks the key), a
    secret of at least 32 bytes, an :class:`Ed25519PublicKey` (or private key), SPKI PEM, or
    ``cryptography``'s Ed25519 key. ``algorithms`` is required: the algorithm of the key that
    verifies the token must be in it (``InvalidAlgorithmError`` otherwise). A str/bytes key is
    an Ed25519 PEM when ``"EdDSA"`` is allowed and it is one, else an HS256 secret (which
    may not look like a public key: ``InvalidKeyError``).
    ``options`` takes PyJWT's names: ``verify_signature``, ``verify_exp``, ``verify_nbf``,
    ``verify_iat``, ``verify_aud``, ``verify_iss``, ``verify_sub``, ``verify_jti``,
    ``require`` (default ``["exp"]``: a token without ``exp`` is refused; pass ``[]`` to
    accept one), ``strict_aud``. Everything is checked by the Rust core, signature first.

    authcore extensions (keyword-only): ``token_type`` — the expected payload ``typ``
    (tokens whose ``typ`` is ``"refresh"`` are refused unless ``token_type="refresh"``);
    ``max_token_len`` — the size limit in bytes (default 8192).

    With ``options={"verify_signature": False}`` nothing is verified, as in PyJWT, and the
    other checks default to off; any that are switched on explicitly still run.
    """
    if verify is not None:
        warnings.warn(
            "The `verify` argument to `decode` does nothing; use "
            'options={"verify_signature": False} to skip verification.',
            DeprecationWarning,
            stacklevel=2,
        )
    now = int(time.time())
    if type(jwt) is not str:  # a str needs no check: skip the call on the common path
        jwt = _token(jwt)
    if audience is not None:
        audience = _audience(audience)
    if options is None:
        if type(algorithms) is not list or not (ALGORITHM in algorithms or "EdDSA" in algorithms):
            algorithms = _check_algorithms(algorithms)
        if key is None:
            raise _no_key()
        try:
            return _authcore.decode_dict(
                jwt,
                _native(key),
                now,
                0 if leeway == 0 else _leeway_seconds(leeway),
                issuer,
                audience,
                True,
                subject,
                token_type,
                _DEFAULT_REQUIRE,
                True,
                True,
                True,
                max_token_len,
                False,
                algorithms,
            )
        except InvalidAudienceError as err:
            _audience_message(err, audience, False)
            raise
    return _decode_with_options(
        jwt,
        key,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway,
        token_type,
        max_token_len,
        now,
    )


def _decode_with_options(
    jwt: str | bytes,
    key: KeyLike | None,
    algorithms: Iterable[str] | None,
    options: Mapping[str, Any],
    audience: str | Iterable[str] | None,
    issuer: str | Iterable[str] | None,
    subject: str | None,
    leeway: float | timedelta,
    token_type: str | None,
    max_token_len: int,
    now: int,
) -> dict[str, Any]:
    unknown = set(options) - _OPTIONS
    if unknown:
        raise ValueError(f"unknown decode option(s): {', '.join(sorted(unknown))}")
    verified = bool(options.get("verify_signature", True))
    # As in PyJWT: without signature verification the claim checks default to off.
    on = verified
    verify_aud = bool(options.get("verify_aud", on))
    check_iss = bool(options.get("verify_iss", on))
    check_sub = bool(options.get("verify_sub", on))
    required = options.get("require", _DEFAULT_REQUIRE if verified else [])
    strict_aud = bool(options.get("strict_aud", False)) and verify_aud
    expected = audience if verify_aud else None
    if strict_aud and expected is not None and not isinstance(expected, str):
        # PyJWT's strict mode takes one audience as a str: any other form matches nothing.
        expected = []
    args: dict[str, Any] = {
        "now": now,
        "leeway": _leeway_seconds(leeway),
        "issuer": issuer if check_iss else None,
        "audience": expected,
        "verify_aud": verify_aud,
        "subject": subject if check_sub else None,
        "token_type": token_type,
        "required": required,
        "verify_exp": bool(options.get("verify_exp", on)),
        "verify_nbf": bool(options.get("verify_nbf", on)),
        "verify_iat": bool(options.get("verify_iat", on)),
        "strict_aud": strict_aud,
    }
    try:
        if verified:
            allowed = _check_algorithms(algorithms)
            if key is None:
                raise _no_key()
            claims: dict[str, Any] = _authcore.decode_dict(
                jwt, _native(key), max_token_len=max_token_len, algorithms=allowed, **args
            )
        else:
            claims = json.loads(_authcore.decode_unverified(jwt, max_token_len, **args))
    except InvalidAudienceError as err:
        _audience_message(err, audience if verify_aud else None, strict_aud)
        raise
    return claims


def decode_complete(
    jwt: str | bytes,
    key: KeyLike | None = None,
    algorithms: Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Like :func:`decode`, returning ``{"header": …, "payload": …, "signature": bytes}``
    (PyJWT's ``jwt.decode_complete``)."""
    payload = decode(jwt, key, algorithms, options, **kwargs)
    token = jwt.decode("ascii") if isinstance(jwt, (bytes, bytearray)) else jwt
    signature = token.rsplit(".", 1)[-1]
    return {
        "header": get_unverified_header(token),
        "payload": payload,
        "signature": base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)),
    }


def get_unverified_header(jwt: str | bytes) -> dict[str, Any]:
    """The token's header **without verifying anything** (PyJWT's
    ``jwt.get_unverified_header``): for routing by ``kid`` only, never for decisions."""
    header: dict[str, Any] = json.loads(_authcore.get_unverified_header(_token(jwt)))
    return header
