//! Verification of passlib's `bcrypt_sha256`, bcrypt over a SHA-256 pre-hash so passwords
//! longer than 72 bytes count in full:
//!
//! - v2 (passlib ≥ 1.7.3): `$bcrypt-sha256$v=2,t=2b,r=<cost>$<salt>$<digest>`; the bcrypt key
//!   is `base64(HMAC-SHA256(key = the 22 salt characters, msg = password))`.
//! - v1: `$bcrypt-sha256$<2a|2b>,<cost>$<salt>$<digest>`; the key is
//!   `base64(SHA-256(password))`.
//!
//! base64 is the standard padded alphabet (44 characters, well under bcrypt's 72); salt and
//! digest are bcrypt's own fields, parsed by [`super::bcrypt`], which also bounds the cost.

use base64ct::{Base64, Encoding};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::bcrypt;
use super::bounds::Bounds;
use super::mcf;
use super::scheme::Scheme;
use crate::{Error, Result};

/// A parsed bcrypt_sha256 hash: its version and the equivalent plain bcrypt hash.
pub(crate) struct BcryptSha256Hash<'a> {
    v2: bool,
    salt: &'a str,
    pub inner: bcrypt::BcryptHash,
}

/// Parses either version strictly (cost without leading zeros, 22 + 31 bcrypt characters).
pub(crate) fn parse(s: &str) -> Result<BcryptSha256Hash<'_>> {
    let rest = s
        .strip_prefix(Scheme::BcryptSha256.prefix())
        .ok_or(Error::InvalidHash)?;
    let [settings, salt, digest] = mcf::fields::<3>(rest)?;
    let (v2, ident, cost) = if let Some(v2) = settings.strip_prefix("v=2,t=2b,r=") {
        (true, "2b", v2)
    } else if let Some(c) = settings.strip_prefix("2a,") {
        (false, "2a", c)
    } else if let Some(c) = settings.strip_prefix("2b,") {
        (false, "2b", c)
    } else {
        return Err(Error::InvalidHash);
    };
    let cost = mcf::decimal(cost)?;
    if cost > 99 || salt.len() != 22 || digest.len() != 31 {
        return Err(Error::InvalidHash);
    }
    // The equivalent bcrypt string, built on the stack: $2b$NN$<salt><digest>.
    let mut buf = [0u8; 60];
    let tens = b'0'.saturating_add(u8::try_from(cost / 10).map_err(|_| Error::InvalidHash)?);
    let ones = b'0'.saturating_add(u8::try_from(cost % 10).map_err(|_| Error::InvalidHash)?);
    let head = [
        b'$',
        b'2',
        ident.as_bytes().get(1).copied().unwrap_or(b'b'),
        b'$',
        tens,
        ones,
        b'$',
    ];
    for (d, b) in buf
        .iter_mut()
        .zip(head.iter().chain(salt.as_bytes()).chain(digest.as_bytes()))
    {
        *d = *b;
    }
    let text = core::str::from_utf8(&buf).map_err(|_| Error::InvalidHash)?;
    let inner = bcrypt::parse(text)?;
    Ok(BcryptSha256Hash { v2, salt, inner })
}

/// Verifies `password`: parse, pre-hash, then bcrypt (cost bounded first) and compare.
pub(crate) fn verify(password: &[u8], s: &str, bounds: &Bounds) -> Result<()> {
    let h = parse(s)?;
    bounds.check_bcrypt(h.inner.cost)?;
    let digest: [u8; 32] = if h.v2 {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(h.salt.as_bytes())
            .map_err(|_| Error::InvalidHash)?;
        mac.update(password);
        mac.finalize().into_bytes().into()
    } else {
        Sha256::digest(password).into()
    };
    let mut key = [0u8; 44];
    let key = Base64::encode(&digest, &mut key).map_err(|_| Error::InvalidHash)?;
    bcrypt::verify_parsed(key.as_bytes(), &h.inner, bounds)
}
