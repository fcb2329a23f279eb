//! Strict base64url (RFC 7515 §2): no padding, no whitespace, canonical trailing bits.
//!
//! Token segments are public data, so this is a plain table-driven codec (several times faster
//! than a constant-time one); key material never passes through it.

use crate::error::{Error, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INVALID: u8 = 0xFF;

/// Reverse table: byte → 6-bit value, or `INVALID`.
#[allow(clippy::indexing_slicing)]
const DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8; // const context: checked at compile time
        i += 1;
    }
    t
};

/// Length of the unpadded base64url encoding of `n` bytes (saturating).
pub(crate) const fn encoded_len(n: usize) -> usize {
    let tail = match n % 3 {
        0 => 0,
        1 => 2,
        _ => 3,
    };
    (n / 3).saturating_mul(4).saturating_add(tail)
}

/// Decoded length of an unpadded base64url segment.
pub(crate) fn decoded_len(seg: &[u8]) -> usize {
    (seg.len() / 4) * 3 + (seg.len() % 4).saturating_sub(1)
}

/// Checks the alphabet and length form without decoding (cheap pre-check so that a bad
/// segment anywhere yields `InvalidBase64` before any JSON is looked at).
#[allow(clippy::indexing_slicing)]
pub(crate) fn check(seg: &[u8]) -> Result<()> {
    let alphabet_ok = seg.iter().all(|&b| DECODE[b as usize] != INVALID);
    if !alphabet_ok || seg.len() % 4 == 1 {
        return Err(Error::InvalidBase64);
    }
    Ok(())
}

#[allow(clippy::indexing_slicing)]
fn sextet(b: u8) -> Result<u32> {
    match DECODE[b as usize] {
        INVALID => Err(Error::InvalidBase64),
        v => Ok(u32::from(v)),
    }
}

/// Decodes `seg` into the front of `buf`. Non-alphabet bytes, a dangling single character
/// and non-zero trailing bits (non-canonical encodings) are `InvalidBase64`.
pub(crate) fn decode<'b>(seg: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8]> {
    let len = decoded_len(seg);
    let out = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    decode_into(seg, out)?;
    Ok(out)
}

/// Decodes `seg` into exactly `out` (whose length must be `decoded_len(seg)`): whole
/// quantums with the fastest codec for the target, then the tail.
fn decode_into(seg: &[u8], out: &mut [u8]) -> Result<()> {
    let whole = seg.len() / 4;
    let (body, rest) = seg
        .split_at_checked(whole * 4)
        .ok_or(Error::InvalidBase64)?;
    let (out_body, tail) = out
        .split_at_mut_checked(whole * 3)
        .ok_or(Error::BufferTooSmall)?;
    #[cfg(target_pointer_width = "64")]
    wide::decode_quantums(body, out_body)?;
    #[cfg(not(target_pointer_width = "64"))]
    decode_quantums(body, out_body)?;
    decode_tail(rest, tail)
}

/// Decodes whole 4-character quantums (`body.len() == out.len() / 3 * 4`) with the 256-byte
/// table. Invalid symbols are accumulated branch-free (`INVALID` has the top bit set) and
/// checked once.
#[allow(clippy::indexing_slicing)] // chunks_exact: c has 4 bytes, o has 3; a u8 indexes 256
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
fn decode_quantums(body: &[u8], out: &mut [u8]) -> Result<()> {
    let mut bad = 0u8;
    for (c, o) in body.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let (a, b, cc, d) = (
            DECODE[c[0] as usize],
            DECODE[c[1] as usize],
            DECODE[c[2] as usize],
            DECODE[c[3] as usize],
        );
        bad |= a | b | cc | d;
        let n = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(cc) << 6) | u32::from(d);
        o[0] = (n >> 16) as u8;
        o[1] = (n >> 8) as u8;
        o[2] = n as u8;
    }
    match bad & 0x80 {
        0 => Ok(()),
        _ => Err(Error::InvalidBase64),
    }
}

/// The 64-bit hosts' codec: four 1 KiB tables map a symbol straight to its bits in the
/// 24-bit group (an invalid symbol to `0xFF00_0000`), so a quantum costs four loads and three
/// ORs. Not used on wasm and microcontrollers, where 4 KiB of
/// tables cost more than the time they save.
#[cfg(any(target_pointer_width = "64", test))]
mod wide {
    use super::{Error, Result, DECODE, INVALID};

