//! The way back: a script that deletes the rows the restore inserted (in
//! reverse order) and puts back the values its UPDATEs replaced.

use super::rows::Renderer;
use super::{SchemaSteps, Script, Statement, StatementKind};
use crate::error::Result;
use crate::restore::closure::RowRef;
use crate::restore::literal::{delete_statements, render_update};
use crate::restore::order::{OrderPlan, Step};
use std::collections::BTreeMap;

pub(super) fn build(
    render: &Renderer<'_>,
    order: &OrderPlan,
    order_tables: &[usize],
    inserts: &BTreeMap<usize, Vec<usize>>,
    updates: &[(RowRef, Vec<String>)],
    opening: Vec<Statement>,
    schema: &SchemaSteps,
) -> Result<Script> {
    let sel = render.sel;
    let mut statements = opening;
    statements.extend(SchemaSteps::statements(&schema.undo_first));
    // Rows that were linked after the fact point at each other in a loop no
    // DELETE order satisfies: unlink them first.
    for step in &order.steps {
        if let Step::FixLink {
            table,
            row,
            relation,
            ..
        } = step
        {
            let t = order_tables[*table];
            let r = inserts[&t][*row];
            let key = render.key((t, r))?;
            let set: Vec<(&str, String)> = sel.relations[*relation]
                .child_columns
                .iter()
                .map(|c| (c.as_str(), "NULL".to_owned()))
                .collect();
            if let Some(sql) = render_update(&sel.universe[t].table, &key, &set) {
                statements.push(Statement {
                    sql,
                    kind: StatementKind::Update,
                    rows: vec![(t, r)],
                    tuples: Vec::new(),
                });
            }
        }
    }
    // Updated rows get their replaced values back before anything they might
    // now reference is deleted.
    for ((t, r), columns) in updates {
        let key = render.key((*t, *r))?;
        // Columns the repair added are dropped below, values and all.
        let added = &sel.changes[*t].added;
        let set: Vec<(&str, String)> = columns
            .iter()
            .filter(|c| !added.contains(c))
            .map(|c| Ok((c.as_str(), render.live_literal((*t, *r), c)?)))
            .collect::<Result<_>>()?;
        if let Some(sql) = render_update(&sel.universe[*t].table, &key, &set) {
            statements.push(Statement {
                sql,
                kind: StatementKind::Update,
                rows: vec![(*t, *r)],
                tuples: Vec::new(),
            });
        }
    }
    // Inserted rows, last inserted first, a run of one table per batch.
    let in_order: Vec<RowRef> = order
        .rows_in_order()
        .map(|id| {
            let t = order_tables[id.table];
            (t, inserts[&t][id.row])
        })
        .collect();
    let mut inserted = 0;
    let mut i = in_order.len();
    while i > 0 {
        let t = in_order[i - 1].0;
        let mut j = i - 1;
        while j > 0 && in_order[j - 1].0 == t {
            j -= 1;
        }
        let run: Vec<RowRef> = in_order[j..i].iter().rev().copied().collect();
        if sel.changes[t].created {
            // The table itself is dropped below.
            inserted += run.len();
            i = j;
            continue;
        }
        let key_columns: Vec<&str> = sel.keys[t].iter().map(String::as_str).collect();
        let keys: Vec<Vec<String>> = run
            .iter()
            .map(|&row| Ok(render.key(row)?.into_iter().map(|(_, v)| v).collect()))
            .collect::<Result<_>>()?;
        let sqls = delete_statements(
            &sel.universe[t].table,
            &key_columns,
            &keys,
            render.dialect,
            render.batch_rows,
        )?;
        // Batches hold keys in run order; rows are attached for messages only.
        let per = (run.len() / sqls.len().max(1)).max(1);
        for (n, sql) in sqls.into_iter().enumerate() {
            let rows = run.iter().skip(n * per).take(per).copied().collect();
            statements.push(Statement {
                sql,
                kind: StatementKind::Delete,
                rows,
                tuples: Vec::new(),
            });
        }
        inserted += run.len();
        i = j;
    }
    statements.extend(SchemaSteps::statements(&schema.undo_last));
    statements.push(Statement {
        sql: "COMMIT;".into(),
        kind: StatementKind::Commit,
        rows: Vec::new(),
        tuples: Vec::new(),
    });
    Ok(Script {
        dialect: render.dialect,
        header: vec![
            format!(
                "lifeboat undo: deletes the {inserted} row(s) the restore inserted and puts back the values its {} UPDATE(s) replaced.",
                updates.len()
            ),
            "Run it only against the database the restore was made on. Sequences moved forward stay where they are.".into(),
        ]
        .into_iter()
        .chain(
            (!schema.undo_first.is_empty() || !schema.undo_last.is_empty()).then(|| {
                format!(
                    "It also drops what the schema repair created ({} constraint(s), then columns and tables), values in added columns included.",
                    schema.undo_first.len()
                )
            }),
        )
        .collect(),
        statements,
    })
}
