//! Tokens: `Key` (HS256), `KeySet` (any keys, JWKS), encode, verify-and-decode, unverified
//! decode. Ed25519 keys are in `keys.rs`.
//!
//! Every check is the core's (`authcore::jwt`); this module converts arguments, supplies the
//! buffers and the clock value Python passes in, and converts results.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use authcore::jwt::{
    self, claims::Claims, custom_header, jwk, Alg, EncodeOptions, KeyRing, KeyStore, Typ,
    Validation, DEFAULT_MAX_TOKEN_LEN,
};
use authcore::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::errors::{core, Fail};
use crate::keys::{json_arg, PrivateKey, PublicKey};
use crate::text::{as_strs, bytes_or_str, str_list};
use crate::{json_to_py, py_to_json};

/// The algorithms the core signs and verifies, by name (`_authcore.ALGORITHMS`).
pub const ALGORITHMS: [Alg; 2] = [Alg::Hs256, Alg::EdDsa];

/// An HS256 key: a secret of at least 32 bytes and an optional key id. The secret is not kept
/// (only the precomputed HMAC state) and never appears in `repr`.
#[pyclass(frozen, module = "authcore._authcore", name = "Key")]
pub struct Key {
    inner: jwt::Key,
    weak: bool,
}

#[pymethods]
impl Key {
    #[new]
    #[pyo3(signature = (secret, kid=None, *, allow_weak=false))]
    fn new(secret: &Bound<'_, PyAny>, kid: Option<String>, allow_weak: bool) -> PyResult<Self> {
        let secret = bytes_or_str(secret, "secret")?;
        let inner = if allow_weak {
            jwt::Key::insecure_allow_weak(&secret, kid.as_deref())
        } else {
            match kid.as_deref() {
                Some(kid) => jwt::Key::with_kid(&secret, kid),
                None => jwt::Key::new(&secret),
            }
        };
        let key = Self {
            inner: core(inner)?,
            weak: allow_weak && secret.len() < jwt::MIN_SECRET_LEN,
        };
        scrub_stack();
        Ok(key)
    }

    /// The key id, or `None`.
    #[getter]
    fn kid(&self) -> Option<&str> {
        self.inner.kid()
    }

    /// `True` if this key was made with `allow_weak=True` from a secret under 32 bytes.
    #[getter]
    fn is_weak(&self) -> bool {
        self.weak
    }

    /// `"HS256"`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.alg().name()
    }

    fn __repr__(&self) -> String {
        match self.inner.kid() {
            Some(kid) => format!("Key(kid={kid:?})"),
            None => "Key(kid=None)".to_owned(),
        }
    }
}

/// The core key of a `Key`, `Ed25519PublicKey` or `Ed25519PrivateKey`.
fn single_key<'a>(obj: &'a Bound<'_, PyAny>) -> Option<&'a jwt::Key> {
    if let Ok(k) = obj.cast::<Key>() {
        return Some(&k.get().inner);
    }
    if let Ok(k) = obj.cast::<PublicKey>() {
        return Some(&k.get().inner);
    }
    if let Ok(k) = obj.cast::<PrivateKey>() {
        return Some(&k.get().inner);
    }
    None
}

/// Keys for rotation: tokens are verified with the key their `kid` names (unknown `kid` is
/// rejected), tokens without `kid` with the default key, and new tokens signed with the
/// default key. HS256 and Ed25519 keys mix; each verifies only its own algorithm.
#[pyclass(frozen, module = "authcore._authcore", name = "KeySet")]
pub struct KeySet {
    keys: Vec<jwt::Key>,
    default: usize,
}

#[pymethods]
impl KeySet {
    #[new]
    #[pyo3(signature = (keys, default_kid=None))]
    fn new(keys: Vec<Bound<'_, PyAny>>, default_kid: Option<String>) -> PyResult<Self> {
        let keys: Vec<jwt::Key> = keys
            .iter()
            .map(|k| {
                single_key(k).cloned().ok_or_else(|| {
                    PyTypeError::new_err(
                        "KeySet takes Key, Ed25519PublicKey or Ed25519PrivateKey objects",
                    )
                })
            })
            .collect::<PyResult<_>>()?;
        Self::of(keys, default_kid)
    }

