//! What a restore would do to each row of the closure, decided against
//! live: insert it, skip it (already there, identical), or handle a conflict;
//! and the pre-flight check of every value against its live column. Pure.

use super::closure::{Closure, RowRef, TableRows};
use crate::catalog::{Catalog, Table};
use crate::value::{canonicalize, classify, Cell, TypeClass};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// `--on-conflict`: what to do with a row that exists live with other values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OnConflict {
    /// Leave the live row as it is (listed in the plan).
    #[default]
    Skip,
    /// UPDATE only the differing columns, by key.
    Update,
    /// Refuse the plan.
    Fail,
}

/// The decision for one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RowAction {
    Insert,
    /// Present live with the same values.
    AlreadyThere,
    /// Present live with other values in `columns`; left alone.
    ConflictSkipped {
        columns: Vec<String>,
    },
    /// Present live with other values; these columns will be updated.
    Update {
        columns: Vec<String>,
    },
    /// Present live with other values and `--on-conflict fail`.
    ConflictFail {
        columns: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedRow {
    #[serde(skip)]
    pub row: RowRef,
    pub table: String,
    /// Key columns and their canonical values.
    pub key: Vec<(String, String)>,
    #[serde(flatten)]
    pub action: RowAction,
}

/// A value that cannot be written to its live column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreflightFailure {
    #[serde(skip)]
    pub row: RowRef,
    pub table: String,
    pub key: Vec<(String, String)>,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Classified {
    pub rows: Vec<PlannedRow>,
    pub failures: Vec<PreflightFailure>,
    pub warnings: Vec<String>,
    /// Closure rows that cannot be planned at all (table not live, no key).
    pub errors: Vec<String>,
}

/// Live rows of one table by canonical key: canonical value per live column.
pub type LiveRows = HashMap<Vec<String>, Vec<Option<String>>>;

/// What the classifier needs to know about one table of the universe.
pub struct TableContext<'a> {
    pub live: Option<&'a Table>,
    /// The key columns rows are matched on (live primary key, else the backup's).
    pub key: Vec<String>,
    pub live_rows: &'a LiveRows,
    /// Columns a schema repair adds: not there to compare yet (their
    /// values come back with `--restore-columns`).
    pub added: &'a [String],
    /// The schema repair creates this table: every row is missing, so a
    /// table without a key can still be planned (all rows inserted).
    pub created: bool,
}

