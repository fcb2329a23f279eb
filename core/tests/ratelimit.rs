#![cfg(feature = "ratelimit")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use authcore::ratelimit::{key_hash, Decision, Gcra, Quota, RateLimiter};
use authcore::Error;

/// 5 per minute, burst 5: T = 12 s, limit b·T = 60 s.
fn five_per_minute() -> Quota {
    Quota::per_minute(5).unwrap()
}

const T0: u64 = 1_700_000_000_000; // a realistic Unix time in ms

// ---- Quota -------------------------------------------------------------------------------

#[test]
fn quota_constructors_and_validation() {
    let q = Quota::per_minute(5).unwrap();
    assert_eq!((q.burst(), q.period_ms()), (5, 12_000));
    let q = q.with_burst(2).unwrap();
    assert_eq!((q.burst(), q.period_ms()), (2, 12_000));
    assert_eq!(Quota::per_second(10).unwrap().period_ms(), 100);
    assert_eq!(Quota::per_hour(3).unwrap().period_ms(), 1_200_000);
    // Rounded up: 7 per minute is one per 8572 ms, never faster than asked.
    assert_eq!(Quota::per_minute(7).unwrap().period_ms(), 8_572);
    assert_eq!(Quota::per_second(5000).unwrap().period_ms(), 1);

    for bad in [
        Quota::new(0, 1_000),
        Quota::new(1, 0),
        Quota::new(2, u64::MAX),
        Quota::per_second(0),
        Quota::per_minute(0),
        Quota::per_hour(0),
        Quota::per_minute(5).unwrap().with_burst(0),
    ] {
        assert_eq!(bad, Err(Error::InvalidParams));
    }
    assert!(Quota::new(1, u64::MAX).is_ok());
    assert!(Quota::new(u32::MAX, u64::MAX / u64::from(u32::MAX)).is_ok());
}

// ---- Gcra (the pure function the stores use) ---------------------------------------------

#[test]
fn gcra_burst_then_deny_with_retry_after() {
    let g = Gcra::new(five_per_minute());
    let mut tat = None;
    for expected_remaining in [4, 3, 2, 1, 0] {
        let d = g.check(tat, T0);
        assert!(d.allowed);
        assert_eq!(d.remaining, expected_remaining);
        assert_eq!(d.retry_after_ms, 0);
        assert_eq!(d.result(), Ok(()));
        tat = Some(d.new_tat);
    }
    assert_eq!(tat, Some(T0 + 60_000));

    let d = g.check(tat, T0);
    assert_eq!(
        d,
        Decision {
            allowed: false,
            new_tat: T0 + 60_000,
            retry_after_ms: 12_000,
            remaining: 0,
        }
    );
    assert_eq!(d.result(), Err(Error::RateLimited));

    // Part-way through the wait, retry_after counts down.
    let d = g.check(tat, T0 + 5_000);
    assert!(!d.allowed);
    assert_eq!(d.retry_after_ms, 7_000);
    assert_eq!(d.new_tat, T0 + 60_000, "a denial leaves the TAT unchanged");
}

#[test]
fn gcra_refills_one_per_period() {
    let g = Gcra::new(five_per_minute());
    let mut tat = None;
    for _ in 0..5 {
        tat = Some(g.check(tat, T0).new_tat);
    }
    // One millisecond early: still denied, 1 ms to go.
    let d = g.check(tat, T0 + 11_999);
    assert!(!d.allowed);
    assert_eq!(d.retry_after_ms, 1);
    // Exactly at retry_after: exactly one request, then denied again.
    let d = g.check(tat, T0 + 12_000);
    assert!(d.allowed);
    assert_eq!(d.remaining, 0);
    let d2 = g.check(Some(d.new_tat), T0 + 12_000);
    assert!(!d2.allowed);
    assert_eq!(d2.retry_after_ms, 12_000);
    // After a full window the whole burst is back.
    let d = g.check(Some(d.new_tat), T0 + 12_000 + 60_000);
    assert!(d.allowed);
    assert_eq!(d.remaining, 4);
}

#[test]
fn gcra_expired_tat_is_the_same_as_none() {
    let g = Gcra::new(five_per_minute());
    let now = T0 + 1_000_000;
    assert_eq!(g.check(Some(T0), now), g.check(None, now));
    assert_eq!(g.check(Some(now), now), g.check(None, now));
}

#[test]
fn gcra_steady_rate_is_sustained() {
    // One request every T forever is always allowed and never builds credit beyond burst.
    let g = Gcra::new(Quota::new(3, 1_000).unwrap());
    let mut tat = None;
    for i in 0..100u64 {
        let d = g.check(tat, T0 + i * 1_000);
        assert!(d.allowed, "request {i}");
        tat = Some(d.new_tat);
    }
    // Two extra requests fit in the burst, the third does not.
    let now = T0 + 99_000;
    let a = g.check(tat, now);
    let b = g.check(Some(a.new_tat), now);
    let c = g.check(Some(b.new_tat), now);
    assert!(a.allowed && b.allowed && !c.allowed);
}

