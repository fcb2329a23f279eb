//! Verification of legacy bcrypt hashes (`$2a$`, `$2b$`, `$2y$`), so that users whose hashes
//! predate Argon2 can still log in and be rehashed.
//!
//! EksBlowfish (Provos & Mazières, 1999) runs here over the [`blowfish`] crate's bcrypt key
//! schedule (`bc_init_state`, `salted_expand_key`, `bc_expand_key`, `bc_encrypt`), without
//! allocation; bcrypt's base64 is [`base64ct`]'s `Base64Bcrypt`.
//!
//! # Semantics (those of Python `bcrypt` 4.x `checkpw`, OpenBSD and PHP)
//! - The key is the password bytes followed by one NUL byte, cut to 72 bytes: passwords
//!   longer than 72 bytes verify on their first 72 bytes, exactly like the peers that made the
//!   hashes (Python `bcrypt` 5.0 raises instead). That is the default so such users are not
//!   locked out; [`Bounds::with_bcrypt_long_password`] with
//!   [`super::BcryptLongPassword::Refuse`] refuses them with [`Error::PasswordTooLong`]
//!   instead. Bytes after an embedded NUL count (`"a\0b"` ≠ `"a"`).
//! - `$2a$`, `$2b$` and `$2y$` compute identically for passwords of at most 72 bytes, the only
//!   ones bcrypt ever sees. `$2x$` (crypt_blowfish's emulation of its own sign-extension bug)
//!   and the original `$2$` are rejected as [`Error::InvalidHash`]: verifying them correctly
//!   would need the bug, and accepting them incorrectly would lock out or mis-verify users.
//! - Strings must be exactly 60 characters: prefix, two-digit cost in 4..=31, 22 salt and 31
//!   hash characters of bcrypt's base64 with canonical trailing bits.
//!
//! # Resources
//! No caller memory is needed, but the Blowfish state (4 KiB of S-boxes) lives on the stack,
//! copied from the crate's 4 KiB of constant tables (flash on firmware): firmware that needs
//! neither can disable the `bcrypt` feature.
//!
//! Lookups index the S-boxes by data, as every Blowfish implementation does; bcrypt's inputs
//! are the password and the public salt, the usual standing of bcrypt implementations.

use base64ct::{Base64Bcrypt, Encoding};
use blowfish::Blowfish;
use subtle::ConstantTimeEq;

use super::bounds::Bounds;
use crate::{Error, Result};

/// Length of every bcrypt hash string.
const HASH_LEN: usize = 60;
/// bcrypt reads at most this many key bytes.
const MAX_KEY_LEN: usize = 72;
/// Raw salt length.
const SALT_LEN: usize = 16;
/// Bytes of the 24-byte EksBlowfish output that bcrypt stores.
const TAG_LEN: usize = 23;

/// A parsed bcrypt hash string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BcryptHash {
    pub cost: u32,
    pub salt: [u8; SALT_LEN],
    pub tag: [u8; TAG_LEN],
}

/// Parses `$2a$NN$<22 salt><31 hash>` (also `$2b$`, `$2y$`) strictly.
pub(crate) fn parse(s: &str) -> Result<BcryptHash> {
    if s.len() != HASH_LEN {
        return Err(Error::InvalidHash);
    }
    let (prefix, rest) = s.split_at_checked(4).ok_or(Error::InvalidHash)?;
    if !matches!(prefix, "$2a$" | "$2b$" | "$2y$") {
        return Err(Error::InvalidHash);
    }
    let (cost, rest) = rest.split_at_checked(3).ok_or(Error::InvalidHash)?;
    let cost = match cost.as_bytes() {
        [t @ b'0'..=b'9', u @ b'0'..=b'9', b'$'] => u32::from((t - b'0') * 10 + (u - b'0')),
        _ => return Err(Error::InvalidHash),
    };
    if !(4..=31).contains(&cost) {
        return Err(Error::InvalidHash);
    }
    let (salt_b64, tag_b64) = rest.split_at_checked(22).ok_or(Error::InvalidHash)?;
    let mut salt = [0u8; SALT_LEN];
    let mut tag = [0u8; TAG_LEN];
    // Both fields are decoded before either verdict is looked at (base64ct is constant-time).
    let salt_ok = Base64Bcrypt::decode(salt_b64, &mut salt).is_ok_and(|d| d.len() == SALT_LEN);
    let tag_ok = Base64Bcrypt::decode(tag_b64, &mut tag).is_ok_and(|d| d.len() == TAG_LEN);
    if !(salt_ok && tag_ok) {
        return Err(Error::InvalidHash);
    }
    Ok(BcryptHash { cost, salt, tag })
}

/// Verifies `password` against a bcrypt hash string: parse, check the cost against `bounds`,
/// then compute and compare in constant time.
pub(crate) fn verify(password: &[u8], s: &str, bounds: &Bounds) -> Result<()> {
    let h = parse(s)?;
    bounds.check_bcrypt_password(password)?;
    verify_parsed(password, &h, bounds)
}

/// Checks the cost of `h` against `bounds`, then runs bcrypt over `key` and compares in
/// constant time (bcrypt_sha256 gives its derived key here).
pub(crate) fn verify_parsed(key: &[u8], h: &BcryptHash, bounds: &Bounds) -> Result<()> {
    bounds.check_bcrypt(h.cost)?;
    let out = bcrypt_raw(h.cost, &h.salt, key);
    let ok = out
        .get(..TAG_LEN)
        .is_some_and(|t| bool::from(t.ct_eq(&h.tag)));
    if ok {
        Ok(())
    } else {
        Err(Error::PasswordMismatch)
    }
}

