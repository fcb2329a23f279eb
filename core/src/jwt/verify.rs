//! Token verification, in the order of the security contract:
//!
//! 1. size limit, exactly three segments, strict unpadded canonical base64url;
//! 2. header: a JSON object, `alg` exactly `HS256` or `EdDSA` (`Ed25519`), `typ`
//!    `JWT`/`at+jwt`, no `crit`/`b64`/key-bearing parameters, `kid` selects the key, and the
//!    `alg` must be the chosen key's algorithm (`unsupported_alg` otherwise);
//! 3. signature check — constant-time MAC, or strict Ed25519 — **before** the payload is
//!    parsed;
//! 4. payload: a JSON object within the depth bound, registered claims typed, no duplicates,
//!    validated against `now` with leeway;
//! 5. only then are the claims handed to the caller.

use super::alg::{Alg, MAX_SIG_LEN, SIG_B64_LEN};
use super::b64;
use super::claims::Claims;
use super::header::{Header, Typ};
use super::key::KeyStore;
use super::validation::Validation;
use crate::error::{Error, Result};

/// The signature lengths of the algorithms compiled in.
#[cfg(feature = "eddsa")]
const SIG_LENS: [usize; 2] = [Alg::Hs256.sig_len(), Alg::EdDsa.sig_len()];
#[cfg(not(feature = "eddsa"))]
const SIG_LENS: [usize; 1] = [Alg::Hs256.sig_len()];

/// Upper bound on a decoded header's length.
pub const MAX_HEADER_LEN: usize = 1024;

/// A verified token: its header, its typed registered claims, and the verified payload JSON.
#[derive(Debug, Clone)]
pub struct Verified<'b> {
    /// Header facts (kid, typ).
    pub header: Header,
    /// Registered claims.
    pub claims: Claims<'b>,
    /// The payload JSON (validated: an object, depth-bounded, registered claims typed).
    pub payload: &'b [u8],
}

/// The three segments of a compact JWS.
struct Parts<'t> {
    header: &'t [u8],
    payload: &'t [u8],
    signing_input: &'t [u8],
    signature: &'t [u8],
}

fn split(token: &[u8], max_len: usize) -> Result<Parts<'_>> {
    if token.len() > max_len {
        return Err(Error::TokenTooLarge);
    }
    let dot = |s: &[u8]| super::json::find_byte(s, b'.');
    let d1 = dot(token).ok_or(Error::Malformed)?;
    let (header, rest) = token.split_at_checked(d1).ok_or(Error::Malformed)?;
    let rest = rest.get(1..).ok_or(Error::Malformed)?;
    let d2 = dot(rest).ok_or(Error::Malformed)?;
    let (payload, rest) = rest.split_at_checked(d2).ok_or(Error::Malformed)?;
    let signature = rest.get(1..).ok_or(Error::Malformed)?;
    if dot(signature).is_some() {
        return Err(Error::Malformed);
    }
    let signing_len = d1.saturating_add(1).saturating_add(d2);
    Ok(Parts {
        header,
        payload,
        signing_input: token.get(..signing_len).ok_or(Error::Malformed)?,
        signature,
    })
}

/// [`split`] for the common shape: an HS256 signature is exactly [`SIG_B64_LEN`] characters (an
/// EdDSA one [`super::alg::eddsa::SIG_B64_LEN`]), so the second dot sits one byte before them
/// and only the header is searched. The payload and signature
/// are not searched for stray dots here: a dot is not base64url, so decoding them fails, and
/// [`classify`] then reports what [`split`] would have (`Malformed` for a fourth segment).
fn split_fast(token: &[u8], max_len: usize) -> Result<Parts<'_>> {
    if token.len() > max_len {
        return Err(Error::TokenTooLarge);
    }
    let at = |sig_len: usize| {
        let second = token.len().wrapping_sub(sig_len + 1);
        let shaped = token.len() > sig_len + 1 && token.get(second) == Some(&b'.');
        shaped.then_some(second)
    };
    let second = at(SIG_B64_LEN);
    #[cfg(feature = "eddsa")]
    let second = second.or_else(|| at(super::alg::eddsa::SIG_B64_LEN));
    let Some(second) = second else {
        return split(token, max_len);
    };
    let first = super::json::find_byte(token.get(..second).unwrap_or_default(), b'.');
    let Some(d1) = first else {
        return split(token, max_len);
    };
    match (
        token.get(..d1),
        token.get(d1 + 1..second),
        token.get(..second),
        token.get(second + 1..),
    ) {
        (Some(header), Some(payload), Some(signing_input), Some(signature)) => Ok(Parts {
            header,
            payload,
            signing_input,
            signature,
        }),
        _ => split(token, max_len),
    }
}

