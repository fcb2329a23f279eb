//! Argon2id password hashing with the GIL released, legacy bcrypt verification, rehash
//! decisions and the password policy.
//!
//! The binding supplies what the core leaves to its caller: salts from the OS CSPRNG
//! (`getrandom`) and Argon2's working memory (see [`with_memory`]).

use std::cell::RefCell;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use authcore::password::{self, Algorithm, BcryptLongPassword, Block, Bounds, Params, MAX_PHC_LEN};
use authcore::Error;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};

use crate::errors::{core, Fail};
use crate::text::{bytes_or_str, Bytes};

/// Largest Argon2 working memory (in 1 KiB blocks) a pooled buffer keeps between calls:
/// 64 MiB, enough for the OWASP (19 MiB) and RFC 9106 low-memory (64 MiB) parameter sets.
/// Larger hashes get a buffer of their own that is freed after the call.
const RETAIN_MAX_BLOCKS: usize = 64 * 1024;

/// How many Argon2 computations may run at once in this process, and their memory.
///
/// Each computation needs its full working memory (19 MiB at OWASP parameters), so the
/// number running at once bounds the memory: a burst of 100 logins must not allocate 100 ×
/// 19 MiB. Callers beyond `limit` wait (with the GIL released) until one finishes. Buffers are
/// pooled, at most `limit` of them, so the memory kept between calls is `limit` buffers, not
/// one per thread that ever hashed.
///
/// Why reusing a buffer is safe: it is only used inside one native call, with the GIL
/// released and no Python code running on this thread, by one computation at a time (it is
/// taken out of the pool); Argon2 writes every block before it reads it, so stale contents
/// never influence a result; and the used blocks are zeroed after each computation, so no
/// password-derived state stays behind between calls.
struct Gate {
    state: Mutex<GateState>,
    freed: Condvar,
}

struct GateState {
    /// The process these counts belong to: a child made by `fork()` while another thread was
    /// hashing inherits a count no thread of its own will ever give back, so it starts afresh.
    pid: u32,
    /// 0 until first used or set: then the CPU count.
    limit: usize,
    running: usize,
    /// Highest `running` seen (for tests and benchmarks).
    peak: usize,
    pool: Vec<Vec<Block>>,
}

static GATE: Gate = Gate {
    state: Mutex::new(GateState {
        pid: 0,
        limit: 0,
        running: 0,
        peak: 0,
        pool: Vec::new(),
    }),
    freed: Condvar::new(),
};

fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl GateState {
    /// The counts of a new process: none of the parent's computations runs in it, and the
    /// parent's pooled buffers are freed.
    fn start_afresh(&mut self, pid: u32) {
        self.pid = pid;
        self.running = 0;
        self.peak = 0;
        self.pool.clear();
    }
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        // A panic cannot happen while the lock is held (plain counter updates), but a
        // poisoned lock would still hold consistent counters: keep going.
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let pid = std::process::id();
        if st.pid != pid {
            st.start_afresh(pid);
        }
        st
    }

    /// Waits for a free slot, then takes a pooled buffer (possibly empty).
    fn enter(&self) -> Vec<Block> {
        let mut st = self.lock();
        if st.limit == 0 {
            st.limit = cpu_count();
        }
        while st.running >= st.limit {
            st = self.freed.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        st.running += 1;
        st.peak = st.peak.max(st.running);
        st.pool.pop().unwrap_or_default()
    }

    /// Gives the slot back, and the buffer to the pool (unless it is oversized or the pool
    /// is full).
    fn leave(&self, buf: Vec<Block>) {
        let mut st = self.lock();
        st.running = st.running.saturating_sub(1);
        if buf.len() <= RETAIN_MAX_BLOCKS && !buf.is_empty() && st.pool.len() < st.limit {
            st.pool.push(buf);
        }
        drop(st);
        self.freed.notify_one();
    }
}

thread_local! {
    /// The gate's lock, held by the thread that calls `os.fork()` from just before the fork
    /// until just after it (see [`register_fork_hooks`]).
    static HELD_ACROSS_FORK: RefCell<Option<MutexGuard<'static, GateState>>> =
        const { RefCell::new(None) };
}

