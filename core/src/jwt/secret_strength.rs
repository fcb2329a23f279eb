//! How strong a configured HS256 secret looks: the rule an application checks at start-up,
//! before it signs anything.
//!
//! [`Key::new`](super::Key::new) only refuses secrets shorter than [`MIN_SECRET_LEN`] (RFC 7518
//! §3.2). A secret of the right length can still be guessable: copied from a tutorial
//! (`your-256-bit-secret…`), left as a placeholder (`changeme…`), a run of characters
//! (`0123456789abcdef…`) or a short pattern repeated. [`check_secret_strength`] refuses those;
//! a secret from a CSPRNG (`secrets.token_urlsafe(48)`, `openssl rand -base64 48`) passes.

use super::MIN_SECRET_LEN;

/// Fewest distinct byte values a secret must use.
pub const MIN_DISTINCT_BYTES: usize = 8;

/// Why a secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Shorter than [`MIN_SECRET_LEN`] bytes.
    TooShort,
    /// Fewer than [`MIN_DISTINCT_BYTES`] distinct bytes, or a shorter pattern repeated.
    Repetitive,
    /// Contains a well-known placeholder or example secret.
    Placeholder,
    /// Mostly a run of consecutive characters (`0123…`, `abcd…`, `9876…`).
    Sequence,
}

impl Weakness {
    /// `"too_short"`, `"repetitive"`, `"placeholder"` or `"sequence"`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::TooShort => "too_short",
            Self::Repetitive => "repetitive",
            Self::Placeholder => "placeholder",
            Self::Sequence => "sequence",
        }
    }
}

/// Placeholders and example secrets, lower case without separators. A secret whose letters
/// and digits (lower-cased) contain one of these is refused.
const PLACEHOLDERS: &[&[u8]] = &[
    b"your256bitsecret",
    b"yoursecret",
    b"changeme",
    b"changethis",
    b"changeit",
    b"replaceme",
    b"replacethis",
    b"secretkey",
    b"supersecret",
    b"mysecret",
    b"jwtsecret",
    b"topsecret",
    b"notasecret",
    b"notsecret",
    b"placeholder",
    b"insecure",
    b"donotuse",
    b"dontuse",
    b"example",
    b"password",
    b"qwerty",
];

/// Longest secret whose letters and digits are scanned for placeholders.
const SCAN_LEN: usize = 512;

/// Checks that `secret` looks like a random secret: at least [`MIN_SECRET_LEN`] bytes, at
/// least [`MIN_DISTINCT_BYTES`] distinct bytes, not a shorter pattern repeated, no known
/// placeholder (case and separators ignored), and not mostly a run of consecutive characters
/// (half or more of its neighbouring bytes one apart).
///
/// # Errors
/// The first [`Weakness`] found.
pub fn check_secret_strength(secret: &[u8]) -> Result<(), Weakness> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(Weakness::TooShort);
    }
    if distinct_bytes(secret) < MIN_DISTINCT_BYTES || is_periodic(secret) {
        return Err(Weakness::Repetitive);
    }
    if has_placeholder(secret) {
        return Err(Weakness::Placeholder);
    }
    let steps = secret
        .windows(2)
        .filter(|w| matches!(w, [a, b] if a.abs_diff(*b) == 1))
        .count();
    if steps.saturating_mul(2) >= secret.len().saturating_sub(1) {
        return Err(Weakness::Sequence);
    }
    Ok(())
}

fn distinct_bytes(secret: &[u8]) -> usize {
    let mut seen = [false; 256];
    for &b in secret {
        if let Some(slot) = seen.get_mut(usize::from(b)) {
            *slot = true;
        }
    }
    seen.iter().filter(|s| **s).count()
}

/// Whether `secret` is a shorter pattern repeated (the last repeat may be cut short).
fn is_periodic(secret: &[u8]) -> bool {
    (1..=secret.len() / 2).any(|p| {
        secret
            .iter()
            .zip(secret.get(p..).unwrap_or_default())
            .all(|(a, b)| a == b)
    })
}

fn has_placeholder(secret: &[u8]) -> bool {
    let mut folded = [0u8; SCAN_LEN];
    let mut n = 0;
    for &b in secret.iter().filter(|b| b.is_ascii_alphanumeric()) {
        match folded.get_mut(n) {
            Some(slot) => *slot = b.to_ascii_lowercase(),
            None => break,
        }
        n += 1;
    }
    let text = folded.get(..n).unwrap_or_default();
    PLACEHOLDERS
        .iter()
        .any(|p| text.windows(p.len()).any(|w| w == *p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_known_weak_secrets() {
        let cases: &[(&[u8], Weakness)] = &[
            (b"short", Weakness::TooShort),
            (b"your-256-bit-secret-your-256-bit", Weakness::Placeholder),
            (
                b"your-256-bit-secret-and-some-more-text",
                Weakness::Placeholder,
            ),
            (b"0123456789abcdef0123456789abcdef", Weakness::Repetitive),
            (b"0123456789abcdefghijklmnopqrstuv", Weakness::Sequence),
            (b"zyxwvutsrqponmlkjihgfedcba987654", Weakness::Sequence),
            (b"changeme-changeme-please-1234567", Weakness::Placeholder),
            (b"CHANGE_ME_before_going_live_2026", Weakness::Placeholder),
            (b"abcdefghabcdefghabcdefghabcdefgh", Weakness::Repetitive),
            (b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Weakness::Repetitive),
        ];
        for (secret, why) in cases {
            assert_eq!(check_secret_strength(secret), Err(*why), "{secret:?}");
        }
    }

    #[test]
    fn accepts_random_secrets() {
        for s in [
            &b"q3J9x_Vt0LrP8mZs2KdWf6YhBn4CaE1uG7oTiR5-"[..],
            b"Zq8xN2vR7tL0pW4sK9mB3cY6hJ1dF5gA",
            b"\x8f\x02\xd1\x7a\x44\xe9\x10\xbc\x5d\x93\x06\xfe\x21\x68\xa7\x3c\
               \xc2\x19\x8e\x51\x0b\xf4\x77\x2a\x9d\x36\xe0\x4b\xb8\x65\x13\xca",
        ] {
            assert_eq!(check_secret_strength(s), Ok(()));
        }
    }
}
