//! One error type for the whole core.
//!
//! Every variant has a stable, machine-readable [`Error::code`] (snake_case). The Python and
//! JavaScript bindings surface exactly these codes, so a client can branch on them in any
//! language. Messages ([`core::fmt::Display`]) never contain a secret, a token or a password.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// A registered claim, or the index of a caller-required custom claim.
///
/// Carried by [`Error::MissingClaim`], [`Error::InvalidClaim`] and [`Error::DuplicateClaim`] so
/// a binding can name the claim (PyJWT's `MissingRequiredClaimError.claim`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// `exp`
    Exp,
    /// `nbf`
    Nbf,
    /// `iat`
    Iat,
    /// `iss`
    Iss,
    /// `aud`
    Aud,
    /// `sub`
    Sub,
    /// `jti`
    Jti,
    /// `typ` (the token-type claim in the payload)
    Typ,
    /// `scope`
    Scope,
    /// `fam` (refresh-token family id)
    Fam,
    /// `roles`
    Roles,
    /// A custom claim named in [`crate::jwt::Validation::required`], by index.
    Required(u8),
}

impl Claim {
    /// The claim's JSON name; `None` for [`Claim::Required`] (the caller knows its own list).
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Claim::Exp => "exp",
            Claim::Nbf => "nbf",
            Claim::Iat => "iat",
            Claim::Iss => "iss",
            Claim::Aud => "aud",
            Claim::Sub => "sub",
            Claim::Jti => "jti",
            Claim::Typ => "typ",
            Claim::Scope => "scope",
            Claim::Fam => "fam",
            Claim::Roles => "roles",
            Claim::Required(_) => return None,
        })
    }
}

/// Everything that can go wrong in `authcore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    // --- token structure -------------------------------------------------------------------
    /// Not three dot-separated segments, not a JSON object, or otherwise unparseable.
    Malformed,
    /// A segment is not strict, unpadded, canonical base64url.
    InvalidBase64,
    /// The token exceeds the verifier's size limit.
    TokenTooLarge,
    /// JSON nesting deeper than the fixed bound (32).
    NestingTooDeep,
    // --- header ---------------------------------------------------------------------------
    /// `alg` is anything other than exactly `"HS256"` (including `none` and case variants).
    UnsupportedAlg,
    /// A header the verifier refuses: `crit`, `b64`, key-bearing headers, a bad `typ` or `kid`.
    InvalidHeader,
    /// The token's `kid` names no key in the key set.
    UnknownKid,
    /// The MAC does not match.
    InvalidSignature,
    // --- claims ---------------------------------------------------------------------------
    /// `exp` is in the past (beyond leeway).
    Expired,
    /// `nbf` is in the future (beyond leeway).
    NotYetValid,
    /// `iat` is in the future (beyond leeway).
    IssuedInFuture,
    /// `iss` does not match.
    InvalidIssuer,
    /// `aud` does not match, or is present when no audience is expected.
    InvalidAudience,
    /// `sub` does not match the expected subject.
    InvalidSubject,
    /// A required claim is absent.
    MissingClaim(Claim),
    /// A claim has the wrong JSON type or an out-of-range value.
    InvalidClaim(Claim),
    /// A registered claim appears twice.
    DuplicateClaim(Claim),
    /// A refresh token where an access token is expected, or the reverse.
    WrongTokenType,
    // --- keys and buffers -----------------------------------------------------------------
    /// Secret shorter than 32 bytes.
    WeakKey,
    /// A key set is full, a `kid` is too long, or keys are otherwise unusable.
    InvalidKey,
    /// The caller's output or scratch buffer is too small.
    BufferTooSmall,
    /// The claims could not be serialized or deserialized into the caller's type.
    InvalidPayload,
    // --- passwords ------------------------------------------------------------------------
    /// Not a well-formed PHC / bcrypt string, or an unsupported algorithm.
    InvalidHash,
    /// Stored hash parameters fall outside the verifier's bounds (DoS protection).
    HashParamsOutOfBounds,
    /// Parameters rejected (hash costs, salt length, quotas, role tables, requirements).
    InvalidParams,
    /// The caller's Argon2 memory is smaller than the parameters need.
    InsufficientMemory,
    /// Password does not match the hash.
    PasswordMismatch,
    /// Password shorter than the policy's minimum.
    PasswordTooShort,
    /// Password longer than the policy's maximum (bytes).
    PasswordTooLong,
    /// Password is on the built-in list of most common passwords.
    PasswordTooCommon,
    /// Password lacks the character classes the policy asks for.
    PasswordTooWeak,
    // --- authorization --------------------------------------------------------------------
    /// None of the required roles is held.
    Forbidden,
    /// A required OAuth2 scope is missing.
    MissingScope,
    // --- sessions and rate limiting -------------------------------------------------------
    /// A refresh token was presented a second time: its family is now revoked.
    TokenReused,
    /// The token (or its family) has been revoked.
    TokenRevoked,
    /// Too many attempts; retry later.
    RateLimited,
    /// The session/rate-limit store could not be reached (fail closed).
    StoreUnavailable,
}

