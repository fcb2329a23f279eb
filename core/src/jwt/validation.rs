//! What a verifier checks beyond the signature.

use crate::error::Claim;

/// Default clock leeway in seconds for `exp`, `nbf` and `iat`: none.
pub const DEFAULT_LEEWAY: u64 = 0;
/// Default maximum token length in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;
/// Claims a token must carry by default: `exp`.
pub const DEFAULT_REQUIRED: &[&str] = &[Claim::Exp.as_str()];
/// Most custom-or-registered claim names [`Validation::required`] may list.
pub const MAX_REQUIRED: usize = 16;

/// Claim validation settings. `Validation::default()` is the safe default: `exp` required and
/// checked, `nbf`/`iat` checked when present, no leeway, no issuer or audience expected (a token
/// that carries `aud` is then rejected), refresh-typed tokens rejected, 8 KiB size limit.
#[derive(Debug, Clone, Copy)]
pub struct Validation<'a> {
    /// Seconds of clock skew tolerated for `exp`, `nbf` and `iat`.
    pub leeway: u64,
    /// Accepted issuers; the token's `iss` must equal one of them. `None`: `iss` not checked.
    pub issuer: Option<&'a [&'a str]>,
    /// Accepted audiences; the token's `aud` (string or array) must contain one of them.
    /// `None`: the token must not carry `aud` (unless `verify_aud` is false).
    pub audience: Option<&'a [&'a str]>,
    /// Check `aud` at all (PyJWT's `verify_aud`).
    pub verify_aud: bool,
    /// PyJWT's `strict_aud`: exactly one expected audience, and the token's `aud` a single
    /// string equal to it (an array never matches). Only with `verify_aud` and an `audience`.
    pub strict_aud: bool,
    /// Expected `sub`, if any.
    pub subject: Option<&'a str>,
    /// Expected payload `typ` claim (e.g. `"access"` or `"refresh"`). `None`: any token whose
    /// `typ` is not `"refresh"`: refresh tokens are accepted only where explicitly expected.
    pub token_type: Option<&'a str>,
    /// Claims that must be present (registered or custom names), at most [`MAX_REQUIRED`].
    pub required: &'a [&'a str],
    /// Check `exp` (if present; `required` decides whether it must be).
    pub verify_exp: bool,
    /// Check `nbf` when present.
    pub verify_nbf: bool,
    /// Check `iat` when present (not in the future beyond leeway).
    pub verify_iat: bool,
    /// Maximum token length in bytes.
    pub max_token_len: usize,
}

impl Default for Validation<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Validation<'a> {
    /// The safe defaults (see the type's docs).
    pub const fn new() -> Self {
        Self {
            leeway: DEFAULT_LEEWAY,
            issuer: None,
            audience: None,
            verify_aud: true,
            strict_aud: false,
            subject: None,
            token_type: None,
            required: DEFAULT_REQUIRED,
            verify_exp: true,
            verify_nbf: true,
            verify_iat: true,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
        }
    }

    /// Sets the accepted issuers.
    pub const fn issuer(mut self, issuers: &'a [&'a str]) -> Self {
        self.issuer = Some(issuers);
        self
    }

    /// Sets the accepted audiences.
    pub const fn audience(mut self, audiences: &'a [&'a str]) -> Self {
        self.audience = Some(audiences);
        self
    }

    /// Sets the leeway in seconds.
    pub const fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Sets the expected payload `typ`.
    pub const fn token_type(mut self, typ: &'a str) -> Self {
        self.token_type = Some(typ);
        self
    }

    /// Sets the required claims.
    pub const fn required(mut self, claims: &'a [&'a str]) -> Self {
        self.required = claims;
        self
    }

    /// Sets the expected subject.
    pub const fn subject(mut self, sub: &'a str) -> Self {
        self.subject = Some(sub);
        self
    }
}
