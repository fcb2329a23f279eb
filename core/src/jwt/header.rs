//! The JOSE header: parsing with a strict allow-list, and writing.

use super::alg::Alg;
use super::json::{self, JsonStr};
use super::key::{kid_ok, Kid, MAX_KID_LEN};
use crate::error::{Error, Result};

/// The HS256 algorithm name ([`super::alg::NAME`]); see [`Alg`] for every algorithm.
pub use super::alg::NAME as ALG;

/// Header parameters that are refused outright: `crit` (RFC 7515 §4.1.11: we understand no
/// extensions), `b64` (RFC 7797 unencoded payloads), and key-bearing parameters (`jku`, `jwk`,
/// `x5u`, `x5c`), which have no meaning for a shared-secret MAC and only serve key-injection
/// attacks.
pub const REFUSED_PARAMS: [&str; 6] = ["crit", "b64", "jku", "jwk", "x5u", "x5c"];

/// The header `typ` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typ {
    /// `JWT` (any case).
    Jwt,
    /// `at+jwt` (RFC 9068 access token, any case).
    AtJwt,
}

impl Typ {
    /// The value written into headers.
    pub const fn as_str(self) -> &'static str {
        match self {
            Typ::Jwt => "JWT",
            Typ::AtJwt => "at+jwt",
        }
    }
}

impl core::str::FromStr for Typ {
    type Err = Error;

    /// Parses a header `typ` as a caller gives it for a new token: `JWT` or `at+jwt`, in any
    /// ASCII case (RFC 7515 §4.1.9: media type names are case-insensitive), the same rule the
    /// verifier applies to a token's header.
    ///
    /// # Errors
    /// [`Error::InvalidHeader`] for any other text: a header the verifier would refuse.
    fn from_str(s: &str) -> Result<Self> {
        if s.eq_ignore_ascii_case(Typ::Jwt.as_str()) {
            Ok(Typ::Jwt)
        } else if s.eq_ignore_ascii_case(Typ::AtJwt.as_str()) {
            Ok(Typ::AtJwt)
        } else {
            Err(Error::InvalidHeader)
        }
    }
}

/// What the verifier learned from a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The `alg` (`Ed25519` is read as [`Alg::EdDsa`]).
    pub alg: Alg,
    /// The `kid`, unescaped.
    pub kid: Option<Kid>,
    /// The `typ`, if present.
    pub typ: Option<Typ>,
}

impl Header {
    /// Parses and checks a decoded header. Order: JSON object (`Malformed`,
    /// `NestingTooDeep`), `alg` exactly `HS256` or `EdDSA`/`Ed25519` when the `eddsa`
    /// feature is on (`UnsupportedAlg`), then refused or mistyped parameters and duplicates
    /// (`InvalidHeader`). Whether the `alg` fits the key is the verifier's check.
    pub fn parse(doc: &[u8]) -> Result<Self> {
        let mut alg = None;
        let mut refused = false;
        let mut typ: Option<core::result::Result<Typ, ()>> = None;
        let mut kid: Option<core::result::Result<Kid, ()>> = None;
        json::for_each_member(doc, |k, v| {
            if k.eq_str("alg") {
                alg = v.as_str().and_then(Alg::from_header);
            } else if k.eq_str("typ") {
                typ = Some(v.as_str().and_then(parse_typ).ok_or(()));
            } else if k.eq_str("kid") {
                kid = Some(v.as_str().and_then(parse_kid).ok_or(()));
            } else if REFUSED_PARAMS.iter().any(|p| k.eq_str(p)) {
                refused = true;
            }
            Ok(())
        })?;
        let alg = alg.ok_or(Error::UnsupportedAlg)?;
        if refused {
            return Err(Error::InvalidHeader);
        }
        // Any member twice (`alg`, `kid`, a private parameter…): readers that keep the first
        // and the last copy would see two different headers. The same rule as `decode_header`.
        json::check_distinct_members(doc, Error::InvalidHeader)?;
        Ok(Self {
            alg,
            typ: typ.transpose().map_err(|_| Error::InvalidHeader)?,
            kid: kid.transpose().map_err(|_| Error::InvalidHeader)?,
        })
    }

    /// Writes `{"alg":…[,"kid":…],"typ":…}` (keys sorted, as PyJWT does) into `out`.
    pub(crate) fn write(out: &mut [u8], alg: Alg, kid: Option<&str>, typ: Typ) -> Result<usize> {
        let mut pos = 0;
        let start: &[u8] = match alg {
            Alg::Hs256 => &super::alg::HEADER_START,
            #[cfg(feature = "eddsa")]
            Alg::EdDsa => &super::alg::eddsa::HEADER_START,
        };
        json::put(out, &mut pos, start)?;
        if let Some(kid) = kid {
            json::put(out, &mut pos, b",\"kid\":")?;
            json::write_str(out, &mut pos, kid)?;
        }
        json::put(out, &mut pos, b",\"typ\":")?;
        json::write_str(out, &mut pos, typ.as_str())?;
        json::put(out, &mut pos, b"}")?;
        Ok(pos)
    }
}