    /// The public keys of a JWKS document (read by the core: duplicate `kid`s, private
    /// members, unknown key types refused); verifies only.
    #[staticmethod]
    fn from_jwks(jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_arg(jwks, "jwks")?;
        let mut keys = Vec::new();
        core(jwk::read_jwks(&text, |key| {
            keys.push(key);
            Ok(())
        }))?;
        Self::of(keys, None)
    }

    /// The JWKS document of the Ed25519 public keys (HS256 secrets are never written).
    fn jwks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut out = vec![0u8; jwk::max_jwks_len(self.keys.len())];
        let n = core(jwk::write_jwks(&self.keys, &mut out))?;
        json_to_py::object(py, core(out.get(..n).ok_or(Error::BufferTooSmall))?)
    }

    /// The key ids, in order (`None` for a key without one; an Ed25519 key has its
    /// thumbprint unless given one).
    #[getter]
    fn kids(&self) -> Vec<Option<&str>> {
        self.keys.iter().map(jwt::Key::kid).collect()
    }

    /// The default key's id.
    #[getter]
    fn default_kid(&self) -> Option<&str> {
        self.keys.get(self.default).and_then(jwt::Key::kid)
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "KeySet(kids={:?}, default_kid={:?})",
            self.kids(),
            self.default_kid()
        )
    }
}

impl KeySet {
    fn of(keys: Vec<jwt::Key>, default_kid: Option<String>) -> PyResult<Self> {
        let default = match default_kid {
            None => 0,
            Some(kid) => core(
                keys.iter()
                    .position(|k| k.kid() == Some(kid.as_str()))
                    .ok_or(Error::InvalidKey),
            )?,
        };
        core(KeyRing::new(&keys, default))?;
        Ok(Self { keys, default })
    }

    fn ring(&self) -> PyResult<KeyRing<'_>> {
        core(KeyRing::new(&self.keys, self.default))
    }
}

/// The algorithms a call accepts: PyJWT's `algorithms=` list for a decode, the one
/// `algorithm=` of an encode. A key whose algorithm is not among them is refused
/// (`unsupported_alg`) when a token selects it; a `str`/`bytes` key is read as an Ed25519 PEM
/// only where `EdDSA` is accepted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Allowed {
    hs256: bool,
    eddsa: bool,
}

impl Allowed {
    /// Every algorithm (sessions, and the calls that take no `algorithms`).
    pub(crate) const ANY: Self = Self {
        hs256: true,
        eddsa: true,
    };

    fn has(self, alg: Alg) -> bool {
        match alg {
            Alg::Hs256 => self.hs256,
            Alg::EdDsa => self.eddsa,
            _ => false,
        }
    }

    /// The algorithms of PyJWT's `algorithms` argument (an iterable of names; `None`: all).
    /// A `list` of `str` (the usual argument) is read without copying its strings.
    fn from_names(names: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(names) = names.filter(|n| !n.is_none()) else {
            return Ok(Self::ANY);
        };
        if let Ok(list) = names.cast::<PyList>() {
            let py = names.py();
            let (hs256, eddsa) = (intern!(py, "HS256"), intern!(py, "EdDSA"));
            debug_assert!(Alg::Hs256.name() == "HS256" && Alg::EdDsa.name() == "EdDSA");
            let mut allowed = Self {
                hs256: false,
                eddsa: false,
            };
            for item in list.iter() {
                // A name written in Python source is interned: the same object as ours.
                if item.is(hs256) {
                    allowed.hs256 = true;
                } else if item.is(eddsa) {
                    allowed.eddsa = true;
                } else if item.is_instance_of::<PyString>() {
                    allowed.hs256 |= item.eq(hs256)?;
                    allowed.eddsa |= item.eq(eddsa)?;
                } else {
                    return Err(PyTypeError::new_err(
                        "algorithms must be a str or an iterable of str",
                    ));
                }
            }
            return Ok(allowed);
        }
        let names = str_list(Some(names), "algorithms")?.unwrap_or_default();
        let named = |alg: Alg| names.iter().any(|n| n == alg.name());
        Ok(Self {
            hs256: named(Alg::Hs256),
            eddsa: named(Alg::EdDsa),
        })
    }

