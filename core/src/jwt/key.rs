//! Keys and key sets (rotation by `kid`).
//!
//! A [`Key`] fixes its algorithm ([`Key::alg`]): an HS256 secret signs and verifies `HS256`
//! tokens only; an Ed25519 public key verifies `EdDSA` tokens only and cannot sign; an Ed25519
//! private key signs `EdDSA` tokens (and verifies them with its public half). A token's header
//! `alg` must equal the algorithm of the key chosen for it (by `kid`, or the default key), so
//! the header never decides how a token is checked. Key sets mix both kinds.
//!
//! An HS256 key refuses secrets shorter than 32 bytes (RFC 7518 §3.2 requires a key at least
//! as long as the hash output) and secrets that are really public keys (see
//! [`Key::new`]); it keeps the keyed HMAC-SHA256 state, i.e. the inner and outer pads already
//! absorbed, so each sign or verify hashes only the message. The secret itself is not retained
//! and never appears in `Debug` output or errors.

use super::alg::Alg;
#[cfg(feature = "eddsa")]
use super::ed25519::{Ed25519PrivateKey, Ed25519PublicKey, PackedPrivate, PackedPublic};
use crate::error::{Error, Result};
use core::fmt;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Minimum secret length in bytes: the hash output size (RFC 7518 §3.2).
pub const MIN_SECRET_LEN: usize = super::alg::SIG_LEN;
/// Maximum `kid` length in bytes.
pub const MAX_KID_LEN: usize = 64;

/// A key id: 1 to [`MAX_KID_LEN`] bytes of printable ASCII other than `"` and `\`.
pub type Kid = heapless::String<MAX_KID_LEN>;

/// What a key is made of. Ed25519 keys are held packed (32 and 64 bytes) so that a key is no
/// larger than an HS256 one.
#[derive(Clone)]
enum Material {
    Hs256(Hmac<Sha256>),
    #[cfg(feature = "eddsa")]
    Ed25519Public(PackedPublic),
    #[cfg(feature = "eddsa")]
    Ed25519Private(PackedPrivate),
}

/// A signing and/or verification key with an optional key id: an HS256 secret, an Ed25519
/// public key (verify only) or an Ed25519 private key (sign, and verify).
///
/// An Ed25519 key made without a `kid` takes its RFC 7638 thumbprint as its `kid` (written
/// into the tokens it signs and into its JWK). Such a default `kid` is a hint when the key is
/// used alone: the key then also verifies tokens that name another `kid`, as an HS256 key
/// without `kid` does. A `kid` given explicitly must match.
#[derive(Clone)]
pub struct Key {
    material: Material,
    /// The key id; empty for none (a `kid` is never empty), which keeps a key as small as an
    /// `Option` would not.
    kid: Kid,
}

impl Key {
    /// An HS256 key without `kid`. [`Error::WeakKey`] if `secret` is shorter than 32 bytes,
    /// [`Error::InvalidKey`] if it is really a public key (see below).
    ///
    /// # A public key is not a secret
    /// A service that passes its public key where the HMAC secret goes lets anyone mint
    /// tokens (the key is public, and an `HS256` token MACed with it would verify). As PyJWT's
    /// `HMACAlgorithm.prepare_key` does, these secrets are refused with `invalid_key`:
    /// - a PEM block: the text holds `-----BEGIN` anywhere (PyJWT wants a matching `END` line
    ///   of a known label; any `BEGIN` marker is enough here);
    /// - an OpenSSH public key: after leading whitespace it starts with `ssh-ed25519`,
    ///   `ssh-rsa`, `ssh-dss`, `ecdsa-sha2-`, or the FIDO forms `sk-ssh-ed25519@openssh.com`
    ///   and `sk-ecdsa-sha2-` (PyJWT: the first four names with no leading whitespace; a
    ///   secret merely starting with `sk-`, like many API tokens, is accepted);
    /// - a JWK or JWK set as JSON: after whitespace it starts with `{` or `[` and holds `kty`
    ///   or a `\u` escape (PyJWT parses the JSON and looks for a `kty` member at any depth;
    ///   this byte rule refuses everything that does, and a few non-JSON look-alikes);
    /// - a DER public key or certificate: a DER `SEQUENCE` spanning the whole secret that
    ///   holds the object identifier of Ed25519, Ed448, RSA or EC keys (PyJWT asks
    ///   `cryptography` to load it, when installed).
    pub fn new(secret: &[u8]) -> Result<Self> {
        Self::build(secret, None)
    }

