//! `jwt::verify` on arbitrary bytes (verbatim, or re-signed so the claim checks are reached),
//! with a fixed key or a two-key rotation set and four validation profiles.
//!
//! Properties: never panics; a buffer of `token.len()` bytes always suffices; under a wrong
//! key the only possible errors are those of the checks that precede the MAC (the payload is
//! never looked at); an accepted token satisfies the validation it was accepted under and
//! `decode_unverified`/`decode_header` agree with it. The same bytes read as an
//! `Authorization` header value by `bearer::token`: never panics; a token found is non-empty,
//! follows `bearer ` (any case) and has no whitespace at either end.
#![no_main]

use authcore::jwt::{self, Key, KeySet, KeyStore, Validation};
use authcore::Error;
use authcore_fuzz::{token_from_input, K1, K2, NOW, OTHER_SECRET, SECRET};
use libfuzzer_sys::fuzz_target;

const ISSUERS: &[&str] = &["https://auth.example.com", "b"];
const AUDIENCE: &[&str] = &["api"];

fn validation(flags: u8) -> Validation<'static> {
    match (flags >> 1) & 3 {
        0 => Validation::new(),
        1 => Validation::new()
            .issuer(ISSUERS)
            .audience(AUDIENCE)
            .leeway(30),
        2 => Validation::new()
            .token_type(jwt::REFRESH)
            .required(&["exp", "tenant"])
            .leeway(60),
        _ => {
            let mut v = Validation::new().required(&[]);
            v.verify_exp = false;
            v.verify_nbf = false;
            v.verify_iat = false;
            v.verify_aud = false;
            v.max_token_len = 512;
            v
        }
    }
}

/// Errors that can only come from the checks that run before the MAC.
fn pre_mac(e: Error) -> bool {
    matches!(
        e,
        Error::TokenTooLarge
            | Error::Malformed
            | Error::InvalidBase64
            | Error::NestingTooDeep
            | Error::UnsupportedAlg
            | Error::InvalidHeader
            | Error::UnknownKid
            | Error::InvalidSignature
    )
}

fn check<K: KeyStore>(token: &[u8], keys: &K, wrong: &K, v: &Validation<'_>) {
    let mut buf = vec![0u8; token.len()];
    let res = jwt::verify(token, keys, v, NOW, &mut buf);
    let mut wbuf = vec![0u8; token.len()];
    match jwt::verify(token, wrong, v, NOW, &mut wbuf) {
        Ok(_) => panic!("accepted under the wrong key"),
        Err(e) => assert!(pre_mac(e), "wrong key reached the payload: {e:?}"),
    }
    let verified = match res {
        Err(e) => {
            assert_ne!(e, Error::BufferTooSmall, "token.len() bytes must suffice");
            return;
        }
        Ok(verified) => verified,
    };
    let c = verified.claims;
    if v.verify_exp {
        assert!(c.exp.is_none_or(|exp| exp.saturating_add(v.leeway) > NOW));
    }
    if v.verify_iat {
        assert!(c.iat.is_none_or(|iat| iat <= NOW + v.leeway));
    }
    if v.verify_nbf {
        assert!(c.nbf.is_none_or(|nbf| nbf <= NOW + v.leeway));
    }
    if v.required.contains(&"exp") {
        assert!(c.exp.is_some());
    }
    if let Some(issuers) = v.issuer {
        assert!(issuers.iter().any(|i| c.iss.unwrap().eq_str(i)));
    }
    match v.token_type {
        Some(t) => assert!(c.typ.unwrap().eq_str(t)),
        None => assert!(!c.typ.is_some_and(|t| t.eq_str(jwt::REFRESH))),
    }
    let payload = verified.payload.to_vec();
    let doc = serde_json::from_slice::<serde_json::Value>(&payload);
    assert!(
        doc.as_ref()
            .map(|d| d.is_object())
            .unwrap_or_else(authcore_fuzz::is_number_out_of_range),
        "verified payload is not a JSON object"
    );
    let mut ubuf = vec![0u8; token.len()];
    let unverified = jwt::decode_unverified(token, v.max_token_len, &mut ubuf).unwrap();
    assert_eq!(unverified, &payload[..]);
    let mut hbuf = vec![0u8; token.len()];
    assert!(jwt::decode_header(token, &mut hbuf).is_ok());
}

fn bearer(value: &[u8]) {
    const SPACE: &[u8] = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0";
    let Some(token) = authcore::bearer::token(value) else {
        return;
    };
    assert!(value[..6].eq_ignore_ascii_case(b"bearer") && value[6] == b' ');
    assert!(!SPACE.contains(&token[0]) && !SPACE.contains(&token[token.len() - 1]));
    let at = token.as_ptr() as usize - value.as_ptr() as usize;
    assert!(at >= 7 && value[7..at].iter().all(|b| SPACE.contains(b)));
    assert!(value[at + token.len()..].iter().all(|b| SPACE.contains(b)));
}

fuzz_target!(|data: &[u8]| {
    bearer(data);
    let Some(&flags) = data.first() else { return };
    let v = validation(flags);
    if flags & 0x08 == 0 {
        let Some((_, token)) = token_from_input(data, SECRET) else {
            return;
        };
        let key = Key::new(SECRET).unwrap();
        let wrong = Key::new(OTHER_SECRET).unwrap();
        check(&token, &key, &wrong, &v);
    } else {
        let Some((_, token)) = token_from_input(data, K1.1) else {
            return;
        };
        let mut keys = KeySet::<2>::new();
        keys.push(Key::with_kid(K1.1, K1.0).unwrap()).unwrap();
        keys.push(Key::with_kid(K2.1, K2.0).unwrap()).unwrap();
        let mut wrong = KeySet::<2>::new();
        wrong
            .push(Key::with_kid(OTHER_SECRET, K1.0).unwrap())
            .unwrap();
        wrong
            .push(Key::with_kid(OTHER_SECRET, K2.0).unwrap())
            .unwrap();
        check(&token, &keys, &wrong, &v);
    }
});
