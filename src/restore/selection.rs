//! From `--pick` specs to a classified closure: load the backup, collect
//! relations, resolve the picks, walk the closure, check it against live.
//! The one async function here does the reads; the decisions are the pure
//! functions of `closure` and `plan`.

use super::closure::{
    closure, match_rows, Closure, ClosureOptions, LiveKeys, ResolvedPick, RowRef, TableRows,
};
use super::load::{load_backup_tables, read_live_keys, read_live_rows};
use super::pick::{parse_pick, PickSpec};
use super::plan::{
    classify_rows, plan_column_restore, Classified, LiveRows, OnConflict, TableContext,
};
use super::relations::{collect_relations, Relation};
use crate::backup::Backup;
use crate::catalog::{Catalog, TableName};
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crate::repair::plan::RepairPlan;
use std::collections::{BTreeSet, HashMap, HashSet};

#[derive(Clone, Debug, Default)]
pub struct SelectOptions {
    /// Leave out rows that reference the picked ones (`--no-dependents`).
    pub no_dependents: bool,
    /// Tables whose rows are not brought in as dependents
    /// (`--no-dependents-in`), named as the operator writes them:
    /// `projects` or `public.projects`. Rows that depend on them are then
    /// not reached either; required parents of these tables still come.
    pub exclude_dependents: BTreeSet<String>,
    /// Do not guess relations from column names (`--no-inferred`).
    pub no_inferred: bool,
    pub on_conflict: OnConflict,
    /// Drop rows that fail pre-flight, and the rows that depend on them.
    pub skip_invalid: bool,
    /// Schema repair and column restore (`--repair-schema`, `--restore-columns`).
    pub repair: crate::repair::plan::RepairOptions,
}

/// Everything a plan is made from.
pub struct Selection {
    pub universe: Vec<TableRows>,
    pub relations: Vec<Relation>,
    pub keys: Vec<Vec<String>>,
    pub picks: Vec<PickSpec>,
    pub closure: Closure,
    pub classified: Classified,
    /// Rows left out by `--skip-invalid` (failing, or depending on a failing row).
    pub skipped_invalid: Vec<RowRef>,
    /// Live rows of the closure's tables by key, as the plan saw them.
    pub live_rows: Vec<LiveRows>,
    /// Per universe table: what the schema repair creates or adds.
    pub changes: Vec<SchemaChange>,
    /// Per `--restore-columns` table (in order): live rows already equal.
    pub columns_equal: Vec<usize>,
}

/// Read what is needed and decide every row (no schema repair).
pub async fn select(
    live: &LiveDb,
    catalog: &Catalog,
    backup: &Backup,
    picks: &[PickSpec],
    opts: SelectOptions,
) -> Result<Selection> {
    let universe = load_backup_tables(backup, catalog)?;
    let input = SelectInput {
        live_catalog: catalog,
        catalog,
        universe,
        repair: &RepairPlan::default(),
    };
    select_with(live, input, backup, picks, opts).await
}

/// What [`select_with`] plans against.
pub struct SelectInput<'a> {
    /// Live as it is: what can be read.
    pub live_catalog: &'a Catalog,
    /// Live as it will be once the repair's DDL ran: what rows are planned against.
    pub catalog: &'a Catalog,
    /// The backup's tables, loaded.
    pub universe: Vec<TableRows>,
    pub repair: &'a RepairPlan,
}

/// What a schema repair changes about one universe table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaChange {
    /// The table is created by the plan (nothing of it can be read live).
    pub created: bool,
    /// Columns the plan adds.
    pub added: Vec<String>,
}

