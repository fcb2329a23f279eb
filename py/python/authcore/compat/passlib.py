"""passlib's ``CryptContext`` over the authcore core: keep every stored hash, write Argon2id.

Change the import and keep the code and the stored hashes::

    from authcore.compat.passlib import CryptContext   # was: from passlib.context import …

    pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")
    pwd_context.verify(plain, stored)                   # bcrypt, pbkdf2, sha512_crypt, …
    ok, new_hash = pwd_context.verify_and_update(plain, stored)
    if ok and new_hash:
        save(new_hash)                                  # now $argon2id$…

What it does, with passlib's signatures:

- ``hash`` always writes Argon2id (the core's hasher; ``argon2__memory_cost``,
  ``argon2__time_cost``/``argon2__rounds``, ``argon2__parallelism``, ``argon2__hash_len``,
  ``argon2__salt_size`` and ``argon2__type`` set its parameters), whatever ``default`` or the
  first listed scheme is: every other scheme is verify-only.
- ``verify`` / ``verify_and_update`` / ``needs_update`` / ``identify`` accept the schemes listed
  in ``schemes`` (``"argon2"`` is always added): ``bcrypt``, ``bcrypt_sha256``,
  ``pbkdf2_sha1``/``pbkdf2_sha256``/``pbkdf2_sha512``, ``django_pbkdf2_sha1``/
  ``django_pbkdf2_sha256``, ``sha256_crypt``/``sha512_crypt``, and — only with
  ``allow_insecure=True`` — ``md5_crypt`` and ``plaintext``. The core parses, bounds-checks and
  verifies each (constant-time); every non-Argon2 hash ``needs_update``, so users move to
  Argon2id at their next login. ``des_crypt`` cannot be verified (no maintained no_std
  implementation): listing it raises ``ValueError``; reset those users' passwords.
- Errors are passlib's: an unknown hash or one of a scheme not listed raises
  :class:`UnknownHashError` (a ``ValueError``, "hash could not be identified"), a malformed one
  :class:`MalformedHashError` (``ValueError``); each also carries authcore's ``.code``. A wrong
  password is ``False``. ``verify(secret, None)`` spends a dummy verify and returns ``False``.
- bcrypt's 72-byte limit: ``bcrypt__truncate_error=True`` (passlib's own setting) refuses a
  longer password with :class:`PasswordTruncateError` (a ``ValueError``) as bcrypt 5 does;
  the default verifies on the first 72 bytes, as passlib 1.7 and bcrypt 4 did when they made
  the hash. Passwords over 4096 bytes raise :class:`PasswordSizeError`, as in passlib.
- Other ``<scheme>__<setting>`` keywords (``bcrypt__rounds``, ``pbkdf2_sha256__min_rounds``,
  …) configure hashing in those schemes, which never happens here: they are accepted and
  ignored. Unknown keywords raise ``TypeError``.
"""

from __future__ import annotations

from typing import Any, NoReturn, Union

from .._authcore import Argon2Params, HashBounds, hash_schemes, identify_hash
from .._authcore import needs_rehash as _needs_rehash
from ..exceptions import (
    HashParamsOutOfBoundsError,
    InsecureHashError,
    InvalidHashError,
    PasswordError,
    PasswordTooLongError,
)
from ..passwords import PasswordHasher

__all__ = [
    "CryptContext",
    "HashBoundsError",
    "InsecureSchemeError",
    "MalformedHashError",
    "PasswordSizeError",
    "PasswordTruncateError",
    "UnknownHashError",
]

Secret = Union[str, bytes]

#: passlib's ``MAX_PASSWORD_SIZE``.
MAX_PASSWORD_SIZE = 4096
_ARGON2 = "argon2"
# The core's scheme table: (name, insecure, verifiable).
_KNOWN = frozenset(name for name, _, _ in hash_schemes())
_INSECURE = frozenset(name for name, insecure, _ in hash_schemes() if insecure)
_NEVER = frozenset(name for name, _, verifiable in hash_schemes() if not verifiable)
_ARGON2_SETTINGS = {
    "memory_cost": "m_cost",
    "time_cost": "t_cost",
    "rounds": "t_cost",
    "parallelism": "p_cost",
    "hash_len": "output_len",
    "digest_size": "output_len",
    "salt_size": "salt_len",
    "type": "algorithm",
}
# Context-level passlib keywords that only shape hashing in other schemes or timing.
_IGNORED = frozenset({"min_verify_time", "harden_verify", "policy", "_autoload"})


