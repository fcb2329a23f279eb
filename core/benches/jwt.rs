//! JWT benchmarks: authcore verify/encode beside the raw HMAC-SHA256 floor and the
//! `jsonwebtoken` crate, on the same typical access token. Criterion measures each; a final
//! interleaved run prints the ratios side by side (robust to a noisy machine).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::needless_range_loop,
    missing_docs
)]

use authcore::jwt::{self, EncodeOptions, Key, Validation};
use criterion::Criterion;
use hmac::{KeyInit, Mac};
use std::hint::black_box;
use std::time::Instant;

const SECRET: &[u8] = b"bench-secret-bench-secret-bench-secret!!";
const NOW: u64 = 1_700_000_000;

#[derive(serde::Serialize, serde::Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    iat: u64,
    exp: u64,
    jti: String,
    typ: String,
    roles: Vec<String>,
    scope: String,
}

fn claims() -> Claims {
    Claims {
        sub: "user-4711".into(),
        iss: "https://auth.example.com".into(),
        aud: "api".into(),
        iat: NOW,
        exp: NOW + 900,
        jti: "3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b".into(),
        typ: "access".into(),
        roles: vec!["teacher".into()],
        scope: "read:courses write:grades".into(),
    }
}

struct Fixture {
    token: String,
    payload: Vec<u8>,
    key: Key,
    jwt_dec: jsonwebtoken::DecodingKey,
    jwt_enc: jsonwebtoken::EncodingKey,
    jwt_val: jsonwebtoken::Validation,
    hmac: hmac::Hmac<sha2::Sha256>,
}

fn fixture() -> Fixture {
    let payload = serde_json::to_vec(&claims()).unwrap();
    let key = Key::new(SECRET).unwrap();
    let mut out = vec![0u8; 1024];
    let n = jwt::encode_json(&payload, &key, &EncodeOptions::default(), &mut out).unwrap();
    let token = String::from_utf8(out[..n].to_vec()).unwrap();
    let mut jwt_val = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    jwt_val.set_audience(&["api"]);
    jwt_val.set_issuer(&["https://auth.example.com"]);
    jwt_val.validate_exp = false; // its clock is the wall clock; ours is NOW
    Fixture {
        token,
        payload,
        key,
        jwt_dec: jsonwebtoken::DecodingKey::from_secret(SECRET),
        jwt_enc: jsonwebtoken::EncodingKey::from_secret(SECRET),
        jwt_val,
        hmac: hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap(),
    }
}

fn ours_verify(f: &Fixture, buf: &mut [u8]) -> usize {
    let v = Validation::new()
        .issuer(&["https://auth.example.com"])
        .audience(&["api"])
        .token_type(jwt::ACCESS);
    jwt::verify(f.token.as_bytes(), &f.key, &v, NOW, buf)
        .unwrap()
        .payload
        .len()
}

/// HMAC-SHA256 of the signing input as a one-shot call computes it: the key schedule (the
/// inner and outer pad blocks) included.
fn raw_hmac(f: &Fixture) -> [u8; 32] {
    let (input, _) = f.token.rsplit_once('.').unwrap();
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap();
    m.update(input.as_bytes());
    m.finalize().into_bytes().into()
}

/// HMAC-SHA256 of the signing input from a precomputed key state (what a verify must at least
/// do: the strictest floor).
fn floor_hmac(f: &Fixture) -> [u8; 32] {
    let (input, _) = f.token.rsplit_once('.').unwrap();
    let mut m = f.hmac.clone();
    m.update(input.as_bytes());
    m.finalize().into_bytes().into()
}

fn theirs_verify(f: &Fixture) -> usize {
    let t = jsonwebtoken::decode::<Claims>(&f.token, &f.jwt_dec, &f.jwt_val).unwrap();
    t.claims.sub.len()
}

fn ours_encode(f: &Fixture, out: &mut [u8]) -> usize {
    jwt::encode_json(&f.payload, &f.key, &EncodeOptions::default(), out).unwrap()
}

