//! Verification of SHA-crypt hashes (`$5$` sha256_crypt, `$6$` sha512_crypt: glibc `crypt(3)`,
//! passlib, `/etc/shadow`) over RustCrypto's [`sha_crypt`] crate (default features off:
//! no_std, no alloc; it gives the raw digest, this file the format).
//!
//! Format: `$6$[rounds=<N>$]<salt>$<digest>`: `rounds` in 1000..=999 999 999 without leading
//! zeros (absent means 5000), a salt of 0..=16 crypt-alphabet characters used as its own text,
//! and the digest (43 or 86 characters) in the crypt alphabet, transposed as glibc writes it.
//!
//! Cost: rounds × password length. Both are checked against [`Bounds`] before any work.

use base64ct::{Base64ShaCrypt, Encoding};
use sha_crypt::{Params, BLOCK_SIZE_SHA256, BLOCK_SIZE_SHA512};
use subtle::ConstantTimeEq;

use super::bounds::{Bounds, SHA_CRYPT_ROUNDS};
use super::mcf;
use super::scheme::Scheme;
use crate::{Error, Result};

/// glibc's rounds when the string names none.
const IMPLICIT_ROUNDS: u32 = 5_000;
/// Longest salt (glibc reads no more).
const MAX_SALT_LEN: usize = 16;

/// Output byte order of sha256_crypt's encoding (glibc).
const SHA256_ORDER: [u8; BLOCK_SIZE_SHA256] = [
    20, 10, 0, 11, 1, 21, 2, 22, 12, 23, 13, 3, 14, 4, 24, 5, 25, 15, 26, 16, 6, 17, 7, 27, 8, 28,
    18, 29, 19, 9, 30, 31,
];
/// Output byte order of sha512_crypt's encoding (glibc).
const SHA512_ORDER: [u8; BLOCK_SIZE_SHA512] = [
    42, 21, 0, 1, 43, 22, 23, 2, 44, 45, 24, 3, 4, 46, 25, 26, 5, 47, 48, 27, 6, 7, 49, 28, 29, 8,
    50, 51, 30, 9, 10, 52, 31, 32, 11, 53, 54, 33, 12, 13, 55, 34, 35, 14, 56, 57, 36, 15, 16, 58,
    37, 38, 17, 59, 60, 39, 18, 19, 61, 40, 41, 20, 62, 63,
];

/// A parsed SHA-crypt hash.
pub(crate) struct ShaCryptHash<'a> {
    sha512: bool,
    pub rounds: u32,
    salt: &'a str,
    /// The digest as encoded (transposed order).
    digest: [u8; BLOCK_SIZE_SHA512],
}

/// Parses `$5$…` / `$6$…` strictly.
pub(crate) fn parse(scheme: Scheme, s: &str) -> Result<ShaCryptHash<'_>> {
    let sha512 = match scheme {
        Scheme::Sha256Crypt => false,
        Scheme::Sha512Crypt => true,
        _ => return Err(Error::InvalidHash),
    };
    let rest = s.strip_prefix(scheme.prefix()).ok_or(Error::InvalidHash)?;
    let (rounds, rest) = match rest.strip_prefix("rounds=") {
        Some(r) => {
            let (n, rest) = mcf::split_dollar(r).ok_or(Error::InvalidHash)?;
            (mcf::decimal(n)?, rest)
        }
        None => (IMPLICIT_ROUNDS, rest),
    };
    if !SHA_CRYPT_ROUNDS.contains(&rounds) {
        return Err(Error::InvalidHash);
    }
    let [salt, digest] = mcf::fields::<2>(rest)?;
    let salt_ok = salt.len() <= MAX_SALT_LEN
        && salt
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/');
    let mut h = ShaCryptHash {
        sha512,
        rounds,
        salt,
        digest: [0; BLOCK_SIZE_SHA512],
    };
    let want = if sha512 {
        BLOCK_SIZE_SHA512
    } else {
        BLOCK_SIZE_SHA256
    };
    let digest_ok = Base64ShaCrypt::decode(digest, &mut h.digest).is_ok_and(|d| d.len() == want);
    if !(salt_ok && digest_ok) {
        return Err(Error::InvalidHash);
    }
    Ok(h)
}

/// Verifies `password`: parse, bound rounds and password length, derive, compare in
/// constant time.
pub(crate) fn verify(password: &[u8], scheme: Scheme, s: &str, bounds: &Bounds) -> Result<()> {
    let h = parse(scheme, s)?;
    bounds.check_sha_crypt(h.rounds, password)?;
    let params = Params::new(h.rounds).map_err(|_| Error::InvalidHash)?;
    let salt = h.salt.as_bytes();
    let mut out = [0u8; BLOCK_SIZE_SHA512];
    let n = if h.sha512 {
        let raw = sha_crypt::sha512_crypt(password, salt, params);
        transpose(&raw, &SHA512_ORDER, &mut out);
        BLOCK_SIZE_SHA512
    } else {
        let raw = sha_crypt::sha256_crypt(password, salt, params);
        transpose(&raw, &SHA256_ORDER, &mut out);
        BLOCK_SIZE_SHA256
    };
    let ok = out
        .get(..n)
        .zip(h.digest.get(..n))
        .is_some_and(|(a, b)| bool::from(a.ct_eq(b)));
    if ok {
        Ok(())
    } else {
        Err(Error::PasswordMismatch)
    }
}

/// `out[i] = raw[order[i]]`.
fn transpose(raw: &[u8], order: &[u8], out: &mut [u8]) {
    for (o, &i) in out.iter_mut().zip(order) {
        *o = raw.get(usize::from(i)).copied().unwrap_or(0);
    }
}
