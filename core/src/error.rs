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
        match self {
            Error::Malformed => "malformed",
            Error::InvalidBase64 => "invalid_base64",
            Error::TokenTooLarge => "token_too_large",
            Error::NestingTooDeep => "nesting_too_deep",
            Error::UnsupportedAlg => "unsupported_alg",
            Error::InvalidHeader => "invalid_header",
            Error::UnknownKid => "unknown_kid",
            Error::InvalidSignature => "invalid_signature",
            Error::Expired => "expired",
            Error::NotYetValid => "not_yet_valid",
            Error::IssuedInFuture => "issued_in_future",
            Error::InvalidIssuer => "invalid_issuer",
            Error::InvalidAudience => "invalid_audience",
            Error::InvalidSubject => "invalid_subject",
            Error::MissingClaim(_) => "missing_claim",
            Error::InvalidClaim(_) => "invalid_claim",
            Error::DuplicateClaim(_) => "duplicate_claim",
            Error::WrongTokenType => "wrong_token_type",
            Error::WeakKey => "weak_key",
            Error::InvalidKey => "invalid_key",
            Error::BufferTooSmall => "buffer_too_small",
            Error::InvalidPayload => "invalid_payload",
            Error::InvalidHash => "invalid_hash",
            Error::HashParamsOutOfBounds => "hash_params_out_of_bounds",
            Error::InvalidParams => "invalid_params",
            Error::InsufficientMemory => "insufficient_memory",
            Error::PasswordMismatch => "password_mismatch",
            Error::PasswordTooShort => "password_too_short",
            Error::PasswordTooLong => "password_too_long",
            Error::PasswordTooCommon => "password_too_common",
            Error::PasswordTooWeak => "password_too_weak",
            Error::Forbidden => "forbidden",
            Error::MissingScope => "missing_scope",
            Error::TokenReused => "token_reused",
            Error::TokenRevoked => "token_revoked",
            Error::RateLimited => "rate_limited",
            Error::StoreUnavailable => "store_unavailable",
        }
    }

    /// Every code, in declaration order (for bindings and docs that list them).
    pub const ALL_CODES: &'static [&'static str] = &[
        "malformed",
        "invalid_base64",
        "token_too_large",
        "nesting_too_deep",
        "unsupported_alg",
        "invalid_header",
        "unknown_kid",
        "invalid_signature",
        "expired",
        "not_yet_valid",
        "issued_in_future",
        "invalid_issuer",
        "invalid_audience",
        "invalid_subject",
        "missing_claim",
        "invalid_claim",
        "duplicate_claim",
        "wrong_token_type",
        "weak_key",
        "invalid_key",
        "buffer_too_small",
        "invalid_payload",
        "invalid_hash",
        "hash_params_out_of_bounds",
        "invalid_params",
        "insufficient_memory",
        "password_mismatch",
        "password_too_short",
        "password_too_long",
        "password_too_common",
        "password_too_weak",
        "forbidden",
        "missing_scope",
        "token_reused",
        "token_revoked",
        "rate_limited",
        "store_unavailable",
    ];

    /// The claim an error is about, if any.
    pub const fn claim(&self) -> Option<Claim> {
        match self {
            Error::MissingClaim(c) | Error::InvalidClaim(c) | Error::DuplicateClaim(c) => Some(*c),
            _ => None,
        }
    }

    /// A short human-readable message; never contains secrets, tokens or passwords.
    pub const fn message(&self) -> &'static str {
        match self {
            Error::Malformed => "token or input is malformed",
            Error::InvalidBase64 => "segment is not canonical unpadded base64url",
            Error::TokenTooLarge => "token exceeds the size limit",
            Error::NestingTooDeep => "JSON nesting exceeds the depth limit",
            Error::UnsupportedAlg => "algorithm not allowed (only HS256)",
            Error::InvalidHeader => "token header is not acceptable",
            Error::UnknownKid => "no key for the token's kid",
            Error::InvalidSignature => "signature verification failed",
            Error::Expired => "token has expired",
            Error::NotYetValid => "token is not yet valid (nbf)",
            Error::IssuedInFuture => "token was issued in the future (iat)",
            Error::InvalidIssuer => "invalid issuer",
            Error::InvalidAudience => "invalid audience",
            Error::InvalidSubject => "invalid subject",
            Error::MissingClaim(_) => "a required claim is missing",
            Error::InvalidClaim(_) => "a claim has an invalid type or value",
            Error::DuplicateClaim(_) => "a registered claim appears more than once",
            Error::WrongTokenType => "wrong token type",
            Error::WeakKey => "secret must be at least 32 bytes",
            Error::InvalidKey => "invalid key or key set",
            Error::BufferTooSmall => "buffer too small",
            Error::InvalidPayload => "claims could not be (de)serialized",
            Error::InvalidHash => "hash string is malformed or unsupported",
            Error::HashParamsOutOfBounds => "hash parameters are outside the allowed bounds",
            Error::InvalidParams => "invalid parameters",
            Error::InsufficientMemory => "not enough memory for these hash parameters",
            Error::PasswordMismatch => "password does not match",
            Error::PasswordTooShort => "password is too short",
            Error::PasswordTooLong => "password is too long",
            Error::PasswordTooCommon => "password is too common",
            Error::PasswordTooWeak => "password lacks required character classes",
            Error::Forbidden => "required role not held",
            Error::MissingScope => "required scope missing",
            Error::TokenReused => "refresh token reused; session revoked",
            Error::TokenRevoked => "token has been revoked",
            Error::RateLimited => "too many attempts",
            Error::StoreUnavailable => "session store unavailable",
        }
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
mod tests {
    use super::*;

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
}