    /// The one algorithm an encode asks for, by name (`unsupported_alg` for another name).
    fn one(name: &str) -> PyResult<Self> {
        let alg: Alg = core(name.parse())?;
        Ok(Self {
            hs256: alg == Alg::Hs256,
            eddsa: alg == Alg::EdDsa,
        })
    }
}

/// A key store that refuses the keys of algorithms the caller did not allow.
struct Only<'a> {
    inner: &'a dyn KeyStore,
    allowed: Allowed,
}

impl KeyStore for Only<'_> {
    fn select(&self, kid: Option<&str>) -> authcore::Result<&jwt::Key> {
        let key = self.inner.select(kid)?;
        if self.allowed.has(key.alg()) {
            Ok(key)
        } else {
            Err(Error::UnsupportedAlg)
        }
    }
}

/// What a `keys`/`key` argument resolved to, for one call.
pub(crate) enum Keys<'a> {
    One(&'a jwt::Key),
    /// Made from a secret or PEM passed as `str`/`bytes` (see [`key_from_material`]).
    Made(Rc<jwt::Key>),
    Ring(KeyRing<'a>),
}

/// The key made from the last secret or PEM passed as `str`/`bytes` on this thread, with
/// that material and what the call allowed it to be read as.
struct MadeKey {
    material: Zeroizing<Vec<u8>>,
    allowed: Allowed,
    key: Rc<jwt::Key>,
}

thread_local! {
    static LAST_MADE: RefCell<Option<MadeKey>> = const { RefCell::new(None) };
}

/// Whether two secrets are equal, in time that depends on their lengths only (eight bytes
/// per constant-time comparison).
fn same_material(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.get_mut(..c.len()).unwrap_or_default().copy_from_slice(c);
        u64::from_ne_bytes(w)
    };
    let eq = a
        .chunks(8)
        .zip(b.chunks(8))
        .fold(subtle::Choice::from(1), |eq, (x, y)| {
            eq & word(x).ct_eq(&word(y))
        });
    bool::from(eq)
}

/// Zeroes the stack below the caller's frame. Building a key leaves copies of its material
/// (the HMAC key schedule, an Ed25519 seed) in the frames of the functions that made and moved
/// it; those frames are gone but their bytes stay until a later call happens to overwrite
/// them. Called right after a key is built, so no copy outlives the key object
/// (`py/tests/test_key_wipe.py`). The buffer escapes to `black_box`: the zeroing is kept.
#[inline(never)]
pub(crate) fn scrub_stack() {
    let mut below = [0u8; 16 * 1024];
    std::hint::black_box(&mut below);
}

/// The key for a secret or PEM passed as `str`/`bytes`, made by the core's rules (an Ed25519
/// PEM where `EdDSA` is allowed, else an HS256 secret).
///
/// PyJWT-style callers pass the same secret on every call, and making the key (the HMAC key
/// schedule and the public-key refusal rule; for a PEM, parsing and point decompression or
/// derivation) costs as much as the token itself, so the last key made on each thread is kept
/// with its material and reused when the next call passes equal material (compared in
/// constant time) for the same algorithms. The copy of the material is wiped when it is
/// replaced and when the thread ends; the key wipes itself when dropped.
fn key_from_material(material: &[u8], allowed: Allowed) -> PyResult<Rc<jwt::Key>> {
    let hit = LAST_MADE.with(|last| {
        let last = last.borrow();
        let made = last.as_ref()?;
        let same = made.allowed == allowed && same_material(&made.material, material);
        same.then(|| Rc::clone(&made.key))
    });
    if let Some(key) = hit {
        return Ok(key);
    }
    let key = if allowed.eddsa {
        match jwt::Key::from_pem(material, None) {
            Ok(key) => Ok(key),
            Err(_) if allowed.hs256 => jwt::Key::new(material),
            Err(e) => Err(e),
        }
    } else {
        jwt::Key::new(material)
    };
    let key = Rc::new(core(key)?);
    scrub_stack();
    LAST_MADE.with(|last| {
        *last.borrow_mut() = Some(MadeKey {
            material: Zeroizing::new(material.to_vec()),
            allowed,
            key: Rc::clone(&key),
        });
    });
    Ok(key)
}

