//! JSON Web Keys (RFC 7517) for Ed25519 (RFC 8037 `OKP`), over fixed buffers.
//!
//! Reading a public JWK ([`Key::from_jwk`]): `kty` must be `OKP`, `crv` `Ed25519`, `x` the
//! 32-byte key in unpadded base64url (checked as [`Ed25519PublicKey::from_bytes`] does: no
//! small-order or non-canonical point); a private `d` is refused (a verifier must never be
//! handed the key that mints); `kid`, when present, is the key's `kid` (else the RFC 7638
//! thumbprint); `use`, when present, must be `sig`; `alg`, when present, `EdDSA` or
//! `Ed25519`; `key_ops`, when present, must list `verify` (`sign` for a private JWK). A member
//! given twice is refused. Every refusal is [`Error::InvalidKey`].
//!
//! Reading a JWK set ([`read_jwks`]): `{"keys":[…]}`. As RFC 7517 §5 asks, an entry of a
//! type we do not use (another `kty` or `crv`, `use` `enc`, another `alg`, `key_ops` without
//! `verify`, a `kid` longer than a token's `kid` may be) is skipped; an Ed25519 entry that is
//! malformed (wrong `x` length, weak point, `d` present, a member twice) refuses the whole
//! set, and so do two entries with the same `kid` (counting the thumbprint of an entry without
//! one), and a set with no usable key.
//!
//! Writing ([`Key::write_jwk`], [`write_jwks`]): public members only —
//! `{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"use":"sig","alg":"EdDSA"}`. An HS256 key is
//! never written: [`Key::write_jwk`] refuses it and [`write_jwks`] leaves it out.

use super::ed25519::{Ed25519PrivateKey, Ed25519PublicKey, KEY_LEN};
use super::json::{self, JsonStr, Value};
use super::key::{kid_ok, Key, KeySet, Kid, MAX_KID_LEN};
use crate::error::{Error, Result};
use base64ct::{Base64UrlUnpadded, Encoding};

/// Longest JWK [`Key::write_jwk`] writes (with a 64-byte `kid`).
pub const MAX_JWK_LEN: usize = JWK_FIXED_LEN + MAX_KID_LEN;

/// Longest JWK set [`write_jwks`] writes for `keys` keys (each at most [`MAX_JWK_LEN`]), to
/// size its buffer.
pub const fn max_jwks_len(keys: usize) -> usize {
    b"{\"keys\":[]}"
        .len()
        .saturating_add(keys.saturating_mul(MAX_JWK_LEN + 1))
}

const JWK_HEAD: &[u8] = b"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"";
const JWK_KID: &[u8] = b"\",\"kid\":\"";
const JWK_TAIL: &[u8] = b"\",\"use\":\"sig\",\"alg\":\"EdDSA\"}";
const JWK_FIXED_LEN: usize = JWK_HEAD.len() + 43 + JWK_KID.len() + JWK_TAIL.len();

/// What one JWK object says, before it becomes a key.
struct Parsed {
    /// Usable as an Ed25519 signature key (kty, crv, use, alg, key_ops all fit).
    usable: bool,
    x: Option<[u8; KEY_LEN]>,
    d: Option<zeroize::Zeroizing<[u8; KEY_LEN]>>,
    kid: Option<Kid>,
    /// A `kid` member was present but is not one a token can carry.
    kid_unusable: bool,
}

/// Reads a base64url member of exactly 32 bytes.
fn b64_32(s: JsonStr<'_>) -> Result<[u8; KEY_LEN]> {
    let raw = s.as_plain_str().ok_or(Error::InvalidKey)?;
    let mut out = [0u8; KEY_LEN];
    let n = Base64UrlUnpadded::decode(raw, &mut out)
        .map_err(|_| Error::InvalidKey)?
        .len();
    match n == KEY_LEN {
        true => Ok(out),
        false => Err(Error::InvalidKey),
    }
}

