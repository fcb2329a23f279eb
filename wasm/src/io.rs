//! The buffers through which text and bytes cross the boundary.

use alloc::vec::Vec;
use authcore::Error;
use wasm_bindgen::prelude::*;

/// An input and an output buffer in the module's memory. The JavaScript wrapper keeps one and
/// passes it to every call: it writes a call's inputs at the input address `buffer` returns
/// (valid until the next call that may allocate) and reads the output at the output address.
/// Inputs that carry secrets (key secrets, passwords, peppers) are zeroed by the call that
/// reads them.
#[wasm_bindgen]
#[derive(Default)]
pub struct Io {
    input: Vec<u8>,
    output: Vec<u8>,
}

#[wasm_bindgen]
impl Io {
    /// Empty buffers.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Io {
        Io::default()
    }

    /// With `output` false: makes room for `len` input bytes and returns the input buffer's
    /// address. With `output` true: the output buffer's address (the last call's output
    /// starts there). One export for both keeps the module smaller.
    pub fn buffer(&mut self, output: bool, len: usize) -> usize {
        if output {
            return self.output.as_ptr() as usize;
        }
        if self.input.len() < len {
            self.input.resize(len, 0);
        }
        self.input.as_ptr() as usize
    }
}

impl Io {
    /// The inputs: consecutive fields of the given byte lengths, and the output buffer.
    pub(crate) fn fields(&mut self) -> (Fields<'_>, &mut Vec<u8>) {
        (Fields { rest: &self.input }, &mut self.output)
    }

    /// Zeroes the first `len` input bytes (a secret that has been read).
    pub(crate) fn wipe_input(&mut self, len: usize) {
        let end = len.min(self.input.len());
        if let Some(s) = self.input.get_mut(..end) {
            s.fill(0);
        }
    }

    /// Replaces the output with `bytes`.
    pub(crate) fn set_output(&mut self, bytes: &[u8]) {
        self.output.clear();
        self.output.extend_from_slice(bytes);
    }
}

/// A reader over the input buffer's fields, in order.
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    /// The next `len` bytes (`InvalidParams` past the input).
    pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let (field, rest) = self
            .rest
            .split_at_checked(len)
            .ok_or(Error::InvalidParams)?;
        self.rest = rest;
        Ok(field)
    }

    /// The next `len` bytes as text (the wrapper writes UTF-8; anything else is `err`).
    pub(crate) fn text(&mut self, len: usize, err: Error) -> Result<&'a str, Error> {
        core::str::from_utf8(self.bytes(len)?).map_err(|_| err)
    }

    /// An optional field: a negative length means absent.
    pub(crate) fn opt_bytes(&mut self, len: i32) -> Result<Option<&'a [u8]>, Error> {
        usize::try_from(len)
            .ok()
            .map(|len| self.bytes(len))
            .transpose()
    }

    /// An optional text field: a negative length means absent.
    pub(crate) fn opt_text(&mut self, len: i32) -> Result<Option<&'a str>, Error> {
        usize::try_from(len)
            .ok()
            .map(|len| self.text(len, Error::InvalidParams))
            .transpose()
    }

    /// An optional list field (see [`list`]): a negative length means absent.
    pub(crate) fn opt_list(&mut self, len: i32) -> Result<Option<Vec<&'a str>>, Error> {
        Ok(self.opt_text(len)?.map(list))
    }
}

/// Splits a list that the wrapper encoded as `""` (no items) or NUL followed by the items
/// separated by NUL, so that `[]` and `[""]` stay distinct. (The wrapper refuses items that
/// contain NUL.)
pub(crate) fn list(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let Some(mut rest) = text.strip_prefix('\0') else {
        return items;
    };
    loop {
        let end = rest.bytes().position(|b| b == 0).unwrap_or(rest.len());
        items.push(rest.get(..end).unwrap_or_default());
        match rest.get(end + 1..) {
            Some(tail) => rest = tail,
            None => return items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::list;

    #[test]
    fn lists_keep_empty_items_apart_from_no_items() {
        assert_eq!(list(""), Vec::<&str>::new());
        assert_eq!(list("\0"), vec![""]);
        assert_eq!(list("\0a"), vec!["a"]);
        assert_eq!(list("\0a\0"), vec!["a", ""]);
        assert_eq!(list("\0a,b\0c d"), vec!["a,b", "c d"]);
        assert_eq!(list("\0\0"), vec!["", ""]);
        assert_eq!(list("\0é\0ü"), vec!["é", "ü"]);
    }
}
