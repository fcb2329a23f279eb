//! Sessions: access/refresh token pairs and refresh-token rotation with reuse detection.
//!
//! # Model
//! A login opens a *family*: a random id (`fam`) carried by every refresh token issued from
//! that login, and by its access tokens. Each refresh token also has its own random `jti`.
//! Refreshing spends the presented refresh token and issues a new pair in the same family.
//! A refresh token that is presented a second time was copied: one of the two parties
//! holding it is an attacker, and it cannot be told which. The whole family is therefore
//! revoked, which logs out both (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
//!
//! # The state machine
//! The store keeps two kinds of records, each with an expiry after which it may be dropped:
//! `used(jti)` and `revoked(fam)`. For a presented refresh token that has **already passed
//! signature and claim verification**, [`SessionPolicy::on_refresh`] decides from what the
//! store reports ([`Seen`]):
//!
//! | family revoked | `jti` used | within grace | decision                     | store writes                                        | answer          |
//! |----------------|------------|--------------|------------------------------|-----------------------------------------------------|-----------------|
//! | yes            | any        | any          | [`RefreshDecision::Revoked`] | nothing                                             | `token_revoked` |
//! | no             | yes        | yes          | [`RefreshDecision::Repeat`]  | nothing                                             | new pair        |
//! | no             | yes        | no           | [`RefreshDecision::Reused`]  | `revoked(fam)` until `revoke_until`                 | `token_reused`  |
//! | no             | no         | —            | [`RefreshDecision::Rotate`]  | `used(jti)` until `used_until`; `grace(jti)` until `grace_until` when the grace is not 0 | new pair |
//!
//! *Within grace* means a live `grace(jti)` record: the token was spent less than
//! [`SessionPolicy::grace`] seconds ago. A client whose refresh answer was lost (the store
//! stalled past the server's timeout and the write landed later; a proxy dropped the
//! response) retries with the same token and gets a pair again instead of a revocation; the
//! retry does not extend the window. The cost: a copy of the token used within those seconds
//! also gets a pair without revoking the family (OAuth 2.0 Security BCP, RFC 9700 §4.14.2,
//! allows such a window). The default grace is 0: every second use is reuse.
//!
//! Logout writes `revoked(fam)` until [`SessionPolicy::family_until`]. *Logout everywhere*
//! (all sessions of one subject) writes `revoked(fam)` until `family_until(now)` for every
//! family the store lists for the subject, in one atomic step, so each family then takes the
//! first row of the table. An application that wants access tokens to die with their family
//! before they expire checks `revoked(fam)` (or a per-`jti` denylist) on each request; that
//! costs one store lookup per request.
//!
//! # How long records live
//! - `used(jti)` lives while the token would still verify: until `exp + leeway`.
//! - `revoked(fam)` lives until the family's last token would no longer verify. Every token
//!   of the family was issued at or before `now` and lives at most `refresh_ttl`, so
//!   `now + refresh_ttl + leeway` bounds them all ([`SessionPolicy::family_until`]).
//!
//! After that a record carries no information (the tokens it speaks about are expired), so
//! stores purge it. A record that is still alive must never be lost: a store that cannot
//! read or write it fails closed ([`Error::StoreUnavailable`]).
//!
//! # Security contract
//! - The read (`Seen`) and the write the decision asks for must be **one atomic step** in the
//!   store (a transaction, a Lua script, a lock): two concurrent uses of one token must not
//!   both see "unused".
//! - Ids come from the caller and must be unguessable (at least 128 bits from a CSPRNG,
//!   base64url-encoded: [`Id::from_random`] writes [`RANDOM_ID_BYTES`] fresh bytes as such an
//!   id). This module checks their shape only: [`MIN_ID_LEN`]..=[`MAX_ID_LEN`] characters of
//!   `A-Z a-z 0-9 - _` (so they are safe as store keys).
//! - No clock: `now` is Unix seconds from the caller.
//! - All arithmetic saturates upwards, so an overflow makes records live longer, never shorter.
//!   The one exception is the trust in a retired signing key
//!   ([`SessionPolicy::key_retired_until`]): there an overflow is an error, since a longer
//!   life would mean trusting the key longer.
//!
//! # Retired signing keys
//! After a signing-key rotation the previous key keeps verifying, and stays published, until
//! the last token it signed has expired: `retired_at + refresh_ttl + leeway`
//! ([`SessionPolicy::key_retired_until`], [`SessionPolicy::key_still_trusted`]). A retirement
//! time later than `now + leeway` is refused ([`SessionPolicy::check_key_retired`]).

use crate::error::{Claim, Error, Result};
use crate::jwt::b64;
use crate::jwt::json::{self, JsonStr};
use crate::jwt::{self, Claims, KeyStore, Validation, Verified, ACCESS, REFRESH};