    /// An HS256 key with a `kid` (written into tokens it signs, used to pick it when
    /// verifying). `InvalidKey` if the kid is empty, longer than 64 bytes or not printable
    /// ASCII (excluding `"` and `\`), and for the secrets [`Key::new`] refuses.
    pub fn with_kid(secret: &[u8], kid: &str) -> Result<Self> {
        Self::build(secret, Some(kid))
    }

    /// An HS256 key that accepts secrets shorter than 32 bytes, for migrating legacy
    /// deployments only. Tokens signed with such keys are brute-forceable offline; rotate to
    /// a strong key. Secrets that are public keys are still refused ([`Key::new`]).
    pub fn insecure_allow_weak(secret: &[u8], kid: Option<&str>) -> Result<Self> {
        if looks_like_public_key(secret) {
            return Err(Error::InvalidKey);
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| Error::WeakKey)?;
        Self::with_material(Material::Hs256(mac), kid)
    }

    fn build(secret: &[u8], kid: Option<&str>) -> Result<Self> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(Error::WeakKey);
        }
        Self::insecure_allow_weak(secret, kid)
    }

    fn with_material(material: Material, kid: Option<&str>) -> Result<Self> {
        Ok(Self {
            material,
            kid: kid.map(parse_kid).transpose()?.unwrap_or_default(),
        })
    }

    /// A verify-only key from an Ed25519 public key, with `kid` or, when `None`, the key's
    /// RFC 7638 thumbprint. `InvalidKey` for a `kid` [`Key::with_kid`] refuses.
    #[cfg(feature = "eddsa")]
    pub fn ed25519_public(key: Ed25519PublicKey, kid: Option<&str>) -> Result<Self> {
        Self::ed25519(Material::Ed25519Public(PackedPublic::new(&key)), key, kid)
    }

    /// A signing key from an Ed25519 private key, with `kid` or, when `None`, the thumbprint
    /// of its public key.
    #[cfg(feature = "eddsa")]
    pub fn ed25519_private(key: Ed25519PrivateKey, kid: Option<&str>) -> Result<Self> {
        let public = key.public_key();
        Self::ed25519(
            Material::Ed25519Private(PackedPrivate::new(&key)),
            public,
            kid,
        )
    }

    #[cfg(feature = "eddsa")]
    fn ed25519(material: Material, public: Ed25519PublicKey, kid: Option<&str>) -> Result<Self> {
        match kid {
            Some(_) => Self::with_material(material, kid),
            None => Ok(Self {
                material,
                kid: public.thumbprint(),
            }),
        }
    }

    /// An Ed25519 key from PEM text: `-----BEGIN PUBLIC KEY-----` (SPKI) gives a verify-only
    /// key, `-----BEGIN PRIVATE KEY-----` (PKCS#8) a signing key. `kid` as for
    /// [`Key::ed25519_public`]. `InvalidKey` for anything else.
    #[cfg(feature = "eddsa")]
    pub fn from_pem(pem: &[u8], kid: Option<&str>) -> Result<Self> {
        match Ed25519PublicKey::from_pem(pem) {
            Ok(public) => Self::ed25519_public(public, kid),
            Err(_) => Self::ed25519_private(Ed25519PrivateKey::from_pem(pem)?, kid),
        }
    }

    /// An Ed25519 key from DER: SPKI (public) or PKCS#8 (private), as [`Key::from_pem`].
    #[cfg(feature = "eddsa")]
    pub fn from_der(der: &[u8], kid: Option<&str>) -> Result<Self> {
        match Ed25519PublicKey::from_der(der) {
            Ok(public) => Self::ed25519_public(public, kid),
            Err(_) => Self::ed25519_private(Ed25519PrivateKey::from_der(der)?, kid),
        }
    }

    /// This key without a `kid`: the tokens it signs carry none (as PyJWT writes them when
    /// given no `kid`), and it is reached as a default key or alone. Its JWK still carries the
    /// thumbprint as `kid` ([`Key::write_jwk`]).
    pub fn without_kid(mut self) -> Self {
        self.kid = Kid::new();
        self
    }

    /// The key id, if any (for an Ed25519 key made without one, its thumbprint).
    pub fn kid(&self) -> Option<&str> {
        Some(self.kid.as_str()).filter(|k| !k.is_empty())
    }

    /// The algorithm this key signs and verifies: the only `alg` a token checked with it may
    /// name.
    pub fn alg(&self) -> Alg {
        match self.material {
            Material::Hs256(_) => Alg::Hs256,
            #[cfg(feature = "eddsa")]
            Material::Ed25519Public(_) | Material::Ed25519Private(_) => Alg::EdDsa,
        }
    }

    /// True when this key can sign: an HS256 secret or an Ed25519 private key.
    pub fn can_sign(&self) -> bool {
        match self.material {
            Material::Hs256(_) => true,
            #[cfg(feature = "eddsa")]
            Material::Ed25519Private(_) => true,
            #[cfg(feature = "eddsa")]
            Material::Ed25519Public(_) => false,
        }
    }

    /// The Ed25519 public key (of an Ed25519 public or private key); `None` for HS256.
    #[cfg(feature = "eddsa")]
    pub fn ed25519_public_key(&self) -> Option<Ed25519PublicKey> {
        match &self.material {
            Material::Hs256(_) => None,
            Material::Ed25519Public(k) => k.unpack().ok(),
            Material::Ed25519Private(k) => k.public().unpack().ok(),
        }
    }

    /// The Ed25519 private key; `None` for HS256 and Ed25519 public keys.
    #[cfg(feature = "eddsa")]
    pub fn ed25519_private_key(&self) -> Option<Ed25519PrivateKey> {
        match &self.material {
            Material::Ed25519Private(k) => Some(k.unpack()),
            _ => None,
        }
    }

    /// The verify-only key of an Ed25519 key, with the same `kid` (what a service publishes
    /// and hands to verifiers). `InvalidKey` for an HS256 key, which has no public half.
    #[cfg(feature = "eddsa")]
    pub fn to_public(&self) -> Result<Self> {
        let public = match &self.material {
            Material::Ed25519Public(k) => *k,
            Material::Ed25519Private(k) => *k.public(),
            Material::Hs256(_) => return Err(Error::InvalidKey),
        };
        Ok(Self {
            material: Material::Ed25519Public(public),
            kid: self.kid.clone(),
        })
    }

    /// True when the `kid` is the key's RFC 7638 thumbprint (the default of an Ed25519 key, or
    /// given as that): then it is a hint when the key is used alone. Computed when asked (a
    /// token whose `kid` differs from a lone key's), so a key carries no flag for it.
    fn kid_is_thumbprint(&self) -> bool {
        #[cfg(feature = "eddsa")]
        if let Some(public) = self.ed25519_public_key() {
            return self.kid() == Some(public.thumbprint().as_str());
        }
        false
    }

    /// Checks `sig` over `input` with this key: [`Error::InvalidSignature`] when it does not
    /// verify or has the wrong length. HMAC tags are compared in constant time.
    pub(crate) fn verify_sig(&self, input: &[u8], sig: &[u8]) -> Result<()> {
        match &self.material {
            Material::Hs256(mac) => {
                let mut mac = mac.clone();
                mac.update(input);
                mac.verify_slice(sig).map_err(|_| Error::InvalidSignature)
            }
            #[cfg(feature = "eddsa")]
            Material::Ed25519Public(k) => k.verify(input, sig),
            #[cfg(feature = "eddsa")]
            Material::Ed25519Private(k) => k.public().verify(input, sig),
        }
    }

    /// Signs `input` into `out`, returning the signature's length ([`Alg::sig_len`]).
    /// `InvalidKey` for a key that cannot sign (an Ed25519 public key).
    pub(crate) fn sign_into(
        &self,
        input: &[u8],
        out: &mut [u8; super::alg::MAX_SIG_LEN],
    ) -> Result<usize> {
        match &self.material {
            Material::Hs256(mac) => {
                let mut mac = mac.clone();
                mac.update(input);
                let tag = mac.finalize().into_bytes();
                let dst = out.get_mut(..tag.len()).ok_or(Error::BufferTooSmall)?;
                dst.copy_from_slice(&tag);
                Ok(tag.len())
            }
            #[cfg(feature = "eddsa")]
            Material::Ed25519Private(k) => {
                *out = k.sign(input)?;
                Ok(out.len())
            }
            #[cfg(feature = "eddsa")]
            Material::Ed25519Public(_) => Err(Error::InvalidKey),
        }
    }
}

