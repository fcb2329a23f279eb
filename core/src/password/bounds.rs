//! Limits on the parameters of *stored* hashes that [`super::verify`] will work on.
//!
//! A stored hash names its own cost. Whoever can write one (a database row, an import, a
//! compromised admin account) can otherwise make each login cost gigabytes of memory or hours
//! of CPU. `verify` therefore checks every parameter against [`Bounds`] after parsing and
//! **before** it touches memory or starts hashing, and fails with
//! [`Error::HashParamsOutOfBounds`].

use core::ops::RangeInclusive;

use super::params::{
    Argon2Cost, Params, ARGON2_MIN_OUTPUT_LEN, MAX_OUTPUT_LEN, MAX_P_COST, MAX_SALT_LEN,
    MIN_OUTPUT_LEN, MIN_SALT_LEN,
};
use crate::{Error, Result};

/// Default largest Argon2 memory cost of a stored hash, in KiB (256 MiB).
pub const DEFAULT_MAX_M_COST: u32 = 256 * 1024;
/// Default largest Argon2 number of passes of a stored hash.
pub const DEFAULT_MAX_T_COST: u32 = 10;
/// Default largest Argon2 parallelism of a stored hash.
pub const DEFAULT_MAX_P_COST: u32 = 16;
/// Default largest bcrypt cost of a stored hash (2^14 rounds, about a second).
pub const DEFAULT_MAX_BCRYPT_COST: u32 = 14;

/// Default largest PBKDF2 iteration count of a stored hash: Django 5.2 writes 1 000 000,
/// Django 6.0 1 200 000, passlib 29 000 (sha256), 25 000 (sha512), 131 000 (sha1).
pub const DEFAULT_MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;
/// Default largest sha256_crypt/sha512_crypt `rounds=` of a stored hash (passlib writes
/// 535 000 and 656 000; glibc's implicit default is 5 000).
pub const DEFAULT_MAX_SHA_CRYPT_ROUNDS: u32 = 1_000_000;
/// Default longest password sha-crypt (and md5_crypt) will hash: their cost grows with
/// rounds × password length (and the password length squared), so the password a login sends
/// is bounded too, before any work.
pub const DEFAULT_MAX_SHA_CRYPT_PASSWORD_LEN: usize = 256;

/// sha-crypt's `rounds=` range (glibc clamps outside it; passlib never writes outside it).
#[cfg(feature = "legacy")]
pub(crate) const SHA_CRYPT_ROUNDS: RangeInclusive<u32> = 1_000..=999_999_999;

/// What bcrypt does with a password longer than the 72 bytes it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BcryptLongPassword {
    /// Verify on the first 72 bytes, as OpenBSD, PHP, passlib 1.7 and bcrypt < 5 did when
    /// they made the hash (the default: users with long passwords are not locked out).
    #[default]
    Truncate,
    /// Refuse with [`Error::PasswordTooLong`] before any work, as Python bcrypt 5 does (and
    /// passlib's `truncate_error=True`).
    Refuse,
}

/// bcrypt's cost range as defined by OpenBSD `bcrypt(3)`.
const BCRYPT_COST: RangeInclusive<u32> = 4..=31;

/// Inclusive ranges a stored hash's parameters must fall in for [`super::verify`] to run it.
///
/// Defaults ([`Bounds::DEFAULT`]) suit a server: Argon2 `m` 8 KiB ..= 256 MiB, `t` 1..=10,
/// `p` 1..=16, salt 8..=64 bytes, output 16..=64 bytes, bcrypt cost 4..=14. The worst case a
/// stored Argon2 hash can ask for is therefore [`Bounds::max_blocks`] blocks of memory; size the
/// verifier's memory for that, or lower the bounds to what your own [`Params`] use.
///
/// Lower bounds reject hashes too weak to trust; the defaults accept everything the algorithms
/// allow (weak-but-valid hashes should be verified and then upgraded via
/// [`super::needs_rehash`], not locked out).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bounds {
    m_cost: RangeInclusive<u32>,
    t_cost: RangeInclusive<u32>,
    p_cost: RangeInclusive<u32>,
    salt_len: RangeInclusive<usize>,
    output_len: RangeInclusive<usize>,
    bcrypt_cost: RangeInclusive<u32>,
    bcrypt_long_password: BcryptLongPassword,
    pbkdf2_iterations: RangeInclusive<u32>,
    sha_crypt_rounds: RangeInclusive<u32>,
    sha_crypt_password_len: usize,
    allow_md5_crypt: bool,
    allow_plaintext: bool,
}

