//! PHC / bcrypt / legacy-format string parsing and `password::verify` with tiny bounds.
//!
//! Input: `hash string 0xFF password`. Properties:
//! - never panics, never asks for more memory than the bounds allow;
//! - `blocks_needed` and `verify` agree: the same parse/bounds verdict, and exactly
//!   `blocks_needed` blocks suffice while one fewer is `InsufficientMemory`;
//! - every `Ok`/`PasswordMismatch` verdict matches an independent oracle: the `argon2` crate
//!   over a naive split of the PHC string, or the `bcrypt` crate (the legacy formats are
//!   checked against libpass and Django by the shared vectors: here, bounded and consistent);
//! - `needs_rehash` parses whatever `verify` parsed; `hash` → `verify` round-trips.
#![no_main]

use authcore::password::{self, Block, Bounds, Params, PasswordPolicy, Scheme};
use authcore::Error;
use base64ct::{Base64Unpadded, Encoding};
use libfuzzer_sys::fuzz_target;

fn bounds() -> Bounds {
    Bounds::default()
        .with_m_cost(8, 256)
        .and_then(|b| b.with_t_cost(1, 3))
        .and_then(|b| b.with_p_cost(1, 4))
        .and_then(|b| b.with_bcrypt_cost(4, 5))
        .and_then(|b| b.with_pbkdf2_iterations(1, 64))
        .and_then(|b| b.with_sha_crypt_rounds(1000, 1000))
        .and_then(|b| b.with_sha_crypt_password_len(64))
        .unwrap()
}

/// The argon2 crate's answer for a naively split PHC string: `Some(matches)`.
fn argon2_oracle(phc: &str, password: &[u8]) -> Option<bool> {
    let fields: Vec<&str> = phc.split('$').collect();
    let ["", alg, v, params, salt, hash] = fields[..] else {
        return None;
    };
    let alg = match alg {
        "argon2id" => argon2::Algorithm::Argon2id,
        "argon2i" => argon2::Algorithm::Argon2i,
        "argon2d" => argon2::Algorithm::Argon2d,
        _ => return None,
    };
    let version = match v {
        "v=19" => argon2::Version::V0x13,
        "v=16" => argon2::Version::V0x10,
        _ => return None,
    };
    let mut mtp = params
        .split(',')
        .map(|kv| kv.split_once('=').and_then(|(_, n)| n.parse().ok()));
    let (m, t, p) = (mtp.next()??, mtp.next()??, mtp.next()??);
    let salt = Base64Unpadded::decode_vec(salt).ok()?;
    let hash = Base64Unpadded::decode_vec(hash).ok()?;
    let params = argon2::Params::new(m, t, p, Some(hash.len())).ok()?;
    let mut out = vec![0u8; hash.len()];
    argon2::Argon2::new(alg, version, params)
        .hash_password_into(password, &salt, &mut out)
        .ok()?;
    Some(out == hash)
}

fuzz_target!(|data: &[u8]| {
    let sep = data.iter().position(|b| *b == 0xFF).unwrap_or(data.len());
    let (hash, rest) = data.split_at(sep);
    let password = rest.get(1..).unwrap_or(&[]);
    let Ok(phc) = std::str::from_utf8(hash) else {
        return;
    };
    let bounds = bounds();
    let max = bounds.max_blocks();
    assert!(max <= 256 * 4, "tiny bounds, tiny memory");
    let mut memory = vec![Block::new(); max];

    let needed = password::blocks_needed(phc, &bounds);
    let verdict = password::verify(password, phc, &bounds, None, &mut memory);
    match needed {
        Err(e) => assert_eq!(verdict, Err(e), "blocks_needed and verify disagree"),
        Ok(n) => {
            assert!(n <= max);
            assert!(!matches!(
                verdict,
                Err(Error::InvalidHash
                    | Error::InsecureHash
                    | Error::HashParamsOutOfBounds
                    | Error::InsufficientMemory)
            ));
            assert_eq!(
                password::verify(password, phc, &bounds, None, &mut memory[..n]),
                verdict
            );
            if n > 0 {
                assert_eq!(
                    password::verify(password, phc, &bounds, None, &mut memory[..n - 1]),
                    Err(Error::InsufficientMemory)
                );
            }
        }
    }

    match verdict {
        Ok(()) | Err(Error::PasswordMismatch) => {
            let ok = verdict.is_ok();
            match Scheme::identify(phc) {
                Some(Scheme::Argon2) => assert_eq!(
                    argon2_oracle(phc, password),
                    Some(ok),
                    "argon2 crate disagrees"
                ),
                Some(Scheme::Bcrypt) => assert_eq!(
                    bcrypt::verify(password, phc).ok(),
                    Some(ok),
                    "bcrypt crate disagrees"
                ),
                // The legacy formats' answers are checked against libpass and Django by the
                // shared vectors; here they must only be consistent and bounded.
                _ => assert!(password::needs_rehash(phc, &Params::OWASP).unwrap()),
            }
            password::needs_rehash(phc, &Params::OWASP).unwrap();
        }
        Err(e) => assert!(matches!(
            e,
            Error::InvalidHash
                | Error::InsecureHash
                | Error::HashParamsOutOfBounds
                | Error::PasswordTooLong
        )),
    }

    if hash.is_empty() {
        // hash → verify with the tiniest parameters; the salt comes from the password.
        let params = Params::new(8, 1, 1).unwrap();
        let mut salt = [0x5a; 16];
        for (s, p) in salt.iter_mut().zip(password) {
            *s ^= p;
        }
        let mut out = [0u8; password::MAX_PHC_LEN];
        let mut mem = vec![Block::new(); params.blocks_needed()];
        let phc = password::hash(password, &salt, &params, None, &mut mem, &mut out).unwrap();
        assert_eq!(phc.len(), params.phc_len());
        assert_eq!(
            password::verify(password, phc, &bounds, None, &mut mem),
            Ok(())
        );
        assert_eq!(password::needs_rehash(phc, &params), Ok(false));
        let mut other = password.to_vec();
        other.push(0);
        assert_eq!(
            password::verify(&other, phc, &bounds, None, &mut mem),
            Err(Error::PasswordMismatch)
        );
        if let Ok(text) = std::str::from_utf8(password) {
            let _ = PasswordPolicy::DEFAULT.check(text);
        }
    }
});
