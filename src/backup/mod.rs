//! The backup side: a directory of per-table files (JSON array, JSON lines,
//! CSV, any of them gzipped), or one JSON file holding `{ "table": [rows] }`,
//! with optional `schema.sql` and `manifest.json`. Backups are untrusted
//! input: every problem becomes an [`Error::Backup`] naming file and line.

use crate::catalog::{Catalog, TableName};
use crate::error::{Error, Result};
use crate::value::Cell;
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
        Err(Error::Other(format!(
            "{}: backup reading not implemented yet",
            path.display()
        )))
    }

    pub fn table(&self, name: &TableName) -> Option<&TableSource> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// Stream the rows of one table.
    pub fn rows(&self, table: &TableSource) -> Result<RowReader> {
        Err(Error::Other(format!(
            "{}: not implemented yet",
            table.path.display()
        )))
    }
}

/// Streams one table's rows; never loads the file whole.
pub struct RowReader {
    columns: Vec<String>,
}

impl RowReader {
    /// Column names seen so far, in order of first appearance (a CSV header
    /// gives them all at once; JSON objects may add keys as rows go by).
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
}

impl Iterator for RowReader {
    type Item = Result<BackupRow>;
    fn next(&mut self) -> Option<Self::Item> {
        None
    }
}
