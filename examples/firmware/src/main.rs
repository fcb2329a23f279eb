//! authcore on a Cortex-M3 with no heap: what a device does with tokens and passwords.
//!
//! Runs under QEMU (`lm3s6965evb`, 256 KiB flash, 64 KiB RAM), prints one line per check over
//! semihosting and exits with success only if every check gave the expected result. The tokens
//! and the password hash are real PyJWT / argon2-cffi output (see `build.rs`).
//!
//! Cargo features pick the build variant measured by `make size`: `verify` (check incoming
//! tokens), `sign` (also issue tokens) and `full` (also roles/scopes, rate limiting and an
//! Argon2id password check; the default).
#![no_std]
#![no_main]

mod console;
mod icount;
mod stack;

#[allow(dead_code)]
mod vectors {
    //! Test data extracted from `tests/vectors/` and `password.json` at build time.
    use authcore::jwt::Validation;

    /// One JWT case of `tests/vectors/jwt.json`.
    pub struct Vector {
        pub name: &'static str,
        pub source: &'static str,
        pub token: &'static str,
        pub secret: &'static [u8],
        pub now: u64,
        pub validation: Validation<'static>,
        /// `"ok"` or the expected `Error::code()`.
        pub expect: &'static str,
    }

    /// One single-key case of `tests/vectors/eddsa.json` (the `ed1` key, default validation).
    pub struct EdVector {
        pub name: &'static str,
        pub token: &'static str,
        pub now: u64,
        pub expect: &'static str,
    }

    include!(concat!(env!("OUT_DIR"), "/vectors.rs"));
}

use authcore::jwt::{self, Key, Validation};
use authcore::Error;
use console::Console;
use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::debug;
// The `critical-section` implementation (cortex-m's single-core one) must be linked in.
use cortex_m as _;

/// Largest token the device accepts; its verify buffer is this big.
const MAX_TOKEN: usize = 512;

/// What the device expects of an incoming access token.
const ISSUERS: &[&str] = &["https://auth.example.com"];
const AUDIENCE: &[&str] = &["api"];

fn device_validation() -> Validation<'static> {
    let mut v = Validation::new()
        .issuer(ISSUERS)
        .audience(AUDIENCE)
        .token_type(jwt::ACCESS);
    v.max_token_len = MAX_TOKEN;
    v
}

#[entry]
fn main() -> ! {
    // Argon2 working memory: 32 blocks of 1 KiB in .bss. `static mut` inside `#[entry]` is
    // handed out by cortex-m-rt as a safe `&'static mut` (main runs once).
    #[cfg(feature = "full")]
    static mut ARGON2_MEMORY: [authcore::password::Block; password::BLOCKS] =
        [authcore::password::Block::new(); password::BLOCKS];

    let mut t = Checks::new();
    t.out.str("authcore firmware: ").str(VARIANT).nl();
    let mut counter = icount::Counter::start();
    t.require("SysTick counts instructions", counter.is_some());

    let verify_stack = verify_vectors(&mut t);
    #[cfg(feature = "eddsa")]
    let (eddsa_stack, eddsa_ticks) = eddsa::verify_vectors(&mut t, counter.as_mut());
    let device_key = Key::new(vectors::ACCESS.secret);
    match &device_key {
        Ok(key) => incoming_token(&mut t, key),
        Err(e) => t.check("device key", Err(*e), "ok"),
    }
    if let (Ok(key), Some(counter)) = (&device_key, counter.as_mut()) {
        let ticks = hs256_ticks(key, counter);
        icount_line(&mut t.out, "hs256 verify", ticks, TIMED, "");
    }
    #[cfg(feature = "sign")]
    let sign_stack = match &device_key {
        Ok(key) => own_token(&mut t, key),
        Err(_) => 0,
    };
    #[cfg(feature = "full")]
    let (password_stack, password_ticks) = password::login(&mut t, ARGON2_MEMORY, counter.as_mut());

    // Stack high-water marks of the calls alone; buffers are the caller's.
    t.out
        .str("stack verify: ")
        .num(verify_stack as u64)
        .str(" bytes, worst of ");
    t.out
        .num(vectors::ALL.len() as u64)
        .str(" tokens (+ ")
        .num(MAX_TOKEN as u64);
    t.out.str("-byte buffer)").nl();
    #[cfg(feature = "eddsa")]
    {
        t.out
            .str("stack eddsa verify: ")
            .num(eddsa_stack as u64)
            .str(" bytes, worst of ");
        t.out
            .num(vectors::ED_ALL.len() as u64)
            .str(" EdDSA tokens (+ ")
            .num(MAX_TOKEN as u64)
            .str("-byte buffer)")
            .nl();
        icount_line(&mut t.out, "eddsa verify", eddsa_ticks, TIMED, "");
    }
    #[cfg(feature = "sign")]
    {
        t.out
            .str("stack sign: ")
            .num(sign_stack as u64)
            .str(" bytes (+ ");
        t.out.num(MAX_TOKEN as u64).str("-byte output)").nl();
    }
    #[cfg(feature = "full")]
    {
        t.out
            .str("stack password: ")
            .num(password_stack as u64)
            .str(" bytes (+ ");
        t.out
            .num(password::BLOCKS as u64)
            .str(" KiB of Argon2 blocks in .bss)")
            .nl();
        icount_line(
            &mut t.out,
            "password verify",
            password_ticks,
            1,
            vectors::PHC_PARAMS,
        );
    }
    if let Some(counter) = &counter {
        let (ticks, instructions) = counter.calibration();
        icount_line(&mut t.out, "calibration", ticks, 1, "");
        t.out
            .str("icount instructions of the calibration: ")
            .num(instructions)
            .nl();
    }
    t.finish()
}

