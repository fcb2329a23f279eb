//! EdDSA on curve Ed25519 (RFC 8032, in JOSE by RFC 8037), declared once: its JWS names and
//! its signature lengths, and the strict verification rule every door gets.
//!
//! # `EdDSA` and `Ed25519`
//! Tokens are signed with `alg` `EdDSA`: the name PyJWT, jose and jsonwebtoken all
//! interoperate on. RFC 9864 deprecates the polymorphic `EdDSA` in favour of the
//! fully-specified `Ed25519`; jose (6.x, `lib/jws_algorithms.js`) registers both names with the
//! same Ed25519 operation, so a jose verifier given an Ed25519 key accepts either. We do the
//! same: a header `alg` of `Ed25519` verifies with an Ed25519 key exactly as `EdDSA` does (a key
//! fixes its algorithm, so the name cannot select anything else); case variants (`eddsa`,
//! `ED25519`) are refused like any unknown name. We keep signing with `EdDSA` until PyJWT and
//! jsonwebtoken read `Ed25519`.
//!
//! # Strict verification
//! Verification is `ed25519-dalek`'s `verify_strict`: a signature is exactly [`SIG_LEN`] bytes,
//! `S < L` (no malleable scalar), `R` is neither a small-order point nor non-canonically
//! encoded (the recomputed `R` is compared byte for byte), and the public key is not of small
//! order. Public keys are also checked when they are loaded ([`crate::jwt::Ed25519PublicKey`]):
//! small-order and non-canonical encodings (y ≥ p, or x = 0 with the sign bit set) are refused
//! there with `invalid_key`, so a key set never holds one.

use crate::jwt::b64;

/// The JWS `alg` name this crate writes (RFC 8037 §3.1).
pub const NAME: &str = "EdDSA";

/// The fully-specified name of RFC 9864 §2.2, accepted on verification as [`NAME`].
pub const FULLY_SPECIFIED_NAME: &str = "Ed25519";

/// Length of an Ed25519 signature in bytes (`R ‖ S`).
pub const SIG_LEN: usize = ed25519_dalek::SIGNATURE_LENGTH;

/// Length of an Ed25519 signature segment in unpadded base64url.
pub const SIG_B64_LEN: usize = b64::encoded_len(SIG_LEN);

/// `{"alg":"EdDSA"`: how every EdDSA header this crate writes begins.
pub(crate) const HEADER_START: [u8; 9 + NAME.len()] =
    super::concat(b"{\"alg\":\"", NAME.as_bytes());

/// Verifies an Ed25519 signature with the strict rules above. `false` for a signature that is
/// not exactly [`SIG_LEN`] bytes.
pub(crate) fn verify(key: &ed25519_dalek::VerifyingKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(bytes) = <&[u8; SIG_LEN]>::try_from(sig) else {
        return false;
    };
    let sig = ed25519_dalek::Signature::from_bytes(bytes);
    key.verify_strict(msg, &sig).is_ok()
}

/// Signs `msg` (deterministic, RFC 8032 §5.1.6).
pub(crate) fn sign(key: &ed25519_dalek::SigningKey, msg: &[u8]) -> [u8; SIG_LEN] {
    use ed25519_dalek::Signer;
    key.sign(msg).to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_header_start() {
        assert_eq!((SIG_LEN, SIG_B64_LEN), (64, 86));
        assert_eq!(&HEADER_START, br#"{"alg":"EdDSA""#);
    }
}
