//! GCRA rate limiting over `authcore::ratelimit`: the pure decision function that the Python
//! stores (memory, SQLite, Redis) call, so the algorithm exists once.

use authcore::ratelimit::{self, Gcra, Quota as CoreQuota};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::core;

/// A rate: `burst` requests at once, then one every `period_ms` milliseconds.
#[pyclass(frozen, eq, module = "authcore._authcore", name = "Quota")]
#[derive(Clone, PartialEq, Eq)]
pub struct Quota {
    inner: CoreQuota,
}

#[pymethods]
impl Quota {
    #[new]
    #[pyo3(signature = (burst, period_ms))]
    fn new(burst: u32, period_ms: u64) -> PyResult<Self> {
        Ok(Self {
            inner: core(CoreQuota::new(burst, period_ms))?,
        })
    }

    /// `n` per second (burst `n`; period rounded up to whole milliseconds).
    #[staticmethod]
    fn per_second(n: u32) -> PyResult<Self> {
        Ok(Self {
            inner: core(CoreQuota::per_second(n))?,
        })
    }

    /// `n` per minute (burst `n`).
    #[staticmethod]
    fn per_minute(n: u32) -> PyResult<Self> {
        Ok(Self {
            inner: core(CoreQuota::per_minute(n))?,
        })
    }

    /// `n` per hour (burst `n`).
    #[staticmethod]
    fn per_hour(n: u32) -> PyResult<Self> {
        Ok(Self {
            inner: core(CoreQuota::per_hour(n))?,
        })
    }

    /// The same rate with another burst.
    fn with_burst(&self, burst: u32) -> PyResult<Self> {
        Ok(Self {
            inner: core(self.inner.with_burst(burst))?,
        })
    }

    #[getter]
    fn burst(&self) -> u32 {
        self.inner.burst()
    }

    #[getter]
    fn period_ms(&self) -> u64 {
        self.inner.period_ms()
    }

    /// Decides one request at `now_ms` for a key whose stored TAT is `tat` (`None` when the
    /// key has no entry): `(allowed, new_tat, retry_after_ms, remaining)`. Store `new_tat`;
    /// the entry may be dropped once `now_ms >= new_tat`.
    #[pyo3(signature = (tat, now_ms))]
    fn check(&self, tat: Option<u64>, now_ms: u64) -> (bool, u64, u64, u32) {
        let d = Gcra::new(self.inner).check(tat, now_ms);
        (d.allowed, d.new_tat, d.retry_after_ms, d.remaining)
    }

    fn __repr__(&self) -> String {
        format!(
            "Quota(burst={}, period_ms={})",
            self.inner.burst(),
            self.inner.period_ms()
        )
    }
}

/// SipHash-2-4 of `data` under a 16-byte random `secret`: a 64-bit rate-limit key that an
/// attacker cannot make collide with someone else's.
#[pyfunction]
pub fn key_hash(secret: &[u8], data: &[u8]) -> PyResult<u64> {
    let secret: &[u8; 16] = secret
        .try_into()
        .map_err(|_| PyValueError::new_err("secret must be exactly 16 bytes"))?;
    Ok(ratelimit::key_hash(secret, data))
}
