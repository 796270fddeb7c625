//! `lifeboat check`: the read-only health view of a live database, the
//! scripts operators wrote by hand after incidents 4 and 5 — tables with row
//! counts and sizes, tables without a primary key, orphan rows per relation
//! (live FKs, FKs only the backup's schema still has, inferred ones),
//! sequences behind their column, types that drifted from the backup's,
//! tables the backup has and live lacks. Queries live in `crate::live`; the
//! judgement in [`analyze`] is pure.

pub mod analyze;
pub mod constraints;

pub use constraints::{ConstraintHealth, ConstraintTotals};

use crate::backup::Backup;
use crate::catalog::{Catalog, TableName};
use crate::error::Result;
use crate::live::LiveDb;
use crate::restore::relations::{collect_relations, Relation, RelationOrigin};
use serde::Serialize;
use std::collections::HashMap;

/// What `check` reads.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// No orphan scans, no exact counts (planner estimates instead), no
    /// `max()` of columns without an index: gentle on a loaded server.
    pub fast: bool,
    /// Leave out relations inferred from column names.
    pub no_inferred: bool,
}

/// What `--fast` leaves out, as the report says it.
pub const SKIPPED_FAST: &str = "skipped: --fast";

#[derive(Clone, Debug, Serialize)]
pub struct HealthReport {
    /// The live database, password redacted.
    pub database: String,
    pub backup: Option<String>,
    pub fast: bool,
    pub tables: Vec<TableHealth>,
    pub tables_without_primary_key: Vec<String>,
    pub relations: Vec<RelationHealth>,
    pub sequences: Vec<SequenceHealth>,
    pub type_differences: Vec<TypeDifference>,
    /// Columns the backup's tables have that live's lack.
    pub missing_columns: Vec<MissingColumn>,
    /// Tables the backup has that live lacks.
    pub missing_tables: Vec<String>,
    /// Constraints the backup's schema declares that live lacks, with the
    /// live rows that would violate each.
    pub missing_constraints: Vec<ConstraintHealth>,
    /// Constraints per kind on both sides; None without a backup schema.
    pub constraint_counts: Option<ConstraintTotals>,
    /// Checks not made, and why (`orphan scans: skipped: --fast`).
    pub skipped: Vec<String>,
    /// Backup tables whose columns could not be read (relations through them
    /// are not inferred); table sizes that could not be read.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableHealth {
    pub table: String,
    /// Exact `count(*)`, or the planner's estimate with `--fast` (None: never analysed).
    pub rows: Option<u64>,
    pub rows_estimated: bool,
    /// PostgreSQL: total size with indexes and TOAST.
    pub size_bytes: Option<u64>,
    pub primary_key: bool,
    /// Counting failed (a statement timeout behind a lock): the count is unknown.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RelationHealth {
    pub name: Option<String>,
    pub child: String,
    pub child_columns: Vec<String>,
    pub parent: String,
    pub parent_columns: Vec<String>,
    pub origin: RelationOrigin,
    /// Child rows with the key set and no parent row; None when not scanned.
    pub orphans: Option<u64>,
    /// Up to five orphan child keys (the referencing columns), smallest first.
    pub samples: Vec<Vec<String>>,
    /// The child's primary key columns and, per sample, that row's key:
    /// where to find the orphan rows themselves.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_columns: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sample_keys: Vec<Vec<String>>,
    /// Why it was not scanned (`skipped: --fast`, a table missing live).
    pub skipped: Option<String>,
    /// The scan failed (a timeout on a huge table): the figure is unknown.
    pub error: Option<String>,
    /// `users.organization_id → organizations.id`, for people.
    pub arrow: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SequenceHealth {
    pub table: String,
    pub column: String,
    /// What the next insert would get.
    pub next_value: i64,
    pub max_value: Option<i64>,
    /// The next value is already taken: inserts will fail with duplicate keys.
    pub behind: bool,
    /// Reading the column's max failed: whether it is behind is unknown.
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingColumn {
    pub table: String,
    pub column: String,
    pub backup_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TypeDifference {
    pub table: String,
    pub column: String,
    pub live_type: String,
    pub backup_type: String,
}

impl RelationHealth {
    /// The sample orphans as an operator looks for them: `id=17 → O4` (the
    /// row's key, then the reference that dangles), or the references alone
    /// when the child has no primary key.
    pub fn sample_line(&self) -> Option<String> {
        if self.samples.is_empty() {
            return None;
        }
        let shown: Vec<String> = self
            .samples
            .iter()
            .enumerate()
            .map(|(i, refs)| {
                let refs = refs.join(", ");
                match self.sample_keys.get(i) {
                    Some(key) => {
                        let key: Vec<String> = self
                            .key_columns
                            .iter()
                            .zip(key)
                            .map(|(c, v)| format!("{c}={v}"))
                            .collect();
                        format!("{} → {refs}", key.join(","))
                    }
                    None => refs,
                }
            })
            .collect();
        Some(format!(
            "e.g. {}",
            crate::report::visible(&shown.join("; "))
        ))
    }
}

impl HealthReport {
    /// Anything an operator must look at: orphans, tables without a key,
    /// sequences behind, drifted types, missing tables; and any figure that
    /// could not be read, since then health cannot be vouched for.
    pub fn has_problems(&self) -> bool {
        self.relations
            .iter()
            .any(|r| r.orphans.unwrap_or(0) > 0 || r.error.is_some())
            || self.tables.iter().any(|t| t.error.is_some())
            || self.sequences.iter().any(|s| s.error.is_some())
            || !self.tables_without_primary_key.is_empty()
            || self.sequences.iter().any(|s| s.behind)
            || !self.type_differences.is_empty()
            || !self.missing_columns.is_empty()
            || !self.missing_tables.is_empty()
            || !self.missing_constraints.is_empty()
    }

    /// Relations with at least one orphan row.
    pub fn orphaned(&self) -> impl Iterator<Item = &RelationHealth> {
        self.relations.iter().filter(|r| r.orphans.unwrap_or(0) > 0)
    }
}

/// Examine `live` (and what `backup` says it should look like). Reads only,
/// one statement per figure, each in a read-only transaction with the
/// statement timeout. A scan that fails is reported on its relation; the
/// check goes on.
pub async fn check(
    live: &LiveDb,
    backup: Option<&Backup>,
    opts: &CheckOptions,
) -> Result<HealthReport> {
    let catalog = live.catalog().await?;
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();

    let tables = table_health(live, &catalog, opts.fast, &mut warnings).await?;
    if opts.fast {
        skipped.push(format!(
            "exact row counts: {SKIPPED_FAST} (planner estimates shown)"
        ));
        skipped.push(format!("orphan scans: {SKIPPED_FAST}"));
    }

    let backup_schema = backup.and_then(|b| b.schema.as_ref());
    let backup_columns = match backup {
        Some(b) => backup_data_columns(b, &mut warnings),
        None => Vec::new(),
    };
    let relations = collect_relations(&catalog, backup_schema, &backup_columns, !opts.no_inferred);
    let mut relation_health = Vec::with_capacity(relations.len());
    for rel in &relations {
        relation_health.push(relation_health_of(live, &catalog, rel, opts.fast).await);
    }

    let sequences = sequence_health(live, &catalog, opts.fast, &mut skipped).await?;

    let backup_data: Vec<TableName> = backup
        .map(|b| b.tables.iter().map(|t| t.name.clone()).collect())
        .unwrap_or_default();
    let missing = analyze::missing_tables(&catalog, backup_schema, &backup_data);
    let type_differences = backup_schema
        .map(|s| analyze::type_differences(&catalog, s))
        .unwrap_or_default();
    let missing_columns = backup_schema
        .map(|s| analyze::missing_columns(&catalog, s))
        .unwrap_or_default();
    let missing_constraints = match backup_schema {
        Some(s) => {
            constraints::constraint_health(live, &catalog, s, &relation_health, opts.fast).await
        }
        None => Vec::new(),
    };
    if opts.fast && !missing_constraints.is_empty() {
        skipped.push(format!("violations of missing constraints: {SKIPPED_FAST}"));
    }
    let constraint_counts = backup_schema.map(|s| ConstraintTotals::new(&catalog, s));
    if backup.is_none() {
        skipped.push("types and missing tables: no --backup to compare with".into());
    } else if backup_schema.is_none() {
        skipped.push("column types and constraints: the backup has no schema".into());
    }

    Ok(HealthReport {
        database: live.target(),
        backup: backup.map(|b| b.path.display().to_string()),
        fast: opts.fast,
        tables,
        tables_without_primary_key: names(analyze::without_primary_key(&catalog)),
        relations: relation_health,
        sequences,
        type_differences,
        missing_columns,
        missing_tables: names(missing),
        missing_constraints,
        constraint_counts,
        skipped,
        warnings,
    })
}

fn names(tables: Vec<TableName>) -> Vec<String> {
    tables.iter().map(TableName::to_string).collect()
}

/// Counts and sizes. One table that cannot be counted (a lock held by a
/// migration outlasting the statement timeout) is reported on its row; the
/// others are still counted.
async fn table_health(
    live: &LiveDb,
    catalog: &Catalog,
    fast: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<TableHealth>> {
    let sizes: HashMap<TableName, u64> = match live.table_sizes().await {
        Ok(sizes) => sizes.into_iter().collect(),
        Err(e) => {
            warnings.push(format!("table sizes not read: {e}"));
            HashMap::new()
        }
    };
    let mut out = Vec::with_capacity(catalog.tables.len());
    for table in &catalog.tables {
        let rows = if fast {
            live.estimate_rows(&table.name).await
        } else {
            live.count_rows(&table.name).await.map(Some)
        };
        let (rows, error) = match rows {
            Ok(rows) => (rows, None),
            Err(e) => (None, Some(e.to_string())),
        };
        out.push(TableHealth {
            table: table.name.to_string(),
            rows,
            rows_estimated: fast,
            size_bytes: sizes.get(&table.name).copied(),
            primary_key: table.primary_key.is_some(),
            error,
        });
    }
    Ok(out)
}

async fn relation_health_of(
    live: &LiveDb,
    catalog: &Catalog,
    rel: &Relation,
    fast: bool,
) -> RelationHealth {
    let mut health = RelationHealth {
        name: rel.name.clone(),
        child: rel.child.to_string(),
        child_columns: rel.child_columns.clone(),
        parent: rel.parent.to_string(),
        parent_columns: rel.parent_columns.clone(),
        origin: rel.origin,
        orphans: None,
        samples: Vec::new(),
        key_columns: Vec::new(),
        sample_keys: Vec::new(),
        skipped: None,
        error: None,
        arrow: rel.arrow(),
    };
    match analyze::orphan_query(rel, catalog) {
        Err(why) => health.skipped = Some(why),
        Ok(_) if fast => health.skipped = Some(SKIPPED_FAST.into()),
        Ok(query) => match live.orphans(&query).await {
            Ok(found) => {
                health.orphans = Some(found.count);
                health.samples = found.samples;
                if !found.sample_keys.is_empty() {
                    health.key_columns = query.child_key.clone();
                    health.sample_keys = found.sample_keys;
                }
            }
            Err(e) => health.error = Some(e.to_string()),
        },
    }
    health
}

/// Serial/identity columns with their sequence's next value and the column's
/// max. With `--fast` only single-column primary keys are read (their max
/// comes from the index).
async fn sequence_health(
    live: &LiveDb,
    catalog: &Catalog,
    fast: bool,
    skipped: &mut Vec<String>,
) -> Result<Vec<SequenceHealth>> {
    let mut out = Vec::new();
    let mut unindexed = 0;
    for seq in live.serial_sequences().await? {
        let is_key = catalog
            .table(&seq.table)
            .and_then(|t| t.primary_key.as_ref())
            .is_some_and(|k| k.columns == [seq.column.clone()]);
        if fast && !is_key {
            unindexed += 1;
            continue;
        }
        let (max_value, error) = match live.max_value(&seq.table, &seq.column).await {
            Ok(max) => (max, None),
            Err(e) => (None, Some(e.to_string())),
        };
        out.push(SequenceHealth {
            table: seq.table.to_string(),
            column: seq.column.clone(),
            next_value: seq.next_value,
            max_value,
            behind: analyze::sequence_behind(seq.next_value, seq.increment, max_value),
            error,
        });
    }
    if unindexed > 0 {
        skipped.push(format!(
            "{unindexed} sequence(s) on columns that are not the primary key: {SKIPPED_FAST}"
        ));
    }
    Ok(out)
}

/// Column names of the backup's data tables its schema does not describe
/// (a JSON folder without schema.sql), from the first row: enough to infer
/// relations through them without reading whole files.
fn backup_data_columns(
    backup: &Backup,
    warnings: &mut Vec<String>,
) -> Vec<(TableName, Vec<String>)> {
    let mut out = Vec::new();
    for table in &backup.tables {
        if backup
            .schema
            .as_ref()
            .is_some_and(|s| s.resolve(&table.name).is_some())
        {
            continue;
        }
        let mut reader = match backup.rows(table) {
            Ok(reader) => reader,
            Err(e) => {
                warnings.push(format!("backup table {}: {e}", table.name));
                continue;
            }
        };
        if let Some(Err(e)) = reader.next() {
            warnings.push(format!("backup table {}: {e}", table.name));
            continue;
        }
        out.push((table.name.clone(), reader.columns().to_vec()));
    }
    out
}
