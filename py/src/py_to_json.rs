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

use std::fmt::Write as _;

use authcore::jwt::json::MAX_DEPTH;
use pyo3::exceptions::PyValueError;
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
    let mut out = String::with_capacity(256);
    match value(&mut out, obj, 0) {
        Ok(()) => Ok(Some(out.into_bytes())),
        Err(Stop::Unsupported) => Ok(None),
        Err(Stop::Err(e)) => Err(e),
    }
}

fn value(out: &mut String, obj: &Bound<'_, PyAny>, depth: u32) -> Result<(), Stop> {
    if obj.is_none() {
        out.push_str("null");
    } else if let Ok(b) = obj.cast_exact::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if let Ok(s) = obj.cast::<PyString>() {
        // A str with lone surrogates cannot be UTF-8: leave it to json.dumps.
        let text = s.to_cow().map_err(|_| Stop::Unsupported)?;
        string(out, &text);
    } else if let Ok(i) = obj.cast_exact::<PyInt>() {
        match i.extract::<i64>() {
            Ok(n) => {
                let _ = write!(out, "{n}");
            }
            Err(_) => out.push_str(&i.str()?.to_cow()?),
        }
    } else if let Ok(f) = obj.cast_exact::<PyFloat>() {
        if !f.value().is_finite() {
            return Err(Stop::Err(PyValueError::new_err(
                "Out of range float values are not JSON compliant",
            )));
        }
        // float.__repr__, exactly what json.dumps writes.
        out.push_str(&f.repr()?.to_cow()?);
    } else if depth >= MAX_DEPTH {
        // Deeper than any token may nest (or a cycle): json.dumps reports it properly.
        return Err(Stop::Unsupported);
    } else if let Ok(d) = obj.cast_exact::<PyDict>() {
        out.push('{');
        for (n, (k, v)) in d.iter().enumerate() {
            let key = k.cast_exact::<PyString>().map_err(|_| Stop::Unsupported)?;
            let key = key.to_cow().map_err(|_| Stop::Unsupported)?;
            if n > 0 {
                out.push(',');
            }
            string(out, &key);
            out.push(':');
            if depth == 0
                && matches!(&*key, "exp" | "iat" | "nbf")
                && !v.is_exact_instance_of::<PyInt>()
            {
                value(out, &int_date(&v)?, depth + 1)?;
            } else {
                value(out, &v, depth + 1)?;
            }
        }
        out.push('}');
    } else if let Ok(l) = obj.cast_exact::<PyList>() {
        out.push('[');
        for (n, item) in l.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            value(out, &item, depth + 1)?;
        }
        out.push(']');
    } else if let Ok(t) = obj.cast_exact::<PyTuple>() {
        out.push('[');
        for (n, item) in t.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            value(out, &item, depth + 1)?;
        }
        out.push(']');
    } else {
        return Err(Stop::Unsupported);
    }
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
fn string(out: &mut String, s: &str) {
    out.push('"');
    if s.bytes()
        .all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
    {
        out.push_str(s);
    } else {
        for c in s.chars() {
            escape_char(out, c);
        }
    }
    out.push('"');
}

fn escape_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        ' '..='~' => out.push(c),
        _ => {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
}
