//! A strict, allocation-free JSON scanner for token headers and payloads.
//!
//! `serde-json-core` recurses without a depth bound and hands out borrowed strings that still
//! contain escapes. This scanner closes both traps: it validates a whole document (RFC 8259
//! grammar, valid UTF-8, no lone surrogates) in one linear pass with an explicit nesting bound
//! ([`MAX_DEPTH`]) and no recursion, and it compares strings on their *unescaped* text.
//!
//! It also refuses duplicate member names in every object below the top level (and, through
//! [`for_each_unique_member`], at the top level), compared after unescaping (`"a"` and
//! `"\u0061"` are one name): parsers disagree on which copy wins (first or last), so a
//! document with duplicates means different things to different readers. Names are kept in a
//! fixed open-addressing table on the stack (room for [`MAX_OPEN_NAMES`] names, hashed on
//! their unescaped text); the names of an object are dropped when it
//! closes, so the table holds only the names of the objects still open. Names that no longer
//! fit set a bit of a hash filter; a later name of their object that hits a set bit is
//! compared with the object's earlier names, read again from the document (exact, but work
//! proportional to the object's size). Only documents with more than [`MAX_OPEN_NAMES`] names
//! open at once take that path (every name with the `size_opt` feature, which keeps no table
//! and no filter).

use crate::error::{Error, Result};

/// Maximum nesting depth of arrays and objects (the top-level object counts as 1).
pub const MAX_DEPTH: u32 = 32;

/// Number of member names the duplicate check keeps in its table at once, over the objects
/// still open during a scan (the top-level object and the nested objects around the current
/// position). Past it, an object's further names are compared with its earlier ones by
/// reading the document again. 64 (a half-full table keeps probes short); 0 with the
/// `size_opt` feature.
pub const MAX_OPEN_NAMES: usize = if cfg!(feature = "size_opt") {
    0
} else {
    NAME_SLOTS / 2
};

/// Slots of the name table (a power of two; there is no table with the `size_opt` feature:
/// every name is compared with the earlier names of its object by reading the document again
/// — less code, but work quadratic in an object's member count).
const NAME_SLOTS: usize = 128;
const _: () = assert!(NAME_SLOTS.is_power_of_two());

/// Words of the filter over the names the table could not take (8192 bits).
#[cfg(not(feature = "size_opt"))]
const FILTER_WORDS: usize = 128;

/// The member names of the objects open during a scan, to refuse duplicates (`size_opt`:
/// no table; each name is compared with the earlier names of its object, read again from the
/// document, which is work proportional to the object's size per name).
#[cfg(feature = "size_opt")]
struct Names {
    /// Per depth: where the open object starts in the document.
    open: [u32; MAX_DEPTH as usize + 1],
}

#[cfg(feature = "size_opt")]
impl Names {
    fn new() -> Self {
        Self {
            open: [0; MAX_DEPTH as usize + 1],
        }
    }

    /// An object opens at `pos` (its `{`), at nesting `depth`.
    fn open(&mut self, depth: u32, pos: usize) {
        if let Some(p) = self.open.get_mut(depth as usize) {
            *p = pos as u32;
        }
    }

    /// The object at `depth` closes (nothing to drop).
    fn close(&mut self, _depth: u32) {}

    /// `Malformed` if the object open at `depth` has a member named `key` before `at`.
    fn add(&mut self, doc: &[u8], depth: u32, key: JsonStr<'_>, at: usize) -> Result<()> {
        let start = self.open.get(depth as usize).map_or(0, |&p| p as usize);
        match earlier_name(doc, start, key, at) {
            true => Err(Error::Malformed),
            false => Ok(()),
        }
    }
}

/// The member names of the objects open during a scan, to refuse duplicates.
///
/// Linear probing without deletion of single names: when an object closes, its names (the
/// most recent insertions, the only ones after its `{`) are cleared all together, which
/// restores the table exactly as it was when the object opened.
#[cfg(not(feature = "size_opt"))]
struct Names {
    /// Where each name's raw text starts in the document, plus one (0: a free slot).
    at: [u32; NAME_SLOTS],
    len: usize,
    /// Per depth: where the open object starts in the document.
    open: [u32; MAX_DEPTH as usize + 1],
    /// Bit `depth`: the object open at that depth has names the table could not take.
    overflow: u64,
    /// One bit per hash of the names the table could not take (cleared when no object that
    /// has such names is open).
    filter: [u64; FILTER_WORDS],
}

#[cfg(not(feature = "size_opt"))]
impl Names {
    fn new() -> Self {
        Self {
            at: [0; NAME_SLOTS],
            len: 0,
            open: [0; MAX_DEPTH as usize + 1],
            overflow: 0,
            filter: [0; FILTER_WORDS],
        }
    }

    fn start(&self, depth: u32) -> usize {
        self.open.get(depth as usize).map_or(0, |&p| p as usize)
    }

