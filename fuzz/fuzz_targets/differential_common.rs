// Shared by the `differential` (HS256) and `differential_eddsa` targets (included by both;
// their doc comments say what they check). Not a target itself.

use authcore::jwt::{self, Ed25519PublicKey, Key, Validation};
use authcore::{Claim, Error};
use authcore_fuzz::{
    ed_public, ed_seed, ed_token_from_input, is_number_out_of_range, repeats, token_from_input,
    SECRET,
};
use base64ct::{Base64UrlUnpadded, Encoding};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::de::{Deserializer as _, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

/// `FUZZ_TRACE=1` prints both verdicts for every input (for reading a corpus by hand).
static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

const ISSUERS: &[&str] = &["https://auth.example.com"];
const AUDIENCE: &[&str] = &["api"];
const SUBJECT: &str = "alice";

/// Top-level members in document order, duplicates kept, values raw.
fn members(doc: &[u8]) -> Option<Vec<(String, Box<RawValue>)>> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(String, Box<RawValue>)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = a.next_key::<String>()? {
                out.push((k, a.next_value::<Box<RawValue>>()?));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(doc);
    let m = (&mut de).deserialize_map(V).ok()?;
    de.end().ok()?;
    Some(m)
}

fn get<'m>(m: &'m [(String, Box<RawValue>)], name: &str) -> std::vec::IntoIter<&'m str> {
    let found: Vec<&str> = m
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.get())
        .collect();
    found.into_iter()
}

fn as_value(raw: &str) -> Option<Value> {
    serde_json::from_str(raw).ok()
}

fn is_uint(raw: &str) -> bool {
    !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) && raw.parse::<u64>().is_ok()
}

fn is_string(raw: &str) -> bool {
    as_value(raw).is_some_and(|v| v.is_string())
}

fn is_string_or_strings(raw: &str) -> bool {
    match as_value(raw) {
        Some(Value::String(_)) => true,
        Some(Value::Array(a)) => a.iter().all(Value::is_string),
        _ => false,
    }
}

