//! Argon2 hashing parameters: the algorithm's structural limits, the defaults, and the
//! validated set ([`Params`]) that new hashes are made with.
//!
//! The bottom of the password module: it depends on [`super::algorithm`] alone. [`Bounds`]
//! (limits on stored hashes) and the PHC format build on it; the PHC string length of a
//! [`Params`] ([`Params::phc_len`]) is defined with the format, in `phc.rs`.
//!
//! [`Bounds`]: super::Bounds

use super::algorithm::Algorithm;
use crate::{Error, Result};

/// Default memory cost in KiB (OWASP Password Storage Cheat Sheet): see [`Params::DEFAULT`].
pub const DEFAULT_M_COST: u32 = 19_456;
/// Default number of passes (OWASP).
pub const DEFAULT_T_COST: u32 = 2;
/// Default parallelism (OWASP).
pub const DEFAULT_P_COST: u32 = 1;
/// Default hash output length in bytes.
pub const DEFAULT_OUTPUT_LEN: usize = 32;
/// Default salt length in bytes.
pub const DEFAULT_SALT_LEN: usize = 16;

/// Shortest salt accepted anywhere, in bytes (RFC 9106 and the Argon2 reference: 8).
pub const MIN_SALT_LEN: usize = 8;
/// Longest salt accepted anywhere, in bytes.
pub const MAX_SALT_LEN: usize = 64;
/// Shortest hash output [`Params`] will produce, in bytes.
pub const MIN_OUTPUT_LEN: usize = 16;
/// Shortest Argon2 output the algorithm defines (RFC 9106 §3.1: T ≥ 4 bytes).
pub(crate) const ARGON2_MIN_OUTPUT_LEN: usize = 4;
/// Longest hash output accepted anywhere, in bytes (it is computed into a stack buffer).
pub const MAX_OUTPUT_LEN: usize = 64;
/// Largest Argon2 parallelism (`p`) the algorithm defines: 2²⁴ − 1.
pub const MAX_P_COST: u32 = 0x00FF_FFFF;

/// Parameters for new Argon2 hashes.
///
/// Always valid by construction: `t ≥ 1`, `1 ≤ p ≤ 2²⁴−1`, `m ≥ 8·p` KiB, output length in
/// [`MIN_OUTPUT_LEN`]`..=`[`MAX_OUTPUT_LEN`] bytes, salt length in
/// [`MIN_SALT_LEN`]`..=`[`MAX_SALT_LEN`] bytes. New hashes always use Argon2 version 0x13.
///
/// The same struct is the *policy* that [`super::needs_rehash`] compares stored hashes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Params {
    algorithm: Algorithm,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    output_len: u8,
    salt_len: u8,
}

/// Unwraps a `Result<Params>` in a `const` item; an invalid constant fails the build.
#[allow(clippy::panic)] // only evaluated at compile time
const fn const_params(p: Result<Params>) -> Params {
    match p {
        Ok(p) => p,
        Err(_) => panic!("invalid constant Params"),
    }
}

impl Params {
    /// OWASP Password Storage Cheat Sheet: Argon2id, m = 19456 KiB (19 MiB), t = 2, p = 1,
    /// 32-byte output, 16-byte salt. Needs 19456 memory blocks (19 MiB).
    pub const OWASP: Params =
        const_params(Params::new(DEFAULT_M_COST, DEFAULT_T_COST, DEFAULT_P_COST));

    /// The parameters new hashes use unless configured otherwise: [`Params::OWASP`].
    pub const DEFAULT: Params = Params::OWASP;

    /// RFC 9106 §4 second recommended option ("low memory"), also argon2-cffi's and pwdlib's
    /// default: Argon2id, m = 65536 KiB (64 MiB), t = 3, p = 4, 32-byte output, 16-byte salt.
    pub const RFC9106_LOW_MEMORY: Params = const_params(Params::new(65_536, 3, 4));

    /// Argon2id with `m_cost` KiB of memory, `t_cost` passes and `p_cost` lanes, a 32-byte
    /// output and a 16-byte salt.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `t_cost` is 0, `p_cost` is 0 or above [`MAX_P_COST`], or
    /// `m_cost` is below `8 · p_cost`.
    #[allow(clippy::cast_possible_truncation)] // the two defaults are below 256
    pub const fn new(m_cost: u32, t_cost: u32, p_cost: u32) -> Result<Self> {
        if t_cost == 0 || p_cost == 0 || p_cost > MAX_P_COST {
            return Err(Error::InvalidParams);
        }
        match p_cost.checked_mul(8) {
            Some(min_m) if m_cost >= min_m => {}
            _ => return Err(Error::InvalidParams),
        }
        Ok(Params {
            algorithm: Algorithm::Argon2id,
            m_cost,
            t_cost,
            p_cost,
            output_len: DEFAULT_OUTPUT_LEN as u8,
            salt_len: DEFAULT_SALT_LEN as u8,
        })
    }

