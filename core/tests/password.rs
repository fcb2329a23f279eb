//! Password hashing against peer libraries (RFC 9106 vectors: `password_vectors.rs`).
//!
//! Argon2 strings come from argon2-cffi 25.1 (the reference C implementation); bcrypt strings
//! from Python `bcrypt` 4.3, PHP's documentation and OpenBSD's regression tests.
#![cfg(feature = "password")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use authcore::password::{hash, needs_rehash, verify, Algorithm, Block, Bounds, Params};
use authcore::Error;

const SALT: &[u8; 16] = b"somesaltsomesalt";

/// argon2-cffi `hash_secret(pw, salt, ...)` outputs: (password, PHC string).
const CFFI: &[(&[u8], &str)] = &[
    (
        b"password",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
    ),
    (
        b"password",
        "$argon2i$v=19$m=64,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$pbigQcuZHII9wPBZI5URmc0Lp86D/tE0caICkLhLFTQ",
    ),
    (
        b"password",
        "$argon2d$v=19$m=64,t=1,p=2$c29tZXNhbHRzb21lc2FsdA$37rJlk1p76wzgdWpffgJbU+aUVnfdPsna6pXGqLwpuk",
    ),
    (
        b"password",
        "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$jB3OyWpCB2x/DpMHb1fgr/ngOhjBHtKr829Vaw65r9Y",
    ),
    (b"password", "$argon2i$v=16$m=32,t=3,p=4$MTIzNDU2Nzg$yhh7fURv5YjETmshL1Q4fw"),
    (
        "pässwörd ✓".as_bytes(),
        "$argon2id$v=19$m=256,t=2,p=2$eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA\
         $Gj/7gm9wDFTeHKMJkO+O4ap+wa2iMMQo+zHdiVj64RMZg4UZHn0uWMHnwqEvS9vET/bfJ3SrMk8OOCLY03GB6w",
    ),
    (
        b"a\0b",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$TyLKtHtKTbTSeZ9eJQ/AsFxbUOYUnEpTfEpO/wTxGqM",
    ),
    (
        b"a",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$wIQMGTntKw5dt+M1aEVe/12/u+0Zwei9eSA1q0HjSyM",
    ),
    (
        b"",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$3fUQ941rsmo3/Cpi+6K2zMNtfMLWcfukgfsepsnYCw4",
    ),
];

/// argon2-cffi, Argon2id m=19456 t=2 p=1 (OWASP) for b"owasp params".
const CFFI_OWASP: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$mg4KpPqx9uB3AKv6l0WmH3gqlsfvqzg8H0ZoTyZ5i1Y";

/// Reference C implementation (`argon2_ctx` via argon2-cffi) with secret = b"server-side pepper",
/// password b"correct horse", salt b"pepperedsalt1234".
const PEPPERED: &str =
    "$argon2id$v=19$m=64,t=1,p=1$cGVwcGVyZWRzYWx0MTIzNA$KQoYz8PJfpoh19o6YkVZgDzV38LodvlFzg7GTyY/jx4";
const PEPPER: &[u8] = b"server-side pepper";

fn memory(blocks: usize) -> Vec<Block> {
    vec![Block::new(); blocks]
}

fn small() -> Params {
    Params::new(64, 1, 1).unwrap()
}

fn hash_small(password: &[u8], params: &Params, pepper: Option<&[u8]>) -> String {
    let mut mem = memory(params.blocks_needed());
    let mut out = [0u8; authcore::password::MAX_PHC_LEN];
    let salt = &[0x11; 64][..params.salt_len()];
    hash(password, salt, params, pepper, &mut mem, &mut out)
        .unwrap()
        .to_owned()
}

fn check(password: &[u8], phc: &str) -> Result<(), Error> {
    verify(password, phc, &Bounds::DEFAULT, None, &mut memory(256))
}

