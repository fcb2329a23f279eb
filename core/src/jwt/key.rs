//! HS256 keys and key sets (rotation by `kid`).
//!
//! A [`Key`] refuses secrets shorter than 32 bytes (RFC 7518 §3.2 requires a key at least as
//! long as the hash output) and keeps the keyed HMAC-SHA256 state, i.e. the inner and outer
//! pads already absorbed, so each sign or verify hashes only the message. The secret itself is
//! not retained and never appears in `Debug` output or errors.

use crate::error::{Error, Result};
use core::fmt;
use hmac::{Hmac, KeyInit};
use sha2::Sha256;

/// Minimum secret length in bytes: the hash output size (RFC 7518 §3.2).
pub const MIN_SECRET_LEN: usize = super::alg::SIG_LEN;
/// Maximum `kid` length in bytes.
pub const MAX_KID_LEN: usize = 64;

/// A key id: 1 to [`MAX_KID_LEN`] bytes of printable ASCII other than `"` and `\`.
pub type Kid = heapless::String<MAX_KID_LEN>;

/// An HS256 signing/verification key with an optional key id.
#[derive(Clone)]
pub struct Key {
    mac: Hmac<Sha256>,
    kid: Option<Kid>,
}

impl Key {
    /// A key without `kid`. `WeakKey` if `secret` is shorter than 32 bytes.
    pub fn new(secret: &[u8]) -> Result<Self> {
        Self::build(secret, None)
    }

    /// A key with a `kid` (written into tokens it signs, used to pick it when verifying).
    /// `InvalidKey` if the kid is empty, longer than 64 bytes or not printable ASCII
    /// (excluding `"` and `\`).
    pub fn with_kid(secret: &[u8], kid: &str) -> Result<Self> {
        Self::build(secret, Some(kid))
    }

    /// A key that accepts secrets shorter than 32 bytes, for migrating legacy deployments only.
    /// Tokens signed with such keys are brute-forceable offline; rotate to a strong key.
    pub fn insecure_allow_weak(secret: &[u8], kid: Option<&str>) -> Result<Self> {
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| Error::WeakKey)?;
        Ok(Self {
            mac,
            kid: kid.map(parse_kid).transpose()?,
        })
    }

    fn build(secret: &[u8], kid: Option<&str>) -> Result<Self> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(Error::WeakKey);
        }
        Self::insecure_allow_weak(secret, kid)
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// A fresh MAC instance with the precomputed key state.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        self.mac.clone()
    }
}

fn parse_kid(kid: &str) -> Result<Kid> {
    if !kid_ok(kid) {
        return Err(Error::InvalidKey);
    }
    Kid::try_from(kid).map_err(|_| Error::InvalidKey)
}

/// The `kid` rule, one for keys, for the `kid` a signer writes and for the `kid` a token's
/// header carries: 1 to [`MAX_KID_LEN`] bytes of printable ASCII other than `"` and `\`.
pub(crate) fn kid_ok(kid: &str) -> bool {
    !kid.is_empty()
        && kid.len() <= MAX_KID_LEN
        && kid
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

/// Something that picks the verification key for a token's `kid`.
pub trait KeyStore {
    /// The key for `kid`, or the default key when the token has no `kid`.
    fn select(&self, kid: Option<&str>) -> Result<&Key>;
}

/// A single key verifies tokens without `kid`, and tokens whose `kid` equals its own. A key
/// without a `kid` also accepts tokens that carry one (the `kid` is then only a hint).
impl KeyStore for Key {
    fn select(&self, kid: Option<&str>) -> Result<&Key> {
        match (kid, self.kid()) {
            (Some(want), Some(have)) if want != have => Err(Error::UnknownKid),
            _ => Ok(self),
        }
    }
}

/// A fixed-capacity key set for rotation. The first key added is the default (used for
/// tokens without `kid` and for signing) until [`KeySet::set_default`] picks another.
#[derive(Clone, Debug)]
pub struct KeySet<const N: usize> {
    keys: heapless::Vec<Key, N>,
    default: usize,
}

impl<const N: usize> Default for KeySet<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> KeySet<N> {
    /// An empty set.
    pub const fn new() -> Self {
        Self {
            keys: heapless::Vec::new(),
            default: 0,
        }
    }

    /// Adds a key. `InvalidKey` when the set is full, or when a key with the same `kid` (or a
    /// second key without `kid`) is already present, since selection would be ambiguous.
    pub fn push(&mut self, key: Key) -> Result<()> {
        if self.keys.iter().any(|k| k.kid() == key.kid()) {
            return Err(Error::InvalidKey);
        }
        self.keys.push(key).map_err(|_| Error::InvalidKey)
    }

    /// Makes the key with this `kid` the default. `UnknownKid` if absent.
    pub fn set_default(&mut self, kid: &str) -> Result<()> {
        self.default = self
            .keys
            .iter()
            .position(|k| k.kid() == Some(kid))
            .ok_or(Error::UnknownKid)?;
        Ok(())
    }

    /// The default key (for signing). `InvalidKey` when the set is empty.
    pub fn default_key(&self) -> Result<&Key> {
        self.keys.get(self.default).ok_or(Error::InvalidKey)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no key was added.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl<const N: usize> KeyStore for KeySet<N> {
    fn select(&self, kid: Option<&str>) -> Result<&Key> {
        select_from(&self.keys, self.default, kid)
    }
}

/// A borrowed key ring for callers that keep keys in their own storage (e.g. bindings).
#[derive(Clone, Copy, Debug)]
pub struct KeyRing<'a> {
    keys: &'a [Key],
    default: usize,
}

impl<'a> KeyRing<'a> {
    /// A ring over `keys` with `keys[default]` as the default key. `InvalidKey` if `default`
    /// is out of range or two keys share a `kid`.
    pub fn new(keys: &'a [Key], default: usize) -> Result<Self> {
        if default >= keys.len() {
            return Err(Error::InvalidKey);
        }
        for (i, a) in keys.iter().enumerate() {
            if keys
                .iter()
                .skip(i.saturating_add(1))
                .any(|b| b.kid() == a.kid())
            {
                return Err(Error::InvalidKey);
            }
        }
        Ok(Self { keys, default })
    }

    /// The default key.
    pub fn default_key(&self) -> Result<&'a Key> {
        self.keys.get(self.default).ok_or(Error::InvalidKey)
    }
}

impl KeyStore for KeyRing<'_> {
    fn select(&self, kid: Option<&str>) -> Result<&Key> {
        select_from(self.keys, self.default, kid)
    }
}

