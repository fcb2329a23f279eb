//! Header and claims JSON: the strict scanner (`jwt::json::for_each_member`), `Header::parse`
//! and `Claims::parse` on arbitrary bytes, checked against `serde_json` as an oracle.
//!
//! - the scanner accepts ⇔ serde_json parses an object (depth ≤ 32) with no repeated member
//!   name below the top level (serde_json silently keeps the last copy; a visitor finds the
//!   repeats), except numbers that serde_json cannot represent (`1e400`), which are valid
//!   RFC 8259 text;
//! - accepted documents yield the same keys (unescaped) and, per key, the same value kind;
//! - `Header::parse`/`Claims::parse` never accept what the scanner rejects, and what they
//!   accept has the types they promise; `Claims::parse` accepts no repeated name at all.
#![no_main]

use authcore::jwt::claims::Claims;
use authcore::jwt::header::{Header, REFUSED_PARAMS};
use authcore::jwt::json::{for_each_member, Value, MAX_DEPTH};
use authcore::jwt::Alg;
use authcore::Error;
use authcore_fuzz::{depth, is_number_out_of_range, repeats};
use libfuzzer_sys::fuzz_target;
use serde_json::Value as J;

const REGISTERED: [&str; 11] = [
    "exp", "nbf", "iat", "iss", "sub", "aud", "jti", "typ", "scope", "fam", "roles",
];

const RAW_VALUE_MARK: &[u8] = b"serde_json::private::RawValue";

