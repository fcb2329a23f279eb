//! One error type for the whole core.
//!
//! Every variant has a stable, machine-readable [`Error::code`] (snake_case). The Python and
//! JavaScript bindings surface exactly these codes, so a client can branch on them in any
//! language. Messages ([`core::fmt::Display`]) never contain a secret, a token or a password.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// Declares the registered claims once: each line `Variant = "json name",` yields the
/// [`Claim`] variant, its place in [`Claim::ALL`] and its name in [`Claim::NAMES`].
macro_rules! claims {
    ($($(#[$attr:meta])* $variant:ident = $name:literal,)*) => {
        /// A registered claim, or the index of a caller-required custom claim.
        ///
        /// Carried by [`Error::MissingClaim`], [`Error::InvalidClaim`] and
        /// [`Error::DuplicateClaim`] so a binding can name the claim (PyJWT's
        /// `MissingRequiredClaimError.claim`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Claim {
            $($(#[$attr])* $variant,)*
            /// A custom claim named in [`crate::jwt::Validation::required`], by index.
            Required(u8),
        }

        impl Claim {
            /// Every registered claim, in declaration order (not [`Claim::Required`]).
            pub const ALL: [Claim; REGISTERED] = [$(Claim::$variant),*];

            /// The JSON name of each of [`Self::ALL`], in the same order.
            pub const NAMES: [&'static str; REGISTERED] = [$($name),*];

            /// The claim's JSON name; `None` for [`Claim::Required`] (the caller knows its own
            /// list).
            pub const fn name(self) -> Option<&'static str> {
                // A `match` rather than `NAMES[position]`: measured smaller in the verify-only
                // firmware, which needs the names but not the table of slices.
                match self {
                    $(Claim::$variant => Some($name),)*
                    Claim::Required(_) => None,
                }
            }

            /// The claim's position in [`Self::ALL`]; `None` for [`Claim::Required`].
            pub const fn position(self) -> Option<usize> {
                #[allow(dead_code)] // only the discriminants are read
                enum Position {
                    $($variant,)*
                }
                match self {
                    $(Claim::$variant => Some(Position::$variant as usize),)*
                    Claim::Required(_) => None,
                }
            }
        }

        /// How many registered claims there are.
        const REGISTERED: usize = [$($name),*].len();
    };
}

claims! {
    /// `exp`
    Exp = "exp",
    /// `nbf`
    Nbf = "nbf",
    /// `iat`
    Iat = "iat",
    /// `iss`
    Iss = "iss",
    /// `aud`
    Aud = "aud",
    /// `sub`
    Sub = "sub",
    /// `jti`
    Jti = "jti",
    /// `typ` (the token-type claim in the payload)
    Typ = "typ",
    /// `scope`
    Scope = "scope",
    /// `fam` (refresh-token family id)
    Fam = "fam",
    /// `roles`
    Roles = "roles",
}

impl Claim {
    /// [`Self::name`], or `""` for [`Claim::Required`]: the key to write for a registered
    /// claim (usable in `const` items).
    pub const fn as_str(self) -> &'static str {
        match self.name() {
            Some(name) => name,
            None => "",
        }
    }
}

/// Declares every error once: each line `Variant = "code", "message";` (a variant about a
/// claim written `Variant(Claim)`) yields the [`Error`] variant, its [`Error::index`], its
/// code in [`Error::CODES_TEXT`] and its message in [`Error::MESSAGES_TEXT`], in declaration
/// order. Codes contain no space and messages no newline (the build fails otherwise).
macro_rules! errors {
    (@pattern $variant:ident) => { Error::$variant };
    (@pattern $variant:ident $field:ident) => { Error::$variant(_) };
    ($(
        $(#[$attr:meta])*
        $variant:ident $(($field:ident))? = $code:literal, $message:literal;
    )*) => {
        /// Everything that can go wrong in `authcore`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Error {
            $($(#[$attr])* $variant $(($field))?,)*
        }

        /// The variants in declaration order, without their fields (the discriminant is
        /// [`Error::index`]).
        #[allow(dead_code)] // only the discriminants are read
        enum Position {
            $($variant,)*
        }

        /// How many variants [`Error`] has.
        const ERRORS: usize = [$($code),*].len();

        impl Error {
            /// [`Self::ALL_CODES`] as one text, separated by spaces (a binding can hand this
            /// over whole, without the table).
            pub const CODES_TEXT: &'static str = without_last(concat!($($code, " ",)*));

            /// [`Self::ALL_MESSAGES`] as one text, separated by newlines.
            pub const MESSAGES_TEXT: &'static str = without_last(concat!($($message, "\n",)*));

            /// Position of the variant in declaration order: its index into
            /// [`Self::ALL_CODES`] and [`Self::ALL_MESSAGES`] (a compact form for bindings that
            /// pass errors as numbers). Tables rather than `match`es over string literals, which
            /// LLVM compiles at `opt-level = "z"` into one branch per variant (about 1 KB of
            /// wasm for the two).
            pub const fn index(&self) -> usize {
                match self {
                    $(errors!(@pattern $variant $($field)?) => Position::$variant as usize,)*
                }
            }

            /// The claim an error is about, if any.
            pub const fn claim(&self) -> Option<Claim> {
                match self {
                    $($(Error::$variant(c) => Some::<$field>(*c),)?)*
                    _ => None,
                }
            }
        }
    };
}

errors! {
    // --- token structure -------------------------------------------------------------------
    /// Not three dot-separated segments, not a JSON object, or otherwise unparseable.
    Malformed = "malformed", "token or input is malformed";
    /// A segment is not strict, unpadded, canonical base64url.
    InvalidBase64 = "invalid_base64", "segment is not canonical unpadded base64url";
    /// The token exceeds the verifier's size limit.
    TokenTooLarge = "token_too_large", "token exceeds the size limit";
    /// JSON nesting deeper than the fixed bound (32).
    NestingTooDeep = "nesting_too_deep", "JSON nesting exceeds the depth limit";
    // --- header ---------------------------------------------------------------------------
    /// `alg` is anything other than exactly `"HS256"` (including `none` and case variants).
    UnsupportedAlg = "unsupported_alg", "algorithm not allowed (HS256 or EdDSA, and only the chosen key's)";
    /// A header the verifier refuses: `crit`, `b64`, key-bearing headers, a bad `typ` or `kid`.
    InvalidHeader = "invalid_header", "token header is not acceptable";
    /// The token's `kid` names no key in the key set.
    UnknownKid = "unknown_kid", "no key for the token's kid";
    /// The MAC does not match.
    InvalidSignature = "invalid_signature", "signature verification failed";
    // --- claims ---------------------------------------------------------------------------
    /// `exp` is in the past (beyond leeway).
    Expired = "expired", "token has expired";
    /// `nbf` is in the future (beyond leeway).
    NotYetValid = "not_yet_valid", "token is not yet valid (nbf)";
    /// `iat` is in the future (beyond leeway).
    IssuedInFuture = "issued_in_future", "token was issued in the future (iat)";
    /// `iss` does not match.
    InvalidIssuer = "invalid_issuer", "invalid issuer";
    /// `aud` does not match, or is present when no audience is expected.
    InvalidAudience = "invalid_audience", "invalid audience";
    /// `sub` does not match the expected subject.
    InvalidSubject = "invalid_subject", "invalid subject";
    /// A required claim is absent.
    MissingClaim(Claim) = "missing_claim", "a required claim is missing";
    /// A claim has the wrong JSON type or an out-of-range value.
    InvalidClaim(Claim) = "invalid_claim", "a claim has an invalid type or value";
    /// A registered claim appears twice.
    DuplicateClaim(Claim) = "duplicate_claim", "a registered claim appears more than once";
    /// A refresh token where an access token is expected, or the reverse.
    WrongTokenType = "wrong_token_type", "wrong token type";
    // --- keys and buffers -----------------------------------------------------------------
    /// Secret shorter than 32 bytes.
    WeakKey = "weak_key", "secret must be at least 32 bytes";
    /// A key set is full, a `kid` is too long, or keys are otherwise unusable.
    InvalidKey = "invalid_key", "invalid key or key set";
    /// The caller's output or scratch buffer is too small.
    BufferTooSmall = "buffer_too_small", "buffer too small";
    /// The claims could not be serialized or deserialized into the caller's type.
    InvalidPayload = "invalid_payload", "claims could not be (de)serialized";
    // --- passwords ------------------------------------------------------------------------
    /// Not a well-formed PHC / bcrypt string, or an unsupported algorithm.
    InvalidHash = "invalid_hash", "hash string is malformed or unsupported";
    /// Stored hash parameters fall outside the verifier's bounds (DoS protection).
    HashParamsOutOfBounds = "hash_params_out_of_bounds", "hash parameters are outside the allowed bounds";
    /// Parameters rejected (hash costs, salt length, quotas, role tables, requirements).
    InvalidParams = "invalid_params", "invalid parameters";
    /// The caller's Argon2 memory is smaller than the parameters need.
    InsufficientMemory = "insufficient_memory", "not enough memory for these hash parameters";
    /// Password does not match the hash.
    PasswordMismatch = "password_mismatch", "password does not match";
    /// Password shorter than the policy's minimum.
    PasswordTooShort = "password_too_short", "password is too short";
    /// Password longer than the policy's maximum (bytes).
    PasswordTooLong = "password_too_long", "password is too long";
    /// Password is on the built-in list of most common passwords.
    PasswordTooCommon = "password_too_common", "password is too common";
    /// Password lacks the character classes the policy asks for.
    PasswordTooWeak = "password_too_weak", "password lacks required character classes";
    // --- authorization --------------------------------------------------------------------
    /// None of the required roles is held.
    Forbidden = "forbidden", "required role not held";
    /// A required OAuth2 scope is missing.
    MissingScope = "missing_scope", "required scope missing";
    // --- sessions and rate limiting -------------------------------------------------------
    /// A refresh token was presented a second time: its family is now revoked.
    TokenReused = "token_reused", "refresh token reused; session revoked";
    /// The token (or its family) has been revoked.
    TokenRevoked = "token_revoked", "token has been revoked";
    /// Too many attempts; retry later.
    RateLimited = "rate_limited", "too many attempts";
    /// The session/rate-limit store could not be reached (fail closed).
    StoreUnavailable = "store_unavailable", "session store unavailable";
    // --- legacy password formats --------------------------------------------------------
    /// A stored hash in an insecure scheme (md5_crypt, des_crypt, plaintext) that the verifier
    /// is not set to accept.
    InsecureHash = "insecure_hash", "hash scheme is insecure and not accepted";
}

impl Error {
    /// Stable, machine-readable snake_case code, identical in Rust, Python and JavaScript.
    pub const fn code(&self) -> &'static str {
        entry(Self::ALL_CODES, self.index())
    }

    /// Every code, in declaration order (for bindings and docs that list them).
    pub const ALL_CODES: &'static [&'static str] = &split_table::<ERRORS>(Self::CODES_TEXT, b' ');

    /// A short human-readable message; never contains secrets, tokens or passwords.
    pub const fn message(&self) -> &'static str {
        entry(Self::ALL_MESSAGES, self.index())
    }

    /// Every [`Self::message`], in declaration order (as [`Self::ALL_CODES`]).
    pub const ALL_MESSAGES: &'static [&'static str] = &MESSAGES;
}