/// The error to report for a segment that failed to decode after [`split_fast`]: a structural
/// error [`split`] finds takes precedence, as it would have without the fast path.
fn classify(token: &[u8], err: Error) -> Error {
    if cfg!(feature = "size_opt") {
        return err; // the full split already ran
    }
    match split(token, usize::MAX) {
        Err(structural) => structural,
        Ok(_) => err,
    }
}

/// Base64url of the header this crate (and PyJWT, and jose with these parameters) writes,
/// `{"alg":"HS256","typ":"JWT"}`, and of its RFC 9068 variant `{"alg":"HS256","typ":"at+jwt"}`.
/// A token carrying one of them byte for byte has a header whose parse result is known; any
/// other header goes through [`Header::parse`].
const PLAIN_HEADERS: &[(&[u8], Alg, Typ)] = &[
    (
        b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        Alg::Hs256,
        Typ::Jwt,
    ),
    (
        b"eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9",
        Alg::Hs256,
        Typ::AtJwt,
    ),
    // `{"alg":"EdDSA","typ":"JWT"}` and `{"alg":"EdDSA","typ":"at+jwt"}`.
    #[cfg(feature = "eddsa")]
    (
        b"eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9",
        Alg::EdDsa,
        Typ::Jwt,
    ),
    #[cfg(feature = "eddsa")]
    (
        b"eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9",
        Alg::EdDsa,
        Typ::AtJwt,
    ),
];

fn known_header(seg: &[u8]) -> Option<Header> {
    PLAIN_HEADERS
        .iter()
        .find(|(enc, _, _)| *enc == seg)
        .map(|&(_, alg, typ)| Header {
            alg,
            kid: None,
            typ: Some(typ),
        })
}

/// Verifies `token` with a key chosen from `keys`, validates its claims at time `now` (Unix
/// seconds), and returns them. `buf` receives the decoded header and payload; it needs
/// `token.len() * 3 / 4` bytes at most (`BufferTooSmall` otherwise). The payload is decoded
/// to the start of `buf` (`payload` is `buf[..payload.len()]`).
pub fn verify<'b, K: KeyStore + ?Sized>(
    token: &[u8],
    keys: &K,
    validation: &Validation<'_>,
    now: u64,
    buf: &'b mut [u8],
) -> Result<Verified<'b>> {
    // `size_opt`: the full split and no well-known headers (about 1 KB less code, a little
    // slower verify).
    let parts = match cfg!(feature = "size_opt") {
        true => split(token, validation.max_token_len)?,
        false => split_fast(token, validation.max_token_len)?,
    };
    // Decoding validates the alphabet and canonical form of every segment up front, so a bad
    // segment anywhere is `InvalidBase64` before any JSON is looked at. A header other than the
    // two well-known ones lands at the end of `buf`, the payload at its start; the payload is
    // not parsed before the MAC check.
    let known = match cfg!(feature = "size_opt") {
        true => None,
        false => known_header(parts.header),
    };
    let header_len = match known {
        Some(_) => 0,
        None => b64::decoded_len(parts.header),
    };
    if header_len > MAX_HEADER_LEN {
        return Err(classify(token, Error::InvalidHeader));
    }
    let (payload_buf, header_buf) = buf
        .len()
        .checked_sub(header_len)
        .and_then(|at| buf.split_at_mut_checked(at))
        .ok_or_else(|| classify(token, Error::BufferTooSmall))?;
    let decoded = decode_segments(&parts, known.is_none(), header_buf, payload_buf);
    let Decoded {
        header: header_json,
        payload,
        sig,
    } = decoded.map_err(|e| classify(token, e))?;
    let header = match known {
        Some(h) => h,
        None => Header::parse(header_json)?,
    };
    let key = keys.select(header.kid.as_deref())?;
    // The key fixes the algorithm: a header naming another one (an HS256 token against an
    // Ed25519 key, EdDSA against an HS256 secret) is refused before any signature check.
    if header.alg != key.alg() {
        return Err(Error::UnsupportedAlg);
    }
    let (sig, sig_len) = sig.ok_or(Error::InvalidSignature)?;
    let sig = sig.get(..sig_len).ok_or(Error::InvalidSignature)?;
    key.verify_sig(parts.signing_input, sig)?;

    let claims = Claims::parse(payload, validation.required)?;
    claims.validate(validation, now)?;
    Ok(Verified {
        header,
        claims,
        payload,
    })
}

