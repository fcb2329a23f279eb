//! Ed25519 key parsing on arbitrary bytes: JWK (public and private), JWK sets, PEM, DER, raw.
//!
//! Properties: never panics; a key that is accepted writes a JWK (and PEM/DER) that reads back
//! as the same key with the same `kid`; an accepted public JWK is a JSON object (serde_json)
//! with `kty` `OKP`, `crv` `Ed25519`, a 32-byte `x` and no `d`, and every member once; an
//! accepted private JWK's `x` is its `d`'s public key; an accepted JWK set holds distinct
//! `kid`s and its keys come back, in order, from the set written from them; an accepted raw
//! public key is canonical (it re-encodes to the same bytes).
#![no_main]

use authcore::jwt::{jwk, Ed25519PrivateKey, Ed25519PublicKey, Key, KeySet, KeyStore};
use authcore_fuzz::{is_number_out_of_range, repeats};
use base64ct::{Base64UrlUnpadded, Encoding};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The key written as a public JWK reads back with the same public key and `kid`.
fn round_trip(key: &Key) {
    let mut out = [0u8; jwk::MAX_JWK_LEN];
    let n = key
        .write_jwk(&mut out)
        .expect("an Ed25519 key writes a JWK");
    let back = Key::from_jwk(&out[..n]).expect("a written JWK reads back");
    assert_eq!(back.kid(), key.kid());
    assert_eq!(back.ed25519_public_key(), key.ed25519_public_key());
    let public = key.ed25519_public_key().unwrap();
    assert_eq!(
        Ed25519PublicKey::from_pem(public.to_pem().as_bytes()).unwrap(),
        public
    );
    assert_eq!(
        Ed25519PublicKey::from_der(&public.to_der()).unwrap(),
        public
    );
    if let Some(sk) = key.ed25519_private_key() {
        let mut pem = [0u8; 256];
        let n = sk.write_pem(&mut pem).unwrap();
        let again = Ed25519PrivateKey::from_pem(&pem[..n]).unwrap();
        assert_eq!(again.as_seed(), sk.as_seed());
    }
}

/// What serde_json sees in an accepted JWK.
fn check_jwk_shape(data: &[u8], private: bool) {
    let v: Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        // A number serde_json cannot represent (`1e400`) in a member we do not read.
        Err(e) if is_number_out_of_range(&e) => return,
        Err(e) => panic!("an accepted JWK is not JSON: {e}"),
    };
    let o = v.as_object().expect("an object");
    assert!(!repeats(data).0, "a top-level member twice was accepted");
    assert_eq!(o["kty"], "OKP");
    assert_eq!(o["crv"], "Ed25519");
    let x = Base64UrlUnpadded::decode_vec(o["x"].as_str().unwrap()).unwrap();
    assert_eq!(x.len(), 32);
    assert_eq!(o.contains_key("d"), private);
    if let Some(u) = o.get("use") {
        assert_eq!(u, "sig");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = Key::from_jwk(data) {
        check_jwk_shape(data, false);
        assert!(!key.can_sign());
        round_trip(&key);
    }
    if let Ok(key) = Key::from_private_jwk(data) {
        check_jwk_shape(data, true);
        assert!(key.can_sign());
        round_trip(&key);
    }
    let mut listed = Vec::new();
    if let Ok(n) = jwk::read_jwks(data, |k| {
        listed.push(k);
        Ok(())
    }) {
        assert_eq!(n, listed.len());
        assert!(n > 0);
        for (i, a) in listed.iter().enumerate() {
            assert!(
                listed[..i].iter().all(|b| b.kid() != a.kid()),
                "duplicate kid"
            );
            round_trip(a);
        }
        let mut out = vec![0u8; jwk::max_jwks_len(n)];
        let len = jwk::write_jwks(&listed, &mut out).unwrap();
        let mut again = Vec::new();
        jwk::read_jwks(&out[..len], |k| {
            again.push(k);
            Ok(())
        })
        .unwrap();
        assert_eq!(again.len(), listed.len());
        for (a, b) in again.iter().zip(&listed) {
            assert_eq!(a.kid(), b.kid());
            assert_eq!(a.ed25519_public_key(), b.ed25519_public_key());
        }
        // A fixed-capacity set takes the same keys when they fit.
        match KeySet::<4>::from_jwks(data) {
            Ok(set) => {
                assert_eq!(set.len(), n);
                for k in &listed {
                    assert!(set.select(k.kid()).is_ok());
                }
            }
            Err(_) => assert!(n > 4),
        }
    }
    for key in [Key::from_pem(data, None), Key::from_der(data, None)]
        .into_iter()
        .flatten()
    {
        round_trip(&key);
    }
    if let Ok(pk) = Ed25519PublicKey::from_slice(data) {
        assert_eq!(pk.as_bytes().as_slice(), data, "canonical encoding");
    }
    if data.len() >= 32 {
        // Any 32 bytes as a secret: the public-key-as-secret rule never panics, and a real
        // 32-byte secret that is not text is accepted.
        let _ = Key::new(data);
    }
});