#[cfg(feature = "eddsa")]
impl From<Ed25519PublicKey> for Key {
    /// [`Key::ed25519_public`] with the thumbprint as `kid`.
    fn from(key: Ed25519PublicKey) -> Self {
        let kid = key.thumbprint();
        Self {
            material: Material::Ed25519Public(PackedPublic::new(&key)),
            kid,
        }
    }
}

#[cfg(feature = "eddsa")]
impl From<Ed25519PrivateKey> for Key {
    /// [`Key::ed25519_private`] with the thumbprint as `kid`.
    fn from(key: Ed25519PrivateKey) -> Self {
        let kid = key.public_key().thumbprint();
        Self {
            material: Material::Ed25519Private(PackedPrivate::new(&key)),
            kid,
        }
    }
}

/// A key's material is wiped when the key is dropped, wherever it lives (a key set, a binding's
/// object, a buffer being given back). Each kind clears its own fields on drop (`zeroize` in
/// hmac, sha2 and the seed's `Zeroizing`), but a key also occupies the bytes of the larger kind
/// it is not: a move copies them, and they may hold an earlier key's material (an HMAC state,
/// a seed). Without `eddsa` there is one kind and no such bytes.
#[cfg(feature = "eddsa")]
impl Drop for Key {
    fn drop(&mut self) {
        self.wipe();
    }
}

