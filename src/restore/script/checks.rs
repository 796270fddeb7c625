//! What the executor re-checks inside the transaction before writing (the
//! database may have moved since the plan was read) and what verification
//! expects to read back after COMMIT.

use super::rows::Renderer;
use crate::catalog::{quote_ident, Dialect, TableName};
use crate::error::Result;
use crate::restore::closure::RowRef;
use crate::restore::literal::keyed_statements;
use crate::value::canonicalize;
use std::collections::BTreeMap;

/// A read-only query run inside the restore transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub table: TableName,
    pub sql: String,
    /// Text arrays bound as `$1, $2, ...` (PostgreSQL), empty when the
    /// values are literals in `sql`.
    pub binds: Vec<Vec<String>>,
    pub kind: CheckKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// Returns the key (as text) of every row to insert that exists live
    /// by now; any row means someone wrote since the plan.
    Absent,
    /// Returns `n * 2 + 1` for each row `n` (of `rows`) to update that
    /// still has the values the plan replaces, `n * 2` for one changed
    /// since, nothing for one deleted since.
    Unchanged { rows: Vec<(RowRef, String)> },
}

/// Rows of one table to read back after COMMIT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub table: usize,
    pub key_columns: Vec<String>,
    pub rows: Vec<ExpectedRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedRow {
    pub row: RowRef,
    /// Canonical key values.
    pub key: Vec<String>,
    /// (live column index, canonical value written; None = NULL).
    pub values: Vec<(usize, Option<String>)>,
}

pub(super) fn build(
    render: &Renderer<'_>,
    inserts: &BTreeMap<usize, Vec<usize>>,
    updates: &[(RowRef, Vec<String>)],
) -> Result<Vec<Check>> {
    let sel = render.sel;
    let mut out = Vec::new();
    for (&t, rows) in inserts {
        if sel.changes[t].created {
            // Created in the transaction: nothing can be there before.
            continue;
        }
        if render.dialect == Dialect::Postgres {
            out.push(absent_bound(render, t, rows)?);
            continue;
        }
        let table = &sel.universe[t].table;
        let key_columns: Vec<&str> = sel.keys[t].iter().map(String::as_str).collect();
        let keys: Vec<Vec<String>> = rows
            .iter()
            .map(|&r| Ok(render.key((t, r))?.into_iter().map(|(_, v)| v).collect()))
            .collect::<Result<_>>()?;
        let head = format!(
            "SELECT {} FROM {}",
            key_text(&key_columns, render.dialect),
            table.quoted()
        );
        for sql in keyed_statements(
            &head,
            "",
            table,
            &key_columns,
            &keys,
            render.dialect,
            render.batch_rows,
        )? {
            out.push(Check {
                table: table.clone(),
                sql,
                binds: Vec::new(),
                kind: CheckKind::Absent,
            });
        }
    }
    out.extend(super::unchanged::checks(render, updates)?);
    Ok(out)
}

/// PostgreSQL: one query per table, the keys bound as text arrays and cast
/// to the key columns' types (parsing 100,000 literals costs the server far
/// more than one array).
fn absent_bound(render: &Renderer<'_>, t: usize, rows: &[usize]) -> Result<Check> {
    let sel = render.sel;
    let table = &sel.universe[t].table;
    let key_columns: Vec<&str> = sel.keys[t].iter().map(String::as_str).collect();
    let mut binds: Vec<Vec<String>> = vec![Vec::with_capacity(rows.len()); key_columns.len()];
    for &r in rows {
        let key = render.planned_key.get(&(t, r)).ok_or_else(|| {
            crate::error::Error::Other(format!("{}: no key planned", sel.universe[t].origin(r)))
        })?;
        for (bind, value) in binds.iter_mut().zip(key) {
            bind.push(value.clone());
        }
    }
    let mut typed = Vec::with_capacity(key_columns.len());
    for c in &key_columns {
        let i = render.column(t, c)?;
        let data_type = render.tables[t]
            .live
            .map_or("text", |l| l.columns[i].data_type.as_str());
        typed.push((*c, data_type));
    }
    let filter = crate::catalog::type_text::key_in_bound_arrays(&typed)
        .map_err(|e| crate::error::Error::Other(e.reason))?;
    Ok(Check {
        table: table.clone(),
        sql: format!(
            "SELECT {} FROM {} WHERE {filter}",
            key_text(&key_columns, render.dialect),
            table.quoted()
        ),
        binds,
        kind: CheckKind::Absent,
    })
}

/// The key columns as one text value: `concat_ws(', ', "a"::text, ...)`.
fn key_text(columns: &[&str], dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => {
            let parts: Vec<String> = columns
                .iter()
                .map(|c| format!("{}::text", quote_ident(c)))
                .collect();
            format!("concat_ws(', ', {})", parts.join(", "))
        }
        Dialect::Sqlite => columns
            .iter()
            .map(|c| format!("CAST({} AS TEXT)", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(" || ', ' || "),
    }
}

/// The values every written row should hold once committed.
pub(super) fn expected(
    render: &Renderer<'_>,
    inserts: &BTreeMap<usize, Vec<usize>>,
    updates: &[(RowRef, Vec<String>)],
) -> Vec<Expected> {
    let sel = render.sel;
    let mut by_table: BTreeMap<usize, Vec<ExpectedRow>> = BTreeMap::new();
    let value = |t: usize, r: usize, i: usize| -> Option<(usize, Option<String>)> {
        let cell = render.cell(t, r, i)?;
        let canon = canonicalize(cell, &render.tables[t].classes[i]).ok()?;
        Some((i, canon.map(|c| c.into_owned())))
    };
    for (&t, rows) in inserts {
        let Some(live) = render.tables[t].live else {
            continue;
        };
        for &r in rows {
            let Some(key) = render.planned_key.get(&(t, r)) else {
                continue;
            };
            let values = (0..live.columns.len())
                .filter(|&i| live.columns[i].generated.is_none())
                .filter_map(|i| value(t, r, i))
                .collect();
            by_table.entry(t).or_default().push(ExpectedRow {
                row: (t, r),
                key: key.clone(),
                values,
            });
        }
    }
    for ((t, r), columns) in updates {
        let (Some(live), Some(key)) = (render.tables[*t].live, render.planned_key.get(&(*t, *r)))
        else {
            continue;
        };
        let values = columns
            .iter()
            .filter_map(|c| live.column_index(c))
            .filter_map(|i| value(*t, *r, i))
            .collect();
        by_table.entry(*t).or_default().push(ExpectedRow {
            row: (*t, *r),
            key: key.clone(),
            values,
        });
    }
    by_table
        .into_iter()
        .map(|(t, rows)| Expected {
            table: t,
            key_columns: sel.keys[t].clone(),
            rows,
        })
        .collect()
}