/// Read what is needed and decide every row, against live as a schema
/// repair will leave it.
pub async fn select_with(
    live: &LiveDb,
    input: SelectInput<'_>,
    backup: &Backup,
    picks: &[PickSpec],
    opts: SelectOptions,
) -> Result<Selection> {
    let started = std::time::Instant::now();
    let SelectInput {
        live_catalog,
        catalog,
        universe,
        repair,
    } = input;
    let changes: Vec<SchemaChange> = universe
        .iter()
        .map(|t| SchemaChange {
            created: repair.creates(&t.table),
            added: repair.added_columns(&t.table).map(str::to_owned).collect(),
        })
        .collect();
    let backup_columns: Vec<(TableName, Vec<String>)> = universe
        .iter()
        .map(|t| (t.table.clone(), t.columns.clone()))
        .collect();
    let relations = collect_relations(
        catalog,
        backup.schema.as_ref(),
        &backup_columns,
        !opts.no_inferred,
    );
    let keys: Vec<Vec<String>> = universe
        .iter()
        .map(|t| key_of(t, catalog, backup))
        .collect();

    // Live keys: every relation's parent, and every picked table's key.
    let mut wanted: Vec<(TableName, Vec<String>)> = relations
        .iter()
        .map(|r| (r.parent.clone(), r.parent_columns.clone()))
        .collect();
    let pick_tables: Vec<usize> = picks
        .iter()
        .map(|p| find_table(&universe, &p.table_name()).ok_or_else(|| no_such_table(p)))
        .collect::<Result<_>>()?;
    for &t in &pick_tables {
        if !keys[t].is_empty() {
            wanted.push((universe[t].table.clone(), keys[t].clone()));
        }
    }
    let live_keys = read_live_keys(live, live_catalog, &wanted).await?;

    tracing::debug!(elapsed = ?started.elapsed(), "live keys read");
    // A table live lacks holds none of the backup's rows, key or no key.
    let absent_live: Vec<bool> = universe
        .iter()
        .map(|t| live_catalog.table(&t.table).is_none())
        .collect();
    let resolved = resolve_picks(
        &universe,
        &keys,
        &absent_live,
        picks,
        &pick_tables,
        &live_keys,
    )?;
    let walk = ClosureOptions {
        dependents: !opts.no_dependents,
        exclude_dependents: excluded_tables(&universe, &opts.exclude_dependents)?,
    };
    let mut closure = closure(&universe, &relations, &resolved, &live_keys, walk);
    tracing::debug!(elapsed = ?started.elapsed(), "closure walked");
    let left_out = leave_out_tables_not_live(&universe, catalog, &pick_tables, &mut closure);

    // Live rows of the closure's tables, by key.
    let mut live_rows: Vec<LiveRows> = vec![LiveRows::new(); universe.len()];
    let mut wanted_rows: HashMap<usize, HashSet<Vec<String>>> = HashMap::new();
    for (&t, rows) in &closure.rows {
        wanted_rows.entry(t).or_default().extend(
            rows.iter()
                .filter_map(|&r| universe[t].key_values(r, &keys[t])),
        );
    }
    // `--restore-columns` compares every backup row of its tables.
    for rc in &repair.restore_columns {
        let t = rc.table;
        wanted_rows.entry(t).or_default().extend(
            (0..universe[t].rows.len()).filter_map(|r| universe[t].key_values(r, &keys[t])),
        );
    }
    for (&t, wanted) in &wanted_rows {
        let Some(table) = live_catalog.table(&universe[t].table) else {
            continue;
        };
        if keys[t].is_empty() {
            continue;
        }
        let mut rows = read_live_rows(live, live_catalog, table, &keys[t], wanted).await?;
        // Added columns come last (ALTER TABLE ADD COLUMN appends); until
        // they exist, live holds nothing in them.
        for values in rows.values_mut() {
            values.resize(values.len() + changes[t].added.len(), None);
        }
        live_rows[t] = rows;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "closure and live rows");
    let ctx = contexts(&universe, &keys, catalog, &live_rows, &changes);
    let classify_all = |closure: &Closure| {
        let mut c = classify_rows(&universe, closure, &ctx, catalog, opts.on_conflict);
        let mut equal = Vec::new();
        for rc in &repair.restore_columns {
            let t = rc.table;
            if keys[t].is_empty() {
                c.errors.push(format!(
                    "--restore-columns {}: the table has no primary key live or in the backup's schema, so rows cannot be matched by key",
                    crate::report::visible(&universe[t].table.to_string())
                ));
                continue;
            }
            let same = plan_column_restore(t, &universe[t], &ctx[t], &rc.columns, catalog, &mut c);
            equal.push(same);
        }
        (c, equal)
    };
    let (mut classified, mut columns_equal) = classify_all(&closure);
    classified.warnings.extend(left_out.iter().cloned());
    let mut skipped_invalid = Vec::new();
    if opts.skip_invalid && !classified.failures.is_empty() {
        let failing: HashSet<RowRef> = classified.failures.iter().map(|f| f.row).collect();
        let removed = with_dependents(&universe, &relations, &closure, failing);
        for (&t, rows) in closure.rows.iter_mut() {
            rows.retain(|&r| !removed.contains(&(t, r)));
        }
        closure.rows.retain(|_, rows| !rows.is_empty());
        skipped_invalid = removed.into_iter().collect();
        skipped_invalid.sort_unstable();
        (classified, columns_equal) = classify_all(&closure);
        classified.warnings.extend(left_out);
    }
    drop(ctx);
    Ok(Selection {
        universe,
        relations,
        keys,
        picks: picks.to_vec(),
        closure,
        classified,
        skipped_invalid,
        live_rows,
        changes,
        columns_equal,
    })
}