    /// An object opens at `pos` (its `{`), at nesting `depth`.
    fn open(&mut self, depth: u32, pos: usize) {
        if let Some(p) = self.open.get_mut(depth as usize) {
            *p = pos as u32;
        }
        self.overflow &= !(1 << depth);
    }

    /// The object at `depth` closes: its names leave the table.
    fn close(&mut self, depth: u32) {
        if self.overflow & (1 << depth) != 0 {
            self.overflow &= !(1 << depth);
            if self.overflow == 0 {
                self.filter = [0; FILTER_WORDS];
            }
        }
        let start = self.start(depth);
        for a in &mut self.at {
            if *a as usize > start {
                *a = 0;
                self.len -= 1;
            }
        }
    }

    /// Adds the name `key`, whose raw text starts at `at` in `doc`, to the object open at
    /// `depth`. `Malformed` if that object already has it.
    ///
    /// Names the table cannot take set a bit of `filter` (one per hash); a later name of an
    /// object with such names whose bit is set is compared with the object's earlier names,
    /// read again from the document.
    fn add(&mut self, doc: &[u8], depth: u32, key: JsonStr<'_>, at: usize) -> Result<()> {
        let start = self.start(depth);
        let h = key.hash();
        let mut i = h as usize;
        let free = loop {
            i &= NAME_SLOTS - 1;
            let Some(&slot) = self.at.get(i) else {
                return Err(Error::Malformed);
            };
            if slot == 0 {
                break i;
            }
            // Names of enclosing objects start before this object does.
            if slot as usize > start && key.same(doc, slot as usize - 1) {
                return Err(Error::Malformed);
            }
            i += 1;
        };
        // Other bits of the hash than the table's, mixed (FNV's high bits vary little).
        let f = ((h ^ (h >> 15)).wrapping_mul(0x2c1b_3c6d) >> 16) as usize % (FILTER_WORDS * 64);
        let (word, mask) = (f / 64, 1u64 << (f % 64));
        let overflowed = self.overflow & (1 << depth) != 0;
        if overflowed
            && self.filter.get(word).is_some_and(|w| w & mask != 0)
            && earlier_name(doc, start, key, at)
        {
            return Err(Error::Malformed);
        }
        match self.at.get_mut(free) {
            Some(slot) if self.len < MAX_OPEN_NAMES && at < u32::MAX as usize => {
                *slot = at as u32 + 1;
                self.len += 1;
            }
            _ => {
                self.overflow |= 1 << depth;
                if let Some(w) = self.filter.get_mut(word) {
                    *w |= mask;
                }
            }
        }
        Ok(())
    }
}

/// The raw (still escaped) contents of a JSON string, between its quotes.
///
/// Obtained only from a document that already passed validation, so its escapes are well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStr<'a> {
    raw: &'a [u8],
    /// Whether `raw` contains a backslash escape (known from the scan).
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    pub(crate) const fn new(raw: &'a [u8], escaped: bool) -> Self {
        Self { raw, escaped }
    }

    /// The raw bytes between the quotes, escapes included.
    pub const fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The string as `&str` when it contains no escapes (the common case), else `None`.
    pub fn as_plain_str(&self) -> Option<&'a str> {
        if self.escaped {
            None
        } else {
            core::str::from_utf8(self.raw).ok()
        }
    }

    /// The unescaped characters.
    pub fn chars(&self) -> Chars<'a> {
        Chars { raw: self.raw }
    }

    /// Compares the unescaped text with `expected` (exact, byte-for-byte after unescaping).
    pub fn eq_str(&self, expected: &str) -> bool {
        if !self.escaped {
            // No escapes: the raw bytes are the text (the document is valid UTF-8).
            return self.raw == expected.as_bytes();
        }
        self.chars().eq(expected.chars())
    }

    /// The text if it has no escapes, else unescaped into `buf` (`None` if it does not fit).
    /// Cheap way to match a key against several names.
    pub fn text<'b>(&self, buf: &'b mut [u8]) -> Option<&'b [u8]>
    where
        'a: 'b,
    {
        if !self.escaped {
            return Some(self.raw);
        }
        self.unescape_into(buf).ok().map(str::as_bytes)
    }

    /// FNV-1a over the UTF-8 bytes of the unescaped text.
    #[cfg(not(feature = "size_opt"))]
    fn hash(&self) -> u32 {
        let mut h: u32 = 0x811c_9dc5;
        let mut eat = |b: u8| h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        if self.escaped {
            for c in self.chars() {
                c.encode_utf8(&mut [0; 4]).bytes().for_each(&mut eat);
            }
        } else {
            self.raw.iter().for_each(|&b| eat(b));
        }
        h
    }

    /// Whether the (validated) string whose raw text starts at `at` in `doc` has the same
    /// unescaped text.
    #[cfg(not(feature = "size_opt"))]
    fn same(&self, doc: &[u8], at: usize) -> bool {
        let mut sc = Scanner {
            s: doc,
            pos: at,
            names: None,
        };
        sc.string().is_ok_and(|other| self.same_text(&other))
    }

    /// Whether both have the same unescaped text.
    fn same_text(&self, other: &JsonStr<'_>) -> bool {
        match self.escaped || other.escaped {
            false => self.raw == other.raw,
            true => self.chars().eq(other.chars()),
        }
    }

    /// Compares the unescaped text with `expected`, ASCII case-insensitively.
    pub fn eq_ignore_ascii_case(&self, expected: &str) -> bool {
        let mut a = self.chars();
        let mut b = expected.chars();
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
                _ => return false,
            }
        }
    }

    /// Unescapes into `buf` and returns the text. `BufferTooSmall` when it does not fit.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let mut len = 0usize;
        for c in self.chars() {
            let mut tmp = [0u8; 4];
            let enc = c.encode_utf8(&mut tmp).as_bytes();
            let end = len.checked_add(enc.len()).ok_or(Error::BufferTooSmall)?;
            buf.get_mut(len..end)
                .ok_or(Error::BufferTooSmall)?
                .copy_from_slice(enc);
            len = end;
        }
        let out = buf.get(..len).ok_or(Error::BufferTooSmall)?;
        core::str::from_utf8(out).map_err(|_| Error::Malformed)
    }
}

