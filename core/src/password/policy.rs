//! Rules for choosing a new password, checked before it is hashed.
//!
//! Defaults follow NIST SP 800-63B §3.1.1.2: at least 8 characters, a generous maximum, no
//! composition rules, and a blocklist of commonly used passwords.
//!
//! # The built-in blocklist
//! `common_passwords.txt` holds the 1000 entries of SecLists'
//! `Passwords/Common-Credentials/10-million-password-list-top-1000.txt` (Daniel Miessler et
//! al., MIT licence), lowercased, de-duplicated and sorted, with one racial slur removed: 998
//! entries, about 7 KiB. Comparison is ASCII case-insensitive (`PaSsWoRd` is common). Entries
//! shorter than [`PasswordPolicy::min_len`] are unreachable, since length is checked first;
//! with the default minimum of 8, about 200 entries remain effective. Services that need more
//! should also check a breach corpus (e.g. the Have I Been Pwned range API) in the binding.
//!
//! # Text, not bytes
//! Length is counted in Unicode scalar values (`char`s), not bytes or grapheme clusters. No
//! normalization is applied, here or when hashing: normalize in the binding (NFKC, as SP
//! 800-63B suggests) if users may type the same password on differently composing keyboards.

use crate::{Error, Result};

/// The blocklist as written: sorted, lowercase ASCII, one entry per line, each line ending in
/// `\n`. Only [`COMMON`], derived from it at compile time, is in the binary.
const COMMON_TEXT: &[u8] = include_bytes!("common_passwords.txt");

/// [`COMMON_TEXT`] front-coded (4.7 instead of 7.4 KB): each entry is a byte `0x80 | p`, `p`
/// being the length of the prefix it shares with the entry before it, then the rest of the
/// entry (ASCII, so every byte below `0x80`).
static COMMON: [u8; front_code_len(COMMON_TEXT)] = front_code(COMMON_TEXT);

/// Default shortest password, in characters (NIST SP 800-63B: at least 8).
pub const DEFAULT_MIN_LEN: usize = 8;
/// Default longest password, in bytes of UTF-8 (a hashing DoS guard; SP 800-63B: at least 64).
pub const DEFAULT_MAX_LEN_BYTES: usize = 1024;

/// Rules a new password must satisfy. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PasswordPolicy {
    min_len: usize,
    max_len_bytes: usize,
    require_classes: Option<u8>,
    reject_common: bool,
}

impl PasswordPolicy {
    /// At least 8 characters, at most 1024 bytes, no composition rule, common passwords
    /// rejected.
    pub const DEFAULT: PasswordPolicy = PasswordPolicy {
        min_len: DEFAULT_MIN_LEN,
        max_len_bytes: DEFAULT_MAX_LEN_BYTES,
        require_classes: None,
        reject_common: true,
    };

    /// A policy with the given length limits and the default's other rules.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `1 ≤ min_len ≤ max_len_bytes` (so some password can
    /// pass).
    pub const fn new(min_len: usize, max_len_bytes: usize) -> Result<Self> {
        if min_len == 0 || min_len > max_len_bytes {
            return Err(Error::InvalidParams);
        }
        Ok(PasswordPolicy {
            min_len,
            max_len_bytes,
            ..PasswordPolicy::DEFAULT
        })
    }

    /// Requires characters from at least `classes` of the four classes: lowercase,
    /// uppercase, digits (Unicode numeric) and everything else. `None` removes the rule (the
    /// default; SP 800-63B advises against composition rules).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `classes` is `None` or in `1..=4`.
    pub const fn with_required_classes(mut self, classes: Option<u8>) -> Result<Self> {
        if let Some(n) = classes {
            if n == 0 || n > 4 {
                return Err(Error::InvalidParams);
            }
        }
        self.require_classes = classes;
        Ok(self)
    }

    /// Whether passwords on the built-in blocklist are rejected.
    #[must_use]
    pub const fn with_reject_common(mut self, reject: bool) -> Self {
        self.reject_common = reject;
        self
    }

    /// Minimum length in characters (Unicode scalar values).
    pub const fn min_len(&self) -> usize {
        self.min_len
    }

    /// Maximum length in bytes (UTF-8).
    pub const fn max_len_bytes(&self) -> usize {
        self.max_len_bytes
    }

    /// How many character classes are required, if any.
    pub const fn require_classes(&self) -> Option<u8> {
        self.require_classes
    }

    /// Whether blocklisted passwords are rejected.
    pub const fn reject_common(&self) -> bool {
        self.reject_common
    }