const VARIANT: &str = if cfg!(feature = "eddsa") && !cfg!(feature = "sign") {
    "verify only, HS256 + EdDSA"
} else if cfg!(feature = "full") {
    "full (verify, sign, authz, ratelimit, Argon2id)"
} else if cfg!(feature = "sign") {
    "verify + sign"
} else {
    "verify only"
};

/// Each chosen `jwt.json` case, with its own key, `now` and validation. Returns the most
/// stack one `verify` call used (the call alone: key and buffer belong to the caller).
fn verify_vectors(t: &mut Checks) -> usize {
    let mut worst = 0;
    for v in vectors::ALL {
        let mut buf = [0u8; MAX_TOKEN];
        let result = match Key::new(v.secret) {
            Ok(key) => {
                let (r, used) = stack::measure(|| {
                    jwt::verify(v.token.as_bytes(), &key, &v.validation, v.now, &mut buf)
                        .map(|_| ())
                });
                worst = worst.max(used);
                r
            }
            Err(e) => Err(e),
        };
        t.check_labeled(&[v.name, " (", v.source, ")"], result, v.expect);
    }
    worst
}

/// Calls per measured verify (the count is exact; more calls only spread the loop's cost).
const TIMED: u32 = 20;

/// Ticks of [`TIMED`] verifies of the PyJWT access token under the device's rules.
fn hs256_ticks(key: &Key, counter: &mut icount::Counter) -> u64 {
    let a = &vectors::ACCESS;
    let rules = device_validation();
    let mut buf = [0u8; MAX_TOKEN];
    counter.measure(TIMED, || {
        let _ = jwt::verify(a.token.as_bytes(), key, &rules, a.now, &mut buf);
    })
}

/// `icount WHAT: TICKS ticks for CALLS calls[ (NOTE)]`, read by `scripts/firmware.sh size`.
fn icount_line(out: &mut Console, what: &str, ticks: u64, calls: u32, note: &str) {
    out.str("icount ")
        .str(what)
        .str(": ")
        .num(ticks)
        .str(" ticks for ");
    out.num(u64::from(calls)).str(" calls");
    if !note.is_empty() {
        out.str(" (").str(note).str(")");
    }
    out.nl();
}

#[cfg(feature = "eddsa")]
mod eddsa {
    //! EdDSA: tokens a server signs with its Ed25519 private key, checked with the public key
    //! compiled into the image (it verifies, it cannot mint).
    use super::{icount::Counter, stack, vectors, Checks, MAX_TOKEN, TIMED};
    use authcore::jwt::{self, Ed25519PublicKey, Key, Validation};