    #[allow(clippy::indexing_slicing)] // const evaluation: out of range fails the build
    const fn table(shift: u32) -> [u32; 256] {
        let mut t = [0xFF00_0000u32; 256];
        let mut i = 0;
        while i < 256 {
            if DECODE[i] != INVALID {
                t[i] = (DECODE[i] as u32) << shift;
            }
            i += 1;
        }
        t
    }
    static T0: [u32; 256] = table(18);
    static T1: [u32; 256] = table(12);
    static T2: [u32; 256] = table(6);
    static T3: [u32; 256] = table(0);

    #[inline(always)]
    #[allow(clippy::indexing_slicing)] // callers pass 4 bytes; a u8 indexes 256
    fn group(c: &[u8]) -> u32 {
        T0[c[0] as usize] | T1[c[1] as usize] | T2[c[2] as usize] | T3[c[3] as usize]
    }

    /// Two quantums (8 symbols → 6 bytes, two stores) per step, then a last one if odd.
    pub(super) fn decode_quantums(body: &[u8], out: &mut [u8]) -> Result<()> {
        let mut bad = 0u32;
        let mut pairs = body.chunks_exact(8);
        let mut outs = out.chunks_exact_mut(6);
        for (c, o) in (&mut pairs).zip(&mut outs) {
            let (hi, lo) = c.split_at(4);
            let (a, b) = (group(hi), group(lo));
            bad |= a | b;
            let v = (u64::from(a) << 40) | (u64::from(b & 0x00FF_FFFF) << 16);
            let bytes = v.to_be_bytes();
            if let Some((six, _)) = bytes.split_first_chunk::<6>() {
                o.copy_from_slice(six);
            }
        }
        let (c, o) = (pairs.remainder(), outs.into_remainder());
        if let (4, 3) = (c.len(), o.len()) {
            let a = group(c);
            bad |= a;
            let [_, x, y, z] = a.to_be_bytes();
            o.copy_from_slice(&[x, y, z]);
        }
        match bad >> 24 {
            0 => Ok(()),
            _ => Err(Error::InvalidBase64),
        }
    }
}

/// Decodes the last 0, 2 or 3 characters (into 0, 1 or 2 bytes); trailing bits must be zero.
fn decode_tail(rest: &[u8], tail: &mut [u8]) -> Result<()> {
    match (rest, tail) {
        ([], []) => Ok(()),
        ([a, b], [x]) => {
            let n = (sextet(*a)? << 6) | sextet(*b)?;
            if n & 0xF != 0 {
                return Err(Error::InvalidBase64);
            }
            *x = (n >> 4) as u8;
            Ok(())
        }
        ([a, b, c], [x, y]) => {
            let n = (sextet(*a)? << 12) | (sextet(*b)? << 6) | sextet(*c)?;
            if n & 0x3 != 0 {
                return Err(Error::InvalidBase64);
            }
            *x = (n >> 10) as u8;
            *y = (n >> 2) as u8;
            Ok(())
        }
        _ => Err(Error::InvalidBase64),
    }
}

/// Decodes a signature segment of `N` bytes; anything that is not exactly `N` bytes is
/// `InvalidSignature` (signature stripping, truncation and extension), bad encoding is
/// `InvalidBase64`.
#[cfg(test)]
pub(crate) fn decode_signature<const N: usize>(seg: &[u8]) -> Result<[u8; N]> {
    let mut sig = [0u8; N];
    if decoded_len(seg) != N {
        check(seg)?;
        return Err(Error::InvalidSignature);
    }
    decode_into(seg, &mut sig)?;
    Ok(sig)
}

/// Decodes a signature segment whose length is one of `lens` into the front of an `N`-byte
/// array and returns it with its length; any other length is `InvalidSignature` (after the
/// alphabet check: bad encoding is `InvalidBase64`).
pub(crate) fn decode_signature_up_to<const N: usize>(
    seg: &[u8],
    lens: &[usize],
) -> Result<([u8; N], usize)> {
    let mut sig = [0u8; N];
    let len = decoded_len(seg);
    let out = match lens.contains(&len) {
        true => sig.get_mut(..len),
        false => None,
    };
    let Some(out) = out else {
        check(seg)?;
        return Err(Error::InvalidSignature);
    };
    decode_into(seg, out)?;
    Ok((sig, len))
}

