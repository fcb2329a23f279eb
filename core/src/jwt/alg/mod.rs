//! The algorithms this crate signs and verifies, one file each (jwt-compact's layout): each
//! declares its JWS name and its signature length once, and everything else in `jwt` reads
//! them from here.
//!
//! A key fixes its algorithm ([`super::Key::alg`]): the header's `alg` only has to agree with
//! the key chosen by `kid` (or the default key), it never picks how a token is checked.

pub mod hs256;

#[cfg(feature = "eddsa")]
pub mod eddsa;

use super::b64;
use super::json::JsonStr;
use crate::error::{Error, Result};

// The HS256 constants keep their historical paths (`alg::NAME`, `alg::SIG_LEN`, …).
pub(crate) use hs256::HEADER_START;
pub use hs256::{NAME, SIG_B64_LEN, SIG_LEN};

/// A JWS algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Alg {
    /// `HS256`: HMAC-SHA-256 with a shared secret (RFC 7518 §3.2).
    Hs256,
    /// `EdDSA` with curve `Ed25519` (RFC 8037). Tokens are signed with the name `EdDSA`, the
    /// one PyJWT, jose and jsonwebtoken interoperate on; a header naming the fully-specified
    /// RFC 9864 algorithm `Ed25519` is accepted by an Ed25519 key too (see [`eddsa`]).
    #[cfg(feature = "eddsa")]
    EdDsa,
}

/// The largest signature of the algorithms compiled in, in bytes.
#[cfg(feature = "eddsa")]
pub const MAX_SIG_LEN: usize = eddsa::SIG_LEN;
/// The largest signature of the algorithms compiled in, in bytes.
#[cfg(not(feature = "eddsa"))]
pub const MAX_SIG_LEN: usize = hs256::SIG_LEN;

impl Alg {
    /// The JWS `alg` name written into headers this crate signs.
    pub const fn name(self) -> &'static str {
        match self {
            Alg::Hs256 => hs256::NAME,
            #[cfg(feature = "eddsa")]
            Alg::EdDsa => eddsa::NAME,
        }
    }

    /// Length of a signature in bytes.
    pub const fn sig_len(self) -> usize {
        match self {
            Alg::Hs256 => hs256::SIG_LEN,
            #[cfg(feature = "eddsa")]
            Alg::EdDsa => eddsa::SIG_LEN,
        }
    }

    /// Length of a signature segment (unpadded base64url) in bytes.
    pub const fn sig_b64_len(self) -> usize {
        b64::encoded_len(self.sig_len())
    }

    /// The algorithm a header's `alg` names, compared exactly (case-sensitive, RFC 7515
    /// §4.1.1): `HS256`, `EdDSA`, or `Ed25519` (RFC 9864, read as `EdDSA` on curve
    /// `Ed25519`). Anything else, `none` included, is `None`.
    pub(crate) fn from_header(s: JsonStr<'_>) -> Option<Alg> {
        if s.eq_str(hs256::NAME) {
            return Some(Alg::Hs256);
        }
        #[cfg(feature = "eddsa")]
        if s.eq_str(eddsa::NAME) || s.eq_str(eddsa::FULLY_SPECIFIED_NAME) {
            return Some(Alg::EdDsa);
        }
        None
    }
}

impl core::str::FromStr for Alg {
    type Err = Error;

    /// Parses an algorithm name as a caller gives it (an allow-list entry such as PyJWT's
    /// `algorithms=["EdDSA"]`), with the rule the verifier applies to a header's `alg`.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlg`] for any other name (`none`, other case, other algorithms).
    fn from_str(s: &str) -> Result<Self> {
        let quoted = JsonStr::new(s.as_bytes(), false);
        if s.bytes().any(|b| b == b'\\' || b == b'"') {
            return Err(Error::UnsupportedAlg);
        }
        Alg::from_header(quoted).ok_or(Error::UnsupportedAlg)
    }
}

impl core::fmt::Display for Alg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// `head` then `name` then `"`, in an array of exactly that length (checked by the build).
#[allow(clippy::indexing_slicing, clippy::panic)] // const evaluation: a failure is a build error
pub(crate) const fn concat<const N: usize>(head: &[u8], name: &[u8]) -> [u8; N] {
    assert!(head.len() + name.len() + 1 == N);
    let mut out = [b'"'; N];
    let mut i = 0;
    while i < head.len() {
        out[i] = head[i];
        i += 1;
    }
    let mut j = 0;
    while j < name.len() {
        out[i + j] = name[j];
        j += 1;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_exactly() {
        assert_eq!("HS256".parse::<Alg>(), Ok(Alg::Hs256));
        for bad in ["hs256", "none", "", "HS256 ", "RS256", "EdDSA\\"] {
            assert_eq!(bad.parse::<Alg>(), Err(Error::UnsupportedAlg), "{bad}");
        }
        #[cfg(feature = "eddsa")]
        {
            assert_eq!("EdDSA".parse::<Alg>(), Ok(Alg::EdDsa));
            assert_eq!("Ed25519".parse::<Alg>(), Ok(Alg::EdDsa));
            for bad in ["eddsa", "EDDSA", "ED25519", "ed25519", "Ed448"] {
                assert_eq!(bad.parse::<Alg>(), Err(Error::UnsupportedAlg), "{bad}");
            }
            assert_eq!((Alg::EdDsa.sig_len(), Alg::EdDsa.sig_b64_len()), (64, 86));
        }
        assert_eq!(std::format!("{}", Alg::Hs256), "HS256");
    }
}