/// Rows the closure reached in tables that no longer exist live (a dropped
/// table, incident 2) cannot be inserted; unless such a table was picked
/// directly, they are left out with a warning rather than blocking the
/// rows that can come back. Nothing live enforces a relation through a
/// table that is not there, so the rest still inserts cleanly.
fn leave_out_tables_not_live(
    universe: &[TableRows],
    catalog: &Catalog,
    picked: &[usize],
    closure: &mut Closure,
) -> Vec<String> {
    let gone: Vec<usize> = closure
        .rows
        .keys()
        .copied()
        .filter(|t| !picked.contains(t) && catalog.table(&universe[*t].table).is_none())
        .collect();
    gone.into_iter()
        .filter_map(|t| {
            let rows = closure.rows.remove(&t)?;
            Some(format!(
                "{}: table does not exist live; {} related row(s) of it are left out (add --repair-schema={} to recreate it in the same transaction and bring them back)",
                crate::report::visible(&universe[t].table.to_string()),
                rows.len(),
                crate::report::visible(&universe[t].table.to_string())
            ))
        })
        .collect()
}

fn contexts<'a>(
    universe: &[TableRows],
    keys: &[Vec<String>],
    catalog: &'a Catalog,
    live_rows: &'a [LiveRows],
    changes: &'a [SchemaChange],
) -> Vec<TableContext<'a>> {
    universe
        .iter()
        .enumerate()
        .map(|(t, data)| TableContext {
            live: catalog.table(&data.table),
            key: keys[t].clone(),
            live_rows: &live_rows[t],
            added: &changes[t].added,
            created: changes[t].created,
        })
        .collect()
}

/// The key rows are matched on: the live primary key, else the backup schema's.
fn key_of(t: &TableRows, catalog: &Catalog, backup: &Backup) -> Vec<String> {
    if let Some(pk) = catalog.table(&t.table).and_then(|l| l.primary_key.as_ref()) {
        return pk.columns.clone();
    }
    backup
        .schema
        .as_ref()
        .and_then(|s| s.resolve(&t.table))
        .and_then(|b| b.primary_key.as_ref())
        .map(|pk| pk.columns.clone())
        .unwrap_or_default()
}

fn find_table(universe: &[TableRows], name: &TableName) -> Option<usize> {
    let names: Vec<&TableName> = universe.iter().map(|t| &t.table).collect();
    find_table_name(&names, name)
}

