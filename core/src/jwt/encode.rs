//! Token signing into a caller buffer.
//!
//! The encoder validates the payload with the same rules as the verifier (a JSON object within
//! the depth bound, registered claims well typed, no duplicates), so it never produces a token
//! that [`super::verify`] would refuse for its structure.

use super::alg::MAX_SIG_LEN;
use super::b64;
use super::claims::Claims;
use super::header::{Header, Typ};
use super::key::{kid_ok, Key};
use crate::error::{Error, Result};

/// Header options for [`encode_with`].
#[derive(Debug, Clone, Copy)]
pub struct EncodeOptions<'a> {
    /// Header `typ`: `JWT` (default) or `at+jwt`.
    pub typ: Typ,
    /// Header `kid`; defaults to the key's own `kid`. A `kid` the verifier would refuse
    /// (empty, over [`super::key::MAX_KID_LEN`] bytes, not printable ASCII, `"` or `\`) is
    /// [`Error::InvalidHeader`].
    pub kid: Option<&'a str>,
}

impl Default for EncodeOptions<'_> {
    fn default() -> Self {
        Self {
            typ: Typ::Jwt,
            kid: None,
        }
    }
}

/// Bytes of a header JSON [`encode_with`] and [`encode_json`] write at most (`kid` ≤ 64
/// printable bytes, escaped at most 2× here): with
/// [`super::custom_header::encoded_len_with_header_for`], a bound on the length of any token
/// they write for a payload.
pub const MAX_HEADER_JSON: usize = 192;
/// Payload bytes moved per base64 step (a multiple of 3).
const CHUNK: usize = 48;

/// Serializes `claims` (any `serde::Serialize`, via `serde-json-core`) and signs it with
/// `key` (with the key's algorithm, [`Key::alg`]), writing the compact token into `out`.
/// Returns the token's length. `InvalidKey` for a key that cannot sign (an Ed25519 public
/// key).
pub fn encode<C: serde::Serialize + ?Sized>(
    claims: &C,
    key: &Key,
    out: &mut [u8],
) -> Result<usize> {
    encode_with(claims, key, &EncodeOptions::default(), out)
}

/// Like [`encode`] with header options.
pub fn encode_with<C: serde::Serialize + ?Sized>(
    claims: &C,
    key: &Key,
    opts: &EncodeOptions<'_>,
    out: &mut [u8],
) -> Result<usize> {
    let mut pos = write_header(key, opts, out)?;
    let body = out.get_mut(pos..).ok_or(Error::BufferTooSmall)?;
    let n = serde_json_core::to_slice(claims, body).map_err(|e| match e {
        serde_json_core::ser::Error::BufferFull => Error::BufferTooSmall,
        _ => Error::InvalidPayload,
    })?;
    finish(key, out, &mut pos, n)?;
    Ok(pos)
}

/// Signs an already-serialized JSON payload (what the bindings use). The payload is checked
/// with the verifier's structural rules first (`Malformed`, `NestingTooDeep`,
/// `InvalidClaim`, `DuplicateClaim`).
pub fn encode_json(
    payload: &[u8],
    key: &Key,
    opts: &EncodeOptions<'_>,
    out: &mut [u8],
) -> Result<usize> {
    Claims::parse(payload, &[])?;
    let mut pos = write_header(key, opts, out)?;
    // The payload is not in `out`: encoded straight from where it is (no in-place move).
    b64::encode_at(payload, out, &mut pos)?;
    sign_tail(key, out, &mut pos)?;
    Ok(pos)
}

fn write_header(key: &Key, opts: &EncodeOptions<'_>, out: &mut [u8]) -> Result<usize> {
    if !key.can_sign() {
        return Err(Error::InvalidKey);
    }
    let mut json = [0u8; MAX_HEADER_JSON];
    let kid = opts.kid.or(key.kid());
    if !kid.is_none_or(kid_ok) {
        return Err(Error::InvalidHeader);
    }
    let n = Header::write(&mut json, key.alg(), kid, opts.typ)?;
    let mut pos = 0;
    b64::encode_at(json.get(..n).ok_or(Error::BufferTooSmall)?, out, &mut pos)?;
    super::json::put(out, &mut pos, b".")?;
    Ok(pos)
}

