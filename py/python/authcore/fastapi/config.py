"""Settings for :mod:`authcore.fastapi`, read from the environment or given in code.

=========================== ============================================================
variable                    meaning
=========================== ============================================================
``AUTHCORE_SECRET``         HS256 signing secret, at least 32 bytes (UTF-8) with some
                            variety (8+ distinct bytes). Required unless a signing key is
                            set or dev mode is on.
``AUTHCORE_SECRET_KID``     optional ``kid`` written into token headers (key rotation).
``AUTHCORE_SIGNING_KEY``    an Ed25519 private key (PKCS#8 PEM text, or the path of a PEM
                            file): tokens are signed with EdDSA and its public key is
                            published at ``/.well-known/jwks.json``. An HS256 secret set
                            beside it only verifies (tokens signed before the switch).
``AUTHCORE_PREVIOUS_SIGNING_KEYS`` earlier Ed25519 keys, comma-separated
                            ``PATH@RETIRED_AT`` (a PEM file, public or private, and the Unix
                            time it stopped signing): each keeps verifying and stays
                            published until the last token it signed has expired
                            (``RETIRED_AT + refresh TTL + leeway``, the core's rule). A
                            ``RETIRED_AT`` later than now (beyond the leeway) is refused.
``AUTHCORE_DEV``            ``1`` = dev mode: with no secret and no signing key, generate
                            an Ed25519 signing key for this process (tokens die with it)
                            and warn loudly.
``AUTHCORE_ACCESS_TTL``     access-token lifetime: seconds or ``15m``/``1h``/``7d``
                            (default ``15m``).
``AUTHCORE_REFRESH_TTL``    refresh-token lifetime (default ``7d``); not below the access TTL.
``AUTHCORE_ISSUER``         ``iss`` written into tokens and required when verifying.
``AUTHCORE_AUDIENCE``       ``aud`` written into tokens and required when verifying.
``AUTHCORE_LEEWAY``         clock-skew allowance in seconds for ``exp``/``nbf``/``iat``
                            (default 0, at most 300).
``AUTHCORE_STORE``          session store URL (``sqlite:///path``, ``redis://…``, ``memory://``);
                            unset = stateless refresh.
``AUTHCORE_REFRESH_GRACE``  seconds within which a refresh token presented again gets a
                            new pair instead of revoking its session (default 10, 0 = none).
``AUTHCORE_TRUSTED_PROXIES`` comma-separated addresses or networks of the reverse proxies
                            whose ``X-Forwarded-For`` is believed (default: none).
``AUTHCORE_COOKIE_MODE``    ``1`` = browser apps: the refresh token in an HttpOnly cookie, the
                            auth routes protected from cross-site requests.
``AUTHCORE_CHECK_REVOCATION`` ``0`` = do not ask the store on each request whether the access
                            token's session was revoked (default ``1`` with a store).
``AUTHCORE_TOKEN_CACHE_SIZE`` how many verified access tokens to remember until they expire, so
                            that a token seen again is not verified again (default 1024;
                            ``0`` = verify every time; at most 1,000,000).
``AUTHCORE_COOKIE_ORIGINS`` comma-separated origins (``https://app.example``) besides the
                            app's own allowed to call the cookie routes.
=========================== ============================================================

With a store, ``AUTHCORE_LOGIN_RATE_CLIENT``, ``AUTHCORE_LOGIN_RATE_USER`` and
``AUTHCORE_LOGIN_RATE_ACCOUNT`` set the login limits per client address, per (account, client)
pair and per account whatever the client: ``20/min``, ``5/min, burst=10``, or ``off`` (defaults:
:data:`authcore.stores.DEFAULT_LOGIN_PER_CLIENT`, ``DEFAULT_LOGIN_PER_USER`` and
``DEFAULT_LOGIN_PER_ACCOUNT``).

A weak or missing secret (or an unreadable signing key) is refused with :class:`ConfigError` at start-up: an app that cannot
sign safely should not serve. The error never repeats the secret.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from .._authcore import (
    DEFAULT_ACCESS_TTL,
    DEFAULT_LEEWAY,
    DEFAULT_REFRESH_TTL,
    DEFAULT_TOKEN_CACHE_SIZE,
    MAX_REFRESH_GRACE,
    MIN_SECRET_LEN,
    RECOMMENDED_REFRESH_GRACE,
    Ed25519PrivateKey,
    Ed25519PublicKey,
    Key,
    SessionPolicy,
    check_secret_strength,
)
from ..exceptions import AuthError, InvalidParamsError

__all__ = [
    "MIN_SECRET_BYTES",
    "AuthSettings",
    "ConfigError",
    "PublicKeyLike",
    "RetiredKey",
    "SigningKeyLike",
    "parse_duration",
    "parse_networks",
]

MIN_SECRET_BYTES = MIN_SECRET_LEN
"""Shortest accepted HS256 secret (the core's; RFC 7518 §3.2: a key at least as long as the
hash output)."""

_MAX_LEEWAY = 300
# remembered access tokens: a million of ~1 KiB each is as much memory as a setting should ask
_MAX_TOKEN_CACHE_SIZE = 1_000_000
_DURATION = re.compile(r"^\s*(\d{1,10})\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ConfigError(ValueError):
    """The configuration is unusable (weak secret, bad duration…). Never contains the secret."""


def parse_duration(value: str | int, name: str = "duration") -> int:
    """``"900"``, ``"15m"``, ``"1h"``, ``"7d"`` or an int → positive seconds."""
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a duration, not a boolean")
    if isinstance(value, int):
        seconds = value
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ConfigError(f"{name} must be seconds or a number with s/m/h/d (e.g. 15m, 7d)")
        seconds = int(m.group(1)) * _UNIT[m.group(2)]
    if seconds <= 0:
        raise ConfigError(f"{name} must be positive")
    if seconds > 366 * 86400:
        raise ConfigError(f"{name} must be at most a year")
    return seconds


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1 or 0")


_GENERATE = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
_WEAKNESS = {
    "repetitive": "is too repetitive to be a random secret",
    "placeholder": "is a placeholder or example secret, not a random one",
    "sequence": "is a run of consecutive characters, not a random secret",
}


def _check_secret(secret: bytes) -> None:
    try:  # the core's rule: not a public key (PEM, OpenSSH, JWK) passed as a secret
        Key(secret)
    except AuthError as exc:
        if exc.code == "invalid_key":
            raise ConfigError(
                "AUTHCORE_SECRET looks like a public key (PEM, OpenSSH or JWK): a key that "
                "verifiers hold must never be an HMAC secret; set AUTHCORE_SIGNING_KEY to an "
                "Ed25519 private key instead"
            ) from None
    # the core's rule (``jwt::check_secret_strength``): long enough, varied, no placeholder
    # (``your-256-bit-secret``, ``changeme``…), no run like ``0123456789abcdef``
    weakness = check_secret_strength(secret)
    if weakness == "too_short":
        raise ConfigError(
            f"AUTHCORE_SECRET must be at least {MIN_SECRET_BYTES} bytes "
            f"(got {len(secret)}); {_GENERATE}"
        )
    if weakness is not None:
        raise ConfigError(f"AUTHCORE_SECRET {_WEAKNESS[weakness]}; {_GENERATE}")


def parse_networks(
    value: str | tuple[str, ...] | list[str],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` or a list of such → networks (``ConfigError`` if bad)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    nets = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"trusted_proxies: {item!r} is not an address or network") from None
    return tuple(nets)


def _dev_banner() -> None:
    msg = (
        "AUTHCORE_DEV=1: using a RANDOM Ed25519 signing key generated for this process. "
        "Tokens become invalid on restart and across workers. NEVER use dev mode in production; "
        "set AUTHCORE_SIGNING_KEY (or AUTHCORE_SECRET) instead."
    )
    line = "!" * 78
    print(f"\n{line}\n{msg}\n{line}\n", file=sys.stderr, flush=True)
    warnings.warn(msg, RuntimeWarning, stacklevel=3)


SigningKeyLike = Union[Ed25519PrivateKey, str, bytes]
"""An Ed25519 private key: a key object, or PKCS#8 PEM text."""
PublicKeyLike = Union[Ed25519PublicKey, Ed25519PrivateKey, str, bytes]
"""An Ed25519 key whose public half verifies: a key object, or PEM text (SPKI or PKCS#8)."""


