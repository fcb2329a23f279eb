//! Session lifetimes and the refresh-rotation decision over `authcore::session`, for the
//! Python session stores (memory, SQLite, Redis), so the state machine exists once.

use authcore::session::{RefreshDecision, Seen, SessionPolicy as CorePolicy};
use pyo3::prelude::*;

use crate::errors::core;

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
    #[pyo3(signature = (access_ttl=900, refresh_ttl=7 * 24 * 3600, leeway=0))]
    fn new(access_ttl: u64, refresh_ttl: u64, leeway: u64) -> PyResult<Self> {
        Ok(Self {
            inner: core(
                CorePolicy::new(access_ttl, refresh_ttl).and_then(|p| p.with_leeway(leeway)),
            )?,
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

    /// Until when a record about one token expiring at `exp` must be kept: `exp + leeway`.
    fn record_until(&self, exp: u64) -> u64 {
        self.inner.record_until(exp)
    }

    /// Until when a family revoked at `now` must stay revoked.
    fn family_until(&self, now: u64) -> u64 {
        self.inner.family_until(now)
    }

    /// The rotation decision for a verified refresh token expiring at `exp`, given what the
    /// store holds: `("ok", used_until)` — mark the `jti` used until then and issue a new
    /// pair; `("reused", revoke_until)` — revoke the family until then; `("revoked", 0)`.
    fn on_refresh(
        &self,
        family_revoked: bool,
        jti_used: bool,
        exp: u64,
        now: u64,
    ) -> (&'static str, u64) {
        let seen = Seen {
            family_revoked,
            jti_used,
        };
        let decision = self.inner.on_refresh(seen, exp, now);
        let until = match decision {
            RefreshDecision::Rotate { used_until } => used_until,
            RefreshDecision::Reused { revoke_until } => revoke_until,
            RefreshDecision::Revoked => 0,
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
