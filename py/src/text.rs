//! Turning Python `str`/`bytes` arguments into byte slices without needless copies.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

/// The bytes of a `bytes`/`bytearray` argument, or the UTF-8 encoding of a `str` argument.
pub fn bytes_or_str<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match s.to_cow()? {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        });
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Cow::Owned(b.to_vec()));
    }
    Err(PyTypeError::new_err(format!("{what} must be str or bytes")))
}

/// `None` stays `None`, a `str` is a one-element list, any other iterable must yield `str`s.
pub fn str_list(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Vec<String>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(vec![s.to_cow()?.into_owned()]));
    }
    let type_error = || PyTypeError::new_err(format!("{what} must be a str or an iterable of str"));
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
        return Err(type_error());
    }
    let one = |item: Bound<'_, PyAny>| item.extract::<String>().map_err(|_| type_error());
    // Lists and tuples directly; other iterables item by item (a `collect` would ask for a
    // length hint, which under the stable ABI is a Python-level call).
    if let Ok(list) = obj.cast::<PyList>() {
        return list.iter().map(one).collect::<PyResult<_>>().map(Some);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return tuple.iter().map(one).collect::<PyResult<_>>().map(Some);
    }
    let mut out = Vec::new();
    for item in obj.try_iter().map_err(|_| type_error())? {
        out.push(one(item?)?);
    }
    Ok(Some(out))
}

/// Borrows a list of owned strings as `&str`s.
pub fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
