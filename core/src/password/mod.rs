//! Password hashing: Argon2 in PHC strings, legacy bcrypt verification, rehash decisions and
//! a policy for new passwords.
//!
//! | task | function |
//! | --- | --- |
//! | hash a new password | [`hash`] → `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` |
//! | check a login | [`verify`] (Argon2 PHC, bcrypt or a legacy [`Scheme`], chosen by the string's prefix) |
//! | name a stored hash's format | [`identify`] / [`Scheme::identify`] (passlib's names) |
//! | upgrade old hashes after a successful login | [`needs_rehash`] |
//! | vet a new password | [`PasswordPolicy::check`] |
//!
//! Nothing here allocates. Argon2 memory is a caller slice of 1 KiB [`Block`]s
//! ([`Params::blocks_needed`] for hashing, [`Bounds::max_blocks`] covers any verify); salts come
//! from the caller's CSPRNG; PHC strings are written into caller buffers ([`Params::phc_len`],
//! at most [`MAX_PHC_LEN`] bytes).
//!
//! # Security contract of [`verify`]
//! 1. The string is parsed strictly; anything malformed or unsupported is
//!    [`Error::InvalidHash`]. Argon2: the reference format
//!    `$<alg>$v=<ver>$m=…,t=…,p=…$<salt>$<hash>` for `argon2id`, `argon2i`, `argon2d`, versions
//!    0x13 and 0x10 (the `v=` field required), canonical unpadded base64, no `keyid`/`data`,
//!    salt ≥ 8 and output ≥ 4 bytes. bcrypt: `$2a$`/`$2b$`/`$2y$`, exactly 60 characters
//!    (`$2x$` and `$2$` are refused).
//! 2. The stored cost parameters are checked against [`Bounds`] before any memory is touched
//!    or any hashing starts: a planted `m=4194304` fails at once with
//!    [`Error::HashParamsOutOfBounds`].
//! 3. Caller memory too small for the hash is [`Error::InsufficientMemory`], also before work.
//! 4. The hash is recomputed into a stack buffer (≤ 64 bytes) and compared in constant time
//!    ([`subtle`]); a wrong password is [`Error::PasswordMismatch`].
//!
//! Passwords are bytes and are hashed in full, NUL bytes included, whatever their length
//! (bcrypt alone reads only the first 72 bytes, as everywhere). Length rules are the policy's
//! job, applied when a password is *chosen*; a login with an over-long password should be
//! refused by the service before it reaches `verify`.
//!
//! Timing reveals whether an account exists unless the service also spends a verify when the
//! user is unknown: keep a hash made with the current [`Params`] and verify against it.
//!
//! A *pepper* (a server-side secret kept outside the database) is Argon2's secret input: pass
//! the same `Some(pepper)` to [`hash`] and [`verify`]. An empty pepper is refused
//! ([`Error::InvalidParams`]) rather than read as "no pepper". A bcrypt hash cannot carry a
//! pepper, so [`verify`] refuses one with a pepper given ([`Error::InvalidParams`]: the
//! caller's pepper cannot be applied) instead of ignoring it — otherwise a planted bcrypt hash
//! would bypass the pepper. bcrypt hashes verify only with `None`: a service moving bcrypt
//! users to a pepper verifies their bcrypt hash without it, then stores a hash made with it
//! ([`needs_rehash`] reports every bcrypt hash).
//!
//! # Example
//! ```
//! use authcore::password::{hash, needs_rehash, verify, Block, Bounds, Params};
//!
//! let params = Params::new(64, 1, 1)?; // tiny, for the example; use Params::OWASP
//! let mut memory = vec![Block::new(); params.blocks_needed()];
//! let mut out = [0u8; authcore::password::MAX_PHC_LEN];
//! let salt = [0x5a; 16]; // from a CSPRNG in real use
//! let phc = hash(b"hunter2 but longer", &salt, &params, None, &mut memory, &mut out)?;
//!
//! let bounds = Bounds::default();
//! assert_eq!(verify(b"hunter2 but longer", phc, &bounds, None, &mut memory), Ok(()));
//! assert!(verify(b"hunter3 but longer", phc, &bounds, None, &mut memory).is_err());
//! assert!(needs_rehash(phc, &Params::OWASP)?);
//! # Ok::<(), authcore::Error>(())
//! ```

