//! The Argon2 PHC string format, parsed and written without allocation.
//!
//! ```text
//! $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//! ```
//!
//! Grammar accepted (that of the Argon2 reference implementation, `encoding.c`, which
//! argon2-cffi, libsodium and PHP use):
//! - identifier `argon2id`, `argon2i` or `argon2d` (exact, lowercase);
//! - `v=19` or `v=16`, required: the reference decoder reads a missing version as 0x10, but no
//!   library has written one since Argon2 1.3 (2016), and this crate keeps one strict grammar;
//! - exactly `m=…,t=…,p=…` in that order; decimals without sign or leading zeros, within `u32`;
//!   `keyid=` / `data=` parameters are rejected (no peer library writes them);
//! - salt and hash in standard base64 without padding, canonical (unused trailing bits zero);
//!   nothing after the hash.
//!
//! Anything else is [`Error::InvalidHash`], as are violations of Argon2's structural limits
//! (`t ≥ 1`, `1 ≤ p < 2²⁴`, `m ≥ 8p`, salt ≥ 8 bytes, output ≥ 4 bytes). *Cost* limits are
//! [`super::Bounds`]' job, applied by the callers to [`Phc::cost`].
//!
//! Base64 is [`base64ct`]'s `Base64Unpadded`: constant-time in the bytes it decodes or
//! encodes, and strict (no padding, no whitespace, no `4n + 1` lengths, unused trailing bits
//! zero), so each salt and hash has exactly one encoding.

use base64ct::{Base64Unpadded, Encoding};

use super::algorithm::Algorithm;
use super::params::{Argon2Cost, Params, ARGON2_MIN_OUTPUT_LEN, MAX_P_COST, MIN_SALT_LEN};
use crate::{Error, Result};

/// Argon2 version 0x13 (19), the current one; the only version new hashes use.
pub(crate) const V0X13: u32 = 0x13;
/// Argon2 version 0x10 (16), accepted for verification.
pub(crate) const V0X10: u32 = 0x10;

/// Longest Argon2 PHC string [`super::verify`] will look at: every field at its maximum
/// (10-digit costs, 64-byte salt and output). Longer input is [`Error::InvalidHash`].
pub const MAX_PHC_LEN: usize =
    encoded_len(Algorithm::Argon2id, u32::MAX, u32::MAX, u32::MAX, 64, 64);

/// A parsed Argon2 PHC string. Salt and hash stay base64 (validated) until needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phc<'a> {
    pub algorithm: Algorithm,
    pub version: u32,
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt_b64: &'a str,
    pub hash_b64: &'a str,
    pub salt_len: usize,
    pub hash_len: usize,
}

impl Phc<'_> {
    pub(crate) fn cost(&self) -> Argon2Cost {
        Argon2Cost {
            m_cost: self.m_cost,
            t_cost: self.t_cost,
            p_cost: self.p_cost,
            salt_len: self.salt_len,
            output_len: self.hash_len,
        }
    }
}

/// Parses an Argon2 PHC string strictly (see the module documentation).
pub(crate) fn parse(s: &str) -> Result<Phc<'_>> {
    if s.len() > MAX_PHC_LEN {
        return Err(Error::InvalidHash);
    }
    // `['$']`, not `'$'`: the single-`char` searcher keeps an index the optimiser cannot bound
    // (a panic path in firmware builds, see examples/nopanic).
    let mut fields = s.strip_prefix('$').ok_or(Error::InvalidHash)?.split(['$']);
    let mut next = || fields.next().ok_or(Error::InvalidHash);

    let algorithm = Algorithm::from_ident(next()?).ok_or(Error::InvalidHash)?;
    let version = match next()?.strip_prefix("v=").map(decimal) {
        Some(Ok(v @ (V0X10 | V0X13))) => v,
        _ => return Err(Error::InvalidHash),
    };

    let mut params = next()?.split([',']);
    let mut param = |name: &str| {
        params
            .next()
            .and_then(|kv| kv.strip_prefix(name))
            .ok_or(Error::InvalidHash)
            .and_then(decimal)
    };
    let m_cost = param("m=")?;
    let t_cost = param("t=")?;
    let p_cost = param("p=")?;
    if params.next().is_some() {
        return Err(Error::InvalidHash);
    }
    let min_m = p_cost.checked_mul(8).ok_or(Error::InvalidHash)?;
    if t_cost == 0 || p_cost == 0 || p_cost > MAX_P_COST || m_cost < min_m {
        return Err(Error::InvalidHash);
    }

    let salt_b64 = next()?;
    let hash_b64 = next()?;
    if next().is_ok() {
        return Err(Error::InvalidHash);
    }
    let salt_len = b64_validate(salt_b64)?;
    let hash_len = b64_validate(hash_b64)?;
    if salt_len < MIN_SALT_LEN || hash_len < ARGON2_MIN_OUTPUT_LEN {
        return Err(Error::InvalidHash);
    }
    Ok(Phc {
        algorithm,
        version,
        m_cost,
        t_cost,
        p_cost,
        salt_b64,
        hash_b64,
        salt_len,
        hash_len,
    })
}