class UnknownHashError(InvalidHashError, ValueError):
    """No listed scheme recognises the hash (passlib's ``UnknownHashError``)."""


class MalformedHashError(InvalidHashError, ValueError):
    """The hash names a listed scheme but does not parse (passlib's ``MalformedHashError``)."""


class InsecureSchemeError(InsecureHashError, ValueError):
    """An insecure scheme the context does not accept (see ``allow_insecure``)."""


class HashBoundsError(HashParamsOutOfBoundsError, ValueError):
    """The stored hash's cost is beyond the verifier's bounds (a planted hash)."""


class PasswordSizeError(PasswordTooLongError, ValueError):
    """The password is longer than passlib's 4096-byte limit (passlib's name)."""


class PasswordTruncateError(PasswordSizeError):
    """A password over 72 bytes against bcrypt with ``bcrypt__truncate_error=True``."""


def _reraise(e: PasswordError) -> NoReturn:
    """The passlib-shaped (``ValueError``) class of a core password error, same ``.code``."""
    cls: type[Exception]
    if isinstance(e, InsecureHashError):
        cls = InsecureSchemeError
    elif isinstance(e, InvalidHashError):
        cls = MalformedHashError
    elif isinstance(e, HashParamsOutOfBoundsError):
        cls = HashBoundsError
    elif isinstance(e, PasswordTooLongError):
        cls = PasswordTruncateError
    else:
        raise e
    raise cls(str(e), code=e.code) from None


def _bytes(secret: Secret) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    elif not isinstance(secret, (bytes, bytearray)):
        raise TypeError(f"secret must be str or bytes, not {type(secret).__name__}")
    if len(secret) > MAX_PASSWORD_SIZE:
        raise PasswordSizeError(f"password exceeds max allowed size of {MAX_PASSWORD_SIZE} bytes")
    return bytes(secret)


def _text(hash: str | bytes) -> str:
    if isinstance(hash, (bytes, bytearray)):
        try:
            return hash.decode("ascii")
        except UnicodeDecodeError:
            raise UnknownHashError("hash could not be identified", code="invalid_hash") from None
    if not isinstance(hash, str):
        raise TypeError(f"hash must be str or bytes, not {type(hash).__name__}")
    return hash