fn theirs_encode(f: &Fixture, c: &Claims) -> usize {
    let h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(&h, c, &f.jwt_enc).unwrap().len()
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let cl = claims();
    let mut buf = vec![0u8; 1024];
    let mut g = c.benchmark_group("verify");
    g.bench_function("hmac_sha256_floor", |b| {
        b.iter(|| floor_hmac(black_box(&f)))
    });
    g.bench_function("hmac_sha256_one_shot", |b| {
        b.iter(|| raw_hmac(black_box(&f)))
    });
    g.bench_function("authcore", |b| {
        b.iter(|| ours_verify(black_box(&f), &mut buf))
    });
    g.bench_function("jsonwebtoken", |b| b.iter(|| theirs_verify(black_box(&f))));
    g.finish();
    let mut g = c.benchmark_group("encode");
    g.bench_function("authcore_encode_json", |b| {
        b.iter(|| ours_encode(black_box(&f), &mut buf))
    });
    g.bench_function("authcore_encode_serde", |b| {
        b.iter(|| {
            #[derive(serde::Serialize)]
            struct C<'a> {
                sub: &'a str,
                iss: &'a str,
                aud: &'a str,
                iat: u64,
                exp: u64,
                jti: &'a str,
                typ: &'a str,
                roles: [&'a str; 1],
                scope: &'a str,
            }
            let c = C {
                sub: &cl.sub,
                iss: &cl.iss,
                aud: &cl.aud,
                iat: cl.iat,
                exp: cl.exp,
                jti: &cl.jti,
                typ: &cl.typ,
                roles: ["teacher"],
                scope: &cl.scope,
            };
            jwt::encode(black_box(&c), &f.key, &mut buf).unwrap()
        })
    });
    g.bench_function("jsonwebtoken", |b| {
        b.iter(|| theirs_encode(black_box(&f), &cl))
    });
    g.finish();
}

/// Interleaved rounds; the median ns/op of each contender, then ratios.
fn ratios() {
    let f = fixture();
    let cl = claims();
    let mut buf = vec![0u8; 1024];
    const ROUNDS: usize = 15;
    const ITERS: u32 = 3000;
    let mut t = [[0f64; ROUNDS]; 6];
    for r in 0..ROUNDS {
        let mut time = |i: usize, run: &mut dyn FnMut()| {
            let s = Instant::now();
            for _ in 0..ITERS {
                run();
            }
            t[i][r] = s.elapsed().as_nanos() as f64 / f64::from(ITERS);
        };
        time(0, &mut || {
            black_box(floor_hmac(black_box(&f)));
        });
        time(1, &mut || {
            black_box(ours_verify(black_box(&f), &mut buf));
        });
        time(2, &mut || {
            black_box(theirs_verify(black_box(&f)));
        });
        time(3, &mut || {
            black_box(ours_encode(black_box(&f), &mut buf));
        });
        time(4, &mut || {
            black_box(theirs_encode(black_box(&f), &cl));
        });
        time(5, &mut || {
            black_box(raw_hmac(black_box(&f)));
        });
    }
    let med = |i: usize| {
        let mut v = t[i];
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[ROUNDS / 2]
    };
    let (floor, ours, theirs, enc, their_enc) = (med(0), med(1), med(2), med(3), med(4));
    let raw = med(5);
    println!(
        "\n== JWT ratios (median of {ROUNDS} interleaved rounds, token {} bytes) ==",
        f.token.len()
    );
    println!("hmac-sha256 floor     {floor:>9.0} ns   (precomputed key state, signing input)");
    println!("hmac-sha256 one-shot  {raw:>9.0} ns   (key schedule included, same bytes)");
    println!(
        "authcore verify       {ours:>9.0} ns   = {:.2}x the HMAC floor, {:.2}x the one-shot HMAC",
        ours / floor,
        ours / raw
    );
    println!(
        "jsonwebtoken decode   {theirs:>9.0} ns   authcore is {:.2}x faster",
        theirs / ours
    );
    println!("authcore encode       {enc:>9.0} ns");
    println!(
        "jsonwebtoken encode   {their_enc:>9.0} ns   authcore is {:.2}x faster",
        their_enc / enc
    );
}

#[cfg(feature = "eddsa")]
/// The EdDSA contenders: authcore verify with an Ed25519 public key, the bare strict signature
/// check (the floor: Ed25519 verification dominates), and `jsonwebtoken`'s EdDSA decode.
struct EdFixture {
    token: String,
    key: Key,
    public: jwt::Ed25519PublicKey,
    jwt_dec: jsonwebtoken::DecodingKey,
    jwt_val: jsonwebtoken::Validation,
}

