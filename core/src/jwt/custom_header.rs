//! Signing with a caller-supplied header (RFC 7515 §4: private header parameters).
//!
//! A recipient ignores header parameters it does not understand unless they are listed in
//! `crit`, so a token may carry parameters of its issuer's own (`{"x-request":1}`). The header
//! JSON given here is checked with the verifier's own rules ([`Header::parse`]: `alg` exactly
//! the key's algorithm, `HS256` or `EdDSA`; no `crit`, `b64`, `jku`, `jwk`, `x5u`, `x5c`; `typ` and `kid` well formed; no
//! duplicates) and the payload with the payload rules ([`Claims::parse`]) before anything is
//! signed: a header or payload the verifier would refuse is never signed.

use super::alg::{Alg, MAX_SIG_LEN};
use super::b64;
use super::claims::Claims;
use super::header::Header;
use super::key::{Key, Kid, MAX_KID_LEN};
use crate::error::{Error, Result};

/// Exact length of the HS256 token [`encode_with_header`] writes for these input lengths (see
/// [`encoded_len_with_header_for`] for any algorithm).
pub const fn encoded_len_with_header(header_len: usize, payload_len: usize) -> usize {
    encoded_len_with_header_for(Alg::Hs256, header_len, payload_len)
}

/// Exact length of the token [`encode_with_header`] writes with a key of algorithm `alg`.
pub const fn encoded_len_with_header_for(alg: Alg, header_len: usize, payload_len: usize) -> usize {
    b64::encoded_len(header_len)
        .saturating_add(b64::encoded_len(payload_len))
        .saturating_add(2)
        .saturating_add(alg.sig_b64_len())
}

/// Signs `payload_json` under the JOSE header `header_json` (both serialized JSON objects) with
/// `key`, writing the compact token into `out`; returns its length.
///
/// # Errors
/// `InvalidKey` for a key that cannot sign (an Ed25519 public key). The header's:
/// `Malformed`/`NestingTooDeep` (not a JSON object), `UnsupportedAlg` (`alg` not exactly the
/// key's algorithm, [`Key::alg`]), `InvalidHeader` (a refused or mistyped parameter, a duplicate); the
/// payload's: `Malformed`, `NestingTooDeep`, `InvalidClaim`, `DuplicateClaim`;
/// `BufferTooSmall` when `out` is shorter than [`encoded_len_with_header`].
pub fn encode_with_header(
    header_json: &[u8],
    payload_json: &[u8],
    key: &Key,
    out: &mut [u8],
) -> Result<usize> {
    if !key.can_sign() {
        return Err(Error::InvalidKey);
    }
    if Header::parse(header_json)?.alg != key.alg() {
        return Err(Error::UnsupportedAlg);
    }
    Claims::parse(payload_json, &[])?;
    if encoded_len_with_header_for(key.alg(), header_json.len(), payload_json.len()) > out.len() {
        return Err(Error::BufferTooSmall);
    }
    let mut pos = 0;
    b64::encode_at(header_json, out, &mut pos)?;
    super::json::put(out, &mut pos, b".")?;
    b64::encode_at(payload_json, out, &mut pos)?;
    let mut sig = [0u8; MAX_SIG_LEN];
    let n = key.sign_into(out.get(..pos).ok_or(Error::BufferTooSmall)?, &mut sig)?;
    super::json::put(out, &mut pos, b".")?;
    b64::encode_at(sig.get(..n).ok_or(Error::BufferTooSmall)?, out, &mut pos)?;
    Ok(pos)
}

/// The header JSON of `token` **without verifying anything** (for routing by `kid`), checked
/// to be a JSON object ([`super::decode_header`]) whose `kid`, if present, is a string the
/// verifier would take (1 to 64 bytes unescaped): a token whose `kid` is a number, `null` or
/// too long is refused here as the verifier would refuse it (`InvalidHeader`). Other
/// parameters, `alg` included, are not judged: that is the verifier's work.
pub fn unverified_header<'b>(token: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8]> {
    let json = super::decode_header(token, buf)?;
    super::json::for_each_member(json, |k, v| {
        if k.eq_str("kid") {
            let mut kid = [0u8; MAX_KID_LEN];
            let text = v.as_str().ok_or(Error::InvalidHeader)?;
            let text = text
                .unescape_into(&mut kid)
                .map_err(|_| Error::InvalidHeader)?;
            if text.is_empty() || Kid::try_from(text).is_err() {
                return Err(Error::InvalidHeader);
            }
        }
        Ok(())
    })?;
    Ok(json)
}
