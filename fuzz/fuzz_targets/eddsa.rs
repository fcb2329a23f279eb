//! `jwt::verify` with Ed25519 keys on arbitrary bytes (verbatim, or re-signed by an independent
//! Ed25519 signer so the claim checks are reached), alone or in a set mixed with HS256 keys.
//!
//! Properties: never panics; a buffer of `token.len()` bytes always suffices; under the wrong
//! Ed25519 key no token verifies and only the checks before the signature can fail (the
//! payload is never parsed); an HS256 key verifies only HS256 tokens, an Ed25519 key only
//! EdDSA ones; an accepted token's signature is also accepted by
//! ed25519-dalek 2's strict check (an independent implementation) and its header names
//! `EdDSA` or `Ed25519`; flipping any bit of an accepted signature makes it fail.
#![no_main]

use authcore::jwt::{self, Alg, Ed25519PublicKey, Key, KeySet, Validation};
use authcore::Error;
use authcore_fuzz::{ed_other_seed, ed_public, ed_seed, ed_token_from_input, K1, NOW};
use base64ct::{Base64UrlUnpadded, Encoding};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn pre_signature(e: Error) -> bool {
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

fuzz_target!(|data: &[u8]| {
    let seed = ed_seed();
    let Some((flags, token)) = ed_token_from_input(data, &seed) else {
        return;
    };
    // The two keys are parsed once per process (the `jwk` target fuzzes key parsing); parsing
    // them for every input cost more than a failed verification.
    static KEYS: OnceLock<(Key, Key)> = OnceLock::new();
    let (key, wrong) = KEYS.get_or_init(|| {
        let key = |seed| Key::from(Ed25519PublicKey::from_bytes(&ed_public(seed)).unwrap());
        (key(&ed_seed()), key(&ed_other_seed()))
    });
    let hs = Key::with_kid(K1.1, K1.0).unwrap();
    let v = match flags & 0x02 {
        0 => Validation::new(),
        _ => {
            let mut v = Validation::new().required(&[]);
            v.verify_exp = false;
            v.verify_nbf = false;
            v.verify_iat = false;
            v
        }
    };
    let mut buf = vec![0u8; token.len()];
    let res = if flags & 0x04 == 0 {
        jwt::verify(&token, key, &v, NOW, &mut buf).map(|t| t.header.alg)
    } else {
        let mut set = KeySet::<2>::new();
        set.push(hs.clone()).unwrap();
        set.push(key.clone()).unwrap();
        set.set_default(key.kid().unwrap()).unwrap();
        jwt::verify(&token, &set, &v, NOW, &mut buf).map(|t| t.header.alg)
    };
    let mut b = vec![0u8; token.len()];
    match jwt::verify(&token, wrong, &v, NOW, &mut b) {
        Ok(_) => panic!("verified under another Ed25519 key"),
        Err(e) => assert!(
            pre_signature(e),
            "post-signature error {e:?} under a wrong key"
        ),
    }
    // The HS256 key verifies HS256 tokens only (vector tokens MACed with it do).
    if let Ok(t) = jwt::verify(&token, &hs, &v, NOW, &mut b) {
        assert_eq!(t.header.alg, Alg::Hs256);
    }
    if let Ok(alg) = res {
        if alg == Alg::Hs256 {
            assert!(
                flags & 0x04 != 0,
                "an HS256 token verified under an Ed25519 key"
            );
            return;
        }
        let text = std::str::from_utf8(&token).unwrap();
        let (input, sig) = text.rsplit_once('.').unwrap();
        let sig = Base64UrlUnpadded::decode_vec(sig).unwrap();
        let sig = ed25519_dalek_2::Signature::from_slice(&sig).unwrap();
        ed25519_dalek_2::VerifyingKey::from_bytes(&ed_public(&seed))
            .unwrap()
            .verify_strict(input.as_bytes(), &sig)
            .expect("ed25519-dalek 2 accepts what we accept");
        let mut raw = sig.to_bytes();
        let bit = usize::from(flags) % (raw.len() * 8);
        raw[bit / 8] ^= 1 << (bit % 8);
        let tampered = format!("{input}.{}", Base64UrlUnpadded::encode_string(&raw));
        let mut b = vec![0u8; tampered.len()];
        assert_eq!(
            jwt::verify(tampered.as_bytes(), key, &v, NOW, &mut b).unwrap_err(),
            Error::InvalidSignature
        );
    }
});