#[test]
fn gcra_time_going_backwards_grants_nothing_extra() {
    let g = Gcra::new(five_per_minute());
    let mut tat = None;
    for _ in 0..5 {
        tat = Some(g.check(tat, T0).new_tat);
    }
    for earlier in [T0 - 1, T0 - 3_600_000, 0] {
        let d = g.check(tat, earlier);
        assert!(!d.allowed, "now = {earlier}");
        assert_eq!(d.new_tat, tat.unwrap());
    }
    // A clock stepping back between requests of a fresh key: at most the burst.
    let mut tat = None;
    let mut allowed = 0;
    for now in [T0, T0 - 10, T0 - 20, T0 - 30, T0 - 40, T0 - 50, T0 - 60, 0] {
        let d = g.check(tat, now);
        if d.allowed {
            allowed += 1;
            tat = Some(d.new_tat);
        }
    }
    // Each step back makes the key look busier, so it may get fewer, never more.
    assert!((1..=5).contains(&allowed), "{allowed}");
}

#[test]
fn gcra_huge_now_fails_closed_without_panicking() {
    let g = Gcra::new(five_per_minute());
    let near_end = u64::MAX - 30_000;
    let mut tat = None;
    let mut allowed = 0;
    for _ in 0..10 {
        let d = g.check(tat, near_end);
        if d.allowed {
            allowed += 1;
            tat = Some(d.new_tat);
        }
    }
    // Two periods of 12 s fit before u64::MAX; then every request is denied.
    assert_eq!(allowed, 2);
    let d = g.check(tat, u64::MAX);
    assert!(!d.allowed);
    assert_eq!(d.retry_after_ms, u64::MAX);
    let d = g.check(None, u64::MAX);
    assert!(!d.allowed);
    assert!(!g.check(Some(u64::MAX), 0).allowed);
    assert!(!g.check(Some(u64::MAX), u64::MAX).allowed);
}

#[test]
fn gcra_burst_one_and_huge_values() {
    let g = Gcra::new(Quota::new(1, 500).unwrap());
    let d = g.check(None, 0);
    assert!(d.allowed);
    assert_eq!(d.remaining, 0);
    let d = g.check(Some(d.new_tat), 0);
    assert!(!d.allowed);
    assert_eq!(d.retry_after_ms, 500);

    let g = Gcra::new(Quota::new(u32::MAX, 1).unwrap());
    let d = g.check(None, T0);
    assert!(d.allowed);
    assert_eq!(d.remaining, u32::MAX - 1);
}

// ---- RateLimiter -------------------------------------------------------------------------

/// `times` requests for `key` at `now`: which were allowed.
fn run<const N: usize>(rl: &mut RateLimiter<N>, key: u64, now: u64, times: usize) -> Vec<bool> {
    (0..times).map(|_| rl.check(key, now).allowed).collect()
}

#[test]
fn limiter_burst_deny_refill() {
    let mut rl = RateLimiter::<8>::new(five_per_minute());
    for _ in 0..5 {
        assert!(rl.check(42, T0).allowed);
    }
    let d = rl.check(42, T0);
    assert!(!d.allowed);
    assert_eq!(d.retry_after_ms, 12_000);
    assert!(!rl.check(42, T0 + 11_999).allowed);
    assert!(rl.check(42, T0 + 12_000).allowed);
    assert!(!rl.check(42, T0 + 12_000).allowed);
}

#[test]
fn limiter_keys_are_independent() {
    let mut rl = RateLimiter::<8>::new(Quota::new(2, 1_000).unwrap());
    assert_eq!(run(&mut rl, 1, T0, 3), [true, true, false]);
    assert!(rl.check(2, T0).allowed);
    // Key 0 is an ordinary key, not confused with free slots.
    assert_eq!(run(&mut rl, 0, T0, 3), [true, true, false]);
}

#[test]
fn limiter_reset_restores_the_burst_for_that_key_only() {
    let mut rl = RateLimiter::<4>::new(Quota::new(2, 60_000).unwrap());
    for key in [7, 8] {
        assert_eq!(run(&mut rl, key, T0, 3), [true, true, false]);
    }
    rl.reset(7);
    assert_eq!(rl.check(7, T0).remaining, 1);
    assert!(!rl.check(8, T0).allowed);
    rl.reset(99); // unknown key: no effect
    assert!(!rl.check(8, T0).allowed);
    rl.clear();
    assert!(rl.check(8, T0).allowed);
}

#[test]
fn limiter_full_table_evicts_and_keeps_throttling_hot_keys() {
    let mut rl = RateLimiter::<4>::new(Quota::new(3, 10_000).unwrap());
    // Key 1 is throttled: its TAT is the largest in the table.
    assert_eq!(run(&mut rl, 1, T0, 4), [true, true, true, false]);
    // A flood of fresh keys far larger than the table: each is allowed (it evicts one of the
    // other fresh keys), the table never grows, and key 1 stays throttled.
    for key in 100..1_100 {
        assert!(rl.check(key, T0).allowed);
        assert!(
            !rl.check(1, T0).allowed,
            "flood key {key} evicted the hot key"
        );
    }
    // The hot key recovers once its own window has passed.
    assert!(rl.check(1, T0 + 30_000).allowed);
}

