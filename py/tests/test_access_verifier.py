"""``AccessVerifier``: access-token verification that remembers the tokens it accepted, against
the functions that verify every time (the slow path): the same verdict and the same error at
every moment, whatever was remembered, and a bounded memory."""

from __future__ import annotations

import random
import secrets
from typing import Any

import authcore.jwt
import pytest
from authcore import _authcore
from authcore._authcore import AccessVerifier, Key, KeySet, SessionPolicy
from authcore.exceptions import AuthError, ExpiredSignatureError, InvalidAudienceError

T = 1_800_000_000
SECRET = secrets.token_bytes(32)


def keys() -> KeySet:
    return KeySet([Key(SECRET, kid="k1")])


def mint(**claims: Any) -> str:
    base: dict[str, Any] = {
        "typ": "access",
        "sub": "ada",
        "jti": secrets.token_hex(16),
        "iat": T,
        "exp": T + 900,
        "roles": ["student"],
        "scope": "grades:read",
    }
    base.update(claims)
    return authcore.jwt.encode(base, Key(SECRET, kid="k1"))


def verdict(call: Any) -> Any:
    try:
        c = call()
    except AuthError as exc:  # every core error, with its code
        return ("error", type(exc).__name__, exc.code)
    return ("ok", c.sub, c.jti, c.exp, c.roles, c.scopes)


@pytest.mark.parametrize("leeway", [0, 30])
def test_the_same_verdict_as_verifying_every_time(leeway: int) -> None:
    """Moments around iat, exp and exp + leeway, in random order (so the clock also goes back
    after a token was remembered), for tokens that are valid, not yet valid, expiring, or
    never valid: each answer equals verify_access's at that moment."""
    ks, policy = keys(), SessionPolicy(900, 86400, leeway)
    v = AccessVerifier(ks, policy)
    tokens = [
        mint(),
        mint(iat=T + 100, exp=T + 200),
        mint(nbf=T + 50),
        mint(exp=T - 1),
        mint(typ="refresh", fam="f" * 32),
        mint()[:-2] + "AA",
    ]
    moments = [T + d for d in (-200, -31, -30, -1, 0, 1, 49, 50, 99, 100, 199, 200, 229, 230)]
    moments += [T + 899, T + 900, T + 929, T + 930, T + 5000]
    rng = random.Random(7)
    outcomes: set[str] = set()
    for _ in range(6):
        rng.shuffle(moments)
        for now in moments:
            for tok in tokens:
                want = verdict(lambda t=tok, n=now: _authcore.verify_access(t, ks, policy, n))
                got = verdict(lambda t=tok, n=now: v.verify(t, n))
                assert got == want, (tokens.index(tok), now - T)
                outcomes.add(f"{want[0]}:{want[2] if want[0] == 'error' else ''}")
    # the sweep saw acceptances and every time error, so it compared both paths
    assert {"ok:", "error:expired", "error:issued_in_future", "error:not_yet_valid"} <= outcomes
    assert {"error:wrong_token_type", "error:invalid_signature"} <= outcomes


def test_a_token_seen_again_is_not_verified_again() -> None:
    v = AccessVerifier(keys(), SessionPolicy())
    jti = secrets.token_urlsafe(16)
    tok = mint(jti=jti)
    first = v.verify(tok, T + 10)
    assert len(v) == 1
    assert v.verify(tok, T + 20) is first  # remembered: the same object
    assert v.verify(tok.encode(), T + 30) is first
    headers = [(b"host", b"api"), (b"authorization", b"Bearer " + tok.encode())]
    assert v.verify_bearer(headers, T + 40) is first
    # and so are its texts, which every request reads (the endpoint its sub, a revocation
    # check its jti and fam): one str each, made with the claims, its hash computed once
    assert first.sub is first.sub and first.jti is first.jti
    assert (first.sub, first.jti) == ("ada", jti)
    with pytest.raises(ExpiredSignatureError):
        v.verify(tok, T + 900)  # its verdict no longer stands
    again = v.verify(tok, T + 5)  # the clock went back before it was accepted: verified again
    assert again == first and again is not first
    with pytest.raises(AuthError) as err:
        v.verify(tok, T - 1)  # and refused where it would be
    assert err.value.code == "issued_in_future"


def test_refused_tokens_are_never_remembered() -> None:
    v = AccessVerifier(keys(), SessionPolicy())
    for tok in (mint(exp=T - 1), mint()[:-2] + "AA", mint(typ="refresh", fam="f" * 32), "x.y.z"):
        with pytest.raises(AuthError):
            v.verify(tok, T)
    assert v.verify_bearer([(b"authorization", b"Basic dTpw")], T) is None
    assert len(v) == 0