/// Whether the object of a validated document that opens at `start` has a member named `key`
/// before position `at`.
fn earlier_name(doc: &[u8], start: usize, key: JsonStr<'_>, at: usize) -> bool {
    let mut sc = Scanner {
        s: doc,
        pos: start.saturating_add(1),
        names: None,
    };
    loop {
        let Ok((name, name_at)) = sc.member_key() else {
            return false;
        };
        if name_at >= at {
            return false;
        }
        if key.same_text(&name) {
            return true;
        }
        if sc.value(1).is_err() {
            return false;
        }
        sc.ws();
        if sc.bump() != Ok(b',') {
            return false;
        }
    }
}

/// Iterator over the unescaped characters of a validated JSON string.
#[derive(Debug, Clone)]
pub struct Chars<'a> {
    raw: &'a [u8],
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let (&first, rest) = self.raw.split_first()?;
        if first != b'\\' {
            // Decode one UTF-8 scalar from the (validated) raw bytes.
            let width = utf8_width(first);
            let (head, tail) = self.raw.split_at_checked(width)?;
            self.raw = tail;
            return core::str::from_utf8(head).ok()?.chars().next();
        }
        let (&esc, rest) = rest.split_first()?;
        self.raw = rest;
        Some(match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(self.raw)?;
                self.raw = self.raw.get(4..)?;
                if (0xD800..0xDC00).contains(&hi) {
                    // Validated documents always pair a high surrogate with `\uDC00..DFFF`.
                    let lo = hex4(self.raw.get(2..)?)?;
                    self.raw = self.raw.get(6..)?;
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?);
                    char::from_u32(c)?
                } else {
                    char::from_u32(hi)?
                }
            }
            _ => return None,
        })
    }
}

