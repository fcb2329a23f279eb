//! Sessions over `authcore::session`: lifetimes and the refresh-rotation decision (for the
//! Python session stores: memory, SQLite, Redis), the id rule, and access/refresh token pairs
//! issued and verified by the core. This module supplies the clock value Python passes in and
//! ids from the OS random source, and converts types; every rule is the core's.

use authcore::jwt::{self, EncodeOptions, Typ, Validation};
use authcore::session::{
    self, AccessClaims as CoreAccess, Id, RefreshClaims as CoreRefresh, RefreshDecision, Seen,
    SessionPolicy as CorePolicy, ACCESS_REQUIRED, DEFAULT_ACCESS_TTL, DEFAULT_REFRESH_TTL,
    RANDOM_ID_BYTES, RANDOM_ID_LEN, REFRESH_REQUIRED,
};
use authcore::{authz::Scopes, bearer, Error};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};
use subtle::ConstantTimeEq;

use crate::errors::{core, Fail};
use crate::jwt::Keys;
use crate::text::{bytes_or_str, str_list};
use crate::{json_to_py, py_to_json};

/// Access/refresh token lifetimes and the verifier's leeway, in seconds
/// (`0 < access_ttl <= refresh_ttl`, `leeway < access_ttl`).
#[pyclass(frozen, eq, module = "authcore._authcore", name = "SessionPolicy")]
#[derive(Clone, PartialEq, Eq)]
pub struct SessionPolicy {
    inner: CorePolicy,
}

#[pymethods]
impl SessionPolicy {
    #[new]
    #[pyo3(signature = (
        access_ttl=DEFAULT_ACCESS_TTL, refresh_ttl=DEFAULT_REFRESH_TTL, leeway=jwt::DEFAULT_LEEWAY,
        grace=0
    ))]
    fn new(access_ttl: u64, refresh_ttl: u64, leeway: u64, grace: u64) -> PyResult<Self> {
        Ok(Self {
            inner: core(
                CorePolicy::new(access_ttl, refresh_ttl)
                    .and_then(|p| p.with_leeway(leeway))
                    .and_then(|p| p.with_grace(grace)),
            )?,
        })
    }

    /// The refresh grace window in seconds (0: every second use is reuse).
    #[getter]
    fn grace(&self) -> u64 {
        self.inner.grace()
    }

    /// Until when the `grace(jti)` record of a refresh token spent at `now` lives; `None`
    /// without a grace window.
    fn grace_until(&self, now: u64) -> Option<u64> {
        self.inner.grace_until(now)
    }

    #[getter]
    fn access_ttl(&self) -> u64 {
        self.inner.access_ttl()
    }

    #[getter]
    fn refresh_ttl(&self) -> u64 {
        self.inner.refresh_ttl()
    }

    #[getter]
    fn leeway(&self) -> u64 {
        self.inner.leeway()
    }

    /// `exp` of an access token issued at `now`.
    fn access_exp(&self, now: u64) -> u64 {
        self.inner.access_exp(now)
    }

    /// `exp` of a refresh token issued at `now`.
    fn refresh_exp(&self, now: u64) -> u64 {
        self.inner.refresh_exp(now)
    }

    /// Until when a record about one token expiring at `exp` must be kept: `exp + leeway`.
    fn record_until(&self, exp: u64) -> u64 {
        self.inner.record_until(exp)
    }

    /// Until when a family revoked at `now` must stay revoked.
    fn family_until(&self, now: u64) -> u64 {
        self.inner.family_until(now)
    }

    /// Until when a signing key that stopped signing at `retired_at` keeps verifying and
    /// stays published: `retired_at + refresh_ttl + leeway` (raises `InvalidParamsError` on
    /// overflow).
    fn key_retired_until(&self, retired_at: u64) -> PyResult<u64> {
        core(self.inner.key_retired_until(retired_at))
    }

    /// `key_retired_until(retired_at)` for a key configured at `now`; raises
    /// `InvalidParamsError` for a `retired_at` later than `now + leeway` (a key that no
    /// longer signs cannot retire in the future).
    fn check_key_retired(&self, retired_at: u64, now: u64) -> PyResult<u64> {
        core(self.inner.check_key_retired(retired_at, now))
    }

    /// Whether a key that stopped signing at `retired_at` still verifies at `now`
    /// (`now < key_retired_until(retired_at)`; `False` for a retirement time
    /// `check_key_retired` refuses).
    fn key_still_trusted(&self, retired_at: u64, now: u64) -> bool {
        self.inner.key_still_trusted(retired_at, now)
    }

    /// The rotation decision for a verified refresh token expiring at `exp`, given what the
    /// store holds: `("ok", used_until)` — mark the `jti` used until then (and write
    /// `grace(jti)` until `grace_until(now)` when there is a grace window) and issue a new
    /// pair; `("repeat", 0)` — spent within the grace window: issue a new pair, write nothing;
    /// `("reused", revoke_until)` — revoke the family until then; `("revoked", 0)`.
    #[pyo3(signature = (family_revoked, jti_used, exp, now, in_grace=false))]
    fn on_refresh(
        &self,
        family_revoked: bool,
        jti_used: bool,
        exp: u64,
        now: u64,
        in_grace: bool,
    ) -> (&'static str, u64) {
        let seen = Seen {
            family_revoked,
            jti_used,
            in_grace,
        };
        let decision = self.inner.on_refresh(seen, exp, now);
        let until = match decision {
            RefreshDecision::Rotate { used_until, .. } => used_until,
            RefreshDecision::Reused { revoke_until } => revoke_until,
            RefreshDecision::Revoked | RefreshDecision::Repeat => 0,
        };
        (decision.as_str(), until)
    }

    fn __repr__(&self) -> String {
        format!(
            "SessionPolicy(access_ttl={}, refresh_ttl={}, leeway={}, grace={})",
            self.inner.access_ttl(),
            self.inner.refresh_ttl(),
            self.inner.leeway(),
            self.inner.grace()
        )
    }
}