/// Decide every closure row and check its values.
pub fn classify_rows(
    universe: &[TableRows],
    closure: &Closure,
    contexts: &[TableContext<'_>],
    catalog: &Catalog,
    on_conflict: OnConflict,
) -> Classified {
    let mut out = Classified::default();
    for (&t, rows) in &closure.rows {
        let data = &universe[t];
        let ctx = &contexts[t];
        let Some(live) = ctx.live else {
            out.errors.push(format!(
                "table {} does not exist live: {} row(s) of the closure cannot be restored into it; add --repair-schema={} to recreate it from the backup's schema in the same transaction",
                crate::report::visible(&data.table.to_string()),
                rows.len(),
                crate::report::visible(&data.table.to_string())
            ));
            continue;
        };
        if ctx.key.is_empty() && !ctx.created {
            out.errors.push(format!(
                "table {} has no primary key live or in the backup's schema: lifeboat cannot tell which rows are already there",
                data.table
            ));
            continue;
        }
        let classes: Vec<TypeClass> = live
            .columns
            .iter()
            .map(|c| classify(&c.data_type, catalog.dialect, &catalog.enums))
            .collect();
        // Backup field index of each live column.
        let field: Vec<Option<usize>> = live
            .columns
            .iter()
            .map(|c| data.columns.iter().position(|f| *f == c.name))
            .collect();
        dropped_column_warnings(data, live, rows.iter().copied(), &mut out.warnings);
        for &r in rows {
            let row = &data.rows[r];
            let cell = |i: usize| field[i].and_then(|f| row.get(f)).and_then(|c| c.as_ref());
            let key_parts: Option<Vec<(String, String)>> = ctx
                .key
                .iter()
                .map(|k| {
                    let i = live.column_index(k)?;
                    let v = canonicalize(cell(i)?, &classes[i]).ok()??;
                    Some((k.clone(), v.into_owned()))
                })
                .collect();
            let Some(key) = key_parts else {
                let shown = ctx
                    .key
                    .iter()
                    .map(|k| {
                        let v = data
                            .columns
                            .iter()
                            .position(|f| f == k)
                            .and_then(|f| row.get(f).cloned().flatten())
                            .map(|c| crate::value::display_value(&c))
                            .unwrap_or_else(|| "(absent)".into());
                        format!("{k}={v}")
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                out.failures.push(PreflightFailure {
                    row: (t, r),
                    table: data.table.to_string(),
                    key: Vec::new(),
                    column: ctx.key.join(","),
                    value: shown,
                    reason: "the key is missing, NULL or not a valid value of the live key column"
                        .into(),
                });
                continue;
            };
            let key_values: Vec<String> = key.iter().map(|(_, v)| v.clone()).collect();
            let action = match ctx.live_rows.get(&key_values) {
                None => RowAction::Insert,
                Some(live_values) => {
                    let differing: Vec<String> = live
                        .columns
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| !ctx.added.contains(&c.name))
                        .filter(|(i, _)| {
                            cell(*i).is_some_and(|c| {
                                let backup = canonicalize(c, &classes[*i]).ok().flatten();
                                backup.as_deref() != live_values[*i].as_deref()
                            })
                        })
                        .map(|(_, c)| c.name.clone())
                        .collect();
                    if differing.is_empty() {
                        RowAction::AlreadyThere
                    } else {
                        match on_conflict {
                            OnConflict::Skip => RowAction::ConflictSkipped { columns: differing },
                            OnConflict::Update => RowAction::Update { columns: differing },
                            OnConflict::Fail => RowAction::ConflictFail { columns: differing },
                        }
                    }
                }
            };
            let writes = matches!(action, RowAction::Insert | RowAction::Update { .. });
            if writes {
                preflight_row(
                    data,
                    live,
                    &classes,
                    &cell,
                    (t, r),
                    &key,
                    &action,
                    &mut out.failures,
                );
            }
            out.rows.push(PlannedRow {
                row: (t, r),
                table: data.table.to_string(),
                key,
                action,
            });
        }
    }
    out
}

/// Check the values a row writes against their live columns.
#[allow(clippy::too_many_arguments)]
fn preflight_row<'c>(
    data: &TableRows,
    live: &Table,
    classes: &[TypeClass],
    cell: &dyn Fn(usize) -> Option<&'c Cell>,
    row: RowRef,
    key: &[(String, String)],
    action: &RowAction,
    failures: &mut Vec<PreflightFailure>,
) {
    let only: Option<&Vec<String>> = match action {
        RowAction::Update { columns } => Some(columns),
        _ => None,
    };
    for (i, col) in live.columns.iter().enumerate() {
        if col.generated.is_some() || only.is_some_and(|cols| !cols.contains(&col.name)) {
            continue;
        }
        let fail = |value: String, reason: String| PreflightFailure {
            row,
            table: data.table.to_string(),
            key: key.to_vec(),
            column: col.name.clone(),
            value,
            reason,
        };
        match cell(i) {
            None => {
                let has_default = col.default.is_some() || col.identity.is_some();
                if !col.nullable && !has_default && only.is_none() {
                    failures.push(fail(
                        "(absent)".into(),
                        "NOT NULL without a default, and the backup has no value for it".into(),
                    ));
                }
            }
            Some(c) => match canonicalize(c, &classes[i]) {
                Ok(None) if !col.nullable => {
                    failures.push(fail("NULL".into(), "NULL in a NOT NULL column".into()));
                }
                Ok(_) => {}
                Err(why) => failures.push(fail(crate::value::display_value(c), why.reason)),
            },
        }
    }
}

/// One warning per backup column that live no longer has, naming how many
/// of the rows to restore carry a value in it.
fn dropped_column_warnings(
    data: &TableRows,
    live: &Table,
    rows: impl Iterator<Item = usize> + Clone,
    warnings: &mut Vec<String>,
) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (f, name) in data.columns.iter().enumerate() {
        if live.column(name).is_some() {
            continue;
        }
        let n = rows
            .clone()
            .filter(|&r| matches!(data.rows[r].get(f), Some(Some(c)) if *c != Cell::Null))
            .count();
        counts.insert(name, n);
    }
    for (name, n) in counts {
        let table = crate::report::visible(&data.table.to_string()).into_owned();
        let hint = if n > 0 {
            format!(" (--repair-schema={table} adds the column back)")
        } else {
            String::new()
        };
        warnings.push(format!(
            "{table}: column {name} no longer exists live; its values ({n} non-null in the rows to restore) are dropped from the INSERT{hint}"
        ));
    }
}

