//! HS256 tokens (`authcore::jwt`): keys, key sets, verification policies, sign and verify.

use crate::throw;
use alloc::string::String;
use alloc::vec::Vec;
use authcore::jwt::{self, EncodeOptions, KeyRing, KeyStore, Typ, Validation};
use authcore::Error;
use wasm_bindgen::prelude::*;

/// One HS256 key (from [`Keys::new`]) or a key set for rotation (from [`Keys::set`]).
#[wasm_bindgen]
pub struct Keys {
    keys: Vec<jwt::Key>,
    default: usize,
    single: bool,
}

#[wasm_bindgen]
impl Keys {
    /// One key. `weak_key` for a short secret (unless `allow_weak`), `invalid_key` for a bad `kid`.
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &[u8], kid: Option<String>, allow_weak: bool) -> Result<Keys, JsValue> {
        let kid = kid.as_deref();
        let key = match (allow_weak, kid) {
            (true, kid) => jwt::Key::insecure_allow_weak(secret, kid),
            (false, Some(kid)) => jwt::Key::with_kid(secret, kid),
            (false, None) => jwt::Key::new(secret),
        }
        .map_err(throw)?;
        Ok(Keys {
            keys: alloc::vec![key],
            default: 0,
            single: true,
        })
    }

    /// An empty key set.
    pub fn set() -> Keys {
        Keys {
            keys: Vec::new(),
            default: 0,
            single: false,
        }
    }

    /// Adds a copy of a single key. `invalid_key` if its `kid` (or the absence of one) is taken.
    pub fn add(&mut self, key: &Keys) -> Result<(), JsValue> {
        let Some(k) = key.keys.first().filter(|_| key.single && !self.single) else {
            return Err(throw(Error::InvalidKey));
        };
        self.keys.push(k.clone());
        if let Err(e) = KeyRing::new(&self.keys, self.default) {
            self.keys.pop();
            return Err(throw(e));
        }
        Ok(())
    }

    /// Makes the key with this `kid` the default. `unknown_kid` if absent.
    #[wasm_bindgen(js_name = setDefault)]
    pub fn set_default(&mut self, kid: &str) -> Result<(), JsValue> {
        self.default = self
            .keys
            .iter()
            .position(|k| k.kid() == Some(kid))
            .ok_or_else(|| throw(Error::UnknownKid))?;
        Ok(())
    }

    /// `invalid_key` when the set is empty.
    pub fn seal(&self) -> Result<(), JsValue> {
        KeyRing::new(&self.keys, self.default)
            .map(|_| ())
            .map_err(throw)
    }
}

impl Keys {
    fn with<R>(&self, f: impl FnOnce(&dyn KeyStore) -> Result<R, Error>) -> Result<R, Error> {
        match self.keys.first() {
            Some(key) if self.single => f(key),
            _ => f(&KeyRing::new(&self.keys, self.default)?),
        }
    }
}

/// Claim checks for [`verify_with_key`] and [`verify_with_set`], built once from the caller's
/// options. Lists arrive as one string (see [`split_list`]; the wrapper refuses NUL inside an
/// item), so no per-item marshalling is needed.
#[wasm_bindgen]
pub struct Policy {
    issuers: Option<String>,
    audiences: Option<String>,
    required: Option<String>,
    subject: Option<String>,
    token_type: Option<String>,
    leeway: u64,
    max_token_len: usize,
    flags: u32,
}

/// [`Policy`] flag bits.
const NO_VERIFY_AUD: u32 = 1;
const NO_VERIFY_EXP: u32 = 2;
const NO_VERIFY_NBF: u32 = 4;
const NO_VERIFY_IAT: u32 = 8;
const HAS_MAX_LEN: u32 = 16;

#[wasm_bindgen]
impl Policy {
    /// `flags` turns checks off; an absent list or string is `undefined`. `leeway` and
    /// `max_token_len` are non-negative integers.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        flags: u32,
        issuers: Option<String>,
        audiences: Option<String>,
        required: Option<String>,
        subject: Option<String>,
        token_type: Option<String>,
        leeway: f64,
        max_token_len: f64,
    ) -> Policy {
        Policy {
            issuers,
            audiences,
            required,
            subject,
            token_type,
            leeway: leeway as u64,
            max_token_len: if flags & HAS_MAX_LEN != 0 {
                max_token_len as usize
            } else {
                jwt::DEFAULT_MAX_TOKEN_LEN
            },
            flags,
        }
    }
}

