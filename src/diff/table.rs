//! Diff of one table pair: both sides streamed at once (the backup file on a
//! blocking thread, the live table on the async runtime) into digests, then
//! compared.

use super::compare::{compare_keyed, compare_whole_rows, RowComparison};
use super::digest::{
    ColumnPlan, Digest, DigestBuilder, DuplicateKey, Incompatibility, KeyKind, KeyPart, KeySpec,
};
use super::schema::{backup_columns, diff_table, SchemaDiff};
use super::{
    ChangedKey, IncompatibleValue, KeyInfo, KeyJson, RowKeys, TableDiff, TablePair, TableStatus,
    SAMPLE_LIMIT,
};
use crate::backup::{Backup, BackupRow, TableSource};
use crate::catalog::{Catalog, Table};
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crate::value::{classify, Cell, TypeClass};
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) async fn diff_pair(
    live: &LiveDb,
    backup: &Backup,
    catalog: &Catalog,
    pair: &TablePair<'_>,
    collect_rows: bool,
) -> Result<TableDiff> {
    match (pair.backup, pair.live) {
        (Some(src), Some(table)) => {
            diff_both(live, backup, catalog, pair, src, table, collect_rows).await
        }
        (Some(src), None) => {
            let rows = count_backup_rows(backup, src).await?;
            Ok(empty_diff(
                pair,
                TableStatus::TableMissing,
                Some(rows),
                None,
            ))
        }
        (None, Some(table)) => {
            let rows = live.count_rows(&table.name).await?;
            Ok(empty_diff(pair, TableStatus::OnlyInLive, None, Some(rows)))
        }
        (None, None) => Err(Error::Other(format!(
            "table {} is on neither side",
            pair.display
        ))),
    }
}

fn empty_diff(
    pair: &TablePair<'_>,
    status: TableStatus,
    backup_rows: Option<u64>,
    live_rows: Option<u64>,
) -> TableDiff {
    TableDiff {
        name: pair.display.clone(),
        status,
        backup_rows,
        live_rows,
        missing: backup_rows.unwrap_or(0),
        changed: 0,
        extra: live_rows.unwrap_or(0),
        identical: 0,
        key: None,
        schema: SchemaDiff::default(),
        changed_columns: BTreeMap::new(),
        incompatible: Vec::new(),
        rows: None,
    }
}

/// Read a dropped table's backup file through once: counts its rows and
/// proves the file is readable.
async fn count_backup_rows(backup: &Backup, src: &TableSource) -> Result<u64> {
    let backup = backup.clone();
    let src = src.clone();
    run_blocking(move || {
        let mut n = 0u64;
        for row in backup.rows(&src)? {
            row?;
            n += 1;
        }
        Ok(n)
    })
    .await
}

pub(crate) async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Other(format!("backup reader stopped unexpectedly: {e}")))?
}

/// What streaming one side produced.
pub(crate) struct SideDigest {
    pub digest: Digest,
    incompatible: Vec<Incompatibility>,
    incompatible_counts: Vec<u64>,
    duplicates: Vec<DuplicateKey>,
    pub duplicate_count: u64,
    /// Backup side: the columns seen in the data.
    pub data_columns: Vec<String>,
}

impl SideDigest {
    fn from_builder(b: DigestBuilder<'_>, data_columns: Vec<String>) -> Self {
        SideDigest {
            digest: b.digest,
            incompatible: b.incompatible,
            incompatible_counts: b.incompatible_counts,
            duplicates: b.duplicates,
            duplicate_count: b.duplicate_count,
            data_columns,
        }
    }
}

