//! The dump as bytes across line ends, for statements whose values span
//! lines (an INSERT's string with a newline in it). Holds one line at a
//! time, with its `\n`, so memory does not grow with the statement.

use super::lines::Lines;
use crate::error::{Error, Result};

pub(crate) struct Cursor {
    lines: Lines,
    /// The current line with a `\n` after it (also for a last line without one).
    buf: Vec<u8>,
    pos: usize,
    /// Number and byte offset of the current line.
    line: u64,
    offset: u64,
}

impl Cursor {
    pub(crate) fn new(lines: Lines) -> Cursor {
        Cursor {
            line: lines.number(),
            offset: 0,
            lines,
            buf: Vec::new(),
            pos: 0,
        }
    }

    /// The underlying lines, for reading a COPY block line by line.
    /// Only between statements: the rest of the current line is dropped.
    pub(crate) fn lines(&mut self) -> &mut Lines {
        self.buf.clear();
        self.pos = 0;
        &mut self.lines
    }

    /// Drop the rest of the current line and load the next; false at end of file.
    pub(crate) fn next_line(&mut self) -> Result<bool> {
        self.buf.clear();
        self.pos = 0;
        let Some((line, number, offset)) = self.lines.next_line()? else {
            return Ok(false);
        };
        self.buf.extend_from_slice(line);
        self.buf.push(b'\n');
        self.line = number;
        self.offset = offset;
        Ok(true)
    }

    /// The rest of the current line, `\n` included.
    pub(crate) fn rest(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Move `n` bytes ahead within the current line.
    pub(crate) fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }

    /// The next byte, loading the next line when this one is used up; None at end of file.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<Option<u8>> {
        if let Some(&b) = self.buf.get(self.pos) {
            return Ok(Some(b));
        }
        if self.next_line()? {
            Ok(self.buf.first().copied())
        } else {
            Ok(None)
        }
    }

    /// The byte after the next one, on the same line (None at the line's end).
    pub(crate) fn peek2(&self) -> Option<u8> {
        self.buf.get(self.pos + 1).copied()
    }

    #[inline]
    pub(crate) fn bump(&mut self) {
        self.pos = (self.pos + 1).min(self.buf.len());
    }

    /// Number of the line the next byte is on.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Byte offset of the next byte in the (decompressed) dump.
    pub(crate) fn offset(&self) -> u64 {
        self.offset + self.pos as u64
    }

    /// An error at the current line.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error::backup(self.lines.path(), Some(self.line), message)
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        self.lines.path()
    }

    /// Skip whitespace and comments (`-- ...`, nested `/* ... */`), across lines.
    pub(crate) fn skip_space(&mut self) -> Result<()> {
        while let Some(b) = self.peek()? {
            if b.is_ascii_whitespace() {
                self.bump();
            } else if b == b'-' && self.peek2() == Some(b'-') {
                self.pos = self.buf.len();
            } else if b == b'/' && self.peek2() == Some(b'*') {
                let line = self.line;
                self.advance(2);
                let mut depth = 1u32;
                while depth > 0 {
                    let Some(b) = self.peek()? else {
                        return Err(
                            self.error(format!("comment opened at line {line} is never closed"))
                        );
                    };
                    if b == b'*' && self.peek2() == Some(b'/') {
                        depth -= 1;
                        self.advance(2);
                    } else if b == b'/' && self.peek2() == Some(b'*') {
                        depth += 1;
                        self.advance(2);
                    } else {
                        self.bump();
                    }
                }
            } else {
                break;
            }
        }
        Ok(())
    }
}