/// Parses one JWK object. `want_op` is the `key_ops` entry the use needs (`verify`/`sign`).
fn parse(doc: &[u8], want_op: &str) -> Result<Parsed> {
    let mut p = Parsed {
        usable: true,
        x: None,
        d: None,
        kid: None,
        kid_unusable: false,
    };
    let (mut kty, mut crv) = (false, false);
    json::for_each_unique_member(doc, |k, v| {
        let s = v.as_str();
        if k.eq_str("kty") {
            kty = s.ok_or(Error::InvalidKey)?.eq_str("OKP");
        } else if k.eq_str("crv") {
            crv = s.ok_or(Error::InvalidKey)?.eq_str("Ed25519");
        } else if k.eq_str("x") {
            p.x = Some(b64_32(s.ok_or(Error::InvalidKey)?)?);
        } else if k.eq_str("d") {
            p.d = Some(zeroize::Zeroizing::new(b64_32(
                s.ok_or(Error::InvalidKey)?,
            )?));
        } else if k.eq_str("kid") {
            let mut buf = [0u8; MAX_KID_LEN];
            let text = s.ok_or(Error::InvalidKey)?.unescape_into(&mut buf);
            match text.ok().filter(|t| kid_ok(t)).map(Kid::try_from) {
                Some(Ok(kid)) => p.kid = Some(kid),
                _ => p.kid_unusable = true,
            }
        } else if k.eq_str("use") {
            p.usable &= s.ok_or(Error::InvalidKey)?.eq_str("sig");
        } else if k.eq_str("alg") {
            let alg = s.ok_or(Error::InvalidKey)?;
            p.usable &= alg.eq_str("EdDSA") || alg.eq_str("Ed25519");
        } else if k.eq_str("key_ops") {
            let Value::Array(ops) = v else {
                return Err(Error::InvalidKey);
            };
            p.usable &= key_ops_allow(ops, want_op)?;
        }
        Ok(())
    })
    .map_err(|_| Error::InvalidKey)?;
    p.usable &= kty && crv && !p.kid_unusable;
    Ok(p)
}

/// `key_ops`: an array of distinct strings (RFC 7517 §4.3); true when it lists `want`.
fn key_ops_allow(ops: &[u8], want: &str) -> Result<bool> {
    let mut found = false;
    let mut i = 0usize;
    json::for_each_element(ops, |v| {
        let op = v.as_str().ok_or(Error::InvalidKey)?;
        // Distinct values: compare with every earlier element.
        let mut j = 0usize;
        json::for_each_element(ops, |w| {
            if j < i && w.as_str().is_some_and(|w| same_str(w, op)) {
                return Err(Error::InvalidKey);
            }
            j = j.saturating_add(1);
            Ok(())
        })?;
        found |= op.eq_str(want);
        i = i.saturating_add(1);
        Ok(())
    })?;
    Ok(found)
}

fn same_str(a: JsonStr<'_>, b: JsonStr<'_>) -> bool {
    a.chars().eq(b.chars())
}

impl Parsed {
    /// The public key of a usable, well-formed entry.
    fn public(&self) -> Result<Ed25519PublicKey> {
        Ed25519PublicKey::from_bytes(self.x.as_ref().ok_or(Error::InvalidKey)?)
    }

    /// The `kid` the key gets: its own, else the thumbprint.
    fn effective_kid(&self, public: &Ed25519PublicKey) -> Kid {
        self.kid.clone().unwrap_or_else(|| public.thumbprint())
    }
}

impl Key {
    /// A verify-only Ed25519 key from a public JWK (the rules in the [module](self) docs).
    /// [`Error::InvalidKey`] for anything else, a JWK with `d` included.
    pub fn from_jwk(jwk: &[u8]) -> Result<Self> {
        let p = parse(jwk, "verify")?;
        if !p.usable || p.d.is_some() {
            return Err(Error::InvalidKey);
        }
        let public = p.public()?;
        Key::ed25519_public(public, p.kid.as_deref())
    }