/// Fewest characters in a `jti` or `fam` (16 base64url characters carry 96 bits).
pub const MIN_ID_LEN: usize = 16;
/// Most characters in a `jti` or `fam`.
pub const MAX_ID_LEN: usize = 64;
/// Random bytes in an id made by [`Id::from_random`]: 128 bits.
pub const RANDOM_ID_BYTES: usize = 16;
/// Characters in an id made by [`Id::from_random`]: [`RANDOM_ID_BYTES`] as unpadded base64url.
pub const RANDOM_ID_LEN: usize = b64::encoded_len(RANDOM_ID_BYTES);

/// A token or family id: [`MIN_ID_LEN`]..=[`MAX_ID_LEN`] characters of `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id<'a>(&'a str);

impl<'a> Id<'a> {
    /// Checks the shape of an id the caller generated.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if it is too short, too long or uses other characters.
    pub fn new(id: &'a str) -> Result<Self> {
        Self::checked(id).ok_or(Error::InvalidParams)
    }

    /// The id of `random` (fresh bytes from a CSPRNG, which the caller draws): their unpadded
    /// base64url text ([`RANDOM_ID_LEN`] characters), written to `buf`.
    ///
    /// # Errors
    /// None in practice; the text is checked as [`Id::new`] checks a caller's id.
    pub fn from_random(
        random: &[u8; RANDOM_ID_BYTES],
        buf: &'a mut [u8; RANDOM_ID_LEN],
    ) -> Result<Self> {
        b64::encode_at(random, buf, &mut 0)?;
        let text = core::str::from_utf8(buf).map_err(|_| Error::InvalidParams)?;
        Self::new(text)
    }

    fn checked(id: &'a str) -> Option<Self> {
        let ok = (MIN_ID_LEN..=MAX_ID_LEN).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then_some(Self(id))
    }

    /// Reads the id claim `claim` of a parsed token (`MissingClaim` / `InvalidClaim`).
    fn from_claim(value: Option<JsonStr<'a>>, claim: Claim) -> Result<Self> {
        let raw = value.ok_or(Error::MissingClaim(claim))?;
        raw.as_plain_str()
            .and_then(Self::checked)
            .ok_or(Error::InvalidClaim(claim))
    }

    /// The id text.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }
}

/// Default access-token lifetime in seconds: 15 minutes.
pub const DEFAULT_ACCESS_TTL: u64 = 15 * 60;
/// Default refresh-token lifetime in seconds: 7 days.
pub const DEFAULT_REFRESH_TTL: u64 = 7 * 24 * 3600;
/// The refresh grace window a web application should start from ([`SessionPolicy::with_grace`]):
/// 10 seconds covers a store stall past a 2-second timeout and the client's retry.
pub const RECOMMENDED_REFRESH_GRACE: u64 = 10;
/// Longest refresh grace window accepted, in seconds.
pub const MAX_REFRESH_GRACE: u64 = 300;

