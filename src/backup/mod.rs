//! The backup side: a directory of per-table files (JSON array, JSON lines,
//! CSV, any of them gzipped), or one JSON file holding `{ "table": [rows] }`,
//! with optional `schema.sql` and `manifest.json`. Backups are untrusted
//! input: every problem becomes an [`Error::Backup`] naming file and line.

//! Layouts accepted by [`Backup::open`]:
//! - a directory of `TABLE.json` (array of objects), `TABLE.jsonl`/`.ndjson`,
//!   `TABLE.csv` (header row), each optionally `.gz`; `SCHEMA.TABLE.ext` names
//!   a schema-qualified table. `schema.sql` and `manifest.json` beside them are read.
//! - one JSON file `{"table": [rows], ...}` passed as the path (then no other
//!   file is read), or as the only table file in a directory (then that
//!   directory's `schema.sql` and `manifest.json` are read too).

mod blocks;
mod csv;
mod database;
mod detect;
mod json_fast_row;
mod json_row;
mod json_rows;
mod json_scan;
mod manifest;
mod names;
mod open;
mod partitions;
/// Plain `pg_dump` files: scanning for data blocks, decoding COPY text.
pub mod pgdump;
mod plain_dump;
mod schema_ddl;
pub(crate) use schema_ddl::is_autoincrement;
mod schema_pg;
mod schema_sql;
mod schema_types;
mod source;

/// A timestamp in a backup's name (`migration-2025-07-11T19-46-34-951Z`);
/// `lifeboat snapshots` dates entries whose backup does not say.
pub(crate) use names::timestamp_in_name;

use crate::catalog::{Catalog, TableName};
use crate::error::{Error, Result};
use crate::value::Cell;
use json_row::ColumnIndex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How the backup as a whole is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackupFormat {
    /// A directory with one file per table.
    JsonDirectory,
    /// One JSON file `{ "table": [rows...], ... }`.
    JsonFile,
    /// A plain-text `pg_dump` (`.sql`, optionally gzipped).
    PgDumpPlain,
    /// A `pg_dump -Fc` archive, read through `pg_restore`.
    PgDumpCustom,
    /// A `pg_dump -Fd` directory, read through `pg_restore`.
    PgDumpDirectory,
    /// A `pg_dump -Ft` tar archive, read through `pg_restore`.
    PgDumpTar,
    /// A SQLite database file.
    SqliteFile,
    /// Another database (`postgres://...`, `sqlite://...`), e.g. a snapshot
    /// restored into a scratch database.
    Database,
}

impl BackupFormat {
    /// The name `inspect` and `snapshots` print.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupFormat::JsonDirectory => "json-directory",
            BackupFormat::JsonFile => "json-file",
            BackupFormat::PgDumpPlain => "pg-dump-plain",
            BackupFormat::PgDumpCustom => "pg-dump-custom",
            BackupFormat::PgDumpDirectory => "pg-dump-directory",
            BackupFormat::PgDumpTar => "pg-dump-tar",
            BackupFormat::SqliteFile => "sqlite-file",
            BackupFormat::Database => "database",
        }
    }
}

/// How one table's rows are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// A JSON array of objects.
    Json,
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// Comma-separated with a header row. An unquoted empty field is NULL, a quoted one (`""`) is the empty string.
    Csv,
    /// `COPY ... FROM stdin` blocks of a plain `pg_dump`.
    PgCopy,
    /// `INSERT` statements of a plain `pg_dump --inserts`.
    PgInsert,
    /// One table's data in a `pg_dump` archive, streamed out by `pg_restore`.
    PgArchive,
    /// A table of another database.
    Database,
}

impl FileFormat {
    /// The name `inspect` prints.
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Json => "json",
            FileFormat::Jsonl => "jsonl",
            FileFormat::Csv => "csv",
            FileFormat::PgCopy => "pg-copy",
            FileFormat::PgInsert => "pg-insert",
            FileFormat::PgArchive => "pg-archive",
            FileFormat::Database => "database",
        }
    }
}

/// Where one table's rows live inside the backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableSource {
    pub name: TableName,
    pub path: PathBuf,
    pub format: FileFormat,
    pub gzip: bool,
    /// For a single-file backup: the key of this table in the top-level object.
    pub key_in_file: Option<String>,
    /// Rows counted while opening the backup (a pg_dump scan counts them);
    /// None when only reading the rows tells.
    pub rows: Option<u64>,
    /// Where inside a dump, archive or database the rows are.
    #[serde(skip)]
    pub(crate) locator: Locator,
}

/// Where one table's rows are, beyond the file: nothing more for per-table
/// files, the data blocks of a dump, an archive's entry, a database table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Locator {
    /// The whole file at `path` (or its `key_in_file`).
    #[default]
    File,
    /// Data blocks `entries` (indices into `toc.entries`) of a plain pg_dump.
    Dump {
        toc: std::sync::Arc<pgdump::Toc>,
        entries: Vec<usize>,
    },
    /// A table of another database (read through `crate::live`).
    Database {
        url: crate::live::DbUrl,
        table: Box<crate::catalog::Table>,
    },
    /// One `TABLE DATA` entry of a pg_dump archive (the archive is `path`).
    /// TABLE DATA entries of an archive (several for a partitioned table).
    Archive(Vec<pgdump::ArchiveEntry>),
}