/// Raises `InvalidParamsError` unless `id` is a token or family id the core accepts
/// (`MIN_ID_LEN..=MAX_ID_LEN` characters of `A-Z a-z 0-9 - _`); returns it.
#[pyfunction]
pub fn check_id<'py>(id: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    core(Id::new(&id.to_cow()?))?;
    Ok(id.clone())
}

/// A fresh id: `RANDOM_ID_BYTES` from the OS random source, written by the core
/// (`RANDOM_ID_LEN` base64url characters).
fn random_id() -> PyResult<String> {
    let mut bytes = [0u8; RANDOM_ID_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| Fail::from(Error::InvalidParams))?;
    let mut buf = [0u8; RANDOM_ID_LEN];
    Ok(core(Id::from_random(&bytes, &mut buf))?.as_str().to_owned())
}

/// Runs `verify` (one of the core's session verifiers, converting what it returns) over
/// `token` with the policy's leeway and the expected issuer and audience; an error names the
/// claims `required` lists.
#[allow(clippy::too_many_arguments)]
fn verify_token<R>(
    token: &[u8],
    keys: &Bound<'_, PyAny>,
    policy: &SessionPolicy,
    issuer: Option<&str>,
    audience: Option<&str>,
    required: &'static [&'static str],
    verify: impl FnOnce(&[u8], &Keys, &Validation<'_>, &mut [u8]) -> authcore::Result<R>,
) -> PyResult<R> {
    let keys = Keys::from_py(keys)?;
    let (issuer, audience) = (issuer.map(|s| [s]), audience.map(|s| [s]));
    let mut v = Validation::new().leeway(policy.inner.leeway());
    v.issuer = issuer.as_ref().map(|a| a.as_slice());
    v.audience = audience.as_ref().map(|a| a.as_slice());
    let mut buf = vec![0u8; token.len()];
    Ok(verify(token, &keys, &v, &mut buf).map_err(|e| Fail::with_required(e, required))?)
}