/// A PHC decimal: ASCII digits, no sign, no leading zero (except `0` itself), fits `u32`.
fn decimal(s: &str) -> Result<u32> {
    let b = s.as_bytes();
    let canonical = match b {
        [] => false,
        [b'0', _, ..] => false,
        _ => b.iter().all(u8::is_ascii_digit),
    };
    if !canonical {
        return Err(Error::InvalidHash);
    }
    b.iter().try_fold(0u32, |acc, d| {
        acc.checked_mul(10)
            .and_then(|acc| acc.checked_add(u32::from(d - b'0')))
            .ok_or(Error::InvalidHash)
    })
}

/// Checks that `s` is non-empty canonical unpadded base64 and returns its decoded length.
///
/// `s` is a field of a string of at most [`MAX_PHC_LEN`] bytes, so it decodes into a scratch
/// buffer of that size; a field too long for [`super::Bounds`] still gets its length (and
/// [`Error::HashParamsOutOfBounds`] from the caller), as a well-formed string should.
fn b64_validate(s: &str) -> Result<usize> {
    let mut scratch = [0u8; MAX_PHC_LEN];
    match b64_decode(s, &mut scratch)?.len() {
        0 => Err(Error::InvalidHash),
        len => Ok(len),
    }
}

/// Decodes a field that [`parse`] has validated into the start of `buf`.
///
/// # Errors
/// [`Error::InvalidHash`] for malformed input or when `buf` is too small.
pub(crate) fn b64_decode<'b>(s: &str, buf: &'b mut [u8]) -> Result<&'b [u8]> {
    Base64Unpadded::decode(s, buf).map_err(|_| Error::InvalidHash)
}

/// Number of decimal digits of `n`.
const fn digits(mut n: u32) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Length of unpadded base64 for `n` bytes.
const fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

impl Params {
    /// Exact length in bytes of the PHC string [`super::hash`] writes for these parameters.
    pub const fn phc_len(&self) -> usize {
        encoded_len(
            self.algorithm(),
            self.m_cost(),
            self.t_cost(),
            self.p_cost(),
            self.salt_len(),
            self.output_len(),
        )
    }
}

/// Exact length of the PHC string [`format`] writes for these values.
pub(crate) const fn encoded_len(
    algorithm: Algorithm,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    salt_len: usize,
    hash_len: usize,
) -> usize {
    // "$" alg "$v=19" "$m=" m ",t=" t ",p=" p "$" salt "$" hash
    1 + algorithm.as_str().len()
        + "$v=19".len()
        + "$m=".len()
        + digits(m_cost)
        + ",t=".len()
        + digits(t_cost)
        + ",p=".len()
        + digits(p_cost)
        + 1
        + b64_len(salt_len)
        + 1
        + b64_len(hash_len)
}

/// Writes ASCII into a caller buffer, failing with [`Error::BufferTooSmall`].
struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    fn bytes(&mut self, s: &[u8]) -> Result<()> {
        let end = self.pos.checked_add(s.len()).ok_or(Error::BufferTooSmall)?;
        let dst = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(s);
        self.pos = end;
        Ok(())
    }

    fn decimal(&mut self, n: u32) -> Result<()> {
        let mut tmp = [0u8; 10];
        let width = digits(n);
        let mut rest = n;
        for d in tmp.iter_mut().take(width).rev() {
            // rest % 10 < 10, so the cast is lossless
            *d = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        self.bytes(tmp.get(..width).ok_or(Error::BufferTooSmall)?)
    }

    fn b64(&mut self, data: &[u8]) -> Result<()> {
        let dst = self.buf.get_mut(self.pos..).ok_or(Error::BufferTooSmall)?;
        let written = Base64Unpadded::encode(data, dst)
            .map_err(|_| Error::BufferTooSmall)?
            .len();
        self.pos = self.pos.checked_add(written).ok_or(Error::BufferTooSmall)?;
        Ok(())
    }

    fn finish(self) -> Result<&'a str> {
        let written = self.buf.get(..self.pos).ok_or(Error::BufferTooSmall)?;
        // Only ASCII was written, so this never fails.
        core::str::from_utf8(written).map_err(|_| Error::InvalidHash)
    }
}

