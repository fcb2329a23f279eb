//! `authcore._authcore`: the Python binding of the `authcore` core crate.
//!
//! A thin layer: it converts Python values, supplies what the `no_std` core leaves to its
//! caller (the clock value Python passes in, salts from the OS, Argon2 memory, buffers), and
//! maps `authcore::Error` onto the exception classes of `authcore.exceptions`. Every decision
//! is the core's.

mod authz;
mod errors;
mod json_to_py;
mod jwt;
mod keys;
mod password;
mod py_to_json;
mod ratelimit;
mod secret;
mod session;
mod text;

use pyo3::prelude::*;

#[pymodule]
fn _authcore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_CODES", authcore::Error::ALL_CODES.to_vec())?;
    m.add(
        "DEFAULT_MAX_TOKEN_LEN",
        authcore::jwt::DEFAULT_MAX_TOKEN_LEN,
    )?;
    m.add("MIN_SECRET_LEN", authcore::jwt::MIN_SECRET_LEN)?;
    m.add("ALGORITHMS", jwt::ALGORITHMS.map(|a| a.name()).to_vec())?;

    m.add_class::<jwt::Key>()?;
    m.add_class::<jwt::KeySet>()?;
    m.add_class::<keys::PublicKey>()?;
    m.add_class::<keys::PrivateKey>()?;
    m.add_function(wrap_pyfunction!(jwt::encode, m)?)?;
    m.add_function(wrap_pyfunction!(jwt::encode_claims, m)?)?;
    m.add_function(wrap_pyfunction!(jwt::decode, m)?)?;
    m.add_function(wrap_pyfunction!(jwt::decode_dict, m)?)?;
    m.add_function(wrap_pyfunction!(jwt::decode_unverified, m)?)?;
    m.add_function(wrap_pyfunction!(jwt::get_unverified_header, m)?)?;

    m.add_class::<password::Argon2Params>()?;
    m.add_class::<password::HashBounds>()?;
    m.add_class::<password::PasswordPolicy>()?;
    m.add_function(wrap_pyfunction!(password::hash_password, m)?)?;
    m.add_function(wrap_pyfunction!(password::verify_password, m)?)?;
    m.add_function(wrap_pyfunction!(password::needs_rehash, m)?)?;
    m.add_function(wrap_pyfunction!(password::check_pepper, m)?)?;
    m.add_function(wrap_pyfunction!(password::identify_hash, m)?)?;
    m.add_function(wrap_pyfunction!(password::hash_schemes, m)?)?;
    m.add_function(wrap_pyfunction!(password::check_password, m)?)?;
    m.add_function(wrap_pyfunction!(password::set_argon2_concurrency, m)?)?;
    m.add_function(wrap_pyfunction!(password::argon2_concurrency, m)?)?;
    password::register_fork_hooks(m.py())?;

    m.add_class::<authz::RoleHierarchy>()?;
    m.add_function(wrap_pyfunction!(authz::has_role, m)?)?;
    m.add_function(wrap_pyfunction!(authz::require_role, m)?)?;
    m.add_function(wrap_pyfunction!(authz::has_scopes, m)?)?;
    m.add_function(wrap_pyfunction!(authz::require_scopes, m)?)?;
    m.add_function(wrap_pyfunction!(authz::parse_scopes, m)?)?;
    m.add_function(wrap_pyfunction!(authz::roles_of, m)?)?;
    m.add_function(wrap_pyfunction!(authz::scopes_of, m)?)?;

    m.add_class::<ratelimit::Quota>()?;
    m.add_function(wrap_pyfunction!(ratelimit::key_hash, m)?)?;

    m.add("DEFAULT_ACCESS_TTL", authcore::session::DEFAULT_ACCESS_TTL)?;
    m.add(
        "DEFAULT_TOKEN_CACHE_SIZE",
        session::DEFAULT_TOKEN_CACHE_SIZE,
    )?;
    m.add(
        "DEFAULT_REFRESH_TTL",
        authcore::session::DEFAULT_REFRESH_TTL,
    )?;
    m.add("DEFAULT_LEEWAY", authcore::jwt::DEFAULT_LEEWAY)?;
    m.add("MIN_ID_LEN", authcore::session::MIN_ID_LEN)?;
    m.add("MAX_ID_LEN", authcore::session::MAX_ID_LEN)?;
    m.add_class::<session::SessionPolicy>()?;
    m.add_class::<session::AccessClaims>()?;
    m.add_class::<session::AccessVerifier>()?;
    m.add_class::<session::RefreshClaims>()?;
    m.add_function(wrap_pyfunction!(session::check_id, m)?)?;
    m.add_function(wrap_pyfunction!(secret::check_secret_strength, m)?)?;
    m.add(
        "RECOMMENDED_REFRESH_GRACE",
        authcore::session::RECOMMENDED_REFRESH_GRACE,
    )?;
    m.add("MAX_REFRESH_GRACE", authcore::session::MAX_REFRESH_GRACE)?;
    m.add_function(wrap_pyfunction!(session::issue_pair, m)?)?;
    m.add_function(wrap_pyfunction!(session::verify_access, m)?)?;
    m.add_function(wrap_pyfunction!(session::verify_bearer, m)?)?;
    m.add_function(wrap_pyfunction!(session::verify_refresh, m)?)?;
    Ok(())
}
