//! The buffers through which text and bytes cross the boundary, and the declared layout of
//! each call's inputs.
//!
//! Every export's inputs are declared once, by [`inputs!`]: named fields, each of a kind
//! ([`Text`], [`OptList`], [`OptNum`], …) and with the error a wrongly typed value gets. The
//! declaration yields the Rust reader and a [`Layout`] that the module hands to the JavaScript
//! wrapper (see `tables` in lib.rs), which writes each call's inputs by field *name* in the declared
//! order. No field order is written anywhere else.
//!
//! On the wire, every field is a 4-byte little-endian length followed by that many bytes;
//! the length `u32::MAX` means absent. Text is UTF-8, a number an `f64` (8 bytes, little
//! endian), a flag one byte (0 or 1), a list the text of [`list`].

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
    /// The inputs, read as `I` declares them, and the output buffer.
    pub(crate) fn read<'a, I: Inputs<'a>>(&'a mut self) -> (Result<I, Error>, &'a mut Vec<u8>) {
        let mut f = Fields { rest: &self.input };
        (I::read(&mut f), &mut self.output)
    }

    /// Zeroes the input buffer (after a call whose inputs carry a secret).
    pub(crate) fn wipe_input(&mut self) {
        self.input.fill(0);
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
    fn take(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let (field, rest) = self
            .rest
            .split_at_checked(len)
            .ok_or(Error::InvalidParams)?;
        self.rest = rest;
        Ok(field)
    }

    /// Fills `fields` with the next fields (see [`Fields::next`]).
    pub(crate) fn fill(&mut self, fields: &mut [Option<&'a [u8]>]) -> Result<(), Error> {
        for field in fields {
            *field = self.next()?;
        }
        Ok(())
    }

    /// The next field's bytes, `None` when absent (`InvalidParams` past the input).
    pub(crate) fn next(&mut self) -> Result<Option<&'a [u8]>, Error> {
        let len = self.take(4)?;
        let len = u32::from_le_bytes(len.try_into().map_err(|_| Error::InvalidParams)?);
        match len {
            u32::MAX => Ok(None),
            n => self.take(n as usize).map(Some),
        }
    }
}

/// The inputs of one export, as [`inputs!`] declares them.
pub(crate) trait Inputs<'a>: Sized {
    /// The export's declaration for the wrapper: a newline, the export's name and then,
    /// space-separated, `field:kind` or `field:kind:error_code` for each field in order.
    const LAYOUT: &'static str;
    /// Reads the fields in their declared order.
    fn read(f: &mut Fields<'a>) -> Result<Self, Error>;
}

/// A kind of field: what crosses and the Rust value it becomes. Bytes that are not of the
/// kind are `InvalidParams` (the wrapper has checked each value's type already, with the
/// error the declaration names, and encodes text as UTF-8).
pub(crate) trait Kind {
    /// The value the reader yields.
    type Out<'a>;
    /// The value of a field's bytes (`None`: absent).
    fn read(raw: Option<&[u8]>) -> Result<Self::Out<'_>, Error>;
}

fn text(raw: Option<&[u8]>) -> Result<&str, Error> {
    core::str::from_utf8(raw.ok_or(Error::InvalidParams)?).map_err(|_| Error::InvalidParams)
}

/// A number: a non-negative integer the wrapper sent as an `f64`.
fn number(raw: &[u8]) -> Result<u64, Error> {
    let v = f64::from_le_bytes(raw.try_into().map_err(|_| Error::InvalidParams)?);
    // `as` saturates (NaN becomes 0); the round trip keeps only exact non-negative integers.
    let n = v as u64;
    match n as f64 == v && n < (1 << 53) {
        true => Ok(n),
        false => Err(Error::InvalidParams),
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident => $out:ty, |$raw:ident| $read:expr;)*) => {$(
        $(#[$doc])*
        #[allow(dead_code)] // a build without passwords has no optional bytes
        pub(crate) struct $name;
        impl Kind for $name {
            type Out<'a> = $out;
            fn read($raw: Option<&[u8]>) -> Result<Self::Out<'_>, Error> {
                $read
            }
        }
    )*};
}

kinds! {
    /// UTF-8 text.
    Text => &'a str, |raw| text(raw);
    /// Optional UTF-8 text.
    OptText => Option<&'a str>, |raw| raw.map(|r| text(Some(r))).transpose();
    /// Bytes (a string is sent as its UTF-8).
    Bytes => &'a [u8], |raw| raw.ok_or(Error::InvalidParams);
    /// Optional bytes.
    OptBytes => Option<&'a [u8]>, |raw| Ok(raw);
    /// A list of texts (see [`Items`]).
    List => Items<'a>, |raw| text(raw).map(Items);
    /// An optional list of texts.
    OptList => Option<Items<'a>>, |raw| raw.map(|r| text(Some(r)).map(Items)).transpose();
    /// A non-negative integer.
    Num => u64, |raw| number(raw.ok_or(Error::InvalidParams)?);
    /// An optional non-negative integer.
    OptNum => Option<u64>, |raw| raw.map(number).transpose();
    /// An optional boolean.
    OptFlag => Option<bool>, |raw| raw.map(|r| match r {
        [0] => Ok(false),
        [1] => Ok(true),
        _ => Err(Error::InvalidParams),
    }).transpose();
}

