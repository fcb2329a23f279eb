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

#[cfg(feature = "eddsa")]
fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
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

/// Runs `f` with a case's `validation` (the fields that differ from the defaults, which are the
/// core's) as a [`Validation`].
fn with_validation<R>(v: &Value, f: impl FnOnce(&Validation) -> R) -> R {
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
    f(&val)
}

/// Verifies a case's token with its keys (the first is the default) at its `now` under its
/// `validation`; a description of the difference if the verdict, code or claims are not the
/// expected ones.
fn verdict_differs(case: &Value, keys: Result<Vec<Key>, authcore::Error>) -> Option<String> {
    let expect = &case["expect"];
    let got: Result<Value, authcore::Error> = keys.and_then(|ks| {
        let ring = KeyRing::new(&ks, 0)?;
        let token = case["token"].as_str().unwrap();
        let mut buf = vec![0u8; token.len() + 16];
        let now = case["now"].as_u64().unwrap();
        with_validation(&case["validation"], |val| {
            jwt::verify(token.as_bytes(), &ring, val, now, &mut buf)
                .map(|t| serde_json::from_slice(t.payload).unwrap())
        })
    });
    let ok = match (expect["ok"].as_bool() == Some(true), &got) {
        (true, Ok(claims)) => *claims == expect["claims"],
        (false, Err(e)) => Some(e.code()) == expect["error"].as_str(),
        _ => false,
    };
    (!ok).then(|| format!("{}: expected {expect}, got {got:?}", case["name"]))
}

#[test]
fn jwt_vectors() {
    let doc = load("jwt.json");
    let keys = &doc["keys"];
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 60, "expected a full vector set");
    let mut failures = Vec::new();
    for case in cases.iter().step_by(MIRI_STRIDE) {
        let built: Result<Vec<Key>, _> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| key(keys, k.as_str().unwrap()))
            .collect();
        failures.extend(verdict_differs(case, built));
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

/// The keys one entry of an EdDSA `keys` table describes (`type` `hs256`, `ed25519_pem`,
/// `ed25519_raw`, `jwk`, or `jwks`, which gives several), as in `tests/attacks/README.md`.
#[cfg(feature = "eddsa")]
fn typed_keys(k: &Value) -> Result<Vec<Key>, authcore::Error> {
    let kid = k["kid"].as_str();
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    Ok(match k["type"].as_str().unwrap() {
        "hs256" => {
            let s = hex(k["secret_hex"].as_str().unwrap());
            vec![match kid {
                Some(kid) => Key::with_kid(&s, kid)?,
                None => Key::new(&s)?,
            }]
        }
        "ed25519_pem" => vec![Key::from_pem(k["pem"].as_str().unwrap().as_bytes(), kid)?],
        "ed25519_raw" => {
            let public =
                jwt::Ed25519PublicKey::from_slice(&hex(k["public_hex"].as_str().unwrap()))?;
            vec![Key::ed25519_public(public, kid)?]
        }
        "jwk" => vec![Key::from_jwk(k["jwk"].to_string().as_bytes())?],
        "jwks" => {
            let mut keys = Vec::new();
            jwt::jwk::read_jwks(k["jwks"].to_string().as_bytes(), |key| {
                keys.push(key);
                Ok(())
            })?;
            keys
        }
        other => panic!("unknown key type {other}"),
    })
}

/// The EdDSA vector files: PyJWT + cryptography's (`gen.py`) and jose's (`gen_jose.mjs`), each
/// with the fewest cases it must hold.
#[cfg(feature = "eddsa")]
const EDDSA_FILES: [(&str, usize); 2] = [("eddsa.json", 15), ("eddsa_jose.json", 36)];

