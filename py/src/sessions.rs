//! Sessions: the core's refresh-rotation decision for the Python stores.
//!
//! The stores (`authcore.stores`) keep the state; the decision is the core's:
//! `SessionPolicy.on_refresh` is `authcore::session::SessionPolicy::on_refresh` (the rotation
//! state machine). Rate limiting uses `Quota.check` (`ratelimit.rs`).

use authcore::session::{self, RefreshDecision, Seen};
use pyo3::prelude::*;

use crate::errors::core;

/// Token lifetimes and leeway (seconds), and the refresh-rotation decision.
#[pyclass(frozen, module = "authcore._authcore", name = "SessionPolicy")]
pub struct SessionPolicy {
    inner: session::SessionPolicy,
}

#[pymethods]
impl SessionPolicy {
    #[new]
    #[pyo3(signature = (access_ttl=900, refresh_ttl=604_800, leeway=0))]
    fn new(access_ttl: u64, refresh_ttl: u64, leeway: u64) -> PyResult<Self> {
        let inner = core(session::SessionPolicy::new(access_ttl, refresh_ttl))?;
        Ok(Self {
            inner: core(inner.with_leeway(leeway))?,
        })
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

    /// Until when a record about one token expiring at `exp` must be kept.
    fn record_until(&self, exp: u64) -> u64 {
        self.inner.record_until(exp)
    }

    /// Until when a family revoked at `now` must stay revoked.
    fn family_until(&self, now: u64) -> u64 {
        self.inner.family_until(now)
    }

    /// The rotation decision: `("ok", used_until)`, `("reused", revoke_until)` or
    /// `("revoked", None)`; the time is the absolute expiry of the record to write.
    fn on_refresh(
        &self,
        family_revoked: bool,
        jti_used: bool,
        token_exp: u64,
        now: u64,
    ) -> (&'static str, Option<u64>) {
        let seen = Seen {
            family_revoked,
            jti_used,
        };
        let decision = self.inner.on_refresh(seen, token_exp, now);
        let until = match decision {
            RefreshDecision::Rotate { used_until } => Some(used_until),
            RefreshDecision::Reused { revoke_until } => Some(revoke_until),
            RefreshDecision::Revoked => None,
        };
        (decision.as_str(), until)
    }

    fn __repr__(&self) -> String {
        format!(
            "SessionPolicy(access_ttl={}, refresh_ttl={}, leeway={})",
            self.inner.access_ttl(),
            self.inner.refresh_ttl(),
            self.inner.leeway()
        )
    }
}

/// Adds the sessions API to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SessionPolicy>()?;
    Ok(())
}
