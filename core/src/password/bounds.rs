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
