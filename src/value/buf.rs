//! A small stack buffer for building canonical texts without touching the
//! heap: the canonical form is built here, compared with the input, and only
//! copied to a `String` when the input was not already canonical.

use std::borrow::Cow;
use std::fmt;

pub(crate) struct StackBuf {
    bytes: [u8; 64],
    len: usize,
    overflow: bool,
}

impl StackBuf {
    pub(crate) fn new() -> Self {
        StackBuf {
            bytes: [0; 64],
            len: 0,
            overflow: false,
        }
    }

    pub(crate) fn push(&mut self, b: u8) {
        if self.len < self.bytes.len() {
            self.bytes[self.len] = b;
            self.len += 1;
        } else {
            self.overflow = true;
        }
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        for &b in s.as_bytes() {
            self.push(b);
        }
    }

    /// `n` in decimal, zero-padded to at least `width` digits.
    pub(crate) fn push_num(&mut self, n: u64, width: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let used = digits.len() - i;
        for _ in used..width {
            self.push(b'0');
        }
        for &d in &digits[i..] {
            self.push(d);
        }
    }

    pub(crate) fn overflowed(&self) -> bool {
        self.overflow
    }

    /// The built text; only ASCII is ever pushed through the byte methods, and
    /// `fmt::Write` pushes whole `str`s, so this is valid UTF-8.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    /// `input` itself if it equals what was built, else an owned copy.
    /// Callers must check [`overflowed`](Self::overflowed) first.
    pub(crate) fn reuse<'a>(&self, input: &'a str) -> Cow<'a, str> {
        let built = self.as_str();
        if built == input {
            Cow::Borrowed(input)
        } else {
            Cow::Owned(built.to_owned())
        }
    }
}

impl fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len + s.len() > self.bytes.len() {
            self.overflow = true;
            return Err(fmt::Error);
        }
        self.bytes[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}