    /// A signing Ed25519 key from a private JWK (`d` required; `x`, which must be `d`'s public
    /// key; `key_ops`, when present, must list `sign`). [`Error::InvalidKey`] otherwise.
    pub fn from_private_jwk(jwk: &[u8]) -> Result<Self> {
        let p = parse(jwk, "sign")?;
        let d = p.d.as_ref().ok_or(Error::InvalidKey)?;
        if !p.usable {
            return Err(Error::InvalidKey);
        }
        let key = Ed25519PrivateKey::from_seed(d);
        if Some(key.public_key().to_bytes()) != p.x {
            return Err(Error::InvalidKey);
        }
        Key::ed25519_private(key, p.kid.as_deref())
    }

    /// Writes this key's public JWK into `out` (at most [`MAX_JWK_LEN`] bytes); returns its
    /// length. [`Error::InvalidKey`] for an HS256 key: a secret is never written as a JWK.
    pub fn write_jwk(&self, out: &mut [u8]) -> Result<usize> {
        let public = self.ed25519_public_key().ok_or(Error::InvalidKey)?;
        let mut pos = 0;
        json::put(out, &mut pos, JWK_HEAD)?;
        let mut x = [0u8; 43];
        let x = Base64UrlUnpadded::encode(public.as_bytes(), &mut x)
            .map_err(|_| Error::BufferTooSmall)?;
        json::put(out, &mut pos, x.as_bytes())?;
        json::put(out, &mut pos, JWK_KID)?;
        // A kid holds no `"` or `\` (the kid rule), so it is written as is.
        let thumbprint = public.thumbprint();
        json::put(out, &mut pos, self.kid().unwrap_or(&thumbprint).as_bytes())?;
        json::put(out, &mut pos, JWK_TAIL)?;
        Ok(pos)
    }
}

/// Reads a JWK set (`{"keys":[…]}`, rules in the [module](self) docs) and hands each usable
/// key to `f`, in order; returns how many it handed over. [`Error::InvalidKey`] for a
/// malformed set or entry, duplicate `kid`s, or no usable key; `f`'s first error otherwise.
pub fn read_jwks<F>(doc: &[u8], mut f: F) -> Result<usize>
where
    F: FnMut(Key) -> Result<()>,
{
    let mut keys: Option<&[u8]> = None;
    json::for_each_unique_member(doc, |k, v| {
        if k.eq_str("keys") {
            match v {
                Value::Array(a) => keys = Some(a),
                _ => return Err(Error::InvalidKey),
            }
        }
        Ok(())
    })
    .map_err(|_| Error::InvalidKey)?;
    let keys = keys.ok_or(Error::InvalidKey)?;
    let mut count = 0usize;
    let mut index = 0usize;
    json::for_each_element(keys, |v| {
        let Value::Object(entry) = v else {
            return Err(Error::InvalidKey);
        };
        let p = parse(entry, "verify")?;
        let kid = entry_kid(&p)?;
        if let Some(kid) = &kid {
            if earlier_has_kid(keys, index, kid)? {
                return Err(Error::InvalidKey);
            }
        }
        index = index.saturating_add(1);
        if !p.usable {
            return Ok(());
        }
        if p.d.is_some() {
            return Err(Error::InvalidKey);
        }
        f(Key::ed25519_public(p.public()?, p.kid.as_deref())?)?;
        count = count.saturating_add(1);
        Ok(())
    })
    .map_err(|e| match e {
        Error::Malformed | Error::NestingTooDeep => Error::InvalidKey,
        e => e,
    })?;
    match count {
        0 => Err(Error::InvalidKey),
        n => Ok(n),
    }
}

/// The `kid` an entry is known by: its own, or for a usable Ed25519 entry its thumbprint (a
/// malformed Ed25519 entry is an error here already).
fn entry_kid(p: &Parsed) -> Result<Option<Kid>> {
    if p.kid.is_some() || !p.usable {
        return Ok(p.kid.clone());
    }
    let public = p.public()?;
    Ok(Some(p.effective_kid(&public)))
}