/// Decodes the header (when `header` is set), the payload and the signature, in that order.
/// A signature longer than any algorithm's has its alphabet checked here (`InvalidBase64`)
/// and is reported as `InvalidSignature` only after the header and key checks, as `None`;
/// one of another length than the key's algorithm fails the key's check.
fn decode_segments<'h, 'p>(
    parts: &Parts<'_>,
    header: bool,
    header_buf: &'h mut [u8],
    payload_buf: &'p mut [u8],
) -> Result<Decoded<'h, 'p>> {
    let header_json: &'h [u8] = match header {
        true => b64::decode(parts.header, header_buf)?,
        false => &[],
    };
    let payload = b64::decode(parts.payload, payload_buf)?;
    let sig = match b64::decode_signature_up_to::<MAX_SIG_LEN>(parts.signature, &SIG_LENS) {
        Ok(sig) => Some(sig),
        Err(Error::InvalidSignature) => None,
        Err(e) => return Err(e),
    };
    Ok(Decoded {
        header: header_json,
        payload,
        sig,
    })
}

/// The decoded segments of a token (header JSON empty when it was a well-known one).
struct Decoded<'h, 'p> {
    header: &'h [u8],
    payload: &'p [u8],
    sig: Option<([u8; MAX_SIG_LEN], usize)>,
}

/// Verifies like [`verify`] and deserializes the payload into the caller's type `T` (with
/// `serde-json-core`; strings are unescaped into `scratch`).
pub fn verify_into<'b, T, K>(
    token: &[u8],
    keys: &K,
    validation: &Validation<'_>,
    now: u64,
    buf: &'b mut [u8],
    scratch: &mut [u8],
) -> Result<T>
where
    T: serde::Deserialize<'b>,
    K: KeyStore + ?Sized,
{
    let verified = verify(token, keys, validation, now, buf)?;
    let (value, _) = serde_json_core::from_slice_escaped::<T>(verified.payload, scratch)
        .map_err(|_| Error::InvalidPayload)?;
    Ok(value)
}

/// Decodes and checks the header **without verifying the token** (for `kid` routing or
/// diagnostics). Returns the header JSON, written into `buf`: a JSON object (`Malformed`)
/// whose member names are distinct after unescaping (`InvalidHeader`: a reader that keeps the
/// last copy would see another header than one that keeps the first). Never trust it for
/// decisions.
pub fn decode_header<'b>(token: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8]> {
    let parts = split(token, super::validation::DEFAULT_MAX_TOKEN_LEN)?;
    b64::check(parts.header)?;
    let json = b64::decode(parts.header, buf)?;
    super::json::check_distinct_members(json, Error::InvalidHeader)?;
    Ok(json)
}