/// `min..=max` if `floor ≤ min ≤ max ≤ ceil`.
const fn range_u32(min: u32, max: u32, floor: u32, ceil: u32) -> Result<RangeInclusive<u32>> {
    if floor <= min && min <= max && max <= ceil {
        Ok(min..=max)
    } else {
        Err(Error::InvalidParams)
    }
}

/// `min..=max` if `floor ≤ min ≤ max ≤ ceil`.
const fn range_usize(
    min: usize,
    max: usize,
    floor: usize,
    ceil: usize,
) -> Result<RangeInclusive<usize>> {
    if floor <= min && min <= max && max <= ceil {
        Ok(min..=max)
    } else {
        Err(Error::InvalidParams)
    }
}

impl Bounds {
    /// Server defaults: see the type's documentation.
    pub const DEFAULT: Bounds = Bounds {
        m_cost: 8..=DEFAULT_MAX_M_COST,
        t_cost: 1..=DEFAULT_MAX_T_COST,
        p_cost: 1..=DEFAULT_MAX_P_COST,
        salt_len: MIN_SALT_LEN..=MAX_SALT_LEN,
        output_len: MIN_OUTPUT_LEN..=MAX_OUTPUT_LEN,
        bcrypt_cost: *BCRYPT_COST.start()..=DEFAULT_MAX_BCRYPT_COST,
        bcrypt_long_password: BcryptLongPassword::Truncate,
        pbkdf2_iterations: 1..=DEFAULT_MAX_PBKDF2_ITERATIONS,
        sha_crypt_rounds: 1_000..=DEFAULT_MAX_SHA_CRYPT_ROUNDS,
        sha_crypt_password_len: DEFAULT_MAX_SHA_CRYPT_PASSWORD_LEN,
        allow_md5_crypt: false,
        allow_plaintext: false,
    };

    /// Argon2 memory cost range in KiB.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `8 ≤ min ≤ max`.
    pub fn with_m_cost(mut self, min: u32, max: u32) -> Result<Self> {
        self.m_cost = range_u32(min, max, 8, u32::MAX)?;
        Ok(self)
    }

    /// Argon2 pass count range.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `1 ≤ min ≤ max`.
    pub fn with_t_cost(mut self, min: u32, max: u32) -> Result<Self> {
        self.t_cost = range_u32(min, max, 1, u32::MAX)?;
        Ok(self)
    }

    /// Argon2 parallelism range.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `1 ≤ min ≤ max ≤ 2²⁴−1`.
    pub fn with_p_cost(mut self, min: u32, max: u32) -> Result<Self> {
        self.p_cost = range_u32(min, max, 1, MAX_P_COST)?;
        Ok(self)
    }

    /// Argon2 salt length range in bytes.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `8 ≤ min ≤ max ≤ 64`.
    pub fn with_salt_len(mut self, min: usize, max: usize) -> Result<Self> {
        self.salt_len = range_usize(min, max, MIN_SALT_LEN, MAX_SALT_LEN)?;
        Ok(self)
    }

    /// Argon2 output length range in bytes.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `4 ≤ min ≤ max ≤ 64`.
    pub fn with_output_len(mut self, min: usize, max: usize) -> Result<Self> {
        self.output_len = range_usize(min, max, ARGON2_MIN_OUTPUT_LEN, MAX_OUTPUT_LEN)?;
        Ok(self)
    }

    /// bcrypt cost range (log₂ of the rounds). Each step doubles the work: cost 14 is about a
    /// second on a server core, cost 31 would be days.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `4 ≤ min ≤ max ≤ 31`.
    pub fn with_bcrypt_cost(mut self, min: u32, max: u32) -> Result<Self> {
        self.bcrypt_cost = range_u32(min, max, *BCRYPT_COST.start(), *BCRYPT_COST.end())?;
        Ok(self)
    }

    /// What bcrypt (and bcrypt_sha256, whose key is always 44 bytes) does with a password
    /// longer than 72 bytes.
    pub fn with_bcrypt_long_password(mut self, rule: BcryptLongPassword) -> Self {
        self.bcrypt_long_password = rule;
        self
    }

    /// PBKDF2 iteration range (passlib's `pbkdf2_*`, Django's `pbkdf2_*`).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `1 ≤ min ≤ max`.
    pub fn with_pbkdf2_iterations(mut self, min: u32, max: u32) -> Result<Self> {
        self.pbkdf2_iterations = range_u32(min, max, 1, u32::MAX)?;
        Ok(self)
    }