fn same_kind(ours: &Value<'_>, theirs: &J) -> bool {
    match (ours, theirs) {
        (Value::Str(s), J::String(t)) => s.chars().eq(t.chars()) && s.eq_str(t),
        (Value::Num(_), J::Number(_)) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Null, J::Null) => true,
        (Value::Array(raw), J::Array(_)) | (Value::Object(raw), J::Object(_)) => {
            serde_json::from_slice::<J>(raw).as_ref().ok() == Some(theirs)
        }
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    // serde_json (feature `raw_value`, which the other targets use) reads a member named
    // `$serde_json::private::RawValue` as its raw-value marker, not as a member: no oracle there.
    if data
        .windows(RAW_VALUE_MARK.len())
        .any(|w| w == RAW_VALUE_MARK)
    {
        return;
    }
    let mut members: Vec<(String, Value<'_>)> = Vec::new();
    let ours = for_each_member(data, |k, v| {
        members.push((k.chars().collect(), v));
        Ok(())
    });
    let theirs = serde_json::from_slice::<J>(data);
    let (top_repeats, nested_repeats) = match theirs {
        Ok(_) => repeats(data),
        Err(_) => (false, false),
    };

    match (&ours, &theirs) {
        (Ok(()), Ok(J::Object(_))) if nested_repeats => {
            panic!("scanner accepted a repeated name in a nested object")
        }
        (Err(Error::Malformed), Ok(J::Object(_))) if nested_repeats => {}
        (Ok(()), Ok(J::Object(map))) => {
            // Same key set (serde_json keeps the last duplicate) and value kinds.
            let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            let mut theirs_keys: Vec<&str> = map.keys().map(String::as_str).collect();
            theirs_keys.sort_unstable();
            assert_eq!(keys, theirs_keys);
            for (k, v) in map {
                let (_, last) = members.iter().rev().find(|(mk, _)| mk == k).unwrap();
                assert!(same_kind(last, v), "value of {k:?} differs");
                if let Some(n) = last.as_u64() {
                    assert_eq!(v.as_u64(), Some(n), "integer {k:?}");
                }
            }
            assert!(depth(&J::Object(map.clone())) <= MAX_DEPTH as usize);
        }
        (Ok(()), Err(e)) => assert!(is_number_out_of_range(e), "scanner accepted: {e}"),
        (Ok(()), Ok(other)) => panic!("scanner accepted a non-object: {other}"),
        (Err(Error::NestingTooDeep), Ok(v)) => {
            assert!(depth(v) > MAX_DEPTH as usize, "depth {}", depth(v))
        }
        (Err(e), Ok(J::Object(map))) => {
            panic!(
                "scanner rejected ({e:?}) an object of depth {}",
                depth(&J::Object(map.clone()))
            )
        }
        (Err(e), _) => assert!(
            matches!(e, Error::Malformed | Error::NestingTooDeep),
            "{e:?}"
        ),
    }

    let header = Header::parse(data);
    if ours.is_err() {
        assert!(header.is_err());
    }
    if let Ok(h) = header {
        let J::Object(map) = theirs.as_ref().unwrap() else {
            unreachable!()
        };
        // HS256, or EdDSA and its RFC 9864 name Ed25519 (the fuzz crate builds the core with
        // its default features, `eddsa` among them), read as the same `Alg`.
        match map.get("alg").and_then(J::as_str) {
            Some("HS256") => assert_eq!(h.alg, Alg::Hs256),
            Some("EdDSA" | "Ed25519") => assert_eq!(h.alg, Alg::EdDsa),
            other => panic!("Header::parse accepted alg {other:?}"),
        }
        assert!(REFUSED_PARAMS.iter().all(|p| !map.contains_key(*p)));
        for name in ["alg", "typ", "kid"] {
            assert!(members.iter().filter(|(k, _)| k == name).count() <= 1);
        }
        match map.get("typ") {
            None => assert!(h.typ.is_none()),
            Some(t) => {
                let t = t.as_str().unwrap().to_ascii_lowercase();
                assert!(t == "jwt" || t == "at+jwt");
                assert!(h.typ.is_some());
            }
        }
        assert_eq!(
            h.kid.as_deref(),
            map.get("kid").map(|k| k.as_str().unwrap())
        );
    }

    let claims = Claims::parse(data, &["exp", "tenant"]);
    if ours.is_err() {
        assert!(claims.is_err());
    }
    match claims {
        Ok(_) if top_repeats || nested_repeats => panic!("claims accepted a repeated name"),
        Ok(c) => {
            let map = match theirs.as_ref() {
                Ok(J::Object(map)) => map,
                Err(e) if is_number_out_of_range(e) => return,
                other => panic!("claims accepted, serde_json says {other:?}"),
            };
            for name in REGISTERED {
                assert!(
                    members.iter().filter(|(k, _)| k == name).count() <= 1,
                    "dup {name}"
                );
            }
            assert_eq!(c.exp, map.get("exp").and_then(J::as_u64));
            assert!(c.exp.is_some());
            assert!(members
                .iter()
                .any(|(k, v)| k == "tenant" && *v != Value::Null));
            assert_eq!(c.nbf, map.get("nbf").and_then(J::as_u64));
            assert_eq!(c.iat, map.get("iat").and_then(J::as_u64));
            let strings = [
                ("iss", c.iss),
                ("sub", c.sub),
                ("jti", c.jti),
                ("typ", c.typ),
            ];
            for (name, ours) in strings {
                match (ours, map.get(name)) {
                    (None, None) => {}
                    (Some(s), Some(J::String(t))) => assert!(s.eq_str(t)),
                    other => panic!("{name}: {other:?}"),
                }
            }
            if let Some(aud) = map.get("aud") {
                let expected: Vec<&str> = match aud {
                    J::String(s) => vec![s.as_str()],
                    J::Array(a) => a.iter().map(|v| v.as_str().unwrap()).collect(),
                    other => panic!("aud {other}"),
                };
                let mut got = Vec::new();
                c.aud
                    .unwrap()
                    .for_each(|s| got.push(s.chars().collect::<String>()));
                assert_eq!(got, expected);
            }
        }
        Err(Error::DuplicateClaim(claim)) => {
            let name = claim.name().unwrap();
            assert!(members.iter().filter(|(k, _)| k == name).count() >= 2);
        }
        Err(Error::InvalidClaim(claim)) => {
            let name = claim.name().unwrap();
            assert!(members.iter().any(|(k, _)| k == name));
        }
        Err(_) => {}
    }
});