/// Writes `$<alg>$v=19$m=…,t=…,p=…$<salt>$<hash>` into `out`.
pub(crate) fn format<'o>(
    algorithm: Algorithm,
    cost: &Argon2Cost,
    salt: &[u8],
    hash: &[u8],
    out: &'o mut [u8],
) -> Result<&'o str> {
    let mut w = Writer { buf: out, pos: 0 };
    w.bytes(b"$")?;
    w.bytes(algorithm.as_str().as_bytes())?;
    w.bytes(b"$v=19$m=")?;
    w.decimal(cost.m_cost)?;
    w.bytes(b",t=")?;
    w.decimal(cost.t_cost)?;
    w.bytes(b",p=")?;
    w.decimal(cost.p_cost)?;
    w.bytes(b"$")?;
    w.b64(salt)?;
    w.bytes(b"$")?;
    w.b64(hash)?;
    w.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    // argon2-cffi 25.1: hash_secret(b"password", b"somesaltsomesalt", t=1, m=64, p=1, 32, ID)
    const CFFI: &str = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$\
                        55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM";

    #[test]
    fn parses_reference_string() {
        let p = parse(CFFI).unwrap();
        assert_eq!(p.algorithm, Algorithm::Argon2id);
        assert_eq!(p.version, V0X13);
        assert_eq!((p.m_cost, p.t_cost, p.p_cost), (64, 1, 1));
        assert_eq!((p.salt_len, p.hash_len), (16, 32));
        let mut salt = [0u8; 64];
        assert_eq!(
            b64_decode(p.salt_b64, &mut salt).unwrap(),
            b"somesaltsomesalt"
        );
    }

    #[test]
    fn accepts_version_0x10() {
        let p = parse("$argon2i$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAA")
            .unwrap();
        assert_eq!((p.algorithm, p.version), (Algorithm::Argon2i, V0X10));
    }

    #[test]
    fn format_round_trips_and_matches_encoded_len() {
        let cost = Argon2Cost {
            m_cost: 19_456,
            t_cost: 2,
            p_cost: 1,
            salt_len: 16,
            output_len: 32,
        };
        let mut out = [0u8; 128];
        let hash = [7u8; 32];
        let s = format(
            Algorithm::Argon2id,
            &cost,
            b"somesaltsomesalt",
            &hash,
            &mut out,
        )
        .unwrap();
        assert!(s.starts_with("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"));
        assert_eq!(
            s.len(),
            encoded_len(Algorithm::Argon2id, 19_456, 2, 1, 16, 32)
        );
        let p = parse(s).unwrap();
        assert_eq!(p.cost(), cost);
        let mut buf = [0u8; 64];
        assert_eq!(b64_decode(p.hash_b64, &mut buf).unwrap(), &hash);
    }

    #[test]
    fn format_reports_short_buffer() {
        let cost = Argon2Cost {
            m_cost: 64,
            t_cost: 1,
            p_cost: 1,
            salt_len: 8,
            output_len: 16,
        };
        let need = encoded_len(Algorithm::Argon2i, 64, 1, 1, 8, 16);
        let mut out = [0u8; 128];
        let r = format(
            Algorithm::Argon2i,
            &cost,
            &[1; 8],
            &[2; 16],
            &mut out[..need - 1],
        );
        assert_eq!(r, Err(Error::BufferTooSmall));
        assert!(format(
            Algorithm::Argon2i,
            &cost,
            &[1; 8],
            &[2; 16],
            &mut out[..need]
        )
        .is_ok());
    }

    #[test]
    fn decimal_is_strict() {
        assert_eq!(decimal("0"), Ok(0));
        assert_eq!(decimal("4294967295"), Ok(u32::MAX));
        for bad in [
            "",
            "01",
            "+1",
            "-1",
            " 1",
            "1 ",
            "4294967296",
            "99999999999",
            "1_0",
            "٣",
        ] {
            assert_eq!(decimal(bad), Err(Error::InvalidHash), "{bad:?}");
        }
    }

    #[test]
    fn digits_counts_decimal_width() {
        for (n, d) in [(0, 1), (9, 1), (10, 2), (19_456, 5), (u32::MAX, 10)] {
            assert_eq!(digits(n), d);
        }
    }

    #[test]
    fn b64_validate_handles_long_fields_and_rejects_non_canonical() {
        // 100 bytes of 0xff: a long field.
        let s = "/".repeat(133) + "w";
        assert_eq!(b64_validate(&s), Ok(100));
        assert_eq!(b64_validate(""), Err(Error::InvalidHash));
        assert_eq!(b64_validate("AB"), Err(Error::InvalidHash)); // trailing bits set
        assert_eq!(b64_validate("AA=="), Err(Error::InvalidHash)); // padding
        assert_eq!(b64_validate("A"), Err(Error::InvalidHash)); // impossible length
        assert_eq!(b64_validate("AA-_"), Err(Error::InvalidHash)); // url alphabet
        assert_eq!(b64_validate("AA"), Ok(1));
    }

    /// What `Base64Unpadded` accepts for a salt or hash field is exactly the grammar above:
    /// every input of up to three printable characters, and every 4-character input over the
    /// alphabet's edges and its neighbours (padding, URL-safe and bcrypt characters, spaces),
    /// against a plain model of canonical unpadded base64.
    #[test]
    #[cfg_attr(miri, ignore = "exhaustive: too slow under Miri")]
    fn field_base64_is_exactly_canonical_unpadded() {
        use crate::password::base64_model::{decode as model, STANDARD};
        let chars: std::vec::Vec<u8> = (b' '..=b'~').collect();
        let few = b"AZaz09+/.-_= gh";
        let check = |s: &[u8]| {
            let s = core::str::from_utf8(s).unwrap();
            let mut buf = [0u8; 3];
            let ours = b64_decode(s, &mut buf).map(<[u8]>::to_vec).ok();
            assert_eq!(ours, model(STANDARD, s.as_bytes()), "{s:?}");
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
        // The encoder `format` uses writes what the model reads back, for every byte value.
        let data: [u8; 256] = core::array::from_fn(|i| i as u8);
        for len in 0..=data.len() {
            let mut text = [0u8; 344];
            let mut w = Writer {
                buf: &mut text,
                pos: 0,
            };
            w.b64(&data[..len]).unwrap();
            let enc = w.finish().unwrap();
            assert_eq!(
                model(STANDARD, enc.as_bytes()).as_deref(),
                Some(&data[..len])
            );
        }
    }

    #[test]
    fn b64_decode_refuses_a_short_buffer() {
        let mut buf = [0u8; 5];
        assert_eq!(b64_decode("Zm9vYmFy", &mut buf), Err(Error::InvalidHash));
        assert_eq!(b64_decode("Zm9vYmE", &mut buf).unwrap(), b"fooba");
    }

    #[test]
    fn rejects_malformed_strings() {
        let salt = "c29tZXNhbHRzb21lc2FsdA";
        let hash = "55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM";
        let bad = [
            std::format!("argon2id$v=19$m=64,t=1,p=1${salt}${hash}"),
            std::format!("$argon2$v=19$m=64,t=1,p=1${salt}${hash}"),
            std::format!("$Argon2id$v=19$m=64,t=1,p=1${salt}${hash}"),
            std::format!("$argon2id$v=18$m=64,t=1,p=1${salt}${hash}"),
            std::format!("$argon2id$v=019$m=64,t=1,p=1${salt}${hash}"),
            std::format!("$argon2id$v=19$t=1,m=64,p=1${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1,keyid=AAAA${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1,data=AAAA${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=0,p=1${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=0${salt}${hash}"),
            std::format!("$argon2id$v=19$m=7,t=1,p=1${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=16777216${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}$"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1$${hash}"),
            std::format!("$argon2id$m=64,t=1,p=1${salt}${hash}"), // no version
            std::format!("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbA${hash}"), // 7-byte salt
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}$AAAA"), // 3-byte output
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}${hash}="),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}${hash}$"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}${hash}$x"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}==${hash}"),
            std::format!("$argon2id$v=19$m=64 ,t=1,p=1${salt}${hash}"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${salt}${hash}\n"),
            std::format!("$argon2id$v=19$m=64,t=1,p=1${}${hash}", "A".repeat(500)),
            std::string::String::new(),
            "$".into(),
        ];
        for s in &bad {
            assert_eq!(parse(s), Err(Error::InvalidHash), "{s:?}");
        }
    }
}
