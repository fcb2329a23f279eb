//! Registered claims: typed extraction from a payload, then validation against [`Validation`].

use super::json::{self, JsonStr, Value};
use super::validation::{Validation, MAX_REQUIRED};
use crate::error::{Claim, Error, Result};

/// The payload `typ` value of refresh tokens.
pub const REFRESH: &str = "refresh";
/// The payload `typ` value of access tokens.
pub const ACCESS: &str = "access";

/// The `aud` claim: one string or an array of strings (raw array text, validated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience<'a> {
    /// `"aud": "x"`
    One(JsonStr<'a>),
    /// `"aud": ["x", "y"]` (raw array text; every element is a string).
    Many(&'a [u8]),
}

impl<'a> Audience<'a> {
    /// Calls `f` for each audience value.
    pub fn for_each(&self, mut f: impl FnMut(JsonStr<'a>)) {
        match self {
            Audience::One(s) => f(*s),
            Audience::Many(raw) => {
                let _ = json::for_each_element(raw, |v| {
                    if let Some(s) = v.as_str() {
                        f(s);
                    }
                    Ok(())
                });
            }
        }
    }

    /// True when any value equals any of `expected`.
    pub fn matches_any(&self, expected: &[&str]) -> bool {
        let mut hit = false;
        self.for_each(|s| hit |= expected.iter().any(|e| s.eq_str(e)));
        hit
    }
}

/// The registered claims of a payload, typed. String claims keep their raw (escaped) text;
/// compare them with [`JsonStr::eq_str`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Claims<'a> {
    /// `exp`, Unix seconds.
    pub exp: Option<u64>,
    /// `nbf`, Unix seconds.
    pub nbf: Option<u64>,
    /// `iat`, Unix seconds.
    pub iat: Option<u64>,
    /// `iss`
    pub iss: Option<JsonStr<'a>>,
    /// `sub`
    pub sub: Option<JsonStr<'a>>,
    /// `aud`
    pub aud: Option<Audience<'a>>,
    /// `jti`
    pub jti: Option<JsonStr<'a>>,
    /// Payload `typ` (token type: `access`, `refresh`, …).
    pub typ: Option<JsonStr<'a>>,
    /// `scope` (space-delimited OAuth2 scopes).
    pub scope: Option<JsonStr<'a>>,
    /// `fam` (refresh-token family id).
    pub fam: Option<JsonStr<'a>>,
    /// `roles`: raw value (a string, or an array of strings).
    pub roles: Option<Value<'a>>,
}

/// The registered claim a key's unescaped text names, if any.
#[inline]
fn registered(key: &[u8]) -> Option<Claim> {
    if cfg!(feature = "size_opt") {
        // A search over the names `Claim::name` already holds, instead of a byte-pattern tree.
        return Claim::ALL
            .into_iter()
            .find(|c| c.name().is_some_and(|n| n.as_bytes() == key));
    }
    by_pattern(key)
}

/// [`registered`] as a tree of byte patterns (the verifier's fast path). The patterns spell
/// [`Claim::NAMES`]; the build checks that each name finds its own claim (below) and a test
/// that near misses find none.
const fn by_pattern(key: &[u8]) -> Option<Claim> {
    Some(match key {
        [b'e', b'x', b'p'] => Claim::Exp,
        [b'n', b'b', b'f'] => Claim::Nbf,
        [b'i', b'a', b't'] => Claim::Iat,
        [b'i', b's', b's'] => Claim::Iss,
        [b's', b'u', b'b'] => Claim::Sub,
        [b'a', b'u', b'd'] => Claim::Aud,
        [b'j', b't', b'i'] => Claim::Jti,
        [b't', b'y', b'p'] => Claim::Typ,
        [b's', b'c', b'o', b'p', b'e'] => Claim::Scope,
        [b'f', b'a', b'm'] => Claim::Fam,
        [b'r', b'o', b'l', b'e', b's'] => Claim::Roles,
        _ => return None,
    })
}

#[allow(clippy::indexing_slicing, clippy::panic)] // const evaluation: a failure is a build error
const _: () = {
    let mut i = 0;
    while i < Claim::NAMES.len() {
        let found = match by_pattern(Claim::NAMES[i].as_bytes()) {
            Some(claim) => claim.position(),
            None => None,
        };
        match found {
            Some(p) if p == i => {}
            _ => panic!("the byte patterns disagree with Claim::NAMES"),
        }
        i += 1;
    }
    // A set of registered claims is a u16 whose bit 15 stands for custom claims.
    assert!(Claim::ALL.len() < 15);
};

/// The claim's bit in a set of registered claims: its position in [`Claim::ALL`].
const fn bit(c: Claim) -> u16 {
    1 << match c.position() {
        Some(i) => i,
        None => 15,
    }
}

impl<'a> Claims<'a> {
    /// Parses a payload: a JSON object within the depth bound, registered claims well typed
    /// (numeric dates non-negative integers fitting `u64`; `iss`, `sub`, `jti`, `typ`,
    /// `scope`, `fam` strings; `aud` a string or an array of strings; `roles` a string or an
    /// array of strings), no name twice anywhere in the payload (compared after unescaping):
    /// a registered claim twice is `DuplicateClaim`, any other repeated name `Malformed`.
    /// `required` names are checked for presence; a missing one is reported as
    /// `MissingClaim`.
    pub fn parse(payload: &'a [u8], required: &[&str]) -> Result<Self> {
        if required.len() > MAX_REQUIRED {
            return Err(Error::InvalidParams);
        }
        // Required names that are registered claims become a bit set; the others are
        // compared with the keys that are not registered claims.
        let mut required_registered: u16 = 0;
        let mut custom: u16 = 0;
        for (i, name) in required.iter().enumerate() {
            match registered(name.as_bytes()) {
                Some(claim) => required_registered |= bit(claim),
                None => custom |= 1 << i,
            }
        }
        let mut c = Claims::default();
        let mut seen: u16 = 0;
        let mut present: u16 = 0;
        let mut seen_custom: u16 = 0;
        let mut kbuf = [0u8; 64];
        json::for_each_unique_member(payload, |key, value| {
            let text = key.text(&mut kbuf);
            let Some(claim) = text.and_then(registered) else {
                if custom != 0 && !matches!(value, Value::Null) {
                    for (i, name) in required.iter().enumerate() {
                        let hit = match text {
                            Some(t) => t == name.as_bytes(),
                            None => key.eq_str(name),
                        };
                        if custom & (1 << i) != 0 && hit {
                            seen_custom |= 1 << i;
                        }
                    }
                }
                return Ok(());
            };
            if seen & bit(claim) != 0 {
                return Err(Error::DuplicateClaim(claim));
            }
            seen |= bit(claim);
            if !matches!(value, Value::Null) {
                present |= bit(claim);
            }
            c.set(claim, value)
        })?;
        if required_registered & !present != 0 || custom & !seen_custom != 0 {
            // Report the first missing name, in the caller's order.
            for (i, name) in required.iter().enumerate() {
                let missing = match registered(name.as_bytes()) {
                    Some(claim) if present & bit(claim) == 0 => Some(claim),
                    None if seen_custom & (1 << i) == 0 => Some(Claim::Required(i as u8)),
                    _ => None,
                };
                if let Some(claim) = missing {
                    return Err(Error::MissingClaim(claim));
                }
            }
        }
        Ok(c)
    }

    fn set(&mut self, claim: Claim, v: Value<'a>) -> Result<()> {
        let bad = Error::InvalidClaim(claim);
        if claim == Claim::Aud && matches!(v, Value::Null) {
            // `"aud": null` is an absent audience (PyJWT's rule): no claim to check.
            return Ok(());
        }
        let date = |v: &Value<'_>| v.as_u64().ok_or(bad);
        let string = |v: &Value<'a>| v.as_str().ok_or(bad);
        match claim {
            Claim::Exp => self.exp = Some(date(&v)?),
            Claim::Nbf => self.nbf = Some(date(&v)?),
            Claim::Iat => self.iat = Some(date(&v)?),
            Claim::Iss => self.iss = Some(string(&v)?),
            Claim::Sub => self.sub = Some(string(&v)?),
            Claim::Jti => self.jti = Some(string(&v)?),
            Claim::Typ => self.typ = Some(string(&v)?),
            Claim::Scope => self.scope = Some(string(&v)?),
            Claim::Fam => self.fam = Some(string(&v)?),
            Claim::Roles => {
                match v {
                    Value::Str(_) => {}
                    Value::Array(raw) => {
                        json::for_each_element(raw, |e| e.as_str().map(|_| ()).ok_or(bad))?
                    }
                    _ => return Err(bad),
                }
                self.roles = Some(v);
            }
            Claim::Aud => {
                self.aud = Some(match v {
                    Value::Str(s) => Audience::One(s),
                    Value::Array(raw) => {
                        json::for_each_element(raw, |e| e.as_str().map(|_| ()).ok_or(bad))?;
                        Audience::Many(raw)
                    }
                    _ => return Err(bad),
                })
            }
            Claim::Required(_) => {}
        }
        Ok(())
    }

    /// How long a verdict of [`Self::validate`] stands: claims it accepted at `t0` it accepts
    /// at every `t` with `t0 <= t < accepted_until(v)`. Of its rules only the time rules
    /// depend on `now`, and only `exp` can refuse a later moment (`iat` and `nbf` refuse
    /// moments *before* a time), from `exp + leeway` on; without `exp`, or with
    /// `verify_exp` off, `u64::MAX`. What lets a caller remember a verified token (a cache
    /// keyed by the whole token, for one key set and one [`Validation`]) without changing a
    /// single verdict.
    pub fn accepted_until(&self, v: &Validation<'_>) -> u64 {
        match self.exp {
            Some(exp) if v.verify_exp => exp.saturating_add(v.leeway),
            _ => u64::MAX,
        }
    }

    /// Applies the time, issuer, audience, subject and token-type rules, in PyJWT's order:
    /// `iat`, `nbf`, `exp`, then `iss`, `aud`, `sub`, then the token type.
    pub fn validate(&self, v: &Validation<'_>, now: u64) -> Result<()> {
        if v.verify_iat
            && self
                .iat
                .is_some_and(|iat| iat > now.saturating_add(v.leeway))
        {
            return Err(Error::IssuedInFuture);
        }
        if v.verify_nbf
            && self
                .nbf
                .is_some_and(|nbf| nbf > now.saturating_add(v.leeway))
        {
            return Err(Error::NotYetValid);
        }
        if v.verify_exp
            && self
                .exp
                .is_some_and(|exp| exp.saturating_add(v.leeway) <= now)
        {
            return Err(Error::Expired);
        }
        if let Some(issuers) = v.issuer {
            let iss = self.iss.ok_or(Error::MissingClaim(Claim::Iss))?;
            if !issuers.iter().any(|i| iss.eq_str(i)) {
                return Err(Error::InvalidIssuer);
            }
        }
        if v.verify_aud {
            match (v.audience, self.aud) {
                (None, None) => {}
                (None, Some(_)) => return Err(Error::InvalidAudience),
                (Some(_), None) => return Err(Error::MissingClaim(Claim::Aud)),
                (Some(expected), Some(aud)) => {
                    let strict_ok = match (expected, aud) {
                        ([one], Audience::One(have)) => have.eq_str(one),
                        _ => false,
                    };
                    if (v.strict_aud && !strict_ok) || !aud.matches_any(expected) {
                        return Err(Error::InvalidAudience);
                    }
                }
            }
        }
        if let Some(expected) = v.subject {
            if !self.sub.is_some_and(|s| s.eq_str(expected)) {
                return Err(Error::InvalidSubject);
            }
        }
        match (v.token_type, self.typ) {
            (Some(want), Some(have)) if have.eq_str(want) => Ok(()),
            (Some(_), _) => Err(Error::WrongTokenType),
            (None, Some(have)) if have.eq_str(REFRESH) => Err(Error::WrongTokenType),
            (None, _) => Ok(()),
        }
    }

    /// Calls `f` for each role in the `roles` claim (a single role string, or an array of
    /// strings).
    pub fn for_each_role(&self, mut f: impl FnMut(JsonStr<'a>)) {
        match self.roles {
            Some(Value::Str(s)) => f(s),
            Some(Value::Array(raw)) => {
                let _ = json::for_each_element(raw, |e| {
                    if let Some(s) = e.as_str() {
                        f(s);
                    }
                    Ok(())
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn parse(p: &str) -> Result<Claims<'_>> {
        Claims::parse(p.as_bytes(), &["exp"])
    }

    #[test]
    fn types_registered_claims() {
        let c = parse(r#"{"exp":10,"nbf":1,"iat":2,"iss":"i","sub":"s","aud":["a","b"],"jti":"j","typ":"access","x":[1]}"#).unwrap();
        assert_eq!((c.exp, c.nbf, c.iat), (Some(10), Some(1), Some(2)));
        assert!(c.aud.unwrap().matches_any(&["b"]));
        assert!(!c.aud.unwrap().matches_any(&["c"]));
        for (p, claim) in [
            (r#"{"exp":1.5}"#, Claim::Exp),
            (r#"{"exp":"1"}"#, Claim::Exp),
            (r#"{"exp":-1}"#, Claim::Exp),
            (r#"{"exp":1e3}"#, Claim::Exp),
            (r#"{"exp":99999999999999999999}"#, Claim::Exp),
            (r#"{"exp":1,"nbf":null}"#, Claim::Nbf),
            (r#"{"exp":1,"iat":true}"#, Claim::Iat),
            (r#"{"exp":1,"sub":42}"#, Claim::Sub),
            (r#"{"exp":1,"iss":["x"]}"#, Claim::Iss),
            (r#"{"exp":1,"aud":["x",1]}"#, Claim::Aud),
            (r#"{"exp":1,"aud":{}}"#, Claim::Aud),
            (r#"{"exp":1,"jti":1}"#, Claim::Jti),
        ] {
            assert_eq!(parse(p).unwrap_err(), Error::InvalidClaim(claim), "{p}");
        }
    }

    #[test]
    fn registered_names_and_bits_agree() {
        let mut bits = 0u16;
        for (i, c) in Claim::ALL.into_iter().enumerate() {
            assert_eq!(bit(c), 1 << i);
            assert_eq!(registered(c.name().unwrap().as_bytes()), Some(c));
            assert_eq!(by_pattern(c.name().unwrap().as_bytes()), Some(c));
            assert_eq!(bits & bit(c), 0);
            bits |= bit(c);
        }
        // Every one-letter change, truncation and extension of a name is no claim.
        for name in Claim::NAMES {
            let name = name.as_bytes();
            for i in 0..name.len() {
                let mut near = name.to_vec();
                for b in 0..=255u8 {
                    near[i] = b;
                    if !Claim::NAMES.iter().any(|n| n.as_bytes() == near) {
                        assert_eq!(registered(&near), None);
                        assert_eq!(by_pattern(&near), None);
                    }
                }
                assert_eq!(by_pattern(&name[..i]), None);
            }
            assert_eq!(by_pattern(&[name, b"s"].concat()), None);
        }
        for other in [&b"ex"[..], b"expp", b"EXP", b"role", b"scopes", b""] {
            assert_eq!(registered(other), None);
        }
        // Required names in the caller's order, registered or not.
        assert_eq!(
            Claims::parse(br#"{"exp":1}"#, &["tenant", "iss"]).unwrap_err(),
            Error::MissingClaim(Claim::Required(0))
        );
        assert_eq!(
            Claims::parse(br#"{"exp":1,"tenant":2}"#, &["tenant", "iss"]).unwrap_err(),
            Error::MissingClaim(Claim::Iss)
        );
        assert_eq!(
            Claims::parse(br#"{"exp":1,"t\u0065nant":2}"#, &["tenant", "iss"]).unwrap_err(),
            Error::MissingClaim(Claim::Iss)
        );
    }

    #[test]
    fn duplicates_and_required() {
        assert_eq!(
            parse(r#"{"exp":1,"exp":2}"#).unwrap_err(),
            Error::DuplicateClaim(Claim::Exp)
        );
        assert_eq!(
            parse(r#"{"exp":1,"\u0065xp":2}"#).unwrap_err(),
            Error::DuplicateClaim(Claim::Exp)
        );
        assert_eq!(
            parse(r#"{"iat":1}"#).unwrap_err(),
            Error::MissingClaim(Claim::Exp)
        );
        assert_eq!(
            Claims::parse(br#"{"exp":1}"#, &["exp", "tenant"]).unwrap_err(),
            Error::MissingClaim(Claim::Required(1))
        );
        assert_eq!(
            Claims::parse(br#"{"exp":1,"tenant":null}"#, &["tenant"]).unwrap_err(),
            Error::MissingClaim(Claim::Required(0))
        );
        assert!(Claims::parse(br#"{"tenant":"t"}"#, &["tenant"]).is_ok());
    }

    #[test]
    fn time_rules_follow_pyjwt_boundaries() {
        let v = Validation::new();
        let c = parse(r#"{"exp":100}"#).unwrap();
        assert!(c.validate(&v, 99).is_ok());
        assert_eq!(c.validate(&v, 100).unwrap_err(), Error::Expired);
        assert!(c.validate(&v.leeway(1), 100).is_ok());
        let c = parse(r#"{"exp":1000,"nbf":100,"iat":50}"#).unwrap();
        assert!(c.validate(&v, 100).is_ok());
        assert_eq!(c.validate(&v, 99).unwrap_err(), Error::NotYetValid);
        assert_eq!(c.validate(&v, 49).unwrap_err(), Error::IssuedInFuture);
        let c = parse(r#"{"exp":18446744073709551615}"#).unwrap();
        assert!(c.validate(&v.leeway(u64::MAX), u64::MAX - 1).is_ok());
    }

    /// `accepted_until` against `validate` itself: for claims with and without each time
    /// claim, leeways and first-accepted moments, every moment from the acceptance up to it is
    /// accepted, and the moment it names is refused.
    #[test]
    fn accepted_until_is_where_validate_stops_accepting() {
        let payloads = [
            r#"{"exp":1000,"nbf":100,"iat":50}"#,
            r#"{"exp":1000}"#,
            r#"{"exp":1000,"iat":990}"#,
            r#"{"exp":18446744073709551615}"#,
            r#"{"nbf":100}"#,
            r#"{}"#,
        ];
        let mut checked = 0;
        for p in payloads {
            let c = Claims::parse(p.as_bytes(), &[]).unwrap();
            for leeway in [0, 1, 30, u64::MAX] {
                for verify_exp in [true, false] {
                    let mut v = Validation::new().required(&[]).leeway(leeway);
                    v.verify_exp = verify_exp;
                    let until = c.accepted_until(&v);
                    for t0 in [0, 49, 50, 99, 100, 500, 969, 999, 1029, 1030, u64::MAX - 1] {
                        if c.validate(&v, t0).is_err() {
                            continue;
                        }
                        checked += 1;
                        assert!(t0 < until, "{p} leeway {leeway}: accepted at {t0}");
                        let last = until - 1;
                        for t in [
                            t0,
                            t0 + (last - t0) / 2,
                            last.saturating_sub(1).max(t0),
                            last,
                        ] {
                            assert!(c.validate(&v, t).is_ok(), "{p} leeway {leeway} t {t}");
                        }
                        if until != u64::MAX {
                            assert_eq!(c.validate(&v, until), Err(Error::Expired), "{p}");
                        }
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn issuer_audience_subject_type() {
        let v = Validation::new();
        let c = parse(r#"{"exp":9,"iss":"u\u0041","aud":"api","sub":"alice","typ":"refresh"}"#)
            .unwrap();
        let iss = ["uA"];
        let aud = ["api"];
        let ok = v
            .issuer(&iss)
            .audience(&aud)
            .token_type(REFRESH)
            .subject("alice");
        assert!(c.validate(&ok, 1).is_ok());
        assert_eq!(
            c.validate(&ok.issuer(&["u\\u0041"]), 1).unwrap_err(),
            Error::InvalidIssuer
        );
        assert_eq!(
            c.validate(&ok.audience(&["x"]), 1).unwrap_err(),
            Error::InvalidAudience
        );
        assert_eq!(
            c.validate(&ok.subject("bob"), 1).unwrap_err(),
            Error::InvalidSubject
        );
        assert_eq!(
            c.validate(&ok.token_type(ACCESS), 1).unwrap_err(),
            Error::WrongTokenType
        );
        let mut no_aud = ok;
        no_aud.audience = None;
        assert_eq!(c.validate(&no_aud, 1).unwrap_err(), Error::InvalidAudience);
        no_aud.verify_aud = false;
        assert!(c.validate(&no_aud, 1).is_ok());
        let mut untyped = ok;
        untyped.token_type = None;
        assert_eq!(c.validate(&untyped, 1).unwrap_err(), Error::WrongTokenType);
        let bare = parse(r#"{"exp":9}"#).unwrap();
        assert_eq!(
            bare.validate(&ok, 1).unwrap_err(),
            Error::MissingClaim(Claim::Iss)
        );
        assert_eq!(
            bare.validate(&v.audience(&aud), 1).unwrap_err(),
            Error::MissingClaim(Claim::Aud)
        );
        assert_eq!(
            bare.validate(&v.token_type(ACCESS), 1).unwrap_err(),
            Error::WrongTokenType
        );
        assert!(bare.validate(&v, 1).is_ok());
    }

    #[test]
    fn roles_claim() {
        let c = parse(r#"{"exp":9,"roles":["admin","t\u0065acher"]}"#).unwrap();
        let mut n = 0;
        c.for_each_role(|r| {
            n += 1;
            assert!(r.eq_str("admin") || r.eq_str("teacher"));
        });
        assert_eq!(n, 2);
        assert!(parse(r#"{"exp":9,"roles":[1]}"#).is_err());
    }

    #[test]
    fn strict_audience_is_one_string_equal_to_the_one_expected() {
        let one = parse(r#"{"exp":9,"aud":"api"}"#).unwrap();
        let list = parse(r#"{"exp":9,"aud":["api"]}"#).unwrap();
        let mut strict = Validation::new().audience(&["api"]);
        strict.strict_aud = true;
        assert!(one.validate(&strict, 1).is_ok());
        // Loose matching accepts the array; strict matching never does.
        assert!(list
            .validate(&Validation::new().audience(&["api"]), 1)
            .is_ok());
        assert_eq!(
            list.validate(&strict, 1).unwrap_err(),
            Error::InvalidAudience
        );
        let two = ["api", "other"];
        assert_eq!(
            one.validate(
                &Validation {
                    audience: Some(&two),
                    ..strict
                },
                1
            )
            .unwrap_err(),
            Error::InvalidAudience
        );
        assert_eq!(
            one.validate(&strict.audience(&["web"]), 1).unwrap_err(),
            Error::InvalidAudience
        );
        // Off with verify_aud, and no audience expected: the usual rules.
        assert!(list
            .validate(
                &Validation {
                    verify_aud: false,
                    ..strict
                },
                1
            )
            .is_ok());
        let bare = parse(r#"{"exp":9}"#).unwrap();
        let no_expectation = Validation {
            audience: None,
            ..strict
        };
        assert!(bare.validate(&no_expectation, 1).is_ok());
    }
}