fn parse_typ(s: JsonStr<'_>) -> Option<Typ> {
    if s.eq_ignore_ascii_case(Typ::Jwt.as_str()) {
        Some(Typ::Jwt)
    } else if s.eq_ignore_ascii_case(Typ::AtJwt.as_str()) {
        Some(Typ::AtJwt)
    } else {
        None
    }
}

fn parse_kid(s: JsonStr<'_>) -> Option<Kid> {
    let mut buf = [0u8; MAX_KID_LEN];
    let text = s.unescape_into(&mut buf).ok()?;
    if !kid_ok(text) {
        return None;
    }
    Kid::try_from(text).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_headers() {
        let h = Header::parse(br#"{"alg":"HS256","typ":"JWT"}"#).unwrap();
        assert_eq!(h.typ, Some(Typ::Jwt));
        assert_eq!(h.kid, None);
        let h = Header::parse(br#"{"typ":"At+JWT","kid":"k\u0031","alg":"HS256"}"#).unwrap();
        assert_eq!(h.typ, Some(Typ::AtJwt));
        assert_eq!(h.kid.as_deref(), Some("k1"));
        assert!(Header::parse(br#"{"alg":"HS\u0032\u00356","cty":"x"}"#).is_ok());
    }

    #[test]
    fn typ_text_is_read_as_the_verifier_reads_it() {
        for (text, typ) in [("JWT", Typ::Jwt), ("jwt", Typ::Jwt), ("AT+JWT", Typ::AtJwt)] {
            assert_eq!(text.parse::<Typ>(), Ok(typ));
            let doc = std::format!(r#"{{"alg":"HS256","typ":"{text}"}}"#);
            assert_eq!(Header::parse(doc.as_bytes()).unwrap().typ, Some(typ));
        }
        for bad in ["", "JWS", "at+jwt ", "application/jwt"] {
            assert_eq!(bad.parse::<Typ>(), Err(Error::InvalidHeader), "{bad}");
            let doc = std::format!(r#"{{"alg":"HS256","typ":"{bad}"}}"#);
            assert_eq!(Header::parse(doc.as_bytes()), Err(Error::InvalidHeader));
        }
    }

    #[test]
    fn refuses_any_member_twice() {
        for h in [
            &br#"{"alg":"HS256","cty":"x","cty":"y"}"#[..],
            br#"{"alg":"HS256","x-a":1,"\u0078-a":2}"#,
            br#"{"alg":"HS256","kid":"a","kid":"a"}"#,
            br#"{"typ":"JWT","alg":"HS256","typ":"JWT"}"#,
        ] {
            assert_eq!(Header::parse(h).unwrap_err(), Error::InvalidHeader);
        }
        assert!(Header::parse(br#"{"alg":"HS256","cty":"x","x":{"cty":1}}"#).is_ok());
    }

    #[test]
    fn refuses_other_algorithms() {
        for h in [
            &br#"{"alg":"none"}"#[..],
            br#"{"alg":"None"}"#,
            br#"{"alg":"hs256"}"#,
            br#"{"alg":"HS512"}"#,
            br#"{"alg":"RS256"}"#,
            br#"{"alg":"HS256 "}"#,
            br#"{"alg":["HS256"]}"#,
            br#"{"typ":"JWT"}"#,
        ] {
            assert_eq!(Header::parse(h).unwrap_err(), Error::UnsupportedAlg);
        }
    }

    #[test]
    fn refuses_dangerous_or_malformed_parameters() {
        for h in [
            &br#"{"alg":"HS256","crit":["exp"]}"#[..],
            br#"{"alg":"HS256","b64":false}"#,
            br#"{"alg":"HS256","jku":"https://x"}"#,
            br#"{"alg":"HS256","jwk":{}}"#,
            br#"{"alg":"HS256","x5u":"x"}"#,
            br#"{"alg":"HS256","x5c":[]}"#,
            br#"{"alg":"HS256","typ":"JOSE"}"#,
            br#"{"alg":"HS256","typ":1}"#,
            br#"{"alg":"HS256","kid":1}"#,
            br#"{"alg":"HS256","kid":""}"#,
            br#"{"alg":"HS256","kid":"a\"b"}"#,
            br#"{"alg":"HS256","kid":"a\u0000"}"#,
            br#"{"alg":"HS256","kid":"\u00e9"}"#,
            br#"{"alg":"HS256","alg":"HS256"}"#,
            br#"{"alg":"HS256","kid":"a","kid":"b"}"#,
        ] {
            assert_eq!(Header::parse(h).unwrap_err(), Error::InvalidHeader, "{h:?}");
        }
        let long = std::format!("{{\"alg\":\"HS256\",\"kid\":\"{}\"}}", "k".repeat(65));
        assert_eq!(
            Header::parse(long.as_bytes()).unwrap_err(),
            Error::InvalidHeader
        );
        assert_eq!(Header::parse(b"[]").unwrap_err(), Error::Malformed);
    }

    #[test]
    fn writes_sorted_header() {
        let mut out = [0u8; 64];
        let n = Header::write(&mut out, Alg::Hs256, Some("k2"), Typ::Jwt).unwrap();
        assert_eq!(&out[..n], br#"{"alg":"HS256","kid":"k2","typ":"JWT"}"#);
    }
}
