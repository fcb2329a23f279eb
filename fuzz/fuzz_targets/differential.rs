//! Differential: our `jwt::verify` against the `jsonwebtoken` crate (HS256 only, same key,
//! same validation: `exp` required, `nbf` checked, no leeway; optionally an issuer, audience
//! and subject), on the same token at the same wall-clock second (jsonwebtoken reads the
//! system clock).
//!
//! Where both define a verdict it must agree, except for the differences listed in
//! `tests/attacks/README.md` ("Stricter than jsonwebtoken"), which are recognised here from the
//! token itself:
//!
//! - we reject, jsonwebtoken accepts: refused or mistyped header parameters (`crit`, `b64`,
//!   `jku`, `jwk`, `x5u`, `x5c`, a `typ` other than JWT/at+jwt, a bad `kid`, duplicates, a
//!   header over 1 KiB); nesting deeper than 32; registered claims of the wrong type (`exp`,
//!   `nbf`, `iat` must be non-negative integers; `iss`, `sub`, `jti`, `typ`, `scope`, `fam`
//!   strings; `aud`, `roles` a string or an array of strings; `null` for any of them);
//!   a member name twice at any depth; `iat` in the future; a `typ: "refresh"` token where no token
//!   type is expected; tokens over the size limit; a payload that is not a JSON object
//!   (jsonwebtoken's derived struct also accepts a JSON array).
//! - we accept, jsonwebtoken rejects: numbers that serde_json cannot represent (`1e400`) in
//!   claims we do not interpret, and header parameters we do not use (`cty`, `x5t`, `enc`,
//!   `zip`, …) when mistyped or duplicated.
//! - timing: `exp`/`nbf`/`iat` within 2 s of the clock (second boundaries; jsonwebtoken also
//!   accepts `exp == now`, RFC 7519 and PyJWT do not) are skipped.
#![no_main]

include!("differential_common.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data, false));
