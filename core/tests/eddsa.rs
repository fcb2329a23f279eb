//! EdDSA (Ed25519) end to end: RFC 8037 A.4/A.5, round trips, typed keys, key sets mixing
//! HS256 and Ed25519, the secret-that-is-a-public-key refusal, PEM/JWK loading.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
#![cfg(feature = "eddsa")]

use authcore::jwt::{
    self, Alg, Ed25519PrivateKey, Ed25519PublicKey, EncodeOptions, Key, KeySet, Typ, Validation,
};
use authcore::Error;

const NOW: u64 = 1_700_000_000;

// RFC 8037 A.1 (private seed) and A.2 (public key).
const SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];
const A4_JWS: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

fn b64url_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        bits = bits << 6 | A.iter().position(|&a| a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

fn signer() -> Key {
    Key::from(Ed25519PrivateKey::from_seed(&SEED))
}

#[test]
fn rfc8037_a4_signature_and_a5_validation() {
    let sk = Ed25519PrivateKey::from_seed(&SEED);
    let (input, sig) = A4_JWS.rsplit_once('.').unwrap();
    // A.4: Ed25519 is deterministic, so the signature is the RFC's byte for byte.
    assert_eq!(sk.sign(input.as_bytes()).to_vec(), b64url_decode(sig));
    // A.5: it validates; the payload is not a JSON object, so `verify` passes the signature
    // check and then refuses the payload (a token must carry claims).
    let pk = sk.public_key();
    pk.verify(input.as_bytes(), &b64url_decode(sig)).unwrap();
    let mut buf = [0u8; 512];
    let err = jwt::verify(
        A4_JWS.as_bytes(),
        &Key::from(pk),
        &Validation::new(),
        NOW,
        &mut buf,
    );
    assert_eq!(err.unwrap_err(), Error::Malformed);
    let mut bad = b64url_decode(sig);
    bad[0] ^= 1;
    assert_eq!(
        pk.verify(input.as_bytes(), &bad).unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn sign_and_verify_round_trip() {
    let key = signer();
    assert_eq!(key.alg(), Alg::EdDsa);
    let public = key.to_public().unwrap();
    assert!(!public.can_sign());
    let payload = br#"{"sub":"alice","exp":1700000100}"#;
    for typ in [Typ::Jwt, Typ::AtJwt] {
        for kid in [None, Some("k-1")] {
            let opts = EncodeOptions { typ, kid };
            let mut token = [0u8; 512];
            let n = jwt::encode_json(payload, &key, &opts, &mut token).unwrap();
            assert_eq!(
                n,
                jwt::encoded_len_for(Alg::EdDsa, payload.len(), kid.or(key.kid()), typ)
            );
            let mut buf = [0u8; 512];
            let v = jwt::verify(&token[..n], &public, &Validation::new(), NOW, &mut buf).unwrap();
            assert_eq!(v.payload, payload);
            assert_eq!(v.header.alg, Alg::EdDsa);
            // The private key verifies too (with its public half).
            assert!(jwt::verify(&token[..n], &key, &Validation::new(), NOW, &mut buf).is_ok());
        }
    }
    // A public key cannot sign.
    let mut out = [0u8; 512];
    assert_eq!(
        jwt::encode_json(payload, &public, &EncodeOptions::default(), &mut out),
        Err(Error::InvalidKey)
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn the_key_fixes_the_algorithm() {
    let ed = signer();
    let hs = Key::with_kid(&[7u8; 32], "hs").unwrap();
    let payload = br#"{"sub":"a","exp":1700000100}"#;
    let mut t_ed = [0u8; 512];
    let n_ed = jwt::encode_json(payload, &ed, &EncodeOptions::default(), &mut t_ed).unwrap();
    let mut t_hs = [0u8; 512];
    let n_hs = jwt::encode_json(payload, &hs, &EncodeOptions::default(), &mut t_hs).unwrap();
    let mut buf = [0u8; 512];
    let v = Validation::new();
    // EdDSA token against an HS256 key and the reverse: unsupported_alg.
    assert_eq!(
        jwt::verify(
            &t_ed[..n_ed],
            &Key::new(&[7u8; 32]).unwrap(),
            &v,
            NOW,
            &mut buf
        )
        .unwrap_err(),
        Error::UnsupportedAlg
    );
    assert_eq!(
        jwt::verify(&t_hs[..n_hs], &ed.to_public().unwrap(), &v, NOW, &mut buf).unwrap_err(),
        Error::UnsupportedAlg
    );
    // A mixed set: each token verifies with the key its kid names, never with the other.
    let mut set = KeySet::<2>::new();
    set.push(hs.clone()).unwrap();
    set.push(ed.to_public().unwrap()).unwrap();
    assert!(jwt::verify(&t_ed[..n_ed], &set, &v, NOW, &mut buf).is_ok());
    assert!(jwt::verify(&t_hs[..n_hs], &set, &v, NOW, &mut buf).is_ok());
}

#[test]
fn a_secret_that_is_a_public_key_is_refused() {
    let pk = Ed25519PrivateKey::from_seed(&SEED).public_key();
    let pem = pk.to_pem();
    let der = pk.to_der();
    let mut jwk = [0u8; 256];
    let n = Key::from(pk).write_jwk(&mut jwk).unwrap();
    for secret in [
        pem.as_bytes(),
        &der[..],
        &jwk[..n],
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOFKwQp2Ol9cVkvGsTl8eYvGmTx6 user@host",
        b"  ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host with some padding",
        b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY",
        br#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#,
    ] {
        assert_eq!(Key::new(secret).unwrap_err(), Error::InvalidKey);
        assert_eq!(
            Key::insecure_allow_weak(secret, None).unwrap_err(),
            Error::InvalidKey
        );
    }
    // Ordinary secrets, JSON without kty included, still work.
    assert!(Key::new(br#"{"not":"a key, just a long secret"}"#).is_ok());
    assert!(Key::new(&[0x30; 32]).is_ok());
    assert!(Key::new(b"sk-proj-0123456789abcdefghijklmnopqrstuv").is_ok());
    assert_eq!(
        Key::new(b"sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t")
            .unwrap_err(),
        Error::InvalidKey
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn pem_loading_gives_typed_keys() {
    let sk = Ed25519PrivateKey::from_seed(&SEED);
    let mut pem = [0u8; 200];
    let n = sk.write_pem(&mut pem).unwrap();
    let private = Key::from_pem(&pem[..n], None).unwrap();
    assert!(private.can_sign());
    let public = Key::from_pem(sk.public_key().to_pem().as_bytes(), Some("p")).unwrap();
    assert!(!public.can_sign());
    assert_eq!(public.kid(), Some("p"));
    assert_eq!(
        Key::from_pem(b"-----BEGIN FOO-----\n-----END FOO-----", None).unwrap_err(),
        Error::InvalidKey
    );
    assert_eq!(
        Ed25519PublicKey::from_pem(b"not pem").unwrap_err(),
        Error::InvalidKey
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn a_default_kid_is_a_hint_an_explicit_one_must_match() {
    let ed = signer();
    let mut token = [0u8; 512];
    let opts = EncodeOptions {
        kid: Some("other"),
        ..EncodeOptions::default()
    };
    let n = jwt::encode_json(br#"{"exp":1700000100}"#, &ed, &opts, &mut token).unwrap();
    let mut buf = [0u8; 512];
    let v = Validation::new();
    // The thumbprint kid is a hint for a lone key…
    assert!(jwt::verify(&token[..n], &ed.to_public().unwrap(), &v, NOW, &mut buf).is_ok());
    // …an explicit kid must match.
    let named = Key::ed25519_public(ed.ed25519_public_key().unwrap(), Some("mine")).unwrap();
    assert_eq!(
        jwt::verify(&token[..n], &named, &v, NOW, &mut buf).unwrap_err(),
        Error::UnknownKid
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
)]
fn without_kid_signs_what_pyjwt_signs() {
    let key = signer().without_kid();
    assert_eq!(key.kid(), None);
    let mut token = [0u8; 512];
    let n = jwt::encode_json(
        br#"{"exp":1700000100}"#,
        &key,
        &EncodeOptions::default(),
        &mut token,
    )
    .unwrap();
    let header = std::str::from_utf8(&token[..n])
        .unwrap()
        .split('.')
        .next()
        .unwrap();
    assert_eq!(header, "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9"); // {"alg":"EdDSA","typ":"JWT"}
    let mut jwk = [0u8; 256];
    let m = key.to_public().unwrap().write_jwk(&mut jwk).unwrap();
    let thumb = key.ed25519_public_key().unwrap().thumbprint();
    assert!(std::str::from_utf8(&jwk[..m])
        .unwrap()
        .contains(thumb.as_str()));
}
