//! wasm-bindgen exports of `authcore` for JavaScript.
//!
//! This layer only converts: JavaScript strings and byte arrays in, strings out, and every
//! `authcore::Error` out as a thrown string `"code|message"` (or `"code|message|claim"`) that
//! the package's JavaScript wrapper turns into an `AuthError`. All checks live in the core.
//! Numbers cross as `f64` (JavaScript numbers); the wrapper has already checked that they are
//! non-negative safe integers, and `as` conversions saturate, so nothing here can panic.
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

mod authz;
mod jwt;
#[cfg(feature = "password")]
mod password;

use alloc::string::String;
use authcore::{Claim, Error};
use wasm_bindgen::prelude::*;

/// The thrown value for a core error: `code|message[|claim]`. A caller-required custom claim
/// is named by its index as `#` and three digits (the wrapper maps it back to the name it
/// passed).
pub(crate) fn throw(e: Error) -> JsValue {
    let mut s = String::with_capacity(72);
    for part in [e.code(), "|", e.message()] {
        s.push_str(part);
    }
    match e.claim() {
        Some(Claim::Required(i)) => {
            s.push_str("|#");
            let digits = [i / 100, i / 10 % 10, i % 10].map(|d| b'0' + d);
            s.push_str(core::str::from_utf8(&digits).unwrap_or_default());
        }
        Some(c) => {
            s.push('|');
            s.push_str(c.name().unwrap_or_default());
        }
        None => {}
    }
    JsValue::from_str(&s)
}

/// Every error code the core defines, in declaration order, separated by spaces.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> String {
    // A plain loop: `join` brings its own copy routine (+158 B of wasm).
    let mut s = String::new();
    for code in Error::ALL_CODES {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(code);
    }
    s
}

/// Whether this module was built with password hashing.
#[wasm_bindgen(js_name = hasPasswords)]
pub fn has_passwords() -> bool {
    cfg!(feature = "password")
}