async fn diff_both(
    live: &LiveDb,
    backup: &Backup,
    catalog: &Catalog,
    pair: &TablePair<'_>,
    src: &TableSource,
    table: &Table,
    collect_rows: bool,
) -> Result<TableDiff> {
    let columns: Arc<Vec<ColumnPlan>> = Arc::new(column_plans(table, catalog));
    let key = Arc::new(choose_key(table, pair.backup_schema));
    let (backup_estimate, live_estimate) = size_estimates(live, src, table).await;

    let backup_side = {
        let (backup, src, columns, key) =
            (backup.clone(), src.clone(), columns.clone(), key.clone());
        run_blocking(move || {
            let started = std::time::Instant::now();
            let digest = digest_backup(&backup, &src, &columns, &key, backup_estimate);
            tracing::debug!(table = %src.name, elapsed_ms = started.elapsed().as_millis() as u64, "backup side read");
            digest
        })
    };
    let live_side = digest_live(live, table, &columns, &key, live_estimate, |_, _| Ok(()));
    let (backup_side, live_side) = tokio::join!(backup_side, live_side);
    let (b, l) = (backup_side?, live_side?);
    let compared = std::time::Instant::now();
    if b.duplicate_count > 0 {
        return Err(duplicate_error(src, &b, &columns, &key));
    }

    let rows = if key.kind == KeyKind::WholeRow {
        compare_whole_rows(&b.digest, &l.digest, collect_rows)
    } else {
        compare_keyed(&b.digest, &l.digest, collect_rows)
    };
    let backup_cols = backup_columns(pair.backup_schema, &b.data_columns);
    let schema = diff_table(
        pair.backup_schema,
        &backup_cols,
        table,
        catalog,
        &b.incompatible_counts,
    );
    let key_names: Vec<String> = key
        .columns
        .iter()
        .map(|&i| columns[i].name.clone())
        .collect();
    let status = status_of(&rows, &schema);
    tracing::debug!(table = %table.name, elapsed_ms = compared.elapsed().as_millis() as u64, "compared");
    Ok(TableDiff {
        name: pair.display.clone(),
        status,
        backup_rows: Some(b.digest.rows),
        live_rows: Some(l.digest.rows),
        missing: rows.missing,
        changed: rows.changed,
        extra: rows.extra,
        identical: rows.identical,
        key: Some(KeyInfo {
            columns: key_names,
            source: match key.kind {
                KeyKind::LivePrimaryKey => "live_primary_key",
                KeyKind::BackupPrimaryKey => "backup_primary_key",
                KeyKind::WholeRow => "whole_row",
            },
        }),
        changed_columns: rows
            .changed_per_column
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (columns[i].name.clone(), *n))
            .collect(),
        incompatible: b
            .incompatible
            .iter()
            .map(|inc| IncompatibleValue {
                key: key_json(&inc.key, &columns, &key),
                column: columns[inc.column].name.clone(),
                value: inc.value.clone(),
                reason: inc.reason.clone(),
                line: inc.line,
            })
            .collect(),
        rows: collect_rows.then(|| row_keys(&rows, &columns, &key)),
        schema,
    })
}

/// The live columns as the digests see them.
pub(crate) fn column_plans(table: &Table, catalog: &Catalog) -> Vec<ColumnPlan> {
    table
        .columns
        .iter()
        .map(|c| ColumnPlan {
            name: c.name.clone(),
            class: classify(&c.data_type, catalog.dialect, &catalog.enums),
        })
        .collect()
}

/// Expected rows of (backup, live). Sizing hints only: a wrong estimate
/// costs some regrowth, never a wrong result.
pub(crate) async fn size_estimates(
    live: &LiveDb,
    src: &TableSource,
    table: &Table,
) -> (usize, usize) {
    let live_estimate = live
        .estimate_rows(&table.name)
        .await
        .ok()
        .flatten()
        .unwrap_or(0)
        .min(100_000_000) as usize;
    (backup_size_hint(src).min(live_estimate), live_estimate)
}