    /// Checks a candidate password, in this order (the first failure is reported):
    ///
    /// 1. [`Error::PasswordTooLong`]: more than `max_len_bytes` bytes (checked first, so
    ///    oversized input costs nothing more);
    /// 2. [`Error::PasswordTooShort`]: fewer than `min_len` characters;
    /// 3. [`Error::PasswordTooCommon`]: on the blocklist (ASCII case-insensitive);
    /// 4. [`Error::PasswordTooWeak`]: fewer character classes than required.
    ///
    /// # Errors
    /// As listed.
    pub fn check(&self, password: &str) -> Result<()> {
        if password.len() > self.max_len_bytes {
            return Err(Error::PasswordTooLong);
        }
        if password.chars().count() < self.min_len {
            return Err(Error::PasswordTooShort);
        }
        if self.reject_common && is_common(password) {
            return Err(Error::PasswordTooCommon);
        }
        if let Some(required) = self.require_classes {
            if char_classes(password) < required {
                return Err(Error::PasswordTooWeak);
            }
        }
        Ok(())
    }
}

impl Default for PasswordPolicy {
    /// [`PasswordPolicy::DEFAULT`].
    fn default() -> Self {
        PasswordPolicy::DEFAULT
    }
}

/// How many of lowercase / uppercase / numeric / other occur in `s`.
fn char_classes(s: &str) -> u8 {
    let (mut lower, mut upper, mut digit, mut other) = (false, false, false, false);
    for c in s.chars() {
        if c.is_lowercase() {
            lower = true;
        } else if c.is_uppercase() {
            upper = true;
        } else if c.is_numeric() {
            digit = true;
        } else {
            other = true;
        }
    }
    [lower, upper, digit, other].into_iter().map(u8::from).sum()
}

/// Whether `password`, ASCII-lowercased, is on the blocklist: one pass over [`COMMON`] that
/// tracks how many leading bytes the current entry shares with the password, and stops at the
/// first entry that sorts after it.
fn is_common(password: &str) -> bool {
    let needle = password.as_bytes();
    // `matched`: length of the common prefix of the needle and the entry read last, which
    // sorts before the needle (else the scan would have stopped).
    let mut matched = 0;
    for record in COMMON.chunk_by(|_, &b| b < 0x80) {
        let Some((&head, suffix)) = record.split_first() else {
            continue;
        };
        let shared = usize::from(head & 0x7f);
        if shared < matched {
            // This entry leaves the previous one, which matched the needle up to `matched`,
            // by a larger byte at `shared`: it and every later entry sort after the needle.
            return false;
        }
        if shared > matched {
            // It keeps the previous entry's smaller byte at `matched`: still before the needle.
            continue;
        }
        let rest = needle.get(matched..).unwrap_or_default();
        let common = suffix
            .iter()
            .zip(rest)
            .take_while(|&(&e, &n)| e == n.to_ascii_lowercase())
            .count();
        matched += common;
        match (suffix.get(common), rest.get(common)) {
            (None, None) => return true,
            // The entry is a proper prefix of the needle, or smaller at the first difference.
            (None, Some(_)) => {}
            (Some(&e), Some(&n)) if e < n.to_ascii_lowercase() => {}
            _ => return false,
        }
    }
    false
}

/// Index just past the entry that starts at `start` in [`COMMON_TEXT`]'s format (at its `\n`).
/// Compile time only, as [`front_code_len`].
#[allow(clippy::indexing_slicing)]
const fn line_end(text: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < text.len() && text[i] != b'\n' {
        i += 1;
    }
    i
}

/// Length of the prefix shared by the entries starting at `a` < `b`. Compile time only, as
/// [`front_code_len`].
#[allow(clippy::indexing_slicing)]
const fn shared_prefix(text: &[u8], a: usize, b: usize) -> usize {
    let mut k = 0;
    while b + k < text.len() && text[a + k] == text[b + k] && text[b + k] != b'\n' {
        k += 1;
    }
    k
}

/// Front-codes `text` (see [`COMMON`]) into `out` as far as it reaches and returns the full
/// encoded length. Compile time only, as [`front_code_len`].
#[allow(clippy::indexing_slicing)]
const fn front_code_into(text: &[u8], out: &mut [u8]) -> usize {
    let (mut start, mut prev, mut o) = (0, None, 0);
    while start < text.len() {
        let end = line_end(text, start);
        let shared = match prev {
            Some(p) => shared_prefix(text, p, start),
            None => 0,
        };
        assert!(
            end > start && shared < 0x80,
            "blocklist entries are non-empty and short"
        );
        // The head byte, then the entry's bytes after the shared prefix.
        let mut i = start + shared;
        let mut byte = 0x80 | shared as u8;
        loop {
            if o < out.len() {
                out[o] = byte;
            }
            o += 1;
            if i == end {
                break;
            }
            byte = text[i];
            assert!(byte < 0x80, "blocklist entries are ASCII");
            i += 1;
        }
        prev = Some(start);
        start = end + 1;
    }
    o
}

/// Size of the front-coded form of `text`. Compile time only: every index in these helpers is
/// checked by the constant evaluator, and a bad input fails the build.
const fn front_code_len(text: &[u8]) -> usize {
    front_code_into(text, &mut [])
}

