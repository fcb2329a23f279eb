//! HS256 tokens (`authcore::jwt`): keys, key sets, sign, verify and header decoding.

use crate::{finish, Io};
use alloc::vec::Vec;
use authcore::jwt::{self, EncodeOptions, KeyRing, KeyStore, Typ, Validation};
use authcore::Error;
use wasm_bindgen::prelude::*;

/// One HS256 key (made by [`Keys::add_secret`]) or a key set for rotation (made by
/// [`Keys::add_key`]).
#[wasm_bindgen]
#[derive(Default)]
pub struct Keys {
    keys: Vec<jwt::Key>,
    default: usize,
    single: bool,
}

#[wasm_bindgen]
impl Keys {
    /// No key yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Keys {
        Keys::default()
    }

    /// Makes this a single key from the input `secret` (`secret_len` bytes, zeroed afterwards)
    /// and an optional `kid` (`kid_len < 0`: none). `weak_key` for a short secret (unless
    /// `allow_weak`), `invalid_key` for a bad `kid` or when this already holds keys.
    #[wasm_bindgen(js_name = addSecret)]
    pub fn add_secret(
        &mut self,
        io: &mut Io,
        secret_len: usize,
        kid_len: i32,
        allow_weak: bool,
    ) -> i32 {
        let key = self.keys.is_empty().then_some(()).ok_or(Error::InvalidKey);
        let key = key.and_then(|()| {
            let (mut f, _) = io.fields();
            let secret = f.bytes(secret_len)?;
            match (allow_weak, f.opt_text(kid_len)?) {
                (true, kid) => jwt::Key::insecure_allow_weak(secret, kid),
                (false, Some(kid)) => jwt::Key::with_kid(secret, kid),
                (false, None) => jwt::Key::new(secret),
            }
        });
        io.wipe_input(secret_len);
        let r = key.map(|key| {
            self.keys.push(key);
            self.single = true;
            0
        });
        finish(io, r)
    }

    /// Adds a copy of a single key to this set (checked as a whole by [`Keys::seal`]).
    /// `invalid_key` when `key` is not a single key or this is one.
    #[wasm_bindgen(js_name = addKey)]
    pub fn add_key(&mut self, io: &mut Io, key: &Keys) -> i32 {
        let r = match key.keys.first().filter(|_| key.single && !self.single) {
            None => Err(Error::InvalidKey),
            Some(k) => {
                self.keys.push(k.clone());
                Ok(0)
            }
        };
        finish(io, r)
    }

    /// Finishes a key set: the key whose `kid` is the optional input text (`kid_len < 0`:
    /// none) becomes the default, else the first key stays it. `invalid_key` when the set is
    /// empty or two keys share a `kid` (or both have none), `unknown_kid` if no key has that
    /// `kid`.
    pub fn seal(&mut self, io: &mut Io, kid_len: i32) -> i32 {
        let (mut f, _) = io.fields();
        let r = f.opt_text(kid_len).and_then(|kid| {
            let ring = KeyRing::new(&self.keys, 0)?;
            let chosen = ring.select(kid)?;
            Ok(self.keys.iter().position(|k| core::ptr::eq(k, chosen)))
        });
        let r = r.map(|at| {
            self.default = at.unwrap_or(0);
            0
        });
        finish(io, r)
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

/// [`verify`]'s flag bits: checks turned off, and whether `max_token_len` is given.
const NO_VERIFY_AUD: u32 = 1;
const NO_VERIFY_EXP: u32 = 2;
const NO_VERIFY_NBF: u32 = 4;
const NO_VERIFY_IAT: u32 = 8;
const HAS_MAX_LEN: u32 = 16;

/// Verifies the input token (`token_len` bytes) with `keys` at time `now`; the claim checks
/// come from `flags`, `leeway`, `max_token_len` and the optional input fields that follow the
/// token: accepted issuers, accepted audiences and required claims (lists), the expected
/// subject and token type (texts); a negative length means absent. Writes the verified payload
/// JSON to the output and returns its length.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn verify(
    io: &mut Io,
    keys: &Keys,
    token_len: usize,
    now: f64,
    flags: u32,
    leeway: f64,
    max_token_len: f64,
    issuers_len: i32,
    audiences_len: i32,
    required_len: i32,
    subject_len: i32,
    typ_len: i32,
) -> i32 {
    let (mut f, out) = io.fields();
    let r = (|| {
        let token = f.bytes(token_len)?;
        let issuers = f.opt_list(issuers_len)?;
        let audiences = f.opt_list(audiences_len)?;
        let required = f.opt_list(required_len)?;
        let on = |bit: u32| flags & bit == 0;
        let mut v = Validation::new();
        v.leeway = leeway as u64;
        v.issuer = issuers.as_deref();
        v.audience = audiences.as_deref();
        v.verify_aud = on(NO_VERIFY_AUD);
        v.subject = f.opt_text(subject_len)?;
        v.token_type = f.opt_text(typ_len)?;
        if let Some(r) = required.as_deref() {
            v.required = r;
        }
        v.verify_exp = on(NO_VERIFY_EXP);
        v.verify_nbf = on(NO_VERIFY_NBF);
        v.verify_iat = on(NO_VERIFY_IAT);
        if !on(HAS_MAX_LEN) {
            v.max_token_len = max_token_len as usize;
        }
        out.resize(token.len(), 0);
        // The core decodes the payload to the start of the buffer.
        keys.with(|store| jwt::verify(token, store, &v, now as u64, out).map(|ok| ok.payload.len()))
    })();
    finish(io, r)
}

/// Signs the input payload JSON (`payload_len` bytes), followed by an optional `kid`
/// (`kid_len < 0`: none). With one key, `kid` overrides the key's own in the header; with a
/// set, `kid` picks the signing key (`unknown_kid` if absent), else the default key signs.
/// Writes the token to the output and returns its length.
#[wasm_bindgen]
pub fn sign(io: &mut Io, keys: &Keys, payload_len: usize, kid_len: i32, at_jwt: bool) -> i32 {
    let (mut f, out) = io.fields();
    let r = (|| {
        let payload = f.bytes(payload_len)?;
        let kid = f.opt_text(kid_len)?;
        let ring;
        let (key, header_kid) = match keys.keys.first() {
            Some(key) if keys.single => (key, kid),
            _ => {
                ring = KeyRing::new(&keys.keys, keys.default)?;
                (ring.select(kid)?, None)
            }
        };
        let opts = EncodeOptions {
            typ: if at_jwt { Typ::AtJwt } else { Typ::Jwt },
            kid: header_kid,
        };
        out.resize(
            jwt::encoded_len(payload.len(), opts.kid.or(key.kid()), opts.typ),
            0,
        );
        jwt::encode_json(payload, key, &opts, out)
    })();
    finish(io, r)
}

/// Writes the input token's (`token_len` bytes) header JSON, checked for shape but **not
/// verified**, to the output and returns its length.
#[wasm_bindgen(js_name = decodeHeader)]
pub fn decode_header(io: &mut Io, token_len: usize) -> i32 {
    let (mut f, out) = io.fields();
    let r = f.bytes(token_len).and_then(|token| {
        out.resize(token.len(), 0);
        jwt::decode_header(token, out).map(<[u8]>::len)
    });
    finish(io, r)
}
