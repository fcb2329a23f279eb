//! The Blowfish cipher as bcrypt uses it (Schneier, 1993; EksBlowfish key schedule, Provos &
//! Mazières, 1999), with its initial state computed instead of stored.
//!
//! Blowfish starts from the first 1042 32-bit words of the fractional part of π in hexadecimal
//! (18 subkeys, then four 256-word S-boxes). Stored, they are 4 KiB of incompressible
//! constants; here they are computed once per process with Machin's formula
//! `π = 16·atan(1/5) − 4·atan(1/239)` in 33 504-bit fixed point (a few milliseconds natively,
//! tens in WebAssembly), then kept in a `static` of atomics: no `unsafe`, no allocation, and
//! threads that race to fill it write the same values.
//!
//! Lookups index the S-boxes by data, as every Blowfish implementation does; bcrypt's inputs
//! are the password and the public salt, the usual standing of bcrypt implementations.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Subkeys (18) and S-box entries (4 × 256).
const WORDS: usize = 18 + 4 * 256;
/// Fixed-point limbs for π: one integer limb, the words, and two guard limbs that absorb the
/// truncation of every series term (fewer than 2^15 ulps in all).
const LIMBS: usize = 1 + WORDS + 2;

static PI_WORDS: [AtomicU32; WORDS] = [const { AtomicU32::new(0) }; WORDS];
static PI_READY: AtomicBool = AtomicBool::new(false);

/// A Blowfish state: `w[..18]` are the subkeys, then the four S-boxes one after the other.
pub(crate) struct Blowfish {
    w: [u32; WORDS],
}

impl Blowfish {
    /// The initial state (the hexadecimal digits of π).
    pub(crate) fn new() -> Self {
        if !PI_READY.load(Ordering::Acquire) {
            let mut w = [0u32; WORDS];
            pi_words(&mut w);
            for (slot, v) in PI_WORDS.iter().zip(w) {
                slot.store(v, Ordering::Relaxed);
            }
            PI_READY.store(true, Ordering::Release);
        }
        let mut w = [0u32; WORDS];
        for (v, slot) in w.iter_mut().zip(&PI_WORDS) {
            *v = slot.load(Ordering::Relaxed);
        }
        Blowfish { w }
    }

    fn s(&self, bx: usize, i: u8) -> u32 {
        self.w
            .get(18 + 256 * bx + usize::from(i))
            .copied()
            .unwrap_or(0)
    }

    fn f(&self, x: u32) -> u32 {
        let [a, b, c, d] = x.to_be_bytes();
        (self.s(0, a).wrapping_add(self.s(1, b)) ^ self.s(2, c)).wrapping_add(self.s(3, d))
    }

    /// Encrypts one block (`[left, right]`).
    pub(crate) fn encrypt(&self, [mut l, mut r]: [u32; 2]) -> [u32; 2] {
        let Some([rounds @ .., p16, p17]) = self.w.first_chunk::<18>() else {
            return [r, l]; // unreachable: the state has more than 18 words
        };
        for pair in rounds.chunks_exact(2) {
            if let [a, b] = pair {
                l ^= a;
                r ^= self.f(l);
                r ^= b;
                l ^= self.f(r);
            }
        }
        [r ^ p17, l ^ p16]
    }

    /// The key schedule: subkeys XORed with `key` (repeated), then every pair of state words
    /// replaced by the encryption of the previous pair, XORed first with the next two words of
    /// `salt` (repeated) if there is one (EksBlowfish's `ExpandKey(state, salt, key)`).
    pub(crate) fn expand(&mut self, key: &[u8], salt: Option<&[u8]>) {
        let mut key_words = words(key);
        for p in self.w.iter_mut().take(18) {
            *p ^= key_words();
        }
        let mut salt_words = salt.map(words);
        let mut lr = [0u32; 2];
        for i in (0..WORDS).step_by(2) {
            if let Some(next) = salt_words.as_mut() {
                lr = [lr[0] ^ next(), lr[1] ^ next()];
            }
            lr = self.encrypt(lr);
            if let Some(slot) = self.w.get_mut(i..i + 2) {
                slot.copy_from_slice(&lr);
            }
        }
    }
}

/// Big-endian 32-bit words of `bytes`, cycling through them without end.
fn words(bytes: &[u8]) -> impl FnMut() -> u32 + '_ {
    let mut it = bytes.iter().copied().cycle();
    move || u32::from_be_bytes([0; 4].map(|_: u8| it.next().unwrap_or(0)))
}

/// The first [`WORDS`] 32-bit words of the fractional part of π.
fn pi_words(out: &mut [u32; WORDS]) {
    let mut sum = [0u32; LIMBS];
    let mut term = [0u32; LIMBS];
    let mut part = [0u32; LIMBS];
    add_atan_inv(&mut sum, &mut term, &mut part, 5, 16, false);
    add_atan_inv(&mut sum, &mut term, &mut part, 239, 4, true);
    for (o, s) in out.iter_mut().zip(sum.iter().skip(1)) {
        *o = *s;
    }
}