/// `out[*pos..*pos + n]` holds payload JSON produced by serde: check it, then finish.
fn finish(key: &Key, out: &mut [u8], pos: &mut usize, n: usize) -> Result<()> {
    let end = pos.checked_add(n).ok_or(Error::BufferTooSmall)?;
    Claims::parse(out.get(*pos..end).ok_or(Error::BufferTooSmall)?, &[])?;
    finish_checked(key, out, pos, n)
}

/// Base64url-encodes the `n` payload bytes at `out[*pos..]` in place, then appends `.` and the
/// signature over everything before it. The JSON is first moved to the end of `out`, then encoded
/// forward in chunks; the write position never overtakes the unread input because the
/// finished token (which is longer than JSON + chunk slack) fits in `out`.
fn finish_checked(key: &Key, out: &mut [u8], pos: &mut usize, n: usize) -> Result<()> {
    let start = *pos;
    let total = start
        .checked_add(b64::encoded_len(n))
        .and_then(|t| t.checked_add(1))
        .and_then(|t| t.checked_add(key.alg().sig_b64_len()))
        .ok_or(Error::BufferTooSmall)?;
    if total > out.len() {
        return Err(Error::BufferTooSmall);
    }
    let src_start = out.len().checked_sub(n).ok_or(Error::BufferTooSmall)?;
    let end = start.checked_add(n).ok_or(Error::BufferTooSmall)?;
    // `out[start..end]` moves right to `out[src_start..]` (`src_start >= start`: the token is
    // longer than the JSON). Disjoint ranges (the usual case): one copy. Overlapping ones:
    // byte by byte from the end. Not `copy_within`, whose range checks the optimiser keeps at
    // opt-level "s" (a panic path).
    match out.split_at_mut_checked(src_start) {
        Some((lo, hi)) if end <= src_start => {
            let (src, dst) = (lo.get(start..end), hi.get_mut(..n));
            match (src, dst) {
                (Some(src), Some(dst)) if src.len() == dst.len() => dst.copy_from_slice(src),
                _ => return Err(Error::BufferTooSmall),
            }
        }
        _ => {
            for i in (0..n).rev() {
                let b = *out
                    .get(start.saturating_add(i))
                    .ok_or(Error::BufferTooSmall)?;
                *out.get_mut(src_start.saturating_add(i))
                    .ok_or(Error::BufferTooSmall)? = b;
            }
        }
    }
    let mut read = src_start;
    let mut write = start;
    while read < out.len() {
        let take = CHUNK.min(out.len().saturating_sub(read));
        let mut chunk = [0u8; CHUNK];
        let (dst, src) = (
            chunk.get_mut(..take).ok_or(Error::BufferTooSmall)?,
            out.get(read..read.saturating_add(take))
                .ok_or(Error::BufferTooSmall)?,
        );
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
        read = read.saturating_add(take);
        b64::encode_at(
            chunk.get(..take).ok_or(Error::BufferTooSmall)?,
            out,
            &mut write,
        )?;
        if write > read {
            return Err(Error::BufferTooSmall);
        }
    }
    sign_tail(key, out, &mut write)?;
    *pos = write;
    Ok(())
}

/// Appends `.` and the signature over `out[..*pos]` (the encoded header and payload) at `*pos`.
fn sign_tail(key: &Key, out: &mut [u8], pos: &mut usize) -> Result<()> {
    let mut sig = [0u8; MAX_SIG_LEN];
    let n = key.sign_into(out.get(..*pos).ok_or(Error::BufferTooSmall)?, &mut sig)?;
    super::json::put(out, pos, b".")?;
    b64::encode_at(sig.get(..n).ok_or(Error::BufferTooSmall)?, out, pos)
}
