//! Ed25519 keys: a public key verifies, a private key signs (and verifies with its public
//! half). Loading and writing: raw bytes, DER and PEM (SPKI `PUBLIC KEY`, PKCS#8 `PRIVATE
//! KEY`, RFC 8410), JWK (see [`super::jwk`]); the RFC 7638 thumbprint. Everything is
//! fixed-size: no allocation, and key material goes through `base64ct`'s constant-time codec
//! only.
//!
//! Public keys are checked when they are made, so a key set never holds a weak one:
//! a non-canonical encoding (y ≥ p, or x = 0 with the sign bit set) or a point of small order
//! (the eight torsion points, whose signatures verify for many messages) is
//! [`Error::InvalidKey`].
//!
//! The core has no RNG: a new key comes from 32 random bytes the caller supplies
//! ([`Ed25519PrivateKey::from_seed`]).

use super::alg::eddsa;
use super::key::Kid;
use crate::error::{Error, Result};
use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use core::fmt;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Length of a raw Ed25519 public key (the compressed point) and of a private seed, in bytes.
pub const KEY_LEN: usize = 32;

/// DER of an Ed25519 `SubjectPublicKeyInfo` (RFC 8410 §4) up to the key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// DER of a PKCS#8 v1 `PrivateKeyInfo` for Ed25519 (RFC 8410 §7) up to the seed.
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// DER of a PKCS#8 v2 `OneAsymmetricKey` (RFC 5958) for Ed25519 with the public key, up to the
/// seed; the seed is followed by [`PKCS8_V2_PUBLIC`] and the public key.
const PKCS8_V2_PREFIX: [u8; 16] = [
    0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// `[1] IMPLICIT BIT STRING` header of the v2 form's public key.
const PKCS8_V2_PUBLIC: [u8; 3] = [0x81, 0x21, 0x00];

/// Length of the DER `SubjectPublicKeyInfo` [`Ed25519PublicKey::to_der`] writes.
pub const PUBLIC_DER_LEN: usize = SPKI_PREFIX.len() + KEY_LEN;
/// Length of the DER PKCS#8 v1 document [`Ed25519PrivateKey::write_der`] writes.
pub const PRIVATE_DER_LEN: usize = PKCS8_V1_PREFIX.len() + KEY_LEN;
const PKCS8_V2_LEN: usize = PKCS8_V2_PREFIX.len() + KEY_LEN + PKCS8_V2_PUBLIC.len() + KEY_LEN;

const PUBLIC_LABEL: &str = "PUBLIC KEY";
const PRIVATE_LABEL: &str = "PRIVATE KEY";

/// Length of the PEM text [`Ed25519PublicKey::write_pem`] writes (one body line, `\n` endings).
pub const PUBLIC_PEM_LEN: usize = pem_len(PUBLIC_LABEL, PUBLIC_DER_LEN);
/// Length of the PEM text [`Ed25519PrivateKey::write_pem`] writes (one body line, `\n` endings).
pub const PRIVATE_PEM_LEN: usize = pem_len(PRIVATE_LABEL, PRIVATE_DER_LEN);

/// Length of an RFC 7638 thumbprint: base64url of a SHA-256 digest.
pub const THUMBPRINT_LEN: usize = 43;

const fn pem_len(label: &str, der: usize) -> usize {
    // "-----BEGIN " label "-----\n" body "\n" "-----END " label "-----\n"
    11 + label.len() + 6 + der.div_ceil(3) * 4 + 1 + 9 + label.len() + 6
}

/// An Ed25519 public key: verifies EdDSA tokens, cannot sign.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

impl Ed25519PublicKey {
    /// The key from its 32-byte encoding (RFC 8032 §5.1.2). [`Error::InvalidKey`] for an
    /// encoding that is not a point, not canonical, or a point of small order.
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> Result<Self> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| Error::InvalidKey)?;
        // ed25519-dalek decodes by ZIP-215 rules (non-canonical y accepted); re-encoding the
        // point gives the canonical bytes, which must be the ones given.
        if key.is_weak() || key.to_edwards().compress().as_bytes() != bytes {
            return Err(Error::InvalidKey);
        }
        Ok(Self(key))
    }

    /// [`Self::from_bytes`] from a slice; [`Error::InvalidKey`] unless it is 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Self::from_bytes(<&[u8; KEY_LEN]>::try_from(bytes).map_err(|_| Error::InvalidKey)?)
    }

    /// The key from a DER `SubjectPublicKeyInfo` (RFC 8410 §4).
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::from_slice(strip(der, &SPKI_PREFIX).ok_or(Error::InvalidKey)?)
    }

    /// The key from a PEM `-----BEGIN PUBLIC KEY-----` block (RFC 7468; surrounding
    /// whitespace and line breaks in the body allowed, nothing else).
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let mut der = [0u8; PEM_DER_MAX];
        Self::from_der(pem_decode(pem, PUBLIC_LABEL, &mut der)?)
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; KEY_LEN] {
        self.0.to_bytes()
    }

    /// The 32-byte encoding, borrowed.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        self.0.as_bytes()
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn to_der(&self) -> [u8; PUBLIC_DER_LEN] {
        let mut out = [0u8; PUBLIC_DER_LEN];
        let (head, key) = out.split_at_mut(SPKI_PREFIX.len());
        head.copy_from_slice(&SPKI_PREFIX);
        key.copy_from_slice(self.as_bytes());
        out
    }

    /// Writes the PEM `PUBLIC KEY` block ([`PUBLIC_PEM_LEN`] bytes) into `out`; returns its
    /// length.
    pub fn write_pem(&self, out: &mut [u8]) -> Result<usize> {
        pem_encode(&self.to_der(), PUBLIC_LABEL, out)
    }

    /// The PEM `PUBLIC KEY` block as a string.
    pub fn to_pem(&self) -> heapless::String<PUBLIC_PEM_LEN> {
        let mut buf = [0u8; PUBLIC_PEM_LEN];
        let n = self.write_pem(&mut buf).unwrap_or(0);
        let text = buf
            .get(..n)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or_default();
        heapless::String::try_from(text).unwrap_or_default()
    }

    /// The RFC 7638 JWK thumbprint: base64url (unpadded) of the SHA-256 of
    /// `{"crv":"Ed25519","kty":"OKP","x":"…"}` (RFC 8037 §2 members in lexicographic order).
    /// The default `kid` of an Ed25519 key.
    pub fn thumbprint(&self) -> Kid {
        let mut x = [0u8; 43];
        let x = Base64UrlUnpadded::encode(self.as_bytes(), &mut x).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(b"{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"");
        h.update(x.as_bytes());
        h.update(b"\"}");
        let digest = h.finalize();
        let mut out = [0u8; THUMBPRINT_LEN];
        let text = Base64UrlUnpadded::encode(&digest, &mut out).unwrap_or_default();
        Kid::try_from(text).unwrap_or_default()
    }

    /// Verifies a signature over `msg` with the strict rules of [`eddsa`]:
    /// [`Error::InvalidSignature`] otherwise.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        match eddsa::verify(&self.0, msg, sig) {
            true => Ok(()),
            false => Err(Error::InvalidSignature),
        }
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ed25519PublicKey")
            .field(&self.thumbprint().as_str())
            .finish()
    }
}

