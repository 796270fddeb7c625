//! `pg_dump` archives in custom (`-Fc`), directory (`-Fd`) and tar (`-Ft`)
//! format, read through the real `pg_restore` (the formats are versioned
//! and compressed; pg_restore knows them all and is where the user has
//! pg_dump). Recognised by content, never by name.
//!
//! [`Archive::open`] runs `pg_restore --list` (the table of contents) and
//! `pg_restore --schema-only` (the schema); [`ArchiveRows`] streams one
//! table's data out of a third run.

mod rows;
mod toc;
mod tool;

pub use rows::ArchiveRows;
pub use tool::PG_RESTORE_ENV;

use super::super::{
    partitions, schema_sql, Backup, BackupFormat, FileFormat, Locator, TableSource,
};
use crate::catalog::{Catalog, TableName};
use crate::error::{Error, Result};
use crate::report::visible;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use tool::PgRestore;

const MAGIC: &[u8] = b"PGDMP";
const TOC_FILE: &str = "toc.dat";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    /// `pg_dump -Fc`: one file starting with `PGDMP`.
    Custom,
    /// `pg_dump -Fd`: a directory with `toc.dat` and one file per table.
    Directory,
    /// `pg_dump -Ft`: a tar file whose first member is `toc.dat`.
    Tar,
}

impl ArchiveKind {
    pub fn backup_format(self) -> BackupFormat {
        match self {
            ArchiveKind::Custom => BackupFormat::PgDumpCustom,
            ArchiveKind::Directory => BackupFormat::PgDumpDirectory,
            ArchiveKind::Tar => BackupFormat::PgDumpTar,
        }
    }
}

/// Whether `path` is a pg_dump archive, and which kind; `Ok(None)` for
/// anything else (a JSON directory, a plain dump, ...).
pub fn detect(path: &Path) -> Result<Option<ArchiveKind>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if meta.is_dir() {
        let toc = path.join(TOC_FILE);
        let is_archive = toc.is_file() && head(&toc, MAGIC.len())?.starts_with(MAGIC);
        return Ok(is_archive.then_some(ArchiveKind::Directory));
    }
    if !meta.is_file() {
        return Ok(None);
    }
    let head = head(path, 512)?;
    if head.starts_with(MAGIC) {
        // The header's format byte: 1 is custom; a directory archive's
        // `toc.dat` given by itself stands for its directory.
        let custom = head.get(10) == Some(&1);
        let toc_file = path.file_name().is_some_and(|n| n == TOC_FILE);
        return Ok(Some(if toc_file && !custom {
            ArchiveKind::Directory
        } else {
            ArchiveKind::Custom
        }));
    }
    // A ustar header: the member name in bytes 0..100 (NUL-padded), "ustar" at 257.
    let name = head
        .get(..100)
        .map(|n| n.split(|&b| b == 0).next().unwrap_or(n));
    if head.get(257..262) == Some(b"ustar") && name == Some(TOC_FILE.as_bytes()) {
        return Ok(Some(ArchiveKind::Tar));
    }
    Ok(None)
}

/// Up to `n` bytes from the start of the file.
fn head(path: &Path, n: usize) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut out = Vec::with_capacity(n);
    file.take(n as u64)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(path, &e))?;
    Ok(out)
}

/// One table's data in the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The entry's dump id (the number before `;` in `pg_restore -l`).
    pub dump_id: u32,
    pub table: TableName,
    /// The `pg_restore -l` line, handed back to `pg_restore -L` to select it.
    pub list_line: String,
}

/// What [`Archive::open`] learned without reading any rows.
#[derive(Clone, Debug)]
pub struct Archive {
    pub path: PathBuf,
    pub kind: ArchiveKind,
    /// When pg_dump ran, ISO-8601 (`2025-07-12T03:00:00Z`); the archive
    /// stores the dumping machine's wall-clock time, which pg_restore reads
    /// in the local time zone (so does this).
    pub created_at: Option<String>,
    pub dbname: Option<String>,
    /// `Dumped from database version`, e.g. `15.4`.
    pub server_version: Option<String>,
    pub pg_dump_version: Option<String>,
    /// The `TABLE DATA` entries in archive order; each partition of a
    /// partitioned table is its own entry.
    pub entries: Vec<ArchiveEntry>,
    /// The schema, parsed from `pg_restore --schema-only`; None when the
    /// archive defines no tables (`pg_dump --data-only`), or (with a
    /// warning) when it cannot be parsed.
    pub schema: Option<Catalog>,
    /// Partition → its direct parent, from the schema: `into_backup` reads
    /// partitions through their root, as the live side does.
    pub partitions: BTreeMap<TableName, TableName>,
    pub warnings: Vec<String>,
}