/// The front-coded form of `text`. Compile time only, as [`front_code_len`].
const fn front_code<const N: usize>(text: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    assert!(front_code_into(text, &mut out) == N);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    fn entries() -> Vec<&'static str> {
        core::str::from_utf8(COMMON_TEXT).unwrap().lines().collect()
    }

    #[test]
    fn front_coding_keeps_every_entry() {
        let mut decoded = Vec::new();
        let mut entry: Vec<u8> = Vec::new();
        for &b in COMMON.iter() {
            if b >= 0x80 {
                if !entry.is_empty() {
                    decoded.push(String::from_utf8(entry.clone()).unwrap());
                }
                entry.truncate(usize::from(b & 0x7f));
            } else {
                entry.push(b);
            }
        }
        decoded.push(String::from_utf8(entry).unwrap());
        assert_eq!(decoded, entries());
        assert!(COMMON.len() < COMMON_TEXT.len() * 2 / 3);
    }

    #[test]
    #[cfg_attr(miri, ignore = "too slow under Miri")]
    fn blocklist_is_sorted_lowercase_ascii_and_unique() {
        let e = entries();
        assert_eq!(e.len(), 998);
        assert_eq!(COMMON_TEXT.last(), Some(&b'\n'));
        for w in e.windows(2) {
            assert!(w[0] < w[1], "{:?} !< {:?}", w[0], w[1]);
        }
        for x in &e {
            assert!(
                !x.is_empty() && x.is_ascii() && x.to_ascii_lowercase() == *x,
                "{x:?}"
            );
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "exhaustive over the blocklist: too slow under Miri")]
    fn every_entry_is_found_in_any_ascii_case() {
        for x in entries() {
            assert!(is_common(x), "{x:?}");
            assert!(is_common(&x.to_ascii_uppercase()), "{x:?}");
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "exhaustive over the blocklist: too slow under Miri")]
    fn near_misses_are_not_common() {
        let set: std::collections::BTreeSet<&str> = entries().into_iter().collect();
        for x in entries() {
            let mut longer = String::from(x);
            longer.push('~'); // no entry contains '~'
            assert!(!is_common(&longer), "{longer:?}");
            let prefix = &x[..x.len() - 1];
            assert_eq!(is_common(prefix), set.contains(prefix), "{prefix:?}");
        }
        for s in [
            "",
            "\0",
            "0",
            "zzzzzzzzzzzz",
            "correct horse battery staple",
            "pässword",
        ] {
            assert!(!is_common(s), "{s:?}");
        }
    }

    #[test]
    fn default_policy() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("correct horse battery staple"), Ok(()));
        assert_eq!(p.check("short1!"), Err(Error::PasswordTooShort));
        assert_eq!(p.check("PassWord1"), Err(Error::PasswordTooCommon));
        assert_eq!(p.check("baseball"), Err(Error::PasswordTooCommon));
        assert_eq!(p.check("abcdefgh"), Ok(()));
        assert_eq!(p.check(&"x".repeat(1024)), Ok(()));
        assert_eq!(p.check(&"x".repeat(1025)), Err(Error::PasswordTooLong));
    }

    #[test]
    fn length_counts_characters_but_limit_counts_bytes() {
        let p = PasswordPolicy::new(8, 16).unwrap();
        // 8 characters, 16 bytes: long enough and within the byte limit.
        assert_eq!(p.check("éééééééé"), Ok(()));
        // 7 characters, 14 bytes.
        assert_eq!(p.check("ééééééé"), Err(Error::PasswordTooShort));
        // 9 characters, 18 bytes.
        assert_eq!(p.check("ééééééééé"), Err(Error::PasswordTooLong));
    }

    #[test]
    fn class_requirement() {
        let p = PasswordPolicy::DEFAULT
            .with_required_classes(Some(3))
            .unwrap()
            .with_reject_common(false);
        assert_eq!(p.check("alllowercase"), Err(Error::PasswordTooWeak));
        assert_eq!(p.check("lowerUPPER"), Err(Error::PasswordTooWeak));
        assert_eq!(p.check("lowerUPPER1"), Ok(()));
        assert_eq!(p.check("lower upper 1"), Ok(()));
        assert_eq!(p.check("ÄÖÜäöü٣٣"), Ok(())); // Unicode cases and digits count
        assert_eq!(char_classes("aA1!"), 4);
        assert_eq!(char_classes("日本語のパスワード"), 1);
    }

    #[test]
    fn common_check_can_be_disabled() {
        let p = PasswordPolicy::DEFAULT.with_reject_common(false);
        assert_eq!(p.check("password"), Ok(()));
    }

    #[test]
    fn invalid_policies_are_rejected() {
        assert_eq!(PasswordPolicy::new(0, 10), Err(Error::InvalidParams));
        assert_eq!(PasswordPolicy::new(11, 10), Err(Error::InvalidParams));
        let p = PasswordPolicy::DEFAULT;
        assert_eq!(p.with_required_classes(Some(0)), Err(Error::InvalidParams));
        assert_eq!(p.with_required_classes(Some(5)), Err(Error::InvalidParams));
        assert_eq!(
            p.with_required_classes(None).unwrap().require_classes(),
            None
        );
    }
}