/// A verified access token (or the claims of one just issued).
///
/// `sub`, `jti` and `fam` are Python `str` objects made once, when the claims are: a request
/// reads them (the endpoint its `sub`, a revocation check its `jti` and `fam`), and a token an
/// `AccessVerifier` remembers hands the same claims to every request, so each read is the same
/// object, its hash already computed, instead of a new `str` a read.
#[pyclass(frozen, eq, module = "authcore._authcore", name = "AccessClaims")]
pub struct AccessClaims {
    #[pyo3(get)]
    sub: Py<PyString>,
    #[pyo3(get)]
    jti: Py<PyString>,
    #[pyo3(get)]
    fam: Option<Py<PyString>>,
    #[pyo3(get)]
    iat: u64,
    #[pyo3(get)]
    exp: u64,
    roles: Vec<String>,
    scopes: Vec<String>,
    payload: Vec<u8>,
}

impl AccessClaims {
    /// The claims with their texts made Python `str` objects (once: see the type).
    #[allow(clippy::too_many_arguments)]
    fn made(
        py: Python<'_>,
        sub: &str,
        jti: &str,
        fam: Option<&str>,
        iat: u64,
        exp: u64,
        roles: Vec<String>,
        scopes: Vec<String>,
        payload: Vec<u8>,
    ) -> Self {
        Self {
            sub: PyString::new(py, sub).unbind(),
            jti: PyString::new(py, jti).unbind(),
            fam: fam.map(|f| PyString::new(py, f).unbind()),
            iat,
            exp,
            roles,
            scopes,
            payload,
        }
    }
}

impl PartialEq for AccessClaims {
    fn eq(&self, other: &Self) -> bool {
        Python::attach(|py| {
            let same = |a: &Py<PyString>, b: &Py<PyString>| {
                a.bind(py).as_any().eq(b.bind(py)).unwrap_or(false)
            };
            let same_fam = match (&self.fam, &other.fam) {
                (Some(a), Some(b)) => same(a, b),
                (a, b) => a.is_none() && b.is_none(),
            };
            same(&self.sub, &other.sub)
                && same(&self.jti, &other.jti)
                && same_fam
                && (self.iat, self.exp) == (other.iat, other.exp)
                && (&self.roles, &self.scopes, &self.payload)
                    == (&other.roles, &other.scopes, &other.payload)
        })
    }
}

#[pymethods]
impl AccessClaims {
    /// Claims built by hand (tests, apps that mint their own); `raw` defaults to none.
    #[new]
    #[pyo3(signature = (sub, jti, iat, exp, roles=Vec::new(), scopes=Vec::new(), fam=None, raw=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        sub: String,
        jti: String,
        iat: u64,
        exp: u64,
        roles: Vec<String>,
        scopes: Vec<String>,
        fam: Option<String>,
        raw: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let payload = match raw {
            Some(d) => core(py_to_json::to_json(d)?.ok_or(Error::InvalidParams))?,
            None => b"{}".to_vec(),
        };
        let fam = fam.as_deref();
        Ok(Self::made(
            py, &sub, &jti, fam, iat, exp, roles, scopes, payload,
        ))
    }

    /// The roles, in order (the `roles` claim: one string or an array of strings).
    #[getter]
    fn roles<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.roles)
    }

    /// The granted scopes, in order (the space-delimited `scope` claim).
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.scopes)
    }

    /// `has_scopes(" ".join(self.scopes), required)`, without building the tuple and the
    /// string in Python: True when every `required` scope (a list, or a space-delimited
    /// `str`) was granted; a malformed requirement raises `InvalidParamsError`.
    fn has_scopes(&self, required: &Bound<'_, PyAny>) -> PyResult<bool> {
        crate::authz::has_scopes(self.scopes.join(" "), required)
    }

    /// Every claim of the token, custom ones included, as a new `dict`.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_to_py::object(py, &self.payload)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = |s: &Py<PyString>| s.bind(py).to_cow().map(|t| t.into_owned());
        let fam = self.fam.as_ref().map(text).transpose()?;
        Ok(format!(
            "AccessClaims(sub={:?}, jti={:?}, fam={fam:?}, iat={}, exp={}, roles={:?}, scopes={:?})",
            text(&self.sub)?,
            text(&self.jti)?,
            self.iat,
            self.exp,
            self.roles,
            self.scopes
        ))
    }
}