/// Splits a list that the wrapper encoded as `""` (empty) or NUL followed by the items
/// separated by NUL, so that `[]` and `[""]` stay distinct.
pub(crate) fn split_list(list: &str) -> Vec<&str> {
    list.strip_prefix('\0')
        .map_or_else(Vec::new, |items| items.split(['\0']).collect())
}

impl Policy {
    fn with<R>(&self, f: impl FnOnce(&Validation<'_>) -> R) -> R {
        let (issuers, audiences, required) = (
            self.issuers.as_deref().map(split_list),
            self.audiences.as_deref().map(split_list),
            self.required.as_deref().map(split_list),
        );
        let on = |bit: u32| self.flags & bit == 0;
        let mut v = Validation::new();
        v.leeway = self.leeway;
        v.issuer = issuers.as_deref();
        v.audience = audiences.as_deref();
        v.verify_aud = on(NO_VERIFY_AUD);
        v.subject = self.subject.as_deref();
        v.token_type = self.token_type.as_deref();
        if let Some(r) = required.as_deref() {
            v.required = r;
        }
        v.verify_exp = on(NO_VERIFY_EXP);
        v.verify_nbf = on(NO_VERIFY_NBF);
        v.verify_iat = on(NO_VERIFY_IAT);
        v.max_token_len = self.max_token_len;
        f(&v)
    }
}

/// Verifies `token` with `keys` and returns the verified payload JSON.
#[wasm_bindgen]
pub fn verify(token: &str, keys: &Keys, policy: &Policy, now: f64) -> Result<String, JsValue> {
    let token = token.as_bytes();
    let mut buf = alloc::vec![0u8; token.len()];
    let payload = keys
        .with(|store| {
            policy.with(|v| jwt::verify(token, store, v, now as u64, &mut buf).map(|ok| ok.payload))
        })
        .map_err(throw)?;
    // The core only hands out payloads that passed its UTF-8 check.
    core::str::from_utf8(payload)
        .map(String::from)
        .map_err(|_| throw(Error::Malformed))
}

/// Signs the JSON `payload`. With one key, `kid` overrides the key's own in the header; with a
/// set, `kid` picks the signing key (`unknown_kid` if absent), else the default key signs.
#[wasm_bindgen]
pub fn sign(
    payload: &str,
    keys: &Keys,
    kid: Option<String>,
    at_jwt: bool,
) -> Result<String, JsValue> {
    let ring;
    let (key, header_kid) = match keys.keys.first() {
        Some(key) if keys.single => (key, kid.as_deref()),
        _ => {
            ring = KeyRing::new(&keys.keys, keys.default).map_err(throw)?;
            (ring.select(kid.as_deref()).map_err(throw)?, None)
        }
    };
    let opts = EncodeOptions {
        typ: if at_jwt { Typ::AtJwt } else { Typ::Jwt },
        kid: header_kid,
    };
    let len = jwt::encoded_len(payload.len(), opts.kid.or(key.kid()), opts.typ);
    let mut out = alloc::vec![0u8; len];
    let n = jwt::encode_json(payload.as_bytes(), key, &opts, &mut out).map_err(throw)?;
    out.truncate(n);
    // A token is base64url and dots: always ASCII.
    String::from_utf8(out).map_err(|_| throw(Error::Malformed))
}

/// The token's header JSON, checked for shape but **not verified**.
#[wasm_bindgen(js_name = decodeHeader)]
pub fn decode_header(token: &str) -> Result<String, JsValue> {
    let token = token.as_bytes();
    let mut buf = alloc::vec![0u8; token.len()];
    let json = jwt::decode_header(token, &mut buf).map_err(throw)?;
    core::str::from_utf8(json)
        .map(String::from)
        .map_err(|_| throw(Error::Malformed))
}

#[cfg(test)]
mod tests {
    use super::split_list;

    #[test]
    fn lists_keep_empty_items_apart_from_no_items() {
        assert_eq!(split_list(""), Vec::<&str>::new());
        assert_eq!(split_list("\0"), vec![""]);
        assert_eq!(split_list("\0a"), vec!["a"]);
        assert_eq!(split_list("\0a\0"), vec!["a", ""]);
        assert_eq!(split_list("\0a,b\0c d"), vec!["a,b", "c d"]);
    }
}
