//! encode → verify round trip with arbitrary claims.
//!
//! Claims are built with `arbitrary` (registered claims with valid types and times, plus custom
//! claims holding arbitrary JSON values and strings with any characters), serialized with
//! serde_json (compact or pretty), signed with `encode_json` under an arbitrary `kid`/`typ`, and
//! verified with a validation that expects exactly those claims. The token must verify, its
//! length must equal `encoded_len`, and the verified payload must be the very bytes that were
//! signed. The same claims also go through `encode` (serde-json-core) and must come back equal
//! as JSON values.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use authcore::jwt::{self, EncodeOptions, Key, Typ, Validation};
use authcore_fuzz::{NOW, SECRET};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

const REGISTERED: [&str; 11] = [
    "exp", "nbf", "iat", "iss", "sub", "aud", "jti", "typ", "scope", "fam", "roles",
];

#[derive(Debug, Arbitrary)]
struct Input {
    exp_ahead: u32,
    nbf_back: Option<u32>,
    iat_back: Option<u32>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<(bool, Vec<String>)>,
    jti: Option<String>,
    typ: Option<String>,
    scope: Option<String>,
    roles: Option<Vec<String>>,
    custom: Vec<(String, Leaf)>,
    kid: Option<String>,
    at_jwt: bool,
    pretty: bool,
}

/// A JSON value of bounded depth.
#[derive(Debug)]
struct Leaf(Value);

impl<'a> Arbitrary<'a> for Leaf {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        fn go(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
            let max = if depth >= 8 { 5 } else { 7 };
            Ok(match u.int_in_range(0..=max)? {
                0 => Value::Null,
                1 => Value::Bool(u.arbitrary()?),
                2 => Value::from(u.arbitrary::<i64>()?),
                3 => Value::from(u.arbitrary::<u64>()?),
                4 => {
                    serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number)
                }
                5 => Value::String(u.arbitrary()?),
                6 => {
                    let n = u.int_in_range(0..=4)?;
                    Value::Array((0..n).map(|_| go(u, depth + 1)).collect::<Result<_, _>>()?)
                }
                _ => {
                    let n = u.int_in_range(0..=4)?;
                    let mut m = Map::new();
                    for _ in 0..n {
                        m.insert(u.arbitrary()?, go(u, depth + 1)?);
                    }
                    Value::Object(m)
                }
            })
        }
        go(u, 2).map(Leaf)
    }
}

#[derive(serde::Serialize)]
struct Typed<'a> {
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [String]>,
}

fuzz_target!(|input: Input| {
    let exp = NOW + 1 + u64::from(input.exp_ahead);
    let nbf = input.nbf_back.map(|b| NOW - u64::from(b) % NOW);
    let iat = input.iat_back.map(|b| NOW - u64::from(b) % NOW);
    let mut m = Map::new();
    m.insert("exp".into(), exp.into());
    if let Some(n) = nbf {
        m.insert("nbf".into(), n.into());
    }
    if let Some(i) = iat {
        m.insert("iat".into(), i.into());
    }
    let strings = [
        ("iss", &input.iss),
        ("sub", &input.sub),
        ("jti", &input.jti),
        ("typ", &input.typ),
        ("scope", &input.scope),
    ];
    for (name, value) in strings {
        if let Some(s) = value {
            m.insert(name.into(), s.clone().into());
        }
    }
    let aud_expected: Option<&str> = match &input.aud {
        Some((true, list)) if list.len() == 1 => {
            m.insert("aud".into(), list[0].clone().into());
            Some(list[0].as_str())
        }
        Some((_, list)) => {
            m.insert("aud".into(), list.clone().into());
            list.last().map(String::as_str)
        }
        None => None,
    };
    if let Some(r) = &input.roles {
        m.insert("roles".into(), r.clone().into());
    }
    let mut required = vec!["exp"];
    for (k, v) in &input.custom {
        if REGISTERED.contains(&k.as_str()) || m.contains_key(k) {
            continue;
        }
        m.insert(k.clone(), v.0.clone());
    }
    // Required custom claims (at most 16 names in all, null counts as absent).
    for (k, v) in &m {
        if required.len() < 16 && !REGISTERED.contains(&k.as_str()) && !v.is_null() {
            required.push(k.as_str());
        }
    }
    let doc = Value::Object(m.clone());
    if authcore_fuzz::depth(&doc) > 32 {
        return;
    }
    let payload = if input.pretty {
        serde_json::to_vec_pretty(&doc).unwrap()
    } else {
        serde_json::to_vec(&doc).unwrap()
    };

    let key = match &input.kid {
        Some(kid) => match Key::with_kid(SECRET, kid) {
            Ok(k) => k,
            Err(e) => {
                assert_eq!(e, authcore::Error::InvalidKey);
                return;
            }
        },
        None => Key::new(SECRET).unwrap(),
    };
    let typ = if input.at_jwt { Typ::AtJwt } else { Typ::Jwt };
    let opts = EncodeOptions { typ, kid: None };
    let len = jwt::encoded_len(payload.len(), key.kid(), typ);
    let mut out = vec![0u8; len];
    let n = jwt::encode_json(&payload, &key, &opts, &mut out).unwrap();
    assert_eq!(n, len);
    let mut short = vec![0u8; len - 1];
    assert_eq!(
        jwt::encode_json(&payload, &key, &opts, &mut short),
        Err(authcore::Error::BufferTooSmall)
    );
    let token = &out[..n];

    let iss_list = input.iss.as_deref().map(|i| [i]);
    let aud_list = aud_expected.map(|a| [a]);
    let mut v = Validation::new().required(&required);
    v.issuer = iss_list.as_ref().map(|l| &l[..]);
    v.audience = aud_list.as_ref().map(|l| &l[..]);
    v.verify_aud = !matches!(&input.aud, Some((_, l)) if l.is_empty());
    v.subject = input.sub.as_deref();
    v.token_type = input.typ.as_deref();
    v.max_token_len = token.len();
    let mut buf = vec![0u8; token.len()];
    let verified = jwt::verify(token, &key, &v, NOW, &mut buf).unwrap();
    assert_eq!(verified.payload, &payload[..]);
    assert_eq!(verified.header.kid.as_deref(), key.kid());
    assert_eq!(verified.header.typ, Some(typ));
    assert_eq!(
        (
            verified.claims.exp,
            verified.claims.nbf,
            verified.claims.iat
        ),
        (Some(exp), nbf, iat)
    );
    if let Some(roles) = &input.roles {
        let mut got = Vec::new();
        verified
            .claims
            .for_each_role(|r| got.push(r.chars().collect::<String>()));
        assert_eq!(&got, roles);
    }

    // The serde path (serde-json-core) must produce JSON that means the same thing.
    let typed = Typed {
        exp,
        nbf,
        iat,
        iss: input.iss.as_deref(),
        sub: input.sub.as_deref(),
        jti: input.jti.as_deref(),
        roles: input.roles.as_deref(),
    };
    let mut out2 = vec![0u8; 8 * len + 1024];
    let n2 = jwt::encode(&typed, &key, &mut out2).unwrap();
    let mut v2 = Validation::new();
    v2.issuer = v.issuer;
    v2.subject = v.subject;
    v2.max_token_len = n2;
    let mut buf2 = vec![0u8; n2];
    let verified2 = jwt::verify(&out2[..n2], &key, &v2, NOW, &mut buf2).unwrap();
    let back: Value = serde_json::from_slice(verified2.payload).unwrap();
    assert_eq!(back, serde_json::to_value(&typed).unwrap());
});
