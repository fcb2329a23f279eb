//! The shared cross-language vectors (`tests/vectors/`, made from PyJWT and RFC 7515): every
//! case must give exactly the expected verdict, error code and claims. The Python and JS
//! suites read the same files.
#![cfg(feature = "jwt")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use authcore::jwt::{self, EncodeOptions, Key, KeyRing, Validation};
use serde_json::Value;

/// Under Miri (an interpreter, thousands of times slower) only every `MIRI_STRIDE`-th case runs,
/// a sample that keeps `make test-miri` within its time budget; native runs take every case.
const MIRI_STRIDE: usize = if cfg!(miri) { 8 } else { 1 };

fn load(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn secret(keys: &Value, name: &str) -> Vec<u8> {
    let hex = keys[name]["secret_hex"].as_str().unwrap();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn key(keys: &Value, name: &str) -> Result<Key, authcore::Error> {
    let s = secret(keys, name);
    match keys[name]["kid"].as_str() {
        Some(kid) => Key::with_kid(&s, kid),
        None => Key::new(&s),
    }
}

fn strs(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => Some(a.iter().map(|x| x.as_str().unwrap()).collect()),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn jwt_vectors() {
    let doc = load("jwt.json");
    let keys = &doc["keys"];
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 60, "expected a full vector set");
    let mut failures = Vec::new();
    for case in cases.iter().step_by(MIRI_STRIDE) {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let built: Result<Vec<Key>, _> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| key(keys, k.as_str().unwrap()))
            .collect();
        let got: Result<Value, authcore::Error> = built.and_then(|ks| {
            let ring = KeyRing::new(&ks, 0)?;
            let v = &case["validation"];
            let issuer = strs(&v["issuer"]);
            let audience = strs(&v["audience"]);
            let required = strs(&v["required"]);
            let mut val = Validation::new();
            val.issuer = issuer.as_deref();
            val.audience = audience.as_deref();
            if let Some(r) = required.as_deref() {
                val.required = r;
            }
            val.subject = v["subject"].as_str();
            val.token_type = v["token_type"].as_str();
            val.leeway = v["leeway"].as_u64().unwrap_or(0);
            for (field, slot) in [
                ("verify_exp", &mut val.verify_exp),
                ("verify_nbf", &mut val.verify_nbf),
                ("verify_iat", &mut val.verify_iat),
            ] {
                if let Some(b) = v[field].as_bool() {
                    *slot = b;
                }
            }
            if let Some(n) = v["max_token_len"].as_u64() {
                val.max_token_len = n as usize;
            }
            let token = case["token"].as_str().unwrap();
            let mut buf = vec![0u8; token.len() + 16];
            let now = case["now"].as_u64().unwrap();
            jwt::verify(token.as_bytes(), &ring, &val, now, &mut buf)
                .map(|t| serde_json::from_slice(t.payload).unwrap())
        });
        let ok = match (expect["ok"].as_bool() == Some(true), &got) {
            (true, Ok(claims)) => *claims == expect["claims"],
            (false, Err(e)) => Some(e.code()) == expect["error"].as_str(),
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expect}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing vectors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "too slow under Miri (parses both vector files); jwt.rs covers encode"
)]
fn encode_vectors_match_pyjwt_bytes() {
    let jwt_doc = load("jwt.json");
    let keys = &jwt_doc["keys"];
    let doc = load("encode.json");
    for case in doc["cases"].as_array().unwrap().iter().step_by(MIRI_STRIDE) {
        let k = Key::new(&secret(keys, case["key"].as_str().unwrap())).unwrap();
        let payload = case["payload_json"].as_str().unwrap().as_bytes();
        let opts = EncodeOptions {
            kid: case["kid"].as_str(),
            ..EncodeOptions::default()
        };
        let mut out = vec![0u8; jwt::encoded_len(payload.len(), opts.kid, opts.typ)];
        let n = jwt::encode_json(payload, &k, &opts, &mut out).unwrap();
        assert_eq!(n, out.len(), "{}: encoded_len is exact", case["name"]);
        assert_eq!(
            std::str::from_utf8(&out[..n]).unwrap(),
            case["token"].as_str().unwrap(),
            "{}",
            case["name"]
        );
    }
}
