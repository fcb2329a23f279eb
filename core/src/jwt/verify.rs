//! Token verification, in the order of the security contract:
//!
//! 1. size limit, exactly three segments, strict unpadded canonical base64url;
//! 2. header: a JSON object, `alg` exactly `HS256`, `typ` `JWT`/`at+jwt`, no `crit`/`b64`/
//!    key-bearing parameters, `kid` selects the key;
//! 3. constant-time MAC check — **before** the payload is parsed;
//! 4. payload: a JSON object within the depth bound, registered claims typed, no duplicates,
//!    validated against `now` with leeway;
//! 5. only then are the claims handed to the caller.

use super::b64;
use super::claims::Claims;
use super::header::Header;
use super::key::KeyStore;
use super::validation::Validation;
use crate::error::{Error, Result};
use hmac::Mac;

/// Length of an HS256 signature in bytes.
pub const SIG_LEN: usize = 32;
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

/// Verifies `token` with a key chosen from `keys`, validates its claims at time `now` (Unix
/// seconds), and returns them. `buf` receives the decoded header and payload; it needs
/// `token.len() * 3 / 4` bytes at most (`BufferTooSmall` otherwise).
pub fn verify<'b, K: KeyStore + ?Sized>(
    token: &[u8],
    keys: &K,
    validation: &Validation<'_>,
    now: u64,
    buf: &'b mut [u8],
) -> Result<Verified<'b>> {
    let parts = split(token, validation.max_token_len)?;
    // Decoding validates the alphabet and canonical form of every segment up front, so a bad
    // segment anywhere is `InvalidBase64` before any JSON is looked at. The header lands in
    // `buf`, the payload right after it; the payload is not parsed before the MAC check.
    let header_len = b64::decoded_len(parts.header);
    if header_len > MAX_HEADER_LEN {
        return Err(Error::InvalidHeader);
    }
    let (header_buf, payload_buf) = buf
        .split_at_mut_checked(header_len)
        .ok_or(Error::BufferTooSmall)?;
    let header_json = b64::decode(parts.header, header_buf)?;
    let payload: &'b [u8] = b64::decode(parts.payload, payload_buf)?;
    b64::check(parts.signature)?;

    let header = Header::parse(header_json)?;
    let key = keys.select(header.kid.as_deref())?;
    let sig = b64::decode_signature(parts.signature)?;

    let mut mac = key.mac();
    mac.update(parts.signing_input);
    mac.verify_slice(&sig)
        .map_err(|_| Error::InvalidSignature)?;

    let claims = Claims::parse(payload, validation.required)?;
    claims.validate(validation, now)?;
    Ok(Verified {
        header,
        claims,
        payload,
    })
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
/// diagnostics). Returns the header JSON, written into `buf`. Never trust it for decisions.
pub fn decode_header<'b>(token: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8]> {
    let parts = split(token, super::validation::DEFAULT_MAX_TOKEN_LEN)?;
    b64::check(parts.header)?;
    let json = b64::decode(parts.header, buf)?;
    super::json::for_each_member(json, |_, _| Ok(()))?;
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
