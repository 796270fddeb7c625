//! A plain `pg_dump` as a [`Backup`]: one scan lists every table's data
//! blocks with their row counts; a table's rows are then read from its
//! blocks only (a seek in a plain file).

use super::json_row::ColumnIndex;
use super::pgdump::{self, PlainRows, Toc};
use super::{Backup, BackupFormat, BackupRow, FileFormat, Locator, TableSource};
use crate::catalog::TableName;
use crate::error::{Error, Result};
use crate::value::Cell;
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
            format: FileFormat::PgCopy,
            gzip: toc.gzip,
            key_in_file: None,
            rows: Some(entry.rows),
            locator: Locator::Dump {
                toc: Arc::clone(&toc),
                entries: vec![i],
            },
        });
    }
    let mut warnings = Vec::new();
    if tables.is_empty() {
        warnings.push(format!(
            "{}: no COPY data blocks (a --schema-only dump?)",
            path.display()
        ));
    }
    Ok(Backup {
        path: path.to_path_buf(),
        format: BackupFormat::PgDumpPlain,
        created_at: created_from_names,
        tables,
        schema: None,
        manifest: None,
        warnings,
    })
}

/// Rows of one table across its blocks, in the column order of the first.
pub(crate) struct DumpRows {
    toc: Arc<Toc>,
    table: TableName,
    entries: Vec<usize>,
    next_entry: usize,
    current: Option<PlainRows>,
    /// For the current block: field i goes to column `remap[i]`.
    remap: Vec<usize>,
}

impl DumpRows {
    pub(crate) fn open(
        toc: &Arc<Toc>,
        table: &TableName,
        entries: &[usize],
    ) -> Result<(DumpRows, ColumnIndex)> {
        let rows = DumpRows {
            toc: Arc::clone(toc),
            table: table.clone(),
            entries: entries.to_vec(),
            next_entry: 0,
            current: None,
            remap: Vec::new(),
        };
        let first = entries
            .first()
            .and_then(|&i| toc.entries.get(i))
            .map(|e| e.columns.clone())
            .unwrap_or_default();
        let columns = ColumnIndex::from_header(first)
            .map_err(|m| Error::backup(&toc.path, None, format!("{table}: {m}")))?;
        Ok((rows, columns))
    }

    pub(crate) fn next_row(&mut self, columns: &mut ColumnIndex) -> Result<Option<BackupRow>> {
        loop {
            if let Some(block) = &mut self.current {
                match block.next() {
                    Some(Ok(row)) => return Ok(Some(self.to_backup_row(row, columns.names.len()))),
                    Some(Err(e)) => return Err(e),
                    None => self.current = None,
                }
            }
            let Some(&index) = self.entries.get(self.next_entry) else {
                return Ok(None);
            };
            self.next_entry += 1;
            let entry = self.toc.entries.get(index).ok_or_else(|| {
                Error::backup(
                    &self.toc.path,
                    None,
                    format!("{}: data block {index} is not in the dump", self.table),
                )
            })?;
            self.remap = entry
                .columns
                .iter()
                .enumerate()
                .map(|(i, name)| columns.position_or_add_hinted(name, i))
                .collect();
            self.current = Some(PlainRows::open(&self.toc, entry)?);
        }
    }

    fn to_backup_row(&self, row: pgdump::PlainRow, width: usize) -> BackupRow {
        let mut cells: Vec<Option<Cell>> = vec![None; width];
        for (field, &at) in row.fields.into_iter().zip(&self.remap) {
            if let Some(slot) = cells.get_mut(at) {
                *slot = Some(field.map_or(Cell::Null, Cell::Text));
            }
        }
        BackupRow {
            line: row.line,
            cells,
        }
    }
}
