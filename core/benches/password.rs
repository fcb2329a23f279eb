//! Argon2id at OWASP parameters (m=19456 KiB, t=2, p=1): hash and verify time.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use authcore::password::{hash, verify, Block, Bounds, Params, MAX_PHC_LEN};
use criterion::Criterion;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let params = Params::OWASP;
    let mut memory = vec![Block::new(); params.blocks_needed()];
    let salt = [7u8; 16];
    let mut out = [0u8; MAX_PHC_LEN];
    let phc = hash(
        b"correct horse battery staple",
        &salt,
        &params,
        None,
        &mut memory,
        &mut out,
    )
    .unwrap()
    .to_owned();
    let bounds = Bounds::default();

    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("argon2id_owasp");
    g.bench_function("hash", |b| {
        b.iter(|| {
            let mut out = [0u8; MAX_PHC_LEN];
            hash(
                black_box(b"correct horse battery staple"),
                &salt,
                &params,
                None,
                &mut memory,
                &mut out,
            )
            .map(|s| s.len())
            .unwrap()
        })
    });
    g.bench_function("verify", |b| {
        b.iter(|| {
            verify(
                black_box(b"correct horse battery staple"),
                &phc,
                &bounds,
                None,
                &mut memory,
            )
            .unwrap()
        })
    });
    g.finish();
    c.final_summary();

    let s = Instant::now();
    for _ in 0..5 {
        verify(
            b"correct horse battery staple",
            &phc,
            &bounds,
            None,
            &mut memory,
        )
        .unwrap();
    }
    println!(
        "\n== Argon2id m=19456,t=2,p=1: {:.1} ms per verify (mean of 5) ==",
        s.elapsed().as_secs_f64() * 1000.0 / 5.0
    );
}