impl<'a> Keys<'a> {
    /// A key object, a `KeySet`, an HS256 secret or an Ed25519 PEM (see [`Allowed`]).
    pub(crate) fn from_py(obj: &'a Bound<'_, PyAny>) -> PyResult<Self> {
        Self::from_py_for(obj, Allowed::ANY)
    }

    fn from_py_for(obj: &'a Bound<'_, PyAny>, allowed: Allowed) -> PyResult<Self> {
        if let Some(k) = single_key(obj) {
            return Ok(Keys::One(k));
        }
        if let Ok(s) = obj.cast::<KeySet>() {
            return Ok(Keys::Ring(s.get().ring()?));
        }
        if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
            let material = bytes_or_str(obj, "key")?;
            return Ok(Keys::Made(key_from_material(&material, allowed)?));
        }
        Err(PyTypeError::new_err(
            "key must be an authcore Key, Ed25519PublicKey, Ed25519PrivateKey, KeySet, or a \
             str/bytes secret or PEM",
        ))
    }

    pub(crate) fn store(&self) -> &dyn KeyStore {
        match self {
            Keys::One(k) => *k,
            Keys::Made(k) => k.as_ref(),
            Keys::Ring(r) => r,
        }
    }

    /// The key that signs new tokens.
    pub(crate) fn signing_key(&self) -> PyResult<&jwt::Key> {
        match self {
            Keys::One(k) => Ok(k),
            Keys::Made(k) => Ok(k.as_ref()),
            Keys::Ring(r) => core(r.default_key()),
        }
    }
}

fn sign<'py>(
    payload: &[u8],
    key: &Bound<'py, PyAny>,
    typ: Option<&str>,
    kid: Option<&str>,
    header_json: Option<&[u8]>,
    alg: &str,
) -> PyResult<Bound<'py, PyString>> {
    let allowed = Allowed::one(alg)?;
    let keys = Keys::from_py_for(key, allowed)?;
    let signing = keys.signing_key()?;
    // The key fixes the algorithm: an encode asking for another one is a wrong key.
    if !allowed.has(signing.alg()) || !signing.can_sign() {
        return Err(Fail::from(Error::InvalidKey).into());
    }
    if let Some(header) = header_json {
        let mut out = vec![
            0u8;
            custom_header::encoded_len_with_header_for(
                signing.alg(),
                header.len(),
                payload.len()
            )
        ];
        let n = core(custom_header::encode_with_header(
            header, payload, signing, &mut out,
        ))?;
        let token = core(out.get(..n).ok_or(Error::BufferTooSmall))?;
        return PyString::from_bytes(key.py(), token);
    }
    let typ = core(typ.map_or(Ok(Typ::Jwt), str::parse))?;
    let opts = EncodeOptions { typ, kid };
    let mut out =
        vec![0u8; jwt::encoded_len_for(signing.alg(), payload.len(), kid.or(signing.kid()), typ)];
    let n = core(jwt::encode_json(payload, signing, &opts, &mut out))?;
    let token = core(out.get(..n).ok_or(Error::BufferTooSmall))?;
    PyString::from_bytes(key.py(), token)
}

/// Signs an already-serialized JSON payload. The payload is checked with the verifier's
/// structural rules first. `header_json`, when given, is the whole JOSE header (then `typ` and
/// `kid` are not used), checked with the verifier's header rules before signing.
#[pyfunction]
#[pyo3(signature = (payload_json, key, typ=None, kid=None, header_json=None, alg="HS256"))]
pub fn encode<'py>(
    payload_json: &[u8],
    key: &Bound<'py, PyAny>,
    typ: Option<String>,
    kid: Option<String>,
    header_json: Option<&[u8]>,
    alg: &str,
) -> PyResult<Bound<'py, PyString>> {
    sign(
        payload_json,
        key,
        typ.as_deref(),
        kid.as_deref(),
        header_json,
        alg,
    )
}

/// Serializes `claims` exactly as `json.dumps(claims, separators=(",", ":"))` would and signs
/// it; `None` when a value needs `json.dumps` (the caller then uses `encode`).
#[pyfunction]
#[pyo3(signature = (claims, key, typ=None, kid=None, alg="HS256"))]
pub fn encode_claims<'py>(
    claims: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    typ: Option<String>,
    kid: Option<String>,
    alg: &str,
) -> PyResult<Option<Bound<'py, PyString>>> {
    match py_to_json::to_json(claims)? {
        Some(json) => sign(&json, key, typ.as_deref(), kid.as_deref(), None, alg).map(Some),
        None => Ok(None),
    }
}