/// Token lifetimes and clock leeway, validated together.
///
/// ```
/// use authcore::session::SessionPolicy;
/// let p = SessionPolicy::new(15 * 60, 7 * 24 * 3600)?.with_leeway(30)?;
/// assert_eq!(p.refresh_exp(1_000), 1_000 + 7 * 24 * 3600);
/// assert_eq!(p.family_until(1_000), 1_000 + 7 * 24 * 3600 + 30);
/// # Ok::<(), authcore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    access_ttl: u64,
    refresh_ttl: u64,
    leeway: u64,
    grace: u64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl SessionPolicy {
    /// [`DEFAULT_ACCESS_TTL`], [`DEFAULT_REFRESH_TTL`], [`jwt::DEFAULT_LEEWAY`].
    pub const DEFAULT: Self = Self {
        access_ttl: DEFAULT_ACCESS_TTL,
        refresh_ttl: DEFAULT_REFRESH_TTL,
        leeway: jwt::DEFAULT_LEEWAY,
        grace: 0,
    };

    /// Lifetimes in seconds.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] unless `0 < access_ttl ≤ refresh_ttl`.
    pub const fn new(access_ttl: u64, refresh_ttl: u64) -> Result<Self> {
        if access_ttl == 0 || access_ttl > refresh_ttl {
            return Err(Error::InvalidParams);
        }
        Ok(Self {
            access_ttl,
            refresh_ttl,
            leeway: 0,
            grace: 0,
        })
    }

    /// The refresh grace window in seconds (see the [module docs](self)): a refresh token
    /// presented again within it after it was spent gets a new pair instead of revoking its
    /// family.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `grace` exceeds [`MAX_REFRESH_GRACE`] or is not shorter
    /// than the access lifetime.
    pub const fn with_grace(mut self, grace: u64) -> Result<Self> {
        if grace > MAX_REFRESH_GRACE || grace >= self.access_ttl {
            return Err(Error::InvalidParams);
        }
        self.grace = grace;
        Ok(self)
    }

    /// The refresh grace window in seconds (0: none).
    pub const fn grace(&self) -> u64 {
        self.grace
    }

    /// Until when the `grace(jti)` record of a token spent at `now` lives; `None` without a
    /// grace window (nothing to write).
    pub const fn grace_until(&self, now: u64) -> Option<u64> {
        if self.grace == 0 {
            None
        } else {
            Some(now.saturating_add(self.grace))
        }
    }

    /// The verifier's leeway in seconds (records must outlive it).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `leeway` is not shorter than the access lifetime.
    pub const fn with_leeway(mut self, leeway: u64) -> Result<Self> {
        if leeway >= self.access_ttl {
            return Err(Error::InvalidParams);
        }
        self.leeway = leeway;
        Ok(self)
    }

    /// Access-token lifetime in seconds.
    pub const fn access_ttl(&self) -> u64 {
        self.access_ttl
    }

    /// Refresh-token lifetime in seconds.
    pub const fn refresh_ttl(&self) -> u64 {
        self.refresh_ttl
    }

    /// Leeway in seconds.
    pub const fn leeway(&self) -> u64 {
        self.leeway
    }

    /// `exp` of an access token issued at `now`.
    pub const fn access_exp(&self, now: u64) -> u64 {
        now.saturating_add(self.access_ttl)
    }

    /// `exp` of a refresh token issued at `now`.
    pub const fn refresh_exp(&self, now: u64) -> u64 {
        now.saturating_add(self.refresh_ttl)
    }

    /// Until when a record about one token with this `exp` must be kept (a used refresh
    /// `jti`, a denylisted access `jti`): `exp + leeway`.
    pub const fn record_until(&self, exp: u64) -> u64 {
        exp.saturating_add(self.leeway)
    }

    /// Until when a family revoked at `now` must stay revoked: no token of the family,
    /// issued at or before `now`, verifies after `now + refresh_ttl + leeway`.
    pub const fn family_until(&self, now: u64) -> u64 {
        self.record_until(self.refresh_exp(now))
    }

    /// Until when a signing key that stopped signing at `retired_at` must keep verifying (and
    /// stay published in a JWKS): `retired_at + refresh_ttl + leeway`; it is trusted while
    /// `now` is earlier ([`Self::key_still_trusted`]).
    ///
    /// Why this bound: every token the key signed was issued at or before `retired_at` (read
    /// on the signer's clock, the clock its tokens' `exp` is written in). The longest-lived
    /// is a refresh token (`access_ttl ≤ refresh_ttl`), so none expires after
    /// `retired_at + refresh_ttl`, and a verifier accepts a token while
    /// `now < exp + leeway`. Nothing else in the policy lets a token signed before retirement
    /// live longer: a refresh within the grace window ([`Self::grace`]) still has to verify
    /// the presented token (its `exp` bounds it) and the pair it gets is signed by the current
    /// key; there is no absolute session lifetime (a family lives on through rotation, each
    /// pair signed by the key current at that refresh).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if the sum overflows `u64`. Unlike the record expiries above
    /// this does not saturate: a saturated bound would trust the key forever.
    pub const fn key_retired_until(&self, retired_at: u64) -> Result<u64> {
        match retired_at.checked_add(self.refresh_ttl) {
            Some(exp) => match exp.checked_add(self.leeway) {
                Some(until) => Ok(until),
                None => Err(Error::InvalidParams),
            },
            None => Err(Error::InvalidParams),
        }
    }

    /// Checks the retirement time of a key that verifies but no longer signs, as configured
    /// at `now`, and returns [`Self::key_retired_until`].
    ///
    /// A `retired_at` in the past is accepted however old (0 included): the key is simply no
    /// longer trusted once [`Self::key_retired_until`] has passed, which fails closed. A
    /// `retired_at` later than `now + leeway` (the leeway allows for the signer's clock
    /// running ahead) is refused: the key is listed as one that no longer signs, so it
    /// cannot retire in the future. Such a value is a mistake (milliseconds for seconds, a
    /// wrong year), and accepting it would keep the key trusted for as long past its real
    /// retirement. A key that still signs somewhere (a rolling deployment) is listed once
    /// its last signer has stopped, with that time.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] for a `retired_at` later than `now + leeway`, or an overflow.
    pub const fn check_key_retired(&self, retired_at: u64, now: u64) -> Result<u64> {
        if retired_at > now.saturating_add(self.leeway) {
            return Err(Error::InvalidParams);
        }
        self.key_retired_until(retired_at)
    }

    /// Whether a key that stopped signing at `retired_at` still verifies at `now`:
    /// `now < `[`Self::key_retired_until`]. `false` when [`Self::check_key_retired`] refuses
    /// the retirement time (fail closed).
    pub const fn key_still_trusted(&self, retired_at: u64, now: u64) -> bool {
        match self.check_key_retired(retired_at, now) {
            Ok(until) => now < until,
            Err(_) => false,
        }
    }

    /// The rotation decision for a verified refresh token expiring at `token_exp`, given what
    /// the store reports (see the [module docs](self) for the table). Both returned times are
    /// later than `now`, so a store may use them directly as absolute expiries.
    pub const fn on_refresh(&self, seen: Seen, token_exp: u64, now: u64) -> RefreshDecision {
        let after_now = now.saturating_add(1);
        if seen.family_revoked {
            RefreshDecision::Revoked
        } else if seen.jti_used && seen.in_grace {
            RefreshDecision::Repeat
        } else if seen.jti_used {
            let until = self.family_until(now);
            RefreshDecision::Reused {
                revoke_until: if until > after_now { until } else { after_now },
            }
        } else {
            let until = self.record_until(token_exp);
            RefreshDecision::Rotate {
                used_until: if until > after_now { until } else { after_now },
                grace_until: self.grace_until(now),
            }
        }
    }
}