/// Stream the live table into a digest; `on_row` also sees each row's cells
/// (all live columns, in order) and its digest row.
pub(crate) async fn digest_live(
    live: &LiveDb,
    table: &Table,
    columns: &[ColumnPlan],
    key: &KeySpec,
    estimate: usize,
    mut on_row: impl FnMut(&[Cell], u32) -> Result<()> + Send,
) -> Result<SideDigest> {
    let started = std::time::Instant::now();
    let mut builder = DigestBuilder::new(columns, key, false, 0);
    builder.reserve(estimate);
    let all: Vec<usize> = (0..table.columns.len()).collect();
    live.stream_rows(table, &all, |cells| {
        let row = builder.add(0, |i| cells.get(i));
        on_row(cells, row)
    })
    .await?;
    tracing::debug!(table = %table.name, elapsed_ms = started.elapsed().as_millis() as u64, "live side read");
    Ok(SideDigest::from_builder(builder, Vec::new()))
}

fn status_of(rows: &RowComparison, schema: &SchemaDiff) -> TableStatus {
    if rows.missing > 0 {
        TableStatus::RowsMissing
    } else if rows.changed > 0 {
        TableStatus::RowsChanged
    } else if !schema.is_empty() {
        TableStatus::SchemaDrift
    } else if rows.extra > 0 {
        TableStatus::OnlyInLive
    } else {
        TableStatus::Identical
    }
}

/// Rows are matched on the live primary key; failing that on the key the
/// backup's schema declares (when live has all its columns); failing that
/// on the whole row.
pub(crate) fn choose_key(live: &Table, backup_schema: Option<&Table>) -> KeySpec {
    let indices = |cols: &[String]| -> Option<Vec<usize>> {
        cols.iter().map(|c| live.column_index(c)).collect()
    };
    if let Some(cols) = live
        .primary_key
        .as_ref()
        .and_then(|pk| indices(&pk.columns))
    {
        return KeySpec {
            kind: KeyKind::LivePrimaryKey,
            columns: cols,
        };
    }
    if let Some(cols) = backup_schema
        .and_then(|t| t.primary_key.as_ref())
        .and_then(|pk| indices(&pk.columns))
    {
        return KeySpec {
            kind: KeyKind::BackupPrimaryKey,
            columns: cols,
        };
    }
    KeySpec {
        kind: KeyKind::WholeRow,
        columns: (0..live.columns.len()).collect(),
    }
}

/// Stream one backup table into a digest, mapping its fields onto live
/// columns by name (exact, else case-insensitive).
fn digest_backup(
    backup: &Backup,
    src: &TableSource,
    columns: &[ColumnPlan],
    key: &KeySpec,
    estimate: usize,
) -> Result<SideDigest> {
    digest_backup_with(backup, src, columns, key, estimate, |_, _, _| Ok(()))
}

/// [`digest_backup`], with `on_row` also seeing each row, the field names
/// seen so far and the row's digest row.
pub(crate) fn digest_backup_with(
    backup: &Backup,
    src: &TableSource,
    columns: &[ColumnPlan],
    key: &KeySpec,
    estimate: usize,
    mut on_row: impl FnMut(&BackupRow, &[String], u32) -> Result<()>,
) -> Result<SideDigest> {
    let mut reader = backup.rows(src)?;
    let mut builder = DigestBuilder::new(columns, key, true, SAMPLE_LIMIT);
    builder.reserve(estimate);
    // live column index → backup field index
    let mut live_to_field: Vec<Option<usize>> = vec![None; columns.len()];
    let mut fields_mapped = 0;
    // Not a `for` loop: the reader's column list is read between rows.
    #[allow(clippy::while_let_on_iterator)]
    while let Some(row) = reader.next() {
        let row = row?;
        let fields = reader.columns();
        if fields.len() > fields_mapped {
            map_new_fields(fields, fields_mapped, columns, &mut live_to_field);
            fields_mapped = fields.len();
        }
        let digest_row = builder.add(row.line, |i| {
            live_to_field[i]
                .and_then(|f| row.cells.get(f))
                .and_then(|c| c.as_ref())
        });
        on_row(&row, fields, digest_row)?;
    }
    let data_columns = reader.columns().to_vec();
    Ok(SideDigest::from_builder(builder, data_columns))
}

