//! One table's rows from a plain dump, found by [`super::scan`]: a COPY
//! block's lines, or the tuples of a run of INSERTs, both as the text COPY
//! would give for each field.

use super::copy_text::{self, Line};
use super::cursor::Cursor;
use super::inserts::{self, InsertShape};
use super::lines::Lines;
use super::plain::strip_cr;
use super::toc::{DataKind, Toc, TocEntry};
use crate::catalog::TableName;
use crate::error::{Error, Result};
use crate::report::visible;
use std::path::PathBuf;

/// One row of a table's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainRow {
    /// 1-based line in the (decompressed) dump: the COPY data line, or the
    /// line where the INSERT tuple's `(` is.
    pub line: u64,
    /// One per column of the entry; None is SQL NULL.
    pub fields: Vec<Option<String>>,
}

/// Streams one entry's rows. After an error the iterator ends.
pub struct PlainRows {
    body: Body,
    table: TableName,
    columns: usize,
    finished: bool,
}

enum Body {
    Copy { lines: Lines, path: PathBuf },
    Inserts(InsertRun),
}

struct InsertRun {
    cursor: Cursor,
    shape: InsertShape,
    /// Rows the scan counted that are still to come.
    remaining: u64,
    /// Inside a statement, before its next tuple.
    in_statement: bool,
    raw: Vec<u8>,
}

impl PlainRows {
    /// Position at `entry`'s data: a seek for a plain file; a gzipped dump
    /// cannot seek, so it is decompressed again from the start up to there.
    pub fn open(toc: &Toc, entry: &TocEntry) -> Result<PlainRows> {
        let lines = Lines::open_at(&toc.path, toc.gzip, entry.data_offset, entry.data_line)?;
        let body = match entry.kind {
            DataKind::Copy => Body::Copy {
                lines,
                path: toc.path.clone(),
            },
            DataKind::Inserts => Body::Inserts(InsertRun {
                cursor: Cursor::new(lines),
                shape: entry.inserts.clone(),
                remaining: entry.rows,
                in_statement: false,
                raw: Vec::new(),
            }),
        };
        Ok(PlainRows {
            body,
            table: entry.table.clone(),
            columns: entry.columns.len(),
            finished: false,
        })
    }

    fn next_row(&mut self) -> Result<Option<PlainRow>> {
        match &mut self.body {
            Body::Copy { lines, path } => copy_row(lines, path, &self.table, self.columns),
            Body::Inserts(run) => run.next_row(&self.table),
        }
    }
}

fn copy_row(
    lines: &mut Lines,
    path: &std::path::Path,
    table: &TableName,
    columns: usize,
) -> Result<Option<PlainRow>> {
    let Some((line, number, _)) = lines.next_line()? else {
        return Err(Error::backup(
            lines.path(),
            Some(lines.number()),
            format!(
                "data of {} has no end marker \\.",
                visible(&table.to_string())
            ),
        ));
    };
    let line = strip_cr(line);
    let mut fields = Vec::with_capacity(columns);
    let at = |m: String| Error::backup(path, Some(number), m);
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
            visible(&table.to_string()),
            fields.len()
        ))),
        Err(e) => Err(at(format!("{}: {e}", visible(&table.to_string())))),
    }
}

impl InsertRun {
    fn next_row(&mut self, table: &TableName) -> Result<Option<PlainRow>> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let c = &mut self.cursor;
        let mut fields = Vec::with_capacity(self.shape.values);
        if !self.in_statement {
            c.skip_space()?;
            let header = inserts::header(c)?;
            if header.table != *table {
                return Err(c.error(format!(
                    "expected more INSERTs into {}, found one into {} (file changed since it was scanned?)",
                    visible(&table.to_string()),
                    visible(&header.table.to_string())
                )));
            }
            if header.default_values {
                let line = c.line();
                inserts::more_tuples(c, table)?;
                self.remaining -= 1;
                return Ok(Some(PlainRow { line, fields }));
            }
        }
        c.skip_space()?;
        let line = c.line();
        inserts::tuple(c, table, &self.shape, Some(&mut fields), &mut self.raw)?;
        self.in_statement = inserts::more_tuples(c, table)?;
        self.remaining -= 1;
        Ok(Some(PlainRow { line, fields }))
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
