//! A repair plan as SQL, in the order the restore transaction runs it, and
//! the DROPs that take it back. Pure.

use super::ddl;
use super::plan::{ConstraintAction, RepairPlan};
use crate::catalog::Dialect;
use crate::diff::schema::ConstraintKind;
use crate::restore::script::SchemaSteps;

/// The plan's statements, and what the operator must know about them
/// (defaults SQLite cannot take, columns left nullable ...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepairSql {
    pub steps: SchemaSteps,
    pub notes: Vec<String>,
    /// What could not be rendered; the plan is blocked.
    pub errors: Vec<String>,
}

pub fn render(plan: &RepairPlan, dialect: Dialect) -> RepairSql {
    let mut out = RepairSql::default();
    let steps = &mut out.steps;
    let mut dropped_types = Vec::new();
    if dialect == Dialect::Postgres {
        for (name, labels) in &plan.enums {
            match ddl::create_enum(name, labels) {
                Ok(sql) => {
                    steps.before.push(sql);
                    dropped_types.push(ddl::drop_type(name));
                }
                Err(e) => out.errors.push(e.to_string()),
            }
        }
    }
    let mut dropped_tables = Vec::new();
    for created in &plan.created {
        let table = &created.table;
        let sequences = if dialect == Dialect::Postgres {
            ddl::sequences_for(table)
        } else {
            Vec::new()
        };
        for seq in &sequences {
            steps.before.push(ddl::create_sequence(seq));
        }
        match ddl::create_table(table, dialect, dialect == Dialect::Sqlite) {
            Ok(create) => {
                steps.before.push(create.sql);
                out.notes.extend(create.notes);
                dropped_tables.push(ddl::drop_table(&table.name, dialect));
            }
            Err(e) => out.errors.push(e.to_string()),
        }
        // Owned, the sequence goes when the undo drops the table.
        for seq in &sequences {
            steps.before.push(ddl::sequence_owned_by(&table.name, seq));
        }
    }
    let mut dropped_columns = Vec::new();
    for added in &plan.added {
        match ddl::add_column(&added.table, &added.column, dialect) {
            Ok(add) => {
                steps.before.push(add.sql);
                out.notes.extend(add.notes);
                if add.set_not_null.is_some() {
                    out.notes.push(format!(
                        "{}.{}: added without NOT NULL (the backup has it NOT NULL but no default, and rows the backup does not hold would have no value); once every row has one: ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
                        crate::report::visible(&added.table.to_string()),
                        crate::report::visible(&added.column.name),
                        added.table.quoted(),
                        crate::catalog::quote_ident(&added.column.name)
                    ));
                }
                dropped_columns.push(ddl::drop_column(&added.table, &added.column.name, dialect));
            }
            Err(e) => out.errors.push(e.to_string()),
        }
    }
    for c in &plan.constraints {
        if c.action == ConstraintAction::Refused {
            continue;
        }
        // PostgreSQL has NOT VALID for foreign keys and CHECKs only: the
        // constraint is in place at once, existing rows checked by VALIDATE
        // (which takes a lighter lock than a checking ADD).
        let checks_later = matches!(c.kind, ConstraintKind::ForeignKey | ConstraintKind::Check);
        steps.after.push(ddl::add_constraint_sql(
            &c.table,
            &c.name,
            &c.definition,
            checks_later,
        ));
        if checks_later && c.action == ConstraintAction::Validate {
            steps
                .after
                .push(ddl::validate_constraint(&c.table, &c.name));
        }
        steps
            .undo_first
            .push(ddl::drop_constraint(&c.table, &c.name));
    }
    // Undo: columns, then tables (last created first), then the types they used.
    steps.undo_last.extend(dropped_columns.into_iter().rev());
    steps.undo_last.extend(dropped_tables.into_iter().rev());
    steps.undo_last.extend(dropped_types);
    out
}