/// Adds (or subtracts) `m · atan(1/x)` to `sum` by its Taylor series, in fixed point with one
/// integer limb: `m/x − m/3x³ + m/5x⁵ − …` until the terms vanish.
fn add_atan_inv(
    sum: &mut [u32; LIMBS],
    term: &mut [u32; LIMBS],
    part: &mut [u32; LIMBS],
    x: u32,
    m: u32,
    negate: bool,
) {
    // term = m / x, the fixed-point number m (integer limb) divided limb by limb.
    term.fill(0);
    term[0] = m;
    let mut rem = 0u64;
    for limb in term.iter_mut() {
        let cur = rem << 32 | u64::from(*limb);
        *limb = (cur / u64::from(x)) as u32;
        rem = cur % u64::from(x);
    }
    let x2 = u64::from(x * x);
    let mut first = 0; // limbs before `first` are zero in `term` (and `part`)
    let mut k = 0u32;
    while first < LIMBS {
        // One pass from the top limb down: part = term / (2k + 1), term /= x².
        let d = u64::from(2 * k + 1);
        let (mut rem_part, mut rem_term) = (0u64, 0u64);
        for (t, p) in term.iter_mut().zip(part.iter_mut()).skip(first) {
            let cur = rem_part << 32 | u64::from(*t);
            // cur < d · 2^32, so each quotient fits 32 bits.
            *p = (cur / d) as u32;
            rem_part = cur % d;
            let cur = rem_term << 32 | u64::from(*t);
            *t = (cur / x2) as u32;
            rem_term = cur % x2;
        }
        if negate ^ (k % 2 == 1) {
            sub(sum, part, first);
        } else {
            add(sum, part, first);
        }
        while term.get(first) == Some(&0) {
            first += 1;
        }
        k += 1;
    }
}

/// `a += b`, where `b`'s limbs before `from` are zero (the carry still runs to the top).
fn add(a: &mut [u32; LIMBS], b: &[u32; LIMBS], from: usize) {
    let mut carry = 0u64;
    for (i, x) in a.iter_mut().enumerate().rev() {
        if i < from && carry == 0 {
            break;
        }
        let s = u64::from(*x) + u64::from(b.get(i).copied().unwrap_or(0)) + carry;
        *x = s as u32;
        carry = s >> 32;
    }
}

/// `a -= b`, where `b`'s limbs before `from` are zero (the borrow still runs to the top).
fn sub(a: &mut [u32; LIMBS], b: &[u32; LIMBS], from: usize) {
    let mut borrow = 0u64;
    for (i, x) in a.iter_mut().enumerate().rev() {
        if i < from && borrow == 0 {
            break;
        }
        let d = u64::from(*x)
            .wrapping_sub(u64::from(b.get(i).copied().unwrap_or(0)))
            .wrapping_sub(borrow);
        *x = d as u32;
        borrow = d >> 63;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "computing pi is too slow under Miri")]
    fn initial_state_is_pi() {
        let b = Blowfish::new();
        // The first subkeys, the first and last entry of each S-box (Schneier's tables).
        assert_eq!(
            b.w[..4],
            [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344]
        );
        assert_eq!(b.w[17], 0x8979_fb1b);
        let ends = [
            (0xd131_0ba6, 0x6e85_076a),
            (0x4b7a_70e9, 0xdb83_adf7),
            (0xe93d_5a68, 0x406000e0),
            (0x3a39_ce37, 0x3ac3_72e6),
        ];
        for (bx, (first, last)) in ends.into_iter().enumerate() {
            assert_eq!(b.w[18 + 256 * bx], first, "S{bx}[0]");
            assert_eq!(b.w[18 + 256 * bx + 255], last, "S{bx}[255]");
        }
    }

    /// Against the `blowfish` crate (the tables as published): the same state after the same
    /// salted and unsalted key schedules, and the same ciphertexts.
    #[test]
    #[cfg_attr(miri, ignore = "computing pi is too slow under Miri")]
    fn agrees_with_the_blowfish_crate() {
        let key = b"correct horse battery staple\0";
        let salt = [0x5au8; 16];
        let mut ours = Blowfish::new();
        let mut theirs = blowfish::Blowfish::bc_init_state();
        ours.expand(key, Some(&salt));
        theirs.salted_expand_key(&salt, key);
        for _ in 0..4 {
            ours.expand(key, None);
            ours.expand(&salt, None);
            theirs.bc_expand_key(key);
            theirs.bc_expand_key(&salt);
        }
        let mut lr = [0x4f72_7068, 0x6561_6e42];
        for _ in 0..1000 {
            let next = ours.encrypt(lr);
            assert_eq!(next, theirs.bc_encrypt(lr));
            lr = next;
        }
    }
}
