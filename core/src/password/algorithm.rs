//! The Argon2 variant and its PHC identifier.

use crate::{Error, Result};

/// The Argon2 variant.
///
/// New hashes should use [`Algorithm::Argon2id`] (RFC 9106 §4: "If you do not know which
/// variant to use, use Argon2id"). The other two are accepted so that stored hashes made by
/// other libraries still verify; [`super::needs_rehash`] reports them for upgrade when the
/// policy says `Argon2id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// Argon2d: data-dependent memory access (side-channel exposed; not for passwords).
    Argon2d,
    /// Argon2i: data-independent memory access.
    Argon2i,
    /// Argon2id: hybrid, the RFC 9106 recommendation.
    #[default]
    Argon2id,
}

impl Algorithm {
    /// The PHC identifier: `argon2d`, `argon2i` or `argon2id`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Argon2d => "argon2d",
            Algorithm::Argon2i => "argon2i",
            Algorithm::Argon2id => "argon2id",
        }
    }

    /// Parses a PHC identifier (exact, case-sensitive).
    pub(crate) fn from_ident(ident: &str) -> Option<Self> {
        match ident {
            "argon2d" => Some(Algorithm::Argon2d),
            "argon2i" => Some(Algorithm::Argon2i),
            "argon2id" => Some(Algorithm::Argon2id),
            _ => None,
        }
    }

    pub(crate) const fn to_argon2(self) -> argon2::Algorithm {
        match self {
            Algorithm::Argon2d => argon2::Algorithm::Argon2d,
            Algorithm::Argon2i => argon2::Algorithm::Argon2i,
            Algorithm::Argon2id => argon2::Algorithm::Argon2id,
        }
    }
}

impl core::str::FromStr for Algorithm {
    type Err = Error;

    /// Parses a variant name as a caller gives it (`argon2id`, `argon2i`, `argon2d`; exact and
    /// case-sensitive, as in a PHC string).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] for any other text.
    fn from_str(s: &str) -> Result<Self> {
        Self::from_ident(s).ok_or(Error::InvalidParams)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_text_round_trips() {
        for a in [Algorithm::Argon2d, Algorithm::Argon2i, Algorithm::Argon2id] {
            assert_eq!(a.as_str().parse::<Algorithm>(), Ok(a));
        }
        for bad in ["", "Argon2id", "argon2", "argon2id ", "bcrypt"] {
            assert_eq!(bad.parse::<Algorithm>(), Err(Error::InvalidParams), "{bad}");
        }
    }
}