def test_memory_is_bounded() -> None:
    v = AccessVerifier(keys(), SessionPolicy(), capacity=8)
    for i in range(50):
        v.verify(mint(), T + i)
        assert 1 <= len(v) <= 8
    off = AccessVerifier(keys(), SessionPolicy(), capacity=0)
    tok = mint()
    assert off.verify(tok, T) is not off.verify(tok, T)
    assert len(off) == 0 and off.capacity == 0


def test_expired_tokens_leave_first_when_full() -> None:
    v = AccessVerifier(keys(), SessionPolicy(), capacity=3)
    short = [mint(exp=T + 10) for _ in range(2)]
    for tok in short:
        v.verify(tok, T)
    lasting = mint()
    first = v.verify(lasting, T)
    assert len(v) == 3
    v.verify(mint(), T + 20)  # full: the two expired ones leave, the lasting one stays
    assert len(v) == 2
    assert v.verify(lasting, T + 21) is first


def test_issuer_and_audience_are_the_verifiers() -> None:
    ks, policy = keys(), SessionPolicy()
    tok = mint(iss="https://auth.example", aud="api")
    ok = AccessVerifier(ks, policy, "https://auth.example", "api")
    assert ok.verify(tok, T).sub == "ada"
    other = AccessVerifier(ks, policy, "https://auth.example", "other")
    with pytest.raises(InvalidAudienceError):
        other.verify(tok, T)
    with pytest.raises(TypeError):
        AccessVerifier(5, policy)  # type: ignore[arg-type]


def test_claims_check_their_scopes_as_has_scopes_does() -> None:
    """``AccessClaims.has_scopes`` is ``has_scopes(" ".join(claims.scopes), required)``."""
    from authcore.authz import has_scopes

    claims = [
        AccessVerifier(keys(), SessionPolicy()).verify(mint(scope=s), T)
        for s in ("grades:read", "grades:read grades:write", "")
    ]
    requirements: list[Any] = [
        ["grades:read"],
        ["grades:read", "grades:write"],
        ["grades:write"],
        "grades:read grades:write",
        ["grades:read", "grades:read"],
        [],
        [""],
        ["a b"],
        "",
        ["é"],
    ]
    for c in claims:
        for required in requirements:
            try:
                want: Any = has_scopes(" ".join(c.scopes), required)
            except AuthError as exc:
                want = exc.code
            try:
                got: Any = c.has_scopes(required)
            except AuthError as exc:
                got = exc.code
            assert got == want, (c.scopes, required)


def test_a_remembered_token_changed_anywhere_is_not_taken_for_it() -> None:
    """The remembered token's text is compared word by word: a token that differs from it in
    any one character (at every position, in every 8-byte word and in the tail) is verified
    on its own, and refused, never answered with the remembered claims."""
    v = AccessVerifier(keys(), SessionPolicy())
    tok = mint()
    first = v.verify(tok, T + 10)
    for i, ch in enumerate(tok):
        changed = tok[:i] + ("B" if ch != "B" else "C") + tok[i + 1 :]
        with pytest.raises(AuthError):
            v.verify(changed, T + 10)
    for cut in (1, 7, 8, 9):  # shorter, also across a word boundary
        with pytest.raises(AuthError):
            v.verify(tok[:-cut], T + 10)
    assert v.verify(tok, T + 11) is first


def test_claims_are_equal_when_every_field_is() -> None:
    base: dict[str, Any] = {
        "sub": "ada",
        "jti": "j" * 22,
        "iat": T,
        "exp": T + 900,
        "roles": ["student"],
        "scopes": ["a"],
        "fam": "f" * 22,
    }
    claims = _authcore.AccessClaims(**base)
    assert claims == _authcore.AccessClaims(**base)
    for field, other in [
        ("sub", "bob"),
        ("jti", "k" * 22),
        ("fam", "g" * 22),
        ("fam", None),
        ("iat", T + 1),
        ("exp", T + 901),
        ("roles", ["teacher"]),
        ("scopes", ["b"]),
        ("raw", {"x": 1}),
    ]:
        assert claims != _authcore.AccessClaims(**{**base, field: other}), field
    assert _authcore.AccessClaims(**{**base, "fam": None}) == _authcore.AccessClaims(
        **{**base, "fam": None}
    )
