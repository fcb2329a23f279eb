//! Proves the hot paths perform zero heap allocations: a counting global allocator (test-only,
//! std) wraps the system allocator, and each operation runs between two reads of the counter.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread (the harness's other threads don't count).
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations this thread made meanwhile.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCS.with(Cell::get);
    let r = f();
    (ALLOCS.with(Cell::get) - before, r)
}

#[test]
fn hot_paths_do_not_allocate() {
    // The counter really counts (so a zero below means something).
    let (n, v) = allocations(|| std::vec![1u8; 16]);
    assert!(n >= 1 && v.len() == 16);
    #[cfg(feature = "jwt")]
    {
        use authcore::jwt::{self, EncodeOptions, Key, Validation};
        #[derive(serde::Serialize)]
        struct C<'a> {
            sub: &'a str,
            exp: u64,
            aud: &'a str,
        }
        let key = Key::with_kid(b"zero-alloc-secret-zero-alloc-secret", "k1").unwrap();
        let mut out = [0u8; 512];
        let mut buf = [0u8; 512];
        let (n, len) = allocations(|| {
            jwt::encode(
                &C {
                    sub: "alice",
                    exp: 2_000_000_000,
                    aud: "api",
                },
                &key,
                &mut out,
            )
        });
        assert_eq!(n, 0, "encode allocated");
        let len = len.unwrap();
        let (n, r) = allocations(|| {
            let v = Validation::new().audience(&["api"]);
            jwt::verify(&out[..len], &key, &v, 1_700_000_000, &mut buf).map(|t| t.claims.exp)
        });
        assert_eq!(n, 0, "verify allocated");
        assert_eq!(r.unwrap(), Some(2_000_000_000));
        let payload = br#"{"sub":"bob","exp":2000000000}"#;
        let (n, r) =
            allocations(|| jwt::encode_json(payload, &key, &EncodeOptions::default(), &mut out));
        assert_eq!(n, 0, "encode_json allocated");
        assert!(r.is_ok());
        // Rejections don't allocate either.
        let (n, r) = allocations(|| {
            jwt::verify(b"a.b.c", &key, &Validation::new(), 0, &mut buf).map(|_| ())
        });
        assert_eq!(n, 0);
        assert!(r.is_err());
    }
    // Under Miri each Ed25519 scalar multiplication takes tens of seconds: natively only.
    #[cfg(all(feature = "eddsa", not(miri)))]
    {
        use authcore::jwt::{self, jwk, Ed25519PrivateKey, EncodeOptions, Key, KeySet, Validation};
        let mut out = [0u8; 1024];
        let mut buf = [0u8; 512];
        let payload = br#"{"sub":"bob","exp":2000000000}"#;
        let (n, signer) = allocations(|| Key::from(Ed25519PrivateKey::from_seed(&[9u8; 32])));
        assert_eq!(n, 0, "key from seed allocated");
        let (n, r) =
            allocations(|| jwt::encode_json(payload, &signer, &EncodeOptions::default(), &mut out));
        assert_eq!(n, 0, "EdDSA encode allocated");
        let len = r.unwrap();
        let public = signer.to_public().unwrap();
        let (n, r) = allocations(|| {
            jwt::verify(
                &out[..len],
                &public,
                &Validation::new(),
                1_700_000_000,
                &mut buf,
            )
            .map(|t| t.claims.exp)
        });
        assert_eq!(n, 0, "EdDSA verify allocated");
        assert_eq!(r.unwrap(), Some(2_000_000_000));
        // Key loading and writing: PEM, DER, JWK, JWKS.
        let sk = signer.ed25519_private_key().unwrap().clone();
        let mut pem = [0u8; 256];
        let (n, r) = allocations(|| {
            let len = sk.write_pem(&mut pem)?;
            let k = Key::from_pem(&pem[..len], None)?;
            let p = Key::from_pem(sk.public_key().to_pem().as_bytes(), Some("p"))?;
            let d = Key::from_der(&sk.public_key().to_der(), None)?;
            Ok::<_, authcore::Error>((k.can_sign(), p.can_sign(), d.kid().is_some()))
        });
        assert_eq!(n, 0, "PEM/DER allocated");
        assert_eq!(r.unwrap(), (true, false, true));
        let mut set = KeySet::<4>::new();
        set.push(public.clone()).unwrap();
        set.push(Key::from(
            Ed25519PrivateKey::from_seed(&[3u8; 32]).public_key(),
        ))
        .unwrap();
        let mut doc = [0u8; 512];
        let (n, r) = allocations(|| {
            let len = set.write_jwks(&mut doc)?;
            let back = KeySet::<4>::from_jwks(&doc[..len])?;
            let one = public.write_jwk(&mut out)?;
            let k = Key::from_jwk(&out[..one])?;
            let mut count = 0;
            jwk::read_jwks(&doc[..len], |_| {
                count += 1;
                Ok(())
            })?;
            Ok::<_, authcore::Error>((back.len(), k.kid() == public.kid(), count))
        });
        assert_eq!(n, 0, "JWK/JWKS allocated");
        assert_eq!(r.unwrap(), (2, true, 2));
        // Rejections, and the public-key-as-secret refusal, don't allocate either.
        let (n, r) = allocations(|| {
            let bad = jwt::verify(&out[..len], &public, &Validation::new(), 0, &mut buf).is_err();
            (bad, Key::new(sk.public_key().to_pem().as_bytes()).is_err())
        });
        assert_eq!(n, 0);
        assert_eq!(r, (true, true));
    }
    #[cfg(feature = "password")]
    {
        use authcore::password::{hash, verify, Block, Bounds, Params, MAX_PHC_LEN};
        // The smallest Argon2 memory under Miri, which interprets every block operation.
        let params = Params::new(if cfg!(miri) { 8 } else { 64 }, 1, 1).unwrap();
        let mut memory = vec![Block::new(); params.blocks_needed()];
        let mut out = [0u8; MAX_PHC_LEN];
        let salt = [1u8; 16];
        let (n, r) = allocations(|| {
            hash(b"pw-pw-pw-pw", &salt, &params, None, &mut memory, &mut out).map(|s| s.len())
        });
        assert_eq!(n, 0, "hash allocated");
        let len = r.unwrap();
        let phc = core::str::from_utf8(&out[..len]).unwrap();
        let bounds = Bounds::default();
        let (n, r) = allocations(|| verify(b"pw-pw-pw-pw", phc, &bounds, None, &mut memory));
        assert_eq!(n, 0, "password verify allocated");
        assert_eq!(r, Ok(()));
        let (n, r) = allocations(|| verify(b"wrong", phc, &bounds, None, &mut memory));
        assert_eq!(n, 0);
        assert!(r.is_err());
    }
}