/// [`Error::message`] of each variant, in declaration order (as [`Error::ALL_CODES`]).
const MESSAGES: [&str; ERRORS] = split_table(Error::MESSAGES_TEXT, b'\n');

/// `text` without its last byte (the separator after the last entry of a table's text).
#[allow(clippy::panic)] // const evaluation: a failure is a build error
const fn without_last(text: &'static str) -> &'static str {
    match text.as_bytes().split_last() {
        Some((_, head)) => match core::str::from_utf8(head) {
            Ok(s) => s,
            Err(_) => panic!("not UTF-8"),
        },
        None => panic!("empty table"),
    }
}

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
        assert_eq!(Error::ALL_CODES.len(), 38);
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
    fn index_follows_declaration_order() {
        let firsts = [
            (Error::Malformed, 0, "malformed"),
            (Error::InvalidBase64, 1, "invalid_base64"),
        ];
        let claims = [
            (Error::MissingClaim(Claim::Exp), 14, "missing_claim"),
            (Error::InvalidClaim(Claim::Required(3)), 15, "invalid_claim"),
            (Error::DuplicateClaim(Claim::Roles), 16, "duplicate_claim"),
        ];
        let lasts = [
            (Error::WrongTokenType, 17, "wrong_token_type"),
            (Error::StoreUnavailable, 36, "store_unavailable"),
        ];
        for (e, i, code) in firsts.into_iter().chain(claims).chain(lasts) {
            assert_eq!(e.index(), i, "{e:?}");
            assert_eq!(e.code(), code);
            assert_eq!(e.message(), MESSAGES[i]);
        }
        assert_eq!(
            Error::InvalidBase64.message(),
            "segment is not canonical unpadded base64url"
        );
        assert_eq!(
            Error::StoreUnavailable.message(),
            "session store unavailable"
        );
        assert_eq!(
            Error::DuplicateClaim(Claim::Roles).claim(),
            Some(Claim::Roles)
        );
        assert_eq!(Error::Forbidden.claim(), None);
        assert_eq!(
            std::format!("{}", Error::MissingClaim(Claim::Aud)),
            "a required claim is missing (aud)"
        );
    }

    #[test]
    fn claim_names_follow_the_table() {
        assert_eq!(Claim::ALL.len(), 11);
        for (i, (c, name)) in Claim::ALL.into_iter().zip(Claim::NAMES).enumerate() {
            assert_eq!(c.position(), Some(i));
            assert_eq!(c.name(), Some(name));
            assert_eq!(c.as_str(), name);
            assert!(name.bytes().all(|b| b.is_ascii_lowercase()), "{name}");
            assert_eq!(Claim::NAMES.iter().filter(|n| **n == name).count(), 1);
        }
        assert_eq!(Claim::Required(0).name(), None);
        assert_eq!(Claim::Required(0).position(), None);
        assert_eq!(
            (Claim::Exp.as_str(), Claim::Roles.as_str()),
            ("exp", "roles")
        );
    }
}