/// Whether one of the first `before` entries of `keys` is known by `kid`.
fn earlier_has_kid(keys: &[u8], before: usize, kid: &str) -> Result<bool> {
    let mut i = 0usize;
    let mut found = false;
    json::for_each_element(keys, |v| {
        if i < before {
            if let Value::Object(entry) = v {
                let p = parse(entry, "verify")?;
                found |= entry_kid(&p)?.as_deref() == Some(kid);
            }
        }
        i = i.saturating_add(1);
        Ok(())
    })?;
    Ok(found)
}

/// Writes the JWK set of the public halves of the Ed25519 keys among `keys` (HS256 keys are
/// left out: a secret is never published) into `out`; returns its length. Two keys with the
/// same `kid` are [`Error::InvalidKey`].
pub fn write_jwks<'k, I>(keys: I, out: &mut [u8]) -> Result<usize>
where
    I: IntoIterator<Item = &'k Key> + Clone,
{
    let mut pos = 0;
    json::put(out, &mut pos, b"{\"keys\":[")?;
    let mut first = true;
    for (i, key) in keys.clone().into_iter().enumerate() {
        if key.ed25519_public_key().is_none() {
            continue;
        }
        let dup = keys
            .clone()
            .into_iter()
            .take(i)
            .any(|k| k.ed25519_public_key().is_some() && k.kid() == key.kid());
        if dup {
            return Err(Error::InvalidKey);
        }
        if !first {
            json::put(out, &mut pos, b",")?;
        }
        first = false;
        let rest = out.get_mut(pos..).ok_or(Error::BufferTooSmall)?;
        pos = pos.saturating_add(key.write_jwk(rest)?);
    }
    json::put(out, &mut pos, b"]}")?;
    Ok(pos)
}

impl<const N: usize> KeySet<N> {
    /// A key set holding the usable keys of a JWK set ([`read_jwks`]); the first is the
    /// default. [`Error::InvalidKey`] also when they are more than `N`.
    pub fn from_jwks(doc: &[u8]) -> Result<Self> {
        let mut set = Self::new();
        read_jwks(doc, |k| set.push(k))?;
        Ok(set)
    }