/// What the store holds about a presented refresh token, read atomically with the write
/// that follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// A live `revoked(fam)` record exists.
    pub family_revoked: bool,
    /// A live `used(jti)` record exists.
    pub jti_used: bool,
    /// A live `grace(jti)` record exists (the token was spent within the grace window).
    pub in_grace: bool,
}

/// The outcome of [`SessionPolicy::on_refresh`], with the write the store must make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Record `used(jti)` until `used_until`, then issue a new pair in the same family.
    Rotate {
        /// Absolute expiry (Unix seconds) of the `used(jti)` record.
        used_until: u64,
        /// Absolute expiry of the `grace(jti)` record to write, when the policy has a grace
        /// window.
        grace_until: Option<u64>,
    },
    /// The token was spent within the grace window: issue a new pair in the same family;
    /// nothing to write (the window is not extended).
    Repeat,
    /// The token was used before: record `revoked(fam)` until `revoke_until`, answer
    /// [`Error::TokenReused`].
    Reused {
        /// Absolute expiry (Unix seconds) of the `revoked(fam)` record.
        revoke_until: u64,
    },
    /// The family is revoked: answer [`Error::TokenRevoked`]; nothing to write.
    Revoked,
}

impl RefreshDecision {
    /// `Ok(())` for [`Self::Rotate`], else [`Error::TokenReused`] / [`Error::TokenRevoked`].
    ///
    /// # Errors
    /// As described.
    pub const fn result(&self) -> Result<()> {
        match self {
            Self::Rotate { .. } | Self::Repeat => Ok(()),
            Self::Reused { .. } => Err(Error::TokenReused),
            Self::Revoked => Err(Error::TokenRevoked),
        }
    }

    /// `"ok"`, `"repeat"`, `"reused"` or `"revoked"`: the words stores and bindings exchange.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Rotate { .. } => "ok",
            Self::Repeat => "repeat",
            Self::Reused { .. } => "reused",
            Self::Revoked => "revoked",
        }
    }
}

/// The claims a refresh token must carry, besides the registered ones the validation asks for.
pub const REFRESH_REQUIRED: &[&str] = &[
    Claim::Exp.as_str(),
    Claim::Sub.as_str(),
    Claim::Jti.as_str(),
    Claim::Fam.as_str(),
    Claim::Typ.as_str(),
];

/// The session facts of a verified refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshToken<'a> {
    /// `sub` (raw JSON text; unescape with [`JsonStr::unescape_into`] to reissue).
    pub sub: JsonStr<'a>,
    /// `jti` of this token.
    pub jti: Id<'a>,
    /// `fam`, the family id.
    pub fam: Id<'a>,
    /// `exp`, Unix seconds.
    pub exp: u64,
    /// `iat`, Unix seconds, when present.
    pub iat: Option<u64>,
    /// `scope`: the grant this session was opened with (raw JSON text; see
    /// [`Self::grant`]).
    pub scope: Option<JsonStr<'a>>,
}

impl<'a> RefreshToken<'a> {
    /// The scopes the session was granted at login: the most any pair refreshed from this token
    /// may carry (RFC 6749 §6). A token without `scope` grants none.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`]`(`[`Claim::Scope`]`)` if the claim is not a valid scope string.
    #[cfg(feature = "authz")]
    pub fn grant(&self) -> Result<crate::authz::Scopes<'a>> {
        scope_claim(self.scope)
    }

    /// Extracts the session facts from claims that passed verification.
    ///
    /// # Errors
    /// [`Error::WrongTokenType`] unless `typ` is `"refresh"`; `MissingClaim` for an absent
    /// `exp`, `sub`, `jti` or `fam`; `InvalidClaim(Jti | Fam)` for an id of the wrong shape.
    pub fn from_claims(claims: &Claims<'a>) -> Result<Self> {
        if !claims.typ.is_some_and(|t| t.eq_str(REFRESH)) {
            return Err(Error::WrongTokenType);
        }
        Ok(Self {
            sub: claims.sub.ok_or(Error::MissingClaim(Claim::Sub))?,
            jti: Id::from_claim(claims.jti, Claim::Jti)?,
            fam: Id::from_claim(claims.fam, Claim::Fam)?,
            exp: claims.exp.ok_or(Error::MissingClaim(Claim::Exp))?,
            iat: claims.iat,
            scope: claims.scope,
        })
    }
}