fn utf8_width(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

fn hex4(s: &[u8]) -> Option<u32> {
    let digits = s.get(..4)?;
    let mut v = 0u32;
    for &d in digits {
        v = (v << 4) | (d as char).to_digit(16)?;
    }
    Some(v)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Word-at-a-time test: does any byte of `x` equal `b`?
#[inline(always)]
const fn has_byte(x: u64, b: u8) -> bool {
    let y = x ^ (LO * b as u64);
    (y.wrapping_sub(LO) & !y & HI) != 0
}

/// Position of the first byte equal to `needle`, scanning 8 bytes at a time.
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0usize;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        if has_byte(u64::from_le_bytes(w), needle) {
            break;
        }
        base += 8;
    }
    hay.get(base..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

/// Bytes that end a run of plain string bytes: `"`, `\` and control characters.
#[allow(clippy::indexing_slicing)] // const evaluation: out of range fails the build
const STRING_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Word-at-a-time mask of the bytes that end a plain run (`"`, `\`, bytes below 0x20), in
/// their high bits. Exact up to and including the lowest flagged byte: a false positive can
/// only follow a true one (borrow propagation), and only the lowest is used.
#[inline(always)]
const fn special(x: u64) -> u64 {
    let q = x ^ (LO * b'"' as u64);
    let b = x ^ (LO * b'\\' as u64);
    let quote = q.wrapping_sub(LO) & !q;
    let backslash = b.wrapping_sub(LO) & !b;
    let control = x.wrapping_sub(LO * 0x20) & !x;
    (quote | backslash | control) & HI
}

/// Length of the run of plain string bytes at the start of `hay` (up to the first `"`, `\`
/// or control byte, or the end), and a non-zero value if any byte scanned might be 0x80 or
/// above (a conservative hint: it may include bytes past the run).
#[allow(clippy::indexing_slicing)] // a u8 indexes a 256-entry table
fn plain_run(hay: &[u8]) -> (usize, u64) {
    let mut high = 0u64;
    let mut chunks = hay.chunks_exact(8);
    let mut n = 0usize;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        high |= x & HI;
        let m = special(x);
        if m != 0 {
            return (n + (m.trailing_zeros() / 8) as usize, high);
        }
        n += 8;
    }
    for &b in chunks.remainder() {
        if STRING_SPECIAL[usize::from(b)] {
            break;
        }
        high |= u64::from(b & 0x80);
        n += 1;
    }
    (n, high)
}

/// A JSON value's kind and raw span, as seen by the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A string (raw contents between the quotes).
    Str(JsonStr<'a>),
    /// A number, exactly as written.
    Num(&'a [u8]),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An array (raw text including brackets).
    Array(&'a [u8]),
    /// An object (raw text including braces).
    Object(&'a [u8]),
}

impl<'a> Value<'a> {
    /// Parses a non-negative integer that fits `u64` (no sign, fraction or exponent).
    pub fn as_u64(&self) -> Option<u64> {
        let Value::Num(text) = self else { return None };
        if text.is_empty() || text.len() > 20 {
            return None;
        }
        let mut v: u64 = 0;
        for &d in *text {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        Some(v)
    }

    /// The string, if this value is one.
    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        match self {
            Value::Str(s) => Some(*s),
            _ => None,
        }
    }
}

struct Scanner<'a, 'n> {
    s: &'a [u8],
    pos: usize,
    /// The open objects' names (`None`: a document already scanned, duplicates not checked).
    names: Option<&'n mut Names>,
}

impl<'a> Scanner<'a, '_> {
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn bump(&mut self) -> Result<u8> {
        let b = self.peek().ok_or(Error::Malformed)?;
        self.pos += 1;
        Ok(b)
    }

    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn expect(&mut self, b: u8) -> Result<()> {
        if self.bump()? == b {
            Ok(())
        } else {
            Err(Error::Malformed)
        }
    }

    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn slice(&self, start: usize, end: usize) -> Result<&'a [u8]> {
        self.s.get(start..end).ok_or(Error::Malformed)
    }

    /// After the opening quote: scans to the closing quote, validating escapes and UTF-8.
    ///
    /// Plain bytes are skipped eight at a time. Bytes of 0x80 and above are only noted during
    /// the scan; a string that has any is then checked as a whole with `str::from_utf8` (a
    /// multi-byte sequence never contains `"`, `\\` or a control byte, so string boundaries
    /// never cut one). Outside strings the grammar admits ASCII only, so this covers the
    /// whole document.
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn string(&mut self) -> Result<JsonStr<'a>> {
        let start = self.pos;
        let mut escaped = false;
        let mut high = 0u64;
        loop {
            let (skip, word_high) = plain_run(self.s.get(self.pos..).ok_or(Error::Malformed)?);
            high |= word_high;
            self.pos += skip;
            match self.bump()? {
                b'"' => {
                    let raw = self.slice(start, self.pos.saturating_sub(1))?;
                    if high != 0 && core::str::from_utf8(raw).is_err() {
                        return Err(Error::Malformed);
                    }
                    return Ok(JsonStr::new(raw, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match self.bump()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let cp = self.hex()?;
                            if (0xD800..0xDC00).contains(&cp) {
                                self.expect(b'\\')?;
                                self.expect(b'u')?;
                                if !(0xDC00..0xE000).contains(&self.hex()?) {
                                    return Err(Error::Malformed);
                                }
                            } else if (0xDC00..0xE000).contains(&cp) {
                                return Err(Error::Malformed);
                            }
                        }
                        _ => return Err(Error::Malformed),
                    }
                }
                _ => return Err(Error::Malformed), // a control byte
            }
        }
    }

    fn hex(&mut self) -> Result<u32> {
        let v = hex4(self.s.get(self.pos..).ok_or(Error::Malformed)?).ok_or(Error::Malformed)?;
        self.pos += 4;
        Ok(v)
    }

    fn digits(&mut self) -> Result<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.pos == start {
            Err(Error::Malformed)
        } else {
            Ok(())
        }
    }

    fn number(&mut self) -> Result<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos = self.pos.saturating_add(1),
            Some(b'1'..=b'9') => self.digits()?,
            _ => return Err(Error::Malformed),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        let end = self.pos.checked_add(word.len()).ok_or(Error::Malformed)?;
        if self.s.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(Error::Malformed)
        }
    }

    /// Scans one value starting at `self.pos` (after whitespace). `depth` is the nesting of the
    /// value's container. Scalars are scanned here (inlined into the member loop); arrays and
    /// objects by [`Self::container`].
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn value(&mut self, depth: u32) -> Result<Value<'a>> {
        self.ws();
        let start = self.pos;
        match self.peek().ok_or(Error::Malformed)? {
            b'"' => {
                self.pos += 1;
                Ok(Value::Str(self.string()?))
            }
            b'-' | b'0'..=b'9' => {
                self.number()?;
                Ok(Value::Num(self.slice(start, self.pos)?))
            }
            b't' => self.literal(b"true").map(|_| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|_| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|_| Value::Null),
            open @ (b'{' | b'[') => {
                self.container(depth)?;
                let raw = self.slice(start, self.pos)?;
                Ok(match open {
                    b'{' => Value::Object(raw),
                    _ => Value::Array(raw),
                })
            }
            _ => Err(Error::Malformed),
        }
    }

    /// Scans an array or object starting at its opening bracket. Iterative: a bit stack
    /// records object (1) / array (0) per level, so the depth bound costs no stack.
    fn container(&mut self, depth: u32) -> Result<()> {
        let base = depth;
        let mut depth = depth;
        let mut stack: u64 = 0;
        loop {
            // Expect a value here.
            self.ws();
            let b = self.peek().ok_or(Error::Malformed)?;
            match b {
                b'{' | b'[' => {
                    let at = self.pos;
                    self.pos += 1;
                    depth = depth.saturating_add(1);
                    if depth > MAX_DEPTH {
                        return Err(Error::NestingTooDeep);
                    }
                    stack = (stack << 1) | u64::from(b == b'{');
                    self.ws();
                    let close = if b == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        stack >>= 1;
                        depth = depth.saturating_sub(1);
                    } else if b == b'{' {
                        if let Some(n) = self.names.as_deref_mut() {
                            n.open(depth, at);
                        }
                        self.name(depth)?;
                        continue;
                    } else {
                        continue;
                    }
                }
                _ => {
                    // Scalars: reuse the scalar path (depth is irrelevant for them).
                    if cfg!(feature = "size_opt") {
                        self.value(depth)?;
                    } else {
                        self.scalar()?;
                    }
                }
            }
            // After a value: close containers or move to the next element.
            loop {
                if depth == base {
                    return Ok(());
                }
                self.ws();
                let in_object = stack & 1 == 1;
                match (self.bump()?, in_object) {
                    (b',', true) => {
                        self.name(depth)?;
                        break;
                    }
                    (b',', false) => break,
                    (b'}', true) | (b']', false) => {
                        if let (true, Some(n)) = (in_object, self.names.as_deref_mut()) {
                            n.close(depth);
                        }
                        stack >>= 1;
                        depth = depth.saturating_sub(1);
                    }
                    _ => return Err(Error::Malformed),
                }
            }
        }
    }

    fn scalar(&mut self) -> Result<()> {
        match self.peek().ok_or(Error::Malformed)? {
            b'"' => {
                self.pos += 1;
                self.string().map(|_| ())
            }
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => Err(Error::Malformed),
        }
    }

    /// Scans `"key" :` inside an object; returns the key and where its raw text starts.
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn member_key(&mut self) -> Result<(JsonStr<'a>, usize)> {
        self.ws();
        self.expect(b'"')?;
        let at = self.pos;
        let key = self.string()?;
        self.ws();
        self.expect(b':')?;
        Ok((key, at))
    }

    /// Scans `"key" :` inside a nested object at `depth`, refusing a name it already has.
    fn name(&mut self, depth: u32) -> Result<()> {
        let (key, at) = self.member_key()?;
        match self.names.as_deref_mut() {
            Some(n) => n.add(self.s, depth, key, at),
            None => Ok(()),
        }
    }
}