/// A verified refresh token (or the claims of one just issued). It carries no roles; its
/// `scopes` are the session's grant, the most a refreshed pair may carry (RFC 6749 §6).
#[pyclass(frozen, eq, module = "authcore._authcore", name = "RefreshClaims")]
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshClaims {
    #[pyo3(get)]
    sub: String,
    #[pyo3(get)]
    jti: String,
    #[pyo3(get)]
    fam: String,
    #[pyo3(get)]
    iat: Option<u64>,
    #[pyo3(get)]
    exp: u64,
    scopes: Vec<String>,
}

#[pymethods]
impl RefreshClaims {
    #[new]
    #[pyo3(signature = (sub, jti, fam, exp, iat=None, scopes=Vec::new()))]
    fn new(
        sub: String,
        jti: String,
        fam: String,
        exp: u64,
        iat: Option<u64>,
        scopes: Vec<String>,
    ) -> Self {
        Self {
            sub,
            jti,
            fam,
            iat,
            exp,
            scopes,
        }
    }

    /// The session's grant, in order (the refresh token's `scope` claim; none when absent).
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.scopes)
    }

    fn __repr__(&self) -> String {
        format!(
            "RefreshClaims(sub={:?}, jti={:?}, fam={:?}, iat={:?}, exp={}, scopes={:?})",
            self.sub, self.jti, self.fam, self.iat, self.exp, self.scopes
        )
    }
}

/// Verifies an access token (signature, `exp`/`nbf`/`iat` with the policy's leeway, `iss`
/// and `aud` when given, payload `typ == "access"`, `exp iat sub jti typ` present, ids well
/// formed, roles and scope well typed) at `now` (Unix seconds).
#[pyfunction]
#[pyo3(signature = (token, keys, policy, now, issuer=None, audience=None))]
pub fn verify_access(
    token: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyAny>,
    policy: &SessionPolicy,
    now: u64,
    issuer: Option<String>,
    audience: Option<String>,
) -> PyResult<AccessClaims> {
    let token = bytes_or_str(token, "token")?;
    let (issuer, audience) = (issuer.as_deref(), audience.as_deref());
    Ok(access(&token, keys, policy, now, issuer, audience)?.0)
}

/// The access token a request carries, verified as by `verify_access`: `headers` are the
/// request's ASGI headers (an iterable of `(name, value)` byte pairs, names in lower case);
/// the first `authorization` header counts (as Starlette reads it) and its bearer token is
/// read by `authcore::bearer`. `None` when the request carries no bearer token (no header,
/// another scheme, an empty token): no credentials, which is not a bad token.
#[pyfunction]
#[pyo3(signature = (headers, keys, policy, now, issuer=None, audience=None))]
pub fn verify_bearer(
    headers: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyAny>,
    policy: &SessionPolicy,
    now: u64,
    issuer: Option<String>,
    audience: Option<String>,
) -> PyResult<Option<AccessClaims>> {
    let (issuer, audience) = (issuer.as_deref(), audience.as_deref());
    bearer_token(headers)?
        .map(|token| Ok(access(&token, keys, policy, now, issuer, audience)?.0))
        .transpose()
}

/// The bearer token of ASGI `headers` (see `verify_bearer`), `None` for no bearer token.
fn bearer_token(headers: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    let not_pairs = || PyTypeError::new_err("ASGI headers must be (name, value) pairs of bytes");
    for item in headers.try_iter()? {
        let item = item?;
        let (name, value) = if let Ok(pair) = item.cast::<PyTuple>() {
            match pair.len() {
                2 => (pair.get_item(0)?, pair.get_item(1)?),
                _ => return Err(not_pairs()),
            }
        } else if let Ok(pair) = item.cast::<PyList>() {
            match pair.len() {
                2 => (pair.get_item(0)?, pair.get_item(1)?),
                _ => return Err(not_pairs()),
            }
        } else {
            return Err(not_pairs());
        };
        let name = name.cast::<PyBytes>().map_err(|_| not_pairs())?;
        if name.as_bytes() == bearer::AUTHORIZATION {
            let value = value.cast::<PyBytes>().map_err(|_| not_pairs())?;
            return Ok(bearer::token(value.as_bytes()).map(<[u8]>::to_vec));
        }
    }
    Ok(None)
}