#[cfg(feature = "eddsa")]
fn ed_fixture() -> EdFixture {
    let payload = serde_json::to_vec(&claims()).unwrap();
    let signer = Key::from(jwt::Ed25519PrivateKey::from_seed(&[42u8; 32]));
    let mut out = vec![0u8; 1024];
    let n = jwt::encode_json(&payload, &signer, &EncodeOptions::default(), &mut out).unwrap();
    let public = signer.ed25519_public_key().unwrap();
    let mut jwt_val = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    jwt_val.set_audience(&["api"]);
    jwt_val.set_issuer(&["https://auth.example.com"]);
    jwt_val.validate_exp = false;
    EdFixture {
        token: String::from_utf8(out[..n].to_vec()).unwrap(),
        key: signer.to_public().unwrap(),
        public,
        jwt_dec: jsonwebtoken::DecodingKey::from_ed_der(public.as_bytes()),
        jwt_val,
    }
}

#[cfg(feature = "eddsa")]
fn ours_ed_verify(f: &EdFixture, buf: &mut [u8]) -> usize {
    let v = Validation::new()
        .issuer(&["https://auth.example.com"])
        .audience(&["api"])
        .token_type(jwt::ACCESS);
    jwt::verify(f.token.as_bytes(), &f.key, &v, NOW, buf)
        .unwrap()
        .payload
        .len()
}

#[cfg(feature = "eddsa")]
fn ed_floor(f: &EdFixture, sig: &[u8]) -> bool {
    let (input, _) = f.token.rsplit_once('.').unwrap();
    f.public.verify(input.as_bytes(), sig).is_ok()
}

#[cfg(feature = "eddsa")]
fn theirs_ed_verify(f: &EdFixture) -> usize {
    let t = jsonwebtoken::decode::<Claims>(&f.token, &f.jwt_dec, &f.jwt_val).unwrap();
    t.claims.sub.len()
}

#[cfg(feature = "eddsa")]
/// The token's signature (deterministic: signing the signing input again gives it).
fn ed_sig(f: &EdFixture) -> Vec<u8> {
    let (input, _) = f.token.rsplit_once('.').unwrap();
    jwt::Ed25519PrivateKey::from_seed(&[42u8; 32])
        .sign(input.as_bytes())
        .to_vec()
}

#[cfg(feature = "eddsa")]
fn bench_eddsa(c: &mut Criterion) {
    let f = ed_fixture();
    let sig = ed_sig(&f);
    let mut buf = vec![0u8; 1024];
    let mut g = c.benchmark_group("verify_eddsa");
    g.bench_function("ed25519_strict_floor", |b| {
        b.iter(|| ed_floor(black_box(&f), &sig))
    });
    g.bench_function("authcore", |b| {
        b.iter(|| ours_ed_verify(black_box(&f), &mut buf))
    });
    g.bench_function("jsonwebtoken", |b| {
        b.iter(|| theirs_ed_verify(black_box(&f)))
    });
    g.finish();
}

#[cfg(feature = "eddsa")]
/// Interleaved rounds for EdDSA verify, then the ratio to jsonwebtoken.
fn ed_ratios() {
    let f = ed_fixture();
    let sig = ed_sig(&f);
    let mut buf = vec![0u8; 1024];
    const ROUNDS: usize = 15;
    const ITERS: u32 = 200;
    let mut t = [[0f64; ROUNDS]; 3];
    for r in 0..ROUNDS {
        let mut time = |i: usize, run: &mut dyn FnMut()| {
            let s = Instant::now();
            for _ in 0..ITERS {
                run();
            }
            t[i][r] = s.elapsed().as_nanos() as f64 / f64::from(ITERS);
        };
        time(0, &mut || {
            black_box(ed_floor(black_box(&f), &sig));
        });
        time(1, &mut || {
            black_box(ours_ed_verify(black_box(&f), &mut buf));
        });
        time(2, &mut || {
            black_box(theirs_ed_verify(black_box(&f)));
        });
    }
    let med = |i: usize| {
        let mut v = t[i];
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[ROUNDS / 2]
    };
    let (floor, ours, theirs) = (med(0), med(1), med(2));
    println!(
        "\n== EdDSA ratios (median of {ROUNDS} interleaved rounds, token {} bytes, ed25519-dalek tables {}) ==",
        f.token.len(),
        if cfg!(feature = "eddsa_fast") { "on" } else { "off" }
    );
    println!("ed25519 strict check  {floor:>9.0} ns   (signature only)");
    println!(
        "authcore verify       {ours:>9.0} ns   = {:.2}x the signature check",
        ours / floor
    );
    println!(
        "jsonwebtoken decode   {theirs:>9.0} ns   authcore is {:.2}x faster",
        theirs / ours
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    #[cfg(feature = "eddsa")]
    bench_eddsa(&mut c);
    c.final_summary();
    ratios();
    #[cfg(feature = "eddsa")]
    ed_ratios();
}