// One job per file, and imports that run one way: `algorithm` ← `params` ← {`bounds`, `phc`}
// ← `argon` ← this module; `scheme` names every stored format; `bcrypt` needs `bounds` alone;
// the legacy formats (`bcrypt_sha256`, `pbkdf2`, `sha_crypt`, `md5_crypt`) need `bounds`,
// `scheme` and `mcf`; `policy` stands apart.
mod algorithm;
mod argon;
#[cfg(test)]
mod base64_model;
#[cfg(feature = "bcrypt")]
mod bcrypt;
#[cfg(feature = "legacy")]
mod bcrypt_sha256;
mod bounds;
#[cfg(feature = "legacy")]
mod mcf;
#[cfg(feature = "legacy")]
mod md5_crypt;
mod params;
#[cfg(feature = "legacy")]
mod pbkdf2;
mod phc;
pub mod policy;
mod scheme;
#[cfg(feature = "legacy")]
mod sha_crypt;

pub use algorithm::Algorithm;
pub use argon::hash;
pub use argon2::Block;
pub use bounds::{
    BcryptLongPassword, Bounds, DEFAULT_MAX_BCRYPT_COST, DEFAULT_MAX_M_COST,
    DEFAULT_MAX_PBKDF2_ITERATIONS, DEFAULT_MAX_P_COST, DEFAULT_MAX_SHA_CRYPT_PASSWORD_LEN,
    DEFAULT_MAX_SHA_CRYPT_ROUNDS, DEFAULT_MAX_T_COST,
};
pub use params::{
    Params, DEFAULT_M_COST, DEFAULT_OUTPUT_LEN, DEFAULT_P_COST, DEFAULT_SALT_LEN, DEFAULT_T_COST,
    MAX_OUTPUT_LEN, MAX_P_COST, MAX_SALT_LEN, MIN_OUTPUT_LEN, MIN_SALT_LEN,
};
pub use phc::MAX_PHC_LEN;
pub use policy::PasswordPolicy;
pub use scheme::Scheme;

use crate::{Error, Result};

/// The scheme [`verify`] would use for `hash` under `bounds`: [`Scheme::identify`], then
/// [`Scheme::Plaintext`] for a string no verifiable scheme claims when `bounds` allows
/// plaintext. The string is not otherwise checked.
///
/// # Errors
/// [`Error::InvalidHash`] when no scheme claims the string.
pub fn identify(hash: &str, bounds: &Bounds) -> Result<Scheme> {
    match Scheme::identify(hash) {
        None | Some(Scheme::DesCrypt) if bounds.allows_plaintext() => Ok(Scheme::Plaintext),
        Some(s) => Ok(s),
        None => Err(Error::InvalidHash),
    }
}

/// Parses `hash` as `scheme` and checks its cost against `bounds` (everything [`verify`] does
/// before any work); returns the Argon2 blocks it needs (0 for the other schemes).
fn check(scheme: Scheme, hash: &str, bounds: &Bounds) -> Result<usize> {
    match scheme {
        Scheme::Argon2 => {
            let cost = phc::parse(hash)?.cost();
            bounds.check_argon2(&cost)?;
            Ok(cost.blocks_needed())
        }
        #[cfg(feature = "bcrypt")]
        Scheme::Bcrypt => bounds.check_bcrypt(bcrypt::parse(hash)?.cost).map(|()| 0),
        #[cfg(feature = "legacy")]
        Scheme::BcryptSha256 => bounds
            .check_bcrypt(bcrypt_sha256::parse(hash)?.inner.cost)
            .map(|()| 0),
        #[cfg(feature = "legacy")]
        Scheme::Pbkdf2Sha1
        | Scheme::Pbkdf2Sha256
        | Scheme::Pbkdf2Sha512
        | Scheme::DjangoPbkdf2Sha1
        | Scheme::DjangoPbkdf2Sha256 => bounds
            .check_pbkdf2(pbkdf2::parse(scheme, hash)?.iterations)
            .map(|()| 0),
        #[cfg(feature = "legacy")]
        Scheme::Sha256Crypt | Scheme::Sha512Crypt => {
            let h = sha_crypt::parse(scheme, hash)?;
            bounds.check_sha_crypt(h.rounds, &[]).map(|()| 0)
        }
        #[cfg(feature = "legacy")]
        Scheme::Md5Crypt if bounds.allows_md5_crypt() => md5_crypt::parse(hash).map(|_| 0),
        Scheme::Md5Crypt | Scheme::DesCrypt => Err(Error::InsecureHash),
        Scheme::Plaintext if bounds.allows_plaintext() => Ok(0),
        Scheme::Plaintext => Err(Error::InsecureHash),
        #[allow(unreachable_patterns)] // a scheme whose feature is off
        _ => Err(Error::InvalidHash),
    }
}

