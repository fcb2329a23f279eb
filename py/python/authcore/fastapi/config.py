"""Settings for :mod:`authcore.fastapi`, read from the environment or given in code.

=========================== ============================================================
variable                    meaning
=========================== ============================================================
``AUTHCORE_SECRET``         HS256 signing secret, at least 32 bytes (UTF-8) with some
                            variety (8+ distinct bytes). Required unless dev mode is on.
``AUTHCORE_SECRET_KID``     optional ``kid`` written into token headers (key rotation).
``AUTHCORE_DEV``            ``1`` = dev mode: with no secret, generate a random one for
                            this process (tokens die with it) and warn loudly.
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
``AUTHCORE_COOKIE_ORIGINS`` comma-separated origins (``https://app.example``) besides the
                            app's own allowed to call the cookie routes.
=========================== ============================================================

With a store, ``AUTHCORE_LOGIN_RATE_CLIENT``, ``AUTHCORE_LOGIN_RATE_USER`` and
``AUTHCORE_LOGIN_RATE_ACCOUNT`` set the login limits per client address, per (account, client)
pair and per account whatever the client: ``20/min``, ``5/min, burst=10``, or ``off`` (defaults:
:data:`authcore.stores.DEFAULT_LOGIN_PER_CLIENT`, ``DEFAULT_LOGIN_PER_USER`` and
``DEFAULT_LOGIN_PER_ACCOUNT``).

A weak or missing secret is refused with :class:`ConfigError` at start-up: an app that cannot
sign safely should not serve. The error never repeats the secret.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

from .._authcore import (
    DEFAULT_ACCESS_TTL,
    DEFAULT_LEEWAY,
    DEFAULT_REFRESH_TTL,
    MAX_REFRESH_GRACE,
    MIN_SECRET_LEN,
    RECOMMENDED_REFRESH_GRACE,
    SessionPolicy,
    check_secret_strength,
)
from ..exceptions import InvalidParamsError

__all__ = ["MIN_SECRET_BYTES", "AuthSettings", "ConfigError", "parse_duration", "parse_networks"]

MIN_SECRET_BYTES = MIN_SECRET_LEN
"""Shortest accepted HS256 secret (the core's; RFC 7518 §3.2: a key at least as long as the
hash output)."""

_MAX_LEEWAY = 300
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
    """The core's rule (``jwt::check_secret_strength``): long enough, varied, no placeholder
    (``your-256-bit-secret``, ``changeme``…), no run like ``0123456789abcdef``."""
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
        "AUTHCORE_DEV=1: using a RANDOM signing secret generated for this process. "
        "Tokens become invalid on restart and across workers. NEVER use dev mode in production; "
        "set AUTHCORE_SECRET instead."
    )
    line = "!" * 78
    print(f"\n{line}\n{msg}\n{line}\n", file=sys.stderr, flush=True)
    warnings.warn(msg, RuntimeWarning, stacklevel=3)


@dataclass(frozen=True)
class AuthSettings:
    """Validated settings. Build with :meth:`from_env`, or directly in code and tests.

    ``secret`` is bytes (a ``str`` is UTF-8 encoded). ``previous_secrets`` maps ``kid`` to
    older secrets still accepted for verification during a key rotation (new tokens are
    always signed with ``secret``).
    """

    secret: bytes | str = field(repr=False)
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
    dev: bool = False
    previous_secrets: Mapping[str, bytes | str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.secret, str):
            object.__setattr__(self, "secret", self.secret.encode())
        if not isinstance(self.secret, bytes):
            raise ConfigError("secret must be bytes or str")
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
        object.__setattr__(self, "previous_secrets", prev)
        object.__setattr__(self, "access_ttl", parse_duration(self.access_ttl, "access_ttl"))
        object.__setattr__(self, "refresh_ttl", parse_duration(self.refresh_ttl, "refresh_ttl"))
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

        Raises :class:`ConfigError` for a missing or weak secret unless ``AUTHCORE_DEV=1``,
        in which case a random secret is generated and a warning is printed, logged and
        raised as a :class:`RuntimeWarning`.
        """
        env = os.environ if env is None else env
        dev = _flag(env, "AUTHCORE_DEV")
        raw = env.get("AUTHCORE_SECRET")
        if raw:
            secret = raw.encode()
        elif dev:
            secret = secrets.token_bytes(48)
            _dev_banner()
        else:
            raise ConfigError(
                "AUTHCORE_SECRET is not set. Set it to a random value of at least "
                f"{MIN_SECRET_BYTES} bytes (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'), or set AUTHCORE_DEV=1 for a throwaway "
                "development secret."
            )
        try:
            leeway = int(env.get("AUTHCORE_LEEWAY") or DEFAULT_LEEWAY)
        except ValueError:
            raise ConfigError("AUTHCORE_LEEWAY must be an integer number of seconds") from None
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
            cookie_origins=tuple(
                o.strip() for o in env.get("AUTHCORE_COOKIE_ORIGINS", "").split(",") if o.strip()
            ),
            dev=dev,
        )