/// `--restore-columns`: every backup row of table `t` whose key exists live
/// gets an UPDATE of `columns` where the values differ (always for columns
/// the repair adds: they hold the column default until then). Rows the
/// closure already plans are merged: an identical or skipped conflicting
/// row becomes an update, an update gains the columns. Returns the number
/// of live rows already holding the backup's values.
pub fn plan_column_restore(
    t: usize,
    data: &TableRows,
    ctx: &TableContext<'_>,
    columns: &[String],
    catalog: &Catalog,
    out: &mut Classified,
) -> usize {
    let Some(live) = ctx.live else {
        return 0;
    };
    let classes: Vec<TypeClass> = live
        .columns
        .iter()
        .map(|c| classify(&c.data_type, catalog.dialect, &catalog.enums))
        .collect();
    let field: Vec<Option<usize>> = live
        .columns
        .iter()
        .map(|c| data.columns.iter().position(|f| *f == c.name))
        .collect();
    let key_idx: Option<Vec<usize>> = ctx.key.iter().map(|k| live.column_index(k)).collect();
    let Some(key_idx) = key_idx else {
        return 0;
    };
    let planned: HashMap<RowRef, usize> = out
        .rows
        .iter()
        .enumerate()
        .map(|(i, p)| (p.row, i))
        .collect();
    let mut equal = 0;
    for (r, row) in data.rows.iter().enumerate() {
        let cell = |i: usize| field[i].and_then(|f| row.get(f)).and_then(|c| c.as_ref());
        let key: Option<Vec<(String, String)>> = key_idx
            .iter()
            .map(|&i| {
                let v = canonicalize(cell(i)?, &classes[i]).ok()??;
                Some((live.columns[i].name.clone(), v.into_owned()))
            })
            .collect();
        let Some(key) = key else {
            continue;
        };
        let key_values: Vec<String> = key.iter().map(|(_, v)| v.clone()).collect();
        let Some(live_values) = ctx.live_rows.get(&key_values) else {
            continue;
        };
        let differing: Vec<String> = columns
            .iter()
            .filter(|c| {
                let Some(i) = live.column_index(c) else {
                    return false;
                };
                if ctx.added.contains(c) {
                    return true;
                }
                let backup = cell(i).and_then(|v| canonicalize(v, &classes[i]).ok().flatten());
                backup.as_deref() != live_values.get(i).and_then(|v| v.as_deref())
            })
            .cloned()
            .collect();
        if differing.is_empty() {
            equal += 1;
            continue;
        }
        let action = match planned.get(&(t, r)).map(|&i| &out.rows[i].action) {
            Some(RowAction::Insert | RowAction::ConflictFail { .. }) => continue,
            Some(RowAction::Update { columns: had }) => {
                let mut all = had.clone();
                all.extend(differing.into_iter().filter(|c| !had.contains(c)));
                RowAction::Update { columns: all }
            }
            _ => RowAction::Update { columns: differing },
        };
        preflight_row(
            data,
            live,
            &classes,
            &cell,
            (t, r),
            &key,
            &action,
            &mut out.failures,
        );
        let planned_row = PlannedRow {
            row: (t, r),
            table: data.table.to_string(),
            key,
            action,
        };
        match planned.get(&(t, r)) {
            Some(&i) => out.rows[i] = planned_row,
            None => out.rows.push(planned_row),
        }
    }
    equal
}