fn select_from<'k>(keys: &'k [Key], default: usize, kid: Option<&str>) -> Result<&'k Key> {
    match kid {
        None => keys.get(default).ok_or(Error::InvalidKey),
        Some(want) => keys
            .iter()
            .find(|k| k.kid() == Some(want))
            .ok_or(Error::UnknownKid),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const S: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn refuses_short_secrets() {
        assert_eq!(Key::new(&S[..31]).unwrap_err(), Error::WeakKey);
        assert!(Key::new(S).is_ok());
        assert!(Key::insecure_allow_weak(b"short", None).is_ok());
    }

    #[test]
    fn validates_kid() {
        assert!(Key::with_kid(S, "2024-01").is_ok());
        for bad in ["", "a\"b", "a\\b", "é", "\n"] {
            assert_eq!(
                Key::with_kid(S, bad).unwrap_err(),
                Error::InvalidKey,
                "{bad:?}"
            );
        }
        let long = "k".repeat(65);
        assert_eq!(Key::with_kid(S, &long).unwrap_err(), Error::InvalidKey);
    }

    #[test]
    fn debug_hides_secret() {
        let s = std::format!("{:?}", Key::with_kid(S, "a").unwrap());
        assert!(!s.contains("0123"));
        assert!(s.contains("\"a\""));
    }

    #[test]
    fn key_set_selects_by_kid_or_default() {
        let mut set = KeySet::<2>::new();
        set.push(Key::with_kid(S, "old").unwrap()).unwrap();
        set.push(Key::with_kid(S, "new").unwrap()).unwrap();
        assert_eq!(
            set.push(Key::with_kid(S, "x").unwrap()),
            Err(Error::InvalidKey)
        );
        assert_eq!(set.select(None).unwrap().kid(), Some("old"));
        set.set_default("new").unwrap();
        assert_eq!(set.select(None).unwrap().kid(), Some("new"));
        assert_eq!(set.select(Some("old")).unwrap().kid(), Some("old"));
        assert_eq!(set.select(Some("nope")).unwrap_err(), Error::UnknownKid);
        assert_eq!(set.set_default("nope"), Err(Error::UnknownKid));
        let mut dup = KeySet::<2>::new();
        dup.push(Key::with_kid(S, "a").unwrap()).unwrap();
        assert_eq!(
            dup.push(Key::with_kid(S, "a").unwrap()),
            Err(Error::InvalidKey)
        );
        assert_eq!(
            KeySet::<1>::new().select(None).unwrap_err(),
            Error::InvalidKey
        );
    }

    #[test]
    fn single_key_and_ring() {
        let k = Key::with_kid(S, "a").unwrap();
        assert!(k.select(Some("a")).is_ok());
        assert!(k.select(None).is_ok());
        assert_eq!(k.select(Some("b")).unwrap_err(), Error::UnknownKid);
        let keys = [
            Key::with_kid(S, "a").unwrap(),
            Key::with_kid(S, "b").unwrap(),
        ];
        let ring = KeyRing::new(&keys, 1).unwrap();
        assert_eq!(ring.select(None).unwrap().kid(), Some("b"));
        assert_eq!(KeyRing::new(&keys, 2).unwrap_err(), Error::InvalidKey);
    }
}
