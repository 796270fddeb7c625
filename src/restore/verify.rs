//! After COMMIT: read the restored rows back (a fresh read-only
//! transaction) and compare them, by meaning, with what was written.

use super::script::{Expected, ExpectedRow};
use super::selection::Selection;
use crate::catalog::{Catalog, Table};
use crate::error::Result;
use crate::live::LiveDb;
use crate::report::visible;
use crate::value::{canonical_or_raw, classify, TypeClass};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Rows read back and compared.
    pub rows_checked: usize,
    /// Rows missing or holding other values, described.
    pub mismatches: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Mismatches listed per run at most.
const MISMATCHES_SHOWN: usize = 50;

pub async fn verify(
    live: &LiveDb,
    catalog: &Catalog,
    sel: &Selection,
    expected: &[Expected],
) -> Result<Verification> {
    // Tables are read concurrently (the pool holds three connections): the
    // server streams one while lifeboat compares another.
    let reads = expected.iter().map(|exp| async move {
        match catalog.table(&sel.universe[exp.table].table) {
            Some(table) => compare_table(live, catalog, table, exp).await,
            None => Ok(exp
                .rows
                .iter()
                .map(|r| (r, "is not there (the table is gone)".to_owned()))
                .collect()),
        }
    });
    let found = futures_util::future::try_join_all(reads).await?;
    let problems: Vec<(usize, Vec<(&ExpectedRow, String)>)> =
        expected.iter().map(|e| e.table).zip(found).collect();
    let mut out = Verification {
        rows_checked: expected.iter().map(|e| e.rows.len()).sum(),
        mismatches: Vec::new(),
    };
    let total: usize = problems.iter().map(|(_, p)| p.len()).sum();
    for (t, rows) in problems {
        let data = &sel.universe[t];
        for (row, problem) in rows {
            if out.mismatches.len() >= MISMATCHES_SHOWN {
                break;
            }
            out.mismatches.push(format!(
                "{} ({}) from {} {problem}",
                visible(&data.table.to_string()),
                visible(&row.key.join(", ")),
                visible(&data.origin(row.row.1))
            ));
        }
    }
    if total > out.mismatches.len() {
        out.mismatches
            .push(format!("... and {} more", total - out.mismatches.len()));
    }
    Ok(out)
}

/// Stream `table` once, comparing each expected row as it passes (nothing
/// is kept but the problems): missing rows and differing columns.
async fn compare_table<'e>(
    live: &LiveDb,
    catalog: &Catalog,
    table: &Table,
    exp: &'e Expected,
) -> Result<Vec<(&'e ExpectedRow, String)>> {
    if exp.key_columns.is_empty() {
        return compare_whole_rows(live, catalog, table, exp).await;
    }
    let key_idx: Vec<usize> = exp
        .key_columns
        .iter()
        .filter_map(|k| table.column_index(k))
        .collect();
    let classes: Vec<TypeClass> = table
        .columns
        .iter()
        .map(|c| classify(&c.data_type, catalog.dialect, &catalog.enums))
        .collect();
    let mut pending: HashMap<&[String], &ExpectedRow> =
        exp.rows.iter().map(|r| (r.key.as_slice(), r)).collect();
    let mut problems = Vec::new();
    let all: Vec<usize> = (0..table.columns.len()).collect();
    let mut key = Vec::with_capacity(key_idx.len());
    let keys: Vec<Vec<String>> = exp.rows.iter().map(|r| r.key.clone()).collect();
    live.stream_rows_for_keys(table, &all, &key_idx, &keys, |cells| {
        key.clear();
        for &i in &key_idx {
            match canonical_or_raw(&cells[i], &classes[i]) {
                Some(v) => key.push(v),
                None => return Ok(()),
            }
        }
        if let Some(row) = pending.remove(key.as_slice()) {
            let differing: Vec<&str> = row
                .values
                .iter()
                .filter(|(i, want)| canonical_or_raw(&cells[*i], &classes[*i]) != *want)
                .map(|(i, _)| table.columns[*i].name.as_str())
                .collect();
            if !differing.is_empty() {
                problems.push((
                    row,
                    format!("holds other values in {}", differing.join(", ")),
                ));
            }
        }
        Ok(())
    })
    .await?;
    let mut missing: Vec<&ExpectedRow> = pending.into_values().collect();
    missing.sort_by_key(|r| r.row);
    problems.extend(missing.into_iter().map(|r| (r, "is not there".to_owned())));
    Ok(problems)
}

/// A table without a key (only planned when the repair created it, so it
/// holds nothing but what was written): every expected row must match one
/// live row on all the columns it wrote, each live row used once.
async fn compare_whole_rows<'e>(
    live: &LiveDb,
    catalog: &Catalog,
    table: &Table,
    exp: &'e Expected,
) -> Result<Vec<(&'e ExpectedRow, String)>> {
    let classes: Vec<TypeClass> = table
        .columns
        .iter()
        .map(|c| classify(&c.data_type, catalog.dialect, &catalog.enums))
        .collect();
    // Rows grouped by the columns they wrote, then by those values.
    type Pending<'e> = HashMap<Vec<Option<String>>, Vec<&'e ExpectedRow>>;
    let mut shapes: Vec<(Vec<usize>, Pending<'e>)> = Vec::new();
    for row in &exp.rows {
        let cols: Vec<usize> = row.values.iter().map(|(i, _)| *i).collect();
        let values: Vec<Option<String>> = row.values.iter().map(|(_, v)| v.clone()).collect();
        let at = match shapes.iter().position(|(c, _)| *c == cols) {
            Some(at) => at,
            None => {
                shapes.push((cols, HashMap::new()));
                shapes.len() - 1
            }
        };
        shapes[at].1.entry(values).or_default().push(row);
    }
    let all: Vec<usize> = (0..table.columns.len()).collect();
    live.stream_rows(table, &all, |cells| {
        for (cols, pending) in shapes.iter_mut() {
            let values: Vec<Option<String>> = cols
                .iter()
                .map(|&i| canonical_or_raw(&cells[i], &classes[i]))
                .collect();
            if let Some(rows) = pending.get_mut(&values) {
                if rows.pop().is_some() {
                    break;
                }
            }
        }
        Ok(())
    })
    .await?;
    let mut missing: Vec<&ExpectedRow> = shapes
        .into_iter()
        .flat_map(|(_, pending)| pending.into_values().flatten())
        .collect();
    missing.sort_by_key(|r| r.row);
    Ok(missing
        .into_iter()
        .map(|r| (r, "is not there".to_owned()))
        .collect())
}