/// "OrpheanBeholderScryDoubt" as three big-endian Blowfish blocks, each encrypted 64 times.
const MAGIC: [[u32; 2]; 3] = [
    [0x4f72_7068, 0x6561_6e42],
    [0x6568_6f6c, 0x6465_7253],
    [0x6372_7944, 0x6f75_6274],
];

/// EksBlowfish: the raw 24-byte bcrypt output for `cost` (4..=31), `salt` and `password`.
fn bcrypt_raw(cost: u32, salt: &[u8; SALT_LEN], password: &[u8]) -> [u8; 24] {
    // Key: password ‖ NUL, truncated to 72 bytes.
    let mut key_buf = [0u8; MAX_KEY_LEN];
    for (k, p) in key_buf.iter_mut().zip(password) {
        *k = *p;
    }
    let key_len = password.len().saturating_add(1).min(MAX_KEY_LEN);
    let key = key_buf.get(..key_len).unwrap_or(&key_buf);

    let mut state = Blowfish::bc_init_state();
    state.salted_expand_key(salt, key);
    for _ in 0..1u64 << cost.min(31) {
        state.bc_expand_key(key);
        state.bc_expand_key(salt);
    }

    let mut out = [0u8; 24];
    for (block, dst) in MAGIC.iter().zip(out.chunks_exact_mut(8)) {
        let mut lr = *block;
        for _ in 0..64 {
            lr = state.bc_encrypt(lr);
        }
        if let Some((l, r)) = dst.split_at_mut_checked(4) {
            l.copy_from_slice(&lr[0].to_be_bytes());
            r.copy_from_slice(&lr[1].to_be_bytes());
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use base64ct::{Base64Bcrypt, Encoding};

    // Python bcrypt 4.3.0: hashpw(b"a"*72, b"$2b$04$Z1zjthl9Z39vYZ4017sfxO")
    const A72: &str = "$2b$04$Z1zjthl9Z39vYZ4017sfxOh8vcyvZaXQaBpL0CGUZXMXNneumv71q";

    #[test]
    fn parses_fields() {
        let h = parse(A72).unwrap();
        assert_eq!(h.cost, 4);
        let mut buf = [0u8; 31];
        let enc = Base64Bcrypt::encode(&h.tag, &mut buf).unwrap();
        assert_eq!(enc, "h8vcyvZaXQaBpL0CGUZXMXNneumv71q");
    }

    #[test]
    #[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
    fn seventy_two_byte_truncation() {
        let b = Bounds::DEFAULT;
        assert_eq!(verify(&[b'a'; 72], A72, &b), Ok(()));
        assert_eq!(verify(&[b'a'; 73], A72, &b), Ok(()));
        assert_eq!(verify(&[b'a'; 71], A72, &b), Err(Error::PasswordMismatch));
    }

    /// The salt and hash fields accept exactly canonical bcrypt base64: every printable
    /// character at every position of both fields, against a plain model of the grammar.
    #[test]
    #[cfg_attr(miri, ignore = "5 415 parses: too slow under Miri")]
    fn fields_are_exactly_canonical_bcrypt_base64() {
        use crate::password::base64_model::{decode as model, BCRYPT};
        let mut accepted = 0;
        for pos in 7..HASH_LEN {
            for c in b' '..=b'~' {
                let mut s = A72.as_bytes().to_vec();
                s[pos] = c;
                let s = core::str::from_utf8(&s).unwrap();
                let (salt, tag) = s[7..].split_at(22);
                let expected = match (
                    model(BCRYPT, salt.as_bytes()),
                    model(BCRYPT, tag.as_bytes()),
                ) {
                    (Some(salt), Some(tag)) => Ok((salt, tag)),
                    _ => Err(Error::InvalidHash),
                };
                let parsed = parse(s).map(|h| (h.salt.to_vec(), h.tag.to_vec()));
                assert_eq!(parsed, expected, "{s:?}");
                accepted += usize::from(parsed.is_ok());
            }
        }
        // 64 characters at 51 full positions, 4 at the salt's last (2 data bits), 16 at the
        // hash's last (4 data bits).
        assert_eq!(accepted, 51 * 64 + 4 + 16);
    }

    #[test]
    fn rejects_malformed_and_unsupported_variants() {
        let good = A72;
        let bad = [
            good.replace("$2b$", "$2x$"),
            good.replace("$2b$", "$2c$"),
            good.replacen("$2b$04$", "$2$04$", 1),
            good.replace("$04$", "$4$"),
            good.replace("$04$", "$03$"),
            good.replace("$04$", "$32$"),
            good.replace("$04$", "$0a$"),
            good.replace("sfxO", "sfxP"), // non-canonical salt trailing bits
            good.replace("v71q", "v71r"), // non-canonical hash trailing bits
            good.replace("Z1zj", "Z1z+"), // outside bcrypt's alphabet
            std::format!("{good}x"),
            good[..59].into(),
            std::string::String::new(),
        ];
        for s in &bad {
            assert_eq!(parse(s), Err(Error::InvalidHash), "{s:?}");
        }
    }
}
