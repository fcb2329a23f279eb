//! HS256 (HMAC-SHA-256, RFC 7518 §3.2), declared once: its JWS name and its signature
//! lengths, raw and base64url (jwt-compact's `AlgorithmSignature::LENGTH`).

use crate::jwt::b64;
use hmac::digest::typenum::Unsigned;
use hmac::digest::OutputSizeUser;
use sha2::Sha256;

/// The JWS `alg` name.
pub const NAME: &str = "HS256";

/// Length of an HS256 signature in bytes: the SHA-256 output size.
pub const SIG_LEN: usize = <Sha256 as OutputSizeUser>::OutputSize::USIZE;

/// Length of an HS256 signature segment: [`SIG_LEN`] bytes in unpadded base64url.
pub const SIG_B64_LEN: usize = b64::encoded_len(SIG_LEN);

/// `{"alg":"HS256"`: how every header this crate writes begins.
pub(crate) const HEADER_START: [u8; 9 + NAME.len()] =
    super::concat(b"{\"alg\":\"", NAME.as_bytes());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_header_start() {
        assert_eq!((SIG_LEN, SIG_B64_LEN), (32, 43));
        assert_eq!(&HEADER_START, br#"{"alg":"HS256""#);
    }
}
