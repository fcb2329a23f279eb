//! # authcore
//!
//! A `#![no_std]`, allocation-free authentication core: HS256 JWT encode/verify with full claim
//! validation, Argon2id password hashing in PHC strings (plus legacy bcrypt verify), role and
//! OAuth2 scope checks, refresh-token rotation logic and a GCRA rate limiter.
//!
//! The crate never allocates, never panics on input, and contains no `unsafe`. It has no clock
//! and no RNG: callers pass `now` (Unix seconds), salts and ids.
//!
//! | Module | Feature | What it holds |
//! |---|---|---|
//! | [`jwt`] | `jwt` | HS256 [`jwt::encode`], [`jwt::verify`], keys and key sets, [`jwt::Validation`] |
//! | [`password`] | `password`, `bcrypt` | Argon2id hash/verify in PHC strings, cost bounds, legacy bcrypt verify |
//! | [`authz`] | `authz` | role hierarchies and OAuth2 scopes |
//! | [`bearer`] | — | the token of an `Authorization: Bearer` header |
//! | [`session`] | `session` | access and refresh tokens, refresh rotation with reuse detection |
//! | [`ratelimit`] | `ratelimit` | a GCRA rate limiter |
//! | [`error`] | — | [`Error`]: every failure, each with a stable [`Error::code`] |
//!
//! # Example
//!
//! A device verifies an access token and requires a scope (the complete program is
//! `examples/firmware_quickstart.rs`):
//!
//! ```
//! # #[cfg(all(feature = "jwt", feature = "authz"))]
//! # fn main() -> authcore::Result<()> {
//! use authcore::{authz, jwt::{self, Key, Validation}};
//!
//! # const DEVICE_SECRET: [u8; 32] = *b"per-device secret, 32 bytes long";
//! # fn rtc_now_unix() -> u64 { 1_900_000_000 }
//! # let mut issued = [0u8; 256];
//! # let n = jwt::encode(&serde_json::json!({"iss": "https://auth.example.com", "aud": "api",
//! #     "scope": "telemetry:write", "exp": rtc_now_unix() + 60}),
//! #     &Key::new(&DEVICE_SECRET)?, &mut issued)?;
//! # let incoming = issued.get(..n).unwrap_or_default();
//! let key = Key::new(&DEVICE_SECRET)?; // ≥ 32 bytes, else Error::WeakKey
//! let rules = Validation::new().issuer(&["https://auth.example.com"]).audience(&["api"]);
//! let mut buf = [0u8; 512]; // ≥ 3/4 of the longest token accepted
//! let token = jwt::verify(incoming, &key, &rules, rtc_now_unix(), &mut buf)?;
//! let scope = token.claims.scope.and_then(|s| s.as_plain_str()).unwrap_or("");
//! authz::require_scopes(scope, &["telemetry:write"])?; // Err(e): e.code() == "missing_scope"
//! # Ok(())
//! # }
//! # #[cfg(not(all(feature = "jwt", feature = "authz")))]
//! # fn main() {}
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

#[cfg(feature = "authz")]
pub mod authz;
pub mod bearer;
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
