//! dudect-style constant-time check (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant
//! time?", DATE 2017) of the two secret comparisons in the core: the HS256 MAC check in
//! `jwt::verify` and the hash comparison in `password::verify`.
//!
//! For each comparison two classes of inputs are timed, interleaved at random:
//! - class A: a candidate that matches the secret value in every byte but the last;
//! - class B: a candidate that differs in the first byte.
//!
//! An early-exit comparison is slower for A. Everything else the call does (base64, header
//! parsing, HMAC, Argon2, bcrypt) is identical between the classes. Welch's t-statistic of
//! the two timing distributions is printed for the raw samples and for samples cropped at
//! several percentiles (dudect's pre-processing against measurement noise); |t| above 4.5 is
//! dudect's threshold for "probably not constant time". An early-exit byte loop is measured
//! the same way as a positive control, to show the harness can see a leak of this size.
//!
//! Run: `cargo bench -p authcore --bench ct` (`CT_SAMPLES=…` per class, default 200000).
//! This is a measurement, not an assertion: it prints, it never fails.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use authcore::jwt::{self, Key, Validation};
use authcore::password::{self, Block, Bounds, Params};
use std::hint::black_box;
use std::time::Instant;

const THRESHOLD: f64 = 4.5;
/// Percentiles at which the slowest samples are cropped (1.0 = no cropping).
const CROPS: [f64; 5] = [1.0, 0.99, 0.95, 0.9, 0.75];

/// xorshift64*: a reproducible class schedule without an RNG dependency.
struct Rng(u64);

impl Rng {
    fn bit(&mut self) -> bool {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 63 == 1
    }
}

/// Welch's t for two samples.
fn welch(a: &[f64], b: &[f64]) -> f64 {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let (na, ma, va) = stats(a);
    let (nb, mb, vb) = stats(b);
    (ma - mb) / (va / na + vb / nb).sqrt()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Times `f(class)` `samples` times per class in a random order, returns (A, B) in ns.
fn measure(samples: usize, seed: u64, mut f: impl FnMut(bool)) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let (mut a, mut b) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for _ in 0..samples / 10 {
        f(rng.bit()); // warm-up
    }
    while a.len() < samples || b.len() < samples {
        let class_a = rng.bit();
        let start = Instant::now();
        f(class_a);
        let ns = start.elapsed().as_nanos() as f64;
        match class_a {
            true if a.len() < samples => a.push(ns),
            false if b.len() < samples => b.push(ns),
            _ => {}
        }
    }
    (a, b)
}

fn report(name: &str, (a, b): (Vec<f64>, Vec<f64>)) {
    let mut all: Vec<f64> = a.iter().chain(&b).copied().collect();
    all.sort_by(f64::total_cmp);
    let median = |x: &[f64]| {
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        percentile(&s, 0.5)
    };
    let mut worst: f64 = 0.0;
    let mut cells = Vec::new();
    for crop in CROPS {
        let cut = percentile(&all, crop);
        let ca: Vec<f64> = a.iter().copied().filter(|v| *v <= cut).collect();
        let cb: Vec<f64> = b.iter().copied().filter(|v| *v <= cut).collect();
        let t = welch(&ca, &cb);
        worst = worst.max(t.abs());
        cells.push(format!("{t:>7.2}"));
    }
    let verdict = if worst > THRESHOLD {
        "LEAK? (|t| > 4.5)"
    } else {
        "no evidence of a leak"
    };
    println!(
        "{name:<34} {:>8.0} {:>8.0}  {}   max |t| {worst:>6.2}  {verdict}",
        median(&a),
        median(&b),
        cells.join(" ")
    );
}

/// The reference leak: compares byte by byte and returns at the first difference.
fn early_exit_eq(x: &[u8; 32], y: &[u8; 32]) -> bool {
    for i in 0..32 {
        if black_box(x[i]) != black_box(y[i]) {
            return false;
        }
    }
    true
}

