//! Role and OAuth2 scope checks over `authcore::authz`.

use authcore::authz::{self, RoleHierarchy as CoreHierarchy, Scopes};
use authcore::jwt::Claims;
use authcore::{Claim, Error};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::{core, Fail};
use crate::py_to_json;
use crate::text::str_list;

/// A validated role hierarchy: each `(senior, junior)` edge means holding `senior` grants
/// `junior`, transitively. Cycles, empty names and more than 64 edges are refused
/// (`InvalidParamsError`).
#[pyclass(frozen, module = "authcore._authcore", name = "RoleHierarchy")]
pub struct RoleHierarchy {
    edges: Vec<(String, String)>,
}

impl RoleHierarchy {
    fn with_core<R>(&self, f: impl FnOnce(&CoreHierarchy<'_>) -> R) -> PyResult<R> {
        let edges: Vec<(&str, &str)> = self
            .edges
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let h = core(CoreHierarchy::new(&edges))?;
        Ok(f(&h))
    }
}

#[pymethods]
impl RoleHierarchy {
    #[new]
    fn new(edges: Vec<(String, String)>) -> PyResult<Self> {
        let h = Self { edges };
        h.with_core(|_| ())?;
        Ok(h)
    }

    /// The edges, as given.
    #[getter]
    fn edges(&self) -> Vec<(String, String)> {
        self.edges.clone()
    }

    /// Whether holding `held` grants `required` (equal, or reachable along the edges).
    fn implies(&self, held: String, required: String) -> PyResult<bool> {
        self.with_core(|h| h.implies(&held, &required))
    }

    fn __repr__(&self) -> String {
        format!("RoleHierarchy({:?})", self.edges)
    }
}

fn names(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    Ok(str_list(Some(obj), what)?.unwrap_or_default())
}

fn hierarchy_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Py<RoleHierarchy>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => match o.cast::<RoleHierarchy>() {
            Ok(h) => Ok(Some(h.clone().unbind())),
            Err(_) => {
                let edges: Vec<(String, String)> = o.extract()?;
                Ok(Some(Py::new(o.py(), RoleHierarchy::new(edges)?)?))
            }
        },
    }
}

/// The core's verdict: is one of `held` (or, through `hierarchy`, implied by it) in `required`?
fn role_verdict(
    held: &Bound<'_, PyAny>,
    required: &Bound<'_, PyAny>,
    hierarchy: Option<&Bound<'_, PyAny>>,
) -> PyResult<authcore::Result<()>> {
    let py = held.py();
    let held = names(held, "held")?;
    let required = names(required, "required")?;
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    let check =
        |h: Option<&CoreHierarchy<'_>>| authz::require_any_role(held.iter().copied(), &required, h);
    match hierarchy_of(hierarchy)? {
        None => Ok(check(None)),
        Some(h) => h.bind(py).get().with_core(|h| check(Some(h))),
    }
}

/// `True` if one of the `held` roles is, or (through `hierarchy`) implies, one of the
/// `required` roles. An empty `required` raises `InvalidParamsError` (any of nothing passes
/// for no one). `hierarchy` is a `RoleHierarchy` or a list of `(senior, junior)` edges.
#[pyfunction]
#[pyo3(signature = (held, required, hierarchy=None))]
pub fn has_role(
    held: &Bound<'_, PyAny>,
    required: &Bound<'_, PyAny>,
    hierarchy: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    match role_verdict(held, required, hierarchy)? {
        Ok(()) => Ok(true),
        Err(authcore::Error::Forbidden) => Ok(false),
        Err(e) => core(Err(e)),
    }
}

/// Like `has_role`, raising `ForbiddenError` instead of returning `False`.
#[pyfunction]
#[pyo3(signature = (held, required, hierarchy=None))]
pub fn require_role(
    held: &Bound<'_, PyAny>,
    required: &Bound<'_, PyAny>,
    hierarchy: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    core(role_verdict(held, required, hierarchy)?)
}