/// Makes `os.fork()` safe while other threads hash.
///
/// A thread that forks copies the gate's lock as it is at that instant. Were another thread
/// inside `enter` or `leave` then, the child's copy would stay locked forever, with no thread
/// of the child to unlock it, and the child's first hash would wait for ever. So the forking
/// thread takes the lock just before the fork (the standard `pthread_atfork` discipline,
/// through `os.register_at_fork`): the copy is then held by the one thread the child has,
/// which starts the child's counts afresh and unlocks it. A thread taking the lock never
/// waits for the GIL while holding it, so taking it here, with the GIL, cannot deadlock.
/// (A fork by native code bypasses these hooks; the pid check in `Gate::lock` still starts
/// that child's counts afresh.)
pub fn register_fork_hooks(py: Python<'_>) -> PyResult<()> {
    let os = py.import("os")?;
    if !os.hasattr("register_at_fork")? {
        return Ok(()); // no fork() on this platform
    }
    fn hook(py: Python<'_>, f: fn()) -> PyResult<Bound<'_, PyCFunction>> {
        PyCFunction::new_closure(
            py,
            None,
            None,
            move |_: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| f(),
        )
    }
    let before = hook(py, || {
        let held = GATE.lock();
        HELD_ACROSS_FORK.with(|h| *h.borrow_mut() = Some(held));
    })?;
    let after_in_parent = hook(py, || {
        drop(HELD_ACROSS_FORK.with(|h| h.borrow_mut().take()))
    })?;
    let after_in_child = hook(py, || {
        if let Some(mut st) = HELD_ACROSS_FORK.with(|h| h.borrow_mut().take()) {
            st.start_afresh(std::process::id());
        }
    })?;
    let hooks = PyDict::new(py);
    hooks.set_item("before", before)?;
    hooks.set_item("after_in_parent", after_in_parent)?;
    hooks.set_item("after_in_child", after_in_child)?;
    os.call_method("register_at_fork", (), Some(&hooks))?;
    Ok(())
}

/// Runs `f` with at least `blocks` blocks of zeroed Argon2 memory, zeroing them again after,
/// within the process-wide limit on concurrent computations (no wait when `blocks` is 0: a
/// bcrypt hash needs no Argon2 memory).
fn with_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    fn run<R>(mem: &mut [Block], f: impl FnOnce(&mut [Block]) -> R) -> R {
        let r = f(mem);
        mem.fill(Block::new());
        // Keep the wipe even when the buffer is about to be freed.
        std::hint::black_box(mem);
        r
    }
    if blocks == 0 {
        return run(&mut [], f);
    }
    let mut buf = GATE.enter();
    if buf.len() < blocks {
        buf.resize(blocks, Block::new());
    }
    let r = match buf.get_mut(..blocks) {
        Some(slice) => run(slice, f),
        None => run(&mut vec![Block::new(); blocks], f),
    };
    GATE.leave(buf);
    r
}

/// Sets how many Argon2 computations may run at once in this process (default: the CPU
/// count); further callers wait. Returns the previous limit. `ValueError` for 0.
#[pyfunction]
pub fn set_argon2_concurrency(limit: usize) -> PyResult<usize> {
    if limit == 0 {
        return Err(PyValueError::new_err(
            "the Argon2 concurrency limit must be at least 1",
        ));
    }
    let mut st = GATE.lock();
    let previous = if st.limit == 0 { cpu_count() } else { st.limit };
    st.limit = limit;
    st.pool.truncate(limit);
    drop(st);
    GATE.freed.notify_all();
    Ok(previous)
}

/// `(limit, running, peak)`: the limit on concurrent Argon2 computations, how many run now,
/// and the most that ever ran at once (reset to `running` by `reset_peak=True`).
#[pyfunction]
#[pyo3(signature = (reset_peak=false))]
pub fn argon2_concurrency(reset_peak: bool) -> (usize, usize, usize) {
    let mut st = GATE.lock();
    if st.limit == 0 {
        st.limit = cpu_count();
    }
    let out = (st.limit, st.running, st.peak);
    if reset_peak {
        st.peak = st.running;
    }
    out
}

/// Parameters for new Argon2 hashes (and the target `needs_rehash` compares stored hashes
/// with). Defaults are the core's `Params::DEFAULT` (OWASP's: Argon2id, m=19456 KiB, t=2,
/// p=1, 32-byte hash, 16-byte salt).
#[pyclass(frozen, eq, hash, module = "authcore._authcore", name = "Argon2Params")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Argon2Params {
    pub inner: Params,
}