def _signing_key(value: SigningKeyLike, name: str) -> Ed25519PrivateKey:
    if isinstance(value, Ed25519PrivateKey):
        return value
    try:
        return Ed25519PrivateKey.from_pem(value)
    except (AuthError, TypeError):
        raise ConfigError(f"{name} is not an Ed25519 private key in PKCS#8 PEM") from None


def _public_key(value: PublicKeyLike, name: str) -> Ed25519PublicKey:
    if isinstance(value, Ed25519PublicKey):
        return value
    if isinstance(value, Ed25519PrivateKey):
        return value.public_key()
    try:
        return Ed25519PublicKey.from_pem(value)
    except (AuthError, TypeError):
        pass
    try:
        return Ed25519PrivateKey.from_pem(value).public_key()
    except (AuthError, TypeError):
        raise ConfigError(f"{name} is not an Ed25519 key in PEM (SPKI or PKCS#8)") from None


def _pem_text(value: str, name: str) -> str:
    """``value`` itself when it is PEM text, else the content of the file it names."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    try:
        return Path(value).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"{name}: cannot read the key file {value!r}") from None


def _previous_keys(raw: str, name: str) -> list[tuple[PublicKeyLike, int]]:
    """``PATH@RETIRED_AT, …`` → ``[(pem, retired_at), …]``."""
    keys: list[tuple[PublicKeyLike, int]] = []
    for entry in raw.split(","):
        path, sep, when = entry.strip().rpartition("@")
        if not sep or not path or not when.strip().isdigit():
            raise ConfigError(
                f"{name} must be comma-separated PATH@RETIRED_AT entries (RETIRED_AT: the "
                "Unix time the key stopped signing)"
            )
        keys.append((_pem_text(path, name), int(when)))
    return keys


@dataclass(frozen=True)
class RetiredKey:
    """An Ed25519 key that no longer signs: it verifies, and is published, until ``until``
    (Unix seconds), when the last token it signed has expired."""

    public_key: Ed25519PublicKey
    retired_at: int
    until: int


@dataclass(frozen=True)
class AuthSettings:
    """Validated settings. Build with :meth:`from_env`, or directly in code and tests.

    ``secret`` is bytes (a ``str`` is UTF-8 encoded). ``previous_secrets`` maps ``kid`` to
    older secrets still accepted for verification during a key rotation (new tokens are
    always signed with ``secret``).

    ``signing_key`` (an :class:`~authcore.Ed25519PrivateKey` or its PKCS#8 PEM) makes tokens
    EdDSA-signed; ``secret`` is then optional and, when given, only verifies (HS256 tokens
    issued before the switch). ``previous_signing_keys`` are ``(key, retired_at)`` pairs: an
    earlier Ed25519 key (public or private, object or PEM) and the Unix time it stopped
    signing. It verifies, and ``/.well-known/jwks.json`` publishes it, until
    ``retired_at + refresh_ttl + leeway``: until the last token it signed has expired (the
    core's rule, :meth:`SessionPolicy.key_retired_until`). A ``retired_at`` later than now
    (beyond the leeway) is refused: a key that no longer signs cannot retire in the future.
    """

    secret: bytes | str | None = field(default=None, repr=False)
    secret_kid: str | None = None
    access_ttl: int = DEFAULT_ACCESS_TTL
    refresh_ttl: int = DEFAULT_REFRESH_TTL
    issuer: str | None = None
    audience: str | None = None
    leeway: int = DEFAULT_LEEWAY
    store_url: str | None = None
    login_rate_client: str | None = None
    login_rate_user: str | None = None
    login_rate_account: str | None = None
    refresh_grace: int = RECOMMENDED_REFRESH_GRACE
    trusted_proxies: tuple[str, ...] = ()
    cookie_mode: bool = False
    cookie_origins: tuple[str, ...] = ()
    check_access_revocation: bool = True
    token_cache_size: int = DEFAULT_TOKEN_CACHE_SIZE
    dev: bool = False
    previous_secrets: Mapping[str, bytes | str] = field(default_factory=dict, repr=False)
    signing_key: SigningKeyLike | None = field(default=None, repr=False)
    previous_signing_keys: Sequence[tuple[PublicKeyLike, int]] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.signing_key is not None:
            object.__setattr__(self, "signing_key", _signing_key(self.signing_key, "signing_key"))
        if isinstance(self.secret, str):
            object.__setattr__(self, "secret", self.secret.encode())
        if self.secret is None:
            if self.signing_key is None:
                raise ConfigError("a secret or a signing key is required")
        elif not isinstance(self.secret, bytes):
            raise ConfigError("secret must be bytes or str")
        else:
            _check_secret(self.secret)
        prev = {}
        for kid, old in dict(self.previous_secrets).items():
            old = old.encode() if isinstance(old, str) else old
            if not kid or kid == self.secret_kid:
                raise ConfigError("each previous secret needs its own non-empty kid")
            _check_secret(old)
            prev[kid] = old
        if prev and not self.secret_kid:
            raise ConfigError("key rotation needs a kid for the current secret too")
        if prev and self.secret is None:
            raise ConfigError("previous secrets need a current secret")
        object.__setattr__(self, "previous_secrets", prev)
        retired = []
        for pair in self.previous_signing_keys:
            if not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[1], int):
                raise ConfigError("previous_signing_keys must be (key, retired_at) pairs")
            retired.append((_public_key(pair[0], "previous_signing_keys"), pair[1]))
        object.__setattr__(self, "previous_signing_keys", tuple(retired))
        object.__setattr__(self, "access_ttl", parse_duration(self.access_ttl, "access_ttl"))
        object.__setattr__(self, "refresh_ttl", parse_duration(self.refresh_ttl, "refresh_ttl"))
        cache = self.token_cache_size
        if isinstance(cache, bool) or not isinstance(cache, int):
            raise ConfigError("token_cache_size must be a number of tokens")
        if not 0 <= cache <= _MAX_TOKEN_CACHE_SIZE:
            raise ConfigError(f"token_cache_size must be between 0 and {_MAX_TOKEN_CACHE_SIZE}")
        if not isinstance(self.leeway, int) or not 0 <= self.leeway <= _MAX_LEEWAY:
            raise ConfigError(f"leeway must be between 0 and {_MAX_LEEWAY} seconds")
        try:  # the core's rule: 0 < access_ttl <= refresh_ttl, leeway < access_ttl
            SessionPolicy(self.access_ttl, self.refresh_ttl, self.leeway)
        except InvalidParamsError:
            raise ConfigError(
                "refresh_ttl must not be shorter than access_ttl, and leeway must be shorter "
                "than access_ttl"
            ) from None
        grace = self.refresh_grace
        try:  # the core's rule: grace <= MAX_REFRESH_GRACE and < access_ttl
            if isinstance(grace, bool) or not isinstance(grace, int):
                raise InvalidParamsError("grace")
            SessionPolicy(self.access_ttl, self.refresh_ttl, self.leeway, grace)
        except (InvalidParamsError, OverflowError):
            raise ConfigError(
                f"refresh_grace must be 0 to {MAX_REFRESH_GRACE} seconds and shorter than "
                "access_ttl"
            ) from None
        now = int(time.time())
        for _, retired_at in self.previous_signing_keys:
            try:  # the core's rule: not later than now + leeway, no overflow
                self.policy().check_key_retired(retired_at, now)
            except (InvalidParamsError, OverflowError):
                raise ConfigError(
                    "previous_signing_keys: each retired_at must be the Unix time (seconds, "
                    "not in the future) the key stopped signing"
                ) from None
        proxies = self.trusted_proxies
        if isinstance(proxies, str):
            proxies = tuple(p.strip() for p in proxies.split(",") if p.strip())
        parse_networks(tuple(proxies))
        object.__setattr__(self, "trusted_proxies", tuple(proxies))
        object.__setattr__(self, "cookie_origins", tuple(self.cookie_origins))
        for name in ("login_rate_client", "login_rate_user", "login_rate_account"):
            value = getattr(self, name)
            if value is not None and value.strip().lower() != "off":
                from ..stores import parse_quota

                try:
                    parse_quota(value)
                except ValueError as exc:
                    raise ConfigError(f"{name}: {exc}") from None
        for name in ("issuer", "audience", "secret_kid"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"{name} must be a non-empty string when set")

    def policy(self) -> SessionPolicy:
        """The core's :class:`SessionPolicy` of these settings (lifetimes, leeway, grace)."""
        return SessionPolicy(self.access_ttl, self.refresh_ttl, self.leeway, self.refresh_grace)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuthSettings:
        """Reads the ``AUTHCORE_*`` variables (``env`` defaults to ``os.environ``).

        Raises :class:`ConfigError` for a missing or weak secret (and no signing key) unless
        ``AUTHCORE_DEV=1``, in which case a random Ed25519 signing key is generated and a
        warning is printed, logged and raised as a :class:`RuntimeWarning`.
        """
        env = os.environ if env is None else env
        dev = _flag(env, "AUTHCORE_DEV")
        raw = env.get("AUTHCORE_SECRET")
        secret = raw.encode() if raw else None
        raw_key = env.get("AUTHCORE_SIGNING_KEY")
        signing: SigningKeyLike | None = None
        if raw_key:
            signing = _signing_key(
                _pem_text(raw_key, "AUTHCORE_SIGNING_KEY"), "AUTHCORE_SIGNING_KEY"
            )
        elif secret is None and dev:
            signing = Ed25519PrivateKey.generate()
            _dev_banner()
        elif secret is None:
            raise ConfigError(
                "AUTHCORE_SECRET is not set. Set it to a random value of at least "
                f"{MIN_SECRET_BYTES} bytes (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'), set AUTHCORE_SIGNING_KEY to an Ed25519 "
                "private key (PEM), or set AUTHCORE_DEV=1 for a throwaway development key."
            )
        raw_prev = env.get("AUTHCORE_PREVIOUS_SIGNING_KEYS")
        previous = _previous_keys(raw_prev, "AUTHCORE_PREVIOUS_SIGNING_KEYS") if raw_prev else []
        try:
            leeway = int(env.get("AUTHCORE_LEEWAY") or DEFAULT_LEEWAY)
        except ValueError:
            raise ConfigError("AUTHCORE_LEEWAY must be an integer number of seconds") from None
        raw_cache = env.get("AUTHCORE_TOKEN_CACHE_SIZE")
        try:
            cache = DEFAULT_TOKEN_CACHE_SIZE if not raw_cache else int(raw_cache)
        except ValueError:
            raise ConfigError("AUTHCORE_TOKEN_CACHE_SIZE must be a number of tokens") from None
        raw_grace = env.get("AUTHCORE_REFRESH_GRACE")
        try:
            grace = RECOMMENDED_REFRESH_GRACE if not raw_grace else int(raw_grace)
        except ValueError:
            raise ConfigError(
                "AUTHCORE_REFRESH_GRACE must be an integer number of seconds"
            ) from None
        return cls(
            secret=secret,
            secret_kid=env.get("AUTHCORE_SECRET_KID") or None,
            access_ttl=parse_duration(
                env.get("AUTHCORE_ACCESS_TTL") or DEFAULT_ACCESS_TTL, "AUTHCORE_ACCESS_TTL"
            ),
            refresh_ttl=parse_duration(
                env.get("AUTHCORE_REFRESH_TTL") or DEFAULT_REFRESH_TTL, "AUTHCORE_REFRESH_TTL"
            ),
            issuer=env.get("AUTHCORE_ISSUER") or None,
            audience=env.get("AUTHCORE_AUDIENCE") or None,
            leeway=leeway,
            store_url=env.get("AUTHCORE_STORE") or None,
            login_rate_client=env.get("AUTHCORE_LOGIN_RATE_CLIENT") or None,
            login_rate_user=env.get("AUTHCORE_LOGIN_RATE_USER") or None,
            login_rate_account=env.get("AUTHCORE_LOGIN_RATE_ACCOUNT") or None,
            refresh_grace=grace,
            trusted_proxies=tuple(
                p.strip() for p in env.get("AUTHCORE_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            cookie_mode=_flag(env, "AUTHCORE_COOKIE_MODE"),
            check_access_revocation=not env.get("AUTHCORE_CHECK_REVOCATION")
            or _flag(env, "AUTHCORE_CHECK_REVOCATION"),
            token_cache_size=cache,
            cookie_origins=tuple(
                o.strip() for o in env.get("AUTHCORE_COOKIE_ORIGINS", "").split(",") if o.strip()
            ),
            dev=dev,
            signing_key=signing,
            previous_signing_keys=previous,
        )

    @property
    def algorithm(self) -> str:
        """``"EdDSA"`` with a signing key, else ``"HS256"``: how new tokens are signed."""
        return "EdDSA" if self.signing_key is not None else "HS256"

    def retired_keys(self) -> list[RetiredKey]:
        """The previous signing keys, each with the time it stops verifying and being
        published: the core's :meth:`SessionPolicy.key_retired_until`
        (``retired_at + refresh_ttl + leeway``: the last token it could have signed is a
        refresh token issued at ``retired_at``)."""
        policy = self.policy()
        return [
            RetiredKey(key, retired_at, policy.key_retired_until(retired_at))
            for key, retired_at in self.previous_signing_keys
            if isinstance(key, Ed25519PublicKey)  # always, after __post_init__
        ]
