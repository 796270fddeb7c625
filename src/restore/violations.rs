//! How many live rows violate each constraint a repair recreates, now and
//! once the planned rows are in: read-only counts (with the statement
//! timeout), so the plan can validate what will pass and leave the rest
//! NOT VALID instead of failing the whole transaction at VALIDATE.

use super::plan::RowAction;
use super::selection::Selection;
use crate::catalog::{Catalog, TableName};
use crate::error::Result;
use crate::live::{violation_query, LiveDb, ViolationQuery};
use crate::repair::plan::ConstraintRepair;
use std::collections::HashSet;

/// Missing parent keys looked at per foreign key; beyond it the count after
/// the restore is not predicted.
const KEYS_LIMIT: usize = 100_000;

pub(super) async fn count(
    live: &LiveDb,
    live_catalog: &Catalog,
    sel: &Selection,
    constraints: &mut [ConstraintRepair],
) {
    for c in constraints.iter_mut() {
        if c.on_created_table {
            // Every row of a created table comes from the plan, with the
            // parents the closure brought along.
            c.violations_before = Some(0);
            c.violations_after = Some(0);
            continue;
        }
        if c.missing
            .referenced_table
            .as_ref()
            .is_some_and(|p| live_catalog.table(p).is_none())
        {
            // The referenced table is created by the plan: nothing to join yet.
            continue;
        }
        match counted(live, live_catalog, sel, c).await {
            Ok((before, after)) => {
                c.violations_before = Some(before);
                c.violations_after = after;
            }
            Err(e) => c.reason = Some(format!("violations not counted: {e}")),
        }
    }
}

/// Violating rows now, and (for foreign keys, or when nothing is inserted
/// into the table) once the planned rows are in.
async fn counted(
    live: &LiveDb,
    live_catalog: &Catalog,
    sel: &Selection,
    c: &ConstraintRepair,
) -> Result<(u64, Option<u64>)> {
    let query =
        violation_query(live_catalog, &c.table, &c.missing).map_err(crate::error::Error::Other)?;
    let ViolationQuery::Orphans(q) = &query else {
        let before = live
            .violations(live_catalog, &c.table, &c.missing)
            .await?
            .count;
        // The planned rows passed pre-flight against the backup's own
        // constraint only if the backup held it; predict nothing more.
        let touches =
            sel.classified.rows.iter().any(|p| {
                sel.universe[p.row.0].table == c.table && p.action != RowAction::AlreadyThere
            });
        return Ok((before, (!touches).then_some(before)));
    };
    let groups = live.missing_parent_keys(q, KEYS_LIMIT).await?;
    if groups.len() >= KEYS_LIMIT {
        let total = live.orphans(q).await?.count;
        return Ok((total, None));
    }
    let fold = q.columns.iter().any(|j| j.fold_case);
    let norm = |k: &[String]| -> Vec<String> {
        k.iter()
            .map(|v| if fold { v.to_lowercase() } else { v.clone() })
            .collect()
    };
    let parent = c.missing.referenced_table.as_ref().unwrap_or(&q.parent);
    let inserted: HashSet<Vec<String>> = inserted_keys(sel, parent, &c.missing.referenced_columns)
        .iter()
        .map(|k| norm(k))
        .collect();
    let before: u64 = groups.iter().map(|g| g.rows).sum();
    let fixed: u64 = groups
        .iter()
        .filter(|g| inserted.contains(&norm(&g.key)))
        .map(|g| g.rows)
        .sum();
    Ok((before, Some(before - fixed)))
}

/// Canonical `columns` values of the rows the plan inserts into `table`.
fn inserted_keys(sel: &Selection, table: &TableName, columns: &[String]) -> Vec<Vec<String>> {
    let Some(t) = sel.universe.iter().position(|u| &u.table == table) else {
        return Vec::new();
    };
    sel.classified
        .rows
        .iter()
        .filter(|p| p.row.0 == t && p.action == RowAction::Insert)
        .filter_map(|p| sel.universe[t].key_values(p.row.1, columns))
        .collect()
}
