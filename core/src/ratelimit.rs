//! GCRA rate limiting: a pure decision function and a fixed-capacity in-memory limiter.
//!
//! # The algorithm
//! The Generic Cell Rate Algorithm keeps a single number per key, the *theoretical arrival
//! time* `tat` (milliseconds). With emission interval `T` ([`Quota::period_ms`]) and burst `b`
//! ([`Quota::burst`]), the tolerance is `τ = (b − 1)·T`. A request at `now`:
//!
//! ```text
//! tat' = max(tat, now) + T
//! allow  iff  tat' − now ≤ τ + T   (= b·T)
//! allowed:  store tat',  remaining  = ⌊(b·T − (tat' − now)) / T⌋
//! denied:   keep  tat,   retry_after = (tat' − now) − b·T
//! ```
//!
//! A fresh key (`tat` absent, or `tat ≤ now`) can therefore make `b` requests at once, then one
//! every `T` ms. An absent entry and any `tat ≤ now` mean the same, so a store may drop an entry
//! once `now ≥ tat` (e.g. Redis `PEXPIREAT key tat`).
//!
//! [`Gcra::check`] is that function, pure and allocation-free; the Python stores (SQLite,
//! Redis) call it so the algorithm exists once. [`RateLimiter`] applies it to a fixed table for
//! firmware and single-process use.
//!
//! # Security contract
//! - No clock: `now_ms` comes from the caller, in milliseconds, from one clock for all calls
//!   on a key (a monotonic clock where possible).
//! - Time going backwards never grants requests: `tat` only grows, and an earlier `now` only
//!   makes `tat' − now` larger.
//! - No arithmetic can panic. If `tat + T` would overflow `u64` the request is denied with
//!   `retry_after_ms == u64::MAX`: the limiter fails closed rather than wrapping or saturating
//!   into "always allow".
//! - [`RateLimiter`] never grows and never panics. When full, a new key evicts the entry with
//!   the smallest `tat` — an empty or expired one if any (no information lost), otherwise the
//!   one closest to expiry. Keys that are being throttled have the largest `tat` and are evicted
//!   last, so flooding the table with fresh keys does not clear them cheaply; still, size `N`
//!   for the number of keys active within one `b·T` window.
//! - Keys are 64-bit hashes chosen by the caller. Hash attacker-chosen input (IP, username)
//!   with [`key_hash`] and a random secret so that colliding keys cannot be precomputed.

use crate::error::{Error, Result};

/// A validated rate: `burst` requests at once, refilled at one per `period_ms`.
///
/// ```
/// use authcore::ratelimit::Quota;
/// let q = Quota::per_minute(5)?.with_burst(10)?;
/// assert_eq!((q.burst(), q.period_ms()), (10, 12_000));
/// # Ok::<(), authcore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    burst: u32,
    period_ms: u64,
}

impl Quota {
    /// `burst` requests at once, then one every `period_ms`.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `burst` or `period_ms` is zero, or `burst · period_ms`
    /// does not fit a `u64`.
    pub const fn new(burst: u32, period_ms: u64) -> Result<Self> {
        if burst == 0 || period_ms == 0 || (burst as u64).checked_mul(period_ms).is_none() {
            Err(Error::InvalidParams)
        } else {
            Ok(Self { burst, period_ms })
        }
    }

    /// `n` per second, with a burst of `n`.
    ///
    /// The period is rounded **up** to whole milliseconds, so the rate never exceeds `n`/s
    /// (above 1000/s it is capped at 1000/s).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `n == 0`.
    pub const fn per_second(n: u32) -> Result<Self> {
        Self::per_window(n, 1_000)
    }

    /// `n` per minute, with a burst of `n` (period rounded up, see [`Self::per_second`]).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `n == 0`.
    pub const fn per_minute(n: u32) -> Result<Self> {
        Self::per_window(n, 60_000)
    }

    /// `n` per hour, with a burst of `n` (period rounded up, see [`Self::per_second`]).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `n == 0`.
    pub const fn per_hour(n: u32) -> Result<Self> {
        Self::per_window(n, 3_600_000)
    }

    const fn per_window(n: u32, window_ms: u64) -> Result<Self> {
        if n == 0 {
            return Err(Error::InvalidParams);
        }
        Self::new(n, window_ms.div_ceil(n as u64))
    }

    /// The same period with another burst.
    ///
    /// # Errors
    /// As [`Self::new`].
    pub const fn with_burst(self, burst: u32) -> Result<Self> {
        Self::new(burst, self.period_ms)
    }