impl Error {
    /// Stable, machine-readable snake_case code, identical in Rust, Python and JavaScript.
    pub const fn code(&self) -> &'static str {
        entry(Self::ALL_CODES, self.index())
    }

    /// Every code, in declaration order (for bindings and docs that list them).
    pub const ALL_CODES: &'static [&'static str] = &split_table::<37>(Self::CODES_TEXT, b' ');

    /// [`Self::ALL_CODES`] as one text, separated by spaces (a binding can hand this over
    /// whole, without the table).
    pub const CODES_TEXT: &'static str = concat!(
        "malformed ",
        "invalid_base64 ",
        "token_too_large ",
        "nesting_too_deep ",
        "unsupported_alg ",
        "invalid_header ",
        "unknown_kid ",
        "invalid_signature ",
        "expired ",
        "not_yet_valid ",
        "issued_in_future ",
        "invalid_issuer ",
        "invalid_audience ",
        "invalid_subject ",
        "missing_claim ",
        "invalid_claim ",
        "duplicate_claim ",
        "wrong_token_type ",
        "weak_key ",
        "invalid_key ",
        "buffer_too_small ",
        "invalid_payload ",
        "invalid_hash ",
        "hash_params_out_of_bounds ",
        "invalid_params ",
        "insufficient_memory ",
        "password_mismatch ",
        "password_too_short ",
        "password_too_long ",
        "password_too_common ",
        "password_too_weak ",
        "forbidden ",
        "missing_scope ",
        "token_reused ",
        "token_revoked ",
        "rate_limited ",
        "store_unavailable",
    );

    /// The claim an error is about, if any.
    pub const fn claim(&self) -> Option<Claim> {
        match self {
            Error::MissingClaim(c) | Error::InvalidClaim(c) | Error::DuplicateClaim(c) => Some(*c),
            _ => None,
        }
    }

    /// A short human-readable message; never contains secrets, tokens or passwords.
    pub const fn message(&self) -> &'static str {
        entry(Self::ALL_MESSAGES, self.index())
    }

    /// Every [`Self::message`], in declaration order (as [`Self::ALL_CODES`]).
    pub const ALL_MESSAGES: &'static [&'static str] = &MESSAGES;

    /// [`Self::ALL_MESSAGES`] as one text, separated by newlines.
    pub const MESSAGES_TEXT: &'static str = concat!(
        "token or input is malformed\n",
        "segment is not canonical unpadded base64url\n",
        "token exceeds the size limit\n",
        "JSON nesting exceeds the depth limit\n",
        "algorithm not allowed (only HS256)\n",
        "token header is not acceptable\n",
        "no key for the token's kid\n",
        "signature verification failed\n",
        "token has expired\n",
        "token is not yet valid (nbf)\n",
        "token was issued in the future (iat)\n",
        "invalid issuer\n",
        "invalid audience\n",
        "invalid subject\n",
        "a required claim is missing\n",
        "a claim has an invalid type or value\n",
        "a registered claim appears more than once\n",
        "wrong token type\n",
        "secret must be at least 32 bytes\n",
        "invalid key or key set\n",
        "buffer too small\n",
        "claims could not be (de)serialized\n",
        "hash string is malformed or unsupported\n",
        "hash parameters are outside the allowed bounds\n",
        "invalid parameters\n",
        "not enough memory for these hash parameters\n",
        "password does not match\n",
        "password is too short\n",
        "password is too long\n",
        "password is too common\n",
        "password lacks required character classes\n",
        "required role not held\n",
        "required scope missing\n",
        "refresh token reused; session revoked\n",
        "token has been revoked\n",
        "too many attempts\n",
        "session store unavailable",
    );

    /// Position of the variant in declaration order: its index into [`Self::ALL_CODES`] and
    /// [`Self::ALL_MESSAGES`] (a compact form for bindings that pass errors as numbers). Tables
    /// rather than `match`es over string literals, which LLVM compiles at
    /// `opt-level = "z"` into one branch per variant (about 1 KB of wasm for the two).
    pub const fn index(&self) -> usize {
        match self {
            Error::Malformed => 0,
            Error::InvalidBase64 => 1,
            Error::TokenTooLarge => 2,
            Error::NestingTooDeep => 3,
            Error::UnsupportedAlg => 4,
            Error::InvalidHeader => 5,
            Error::UnknownKid => 6,
            Error::InvalidSignature => 7,
            Error::Expired => 8,
            Error::NotYetValid => 9,
            Error::IssuedInFuture => 10,
            Error::InvalidIssuer => 11,
            Error::InvalidAudience => 12,
            Error::InvalidSubject => 13,
            Error::MissingClaim(_) => 14,
            Error::InvalidClaim(_) => 15,
            Error::DuplicateClaim(_) => 16,
            Error::WrongTokenType => 17,
            Error::WeakKey => 18,
            Error::InvalidKey => 19,
            Error::BufferTooSmall => 20,
            Error::InvalidPayload => 21,
            Error::InvalidHash => 22,
            Error::HashParamsOutOfBounds => 23,
            Error::InvalidParams => 24,
            Error::InsufficientMemory => 25,
            Error::PasswordMismatch => 26,
            Error::PasswordTooShort => 27,
            Error::PasswordTooLong => 28,
            Error::PasswordTooCommon => 29,
            Error::PasswordTooWeak => 30,
            Error::Forbidden => 31,
            Error::MissingScope => 32,
            Error::TokenReused => 33,
            Error::TokenRevoked => 34,
            Error::RateLimited => 35,
            Error::StoreUnavailable => 36,
        }
    }
}

