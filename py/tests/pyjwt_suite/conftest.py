"""Marks for PyJWT's vendored tests: each test that fails on ``authcore.jwt`` only because of
a documented rule is ``xfail(strict=True)`` naming the README bullet ("Differences from
PyJWT"); tests of PyJWT's internals or of APIs authcore does not have are skipped. A strict
xfail that starts passing fails the run, so this table cannot go stale."""

from __future__ import annotations

import pytest

_ONLY_HS256 = (
    "README 'Differences from PyJWT': Only HS256 and EdDSA exist (PyJWK, PyJWT classes not "
    "provided)"
)
_REQUIRED_ALGS = (
    "README 'Differences from PyJWT': Only HS256 and EdDSA exist; `algorithms` is required"
)
_ENCODE_CHECKS = (
    "README 'Differences from PyJWT': `encode` checks the payload with the verifier's rules"
)
_ENCODE_HEADERS = (
    "README 'Differences from PyJWT': `encode` checks the header (typ JWT/at+jwt; crit refused)"
)
_INT_DATES = "README 'Differences from PyJWT': exp, nbf, iat must be non-negative integers"
_KWARGS = "README 'Differences from PyJWT': Unknown keyword arguments raise TypeError"
_MESSAGES = "README 'Differences from PyJWT': Messages (structural and strict-audience errors keep the core's words)"

#: test name (without parameters) → reason it is expected to fail.
XFAIL: dict[str, str] = {
    "test_encode_with_jwk_uses_key_algorithm": _ONLY_HS256,
    "test_decode_invalid_payload_string": _MESSAGES,
    "test_decode_with_non_mapping_payload_throws_exception": _MESSAGES,
    "test_decode_strict_aud_forbids_list_claim": _MESSAGES,
    "test_encode_with_non_str_iss": _ENCODE_CHECKS,
    "test_decode_invalid_int_sub_claim": _ENCODE_CHECKS,
    "test_jti_claim_with_invalid_int_value": _ENCODE_CHECKS,
    "test_decode_raises_clean_error_if_claim_is_non_numeric_type": _ENCODE_CHECKS,
    "test_encode_with_typ": _ENCODE_HEADERS,
    "test_decode_rejects_token_with_unknown_crit_extension": _ENCODE_HEADERS,
    "test_decode_works_if_iat_is_str_of_a_number": _INT_DATES,
    "test_decode_skip_expiration_verification": _INT_DATES,
    "test_decode_skip_notbefore_verification": _INT_DATES,
    "test_decode_with_optional_algorithms": _REQUIRED_ALGS,
    "test_decode_warns_on_unsupported_kwarg": _KWARGS,
    "test_decode_complete_warns_on_unsupported_kwarg": _KWARGS,
}

#: Tests of PyJWT's internals, not of the API authcore provides.
SKIP: dict[str, str] = {
    "test_decode_payload_recursion_error_throws_decode_error": "mocks PyJWT's json module",
    "test_validate_iss_with_container_of_str": "calls PyJWT's private _validate_iss",
    "test_validate_iss_with_non_str": "calls PyJWT's private _validate_iss",
    "test_validate_iss_with_non_str_issuer": "calls PyJWT's private _validate_iss",
    # Run only with `cryptography` installed; they read RSA/EC key files not vendored here, for
    # algorithms authcore does not have (README: only HS256 and EdDSA).
    "test_decodes_valid_es256_jwt": "ES256: not an authcore algorithm (key file not vendored)",
    "test_decodes_valid_rs384_jwt": "RS384: not an authcore algorithm (key file not vendored)",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "pyjwt_suite" not in item.nodeid:
            continue
        name = item.name.split("[", 1)[0]
        if name in XFAIL:
            item.add_marker(pytest.mark.xfail(strict=True, reason=XFAIL[name]))
        elif name in SKIP:
            item.add_marker(pytest.mark.skip(reason=SKIP[name]))
