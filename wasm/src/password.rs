//! Password hashing (`authcore::password`): Argon2 PHC strings, legacy bcrypt verification,
//! rehash decisions and the policy for new passwords.
//!
//! Argon2's working memory is allocated for each call and zeroed before it is freed, so no
//! password-derived state stays in the module's linear memory. Salts come from the caller
//! (the wrapper fills them from `crypto.getRandomValues`).

use crate::io::inputs;
use crate::{finish, Io};
use authcore::password::{
    self, Algorithm, BcryptLongPassword, Block, Bounds, Params, PasswordPolicy,
};
use authcore::Error;
use wasm_bindgen::prelude::*;

inputs! {
    /// [`hash_password`]'s inputs; absent parameters take the core's defaults.
    HashIn = "hashPassword" {
        password: Bytes = "password",
        pepper: OptBytes = "pepper",
        salt: Bytes = "salt",
        algorithm: OptText = "algorithm",
        m_cost: OptNum = "memoryCost",
        t_cost: OptNum = "timeCost",
        p_cost: OptNum = "parallelism",
        output_len: OptNum = "hashLength",
        salt_len: OptNum = "saltLength",
    }
}

inputs! {
    /// [`verify_password`]'s inputs.
    VerifyIn = "verifyPassword" {
        password: Bytes = "password",
        pepper: OptBytes = "pepper",
        hash: Text = "hash" / "invalid_hash",
        bcrypt_truncate: OptFlag = "bcryptTruncate",
        allow_md5_crypt: OptFlag = "allowMd5Crypt",
        allow_plaintext: OptFlag = "allowPlaintext",
    }
}

inputs! {
    /// [`needs_rehash`]'s inputs; absent parameters take the core's defaults.
    RehashIn = "needsRehash" {
        hash: Text = "hash" / "invalid_hash",
        algorithm: OptText = "algorithm",
        m_cost: OptNum = "memoryCost",
        t_cost: OptNum = "timeCost",
        p_cost: OptNum = "parallelism",
        output_len: OptNum = "hashLength",
        salt_len: OptNum = "saltLength",
    }
}

inputs! {
    /// [`check_password`]'s inputs; absent settings take [`PasswordPolicy::DEFAULT`]'s.
    PolicyIn = "checkPassword" {
        password: Text = "password",
        min_len: OptNum = "minLength",
        max_len_bytes: OptNum = "maxBytes",
        require_classes: OptNum = "requireClasses",
        reject_common: OptFlag = "rejectCommon",
    }
}

/// A number that must fit `T` (`InvalidParams` otherwise), or `default` when absent.
fn fit<T: TryFrom<u64>>(v: Option<u64>, default: T) -> Result<T, Error> {
    v.map_or(Ok(default), |n| {
        T::try_from(n).map_err(|_| Error::InvalidParams)
    })
}

/// Argon2 parameters from the caller's options; an absent option keeps the core's default
/// (`password::DEFAULT_*`), an algorithm name is read by the core.
fn params(
    algorithm: Option<&str>,
    [m, t, p, output, salt]: [Option<u64>; 5],
) -> Result<Params, Error> {
    let algorithm = algorithm.map_or(Ok(Algorithm::default()), str::parse)?;
    Params::new(
        fit(m, password::DEFAULT_M_COST)?,
        fit(t, password::DEFAULT_T_COST)?,
        fit(p, password::DEFAULT_P_COST)?,
    )?
    .with_algorithm(algorithm)
    .with_output_len(fit(output, password::DEFAULT_OUTPUT_LEN)?)?
    .with_salt_len(fit(salt, password::DEFAULT_SALT_LEN)?)
}

/// Runs `f` over `blocks` zeroed Argon2 blocks and zeroes them again afterwards.
fn with_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    let mut memory = alloc::vec![Block::new(); blocks];
    let r = f(&mut memory);
    memory.fill(Block::new());
    r
}

