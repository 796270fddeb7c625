//! After COMMIT: read the restored rows back (a fresh read-only
//! transaction) and compare them, by meaning, with what was written.

use super::load::read_live_rows;
use super::script::Expected;
use super::selection::Selection;
use crate::catalog::Catalog;
use crate::error::Result;
use crate::live::LiveDb;
use crate::report::visible;
use serde::Serialize;
use std::collections::HashSet;

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
    let mut out = Verification::default();
    let mut total_mismatches = 0usize;
    // Tables are read concurrently (the pool holds three connections): the
    // server streams one while lifeboat compares another.
    let reads = expected.iter().filter_map(|exp| {
        let table = catalog.table(&sel.universe[exp.table].table)?;
        let wanted: HashSet<Vec<String>> = exp.rows.iter().map(|r| r.key.clone()).collect();
        Some(async move {
            let found = read_live_rows(live, catalog, table, &exp.key_columns, &wanted).await?;
            Ok::<_, crate::error::Error>((exp, table, found))
        })
    });
    for (exp, table, found) in futures_util::future::try_join_all(reads).await? {
        let data = &sel.universe[exp.table];
        for row in &exp.rows {
            out.rows_checked += 1;
            let problem = match found.get(&row.key) {
                None => Some("is not there".to_owned()),
                Some(values) => {
                    let differing: Vec<&str> = row
                        .values
                        .iter()
                        .filter(|(i, want)| values.get(*i) != Some(want))
                        .map(|(i, _)| table.columns[*i].name.as_str())
                        .collect();
                    (!differing.is_empty())
                        .then(|| format!("holds other values in {}", differing.join(", ")))
                }
            };
            if let Some(problem) = problem {
                total_mismatches += 1;
                if out.mismatches.len() < MISMATCHES_SHOWN {
                    out.mismatches.push(format!(
                        "{} ({}) from {} {problem}",
                        visible(&data.table.to_string()),
                        visible(&row.key.join(", ")),
                        visible(&data.origin(row.row.1))
                    ));
                }
            }
        }
    }
    if total_mismatches > out.mismatches.len() {
        out.mismatches.push(format!(
            "... and {} more",
            total_mismatches - out.mismatches.len()
        ));
    }
    Ok(out)
}