/// Decodes the payload **without verifying the signature or any claim**. The structure is
/// still checked (three segments, strict base64url, header `alg`, payload a bounded JSON
/// object with typed registered claims). Only for debugging or migrations.
pub fn decode_unverified<'b>(token: &[u8], max_len: usize, buf: &'b mut [u8]) -> Result<&'b [u8]> {
    let parts = split(token, max_len)?;
    b64::check(parts.header)?;
    b64::check(parts.payload)?;
    b64::check(parts.signature)?;
    Header::parse(b64::decode(parts.header, buf)?)?;
    let payload: &'b [u8] = b64::decode(parts.payload, buf)?;
    Claims::parse(payload, &[])?;
    Ok(payload)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn well_known_headers_are_what_the_encoder_writes() {
        for &(enc, alg, typ) in PLAIN_HEADERS {
            let mut json = [0u8; 64];
            let n = Header::write(&mut json, alg, None, typ).unwrap();
            let mut out = [0u8; 64];
            let mut pos = 0;
            b64::encode_at(&json[..n], &mut out, &mut pos).unwrap();
            assert_eq!(&out[..pos], enc);
            // The shortcut and the parser agree.
            assert_eq!(known_header(enc), Some(Header::parse(&json[..n]).unwrap()));
        }
        assert_eq!(known_header(b"eyJhbGciOiJIUzI1NiJ9"), None);
    }

    #[test]
    fn fast_split_reports_what_the_full_split_reports() {
        let sig = "A".repeat(SIG_B64_LEN);
        let h = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        let big = "e".repeat(4 * MAX_HEADER_LEN);
        let cases: Vec<std::string::String> = std::vec![
            std::format!("{h}.e30.{sig}"),
            std::format!("{h}.e30.e30.{sig}"),
            std::format!("{h}..{sig}"),
            std::format!("{h}.{sig}"),
            std::format!(".e30.{sig}"),
            std::format!("{big}.e30.e30.{sig}"),
            std::format!("{h}.e3.{sig}"),
            std::format!("{h}.e30.{sig}."),
            std::format!("{h}.e30.{}", "A".repeat(SIG_B64_LEN + 1)),
            std::format!("{h}.e30.A.{}", "A".repeat(SIG_B64_LEN - 2)),
            // EdDSA-shaped: an 86-character signature.
            std::format!("{h}.e30.{}", "A".repeat(86)),
            std::format!(
                "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.e30.{}",
                "A".repeat(86)
            ),
            std::format!("{h}.e30.e30.{}", "A".repeat(86)),
            std::format!("{h}.e30.A.{}", "A".repeat(84)),
            std::format!("{h}.e30.{}", "A".repeat(87)),
        ];
        let key = super::super::Key::new(&[7u8; 32]).unwrap();
        let v = Validation::new();
        for t in &cases {
            let mut buf = [0u8; 8192];
            let got = verify(t.as_bytes(), &key, &v, 0, &mut buf).map(|_| ());
            // Without the fast path: the full split first, then the same steps.
            let want = split(t.as_bytes(), usize::MAX).and(got);
            assert_eq!(got, want, "{t}");
            if t.matches('.').count() != 2 {
                assert_eq!(got, Err(Error::Malformed), "{t}");
            }
        }
    }

    #[test]
    fn payload_is_decoded_to_the_start_of_the_buffer() {
        use super::super::{encode_json, EncodeOptions, Key, Typ};
        let payload = br#"{"exp":100,"sub":"s"}"#;
        for typ in [Typ::Jwt, Typ::AtJwt] {
            // A well-known header (no kid) and one that is decoded into the buffer (kid).
            for kid in [None, Some("k1")] {
                let key = match kid {
                    Some(kid) => Key::with_kid(&[7u8; 32], kid).unwrap(),
                    None => Key::new(&[7u8; 32]).unwrap(),
                };
                let opts = EncodeOptions { typ, kid: None };
                let mut token = [0u8; 256];
                let n = encode_json(payload, &key, &opts, &mut token).unwrap();
                let mut buf = [0xAAu8; 256];
                let len = verify(&token[..n], &key, &Validation::new(), 50, &mut buf)
                    .unwrap()
                    .payload
                    .len();
                assert_eq!(&buf[..len], payload);
                // The smallest buffer that holds header and payload still works.
                let header = token[..n].split(|&b| b == b'.').next().unwrap();
                let shortcut = known_header(header).filter(|_| !cfg!(feature = "size_opt"));
                let need = match shortcut {
                    Some(_) => 0,
                    None => b64::decoded_len(header),
                };
                let mut small = std::vec![0u8; need + len];
                assert!(verify(&token[..n], &key, &Validation::new(), 50, &mut small).is_ok());
                assert_eq!(&small[..len], payload);
            }
        }
    }
}
