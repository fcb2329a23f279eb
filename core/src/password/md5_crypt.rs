//! Verification of md5_crypt (`$1$<salt>$<digest>`, Poul-Henning Kamp's FreeBSD scheme,
//! passlib `md5_crypt`), over RustCrypto's MD5 ([`md5`]). **Insecure** (1000 MD5 rounds): it is
//! verified only when [`Bounds::with_insecure`] allows it, so its users can be moved to
//! Argon2id at their next login, and otherwise refused with [`Error::InsecureHash`].
//!
//! Format: a salt of 0..=8 crypt-alphabet characters and a 22-character digest in the crypt
//! alphabet, transposed as FreeBSD writes it. The password length is bounded
//! ([`Bounds::with_sha_crypt_password_len`]) before any work.

use base64ct::{Base64ShaCrypt, Encoding};
use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use super::bounds::Bounds;
use super::mcf;
use super::scheme::Scheme;
use crate::{Error, Result};

const MAX_SALT_LEN: usize = 8;
/// Output byte order of the encoding (FreeBSD `crypt-md5.c`).
const ORDER: [u8; 16] = [12, 6, 0, 13, 7, 1, 14, 8, 2, 15, 9, 3, 5, 10, 4, 11];

/// Parses `$1$<salt>$<digest>` strictly: the salt and the digest (encoded order).
pub(crate) fn parse(s: &str) -> Result<(&str, [u8; 16])> {
    let rest = s
        .strip_prefix(Scheme::Md5Crypt.prefix())
        .ok_or(Error::InvalidHash)?;
    let [salt, digest] = mcf::fields::<2>(rest)?;
    let salt_ok = salt.len() <= MAX_SALT_LEN
        && salt
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/');
    let mut d = [0u8; 16];
    let digest_ok = Base64ShaCrypt::decode(digest, &mut d).is_ok_and(|x| x.len() == 16);
    if salt_ok && digest_ok {
        Ok((salt, d))
    } else {
        Err(Error::InvalidHash)
    }
}

/// Verifies `password` (the caller has checked that md5_crypt is allowed).
pub(crate) fn verify(password: &[u8], s: &str, bounds: &Bounds) -> Result<()> {
    let (salt, expected) = parse(s)?;
    bounds.check_crypt_password(password)?;
    let raw = md5_crypt(password, salt.as_bytes());
    let mut out = [0u8; 16];
    for (o, &i) in out.iter_mut().zip(&ORDER) {
        *o = raw.get(usize::from(i)).copied().unwrap_or(0);
    }
    if bool::from(out.ct_eq(&expected)) {
        Ok(())
    } else {
        Err(Error::PasswordMismatch)
    }
}

/// The raw md5_crypt digest.
fn md5_crypt(pw: &[u8], salt: &[u8]) -> [u8; 16] {
    let alt: [u8; 16] = Md5::new()
        .chain_update(pw)
        .chain_update(salt)
        .chain_update(pw)
        .finalize()
        .into();
    let mut ctx = Md5::new()
        .chain_update(pw)
        .chain_update(b"$1$")
        .chain_update(salt);
    let mut left = pw.len();
    while left > 0 {
        let n = left.min(16);
        ctx.update(alt.get(..n).unwrap_or(&alt));
        left -= n;
    }
    let mut i = pw.len();
    while i > 0 {
        if i & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(pw.get(..1).unwrap_or(&[]));
        }
        i >>= 1;
    }
    let mut fin: [u8; 16] = ctx.finalize().into();
    for r in 0..1000u32 {
        let mut c = Md5::new();
        if r & 1 == 1 {
            c.update(pw);
        } else {
            c.update(fin);
        }
        if r % 3 != 0 {
            c.update(salt);
        }
        if r % 7 != 0 {
            c.update(pw);
        }
        if r & 1 == 1 {
            c.update(fin);
        } else {
            c.update(pw);
        }
        fin = c.finalize().into();
    }
    fin
}