/// An Ed25519 private key: signs EdDSA tokens. The seed is zeroed when the key is dropped and
/// never appears in `Debug` output or errors.
#[derive(Clone)]
pub struct Ed25519PrivateKey {
    key: SigningKey,
}

impl Ed25519PrivateKey {
    /// The key from its 32-byte seed (RFC 8032 §5.1.5). Every seed is a valid key: to make a
    /// new key, pass 32 bytes from a cryptographically secure RNG (the core has none).
    pub fn from_seed(seed: &[u8; KEY_LEN]) -> Self {
        Self {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// [`Self::from_seed`] from a slice; [`Error::InvalidKey`] unless it is 32 bytes.
    pub fn from_slice(seed: &[u8]) -> Result<Self> {
        let seed = <&[u8; KEY_LEN]>::try_from(seed).map_err(|_| Error::InvalidKey)?;
        Ok(Self::from_seed(seed))
    }

    /// The key from DER PKCS#8: v1 (`PrivateKeyInfo`: what OpenSSL 3.0 `genpkey` and
    /// `cryptography` write, the only form either of them reads), or v2 (`OneAsymmetricKey`
    /// carrying the public key, RFC 5958, as other tools write it), whose public key must be
    /// this seed's ([`Error::InvalidKey`] otherwise). Attributes are not accepted.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if let Some(seed) = strip(der, &PKCS8_V1_PREFIX) {
            return Self::from_slice(seed);
        }
        if der.len() != PKCS8_V2_LEN {
            return Err(Error::InvalidKey);
        }
        let rest = der
            .strip_prefix(&PKCS8_V2_PREFIX)
            .ok_or(Error::InvalidKey)?;
        let (seed, rest) = rest.split_at_checked(KEY_LEN).ok_or(Error::InvalidKey)?;
        let public = rest
            .strip_prefix(&PKCS8_V2_PUBLIC)
            .ok_or(Error::InvalidKey)?;
        let key = Self::from_slice(seed)?;
        match key.key.verifying_key().as_bytes().as_slice() == public {
            true => Ok(key),
            false => Err(Error::InvalidKey),
        }
    }