fn b64url(data: &[u8]) -> String {
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

fn b64url_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for ch in s.bytes() {
        bits = (bits << 6) | A.iter().position(|a| *a == ch).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// A token with the MAC replaced by `sig`.
fn with_sig(token: &str, sig: &[u8]) -> Vec<u8> {
    let cut = token.rfind('.').unwrap();
    format!("{}.{}", &token[..cut], b64url(sig)).into_bytes()
}

/// A PHC string whose stored hash differs in its first (`first`) or its last bytes; the
/// final character is left alone so the encoding stays canonical.
fn flip_phc(phc: &str, first: bool) -> String {
    let cut = phc.rfind('$').unwrap() + 1;
    let (head, hash) = phc.split_at(cut);
    let mut chars: Vec<char> = hash.chars().collect();
    let i = if first { 0 } else { chars.len() - 2 };
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    format!("{head}{}", chars.into_iter().collect::<String>())
}

/// The same for a bcrypt string (the hash starts after `$2b$NN$` and 22 salt characters).
fn flip_bcrypt(h: &str, first: bool) -> String {
    let mut chars: Vec<char> = h.chars().collect();
    let i = if first { 29 } else { chars.len() - 2 };
    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` probes
    }
    let samples: usize = std::env::var("CT_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    println!("dudect-style Welch t-test, {samples} samples per class; class A = all but the last byte right, B = first byte wrong");
    println!(
        "{:<34} {:>8} {:>8}  t at crop {:?}",
        "comparison", "A ns", "B ns", CROPS
    );

    // Positive control: the harness must see an early exit.
    let secret = [0x5au8; 32];
    let mut last_wrong = secret;
    last_wrong[31] ^= 1;
    let mut first_wrong = secret;
    first_wrong[0] ^= 1;
    report(
        "early-exit loop (reference leak)",
        measure(samples, 1, |a| {
            black_box(early_exit_eq(
                &secret,
                black_box(if a { &last_wrong } else { &first_wrong }),
            ));
        }),
    );

    // HS256: jwt::verify's MAC check (hmac verify_slice, constant time via subtle).
    let key = Key::new(b"ct-bench-secret-0123456789abcdef-0123").unwrap();
    let mut out = [0u8; 256];
    let n = jwt::encode_json(
        br#"{"sub":"alice","exp":4102444800}"#,
        &key,
        &Default::default(),
        &mut out,
    )
    .unwrap();
    let token = std::str::from_utf8(&out[..n]).unwrap().to_owned();
    let mac = b64url_decode(token.rsplit('.').next().unwrap());
    let mut last = mac.clone();
    last[31] ^= 1;
    let mut first = mac.clone();
    first[0] ^= 1;
    let (ta, tb) = (with_sig(&token, &last), with_sig(&token, &first));
    let v = Validation::new();
    let mut buf = [0u8; 256];
    report(
        "jwt::verify MAC (HMAC-SHA256)",
        measure(samples, 2, |a| {
            let t = if a { &ta } else { &tb };
            black_box(jwt::verify(black_box(t), &key, &v, 1_700_000_000, &mut buf).is_err());
        }),
    );

    // Argon2id (tiny parameters, so the comparison is a visible share of the time).
    let params = Params::new(8, 1, 1).unwrap();
    let mut memory = vec![Block::new(); params.blocks_needed()];
    let mut phc_out = [0u8; password::MAX_PHC_LEN];
    let phc = password::hash(
        b"hunter2hunter2",
        &[7u8; 16],
        &params,
        None,
        &mut memory,
        &mut phc_out,
    )
    .unwrap()
    .to_owned();
    let (pa, pb) = (flip_phc(&phc, false), flip_phc(&phc, true));
    let bounds = Bounds::default();
    report(
        "password::verify argon2id m=8 t=1",
        measure(samples / 4, 3, |a| {
            let h = if a { &pa } else { &pb };
            black_box(
                password::verify(b"hunter2hunter2", black_box(h), &bounds, None, &mut memory)
                    .is_err(),
            );
        }),
    );

    // bcrypt cost 4 ($2b$, from the shared vectors' salt): 2^4 expensive key schedules.
    #[cfg(feature = "bcrypt")]
    {
        let h = "$2b$04$authcoreVectorSalt.22edQ7eGapPXJf8iezt63.NkRFzI0L8Kwq";
        let pw = b"correct horse battery staple";
        assert_eq!(password::verify(pw, h, &bounds, None, &mut []), Ok(()));
        let (ba, bb) = (flip_bcrypt(h, false), flip_bcrypt(h, true));
        report(
            "password::verify bcrypt cost 4",
            measure(samples / 40, 4, |a| {
                let h = if a { &ba } else { &bb };
                black_box(password::verify(pw, black_box(h), &bounds, None, &mut []).is_err());
            }),
        );
    }
}
