//! The I/O edge of planning a restore: backup tables loaded into memory and
//! the live keys and rows the plan is checked against. Everything after this
//! is pure.

use super::closure::{LiveKeys, TableRows};
use crate::backup::{Backup, TableSource};
use crate::catalog::{Catalog, Dialect, Table, TableName};
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crate::value::{canonical_or_raw, classify, Cell, TypeClass};
use std::collections::{HashMap, HashSet};

/// Every table of the backup, loaded, named as the live side names it where
/// it exists live. Column classes come from the live column; for columns or
/// tables live lacks, from the backup's schema; else plain text.
pub fn load_backup_tables(backup: &Backup, live: &Catalog) -> Result<Vec<TableRows>> {
    backup
        .tables
        .iter()
        .map(|src| load_backup_table(backup, src, live))
        .collect()
}

/// One table of the backup, loaded as [`load_backup_tables`] loads each
/// (`lifeboat find` reads only the picked tables of every snapshot).
pub fn load_backup_table(backup: &Backup, src: &TableSource, live: &Catalog) -> Result<TableRows> {
    let live_table = live.resolve(&src.name);
    let schema_table = backup.schema.as_ref().and_then(|s| s.resolve(&src.name));
    let mut reader = backup.rows(src)?;
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for row in reader.by_ref() {
        let row = row?;
        lines.push(row.line);
        rows.push(row.cells);
    }
    let columns = reader.columns().to_vec();
    for r in &mut rows {
        r.resize(columns.len(), None);
    }
    let classes = columns
        .iter()
        .map(|c| column_class(c, live_table, live, schema_table, backup.schema.as_ref()))
        .collect();
    Ok(TableRows {
        table: live_table.map_or_else(|| src.name.clone(), |t| t.name.clone()),
        columns,
        rows,
        classes,
        source: Some(src.path.clone()),
        lines,
    })
}

fn column_class(
    column: &str,
    live_table: Option<&Table>,
    live: &Catalog,
    schema_table: Option<&Table>,
    schema: Option<&Catalog>,
) -> TypeClass {
    if let Some(c) = live_table.and_then(|t| t.column(column)) {
        return classify(&c.data_type, live.dialect, &live.enums);
    }
    if let (Some(c), Some(s)) = (schema_table.and_then(|t| t.column(column)), schema) {
        return classify(&c.data_type, Dialect::Postgres, &s.enums);
    }
    TypeClass::Text {
        max_chars: None,
        fixed: false,
    }
}

/// Canonical values of `columns` of every live row of `table`, as key sets.
pub async fn read_live_keys(
    live: &LiveDb,
    catalog: &Catalog,
    wanted: &[(TableName, Vec<String>)],
) -> Result<LiveKeys> {
    let mut keys = LiveKeys::default();
    let mut done: HashSet<(TableName, Vec<String>)> = HashSet::new();
    for (name, columns) in wanted {
        if !done.insert((name.clone(), columns.clone())) {
            continue;
        }
        let Some(table) = catalog.table(name) else {
            continue;
        };
        let Some(idx) = column_indices(table, columns) else {
            continue;
        };
        let classes: Vec<TypeClass> = idx
            .iter()
            .map(|&i| classify(&table.columns[i].data_type, catalog.dialect, &catalog.enums))
            .collect();
        let mut found = HashSet::new();
        live.stream_rows(table, &idx, |cells| {
            if let Some(key) = canonical_key(cells, &classes) {
                found.insert(key);
            }
            Ok(())
        })
        .await?;
        keys.extend(name, columns, found);
    }
    Ok(keys)
}

/// Live rows of `table` whose key (`key_columns`) is in `wanted`: key →
/// canonical value of every live column (None = NULL).
pub async fn read_live_rows(
    live: &LiveDb,
    catalog: &Catalog,
    table: &Table,
    key_columns: &[String],
    wanted: &HashSet<Vec<String>>,
) -> Result<HashMap<Vec<String>, Vec<Option<String>>>> {
    let idx = column_indices(table, key_columns)
        .ok_or_else(|| Error::Other(format!("table {} lacks its key columns", table.name)))?;
    let classes: Vec<TypeClass> = table
        .columns
        .iter()
        .map(|c| classify(&c.data_type, catalog.dialect, &catalog.enums))
        .collect();
    let key_classes: Vec<TypeClass> = idx.iter().map(|&i| classes[i].clone()).collect();
    let all: Vec<usize> = (0..table.columns.len()).collect();
    let mut out = HashMap::new();
    let keys: Vec<Vec<String>> = wanted.iter().cloned().collect();
    live.stream_rows_for_keys(table, &all, &idx, &keys, |cells| {
        let key_cells: Vec<Cell> = idx.iter().map(|&i| cells[i].clone()).collect();
        if let Some(key) = canonical_key(&key_cells, &key_classes) {
            if wanted.contains(&key) {
                let values = cells
                    .iter()
                    .zip(&classes)
                    .map(|(c, class)| canonical_or_raw(c, class))
                    .collect();
                out.insert(key, values);
            }
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

fn column_indices(table: &Table, columns: &[String]) -> Option<Vec<usize>> {
    columns.iter().map(|c| table.column_index(c)).collect()
}

/// Canonical key of a row; None when any part is NULL.
fn canonical_key(cells: &[Cell], classes: &[TypeClass]) -> Option<Vec<String>> {
    cells
        .iter()
        .zip(classes)
        .map(|(c, class)| canonical_or_raw(c, class))
        .collect()
}