    /// Each `ed1` case of `eddsa.json`, then a forged signature and an HS256 key; returns the
    /// worst stack of one EdDSA `verify` and the ticks of [`TIMED`] of them (0 without a
    /// counter).
    pub fn verify_vectors(t: &mut Checks, counter: Option<&mut Counter>) -> (usize, u64) {
        let key = match Ed25519PublicKey::from_bytes(&vectors::ED_PUBLIC) {
            Ok(public) => Key::from(public),
            Err(e) => {
                t.check("Ed25519 public key", Err(e), "ok");
                return (0, 0);
            }
        };
        let mut worst = 0;
        let v = Validation::new();
        for c in vectors::ED_ALL {
            let mut buf = [0u8; MAX_TOKEN];
            let (r, used) = stack::measure(|| {
                jwt::verify(c.token.as_bytes(), &key, &v, c.now, &mut buf).map(|_| ())
            });
            worst = worst.max(used);
            t.check_labeled(&[c.name, " (EdDSA, tests/vectors/eddsa.json)"], r, c.expect);
        }
        let Some(good) = vectors::ED_ALL.iter().find(|c| c.expect == "ok") else {
            return (worst, 0);
        };
        // One signature character changed: the strict check refuses it.
        let mut forged = [0u8; MAX_TOKEN];
        let n = good.token.len().min(MAX_TOKEN);
        forged[..n].copy_from_slice(&good.token.as_bytes()[..n]);
        forged[n - 2] = if forged[n - 2] == b'A' { b'B' } else { b'A' };
        let mut buf = [0u8; MAX_TOKEN];
        let r = jwt::verify(&forged[..n], &key, &v, good.now, &mut buf).map(|_| ());
        t.check(
            "EdDSA token with an edited signature",
            r,
            "invalid_signature",
        );
        // The public key is no HMAC secret: an HS256 key refuses the EdDSA token.
        let r = Key::new(vectors::ACCESS.secret)
            .and_then(|hs| jwt::verify(good.token.as_bytes(), &hs, &v, good.now, &mut buf))
            .map(|_| ());
        t.check("EdDSA token under an HS256 key", r, "unsupported_alg");
        let ticks = counter.map_or(0, |counter| {
            counter.measure(TIMED, || {
                let _ = jwt::verify(good.token.as_bytes(), &key, &v, good.now, &mut buf);
            })
        });
        (worst, ticks)
    }
}

/// The PyJWT access token under the device's own rules: accepted now, refused once expired,
/// refused for another audience; then its role and scope are checked.
fn incoming_token(t: &mut Checks, key: &Key) {
    let token = vectors::ACCESS.token.as_bytes();
    let now = vectors::ACCESS.now;
    let rules = device_validation();
    let mut buf = [0u8; MAX_TOKEN];
    let exp = match jwt::verify(token, key, &rules, now, &mut buf) {
        Ok(verified) => {
            t.check("incoming access token", Ok(()), "ok");
            #[cfg(feature = "full")]
            authz::check(t, &verified.claims);
            verified.claims.exp.unwrap_or(0)
        }
        Err(e) => {
            t.check("incoming access token", Err(e), "ok");
            0
        }
    };
    let expired = jwt::verify(token, key, &rules, exp, &mut buf).map(|_| ());
    t.check("same token at its exp", expired, "expired");

    let elsewhere = Validation {
        audience: Some(&["device-42"]),
        ..rules
    };
    let wrong_aud = jwt::verify(token, key, &elsewhere, now, &mut buf).map(|_| ());
    t.check(
        "same token, audience device-42",
        wrong_aud,
        "invalid_audience",
    );
}

/// A short-lived token the device issues itself, verified back, then expired and forged.
/// Returns the stack `encode` used.
#[cfg(feature = "sign")]
fn own_token(t: &mut Checks, key: &Key) -> usize {
    #[derive(serde::Serialize)]
    struct DeviceClaims<'a> {
        sub: &'a str,
        aud: &'a str,
        iat: u64,
        exp: u64,
        typ: &'a str,
        scope: &'a str,
    }
    const LIFETIME: u64 = 60;
    let now = vectors::ACCESS.now;
    let claims = DeviceClaims {
        sub: "device-42",
        aud: "api",
        iat: now,
        exp: now + LIFETIME,
        typ: jwt::ACCESS,
        scope: "telemetry:write",
    };
    let mut token = [0u8; MAX_TOKEN];
    let (signed, stack) = stack::measure(|| jwt::encode(&claims, key, &mut token));
    let len = match signed {
        Ok(n) => n,
        Err(e) => {
            t.check("sign device token", Err(e), "ok");
            return stack;
        }
    };
    t.check("sign device token", Ok(()), "ok");
    let token = &mut token[..len];

    let rules = Validation::new().audience(&["api"]).subject("device-42");
    let mut buf = [0u8; MAX_TOKEN];
    let back = jwt::verify(token, key, &rules, now + 1, &mut buf).map(|v| v.claims.exp);
    let same_exp = match back {
        Ok(exp) if exp == Some(now + LIFETIME) => Ok(()),
        Ok(_) => Err(Error::InvalidClaim(authcore::Claim::Exp)),
        Err(e) => Err(e),
    };
    t.check("own token verified back", same_exp, "ok");

    let late = jwt::verify(token, key, &rules, now + LIFETIME, &mut buf).map(|_| ());
    t.check("own token after its lifetime", late, "expired");

    // Forge: replace one character in the middle of the payload segment (still valid
    // base64url, so the MAC check is what refuses it), then restore it.
    if let Some(i) = token.iter().position(|&b| b == b'.').map(|dot| dot + 10) {
        let original = token[i];
        token[i] = if original == b'A' { b'B' } else { b'A' };
        let forged = jwt::verify(token, key, &rules, now + 1, &mut buf).map(|_| ());
        t.check("own token with edited payload", forged, "invalid_signature");
        token[i] = original;
    }

    match Key::new(b"an attacker's guess at the device secret") {
        Ok(other) => {
            let r = jwt::verify(token, &other, &rules, now + 1, &mut buf).map(|_| ());
            t.check("own token under another key", r, "invalid_signature");
        }
        Err(e) => t.check("attacker key", Err(e), "ok"),
    }
    stack
}