/// Verifies a refresh token: [`jwt::verify`] with `validation`, except that the payload `typ`
/// must be `"refresh"` and [`REFRESH_REQUIRED`] claims must be present. The caller then asks
/// its store and [`SessionPolicy::on_refresh`].
///
/// # Errors
/// Every error of [`jwt::verify`] and [`RefreshToken::from_claims`].
pub fn verify_refresh<'b, K: KeyStore + ?Sized>(
    token: &[u8],
    keys: &K,
    validation: &Validation<'_>,
    now: u64,
    buf: &'b mut [u8],
) -> Result<RefreshToken<'b>> {
    let v = Validation {
        token_type: Some(REFRESH),
        required: REFRESH_REQUIRED,
        ..*validation
    };
    let verified = jwt::verify(token, keys, &v, now, buf)?;
    RefreshToken::from_claims(&verified.claims)
}

/// The claims an access token must carry, besides the registered ones the validation asks for.
pub const ACCESS_REQUIRED: &[&str] = &[
    Claim::Exp.as_str(),
    Claim::Iat.as_str(),
    Claim::Sub.as_str(),
    Claim::Jti.as_str(),
    Claim::Typ.as_str(),
];

/// The facts of a verified access token. Roles and scopes are read through the core's rules:
/// [`Self::for_each_role`] and [`Self::scopes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessToken<'a> {
    /// `sub` (raw JSON text).
    pub sub: JsonStr<'a>,
    /// `jti` of this token (the key of an access-token denylist).
    pub jti: Id<'a>,
    /// `fam`, the family the token was issued in, when present.
    pub fam: Option<Id<'a>>,
    /// `iat`, Unix seconds.
    pub iat: u64,
    /// `exp`, Unix seconds.
    pub exp: u64,
    /// Every registered claim of the token.
    pub claims: Claims<'a>,
    /// The verified payload JSON (custom claims included).
    pub payload: &'a [u8],
}

impl<'a> AccessToken<'a> {
    /// Extracts the facts from a token that passed verification.
    ///
    /// # Errors
    /// [`Error::WrongTokenType`] unless `typ` is `"access"`; `MissingClaim` for an absent
    /// `exp`, `iat`, `sub` or `jti`; `InvalidClaim(Jti | Fam)` for an id of the wrong shape.
    pub fn from_verified(verified: &Verified<'a>) -> Result<Self> {
        let claims = &verified.claims;
        if !claims.typ.is_some_and(|t| t.eq_str(ACCESS)) {
            return Err(Error::WrongTokenType);
        }
        let fam = match claims.fam {
            Some(fam) => Some(Id::from_claim(Some(fam), Claim::Fam)?),
            None => None,
        };
        Ok(Self {
            sub: claims.sub.ok_or(Error::MissingClaim(Claim::Sub))?,
            jti: Id::from_claim(claims.jti, Claim::Jti)?,
            fam,
            iat: claims.iat.ok_or(Error::MissingClaim(Claim::Iat))?,
            exp: claims.exp.ok_or(Error::MissingClaim(Claim::Exp))?,
            claims: *claims,
            payload: verified.payload,
        })
    }

    /// Calls `f` for each role ([`Claims::for_each_role`]).
    pub fn for_each_role(&self, f: impl FnMut(JsonStr<'a>)) {
        self.claims.for_each_role(f);
    }

    /// The granted scopes: the `scope` claim parsed by [`Scopes::parse`](crate::authz::Scopes);
    /// none when absent.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`]`(`[`Claim::Scope`]`)` if the claim is not a valid scope string
    /// (a JSON escape never is: no scope-token holds `"`, `\` or a control character).
    #[cfg(feature = "authz")]
    pub fn scopes(&self) -> Result<crate::authz::Scopes<'a>> {
        scope_claim(self.claims.scope)
    }
}