#[pymethods]
impl Argon2Params {
    #[new]
    #[pyo3(signature = (
        m_cost=Params::DEFAULT.m_cost(), t_cost=Params::DEFAULT.t_cost(),
        p_cost=Params::DEFAULT.p_cost(), *,
        algorithm=Params::DEFAULT.algorithm().as_str().to_owned(),
        output_len=Params::DEFAULT.output_len(), salt_len=Params::DEFAULT.salt_len()
    ))]
    fn new(
        m_cost: u32,
        t_cost: u32,
        p_cost: u32,
        algorithm: String,
        output_len: usize,
        salt_len: usize,
    ) -> PyResult<Self> {
        let algorithm = core(algorithm.parse::<Algorithm>())?;
        let inner = core(
            Params::new(m_cost, t_cost, p_cost)
                .and_then(|p| p.with_output_len(output_len))
                .and_then(|p| p.with_salt_len(salt_len)),
        )?
        .with_algorithm(algorithm);
        Ok(Self { inner })
    }

    /// OWASP Password Storage Cheat Sheet: Argon2id, m=19456, t=2, p=1 (the default).
    #[classattr]
    #[allow(non_snake_case)]
    fn OWASP() -> Self {
        Self {
            inner: Params::OWASP,
        }
    }

    /// RFC 9106 low-memory option, argon2-cffi's and pwdlib's default: m=65536, t=3, p=4.
    #[classattr]
    #[allow(non_snake_case)]
    fn RFC9106_LOW_MEMORY() -> Self {
        Self {
            inner: Params::RFC9106_LOW_MEMORY,
        }
    }

    #[getter]
    fn m_cost(&self) -> u32 {
        self.inner.m_cost()
    }
    #[getter]
    fn t_cost(&self) -> u32 {
        self.inner.t_cost()
    }
    #[getter]
    fn p_cost(&self) -> u32 {
        self.inner.p_cost()
    }
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm().as_str()
    }
    #[getter]
    fn output_len(&self) -> usize {
        self.inner.output_len()
    }
    #[getter]
    fn salt_len(&self) -> usize {
        self.inner.salt_len()
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "Argon2Params(m_cost={}, t_cost={}, p_cost={}, algorithm={:?}, output_len={}, salt_len={})",
            p.m_cost(),
            p.t_cost(),
            p.p_cost(),
            p.algorithm().as_str(),
            p.output_len(),
            p.salt_len()
        )
    }
}

type Range32 = (u32, u32);
type RangeSize = (usize, usize);

/// Limits on the cost of *stored* hashes that `verify_password` will run, checked before any
/// memory is allocated (a planted `m=4194304` is refused at once). Inclusive `(min, max)`
/// pairs; the defaults suit a server.
#[pyclass(frozen, eq, module = "authcore._authcore", name = "HashBounds")]
#[derive(Clone, PartialEq, Eq)]
pub struct HashBounds {
    pub inner: Bounds,
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn pair<T: Copy>(r: std::ops::RangeInclusive<T>) -> (T, T) {
    (*r.start(), *r.end())
}

#[pymethods]
impl HashBounds {
    #[new]
    #[pyo3(signature = (
        *, m_cost=pair(Bounds::DEFAULT.m_cost()), t_cost=pair(Bounds::DEFAULT.t_cost()),
        p_cost=pair(Bounds::DEFAULT.p_cost()), salt_len=pair(Bounds::DEFAULT.salt_len()),
        output_len=pair(Bounds::DEFAULT.output_len()),
        bcrypt_cost=pair(Bounds::DEFAULT.bcrypt_cost()),
        pbkdf2_iterations=pair(Bounds::DEFAULT.pbkdf2_iterations()),
        sha_crypt_rounds=pair(Bounds::DEFAULT.sha_crypt_rounds()),
        sha_crypt_password_len=Bounds::DEFAULT.sha_crypt_password_len(),
        bcrypt_truncate=true, allow_md5_crypt=false, allow_plaintext=false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        m_cost: Range32,
        t_cost: Range32,
        p_cost: Range32,
        salt_len: RangeSize,
        output_len: RangeSize,
        bcrypt_cost: Range32,
        pbkdf2_iterations: Range32,
        sha_crypt_rounds: Range32,
        sha_crypt_password_len: usize,
        bcrypt_truncate: bool,
        allow_md5_crypt: bool,
        allow_plaintext: bool,
    ) -> PyResult<Self> {
        let long = if bcrypt_truncate {
            BcryptLongPassword::Truncate
        } else {
            BcryptLongPassword::Refuse
        };
        let inner = core(
            Bounds::DEFAULT
                .with_m_cost(m_cost.0, m_cost.1)
                .and_then(|b| b.with_t_cost(t_cost.0, t_cost.1))
                .and_then(|b| b.with_p_cost(p_cost.0, p_cost.1))
                .and_then(|b| b.with_salt_len(salt_len.0, salt_len.1))
                .and_then(|b| b.with_output_len(output_len.0, output_len.1))
                .and_then(|b| b.with_bcrypt_cost(bcrypt_cost.0, bcrypt_cost.1))
                .and_then(|b| b.with_pbkdf2_iterations(pbkdf2_iterations.0, pbkdf2_iterations.1))
                .and_then(|b| b.with_sha_crypt_rounds(sha_crypt_rounds.0, sha_crypt_rounds.1))
                .and_then(|b| b.with_sha_crypt_password_len(sha_crypt_password_len)),
        )?
        .with_bcrypt_long_password(long)
        .with_insecure(allow_md5_crypt, allow_plaintext);
        Ok(Self { inner })
    }

