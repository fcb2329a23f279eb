//! Tokens (`authcore::jwt`): HS256 keys and, with the `eddsa` feature, Ed25519 keys from JWKs,
//! seeds and JWKS documents; key sets, sign, verify and header decoding.

use crate::io::{inputs, Items};
use crate::{finish, Io};
use alloc::vec::Vec;
use authcore::jwt::{self, EncodeOptions, KeyRing, KeyStore, Validation};
#[cfg(feature = "eddsa")]
use authcore::jwt::{jwk, Ed25519PrivateKey, Ed25519PublicKey};
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

#[cfg(feature = "eddsa")]
inputs! {
    /// [`Keys::add_jwk`]'s inputs: the JWK's JSON text, and whether it is a private key.
    JwkIn = "addJwk" {
        jwk: Text = "jwk" / "invalid_key",
        private: OptFlag = "private",
    }
}

#[cfg(feature = "eddsa")]
inputs! {
    /// [`Keys::add_seed`]'s inputs: an Ed25519 private key's 32-byte seed.
    SeedIn = "addSeed" {
        seed: Bytes = "seed" / "invalid_key",
        kid: OptText = "kid",
    }
}

#[cfg(feature = "eddsa")]
inputs! {
    /// [`Keys::add_pem`]'s inputs: PEM text (SPKI public or, with `private`, PKCS#8 private).
    PemIn = "addPem" {
        pem: Text = "pem" / "invalid_key",
        kid: OptText = "kid",
        private: OptFlag = "private",
    }
}

#[cfg(feature = "eddsa")]
inputs! {
    /// [`Keys::add_raw`]'s inputs: an Ed25519 public key's 32 bytes.
    RawIn = "addRaw" {
        raw: Bytes = "raw" / "invalid_key",
        kid: OptText = "kid",
    }
}

