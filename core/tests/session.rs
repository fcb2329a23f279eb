#![cfg(feature = "session")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use authcore::jwt::{self, EncodeOptions, Key, KeyRing, Validation};
use authcore::session::{
    verify_access, verify_refresh, AccessClaims, Id, RefreshClaims, RefreshDecision, RefreshToken,
    Seen, SessionPolicy, SessionTable, MAX_ID_LEN, RANDOM_ID_BYTES, RANDOM_ID_LEN,
};
use authcore::{Claim, Error};

const NOW: u64 = 1_700_000_000;
const SECRET: &[u8] = b"session-test-secret-session-test-secret";

fn policy() -> SessionPolicy {
    SessionPolicy::new(900, 7 * 24 * 3600).unwrap()
}

fn id(s: &str) -> Id<'_> {
    Id::new(s).unwrap()
}

/// Signs `payload` JSON into a token string.
fn sign(payload: &[u8]) -> String {
    let key = Key::new(SECRET).unwrap();
    let mut out = [0u8; 1024];
    let n = jwt::encode_json(payload, &key, &EncodeOptions::default(), &mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

fn refresh_token(jti: &str, fam: &str, now: u64) -> String {
    let claims = RefreshClaims::new(&policy(), "alice@example.com", id(jti), id(fam), now);
    let mut json = [0u8; 256];
    let n = claims.write_json(&mut json).unwrap();
    sign(&json[..n])
}

fn verify(token: &str, now: u64) -> Result<(String, String, u64), Error> {
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), now, &mut buf)?;
    Ok((t.jti.as_str().into(), t.fam.as_str().into(), t.exp))
}

const FAM: &str = "family-AAAAAAAAAAAAAAAA";
const FAM2: &str = "family-BBBBBBBBBBBBBBBB";
const J1: &str = "jti-1111111111111111";
const J2: &str = "jti-2222222222222222";
const J3: &str = "jti-3333333333333333";

// ---- policy ------------------------------------------------------------------------------

#[test]
fn policy_validates_lifetimes_and_leeway() {
    assert_eq!(SessionPolicy::new(0, 10), Err(Error::InvalidParams));
    assert_eq!(SessionPolicy::new(11, 10), Err(Error::InvalidParams));
    assert_eq!(policy().with_leeway(900), Err(Error::InvalidParams));
    let p = policy().with_leeway(30).unwrap();
    assert_eq!(
        (p.access_ttl(), p.refresh_ttl(), p.leeway()),
        (900, 604_800, 30)
    );
    assert_eq!(
        SessionPolicy::default(),
        SessionPolicy::new(900, 604_800).unwrap()
    );
    assert_eq!(p.access_exp(NOW), NOW + 900);
    assert_eq!(p.refresh_exp(NOW), NOW + 604_800);
    assert_eq!(p.record_until(NOW + 5), NOW + 35);
    assert_eq!(p.family_until(NOW), NOW + 604_800 + 30);
    // Saturates upwards: records live longer, never wrap to the past.
    assert_eq!(p.family_until(u64::MAX - 10), u64::MAX);
}

// ---- the state machine -------------------------------------------------------------------

#[test]
fn on_refresh_follows_the_documented_table() {
    let p = policy().with_leeway(10).unwrap();
    let exp = NOW + 100;
    let fresh = Seen::default();
    let used = Seen {
        jti_used: true,
        family_revoked: false,
        in_grace: false,
    };
    let revoked = Seen {
        jti_used: false,
        family_revoked: true,
        in_grace: false,
    };
    let both = Seen {
        jti_used: true,
        family_revoked: true,
        in_grace: true,
    };

    assert_eq!(
        p.on_refresh(fresh, exp, NOW),
        RefreshDecision::Rotate {
            used_until: exp + 10,
            grace_until: None
        }
    );
    assert_eq!(
        p.on_refresh(used, exp, NOW),
        RefreshDecision::Reused {
            revoke_until: NOW + 604_800 + 10
        }
    );
    assert_eq!(p.on_refresh(revoked, exp, NOW), RefreshDecision::Revoked);
    assert_eq!(p.on_refresh(both, exp, NOW), RefreshDecision::Revoked);

    assert_eq!(p.on_refresh(fresh, exp, NOW).result(), Ok(()));
    assert_eq!(
        p.on_refresh(used, exp, NOW).result(),
        Err(Error::TokenReused)
    );
    assert_eq!(
        p.on_refresh(revoked, exp, NOW).result(),
        Err(Error::TokenRevoked)
    );
    let words = [fresh, used, revoked].map(|s| p.on_refresh(s, exp, NOW).as_str());
    assert_eq!(words, ["ok", "reused", "revoked"]);
}

