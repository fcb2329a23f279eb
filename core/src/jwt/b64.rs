//! Strict base64url (RFC 7515 §2): no padding, no whitespace, canonical trailing bits.
//! Backed by `base64ct`, which decodes in constant time and rejects non-canonical input.

use super::verify::SIG_LEN;
use crate::error::{Error, Result};
use base64ct::{Base64UrlUnpadded, Encoding};

/// Decoded length of an unpadded base64url segment.
pub(crate) fn decoded_len(seg: &[u8]) -> usize {
    (seg.len() / 4) * 3 + (seg.len() % 4).saturating_sub(1)
}

/// Length of the unpadded base64url encoding of `n` bytes (saturating).
pub(crate) const fn encoded_len(n: usize) -> usize {
    let tail = match n % 3 {
        0 => 0,
        1 => 2,
        _ => 3,
    };
    (n / 3).saturating_mul(4).saturating_add(tail)
}

/// Checks the alphabet and length form without decoding (cheap pre-check so that a bad
/// segment anywhere yields `InvalidBase64` before any JSON is looked at).
pub(crate) fn check(seg: &[u8]) -> Result<()> {
    let alphabet_ok = seg
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_');
    if !alphabet_ok || seg.len() % 4 == 1 {
        return Err(Error::InvalidBase64);
    }
    Ok(())
}

/// Decodes `seg` into the front of `buf`.
pub(crate) fn decode<'b>(seg: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8]> {
    if decoded_len(seg) > buf.len() {
        return Err(Error::BufferTooSmall);
    }
    Base64UrlUnpadded::decode(seg, buf).map_err(|_| Error::InvalidBase64)
}

/// Decodes a signature segment; anything that is not exactly 32 bytes is `InvalidSignature`
/// (signature stripping, truncation and extension), bad encoding is `InvalidBase64`.
pub(crate) fn decode_signature(seg: &[u8]) -> Result<[u8; SIG_LEN]> {
    check(seg)?;
    let mut sig = [0u8; SIG_LEN];
    if decoded_len(seg) != SIG_LEN {
        return Err(Error::InvalidSignature);
    }
    Base64UrlUnpadded::decode(seg, &mut sig).map_err(|_| Error::InvalidBase64)?;
    Ok(sig)
}

/// Encodes `src` into `out` at `*pos`.
pub(crate) fn encode_at(src: &[u8], out: &mut [u8], pos: &mut usize) -> Result<()> {
    let dst = out.get_mut(*pos..).ok_or(Error::BufferTooSmall)?;
    let n = Base64UrlUnpadded::encode(src, dst)
        .map_err(|_| Error::BufferTooSmall)?
        .len();
    *pos = pos.checked_add(n).ok_or(Error::BufferTooSmall)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        let mut buf = [0u8; 8];
        assert_eq!(decode(b"YQ", &mut buf).unwrap(), b"a");
        // Non-canonical trailing bits, padding, whitespace, standard alphabet: refused.
        assert_eq!(decode(b"YR", &mut buf).unwrap_err(), Error::InvalidBase64);
        for bad in [&b"YQ=="[..], b"Y Q", b"Y+", b"Y/", b"Y\n", b"Y"] {
            assert_eq!(check(bad).unwrap_err(), Error::InvalidBase64, "{bad:?}");
        }
        assert_eq!(
            decode(b"YWJjZGVmZ2hp", &mut buf).unwrap_err(),
            Error::BufferTooSmall
        );
        assert_eq!(decoded_len(b"YWJj"), 3);
        assert_eq!(decoded_len(b"YWI"), 2);
    }

    #[test]
    fn signature_length_is_exact() {
        let ok = [b'A'; 43];
        assert!(decode_signature(&ok).is_ok());
        assert_eq!(decode_signature(b"").unwrap_err(), Error::InvalidSignature);
        assert_eq!(
            decode_signature(&[b'A'; 42]).unwrap_err(),
            Error::InvalidSignature
        );
        assert_eq!(
            decode_signature(&[b'A'; 44]).unwrap_err(),
            Error::InvalidSignature
        );
        let mut noncanon = [b'A'; 43];
        noncanon[42] = b'B';
        assert_eq!(
            decode_signature(&noncanon).unwrap_err(),
            Error::InvalidBase64
        );
    }
}
