//! Argon2id (m=19456 KiB, t=2, p=1) time per hash, the variants interleaved round by round;
//! prints the best round of each and the ratios to authcore's core.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Instant;

use authcore::password::{hash, Block, Params, MAX_PHC_LEN};

const PASSWORD: &[u8] = b"correct horse battery staple";
const SALT: [u8; 16] = [7; 16];
const M: u32 = 19456;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let per_round = 5;
    let params = Params::OWASP;
    let mut memory = vec![Block::new(); params.blocks_needed()];
    let mut pooled = vec![Block::new(); params.blocks_needed()];
    let rc = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(M, 2, 1, Some(32)).unwrap(),
    );
    let mut rc_memory = vec![argon2::Block::new(); M as usize];
    let ar = argon2_rust::Argon2::new(
        argon2_rust::Algorithm::Argon2id,
        argon2_rust::Version::V0x13,
        argon2_rust::Params::default(),
    );
    let d = argon2_rust::Params::default();
    assert_eq!((d.memory_kib(), d.passes(), d.lanes()), (M, 2, 1));

    type Run<'a> = Box<dyn FnMut() + 'a>;
    let mut variants: Vec<(&str, Run<'_>)> = vec![
        (
            "authcore core, memory reused",
            Box::new(|| {
                let mut out = [0u8; MAX_PHC_LEN];
                black_box(hash(PASSWORD, &SALT, &params, None, &mut memory, &mut out).unwrap());
            }),
        ),
        (
            "  + wipe after, as the binding",
            Box::new(|| {
                let mut out = [0u8; MAX_PHC_LEN];
                black_box(hash(PASSWORD, &SALT, &params, None, &mut pooled, &mut out).unwrap());
                pooled.fill(Block::new());
                black_box(&pooled);
            }),
        ),
        (
            "argon2 0.6, fresh memory",
            Box::new(|| {
                let mut out = [0u8; 32];
                rc.hash_password_into(PASSWORD, &SALT, &mut out).unwrap();
                black_box(out);
            }),
        ),
        (
            "argon2 0.6, memory reused",
            Box::new(|| {
                let mut out = [0u8; 32];
                rc.hash_password_into_with_memory(PASSWORD, &SALT, &mut out, &mut rc_memory)
                    .unwrap();
                black_box(out);
            }),
        ),
        (
            "argon2-rust 1.1",
            Box::new(|| {
                let mut out = [0u8; 32];
                ar.hash_into(PASSWORD, &SALT, &mut out).unwrap();
                black_box(out);
            }),
        ),
    ];
    let mut best = vec![f64::INFINITY; variants.len()];
    for (_, f) in variants.iter_mut() {
        f(); // warm-up (page faults, detection)
    }
    for _ in 0..rounds {
        for (i, (_, f)) in variants.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..per_round {
                f();
            }
            best[i] = best[i].min(t.elapsed().as_secs_f64() * 1e3 / per_round as f64);
        }
    }
    println!(
        "Argon2id m={M} KiB t=2 p=1, best of {rounds} rounds x {per_round}; argon2-rust backend {:?}",
        argon2_rust::detected_backend()
    );
    for (i, (name, _)) in variants.iter().enumerate() {
        println!(
            "{name:<32} {:>7.2} ms  {:>5.2}x core",
            best[i],
            best[i] / best[0]
        );
    }
}