#[test]
fn a_token_spent_within_the_grace_window_gets_a_pair_again() {
    let p = policy().with_leeway(10).unwrap().with_grace(10).unwrap();
    let exp = NOW + 100;
    assert_eq!(
        p.on_refresh(Seen::default(), exp, NOW),
        RefreshDecision::Rotate {
            used_until: exp + 10,
            grace_until: Some(NOW + 10)
        }
    );
    let retry = Seen {
        jti_used: true,
        in_grace: true,
        family_revoked: false,
    };
    assert_eq!(p.on_refresh(retry, exp, NOW + 3), RefreshDecision::Repeat);
    assert_eq!(p.on_refresh(retry, exp, NOW + 3).result(), Ok(()));
    assert_eq!(p.on_refresh(retry, exp, NOW + 3).as_str(), "repeat");
    // Past the window (its record expired) a second use is reuse again.
    let late = Seen {
        in_grace: false,
        ..retry
    };
    assert!(matches!(
        p.on_refresh(late, exp, NOW + 11),
        RefreshDecision::Reused { .. }
    ));
    // A revoked family wins over the window.
    let revoked = Seen {
        family_revoked: true,
        ..retry
    };
    assert_eq!(
        p.on_refresh(revoked, exp, NOW + 1),
        RefreshDecision::Revoked
    );
    // The window is bounded.
    assert_eq!(policy().with_grace(301), Err(Error::InvalidParams));
    assert_eq!(policy().with_grace(0).unwrap().grace_until(NOW), None);
}

#[test]
fn the_session_table_keeps_the_grace_window() {
    let p = policy().with_grace(10).unwrap();
    let mut table = SessionTable::<16>::new();
    let token = refresh_token(J1, FAM, NOW);
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
    assert!(matches!(
        table.use_refresh(&p, &t, NOW),
        Ok(RefreshDecision::Rotate { .. })
    ));
    assert_eq!(
        table.use_refresh(&p, &t, NOW + 5),
        Ok(RefreshDecision::Repeat)
    );
    assert!(matches!(
        table.use_refresh(&p, &t, NOW + 10),
        Ok(RefreshDecision::Reused { .. })
    ));
    assert_eq!(
        table.use_refresh(&p, &t, NOW + 10),
        Ok(RefreshDecision::Revoked)
    );
}

#[test]
fn record_expiries_are_always_in_the_future() {
    // A token verified within leeway may already be past `exp`; its record must still be
    // written with an expiry after `now`, or a store would drop it at once.
    let p = policy();
    assert_eq!(
        p.on_refresh(Seen::default(), NOW - 5, NOW),
        RefreshDecision::Rotate {
            used_until: NOW + 1,
            grace_until: None
        }
    );
}

// ---- ids and claims ----------------------------------------------------------------------

#[test]
fn ids_must_be_url_safe_and_long_enough() {
    assert!(Id::new("abcdefghijklmnop").is_ok());
    assert!(Id::new(&"x".repeat(MAX_ID_LEN)).is_ok());
    for bad in [
        "short",
        "",
        "abcdefghijklmno:",
        "abcdefghijklmnop qr",
        "ab/defghijklmnopq",
        "äbcdefghijklmnopq",
    ] {
        assert_eq!(Id::new(bad), Err(Error::InvalidParams), "{bad:?}");
    }
    assert_eq!(
        Id::new(&"x".repeat(MAX_ID_LEN + 1)),
        Err(Error::InvalidParams)
    );
}