class CryptContext:
    """passlib's ``CryptContext(schemes=[…], deprecated="auto", …)`` over the authcore core.

    authcore's own keywords: ``params`` (an ``Argon2Params`` for new hashes, instead of the
    ``argon2__*`` settings), ``bounds`` (a ``HashBounds``: the largest stored cost each scheme
    may ask for; defaults suit a server) and ``allow_insecure`` (``True`` lets ``md5_crypt``
    and ``plaintext`` be listed, for migrating off them).
    """

    def __init__(
        self,
        schemes: list[str] | tuple[str, ...] | str | None = None,
        *,
        deprecated: str | list[str] | tuple[str, ...] | None = None,
        default: str | None = None,
        params: Argon2Params | None = None,
        bounds: HashBounds | None = None,
        allow_insecure: bool = False,
        **kwds: Any,
    ) -> None:
        if isinstance(schemes, str):
            schemes = [s.strip() for s in schemes.split(",") if s.strip()]
        listed = list(schemes or [])
        for name in listed:
            if not isinstance(name, str):
                raise TypeError(
                    "CryptContext: schemes are given by name (passlib handler objects are not supported)"
                )
            if name in _NEVER:
                raise ValueError(
                    f"{name} cannot be verified by authcore (no maintained implementation): "
                    "reset these users' passwords"
                )
            if name not in _KNOWN:
                raise KeyError(f"unknown password hashing scheme: {name!r}")
            if name in _INSECURE and not allow_insecure:
                raise InsecureSchemeError(
                    f"{name} is insecure: pass allow_insecure=True to verify (never hash) such "
                    "hashes while users migrate; each is rehashed to Argon2id at its next login",
                    code="insecure_hash",
                )
        if default is not None and default not in listed and default != _ARGON2:
            raise KeyError(f"default scheme not found in policy: {default!r}")
        self._schemes = tuple(dict.fromkeys([_ARGON2, *listed]))
        self._deprecated = deprecated
        argon2: dict[str, Any] = {}
        truncate_error = bool(kwds.pop("truncate_error", False))
        for key, value in kwds.items():
            scheme, sep, setting = key.partition("__")
            if key in _IGNORED:
                continue
            if not sep or scheme not in _KNOWN | {"all"}:
                raise TypeError(f"CryptContext: unknown keyword {key!r}")
            if scheme == _ARGON2 and setting in _ARGON2_SETTINGS:
                argon2[_ARGON2_SETTINGS[setting]] = value
            elif setting == "truncate_error" and scheme in ("bcrypt", "all"):
                truncate_error = bool(value)
            # Any other per-scheme setting shapes hashing in a verify-only scheme: ignored.
        if argon2:
            if params is not None:
                raise TypeError("CryptContext: give params= or argon2__* settings, not both")
            base = Argon2Params()
            merged = {
                "m_cost": base.m_cost,
                "t_cost": base.t_cost,
                "p_cost": base.p_cost,
                "output_len": base.output_len,
                "salt_len": base.salt_len,
                "algorithm": base.algorithm,
                **argon2,
            }
            algorithm = str(merged["algorithm"]).lower()
            merged["algorithm"] = (
                algorithm if algorithm.startswith("argon2") else f"argon2{algorithm}"
            )
            params = Argon2Params(
                int(merged["m_cost"]),
                int(merged["t_cost"]),
                int(merged["p_cost"]),
                algorithm=merged["algorithm"],
                output_len=int(merged["output_len"]),
                salt_len=int(merged["salt_len"]),
            )
        base_bounds = bounds if bounds is not None else HashBounds()
        self._bounds = base_bounds.with_legacy(
            bcrypt_truncate=not truncate_error,
            allow_md5_crypt="md5_crypt" in self._schemes,
            allow_plaintext="plaintext" in self._schemes,
        )
        self._hasher = PasswordHasher(params=params, bounds=self._bounds)
        self._kwds = dict(
            kwds,
            schemes=listed,
            deprecated=deprecated,
            default=default,
            params=params,
            bounds=bounds,
            allow_insecure=allow_insecure,
        )
        if truncate_error:
            self._kwds["bcrypt__truncate_error"] = True

    def __repr__(self) -> str:
        return f"<CryptContext schemes={list(self._schemes)!r}>"

    # --- configuration ------------------------------------------------------------------------

    def schemes(
        self, resolve: bool = False, category: str | None = None, unconfigured: bool = False
    ) -> tuple[str, ...]:
        """The configured scheme names (``"argon2"`` first: it writes every new hash)."""
        if resolve:
            raise TypeError("CryptContext.schemes(resolve=True): no passlib handler objects here")
        return self._schemes

    def default_scheme(
        self, category: str | None = None, resolve: bool = False, unconfigured: bool = False
    ) -> str:
        """``"argon2"``: every new hash is Argon2id."""
        if resolve:
            raise TypeError(
                "CryptContext.default_scheme(resolve=True): no passlib handler objects here"
            )
        return _ARGON2

    def copy(self, **kwds: Any) -> CryptContext:
        """A new context with these settings changed (passlib's ``copy``/``using``)."""
        return CryptContext(**{**self._kwds, **kwds})

    using = copy

    @property
    def params(self) -> Argon2Params:
        """The Argon2 parameters of new hashes."""
        return self._hasher.params

    @property
    def bounds(self) -> HashBounds:
        """The bounds stored hashes are verified within."""
        return self._bounds

    # --- hashing ------------------------------------------------------------------------------

    def hash(
        self, secret: Secret, scheme: str | None = None, category: str | None = None, **kwds: Any
    ) -> str:
        """A new Argon2id hash of ``secret`` (other schemes are verify-only)."""
        if scheme not in (None, _ARGON2):
            raise ValueError(f"{scheme} is verify-only here: new hashes are Argon2id")
        if kwds:
            raise TypeError(f"CryptContext.hash: unsupported settings {sorted(kwds)}")
        return self._hasher.hash(_bytes(secret))

    encrypt = hash

    def identify(
        self,
        hash: str | bytes | None,
        category: str | None = None,
        resolve: bool = False,
        required: bool = False,
        unconfigured: bool = False,
    ) -> str | None:
        """The configured scheme that recognises ``hash`` (by its prefix), or ``None``
        (``required=True``: :class:`UnknownHashError`)."""
        if resolve:
            raise TypeError("CryptContext.identify(resolve=True): no passlib handler objects here")
        name = None
        if hash is not None:
            try:
                name = identify_hash(_text(hash), self._bounds)
            except InvalidHashError:
                name = None
        if name not in self._schemes:
            name = None
        if name is None and required:
            raise UnknownHashError("hash could not be identified", code="invalid_hash")
        return name

    def _scheme_of(self, hash: str, scheme: str | None) -> str:
        name = self.identify(hash, required=True)
        if scheme is not None and scheme != name:
            if scheme not in self._schemes:
                raise KeyError(f"crypt algorithm not found in policy: {scheme!r}")
            raise MalformedHashError(f"not a valid {scheme} hash", code="invalid_hash")
        assert name is not None
        return name

    def needs_update(
        self,
        hash: str | bytes,
        scheme: str | None = None,
        category: str | None = None,
        secret: Secret | None = None,
    ) -> bool:
        """Whether ``hash`` should be replaced: every non-Argon2 hash, and Argon2 hashes made
        with other parameters than ``params`` (the core decides)."""
        text = _text(hash)
        self._scheme_of(text, scheme)
        try:
            return _needs_rehash(text, self._hasher.params, self._bounds)
        except PasswordError as e:
            _reraise(e)

    hash_needs_update = needs_update

    # --- verifying ----------------------------------------------------------------------------

    def verify(
        self,
        secret: Secret,
        hash: str | bytes | None,
        scheme: str | None = None,
        category: str | None = None,
        **kwds: Any,
    ) -> bool:
        """``True`` if ``secret`` matches ``hash``, ``False`` if not; ``ValueError`` subclasses
        for an unknown or malformed hash. ``hash=None`` spends a dummy verify: ``False``."""
        password = _bytes(secret)
        if hash is None:
            self.dummy_verify()
            return False
        text = _text(hash)
        self._scheme_of(text, scheme)
        try:
            return self._hasher.verify(password, text)
        except PasswordError as e:
            _reraise(e)

    def verify_and_update(
        self,
        secret: Secret,
        hash: str | bytes | None,
        scheme: str | None = None,
        category: str | None = None,
        **kwds: Any,
    ) -> tuple[bool, str | None]:
        """``(matches, new_hash)``: ``new_hash`` is a fresh Argon2id hash when ``secret``
        matched and ``hash`` needs an update (every legacy scheme), else ``None``."""
        if not self.verify(secret, hash, scheme, category):
            return False, None
        assert hash is not None
        if self.needs_update(hash):
            return True, self.hash(secret)
        return True, None

    def dummy_verify(self, elapsed: float = 0) -> bool:
        """Spends one Argon2 verify with the current parameters; returns ``False``. Call it
        when a login names an unknown user."""
        return self._hasher.dummy_verify(b"authcore dummy secret")

    def is_enabled(self, hash: str | bytes) -> bool:
        """``True`` for any hash a configured scheme recognises (``ValueError`` otherwise)."""
        self._scheme_of(_text(hash), None)
        return True
