//! Argon2 hashing into PHC strings, and verification of Argon2 PHC strings.

use argon2::{Argon2, Block};
use subtle::ConstantTimeEq;

use super::algorithm::Algorithm;
use super::bounds::Bounds;
use super::params::{Argon2Cost, Params, MAX_OUTPUT_LEN, MAX_SALT_LEN};
use super::phc::{self, V0X10, V0X13};
use crate::{Error, Result};

/// Hashes `password` with `params` and writes the PHC string into `out`.
///
/// - `salt` must be exactly [`Params::salt_len`] bytes from a CSPRNG, fresh for every hash.
/// - `pepper`, if given, is Argon2's secret input K (RFC 9106 §3.1): the same pepper is needed
///   to verify, and the PHC string does not record that one was used. An empty pepper is
///   refused (it would silently mean "no pepper").
/// - `memory` must hold at least [`Params::blocks_needed`] blocks; its contents on entry do
///   not matter, and on return it holds password-derived state (clear it before reusing it for
///   anything else).
/// - `out` must hold at least [`Params::phc_len`] bytes; the returned `&str` borrows from it.
///
/// Any password length is hashed in full, including NUL bytes (`"a\0b"` ≠ `"a"`); length
/// rules belong to [`super::policy`].
///
/// All size checks happen before any hashing work.
///
/// # Errors
/// - [`Error::InvalidParams`]: `salt.len() != params.salt_len()`, or `pepper` is `Some(b"")`.
/// - [`Error::InsufficientMemory`]: `memory` is shorter than `params.blocks_needed()`.
/// - [`Error::BufferTooSmall`]: `out` is shorter than `params.phc_len()`.
/// - [`Error::PasswordTooLong`]: the password exceeds Argon2's 2³²−1 byte limit.
pub fn hash<'o>(
    password: &[u8],
    salt: &[u8],
    params: &Params,
    pepper: Option<&[u8]>,
    memory: &mut [Block],
    out: &'o mut [u8],
) -> Result<&'o str> {
    super::check_pepper(pepper)?;
    if salt.len() != params.salt_len() {
        return Err(Error::InvalidParams);
    }
    if memory.len() < params.blocks_needed() {
        return Err(Error::InsufficientMemory);
    }
    if out.len() < params.phc_len() {
        return Err(Error::BufferTooSmall);
    }
    let cost = params.cost();
    let mut tag = [0u8; MAX_OUTPUT_LEN];
    let tag = tag.get_mut(..cost.output_len).ok_or(Error::InvalidParams)?;
    compute(
        params.algorithm(),
        V0X13,
        &cost,
        password,
        salt,
        pepper,
        memory,
        tag,
    )?;
    phc::format(params.algorithm(), &cost, salt, tag, out)
}

/// Verifies `password` against a parsed Argon2 PHC string; see [`super::verify`].
pub(crate) fn verify(
    password: &[u8],
    phc: &phc::Phc<'_>,
    bounds: &Bounds,
    pepper: Option<&[u8]>,
    memory: &mut [Block],
) -> Result<()> {
    let cost = phc.cost();
    bounds.check_argon2(&cost)?;
    if memory.len() < cost.blocks_needed() {
        return Err(Error::InsufficientMemory);
    }
    let mut salt_buf = [0u8; MAX_SALT_LEN];
    let salt = phc::b64_decode(phc.salt_b64, &mut salt_buf)?;
    let mut expected_buf = [0u8; MAX_OUTPUT_LEN];
    let expected = phc::b64_decode(phc.hash_b64, &mut expected_buf)?;
    let mut actual_buf = [0u8; MAX_OUTPUT_LEN];
    let actual = actual_buf
        .get_mut(..expected.len())
        .ok_or(Error::InvalidHash)?;
    compute(
        phc.algorithm,
        phc.version,
        &cost,
        password,
        salt,
        pepper,
        memory,
        actual,
    )?;
    if bool::from(actual.ct_eq(expected)) {
        Ok(())
    } else {
        Err(Error::PasswordMismatch)
    }
}

/// Runs Argon2 into `out` (whose length is the output length).
#[allow(clippy::too_many_arguments)]
fn compute(
    algorithm: Algorithm,
    version: u32,
    cost: &Argon2Cost,
    password: &[u8],
    salt: &[u8],
    pepper: Option<&[u8]>,
    memory: &mut [Block],
    out: &mut [u8],
) -> Result<()> {
    let version = match version {
        V0X13 => argon2::Version::V0x13,
        V0X10 => argon2::Version::V0x10,
        _ => return Err(Error::InvalidHash),
    };
    let params = argon2::Params::new(cost.m_cost, cost.t_cost, cost.p_cost, Some(out.len()))
        .map_err(|_| Error::InvalidParams)?;
    let algorithm = algorithm.to_argon2();
    let ctx = match pepper {
        Some(secret) => Argon2::new_with_secret(secret, algorithm, version, params)
            .map_err(|_| Error::InvalidParams)?,
        None => Argon2::new(algorithm, version, params),
    };
    ctx.hash_password_into_with_memory(password, salt, out, memory)
        .map_err(|e| match e {
            argon2::Error::PwdTooLong => Error::PasswordTooLong,
            argon2::Error::MemoryTooLittle => Error::InsufficientMemory,
            _ => Error::InvalidParams,
        })
}