#[test]
fn random_ids_are_the_unpadded_base64url_of_their_128_bits() {
    assert_eq!((RANDOM_ID_BYTES, RANDOM_ID_LEN), (16, 22));
    // RFC 4648 §5 alphabet, no padding; the values checked against Python's base64 module
    let cases: [([u8; RANDOM_ID_BYTES], &str); 3] = [
        (core::array::from_fn(|i| i as u8), "AAECAwQFBgcICQoLDA0ODw"),
        (
            [0xfb, 0xff].repeat(8).try_into().unwrap(),
            "-__7__v_-__7__v_-__7_w",
        ),
        ([0; RANDOM_ID_BYTES], "AAAAAAAAAAAAAAAAAAAAAA"),
    ];
    for (random, text) in cases {
        let mut buf = [0u8; RANDOM_ID_LEN];
        let made = Id::from_random(&random, &mut buf).unwrap();
        assert_eq!(made.as_str(), text);
        // an id the verifiers and stores accept as it is
        assert_eq!(Id::new(text), Ok(made));
    }
}

#[test]
fn refresh_claims_round_trip_through_verify_refresh() {
    let claims = RefreshClaims::new(&policy(), "al\"ice", id(J1), id(FAM), NOW);
    let mut json = [0u8; 256];
    let n = claims.write_json(&mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"sub":"al\"ice","typ":"refresh","jti":J1,"fam":FAM,"iat":NOW,"exp":NOW + 604_800})
    );
    assert_eq!(
        claims.write_json(&mut json[..n - 1]),
        Err(Error::BufferTooSmall)
    );

    let token = sign(&json[..n]);
    assert_eq!(
        verify(&token, NOW + 10).unwrap(),
        (J1.into(), FAM.into(), NOW + 604_800)
    );
    // It is still a JWT: it expires, and a forged one fails.
    assert_eq!(verify(&token, NOW + 604_800), Err(Error::Expired));
    let mut forged = token.clone();
    forged.replace_range(forged.len() - 2.., "AA");
    assert!(verify(&forged, NOW).is_err());
}

#[test]
fn refresh_tokens_and_access_tokens_are_not_interchangeable() {
    let refresh = refresh_token(J1, FAM, NOW);
    // A refresh token is refused where an access token is expected (the default validation)...
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let r = jwt::verify(refresh.as_bytes(), &ring, &Validation::new(), NOW, &mut buf);
    assert_eq!(r.map(|_| ()), Err(Error::WrongTokenType));

    // ...and an access token is refused by verify_refresh.
    let access = AccessClaims::new(&policy(), "alice", id(J2), Some(id(FAM)), NOW);
    let mut json = [0u8; 256];
    let n = access.write_json(&mut json).unwrap();
    assert_eq!(verify(&sign(&json[..n]), NOW), Err(Error::WrongTokenType));
}