    /// Writes the JWK set of this set's Ed25519 public keys ([`write_jwks`]).
    pub fn write_jwks(&self, out: &mut [u8]) -> Result<usize> {
        write_jwks(self.keys(), out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::jwt::KeyStore;
    use std::string::String;

    // RFC 8037 A.1 / A.2.
    const PRIVATE: &str = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    const PUBLIC: &str =
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    const THUMB: &str = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    fn jwk(extra: &str) -> String {
        std::format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"{extra}}}"#
        )
    }

    #[test]
    fn reads_rfc8037_keys() {
        let k = Key::from_jwk(PUBLIC.as_bytes()).unwrap();
        assert_eq!(k.kid(), Some(THUMB));
        assert!(!k.can_sign());
        let s = Key::from_private_jwk(PRIVATE.as_bytes()).unwrap();
        assert!(s.can_sign());
        assert_eq!(s.kid(), Some(THUMB));
        // `d` where a public key is expected; no `d` where a private one is.
        assert_eq!(
            Key::from_jwk(PRIVATE.as_bytes()).unwrap_err(),
            Error::InvalidKey
        );
        assert_eq!(
            Key::from_private_jwk(PUBLIC.as_bytes()).unwrap_err(),
            Error::InvalidKey
        );
    }

    #[test]
    fn honours_use_alg_key_ops_and_refuses_the_rest() {
        for ok in [
            r#","kid":"k1""#,
            r#","use":"sig""#,
            r#","alg":"EdDSA""#,
            r#","alg":"Ed25519""#,
            r#","key_ops":["verify"]"#,
            r#","key_ops":["sign","verify"]"#,
            r#","ext":true"#,
        ] {
            assert!(Key::from_jwk(jwk(ok).as_bytes()).is_ok(), "{ok}");
        }
        for bad in [
            r#","use":"enc""#,
            r#","alg":"HS256""#,
            r#","alg":"eddsa""#,
            r#","key_ops":["sign"]"#,
            r#","key_ops":"verify""#,
            r#","key_ops":["verify","verify"]"#,
            r#","kid":"""#,
            r#","kid":1"#,
            r#","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo""#,
            r#","kty":"OKP""#,
        ] {
            assert_eq!(
                Key::from_jwk(jwk(bad).as_bytes()).unwrap_err(),
                Error::InvalidKey,
                "{bad}"
            );
        }
        for bad in [
            r#"{"kty":"EC","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            r#"{"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURoA"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
            r#"{"kty":"OKP","crv":"Ed25519"}"#,
            r#"{"kty":"oct","k":"c2VjcmV0"}"#,
            "[]",
            "{",
        ] {
            assert_eq!(
                Key::from_jwk(bad.as_bytes()).unwrap_err(),
                Error::InvalidKey,
                "{bad}"
            );
        }
    }

    #[test]
    fn writes_what_it_reads() {
        let k = Key::from_jwk(jwk(r#","kid":"k1""#).as_bytes()).unwrap();
        let mut out = [0u8; MAX_JWK_LEN];
        let n = k.write_jwk(&mut out).unwrap();
        let text = core::str::from_utf8(&out[..n]).unwrap();
        assert_eq!(
            text,
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k1","use":"sig","alg":"EdDSA"}"#
        );
        assert_eq!(Key::from_jwk(text.as_bytes()).unwrap().kid(), Some("k1"));
        let hs = Key::new(&[7u8; 32]).unwrap();
        assert_eq!(hs.write_jwk(&mut out).unwrap_err(), Error::InvalidKey);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
    )]
    fn jwks_round_trip_skips_foreign_and_refuses_duplicates() {
        let mut set = KeySet::<4>::new();
        set.push(Key::with_kid(&[7u8; 32], "hs").unwrap()).unwrap();
        set.push(Key::from_jwk(PUBLIC.as_bytes()).unwrap()).unwrap();
        let signer = Key::from(Ed25519PrivateKey::from_seed(&[1u8; 32]));
        set.push(signer.clone()).unwrap();
        let mut out = [0u8; max_jwks_len(3)];
        let n = set.write_jwks(&mut out).unwrap();
        let doc = &out[..n];
        assert!(!std::str::from_utf8(doc).unwrap().contains("\"hs\""));
        let back = KeySet::<4>::from_jwks(doc).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.select(Some(THUMB)).unwrap().kid(), Some(THUMB));
        // A foreign entry is skipped; a duplicate kid, `d`, no usable key refuse the set.
        let rsa = r#"{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"r"}"#;
        let ok = std::format!(r#"{{"keys":[{rsa},{PUBLIC}]}}"#);
        assert_eq!(KeySet::<4>::from_jwks(ok.as_bytes()).unwrap().len(), 1);
        let thumb_dup = jwk(&std::format!(r#","kid":"{THUMB}""#));
        for bad in [
            std::format!(r#"{{"keys":[{PUBLIC},{PUBLIC}]}}"#),
            std::format!(r#"{{"keys":[{PUBLIC},{thumb_dup}]}}"#),
            std::format!(r#"{{"keys":[{PRIVATE}]}}"#),
            std::format!(r#"{{"keys":[{rsa}]}}"#),
            String::from(r#"{"keys":[]}"#),
            String::from(r#"{"keys":{}}"#),
            std::format!(r#"{{"keys":[{PUBLIC}],"keys":[]}}"#),
            String::from("{}"),
        ] {
            assert_eq!(
                KeySet::<4>::from_jwks(bad.as_bytes()).unwrap_err(),
                Error::InvalidKey,
                "{bad}"
            );
        }
    }
}
