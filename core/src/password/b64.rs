//! Unpadded, canonical base64 for the hash formats: the standard alphabet (PHC strings) and
//! bcrypt's (`./A-Za-z0-9`).
//!
//! Salts and hashes are decoded in constant time with respect to their contents: every
//! character is mapped by arithmetic over the alphabet's ranges (no table lookups indexed by
//! data, no data-dependent branches), and an invalid character or non-canonical trailing bits
//! are only collected into a flag that is checked at the end. Lengths are public.
//!
//! Accepted: characters of the alphabet only (no padding, no whitespace), any length except
//! `4n + 1`, and unused trailing bits zero, so each byte string has exactly one encoding.

use crate::{Error, Result};

/// An alphabet as ranges `(first, last, value of first)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alphabet(&'static [(u8, u8, u8)]);

/// `A–Z a–z 0–9 + /` (RFC 4648 §4), as in PHC strings.
pub(crate) const STANDARD: Alphabet = Alphabet(&[
    (b'A', b'Z', 0),
    (b'a', b'z', 26),
    (b'0', b'9', 52),
    (b'+', b'+', 62),
    (b'/', b'/', 63),
]);

/// `. / A–Z a–z 0–9`, as in bcrypt hashes.
#[cfg(any(feature = "bcrypt", test))]
pub(crate) const BCRYPT: Alphabet = Alphabet(&[
    (b'.', b'/', 0),
    (b'A', b'Z', 2),
    (b'a', b'z', 28),
    (b'0', b'9', 54),
]);

/// The 6-bit value of `c`, or -1 if `c` is not in the alphabet.
fn value(alphabet: Alphabet, c: u8) -> i16 {
    let c = i16::from(c);
    alphabet.0.iter().fold(-1, |v, &(first, last, base)| {
        let (first, last) = (i16::from(first), i16::from(last));
        // -1 (all ones) exactly when first ≤ c ≤ last: both differences are then negative.
        let inside = ((first - 1 - c) & (c - last - 1)) >> 8;
        v + (inside & (c - first + i16::from(base) + 1))
    })
}

/// Decodes `s`, handing each output byte to `out` with its index, and returns the decoded
/// length. `out` returning `false` (no room) fails with [`Error::InvalidHash`], as does any
/// malformed input.
fn decode_with(
    alphabet: Alphabet,
    s: &[u8],
    mut out: impl FnMut(usize, u8) -> bool,
) -> Result<usize> {
    if s.len() % 4 == 1 {
        return Err(Error::InvalidHash);
    }
    let mut invalid = 0i16;
    let mut len = 0usize;
    let mut room = true;
    for group in s.chunks(4) {
        let mut bits = 0u32;
        for &c in group {
            let v = value(alphabet, c);
            invalid |= v;
            // `& 0x3f` keeps an invalid character's -1 in range; the flag remembers it.
            bits = bits << 6 | (v & 0x3f) as u32;
        }
        // 4 characters carry 3 bytes; a final 3 carry 2 (2 spare bits), 2 carry 1 (4 spare).
        let bytes = group.len() * 6 / 8;
        let spare = group.len() * 6 % 8;
        invalid |= -i16::from(bits & ((1 << spare) - 1) != 0);
        let bits = bits >> spare;
        for i in 0..bytes {
            let byte = (bits >> (8 * (bytes - 1 - i))) as u8;
            room &= out(len + i, byte);
        }
        len += bytes;
    }
    if invalid < 0 || !room {
        return Err(Error::InvalidHash);
    }
    Ok(len)
}

/// Decodes `s` into the start of `buf`.
///
/// # Errors
/// [`Error::InvalidHash`] for malformed input or when `buf` is too small.
pub(crate) fn decode<'b>(alphabet: Alphabet, s: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8]> {
    let len = decode_with(alphabet, s, |i, b| {
        buf.get_mut(i).map(|slot| *slot = b).is_some()
    })?;
    buf.get(..len).ok_or(Error::InvalidHash)
}

/// The decoded length of `s` if it is well-formed.
///
/// # Errors
/// [`Error::InvalidHash`] for malformed input.
pub(crate) fn decoded_len(alphabet: Alphabet, s: &[u8]) -> Result<usize> {
    decode_with(alphabet, s, |_, _| true)
}