#[cfg(feature = "eddsa")]
inputs! {
    /// [`Keys::add_jwks`]'s input: a JWKS document's JSON text.
    JwksIn = "addJwks" {
        jwks: Text = "jwks" / "invalid_key",
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

/// One key (an HS256 secret made by [`Keys::add_secret`]; an Ed25519 key made by
/// [`Keys::add_jwk`], [`Keys::add_seed`] or [`Keys::add_public_of`]) or a key set for rotation
/// (made by [`Keys::add_key`] or [`Keys::add_jwks`]).
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
        self.add_single(io, |io| {
            let i: KeyIn<'_> = io.read().0?;
            match (i.allow_weak.unwrap_or(false), i.kid) {
                (true, kid) => jwt::Key::insecure_allow_weak(i.secret, kid),
                (false, Some(kid)) => jwt::Key::with_kid(i.secret, kid),
                (false, None) => jwt::Key::new(i.secret),
            }
        })
    }

    /// Adds a copy of a single key to this set (checked as a whole by [`Keys::seal`]).
    /// `invalid_key` when `key` is not a single key or this is one.
    #[wasm_bindgen(js_name = addKey)]
    pub fn add_key(&mut self, io: &mut Io, key: &Keys) -> i32 {
        let r = match key.keys.first().filter(|_| key.single && !self.single) {
            None => Err(Error::InvalidKey),
            Some(k) => {
                push_key(&mut self.keys, k.clone());
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

#[cfg(feature = "eddsa")]
#[wasm_bindgen]
impl Keys {
    /// Makes this a single Ed25519 key from [`JwkIn`]'s JWK, read by the core (public: a `d`
    /// is refused; private: `d` and `x` must agree). `invalid_key` for any other JWK or when
    /// this already holds keys.
    #[wasm_bindgen(js_name = addJwk)]
    pub fn add_jwk(&mut self, io: &mut Io) -> i32 {
        self.add_single(io, |io| {
            let i: JwkIn<'_> = io.read().0?;
            let text = i.jwk.as_bytes();
            match i.private.unwrap_or(false) {
                true => jwt::Key::from_private_jwk(text),
                false => jwt::Key::from_jwk(text),
            }
        })
    }

    /// Makes this a single Ed25519 private key from [`SeedIn`]'s 32-byte seed (zeroed
    /// afterwards). `invalid_key` for another length, a bad `kid`, or when this holds keys.
    #[wasm_bindgen(js_name = addSeed)]
    pub fn add_seed(&mut self, io: &mut Io) -> i32 {
        self.add_single(io, |io| {
            let i: SeedIn<'_> = io.read().0?;
            jwt::Key::ed25519_private(Ed25519PrivateKey::from_slice(i.seed)?, i.kid)
        })
    }

    /// Makes this a single Ed25519 key from [`PemIn`]'s PEM, read by the core: a
    /// `PUBLIC KEY` block, or with `private` a `PRIVATE KEY` block (wiped afterwards).
    #[wasm_bindgen(js_name = addPem)]
    pub fn add_pem(&mut self, io: &mut Io) -> i32 {
        self.add_single(io, |io| {
            let i: PemIn<'_> = io.read().0?;
            let pem = i.pem.as_bytes();
            match i.private.unwrap_or(false) {
                true => jwt::Key::ed25519_private(Ed25519PrivateKey::from_pem(pem)?, i.kid),
                false => jwt::Key::ed25519_public(Ed25519PublicKey::from_pem(pem)?, i.kid),
            }
        })
    }

    /// Makes this a single Ed25519 public key from [`RawIn`]'s 32 bytes (RFC 8032 encoding;
    /// small-order and non-canonical keys are `invalid_key`).
    #[wasm_bindgen(js_name = addRaw)]
    pub fn add_raw(&mut self, io: &mut Io) -> i32 {
        self.add_single(io, |io| {
            let i: RawIn<'_> = io.read().0?;
            jwt::Key::ed25519_public(Ed25519PublicKey::from_slice(i.raw)?, i.kid)
        })
    }

    /// Makes this the public half of the single Ed25519 key `of` (same `kid`).
    #[wasm_bindgen(js_name = addPublicOf)]
    pub fn add_public_of(&mut self, io: &mut Io, of: &Keys) -> i32 {
        let key = match (self.keys.is_empty(), of.keys.first()) {
            (true, Some(k)) if of.single => k.to_public(),
            _ => Err(Error::InvalidKey),
        };
        finish(io, key.map(|key| self.adopt(key)))
    }

    /// Adds the public keys of [`JwksIn`]'s JWKS document to this set (then [`Keys::seal`]).
    /// `invalid_key` for a document the core refuses, or when this is a single key.
    #[wasm_bindgen(js_name = addJwks)]
    pub fn add_jwks(&mut self, io: &mut Io) -> i32 {
        let r = match self.single {
            true => Err(Error::InvalidKey),
            false => io.read().0.and_then(|i: JwksIn<'_>| {
                let keys = &mut self.keys;
                jwk::read_jwks(i.jwks.as_bytes(), |key| {
                    push_key(keys, key);
                    Ok(())
                })
                .map(|_| keys.len())
            }),
        };
        finish(io, r)
    }

    /// Writes the public JWK (with `kid`) of this single Ed25519 key to the output and returns
    /// its length. `invalid_key` for an HS256 key.
    #[wasm_bindgen(js_name = publicJwk)]
    pub fn public_jwk(&self, io: &mut Io) -> i32 {
        let mut out = [0u8; jwk::MAX_JWK_LEN];
        let r = match self.keys.first() {
            Some(k) if self.single => k.write_jwk(&mut out),
            _ => Err(Error::InvalidKey),
        };
        let r = r.and_then(|n| out.get(..n).ok_or(Error::BufferTooSmall));
        match r {
            Ok(jwk) => {
                io.set_output(jwk);
                finish(io, Ok(jwk.len()))
            }
            Err(e) => finish(io, Err(e)),
        }
    }

    /// Writes the `kid`s of this set as a JSON array of strings to the output (a `kid` is
    /// printable ASCII without `"` or `\`, so needs no escaping; a key without one is
    /// `null`) and returns its length.
    pub fn kids(&self, io: &mut Io) -> i32 {
        let mut text = alloc::string::String::from("[");
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            match k.kid() {
                Some(kid) => {
                    text.push('"');
                    text.push_str(kid);
                    text.push('"');
                }
                None => text.push_str("null"),
            }
        }
        text.push(']');
        io.set_output(text.as_bytes());
        finish(io, Ok(text.len()))
    }
}

/// Overwrites the stack below the caller's frame with zeros. Building a key moves its secret
/// state (HMAC pads, an Ed25519 seed) through temporaries in the frames of the calls that
/// made it; those frames are gone but their bytes stay in linear memory until another call
/// happens to overwrite them. Called right after a key is built, so no copy of key material
/// outlives the key (see tests/js/hostile.test.mjs). The buffer escapes to `black_box`, so
/// the zeroing is not optimised away.
/// Only with `eddsa`: an HS256-only build has a key type without unused bytes, and there the
/// stack is overwritten by the next call as before (its size budget is tight).
#[inline(never)]
fn scrub_stack() {
    #[cfg(feature = "eddsa")]
    {
        let mut below = [0u8; 4096];
        core::hint::black_box(&mut below);
    }
}

/// Pushes `key`, growing the vector by hand so that the buffer a reallocation leaves behind
/// holds no copy of a key: the keys are cloned into the new buffer and the old ones dropped,
/// which wipes them (the core's `Key` wipes its material on drop). Without `eddsa` the vector
/// grows as usual (the HS256-only build's size budget is tight).
fn push_key(keys: &mut Vec<jwt::Key>, key: jwt::Key) {
    if cfg!(feature = "eddsa") && keys.len() == keys.capacity() {
        let mut grown = Vec::with_capacity(keys.capacity().saturating_mul(2).max(4));
        grown.extend(keys.iter().cloned());
        scrub_stack();
        *keys = grown;
    }
    keys.push(key);
}

/// The keys wipe themselves as they are dropped; the stack below is zeroed first, as copies of
/// key material that moves left behind in the frames of earlier calls may still be there.
impl Drop for Keys {
    fn drop(&mut self) {
        scrub_stack();
    }
}

impl Keys {
    /// Makes this the single key that `make` builds from the call's inputs (`invalid_key` when
    /// this already holds keys). The input buffer and the stack below are zeroed afterwards,
    /// as the inputs may carry a secret; returns 0 or the error number.
    fn add_single(
        &mut self,
        io: &mut Io,
        make: impl FnOnce(&mut Io) -> Result<jwt::Key, Error>,
    ) -> i32 {
        let key = match self.keys.is_empty() {
            true => make(io),
            false => Err(Error::InvalidKey),
        };
        io.wipe_input();
        scrub_stack();
        finish(io, key.map(|key| self.adopt(key)))
    }

    /// Makes this the single key `key`; returns 0.
    fn adopt(&mut self, key: jwt::Key) -> usize {
        push_key(&mut self.keys, key);
        self.single = true;
        0
    }

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
        // Room for the longest header the encoder writes (a bound, not the exact length: no
        // header is written twice); the token's length is returned.
        let room = jwt::MAX_HEADER_JSON;
        out.resize(
            jwt::custom_header::encoded_len_with_header_for(key.alg(), room, i.payload.len()),
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
