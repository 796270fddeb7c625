//! What was lost: the live database compared with the backup, table by table
//! (schema) and row by row (keyed by primary key, or as a multiset of whole
//! rows). Sides are read concurrently and reduced to digests as they stream.

pub mod compare;
pub mod digest;
pub mod schema;
pub(crate) mod table;
#[cfg(test)]
mod tests;

use crate::backup::{Backup, TableSource};
use crate::catalog::{Catalog, Table, TableName};
use crate::error::{Error, Result};
use crate::live::LiveDb;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use schema::{MissingConstraint, SchemaDiff, TypeMismatch};

/// Severity order, most severe first; a table's status is its most severe difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableStatus {
    /// In the backup, not live (dropped).
    TableMissing,
    RowsMissing,
    RowsChanged,
    SchemaDrift,
    /// Live has something the backup has not: the whole table, or rows.
    OnlyInLive,
    Identical,
}

impl TableStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TableStatus::TableMissing => "table_missing",
            TableStatus::RowsMissing => "rows_missing",
            TableStatus::RowsChanged => "rows_changed",
            TableStatus::SchemaDrift => "schema_drift",
            TableStatus::OnlyInLive => "only_in_live",
            TableStatus::Identical => "identical",
        }
    }
}

/// A row key as key columns → values.
pub type KeyJson = serde_json::Map<String, serde_json::Value>;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyInfo {
    pub columns: Vec<String>,
    /// `live_primary_key`, `backup_primary_key` or `whole_row`.
    pub source: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncompatibleValue {
    pub key: KeyJson,
    pub column: String,
    pub value: String,
    pub reason: String,
    /// Line of the row in its backup file.
    pub line: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangedKey {
    pub key: KeyJson,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RowKeys {
    pub missing: Vec<KeyJson>,
    pub changed: Vec<ChangedKey>,
    pub extra: Vec<KeyJson>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableDiff {
    pub name: String,
    pub status: TableStatus,
    /// None when the table is not in the backup.
    pub backup_rows: Option<u64>,
    /// None when the table is not live.
    pub live_rows: Option<u64>,
    pub missing: u64,
    pub changed: u64,
    pub extra: u64,
    pub identical: u64,
    pub key: Option<KeyInfo>,
    pub schema: SchemaDiff,
    /// Changed rows per column (only columns with changes).
    pub changed_columns: BTreeMap<String, u64>,
    /// Backup values that cannot go into the live column (samples; counts are in schema.type_mismatches).
    pub incompatible: Vec<IncompatibleValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowKeys>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackupSummary {
    pub path: String,
    pub format: crate::backup::BackupFormat,
    pub created_at: Option<String>,
    pub tables: usize,
    pub has_schema: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiveSummary {
    /// The database URL, password redacted.
    pub target: String,
    pub dialect: crate::catalog::Dialect,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffReport {
    pub backup: BackupSummary,
    pub live: LiveSummary,
    pub tables: Vec<TableDiff>,
    pub warnings: Vec<String>,
}

impl DiffReport {
    pub fn has_differences(&self) -> bool {
        self.tables
            .iter()
            .any(|t| t.status != TableStatus::Identical)
    }
}

pub type ProgressFn = Arc<dyn Fn(&TableDiff) + Send + Sync>;

#[derive(Clone, Default)]
pub struct DiffOptions {
    /// Only these tables (`public.projects` or `projects`); empty = all.
    pub tables: Vec<String>,
    /// Collect the keys of missing/changed/extra rows.
    pub collect_rows: bool,
    /// Called after each table is compared.
    pub progress: Option<ProgressFn>,
}

/// Samples of incompatible values and duplicate keys kept per table.
pub const SAMPLE_LIMIT: usize = 1000;

/// The pairing of one table across both sides.
pub(crate) struct TablePair<'a> {
    pub display: String,
    pub backup: Option<&'a TableSource>,
    pub backup_schema: Option<&'a Table>,
    pub live: Option<&'a Table>,
}

/// Diff every table (or the chosen ones) of `backup` against `live`.
pub async fn diff(live: &LiveDb, backup: &Backup, opts: &DiffOptions) -> Result<DiffReport> {
    let catalog = live.catalog().await?;
    let pairs = pair_tables(backup, &catalog);
    let pairs = filter_tables(pairs, &opts.tables)?;
    let mut tables = Vec::with_capacity(pairs.len());
    let mut counted: BTreeMap<TableName, u64> = BTreeMap::new();
    for pair in &pairs {
        let t = table::diff_pair(live, backup, &catalog, pair, opts.collect_rows).await?;
        if let (Some(src), Some(n)) = (pair.backup, t.backup_rows) {
            counted.insert(src.name.clone(), n);
        }
        if let Some(p) = &opts.progress {
            p(&t);
        }
        tables.push(t);
    }
    tables.sort_by(|a, b| a.status.cmp(&b.status).then_with(|| a.name.cmp(&b.name)));
    let mut warnings = backup.warnings.clone();
    // With --table only some tables were counted; the rest would look absent.
    if opts.tables.is_empty() {
        warnings.extend(backup.manifest_mismatches(&counted));
    }
    Ok(DiffReport {
        backup: summarize_backup(backup),
        live: LiveSummary {
            target: live.target(),
            dialect: live.dialect(),
        },
        tables,
        warnings,
    })
}

pub fn summarize_backup(backup: &Backup) -> BackupSummary {
    BackupSummary {
        path: backup.path.display().to_string(),
        format: backup.format,
        created_at: backup.created_at.clone(),
        tables: backup.tables.len(),
        has_schema: backup.schema.is_some(),
    }
}

/// Match backup tables to live tables (and to the backup's own schema);
/// live tables the backup does not mention come last.
pub(crate) fn pair_tables<'a>(backup: &'a Backup, live: &'a Catalog) -> Vec<TablePair<'a>> {
    let mut pairs = Vec::new();
    let mut matched: Vec<&TableName> = Vec::new();
    for src in &backup.tables {
        let live_table = live.resolve(&src.name);
        if let Some(t) = live_table {
            matched.push(&t.name);
        }
        let backup_schema = backup.schema.as_ref().and_then(|s| s.resolve(&src.name));
        let display = live_table
            .map(|t| t.name.to_string())
            .unwrap_or_else(|| src.name.to_string());
        pairs.push(TablePair {
            display,
            backup: Some(src),
            backup_schema,
            live: live_table,
        });
    }
    // Tables the backup's schema declares but whose data file is absent are
    // not reported as dropped: without rows there is nothing to say they held.
    for t in &live.tables {
        if !matched.contains(&&t.name) {
            pairs.push(TablePair {
                display: t.name.to_string(),
                backup: None,
                backup_schema: None,
                live: Some(t),
            });
        }
    }
    pairs
}

pub(crate) fn filter_tables<'a>(
    pairs: Vec<TablePair<'a>>,
    wanted: &[String],
) -> Result<Vec<TablePair<'a>>> {
    if wanted.is_empty() {
        return Ok(pairs);
    }
    let matches = |p: &TablePair, w: &str| {
        p.display == w
            || p.live.is_some_and(|t| t.name.name == w)
            || p.backup
                .is_some_and(|b| b.name.name == w || b.name.to_string() == w)
    };
    let unknown: Vec<&String> = wanted
        .iter()
        .filter(|w| !pairs.iter().any(|p| matches(p, w)))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(Error::Usage(format!(
            "no table named {} in the backup or the live database",
            names.join(", ")
        )));
    }
    Ok(pairs
        .into_iter()
        .filter(|p| wanted.iter().any(|w| matches(p, w)))
        .collect())
}
