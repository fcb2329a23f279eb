//! Python claims → compact JSON, byte-identical to
//! `json.dumps(obj, separators=(",", ":"))` (what PyJWT signs) for the types it handles.
//!
//! `datetime` values of the top-level `exp`, `iat` and `nbf` claims become Unix seconds, as in
//! PyJWT (through `authcore.jwt._int_date`).
//!
//! Handled natively: `dict` with `str` keys, `list`, `tuple`, `str` (and subclasses, encoded
//! by value as `json` does), exact `int`, exact `float`, `bool`, `None`. Anything else — other
//! key types, `int`/`float` subclasses, custom objects, nesting past the core's bound — makes
//! [`to_json`] return `None`, and the caller falls back to `json.dumps` (with the user's
//! `json_encoder`), so results never differ from the standard library's.

use std::io::Write as _;

use authcore::jwt::json::MAX_DEPTH;
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Why serialization stopped.
enum Stop {
    /// A value this serializer does not handle: use `json.dumps`.
    Unsupported,
    /// A real error (e.g. NaN, which JSON cannot represent).
    Err(PyErr),
}

impl From<PyErr> for Stop {
    fn from(e: PyErr) -> Self {
        Stop::Err(e)
    }
}

/// Serializes `obj` (normally the claims `dict`) to compact JSON, or `None` when a value
/// needs `json.dumps`.
pub fn to_json(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    let mut out = Vec::with_capacity(256);
    match value(&mut out, obj, 0) {
        Ok(()) => Ok(Some(out)),
        Err(Stop::Unsupported) => Ok(None),
        Err(Stop::Err(e)) => Err(e),
    }
}

/// The UTF-8 of a `str`, borrowed from it (`Unsupported` for one with lone surrogates, which
/// UTF-8 cannot carry: left to `json.dumps`).
fn utf8<'a>(s: &'a Bound<'_, PyString>) -> Result<&'a [u8], Stop> {
    s.to_str().map(str::as_bytes).map_err(|_| Stop::Unsupported)
}

fn value(out: &mut Vec<u8>, obj: &Bound<'_, PyAny>, depth: u32) -> Result<(), Stop> {
    if obj.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(b) = obj.cast_exact::<PyBool>() {
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
    } else if let Ok(s) = obj.cast::<PyString>() {
        string(out, utf8(s)?);
    } else if let Ok(i) = obj.cast_exact::<PyInt>() {
        match i.extract::<i64>() {
            Ok(n) => integer(out, n),
            Err(_) => out.extend_from_slice(i.str()?.encode_utf8()?.as_bytes()),
        }
    } else if let Ok(f) = obj.cast_exact::<PyFloat>() {
        if !f.value().is_finite() {
            return Err(Stop::Err(PyValueError::new_err(
                "Out of range float values are not JSON compliant",
            )));
        }
        // float.__repr__, exactly what json.dumps writes.
        out.extend_from_slice(f.repr()?.encode_utf8()?.as_bytes());
    } else if depth >= MAX_DEPTH {
        // Deeper than any token may nest (or a cycle): json.dumps reports it properly.
        return Err(Stop::Unsupported);
    } else if let Ok(d) = obj.cast_exact::<PyDict>() {
        out.push(b'{');
        for (n, (k, v)) in d.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let k = k.cast_exact::<PyString>().map_err(|_| Stop::Unsupported)?;
            let key = match known_name(k) {
                Some(name) => name,
                None => utf8(k)?,
            };
            string(out, key);
            out.push(b':');
            if depth == 0
                && matches!(key, b"exp" | b"iat" | b"nbf")
                && !v.is_exact_instance_of::<PyInt>()
            {
                value(out, &int_date(&v)?, depth + 1)?;
            } else {
                value(out, &v, depth + 1)?;
            }
        }
        out.push(b'}');
    } else if let Ok(l) = obj.cast_exact::<PyList>() {
        array(out, l.iter(), depth)?;
    } else if let Ok(t) = obj.cast_exact::<PyTuple>() {
        array(out, t.iter(), depth)?;
    } else {
        return Err(Stop::Unsupported);
    }
    Ok(())
}

/// The registered and common claim names: a `dict` key that *is* one of these interned strings
/// (as keys written as literals in Python source are) needs no UTF-8 encoding.
fn known_name(k: &Bound<'_, PyString>) -> Option<&'static [u8]> {
    let py = k.py();
    macro_rules! names {
        ($($name:literal),*) => {
            $(if k.is(intern!(py, $name)) {
                return Some($name.as_bytes());
            })*
        };
    }
    names!("sub", "exp", "iat", "nbf", "iss", "aud", "jti", "typ", "scope", "role", "roles", "fam");
    None
}

/// An integer in decimal, as `int.__repr__` writes it.
fn integer(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20]; // u64::MAX has 20 digits
    let mut i = digits.len();
    let mut m = n.unsigned_abs();
    while let Some(d) = i.checked_sub(1).and_then(|j| digits.get_mut(j)) {
        *d = b'0' + (m % 10) as u8;
        i -= 1;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(digits.get(i..).unwrap_or_default());
}

/// A `list` or `tuple` as a JSON array.
fn array<'py>(
    out: &mut Vec<u8>,
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    depth: u32,
) -> Result<(), Stop> {
    out.push(b'[');
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        value(out, &item, depth + 1)?;
    }
    out.push(b']');
    Ok(())
}

static INT_DATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `authcore.jwt._int_date(v)`: Unix seconds for a `datetime`, anything else unchanged.
fn int_date<'py>(v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = v.py();
    let f = INT_DATE.get_or_try_init(py, || {
        py.import("authcore.jwt")?
            .getattr("_int_date")
            .map(Bound::unbind)
    })?;
    f.bind(py).call1((v,))
}

/// A JSON string as `json.dumps` writes it with `ensure_ascii=True`: printable ASCII as is,
/// `"` and `\` escaped, the five short control escapes, everything else `\uXXXX` (lowercase
/// hex, UTF-16 surrogate pairs above U+FFFF).
fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    if s.iter()
        .all(|&b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
    {
        out.extend_from_slice(s);
    } else {
        // Python's UTF-8 encoder only produces valid UTF-8.
        for c in String::from_utf8_lossy(s).chars() {
            escape_char(out, c);
        }
    }
    out.push(b'"');
}

fn escape_char(out: &mut Vec<u8>, c: char) {
    let short: &[u8] = match c {
        '"' => b"\\\"",
        '\\' => b"\\\\",
        '\n' => b"\\n",
        '\r' => b"\\r",
        '\t' => b"\\t",
        '\u{8}' => b"\\b",
        '\u{c}' => b"\\f",
        ' '..='~' => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            return;
        }
        _ => {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
            return;
        }
    };
    out.extend_from_slice(short);
}