#[cfg(feature = "eddsa")]
impl Key {
    /// Overwrites every byte of the key, of each kind, and leaves an Ed25519 public key of
    /// zero bytes (a small-order point: it verifies nothing and signs nothing) without `kid`.
    /// Bytes a key does not use were copied by its moves with whatever the stack held there,
    /// such as a copy of the HMAC state being built: the unused part of the `kid`, and of an
    /// Ed25519 key the bytes of the larger HS256 kind. So every byte is written with a defined
    /// value: the `kid` is filled to its capacity and emptied; an HS256 state from the empty
    /// secret (not secret) is assigned, then each Ed25519 kind, zero.
    /// Assigning a kind first drops, and so zeroizes, the one it replaces; `black_box` keeps
    /// each write.
    fn wipe(&mut self) {
        self.kid.clear();
        if let Ok(fill) = core::str::from_utf8(&[b'0'; MAX_KID_LEN]) {
            let _ = self.kid.push_str(fill);
        }
        core::hint::black_box(&mut self.kid);
        self.kid.clear();
        if let Ok(mac) = Hmac::<Sha256>::new_from_slice(&[]) {
            self.material = Material::Hs256(mac);
            core::hint::black_box(&mut self.material);
        }
        self.material = Material::Ed25519Private(PackedPrivate::zero());
        core::hint::black_box(&mut self.material);
        self.material = Material::Ed25519Public(PackedPublic::zero());
        core::hint::black_box(&mut self.material);
    }
}

/// The rule of [`Key::new`]: is this "secret" really a public key (PEM, OpenSSH, JWK JSON,
/// DER)?
pub fn looks_like_public_key(secret: &[u8]) -> bool {
    let text = secret.trim_ascii_start();
    let json = matches!(text.first(), Some(b'{' | b'['));
    // Bit `k` set: patterns of kind `k` apply (see `PUBLIC_KEY_PATTERNS`).
    let applies = 0b0011 | u8::from(json) << 2 | u8::from(is_der_sequence(secret)) << 3;
    // One table and one loop, no table of slices: the web build's size budget is tight.
    let mut rest = PUBLIC_KEY_PATTERNS;
    while let [head, tail @ ..] = rest {
        let (kind, len) = (head >> 5, usize::from(head & 31));
        let Some((pattern, next)) = tail.split_at_checked(len) else {
            return false;
        };
        rest = next;
        // Kind 1 is a prefix of the text: searched in its first `len` bytes. The others are
        // searched in the whole secret (for JSON the same as in the text: the leading
        // whitespace holds none of its patterns' bytes).
        let hay = match kind {
            1 => text.get(..len).unwrap_or(text),
            _ => secret,
        };
        if applies >> kind & 1 != 0 && occurs(hay, pattern) {
            return true;
        }
    }
    false
}