    /// The key from a PEM `-----BEGIN PRIVATE KEY-----` block (unencrypted PKCS#8).
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let mut der = zeroize::Zeroizing::new([0u8; PEM_DER_MAX]);
        Self::from_der(pem_decode(pem, PRIVATE_LABEL, der.as_mut_slice())?)
    }

    /// The public key.
    pub fn public_key(&self) -> Ed25519PublicKey {
        // The public key of a seed is a multiple of the basepoint: never of small order,
        // always canonically encoded, so it needs none of `from_bytes`'s checks.
        Ed25519PublicKey(self.key.verifying_key())
    }

    /// The 32-byte seed (secret: handle with care).
    pub fn as_seed(&self) -> &[u8; KEY_LEN] {
        self.key.as_bytes()
    }

    /// Writes the DER PKCS#8 v1 document ([`PRIVATE_DER_LEN`] bytes) into `out`; returns its
    /// length.
    pub fn write_der(&self, out: &mut [u8]) -> Result<usize> {
        let dst = out
            .get_mut(..PRIVATE_DER_LEN)
            .ok_or(Error::BufferTooSmall)?;
        let (head, seed) = dst.split_at_mut(PKCS8_V1_PREFIX.len());
        head.copy_from_slice(&PKCS8_V1_PREFIX);
        seed.copy_from_slice(self.as_seed());
        Ok(PRIVATE_DER_LEN)
    }

    /// Writes the PEM `PRIVATE KEY` block (PKCS#8 v1, [`PRIVATE_PEM_LEN`] bytes) into `out`;
    /// returns its length. The text is secret: `out` is the caller's to wipe.
    pub fn write_pem(&self, out: &mut [u8]) -> Result<usize> {
        let mut der = zeroize::Zeroizing::new([0u8; PRIVATE_DER_LEN]);
        self.write_der(der.as_mut_slice())?;
        pem_encode(der.as_slice(), PRIVATE_LABEL, out)
    }

    /// Signs `msg` (deterministic: the same message gives the same signature).
    pub fn sign(&self, msg: &[u8]) -> [u8; eddsa::SIG_LEN] {
        eddsa::sign(&self.key, msg)
    }
}

impl fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519PrivateKey")
            .field("public", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key as a [`crate::jwt::Key`] holds it, checked when the key was made.
///
/// With `eddsa_fast` (servers): the decoded point (192 bytes), so a verify goes straight to
/// the signature check. Without it (firmware, the web build): the 32-byte encoding, decoded
/// again for each verify (a point decompression, ~4 µs on a server, beside the signature
/// check), so a key costs 32 bytes in a key set rather than 192.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedPublic(
    #[cfg(not(feature = "eddsa_fast"))] [u8; KEY_LEN],
    #[cfg(feature = "eddsa_fast")] VerifyingKey,
);

impl PackedPublic {
    /// Written over a key that is wiped: a small-order point (the identity when decoded,
    /// 32 zero bytes when packed), so no signature verifies with it.
    #[cfg(not(feature = "eddsa_fast"))]
    pub(crate) fn zero() -> Self {
        Self([0; KEY_LEN])
    }

    /// Written over a key that is wiped: a small-order point (the identity when decoded,
    /// 32 zero bytes when packed), so no signature verifies with it.
    #[cfg(feature = "eddsa_fast")]
    pub(crate) fn zero() -> Self {
        use curve25519_dalek::traits::Identity;
        Self(VerifyingKey::from(
            curve25519_dalek::EdwardsPoint::identity(),
        ))
    }

    #[cfg(not(feature = "eddsa_fast"))]
    pub(crate) fn new(key: &Ed25519PublicKey) -> Self {
        Self(key.to_bytes())
    }

    #[cfg(feature = "eddsa_fast")]
    pub(crate) fn new(key: &Ed25519PublicKey) -> Self {
        Self(key.0)
    }

    /// Runs `f` on the decoded key: decoded here, in this frame (one copy of the point on the
    /// stack, not moved through a `Result`: the firmware's stack high-water mark).
    /// `InvalidKey` is not reached: the bytes were a valid key when packed.
    #[cfg(not(feature = "eddsa_fast"))]
    fn with_key<R>(&self, f: impl FnOnce(&VerifyingKey) -> R) -> Result<R> {
        let Ok(key) = VerifyingKey::from_bytes(&self.0) else {
            return Err(Error::InvalidKey);
        };
        Ok(f(&key))
    }

