//! The re-check before UPDATEs: every row to update must still hold the
//! values the plan read (else someone wrote since, and the restore stops).
//! One query per table and batch of rows — the rows' keys and the values
//! they held travel in a `VALUES` list joined on the key — instead of one
//! query per row (100,000 round trips took 20 s of a 30 s restore).

use super::rows::Renderer;
use super::{Check, CheckKind, RowGroup};
use crate::catalog::{quote_ident, Dialect};
use crate::error::Result;
use crate::restore::closure::RowRef;

const LIVE: &str = "lifeboat_live";
const VALUES: &str = "lifeboat_values";

/// The checks for `updates`, grouped by table and by the columns compared.
/// Each query returns `n * 2 + 1` for row `n` of its batch when it still
/// holds its values, `n * 2` when it changed, and nothing when it was
/// deleted; PostgreSQL locks the rows it read (`FOR UPDATE`).
pub(super) fn checks(
    render: &Renderer<'_>,
    updates: &[(RowRef, Vec<String>)],
) -> Result<Vec<Check>> {
    let sel = render.sel;
    // A column the repair adds does not exist yet when this runs.
    let groups = RowGroup::of(updates.iter().map(|((t, r), columns)| {
        let held: Vec<&str> = columns
            .iter()
            .filter(|c| !sel.changes[*t].added.contains(c))
            .map(String::as_str)
            .collect();
        ((*t, *r), held)
    }));
    let mut out = Vec::new();
    for g in groups {
        for chunk in g.rows.chunks(render.batch_rows.max(1)) {
            out.push(batch(render, g.table, &g.by, chunk)?);
        }
    }
    Ok(out)
}

fn batch(render: &Renderer<'_>, t: usize, held: &[&str], rows: &[usize]) -> Result<Check> {
    let sel = render.sel;
    let table = &sel.universe[t].table;
    let key: Vec<&str> = sel.keys[t].iter().map(String::as_str).collect();
    // VALUES columns: the row's number, its key, the values it held.
    let columns: Vec<&str> = key.iter().chain(held).copied().collect();
    let types: Vec<&str> = columns
        .iter()
        .map(|c| {
            let i = render.column(t, c)?;
            Ok(render.tables[t]
                .live
                .map_or("text", |l| l.columns[i].data_type.as_str()))
        })
        .collect::<Result<_>>()?;
    // Position j of the VALUES row (0 is the row number).
    let value = |j: usize| match render.dialect {
        Dialect::Postgres => format!("CAST({VALUES}.v{j} AS {})", types[j - 1]),
        Dialect::Sqlite => format!("{VALUES}.column{}", j + 1),
    };
    let number = match render.dialect {
        Dialect::Postgres => format!("{VALUES}.v0"),
        Dialect::Sqlite => format!("{VALUES}.column1"),
    };
    let same = match render.dialect {
        Dialect::Postgres => "IS NOT DISTINCT FROM",
        Dialect::Sqlite => "IS",
    };
    let mut compared: Vec<String> = held
        .iter()
        .enumerate()
        .map(|(h, c)| {
            format!(
                "{LIVE}.{} {same} {}",
                quote_ident(c),
                value(1 + key.len() + h)
            )
        })
        .collect();
    if compared.is_empty() {
        // Every column is new: the row only has to still be there.
        compared.push("1 = 1".into());
    }
    let on: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{LIVE}.{} = {}", quote_ident(c), value(1 + k)))
        .collect();
    let mut tuples = Vec::with_capacity(rows.len());
    for (n, &r) in rows.iter().enumerate() {
        let mut tuple = vec![n.to_string()];
        for (_, literal) in render.key((t, r))? {
            tuple.push(literal);
        }
        for c in held {
            tuple.push(render.live_literal((t, r), c)?);
        }
        tuples.push(format!("({})", tuple.join(", ")));
    }
    let (aliases, cast, lock) = match render.dialect {
        Dialect::Postgres => {
            let names: Vec<String> = (0..=columns.len()).map(|j| format!("v{j}")).collect();
            (
                format!("({})", names.join(", ")),
                "::int8",
                format!(" FOR UPDATE OF {LIVE}"),
            )
        }
        Dialect::Sqlite => (String::new(), "", String::new()),
    };
    let sql = format!(
        "SELECT ({number} * 2 + CASE WHEN {} THEN 1 ELSE 0 END){cast} \
         FROM (VALUES {}) AS {VALUES}{aliases} JOIN {} AS {LIVE} ON {}{lock};",
        compared.join(" AND "),
        tuples.join(", "),
        table.quoted(),
        on.join(" AND ")
    );
    Ok(Check {
        table: table.clone(),
        sql,
        binds: Vec::new(),
        kind: CheckKind::Unchanged {
            rows: rows
                .iter()
                .map(|&r| ((t, r), sel.universe[t].origin(r)))
                .collect(),
        },
    })
}
