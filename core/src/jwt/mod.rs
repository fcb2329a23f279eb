//! HS256 JSON Web Tokens (RFC 7519 over RFC 7515 compact JWS).
//!
//! Security contract, enforced by [`verify`] in this order: size limit; exactly three
//! segments; strict unpadded canonical base64url; header a JSON object with `alg` exactly
//! `HS256` (never `none`, never another algorithm), `typ` absent or `JWT`/`at+jwt`, no `crit`,
//! `b64`, `jku`, `jwk`, `x5u`, `x5c`; key chosen by `kid` (unknown `kid` rejected); the MAC
//! compared in constant time **before** the payload is parsed; payload a JSON object nested at
//! most 32 deep, registered claims typed and unique, checked against the caller's `now` with
//! leeway. Keys are at least 32 bytes. Nothing allocates; errors never carry key material.

pub mod alg;
mod b64;
pub mod claims;
pub mod custom_header;
mod encode;
pub mod header;
pub mod json;
pub mod key;
pub mod secret_strength;
pub mod validation;
mod verify;

pub use alg::SIG_LEN;
pub use claims::{Audience, Claims, ACCESS, REFRESH};
pub use encode::{encode, encode_json, encode_with, EncodeOptions};
pub use header::{Header, Typ};
pub use json::JsonStr;
pub use key::{Key, KeyRing, KeySet, KeyStore, MIN_SECRET_LEN};
pub use secret_strength::{check_secret_strength, Weakness};
pub use validation::{Validation, DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_REQUIRED};
pub use verify::{decode_header, decode_unverified, verify, verify_into, Verified};

/// Length of the token that [`encode_json`] produces for a payload of `payload_len` bytes with
/// the given header options (exact), so callers can size `out`.
pub fn encoded_len(payload_len: usize, kid: Option<&str>, typ: Typ) -> usize {
    let mut json = [0u8; 256];
    let h = Header::write(&mut json, kid, typ).unwrap_or(json.len());
    b64::encoded_len(h)
        .saturating_add(b64::encoded_len(payload_len))
        .saturating_add(2 + alg::SIG_B64_LEN)
}