    /// Runs `f` on the decoded key, held as it is.
    #[cfg(feature = "eddsa_fast")]
    #[allow(clippy::unnecessary_wraps)] // the same signature as the packed form's
    fn with_key<R>(&self, f: impl FnOnce(&VerifyingKey) -> R) -> Result<R> {
        Ok(f(&self.0))
    }

    /// The public key.
    pub(crate) fn unpack(&self) -> Result<Ed25519PublicKey> {
        self.with_key(|key| Ed25519PublicKey(*key))
    }

    /// Checks the signature.
    #[inline(never)]
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        match self.with_key(|key| eddsa::verify(key, msg, sig))? {
            true => Ok(()),
            false => Err(Error::InvalidSignature),
        }
    }
}

/// An Ed25519 private key as a [`crate::jwt::Key`] holds it: the seed (zeroed on drop) and the
/// packed public key.
#[derive(Clone)]
pub(crate) struct PackedPrivate {
    seed: zeroize::Zeroizing<[u8; KEY_LEN]>,
    public: PackedPublic,
}

impl PackedPrivate {
    /// A zero seed with [`PackedPublic::zero`], written over a key that is wiped.
    pub(crate) fn zero() -> Self {
        Self {
            seed: zeroize::Zeroizing::new([0; KEY_LEN]),
            public: PackedPublic::zero(),
        }
    }

    pub(crate) fn new(key: &Ed25519PrivateKey) -> Self {
        Self {
            seed: zeroize::Zeroizing::new(*key.as_seed()),
            public: PackedPublic::new(&key.public_key()),
        }
    }

    pub(crate) fn public(&self) -> &PackedPublic {
        &self.public
    }

    pub(crate) fn unpack(&self) -> Ed25519PrivateKey {
        Ed25519PrivateKey::from_seed(&self.seed)
    }

    /// Signs with the expanded seed and the stored public key (RFC 8032 §5.1.6), without
    /// recomputing the public key from the seed.
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<[u8; eddsa::SIG_LEN]> {
        use ed25519_dalek::hazmat::{raw_sign, ExpandedSecretKey};
        let public = self.public.unpack()?;
        let expanded = ExpandedSecretKey::from(&*self.seed);
        Ok(raw_sign::<sha2::Sha512>(&expanded, msg, &public.0).to_bytes())
    }
}

/// `der` without `prefix`, if it is exactly `prefix` then 32 bytes.
fn strip<'a>(der: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    der.strip_prefix(prefix).filter(|k| k.len() == KEY_LEN)
}

/// Largest DER document a PEM block may carry here (the PKCS#8 v2 form).
const PEM_DER_MAX: usize = PKCS8_V2_LEN;
/// Largest base64 body (without line breaks) that decodes to [`PEM_DER_MAX`] bytes.
const PEM_BODY_MAX: usize = PEM_DER_MAX.div_ceil(3) * 4;

/// Decodes one PEM block with this `label` (RFC 7468 strict form, `\n` or `\r\n` line ends,
/// surrounding whitespace allowed) into `der`.
fn pem_decode<'d>(pem: &[u8], label: &str, der: &'d mut [u8]) -> Result<&'d [u8]> {
    let text = pem.trim_ascii();
    let rest = text
        .strip_prefix(b"-----BEGIN ".as_slice())
        .and_then(|r| r.strip_prefix(label.as_bytes()))
        .and_then(|r| r.strip_prefix(b"-----".as_slice()))
        .ok_or(Error::InvalidKey)?;
    let body = rest
        .strip_suffix(b"-----".as_slice())
        .and_then(|r| r.strip_suffix(label.as_bytes()))
        .and_then(|r| r.strip_suffix(b"-----END ".as_slice()))
        .ok_or(Error::InvalidKey)?;
    // The body: base64 lines; line breaks and blanks between them are dropped.
    let mut b64 = zeroize::Zeroizing::new([0u8; PEM_BODY_MAX]);
    let mut n = 0usize;
    for &c in body {
        if c.is_ascii_whitespace() {
            continue;
        }
        *b64.get_mut(n).ok_or(Error::InvalidKey)? = c;
        n = n.saturating_add(1);
    }
    let b64 = b64.get(..n).ok_or(Error::InvalidKey)?;
    Base64::decode(b64, der).map_err(|_| Error::InvalidKey)
}