/// The standard-alphabet character for a 6-bit value, without branches or tables.
fn char_of(v: u8) -> u8 {
    let v = i16::from(v & 0x3f);
    let mut shift = i16::from(b'A');
    shift += ((25 - v) >> 8) & 6; // 26..: 'a' - 26
    shift -= ((51 - v) >> 8) & 75; // 52..: '0' - 52
    shift -= ((61 - v) >> 8) & 15; // 62: '+' - 62
    shift += ((62 - v) >> 8) & 3; // 63: '/' - 63
    (v + shift) as u8
}

/// Encodes `data` (standard alphabet, unpadded) into the start of `buf`; returns the length.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `buf` is too small.
pub(crate) fn encode(data: &[u8], buf: &mut [u8]) -> Result<usize> {
    let mut len = 0usize;
    for group in data.chunks(3) {
        let bits =
            group.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - group.len()));
        for i in 0..=group.len() {
            let v = (bits >> (18 - 6 * i)) as u8;
            *buf.get_mut(len).ok_or(Error::BufferTooSmall)? = char_of(v);
            len += 1;
        }
    }
    Ok(len)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use base64ct::{Base64Bcrypt, Base64Unpadded, Encoding};

    #[test]
    #[cfg_attr(miri, ignore = "every length up to 256 bytes: too slow under Miri")]
    fn every_byte_value_round_trips() {
        let data: [u8; 256] = core::array::from_fn(|i| i as u8);
        for len in 0..=data.len() {
            let mut text = [0u8; 344];
            let n = encode(&data[..len], &mut text).unwrap();
            assert_eq!(
                &text[..n],
                Base64Unpadded::encode(&data[..len], &mut [0u8; 344])
                    .unwrap()
                    .as_bytes()
            );
            let mut back = [0u8; 256];
            assert_eq!(
                decode(STANDARD, &text[..n], &mut back).unwrap(),
                &data[..len]
            );
        }
    }

    /// Differential test against base64ct, the reference this module replaces: every input of
    /// up to three characters over both alphabets and their neighbours, and every 4-character
    /// input over a smaller set (trailing-bit and length rules, padding, URL-safe characters).
    #[test]
    #[cfg_attr(miri, ignore = "exhaustive: too slow under Miri")]
    fn agrees_with_base64ct() {
        let chars: std::vec::Vec<u8> = (b' '..=b'~').collect();
        let few = b"AZaz09+/.-_= gh";
        let check = |s: &[u8]| {
            let mut ours = [0u8; 3];
            let mut theirs = [0u8; 3];
            let std_ours = decode(STANDARD, s, &mut ours).map(<[u8]>::to_vec);
            let std_theirs = Base64Unpadded::decode(s, &mut theirs).map(<[u8]>::to_vec);
            assert_eq!(std_ours.ok(), std_theirs.ok(), "standard {s:?}");
            let bc_ours = decode(BCRYPT, s, &mut ours).map(<[u8]>::to_vec);
            let bc_theirs = Base64Bcrypt::decode(s, &mut theirs).map(<[u8]>::to_vec);
            assert_eq!(bc_ours.ok(), bc_theirs.ok(), "bcrypt {s:?}");
        };
        for &a in &chars {
            check(&[a]);
            for &b in &chars {
                check(&[a, b]);
                for &c in &chars {
                    check(&[a, b, c]);
                }
            }
        }
        for &a in few {
            for &b in few {
                for &c in few {
                    for &d in few {
                        check(&[a, b, c, d]);
                    }
                }
            }
        }
    }

    #[test]
    fn rejects_malformed_input() {
        let mut buf = [0u8; 16];
        for bad in ["Z", "Zh", "Zm9", "Zm8=", "Zm9v\n", "Zm-v", "Zm_v", "Zm9vY"] {
            assert_eq!(
                decode(STANDARD, bad.as_bytes(), &mut buf),
                Err(Error::InvalidHash),
                "{bad}"
            );
            assert_eq!(
                decoded_len(STANDARD, bad.as_bytes()),
                Err(Error::InvalidHash),
                "{bad}"
            );
        }
        // Too small a buffer is refused, not truncated.
        assert_eq!(
            decode(STANDARD, b"Zm9vYmFy", &mut buf[..5]),
            Err(Error::InvalidHash)
        );
        assert_eq!(encode(b"foobar", &mut buf[..7]), Err(Error::BufferTooSmall));
    }
}