/// The core's verdict on `granted` (space-delimited) against `required` (a space-delimited
/// `str` or an iterable of scope names).
fn scope_check(granted: &str, required: &Bound<'_, PyAny>) -> PyResult<authcore::Result<()>> {
    if let Ok(s) = required.cast::<PyString>() {
        return Ok(authz::require_scopes_str(granted, &s.to_cow()?));
    }
    let required = names(required, "required")?;
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    Ok(authz::require_scopes(granted, &required))
}

/// Raises `MissingScopeError` unless every `required` scope (a space-delimited `str` or a
/// list) is in the space-delimited `granted` string (RFC 6749 §3.3 syntax; a malformed
/// granted string is `InvalidClaimError`, a malformed requirement `InvalidParamsError`).
#[pyfunction]
pub fn require_scopes(granted: String, required: &Bound<'_, PyAny>) -> PyResult<()> {
    core(scope_check(&granted, required)?)
}

/// Like `require_scopes`, returning `False` instead of raising `MissingScopeError`.
#[pyfunction]
pub fn has_scopes(granted: String, required: &Bound<'_, PyAny>) -> PyResult<bool> {
    match scope_check(&granted, required)? {
        Ok(()) => Ok(true),
        Err(authcore::Error::MissingScope) => Ok(false),
        Err(e) => core(Err(e)),
    }
}

/// The scope-tokens of a granted scope string, in order (validated; `InvalidClaimError` if
/// malformed).
#[pyfunction]
pub fn parse_scopes(granted: String) -> PyResult<Vec<String>> {
    Ok(core(Scopes::parse(&granted))?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// Runs `f` on the core's parse of `{"<name>": value}`: the claim typed by the core's rules
/// (an error names `claim`).
fn with_claim<R>(
    value: &Bound<'_, PyAny>,
    name: &str,
    wrong: Claim,
    claim: &str,
    f: impl FnOnce(&Claims<'_>) -> authcore::Result<R>,
) -> PyResult<R> {
    let invalid = || PyErr::from(Fail::named(Error::InvalidClaim(wrong), claim));
    let json = py_to_json::to_json(value)
        .ok()
        .flatten()
        .ok_or_else(invalid)?;
    let mut doc = Vec::with_capacity(json.len() + name.len() + 5);
    doc.extend_from_slice(b"{\"");
    doc.extend_from_slice(name.as_bytes());
    doc.extend_from_slice(b"\":");
    doc.extend_from_slice(&json);
    doc.push(b'}');
    let claims = Claims::parse(&doc, &[]).map_err(|_| invalid())?;
    f(&claims).map_err(|e| Fail::named(e, claim).into())
}

/// The roles in a `roles` claim value (one string is one role, an array of strings is
/// several, `None` is none), by the core's rule; anything else is `InvalidClaimError`
/// naming `claim`.
#[pyfunction]
#[pyo3(signature = (value, claim="roles"))]
pub fn roles_of(value: &Bound<'_, PyAny>, claim: &str) -> PyResult<Vec<String>> {
    if value.is_none() {
        return Ok(Vec::new());
    }
    with_claim(value, "roles", Claim::Roles, claim, |c| {
        let mut roles = Vec::new();
        c.for_each_role(|r| roles.push(r.chars().collect()));
        Ok(roles)
    })
}

/// The scopes in a `scope` claim value (a space-delimited string; `None` is none), by the
/// core's rules; anything else is `InvalidClaimError` naming `claim`.
#[pyfunction]
#[pyo3(signature = (value, claim="scope"))]
pub fn scopes_of(value: &Bound<'_, PyAny>, claim: &str) -> PyResult<Vec<String>> {
    if value.is_none() {
        return Ok(Vec::new());
    }
    with_claim(value, "scope", Claim::Scope, claim, |c| {
        let raw = c.scope.ok_or(Error::InvalidClaim(Claim::Scope))?;
        let text = raw
            .as_plain_str()
            .ok_or(Error::InvalidClaim(Claim::Scope))?;
        Ok(Scopes::parse(text)?.iter().map(str::to_owned).collect())
    })
}