/// Validates that `doc` is a single JSON object (RFC 8259, UTF-8, nesting ≤ [`MAX_DEPTH`], no
/// duplicate member name in a nested object) and calls `f(key, value)` for each top-level
/// member in order. Top-level names may repeat: `f` sees every copy (see
/// [`for_each_unique_member`]).
///
/// Errors: `Malformed` for any syntax error, a non-object document, trailing data or a
/// duplicate name in a nested object (or more than [`MAX_OPEN_NAMES`] names open at once);
/// `NestingTooDeep` past the bound; the first error returned by `f`.
pub fn for_each_member<'a, F>(doc: &'a [u8], mut f: F) -> Result<()>
where
    F: FnMut(JsonStr<'a>, Value<'a>) -> Result<()>,
{
    members(doc, false, Error::Malformed, &mut f)
}

/// [`for_each_member`], refusing a repeated top-level name too (`Malformed`), once `f` has
/// seen the second copy (so `f` may report a repeated name of its own first).
pub fn for_each_unique_member<'a, F>(doc: &'a [u8], mut f: F) -> Result<()>
where
    F: FnMut(JsonStr<'a>, Value<'a>) -> Result<()>,
{
    members(doc, true, Error::Malformed, &mut f)
}

/// Validates `doc` as [`for_each_member`] does and refuses a repeated top-level name with
/// `dup` (reported where the second copy is met, before any later syntax error).
pub(crate) fn check_distinct_members(doc: &[u8], dup: Error) -> Result<()> {
    members(doc, true, dup, &mut |_, _| Ok(()))
}

