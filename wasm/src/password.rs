//! Password hashing (`authcore::password`): Argon2 PHC strings, legacy bcrypt verification,
//! rehash decisions and the policy for new passwords.
//!
//! Argon2's working memory is allocated for each call and zeroed before it is freed, so no
//! password-derived state stays in the module's linear memory. Salts come from the caller
//! (the wrapper fills them from `crypto.getRandomValues`).

use crate::{finish, Io};
use authcore::password::{self, Algorithm, Block, Bounds, Params, PasswordPolicy};
use authcore::Error;
use wasm_bindgen::prelude::*;

/// Argon2 parameters from the caller's options; an absent option keeps [`Params::OWASP`]'s
/// value (Argon2id, m = 19456 KiB, t = 2, p = 1, 32-byte output, 16-byte salt).
fn params(
    algorithm: Option<&str>,
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
    output_len: Option<u32>,
    salt_len: Option<u32>,
) -> Result<Params, Error> {
    let d = Params::OWASP;
    let algorithm = match algorithm {
        None | Some("argon2id") => Algorithm::Argon2id,
        Some("argon2i") => Algorithm::Argon2i,
        Some("argon2d") => Algorithm::Argon2d,
        Some(_) => return Err(Error::InvalidParams),
    };
    let len = |v: Option<u32>, default: usize| v.map_or(default, |n| n as usize);
    Params::new(
        m_cost.unwrap_or(d.m_cost()),
        t_cost.unwrap_or(d.t_cost()),
        p_cost.unwrap_or(d.p_cost()),
    )?
    .with_algorithm(algorithm)
    .with_output_len(len(output_len, d.output_len()))?
    .with_salt_len(len(salt_len, d.salt_len()))
}

/// Runs `f` over `blocks` zeroed Argon2 blocks and zeroes them again afterwards.
fn with_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    let mut memory = alloc::vec![Block::new(); blocks];
    let r = f(&mut memory);
    memory.fill(Block::new());
    r
}

/// Bytes of the leading secret fields (password, pepper) to zero after a call.
fn secret_len(password_len: usize, pepper_len: i32) -> usize {
    password_len.saturating_add(usize::try_from(pepper_len).unwrap_or(0))
}

/// Hashes the input password (`password_len` bytes) into a PHC string written to the output;
/// returns its length. Then come the optional pepper (`pepper_len < 0`: none), the salt
/// (`salt_len` random bytes, at least the salt length; the first ones are used) and the
/// optional algorithm name. Parameters outside the default [`Bounds`] are refused
/// (`hash_params_out_of_bounds`): [`verify_password`] could not check such a hash, and an
/// oversized memory cost would exhaust the module's memory.
#[wasm_bindgen(js_name = hashPassword)]
#[allow(clippy::too_many_arguments)]
pub fn hash_password(
    io: &mut Io,
    password_len: usize,
    pepper_len: i32,
    salt_len: usize,
    algorithm_len: i32,
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
    output_len: Option<u32>,
    salt_bytes: Option<u32>,
) -> i32 {
    let (mut f, out) = io.fields();
    let r = (|| {
        let pw = f.bytes(password_len)?;
        let pepper = f.opt_bytes(pepper_len)?;
        let salt = f.bytes(salt_len)?;
        let algorithm = f.opt_text(algorithm_len)?;
        let params = params(algorithm, m_cost, t_cost, p_cost, output_len, salt_bytes)?;
        Bounds::default().check(&params)?;
        let salt = salt.get(..params.salt_len()).ok_or(Error::InvalidParams)?;
        out.resize(params.phc_len(), 0);
        with_memory(params.blocks_needed(), |memory| {
            password::hash(pw, salt, &params, pepper, memory, out).map(str::len)
        })
    })();
    io.wipe_input(secret_len(password_len, pepper_len).saturating_add(salt_len));
    finish(io, r)
}

/// 1 if the input password (`password_len` bytes) matches the input hash (`hash_len` bytes,
/// Argon2 or bcrypt), 0 if it does not; the optional pepper comes between them. Malformed
/// hashes and hashes whose cost exceeds the default [`Bounds`] are errors.
#[wasm_bindgen(js_name = verifyPassword)]
pub fn verify_password(io: &mut Io, password_len: usize, pepper_len: i32, hash_len: usize) -> i32 {
    let (mut f, _) = io.fields();
    let r = (|| {
        let pw = f.bytes(password_len)?;
        let pepper = f.opt_bytes(pepper_len)?;
        let hash = f.text(hash_len, Error::InvalidHash)?;
        let bounds = Bounds::default();
        let blocks = password::blocks_needed(hash, &bounds)?;
        match with_memory(blocks, |memory| {
            password::verify(pw, hash, &bounds, pepper, memory)
        }) {
            Ok(()) => Ok(1),
            Err(Error::PasswordMismatch) => Ok(0),
            Err(e) => Err(e),
        }
    })();
    io.wipe_input(secret_len(password_len, pepper_len));
    finish(io, r)
}

/// 1 if the input hash (`hash_len` bytes) was made with other parameters than these (or is
/// bcrypt), else 0; the optional algorithm name follows the hash.
#[wasm_bindgen(js_name = needsRehash)]
#[allow(clippy::too_many_arguments)]
pub fn needs_rehash(
    io: &mut Io,
    hash_len: usize,
    algorithm_len: i32,
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
    output_len: Option<u32>,
    salt_len: Option<u32>,
) -> i32 {
    let (mut f, _) = io.fields();
    let r = (|| {
        let hash = f.text(hash_len, Error::InvalidHash)?;
        let algorithm = f.opt_text(algorithm_len)?;
        let params = params(algorithm, m_cost, t_cost, p_cost, output_len, salt_len)?;
        password::needs_rehash(hash, &params).map(usize::from)
    })();
    finish(io, r)
}

/// Checks the input password (`password_len` bytes of text) against the policy (defaults:
/// [`PasswordPolicy::DEFAULT`]: at least 8 characters, at most 1024 bytes, common passwords
/// rejected); 0 if it passes.
#[wasm_bindgen(js_name = checkPassword)]
pub fn check_password(
    io: &mut Io,
    password_len: usize,
    min_len: Option<u32>,
    max_len_bytes: Option<u32>,
    require_classes: Option<u8>,
    reject_common: Option<bool>,
) -> i32 {
    let (mut f, _) = io.fields();
    let r = f.text(password_len, Error::InvalidParams).and_then(|pw| {
        let d = PasswordPolicy::DEFAULT;
        let size = |v: Option<u32>, default: usize| v.map_or(default, |n| n as usize);
        PasswordPolicy::new(
            size(min_len, d.min_len()),
            size(max_len_bytes, d.max_len_bytes()),
        )
        .and_then(|p| p.with_required_classes(require_classes))
        .map(|p| p.with_reject_common(reject_common.unwrap_or(d.reject_common())))
        .and_then(|p| p.check(pw))
        .map(|()| 0)
    });
    io.wipe_input(password_len);
    finish(io, r)
}
