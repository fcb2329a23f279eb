//! A plain, obviously-correct model of the base64 grammar the hash formats accept (unpadded,
//! canonical), to check what `base64ct` accepts through `phc` and `bcrypt` against.

use std::vec::Vec;

/// `A–Z a–z 0–9 + /` (RFC 4648 §4), as in PHC strings.
pub(crate) const STANDARD: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// `. / A–Z a–z 0–9`, as in bcrypt hashes.
#[cfg(feature = "bcrypt")]
pub(crate) const BCRYPT: &[u8; 64] =
    b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The bytes `s` encodes, or `None` unless every character is in `alphabet`, the length is
/// not `4n + 1` and the bits left over after the last whole byte are zero.
pub(crate) fn decode(alphabet: &[u8; 64], s: &[u8]) -> Option<Vec<u8>> {
    if s.len() % 4 == 1 {
        return None;
    }
    let (mut bits, mut held, mut out) = (0u32, 0u32, Vec::new());
    for &c in s {
        let v = alphabet.iter().position(|&a| a == c)?;
        bits = bits << 6 | u32::try_from(v).ok()?;
        held += 6;
        if held >= 8 {
            held -= 8;
            out.push(u8::try_from(bits >> held).ok()?);
            bits &= (1 << held) - 1;
        }
    }
    (bits == 0).then_some(out)
}
