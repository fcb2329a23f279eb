//! Shared helpers for the fuzz targets: fixed keys, an independent signer (RustCrypto `hmac`
//! directly, not the crate under test), and the input framing the targets share.
//!
//! Input framing for `verify` and `differential`: the first byte holds flags, the rest is
//! either a compact token taken verbatim, or (`SIGN` flag) `header JSON 0xFF payload JSON`,
//! which the target base64url-encodes and signs with a valid MAC so that fuzzing reaches the
//! checks that run after the signature.

use base64ct::{Base64UrlUnpadded, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The `main` secret of `tests/vectors/jwt.json`, so vector tokens verify as seeds.
pub const SECRET: &[u8] = b"authcore-vector-secret-main-2f7c41d09e8b";
/// A different secret of the same length.
pub const OTHER_SECRET: &[u8] = b"authcore-fuzz-secret-other-0000000000000";
/// The vectors' rotation keys (`kid` `k1` and `k2`).
pub const K1: (&str, &[u8]) = ("k1", b"authcore-vector-secret-k1-rotation-0001");
/// See [`K1`].
pub const K2: (&str, &[u8]) = ("k2", b"authcore-vector-secret-k2-rotation-0002");
/// The vectors' clock.
pub const NOW: u64 = 1_700_000_000;

/// Flag: build and sign the token from `header 0xFF payload`.
pub const SIGN: u8 = 0x01;
/// Separator between header and payload JSON in signed mode (never valid in UTF-8 text).
pub const SEP: u8 = 0xFF;

/// HMAC-SHA256 of `msg` under `secret`.
pub fn hmac_sha256(secret: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Base64url without padding.
pub fn b64(data: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(data)
}

/// A compact token over arbitrary header and payload bytes, with a valid MAC under `secret`.
pub fn sign(header: &[u8], payload: &[u8], secret: &[u8]) -> Vec<u8> {
    let mut token = format!("{}.{}", b64(header), b64(payload)).into_bytes();
    let tag = hmac_sha256(secret, &token);
    token.push(b'.');
    token.extend_from_slice(b64(&tag).as_bytes());
    token
}

/// Splits fuzz input into `(flags, token)`, signing in `SIGN` mode.
pub fn token_from_input(data: &[u8], secret: &[u8]) -> Option<(u8, Vec<u8>)> {
    let (&flags, rest) = data.split_first()?;
    if flags & SIGN == 0 {
        return Some((flags, rest.to_vec()));
    }
    let sep = rest.iter().position(|b| *b == SEP)?;
    let (header, payload) = rest.split_at(sep);
    Some((flags, sign(header, &payload[1..], secret)))
}

/// Maximum nesting depth of a JSON value (a scalar is 0, `{}` is 1).
pub fn depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// True for serde_json's "number out of range" (a valid RFC 8259 number that does not fit an
/// `f64`, e.g. `1e400`): the JSON is well formed, serde_json just refuses to represent it.
pub fn is_number_out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

/// Finds repeated member names (compared as unescaped text): `(at the top level, below it)`.
#[derive(Clone, Copy)]
struct Repeats<'c> {
    found: &'c Cell<(bool, bool)>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Repeats<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Repeats<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = Repeats {
            depth: self.depth + 1,
            ..self
        };
        while seq.next_element_seed(inner)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inner = Repeats {
            depth: self.depth + 1,
            ..self
        };
        let mut seen = HashSet::new();
        while let Some(k) = map.next_key::<String>()? {
            if !seen.insert(k) {
                let (top, nested) = self.found.get();
                self.found.set(match self.depth {
                    0 => (true, nested),
                    _ => (top, true),
                });
            }
            map.next_value_seed(inner)?;
        }
        Ok(())
    }
}

/// `(top, nested)`: whether `data` (which serde_json parses) repeats a name at the top level,
/// and below it.
pub fn repeats(data: &[u8]) -> (bool, bool) {
    let found = Cell::new((false, false));
    let mut d = serde_json::Deserializer::from_slice(data);
    let _ = Repeats {
        found: &found,
        depth: 0,
    }
    .deserialize(&mut d);
    found.get()
}

/// The seed of the `ed1` signer of `tests/vectors/eddsa.json` (SHA-256 of its label), so
/// vector tokens verify as seeds.
pub fn ed_seed() -> [u8; 32] {
    use sha2::Digest;
    Sha256::digest(b"authcore-vector-ed25519-1").into()
}

/// An Ed25519 seed no vector or attack token is signed with (the wrong key).
pub fn ed_other_seed() -> [u8; 32] {
    use sha2::Digest;
    Sha256::digest(b"authcore-fuzz-ed25519-wrong-key").into()
}

/// The signer's key for `seed`, derived once per process and then copied: deriving it is a
/// scalar multiplication, which the Ed25519 targets would otherwise pay two to four times per
/// input for the same two fixed seeds (the properties they check do not depend on it).
fn signing_key(seed: &[u8; 32]) -> ed25519_dalek_2::SigningKey {
    use std::sync::Mutex;
    static KEYS: Mutex<Vec<([u8; 32], ed25519_dalek_2::SigningKey)>> = Mutex::new(Vec::new());
    let mut keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, key)) = keys.iter().find(|(s, _)| s == seed) {
        return key.clone();
    }
    let key = ed25519_dalek_2::SigningKey::from_bytes(seed);
    keys.push((*seed, key.clone()));
    key
}

/// The public key of [`ed_seed`], computed by the independent signer (ed25519-dalek 2).
pub fn ed_public(seed: &[u8; 32]) -> [u8; 32] {
    signing_key(seed).verifying_key().to_bytes()
}

/// A compact token over arbitrary header and payload bytes, with a valid Ed25519 signature by
/// `seed` (ed25519-dalek 2, not the crate under test).
pub fn sign_ed(header: &[u8], payload: &[u8], seed: &[u8; 32]) -> Vec<u8> {
    use ed25519_dalek_2::Signer;
    let mut token = format!("{}.{}", b64(header), b64(payload)).into_bytes();
    let sig = signing_key(seed).sign(&token);
    token.push(b'.');
    token.extend_from_slice(b64(&sig.to_bytes()).as_bytes());
    token
}

/// [`token_from_input`] with an Ed25519 signature by `seed` in `SIGN` mode.
pub fn ed_token_from_input(data: &[u8], seed: &[u8; 32]) -> Option<(u8, Vec<u8>)> {
    let (&flags, rest) = data.split_first()?;
    if flags & SIGN == 0 {
        return Some((flags, rest.to_vec()));
    }
    let sep = rest.iter().position(|b| *b == SEP)?;
    let (header, payload) = rest.split_at(sep);
    Some((flags, sign_ed(header, &payload[1..], seed)))
}
