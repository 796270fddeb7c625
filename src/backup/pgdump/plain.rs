//! A plain-format `pg_dump` file (SQL text, optionally gzipped): one pass
//! finds every `COPY ... FROM stdin;` block and counts its rows without
//! keeping them ([`scan`]); [`PlainRows`] then streams one block's rows.
//!
//! pg_dump writes all CREATE TABLEs first, then each table's data block,
//! then constraints and indexes; a block is the COPY line, one line per
//! row in COPY text format, and a `\.` line.

use super::copy_header;
use super::copy_text::{self, Line};
use super::lines::{self, Lines};
use super::statements::{Kind, Splitter};
use crate::catalog::TableName;
use crate::error::{Error, Result};
use crate::report::visible;
use std::path::{Path, PathBuf};

/// What [`scan`] found: the data blocks in file order. A table may appear
/// more than once (`--load-via-partition-root` writes one block per partition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toc {
    pub path: PathBuf,
    /// Decided by the gzip magic number, not by the file name.
    pub gzip: bool,
    pub entries: Vec<TocEntry>,
}

/// One `COPY ... FROM stdin;` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocEntry {
    pub table: TableName,
    /// Column names in the order of the data fields (empty for a table without columns).
    pub columns: Vec<String>,
    /// Line of the COPY statement.
    pub copy_line: u64,
    /// Byte offset (in the decompressed stream) of the first data line.
    pub data_offset: u64,
    /// Line number of the first data line.
    pub data_line: u64,
    /// Data lines before `\.` (not decoded during the scan).
    pub rows: u64,
}

/// Read the whole dump once and list its data blocks.
pub fn scan(path: &Path) -> Result<Toc> {
    let gzip = lines::is_gzip(path)?;
    let mut lines = Lines::open(path, gzip)?;
    let mut splitter = Splitter::default();
    let mut ended = Vec::new();
    let mut entries = Vec::new();
    while let Some((line, number, _)) = lines.next_line()? {
        splitter.feed(line, number, &mut ended);
        let mut block = None;
        for e in ended.drain(..) {
            match e.kind {
                Kind::Set => apply_set(&e.text, &mut splitter)
                    .map_err(|m| Error::backup(path, Some(e.line), m))?,
                Kind::Copy => {
                    let header = copy_header::parse(&e.text)
                        .map_err(|m| Error::backup(path, Some(e.line), m))?;
                    let Some(header) = header else { continue };
                    if !e.rest_blank || block.is_some() {
                        return Err(Error::backup(
                            path,
                            Some(number),
                            "text after COPY ... FROM stdin; on the same line",
                        ));
                    }
                    block = Some((header, e.line));
                }
                Kind::Other => {}
            }
        }
        if let Some((header, copy_line)) = block {
            entries.push(count_block(&mut lines, header, copy_line)?);
        }
    }
    if splitter.in_statement() {
        return Err(Error::backup(
            path,
            Some(lines.number()),
            "file ends inside an SQL statement (truncated dump?)",
        ));
    }
    Ok(Toc {
        path: path.to_path_buf(),
        gzip,
        entries,
    })
}

/// Count data lines up to `\.`; `lines` is at the first data line.
fn count_block(
    lines: &mut Lines,
    header: copy_header::CopyHeader,
    copy_line: u64,
) -> Result<TocEntry> {
    let mut entry = TocEntry {
        table: header.table,
        columns: header.columns,
        copy_line,
        data_offset: 0,
        data_line: lines.number(),
        rows: 0,
    };
    let mut first = true;
    while let Some((line, _, offset)) = lines.next_line()? {
        if first {
            entry.data_offset = offset;
            first = false;
        }
        if strip_cr(line) == b"\\." {
            return Ok(entry);
        }
        entry.rows += 1;
    }
    Err(Error::backup(
        lines.path(),
        Some(lines.number()),
        format!(
            "data of {} (COPY at line {copy_line}) has no end marker \\. (truncated dump?)",
            visible(&entry.table.to_string())
        ),
    ))
}