/// A token's `scope` claim as [`Scopes`](crate::authz::Scopes); absent is the empty set.
#[cfg(feature = "authz")]
fn scope_claim(claim: Option<JsonStr<'_>>) -> Result<crate::authz::Scopes<'_>> {
    match claim {
        None => crate::authz::Scopes::parse(""),
        Some(raw) => raw
            .as_plain_str()
            .ok_or(Error::InvalidClaim(Claim::Scope))
            .and_then(crate::authz::Scopes::parse),
    }
}

/// Verifies an access token: [`jwt::verify`] with `validation`, except that the payload `typ`
/// must be `"access"` and [`ACCESS_REQUIRED`] claims must be present.
///
/// # Errors
/// Every error of [`jwt::verify`] and [`AccessToken::from_verified`].
pub fn verify_access<'b, K: KeyStore + ?Sized>(
    token: &[u8],
    keys: &K,
    validation: &Validation<'_>,
    now: u64,
    buf: &'b mut [u8],
) -> Result<AccessToken<'b>> {
    let v = Validation {
        token_type: Some(ACCESS),
        required: ACCESS_REQUIRED,
        ..*validation
    };
    let verified = jwt::verify(token, keys, &v, now, buf)?;
    AccessToken::from_verified(&verified)
}

/// The payload of a refresh token, written by [`Self::write_json`] as
/// `{"sub":…,"typ":"refresh","jti":…,"fam":…,"iat":…,"exp":…[,"scope":…]}`. It carries no
/// roles (they are re-read from the user at each refresh, so a revoked role ends with the access
/// token), and its `scope` is not a permission but the session's grant: the most a refreshed
/// pair may carry (RFC 6749 §6: a refresh never widens what the resource owner granted). A
/// refresh token is never accepted where an access token is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshClaims<'a> {
    /// `sub`
    pub sub: &'a str,
    /// A fresh `jti`.
    pub jti: Id<'a>,
    /// The family: fresh at login, the presented token's `fam` on rotation.
    pub fam: Id<'a>,
    /// Issue time, Unix seconds.
    pub iat: u64,
    /// Expiry ([`SessionPolicy::refresh_exp`]).
    pub exp: u64,
    /// `iss`, written when set.
    pub iss: Option<&'a str>,
    /// `aud` (one audience), written when set.
    pub aud: Option<&'a str>,
    /// `scope`: the session's grant (space-delimited), written when set; see the type's docs.
    pub scope: Option<&'a str>,
}

impl<'a> RefreshClaims<'a> {
    /// Claims for a refresh token issued at `now` under `policy`.
    pub const fn new(
        policy: &SessionPolicy,
        sub: &'a str,
        jti: Id<'a>,
        fam: Id<'a>,
        now: u64,
    ) -> Self {
        Self {
            sub,
            jti,
            fam,
            iat: now,
            exp: policy.refresh_exp(now),
            iss: None,
            aud: None,
            scope: None,
        }
    }

    /// Writes the payload JSON into `out`, returning its length (feed it to
    /// [`jwt::encode_json`]).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn write_json(&self, out: &mut [u8]) -> Result<usize> {
        let mut w = Writer::new(out)?;
        w.str_member(Claim::Sub, self.sub)?;
        w.str_member(Claim::Typ, REFRESH)?;
        w.str_member(Claim::Jti, self.jti.as_str())?;
        w.str_member(Claim::Fam, self.fam.as_str())?;
        w.int_member(Claim::Iat, self.iat)?;
        w.int_member(Claim::Exp, self.exp)?;
        if let Some(scope) = self.scope {
            w.str_member(Claim::Scope, scope)?;
        }
        w.issuer_audience(self.iss, self.aud)?;
        w.finish()
    }
}

/// The payload of an access token, written by [`Self::write_json`] as
/// `{"sub":…,"typ":"access","jti":…[,"fam":…],"iat":…,"exp":…[,"roles":[…]][,"scope":…]}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessClaims<'a> {
    /// `sub`
    pub sub: &'a str,
    /// A fresh `jti` (the key of an access-token denylist).
    pub jti: Id<'a>,
    /// The family, so that revoking it can also reject its access tokens.
    pub fam: Option<Id<'a>>,
    /// Issue time, Unix seconds.
    pub iat: u64,
    /// Expiry ([`SessionPolicy::access_exp`]).
    pub exp: u64,
    /// `roles`, written as an array when not empty.
    pub roles: &'a [&'a str],
    /// `scope` (space-delimited), written when present.
    pub scope: Option<&'a str>,
    /// `iss`, written when set.
    pub iss: Option<&'a str>,
    /// `aud` (one audience), written when set.
    pub aud: Option<&'a str>,
}

impl<'a> AccessClaims<'a> {
    /// Claims for an access token issued at `now` under `policy`, without roles or scope.
    pub const fn new(
        policy: &SessionPolicy,
        sub: &'a str,
        jti: Id<'a>,
        fam: Option<Id<'a>>,
        now: u64,
    ) -> Self {
        Self {
            sub,
            jti,
            fam,
            iat: now,
            exp: policy.access_exp(now),
            roles: &[],
            scope: None,
            iss: None,
            aud: None,
        }
    }