/// [`Error::message`] of each variant, in declaration order (as [`Error::ALL_CODES`]).
const MESSAGES: [&str; 37] = split_table(Error::MESSAGES_TEXT, b'\n');

/// `text` cut at each `sep` into exactly `N` pieces, at compile time (a wrong count fails the
/// build).
#[allow(clippy::indexing_slicing, clippy::panic)] // const evaluation: a failure is a build error
const fn split_table<const N: usize>(text: &'static str, sep: u8) -> [&'static str; N] {
    let mut out = [""; N];
    let mut rest = text.as_bytes();
    let mut k = 0;
    while k < N {
        let mut i = 0;
        while i < rest.len() && rest[i] != sep {
            i += 1;
        }
        let (piece, tail) = rest.split_at(i);
        out[k] = match core::str::from_utf8(piece) {
            Ok(s) => s,
            Err(_) => panic!("not UTF-8"),
        };
        k += 1;
        rest = match tail {
            [_, tail @ ..] if k < N => tail,
            [] if k == N => tail,
            _ => panic!("wrong number of pieces"),
        };
    }
    out
}

/// `table[i]`; `""` past the end, which [`Error::index`] never is (see the tests).
const fn entry(table: &'static [&'static str], i: usize) -> &'static str {
    match table.split_at_checked(i) {
        Some((_, [s, ..])) => s,
        _ => "",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        if let Some(name) = self.claim().and_then(Claim::name) {
            write!(f, " ({name})")?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn texts_hold_the_tables() {
        let codes: std::vec::Vec<&str> = Error::CODES_TEXT.split(' ').collect();
        assert_eq!(codes, Error::ALL_CODES);
        let messages: std::vec::Vec<&str> = Error::MESSAGES_TEXT.split('\n').collect();
        assert_eq!(messages, Error::ALL_MESSAGES);
        assert_eq!(Error::ALL_CODES.len(), 37);
        assert!(Error::ALL_MESSAGES.iter().all(|m| !m.is_empty()));
    }

    #[test]
    fn all_codes_are_unique_snake_case() {
        for (i, a) in Error::ALL_CODES.iter().enumerate() {
            assert!(
                a.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{a}"
            );
            for b in Error::ALL_CODES.iter().skip(i + 1) {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn code_matches_all_codes_list() {
        let samples = [
            Error::Malformed,
            Error::MissingClaim(Claim::Exp),
            Error::StoreUnavailable,
            Error::PasswordTooWeak,
        ];
        for e in samples {
            assert!(Error::ALL_CODES.contains(&e.code()));
        }
        assert_eq!(Error::MissingClaim(Claim::Aud).claim(), Some(Claim::Aud));
    }
    #[test]
    fn codes_and_messages_follow_declaration_order() {
        let all = [
            Error::Malformed,
            Error::InvalidBase64,
            Error::TokenTooLarge,
            Error::NestingTooDeep,
            Error::UnsupportedAlg,
            Error::InvalidHeader,
            Error::UnknownKid,
            Error::InvalidSignature,
            Error::Expired,
            Error::NotYetValid,
            Error::IssuedInFuture,
            Error::InvalidIssuer,
            Error::InvalidAudience,
            Error::InvalidSubject,
            Error::MissingClaim(Claim::Exp),
            Error::InvalidClaim(Claim::Exp),
            Error::DuplicateClaim(Claim::Exp),
            Error::WrongTokenType,
            Error::WeakKey,
            Error::InvalidKey,
            Error::BufferTooSmall,
            Error::InvalidPayload,
            Error::InvalidHash,
            Error::HashParamsOutOfBounds,
            Error::InvalidParams,
            Error::InsufficientMemory,
            Error::PasswordMismatch,
            Error::PasswordTooShort,
            Error::PasswordTooLong,
            Error::PasswordTooCommon,
            Error::PasswordTooWeak,
            Error::Forbidden,
            Error::MissingScope,
            Error::TokenReused,
            Error::TokenRevoked,
            Error::RateLimited,
            Error::StoreUnavailable,
        ];
        assert_eq!(all.len(), Error::ALL_CODES.len());
        assert_eq!(MESSAGES.len(), Error::ALL_CODES.len());
        for (i, e) in all.iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(e.code(), Error::ALL_CODES[i]);
            assert_eq!(e.message(), MESSAGES[i]);
            assert!(!e.message().is_empty());
        }
        assert_eq!(
            Error::InvalidBase64.message(),
            "segment is not canonical unpadded base64url"
        );
        assert_eq!(Error::StoreUnavailable.code(), "store_unavailable");
    }
}