/// One member loop for every caller. With the `size_opt` feature `f` is called through
/// `dyn` (one copy of the loop in the module instead of one per closure).
#[inline(always)]
fn members<'a, F>(doc: &'a [u8], unique: bool, dup: Error, f: &mut F) -> Result<()>
where
    F: FnMut(JsonStr<'a>, Value<'a>) -> Result<()>,
{
    if cfg!(feature = "size_opt") {
        member_loop::<dyn FnMut(JsonStr<'a>, Value<'a>) -> Result<()>>(doc, unique, dup, f)
    } else {
        member_loop(doc, unique, dup, f)
    }
}

fn member_loop<'a, F>(doc: &'a [u8], unique: bool, dup: Error, f: &mut F) -> Result<()>
where
    F: FnMut(JsonStr<'a>, Value<'a>) -> Result<()> + ?Sized,
{
    let mut names = Names::new();
    let mut sc = Scanner {
        s: doc,
        pos: 0,
        names: Some(&mut names),
    };
    sc.ws();
    sc.expect(b'{')?;
    sc.ws();
    if sc.peek() == Some(b'}') {
        sc.pos += 1;
    } else {
        loop {
            let (key, at) = sc.member_key()?;
            let value = sc.value(1)?;
            f(key, value)?;
            if let (true, Some(n)) = (unique, sc.names.as_deref_mut()) {
                n.add(doc, 1, key, at).map_err(|_| dup)?;
            }
            sc.ws();
            match sc.bump()? {
                b',' => {}
                b'}' => break,
                _ => return Err(Error::Malformed),
            }
        }
    }
    sc.ws();
    if sc.pos == doc.len() {
        Ok(())
    } else {
        Err(Error::Malformed)
    }
}

