//! A plain `pg_dump` as a [`Backup`]: one scan lists every table's data
//! (COPY blocks or INSERT runs) with row counts and reads the schema from
//! the DDL; a table's rows are then read from its own blocks only (a seek
//! in a plain file).

use super::pgdump::{self, DataKind};
use super::{partitions, Backup, BackupFormat, FileFormat, Locator, TableSource};
use crate::error::Result;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub(crate) fn open(path: &Path, created_from_names: Option<String>) -> Result<Backup> {
    let toc = Arc::new(pgdump::scan(path)?);
    // A table may have several blocks (`--load-via-partition-root` writes
    // one per partition into the parent); list it once, in dump order.
    let mut tables: Vec<TableSource> = Vec::new();
    for (i, entry) in toc.entries.iter().enumerate() {
        if let Some(t) = tables.iter_mut().find(|t| t.name == entry.table) {
            if let Locator::Dump { entries, .. } = &mut t.locator {
                entries.push(i);
            }
            t.rows = Some(t.rows.unwrap_or(0) + entry.rows);
            continue;
        }
        tables.push(TableSource {
            name: entry.table.clone(),
            path: path.to_path_buf(),
            format: match entry.kind {
                DataKind::Copy => FileFormat::PgCopy,
                DataKind::Inserts => FileFormat::PgInsert,
            },
            gzip: toc.gzip,
            key_in_file: None,
            rows: Some(entry.rows),
            locator: Locator::Dump {
                toc: Arc::clone(&toc),
                entries: vec![i],
            },
        });
    }
    let mut warnings = toc.warnings.clone();
    if tables.is_empty() {
        warnings.push(format!(
            "{}: no table data (COPY blocks or INSERTs); a --schema-only dump?",
            path.display()
        ));
    }
    let mut details = BTreeMap::new();
    if let Some(version) = &toc.server_version {
        details.insert("dumped from PostgreSQL".into(), version.clone());
    }
    details.insert(
        "compression".into(),
        if toc.gzip { "gzip" } else { "none" }.into(),
    );
    let mut backup = Backup {
        path: path.to_path_buf(),
        format: BackupFormat::PgDumpPlain,
        created_at: toc.started_at.clone().or(created_from_names),
        tables,
        schema: toc.schema.clone(),
        manifest: None,
        details,
        warnings,
    };
    partitions::fold(&mut backup, &toc.partitions);
    Ok(backup)
}
