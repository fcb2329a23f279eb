//! Ed25519 keys (`Ed25519PublicKey`, `Ed25519PrivateKey`): the core's `jwt::Key` of an
//! Ed25519 key, made from raw bytes, PEM or a JWK and written back as PEM or JWK, all by the
//! core (`authcore::jwt::{ed25519, jwk}`). This module converts arguments and supplies the
//! OS random bytes of a new key.

use authcore::jwt::{self, jwk, Ed25519PrivateKey, Ed25519PublicKey};
use authcore::Error;
use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use zeroize::Zeroizing;

use crate::errors::core;
use crate::jwt::scrub_stack;
use crate::text::bytes_or_str;
use crate::{json_to_py, py_to_json};

/// The JSON text of a JWK/JWKS argument: `str`/`bytes` as given, a `dict` serialized (as
/// `json.dumps` would) for the core to read.
pub(crate) fn json_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Zeroizing<Vec<u8>>> {
    if obj.is_instance_of::<PyDict>() {
        return match py_to_json::to_json(obj)? {
            Some(json) => Ok(Zeroizing::new(json)),
            None => Err(PyTypeError::new_err(format!(
                "{what} must be JSON-serializable"
            ))),
        };
    }
    let text = bytes_or_str(obj, what).map_err(|_| {
        PyTypeError::new_err(format!("{what} must be a dict, or JSON as str or bytes"))
    })?;
    Ok(Zeroizing::new(text.to_vec()))
}

/// The public JWK of `key` (with its `kid`), as a `dict`.
pub(crate) fn public_jwk<'py>(py: Python<'py>, key: &jwt::Key) -> PyResult<Bound<'py, PyDict>> {
    let mut out = [0u8; jwk::MAX_JWK_LEN];
    let n = core(key.write_jwk(&mut out))?;
    json_to_py::object(py, core(out.get(..n).ok_or(Error::BufferTooSmall))?)
}

/// The `#[pymethods]` block of an Ed25519 key class `$class` (Python name `$name`): the
/// methods given, and those both kinds share (`kid`, `algorithm`, `from_jwk`, `public_pem`,
/// `public_jwk`, `repr`). `$from_jwk` is the core's reader of that kind's JWK.
macro_rules! ed25519_methods {
    ($class:ident, $name:literal, $from_jwk:path; $($methods:tt)*) => {
        #[pymethods]
        impl $class {
            $($methods)*

            /// The key from a JWK of this kind, read by the core.
            #[staticmethod]
            fn from_jwk(jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
                let text = json_arg(jwk, "jwk")?;
                let key = Self {
                    inner: core($from_jwk(&text))?,
                };
                scrub_stack();
                Ok(key)
            }

            #[getter]
            fn kid(&self) -> &str {
                self.inner.kid().unwrap_or_default()
            }

            #[getter]
            fn algorithm(&self) -> &'static str {
                self.inner.alg().name()
            }

            /// The public key's SPKI PEM block.
            fn public_pem(&self) -> PyResult<String> {
                let public = core(self.inner.ed25519_public_key().ok_or(Error::InvalidKey))?;
                Ok(public.to_pem().as_str().to_owned())
            }

            /// The public JWK (with `kid`).
            fn public_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                public_jwk(py, &self.inner)
            }

            fn __repr__(&self) -> String {
                format!(concat!($name, "(kid={:?})"), self.kid())
            }
        }
    };
}

/// An Ed25519 public key: verifies EdDSA tokens, cannot sign.
#[pyclass(frozen, module = "authcore._authcore", name = "Ed25519PublicKey")]
pub struct PublicKey {
    pub(crate) inner: jwt::Key,
}

impl PublicKey {
    fn of(key: Ed25519PublicKey, kid: Option<&str>) -> PyResult<Self> {
        Ok(Self {
            inner: core(jwt::Key::ed25519_public(key, kid))?,
        })
    }
}

ed25519_methods! { PublicKey, "Ed25519PublicKey", jwt::Key::from_jwk;
    /// The key from its 32-byte encoding (RFC 8032).
    #[staticmethod]
    #[pyo3(signature = (raw, kid=None))]
    fn from_bytes(raw: &[u8], kid: Option<&str>) -> PyResult<Self> {
        Self::of(core(Ed25519PublicKey::from_slice(raw))?, kid)
    }

    /// The key from a `-----BEGIN PUBLIC KEY-----` block (SPKI, RFC 8410).
    #[staticmethod]
    #[pyo3(signature = (pem, kid=None))]
    fn from_pem(pem: &Bound<'_, PyAny>, kid: Option<&str>) -> PyResult<Self> {
        let pem = bytes_or_str(pem, "pem")?;
        Self::of(core(Ed25519PublicKey::from_pem(&pem))?, kid)
    }

    /// The 32-byte encoding.
    fn public_bytes(&self) -> PyResult<Vec<u8>> {
        let public = core(self.inner.ed25519_public_key().ok_or(Error::InvalidKey))?;
        Ok(public.to_bytes().to_vec())
    }
}

/// An Ed25519 private key: signs EdDSA tokens (and verifies with its public half). The seed is
/// never in `repr`.
#[pyclass(frozen, module = "authcore._authcore", name = "Ed25519PrivateKey")]
pub struct PrivateKey {
    pub(crate) inner: jwt::Key,
}

impl PrivateKey {
    fn of(key: Ed25519PrivateKey, kid: Option<&str>) -> PyResult<Self> {
        let key = Self {
            inner: core(jwt::Key::ed25519_private(key, kid))?,
        };
        scrub_stack();
        Ok(key)
    }
}

ed25519_methods! { PrivateKey, "Ed25519PrivateKey", jwt::Key::from_private_jwk;
    /// A new key from 32 bytes of the OS random source.
    #[staticmethod]
    #[pyo3(signature = (kid=None))]
    fn generate(kid: Option<&str>) -> PyResult<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice())
            .map_err(|e| PyOSError::new_err(format!("OS random source failed: {e}")))?;
        Self::of(Ed25519PrivateKey::from_seed(&seed), kid)
    }

    /// The key from its 32-byte seed.
    #[staticmethod]
    #[pyo3(signature = (seed, kid=None))]
    fn from_seed(seed: &[u8], kid: Option<&str>) -> PyResult<Self> {
        Self::of(core(Ed25519PrivateKey::from_slice(seed))?, kid)
    }

    /// The key from a `-----BEGIN PRIVATE KEY-----` block (PKCS#8 v1 or v2).
    #[staticmethod]
    #[pyo3(signature = (pem, kid=None))]
    fn from_pem(pem: &Bound<'_, PyAny>, kid: Option<&str>) -> PyResult<Self> {
        let pem = bytes_or_str(pem, "pem")?;
        Self::of(core(Ed25519PrivateKey::from_pem(&pem))?, kid)
    }

    /// The public half, with the same `kid`.
    fn public_key(&self) -> PyResult<PublicKey> {
        Ok(PublicKey {
            inner: core(self.inner.to_public())?,
        })
    }

    /// The PKCS#8 v1 PEM block.
    fn private_pem<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        let private = core(self.inner.ed25519_private_key().ok_or(Error::InvalidKey))?;
        let mut out = Zeroizing::new([0u8; jwt::ed25519::PRIVATE_PEM_LEN]);
        let n = core(private.write_pem(out.as_mut_slice()))?;
        PyString::from_bytes(py, core(out.get(..n).ok_or(Error::BufferTooSmall))?)
    }
}