/// Calls `f` for each element of a validated array value's raw text (`[...]`).
pub fn for_each_element<'a, F>(array: &'a [u8], mut f: F) -> Result<()>
where
    F: FnMut(Value<'a>) -> Result<()>,
{
    // As for members: one copy of the loop with `size_opt`.
    if cfg!(feature = "size_opt") {
        element_loop::<dyn FnMut(Value<'a>) -> Result<()>>(array, &mut f)
    } else {
        element_loop(array, &mut f)
    }
}

#[cfg_attr(not(feature = "size_opt"), inline(always))]
fn element_loop<'a, F>(array: &'a [u8], f: &mut F) -> Result<()>
where
    F: FnMut(Value<'a>) -> Result<()> + ?Sized,
{
    let mut sc = Scanner {
        s: array,
        pos: 0,
        names: None,
    };
    sc.ws();
    sc.expect(b'[')?;
    sc.ws();
    if sc.peek() == Some(b']') {
        return Ok(());
    }
    loop {
        let v = sc.value(1)?;
        f(v)?;
        sc.ws();
        match sc.bump()? {
            b',' => {}
            b']' => return Ok(()),
            _ => return Err(Error::Malformed),
        }
    }
}

/// Writes `s` as a JSON string literal (with quotes) into `out` at `*pos`.
pub(crate) fn write_str(out: &mut [u8], pos: &mut usize, s: &str) -> Result<()> {
    put(out, pos, b"\"")?;
    for c in s.chars() {
        let mut tmp = [0u8; 6];
        let enc: &[u8] = match c {
            '"' => b"\\\"",
            '\\' => b"\\\\",
            c if (c as u32) < 0x20 => {
                let n = c as u32;
                let hexd = |v: u32| b"0123456789abcdef".get(v as usize).copied().unwrap_or(b'0');
                tmp = [b'\\', b'u', b'0', b'0', hexd(n >> 4), hexd(n & 0xF)];
                &tmp
            }
            c => c.encode_utf8(&mut tmp).as_bytes(),
        };
        put(out, pos, enc)?;
    }
    put(out, pos, b"\"")
}

/// Appends bytes to `out` at `*pos`.
pub(crate) fn put(out: &mut [u8], pos: &mut usize, bytes: &[u8]) -> Result<()> {
    let end = pos.checked_add(bytes.len()).ok_or(Error::BufferTooSmall)?;
    out.get_mut(*pos..end)
        .ok_or(Error::BufferTooSmall)?
        .copy_from_slice(bytes);
    *pos = end;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn members(doc: &str) -> Result<Vec<(std::string::String, Value<'_>)>> {
        let mut v = Vec::new();
        for_each_member(doc.as_bytes(), |k, val| {
            v.push((k.chars().collect(), val));
            Ok(())
        })?;
        Ok(v)
    }

    #[test]
    fn accepts_valid_documents() {
        let m =
            members(r#" { "a" : 1 , "b":[1, {"c":null}, "x"], "d":{"e":true}, "f": -0.5e+3 } "#)
                .unwrap();
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].1.as_u64(), Some(1));
        assert!(matches!(m[1].1, Value::Array(b"[1, {\"c\":null}, \"x\"]")));
        assert!(matches!(m[3].1, Value::Num(b"-0.5e+3")));
        assert_eq!(members("{}").unwrap().len(), 0);
    }

    #[test]
    fn rejects_invalid_syntax() {
        for bad in [
            "",
            "[]",
            "1",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{,}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":+1}",
            "{\"a\":tru}",
            "{\"a\":[1,]}",
            "{\"a\":[1 2]}",
            "{\"a\":1}x",
            "{\"a\":1}{}",
            "{'a':1}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\ud800\\u0041\"}",
            "{\"a\":{\"b\":1]}",
            "{\"a\":[1}",
        ] {
            assert_eq!(members(bad).unwrap_err(), Error::Malformed, "{bad:?}");
        }
        // Invalid UTF-8 inside strings (stray byte, overlong, surrogate, past U+10FFFF, cut
        // sequence), in keys, at every offset of the word-at-a-time scan; any byte of 0x80 or
        // above outside strings.
        for bad in [
            &b"\xff"[..],
            b"\xc0\xaf",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xe2\x82",
            b"\x80",
        ] {
            for pad in 0..10 {
                let mut v = std::vec![b'x'; pad];
                v.extend_from_slice(bad);
                let doc = [&b"{\"a\":\""[..], &v, b"\"}"].concat();
                assert_eq!(for_each_member(&doc, |_, _| Ok(())), Err(Error::Malformed));
                let doc = [&b"{\""[..], &v, b"\":1}"].concat();
                assert_eq!(for_each_member(&doc, |_, _| Ok(())), Err(Error::Malformed));
            }
        }
        for bad in [
            &b"{\"a\":1\xc2\xa0}"[..],
            b"\xef\xbb\xbf{}",
            b"{\"a\":[\xc3\xa9]}",
        ] {
            assert_eq!(for_each_member(bad, |_, _| Ok(())), Err(Error::Malformed));
        }
        let m = members("{\"é😀\":\"naïve – 日本 😀 aaaaaaaaaaaaaaaaaaaa\"}").unwrap();
        assert_eq!(m[0].0, "é😀");
        assert!(m[0]
            .1
            .as_str()
            .unwrap()
            .eq_str("naïve – 日本 😀 aaaaaaaaaaaaaaaaaaaa"));
    }

    fn unique(doc: &str) -> Result<()> {
        for_each_unique_member(doc.as_bytes(), |_, _| Ok(()))
    }

    #[test]
    fn duplicate_names_are_refused_after_unescaping() {
        for dup in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"\u00e9":1,"é":2}"#,
            r#"{"😀":1,"\ud83d\ude00":2}"#,
            r#"{"x":{"a":1,"b":{},"a":2}}"#,
            r#"{"x":[{"a":1},{"b":1,"\u0062":2}]}"#,
            r#"{"x":{"y":{"z":{"":1,"":2}}}}"#,
            r#"{"a":{"b":1},"c":2,"a":3}"#,
        ] {
            assert_eq!(unique(dup), Err(Error::Malformed), "{dup}");
        }
        // Nested duplicates are refused by the plain scan too; top-level ones are left to `f`.
        assert_eq!(
            for_each_member(br#"{"x":{"a":1,"a":2}}"#, |_, _| Ok(())),
            Err(Error::Malformed)
        );
        let mut n = 0;
        assert_eq!(
            for_each_member(br#"{"a":1,"a":2}"#, |_, _| {
                n += 1;
                Ok(())
            }),
            Ok(())
        );
        assert_eq!(n, 2);
        for ok in [
            r#"{"a":1,"b":2,"A":3,"a ":4,"\u0061b":5}"#,
            // The same name in different objects, siblings or nested.
            r#"{"a":{"a":{"a":1}},"b":{"a":1},"c":[{"a":1},{"a":2}]}"#,
            r#"{"x":{"a":1},"y":{"a":1},"a":{"x":1,"y":2}}"#,
            r#"{"é":1,"e\u0301":2}"#,
        ] {
            assert_eq!(unique(ok), Ok(()), "{ok}");
        }
    }

    /// Past the table's capacity the check stays exact (the object's earlier names are read
    /// again), in the overflowing object and in the objects around it.
    #[test]
    fn duplicate_names_past_the_table_are_refused() {
        let names = |n: usize, p: &str| -> std::string::String {
            (0..n)
                .map(|i| std::format!("\"{p}{i}\":{i}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let big = names(64 + 263, "k"); // past the table (64 names without size_opt)
        assert_eq!(unique(&std::format!("{{{big}}}")), Ok(()));
        for dup in ["k0", "k1", "k126", "k127", "k200", "k326"] {
            let doc = std::format!("{{{big},\"{dup}\":0}}");
            assert_eq!(unique(&doc), Err(Error::Malformed), "{dup}");
            let doc = std::format!("{{\"x\":{{{big},\"{dup}\":0}}}}");
            assert_eq!(unique(&doc), Err(Error::Malformed), "nested {dup}");
        }
        // An object that overflowed stays exact after a nested object frees the table.
        let doc = std::format!("{{{big},\"n\":{{\"a\":1}},\"k7\":1}}");
        assert_eq!(unique(&doc), Err(Error::Malformed));
        let doc = std::format!("{{{big},\"n\":{{\"a\":1}},\"z\":1}}");
        assert_eq!(unique(&doc), Ok(()));
        // Enclosing objects' names fill the table; the nested object still checks its own.
        let outer = names(125, "o");
        let doc = std::format!("{{{outer},\"n\":{{\"a\":1,\"b\":2,\"c\":3,\"a\":4}}}}");
        assert_eq!(unique(&doc), Err(Error::Malformed));
        let doc = std::format!("{{{outer},\"n\":{{\"o1\":1,\"b\":2,\"c\":3,\"d\":4}}}}");
        assert_eq!(unique(&doc), Ok(()));
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let ok = std::format!("{{\"x\":{}1{}}}", "[".repeat(31), "]".repeat(31));
        assert!(members(&ok).is_ok());
        let deep = std::format!("{{\"x\":{}1{}}}", "[".repeat(32), "]".repeat(32));
        assert_eq!(members(&deep).unwrap_err(), Error::NestingTooDeep);
        // 100k deep, unterminated, inside an otherwise ignored field: fails fast, no overflow.
        let bomb = std::format!("{{\"ignored\":{}", "[".repeat(100_000));
        assert_eq!(members(&bomb).unwrap_err(), Error::NestingTooDeep);
        let objs = std::format!("{{\"x\":{}", "{\"a\":".repeat(100_000));
        assert_eq!(members(&objs).unwrap_err(), Error::NestingTooDeep);
    }

    #[test]
    fn strings_compare_unescaped() {
        let m = members(r#"{"iss":"u\u0041","e":"\ud83d\ude00\n\"\/"}"#).unwrap();
        let s = m[0].1.as_str().unwrap();
        assert!(s.eq_str("uA"));
        assert!(!s.eq_str("u\\u0041"));
        assert_eq!(s.as_plain_str(), None);
        let e = m[1].1.as_str().unwrap();
        assert!(e.eq_str("😀\n\"/"));
        let mut buf = [0u8; 16];
        assert_eq!(e.unescape_into(&mut buf).unwrap(), "😀\n\"/");
        assert_eq!(e.unescape_into(&mut [0u8; 3]), Err(Error::BufferTooSmall));
        assert!(JsonStr::new(b"JwT", false).eq_ignore_ascii_case("jwt"));
        assert!(!JsonStr::new(b"JWTx", false).eq_ignore_ascii_case("jwt"));
    }

    #[test]
    fn word_at_a_time_search_agrees_with_naive() {
        let hay: std::vec::Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        for start in 0..40 {
            for needle in [b'.', b'"', b'\\', 0u8, 0x1f, 0x20, 0x80, 0xff] {
                let h = &hay[start..];
                assert_eq!(find_byte(h, needle), h.iter().position(|&b| b == needle));
            }
            let h = &hay[0x23 + start..];
            let naive = h.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let (run, high) = plain_run(h);
            assert_eq!(run, naive.unwrap_or(h.len()));
            // The high-byte hint never misses a byte of the run.
            assert!(high != 0 || h[..run].is_ascii());
        }
        assert_eq!(find_byte(b"abcdefghijkl.", b'.'), Some(12));
        assert_eq!(find_byte(b"abc", b'.'), None);
        assert_eq!(plain_run(b"aaaaaaaaaaaaaaaaa"), (17, 0));
        assert_eq!(plain_run(b"aaaaaaaaaaaa\"a").0, 12);
        assert_eq!(plain_run("aaaaaaaé\u{1}".as_bytes()).0, 9);
    }

    #[test]
    fn integers_are_strict() {
        let n = |t: &'static [u8]| Value::Num(t).as_u64();
        assert_eq!(n(b"0"), Some(0));
        assert_eq!(n(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(n(b"18446744073709551616"), None);
        for bad in [&b"-1"[..], b"1.0", b"1e3", b"1.5", b"-0"] {
            assert_eq!(n(bad), None);
        }
        assert_eq!(Value::Null.as_u64(), None);
    }

    #[test]
    fn writes_escaped_strings() {
        let mut out = [0u8; 32];
        let mut pos = 0;
        write_str(&mut out, &mut pos, "a\"b\\\u{1}é").unwrap();
        assert_eq!(&out[..pos], "\"a\\\"b\\\\\\u0001é\"".as_bytes());
        let mut small = [0u8; 3];
        let mut p = 0;
        assert_eq!(
            write_str(&mut small, &mut p, "abcd"),
            Err(Error::BufferTooSmall)
        );
    }
}
