//! RFC 4180 CSV with PostgreSQL's NULL convention: an unquoted empty field is
//! NULL, a quoted empty field (`""`) is the empty string. The `csv` crate
//! cannot tell the two apart, hence this small reader that remembers quoting.

use super::json_row::{utf8, ColumnIndex};
use super::json_scan::printable;
use super::source::ByteSource;
use super::BackupRow;
use crate::error::{Error, Result};
use crate::value::Cell;

struct Field {
    start: usize,
    end: usize,
    quoted: bool,
}

/// One record's fields as spans into a shared byte buffer.
#[derive(Default)]
struct Record {
    bytes: Vec<u8>,
    fields: Vec<Field>,
}

pub(crate) struct CsvRows {
    src: ByteSource,
    record: Record,
}

impl CsvRows {
    /// Read the header row; its names become the columns.
    pub fn new(src: ByteSource) -> Result<(CsvRows, ColumnIndex)> {
        let mut rows = CsvRows {
            src,
            record: Record::default(),
        };
        let mut names = Vec::new();
        if let Some(line) = rows.read_record()? {
            for f in &rows.record.fields {
                let name = utf8(&rows.src.file, line, &rows.record.bytes[f.start..f.end])?;
                names.push(name.to_owned());
            }
        }
        let columns = ColumnIndex::from_header(names)
            .map_err(|m| Error::backup(&rows.src.file, Some(1), m))?;
        Ok((rows, columns))
    }

    pub fn next_row(&mut self, columns: &ColumnIndex) -> Result<Option<BackupRow>> {
        loop {
            let Some(line) = self.read_record()? else {
                return Ok(None);
            };
            let width = columns.names.len();
            let fields = &self.record.fields;
            // A blank line is one unquoted empty field: a NULL row only for one column.
            if width != 1
                && fields.len() == 1
                && fields[0].start == fields[0].end
                && !fields[0].quoted
            {
                continue;
            }
            if fields.len() != width {
                return Err(Error::backup(
                    &self.src.file,
                    Some(line),
                    format!("{} fields, header has {width}", fields.len()),
                ));
            }
            let mut cells = Vec::with_capacity(width);
            for f in fields {
                let bytes = &self.record.bytes[f.start..f.end];
                if bytes.is_empty() && !f.quoted {
                    cells.push(Some(Cell::Null));
                } else {
                    let text = utf8(&self.src.file, line, bytes).map_err(|e| match e {
                        // The field may span lines; point at the record's first line.
                        Error::Backup { file, message, .. } => {
                            Error::backup(file, Some(line), message)
                        }
                        other => other,
                    })?;
                    cells.push(Some(Cell::Text(text.to_owned())));
                }
            }
            return Ok(Some(BackupRow { line, cells }));
        }
    }

    /// Read the next record into `self.record`; returns the line it starts on,
    /// or None at end of file.
    fn read_record(&mut self) -> Result<Option<u64>> {
        let src = &mut self.src;
        if !src.fill()? {
            return Ok(None);
        }
        let line = src.line();
        let rec = &mut self.record;
        rec.bytes.clear();
        rec.fields.clear();
        loop {
            // Start of a field.
            let start = rec.bytes.len();
            let quoted = src.peek()? == Some(b'"');
            if quoted {
                src.consume(1);
                read_quoted(src, &mut rec.bytes, line)?;
            }
            // Unquoted text (or what follows a closing quote) up to a delimiter.
            let delim = loop {
                if !src.fill()? {
                    break None;
                }
                let chunk = src.chunk();
                match memchr::memchr3(b',', b'\n', b'\r', chunk) {
                    Some(i) => {
                        if quoted && i > 0 {
                            return Err(src.error(format!(
                                "unexpected '{}' after a closing quote (field {})",
                                printable(chunk[0]),
                                rec.fields.len() + 1
                            )));
                        }
                        rec.bytes.extend_from_slice(&chunk[..i]);
                        let d = chunk[i];
                        src.consume(i + 1);
                        break Some(d);
                    }
                    None => {
                        if quoted {
                            return Err(src.error(format!(
                                "unexpected '{}' after a closing quote (field {})",
                                printable(chunk[0]),
                                rec.fields.len() + 1
                            )));
                        }
                        let n = chunk.len();
                        rec.bytes.extend_from_slice(chunk);
                        src.consume(n);
                    }
                }
            };
            rec.fields.push(Field {
                start,
                end: rec.bytes.len(),
                quoted,
            });
            match delim {
                Some(b',') => continue,
                Some(b'\r') => {
                    if src.peek()? == Some(b'\n') {
                        src.consume(1);
                    }
                    return Ok(Some(line));
                }
                _ => return Ok(Some(line)),
            }
        }
    }
}

/// Inside quotes: `""` is a quote; newlines are data. Stops after the closing quote.
fn read_quoted(src: &mut ByteSource, out: &mut Vec<u8>, record_line: u64) -> Result<()> {
    loop {
        if !src.fill()? {
            return Err(Error::backup(
                &src.file,
                Some(record_line),
                "unexpected end of file inside a quoted field",
            ));
        }
        let chunk = src.chunk();
        match memchr::memchr(b'"', chunk) {
            Some(i) => {
                out.extend_from_slice(&chunk[..i]);
                src.consume(i + 1);
                if src.peek()? == Some(b'"') {
                    out.push(b'"');
                    src.consume(1);
                } else {
                    return Ok(());
                }
            }
            None => {
                let n = chunk.len();
                out.extend_from_slice(chunk);
                src.consume(n);
            }
        }
    }
}