    /// Writes the payload JSON into `out`, returning its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn write_json(&self, out: &mut [u8]) -> Result<usize> {
        let mut w = Writer::new(out)?;
        w.str_member(Claim::Sub, self.sub)?;
        w.str_member(Claim::Typ, ACCESS)?;
        w.str_member(Claim::Jti, self.jti.as_str())?;
        if let Some(fam) = self.fam {
            w.str_member(Claim::Fam, fam.as_str())?;
        }
        w.int_member(Claim::Iat, self.iat)?;
        w.int_member(Claim::Exp, self.exp)?;
        if !self.roles.is_empty() {
            w.key(Claim::Roles)?;
            w.put(b"[")?;
            for (i, role) in self.roles.iter().enumerate() {
                if i > 0 {
                    w.put(b",")?;
                }
                json::write_str(w.out, &mut w.pos, role)?;
            }
            w.put(b"]")?;
        }
        if let Some(scope) = self.scope {
            w.str_member(Claim::Scope, scope)?;
        }
        w.issuer_audience(self.iss, self.aud)?;
        w.finish()
    }
}

/// Writes one flat JSON object of registered claims, member by member.
struct Writer<'o> {
    out: &'o mut [u8],
    pos: usize,
}

impl<'o> Writer<'o> {
    fn new(out: &'o mut [u8]) -> Result<Self> {
        let mut w = Self { out, pos: 0 };
        w.put(b"{")?;
        Ok(w)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        json::put(self.out, &mut self.pos, bytes)
    }

    fn key(&mut self, claim: Claim) -> Result<()> {
        if self.pos > 1 {
            self.put(b",")?;
        }
        json::write_str(self.out, &mut self.pos, claim.as_str())?;
        self.put(b":")
    }

    fn str_member(&mut self, claim: Claim, value: &str) -> Result<()> {
        self.key(claim)?;
        json::write_str(self.out, &mut self.pos, value)
    }