/// The claim checks of a verified decode, as Python passes them.
struct Checks {
    now: u64,
    leeway: u64,
    issuer: Option<Vec<String>>,
    audience: Option<Vec<String>>,
    verify_aud: bool,
    strict_aud: bool,
    subject: Option<String>,
    token_type: Option<String>,
    /// `None`: `["exp"]`.
    required: Option<Vec<String>>,
    verify_exp: bool,
    verify_nbf: bool,
    verify_iat: bool,
    max_token_len: usize,
}

/// PyJWT's default `require` list, and the one `decode` passes: kept without allocating.
const REQUIRE_EXP: &[&str] = &["exp"];

/// Runs `f` with the core `Validation` for `c` (borrowing its strings).
fn with_validation<R>(c: &Checks, f: impl FnOnce(&Validation<'_>, &[&str]) -> R) -> R {
    let issuer = c.issuer.as_deref().map(as_strs);
    let audience = c.audience.as_deref().map(as_strs);
    let required: Cow<'_, [&str]> = match &c.required {
        None => Cow::Borrowed(REQUIRE_EXP),
        Some(list) => Cow::Owned(as_strs(list)),
    };
    let v = Validation {
        leeway: c.leeway,
        issuer: issuer.as_deref(),
        audience: audience.as_deref(),
        verify_aud: c.verify_aud,
        strict_aud: c.strict_aud,
        subject: c.subject.as_deref(),
        token_type: c.token_type.as_deref(),
        required: &required,
        verify_exp: c.verify_exp,
        verify_nbf: c.verify_nbf,
        verify_iat: c.verify_iat,
        max_token_len: c.max_token_len,
    };
    f(&v, &required)
}

/// Verifies `token` and hands the verified payload JSON to `out`.
fn verified<R>(
    token: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyAny>,
    c: &Checks,
    algorithms: Option<&Bound<'_, PyAny>>,
    out: impl FnOnce(&[u8]) -> PyResult<R>,
) -> PyResult<R> {
    let token = bytes_or_str(token, "token")?;
    let allowed = Allowed::from_names(algorithms)?;
    let keys = Keys::from_py_for(keys, allowed)?;
    let store = Only {
        inner: keys.store(),
        allowed,
    };
    // the decoded segments fit in the token's length; most tokens fit on the stack
    let (mut stack, mut heap) = ([0u8; 1024], Vec::new());
    let buf = match stack.get_mut(..token.len()) {
        Some(b) => b,
        None => {
            heap.resize(token.len(), 0);
            &mut heap[..]
        }
    };
    let payload = with_validation(c, |v, required| {
        jwt::verify(&token, &store, v, c.now, buf)
            .map(|t| t.payload)
            .map_err(|e| Fail::with_required(e, required))
    })?;
    out(payload)
}

/// A verified decode's `required` argument: `None` for the default (absent, or exactly
/// `("exp",)` / `["exp"]`, which `authcore.jwt.decode` passes), else the names.
fn required_list(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    if let Some(t) = obj.and_then(|o| o.cast::<PyTuple>().ok()) {
        // the interned literal: no list to build
        if t.len() == 1 && t.get_item(0)?.is(intern!(t.py(), "exp")) {
            return Ok(None);
        }
    }
    match str_list(obj, "required")? {
        Some(list) if !matches!(list.as_slice(), [only] if only == "exp") => Ok(Some(list)),
        _ => Ok(None),
    }
}