/// The claims of an access token `verify_access` accepts, and until when that verdict stands
/// (`Claims::accepted_until`).
fn access(
    token: &[u8],
    keys: &Bound<'_, PyAny>,
    policy: &SessionPolicy,
    now: u64,
    issuer: Option<&str>,
    audience: Option<&str>,
) -> PyResult<(AccessClaims, u64)> {
    let py = keys.py();
    verify_token(
        token,
        keys,
        policy,
        issuer,
        audience,
        ACCESS_REQUIRED,
        |token, keys, v, buf| {
            let t = session::verify_access(token, keys.store(), v, now, buf)?;
            let mut roles = Vec::new();
            t.for_each_role(|r| roles.push(r.chars().collect()));
            let scopes = t.scopes()?.iter().map(str::to_owned).collect();
            let sub: String = t.sub.chars().collect();
            let claims = AccessClaims::made(
                py,
                &sub,
                t.jti.as_str(),
                t.fam.map(|f| f.as_str()),
                t.iat,
                t.exp,
                roles,
                scopes,
                t.payload.to_vec(),
            );
            Ok((claims, t.claims.accepted_until(v)))
        },
    )
}

/// How many verified tokens an `AccessVerifier` remembers unless told otherwise.
pub const DEFAULT_TOKEN_CACHE_SIZE: usize = 1024;

/// A remembered token's text as the map's key, compared in constant time (it carries a MAC): a
/// lookup never tells how much of a presented token matched a remembered one.
struct TokenText(Box<[u8]>);

impl PartialEq for TokenText {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        if a.len() != b.len() {
            return false;
        }
        // subtle's equality on 8-byte words, not on bytes: one optimisation barrier per word
        // (per byte, the barriers took half the time of verifying a remembered token)
        let ((a_words, a_tail), (b_words, b_tail)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
        let same = a_words
            .iter()
            .zip(b_words)
            .fold(a_tail.ct_eq(b_tail), |same, (x, y)| {
                same & u64::from_ne_bytes(*x).ct_eq(&u64::from_ne_bytes(*y))
            });
        bool::from(same)
    }
}

impl Eq for TokenText {}

impl Hash for TokenText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// A token an `AccessVerifier` accepted: its claims object, and the moments its verdict
/// stands for (`from <= now < until`).
struct Remembered {
    claims: Py<AccessClaims>,
    from: u64,
    until: u64,
}

/// `verify_access` and `verify_bearer` for one key set, policy, issuer and audience, remembering
/// up to `capacity` tokens it accepted (0: none) for as long as the verdict stands
/// (`Claims::accepted_until`: until `exp + leeway`): a token seen again is looked up (by its
/// whole text, in a hash map with a per-process random key), not decoded and MAC'd again, and
/// its claims object (immutable) is returned again. A token it refused is never remembered;
/// a clock that went back verifies again. Same verdicts, same errors as the functions.
#[pyclass(frozen, module = "authcore._authcore", name = "AccessVerifier")]
pub struct AccessVerifier {
    keys: Py<PyAny>,
    policy: SessionPolicy,
    issuer: Option<String>,
    audience: Option<String>,
    capacity: usize,
    seen: Mutex<HashMap<TokenText, Remembered>>,
}

impl AccessVerifier {
    fn seen(&self) -> MutexGuard<'_, HashMap<TokenText, Remembered>> {
        // only ever held for a map operation, with the GIL: never poisoned in practice, and a
        // map is valid whatever panicked
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check(&self, py: Python<'_>, token: TokenText, now: u64) -> PyResult<Py<AccessClaims>> {
        if self.capacity > 0 {
            if let Some(r) = self.seen().get(&token) {
                if r.from <= now && now < r.until {
                    return Ok(r.claims.clone_ref(py));
                }
            }
        }
        let (claims, until) = access(
            &token.0,
            self.keys.bind(py),
            &self.policy,
            now,
            self.issuer.as_deref(),
            self.audience.as_deref(),
        )?;
        let claims = Py::new(py, claims)?;
        if self.capacity > 0 {
            let mut seen = self.seen();
            if seen.len() >= self.capacity && !seen.contains_key(&token) {
                seen.retain(|_, r| now < r.until);
                if seen.len() >= self.capacity {
                    seen.clear();
                }
            }
            let remembered = Remembered {
                claims: claims.clone_ref(py),
                from: now,
                until,
            };
            seen.insert(token, remembered);
        }
        Ok(claims)
    }
}

