"""Settings from the environment: refuse weak secrets, loud dev mode, durations."""

from __future__ import annotations

import pytest
from authcore import Ed25519PrivateKey, _authcore
from authcore.fastapi import AuthSettings, ConfigError, parse_duration

STRONG = "Zt3c9QmV1xLr8Kp2Wn6Yd0Hs4Jf7Gb5Ae_-uXo"


def test_missing_secret_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="AUTHCORE_SECRET is not set"):
        AuthSettings.from_env({})


@pytest.mark.parametrize("weak", ["short-secret", "a" * 40, "abababababababababababababababab"])
def test_weak_secret_refuses_to_start_without_echoing_it(weak: str) -> None:
    with pytest.raises(ConfigError) as info:
        AuthSettings.from_env({"AUTHCORE_SECRET": weak})
    assert weak not in str(info.value)


def test_weak_secret_is_refused_even_in_dev_mode() -> None:
    with pytest.raises(ConfigError):
        AuthSettings.from_env({"AUTHCORE_SECRET": "short", "AUTHCORE_DEV": "1"})


def test_dev_mode_generates_a_signing_key_and_says_so_loudly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.warns(RuntimeWarning, match="AUTHCORE_DEV"):
        a = AuthSettings.from_env({"AUTHCORE_DEV": "1"})
    with pytest.warns(RuntimeWarning):
        b = AuthSettings.from_env({"AUTHCORE_DEV": "true"})
    assert isinstance(a.signing_key, Ed25519PrivateKey)
    assert isinstance(b.signing_key, Ed25519PrivateKey)
    assert a.dev and a.algorithm == "EdDSA" and a.secret is None
    assert a.signing_key.kid != b.signing_key.kid
    assert "NEVER use dev mode in production" in capsys.readouterr().err


def test_dev_mode_keeps_a_given_secret() -> None:
    s = AuthSettings.from_env({"AUTHCORE_DEV": "1", "AUTHCORE_SECRET": STRONG})
    assert s.secret == STRONG.encode()


def test_environment_is_read() -> None:
    s = AuthSettings.from_env(
        {
            "AUTHCORE_SECRET": STRONG,
            "AUTHCORE_SECRET_KID": "2026-11",
            "AUTHCORE_ACCESS_TTL": "5m",
            "AUTHCORE_REFRESH_TTL": "30d",
            "AUTHCORE_ISSUER": "https://auth.example",
            "AUTHCORE_AUDIENCE": "api",
            "AUTHCORE_LEEWAY": "30",
            "AUTHCORE_STORE": "sqlite:///tmp/s.db",
            "AUTHCORE_TOKEN_CACHE_SIZE": "0",
        }
    )
    assert s.token_cache_size == 0
    assert (s.access_ttl, s.refresh_ttl, s.leeway) == (300, 30 * 86400, 30)
    assert (s.secret_kid, s.issuer, s.audience) == ("2026-11", "https://auth.example", "api")
    assert s.store_url == "sqlite:///tmp/s.db" and not s.dev


def test_defaults_are_15_minutes_and_7_days() -> None:
    s = AuthSettings.from_env({"AUTHCORE_SECRET": STRONG})
    assert (s.access_ttl, s.refresh_ttl, s.leeway) == (900, 7 * 86400, 0)
    # ... the core's, exported by the extension.
    assert (s.access_ttl, s.refresh_ttl, s.leeway) == (
        _authcore.DEFAULT_ACCESS_TTL,
        _authcore.DEFAULT_REFRESH_TTL,
        _authcore.DEFAULT_LEEWAY,
    )
    assert s.token_cache_size == _authcore.DEFAULT_TOKEN_CACHE_SIZE == 1024
    assert AuthSettings(secret=STRONG) == AuthSettings.from_env({"AUTHCORE_SECRET": STRONG})


def test_secret_never_appears_in_repr() -> None:
    assert STRONG not in repr(AuthSettings(secret=STRONG))


@pytest.mark.parametrize(
    "text, seconds", [("900", 900), ("15m", 900), ("2h", 7200), ("7d", 604800), (" 30s ", 30)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "0", "-5", "15 minutes", "1w", "1.5h", "9999d"])
def test_bad_durations_are_refused(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_duration(bad)


@pytest.mark.parametrize(
    "env",
    [
        {"AUTHCORE_ACCESS_TTL": "2h", "AUTHCORE_REFRESH_TTL": "1h"},
        {"AUTHCORE_LEEWAY": "ten"},
        {"AUTHCORE_LEEWAY": "3600"},
        # the core's session rule: the leeway must be shorter than the access lifetime
        {"AUTHCORE_ACCESS_TTL": "60", "AUTHCORE_LEEWAY": "60"},
        {"AUTHCORE_DEV": "maybe"},
        {"AUTHCORE_TOKEN_CACHE_SIZE": "-1"},
        {"AUTHCORE_TOKEN_CACHE_SIZE": str(10**20)},
        {"AUTHCORE_TOKEN_CACHE_SIZE": "lots"},
    ],
)
def test_inconsistent_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        AuthSettings.from_env({"AUTHCORE_SECRET": STRONG, **env})


def test_rotation_needs_kids_and_strong_old_secrets() -> None:
    with pytest.raises(ConfigError):
        AuthSettings(secret=STRONG, previous_secrets={"old": STRONG[::-1]})
    with pytest.raises(ConfigError):
        AuthSettings(secret=STRONG, secret_kid="new", previous_secrets={"old": "weak"})
    s = AuthSettings(secret=STRONG, secret_kid="new", previous_secrets={"old": STRONG[::-1]})
    assert s.previous_secrets == {"old": STRONG[::-1].encode()}