    /// Requests allowed at once from a fresh key.
    pub const fn burst(&self) -> u32 {
        self.burst
    }

    /// Emission interval `T`: one request is regained every `period_ms`.
    pub const fn period_ms(&self) -> u64 {
        self.period_ms
    }
}

/// The outcome of one [`Gcra::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The `tat` to store for the key (unchanged when denied). The entry may be dropped once
    /// `now ≥ new_tat`.
    pub new_tat: u64,
    /// When denied, how long until one request will be allowed; `0` when allowed.
    pub retry_after_ms: u64,
    /// Further requests allowed right now after this one (`0` when denied).
    pub remaining: u32,
}

impl Decision {
    /// `Ok(())` if allowed, else [`Error::RateLimited`].
    ///
    /// # Errors
    /// [`Error::RateLimited`] when the request is denied.
    pub const fn result(&self) -> Result<()> {
        if self.allowed {
            Ok(())
        } else {
            Err(Error::RateLimited)
        }
    }
}

/// The GCRA decision function for one [`Quota`] (see the [module docs](self) for the math).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gcra {
    quota: Quota,
    /// `b·T = τ + T`; fits a `u64` by [`Quota::new`].
    limit: u64,
}

impl Gcra {
    /// Precomputes the limit for `quota`.
    pub const fn new(quota: Quota) -> Self {
        Self {
            quota,
            limit: (quota.burst as u64).saturating_mul(quota.period_ms),
        }
    }

    /// The quota this limiter enforces.
    pub const fn quota(&self) -> Quota {
        self.quota
    }

    /// Decides one request at `now_ms` for a key whose stored TAT is `tat` (`None` if the key
    /// has no entry). Pure: the caller stores [`Decision::new_tat`].
    pub const fn check(&self, tat: Option<u64>, now_ms: u64) -> Decision {
        let start = match tat {
            Some(t) if t > now_ms => t,
            _ => now_ms,
        };
        let Some(new_tat) = start.checked_add(self.quota.period_ms) else {
            return Decision {
                allowed: false,
                new_tat: start,
                retry_after_ms: u64::MAX,
                remaining: 0,
            };
        };
        // `start >= now_ms`, so this never saturates; it keeps the arithmetic panic-free.
        let ahead = new_tat.saturating_sub(now_ms);
        if ahead <= self.limit {
            // `period_ms` is never zero (see `Quota::new`); `checked_div` lets the compiler drop
            // the division-by-zero panic path too (the firmware link check relies on it).
            let left = match (self.limit - ahead).checked_div(self.quota.period_ms) {
                Some(left) => left,
                None => 0,
            };
            let cap = self.quota.burst.saturating_sub(1);
            Decision {
                allowed: true,
                new_tat,
                retry_after_ms: 0,
                remaining: if left < cap as u64 { left as u32 } else { cap },
            }
        } else {
            Decision {
                allowed: false,
                new_tat: start,
                retry_after_ms: ahead - self.limit,
                remaining: 0,
            }
        }
    }
}

impl From<Quota> for Gcra {
    fn from(quota: Quota) -> Self {
        Self::new(quota)
    }
}

/// One table entry; `tat == 0` marks a free slot (a stored TAT is always `≥ T ≥ 1`).
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u64,
    tat: u64,
}

impl Slot {
    const FREE: Slot = Slot { key: 0, tat: 0 };
}

/// A GCRA limiter over a fixed table of `N` keys (`16·N` bytes), for firmware and
/// single-process servers. `N` must be at least 1 (checked at compile time).
///
/// Each call scans the table once (`O(N)`), so keep `N` in the hundreds at most; larger
/// deployments keep TATs in a shared store and call [`Gcra::check`].
///
/// ```
/// use authcore::ratelimit::{key_hash, Quota, RateLimiter};
/// let secret = [7u8; 16]; // use random bytes in practice
/// let mut limiter = RateLimiter::<64>::new(Quota::per_minute(5)?);
/// let key = key_hash(&secret, b"login:alice");
/// for _ in 0..5 {
///     assert!(limiter.check(key, 1_000).allowed);
/// }
/// let d = limiter.check(key, 1_000);
/// assert!(!d.allowed);
/// assert_eq!(d.retry_after_ms, 12_000);
/// limiter.reset(key); // e.g. after a successful login
/// assert!(limiter.check(key, 1_000).allowed);
/// # Ok::<(), authcore::Error>(())
/// ```
///
/// A zero capacity does not compile:
/// ```compile_fail
/// # use authcore::ratelimit::{Quota, RateLimiter};
/// let limiter = RateLimiter::<0>::new(Quota::per_minute(5)?);
/// # Ok::<(), authcore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RateLimiter<const N: usize> {
    gcra: Gcra,
    slots: [Slot; N],
}

