//! HS256 tokens: `Key`, `KeySet`, encode, verify-and-decode, unverified decode.
//!
//! Every check is the core's (`authcore::jwt`); this module converts arguments, supplies the
//! buffers and the clock value Python passes in, and converts results.

use std::borrow::Cow;

use authcore::jwt::{
    self, claims::Claims, custom_header, EncodeOptions, KeyRing, KeyStore, Typ, Validation,
    DEFAULT_MAX_TOKEN_LEN,
};
use authcore::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use crate::errors::{core, Fail};
use crate::text::{as_strs, bytes_or_str, str_list};
use crate::{json_to_py, py_to_json};

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
        Ok(Self {
            inner: core(inner)?,
            weak: allow_weak && secret.len() < jwt::MIN_SECRET_LEN,
        })
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

    fn __repr__(&self) -> String {
        match self.inner.kid() {
            Some(kid) => format!("Key(kid={kid:?})"),
            None => "Key(kid=None)".to_owned(),
        }
    }
}

/// Keys for rotation: tokens are verified with the key their `kid` names (unknown `kid` is
/// rejected), tokens without `kid` with the default key, and new tokens signed with the
/// default key.
#[pyclass(frozen, module = "authcore._authcore", name = "KeySet")]
pub struct KeySet {
    keys: Vec<jwt::Key>,
    default: usize,
}

#[pymethods]
impl KeySet {
    #[new]
    #[pyo3(signature = (keys, default_kid=None))]
    fn new(keys: Vec<PyRef<'_, Key>>, default_kid: Option<String>) -> PyResult<Self> {
        let keys: Vec<jwt::Key> = keys.iter().map(|k| k.inner.clone()).collect();
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

    /// The key ids, in order (`None` for a key without one).
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
    fn ring(&self) -> PyResult<KeyRing<'_>> {
        core(KeyRing::new(&self.keys, self.default))
    }
}

/// What a `keys`/`key` argument resolved to.
pub(crate) enum Keys<'a> {
    One(Cow<'a, jwt::Key>),
    Ring(KeyRing<'a>),
}

impl<'a> Keys<'a> {
    pub(crate) fn from_py(obj: &'a Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(k) = obj.cast::<Key>() {
            return Ok(Keys::One(Cow::Borrowed(&k.get().inner)));
        }
        if let Ok(s) = obj.cast::<KeySet>() {
            return Ok(Keys::Ring(s.get().ring()?));
        }
        if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
            let secret = bytes_or_str(obj, "key")?;
            return Ok(Keys::One(Cow::Owned(core(jwt::Key::new(&secret))?)));
        }
        Err(PyTypeError::new_err(
            "key must be an authcore Key, KeySet, or a str/bytes secret",
        ))
    }

    pub(crate) fn store(&self) -> &dyn KeyStore {
        match self {
            Keys::One(k) => k.as_ref(),
            Keys::Ring(r) => r,
        }
    }

    /// The key that signs new tokens.
    pub(crate) fn signing_key(&self) -> PyResult<&jwt::Key> {
        match self {
            Keys::One(k) => Ok(k.as_ref()),
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
) -> PyResult<Bound<'py, PyString>> {
    let keys = Keys::from_py(key)?;
    let signing = keys.signing_key()?;
    if let Some(header) = header_json {
        let mut out =
            vec![0u8; custom_header::encoded_len_with_header(header.len(), payload.len())];
        let n = core(custom_header::encode_with_header(
            header, payload, signing, &mut out,
        ))?;
        let token = core(out.get(..n).ok_or(Error::BufferTooSmall))?;
        return PyString::from_bytes(key.py(), token);
    }
    let typ = core(typ.map_or(Ok(Typ::Jwt), str::parse))?;
    let opts = EncodeOptions { typ, kid };
    let mut out = vec![0u8; jwt::encoded_len(payload.len(), kid.or(signing.kid()), typ)];
    let n = core(jwt::encode_json(payload, signing, &opts, &mut out))?;
    let token = core(out.get(..n).ok_or(Error::BufferTooSmall))?;
    PyString::from_bytes(key.py(), token)
}

/// Signs an already-serialized JSON payload. The payload is checked with the verifier's
/// structural rules first. `header_json`, when given, is the whole JOSE header (then `typ` and
/// `kid` are not used), checked with the verifier's header rules before signing.
#[pyfunction]
#[pyo3(signature = (payload_json, key, typ=None, kid=None, header_json=None))]
pub fn encode<'py>(
    payload_json: &[u8],
    key: &Bound<'py, PyAny>,
    typ: Option<String>,
    kid: Option<String>,
    header_json: Option<&[u8]>,
) -> PyResult<Bound<'py, PyString>> {
    sign(
        payload_json,
        key,
        typ.as_deref(),
        kid.as_deref(),
        header_json,
    )
}

/// Serializes `claims` exactly as `json.dumps(claims, separators=(",", ":"))` would and signs
/// it; `None` when a value needs `json.dumps` (the caller then uses `encode`).
#[pyfunction]
#[pyo3(signature = (claims, key, typ=None, kid=None))]
pub fn encode_claims<'py>(
    claims: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    typ: Option<String>,
    kid: Option<String>,
) -> PyResult<Option<Bound<'py, PyString>>> {
    match py_to_json::to_json(claims)? {
        Some(json) => sign(&json, key, typ.as_deref(), kid.as_deref(), None).map(Some),
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
    out: impl FnOnce(&[u8]) -> PyResult<R>,
) -> PyResult<R> {
    let token = bytes_or_str(token, "token")?;
    let keys = Keys::from_py(keys)?;
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
        jwt::verify(&token, keys.store(), v, c.now, buf)
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
            max_token_len=DEFAULT_MAX_TOKEN_LEN, strict_aud=false
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
            verified(token, keys, &checks, |$payload| $convert)
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
