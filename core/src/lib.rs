//! # authcore
//!
//! A `#![no_std]`, allocation-free authentication core: HS256 JWT encode/verify with full claim
//! validation, Argon2id password hashing in PHC strings (plus legacy bcrypt verify), role and
//! OAuth2 scope checks, refresh-token rotation logic and a GCRA rate limiter.
//!
//! The crate never allocates, never panics on input, and contains no `unsafe`. It has no clock
//! and no RNG: callers pass `now` (Unix seconds), salts and ids.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

#[cfg(feature = "authz")]
pub mod authz;
pub mod error;
#[cfg(feature = "jwt")]
pub mod jwt;
#[cfg(feature = "password")]
pub mod password;
#[cfg(feature = "ratelimit")]
pub mod ratelimit;
#[cfg(feature = "session")]
pub mod session;
pub use error::{Claim, Error, Result};
