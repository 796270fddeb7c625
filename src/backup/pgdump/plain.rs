//! A plain-format `pg_dump` file (SQL text, optionally gzipped): one pass
//! ([`scan`]) finds every table's rows — `COPY ... FROM stdin;` blocks
//! (counted, not kept) and runs of INSERTs (`--inserts`) — reads the DDL into
//! a schema, and the header's server version and start time.
//!
//! pg_dump writes all CREATE TABLEs first, then each table's data, then
//! constraints and indexes; a COPY block is the COPY line, one line per row
//! in COPY text format, and a `\.` line.

use super::copy_header;
use super::cursor::Cursor;
use super::inserts::{self, InsertHeader, InsertShape};
use super::lines::{self, Lines};
use super::statements::{starts_with_word, Ended, Kind, Splitter};
use super::toc::{DataKind, Toc, TocEntry};
use crate::backup::schema_sql::SchemaReader;
use crate::error::{Error, Result};
use crate::report::visible;
use std::collections::BTreeMap;
use std::path::Path;

/// The header comments are within the first lines of a dump.
const HEADER_LINES: u64 = 40;

/// Read the whole dump once and list its tables' rows.
pub fn scan(path: &Path) -> Result<Toc> {
    let gzip = lines::is_gzip(path)?;
    scan_lines(Lines::open(path, gzip)?, gzip)
}

/// The scan over any stream of dump lines (a file, or `pg_restore -f -` output).
/// `gzip` is only recorded in the Toc, for reopening the file later.
pub(crate) fn scan_lines(lines: Lines, gzip: bool) -> Result<Toc> {
    let path = lines.path().to_path_buf();
    let mut scan = Scan {
        schema: SchemaReader::new(&path),
        cursor: Cursor::new(lines),
        splitter: Splitter::default(),
        ended: Vec::new(),
        run: None,
        raw: Vec::new(),
        toc: Toc {
            path,
            gzip,
            entries: Vec::new(),
            schema: None,
            partitions: BTreeMap::new(),
            server_version: None,
            started_at: None,
            warnings: Vec::new(),
        },
    };
    while scan.cursor.next_line()? {
        scan.line()?;
    }
    if scan.splitter.in_statement() {
        return Err(scan
            .cursor
            .error("file ends inside an SQL statement (truncated dump?)"));
    }
    let mut toc = scan.toc;
    let parts = scan.schema.finish(&mut toc.warnings);
    toc.schema = Some(parts.catalog).filter(|c| !c.tables.is_empty());
    toc.partitions = parts.partitions;
    Ok(toc)
}

struct Scan {
    cursor: Cursor,
    splitter: Splitter,
    ended: Vec<Ended>,
    schema: SchemaReader,
    /// The entry of the INSERT run a following INSERT may extend (no other statement since).
    run: Option<usize>,
    raw: Vec<u8>,
    toc: Toc,
}

impl Scan {
    /// The current line: INSERTs are read here, everything else goes through the splitter.
    fn line(&mut self) -> Result<()> {
        loop {
            if self.splitter.in_statement() {
                break;
            }
            let rest = self.cursor.rest();
            let blank = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if blank == rest.len() {
                return Ok(());
            }
            if self.cursor.line() <= HEADER_LINES && rest.starts_with(b"-- ") {
                header_comment(&String::from_utf8_lossy(rest), &mut self.toc);
            }
            if !starts_with_word(&rest[blank..], b"INSERT") {
                break;
            }
            self.cursor.advance(blank);
            self.insert()?;
        }
        let number = self.cursor.line();
        let rest = self.cursor.rest();
        let line = rest.strip_suffix(b"\n").unwrap_or(rest);
        self.splitter.feed(line, number, &mut self.ended);
        let mut block = None;
        let mut ended = std::mem::take(&mut self.ended);
        for e in ended.drain(..) {
            self.run = None;
            let path = self.cursor.path();
            let at = |m: String| Error::backup(path, Some(e.line), m);
            match e.kind {
                Kind::Set => apply_set(&e.text, &mut self.splitter).map_err(at)?,
                Kind::Schema => {
                    let text = String::from_utf8(e.text)
                        .map_err(|_| at("statement is not valid UTF-8".into()))?;
                    self.schema
                        .statement(e.line, &text, &mut self.toc.warnings)?;
                }
                Kind::Copy => {
                    let Some(header) = copy_header::parse(&e.text).map_err(at)? else {
                        continue;
                    };
                    if !e.rest_blank || block.is_some() {
                        return Err(Error::backup(
                            path,
                            Some(number),
                            "text after COPY ... FROM stdin; on the same line",
                        ));
                    }
                    block = Some((header, e.line));
                }
                Kind::Insert => {
                    return Err(at(
                        "INSERT after another statement on the same line: pg_dump starts each INSERT on its own line".into(),
                    ))
                }
                Kind::Other => {}
            }
        }
        self.ended = ended;
        if let Some((header, copy_line)) = block {
            let entry = count_block(self.cursor.lines(), header, copy_line)?;
            self.toc.entries.push(entry);
        }
        Ok(())
    }

