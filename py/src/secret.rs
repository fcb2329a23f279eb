//! The core's secret-strength rule (`authcore::jwt::secret_strength`) for configuration checks.

use pyo3::prelude::*;

use crate::text::bytes_or_str;

/// `None` when `secret` (bytes, or str as UTF-8) looks random enough to sign with; else why
/// not: `"too_short"`, `"repetitive"`, `"placeholder"` or `"sequence"`.
#[pyfunction]
pub fn check_secret_strength(secret: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
    let secret = bytes_or_str(secret, "secret")?;
    Ok(authcore::jwt::check_secret_strength(&secret)
        .err()
        .map(|w| w.as_str()))
}