#[test]
#[cfg(feature = "eddsa")]
fn eddsa_vectors() {
    let mut failures = Vec::new();
    for (file, min) in EDDSA_FILES {
        let doc = load(file);
        let cases = doc["cases"].as_array().unwrap();
        assert!(
            cases.len() >= min,
            "expected a full EdDSA vector set in {file}"
        );
        for case in cases.iter().step_by(MIRI_STRIDE) {
            let keys = case["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| typed_keys(&doc["keys"][k.as_str().unwrap()]))
                .collect::<Result<Vec<_>, _>>()
                .map(|sets| sets.concat());
            failures.extend(verdict_differs(case, keys).map(|f| format!("{file}: {f}")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[cfg(feature = "eddsa")]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn eddsa_keys_and_tokens_match_cryptography_and_pyjwt() {
    use jwt::{Ed25519PrivateKey, Ed25519PublicKey};
    let doc = load("eddsa.json");
    let hex = |s: &Value| -> Vec<u8> {
        let s = s.as_str().unwrap();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    for (name, m) in doc["signers"].as_object().unwrap() {
        // Reading what cryptography wrote.
        let sk =
            Ed25519PrivateKey::from_pem(m["private_pem"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(sk.as_seed().to_vec(), hex(&m["seed_hex"]), "{name}");
        let from_der = Ed25519PrivateKey::from_der(&hex(&m["private_der_hex"])).unwrap();
        assert_eq!(from_der.as_seed(), sk.as_seed());
        let pk = Ed25519PublicKey::from_pem(m["public_pem"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(pk, sk.public_key());
        assert_eq!(pk.to_bytes().to_vec(), hex(&m["public_hex"]));
        assert_eq!(
            Ed25519PublicKey::from_der(&hex(&m["public_der_hex"])).unwrap(),
            pk
        );
        let jwk_key = Key::from_private_jwk(m["private_jwk"].to_string().as_bytes()).unwrap();
        assert_eq!(
            jwk_key.ed25519_private_key().unwrap().as_seed(),
            sk.as_seed()
        );
        // Writing what cryptography writes, byte for byte.
        let mut pem = [0u8; 256];
        let n = sk.write_pem(&mut pem).unwrap();
        assert_eq!(std::str::from_utf8(&pem[..n]).unwrap(), m["private_pem"]);
        let mut der = [0u8; 64];
        let n = sk.write_der(&mut der).unwrap();
        assert_eq!(der[..n].to_vec(), hex(&m["private_der_hex"]));
        assert_eq!(pk.to_pem().as_str(), m["public_pem"]);
        assert_eq!(pk.to_der().to_vec(), hex(&m["public_der_hex"]));
        assert_eq!(pk.thumbprint().as_str(), m["thumbprint"]);
        let mut jwk = [0u8; 256];
        let n = Key::from(pk).write_jwk(&mut jwk).unwrap();
        let written: Value = serde_json::from_slice(&jwk[..n]).unwrap();
        assert_eq!(written["x"], m["public_jwk"]["x"]);
        assert_eq!(written["kid"], m["thumbprint"]);
    }
    signing_matches(&doc);
}

/// A file's `sign` tokens, byte for byte (the default kid is the thumbprint), and its RFC 8037
/// A.1-A.4 section.
#[cfg(feature = "eddsa")]
fn signing_matches(doc: &Value) {
    for case in doc["sign"].as_array().unwrap() {
        let m = &doc["signers"][case["key"].as_str().unwrap()];
        let pem = m["private_pem"].as_str().unwrap().as_bytes();
        let kid = case["kid"].as_str().filter(|k| *k != m["thumbprint"]);
        let key = Key::from_pem(pem, kid).unwrap();
        let payload = case["payload_json"].as_str().unwrap().as_bytes();
        let opts = EncodeOptions {
            typ: case["typ"].as_str().unwrap().parse().unwrap(),
            kid: None,
        };
        let mut out =
            vec![0u8; jwt::encoded_len_for(key.alg(), payload.len(), key.kid(), opts.typ)];
        let n = jwt::encode_json(payload, &key, &opts, &mut out).unwrap();
        assert_eq!(n, out.len(), "{}: encoded_len_for is exact", case["name"]);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            case["token"],
            "{}",
            case["name"]
        );
    }
    // RFC 8037 A.1-A.4.
    let rfc = &doc["rfc8037"];
    let key = Key::from_private_jwk(rfc["private_jwk"].to_string().as_bytes()).unwrap();
    assert_eq!(key.kid(), rfc["thumbprint"].as_str());
    let jws = rfc["jws"].as_str().unwrap();
    let (input, _) = jws.rsplit_once('.').unwrap();
    let sig = key.ed25519_private_key().unwrap().sign(input.as_bytes());
    let mut enc = String::new();
    for c in sig.chunks(3) {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=c.len() {
            enc.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    assert_eq!(format!("{input}.{enc}"), jws);
}

#[test]
#[cfg(feature = "eddsa")]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn eddsa_keys_and_tokens_match_jose() {
    use jwt::{Ed25519PrivateKey, Ed25519PublicKey};
    let doc = load("eddsa_jose.json");
    let signers = doc["signers"].as_object().unwrap();
    assert!(signers.len() >= 3 && doc["sign"].as_array().unwrap().len() >= 5);
    for (name, m) in signers {
        let thumbprint = m["thumbprint"].as_str();
        // Reading what jose exported: PKCS#8, SPKI, private and public JWK are one key, and
        // jose's RFC 7638 thumbprint is its default kid.
        let sk =
            Ed25519PrivateKey::from_pem(m["private_pem"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(
            sk.as_seed().to_vec(),
            hex(m["seed_hex"].as_str().unwrap()),
            "{name}"
        );
        let pk = Ed25519PublicKey::from_pem(m["public_pem"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(pk, sk.public_key(), "{name}");
        assert_eq!(
            pk.to_bytes().to_vec(),
            hex(m["public_hex"].as_str().unwrap())
        );
        assert_eq!(pk.thumbprint().as_str(), thumbprint.unwrap(), "{name}");
        let private = Key::from_private_jwk(m["private_jwk"].to_string().as_bytes()).unwrap();
        assert_eq!(
            private.ed25519_private_key().unwrap().as_seed(),
            sk.as_seed()
        );
        assert_eq!(private.kid(), thumbprint, "{name}");
        let public = Key::from_jwk(m["public_jwk"].to_string().as_bytes()).unwrap();
        assert_eq!(public.kid(), thumbprint, "{name}");
        // Writing what jose writes: the same JWK members; the same PEM bar jose's missing final
        // newline.
        let mut jwk = [0u8; 256];
        let n = Key::from(pk).write_jwk(&mut jwk).unwrap();
        let written: Value = serde_json::from_slice(&jwk[..n]).unwrap();
        for (member, value) in m["public_jwk"].as_object().unwrap() {
            assert_eq!(&written[member], value, "{name}: {member}");
        }
        let mut pem = [0u8; 256];
        let n = sk.write_pem(&mut pem).unwrap();
        let private_pem = m["private_pem"].as_str().unwrap();
        assert_eq!(
            std::str::from_utf8(&pem[..n]).unwrap(),
            format!("{private_pem}\n")
        );
        let public_pem = m["public_pem"].as_str().unwrap();
        assert_eq!(pk.to_pem().as_str(), format!("{public_pem}\n"));
    }
    // The JWKS a jose issuer publishes reads, and is written back member for member.
    let jwks = &doc["keys"]["jwks"]["jwks"];
    let keys = typed_keys(&doc["keys"]["jwks"]).unwrap();
    let mut out = [0u8; 1024];
    let n = jwt::jwk::write_jwks(&keys, &mut out).unwrap();
    assert_eq!(&serde_json::from_slice::<Value>(&out[..n]).unwrap(), jwks);
    // The same seeds as gen.py's keys: jose and cryptography agree on every public form.
    let cryptography = load("eddsa.json");
    for (name, c) in cryptography["signers"].as_object().unwrap() {
        let j = &signers[name];
        for field in [
            "seed_hex",
            "public_hex",
            "public_jwk",
            "private_jwk",
            "thumbprint",
        ] {
            assert_eq!(j[field], c[field], "{name}: {field}");
        }
        for field in ["private_pem", "public_pem"] {
            let jose_pem = j[field].as_str().unwrap();
            assert_eq!(
                format!("{jose_pem}\n"),
                c[field].as_str().unwrap(),
                "{name}"
            );
        }
    }
    signing_matches(&doc);
}