/// Encodes `src` into `out` at `*pos`.
#[allow(clippy::indexing_slicing)]
pub(crate) fn encode_at(src: &[u8], out: &mut [u8], pos: &mut usize) -> Result<()> {
    let end = pos
        .checked_add(encoded_len(src.len()))
        .ok_or(Error::BufferTooSmall)?;
    let dst = out.get_mut(*pos..end).ok_or(Error::BufferTooSmall)?;
    let sym = |n: u32, shift: u32| ALPHABET[((n >> shift) & 63) as usize];
    let mut chunks = src.chunks_exact(3);
    let mut outs = dst.chunks_exact_mut(4);
    for (c, o) in (&mut chunks).zip(&mut outs) {
        let n = u32::from_be_bytes([0, c[0], c[1], c[2]]);
        o.copy_from_slice(&[sym(n, 18), sym(n, 12), sym(n, 6), sym(n, 0)]);
    }
    match (chunks.remainder(), outs.into_remainder()) {
        ([a], [x, y]) => {
            let n = u32::from(*a) << 16;
            (*x, *y) = (sym(n, 18), sym(n, 12));
        }
        ([a, b], [x, y, z]) => {
            let n = (u32::from(*a) << 16) | (u32::from(*b) << 8);
            (*x, *y, *z) = (sym(n, 18), sym(n, 12), sym(n, 6));
        }
        _ => {}
    }
    *pos = end;
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
    fn round_trips_every_length_and_matches_rfc4648() {
        for (plain, enc) in [
            (&b""[..], ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (b"\xfb\xff", "-_8"),
        ] {
            let mut out = [0u8; 16];
            let mut pos = 0;
            encode_at(plain, &mut out, &mut pos).unwrap();
            assert_eq!(&out[..pos], enc.as_bytes());
            let mut buf = [0u8; 16];
            assert_eq!(decode(enc.as_bytes(), &mut buf).unwrap(), plain);
        }
        let all: std::vec::Vec<u8> = (0..=255u8).collect();
        let mut out = [0u8; 400];
        let mut pos = 0;
        encode_at(&all, &mut out, &mut pos).unwrap();
        let mut buf = [0u8; 300];
        assert_eq!(decode(&out[..pos], &mut buf).unwrap(), &all[..]);
        let mut small = [0u8; 3];
        let mut p = 0;
        assert_eq!(
            encode_at(b"foob", &mut small, &mut p),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn both_quantum_codecs_agree() {
        // Every byte value in every position of a quantum, valid or not.
        for pos in 0..4 {
            for b in 0..=255u8 {
                let mut q = *b"QUJD";
                q[pos] = b;
                let (mut x, mut y) = ([0u8; 3], [0u8; 3]);
                let small = decode_quantums(&q, &mut x);
                let wide = wide::decode_quantums(&q, &mut y);
                assert_eq!(small, wide, "{q:?}");
                assert_eq!(small.is_ok(), DECODE[b as usize] != INVALID);
                if small.is_ok() {
                    assert_eq!(x, y);
                }
            }
        }
        let all: std::vec::Vec<u8> = (0..=255u8).cycle().take(3 * 256).collect();
        let mut enc = [0u8; 1024];
        let mut n = 0;
        encode_at(&all, &mut enc, &mut n).unwrap();
        let (mut x, mut y) = ([0u8; 768], [0u8; 768]);
        decode_quantums(&enc[..n], &mut x).unwrap();
        wide::decode_quantums(&enc[..n], &mut y).unwrap();
        assert_eq!((&x[..], &y[..]), (&all[..], &all[..]));
    }

    #[test]
    fn signature_length_is_exact() {
        // A 32-byte signature is 43 characters; one fewer or more is the wrong length.
        const N: usize = 32;
        const LEN: usize = encoded_len(N);
        let sig = |s: &[u8]| decode_signature::<N>(s);
        let ok = [b'A'; LEN];
        assert!(sig(&ok).is_ok());
        assert_eq!(sig(b"").unwrap_err(), Error::InvalidSignature);
        assert_eq!(sig(&[b'A'; LEN - 1]).unwrap_err(), Error::InvalidSignature);
        assert_eq!(sig(&[b'A'; LEN + 1]).unwrap_err(), Error::InvalidSignature);
        let mut noncanon = [b'A'; LEN];
        noncanon[LEN - 1] = b'B';
        assert_eq!(sig(&noncanon).unwrap_err(), Error::InvalidBase64);
    }
}
