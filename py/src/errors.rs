//! Core errors → Python exceptions.
//!
//! The class for each code is chosen in exactly one place, the table in
//! `authcore/exceptions.py`; this module only calls its `_from_core(code, message, claim)`
//! factory. Messages are the core's, which never contain secrets, tokens or passwords.

use authcore::{Claim, Error};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// A core error on its way to Python, with the claim name resolved (for
/// `Claim::Required(i)` the caller's own required list names it).
#[derive(Debug)]
pub struct Fail {
    error: Error,
    claim: Option<String>,
}

impl Fail {
    /// Resolves `Claim::Required(i)` against the `required` list the core was given.
    pub fn with_required(error: Error, required: &[&str]) -> Self {
        let claim = match error.claim() {
            Some(Claim::Required(i)) => required.get(usize::from(i)).map(|s| (*s).to_owned()),
            Some(c) => c.name().map(str::to_owned),
            None => None,
        };
        Self { error, claim }
    }
}

impl Fail {
    /// An error about a claim the caller knows by another name (`roles_of(claims, "groups")`).
    pub fn named(error: Error, claim: &str) -> Self {
        Self {
            error,
            claim: error.claim().map(|_| claim.to_owned()),
        }
    }
}

impl From<Error> for Fail {
    fn from(error: Error) -> Self {
        Self::with_required(error, &[])
    }
}

static FROM_CORE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Builds the Python exception for `fail` (via `authcore.exceptions._from_core`).
pub fn to_pyerr(py: Python<'_>, fail: &Fail) -> PyErr {
    let factory = FROM_CORE.get_or_try_init(py, || {
        py.import("authcore.exceptions")?
            .getattr("_from_core")
            .map(Bound::unbind)
    });
    let factory = match factory {
        Ok(f) => f.bind(py),
        Err(e) => return e,
    };
    match factory.call1((
        fail.error.code(),
        fail.error.message(),
        fail.claim.as_deref(),
    )) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

impl From<Fail> for PyErr {
    fn from(fail: Fail) -> PyErr {
        Python::attach(|py| to_pyerr(py, &fail))
    }
}

/// Shorthand: map a core result into a `PyResult`.
pub fn core<T>(r: authcore::Result<T>) -> PyResult<T> {
    r.map_err(|e| Fail::from(e).into())
}
