//! Lines of a (possibly gzipped) dump with their 1-based numbers and byte
//! offsets in the decompressed stream, one reused buffer for all of them.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

const BUF_SIZE: usize = 256 * 1024;

pub(crate) struct Lines {
    reader: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    /// Offset of the next line's first byte.
    offset: u64,
    /// Number of the next line.
    number: u64,
    path: PathBuf,
    gzip: bool,
}

/// gzip's magic number: decided by content, not by the file name.
pub(crate) fn is_gzip(path: &Path) -> Result<bool> {
    let mut file = File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, &e)),
        }
    }
    Ok(got == 2 && magic == [0x1f, 0x8b])
}

impl Lines {
    /// Open at the start of the (decompressed) stream.
    pub(crate) fn open(path: &Path, gzip: bool) -> Result<Lines> {
        Self::open_at(path, gzip, 0, 1)
    }

    /// Open positioned at `offset`, which is the start of line `number`.
    /// A plain file seeks there; gzip cannot seek, so it is decompressed
    /// from the start and the first `offset` bytes are thrown away.
    pub(crate) fn open_at(path: &Path, gzip: bool, offset: u64, number: u64) -> Result<Lines> {
        let mut file = File::open(path).map_err(|e| Error::io(path, &e))?;
        let reader: Box<dyn BufRead + Send> = if gzip {
            let mut r =
                BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(BufReader::new(file)));
            let skipped = std::io::copy(&mut (&mut r).take(offset), &mut std::io::sink())
                .map_err(|e| gzip_error(path, &e))?;
            if skipped != offset {
                return Err(changed(path, number));
            }
            Box::new(r)
        } else {
            let len = file.metadata().map_err(|e| Error::io(path, &e))?.len();
            if len < offset {
                return Err(changed(path, number));
            }
            file.seek(SeekFrom::Start(offset))
                .map_err(|e| Error::io(path, &e))?;
            Box::new(BufReader::with_capacity(BUF_SIZE, file))
        };
        Ok(Lines {
            reader,
            buf: Vec::new(),
            offset,
            number,
            path: path.to_path_buf(),
            gzip,
        })
    }

    /// Lines of an already-open stream (e.g. a child process's stdout);
    /// `label` names it in errors.
    pub(crate) fn from_reader(reader: Box<dyn BufRead + Send>, label: &Path) -> Lines {
        Lines {
            reader,
            buf: Vec::new(),
            offset: 0,
            number: 1,
            path: label.to_path_buf(),
            gzip: false,
        }
    }

    /// The next line without its `\n` (a `\r` before it is kept), its
    /// number and the offset of its first byte; None at end of file.
    pub(crate) fn next_line(&mut self) -> Result<Option<(&[u8], u64, u64)>> {
        self.buf.clear();
        let n = loop {
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if self.gzip => return Err(gzip_error(&self.path, &e)),
                Err(e) => return Err(Error::io(&self.path, &e)),
            }
        };
        if n == 0 {
            return Ok(None);
        }
        let (number, offset) = (self.number, self.offset);
        self.number += 1;
        self.offset += n as u64;
        let line = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        Ok(Some((line, number, offset)))
    }

    /// Number of the line `next_line` returns next.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

fn gzip_error(path: &Path, e: &std::io::Error) -> Error {
    Error::backup(
        path,
        None,
        format!("cannot decompress (truncated or corrupt gzip data): {e}"),
    )
}

fn changed(path: &Path, line: u64) -> Error {
    Error::backup(
        path,
        Some(line),
        "file is shorter than when it was scanned (changed since?)",
    )
}