/// Verifies `password` against a stored hash: an Argon2 PHC string or, with the `bcrypt` and
/// `legacy` features, any verify-only [`Scheme`] (bcrypt, bcrypt_sha256, passlib's and
/// Django's PBKDF2, sha256_crypt, sha512_crypt; md5_crypt and plaintext only when `bounds`
/// allows them). The scheme is chosen by the string's prefix ([`identify`]). See the module
/// documentation for the order of checks.
///
/// `memory` must hold the stored hash's block count (at most [`Bounds::max_blocks`]); the
/// other schemes do not use it. `pepper` must be what [`hash`] was given.
///
/// # Errors
/// [`Error::InvalidHash`], [`Error::InsecureHash`], [`Error::HashParamsOutOfBounds`],
/// [`Error::InsufficientMemory`], [`Error::PasswordMismatch`]; [`Error::PasswordTooLong`]
/// beyond Argon2's 2³²−1 bytes, beyond 72 bytes for bcrypt when `bounds` says
/// [`BcryptLongPassword::Refuse`], beyond [`Bounds::sha_crypt_password_len`] for sha-crypt and
/// md5_crypt; [`Error::InvalidParams`] for an empty pepper, or any pepper with a hash that is
/// not Argon2 (which cannot carry one), before any hashing work.
pub fn verify(
    password: &[u8],
    phc: &str,
    bounds: &Bounds,
    pepper: Option<&[u8]>,
    memory: &mut [Block],
) -> Result<()> {
    check_pepper(pepper)?;
    let scheme = identify(phc, bounds)?;
    if scheme != Scheme::Argon2 && pepper.is_some() {
        return check(scheme, phc, bounds).and(Err(Error::InvalidParams));
    }
    match scheme {
        Scheme::Argon2 => argon::verify(password, &phc::parse(phc)?, bounds, pepper, memory),
        #[cfg(feature = "bcrypt")]
        Scheme::Bcrypt => bcrypt::verify(password, phc, bounds),
        #[cfg(feature = "legacy")]
        Scheme::BcryptSha256 => bcrypt_sha256::verify(password, phc, bounds),
        #[cfg(feature = "legacy")]
        Scheme::Pbkdf2Sha1
        | Scheme::Pbkdf2Sha256
        | Scheme::Pbkdf2Sha512
        | Scheme::DjangoPbkdf2Sha1
        | Scheme::DjangoPbkdf2Sha256 => pbkdf2::verify(password, scheme, phc, bounds),
        #[cfg(feature = "legacy")]
        Scheme::Sha256Crypt | Scheme::Sha512Crypt => {
            sha_crypt::verify(password, scheme, phc, bounds)
        }
        #[cfg(feature = "legacy")]
        Scheme::Md5Crypt if bounds.allows_md5_crypt() => md5_crypt::verify(password, phc, bounds),
        Scheme::Plaintext if bounds.allows_plaintext() => {
            if bool::from(subtle::ConstantTimeEq::ct_eq(password, phc.as_bytes())) {
                Ok(())
            } else {
                Err(Error::PasswordMismatch)
            }
        }
        Scheme::Md5Crypt | Scheme::DesCrypt | Scheme::Plaintext => Err(Error::InsecureHash),
        #[allow(unreachable_patterns)] // a scheme whose feature is off
        _ => Err(Error::InvalidHash),
    }
}