    /// The same parameters with another Argon2 variant.
    #[must_use]
    pub const fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The same parameters with another output (tag) length in bytes.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] outside [`MIN_OUTPUT_LEN`]`..=`[`MAX_OUTPUT_LEN`].
    #[allow(clippy::cast_possible_truncation)] // bounded by MAX_OUTPUT_LEN just above
    pub const fn with_output_len(mut self, len: usize) -> Result<Self> {
        if len < MIN_OUTPUT_LEN || len > MAX_OUTPUT_LEN {
            return Err(Error::InvalidParams);
        }
        self.output_len = len as u8;
        Ok(self)
    }

    /// The same parameters with another salt length in bytes.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] outside [`MIN_SALT_LEN`]`..=`[`MAX_SALT_LEN`].
    #[allow(clippy::cast_possible_truncation)] // bounded by MAX_SALT_LEN just above
    pub const fn with_salt_len(mut self, len: usize) -> Result<Self> {
        if len < MIN_SALT_LEN || len > MAX_SALT_LEN {
            return Err(Error::InvalidParams);
        }
        self.salt_len = len as u8;
        Ok(self)
    }

    /// The Argon2 variant.
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Memory cost in KiB (= 1 KiB Argon2 blocks).
    pub const fn m_cost(&self) -> u32 {
        self.m_cost
    }

    /// Number of passes over memory.
    pub const fn t_cost(&self) -> u32 {
        self.t_cost
    }

    /// Degree of parallelism (lanes). Lanes are computed one after another in this crate.
    pub const fn p_cost(&self) -> u32 {
        self.p_cost
    }

    /// Hash output length in bytes.
    pub const fn output_len(&self) -> usize {
        self.output_len as usize
    }

    /// Salt length in bytes that [`super::hash`] expects from the caller's RNG.
    pub const fn salt_len(&self) -> usize {
        self.salt_len as usize
    }

    /// Number of [`super::Block`]s (1 KiB each) the caller must provide to hash with these
    /// parameters: `m_cost` rounded down to a multiple of `4 · p_cost`.
    pub const fn blocks_needed(&self) -> usize {
        self.cost().blocks_needed()
    }

    /// The cost-bearing values of hashes made with these parameters.
    pub(crate) const fn cost(&self) -> Argon2Cost {
        Argon2Cost {
            m_cost: self.m_cost,
            t_cost: self.t_cost,
            p_cost: self.p_cost,
            salt_len: self.salt_len(),
            output_len: self.output_len(),
        }
    }
}

impl Default for Params {
    /// [`Params::DEFAULT`].
    fn default() -> Self {
        Params::DEFAULT
    }
}

/// The cost-bearing parameters of an Argon2 hash, new ([`Params::cost`]) or stored (a parsed
/// PHC string): what [`super::Bounds`] checks and the PHC format writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Argon2Cost {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt_len: usize,
    pub output_len: usize,
}

impl Argon2Cost {
    /// Number of [`super::Block`]s Argon2 needs for this cost.
    pub(crate) const fn blocks_needed(&self) -> usize {
        blocks_for(self.m_cost, self.p_cost)
    }
}

/// Argon2 memory in blocks for `m` KiB over `p` lanes (RFC 9106 §3.2 step 4:
/// `m' = 4·p·floor(m / 4p)`, with at least 8 blocks per lane). `p` must be ≥ 1.
const fn blocks_for(m_cost: u32, p_cost: u32) -> usize {
    let m = m_cost as usize;
    let p = p_cost as usize;
    if p == 0 {
        return 0;
    }
    // Saturating and checked so that no overflow (usize is 32 bits on firmware) and no
    // division-by-zero panic path exists, even for a `p` the callers never pass.
    let min = p.saturating_mul(8);
    let m = if m < min { min } else { m };
    match m.checked_rem(p.saturating_mul(4)) {
        Some(rest) => m - rest,
        None => m,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn owasp_constant_matches_cheat_sheet() {
        let p = Params::OWASP;
        assert_eq!(p.algorithm(), Algorithm::Argon2id);
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (19_456, 2, 1));
        assert_eq!((p.output_len(), p.salt_len()), (32, 16));
        assert_eq!(p.blocks_needed(), 19_456);
        assert_eq!(Params::default(), Params::OWASP);
    }

    #[test]
    fn new_rejects_structurally_invalid_costs() {
        assert_eq!(Params::new(64, 0, 1), Err(Error::InvalidParams));
        assert_eq!(Params::new(64, 1, 0), Err(Error::InvalidParams));
        assert_eq!(Params::new(31, 1, 4), Err(Error::InvalidParams));
        assert_eq!(
            Params::new(u32::MAX, 1, MAX_P_COST + 1),
            Err(Error::InvalidParams)
        );
        assert!(Params::new(32, 1, 4).is_ok());
        assert!(Params::new(8, 1, 1).is_ok());
    }

    #[test]
    fn output_and_salt_lengths_are_bounded() {
        let p = Params::new(64, 1, 1).unwrap();
        assert_eq!(p.with_output_len(15), Err(Error::InvalidParams));
        assert_eq!(p.with_output_len(65), Err(Error::InvalidParams));
        assert_eq!(p.with_output_len(64).unwrap().output_len(), 64);
        assert_eq!(p.with_salt_len(7), Err(Error::InvalidParams));
        assert_eq!(p.with_salt_len(65), Err(Error::InvalidParams));
        assert_eq!(p.with_salt_len(8).unwrap().salt_len(), 8);
    }

    #[test]
    fn blocks_needed_follows_rfc_9106_rounding() {
        // m' = 4p * floor(m / 4p)
        assert_eq!(Params::new(70, 1, 1).unwrap().blocks_needed(), 68);
        assert_eq!(Params::new(100, 1, 3).unwrap().blocks_needed(), 96);
        assert_eq!(Params::RFC9106_LOW_MEMORY.blocks_needed(), 65_536);
        // Agrees with the argon2 crate's own count.
        for (m, p) in [(8, 1), (70, 1), (100, 3), (1000, 7), (65_536, 4)] {
            let a = argon2::Params::new(m, 1, p, None).unwrap();
            assert_eq!(blocks_for(m, p), a.block_count(), "m={m} p={p}");
        }
    }
}