impl Archive {
    pub fn open(path: &Path) -> Result<Archive> {
        let Some(kind) = detect(path)? else {
            return Err(Error::backup(
                path,
                None,
                "not a pg_dump archive (custom, directory or tar format)",
            ));
        };
        // pg_restore wants a directory archive's directory, not its toc.dat.
        let path = match path.parent() {
            Some(dir) if kind == ArchiveKind::Directory && path.is_file() => dir,
            _ => path,
        };
        let tool = PgRestore::find();
        let list = tool.output(path, &["--list"], "table of contents")?;
        let (header, data) = toc::parse_list(&String::from_utf8_lossy(&list));
        let mut warnings = Vec::new();
        let sql = tool.output(path, &["--schema-only", "--file=-"], "schema")?;
        let sql = String::from_utf8(sql).unwrap_or_else(|e| {
            warnings.push(format!(
                "{}: the schema is not valid UTF-8; invalid bytes replaced",
                path.display()
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        });
        // Lines in schema errors are lines of pg_restore's output.
        let label = PathBuf::from(format!("{} (pg_restore --schema-only)", path.display()));
        let (schema, partitions) = match schema_sql::parse_parts(&label, &sql, &mut warnings) {
            // A data-only archive has no table definitions: no schema, not an empty one.
            Ok(parts) if parts.catalog.tables.is_empty() => (None, parts.partitions),
            Ok(parts) => (Some(parts.catalog), parts.partitions),
            Err(e) => {
                warnings.push(format!("schema not read (tables and rows still are): {e}"));
                (None, BTreeMap::new())
            }
        };
        let named = toc::table_comments(&sql);
        let mut entries: Vec<ArchiveEntry> = Vec::with_capacity(data.len());
        let mut seen = HashSet::new();
        for d in data {
            let table = match toc::resolve(&d, &named) {
                toc::Resolved::Named(t) | toc::Resolved::Words(t) => t,
                toc::Resolved::Guess(guess) => {
                    let entry = ArchiveEntry {
                        dump_id: d.dump_id,
                        table: guess,
                        list_line: d.line.clone(),
                    };
                    peek_name(path, entry, &mut warnings)
                }
            };
            if !seen.insert(table.clone()) {
                warnings.push(format!(
                    "{}: table {} has more than one data entry; only the first is read",
                    path.display(),
                    visible(&table.to_string())
                ));
                continue;
            }
            entries.push(ArchiveEntry {
                dump_id: d.dump_id,
                table,
                list_line: d.line,
            });
        }
        if entries.is_empty() {
            warnings.push(format!(
                "{}: the archive holds no table data (made with pg_dump --schema-only?)",
                path.display()
            ));
        }
        Ok(Archive {
            path: path.to_path_buf(),
            kind,
            created_at: header.created.as_deref().and_then(iso_created),
            dbname: header.dbname,
            server_version: header.server_version,
            pg_dump_version: header.pg_dump_version,
            entries,
            schema,
            partitions,
            warnings,
        })
    }

    pub fn entry(&self, table: &TableName) -> Option<&ArchiveEntry> {
        self.entries.iter().find(|e| &e.table == table)
    }

    /// Stream one entry's rows.
    pub fn rows(&self, entry: &ArchiveEntry) -> Result<ArchiveRows> {
        ArchiveRows::open(&self.path, entry)
    }

    /// The [`Backup`] view: one `PgArchive` table per data entry.
    pub(crate) fn into_backup(self) -> Backup {
        let tables = self
            .entries
            .into_iter()
            .map(|e| TableSource {
                name: e.table.clone(),
                path: self.path.clone(),
                format: FileFormat::PgArchive,
                gzip: false,
                key_in_file: None,
                rows: None,
                locator: Locator::Archive(vec![e]),
            })
            .collect();
        let mut details = BTreeMap::new();
        for (label, value) in [
            ("database", &self.dbname),
            ("dumped from PostgreSQL", &self.server_version),
            ("pg_dump version", &self.pg_dump_version),
        ] {
            if let Some(value) = value {
                details.insert(label.to_string(), value.clone());
            }
        }
        let mut backup = Backup {
            path: self.path,
            format: self.kind.backup_format(),
            created_at: self.created_at,
            tables,
            schema: self.schema,
            manifest: None,
            details,
            warnings: self.warnings,
        };
        partitions::fold(&mut backup, &self.partitions);
        backup
    }
}

/// The table of an entry whose list line cannot be split (a name with a
/// space and no table definition in the archive): pg_restore's COPY header
/// names it exactly. If that fails, the guess stays, with a warning.
fn peek_name(path: &Path, entry: ArchiveEntry, warnings: &mut Vec<String>) -> TableName {
    match ArchiveRows::peek_table(path, &entry) {
        Ok(table) => table,
        Err(e) => {
            warnings.push(format!(
                "entry {} `{}`: table name guessed as {} ({e})",
                entry.dump_id,
                visible(&entry.list_line),
                visible(&entry.table.to_string())
            ));
            entry.table
        }
    }
}

/// `2025-07-12 03:00:00 UTC` -> `2025-07-12T03:00:00Z`; another zone
/// (pg_restore prints local time) gets the local offset, `+02:00`.
fn iso_created(printed: &str) -> Option<String> {
    use chrono::{Local, NaiveDateTime, TimeZone};
    let (stamp, zone) = (printed.get(..19)?, printed.get(19..).unwrap_or("").trim());
    let naive = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S").ok()?;
    if matches!(zone, "UTC" | "GMT" | "UCT" | "Z" | "") {
        return Some(naive.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    match Local.from_local_datetime(&naive).single() {
        Some(local) => Some(local.format("%Y-%m-%dT%H:%M:%S%:z").to_string()),
        None => Some(naive.format("%Y-%m-%dT%H:%M:%S").to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_time_becomes_iso_8601() {
        assert_eq!(
            iso_created("2025-07-12 03:00:00 UTC").as_deref(),
            Some("2025-07-12T03:00:00Z")
        );
        let local = iso_created("2025-07-12 03:00:00 CEST").unwrap();
        assert!(local.starts_with("2025-07-12T03:00:00"), "{local}");
        assert_eq!(iso_created("yesterday"), None);
        assert_eq!(iso_created("2025-13-12 03:00:00 UTC"), None);
    }

    #[test]
    fn detection_is_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let custom = dir.path().join("backup.json");
        std::fs::write(&custom, b"PGDMP\x01\x0e\x00rest").unwrap();
        assert_eq!(detect(&custom).unwrap(), Some(ArchiveKind::Custom));

        let mut tar = vec![0u8; 1024];
        tar[..7].copy_from_slice(b"toc.dat");
        tar[257..263].copy_from_slice(b"ustar\0");
        let tar_path = dir.path().join("x.sql");
        std::fs::write(&tar_path, &tar).unwrap();
        assert_eq!(detect(&tar_path).unwrap(), Some(ArchiveKind::Tar));
        tar[..7].copy_from_slice(b"foo.dat");
        std::fs::write(&tar_path, &tar).unwrap();
        assert_eq!(detect(&tar_path).unwrap(), None);

        let d = dir.path().join("d");
        std::fs::create_dir(&d).unwrap();
        assert_eq!(detect(&d).unwrap(), None);
        let toc = d.join("toc.dat");
        std::fs::write(&toc, b"PGDMP\x01\x0e\x00\x04\x08\x03\x01").unwrap();
        assert_eq!(detect(&d).unwrap(), Some(ArchiveKind::Directory));
        assert_eq!(detect(&toc).unwrap(), Some(ArchiveKind::Directory));

        let short = dir.path().join("short");
        std::fs::write(&short, b"PG").unwrap();
        assert_eq!(detect(&short).unwrap(), None);
    }
}