#[test]
fn verify_refresh_requires_well_formed_session_claims() {
    let exp = NOW + 60;
    let cases = [
        (
            format!(r#"{{"sub":"a","typ":"refresh","jti":"{J1}","exp":{exp}}}"#),
            Error::MissingClaim(Claim::Fam),
        ),
        (
            format!(r#"{{"sub":"a","typ":"refresh","fam":"{FAM}","exp":{exp}}}"#),
            Error::MissingClaim(Claim::Jti),
        ),
        (
            format!(r#"{{"typ":"refresh","jti":"{J1}","fam":"{FAM}","exp":{exp}}}"#),
            Error::MissingClaim(Claim::Sub),
        ),
        (
            format!(r#"{{"sub":"a","typ":"refresh","jti":"{J1}","fam":"{FAM}"}}"#),
            Error::MissingClaim(Claim::Exp),
        ),
        (
            format!(r#"{{"sub":"a","jti":"{J1}","fam":"{FAM}","exp":{exp}}}"#),
            Error::MissingClaim(Claim::Typ),
        ),
        (
            format!(r#"{{"sub":"a","typ":"refresh","jti":"short","fam":"{FAM}","exp":{exp}}}"#),
            Error::InvalidClaim(Claim::Jti),
        ),
        // An escaped id is refused even when it would unescape to a valid one.
        (
            format!(
                r#"{{"sub":"a","typ":"refresh","jti":"{J1}","fam":"\u0066amily-AAAAAAAAAAAAAAAA","exp":{exp}}}"#
            ),
            Error::InvalidClaim(Claim::Fam),
        ),
    ];
    for (payload, want) in cases {
        assert_eq!(
            verify(&sign(payload.as_bytes()), NOW),
            Err(want),
            "{payload}"
        );
    }
}

#[test]
fn refresh_token_from_claims_checks_typ() {
    let payload = format!(r#"{{"sub":"a","typ":"access","jti":"{J1}","fam":"{FAM}","exp":1}}"#);
    let claims = jwt::Claims::parse(payload.as_bytes(), &[]).unwrap();
    assert_eq!(
        RefreshToken::from_claims(&claims),
        Err(Error::WrongTokenType)
    );
}

#[test]
fn access_claims_write_roles_scope_and_family() {
    let roles = ["teacher", "st\"udent"];
    let claims = AccessClaims {
        roles: &roles,
        scope: Some("grades:read grades:write"),
        ..AccessClaims::new(&policy(), "bob", id(J3), Some(id(FAM)), NOW)
    };
    let mut json = [0u8; 512];
    let n = claims.write_json(&mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"sub":"bob","typ":"access","jti":J3,"fam":FAM,"iat":NOW,"exp":NOW + 900,
            "roles":["teacher","st\"udent"],"scope":"grades:read grades:write"})
    );
    let bare = AccessClaims::new(&policy(), "bob", id(J3), None, 0);
    let n = bare.write_json(&mut json).unwrap();
    assert_eq!(
        std::str::from_utf8(&json[..n]).unwrap(),
        format!(r#"{{"sub":"bob","typ":"access","jti":"{J3}","iat":0,"exp":900}}"#)
    );
    // The token verifies as a normal access token.
    let token = sign(&json[..n]);
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    assert!(jwt::verify(token.as_bytes(), &ring, &Validation::new(), 10, &mut buf).is_ok());
}

#[test]
fn issuer_and_audience_are_written_into_both_token_types() {
    let access = AccessClaims {
        iss: Some("https://auth.example"),
        aud: Some("api"),
        ..AccessClaims::new(&policy(), "bob", id(J3), Some(id(FAM)), NOW)
    };
    let refresh = RefreshClaims {
        iss: Some("https://auth.example"),
        aud: Some("api"),
        ..RefreshClaims::new(&policy(), "bob", id(J1), id(FAM), NOW)
    };
    let mut json = [0u8; 512];
    let n = access.write_json(&mut json).unwrap();
    let a: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    let access_token = sign(&json[..n]);
    let n = refresh.write_json(&mut json).unwrap();
    let r: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    let refresh_token = sign(&json[..n]);
    for v in [&a, &r] {
        assert_eq!(v["iss"], "https://auth.example");
        assert_eq!(v["aud"], "api");
    }
    // A verifier that expects them accepts both; one that expects another audience refuses.
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let expect = Validation::new()
        .issuer(&["https://auth.example"])
        .audience(&["api"]);
    assert!(verify_access(access_token.as_bytes(), &ring, &expect, NOW, &mut buf).is_ok());
    assert!(verify_refresh(refresh_token.as_bytes(), &ring, &expect, NOW, &mut buf).is_ok());
    let other = expect.audience(&["web"]);
    assert_eq!(
        verify_access(access_token.as_bytes(), &ring, &other, NOW, &mut buf).map(|_| ()),
        Err(Error::InvalidAudience)
    );
    assert_eq!(
        verify_refresh(refresh_token.as_bytes(), &ring, &other, NOW, &mut buf).map(|_| ()),
        Err(Error::InvalidAudience)
    );
}

fn verify_access_at(token: &str, now: u64) -> Result<(String, Option<String>, u64, u64), Error> {
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let t = verify_access(token.as_bytes(), &ring, &Validation::new(), now, &mut buf)?;
    Ok((
        t.jti.as_str().into(),
        t.fam.map(|f| f.as_str().into()),
        t.iat,
        t.exp,
    ))
}

#[test]
fn verify_access_returns_the_session_facts_roles_and_scopes() {
    let roles = ["teacher", "st\"udent"];
    let claims = AccessClaims {
        roles: &roles,
        scope: Some("grades:read grades:write"),
        ..AccessClaims::new(&policy(), "bob", id(J3), Some(id(FAM)), NOW)
    };
    let mut json = [0u8; 512];
    let n = claims.write_json(&mut json).unwrap();
    let token = sign(&json[..n]);
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let t = verify_access(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
    assert!(t.sub.eq_str("bob"));
    assert_eq!((t.jti.as_str(), t.iat, t.exp), (J3, NOW, NOW + 900));
    assert_eq!(t.fam.map(|f| f.as_str()), Some(FAM));
    let mut seen = Vec::new();
    t.for_each_role(|r| seen.push(r.chars().collect::<String>()));
    assert_eq!(seen, ["teacher", "st\"udent"]);
    let scopes = t.scopes().unwrap();
    assert_eq!(
        scopes.iter().collect::<Vec<_>>(),
        ["grades:read", "grades:write"]
    );
    assert_eq!(t.payload, &json[..n]);
    // Expiry still applies; without `fam` the token is fine and says so.
    assert_eq!(verify_access_at(&token, NOW + 900), Err(Error::Expired));
    let bare = AccessClaims::new(&policy(), "bob", id(J3), None, NOW);
    let n = bare.write_json(&mut json).unwrap();
    assert_eq!(
        verify_access_at(&sign(&json[..n]), NOW),
        Ok((J3.into(), None, NOW, NOW + 900))
    );
}

#[test]
fn verify_access_requires_an_access_token_with_session_claims() {
    let refresh = refresh_token(J1, FAM, NOW);
    assert_eq!(verify_access_at(&refresh, NOW), Err(Error::WrongTokenType));
    let exp = NOW + 60;
    let cases = [
        (
            format!(r#"{{"sub":"a","typ":"access","jti":"{J1}","exp":{exp}}}"#),
            Error::MissingClaim(Claim::Iat),
        ),
        (
            format!(r#"{{"sub":"a","typ":"access","iat":{NOW},"exp":{exp}}}"#),
            Error::MissingClaim(Claim::Jti),
        ),
        (
            format!(r#"{{"typ":"access","jti":"{J1}","iat":{NOW},"exp":{exp}}}"#),
            Error::MissingClaim(Claim::Sub),
        ),
        (
            format!(r#"{{"sub":"a","typ":"access","jti":"{J1}","iat":{NOW}}}"#),
            Error::MissingClaim(Claim::Exp),
        ),
        (
            format!(r#"{{"sub":"a","jti":"{J1}","iat":{NOW},"exp":{exp}}}"#),
            Error::MissingClaim(Claim::Typ),
        ),
        (
            format!(r#"{{"sub":"a","typ":"id","jti":"{J1}","iat":{NOW},"exp":{exp}}}"#),
            Error::WrongTokenType,
        ),
        (
            format!(r#"{{"sub":"a","typ":"access","jti":"a.b","iat":{NOW},"exp":{exp}}}"#),
            Error::InvalidClaim(Claim::Jti),
        ),
        (
            format!(
                r#"{{"sub":"a","typ":"access","jti":"{J1}","fam":"short","iat":{NOW},"exp":{exp}}}"#
            ),
            Error::InvalidClaim(Claim::Fam),
        ),
    ];
    for (payload, want) in cases {
        assert_eq!(
            verify_access_at(&sign(payload.as_bytes()), NOW).map(|_| ()),
            Err(want),
            "{payload}"
        );
    }
}

#[test]
fn access_token_scopes_follow_the_scope_grammar() {
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let exp = NOW + 60;
    for (scope, want) in [
        (None, Ok(Vec::<&str>::new())),
        (Some(r#""a b""#), Ok(vec!["a", "b"])),
        (Some(r#""a\"b""#), Err(Error::InvalidClaim(Claim::Scope))),
        (Some(r#""\u0061""#), Err(Error::InvalidClaim(Claim::Scope))),
    ] {
        let scope = scope.map_or(String::new(), |s| format!(r#","scope":{s}"#));
        let payload =
            format!(r#"{{"sub":"a","typ":"access","jti":"{J1}","iat":{NOW},"exp":{exp}{scope}}}"#);
        let token = sign(payload.as_bytes());
        let mut buf = [0u8; 1024];
        let t = verify_access(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
        assert_eq!(
            t.scopes().map(|s| s.iter().collect::<Vec<_>>()),
            want,
            "{payload}"
        );
    }
}

#[test]
fn verify_refresh_reports_iat_when_present() {
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let token = refresh_token(J1, FAM, NOW);
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
    assert_eq!(t.iat, Some(NOW));
    let payload = format!(
        r#"{{"sub":"a","typ":"refresh","jti":"{J1}","fam":"{FAM}","exp":{}}}"#,
        NOW + 5
    );
    let token = sign(payload.as_bytes());
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
    assert_eq!(t.iat, None);
}

#[test]
fn refresh_token_carries_the_grant_and_a_refresh_only_narrows_it() {
    use authcore::authz::Scopes;
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let claims = RefreshClaims {
        scope: Some("grades:read users:read"),
        ..RefreshClaims::new(&policy(), "bob", id(J1), id(FAM), NOW)
    };
    let mut json = [0u8; 512];
    let n = claims.write_json(&mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    assert_eq!(v["scope"], "grades:read users:read");
    assert!(v.get("roles").is_none());
    let token = sign(&json[..n]);
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
    let grant = t.grant().unwrap();
    assert_eq!(grant.as_str(), "grades:read users:read");
    // The user may now have more scopes (and has lost one): only what was granted and is
    // still held survives, in the user's order.
    let now_held = Scopes::parse("admin users:read grades:write").unwrap();
    assert_eq!(now_held.within(&grant).collect::<Vec<_>>(), ["users:read"]);
    // A token without `scope` grants nothing; a malformed one is refused.
    let t = verify_refresh(
        refresh_token(J2, FAM, NOW).as_bytes(),
        &ring,
        &Validation::new(),
        NOW,
        &mut buf,
    )
    .unwrap();
    assert!(t.grant().unwrap().is_empty());
    assert_eq!(now_held.within(&t.grant().unwrap()).count(), 0);
    let payload = format!(
        r#"{{"sub":"a","typ":"refresh","jti":"{J1}","fam":"{FAM}","exp":{},"scope":"a\"b"}}"#,
        NOW + 5
    );
    let token = sign(payload.as_bytes());
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), NOW, &mut buf).unwrap();
    assert_eq!(t.grant(), Err(Error::InvalidClaim(Claim::Scope)));
}

// ---- the whole flow over the fixed table ---------------------------------------------------

fn use_token(
    table: &mut SessionTable<16>,
    token: &str,
    now: u64,
) -> Result<RefreshDecision, Error> {
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let mut buf = [0u8; 1024];
    let t = verify_refresh(token.as_bytes(), &ring, &Validation::new(), now, &mut buf)?;
    table.use_refresh(&policy(), &t, now)
}

#[test]
fn rotation_then_reuse_revokes_the_whole_family() {
    let mut table = SessionTable::<16>::new();
    let r1 = refresh_token(J1, FAM, NOW);
    let other = refresh_token(J3, FAM2, NOW);

    // Legitimate rotation: r1 -> r2.
    assert!(matches!(
        use_token(&mut table, &r1, NOW + 10),
        Ok(RefreshDecision::Rotate { .. })
    ));
    let r2 = refresh_token(J2, FAM, NOW + 10);

    // r1 shows up again (stolen copy): reuse, and the family is revoked ...
    let reused = use_token(&mut table, &r1, NOW + 20).unwrap();
    assert_eq!(
        reused,
        RefreshDecision::Reused {
            revoke_until: policy().family_until(NOW + 20)
        }
    );
    assert!(table.is_family_revoked(id(FAM), NOW + 20));
    // ... so the newest token of the family is dead too, and r1 stays dead.
    assert_eq!(
        use_token(&mut table, &r2, NOW + 30),
        Ok(RefreshDecision::Revoked)
    );
    assert_eq!(
        use_token(&mut table, &r1, NOW + 40),
        Ok(RefreshDecision::Revoked)
    );
    // Another login's family is untouched.
    assert!(matches!(
        use_token(&mut table, &other, NOW + 50),
        Ok(RefreshDecision::Rotate { .. })
    ));
}

#[test]
fn attacker_refreshing_first_is_caught_when_the_owner_refreshes() {
    let mut table = SessionTable::<16>::new();
    let stolen = refresh_token(J1, FAM, NOW);
    // The attacker rotates first and gets a pair of their own.
    assert!(use_token(&mut table, &stolen, NOW + 1)
        .unwrap()
        .result()
        .is_ok());
    let attackers = refresh_token(J2, FAM, NOW + 1);
    // The owner presents the same token: reuse; the attacker's new token dies with the family.
    assert_eq!(
        use_token(&mut table, &stolen, NOW + 2).unwrap().result(),
        Err(Error::TokenReused)
    );
    assert_eq!(
        use_token(&mut table, &attackers, NOW + 3).unwrap().result(),
        Err(Error::TokenRevoked)
    );
}

#[test]
fn logout_revokes_the_family_until_its_last_token_expires() {
    let p = policy();
    let mut table = SessionTable::<16>::new();
    let r1 = refresh_token(J1, FAM, NOW);
    table
        .revoke_family(id(FAM), p.family_until(NOW), NOW)
        .unwrap();
    assert_eq!(
        use_token(&mut table, &r1, NOW + 1),
        Ok(RefreshDecision::Revoked)
    );
    assert!(table.is_family_revoked(id(FAM), p.family_until(NOW) - 1));
    assert!(!table.is_family_revoked(id(FAM), p.family_until(NOW)));
    assert!(!table.is_family_revoked(id(FAM2), NOW));
    // Revoking again with an earlier expiry never shortens the record.
    table.revoke_family(id(FAM), NOW + 5, NOW).unwrap();
    assert!(table.is_family_revoked(id(FAM), NOW + 10));
    assert_eq!(table.live(NOW), 1);
}

#[test]
fn table_fails_closed_when_full_and_reuses_expired_records() {
    let p = policy();
    let mut table = SessionTable::<2>::new();
    let ids = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"];
    table.revoke_family(id(ids[0]), NOW + 10, NOW).unwrap();
    table.revoke_family(id(ids[1]), NOW + 100, NOW).unwrap();
    // Full of live records: a new record cannot be written, and nothing is evicted.
    assert_eq!(
        table.revoke_family(id(ids[2]), NOW + 100, NOW),
        Err(Error::StoreUnavailable)
    );
    let payload = format!(
        r#"{{"sub":"a","typ":"refresh","jti":"{J1}","fam":"{FAM}","exp":{}}}"#,
        NOW + 50
    );
    let claims = jwt::Claims::parse(payload.as_bytes(), &[]).unwrap();
    let t = RefreshToken::from_claims(&claims).unwrap();
    assert_eq!(table.use_refresh(&p, &t, NOW), Err(Error::StoreUnavailable));
    assert!(table.is_family_revoked(id(ids[0]), NOW + 9));
    // Once the first record expires its slot is reused.
    assert!(table
        .use_refresh(&p, &t, NOW + 10)
        .unwrap()
        .result()
        .is_ok());
    assert_eq!(table.live(NOW + 10), 2);
    // Reuse is detected but the revocation cannot be recorded: the table fails closed
    // instead of answering anything a caller could mistake for success.
    assert_eq!(
        table.use_refresh(&p, &t, NOW + 11),
        Err(Error::StoreUnavailable)
    );
}

// ---- retired signing keys ----------------------------------------------------------------

#[test]
fn a_retired_key_is_trusted_exactly_while_its_last_token_verifies() {
    // The last token a key retired at NOW could have signed: a refresh token issued at NOW.
    let p = policy().with_leeway(30).unwrap();
    let claims = RefreshClaims::new(&p, "alice@example.com", id(J1), id(FAM), NOW);
    let mut json = [0u8; 256];
    let n = claims.write_json(&mut json).unwrap();
    let token = sign(&json[..n]);
    let keys = [Key::new(SECRET).unwrap()];
    let ring = KeyRing::new(&keys, 0).unwrap();
    let v = Validation::new().leeway(p.leeway());
    let verifies = |now: u64| {
        let mut buf = [0u8; 1024];
        verify_refresh(token.as_bytes(), &ring, &v, now, &mut buf).map(|t| t.exp)
    };
    let until = p.key_retired_until(NOW).unwrap();
    assert_eq!(verifies(until - 1), Ok(p.refresh_exp(NOW)));
    assert!(p.key_still_trusted(NOW, until - 1));
    assert_eq!(verifies(until), Err(Error::Expired));
    assert!(!p.key_still_trusted(NOW, until));
}