/// At most how many rows a backup file can hold: no row is shorter than
/// about 16 bytes (compressed files are read at 8x their size).
fn backup_size_hint(src: &TableSource) -> usize {
    let len = std::fs::metadata(&src.path).map(|m| m.len()).unwrap_or(0);
    let len = if src.gzip { len.saturating_mul(8) } else { len };
    usize::try_from(len / 16).unwrap_or(usize::MAX)
}

/// Map fields `from..` of a backup table onto `columns` by name: exact,
/// else case-insensitive when no field has the exact name.
pub(crate) fn map_new_fields(
    fields: &[String],
    from: usize,
    columns: &[ColumnPlan],
    live_to_field: &mut [Option<usize>],
) {
    for (f, name) in fields.iter().enumerate().skip(from) {
        let exact = columns.iter().position(|c| &c.name == name);
        let target = exact.or_else(|| {
            columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name) && !fields.contains(&c.name))
        });
        if let Some(i) = target {
            if live_to_field[i].is_none() {
                live_to_field[i] = Some(f);
            }
        }
    }
}

pub(crate) fn duplicate_error(
    src: &TableSource,
    b: &SideDigest,
    columns: &[ColumnPlan],
    key: &KeySpec,
) -> Error {
    let examples: Vec<String> = b
        .duplicates
        .iter()
        .take(5)
        .map(|d| {
            format!(
                "{} at lines {} and {}",
                key_text(&d.key, columns, key),
                d.first_line,
                d.line
            )
        })
        .collect();
    Error::backup(
        &src.path,
        b.duplicates.first().map(|d| d.line),
        format!(
            "table {}: {} row(s) repeat a key already seen, so rows cannot be matched: {}{}",
            src.name,
            b.duplicate_count,
            examples.join("; "),
            if b.duplicate_count > 5 { "; ..." } else { "" }
        ),
    )
}

fn key_text(parts: &[KeyPart], columns: &[ColumnPlan], key: &KeySpec) -> String {
    key.columns
        .iter()
        .zip(parts)
        .map(|(&i, p)| {
            let v = match p {
                KeyPart::Null => "NULL".to_string(),
                KeyPart::Value(s) | KeyPart::Raw(s) => crate::report::visible(s).into_owned(),
            };
            format!("{}={v}", columns[i].name)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A key as JSON: integers as numbers, booleans as booleans, the rest as text.
fn key_json(parts: &[KeyPart], columns: &[ColumnPlan], key: &KeySpec) -> KeyJson {
    let mut map = KeyJson::new();
    for (&i, part) in key.columns.iter().zip(parts) {
        let value = match part {
            KeyPart::Null => serde_json::Value::Null,
            KeyPart::Raw(s) => serde_json::Value::String(s.clone()),
            KeyPart::Value(s) => match &columns[i].class {
                TypeClass::Int { .. } => s
                    .parse::<i64>()
                    .map(Into::into)
                    .unwrap_or_else(|_| s.clone().into()),
                TypeClass::Bool => serde_json::Value::Bool(s == "true"),
                _ => serde_json::Value::String(s.clone()),
            },
        };
        map.insert(columns[i].name.clone(), value);
    }
    map
}

fn row_keys(rows: &RowComparison, columns: &[ColumnPlan], key: &KeySpec) -> RowKeys {
    RowKeys {
        missing: rows
            .missing_keys
            .iter()
            .map(|k| key_json(k, columns, key))
            .collect(),
        changed: rows
            .changed_rows
            .iter()
            .map(|c| ChangedKey {
                key: key_json(&c.key, columns, key),
                columns: c.columns.iter().map(|&i| columns[i].name.clone()).collect(),
            })
            .collect(),
        extra: rows
            .extra_keys
            .iter()
            .map(|k| key_json(k, columns, key))
            .collect(),
    }
}