#[pymethods]
impl AccessVerifier {
    #[new]
    #[pyo3(signature = (keys, policy, issuer=None, audience=None, capacity=DEFAULT_TOKEN_CACHE_SIZE))]
    fn new(
        keys: &Bound<'_, PyAny>,
        policy: &SessionPolicy,
        issuer: Option<String>,
        audience: Option<String>,
        capacity: usize,
    ) -> PyResult<Self> {
        Keys::from_py(keys)?; // a key set the functions take, checked once
        Ok(Self {
            keys: keys.clone().unbind(),
            policy: policy.clone(),
            issuer,
            audience,
            capacity,
            seen: Mutex::new(HashMap::new()),
        })
    }

    /// `verify_access(token, keys, policy, now, issuer, audience)`.
    fn verify(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        now: u64,
    ) -> PyResult<Py<AccessClaims>> {
        let token = TokenText(bytes_or_str(token, "token")?.to_vec().into_boxed_slice());
        self.check(py, token, now)
    }

    /// `verify_bearer(headers, keys, policy, now, issuer, audience)`.
    fn verify_bearer(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        now: u64,
    ) -> PyResult<Option<Py<AccessClaims>>> {
        match bearer_token(headers)? {
            Some(token) => Ok(Some(self.check(
                py,
                TokenText(token.into_boxed_slice()),
                now,
            )?)),
            None => Ok(None),
        }
    }

    /// The key set it verifies with.
    #[getter]
    fn keys(&self, py: Python<'_>) -> Py<PyAny> {
        self.keys.clone_ref(py)
    }

    /// How many tokens it may remember.
    #[getter]
    fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many tokens it remembers now.
    fn __len__(&self) -> usize {
        self.seen().len()
    }
}

/// Verifies a refresh token (as `verify_access`, with payload `typ == "refresh"` and
/// `exp sub jti fam typ` present). The caller then asks its store.
#[pyfunction]
#[pyo3(signature = (token, keys, policy, now, issuer=None, audience=None))]
pub fn verify_refresh(
    token: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyAny>,
    policy: &SessionPolicy,
    now: u64,
    issuer: Option<String>,
    audience: Option<String>,
) -> PyResult<RefreshClaims> {
    let (issuer, audience) = (issuer.as_deref(), audience.as_deref());
    verify_token(
        &bytes_or_str(token, "token")?,
        keys,
        policy,
        issuer,
        audience,
        REFRESH_REQUIRED,
        |token, keys, v, buf| {
            let t = session::verify_refresh(token, keys.store(), v, now, buf)?;
            Ok(RefreshClaims {
                sub: t.sub.chars().collect(),
                jti: t.jti.as_str().to_owned(),
                fam: t.fam.as_str().to_owned(),
                iat: t.iat,
                exp: t.exp,
                scopes: t.grant()?.iter().map(str::to_owned).collect(),
            })
        },
    )
}

/// Signs one payload the core wrote with `write`.
fn sign(
    py: Python<'_>,
    key: &jwt::Key,
    write: impl FnOnce(&mut [u8]) -> authcore::Result<usize>,
    size: usize,
) -> PyResult<Py<PyString>> {
    let mut json = vec![0u8; size];
    let n = core(write(&mut json))?;
    let payload = core(json.get(..n).ok_or(Error::BufferTooSmall))?;
    let opts = EncodeOptions::default();
    let mut out = vec![0u8; jwt::encoded_len_for(key.alg(), n, key.kid(), Typ::Jwt)];
    let len = core(jwt::encode_json(payload, key, &opts, &mut out))?;
    let token = core(out.get(..len).ok_or(Error::BufferTooSmall))?;
    Ok(PyString::from_bytes(py, token)?.unbind())
}

