//! A buffered byte stream over one (possibly gzipped) backup file that knows
//! the line it is on, so every reader can name file and line in its errors.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

const BUF_SIZE: usize = 256 * 1024;

pub(crate) struct ByteSource {
    inner: Box<dyn Read + Send>,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Absolute offset of `buf[0]` in the decompressed stream.
    base: u64,
    /// 1-based line of the byte at `pos`.
    line: u64,
    /// Absolute offset of the first byte of the current line.
    line_start: u64,
    pub(crate) file: PathBuf,
    gzip: bool,
}

impl ByteSource {
    pub(crate) fn open(path: &Path, gzip: bool) -> Result<ByteSource> {
        let file = File::open(path).map_err(|e| Error::io(path, &e))?;
        let inner: Box<dyn Read + Send> = if gzip {
            Box::new(MultiGzDecoder::new(std::io::BufReader::new(file)))
        } else {
            Box::new(file)
        };
        let mut src = ByteSource {
            inner,
            buf: vec![0u8; BUF_SIZE].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            base: 0,
            line: 1,
            line_start: 0,
            file: path.to_path_buf(),
            gzip,
        };
        src.skip_bom()?;
        Ok(src)
    }

    /// Excel and some exporters start files with a UTF-8 byte-order mark.
    fn skip_bom(&mut self) -> Result<()> {
        while self.len < 3 && !self.eof {
            let n = self.read_more_at(self.len)?;
            self.len += n;
        }
        if self.buf[..self.len].starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.pos = 3;
            self.line_start = 3;
        }
        Ok(())
    }

    fn read_more_at(&mut self, at: usize) -> Result<usize> {
        loop {
            match self.inner.read(&mut self.buf[at..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(0);
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let what = if self.gzip {
                        "cannot decompress (truncated or corrupt gzip data)"
                    } else {
                        "read error"
                    };
                    return Err(self.error(format!("{what}: {e}")));
                }
            }
        }
    }

    /// Ensure at least one unread byte; false at end of file.
    pub(crate) fn fill(&mut self) -> Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        while !self.eof {
            self.base += self.len as u64;
            self.pos = 0;
            self.len = 0;
            let n = self.read_more_at(0)?;
            self.len = n;
            if n > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The unread bytes currently buffered (empty only at end of file after `fill`).
    pub(crate) fn chunk(&self) -> &[u8] {
        &self.buf[self.pos..self.len]
    }

    /// Mark `n` buffered bytes as read, counting the newlines among them.
    pub(crate) fn consume(&mut self, n: usize) {
        let taken = &self.buf[self.pos..self.pos + n];
        if let Some(last) = memchr::memrchr(b'\n', taken) {
            self.line += memchr::memchr_iter(b'\n', taken).count() as u64;
            self.line_start = self.base + (self.pos + last + 1) as u64;
        }
        self.pos += n;
    }

    /// Next byte without consuming it.
    pub(crate) fn peek(&mut self) -> Result<Option<u8>> {
        Ok(if self.fill()? {
            Some(self.buf[self.pos])
        } else {
            None
        })
    }

    /// Skip JSON/CSV insignificant whitespace; return the next byte (unconsumed).
    pub(crate) fn skip_ws(&mut self) -> Result<Option<u8>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            let chunk = self.chunk();
            match chunk
                .iter()
                .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            {
                Some(i) => {
                    let b = chunk[i];
                    self.consume(i);
                    return Ok(Some(b));
                }
                None => {
                    let n = chunk.len();
                    self.consume(n);
                }
            }
        }
    }

    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// 1-based column (in bytes) of the next unread byte.
    pub(crate) fn column(&self) -> u64 {
        self.base + self.pos as u64 - self.line_start + 1
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error::backup(&self.file, Some(self.line), message)
    }
}
