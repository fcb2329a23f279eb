//! JSON Web Tokens (RFC 7519 over RFC 7515 compact JWS): HS256, and EdDSA on Ed25519
//! (RFC 8037, feature `eddsa`).
//!
//! Security contract, enforced by [`verify`] in this order: size limit; exactly three
//! segments; strict unpadded canonical base64url; header a JSON object with `alg` exactly
//! `HS256` or `EdDSA` (`Ed25519` read as `EdDSA`; never `none`, never another algorithm),
//! `typ` absent or `JWT`/`at+jwt`, no `crit`, `b64`, `jku`, `jwk`, `x5u`, `x5c`; key chosen by
//! `kid` (unknown `kid` rejected), and the header's `alg` must be **that key's** algorithm
//! ([`Key::alg`]: the header never picks how a token is checked); the MAC compared in
//! constant time, or the Ed25519 signature checked strictly ([`alg::eddsa`]), **before** the
//! payload is parsed; payload a JSON object nested at
//! most 32 deep, registered claims typed and unique, checked against the caller's `now` with
//! leeway. Keys are at least 32 bytes. Nothing allocates; errors never carry key material.

pub mod alg;
pub(crate) mod b64;
pub mod claims;
pub mod custom_header;
#[cfg(feature = "eddsa")]
pub mod ed25519;
mod encode;
pub mod header;
pub mod json;
#[cfg(feature = "eddsa")]
pub mod jwk;
pub mod key;
pub mod secret_strength;
pub mod validation;
mod verify;

pub use alg::{Alg, MAX_SIG_LEN, SIG_LEN};
pub use claims::{Audience, Claims, ACCESS, REFRESH};
#[cfg(feature = "eddsa")]
pub use ed25519::{Ed25519PrivateKey, Ed25519PublicKey};
pub use encode::{encode, encode_json, encode_with, EncodeOptions, MAX_HEADER_JSON};
pub use header::{Header, Typ};
pub use json::JsonStr;
pub use key::{looks_like_public_key, Key, KeyRing, KeySet, KeyStore, MIN_SECRET_LEN};
pub use secret_strength::{check_secret_strength, Weakness};
pub use validation::{Validation, DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_REQUIRED};
pub use verify::{decode_header, decode_unverified, verify, verify_into, Verified};

/// Length of the HS256 token that [`encode_json`] produces for a payload of `payload_len` bytes
/// with the given header options (exact), so callers can size `out`. See [`encoded_len_for`]
/// for any algorithm.
pub fn encoded_len(payload_len: usize, kid: Option<&str>, typ: Typ) -> usize {
    encoded_len_for(Alg::Hs256, payload_len, kid, typ)
}

/// Length of the token that [`encode_json`] produces with a key of algorithm `alg`
/// ([`Key::alg`]) for a payload of `payload_len` bytes with the given header options (exact).
pub fn encoded_len_for(alg: Alg, payload_len: usize, kid: Option<&str>, typ: Typ) -> usize {
    let mut json = [0u8; 256];
    let h = Header::write(&mut json, alg, kid, typ).unwrap_or(json.len());
    b64::encoded_len(h)
        .saturating_add(b64::encoded_len(payload_len))
        .saturating_add(2)
        .saturating_add(alg.sig_b64_len())
}
