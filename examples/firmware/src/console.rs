//! Text output over semihosting without `core::fmt`.
//!
//! `core::fmt` costs several KiB of flash; a device that only prints words and integers does
//! not need it. Output goes to the host's stdout (QEMU's, here). If the host offers no
//! semihosting console the text is dropped; the exit status still reports the result.

use cortex_m_semihosting::hio::{self, HostStream};

/// A line-oriented writer to the host console.
pub struct Console {
    stream: Option<HostStream>,
}

impl Console {
    /// Opens the host's stdout.
    pub fn open() -> Self {
        Self {
            stream: hio::hstdout().ok(),
        }
    }

    /// Writes `s`.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Writes raw bytes.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        if let Some(stream) = self.stream.as_mut() {
            // A failed write has nowhere to be reported; the exit status still is.
            let _ = stream.write_all(b);
        }
        self
    }

    /// Writes `n` in decimal.
    pub fn num(&mut self, mut n: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.bytes(&digits[i..])
    }

    /// Writes `n` as `0x` and eight hex digits.
    pub fn hex(&mut self, n: u32) -> &mut Self {
        let mut digits = *b"0x00000000";
        for (i, d) in digits[2..].iter_mut().enumerate() {
            let nibble = (n >> (28 - 4 * i)) & 0xf;
            *d = b"0123456789abcdef"[nibble as usize];
        }
        self.bytes(&digits)
    }

    /// Ends the line.
    pub fn nl(&mut self) {
        self.bytes(b"\n");
    }
}