/// Each kind's code in the layout text: `t` text, `b` bytes, `l` list, `n` number, `f` flag;
/// an `o` prefix marks an optional field.
macro_rules! kind_code {
    (Text) => {
        "t"
    };
    (OptText) => {
        "ot"
    };
    (Bytes) => {
        "b"
    };
    (OptBytes) => {
        "ob"
    };
    (List) => {
        "l"
    };
    (OptList) => {
        "ol"
    };
    (Num) => {
        "n"
    };
    (OptNum) => {
        "on"
    };
    (OptFlag) => {
        "of"
    };
}
pub(crate) use kind_code;

/// Declares an export's inputs: a struct with one field per input, its [`Inputs`] reader and
/// its layout line. Each field is `rust_name: Kind = "jsName"`, optionally followed by
/// `/ "error_code"`: the error the wrapper reports for a value of the wrong JavaScript type
/// (default `invalid_params`, left out of the layout line).
macro_rules! inputs {
    ($(#[$doc:meta])* $name:ident = $js:literal {
        $($field:ident: $kind:ident = $js_field:literal $(/ $err:literal)?,)*
    }) => {
        $(#[$doc])*
        pub(crate) struct $name<'a> {
            $(pub(crate) $field: <$crate::io::$kind as $crate::io::Kind>::Out<'a>,)*
        }

        impl<'a> $crate::io::Inputs<'a> for $name<'a> {
            const LAYOUT: &'static str = concat!(
                "\n", $js,
                $(" ", $js_field, ":", $crate::io::kind_code!($kind), inputs!(@err $($err)?),)*
            );

            fn read(f: &mut $crate::io::Fields<'a>) -> Result<Self, authcore::Error> {
                let mut raw = [$(inputs!(@none $field)),*];
                f.fill(&mut raw)?;
                let [$($field),*] = raw;
                Ok(Self {
                    $($field: <$crate::io::$kind as $crate::io::Kind>::read($field)?,)*
                })
            }
        }
    };
    (@none $field:ident) => { None };
    (@err) => { "" };
    (@err $err:literal) => { concat!(":", $err) };
}
pub(crate) use inputs;

/// A list field's text, split by [`Items::split`] where the items are needed (so that reading
/// the inputs allocates nothing).
#[derive(Clone, Copy)]
pub(crate) struct Items<'a>(&'a str);

impl<'a> Items<'a> {
    /// The items (see [`list`]).
    pub(crate) fn split(self) -> Vec<&'a str> {
        list(self.0)
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
    use super::*;

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

    #[test]
    fn numbers_are_exact_non_negative_integers() {
        let n = |v: f64| number(&v.to_le_bytes());
        assert_eq!(n(0.0), Ok(0));
        assert_eq!(n(9_007_199_254_740_991.0), Ok((1 << 53) - 1));
        for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY, 9_007_199_254_740_992.0] {
            assert_eq!(n(bad), Err(Error::InvalidParams));
        }
        assert_eq!(number(&[0; 4]), Err(Error::InvalidParams));
    }

    inputs! {
        /// Two fields of one kind, to check that each is read by its declared place.
        Pair = "pair" {
            first: Text = "first",
            second: OptText = "second" / "invalid_hash",
            count: OptNum = "count",
        }
    }

    fn field(out: &mut Vec<u8>, v: Option<&[u8]>) {
        match v {
            None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
            Some(b) => {
                out.extend_from_slice(&(b.len() as u32).to_le_bytes());
                out.extend_from_slice(b);
            }
        }
    }

    #[test]
    fn declared_fields_are_read_in_order_and_described() {
        let mut io = Io::new();
        field(&mut io.input, Some(b"a"));
        field(&mut io.input, None);
        field(&mut io.input, Some(&7f64.to_le_bytes()));
        let (p, _) = io.read::<Pair<'_>>();
        let p = p.unwrap();
        assert_eq!((p.first, p.second, p.count), ("a", None, Some(7)));

        // A field cut short, and a required field absent.
        let mut io = Io::new();
        field(&mut io.input, Some(b"a"));
        io.input.extend_from_slice(&9u32.to_le_bytes());
        assert_eq!(io.read::<Pair<'_>>().0.err(), Some(Error::InvalidParams));
        let mut io = Io::new();
        for _ in 0..3 {
            field(&mut io.input, None);
        }
        assert_eq!(io.read::<Pair<'_>>().0.err(), Some(Error::InvalidParams));

        assert_eq!(
            Pair::LAYOUT,
            "\npair first:t second:ot:invalid_hash count:on"
        );
    }
}