#[cfg(feature = "full")]
mod authz {
    //! Role and scope checks on a verified token's claims.
    use super::Checks;
    use authcore::authz::{require_any_role, require_scopes, RoleHierarchy};
    use authcore::jwt::Claims;
    use authcore::Error;

    const HIERARCHY: &[(&str, &str)] = &[("admin", "editor"), ("editor", "viewer")];

    pub fn check(t: &mut Checks, claims: &Claims<'_>) {
        let h = match RoleHierarchy::new(HIERARCHY) {
            Ok(h) => h,
            Err(e) => return t.check("role hierarchy", Err(e), "ok"),
        };
        t.check(
            "role viewer (held: admin)",
            role(claims, &["viewer"], &h),
            "ok",
        );
        t.check("role root", role(claims, &["root"], &h), "forbidden");
        t.check("scope items:read", scope(claims, &["items:read"]), "ok");
        t.check(
            "scope items:delete",
            scope(claims, &["items:delete"]),
            "missing_scope",
        );
    }

    /// Ok if any role in the token's `roles` claim grants one of `required`.
    fn role(claims: &Claims<'_>, required: &[&str], h: &RoleHierarchy<'_>) -> Result<(), Error> {
        let mut result = Err(Error::Forbidden);
        claims.for_each_role(|held| {
            let mut buf = [0u8; 64];
            if let Ok(held) = held.unescape_into(&mut buf) {
                if require_any_role([held], required, Some(h)).is_ok() {
                    result = Ok(());
                }
            }
        });
        result
    }

    /// Ok if the token's `scope` claim grants all of `required`.
    fn scope(claims: &Claims<'_>, required: &[&str]) -> Result<(), Error> {
        let mut buf = [0u8; 256];
        let granted = match claims.scope {
            Some(s) => s.unescape_into(&mut buf)?,
            None => "",
        };
        require_scopes(granted, required)
    }
}

#[cfg(feature = "full")]
mod password {
    //! A rate-limited login against a stored Argon2id hash.
    use super::{icount::Counter, vectors, Checks};
    use authcore::password::{verify, Block, Bounds};
    use authcore::ratelimit::{key_hash, Quota, RateLimiter};

    /// Argon2 memory the device can spare (KiB); stored hashes asking for more are refused.
    pub const BLOCKS: usize = 32;
    /// Failed logins allowed per user: a burst of 5, then one per 12 s.
    const PER_MINUTE: u32 = 5;