/// Each password verifies against its hash, and the password with one byte appended does not.
fn assert_all_verify(cases: &[(&[u8], &str)]) {
    for (password, h) in cases {
        assert_eq!(check(password, h), Ok(()), "{h}");
        let mut wrong = password.to_vec();
        wrong.push(b'!');
        assert_eq!(check(&wrong, h), Err(Error::PasswordMismatch), "{h}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn verifies_argon2_cffi_hashes() {
    assert_all_verify(CFFI);
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn hash_is_byte_identical_to_argon2_cffi() {
    let cases = [
        (Params::new(64, 1, 1).unwrap(), &CFFI[0]),
        (
            Params::new(64, 2, 1)
                .unwrap()
                .with_algorithm(Algorithm::Argon2i),
            &CFFI[1],
        ),
        (
            Params::new(64, 1, 2)
                .unwrap()
                .with_algorithm(Algorithm::Argon2d),
            &CFFI[2],
        ),
        (Params::new(64, 1, 1).unwrap(), &CFFI[6]),
    ];
    for (params, (password, expected)) in cases {
        let mut mem = memory(params.blocks_needed());
        let mut out = [0u8; 128];
        let phc = hash(password, SALT, &params, None, &mut mem, &mut out).unwrap();
        assert_eq!(phc, *expected);
        assert_eq!(phc.len(), params.phc_len());
        assert!(!needs_rehash(phc, &params).unwrap());
    }
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn hash_with_long_salt_and_output_matches_argon2_cffi() {
    let params = Params::new(256, 2, 2)
        .and_then(|p| p.with_salt_len(64))
        .and_then(|p| p.with_output_len(64))
        .unwrap();
    let mut mem = memory(params.blocks_needed());
    let mut out = [0u8; authcore::password::MAX_PHC_LEN];
    let phc = hash(
        "pässwörd ✓".as_bytes(),
        &[b'x'; 64],
        &params,
        None,
        &mut mem,
        &mut out,
    );
    assert_eq!(phc, Ok(CFFI[5].1));
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn owasp_params_match_argon2_cffi() {
    let params = Params::OWASP;
    let mut mem = memory(params.blocks_needed());
    let mut out = [0u8; 128];
    let phc = hash(b"owasp params", SALT, &params, None, &mut mem, &mut out).unwrap();
    assert_eq!(phc, CFFI_OWASP);
    assert_eq!(
        verify(b"owasp params", phc, &Bounds::DEFAULT, None, &mut mem),
        Ok(())
    );
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn pepper_is_argon2_secret_input() {
    let mut mem = memory(64);
    let b = Bounds::DEFAULT;
    assert_eq!(
        verify(b"correct horse", PEPPERED, &b, Some(PEPPER), &mut mem),
        Ok(())
    );
    assert_eq!(
        verify(b"correct horse", PEPPERED, &b, None, &mut mem),
        Err(Error::PasswordMismatch)
    );
    assert_eq!(
        verify(
            b"correct horse",
            PEPPERED,
            &b,
            Some(b"other pepper"),
            &mut mem
        ),
        Err(Error::PasswordMismatch)
    );
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn pepper_changes_the_hash() {
    let plain = hash_small(b"correct horse", &small(), None);
    let peppered = hash_small(b"correct horse", &small(), Some(PEPPER));
    assert_ne!(plain, peppered);
    let mut mem = memory(64);
    let b = Bounds::DEFAULT;
    assert_eq!(
        verify(b"correct horse", &peppered, &b, Some(PEPPER), &mut mem),
        Ok(())
    );
    assert_eq!(
        verify(b"correct horse", &peppered, &b, None, &mut mem),
        Err(Error::PasswordMismatch)
    );
    assert_eq!(
        verify(b"correct horse", &plain, &b, Some(PEPPER), &mut mem),
        Err(Error::PasswordMismatch)
    );
}

/// An empty pepper would silently mean "no pepper": refused in `hash` and `verify`, before any
/// hashing work (the memory given is too small for the hash, yet the pepper is reported).
#[test]
fn empty_pepper_is_refused() {
    let mut out = [0u8; authcore::password::MAX_PHC_LEN];
    assert_eq!(
        hash(b"pw", &[0x11; 16], &small(), Some(b""), &mut [], &mut out),
        Err(Error::InvalidParams)
    );
    assert_eq!(
        verify(
            b"correct horse",
            PEPPERED,
            &Bounds::DEFAULT,
            Some(b""),
            &mut []
        ),
        Err(Error::InvalidParams)
    );
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn nul_bytes_are_hashed_in_full() {
    let with_nul = hash_small(b"a\0b", &small(), None);
    assert_ne!(with_nul, hash_small(b"a", &small(), None));
    assert_eq!(check(b"a\0b", &with_nul), Ok(()));
    assert_eq!(check(b"a", &with_nul), Err(Error::PasswordMismatch));
    assert_eq!(check(b"a\0", &with_nul), Err(Error::PasswordMismatch));
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn long_passwords_are_hashed_in_full() {
    let mut long = vec![b'p'; 10_000];
    let phc = hash_small(&long, &small(), None);
    assert_eq!(check(&long, &phc), Ok(()));
    *long.last_mut().unwrap() = b'q';
    assert_eq!(check(&long, &phc), Err(Error::PasswordMismatch));
}

#[test]
fn planted_expensive_hash_fails_before_any_work() {
    // Memory is empty: reaching the memory check would say InsufficientMemory instead.
    let mut none: [Block; 0] = [];
    let (salt, tag) = (
        "c29tZXNhbHRzb21lc2FsdA",
        "55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
    );
    let planted = [
        format!("$argon2id$v=19$m=4194304,t=1,p=1${salt}${tag}"),
        format!("$argon2id$v=19$m=64,t=4000000000,p=1${salt}${tag}"),
        format!("$argon2id$v=19$m=8192,t=1,p=1024${salt}${tag}"),
        format!("$argon2id$v=19$m=64,t=1,p=1${}${tag}", "A".repeat(87)), // 65-byte salt
        format!("$argon2id$v=19$m=64,t=1,p=1${salt}$55PWTvddWPUD1GMbKxSf"), // 15-byte output
    ];
    for phc in &planted {
        assert_eq!(
            verify(b"password", phc, &Bounds::DEFAULT, None, &mut none),
            Err(Error::HashParamsOutOfBounds),
            "{phc}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn tighter_bounds_reject_what_defaults_accept() {
    let (password, phc) = CFFI[1]; // t=2
    let b = Bounds::DEFAULT.with_t_cost(1, 1).unwrap();
    assert_eq!(
        verify(password, phc, &b, None, &mut memory(64)),
        Err(Error::HashParamsOutOfBounds)
    );
    assert_eq!(
        verify(password, phc, &Bounds::DEFAULT, None, &mut memory(64)),
        Ok(())
    );
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn insufficient_memory_is_reported_before_work() {
    let (password, phc) = CFFI[0]; // m=64
    let b = Bounds::DEFAULT;
    assert_eq!(
        verify(password, phc, &b, None, &mut memory(63)),
        Err(Error::InsufficientMemory)
    );
    assert_eq!(verify(password, phc, &b, None, &mut memory(64)), Ok(()));

    let params = small();
    let mut out = [0u8; 128];
    let r = hash(b"pw", SALT, &params, None, &mut memory(63), &mut out);
    assert_eq!(r, Err(Error::InsufficientMemory));
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn hash_checks_salt_length_and_output_buffer() {
    let params = small();
    let mut mem = memory(64);
    let mut out = [0u8; 128];
    let r = hash(b"pw", &SALT[..15], &params, None, &mut mem, &mut out);
    assert_eq!(r, Err(Error::InvalidParams));
    let mut short = vec![0u8; params.phc_len() - 1];
    let r = hash(b"pw", SALT, &params, None, &mut mem, &mut short);
    assert_eq!(r, Err(Error::BufferTooSmall));
    let mut exact = vec![0u8; params.phc_len()];
    assert!(hash(b"pw", SALT, &params, None, &mut mem, &mut exact).is_ok());
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn truncated_hashes_never_verify() {
    let (password, phc) = CFFI[0];
    let hash_start = phc.rfind('$').unwrap();
    for cut in 0..phc.len() {
        let truncated = &phc[..cut];
        let r = check(password, truncated);
        if cut <= hash_start + 1 {
            assert_eq!(r, Err(Error::InvalidHash), "{truncated:?}");
        } else {
            // A shorter hash field may still be well-formed base64: then it is too short an
            // output (bounds) or simply wrong, but never accepted.
            assert!(
                matches!(
                    r,
                    Err(Error::InvalidHash
                        | Error::HashParamsOutOfBounds
                        | Error::PasswordMismatch)
                ),
                "{truncated:?}: {r:?}"
            );
        }
    }
}

#[test]
fn garbled_hashes_are_invalid() {
    let (password, phc) = CFFI[0];
    let garbled = [
        phc.replace("$argon2id$", "$argon2x$"),
        phc.replace("$argon2id$", "$scrypt$"),
        phc.replace("$v=19$", "$v=20$"),
        phc.replace("$v=19$", "$"), // the reference decoder would read 0x10
        phc.replace("m=64", "m=sixty-four"),
        phc.replace("m=64", "m=0064"),
        phc.replace(",t=1", ""),
        phc.replace("c29t", "c2*t"),
        phc.replace("$c29t", "$$c29t"),
        phc.replace("BM", "BN"), // non-canonical trailing bits
        format!("{phc}$"),
        format!(" {phc}"),
        format!("{phc}\0"),
        "$argon2id".to_owned(),
        "garbage".to_owned(),
        String::new(),
    ];
    for s in &garbled {
        assert_eq!(check(password, s), Err(Error::InvalidHash), "{s:?}");
        assert_eq!(needs_rehash(s, &small()), Err(Error::InvalidHash), "{s:?}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn needs_rehash_flags_each_differing_parameter() {
    let policy = small();
    let phc = hash_small(b"pw", &policy, None);
    assert_eq!(needs_rehash(&phc, &policy), Ok(false));
    let differing = [
        Params::new(128, 1, 1).unwrap(),
        Params::new(64, 2, 1).unwrap(),
        Params::new(64, 1, 2).unwrap(),
        policy.with_algorithm(Algorithm::Argon2i),
        policy.with_output_len(64).unwrap(),
        policy.with_salt_len(32).unwrap(),
    ];
    for other in differing {
        assert_eq!(needs_rehash(&phc, &other), Ok(true), "{other:?}");
        // and the other way round: a hash made with `other` against `policy`
        assert_eq!(
            needs_rehash(&hash_small(b"pw", &other, None), &policy),
            Ok(true)
        );
    }
    // Version 0x10, otherwise identical to the policy.
    assert_eq!(needs_rehash(CFFI[3].1, &policy), Ok(true));
    assert_eq!(needs_rehash(CFFI[0].1, &policy), Ok(false));
    assert_eq!(needs_rehash(CFFI[0].1, &Params::OWASP), Ok(true));
}

#[cfg(feature = "bcrypt")]
mod bcrypt {
    use super::*;

    /// Python `bcrypt` 4.3 `hashpw(password, salt)`, plus PHP's and OpenBSD's classic vectors.
    const VECTORS: &[(&[u8], &str)] = &[
        (
            b"correct horse",
            "$2a$04$Z1zjthl9Z39vYZ4017sfxOYTzotdYYpg.dE9qolZeXH6fPjJ.Lz0q",
        ),
        (
            b"correct horse",
            "$2b$04$Z1zjthl9Z39vYZ4017sfxOYTzotdYYpg.dE9qolZeXH6fPjJ.Lz0q",
        ),
        (
            b"correct horse",
            "$2y$04$Z1zjthl9Z39vYZ4017sfxOYTzotdYYpg.dE9qolZeXH6fPjJ.Lz0q",
        ),
        (
            b"",
            "$2b$04$Z1zjthl9Z39vYZ4017sfxORZUmntOul8xHwn6iTQvGuLBuWWbXdHa",
        ),
        (
            b"a\0b",
            "$2b$04$Z1zjthl9Z39vYZ4017sfxOUsJO8CgxfbAKUPDgJud6RZYJbtYioUW",
        ),
        (
            b"a",
            "$2b$04$Z1zjthl9Z39vYZ4017sfxOc6nabKIy5aFjUdAFLPMp5Z.YG/p4le6",
        ),
        (
            "pässwörd ✓".as_bytes(),
            "$2b$04$Z1zjthl9Z39vYZ4017sfxOTML8IZKxedf3vY7ip/75LQn9KkrMcP.",
        ),
        (
            b"correct horse",
            "$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2",
        ),
        (
            b"correct horse",
            "$2y$10$abcdefghijklmnopqrstuu23JPZtHcGhwXSF41f93o/7vBdDut3Xu",
        ),
        // PHP manual, password_verify()
        (
            b"rasmuslerdorf",
            "$2y$07$usesomesillystringfore2uDLvp1Ii2e./U9C8sBjqp8I90dH6hi",
        ),
        // OpenBSD regress / crypt_blowfish test vector
        (
            b"U*U",
            "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        ),
    ];

    /// A bcrypt hash cannot carry a pepper: a pepper given with one is refused, not ignored
    /// (a planted bcrypt hash must not bypass the pepper); without a pepper it verifies, and
    /// `needs_rehash` still reports it, so a migrating service can rehash it with the pepper.
    #[test]
    #[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
    fn a_pepper_with_a_bcrypt_hash_is_refused() {
        let (password, h) = VECTORS[1];
        let b = Bounds::DEFAULT;
        for pepper in [&b"server-side pepper"[..], b""] {
            assert_eq!(
                verify(password, h, &b, Some(pepper), &mut []),
                Err(Error::InvalidParams)
            );
            assert_eq!(
                verify(b"wrong password", h, &b, Some(pepper), &mut []),
                Err(Error::InvalidParams)
            );
        }
        assert_eq!(verify(password, h, &b, None, &mut []), Ok(()));
        assert_eq!(needs_rehash(h, &Params::DEFAULT), Ok(true));
        // A malformed string is still reported as such.
        assert_eq!(
            verify(password, "$2b$04$short", &b, Some(PEPPER), &mut []),
            Err(Error::InvalidHash)
        );
    }

    /// Python `bcrypt` 4.3: hashpw(b"x" * 72, salt) == hashpw(b"x" * 100, salt).
    const X72: &str = "$2b$04$Z1zjthl9Z39vYZ4017sfxO7M.PbFW17gHc7A1fsII0dtRSVXd7AMm";

    #[test]
    #[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
    fn verifies_python_php_and_openbsd_hashes() {
        assert_all_verify(VECTORS);
    }

    #[test]
    #[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
    fn nul_bytes_count() {
        let (_, a_nul_b) = VECTORS[4];
        assert_eq!(check(b"a", a_nul_b), Err(Error::PasswordMismatch));
        assert_eq!(check(b"a\0", a_nul_b), Err(Error::PasswordMismatch));
    }

    #[test]
    #[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
    fn only_the_first_72_bytes_count_like_python_bcrypt_4() {
        assert_eq!(check(&[b'x'; 72], X72), Ok(()));
        assert_eq!(check(&[b'x'; 100], X72), Ok(()));
        let mut tail_differs = [b'x'; 80];
        tail_differs[79] = b'y';
        assert_eq!(check(&tail_differs, X72), Ok(()));
        assert_eq!(check(&[b'x'; 71], X72), Err(Error::PasswordMismatch));
        let mut head_differs = [b'x'; 72];
        head_differs[71] = b'y';
        assert_eq!(check(&head_differs, X72), Err(Error::PasswordMismatch));
    }

    #[test]
    #[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
    fn cost_bounds_apply_before_work() {
        // Cost 31 would take days; the bound refuses it at once.
        let planted = "$2b$31$Z1zjthl9Z39vYZ4017sfxOYTzotdYYpg.dE9qolZeXH6fPjJ.Lz0q";
        assert_eq!(
            check(b"correct horse", planted),
            Err(Error::HashParamsOutOfBounds)
        );
        let (password, cost10) = VECTORS[8];
        let b = Bounds::DEFAULT.with_bcrypt_cost(4, 9).unwrap();
        let r = verify(password, cost10, &b, None, &mut []);
        assert_eq!(r, Err(Error::HashParamsOutOfBounds));
        let b = Bounds::DEFAULT.with_bcrypt_cost(6, 14).unwrap();
        let r = verify(password, VECTORS[1].1, &b, None, &mut []);
        assert_eq!(r, Err(Error::HashParamsOutOfBounds));
    }

    #[test]
    fn unsupported_variants_are_invalid() {
        let h = VECTORS[1].1;
        for bad in [
            h.replace("$2b$", "$2x$"),
            h.replace("$2b$04$", "$2$04$"),
            h.replace("$2b$", "$2c$"),
            h.replace("$04$", "$4$"),
            h.replace("$04$", "$03$"),
            h.replace("sfxO", "sfxP"),
            h[..59].to_owned(),
            format!("{h}="),
        ] {
            assert_eq!(
                check(b"correct horse", &bad),
                Err(Error::InvalidHash),
                "{bad}"
            );
            assert_eq!(
                needs_rehash(&bad, &small()),
                Err(Error::InvalidHash),
                "{bad}"
            );
        }
    }

    #[test]
    fn bcrypt_always_needs_rehash() {
        for (_, h) in VECTORS {
            assert_eq!(needs_rehash(h, &Params::OWASP), Ok(true));
        }
    }
}
