//! End-to-end JWT behaviour: RFC 7515 A.1, round trips, verification order, rotation.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
#![cfg(feature = "jwt")]

use authcore::jwt::{self, EncodeOptions, Key, KeySet, Typ, Validation};
use authcore::{Claim, Error};
use base64ct_test::b64url;

mod base64ct_test {
    pub fn b64url(data: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut s = String::new();
        for c in data.chunks(3) {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=c.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        s
    }
}

const SECRET: &[u8] = b"an-example-secret-of-32-bytes!!!";
const NOW: u64 = 1_700_000_000;

fn key() -> Key {
    Key::new(SECRET).unwrap()
}

/// Signs arbitrary header/payload text with a valid MAC (for tests of later checks).
fn sign_raw(header: &str, payload: &str, key_bytes: &[u8]) -> String {
    use hmac_sha256::hmac;
    let input = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes())
    );
    let tag = hmac(key_bytes, input.as_bytes());
    format!("{input}.{}", b64url(&tag))
}

/// A minimal HMAC-SHA256 for test-side token forging, independent of the crate under test.
mod hmac_sha256 {
    use sha2_ref::sha256;
    pub fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
        let mut k = [0u8; 64];
        if key.len() > 64 {
            k[..32].copy_from_slice(&sha256(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
        inner.extend_from_slice(msg);
        let mut outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
        outer.extend_from_slice(&sha256(&inner));
        sha256(&outer)
    }
    mod sha2_ref {
        pub fn sha256(data: &[u8]) -> [u8; 32] {
            const K: [u32; 64] = [
                0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
                0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
                0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
                0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
                0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
                0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
                0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
                0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
                0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
                0xc67178f2,
            ];
            let mut h: [u32; 8] = [
                0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
                0x5be0cd19,
            ];
            let mut m = data.to_vec();
            let bits = (data.len() as u64) * 8;
            m.push(0x80);
            while m.len() % 64 != 56 {
                m.push(0);
            }
            m.extend_from_slice(&bits.to_be_bytes());
            for block in m.chunks(64) {
                let mut w = [0u32; 64];
                for i in 0..16 {
                    w[i] = u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap());
                }
                for i in 16..64 {
                    let s0 =
                        w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                    let s1 =
                        w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                    w[i] = w[i - 16]
                        .wrapping_add(s0)
                        .wrapping_add(w[i - 7])
                        .wrapping_add(s1);
                }
                let mut v = h;
                for i in 0..64 {
                    let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                    let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                    let t1 = v[7]
                        .wrapping_add(s1)
                        .wrapping_add(ch)
                        .wrapping_add(K[i])
                        .wrapping_add(w[i]);
                    let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                    let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                    let t2 = s0.wrapping_add(maj);
                    v = [
                        t1.wrapping_add(t2),
                        v[0],
                        v[1],
                        v[2],
                        v[3].wrapping_add(t1),
                        v[4],
                        v[5],
                        v[6],
                    ];
                }
                for i in 0..8 {
                    h[i] = h[i].wrapping_add(v[i]);
                }
            }
            let mut out = [0u8; 32];
            for i in 0..8 {
                out[4 * i..4 * i + 4].copy_from_slice(&h[i].to_be_bytes());
            }
            out
        }
    }
}

fn verify_str(token: &str, v: &Validation<'_>, now: u64) -> Result<String, Error> {
    let mut buf = [0u8; 8192];
    jwt::verify(token.as_bytes(), &key(), v, now, &mut buf)
        .map(|t| String::from_utf8(t.payload.to_vec()).unwrap())
}

#[test]
fn rfc7515_appendix_a1() {
    let k = [
        3u8, 35, 53, 75, 43, 15, 165, 188, 131, 126, 6, 101, 119, 123, 166, 143, 90, 179, 40, 230,
        240, 84, 201, 40, 169, 15, 132, 178, 210, 80, 46, 191, 211, 251, 90, 146, 210, 6, 71, 239,
        150, 138, 180, 195, 119, 98, 61, 34, 61, 46, 33, 114, 5, 46, 79, 8, 192, 205, 154, 245,
        103, 208, 128, 163,
    ];
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let key = Key::new(&k).unwrap();
    let mut buf = [0u8; 512];
    let v = Validation::new().issuer(&["joe"]);
    let t = jwt::verify(token.as_bytes(), &key, &v, 1_300_819_370, &mut buf).unwrap();
    assert_eq!(t.claims.exp, Some(1_300_819_380));
    assert!(t.claims.iss.unwrap().eq_str("joe"));
    assert!(t.payload.starts_with(b"{\"iss\":\"joe\",\r\n"));
    let mut buf = [0u8; 512];
    assert_eq!(
        jwt::verify(token.as_bytes(), &key, &v, 1_300_819_380, &mut buf).unwrap_err(),
        Error::Expired
    );
    // Our own independent HMAC agrees with the crate's on the RFC signature.
    let (input, _) = token.rsplit_once('.').unwrap();
    assert_eq!(
        b64url(&hmac_sha256::hmac(&k, input.as_bytes())),
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
}

#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
struct MyClaims<'a> {
    sub: &'a str,
    exp: u64,
    roles: [&'a str; 2],
    admin: bool,
}

#[test]
fn encode_round_trips_and_matches_independent_hmac() {
    let claims = MyClaims {
        sub: "alice",
        exp: NOW + 60,
        roles: ["a", "b"],
        admin: true,
    };
    let mut out = [0u8; 512];
    let n = jwt::encode(&claims, &key(), &mut out).unwrap();
    let token = core::str::from_utf8(&out[..n]).unwrap().to_owned();
    let expected = sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":"alice","exp":{},"roles":["a","b"],"admin":true}}"#,
            NOW + 60
        ),
        SECRET,
    );
    assert_eq!(token, expected);
    let mut buf = [0u8; 512];
    let mut scratch = [0u8; 64];
    let back: MyClaims<'_> = jwt::verify_into(
        token.as_bytes(),
        &key(),
        &Validation::new(),
        NOW,
        &mut buf,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(back, claims);
}