    fn int_member(&mut self, claim: Claim, value: u64) -> Result<()> {
        self.key(claim)?;
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = value;
        loop {
            i = i.saturating_sub(1);
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.put(digits.get(i..).unwrap_or_default())
    }

    /// `iss` and `aud`, each when set.
    fn issuer_audience(&mut self, iss: Option<&str>, aud: Option<&str>) -> Result<()> {
        if let Some(iss) = iss {
            self.str_member(Claim::Iss, iss)?;
        }
        if let Some(aud) = aud {
            self.str_member(Claim::Aud, aud)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<usize> {
        self.put(b"}")?;
        Ok(self.pos)
    }
}

/// What a [`SessionTable`] slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Free,
    Used,
    Grace,
    Revoked,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    kind: Kind,
    len: u8,
    id: [u8; MAX_ID_LEN],
    until: u64,
}

impl Record {
    const FREE: Record = Record {
        kind: Kind::Free,
        len: 0,
        id: [0; MAX_ID_LEN],
        until: 0,
    };

    fn is(&self, kind: Kind, id: Id<'_>, now: u64) -> bool {
        self.kind == kind
            && self.until > now
            && self.id.get(..usize::from(self.len)) == Some(id.as_str().as_bytes())
    }
}

/// The session store for one process without an allocator (firmware, tests): `N` records of
/// `used(jti)` / `revoked(fam)` with expiries, in a fixed table (about `80·N` bytes).
///
/// Every operation is one `&mut self` call, hence atomic. A record is never evicted while it
/// is alive: when the table holds `N` live records, writes fail with
/// [`Error::StoreUnavailable`] (fail closed), so size `N` for the refreshes expected within
/// one refresh lifetime. Expired records are reused in place.
#[derive(Debug, Clone)]
pub struct SessionTable<const N: usize> {
    records: [Record; N],
}

impl<const N: usize> Default for SessionTable<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> SessionTable<N> {
    /// An empty table.
    pub const fn new() -> Self {
        Self {
            records: [Record::FREE; N],
        }
    }

    /// Decides a refresh with `policy` and records the outcome, atomically.
    ///
    /// # Errors
    /// [`Error::StoreUnavailable`] if the decision needs a record and the table is full.
    pub fn use_refresh(
        &mut self,
        policy: &SessionPolicy,
        token: &RefreshToken<'_>,
        now: u64,
    ) -> Result<RefreshDecision> {
        let seen = Seen {
            family_revoked: self.find(Kind::Revoked, token.fam, now).is_some(),
            jti_used: self.find(Kind::Used, token.jti, now).is_some(),
            in_grace: self.find(Kind::Grace, token.jti, now).is_some(),
        };
        let decision = policy.on_refresh(seen, token.exp, now);
        match decision {
            RefreshDecision::Rotate {
                used_until,
                grace_until,
            } => {
                self.put(Kind::Used, token.jti, used_until, now)?;
                if let Some(until) = grace_until {
                    self.put(Kind::Grace, token.jti, until, now)?;
                }
            }
            RefreshDecision::Reused { revoke_until } => {
                self.put(Kind::Revoked, token.fam, revoke_until, now)?
            }
            RefreshDecision::Revoked | RefreshDecision::Repeat => {}
        }
        Ok(decision)
    }

    /// Revokes a family until `until` (logout: [`SessionPolicy::family_until`]). An existing
    /// record is only ever extended.
    ///
    /// # Errors
    /// [`Error::StoreUnavailable`] if the table is full.
    pub fn revoke_family(&mut self, fam: Id<'_>, until: u64, now: u64) -> Result<()> {
        self.put(Kind::Revoked, fam, until, now)
    }

    /// Whether `fam` is revoked at `now`.
    pub fn is_family_revoked(&self, fam: Id<'_>, now: u64) -> bool {
        self.find(Kind::Revoked, fam, now).is_some()
    }

    /// Live records at `now`.
    pub fn live(&self, now: u64) -> usize {
        self.records
            .iter()
            .filter(|r| r.kind != Kind::Free && r.until > now)
            .count()
    }

    fn find(&self, kind: Kind, id: Id<'_>, now: u64) -> Option<usize> {
        self.records.iter().position(|r| r.is(kind, id, now))
    }

    fn put(&mut self, kind: Kind, id: Id<'_>, until: u64, now: u64) -> Result<()> {
        let index = self
            .find(kind, id, now)
            .or_else(|| {
                self.records
                    .iter()
                    .position(|r| r.kind == Kind::Free || r.until <= now)
            })
            .ok_or(Error::StoreUnavailable)?;
        let slot = self.records.get_mut(index).ok_or(Error::StoreUnavailable)?;
        if slot.is(kind, id, now) {
            slot.until = slot.until.max(until);
            return Ok(());
        }
        let bytes = id.as_str().as_bytes();
        let mut record = Record {
            kind,
            len: u8::try_from(bytes.len()).map_err(|_| Error::InvalidParams)?,
            until,
            ..Record::FREE
        };
        record
            .id
            .get_mut(..bytes.len())
            .ok_or(Error::InvalidParams)?
            .copy_from_slice(bytes);
        *slot = record;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_700_000_000;

    fn policy() -> Result<SessionPolicy> {
        SessionPolicy::new(900, 604_800)?.with_leeway(30)
    }

    #[test]
    fn session_retired_key_is_trusted_until_its_last_refresh_token_expires() -> Result<()> {
        let p = policy()?;
        let until = T + 604_800 + 30;
        assert_eq!(p.key_retired_until(T), Ok(until));
        assert_eq!(p.check_key_retired(T, T), Ok(until));
        assert!(p.key_still_trusted(T, T));
        assert!(p.key_still_trusted(T, until - 1));
        assert!(!p.key_still_trusted(T, until));
        assert!(!p.key_still_trusted(T, u64::MAX));
        // The grace window does not extend it (see `key_retired_until`).
        assert_eq!(p.with_grace(10)?.key_retired_until(T), Ok(until));
        Ok(())
    }

    #[test]
    fn session_retired_key_overflow_is_a_typed_error() -> Result<()> {
        let p = policy()?;
        let last = u64::MAX - 604_800 - 30;
        assert_eq!(p.key_retired_until(last), Ok(u64::MAX));
        assert_eq!(p.key_retired_until(last + 1), Err(Error::InvalidParams));
        assert_eq!(p.key_retired_until(u64::MAX), Err(Error::InvalidParams));
        assert_eq!(
            p.check_key_retired(u64::MAX, u64::MAX),
            Err(Error::InvalidParams)
        );
        assert!(!p.key_still_trusted(u64::MAX, u64::MAX));
        Ok(())
    }

    #[test]
    fn session_retired_key_in_the_future_is_refused() -> Result<()> {
        let p = policy()?;
        // The leeway allows for the signer's clock running ahead.
        assert_eq!(p.check_key_retired(T + 30, T), Ok(T + 30 + 604_800 + 30));
        assert!(p.key_still_trusted(T + 30, T));
        assert_eq!(p.check_key_retired(T + 31, T), Err(Error::InvalidParams));
        assert!(!p.key_still_trusted(T + 31, T));
        // Milliseconds given for seconds.
        assert_eq!(p.check_key_retired(T * 1000, T), Err(Error::InvalidParams));
        // Without leeway, one second ahead is already refused.
        assert_eq!(
            SessionPolicy::DEFAULT.check_key_retired(T + 1, T),
            Err(Error::InvalidParams)
        );
        Ok(())
    }

    #[test]
    fn session_retired_key_long_ago_is_accepted_and_untrusted() -> Result<()> {
        let p = policy()?;
        assert_eq!(p.check_key_retired(0, T), Ok(604_830));
        assert!(!p.key_still_trusted(0, T));
        assert!(p.key_still_trusted(0, 604_829));
        let gone = T - 604_800 - 31;
        assert_eq!(p.check_key_retired(gone, T), Ok(T - 1));
        assert!(!p.key_still_trusted(gone, T));
        Ok(())
    }
}
