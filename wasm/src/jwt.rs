//! HS256 tokens (`authcore::jwt`): keys, key sets, sign, verify and header decoding.

use crate::io::{inputs, Items};
use crate::{finish, Io};
use alloc::vec::Vec;
use authcore::jwt::{self, EncodeOptions, KeyRing, KeyStore, Validation};
use authcore::Error;
use wasm_bindgen::prelude::*;

inputs! {
    /// [`Keys::add_secret`]'s inputs.
    KeyIn = "addSecret" {
        secret: Bytes = "secret" / "invalid_key",
        kid: OptText = "kid",
        allow_weak: OptFlag = "allowWeak",
    }
}

inputs! {
    /// [`Keys::seal`]'s inputs.
    SealIn = "seal" {
        default_kid: OptText = "defaultKid",
    }
}

inputs! {
    /// [`verify`]'s inputs: the token, the time, and the checks (absent: the core's
    /// [`Validation::new`] value).
    VerifyIn = "verify" {
        token: Text = "token" / "malformed",
        now: Num = "now",
        issuer: OptList = "issuer",
        audience: OptList = "audience",
        required: OptList = "requiredClaims",
        subject: OptText = "subject",
        typ: OptText = "typ",
        leeway: OptNum = "leeway",
        max_token_len: OptNum = "maxTokenLength",
        verify_exp: OptFlag = "verifyExp",
        verify_nbf: OptFlag = "verifyNbf",
        verify_iat: OptFlag = "verifyIat",
        verify_aud: OptFlag = "verifyAud",
    }
}

inputs! {
    /// [`sign`]'s inputs.
    SignIn = "sign" {
        payload: Text = "payload" / "invalid_payload",
        kid: OptText = "kid",
        typ: OptText = "headerTyp",
    }
}

inputs! {
    /// [`decode_header`]'s input.
    HeaderIn = "decodeHeader" {
        token: Text = "token" / "malformed",
    }
}

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

    /// Makes this a single key from [`KeyIn`] (its secret is zeroed afterwards). `weak_key`
    /// for a short secret (unless `allowWeak`), `invalid_key` for a bad `kid` or when this
    /// already holds keys.
    #[wasm_bindgen(js_name = addSecret)]
    pub fn add_secret(&mut self, io: &mut Io) -> i32 {
        let key = self.keys.is_empty().then_some(()).ok_or(Error::InvalidKey);
        let key = key.and_then(|()| {
            let i: KeyIn<'_> = io.read().0?;
            match (i.allow_weak.unwrap_or(false), i.kid) {
                (true, kid) => jwt::Key::insecure_allow_weak(i.secret, kid),
                (false, Some(kid)) => jwt::Key::with_kid(i.secret, kid),
                (false, None) => jwt::Key::new(i.secret),
            }
        });
        io.wipe_input();
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

    /// Finishes a key set: the key whose `kid` is [`SealIn`]'s `defaultKid` becomes the
    /// default, else the first key stays it. `invalid_key` when the set is empty or two keys
    /// share a `kid` (or both have none), `unknown_kid` if no key has that `kid`.
    pub fn seal(&mut self, io: &mut Io) -> i32 {
        let r = io.read().0.and_then(|i: SealIn<'_>| {
            let ring = KeyRing::new(&self.keys, 0)?;
            let chosen = ring.select(i.default_kid)?;
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

/// Verifies [`VerifyIn`]'s token with `keys` at its time `now`, with its checks. Writes the
/// verified payload JSON to the output and returns its length.
#[wasm_bindgen]
pub fn verify(io: &mut Io, keys: &Keys) -> i32 {
    let (i, out) = io.read::<VerifyIn<'_>>();
    let r = i.and_then(|i| {
        let (issuer, audience) = (i.issuer.map(Items::split), i.audience.map(Items::split));
        let required = i.required.map(Items::split);
        let mut v = Validation::new();
        if let Some(l) = i.leeway {
            v.leeway = l;
        }
        v.issuer = issuer.as_deref();
        v.audience = audience.as_deref();
        v.subject = i.subject;
        v.token_type = i.typ;
        if let Some(r) = required.as_deref() {
            v.required = r;
        }
        if let Some(n) = i.max_token_len {
            v.max_token_len = usize::try_from(n).unwrap_or(usize::MAX);
        }
        for (on, flag) in [
            (&mut v.verify_aud, i.verify_aud),
            (&mut v.verify_exp, i.verify_exp),
            (&mut v.verify_nbf, i.verify_nbf),
            (&mut v.verify_iat, i.verify_iat),
        ] {
            if let Some(f) = flag {
                *on = f;
            }
        }
        let token = i.token.as_bytes();
        // The core decodes the payload to the start of the buffer; it refuses a token over
        // the limit before writing (so a refused token does not grow the memory).
        out.resize(token.len().min(v.max_token_len), 0);
        keys.with(|store| jwt::verify(token, store, &v, i.now, out).map(|ok| ok.payload.len()))
    });
    finish(io, r)
}

/// Signs [`SignIn`]'s payload JSON. With one key, its `kid` overrides the key's own in the
/// header; with a set, `kid` picks the signing key (`unknown_kid` if absent), else the default
/// key signs. The header `typ` is read by the core (`invalid_header` unless `JWT` or
/// `at+jwt`). Writes the token to the output and returns its length.
#[wasm_bindgen]
pub fn sign(io: &mut Io, keys: &Keys) -> i32 {
    let (i, out) = io.read::<SignIn<'_>>();
    let r = i.and_then(|i| {
        let ring;
        let (key, header_kid) = match keys.keys.first() {
            Some(key) if keys.single => (key, i.kid),
            _ => {
                ring = KeyRing::new(&keys.keys, keys.default)?;
                (ring.select(i.kid)?, None)
            }
        };
        let mut opts = EncodeOptions {
            kid: header_kid,
            ..EncodeOptions::default()
        };
        if let Some(typ) = i.typ {
            opts.typ = typ.parse()?;
        }
        out.resize(
            jwt::encoded_len(i.payload.len(), opts.kid.or(key.kid()), opts.typ),
            0,
        );
        jwt::encode_json(i.payload.as_bytes(), key, &opts, out)
    });
    finish(io, r)
}

/// Writes [`HeaderIn`]'s token's header JSON, checked for shape but **not verified**, to the
/// output and returns its length.
#[wasm_bindgen(js_name = decodeHeader)]
pub fn decode_header(io: &mut Io) -> i32 {
    let (i, out) = io.read::<HeaderIn<'_>>();
    let r = i.and_then(|i| {
        let token = i.token.as_bytes();
        out.resize(token.len().min(jwt::DEFAULT_MAX_TOKEN_LEN), 0);
        jwt::decode_header(token, out).map(<[u8]>::len)
    });
    finish(io, r)
}