    #[getter]
    fn m_cost(&self) -> Range32 {
        pair(self.inner.m_cost())
    }
    #[getter]
    fn t_cost(&self) -> Range32 {
        pair(self.inner.t_cost())
    }
    #[getter]
    fn p_cost(&self) -> Range32 {
        pair(self.inner.p_cost())
    }
    #[getter]
    fn salt_len(&self) -> RangeSize {
        pair(self.inner.salt_len())
    }
    #[getter]
    fn output_len(&self) -> RangeSize {
        pair(self.inner.output_len())
    }
    #[getter]
    fn bcrypt_cost(&self) -> Range32 {
        pair(self.inner.bcrypt_cost())
    }
    #[getter]
    fn pbkdf2_iterations(&self) -> Range32 {
        pair(self.inner.pbkdf2_iterations())
    }
    #[getter]
    fn sha_crypt_rounds(&self) -> Range32 {
        pair(self.inner.sha_crypt_rounds())
    }
    #[getter]
    fn sha_crypt_password_len(&self) -> usize {
        self.inner.sha_crypt_password_len()
    }
    #[getter]
    fn bcrypt_truncate(&self) -> bool {
        self.inner.bcrypt_long_password() == BcryptLongPassword::Truncate
    }
    #[getter]
    fn allow_md5_crypt(&self) -> bool {
        self.inner.allows_md5_crypt()
    }
    #[getter]
    fn allow_plaintext(&self) -> bool {
        self.inner.allows_plaintext()
    }

    /// A copy with other legacy-format settings (what `CryptContext` configures).
    #[pyo3(signature = (*, bcrypt_truncate=None, allow_md5_crypt=None, allow_plaintext=None))]
    fn with_legacy(
        &self,
        bcrypt_truncate: Option<bool>,
        allow_md5_crypt: Option<bool>,
        allow_plaintext: Option<bool>,
    ) -> Self {
        let b = &self.inner;
        let long = match bcrypt_truncate {
            Some(true) => BcryptLongPassword::Truncate,
            Some(false) => BcryptLongPassword::Refuse,
            None => b.bcrypt_long_password(),
        };
        let inner = b.clone().with_bcrypt_long_password(long).with_insecure(
            allow_md5_crypt.unwrap_or(b.allows_md5_crypt()),
            allow_plaintext.unwrap_or(b.allows_plaintext()),
        );
        Self { inner }
    }

    /// Raises `HashParamsOutOfBoundsError` if hashes made with `params` would be refused.
    fn check(&self, params: &Argon2Params) -> PyResult<()> {
        core(self.inner.check(&params.inner))
    }