/// Writes `der` as one PEM block with this `label`: the body on one line when it fits 64
/// characters (every Ed25519 document here does), `\n` line ends.
fn pem_encode(der: &[u8], label: &str, out: &mut [u8]) -> Result<usize> {
    let mut pos = 0;
    let put = super::json::put;
    put(out, &mut pos, b"-----BEGIN ")?;
    put(out, &mut pos, label.as_bytes())?;
    put(out, &mut pos, b"-----\n")?;
    let body = out.get_mut(pos..).ok_or(Error::BufferTooSmall)?;
    let n = Base64::encode(der, body)
        .map_err(|_| Error::BufferTooSmall)?
        .len();
    if n > 64 {
        return Err(Error::BufferTooSmall); // not reached: at most 64 characters here
    }
    pos = pos.saturating_add(n);
    put(out, &mut pos, b"\n-----END ")?;
    put(out, &mut pos, label.as_bytes())?;
    put(out, &mut pos, b"-----\n")?;
    Ok(pos)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    // RFC 8037 A.1/A.2.
    const D: [u8; 32] = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    const X: [u8; 32] = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            _ => c - b'a' + 10,
        }
    }

    const fn hex(s: &str) -> [u8; 32] {
        let b = s.as_bytes();
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
            i += 1;
        }
        out
    }

    #[test]
    fn rfc8037_keys_and_thumbprint() {
        let sk = Ed25519PrivateKey::from_seed(&D);
        assert_eq!(sk.public_key().to_bytes(), X);
        // RFC 8037 A.3.
        assert_eq!(
            sk.public_key().thumbprint().as_str(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
    )]
    fn pem_and_der_round_trip() {
        let sk = Ed25519PrivateKey::from_seed(&D);
        let pk = sk.public_key();
        let mut pem = [0u8; PRIVATE_PEM_LEN];
        assert_eq!(sk.write_pem(&mut pem).unwrap(), PRIVATE_PEM_LEN);
        let back = Ed25519PrivateKey::from_pem(&pem).unwrap();
        assert_eq!(back.as_seed(), &D);
        let text = pk.to_pem();
        assert_eq!(text.len(), PUBLIC_PEM_LEN);
        assert!(text.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        assert_eq!(Ed25519PublicKey::from_pem(text.as_bytes()).unwrap(), pk);
        // CRLF, wrapped body, surrounding blanks.
        let crlf = std::format!("  {}\r\n", text.replace('\n', "\r\n"));
        assert_eq!(Ed25519PublicKey::from_pem(crlf.as_bytes()).unwrap(), pk);
        // Wrong label, truncated, trailing junk.
        assert!(Ed25519PrivateKey::from_pem(text.as_bytes()).is_err());
        assert!(Ed25519PublicKey::from_pem(&pem).is_err());
        assert!(Ed25519PublicKey::from_pem(&text.as_bytes()[..60]).is_err());
        let junk = std::format!("{text}x");
        assert!(Ed25519PublicKey::from_pem(junk.as_bytes()).is_err());
        // PKCS#8 v2 with the matching public key, and with another one.
        let mut v2 = std::vec::Vec::from(PKCS8_V2_PREFIX);
        v2.extend_from_slice(&D);
        v2.extend_from_slice(&PKCS8_V2_PUBLIC);
        v2.extend_from_slice(&X);
        assert_eq!(Ed25519PrivateKey::from_der(&v2).unwrap().as_seed(), &D);
        v2[PKCS8_V2_LEN - 1] ^= 1;
        assert_eq!(
            Ed25519PrivateKey::from_der(&v2).unwrap_err(),
            Error::InvalidKey
        );
        assert_eq!(pk.to_der().len(), 44);
    }

    #[test]
    fn weak_and_non_canonical_public_keys_are_refused() {
        // Identity (small order), and y = p (non-canonical encoding of y = 0).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            Ed25519PublicKey::from_bytes(&identity).unwrap_err(),
            Error::InvalidKey
        );
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert_eq!(
            Ed25519PublicKey::from_bytes(&p).unwrap_err(),
            Error::InvalidKey
        );
        assert!(Ed25519PublicKey::from_bytes(&X).is_ok());
        assert!(Ed25519PublicKey::from_slice(&X[..31]).is_err());
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Ed25519 scalar multiplications take tens of seconds each under Miri; runs natively"
    )]
    fn debug_hides_the_seed() {
        let s = std::format!("{:?}", Ed25519PrivateKey::from_seed(&D));
        assert!(s.contains("kPrK_"));
        assert!(!s.contains("157"));
    }
}