    /// sha256_crypt/sha512_crypt `rounds=` range.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `1000 ≤ min ≤ max ≤ 999 999 999`.
    pub fn with_sha_crypt_rounds(mut self, min: u32, max: u32) -> Result<Self> {
        self.sha_crypt_rounds = range_u32(min, max, 1_000, 999_999_999)?;
        Ok(self)
    }

    /// Longest password sha-crypt and md5_crypt will hash (longer is
    /// [`Error::PasswordTooLong`], before any work).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `1 ≤ max ≤ 4096` (passlib's own password limit).
    pub fn with_sha_crypt_password_len(mut self, max: usize) -> Result<Self> {
        self.sha_crypt_password_len = *range_usize(1, max, 1, 4096)?.end();
        Ok(self)
    }

    /// Accept md5_crypt (`$1$`) and plaintext stored values, so a service can move their users
    /// to Argon2id at the next login. Off by default ([`Error::InsecureHash`]). With
    /// `plaintext`, every string that no other scheme claims is compared (constant-time) with
    /// the password, as passlib's `plaintext` scheme does: enable it only for a migration.
    /// des_crypt is never verified (no maintained no_std implementation of its salted DES).
    pub fn with_insecure(mut self, md5_crypt: bool, plaintext: bool) -> Self {
        self.allow_md5_crypt = md5_crypt;
        self.allow_plaintext = plaintext;
        self
    }

    /// Accepted Argon2 memory costs (KiB).
    pub fn m_cost(&self) -> RangeInclusive<u32> {
        self.m_cost.clone()
    }

    /// Accepted Argon2 pass counts.
    pub fn t_cost(&self) -> RangeInclusive<u32> {
        self.t_cost.clone()
    }

    /// Accepted Argon2 parallelism.
    pub fn p_cost(&self) -> RangeInclusive<u32> {
        self.p_cost.clone()
    }

    /// Accepted Argon2 salt lengths (bytes).
    pub fn salt_len(&self) -> RangeInclusive<usize> {
        self.salt_len.clone()
    }

    /// Accepted Argon2 output lengths (bytes).
    pub fn output_len(&self) -> RangeInclusive<usize> {
        self.output_len.clone()
    }

    /// Accepted bcrypt costs.
    pub fn bcrypt_cost(&self) -> RangeInclusive<u32> {
        self.bcrypt_cost.clone()
    }

    /// What bcrypt does with passwords over 72 bytes.
    pub fn bcrypt_long_password(&self) -> BcryptLongPassword {
        self.bcrypt_long_password
    }

    /// Accepted PBKDF2 iteration counts.
    pub fn pbkdf2_iterations(&self) -> RangeInclusive<u32> {
        self.pbkdf2_iterations.clone()
    }

    /// Accepted sha-crypt rounds.
    pub fn sha_crypt_rounds(&self) -> RangeInclusive<u32> {
        self.sha_crypt_rounds.clone()
    }

    /// Longest password sha-crypt and md5_crypt hash.
    pub fn sha_crypt_password_len(&self) -> usize {
        self.sha_crypt_password_len
    }

    /// Whether md5_crypt hashes are verified.
    pub fn allows_md5_crypt(&self) -> bool {
        self.allow_md5_crypt
    }

    /// Whether plaintext stored values are compared.
    pub fn allows_plaintext(&self) -> bool {
        self.allow_plaintext
    }

    /// The most [`super::Block`]s any hash within these bounds needs: memory sized to this
    /// never yields [`Error::InsufficientMemory`].
    pub fn max_blocks(&self) -> usize {
        // A valid hash has m ≥ 8p, so its block count never exceeds m.
        *self.m_cost.end() as usize
    }

    /// Checks that hashes made with `params` fall within these bounds — a configuration
    /// sanity check: a server whose own policy is out of bounds could not verify its own hashes.
    ///
    /// # Errors
    /// [`Error::HashParamsOutOfBounds`].
    pub fn check(&self, params: &Params) -> Result<()> {
        self.check_argon2(&params.cost())
    }

    pub(crate) fn check_argon2(&self, c: &Argon2Cost) -> Result<()> {
        let ok = self.m_cost.contains(&c.m_cost)
            && self.t_cost.contains(&c.t_cost)
            && self.p_cost.contains(&c.p_cost)
            && self.salt_len.contains(&c.salt_len)
            && self.output_len.contains(&c.output_len);
        if ok {
            Ok(())
        } else {
            Err(Error::HashParamsOutOfBounds)
        }
    }

