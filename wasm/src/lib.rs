//! wasm-bindgen exports of `authcore` for JavaScript.
//!
//! This layer only converts; every check lives in the core. Its calling convention is built
//! for a small module, with numbers as the only values that cross the boundary:
//!
//! - the caller writes a call's text and byte inputs one after another into [`Io`]'s input
//!   buffer (`Io::buffer` makes room and returns its address) and passes their byte lengths;
//! - a call returns a non-negative number (a length, a count or a boolean) or a negative error
//!   number (see [`fail`]); text output (a payload, a token, a hash) goes to `Io`'s output
//!   buffer (`Io::buffer` also returns its address) and the returned number is its length.
//!
//! The package's JavaScript wrapper encodes and decodes the bytes and turns error numbers into
//! `AuthError`s carrying the core's codes. Numbers cross as `f64` where they may exceed 32 bits
//! (the wrapper has checked that they are non-negative safe integers; `as` saturates), so
//! nothing here can panic.
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

/// Writes every error code (space-separated) or, with `messages`, every message
/// (newline-separated), in [`Error::ALL_CODES`] order, to the output; returns the length.
#[wasm_bindgen(js_name = errorTable)]
pub fn error_table(io: &mut Io, messages: bool) -> usize {
    let text = match messages {
        true => Error::MESSAGES_TEXT,
        false => Error::CODES_TEXT,
    };
    io.set_output(text.as_bytes());
    text.len()
}

/// Whether this module was built with password hashing.
#[wasm_bindgen(js_name = hasPasswords)]
pub fn has_passwords() -> bool {
    cfg!(feature = "password")
}