/// The patterns of [`looks_like_public_key`], each as one byte (its kind times 32 plus its
/// length) and its bytes. Kinds: 0 anywhere in the secret (a PEM block); 1 at the start of the
/// text after leading whitespace (OpenSSH public keys); 2 anywhere in a text starting with `{`
/// or `[` (a JWK or JWK set as JSON); 3 anywhere in a DER `SEQUENCE` spanning the secret (the
/// object identifiers of Ed25519, Ed448, rsaEncryption and id-ecPublicKey keys: SPKI, PKCS#8
/// and X.509 certificates all hold one).
const PUBLIC_KEY_PATTERNS: &[u8] = b"\x0a-----BEGIN\
    \x2bssh-ed25519\
    \x27ssh-rsa\
    \x27ssh-dss\
    \x2becdsa-sha2-\
    \x3ask-ssh-ed25519@openssh.com\
    \x2esk-ecdsa-sha2-\
    \x43kty\
    \x42\\u\
    \x65\x06\x03\x2b\x65\x70\
    \x65\x06\x03\x2b\x65\x71\
    \x6b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\
    \x69\x06\x07\x2a\x86\x48\xce\x3d\x02\x01";

/// Whether `needle` occurs in `hay`, compared byte by byte: not `windows` (whose zero-size
/// check is a panic path the optimiser keeps at "s") nor slice equality (a `memcmp` more in
/// the web build).
fn occurs(hay: &[u8], needle: &[u8]) -> bool {
    let mut at = hay;
    while at.len() >= needle.len() {
        if at.iter().zip(needle).all(|(a, b)| a == b) {
            return true;
        }
        let [_, rest @ ..] = at else {
            return false;
        };
        at = rest;
    }
    false
}

