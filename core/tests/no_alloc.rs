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
