"""Exceptions raised by authcore.

Every exception carries ``.code``, the core's stable snake_case error code (the same string in
Rust, Python and JavaScript), and ``.claim`` when the error is about one claim.

The token errors keep PyJWT's names and hierarchy, so ``except jwt.InvalidTokenError`` code
keeps working after switching the import::

    AuthError
    ├── PyJWTError
    │   ├── InvalidTokenError
    │   │   ├── DecodeError
    │   │   │   ├── InvalidSignatureError
    │   │   │   │   └── UnknownKidError
    │   │   │   ├── InvalidHeaderError
    │   │   │   ├── InvalidClaimError
    │   │   │   ├── DuplicateClaimError
    │   │   │   └── TokenTooLargeError
    │   │   ├── ExpiredSignatureError
    │   │   ├── ImmatureSignatureError          (nbf, and iat in the future)
    │   │   ├── InvalidAudienceError
    │   │   ├── InvalidIssuerError
    │   │   ├── InvalidIssuedAtError
    │   │   ├── InvalidSubjectError
    │   │   ├── InvalidJTIError
    │   │   ├── MissingRequiredClaimError       (.claim)
    │   │   ├── InvalidAlgorithmError
    │   │   ├── WrongTokenTypeError
    │   │   ├── TokenRevokedError
    │   │   └── TokenReusedError
    │   └── InvalidKeyError
    │       └── WeakKeyError
    ├── PasswordError
    │   ├── InvalidHashError
    │   │   └── InsecureHashError
    │   ├── HashParamsOutOfBoundsError
    │   ├── PasswordMismatchError
    │   └── PasswordPolicyError
    │       ├── PasswordTooShortError
    │       ├── PasswordTooLongError
    │       ├── PasswordTooCommonError
    │       └── PasswordTooWeakError
    ├── AuthorizationError
    │   ├── ForbiddenError
    │   └── MissingScopeError
    ├── InvalidParamsError                      (also a ValueError)
    ├── RateLimitedError
    └── StoreUnavailableError

Which class a core error code becomes is decided in one place: ``_BY_CODE`` below.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "AuthorizationError",
    "DecodeError",
    "DuplicateClaimError",
    "ExpiredSignatureError",
    "ForbiddenError",
    "HashParamsOutOfBoundsError",
    "ImmatureSignatureError",
    "InsecureHashError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidClaimError",
    "InvalidHashError",
    "InvalidHeaderError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidParamsError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "MissingRequiredClaimError",
    "MissingScopeError",
    "PasswordError",
    "PasswordMismatchError",
    "PasswordPolicyError",
    "PasswordTooCommonError",
    "PasswordTooLongError",
    "PasswordTooShortError",
    "PasswordTooWeakError",
    "PyJWTError",
    "RateLimitedError",
    "StoreUnavailableError",
    "TokenReusedError",
    "TokenRevokedError",
    "TokenTooLargeError",
    "UnknownKidError",
    "WeakKeyError",
    "WrongTokenTypeError",
    "exception_for_code",
]


class AuthError(Exception):
    """Base of every authcore exception.

    ``code`` is the core's error code; it defaults to the class's own ``code`` so that
    application code can raise these classes like ordinary exceptions
    (``raise InvalidTokenError("revoked")``).
    """

    code: str = "auth_error"
    claim: str | None = None

    def __init__(self, *args: object, code: str | None = None, claim: str | None = None):
        super().__init__(*args)
        if code is not None:
            self.code = code
        if claim is not None:
            self.claim = claim

    @property
    def message(self) -> str:
        return str(self)


# --- tokens (PyJWT's names) -----------------------------------------------------------------


class PyJWTError(AuthError):
    """Base class of the token exceptions (PyJWT's name)."""

    code = "invalid_token"


class InvalidTokenError(PyJWTError):
    """The token was rejected."""


class DecodeError(InvalidTokenError):
    """The token is structurally invalid (segments, base64url, JSON, claim types)."""

    code = "malformed"


class InvalidSignatureError(DecodeError):
    """The signature does not match."""

    code = "invalid_signature"


class UnknownKidError(InvalidSignatureError):
    """The token's ``kid`` names no key in the key set, so its signature cannot be checked."""

    code = "unknown_kid"


class InvalidHeaderError(DecodeError):
    """A header the verifier refuses (``crit``, ``b64``, key-bearing headers, bad ``typ`` or
    ``kid``), or an unsupported header when encoding."""

    code = "invalid_header"


class InvalidClaimError(DecodeError):
    """A registered claim has the wrong type or an out-of-range value (``.claim`` names it)."""

    code = "invalid_claim"


class DuplicateClaimError(DecodeError):
    """A registered claim appears twice in the payload (``.claim`` names it)."""

    code = "duplicate_claim"


class TokenTooLargeError(DecodeError):
    """The token exceeds the size limit (``max_token_len``, 8 KiB by default)."""

    code = "token_too_large"


class ExpiredSignatureError(InvalidTokenError):
    """``exp`` is in the past (beyond leeway)."""

    code = "expired"


class ImmatureSignatureError(InvalidTokenError):
    """``nbf`` or ``iat`` is in the future (beyond leeway), as in PyJWT 2.10+."""

    code = "not_yet_valid"


class InvalidAudienceError(InvalidTokenError):
    """``aud`` does not match, is present when no audience is expected, or is mistyped."""

    code = "invalid_audience"


class InvalidIssuerError(InvalidTokenError):
    """``iss`` does not match or is not a string."""

    code = "invalid_issuer"


class InvalidIssuedAtError(InvalidTokenError):
    """``iat`` is not a non-negative integer."""

    code = "invalid_claim"


class InvalidSubjectError(InvalidTokenError):
    """``sub`` does not match the expected subject or is not a string."""

    code = "invalid_subject"


class InvalidJTIError(InvalidTokenError):
    """``jti`` is not a string."""

    code = "invalid_claim"


class MissingRequiredClaimError(InvalidTokenError):
    """A required claim is absent; ``.claim`` names it (PyJWT's signature and message)."""

    code = "missing_claim"

    def __init__(self, claim: str, *, code: str | None = None):
        super().__init__(claim, code=code, claim=claim)
        self.claim = claim

    def __str__(self) -> str:
        return f'Token is missing the "{self.claim}" claim'


class InvalidAlgorithmError(InvalidTokenError):
    """The algorithm is not HS256 (in the token, or requested by the caller)."""

    code = "unsupported_alg"


class WrongTokenTypeError(InvalidTokenError):
    """A refresh token where an access token is expected, or the reverse."""

    code = "wrong_token_type"


class TokenRevokedError(InvalidTokenError):
    """The token (or its refresh family) has been revoked."""

    code = "token_revoked"


class TokenReusedError(InvalidTokenError):
    """A refresh token was presented a second time; its whole family is now revoked."""

    code = "token_reused"


class InvalidKeyError(PyJWTError):
    """The key or key set is unusable (bad ``kid``, duplicate ``kid``, empty set…)."""

    code = "invalid_key"


class WeakKeyError(InvalidKeyError):
    """The secret is shorter than 32 bytes (RFC 7518 §3.2)."""

    code = "weak_key"


# --- passwords ------------------------------------------------------------------------------


class PasswordError(AuthError):
    """Base class of the password exceptions."""

    code = "password_error"


class InvalidHashError(PasswordError):
    """The stored hash is not a well-formed Argon2 PHC or bcrypt string, or is unsupported."""

    code = "invalid_hash"


class InsecureHashError(InvalidHashError):
    """The stored hash is in an insecure scheme (md5_crypt, des_crypt, plaintext) that the
    verifier is not set to accept (``HashBounds(allow_md5_crypt=True)`` /
    ``allow_plaintext=True`` accept the first and the last while users migrate)."""

    code = "insecure_hash"


class HashParamsOutOfBoundsError(PasswordError):
    """The stored hash's cost parameters fall outside the verifier's bounds."""

    code = "hash_params_out_of_bounds"


class PasswordMismatchError(PasswordError):
    """The password does not match (``verify`` returns ``False`` instead of raising this)."""

    code = "password_mismatch"


class PasswordPolicyError(PasswordError):
    """A new password breaks the password policy."""

    code = "password_policy"


class PasswordTooShortError(PasswordPolicyError):
    code = "password_too_short"


class PasswordTooLongError(PasswordPolicyError):
    code = "password_too_long"


class PasswordTooCommonError(PasswordPolicyError):
    code = "password_too_common"


class PasswordTooWeakError(PasswordPolicyError):
    code = "password_too_weak"


# --- authorization, configuration, sessions -------------------------------------------------


class AuthorizationError(AuthError):
    """The caller is authenticated but not allowed."""

    code = "forbidden"


class ForbiddenError(AuthorizationError):
    """None of the required roles is held."""

    code = "forbidden"


class MissingScopeError(AuthorizationError):
    """A required OAuth2 scope is missing."""

    code = "missing_scope"


class InvalidParamsError(AuthError, ValueError):
    """Invalid configuration: hashing parameters, bounds, policy, role hierarchy, requirement."""

    code = "invalid_params"


class RateLimitedError(AuthError):
    """Too many attempts; ``retry_after`` (seconds) says when to try again, if known."""

    code = "rate_limited"
    retry_after: float | None = None

    def __init__(
        self,
        *args: object,
        retry_after: float | None = None,
        code: str | None = None,
        claim: str | None = None,
    ):
        super().__init__(*args, code=code, claim=claim)
        self.retry_after = retry_after


class StoreUnavailableError(AuthError):
    """The session or rate-limit store could not be reached (authcore fails closed)."""

    code = "store_unavailable"


# --- the one mapping from core codes to classes ---------------------------------------------

#: Core error code → exception class; a ``(code, claim)`` key refines a code for one claim
#: (PyJWT raises e.g. ``InvalidIssuedAtError`` for a mistyped ``iat``).
_BY_CODE: dict[str | tuple[str, str], type[AuthError]] = {
    "malformed": DecodeError,
    "invalid_base64": DecodeError,
    "token_too_large": TokenTooLargeError,
    "nesting_too_deep": DecodeError,
    "unsupported_alg": InvalidAlgorithmError,
    "invalid_header": InvalidHeaderError,
    "unknown_kid": UnknownKidError,
    "invalid_signature": InvalidSignatureError,
    "expired": ExpiredSignatureError,
    "not_yet_valid": ImmatureSignatureError,
    "issued_in_future": ImmatureSignatureError,
    "invalid_issuer": InvalidIssuerError,
    "invalid_audience": InvalidAudienceError,
    "invalid_subject": InvalidSubjectError,
    "missing_claim": MissingRequiredClaimError,
    "invalid_claim": InvalidClaimError,
    ("invalid_claim", "iat"): InvalidIssuedAtError,
    ("invalid_claim", "iss"): InvalidIssuerError,
    ("invalid_claim", "aud"): InvalidAudienceError,
    ("invalid_claim", "sub"): InvalidSubjectError,
    ("invalid_claim", "jti"): InvalidJTIError,
    "duplicate_claim": DuplicateClaimError,
    "wrong_token_type": WrongTokenTypeError,
    "weak_key": WeakKeyError,
    "invalid_key": InvalidKeyError,
    "buffer_too_small": AuthError,
    "invalid_payload": DecodeError,
    "invalid_hash": InvalidHashError,
    "hash_params_out_of_bounds": HashParamsOutOfBoundsError,
    "invalid_params": InvalidParamsError,
    "insufficient_memory": PasswordError,
    "password_mismatch": PasswordMismatchError,
    "password_too_short": PasswordTooShortError,
    "password_too_long": PasswordTooLongError,
    "password_too_common": PasswordTooCommonError,
    "password_too_weak": PasswordTooWeakError,
    "forbidden": ForbiddenError,
    "missing_scope": MissingScopeError,
    "token_reused": TokenReusedError,
    "token_revoked": TokenRevokedError,
    "rate_limited": RateLimitedError,
    "store_unavailable": StoreUnavailableError,
    "insecure_hash": InsecureHashError,
}


#: The words a token error is raised with: PyJWT's message wherever PyJWT raises the same class
#: for the same fault, so code and tests that match on messages keep working. Keyed like
#: ``_BY_CODE`` (a ``(code, claim)`` key refines a code for one claim); a code not listed keeps
#: the core's own message. ``.code`` is always the core's. No message names a secret, a token
#: or a claim value.
_MESSAGES: dict[str | tuple[str, str], str] = {
    "invalid_signature": "Signature verification failed",
    "expired": "Signature has expired",
    "not_yet_valid": "The token is not yet valid (nbf)",
    "issued_in_future": "The token is not yet valid (iat)",
    "invalid_issuer": "Invalid issuer",
    "invalid_audience": "Audience doesn't match",
    "invalid_subject": "Invalid subject",
    "unsupported_alg": "The specified alg value is not allowed",
    ("invalid_claim", "exp"): "Expiration Time claim (exp) must be an integer.",
    ("invalid_claim", "nbf"): "Not Before claim (nbf) must be an integer.",
    ("invalid_claim", "iat"): "Issued At claim (iat) must be an integer.",
    ("invalid_claim", "iss"): "Payload Issuer (iss) must be a string",
    ("invalid_claim", "aud"): "Invalid claim format in token",
    ("invalid_claim", "sub"): "Subject must be a string",
    ("invalid_claim", "jti"): "JWT ID must be a string",
}


def message_for_code(code: str, claim: str | None = None) -> str | None:
    """PyJWT's message for a core error ``code`` (and ``claim``), or ``None`` where authcore
    keeps the core's own words."""
    if claim is not None:
        refined = _MESSAGES.get((code, claim))
        if refined is not None:
            return refined
    return _MESSAGES.get(code)


def exception_for_code(code: str, claim: str | None = None) -> type[AuthError]:
    """The exception class authcore raises for a core error ``code`` (and ``claim``)."""
    if claim is not None:
        refined = _BY_CODE.get((code, claim))
        if refined is not None:
            return refined
    return _BY_CODE.get(code, AuthError)


def _from_core(code: str, message: str, claim: str | None) -> AuthError:
    """Builds the exception for a core error (called by the native module)."""
    cls = exception_for_code(code, claim)
    if issubclass(cls, MissingRequiredClaimError):
        return cls(claim or "unknown", code=code)
    text = message_for_code(code, claim)
    if text is None:
        text = message if claim is None else f"{message} ({claim})"
    return cls(text, code=code, claim=claim)
