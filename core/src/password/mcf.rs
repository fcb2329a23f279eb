//! Field helpers shared by the legacy modular-crypt parsers: `$`-separated fields, strict
//! decimals, and passlib's adapted base64.

use base64ct::{Base64Unpadded, Encoding};

use crate::{Error, Result};

/// `s` split at its first `$` (by byte position: `str::split` with a `char` pattern keeps a
/// panic path the link-time proof would catch).
pub(crate) fn split_dollar(s: &str) -> Option<(&str, &str)> {
    let pos = s.bytes().position(|b| b == b'$')?;
    Some((s.get(..pos)?, s.get(pos.checked_add(1)?..)?))
}

/// Splits `s` into exactly `N` `$`-separated fields.
pub(crate) fn fields<const N: usize>(s: &str) -> Result<[&str; N]> {
    let mut out = [""; N];
    let mut rest = Some(s);
    for slot in &mut out {
        let field = rest.ok_or(Error::InvalidHash)?;
        match split_dollar(field) {
            Some((head, tail)) => {
                *slot = head;
                rest = Some(tail);
            }
            None => {
                *slot = field;
                rest = None;
            }
        }
    }
    match rest {
        None => Ok(out),
        Some(_) => Err(Error::InvalidHash),
    }
}

/// A decimal without sign, spaces or leading zeros, within `u32`.
pub(crate) fn decimal(s: &str) -> Result<u32> {
    let canonical = !s.is_empty()
        && s.len() <= 10
        && s.bytes().all(|b| b.is_ascii_digit())
        && !(s.len() > 1 && s.starts_with('0'));
    if !canonical {
        return Err(Error::InvalidHash);
    }
    s.parse().map_err(|_| Error::InvalidHash)
}

/// Longest ab64 field accepted (86 characters encode 64 bytes).
const MAX_AB64_LEN: usize = 88;

/// Decodes passlib's "adapted base64" (standard alphabet with `.` for `+`, no padding,
/// canonical trailing bits) into `out`, returning the decoded length.
pub(crate) fn ab64_decode(s: &str, out: &mut [u8]) -> Result<usize> {
    let mut buf = [0u8; MAX_AB64_LEN];
    let dst = buf.get_mut(..s.len()).ok_or(Error::InvalidHash)?;
    for (d, b) in dst.iter_mut().zip(s.bytes()) {
        *d = match b {
            b'.' => b'+',
            b'+' => return Err(Error::InvalidHash),
            other => other,
        };
    }
    Base64Unpadded::decode(&*dst, out)
        .map(|d| d.len())
        .map_err(|_| Error::InvalidHash)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_strict() {
        assert_eq!(decimal("29000"), Ok(29000));
        assert_eq!(decimal("0"), Ok(0));
        for bad in [
            "",
            "029000",
            "+1",
            " 1",
            "1 ",
            "4294967296",
            "12345678901",
            "1e3",
        ] {
            assert_eq!(decimal(bad), Err(Error::InvalidHash), "{bad:?}");
        }
    }

    #[test]
    fn fields_count_exactly() {
        assert_eq!(fields::<3>("a$b$c"), Ok(["a", "b", "c"]));
        assert_eq!(fields::<3>("a$b"), Err(Error::InvalidHash));
        assert_eq!(fields::<3>("a$b$c$d"), Err(Error::InvalidHash));
    }

    #[test]
    fn ab64_is_base64_with_dot() {
        let mut out = [0u8; 8];
        // b"\xfb\xff" is "+/8" in standard base64.
        assert_eq!(ab64_decode(".-8", &mut out), Err(Error::InvalidHash));
        assert_eq!(ab64_decode("./8", &mut out), Ok(2));
        assert_eq!(&out[..2], b"\xfb\xff");
        assert_eq!(ab64_decode("+/8", &mut out), Err(Error::InvalidHash));
        assert_eq!(ab64_decode("./9", &mut out), Err(Error::InvalidHash)); // trailing bits
        assert_eq!(ab64_decode("./8=", &mut out), Err(Error::InvalidHash));
    }
}