/// Each item once, in first-seen order.
fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Issues an access + refresh pair at `now` under `policy`, signed with the default key of
/// `keys`: fresh `jti`s and, unless `fam` is given (rotation), a fresh family, all from the
/// OS random source. The access token carries `roles` and `scopes` (each once, in order; the
/// scopes checked against the RFC 6749 grammar); the refresh token carries no roles and the
/// same scopes as the session's grant. With `grant` (a refresh: the presented refresh token's
/// scopes), only the `scopes` the grant holds are kept (`Scopes::within`). Both tokens carry
/// `iss`/`aud` when given. Returns `(access_token, refresh_token, access, refresh)`.
#[pyfunction]
#[pyo3(signature = (keys, policy, sub, roles, scopes, fam=None, *, now, issuer=None, audience=None, grant=None))]
#[allow(clippy::too_many_arguments)]
pub fn issue_pair(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    policy: &SessionPolicy,
    sub: String,
    roles: &Bound<'_, PyAny>,
    scopes: &Bound<'_, PyAny>,
    fam: Option<String>,
    now: u64,
    issuer: Option<String>,
    audience: Option<String>,
    grant: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Py<PyString>, Py<PyString>, AccessClaims, RefreshClaims)> {
    let keys = Keys::from_py(keys)?;
    let key = keys.signing_key()?;
    let roles = dedup(str_list(Some(roles), "roles")?.unwrap_or_default());
    let mut scope = dedup(str_list(Some(scopes), "scopes")?.unwrap_or_default()).join(" ");
    let invalid = |_| Error::InvalidParams;
    if let Some(grant) = str_list(grant, "grant")? {
        let grant = grant.join(" ");
        let grant = core(Scopes::parse(&grant).map_err(invalid))?;
        let held = core(Scopes::parse(&scope).map_err(invalid))?;
        scope = held.within(&grant).collect::<Vec<_>>().join(" ");
    }
    let parsed = core(Scopes::parse(&scope).map_err(invalid))?;
    let fam = match fam {
        Some(f) => f,
        None => random_id()?,
    };
    let (access_jti, refresh_jti) = (random_id()?, random_id()?);
    let family = core(Id::new(&fam))?;
    let p = &policy.inner;
    let role_refs: Vec<&str> = roles.iter().map(String::as_str).collect();
    let access = CoreAccess {
        roles: &role_refs,
        scope: Some(parsed.as_str()),
        iss: issuer.as_deref(),
        aud: audience.as_deref(),
        ..CoreAccess::new(p, &sub, core(Id::new(&access_jti))?, Some(family), now)
    };
    let refresh = CoreRefresh {
        scope: Some(parsed.as_str()),
        iss: issuer.as_deref(),
        aud: audience.as_deref(),
        ..CoreRefresh::new(p, &sub, core(Id::new(&refresh_jti))?, family, now)
    };
    // Room for every member, each string at worst fully escaped (6 bytes a byte).
    let strings = sub.len()
        + scope.len()
        + roles.iter().map(|r| r.len() + 3).sum::<usize>()
        + issuer.as_ref().map_or(0, String::len)
        + audience.as_ref().map_or(0, String::len);
    let size = 256 + 6 * strings;
    let access_token = sign(py, key, |out| access.write_json(out), size)?;
    let mut payload = vec![0u8; size];
    let n = core(access.write_json(&mut payload))?;
    payload.truncate(n);
    let refresh_token = sign(py, key, |out| refresh.write_json(out), size)?;
    let (iat, access_exp, refresh_exp) = (access.iat, access.exp, refresh.exp);
    let scopes: Vec<String> = parsed.iter().map(str::to_owned).collect();
    let access_claims = AccessClaims::made(
        py,
        &sub,
        &access_jti,
        Some(&fam),
        iat,
        access_exp,
        roles,
        scopes.clone(),
        payload,
    );
    let refresh_claims = RefreshClaims {
        sub,
        jti: refresh_jti,
        fam,
        iat: Some(iat),
        exp: refresh_exp,
        scopes,
    };
    Ok((access_token, refresh_token, access_claims, refresh_claims))
}
