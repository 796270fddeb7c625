//! Incremental parser for PostgreSQL's `COPY ... TO STDOUT` text format.
//!
//! Rows end with a raw `\n`, fields are split by a raw `\t` (data tabs and
//! newlines are always escaped, so raw ones are unambiguous), `\N` is NULL.
//! Chunks may split a row anywhere; only the unfinished tail is copied.
//! This is the hot path of a full-table read: one row buffer is reused for
//! every row (each field's string keeps its capacity), so a steady stream
//! allocates nothing per row.

use crate::value::copy_text::unescape_into;
use crate::value::Cell;

/// Why a COPY row could not be read; the caller adds table and row context.
#[derive(Debug, PartialEq, Eq)]
pub struct CopyError {
    /// 1-based row number within the stream.
    pub row: u64,
    pub message: String,
}

pub struct CopyTextParser {
    columns: usize,
    /// The current row, overwritten in place for each row.
    cells: Vec<Cell>,
    /// Scratch for unescaping a field.
    scratch: Vec<u8>,
    /// Bytes of a row whose end has not arrived yet.
    pending: Vec<u8>,
    rows: u64,
}

impl CopyTextParser {
    pub fn new(columns: usize) -> Self {
        CopyTextParser {
            columns,
            cells: Vec::with_capacity(columns),
            scratch: Vec::new(),
            pending: Vec::new(),
            rows: 0,
        }
    }

    /// Consume one chunk, calling `on_row` for every row it completes.
    /// `on_row` errors are passed through unchanged.
    pub fn feed<E>(
        &mut self,
        mut chunk: &[u8],
        on_row: &mut impl FnMut(&[Cell]) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<CopyError>,
    {
        if !self.pending.is_empty() {
            let Some(end) = memchr::memchr(b'\n', chunk) else {
                self.pending.extend_from_slice(chunk);
                return Ok(());
            };
            self.pending.extend_from_slice(&chunk[..end]);
            chunk = &chunk[end + 1..];
            let line = std::mem::take(&mut self.pending);
            self.parse_row(&line)?;
            on_row(&self.cells)?;
            // Keep the allocation for the next split row.
            self.pending = line;
            self.pending.clear();
        }
        while let Some(end) = memchr::memchr(b'\n', chunk) {
            self.parse_row(&chunk[..end])?;
            on_row(&self.cells)?;
            chunk = &chunk[end + 1..];
        }
        self.pending.extend_from_slice(chunk);
        Ok(())
    }

    /// The stream ended: a row without its newline is truncated data.
    pub fn finish(&self) -> Result<u64, CopyError> {
        if self.pending.is_empty() {
            Ok(self.rows)
        } else {
            Err(CopyError {
                row: self.rows + 1,
                message: "COPY stream ended in the middle of a row".into(),
            })
        }
    }

    /// Parse `line` into `self.cells`.
    fn parse_row(&mut self, line: &[u8]) -> Result<(), CopyError> {
        self.rows += 1;
        let row = self.rows;
        let err = |message: String| CopyError { row, message };
        if self.columns == 0 {
            self.cells.clear();
            if !line.is_empty() {
                return Err(err("expected no columns, got data".into()));
            }
            return Ok(());
        }
        let mut n = 0;
        for raw in line.split(|&b| b == b'\t') {
            if n == self.columns {
                n += 1;
                break;
            }
            if n == self.cells.len() {
                self.cells.push(Cell::Null);
            }
            field(raw, &mut self.cells[n], &mut self.scratch).map_err(err)?;
            n += 1;
        }
        if n != self.columns {
            let got = if n > self.columns {
                line.split(|&b| b == b'\t').count()
            } else {
                n
            };
            return Err(err(format!("expected {} columns, got {got}", self.columns)));
        }
        Ok(())
    }
}

/// Write one field into `cell`, reusing its string when it already holds one.
fn field(raw: &[u8], cell: &mut Cell, scratch: &mut Vec<u8>) -> Result<(), String> {
    let text: &[u8] = if memchr::memchr(b'\\', raw).is_none() {
        raw
    } else if raw == b"\\N" {
        *cell = Cell::Null;
        return Ok(());
    } else {
        unescape_into(raw, scratch)?;
        scratch
    };
    let s = std::str::from_utf8(text).map_err(|e| format!("invalid UTF-8 in field: {e}"))?;
    match cell {
        Cell::Text(existing) => {
            existing.clear();
            existing.push_str(s);
        }
        other => *other = Cell::Text(s.to_owned()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks(columns: usize, chunks: &[&[u8]]) -> Result<Vec<Vec<Cell>>, CopyError> {
        let mut parser = CopyTextParser::new(columns);
        let mut rows = Vec::new();
        for chunk in chunks {
            parser.feed(chunk, &mut |row| {
                rows.push(row.to_vec());
                Ok::<_, CopyError>(())
            })?;
        }
        parser.finish()?;
        Ok(rows)
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn escapes_nulls_and_empty_strings() {
        let data = b"a\\tb\\nc\\\\d\t\\N\t\n\\101\\x42\\7\\b\\f\\r\\v\\q\t\xc3\xa9\t\"q'\n";
        let rows = parse_chunks(3, &[data]).unwrap();
        assert_eq!(
            rows,
            vec![
                vec![t("a\tb\nc\\d"), Cell::Null, t("")],
                vec![t("AB\u{7}\u{8}\u{c}\r\u{b}q"), t("é"), t("\"q'")],
            ]
        );
    }

    #[test]
    fn rows_split_at_every_byte_boundary() {
        let data: &[u8] = b"x\\\\y\t\\N\n\xe2\x82\xac\t\\x41z\n";
        let whole = parse_chunks(2, &[data]).unwrap();
        for cut in 0..=data.len() {
            for cut2 in cut..=data.len() {
                let parts = [&data[..cut], &data[cut..cut2], &data[cut2..]];
                assert_eq!(parse_chunks(2, &parts).unwrap(), whole, "cut {cut},{cut2}");
            }
        }
        assert_eq!(whole[1], vec![t("€"), t("Az")]);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let wrong_count = parse_chunks(2, &[b"a\n"]).unwrap_err();
        assert_eq!(wrong_count.row, 1);
        assert!(wrong_count.message.contains("expected 2 columns, got 1"));
        assert!(parse_chunks(1, &[b"ab\\\n"]).is_err());
        assert!(parse_chunks(1, &[b"\xff\n"]).is_err());
        assert!(parse_chunks(1, &[b"\\xff\n"]).is_err());
        let truncated = parse_chunks(1, &[b"a\nb"]).unwrap_err();
        assert_eq!(truncated.row, 2);
    }

    #[test]
    fn zero_columns_and_empty_stream() {
        assert_eq!(parse_chunks(0, &[b"\n\n"]).unwrap(), vec![vec![], vec![]]);
        assert!(parse_chunks(3, &[]).unwrap().is_empty());
    }

    #[test]
    fn callback_errors_stop_the_stream() {
        let mut parser = CopyTextParser::new(1);
        let mut seen = 0;
        let result = parser.feed(b"a\nb\nc\n", &mut |_| {
            seen += 1;
            if seen == 2 {
                Err(CopyError {
                    row: 0,
                    message: "stop".into(),
                })
            } else {
                Ok(())
            }
        });
        assert_eq!(result.unwrap_err().message, "stop");
        assert_eq!(seen, 2);
    }
}