fn nesting(raw: &[u8]) -> usize {
    // Bracket depth outside strings (the document is valid JSON when this is asked).
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in raw {
        match (in_str, esc, b) {
            (true, true, _) => esc = false,
            (true, false, b'\\') => esc = true,
            (true, false, b'"') => in_str = false,
            (false, _, b'"') => in_str = true,
            (false, _, b'{' | b'[') => {
                d += 1;
                max = max.max(d)
            }
            (false, _, b'}' | b']') => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

struct Decoded {
    header: Vec<u8>,
    payload: Vec<u8>,
}

fn decode(token: &[u8]) -> Option<Decoded> {
    let mut parts = token.split(|b| *b == b'.');
    let (h, p, _s) = (parts.next()?, parts.next()?, parts.next()?);
    Some(Decoded {
        header: Base64UrlUnpadded::decode_vec(std::str::from_utf8(h).ok()?).ok()?,
        payload: Base64UrlUnpadded::decode_vec(std::str::from_utf8(p).ok()?).ok()?,
    })
}

/// Header parameters we refuse or type-check more strictly than jsonwebtoken.
fn header_stricter(h: &[u8]) -> bool {
    if h.len() > 1024 || nesting(h) > 32 {
        return true;
    }
    let Some(m) = members(h) else { return false };
    let refused = ["crit", "b64", "jku", "jwk", "x5u", "x5c"];
    if m.iter().any(|(k, _)| refused.contains(&k.as_str())) {
        return true;
    }
    // A member name twice, at any depth (jsonwebtoken's serde reading keeps one of them).
    if repeats(h) != (false, false) {
        return true;
    }
    let typ_bad = get(&m, "typ").any(|raw| match as_value(raw) {
        Some(Value::String(t)) => {
            !t.eq_ignore_ascii_case("jwt") && !t.eq_ignore_ascii_case("at+jwt")
        }
        _ => true,
    });
    let kid_bad = get(&m, "kid").any(|raw| match as_value(raw) {
        Some(Value::String(k)) => {
            k.is_empty()
                || k.len() > 64
                || !k
                    .bytes()
                    .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        }
        _ => true,
    });
    typ_bad || kid_bad
}

/// Header parameters jsonwebtoken models (and so type-checks) but we do not use.
fn header_unused_param_mistyped(h: &[u8]) -> bool {
    let Some(m) = members(h) else { return false };
    let modeled = [
        "cty", "x5t", "x5t#S256", "enc", "zip", "url", "nonce", "typ", "kid",
    ];
    modeled.iter().any(|n| {
        get(&m, n).count() > 1
            || get(&m, n).any(|raw| !matches!(as_value(raw), Some(Value::String(_) | Value::Null)))
    })
}

const DATES: [&str; 3] = ["exp", "nbf", "iat"];
const STRINGS: [&str; 6] = ["iss", "sub", "jti", "typ", "scope", "fam"];
const LISTS: [&str; 2] = ["aud", "roles"];

/// Claims we type or check more strictly than jsonwebtoken.
fn payload_stricter(p: &[u8], now: u64) -> bool {
    if nesting(p) > 32 {
        return true;
    }
    let Some(m) = members(p) else {
        // Not an object (jsonwebtoken's derived struct also accepts an array).
        return serde_json::from_slice::<Value>(p).is_ok_and(|v| !v.is_object());
    };
    // A member name twice, at any depth, registered or not (serde_json keeps the last copy).
    if repeats(p) != (false, false) {
        return true;
    }
    let mistyped = DATES.iter().any(|n| get(&m, n).any(|r| !is_uint(r)))
        || STRINGS.iter().any(|n| get(&m, n).any(|r| !is_string(r)))
        || LISTS
            .iter()
            .any(|n| get(&m, n).any(|r| !is_string_or_strings(r)));
    let iat_future = get(&m, "iat").any(|r| r.parse::<u64>().is_ok_and(|iat| iat > now));
    let refresh = get(&m, "typ").any(|r| as_value(r) == Some(Value::from("refresh")));
    mistyped || iat_future || refresh
}

/// A time claim within 2 s of the clock: verdicts may differ on second boundaries.
fn near_now(p: &[u8], now: u64) -> bool {
    let Some(m) = members(p) else { return false };
    DATES.iter().any(|n| {
        get(&m, n).any(|r| {
            as_value(r)
                .and_then(|v| v.as_f64())
                .is_some_and(|t| (t - now as f64).abs() <= 2.0)
        })
    })
}

fn number_out_of_range(doc: &[u8]) -> bool {
    serde_json::from_slice::<Value>(doc).is_err_and(|e| is_number_out_of_range(&e))
}

/// The header names RFC 9864's `Ed25519` (we read it as `EdDSA`; jsonwebtoken does not know
/// the name).
fn fully_specified(h: &[u8]) -> bool {
    members(h).is_some_and(|m| get(&m, "alg").any(|raw| raw == "\"Ed25519\""))
}

static ED_KEY: std::sync::OnceLock<Key> = std::sync::OnceLock::new();

/// One input through both verifiers: HS256 with the shared secret, or (`ed`) EdDSA with the
/// `ed1` key of the vectors.
fn run(data: &[u8], ed: bool) {
    let seed = ed_seed();
    let input = match ed {
        false => token_from_input(data, SECRET),
        true => ed_token_from_input(data, &seed),
    };
    let Some((flags, token)) = input else {
        return;
    };
    let strict = flags & 0x02 != 0;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();

    let public = ed_public(&seed);
    let (key, alg, theirs_key) = match ed {
        false => (
            Key::new(SECRET).unwrap(),
            Algorithm::HS256,
            DecodingKey::from_secret(SECRET),
        ),
        // jsonwebtoken's `from_ed_der` takes the raw 32-byte public key.
        // Our key is parsed once per process, as in `eddsa` (key parsing is `jwk`'s target).
        true => (
            ED_KEY
                .get_or_init(|| Key::from(Ed25519PublicKey::from_bytes(&public).unwrap()))
                .clone(),
            Algorithm::EdDSA,
            DecodingKey::from_ed_der(&public),
        ),
    };
    let mut ours_v = Validation::new();
    let mut theirs_v = jsonwebtoken::Validation::new(alg);
    theirs_v.leeway = 0;
    theirs_v.validate_nbf = true;
    if strict {
        ours_v = ours_v.issuer(ISSUERS).audience(AUDIENCE).subject(SUBJECT);
        theirs_v.set_issuer(ISSUERS);
        theirs_v.set_audience(AUDIENCE);
        theirs_v.sub = Some(SUBJECT.into());
        theirs_v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    }
    let mut buf = vec![0u8; token.len()];
    let ours = jwt::verify(&token, &key, &ours_v, now, &mut buf);
    let theirs = jsonwebtoken::decode::<Value>(&token, &theirs_key, &theirs_v);

    if *TRACE.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some()) {
        eprintln!(
            "ours: {:?}  jsonwebtoken: {:?}",
            ours.as_ref().err(),
            theirs.as_ref().err().map(|e| e.kind())
        );
    }
    let decoded = decode(&token);
    let near = decoded.as_ref().is_some_and(|d| near_now(&d.payload, now));
    match (&ours, &theirs) {
        (Ok(v), Ok(t)) => {
            let ours_claims: Value = serde_json::from_slice(v.payload).unwrap();
            assert_eq!(ours_claims, t.claims, "same token, different claims");
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => {
            let d = decoded.unwrap();
            let explained = near
                || (ed && fully_specified(&d.header))
                || number_out_of_range(&d.payload)
                || number_out_of_range(&d.header)
                || header_unused_param_mistyped(&d.header);
            assert!(explained, "we accept, jsonwebtoken rejects ({e:?})");
        }
        (Err(e), Ok(_)) => {
            let d = decoded.as_ref();
            let explained = match e {
                Error::TokenTooLarge => token.len() > ours_v.max_token_len,
                // a repeated name inside a nested header member is `Malformed` (the scanner's
                // rule), at the top level `InvalidHeader`
                Error::InvalidHeader | Error::NestingTooDeep | Error::Malformed
                    if d.is_some_and(|d| header_stricter(&d.header)) =>
                {
                    true
                }
                Error::NestingTooDeep
                | Error::Malformed
                | Error::InvalidClaim(_)
                | Error::DuplicateClaim(_)
                | Error::IssuedInFuture
                | Error::WrongTokenType => d.is_some_and(|d| payload_stricter(&d.payload, now)),
                Error::InvalidIssuer | Error::MissingClaim(Claim::Iss) => {
                    d.is_some_and(|d| payload_stricter(&d.payload, now))
                }
                Error::Expired | Error::NotYetValid => near,
                _ => false,
            };
            assert!(explained, "we reject ({e:?}), jsonwebtoken accepts");
        }
    }
}
