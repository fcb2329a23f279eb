//! The attack suite (`tests/attacks/`): every published JWT and password-hash attack it
//! replays must get exactly the expected verdict and error code. The Python and JS suites run
//! the same files.
#![cfg(all(feature = "jwt", feature = "password"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use authcore::jwt::{self, Key, KeyRing, Validation};
use authcore::password::{self, Block, Bounds};
use authcore::{Claim, Error};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

fn load(name: &str) -> Value {
    let path = format!("{}/../tests/attacks/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The case's expected outcome as `Ok(())` or `Err((code, claim))`.
fn expected(case: &Value) -> Result<(), (String, Option<String>)> {
    let e = &case["expect"];
    if e["ok"] == Value::Bool(true) {
        return Ok(());
    }
    let code = e["error"].as_str().expect("expect.error").to_owned();
    assert!(
        Error::ALL_CODES.contains(&code.as_str()),
        "unknown code {code}"
    );
    Err((code, e["claim"].as_str().map(str::to_owned)))
}

fn outcome(r: Result<(), Error>) -> Result<(), (String, Option<String>)> {
    r.map_err(|e| {
        let claim = e.claim().and_then(Claim::name).map(str::to_owned);
        (e.code().to_owned(), claim)
    })
}

/// Checks the common fields and returns `(id, category)`.
fn header(case: &Value, kind: &str, ids: &mut HashSet<String>) -> (String, String) {
    let id = case["id"].as_str().expect("id").to_owned();
    assert!(ids.insert(id.clone()), "duplicate id {id}");
    assert_eq!(case["kind"], kind, "{id}");
    assert!(
        case["description"].as_str().is_some_and(|d| !d.is_empty()),
        "{id}"
    );
    assert!(
        case["reference"].is_null() || case["reference"].is_string(),
        "{id}"
    );
    let category = case["category"].as_str().expect("category").to_owned();
    (id, category)
}

fn strs(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => Some(a.iter().map(|x| x.as_str().unwrap()).collect()),
        other => panic!("unexpected {other}"),
    }
}

fn run_jwt(doc: &Value, case: &Value) -> Result<(), String> {
    let keys_doc = &doc["keys"];
    let keys: Result<Vec<Key>, Error> = case["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| build_keys(&keys_doc[name.as_str().unwrap()]))
        .collect::<Result<Vec<_>, _>>()
        .map(|sets| sets.concat());
    let mut defaults = doc["validation_defaults"].as_object().unwrap().clone();
    for (k, v) in case["validation"].as_object().unwrap() {
        assert!(defaults.contains_key(k), "unknown validation field {k}");
        defaults.insert(k.clone(), v.clone());
    }
    let v = defaults;
    let issuer = strs(&v["issuer"]);
    let audience = strs(&v["audience"]);
    let required = strs(&v["required"]).unwrap_or_default();
    let mut validation = Validation::new().required(&required);
    validation.leeway = v["leeway"].as_u64().unwrap();
    validation.issuer = issuer.as_deref();
    validation.audience = audience.as_deref();
    validation.verify_aud = v["verify_aud"].as_bool().unwrap();
    validation.subject = v["subject"].as_str();
    validation.token_type = v["token_type"].as_str();
    validation.verify_exp = v["verify_exp"].as_bool().unwrap();
    validation.verify_nbf = v["verify_nbf"].as_bool().unwrap();
    validation.verify_iat = v["verify_iat"].as_bool().unwrap();
    validation.max_token_len = usize::try_from(v["max_token_len"].as_u64().unwrap()).unwrap();

    let token = case["token"].as_str().unwrap().as_bytes();
    let now = case["now"].as_u64().unwrap();
    let mut buf = vec![0u8; token.len()];
    let result = keys.and_then(|keys| {
        let ring = KeyRing::new(&keys, 0)?;
        let verified = jwt::verify(token, &ring, &validation, now, &mut buf)?;
        Ok(serde_json::from_slice::<Value>(verified.payload).unwrap())
    });
    let claims = result.as_ref().ok().cloned();
    let want = expected(case);
    let got = outcome(result.map(|_| ()));
    if got != want {
        return Err(format!("expected {want:?}, got {got:?}"));
    }
    match claims {
        Some(c) if c != case["expect"]["claims"] => Err(format!("claims differ: {c}")),
        _ => Ok(()),
    }
}

/// The keys one entry of a `keys` table describes (README: `type` absent or `hs256`,
/// `ed25519_pem`, `ed25519_raw`, `jwk`, `jwks`, which gives several).
fn build_keys(k: &Value) -> Result<Vec<Key>, Error> {
    let kid = k["kid"].as_str();
    match k["type"].as_str().unwrap_or("hs256") {
        "hs256" => {
            let secret = hex(k["secret_hex"].as_str().unwrap());
            Ok(vec![match kid {
                Some(kid) => Key::with_kid(&secret, kid)?,
                None => Key::new(&secret)?,
            }])
        }
        #[cfg(feature = "eddsa")]
        "ed25519_pem" => Ok(vec![Key::from_pem(
            k["pem"].as_str().unwrap().as_bytes(),
            kid,
        )?]),
        #[cfg(feature = "eddsa")]
        "ed25519_raw" => {
            let public =
                jwt::Ed25519PublicKey::from_slice(&hex(k["public_hex"].as_str().unwrap()))?;
            Ok(vec![Key::ed25519_public(public, kid)?])
        }
        #[cfg(feature = "eddsa")]
        "jwk" => Ok(vec![Key::from_jwk(k["jwk"].to_string().as_bytes())?]),
        #[cfg(feature = "eddsa")]
        "jwks" => {
            let mut keys = Vec::new();
            jwt::jwk::read_jwks(k["jwks"].to_string().as_bytes(), |key| {
                keys.push(key);
                Ok(())
            })?;
            Ok(keys)
        }
        other => panic!("unknown key type {other}"),
    }
}

fn run_password(case: &Value) -> Result<(), String> {
    let mut pw = match (case["password"].as_str(), case["password_hex"].as_str()) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(h)) => hex(h),
        other => panic!("password or password_hex: {other:?}"),
    };
    if let Some(n) = case["password_repeat"].as_u64() {
        pw = pw.repeat(usize::try_from(n).unwrap());
    }
    let phc = case["hash"].as_str().unwrap();
    let bounds = Bounds::default();
    let result = password::blocks_needed(phc, &bounds).and_then(|n| {
        let mut memory = vec![Block::new(); n];
        password::verify(&pw, phc, &bounds, None, &mut memory)
    });
    let want = expected(case);
    let got = outcome(result);
    if got == want {
        Ok(())
    } else {
        Err(format!("expected {want:?}, got {got:?}"))
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "parsing the 200 KB suite alone takes minutes under Miri; runs natively"
)]
fn attack_suite() {
    let jwt_doc = load("jwt.json");
    let pw_doc = load("password.json");
    let mut ids = HashSet::new();
    let mut per_category: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in jwt_doc["cases"].as_array().unwrap() {
        let (id, category) = header(case, "jwt", &mut ids);
        *per_category.entry(category).or_default() += 1;
        if let Err(e) = run_jwt(&jwt_doc, case) {
            failures.push(format!("{id}: {e}"));
        }
    }
    for case in pw_doc["cases"].as_array().unwrap() {
        let (id, category) = header(case, "password", &mut ids);
        *per_category.entry(category).or_default() += 1;
        if let Err(e) = run_password(case) {
            failures.push(format!("{id}: {e}"));
        }
    }
    #[cfg(feature = "eddsa")]
    {
        let ed_doc = load("eddsa.json");
        for case in ed_doc["cases"].as_array().unwrap() {
            let (id, category) = header(case, "jwt", &mut ids);
            *per_category.entry(category).or_default() += 1;
            if let Err(e) = run_jwt(&ed_doc, case) {
                failures.push(format!("{id}: {e}"));
            }
        }
    }
    for (category, n) in &per_category {
        eprintln!("{n:4} {category}");
    }
    assert!(ids.len() >= 60, "the suite has {} cases", ids.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
