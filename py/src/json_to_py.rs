//! Verified JSON → Python objects, with the results `json.loads` gives.
//!
//! Only ever applied to a payload the core has just validated (RFC 8259 grammar, UTF-8, no
//! lone surrogates, nesting ≤ 32), so this is a converter, not a validator: one pass, no
//! re-scanning of nested values. It still never panics and never trusts an index; should it
//! meet input the core would not have passed, it raises `ValueError`.
//!
//! Conversions: objects → `dict` (a repeated key keeps its first position and its last value,
//! as in `json.loads`), arrays → `list`, integers → `int` (any size), other numbers → `float`,
//! strings → `str` (strings with escapes are decoded by the `json` module's own string
//! scanner). Common claim names come from interned strings.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use pyo3::{intern, PyErr};

fn bad() -> PyErr {
    PyValueError::new_err("payload is not the JSON the core validated")
}

/// A JSON object document → `dict`.
pub fn object<'py>(py: Python<'py>, doc: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let mut c = Conv { py, s: doc, pos: 0 };
    c.ws();
    let dict = c.object()?;
    c.ws();
    if c.pos == doc.len() {
        Ok(dict)
    } else {
        Err(bad())
    }
}

struct Conv<'a, 'py> {
    py: Python<'py>,
    s: &'a [u8],
    pos: usize,
}

impl<'a, 'py> Conv<'a, 'py> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> PyResult<()> {
        self.ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(bad())
        }
    }

    /// After `ws`, consumes `close` if it is next.
    fn closes(&mut self, close: u8) -> bool {
        self.ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> PyResult<Bound<'py, PyAny>> {
        self.ws();
        let py = self.py;
        Ok(match self.peek().ok_or_else(bad)? {
            b'{' => self.object()?.into_any(),
            b'[' => self.array()?.into_any(),
            b'"' => self.string()?.into_any(),
            b't' => self.literal(b"true", PyBool::new(py, true).to_owned().into_any())?,
            b'f' => self.literal(b"false", PyBool::new(py, false).to_owned().into_any())?,
            b'n' => self.literal(b"null", py.None().into_bound(py))?,
            _ => self.number()?,
        })
    }

    fn literal(&mut self, word: &[u8], v: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let end = self.pos + word.len();
        if self.s.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(v)
        } else {
            Err(bad())
        }
    }

    fn object(&mut self) -> PyResult<Bound<'py, PyDict>> {
        self.eat(b'{')?;
        let dict = PyDict::new(self.py);
        if self.closes(b'}') {
            return Ok(dict);
        }
        loop {
            self.ws();
            let key = self.key()?;
            self.eat(b':')?;
            dict.set_item(key, self.value()?)?;
            if self.closes(b'}') {
                return Ok(dict);
            }
            self.eat(b',')?;
        }
    }

    fn array(&mut self) -> PyResult<Bound<'py, PyList>> {
        self.eat(b'[')?;
        let list = PyList::empty(self.py);
        if self.closes(b']') {
            return Ok(list);
        }
        loop {
            list.append(self.value()?)?;
            if self.closes(b']') {
                return Ok(list);
            }
            self.eat(b',')?;
        }
    }

    /// The raw bytes of a string (between the quotes) and whether it contains escapes.
    fn raw_string(&mut self) -> PyResult<(&'a [u8], bool)> {
        self.eat(b'"')?;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match self.peek().ok_or_else(bad)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        let raw = self.s.get(start..self.pos).ok_or_else(bad)?;
        self.pos += 1;
        Ok((raw, escaped))
    }

    /// Object keys: the registered claim names come from interned strings.
    fn key(&mut self) -> PyResult<Bound<'py, PyString>> {
        let py = self.py;
        let (raw, escaped) = self.raw_string()?;
        if !escaped {
            let interned = match raw {
                b"exp" => intern!(py, "exp"),
                b"iat" => intern!(py, "iat"),
                b"nbf" => intern!(py, "nbf"),
                b"sub" => intern!(py, "sub"),
                b"iss" => intern!(py, "iss"),
                b"aud" => intern!(py, "aud"),
                b"jti" => intern!(py, "jti"),
                b"typ" => intern!(py, "typ"),
                b"scope" => intern!(py, "scope"),
                b"roles" => intern!(py, "roles"),
                b"role" => intern!(py, "role"),
                b"fam" => intern!(py, "fam"),
                _ => return PyString::from_bytes(py, raw),
            };
            return Ok(interned.clone());
        }
        self.text(raw, escaped)
    }

    fn string(&mut self) -> PyResult<Bound<'py, PyString>> {
        let (raw, escaped) = self.raw_string()?;
        self.text(raw, escaped)
    }

    fn text(&self, raw: &[u8], escaped: bool) -> PyResult<Bound<'py, PyString>> {
        if !escaped {
            return PyString::from_bytes(self.py, raw);
        }
        unescaped(self.py, raw)
    }

    fn number(&mut self) -> PyResult<Bound<'py, PyAny>> {
        let start = self.pos;
        let mut integral = true;
        while let Some(b) = self.peek() {
            match b {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => integral = false,
                _ => break,
            }
            self.pos += 1;
        }
        let text = self.s.get(start..self.pos).ok_or_else(bad)?;
        let text = std::str::from_utf8(text).map_err(|_| bad())?;
        if text.is_empty() {
            return Err(bad());
        }
        if !integral {
            let f: f64 = text.parse().map_err(|_| bad())?;
            return Ok(PyFloat::new(self.py, f).into_any());
        }
        match text.parse::<i64>() {
            Ok(i) => Ok(i.into_pyobject(self.py)?.into_any()),
            // Beyond 64 bits: Python parses it (arbitrary precision, like `json.loads`).
            Err(_) => self.py.get_type::<PyInt>().call1((text,)),
        }
    }
}

static SCANSTRING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A string with escapes, decoded by `json.decoder.scanstring`: the `json` module's own
/// string decoder, so the result is exactly what `json.loads` gives.
fn unescaped<'py>(py: Python<'py>, raw: &[u8]) -> PyResult<Bound<'py, PyString>> {
    let scan = SCANSTRING.get_or_try_init(py, || {
        py.import("json.decoder")?
            .getattr("scanstring")
            .map(Bound::unbind)
    })?;
    let mut quoted = Vec::with_capacity(raw.len() + 1);
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    let (text, _end): (Bound<'py, PyString>, usize) = scan
        .bind(py)
        .call1((PyString::from_bytes(py, &quoted)?, 0))?
        .extract()?;
    Ok(text)
}
