//! Instructions executed by a call, counted by SysTick under QEMU's `-icount shift=0`.
//!
//! With `-icount shift=0` QEMU advances its virtual clock by exactly 1 ns per guest instruction,
//! and SysTick counts virtual time. So the ticks a call takes, scaled by the ticks of a loop of
//! known length ([`Counter::start`] runs one), are the Thumb-2 instructions it executed: the same
//! count a Cortex-M3 running this image executes, and a floor for its cycles (most instructions
//! take one cycle there, loads, branches and long multiplies more). Without `-icount` the virtual
//! clock follows the host and the count means nothing; `scripts/firmware.sh` always passes it.
//!
//! SysTick runs only inside [`Counter::measure`]; its wrap interrupt (every 2^24 ticks)
//! never fires during a [`crate::stack::measure`], whose painting assumes no handler runs.

use core::sync::atomic::{AtomicU32, Ordering};
use cortex_m::peripheral::{syst::SystClkSource, SCB, SYST};
use cortex_m_rt::exception;

/// SysTick's reload value: the whole 24-bit range.
const RELOAD: u32 = 0x00FF_FFFF;
/// Iterations of the calibration loop (two instructions each).
const CALIBRATION_LOOPS: u32 = 1_000_000;

/// SysTick wraps since the counter was last started.
static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::SeqCst);
}

/// Counts instructions with SysTick; holds the calibration (ticks per known instruction count).
pub struct Counter {
    syst: SYST,
    /// Ticks taken by `2 * CALIBRATION_LOOPS` instructions.
    calibration_ticks: u64,
}

impl Counter {
    /// Takes SysTick and calibrates it against a loop of known length. `None` if the core
    /// peripherals were already taken, or if SysTick does not count instructions: the same loop
    /// must take the same ticks twice (a host-driven clock never does) and twice the loop twice
    /// the ticks (±1 tick of phase each). A SysTick that never ticks at all hangs here (the
    /// first-tick wait in `ticks`); `scripts/firmware.sh` ends such a run by its timeout (a
    /// bounded wait cost ~0.4 KiB of flash in every variant).
    pub fn start() -> Option<Self> {
        let syst = cortex_m::Peripherals::take()?.SYST;
        let mut counter = Self {
            syst,
            calibration_ticks: 1,
        };
        let once = counter.ticks(|| spin(CALIBRATION_LOOPS));
        let again = counter.ticks(|| spin(CALIBRATION_LOOPS));
        let double = counter.ticks(|| spin(2 * CALIBRATION_LOOPS));
        let exact = once > 0 && once.abs_diff(again) <= 1 && double.abs_diff(2 * once) <= 2;
        counter.calibration_ticks = once;
        exact.then_some(counter)
    }

    /// Ticks of the calibration loop and the instructions it executed. The firmware prints
    /// them and the ticks of each measured call; `scripts/firmware.sh` divides (no 64-bit
    /// division in the image: it would add ~0.9 KiB of flash to every variant).
    pub fn calibration(&self) -> (u64, u64) {
        (self.calibration_ticks, 2 * u64::from(CALIBRATION_LOOPS))
    }

    /// Ticks `runs` calls of `f` took together.
    pub fn measure(&mut self, runs: u32, mut f: impl FnMut()) -> u64 {
        self.ticks(|| {
            for _ in 0..runs {
                f();
            }
        })
    }

    /// SysTick ticks `f` took, wraps included.
    fn ticks(&mut self, f: impl FnOnce()) -> u64 {
        let syst = &mut self.syst;
        syst.disable_counter();
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(RELOAD);
        syst.clear_current();
        syst.enable_counter();
        // A cleared counter reads 0 until its first tick loads RELOAD.
        while SYST::get_current() == 0 {}
        WRAPS.store(0, Ordering::SeqCst);
        syst.enable_interrupt();
        let (_, start) = read();
        f();
        let (wraps, end) = read();
        syst.disable_counter();
        syst.disable_interrupt();
        SCB::clear_pendst();
        (u64::from(wraps) * (u64::from(RELOAD) + 1) + u64::from(start))
            .saturating_sub(u64::from(end))
    }
}

/// The wrap count and the down-counter, read so that they agree: retried while a wrap is
/// pending, happened between the reads, or is about to (the counter at 0, one tick).
fn read() -> (u32, u32) {
    loop {
        let wraps = WRAPS.load(Ordering::SeqCst);
        let current = SYST::get_current();
        if current != 0 && !SCB::is_pendst_pending() && WRAPS.load(Ordering::SeqCst) == wraps {
            return (wraps, current);
        }
    }
}

/// Exactly `2 * n` instructions (a subtract and a branch per iteration; `n` ≥ 1).
#[inline(never)]
fn spin(n: u32) {
    // SAFETY: touches only the register it is given; no memory, no stack.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs {0}, {0}, #1",
            "bne 2b",
            inout(reg) n.max(1) => _,
            options(nomem, nostack),
        );
    }
}
