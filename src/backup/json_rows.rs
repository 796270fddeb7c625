//! Streaming row readers for JSON arrays (per-table file or one table inside
//! a single-file backup) and JSON lines.

use super::json_row::{parse_object, utf8, ColumnIndex};
use super::json_scan::{after_element, enter_rows_array, expect_end, read_value};
use super::source::ByteSource;
use super::BackupRow;
use crate::error::Result;

/// Elements of the rows array, one at a time.
pub(crate) struct JsonArrayRows {
    src: ByteSource,
    /// False once the closing bracket has been read.
    open: bool,
    /// Per-table files must end after the array; in a single file other keys follow.
    whole_file: bool,
    element: Vec<u8>,
}

impl JsonArrayRows {
    pub fn new(mut src: ByteSource, key: Option<&str>) -> Result<JsonArrayRows> {
        let open = enter_rows_array(&mut src, key)?;
        Ok(JsonArrayRows {
            src,
            open,
            whole_file: key.is_none(),
            element: Vec::with_capacity(1024),
        })
    }

    pub fn next_row(&mut self, columns: &mut ColumnIndex) -> Result<Option<BackupRow>> {
        if !self.open {
            return Ok(None);
        }
        self.element.clear();
        let start = read_value(&mut self.src, Some(&mut self.element))?;
        let text = utf8(&self.src.file, start.line, &self.element)?;
        let cells = parse_object(&self.src.file, start.line, start.column, text, columns)?;
        if after_element(&mut self.src, b']', "in the rows array")? {
            self.open = false;
            if self.whole_file {
                expect_end(&mut self.src)?;
            }
        }
        Ok(Some(BackupRow {
            line: start.line,
            cells,
        }))
    }
}

/// One object per line; blank lines are allowed.
pub(crate) struct JsonlRows {
    src: ByteSource,
    line_buf: Vec<u8>,
}

impl JsonlRows {
    pub fn new(src: ByteSource) -> JsonlRows {
        JsonlRows {
            src,
            line_buf: Vec::with_capacity(1024),
        }
    }

    pub fn next_row(&mut self, columns: &mut ColumnIndex) -> Result<Option<BackupRow>> {
        loop {
            if !self.src.fill()? {
                return Ok(None);
            }
            let line = self.src.line();
            self.line_buf.clear();
            read_line(&mut self.src, &mut self.line_buf)?;
            let bytes = trim_ascii(&self.line_buf);
            if bytes.is_empty() {
                continue;
            }
            let lead = self.line_buf.iter().take_while(|b| is_ws(b)).count() as u64;
            let text = utf8(&self.src.file, line, bytes)?;
            let cells = parse_object(&self.src.file, line, lead + 1, text, columns)?;
            return Ok(Some(BackupRow { line, cells }));
        }
    }
}

/// Append bytes up to and including the next newline (or end of file).
fn read_line(src: &mut ByteSource, out: &mut Vec<u8>) -> Result<()> {
    while src.fill()? {
        let chunk = src.chunk();
        match memchr::memchr(b'\n', chunk) {
            Some(i) => {
                out.extend_from_slice(&chunk[..=i]);
                src.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = chunk.len();
                out.extend_from_slice(chunk);
                src.consume(n);
            }
        }
    }
    Ok(())
}

fn is_ws(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().take_while(|b| is_ws(b)).count();
    let end = bytes.len() - bytes.iter().rev().take_while(|b| is_ws(b)).count();
    if start >= end {
        &[]
    } else {
        &bytes[start..end]
    }
}
