//! wasm-bindgen exports of `authcore` for JavaScript.
//!
//! This layer only converts; every check lives in the core. Its calling convention is built
//! for a small module, with numbers as the only values that cross the boundary:
//!
//! - each export declares its inputs once, with [`io::inputs!`] (named fields of declared
//!   kinds); the module hands every declaration to the JavaScript wrapper ([`tables`]), which
//!   writes a call's inputs by name into [`Io`]'s input buffer (`Io::buffer` makes room and
//!   returns its address);
//! - a call returns a non-negative number (a length, a count or a boolean) or a negative error
//!   number (see [`fail`]; its base is handed over with the declarations); text output (a
//!   payload, a token, a hash) goes to `Io`'s output buffer (`Io::buffer` also returns its
//!   address) and the returned number is its length.
//!
//! The package's JavaScript wrapper encodes and decodes the bytes and turns error numbers into
//! `AuthError`s carrying the core's codes. Nothing here can panic.
#![cfg_attr(target_family = "wasm", no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOC: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Nothing in this crate or the core panics on input; should a bug panic anyway, the module
/// traps (a `RuntimeError` in JavaScript) without carrying formatting code for messages.
#[cfg(target_family = "wasm")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(feature = "authz")]
mod authz;
mod io;
mod jwt;
#[cfg(feature = "password")]
mod password;

pub use io::Io;

use authcore::{Claim, Error};
use wasm_bindgen::prelude::*;

/// The base of an error number's two digits (error index, claim number); both stay below it.
const BASE: usize = 64;

/// The error number for `e`: `-(1 + index + 64 * claim)`, where `index` is the error's position
/// in [`Error::ALL_CODES`] and `claim` is 0 (none), `1 + i` for the caller's `i`-th required
/// claim, or `64 + n` for a registered claim whose `n`-byte name this writes to the output.
pub(crate) fn fail(io: &mut Io, e: Error) -> i32 {
    let claim = match e.claim() {
        None => 0,
        Some(Claim::Required(i)) => 1 + usize::from(i).min(BASE - 2),
        Some(c) => {
            let name = c.name().unwrap_or_default();
            io.set_output(name.as_bytes());
            BASE + name.len()
        }
    };
    let n = 1 + e.index() + BASE * claim;
    -i32::try_from(n).unwrap_or(i32::MAX)
}

/// The result of a call: `Ok(n)` as `n`, an error as its error number.
pub(crate) fn finish(io: &mut Io, r: Result<usize, Error>) -> i32 {
    match r {
        Ok(n) => i32::try_from(n).unwrap_or(i32::MAX),
        Err(e) => fail(io, e),
    }
}

/// A table the wrapper reads once. With `which` 0 every error code (space-separated) in
/// [`Error::ALL_CODES`] order, with 1 every message (newline-separated) in that order, with
/// `5 + i` the `i`-th export's declared inputs (see [`io::inputs!`]; empty past the last):
/// written to the output, and the length returned. With 2 the error-number base, with 3 the
/// salt bytes a password hash takes and with 4 the core's default token length limit (the
/// wrapper refuses longer tokens before copying them in): returned themselves.
#[wasm_bindgen]
pub fn tables(io: &mut Io, which: u32) -> usize {
    let text = match which {
        0 => Error::CODES_TEXT,
        1 => Error::MESSAGES_TEXT,
        2 => return BASE,
        3 => return SALT,
        4 => return authcore::jwt::DEFAULT_MAX_TOKEN_LEN,
        n => LAYOUTS
            .get((n as usize).wrapping_sub(5))
            .copied()
            .unwrap_or_default(),
    };
    io.set_output(text.as_bytes());
    text.len()
}

/// The declared inputs of every export in this build.
const LAYOUTS: &[&str] = &[
    <jwt::KeyIn as io::Inputs>::LAYOUT,
    <jwt::SealIn as io::Inputs>::LAYOUT,
    <jwt::VerifyIn as io::Inputs>::LAYOUT,
    <jwt::SignIn as io::Inputs>::LAYOUT,
    <jwt::HeaderIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "eddsa")]
    <jwt::JwkIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "eddsa")]
    <jwt::SeedIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "eddsa")]
    <jwt::JwksIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "eddsa")]
    <jwt::PemIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "eddsa")]
    <jwt::RawIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "authz")]
    <authz::RoleIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "authz")]
    <authz::ScopeIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "password")]
    <password::HashIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "password")]
    <password::VerifyIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "password")]
    <password::RehashIn as io::Inputs>::LAYOUT,
    #[cfg(feature = "password")]
    <password::PolicyIn as io::Inputs>::LAYOUT,
];

/// The salt bytes the wrapper supplies to a hash (the core uses the first `saltLength`).
#[cfg(feature = "password")]
const SALT: usize = authcore::password::MAX_SALT_LEN;
#[cfg(not(feature = "password"))]
const SALT: usize = 0;

/// Whether this module was built with password hashing.
#[wasm_bindgen(js_name = hasPasswords)]
pub fn has_passwords() -> bool {
    cfg!(feature = "password")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error code a declaration names for a wrongly typed value is one of the core's.
    #[test]
    fn declared_error_codes_are_the_cores() {
        for line in LAYOUTS {
            for field in line.split(' ').skip(1) {
                if let Some(code) = field.split(':').nth(2) {
                    assert!(Error::ALL_CODES.contains(&code), "{field}");
                }
            }
        }
    }
}
