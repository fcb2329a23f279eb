//! Every case of the shared `tests/vectors/password.json` (argon2-cffi, Python bcrypt, RFC 9106
//! and hand-made refusals) — the same file the Python and JavaScript suites read.
#![cfg(feature = "password")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authcore::password::{
    needs_rehash_within, verify, Algorithm, BcryptLongPassword, Block, Bounds, Params, Scheme,
};
use authcore::Error;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    policy: Policy,
    cases: Vec<Case>,
    bounds_cases: Vec<Case>,
    rfc9106: Vec<Rfc9106>,
}

#[derive(Deserialize)]
struct Policy {
    algorithm: String,
    version: u32,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    hash_len: usize,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    password: Option<String>,
    password_hex: Option<String>,
    hash: String,
    expect: String,
    needs_rehash: Option<bool>,
    #[serde(default)]
    bounds: Option<CaseBounds>,
}

/// The non-default bounds a `bounds_cases` entry needs.
#[derive(Deserialize, Default)]
struct CaseBounds {
    #[serde(default)]
    allow_md5_crypt: bool,
    #[serde(default)]
    allow_plaintext: bool,
    #[serde(default)]
    bcrypt_long_password: Option<String>,
}

impl CaseBounds {
    fn bounds(&self) -> Bounds {
        let long = match self.bcrypt_long_password.as_deref() {
            None | Some("truncate") => BcryptLongPassword::Truncate,
            Some("refuse") => BcryptLongPassword::Refuse,
            Some(other) => panic!("unknown bcrypt_long_password {other}"),
        };
        Bounds::DEFAULT
            .with_insecure(self.allow_md5_crypt, self.allow_plaintext)
            .with_bcrypt_long_password(long)
    }
}

#[derive(Deserialize)]
struct Rfc9106 {
    name: String,
    algorithm: String,
    version: u32,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    password_hex: String,
    salt_hex: String,
    secret_hex: String,
    ad_hex: String,
    tag_hex: String,
}

fn load() -> File {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/password.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn algorithm(name: &str) -> Algorithm {
    match name {
        "argon2id" => Algorithm::Argon2id,
        "argon2i" => Algorithm::Argon2i,
        "argon2d" => Algorithm::Argon2d,
        other => panic!("unknown algorithm {other}"),
    }
}

fn outcome(r: Result<(), Error>) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn every_password_case() {
    let file = load();
    let p = &file.policy;
    assert_eq!(p.version, 19, "policies always hash with Argon2 0x13");
    let policy = Params::new(p.m_cost, p.t_cost, p.p_cost)
        .and_then(|x| x.with_output_len(p.hash_len))
        .unwrap()
        .with_algorithm(algorithm(&p.algorithm));
    // Enough for every in-bounds vector (the largest is OWASP's 19456 KiB).
    let mut memory = vec![Block::new(); 32 * 1024];
    assert!(file.cases.len() >= 100, "vector file looks truncated");
    assert!(file.bounds_cases.len() >= 8, "vector file looks truncated");
    for case in file.cases.iter().chain(&file.bounds_cases) {
        let password = match (&case.password, &case.password_hex) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(hex)) => unhex(hex),
            _ => panic!("{}: exactly one of password / password_hex", case.name),
        };
        // A scheme whose feature is off is an unsupported hash.
        let unsupported = match Scheme::identify(&case.hash) {
            Some(Scheme::Bcrypt) => !cfg!(feature = "bcrypt"),
            Some(Scheme::Argon2 | Scheme::DesCrypt) | None => false,
            Some(Scheme::Md5Crypt) => !cfg!(feature = "legacy") && case.expect != "insecure_hash",
            Some(_) => !cfg!(feature = "legacy"),
        };
        let bounds = case
            .bounds
            .as_ref()
            .map_or(Bounds::DEFAULT, CaseBounds::bounds);
        let (expect, expect_rehash) = if unsupported {
            ("invalid_hash", None)
        } else {
            (case.expect.as_str(), case.needs_rehash)
        };
        let got = verify(&password, &case.hash, &bounds, None, &mut memory);
        assert_eq!(outcome(got), expect, "{}", case.name);
        let rehash = needs_rehash_within(&case.hash, &policy, &bounds);
        match expect_rehash {
            Some(expected) => assert_eq!(rehash, Ok(expected), "{}", case.name),
            None if expect == "insecure_hash" => {
                assert_eq!(rehash, Err(Error::InsecureHash), "{}", case.name);
            }
            None => assert_eq!(rehash, Err(Error::InvalidHash), "{}", case.name),
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn rfc9106_vectors_through_the_argon2_backend() {
    // Secret and associated data: exercised on the backend exactly as this crate configures it
    // (no alloc, caller memory); the crate's own API exposes the secret as the pepper.
    let file = load();
    assert_eq!(file.rfc9106.len(), 3);
    for v in &file.rfc9106 {
        let ad = unhex(&v.ad_hex);
        let params = argon2::ParamsBuilder::new()
            .m_cost(v.m_cost)
            .t_cost(v.t_cost)
            .p_cost(v.p_cost)
            .data(argon2::AssociatedData::new(&ad).unwrap())
            .output_len(v.tag_hex.len() / 2)
            .build()
            .unwrap();
        let algorithm = algorithm(&v.algorithm);
        let backend = match algorithm {
            Algorithm::Argon2d => argon2::Algorithm::Argon2d,
            Algorithm::Argon2i => argon2::Algorithm::Argon2i,
            Algorithm::Argon2id => argon2::Algorithm::Argon2id,
        };
        assert_eq!(v.version, 19);
        let secret = unhex(&v.secret_hex);
        let ctx = argon2::Argon2::new_with_secret(&secret, backend, argon2::Version::V0x13, params)
            .unwrap();
        let mut out = vec![0u8; v.tag_hex.len() / 2];
        let mut memory = vec![Block::new(); v.m_cost as usize];
        ctx.hash_password_into_with_memory(
            &unhex(&v.password_hex),
            &unhex(&v.salt_hex),
            &mut out,
            &mut memory[..],
        )
        .unwrap();
        assert_eq!(out, unhex(&v.tag_hex), "{}", v.name);
    }
}