/// The pepper rule [`hash`] and [`verify`] apply, for a binding to check a configured pepper
/// once, at start-up: an empty pepper is a configuration mistake (it would silently mean
/// "no pepper").
///
/// # Errors
/// [`Error::InvalidParams`] for `Some(b"")`.
pub fn check_pepper(pepper: Option<&[u8]>) -> Result<()> {
    match pepper {
        Some([]) => Err(Error::InvalidParams),
        _ => Ok(()),
    }
}

/// How many Argon2 memory blocks [`verify`] needs for the stored hash `phc` (0 for the other
/// schemes), so a binding can size `memory` without reading the string itself.
///
/// The string is parsed and its cost checked against `bounds` exactly as [`verify`] does
/// first, so a planted `m=4194304` is refused here, before anything is allocated.
///
/// # Errors
/// [`Error::InvalidHash`], [`Error::InsecureHash`], [`Error::HashParamsOutOfBounds`].
pub fn blocks_needed(phc: &str, bounds: &Bounds) -> Result<usize> {
    check(identify(phc, bounds)?, phc, bounds)
}

/// Whether a stored hash (that just verified) should be replaced by one made with `policy`.
///
/// `true` when the algorithm, the Argon2 version (anything but 0x13), `m`, `t`, `p`, the
/// output length or the salt length differ from `policy` — in either direction, like
/// argon2-cffi's `check_needs_rehash` — and always for every other scheme.
///
/// # Errors
/// [`Error::InvalidHash`] if the string does not parse (as [`verify`] would report).
pub fn needs_rehash(phc: &str, policy: &Params) -> Result<bool> {
    needs_rehash_within(phc, policy, &Bounds::DEFAULT)
}

/// [`needs_rehash`] under `bounds`: a plaintext or md5_crypt value that `bounds` allows is
/// reported (`true`) instead of refused.
///
/// # Errors
/// [`Error::InvalidHash`] if the string does not parse, [`Error::InsecureHash`] for an
/// insecure scheme `bounds` does not allow.
pub fn needs_rehash_within(phc: &str, policy: &Params, bounds: &Bounds) -> Result<bool> {
    match identify(phc, bounds)? {
        Scheme::Argon2 => {
            let p = phc::parse(phc)?;
            Ok(p.algorithm != policy.algorithm()
                || p.version != phc::V0X13
                || p.cost() != policy.cost())
        }
        scheme => {
            // Parse only: a stored hash out of bounds still needs a rehash (verify refuses it).
            match check(scheme, phc, bounds) {
                Ok(_) | Err(Error::HashParamsOutOfBounds) => Ok(true),
                Err(e) => Err(e),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn blocks_needed_follows_the_stored_cost_and_bounds() {
        let b = Bounds::default();
        let phc = "$argon2id$v=19$m=1024,t=3,p=2$YXV0aGNvcmUtc2FsdC0xNg$ubxXAzCQwpCEt4lqqlTXmntxhboSwiD8tloeFkRT+00";
        assert_eq!(blocks_needed(phc, &b), Ok(1024));
        let planted = "$argon2id$v=19$m=4194304,t=1,p=1$YXV0aGNvcmUtc2FsdC0xNg$ubxXAzCQwpCEt4lqqlTXmntxhboSwiD8tloeFkRT+00";
        assert_eq!(
            blocks_needed(planted, &b),
            Err(Error::HashParamsOutOfBounds)
        );
        assert_eq!(blocks_needed("plaintext", &b), Err(Error::InvalidHash));
        #[cfg(feature = "bcrypt")]
        assert_eq!(
            blocks_needed(
                "$2b$04$abcdefghijklmnopqrstuuNrzH3BvTJcSjWqYmHwjwDYVZZTB1jgC",
                &b
            ),
            Ok(0)
        );
        #[cfg(not(miri))] // Argon2 with m=1024, t=3 takes minutes under Miri
        {
            let mut memory = std::vec![Block::new(); 1024];
            assert_eq!(
                verify(b"correct horse battery staple", phc, &b, None, &mut memory),
                Ok(())
            );
        }
    }
}