macro_rules! decode_fn {
    ($(#[$doc:meta])* $name:ident -> $ret:ty, |$py:ident, $payload:ident| $convert:expr) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (
            token, keys, now, leeway=0, issuer=None, audience=None, verify_aud=true, subject=None,
            token_type=None, required=None, verify_exp=true, verify_nbf=true, verify_iat=true,
            max_token_len=DEFAULT_MAX_TOKEN_LEN, strict_aud=false, algorithms=None
        ))]
        #[allow(clippy::too_many_arguments)]
        pub fn $name<'py>(
            $py: Python<'py>,
            token: &Bound<'py, PyAny>,
            keys: &Bound<'py, PyAny>,
            now: u64,
            leeway: u64,
            issuer: Option<&Bound<'py, PyAny>>,
            audience: Option<&Bound<'py, PyAny>>,
            verify_aud: bool,
            subject: Option<String>,
            token_type: Option<String>,
            required: Option<&Bound<'py, PyAny>>,
            verify_exp: bool,
            verify_nbf: bool,
            verify_iat: bool,
            max_token_len: usize,
            strict_aud: bool,
            algorithms: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<$ret> {
            let checks = Checks {
                now,
                leeway,
                issuer: str_list(issuer, "issuer")?,
                audience: str_list(audience, "audience")?,
                verify_aud,
                strict_aud,
                subject,
                token_type,
                required: required_list(required)?,
                verify_exp,
                verify_nbf,
                verify_iat,
                max_token_len,
            };
            verified(token, keys, &checks, algorithms, |$payload| $convert)
        }
    };
}

decode_fn!(
    /// Verifies a token (signature first, then claims at `now`, Unix seconds) and returns the
    /// verified payload JSON.
    decode -> Bound<'py, PyBytes>,
    |py, payload| Ok(PyBytes::new(py, payload))
);

decode_fn!(
    /// Like `decode`, returning the payload as a `dict` (what `json.loads` would give).
    decode_dict -> Bound<'py, PyDict>,
    |py, payload| json_to_py::object(py, payload)
);

/// Decodes the payload **without verifying the signature**. The structure is still checked
/// (segments, base64url, header `alg`, payload a bounded JSON object with typed registered
/// claims). Claim checks run only where asked for (all off by default); a `refresh` token is
/// only rejected when `token_type` asks for another type.
#[pyfunction]
#[pyo3(signature = (
    token, max_token_len=DEFAULT_MAX_TOKEN_LEN, *, now=0, leeway=0, issuer=None, audience=None,
    verify_aud=false, subject=None, token_type=None, required=None, verify_exp=false,
    verify_nbf=false, verify_iat=false, strict_aud=false
))]
#[allow(clippy::too_many_arguments)]
pub fn decode_unverified<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    max_token_len: usize,
    now: u64,
    leeway: u64,
    issuer: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    verify_aud: bool,
    subject: Option<String>,
    token_type: Option<String>,
    required: Option<&Bound<'py, PyAny>>,
    verify_exp: bool,
    verify_nbf: bool,
    verify_iat: bool,
    strict_aud: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let token = bytes_or_str(token, "token")?;
    let mut buf = vec![0u8; token.len()];
    let payload = core(jwt::decode_unverified(&token, max_token_len, &mut buf))?;
    let c = Checks {
        now,
        leeway,
        issuer: str_list(issuer, "issuer")?,
        audience: str_list(audience, "audience")?,
        verify_aud,
        strict_aud,
        subject,
        token_type,
        required: Some(str_list(required, "required")?.unwrap_or_default()),
        verify_exp,
        verify_nbf,
        verify_iat,
        max_token_len,
    };
    let any_check = c.verify_exp
        || c.verify_nbf
        || c.verify_iat
        || c.verify_aud
        || c.issuer.is_some()
        || c.subject.is_some()
        || c.token_type.is_some()
        || c.required.as_ref().is_none_or(|r| !r.is_empty());
    if any_check {
        with_validation(&c, |v, required| {
            let fail = |e| Fail::with_required(e, required);
            let mut claims = Claims::parse(payload, required).map_err(fail)?;
            if v.token_type.is_none() {
                // No type expectation: do not apply the refresh-token rule to unverified input.
                claims.typ = None;
            }
            claims.validate(v, now).map_err(fail)
        })?;
    }
    Ok(PyBytes::new(py, payload))
}

/// The token's header JSON, checked to be a JSON object whose `kid` (if any) the verifier
/// would take, **without verifying anything**.
#[pyfunction]
pub fn get_unverified_header<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let token = bytes_or_str(token, "token")?;
    let mut buf = vec![0u8; token.len()];
    let header = core(custom_header::unverified_header(&token, &mut buf))?;
    Ok(PyBytes::new(py, header))
}
