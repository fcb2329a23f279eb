//! Verification of PBKDF2-HMAC hashes as passlib and Django store them, over RustCrypto's
//! [`pbkdf2`] crate:
//!
//! - passlib `pbkdf2_sha1`/`pbkdf2_sha256`/`pbkdf2_sha512`:
//!   `$pbkdf2-sha256$<rounds>$<salt>$<digest>`, salt and digest in passlib's adapted base64
//!   (`.` for `+`, unpadded); the digest is the hash's full output (20, 32 or 64 bytes).
//! - Django `PBKDF2PasswordHasher`/`PBKDF2SHA1PasswordHasher`:
//!   `pbkdf2_sha256$<iterations>$<salt>$<digest>`, the salt used as its own UTF-8 text, the
//!   digest in padded standard base64.
//!
//! Salts are at most 64 bytes (passlib writes 16, Django 22 characters). The iteration count
//! is checked against [`Bounds`] before any work; the digest is compared in constant time.

use base64ct::{Base64, Encoding};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::bounds::Bounds;
use super::mcf;
use super::scheme::Scheme;
use crate::{Error, Result};

/// Longest salt accepted, in bytes.
const MAX_SALT_LEN: usize = 64;
/// Longest digest (SHA-512's).
const MAX_DIGEST_LEN: usize = 64;

#[derive(Clone, Copy)]
enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

impl Prf {
    const fn digest_len(self) -> usize {
        match self {
            Prf::Sha1 => 20,
            Prf::Sha256 => 32,
            Prf::Sha512 => 64,
        }
    }
}

/// A parsed PBKDF2 hash: everything [`verify`] needs, on the stack.
pub(crate) struct Pbkdf2Hash {
    prf: Prf,
    pub iterations: u32,
    salt: [u8; MAX_SALT_LEN],
    salt_len: usize,
    digest: [u8; MAX_DIGEST_LEN],
}

/// Parses a passlib or Django PBKDF2 hash of `scheme` strictly.
pub(crate) fn parse(scheme: Scheme, s: &str) -> Result<Pbkdf2Hash> {
    let (prf, django) = match scheme {
        Scheme::Pbkdf2Sha1 => (Prf::Sha1, false),
        Scheme::Pbkdf2Sha256 => (Prf::Sha256, false),
        Scheme::Pbkdf2Sha512 => (Prf::Sha512, false),
        Scheme::DjangoPbkdf2Sha1 => (Prf::Sha1, true),
        Scheme::DjangoPbkdf2Sha256 => (Prf::Sha256, true),
        _ => return Err(Error::InvalidHash),
    };
    let mut h = Pbkdf2Hash {
        prf,
        iterations: 0,
        salt: [0; MAX_SALT_LEN],
        salt_len: 0,
        digest: [0; MAX_DIGEST_LEN],
    };
    let want = prf.digest_len();
    let digest_ok = if django {
        // pbkdf2_sha256$<iterations>$<salt>$<b64>
        let [name, iterations, salt, digest] = mcf::fields::<4>(s)?;
        if !scheme.prefix().starts_with(name) || salt.is_empty() {
            return Err(Error::InvalidHash);
        }
        h.iterations = mcf::decimal(iterations)?;
        let dst = h.salt.get_mut(..salt.len()).ok_or(Error::InvalidHash)?;
        dst.copy_from_slice(salt.as_bytes());
        h.salt_len = salt.len();
        Base64::decode(digest, &mut h.digest).is_ok_and(|d| d.len() == want)
    } else {
        // $pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 digest>
        let [empty, _ident, rounds, salt, digest] = mcf::fields::<5>(s)?;
        if !empty.is_empty() {
            return Err(Error::InvalidHash);
        }
        h.iterations = mcf::decimal(rounds)?;
        h.salt_len = mcf::ab64_decode(salt, &mut h.salt)?;
        mcf::ab64_decode(digest, &mut h.digest).is_ok_and(|n| n == want)
    };
    if !digest_ok || h.iterations == 0 {
        return Err(Error::InvalidHash);
    }
    Ok(h)
}

/// Verifies `password`: parse, bound the iterations, derive, compare in constant time.
pub(crate) fn verify(password: &[u8], scheme: Scheme, s: &str, bounds: &Bounds) -> Result<()> {
    let h = parse(scheme, s)?;
    bounds.check_pbkdf2(h.iterations)?;
    let salt = h.salt.get(..h.salt_len).ok_or(Error::InvalidHash)?;
    let mut out = [0u8; MAX_DIGEST_LEN];
    let n = h.prf.digest_len();
    let (out, expected) = out
        .get_mut(..n)
        .zip(h.digest.get(..n))
        .ok_or(Error::InvalidHash)?;
    match h.prf {
        Prf::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, h.iterations, out),
        Prf::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, h.iterations, out),
        Prf::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, h.iterations, out),
    }
    if bool::from(out.ct_eq(expected)) {
        Ok(())
    } else {
        Err(Error::PasswordMismatch)
    }
}
