//! Differential, EdDSA: our `jwt::verify` with an Ed25519 public key against the `jsonwebtoken`
//! crate's EdDSA (`rust_crypto`: ed25519-dalek 2), on the same token at the same wall-clock
//! second. Inputs as for `differential`; in signed mode the token is signed by ed25519-dalek 2
//! with the vectors' `ed1` key. The same validation and the same documented differences as
//! `differential` (see its doc), plus one: a header `alg` of `Ed25519` (RFC 9864, which jose
//! accepts) we accept and jsonwebtoken refuses. Signature checks must agree: jsonwebtoken uses
//! ed25519-dalek's `verify` (S < L required), we use `verify_strict` (also no small-order `R`
//! or key), so a difference there could only come from a crafted small-order `R`, which a
//! fuzzer cannot produce with a valid signature for our fixed key.
#![no_main]

include!("differential_common.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data, true));