/// `SET client_encoding` must be UTF-8 (data is decoded as UTF-8);
/// `SET standard_conforming_strings` changes how later strings are quoted.
fn apply_set(text: &[u8], splitter: &mut Splitter) -> std::result::Result<(), String> {
    let text = String::from_utf8_lossy(text).to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| c.is_ascii_whitespace() || c == '=')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\''))
        .collect();
    match words.as_slice() {
        ["set", "client_encoding", enc] | ["set", "client_encoding", "to", enc]
            if !matches!(*enc, "utf8" | "utf-8" | "unicode" | "sql_ascii") =>
        {
            return Err(format!(
                "dump is in encoding {}; only UTF8 dumps can be read (pg_dump --encoding=UTF8)",
                visible(enc)
            ));
        }
        ["set", "standard_conforming_strings", value]
        | ["set", "standard_conforming_strings", "to", value] => {
            splitter.standard_strings = !matches!(*value, "off" | "false");
        }
        _ => {}
    }
    Ok(())
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One row of a data block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainRow {
    /// 1-based line in the (decompressed) dump.
    pub line: u64,
    /// One per column of the block; None is SQL NULL.
    pub fields: Vec<Option<String>>,
}

/// Streams one block's rows. After an error the iterator ends.
pub struct PlainRows {
    lines: Lines,
    path: PathBuf,
    table: TableName,
    columns: usize,
    finished: bool,
}

impl PlainRows {
    /// Position at `entry`'s data: a seek for a plain file; a gzipped dump
    /// cannot seek, so it is decompressed again from the start up to there.
    pub fn open(toc: &Toc, entry: &TocEntry) -> Result<PlainRows> {
        Ok(PlainRows {
            lines: Lines::open_at(&toc.path, toc.gzip, entry.data_offset, entry.data_line)?,
            path: toc.path.clone(),
            table: entry.table.clone(),
            columns: entry.columns.len(),
            finished: false,
        })
    }

    fn next_row(&mut self) -> Result<Option<PlainRow>> {
        let columns = self.columns;
        let Some((line, number, _)) = self.lines.next_line()? else {
            return Err(Error::backup(
                self.lines.path(),
                Some(self.lines.number()),
                format!(
                    "data of {} has no end marker \\.",
                    visible(&self.table.to_string())
                ),
            ));
        };
        let line = strip_cr(line);
        let mut fields = Vec::with_capacity(columns);
        let at = |m: String| Error::backup(&self.path, Some(number), m);
        // A table without columns has empty lines as rows.
        if columns == 0 && line.is_empty() {
            return Ok(Some(PlainRow {
                line: number,
                fields,
            }));
        }
        match copy_text::decode_line(line, &mut fields) {
            Ok(Line::EndOfData) => Ok(None),
            Ok(Line::Row) if fields.len() == columns => Ok(Some(PlainRow {
                line: number,
                fields,
            })),
            Ok(Line::Row) => Err(at(format!(
                "{}: expected {columns} fields, got {}",
                visible(&self.table.to_string()),
                fields.len()
            ))),
            Err(e) => Err(at(format!("{}: {e}", visible(&self.table.to_string())))),
        }
    }
}

impl Iterator for PlainRows {
    type Item = Result<PlainRow>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = self.next_row();
        self.finished = !matches!(next, Ok(Some(_)));
        next.transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_statements_check_the_encoding_and_string_quoting() {
        let mut s = Splitter::default();
        assert!(apply_set(b"SET client_encoding = 'UTF8'", &mut s).is_ok());
        let e = apply_set(b"SET client_encoding = 'LATIN1'", &mut s).unwrap_err();
        assert!(e.contains("latin1"), "{e}");
        apply_set(b"SET standard_conforming_strings = off", &mut s).unwrap();
        assert!(!s.standard_strings);
        apply_set(b"SET standard_conforming_strings TO on", &mut s).unwrap();
        assert!(s.standard_strings);
    }
}