impl<const N: usize> RateLimiter<N> {
    /// An empty limiter enforcing `quota` per key.
    pub const fn new(quota: Quota) -> Self {
        const { assert!(N >= 1, "RateLimiter needs a capacity of at least 1") };
        Self {
            gcra: Gcra::new(quota),
            slots: [Slot::FREE; N],
        }
    }

    /// The decision function in use.
    pub const fn gcra(&self) -> Gcra {
        self.gcra
    }

    /// Decides and records one request for `key` at `now_ms`.
    pub fn check(&mut self, key: u64, now_ms: u64) -> Decision {
        let mut hit = None;
        let mut victim = 0;
        let mut oldest = u64::MAX;
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.tat != 0 && slot.key == key {
                hit = Some((i, slot.tat));
                break;
            }
            if slot.tat < oldest {
                oldest = slot.tat;
                victim = i;
            }
        }
        let decision = self.gcra.check(hit.map(|(_, tat)| tat), now_ms);
        if decision.allowed {
            let index = hit.map_or(victim, |(i, _)| i);
            if let Some(slot) = self.slots.get_mut(index) {
                *slot = Slot {
                    key,
                    tat: decision.new_tat,
                };
            }
        }
        decision
    }

    /// Forgets `key`, giving it a full burst again (e.g. after a successful login).
    pub fn reset(&mut self, key: u64) {
        for slot in self.slots.iter_mut() {
            if slot.tat != 0 && slot.key == key {
                *slot = Slot::FREE;
            }
        }
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        self.slots = [Slot::FREE; N];
    }
}

/// SipHash-2-4 of `data` under a 128-bit `secret`: the 64-bit key for [`RateLimiter`].
///
/// With a random, private `secret` an attacker cannot choose inputs (usernames, addresses)
/// whose keys collide, so one client cannot share — and exhaust — another's bucket. With a
/// known secret that guarantee is gone. Prefix the input to separate limits
/// (`b"login:" + username`).
pub fn key_hash(secret: &[u8; 16], data: &[u8]) -> u64 {
    let k = u128::from_le_bytes(*secret);
    let (k0, k1) = (k as u64, (k >> 64) as u64);
    let mut s = SipState {
        v0: k0 ^ 0x736f_6d65_7073_6575,
        v1: k1 ^ 0x646f_7261_6e64_6f6d,
        v2: k0 ^ 0x6c79_6765_6e65_7261,
        v3: k1 ^ 0x7465_6462_7974_6573,
    };
    let blocks = data.chunks_exact(8);
    let tail = blocks.remainder();
    for block in blocks {
        s.compress(u64::from_le_bytes(block.try_into().unwrap_or_default()));
    }
    // Last block: the remaining 0..=7 bytes little-endian, the length (mod 256) in the top byte.
    let last = tail
        .iter()
        .enumerate()
        .fold((data.len() as u64) << 56, |acc, (i, &b)| {
            acc | u64::from(b) << (8 * i)
        });
    s.compress(last);
    s.v2 ^= 0xff;
    s.rounds(4);
    s.v0 ^ s.v1 ^ s.v2 ^ s.v3
}

struct SipState {
    v0: u64,
    v1: u64,
    v2: u64,
    v3: u64,
}

impl SipState {
    fn compress(&mut self, m: u64) {
        self.v3 ^= m;
        self.rounds(2);
        self.v0 ^= m;
    }

    fn rounds(&mut self, n: usize) {
        for _ in 0..n {
            self.v0 = self.v0.wrapping_add(self.v1);
            self.v1 = self.v1.rotate_left(13) ^ self.v0;
            self.v0 = self.v0.rotate_left(32);
            self.v2 = self.v2.wrapping_add(self.v3);
            self.v3 = self.v3.rotate_left(16) ^ self.v2;
            self.v0 = self.v0.wrapping_add(self.v3);
            self.v3 = self.v3.rotate_left(21) ^ self.v0;
            self.v2 = self.v2.wrapping_add(self.v1);
            self.v1 = self.v1.rotate_left(17) ^ self.v2;
            self.v2 = self.v2.rotate_left(32);
        }
    }
}