/// Hashes [`HashIn`]'s password into a PHC string written to the output; returns its length.
/// The salt input holds at least the salt length of random bytes (the first ones are used).
/// Parameters outside the default [`Bounds`] are refused (`hash_params_out_of_bounds`):
/// [`verify_password`] could not check such a hash, and an oversized memory cost would
/// exhaust the module's memory.
#[wasm_bindgen(js_name = hashPassword)]
pub fn hash_password(io: &mut Io) -> i32 {
    let (i, out) = io.read::<HashIn<'_>>();
    let r = i.and_then(|i| {
        let numbers = [i.m_cost, i.t_cost, i.p_cost, i.output_len, i.salt_len];
        let params = params(i.algorithm, numbers)?;
        Bounds::default().check(&params)?;
        let salt = i
            .salt
            .get(..params.salt_len())
            .ok_or(Error::InvalidParams)?;
        out.resize(params.phc_len(), 0);
        with_memory(params.blocks_needed(), |memory| {
            password::hash(i.password, salt, &params, i.pepper, memory, out).map(str::len)
        })
    });
    io.wipe_input();
    finish(io, r)
}

/// 1 if [`VerifyIn`]'s password matches its hash (Argon2, bcrypt or, in the Node build, a
/// legacy format), 0 if it does not. Malformed hashes and hashes whose cost exceeds the
/// default [`Bounds`] are errors; the flags set the bcrypt 72-byte rule and the insecure
/// schemes (off by default).
#[wasm_bindgen(js_name = verifyPassword)]
pub fn verify_password(io: &mut Io) -> i32 {
    let r = io.read().0.and_then(|i: VerifyIn<'_>| {
        let long = match i.bcrypt_truncate {
            Some(false) => BcryptLongPassword::Refuse,
            _ => BcryptLongPassword::Truncate,
        };
        let bounds = Bounds::default()
            .with_bcrypt_long_password(long)
            .with_insecure(
                i.allow_md5_crypt.unwrap_or(false),
                i.allow_plaintext.unwrap_or(false),
            );
        let blocks = password::blocks_needed(i.hash, &bounds)?;
        match with_memory(blocks, |memory| {
            password::verify(i.password, i.hash, &bounds, i.pepper, memory)
        }) {
            Ok(()) => Ok(1),
            Err(Error::PasswordMismatch) => Ok(0),
            Err(e) => Err(e),
        }
    });
    io.wipe_input();
    finish(io, r)
}

/// 1 if [`RehashIn`]'s hash was made with other parameters than its own (or is bcrypt),
/// else 0.
#[wasm_bindgen(js_name = needsRehash)]
pub fn needs_rehash(io: &mut Io) -> i32 {
    let r = io.read().0.and_then(|i: RehashIn<'_>| {
        let numbers = [i.m_cost, i.t_cost, i.p_cost, i.output_len, i.salt_len];
        let params = params(i.algorithm, numbers)?;
        password::needs_rehash(i.hash, &params).map(usize::from)
    });
    finish(io, r)
}

/// Checks [`PolicyIn`]'s password against its policy (absent settings:
/// [`PasswordPolicy::DEFAULT`]'s); 0 if it passes.
#[wasm_bindgen(js_name = checkPassword)]
pub fn check_password(io: &mut Io) -> i32 {
    let r = io.read().0.and_then(|i: PolicyIn<'_>| {
        let d = PasswordPolicy::DEFAULT;
        let classes = i.require_classes.map(|n| fit(Some(n), 0u8)).transpose()?;
        PasswordPolicy::new(
            fit(i.min_len, d.min_len())?,
            fit(i.max_len_bytes, d.max_len_bytes())?,
        )?
        .with_required_classes(classes)
        .map(|p| p.with_reject_common(i.reject_common.unwrap_or(d.reject_common())))?
        .check(i.password)
        .map(|()| 0)
    });
    io.wipe_input();
    finish(io, r)
}