    fn __repr__(&self) -> String {
        format!(
            "HashBounds(m_cost={:?}, t_cost={:?}, p_cost={:?}, salt_len={:?}, output_len={:?}, bcrypt_cost={:?}, pbkdf2_iterations={:?}, sha_crypt_rounds={:?}, sha_crypt_password_len={}, bcrypt_truncate={}, allow_md5_crypt={}, allow_plaintext={})",
            self.m_cost(),
            self.t_cost(),
            self.p_cost(),
            self.salt_len(),
            self.output_len(),
            self.bcrypt_cost(),
            self.pbkdf2_iterations(),
            self.sha_crypt_rounds(),
            self.sha_crypt_password_len(),
            py_bool(self.bcrypt_truncate()),
            py_bool(self.allow_md5_crypt()),
            py_bool(self.allow_plaintext()),
        )
    }
}

/// Rules for choosing a new password. Defaults are the core's `PasswordPolicy::DEFAULT` (NIST SP
/// 800-63B: at least 8 characters, at most 1024 bytes, no composition rules, the most common
/// passwords refused).
#[pyclass(
    frozen,
    eq,
    hash,
    module = "authcore._authcore",
    name = "PasswordPolicy"
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PasswordPolicy {
    pub inner: password::PasswordPolicy,
}

#[pymethods]
impl PasswordPolicy {
    #[new]
    #[pyo3(signature = (
        min_len=password::PasswordPolicy::DEFAULT.min_len(),
        max_len_bytes=password::PasswordPolicy::DEFAULT.max_len_bytes(), *,
        required_classes=password::PasswordPolicy::DEFAULT.require_classes(),
        reject_common=password::PasswordPolicy::DEFAULT.reject_common()
    ))]
    fn new(
        min_len: usize,
        max_len_bytes: usize,
        required_classes: Option<u8>,
        reject_common: bool,
    ) -> PyResult<Self> {
        let inner = core(
            password::PasswordPolicy::new(min_len, max_len_bytes)
                .and_then(|p| p.with_required_classes(required_classes)),
        )?
        .with_reject_common(reject_common);
        Ok(Self { inner })
    }

    #[getter]
    fn min_len(&self) -> usize {
        self.inner.min_len()
    }
    #[getter]
    fn max_len_bytes(&self) -> usize {
        self.inner.max_len_bytes()
    }
    #[getter]
    fn required_classes(&self) -> Option<u8> {
        self.inner.require_classes()
    }
    #[getter]
    fn reject_common(&self) -> bool {
        self.inner.reject_common()
    }

    /// Raises a `PasswordPolicyError` subclass if `password` breaks a rule.
    fn check(&self, password: String) -> PyResult<()> {
        core(self.inner.check(&password))
    }

    fn __repr__(&self) -> String {
        format!(
            "PasswordPolicy(min_len={}, max_len_bytes={}, required_classes={:?}, reject_common={})",
            self.min_len(),
            self.max_len_bytes(),
            self.required_classes(),
            if self.reject_common() {
                "True"
            } else {
                "False"
            }
        )
    }
}

fn optional_bytes<'a>(
    obj: Option<&'a Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Option<Bytes<'a>>> {
    obj.map(|o| bytes_or_str(o, what)).transpose()
}

/// Hashes `password` (str → UTF-8) into an Argon2 PHC string with a fresh 16-byte (or
/// `params.salt_len`) salt from the OS CSPRNG. Releases the GIL while Argon2 runs.
#[pyfunction]
#[pyo3(signature = (password, params=None, pepper=None))]
pub fn hash_password(
    py: Python<'_>,
    password: &Bound<'_, PyAny>,
    params: Option<&Argon2Params>,
    pepper: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let password = bytes_or_str(password, "password")?;
    let pepper = optional_bytes(pepper, "pepper")?;
    let params = params.map_or(Params::DEFAULT, |p| p.inner);
    let mut salt = [0u8; password::MAX_SALT_LEN];
    let salt = salt.get_mut(..params.salt_len()).unwrap_or(&mut []);
    getrandom::fill(salt)
        .map_err(|e| PyOSError::new_err(format!("OS random source failed: {e}")))?;
    // Plain slices cross into the GIL-free section; their Python owners stay alive here.
    let (password, pepper): (&[u8], Option<&[u8]>) = (&password, pepper.as_deref());
    let result = py.detach(|| {
        with_memory(params.blocks_needed(), |mem| {
            let mut out = [0u8; MAX_PHC_LEN];
            password::hash(password, salt, &params, pepper, mem, &mut out).map(str::to_owned)
        })
    });
    core(result)
}