#[test]
fn limiter_evicts_the_entry_closest_to_expiry() {
    let mut rl = RateLimiter::<2>::new(Quota::new(2, 1_000).unwrap());
    assert_eq!(run(&mut rl, 2, T0, 2), [true, true]); // slot 0, least recently used
    rl.check(1, T0); // slot 1, TAT T0+1000: the smallest
    assert!(!rl.check(2, T0).allowed);
    // Key 3 needs a slot: key 1's entry goes (not the first slot, not the least recently
    // used), so the throttled key 2 keeps its state.
    assert!(rl.check(3, T0).allowed);
    assert!(!rl.check(2, T0).allowed);
    assert_eq!(rl.check(1, T0).remaining, 1, "key 1 starts over");
}

#[test]
fn limiter_reuses_expired_entries_first() {
    let mut rl = RateLimiter::<2>::new(Quota::new(2, 1_000).unwrap());
    rl.check(1, T0); // TAT T0+1000: expired by T0+5000
    assert_eq!(run(&mut rl, 2, T0 + 5_000, 3), [true, true, false]);
    assert!(rl.check(3, T0 + 5_000).allowed);
    assert!(!rl.check(2, T0 + 5_000).allowed);
}

#[test]
fn limiter_capacity_one_works() {
    let mut rl = RateLimiter::<1>::new(Quota::new(2, 1_000).unwrap());
    assert_eq!(run(&mut rl, 1, T0, 3), [true, true, false]);
    // Key 2 evicts key 1.
    assert_eq!(run(&mut rl, 2, T0, 3), [true, true, false]);
    rl.reset(2);
    assert!(rl.check(2, T0).allowed);
}

#[test]
fn limiter_survives_extreme_clocks() {
    let mut rl = RateLimiter::<2>::new(five_per_minute());
    for now in [0, u64::MAX, 1, u64::MAX - 1, u64::MAX / 2, 0, u64::MAX] {
        for key in [0, 1, u64::MAX] {
            let _ = rl.check(key, now);
        }
    }
    // Backwards time on a throttled key is still denied.
    let mut rl = RateLimiter::<2>::new(five_per_minute());
    for _ in 0..5 {
        rl.check(9, T0);
    }
    assert!(!rl.check(9, T0 - 1_000).allowed);
    assert!(!rl.check(9, 0).allowed);
}

#[test]
fn limiter_matches_the_pure_function() {
    let q = Quota::new(4, 250).unwrap();
    let g = Gcra::new(q);
    let mut rl = RateLimiter::<16>::new(q);
    let mut tat = None;
    let mut now = T0;
    for i in 0..500u64 {
        now += (i * 7919) % 400; // irregular arrivals
        let expected = g.check(tat, now);
        assert_eq!(rl.check(5, now), expected);
        if expected.allowed {
            tat = Some(expected.new_tat);
        }
    }
}

// ---- key_hash ----------------------------------------------------------------------------

const REF_KEY: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

#[test]
fn key_hash_matches_siphash24_reference_vectors() {
    // From the SipHash paper (Aumasson & Bernstein, appendix A) and the reference
    // implementation's vectors: key 00..0f, message 00..(len-1).
    let msg: Vec<u8> = (0..64).collect();
    assert_eq!(key_hash(&REF_KEY, &msg[..15]), 0xa129_ca61_49be_45e5);
    assert_eq!(key_hash(&REF_KEY, &msg[..0]), 0x726f_db47_dd0e_0e31);
    assert_eq!(key_hash(&REF_KEY, &msg[..1]), 0x74f8_39c5_93dc_67fd);
    assert_eq!(key_hash(&REF_KEY, &msg[..8]), 0x93f5_f579_9a93_2462);
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
#[allow(deprecated)]
fn key_hash_matches_std_siphasher_for_all_lengths() {
    use std::hash::{Hasher, SipHasher};
    let secret: [u8; 16] = *b"a random secret!";
    let k0 = u64::from_le_bytes(secret[..8].try_into().unwrap());
    let k1 = u64::from_le_bytes(secret[8..].try_into().unwrap());
    let data: Vec<u8> = (0..300u32).map(|i| (i * 37 % 256) as u8).collect();
    for len in 0..data.len() {
        let mut h = SipHasher::new_with_keys(k0, k1);
        h.write(&data[..len]);
        assert_eq!(key_hash(&secret, &data[..len]), h.finish(), "len {len}");
    }
}

#[test]
fn key_hash_depends_on_the_secret() {
    let a = key_hash(&[1; 16], b"login:alice");
    let b = key_hash(&[2; 16], b"login:alice");
    assert_ne!(a, b);
    assert_ne!(a, key_hash(&[1; 16], b"login:alicf"));
}
