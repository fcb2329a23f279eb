//! Turning Python `str`/`bytes` arguments into byte slices without needless copies.

use std::ops::Deref;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

/// The bytes of a `str`/`bytes`/`bytearray` argument, borrowed where possible.
pub enum Bytes<'a> {
    /// A `bytes` argument, or the UTF-8 of a `str` argument: borrowed from the object (the
    /// stable ABI lends a `str`'s UTF-8 from Python 3.10, the package's floor; CPython keeps
    /// it with the string, so an ASCII `str` is never copied).
    Borrowed(&'a [u8]),
    /// A copy of a `bytearray` argument (mutable, so it cannot be borrowed).
    Owned(Vec<u8>),
}

impl Deref for Bytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            Bytes::Owned(v) => v,
        }
    }
}

/// The bytes of a `bytes`/`bytearray` argument, or the UTF-8 encoding of a `str` argument (a
/// lone surrogate raises `UnicodeEncodeError`).
pub fn bytes_or_str<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Bytes<'a>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Bytes::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Bytes::Borrowed(s.to_str()?.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Bytes::Owned(b.to_vec()));
    }
    Err(PyTypeError::new_err(format!("{what} must be str or bytes")))
}

/// `None` stays `None`, a `str` is a one-element list, any other iterable must yield `str`s
/// (`TypeError` otherwise). A `str` with a lone surrogate raises `UnicodeEncodeError` (a
/// `ValueError`), as everywhere in the extension: text is never replaced by U+FFFD.
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
    // A `str` that is not valid Unicode (a lone surrogate) keeps its `UnicodeEncodeError`.
    let one = |item: Bound<'_, PyAny>| match item.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|c| c.into_owned()),
        Err(_) => Err(type_error()),
    };
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
