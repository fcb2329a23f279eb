//! Password hashing (`authcore::password`): Argon2 PHC strings, legacy bcrypt verification,
//! rehash decisions and the policy for new passwords.
//!
//! Argon2's working memory is allocated for each call and zeroed before it is freed, so no
//! password-derived state stays in the module's linear memory. Salts come from the caller
//! (the wrapper fills them from `crypto.getRandomValues`).

use crate::throw;
use alloc::string::String;
use alloc::vec::Vec;
use authcore::password::{self, Algorithm, Block, Bounds, Params, PasswordPolicy};
use authcore::Error;
use wasm_bindgen::prelude::*;

/// Argon2 parameters from the caller's options; an absent option keeps [`Params::OWASP`]'s
/// value (Argon2id, m = 19456 KiB, t = 2, p = 1, 32-byte output, 16-byte salt).
fn params(
    algorithm: Option<String>,
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
    output_len: Option<u32>,
    salt_len: Option<u32>,
) -> Result<Params, Error> {
    let d = Params::OWASP;
    let algorithm = match algorithm.as_deref() {
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

/// Hashes `password` into a PHC string. `salt` holds at least the salt length in random bytes
/// (the first ones are used). Parameters outside the default [`Bounds`] are refused
/// (`hash_params_out_of_bounds`): [`verify_password`] could not check such a hash, and an
/// oversized memory cost would exhaust the module's memory.
#[wasm_bindgen(js_name = hashPassword)]
#[allow(clippy::too_many_arguments)]
pub fn hash_password(
    password: &[u8],
    salt: &[u8],
    pepper: Option<Vec<u8>>,
    algorithm: Option<String>,
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
    output_len: Option<u32>,
    salt_len: Option<u32>,
) -> Result<String, JsValue> {
    let params = params(algorithm, m_cost, t_cost, p_cost, output_len, salt_len)
        .and_then(|p| Bounds::default().check(&p).map(|()| p))
        .map_err(throw)?;
    let salt = salt
        .get(..params.salt_len())
        .ok_or_else(|| throw(Error::InvalidParams))?;
    let mut out = alloc::vec![0u8; params.phc_len()];
    with_memory(params.blocks_needed(), |memory| {
        password::hash(password, salt, &params, pepper.as_deref(), memory, &mut out)
            .map(String::from)
    })
    .map_err(throw)
}

/// `true` if `password` matches the stored Argon2 or bcrypt hash, `false` if it does not.
/// Malformed hashes and hashes whose cost exceeds the default [`Bounds`] throw.
#[wasm_bindgen(js_name = verifyPassword)]
pub fn verify_password(
    password: &[u8],
    hash: &str,
    pepper: Option<Vec<u8>>,
) -> Result<bool, JsValue> {
    let bounds = Bounds::default();
    let blocks = password::blocks_needed(hash, &bounds).map_err(throw)?;
    match with_memory(blocks, |memory| {
        password::verify(password, hash, &bounds, pepper.as_deref(), memory)
    }) {
        Ok(()) => Ok(true),
        Err(Error::PasswordMismatch) => Ok(false),
        Err(e) => Err(throw(e)),
    }
}

/// `true` if the stored hash was made with other parameters than these (or is bcrypt).
#[wasm_bindgen(js_name = needsRehash)]
pub fn needs_rehash(
    hash: &str,
    algorithm: Option<String>,
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
    output_len: Option<u32>,
    salt_len: Option<u32>,
) -> Result<bool, JsValue> {
    let params = params(algorithm, m_cost, t_cost, p_cost, output_len, salt_len).map_err(throw)?;
    password::needs_rehash(hash, &params).map_err(throw)
}

/// Checks a candidate new password against the policy (defaults: [`PasswordPolicy::DEFAULT`]:
/// at least 8 characters, at most 1024 bytes, common passwords rejected).
#[wasm_bindgen(js_name = checkPassword)]
pub fn check_password(
    password: &str,
    min_len: Option<u32>,
    max_len_bytes: Option<u32>,
    require_classes: Option<u8>,
    reject_common: Option<bool>,
) -> Result<(), JsValue> {
    let d = PasswordPolicy::DEFAULT;
    let size = |v: Option<u32>, default: usize| v.map_or(default, |n| n as usize);
    PasswordPolicy::new(
        size(min_len, d.min_len()),
        size(max_len_bytes, d.max_len_bytes()),
    )
    .and_then(|p| p.with_required_classes(require_classes))
    .map(|p| p.with_reject_common(reject_common.unwrap_or(d.reject_common())))
    .and_then(|p| p.check(password))
    .map_err(throw)
}