/// Verifies `password` against a stored Argon2 PHC, bcrypt or legacy (passlib/Django) string,
/// the scheme chosen by the core from its prefix: `True` on a match,
/// `False` on a mismatch; a malformed/unsupported string or out-of-bounds parameters raise
/// (`InvalidHashError`, `HashParamsOutOfBoundsError`). Releases the GIL while hashing.
#[pyfunction]
#[pyo3(signature = (password, hash, bounds=None, pepper=None))]
pub fn verify_password(
    py: Python<'_>,
    password: &Bound<'_, PyAny>,
    hash: String,
    bounds: Option<&HashBounds>,
    pepper: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    let password = bytes_or_str(password, "password")?;
    let pepper = optional_bytes(pepper, "pepper")?;
    let bounds = bounds.map_or(Bounds::DEFAULT, |b| b.inner.clone());
    // The core sizes the memory from the stored cost, after checking it against `bounds`, so a
    // planted `m=4194304` is refused before anything is allocated.
    let blocks = core(password::blocks_needed(&hash, &bounds))?;
    let (password, pepper): (&[u8], Option<&[u8]>) = (&password, pepper.as_deref());
    let result = py.detach(|| {
        with_memory(blocks, |mem| {
            password::verify(password, &hash, &bounds, pepper, mem)
        })
    });
    match result {
        Ok(()) => Ok(true),
        Err(Error::PasswordMismatch) => Ok(false),
        Err(e) => Err(Fail::from(e).into()),
    }
}

/// Checks a configured pepper by the core's rule (`InvalidParamsError` for an empty one), so a
/// hasher refuses it when it is built rather than at the first login.
#[pyfunction]
pub fn check_pepper(pepper: &[u8]) -> PyResult<()> {
    core(password::check_pepper(Some(pepper)))
}

/// Whether a stored hash should be replaced by one made with `params` (default
/// `Params::DEFAULT`, OWASP's): another algorithm, version, cost, salt or output length, or
/// any scheme but Argon2. Raises `InvalidHashError` for a string that does not parse,
/// `InsecureHashError` for an insecure scheme `bounds` does not allow.
#[pyfunction]
#[pyo3(signature = (hash, params=None, bounds=None))]
pub fn needs_rehash(
    hash: String,
    params: Option<&Argon2Params>,
    bounds: Option<&HashBounds>,
) -> PyResult<bool> {
    core(password::needs_rehash_within(
        &hash,
        &params.map_or(Params::DEFAULT, |p| p.inner),
        bounds.map_or(&Bounds::DEFAULT, |b| &b.inner),
    ))
}

/// passlib's name of the scheme `verify_password` would use for `hash` under `bounds`
/// (`"argon2"`, `"bcrypt"`, `"pbkdf2_sha256"`, …; `"plaintext"` for an unclaimed string when
/// `bounds` allows plaintext). Raises `InvalidHashError` when no scheme claims it. Only the
/// prefix is read: `verify_password` checks the rest.
#[pyfunction]
#[pyo3(signature = (hash, bounds=None))]
pub fn identify_hash(hash: &str, bounds: Option<&HashBounds>) -> PyResult<&'static str> {
    core(password::identify(hash, bounds.map_or(&Bounds::DEFAULT, |b| &b.inner)).map(|s| s.name()))
}

/// Every scheme `identify_hash` can return, in identification order, as
/// `(name, insecure, verifiable)`: insecure schemes verify only when the bounds allow them;
/// a scheme that is not verifiable (des_crypt) is always refused.
#[pyfunction]
pub fn hash_schemes() -> Vec<(&'static str, bool, bool)> {
    password::Scheme::ALL
        .iter()
        .map(|s| (s.name(), s.is_insecure(), s.is_verifiable()))
        .collect()
}

/// Checks a new password against `policy` (default `PasswordPolicy()`); raises a
/// `PasswordPolicyError` subclass on the first broken rule.
#[pyfunction]
#[pyo3(signature = (password, policy=None))]
pub fn check_password(password: String, policy: Option<&PasswordPolicy>) -> PyResult<()> {
    let policy = policy.map_or(password::PasswordPolicy::DEFAULT, |p| p.inner);
    core(policy.check(&password))
}