    /// One INSERT statement at the cursor: its rows are counted (and checked)
    /// and added to the current run or start a new one.
    fn insert(&mut self) -> Result<()> {
        let (line, offset) = (self.cursor.line(), self.cursor.offset());
        let header = inserts::header(&mut self.cursor)?;
        let (columns, shape) = self.insert_columns(&header)?;
        let c = &mut self.cursor;
        let mut rows = 0u64;
        if header.default_values {
            if shape.values != 0 {
                return Err(c.error(format!(
                    "INSERT INTO {} DEFAULT VALUES: the row's values are not in the dump",
                    visible(&header.table.to_string())
                )));
            }
            rows = 1;
            if inserts::more_tuples(c, &header.table)? {
                return Err(c.error("DEFAULT VALUES followed by `,`"));
            }
        } else {
            loop {
                inserts::tuple(c, &header.table, &shape, None, &mut self.raw)?;
                rows += 1;
                if !inserts::more_tuples(c, &header.table)? {
                    break;
                }
            }
        }
        if let Some(e) = self.run.and_then(|i| self.toc.entries.get_mut(i)) {
            if e.table == header.table && e.columns == columns && e.inserts == shape {
                e.rows += rows;
                return Ok(());
            }
        }
        self.run = Some(self.toc.entries.len());
        self.toc.entries.push(TocEntry {
            table: header.table,
            columns,
            kind: DataKind::Inserts,
            copy_line: line,
            data_offset: offset,
            data_line: line,
            rows,
            inserts: shape,
        });
        Ok(())
    }

    /// The columns of an INSERT: its column list, or the table's columns as
    /// created earlier in the dump (generated ones are `DEFAULT` in the values).
    fn insert_columns(&self, header: &InsertHeader) -> Result<(Vec<String>, InsertShape)> {
        let backslashes = !self.splitter.standard_strings;
        if let Some(cols) = &header.columns {
            let shape = InsertShape {
                backslashes,
                values: cols.len(),
                generated: Vec::new(),
            };
            return Ok((cols.clone(), shape));
        }
        let Some(table) = self.schema.table(&header.table) else {
            return Err(self.cursor.error(format!(
                "INSERT INTO {} has no column list and the dump has no CREATE TABLE for it before (dump with --column-inserts)",
                visible(&header.table.to_string())
            )));
        };
        let mut shape = InsertShape {
            backslashes,
            values: table.columns.len(),
            generated: Vec::new(),
        };
        let mut columns = Vec::new();
        for (i, c) in table.columns.iter().enumerate() {
            if c.generated.is_some() {
                shape.generated.push(i);
            } else {
                columns.push(c.name.clone());
            }
        }
        Ok((columns, shape))
    }
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
        kind: DataKind::Copy,
        copy_line,
        data_offset: 0,
        data_line: lines.number(),
        rows: 0,
        inserts: InsertShape::default(),
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

/// `-- Dumped from database version X` and `-- Started on X`.
fn header_comment(line: &str, toc: &mut Toc) {
    let line = line.trim_end();
    if let Some(v) = line.strip_prefix("-- Dumped from database version ") {
        toc.server_version = Some(v.trim().to_owned());
    } else if let Some(t) = line.strip_prefix("-- Started on ") {
        toc.started_at = Some(iso_time(t.trim()));
    }
}

/// `2025-07-12 03:00:00 UTC` → `2025-07-12T03:00:00Z`; `... +02` → `...+02:00`;
/// a zone name that is not UTC cannot be converted: the text is kept.
fn iso_time(text: &str) -> String {
    let (stamp, zone) = match text.rsplit_once(' ') {
        Some((s, z)) if s.len() == 19 => (s, z),
        _ => return text.to_owned(),
    };
    if chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S").is_err() {
        return text.to_owned();
    }
    let iso = stamp.replacen(' ', "T", 1);
    match zone {
        "UTC" | "GMT" | "Z" | "Etc/UTC" => format!("{iso}Z"),
        z if z.len() >= 3
            && z.starts_with(['+', '-'])
            && z[1..].bytes().all(|b| b.is_ascii_digit() || b == b':') =>
        {
            let digits: String = z[1..].chars().filter(char::is_ascii_digit).collect();
            match digits.len() {
                2 => format!("{iso}{}{digits}:00", &z[..1]),
                4 => format!("{iso}{}{}:{}", &z[..1], &digits[..2], &digits[2..]),
                _ => text.to_owned(),
            }
        }
        _ => text.to_owned(),
    }
}

/// `SET client_encoding` must be UTF-8 (data is decoded as UTF-8);
/// `SET standard_conforming_strings` changes how later strings are quoted.
pub(super) fn apply_set(text: &[u8], splitter: &mut Splitter) -> std::result::Result<(), String> {
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

pub(super) fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
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

    #[test]
    fn start_times_become_iso_8601_where_the_zone_allows() {
        assert_eq!(iso_time("2025-07-12 03:00:00 UTC"), "2025-07-12T03:00:00Z");
        assert_eq!(
            iso_time("2025-07-12 03:00:00 +02"),
            "2025-07-12T03:00:00+02:00"
        );
        assert_eq!(
            iso_time("2025-07-12 03:00:00 -0530"),
            "2025-07-12T03:00:00-05:30"
        );
        assert_eq!(
            iso_time("2025-07-12 03:00:00 CEST"),
            "2025-07-12 03:00:00 CEST"
        );
        assert_eq!(iso_time("yesterday"), "yesterday");
    }
}
