//! Stack high-water measurement by painting.
//!
//! [`measure`] fills the free stack (from the end of the static data up to the current stack
//! pointer) with a pattern, runs a closure, and finds the lowest word that no longer holds the
//! pattern. The distance from the caller's stack pointer to that word is the most stack the
//! closure used, its own frame and all callees included. Its `unsafe` is raw reads and writes of
//! memory that no Rust object occupies (the firmware's other is the instruction counter's
//! calibration loop, `icount::spin`).

use cortex_m::register::msp;

/// The fill pattern (unlikely to be a saved register or a stack variable).
const PAINT: u32 = 0x5AA5_C33C;

extern "C" {
    /// End of `.bss`/`.uninit`, where the stack's reach ends (from cortex-m-rt's `link.x`).
    static __sheap: u32;
}

/// Runs `f` and returns its result and the bytes of stack it used at most, counted from the
/// caller's stack pointer: everything `f` and its callees wrote, plus a few words of this
/// probe's own frame (so the figure is an upper bound, never an under-count of what `f` needs
/// however the optimizer inlines it).
///
/// A frame that reserves space it never writes (an untouched tail of a large local buffer at
/// the very bottom of the deepest frame) is not counted.
#[inline(always)]
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, usize) {
    run_painted(msp::read() as usize, f)
}

#[inline(never)]
fn run_painted<R>(top: usize, f: impl FnOnce() -> R) -> (R, usize) {
    let floor = floor();
    paint(floor);
    let result = f();
    let mut lowest = top;
    let mut p = floor;
    while p < top {
        // SAFETY: `floor..top` lies between the end of the statics and the caller's stack
        // pointer, 4-byte aligned. Below this frame it is free stack once `f` has returned;
        // within this frame it is only read, volatile, as plain words.
        if unsafe { core::ptr::read_volatile(p as *const u32) } != PAINT {
            lowest = p;
            break;
        }
        p += 4;
    }
    (result, top - lowest)
}

/// Lowest address the stack can reach.
fn floor() -> usize {
    // Only the address of the linker symbol is taken; it is never read.
    let end = core::ptr::addr_of!(__sheap) as usize;
    (end + 3) & !3
}

/// Paints `floor..` up to this function's own stack pointer.
#[inline(never)]
fn paint(floor: usize) {
    let sp = msp::read() as usize;
    let mut p = floor;
    while p < sp {
        // SAFETY: below the current stack pointer and above the statics: unused stack, and no
        // interrupt handler runs in this program that could own it.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}