    #[cfg(feature = "bcrypt")]
    pub(crate) fn check_bcrypt(&self, cost: u32) -> Result<()> {
        if self.bcrypt_cost.contains(&cost) {
            Ok(())
        } else {
            Err(Error::HashParamsOutOfBounds)
        }
    }
}

#[cfg(feature = "bcrypt")]
impl Bounds {
    /// The bcrypt long-password rule, applied before any work.
    pub(crate) fn check_bcrypt_password(&self, password: &[u8]) -> Result<()> {
        if self.bcrypt_long_password == BcryptLongPassword::Refuse && password.len() > 72 {
            Err(Error::PasswordTooLong)
        } else {
            Ok(())
        }
    }
}

#[cfg(feature = "legacy")]
impl Bounds {
    pub(crate) fn check_pbkdf2(&self, iterations: u32) -> Result<()> {
        within(&self.pbkdf2_iterations, iterations)
    }

    /// sha-crypt's rounds and the password length, before any work.
    pub(crate) fn check_sha_crypt(&self, rounds: u32, password: &[u8]) -> Result<()> {
        within(&self.sha_crypt_rounds, rounds)?;
        self.check_crypt_password(password)
    }

    /// The password length bound of sha-crypt and md5_crypt.
    pub(crate) fn check_crypt_password(&self, password: &[u8]) -> Result<()> {
        if password.len() > self.sha_crypt_password_len {
            Err(Error::PasswordTooLong)
        } else {
            Ok(())
        }
    }
}

#[cfg(feature = "legacy")]
fn within(range: &RangeInclusive<u32>, v: u32) -> Result<()> {
    if range.contains(&v) {
        Ok(())
    } else {
        Err(Error::HashParamsOutOfBounds)
    }
}

impl Default for Bounds {
    /// [`Bounds::DEFAULT`].
    fn default() -> Self {
        Bounds::DEFAULT
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn defaults_admit_owasp_and_rfc_params() {
        let b = Bounds::default();
        assert_eq!(b.check(&Params::OWASP), Ok(()));
        assert_eq!(b.check(&Params::RFC9106_LOW_MEMORY), Ok(()));
        assert_eq!(b.max_blocks(), 256 * 1024);
        assert_eq!(b.bcrypt_cost(), 4..=14);
    }

    #[test]
    fn each_parameter_is_checked() {
        let b = Bounds::DEFAULT
            .with_m_cost(64, 1024)
            .and_then(|b| b.with_t_cost(1, 3))
            .and_then(|b| b.with_p_cost(1, 2))
            .and_then(|b| b.with_salt_len(16, 32))
            .and_then(|b| b.with_output_len(32, 32))
            .unwrap();
        let ok = Argon2Cost {
            m_cost: 64,
            t_cost: 1,
            p_cost: 1,
            salt_len: 16,
            output_len: 32,
        };
        assert_eq!(b.check_argon2(&ok), Ok(()));
        let out = Err(Error::HashParamsOutOfBounds);
        for bad in [
            Argon2Cost { m_cost: 1025, ..ok },
            Argon2Cost { m_cost: 63, ..ok },
            Argon2Cost { t_cost: 4, ..ok },
            Argon2Cost { p_cost: 3, ..ok },
            Argon2Cost { salt_len: 8, ..ok },
            Argon2Cost { salt_len: 33, ..ok },
            Argon2Cost {
                output_len: 31,
                ..ok
            },
            Argon2Cost {
                output_len: 33,
                ..ok
            },
        ] {
            assert_eq!(b.check_argon2(&bad), out, "{bad:?}");
        }
    }

    #[test]
    fn setters_reject_inverted_or_impossible_ranges() {
        let b = Bounds::DEFAULT;
        assert_eq!(b.clone().with_m_cost(100, 99), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_m_cost(4, 99), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_t_cost(0, 3), Err(Error::InvalidParams));
        assert_eq!(
            b.clone().with_p_cost(1, MAX_P_COST + 1),
            Err(Error::InvalidParams)
        );
        assert_eq!(b.clone().with_salt_len(4, 16), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_salt_len(16, 65), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_output_len(3, 32), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_output_len(16, 65), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_bcrypt_cost(3, 10), Err(Error::InvalidParams));
        assert_eq!(b.clone().with_bcrypt_cost(4, 32), Err(Error::InvalidParams));
        assert_eq!(b.with_bcrypt_cost(10, 12).unwrap().bcrypt_cost(), 10..=12);
    }
}