    /// Returns the most stack one login attempt used and the ticks of one password verify (0
    /// without a counter).
    pub fn login(
        t: &mut Checks,
        memory: &mut [Block],
        counter: Option<&mut Counter>,
    ) -> (usize, u64) {
        let bounds = match Bounds::default()
            .with_m_cost(8, BLOCKS as u32)
            .and_then(|b| b.with_t_cost(1, 4))
            .and_then(|b| b.with_p_cost(1, 1))
        {
            Ok(b) => b,
            Err(e) => {
                t.check("password bounds", Err(e), "ok");
                return (0, 0);
            }
        };
        let quota = match Quota::per_minute(PER_MINUTE) {
            Ok(q) => q,
            Err(e) => {
                t.check("rate-limit quota", Err(e), "ok");
                return (0, 0);
            }
        };
        let mut limiter = RateLimiter::<8>::new(quota);
        // A per-device random secret in practice (so users cannot be made to collide).
        let user = key_hash(b"fw-ratelimit-key", b"login:maintenance");

        // One login: the limiter first (a throttled attempt costs no hashing), then Argon2id.
        // A success clears the user's failures.
        let mut worst = 0;
        let mut attempt = |pw: &str, now_ms: u64, memory: &mut [Block]| {
            let (r, used) = super::stack::measure(|| {
                limiter.check(user, now_ms).result()?;
                verify(pw.as_bytes(), vectors::PHC, &bounds, None, memory)
            });
            worst = worst.max(used);
            if r.is_ok() {
                limiter.reset(user);
            }
            r
        };

        t.out
            .str("stored hash (")
            .str(vectors::PHC_SOURCE)
            .str("): ");
        t.out.str(vectors::PHC).nl();
        let r = attempt(vectors::PASSWORD, 0, memory);
        t.check("password", r, "ok");
        for _ in 0..PER_MINUTE {
            let r = attempt(vectors::WRONG_PASSWORD, 1_000, memory);
            t.check("wrong password", r, "password_mismatch");
        }
        let r = attempt(vectors::PASSWORD, 2_000, memory);
        t.check("right password, 6th attempt within 12 s", r, "rate_limited");
        let r = attempt(vectors::PASSWORD, 13_000, memory);
        t.check("right password, 12 s later", r, "ok");
        let r = attempt(vectors::WRONG_PASSWORD, 13_000, memory);
        t.check(
            "wrong password after a success (limit reset)",
            r,
            "password_mismatch",
        );

        let right_password = |phc: &str, memory: &mut [Block]| {
            verify(vectors::PASSWORD.as_bytes(), phc, &bounds, None, memory)
        };
        // A stored hash demanding more memory than the device has is refused before any work.
        let planted = right_password(vectors::PLANTED_PHC, memory);
        t.check(
            "stored hash with m=64",
            planted,
            "hash_params_out_of_bounds",
        );
        // One Argon2id verify alone (the limiter is not involved).
        let ticks = counter.map_or(0, |counter| {
            counter.measure(1, || {
                let _ = right_password(vectors::PHC, memory);
            })
        });
        (worst, ticks)
    }
}

/// Counts results and prints one line per check.
struct Checks {
    out: Console,
    passed: u32,
    failed: u32,
}

impl Checks {
    fn new() -> Self {
        Self {
            out: Console::open(),
            passed: 0,
            failed: 0,
        }
    }

    /// Records `got` (as `"ok"` or an error code) against `want`.
    fn check(&mut self, what: &str, got: Result<(), Error>, want: &str) {
        self.check_labeled(&[what], got, want);
    }

    /// Like [`Checks::check`], with a label printed from parts.
    fn check_labeled(&mut self, label: &[&str], got: Result<(), Error>, want: &str) {
        let code = match got {
            Ok(()) => "ok",
            Err(e) => e.code(),
        };
        self.record(label, code, want);
    }

    /// Records a condition of the run itself rather than a core result.
    fn require(&mut self, what: &str, holds: bool) {
        self.record(&[what], if holds { "ok" } else { "no" }, "ok");
    }

    fn record(&mut self, label: &[&str], code: &str, want: &str) {
        let pass = code == want;
        if pass {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.out.str(if pass { "pass  " } else { "FAIL  " });
        for part in label {
            self.out.str(part);
        }
        self.out.str(" -> ").str(code);
        if !pass {
            self.out.str(" (expected ").str(want).str(")");
        }
        self.out.nl();
    }

    /// Prints the tally and ends the program: QEMU exits 0 only if nothing failed.
    fn finish(mut self) -> ! {
        self.out
            .num(self.passed as u64)
            .str(" passed, ")
            .num(self.failed as u64)
            .str(" failed")
            .nl();
        exit(self.failed == 0)
    }
}

fn exit(success: bool) -> ! {
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached without a semihosting host.
    loop {
        cortex_m::asm::bkpt();
    }
}

/// A panic (a bug here, never input-driven in the core) fails the run with its location.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut out = Console::open();
    out.str("panic");
    if let Some(loc) = info.location() {
        out.str(" at ")
            .str(loc.file())
            .str(":")
            .num(loc.line() as u64);
    }
    out.nl();
    exit(false)
}

/// A fault (e.g. a stack overflow into the vector table's neighbour) also fails the run
/// instead of hanging QEMU.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    Console::open().str("hard fault, pc=").hex(frame.pc()).nl();
    exit(false)
}