/// A DER `SEQUENCE` whose length spans exactly `der` (short form, or a long form of one or two
/// length bytes).
fn is_der_sequence(der: &[u8]) -> bool {
    let (body_len, header) = match der {
        [0x30, n, ..] if *n < 0x80 => (usize::from(*n), 2),
        [0x30, 0x81, n, ..] => (usize::from(*n), 3),
        [0x30, 0x82, hi, lo, ..] => (usize::from(*hi) << 8 | usize::from(*lo), 4),
        _ => return false,
    };
    body_len.checked_add(header) == Some(der.len())
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
            .field("alg", &self.alg())
            .field("kid", &self.kid())
            .field("can_sign", &self.can_sign())
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
            (Some(want), Some(have)) if want != have && !self.kid_is_thumbprint() => {
                Err(Error::UnknownKid)
            }
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

    /// The keys, in the order they were added.
    pub fn keys(&self) -> &[Key] {
        &self.keys
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

    /// The keys.
    pub fn keys(&self) -> &'a [Key] {
        self.keys
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

    /// The rule as first written, pattern by pattern: the table-driven one must agree.
    fn reference_rule(secret: &[u8]) -> bool {
        fn contains(hay: &[u8], needle: &[u8]) -> bool {
            hay.windows(needle.len()).any(|w| w == needle)
        }
        const SSH: [&[u8]; 6] = [
            b"ssh-ed25519",
            b"ssh-rsa",
            b"ssh-dss",
            b"ecdsa-sha2-",
            b"sk-ssh-ed25519@openssh.com",
            b"sk-ecdsa-sha2-",
        ];
        const OIDS: [&[u8]; 4] = [
            &[0x06, 0x03, 0x2b, 0x65, 0x70],
            &[0x06, 0x03, 0x2b, 0x65, 0x71],
            &[
                0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            ],
            &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        ];
        let text = secret.trim_ascii_start();
        let der = match secret {
            [0x30, n, ..] if *n < 0x80 => Some((usize::from(*n), 2)),
            [0x30, 0x81, n, ..] => Some((usize::from(*n), 3)),
            [0x30, 0x82, hi, lo, ..] => Some((usize::from(*hi) << 8 | usize::from(*lo), 4)),
            _ => None,
        };
        contains(secret, b"-----BEGIN")
            || SSH.iter().any(|p| text.starts_with(p))
            || (matches!(text.first(), Some(b'{' | b'['))
                && (contains(text, b"kty") || contains(text, b"\\u")))
            || der.is_some_and(|(n, h)| {
                n + h == secret.len() && OIDS.iter().any(|oid| contains(secret, oid))
            })
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "100,000+ inputs: too slow under Miri (the rule runs in the other key tests)"
    )]
    fn public_key_rule_matches_reference() {
        let pieces: [&[u8]; 22] = [
            b"-----BEGIN",
            b"-----BEGI",
            b"ssh-ed25519",
            b"ssh-ed2551",
            b"ssh-rsa",
            b"ssh-dss",
            b"ecdsa-sha2-",
            b"sk-ssh-ed25519@openssh.com",
            b"sk-ssh-ed25519@openssh.co",
            b"sk-ecdsa-sha2-",
            b"sk-",
            b"kty",
            b"kt",
            b"\\u",
            b"\\",
            &[0x06, 0x03, 0x2b, 0x65, 0x70],
            &[0x06, 0x03, 0x2b, 0x65, 0x71],
            &[0x06, 0x03, 0x2b, 0x65],
            &[
                0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            ],
            &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
            b"x",
            b"",
        ];
        let leads: [&[u8]; 8] = [
            b"",
            b" ",
            b"\t\n\x0c\r ",
            b"{",
            b" [",
            b"x{",
            b"\x0b{",
            b"0",
        ];
        let mut checked = 0;
        for lead in leads {
            for a in pieces {
                for b in pieces {
                    let mut body = std::vec::Vec::new();
                    body.extend_from_slice(lead);
                    body.extend_from_slice(a);
                    body.extend_from_slice(b);
                    // As is, and inside DER SEQUENCE headers that span it (or are one off).
                    let n = body.len();
                    let mut cases = std::vec![body.clone()];
                    for header in [
                        std::vec![0x30, n as u8],
                        std::vec![0x30, n as u8 + 1],
                        std::vec![0x30, 0x81, n as u8],
                        std::vec![0x30, 0x82, 0, n as u8],
                        std::vec![0x30, 0x82, 1, n as u8],
                    ] {
                        let mut c = header;
                        c.extend_from_slice(&body);
                        cases.push(c);
                    }
                    for c in cases {
                        for cut in 0..=c.len() {
                            let s = &c[..cut];
                            assert_eq!(looks_like_public_key(s), reference_rule(s), "{s:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 100_000);
        // Long DER forms and every single byte.
        let mut long = std::vec![0x30, 0x82, 0x01, 0x2c];
        long.resize(4 + 0x12c - 11, 0);
        long.extend_from_slice(pieces[18]);
        assert!(looks_like_public_key(&long) && reference_rule(&long));
        for b in 0..=255u8 {
            assert_eq!(looks_like_public_key(&[b; 40]), reference_rule(&[b; 40]));
        }
    }

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

    /// What a key drop does: a wiped key, of each kind, keeps no seed, verifies no signature
    /// it verified before (nor one MACed with the empty secret the wipe passes through) and
    /// signs nothing.
    #[test]
    #[cfg(feature = "eddsa")]
    #[cfg_attr(
        miri,
        ignore = "Ed25519 signing is slow under Miri; the wipe has no unsafe code"
    )]
    fn a_wiped_key_keeps_no_material_and_verifies_nothing() {
        use super::super::alg::MAX_SIG_LEN;
        let private = Ed25519PrivateKey::from_seed(&[7; 32]);
        let empty_mac = {
            let mut mac = Hmac::<Sha256>::new_from_slice(&[]).unwrap();
            mac.update(b"msg");
            mac.finalize().into_bytes()
        };
        let signer = Key::from(private.clone());
        for mut key in [
            Key::new(S).unwrap(),
            Key::from(private.clone()),
            Key::from(private.public_key()),
        ] {
            let mut sig = [0u8; MAX_SIG_LEN];
            let by = if key.can_sign() { &key } else { &signer };
            let n = by.sign_into(b"msg", &mut sig).unwrap();
            let sig = &sig[..n];
            assert_eq!(key.verify_sig(b"msg", sig), Ok(()));

            key.wipe();
            assert!(key.verify_sig(b"msg", sig).is_err());
            assert!(key.verify_sig(b"msg", &empty_mac).is_err());
            assert!(key.verify_sig(b"msg", &[0; 64]).is_err());
            assert_eq!(
                key.sign_into(b"msg", &mut [0; MAX_SIG_LEN]),
                Err(Error::InvalidKey)
            );
            assert!(key.ed25519_private_key().is_none());
            assert_eq!(key.kid(), None);
            // A small-order point: the identity (encoded 1, 0, …) when keys hold the decoded
            // point, 32 zero bytes when they hold the encoding.
            let mut wiped = [0; 32];
            wiped[0] = u8::from(cfg!(feature = "eddsa_fast"));
            assert!(key
                .ed25519_public_key()
                .is_none_or(|k| k.to_bytes() == wiped));
        }
    }
}