/// `manifest.json`: `{"created_at": "...", "tables": {"projects": 12, ...}}`
/// (also accepted: `createdAt`, `timestamp`; `row_counts`/`counts` for the table map).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Manifest {
    pub created_at: Option<String>,
    pub row_counts: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Backup {
    pub path: PathBuf,
    pub format: BackupFormat,
    /// When the backup was taken: manifest, else a timestamp in the directory
    /// name (`migration-2025-07-11T19-46-34-951Z`), else None.
    pub created_at: Option<String>,
    pub tables: Vec<TableSource>,
    /// The backup's own schema from `schema.sql`, if present.
    pub schema: Option<Catalog>,
    pub manifest: Option<Manifest>,
    /// What the format itself says about the backup, for `inspect`: the
    /// server version a dump was made from, an archive's database, ...
    pub details: BTreeMap<String, String>,
    /// Files that were not used and why; nothing is skipped silently.
    pub warnings: Vec<String>,
}

/// One backup row. `cells[i]` belongs to `RowReader::columns()[i]`; `None`
/// means the key was absent from this row (not the same as a JSON `null`).
#[derive(Clone, Debug, PartialEq)]
pub struct BackupRow {
    /// 1-based line where the row starts in its (decompressed) file.
    pub line: u64,
    pub cells: Vec<Option<Cell>>,
}

impl Backup {
    /// Open a backup directory or single JSON file: list tables, read
    /// `schema.sql` and `manifest.json`, collect warnings. Does not read rows.
    pub fn open(path: &Path) -> Result<Backup> {
        open::open(path)
    }

    pub fn table(&self, name: &TableName) -> Option<&TableSource> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// Stream the rows of one table.
    pub fn rows(&self, table: &TableSource) -> Result<RowReader> {
        RowReader::open(table)
    }

    /// How many rows `table` holds: the count taken when the backup was
    /// opened if there is one, else by reading its rows once.
    pub fn count_rows(&self, table: &TableSource) -> Result<u64> {
        if let Some(rows) = table.rows {
            return Ok(rows);
        }
        if let Locator::Database { url, table } = &table.locator {
            return database::count_rows(url, &table.name);
        }
        let mut counted = 0u64;
        for row in self.rows(table)? {
            row?;
            counted += 1;
        }
        Ok(counted)
    }

    /// Compare manifest row counts with rows actually counted (empty when
    /// there is no manifest). See [`Manifest::mismatches`].
    pub fn manifest_mismatches(&self, counted: &BTreeMap<TableName, u64>) -> Vec<String> {
        self.manifest
            .as_ref()
            .map(|m| m.mismatches(counted))
            .unwrap_or_default()
    }
}

enum Rows {
    Json(json_rows::JsonArrayRows),
    Jsonl(json_rows::JsonlRows),
    Csv(csv::CsvRows),
    Blocks(blocks::BlockRows),
    Database(database::DbRows),
}

/// Streams one table's rows; never loads the file whole. After an error the
/// iterator ends.
pub struct RowReader {
    columns: ColumnIndex,
    rows: Rows,
    finished: bool,
}

impl RowReader {
    fn open(table: &TableSource) -> Result<RowReader> {
        match &table.locator {
            Locator::File => Self::open_file(table),
            Locator::Dump { toc, entries } => Self::open_blocks(blocks::Blocks::Dump {
                toc: std::sync::Arc::clone(toc),
                entries: entries.clone(),
            }),
            Locator::Archive(entries) => Self::open_blocks(blocks::Blocks::Archive {
                path: table.path.clone(),
                entries: entries.clone(),
            }),
            Locator::Database { url, table: t } => Ok(RowReader {
                columns: ColumnIndex::from_header(
                    t.columns.iter().map(|c| c.name.clone()).collect(),
                )
                .map_err(|m| Error::backup(&table.path, None, m))?,
                rows: Rows::Database(database::DbRows::start(url, t)?),
                finished: false,
            }),
        }
    }

    fn open_blocks(blocks: blocks::Blocks) -> Result<RowReader> {
        let (rows, columns) = blocks::BlockRows::open(blocks)?;
        Ok(RowReader {
            columns,
            rows: Rows::Blocks(rows),
            finished: false,
        })
    }

    fn open_file(table: &TableSource) -> Result<RowReader> {
        let src = source::ByteSource::open(&table.path, table.gzip)?;
        let (rows, columns) = match table.format {
            FileFormat::Json => (
                Rows::Json(json_rows::JsonArrayRows::new(
                    src,
                    table.key_in_file.as_deref(),
                )?),
                ColumnIndex::default(),
            ),
            FileFormat::Jsonl => (
                Rows::Jsonl(json_rows::JsonlRows::new(src)),
                ColumnIndex::default(),
            ),
            FileFormat::Csv => {
                let (rows, columns) = csv::CsvRows::new(src)?;
                (Rows::Csv(rows), columns)
            }
            other => {
                return Err(Error::backup(
                    &table.path,
                    None,
                    format!("{} rows are not in a file of their own", other.as_str()),
                ))
            }
        };
        Ok(RowReader {
            columns,
            rows,
            finished: false,
        })
    }

    /// Column names seen so far, in order of first appearance (a CSV header
    /// gives them all at once; JSON objects may add keys as rows go by, so a
    /// row read earlier may have fewer cells than `columns()` has names:
    /// treat a missing trailing cell as `None`).
    pub fn columns(&self) -> &[String] {
        &self.columns.names
    }
}

impl Iterator for RowReader {
    type Item = Result<BackupRow>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = match &mut self.rows {
            Rows::Json(r) => r.next_row(&mut self.columns),
            Rows::Jsonl(r) => r.next_row(&mut self.columns),
            Rows::Csv(r) => r.next_row(&self.columns),
            Rows::Blocks(r) => r.next_row(&mut self.columns),
            Rows::Database(r) => r.next_row(),
        };
        match next {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
}