#[test]
fn encode_json_needs_exact_buffer_and_checks_payload() {
    let payload = br#"{"sub":"bob","exp":1800000000}"#;
    let need = jwt::encoded_len(payload.len(), Some("k1"), Typ::AtJwt);
    let k = Key::with_kid(SECRET, "k1").unwrap();
    let opts = EncodeOptions {
        typ: Typ::AtJwt,
        kid: None,
    };
    let mut out = vec![0u8; need];
    assert_eq!(
        jwt::encode_json(payload, &k, &opts, &mut out).unwrap(),
        need
    );
    let mut short = vec![0u8; need - 1];
    assert_eq!(
        jwt::encode_json(payload, &k, &opts, &mut short).unwrap_err(),
        Error::BufferTooSmall
    );
    let mut hb = [0u8; 128];
    assert_eq!(
        jwt::decode_header(&out, &mut hb).unwrap(),
        br#"{"alg":"HS256","kid":"k1","typ":"at+jwt"}"#
    );
    for (bad, err) in [
        (&br#"{"exp":1.5}"#[..], Error::InvalidClaim(Claim::Exp)),
        (br#"{"exp":1,"exp":2}"#, Error::DuplicateClaim(Claim::Exp)),
        (br#"{"exp":1,"t":1,"t":2}"#, Error::Malformed),
        (br#"{"exp":1,"o":{"a":1,"\u0061":2}}"#, Error::Malformed),
        (br#"[1]"#, Error::Malformed),
    ] {
        assert_eq!(jwt::encode_json(bad, &k, &opts, &mut out).unwrap_err(), err);
    }
    // Large payloads (several base64 chunks) round-trip through the in-place encoder.
    let big = format!(r#"{{"exp":1800000000,"pad":"{}"}}"#, "x".repeat(3000));
    let mut out = vec![0u8; jwt::encoded_len(big.len(), None, Typ::Jwt)];
    let n = jwt::encode_json(big.as_bytes(), &key(), &EncodeOptions::default(), &mut out).unwrap();
    assert_eq!(
        verify_str(
            core::str::from_utf8(&out[..n]).unwrap(),
            &Validation::new(),
            NOW
        )
        .unwrap(),
        big
    );
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn signature_is_checked_before_payload_is_parsed() {
    let good = sign_raw(r#"{"alg":"HS256"}"#, "not json at all", SECRET);
    assert_eq!(
        verify_str(&good, &Validation::new(), NOW).unwrap_err(),
        Error::Malformed
    );
    let forged = sign_raw(
        r#"{"alg":"HS256"}"#,
        "not json at all",
        b"another-secret-of-32-bytes-long!",
    );
    assert_eq!(
        verify_str(&forged, &Validation::new(), NOW).unwrap_err(),
        Error::InvalidSignature
    );
    let bomb = format!("{{\"x\":{}", "[".repeat(5000));
    let forged = sign_raw(
        r#"{"alg":"HS256"}"#,
        &bomb,
        b"another-secret-of-32-bytes-long!",
    );
    let big = Validation {
        max_token_len: 100_000,
        ..Validation::new()
    };
    let mut buf = vec![0u8; 100_000];
    assert_eq!(
        jwt::verify(forged.as_bytes(), &key(), &big, NOW, &mut buf).unwrap_err(),
        Error::InvalidSignature
    );
    let signed = sign_raw(r#"{"alg":"HS256"}"#, &bomb, SECRET);
    assert_eq!(
        jwt::verify(signed.as_bytes(), &key(), &big, NOW, &mut buf).unwrap_err(),
        Error::NestingTooDeep
    );
}

#[test]
fn structure_and_alg_attacks() {
    let v = Validation::new();
    let ok = sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"exp":1800000000}"#,
        SECRET,
    );
    assert!(verify_str(&ok, &v, NOW).is_ok());
    let (hp, sig) = ok.rsplit_once('.').unwrap();
    assert_eq!(
        verify_str(&format!("{hp}."), &v, NOW).unwrap_err(),
        Error::InvalidSignature
    );
    assert_eq!(verify_str(hp, &v, NOW).unwrap_err(), Error::Malformed);
    assert_eq!(
        verify_str(&format!("{ok}.x"), &v, NOW).unwrap_err(),
        Error::Malformed
    );
    assert_eq!(
        verify_str(&format!("{hp}.{}", &sig[..42]), &v, NOW).unwrap_err(),
        Error::InvalidSignature
    );
    assert_eq!(
        verify_str(&format!("{ok}="), &v, NOW).unwrap_err(),
        Error::InvalidBase64
    );
    assert_eq!(
        verify_str(&format!(" {ok}"), &v, NOW).unwrap_err(),
        Error::InvalidBase64
    );
    let none = format!(
        "{}.{}.",
        b64url(br#"{"alg":"none"}"#),
        b64url(br#"{"exp":1800000000}"#)
    );
    assert_eq!(
        verify_str(&none, &v, NOW).unwrap_err(),
        Error::UnsupportedAlg
    );
    let crit = sign_raw(
        r#"{"alg":"HS256","crit":["exp"]}"#,
        r#"{"exp":1800000000}"#,
        SECRET,
    );
    assert_eq!(
        verify_str(&crit, &v, NOW).unwrap_err(),
        Error::InvalidHeader
    );
    let huge = "a".repeat(8193);
    assert_eq!(
        verify_str(&huge, &v, NOW).unwrap_err(),
        Error::TokenTooLarge
    );
    let mut tiny = [0u8; 8];
    assert_eq!(
        jwt::verify(ok.as_bytes(), &key(), &v, NOW, &mut tiny).unwrap_err(),
        Error::BufferTooSmall
    );
}

/// A repeated name anywhere in the payload is refused after the MAC check: a first-wins and a
/// last-wins reader would see different claims (`{"tenant":"a","tenant":null}` passed a
/// `tenant` requirement while the caller read `null`). Registered claims keep their
/// `duplicate_claim`.
#[test]
fn duplicate_names_anywhere_in_the_payload_are_refused() {
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let v = Validation::new().required(&["exp", "tenant"]);
    for payload in [
        r#"{"exp":1800000000,"tenant":"a","tenant":null}"#,
        r#"{"exp":1800000000,"tenant":"a","t\u0065nant":"b"}"#,
        r#"{"exp":1800000000,"tenant":"a","ctx":{"r":"user","r":"admin"}}"#,
        r#"{"exp":1800000000,"tenant":"a","g":[{"x":1},{"x":1,"x":2}]}"#,
    ] {
        let token = sign_raw(header, payload, SECRET);
        assert_eq!(
            verify_str(&token, &v, NOW),
            Err(Error::Malformed),
            "{payload}"
        );
        assert_eq!(
            verify_str(
                &sign_raw(header, payload, b"another-secret-of-32-bytes!!!!!!"),
                &v,
                NOW
            ),
            Err(Error::InvalidSignature),
            "{payload}"
        );
    }
    let dup_exp = sign_raw(header, r#"{"exp":1800000000,"exp":1}"#, SECRET);
    assert_eq!(
        verify_str(&dup_exp, &v, NOW),
        Err(Error::DuplicateClaim(Claim::Exp))
    );
    let fine = r#"{"exp":1800000000,"tenant":"a","ctx":{"tenant":"b","x":{"tenant":"c"}}}"#;
    assert!(verify_str(&sign_raw(header, fine, SECRET), &v, NOW).is_ok());
}

#[test]
fn refresh_tokens_only_where_expected() {
    let refresh = sign_raw(
        r#"{"alg":"HS256"}"#,
        r#"{"exp":1800000000,"typ":"refresh"}"#,
        SECRET,
    );
    assert_eq!(
        verify_str(&refresh, &Validation::new(), NOW).unwrap_err(),
        Error::WrongTokenType
    );
    assert_eq!(
        verify_str(&refresh, &Validation::new().token_type(jwt::ACCESS), NOW).unwrap_err(),
        Error::WrongTokenType
    );
    assert!(verify_str(&refresh, &Validation::new().token_type(jwt::REFRESH), NOW).is_ok());
}

#[test]
fn key_rotation_by_kid() {
    let old = b"old-secret-old-secret-old-secret";
    let new = b"new-secret-new-secret-new-secret";
    let mut set = KeySet::<4>::new();
    set.push(Key::with_kid(old, "2025").unwrap()).unwrap();
    set.push(Key::with_kid(new, "2026").unwrap()).unwrap();
    let p = r#"{"exp":1800000000}"#;
    let v = Validation::new();
    let mut buf = [0u8; 512];
    for (h, secret, expect) in [
        (r#"{"alg":"HS256","kid":"2026"}"#, &new[..], Ok(())),
        (r#"{"alg":"HS256","kid":"2025"}"#, &old[..], Ok(())),
        (r#"{"alg":"HS256"}"#, &old[..], Ok(())),
        (r#"{"alg":"HS256"}"#, &new[..], Err(Error::InvalidSignature)),
        (
            r#"{"alg":"HS256","kid":"2026"}"#,
            &old[..],
            Err(Error::InvalidSignature),
        ),
        (
            r#"{"alg":"HS256","kid":"../../etc/passwd"}"#,
            &old[..],
            Err(Error::UnknownKid),
        ),
    ] {
        let t = sign_raw(h, p, secret);
        assert_eq!(
            jwt::verify(t.as_bytes(), &set, &v, NOW, &mut buf).map(|_| ()),
            expect,
            "{h}"
        );
    }
}

#[test]
fn unverified_decoding_still_checks_structure() {
    let t = sign_raw(
        r#"{"alg":"HS256"}"#,
        r#"{"exp":1,"sub":"x"}"#,
        b"some-other-secret-of-32-bytes!!!",
    );
    let mut buf = [0u8; 256];
    assert_eq!(
        jwt::decode_unverified(t.as_bytes(), 8192, &mut buf).unwrap(),
        br#"{"exp":1,"sub":"x"}"#
    );
    let bad = sign_raw(r#"{"alg":"none"}"#, r#"{"exp":1}"#, SECRET);
    assert_eq!(
        jwt::decode_unverified(bad.as_bytes(), 8192, &mut buf).unwrap_err(),
        Error::UnsupportedAlg
    );
}

/// A signer's `kid` follows the rule the verifier reads a header's `kid` by: what `sign`
/// refuses, `verify` would refuse, and what `sign` writes, `verify` reads back.
#[test]
fn signer_and_verifier_share_one_kid_rule() {
    let k = key();
    let payload = br#"{"exp":1800000000}"#;
    let long = "k".repeat(65);
    for bad in ["", long.as_str(), "a\"b", "a\\b", "nul\0", "tab\t", "é"] {
        let opts = EncodeOptions {
            typ: Typ::Jwt,
            kid: Some(bad),
        };
        let mut out = vec![0u8; jwt::encoded_len(payload.len(), Some(bad), Typ::Jwt)];
        assert_eq!(
            jwt::encode_json(payload, &k, &opts, &mut out).unwrap_err(),
            Error::InvalidHeader,
            "{bad:?}"
        );
        // The same kid, in a header signed by hand, is refused by the verifier.
        let mut esc = String::new();
        for c in bad.chars() {
            match c {
                '"' | '\\' => esc.extend(['\\', c]),
                c if u32::from(c) < 0x20 => esc += &format!("\\u{:04x}", u32::from(c)),
                c => esc.push(c),
            }
        }
        let header = format!(r#"{{"alg":"HS256","kid":"{esc}"}}"#);
        let token = sign_raw(&header, r#"{"exp":1800000000}"#, SECRET);
        assert_eq!(
            verify_str(&token, &Validation::new(), NOW).unwrap_err(),
            Error::InvalidHeader,
            "{bad:?}"
        );
    }
    let good = "k".repeat(64);
    let opts = EncodeOptions {
        typ: Typ::Jwt,
        kid: Some(&good),
    };
    let mut out = vec![0u8; jwt::encoded_len(payload.len(), Some(&good), Typ::Jwt)];
    let n = jwt::encode_json(payload, &k, &opts, &mut out).unwrap();
    assert!(verify_str(
        core::str::from_utf8(&out[..n]).unwrap(),
        &Validation::new(),
        NOW
    )
    .is_ok());
}

/// `decode_header` refuses a header with a member twice (after unescaping): a reader keeping
/// the last copy would see another `alg` than one keeping the first.
#[test]
fn decoded_headers_have_distinct_members() {
    let mut buf = [0u8; 256];
    for header in [
        r#"{"alg":"HS256","alg":"none"}"#,
        r#"{"alg":"HS256","typ":"JWT","\u0061lg":"none"}"#,
        r#"{"x":1,"y":2,"x":3}"#,
    ] {
        let token = sign_raw(header, r#"{"exp":1800000000}"#, SECRET);
        assert_eq!(
            jwt::decode_header(token.as_bytes(), &mut buf).unwrap_err(),
            Error::InvalidHeader,
            "{header}"
        );
    }
    let token = sign_raw(r#"{"alg":"HS256","x":1,"y":{"x":2}}"#, "{}", SECRET);
    assert!(jwt::decode_header(token.as_bytes(), &mut buf).is_ok());
}

#[test]
fn custom_header_parameters_are_signed_and_ignored_by_the_verifier() {
    use jwt::custom_header::{encode_with_header, encoded_len_with_header};
    let header = br#"{"alg":"HS256","typ":"JWT","x-request":1}"#;
    let payload = br#"{"sub":"alice","exp":1700000100}"#;
    let mut out = vec![0u8; encoded_len_with_header(header.len(), payload.len())];
    let n = encode_with_header(header, payload, &key(), &mut out).unwrap();
    assert_eq!(n, out.len());
    let token = std::str::from_utf8(&out).unwrap();
    // Byte-identical to an independently signed token with the same header and payload.
    assert_eq!(
        token,
        sign_raw(
            std::str::from_utf8(header).unwrap(),
            std::str::from_utf8(payload).unwrap(),
            SECRET
        )
    );
    assert_eq!(
        verify_str(token, &Validation::new(), NOW).unwrap(),
        std::str::from_utf8(payload).unwrap()
    );
    let mut small = vec![0u8; out.len() - 1];
    assert_eq!(
        encode_with_header(header, payload, &key(), &mut small),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn custom_header_that_the_verifier_refuses_is_never_signed() {
    use jwt::custom_header::encode_with_header;
    let payload = br#"{"exp":1700000100}"#;
    let mut out = [0u8; 512];
    for (header, err) in [
        (
            &br#"{"alg":"HS256","crit":["x"],"x":1}"#[..],
            Error::InvalidHeader,
        ),
        (br#"{"alg":"HS256","b64":false}"#, Error::InvalidHeader),
        (
            br#"{"alg":"HS256","jku":"https://x"}"#,
            Error::InvalidHeader,
        ),
        (br#"{"alg":"HS256","jwk":{}}"#, Error::InvalidHeader),
        (br#"{"alg":"HS256","x5u":"x"}"#, Error::InvalidHeader),
        (br#"{"alg":"HS256","x5c":[]}"#, Error::InvalidHeader),
        (br#"{"alg":"HS256","kid":123}"#, Error::InvalidHeader),
        (br#"{"alg":"HS256","kid":null}"#, Error::InvalidHeader),
        (br#"{"alg":"HS256","typ":"JOSE"}"#, Error::InvalidHeader),
        (
            br#"{"alg":"HS256","kid":"a","kid":"a"}"#,
            Error::InvalidHeader,
        ),
        (br#"{"alg":"none"}"#, Error::UnsupportedAlg),
        (br#"{"typ":"JWT"}"#, Error::UnsupportedAlg),
        (br#"[]"#, Error::Malformed),
    ] {
        assert_eq!(
            encode_with_header(header, payload, &key(), &mut out),
            Err(err),
            "{}",
            String::from_utf8_lossy(header)
        );
    }
    assert_eq!(
        encode_with_header(br#"{"alg":"HS256"}"#, br#"{"exp":"x"}"#, &key(), &mut out),
        Err(Error::InvalidClaim(authcore::Claim::Exp))
    );
}

#[test]
fn a_null_audience_is_an_absent_audience() {
    let token = sign_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"exp":1700000100,"aud":null}"#,
        SECRET,
    );
    // No audience expected: accepted, as a token without `aud`.
    assert!(verify_str(&token, &Validation::new(), NOW).is_ok());
    // An audience expected: the claim is missing (PyJWT's MissingRequiredClaimError("aud")).
    assert_eq!(
        verify_str(&token, &Validation::new().audience(&["api"]), NOW).unwrap_err(),
        Error::MissingClaim(authcore::Claim::Aud)
    );
    // Still a registered claim: twice is a duplicate, and other non-string types stay invalid.
    let twice = sign_raw(
        r#"{"alg":"HS256"}"#,
        r#"{"exp":1700000100,"aud":null,"aud":"api"}"#,
        SECRET,
    );
    assert_eq!(
        verify_str(&twice, &Validation::new(), NOW).unwrap_err(),
        Error::DuplicateClaim(authcore::Claim::Aud)
    );
    let number = sign_raw(
        r#"{"alg":"HS256"}"#,
        r#"{"exp":1700000100,"aud":1}"#,
        SECRET,
    );
    assert_eq!(
        verify_str(&number, &Validation::new(), NOW).unwrap_err(),
        Error::InvalidClaim(authcore::Claim::Aud)
    );
}

#[test]
fn unverified_header_refuses_a_kid_the_verifier_would_refuse() {
    use jwt::custom_header::unverified_header;
    let mut buf = [0u8; 512];
    let ok = sign_raw(r#"{"alg":"HS256","kid":"k1"}"#, r#"{"exp":1}"#, SECRET);
    assert_eq!(
        unverified_header(ok.as_bytes(), &mut buf).unwrap(),
        br#"{"alg":"HS256","kid":"k1"}"#
    );
    // Other algorithms are shown (routing only; the verifier refuses them).
    let none = sign_raw(r#"{"alg":"none","x":1}"#, r#"{"exp":1}"#, SECRET);
    assert!(unverified_header(none.as_bytes(), &mut buf).is_ok());
    let long = format!(r#"{{"alg":"HS256","kid":"{}"}}"#, "k".repeat(65));
    for header in [
        r#"{"alg":"HS256","kid":123}"#,
        r#"{"alg":"HS256","kid":null}"#,
        r#"{"alg":"HS256","kid":""}"#,
        r#"{"alg":"HS256","kid":["k1"]}"#,
        &long,
    ] {
        let token = sign_raw(header, r#"{"exp":1}"#, SECRET);
        assert_eq!(
            unverified_header(token.as_bytes(), &mut buf),
            Err(Error::InvalidHeader),
            "{header}"
        );
    }
}