/// The table a pick names among `tables`: the exact name, else the only
/// table with that bare name (in the pick's schema when it gives one).
/// `lifeboat find` looks picks up in every snapshot's tables with it.
pub(crate) fn find_table_name(tables: &[&TableName], name: &TableName) -> Option<usize> {
    if let Some(i) = tables.iter().position(|t| *t == name) {
        return Some(i);
    }
    // A bare name (JSON backups) matches a qualified one (dumps) either way;
    // when several schemas have it, `public` is meant, as in Catalog::resolve.
    let by_name: Vec<usize> = (0..tables.len())
        .filter(|&i| {
            let t = tables[i];
            t.name == name.name
                && (name.schema.is_none() || t.schema.is_none() || t.schema == name.schema)
        })
        .collect();
    if let [one] = by_name.as_slice() {
        return Some(*one);
    }
    let public: Vec<usize> = by_name
        .into_iter()
        .filter(|&i| tables[i].schema.as_deref() == Some("public"))
        .collect();
    match public.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// `--no-dependents-in` names as universe indices. A name that is not a
/// plain table name, or that the backup does not have, is an error: a typo
/// must not silently bring back what the operator meant to leave out.
fn excluded_tables(universe: &[TableRows], names: &BTreeSet<String>) -> Result<BTreeSet<usize>> {
    names
        .iter()
        .map(|name| {
            let bad = |why: &str| {
                Error::Usage(format!(
                    "--no-dependents-in {}: {why}",
                    crate::report::visible(name)
                ))
            };
            let spec = parse_pick(name).map_err(|_| bad("not a table name"))?;
            if !spec.conditions().is_empty() {
                return Err(bad("give a table name (TABLE or SCHEMA.TABLE), not a pick"));
            }
            find_table(universe, &spec.table_name())
                .ok_or_else(|| bad("the backup has no such table"))
        })
        .collect()
}

fn no_such_table(p: &PickSpec) -> Error {
    Error::Usage(format!(
        "--pick {}: the backup has no table {}",
        crate::report::visible(&p.to_string()),
        crate::report::visible(p.table())
    ))
}

fn resolve_picks(
    universe: &[TableRows],
    keys: &[Vec<String>],
    absent_live: &[bool],
    picks: &[PickSpec],
    tables: &[usize],
    live: &LiveKeys,
) -> Result<Vec<ResolvedPick>> {
    let mut out = Vec::with_capacity(picks.len());
    for (p, &t) in picks.iter().zip(tables) {
        let data = &universe[t];
        let rows: Vec<usize> = match p {
            PickSpec::Table { .. } if absent_live[t] => (0..data.rows.len()).collect(),
            PickSpec::Table { .. } => {
                if keys[t].is_empty() {
                    return Err(Error::Usage(format!(
                        "--pick {p}: table {} has no primary key, so lifeboat cannot tell which rows are missing live; pick rows by value (TABLE:COL=VALUE)",
                        data.table
                    )));
                }
                (0..data.rows.len())
                    .filter(|&r| {
                        data.key_values(r, &keys[t])
                            .is_some_and(|k| live.contains(&data.table, &keys[t], &k) != Some(true))
                    })
                    .collect()
            }
            PickSpec::Match { conditions, .. } => match_rows(data, conditions)
                .map_err(|e| Error::Usage(format!("--pick {p}: {e}")))?,
        };
        if rows.is_empty() {
            let why = match p {
                PickSpec::Table { .. } => "every row of that table is already live",
                PickSpec::Match { .. } => "no backup row has those values",
            };
            return Err(Error::Usage(format!(
                "--pick {}: {why}",
                crate::report::visible(&p.to_string())
            )));
        }
        out.push(ResolvedPick { table: t, rows });
    }
    Ok(out)
}

/// `start` plus every closure row that references one of them, transitively.
fn with_dependents(
    universe: &[TableRows],
    relations: &[Relation],
    closure: &Closure,
    start: HashSet<RowRef>,
) -> BTreeSet<RowRef> {
    let mut removed: BTreeSet<RowRef> = start.into_iter().collect();
    // Parent row → closure rows referencing it, through the relations in use.
    let mut children: HashMap<RowRef, Vec<RowRef>> = HashMap::new();
    for rel in relations {
        let (Some(c), Some(p)) = (
            universe.iter().position(|t| t.table == rel.child),
            universe.iter().position(|t| t.table == rel.parent),
        ) else {
            continue;
        };
        let (Some(crows), Some(prows)) = (closure.rows.get(&c), closure.rows.get(&p)) else {
            continue;
        };
        let mut by_key: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
        for &r in prows {
            if let Some(k) = universe[p].key_values(r, &rel.parent_columns) {
                by_key.entry(k).or_default().push(r);
            }
        }
        for &r in crows {
            if let Some(k) = universe[c].key_values(r, &rel.child_columns) {
                for &pr in by_key.get(&k).into_iter().flatten() {
                    children.entry((p, pr)).or_default().push((c, r));
                }
            }
        }
    }
    let mut stack: Vec<RowRef> = removed.iter().copied().collect();
    while let Some(at) = stack.pop() {
        for &child in children.get(&at).into_iter().flatten() {
            if removed.insert(child) {
                stack.push(child);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::find_table_name;
    use crate::catalog::TableName;

    #[test]
    fn a_bare_pick_prefers_public_and_matches_either_way() {
        let public = TableName::new(Some("public"), "awkward");
        let other = TableName::new(Some("other"), "awkward");
        let bare = TableName::new(None, "projects");
        let tables = [&other, &public, &bare];
        let find = |schema: Option<&str>, name: &str| {
            find_table_name(&tables, &TableName::new(schema, name))
        };
        assert_eq!(find(None, "awkward"), Some(1));
        assert_eq!(find(Some("other"), "awkward"), Some(0));
        assert_eq!(find(Some("public"), "projects"), Some(2));
        assert_eq!(find(None, "missing"), None);
        let both = [&other, &TableName::new(Some("third"), "awkward")];
        assert_eq!(
            find_table_name(&both, &TableName::new(None, "awkward")),
            None
        );
    }
}
