//! A schema repair as the plan summary shows it (text and `--json`). Pure.

use super::plan::{ConstraintAction, ConstraintRepair, RepairPlan};
use crate::catalog::Catalog;
use crate::diff::schema::{constraint_counts, ConstraintCounts, ConstraintKind};
use crate::report::visible;
use crate::restore::selection::Selection;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RepairSummary {
    /// The DDL, in the order the transaction runs it.
    pub statements: Vec<String>,
    pub created_tables: Vec<CreatedSummary>,
    pub added_columns: Vec<AddedSummary>,
    pub restored_columns: Vec<RestoredSummary>,
    pub constraints: Vec<ConstraintRepair>,
    pub counts: CountsSummary,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CreatedSummary {
    pub table: String,
    /// Types guessed from the values (the backup has no DDL for it).
    pub inferred: bool,
    pub columns: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AddedSummary {
    pub table: String,
    pub column: String,
    pub data_type: String,
    pub inferred: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RestoredSummary {
    pub table: String,
    pub columns: Vec<String>,
    /// Live rows whose values the plan writes back.
    pub rows: usize,
    /// Live rows that already hold the backup's values.
    pub already_equal: usize,
}

/// Constraints per kind: in the backup's schema, live now, live after.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CountsSummary {
    pub backup: ConstraintCounts,
    pub live_before: ConstraintCounts,
    pub live_after: ConstraintCounts,
}

pub fn summarize(
    plan: &RepairPlan,
    statements: Vec<String>,
    notes: Vec<String>,
    sel: &Selection,
    live: &Catalog,
    effective: &Catalog,
    backup_schema: Option<&Catalog>,
) -> RepairSummary {
    let mut live_after = constraint_counts(effective);
    for c in plan
        .constraints
        .iter()
        .filter(|c| c.action != ConstraintAction::Refused)
    {
        match c.kind {
            ConstraintKind::PrimaryKey => live_after.primary_keys += 1,
            ConstraintKind::Unique => live_after.unique += 1,
            ConstraintKind::ForeignKey => live_after.foreign_keys += 1,
            ConstraintKind::Check => live_after.checks += 1,
        }
    }
    let restored_columns = plan
        .restore_columns
        .iter()
        .zip(
            sel.columns_equal
                .iter()
                .copied()
                .chain(std::iter::repeat(0)),
        )
        .map(|(rc, equal)| RestoredSummary {
            table: sel.universe[rc.table].table.to_string(),
            columns: rc.columns.clone(),
            rows: sel
                .classified
                .rows
                .iter()
                .filter(|p| p.row.0 == rc.table)
                .filter(|p| match &p.action {
                    crate::restore::plan::RowAction::Update { columns } => {
                        columns.iter().any(|c| rc.columns.contains(c))
                    }
                    _ => false,
                })
                .count(),
            already_equal: equal,
        })
        .collect();
    RepairSummary {
        statements,
        created_tables: plan
            .created
            .iter()
            .map(|c| CreatedSummary {
                table: c.table.name.to_string(),
                inferred: c.inferred.is_some(),
                columns: c.table.columns.len(),
            })
            .collect(),
        added_columns: plan
            .added
            .iter()
            .map(|a| AddedSummary {
                table: a.table.to_string(),
                column: a.column.name.clone(),
                data_type: a.column.data_type.clone(),
                inferred: a.inferred.is_some(),
            })
            .collect(),
        restored_columns,
        constraints: plan.constraints.clone(),
        counts: CountsSummary {
            backup: backup_schema.map(constraint_counts).unwrap_or_default(),
            live_before: constraint_counts(live),
            live_after,
        },
        notes,
    }
}

/// The summary's "Schema repair" section.
pub fn render_text(r: &RepairSummary) -> String {
    let mut out = String::from("Schema repair (in the same transaction):\n");
    for c in &r.created_tables {
        let how = if c.inferred {
            "types INFERRED from the values"
        } else {
            "from the backup's DDL"
        };
        let _ = writeln!(
            out,
            "  create table {} ({} columns, {how})",
            visible(&c.table),
            c.columns
        );
    }
    for a in &r.added_columns {
        let _ = writeln!(
            out,
            "  add column {}.{} {}{}",
            visible(&a.table),
            visible(&a.column),
            visible(&a.data_type),
            if a.inferred { " (type inferred)" } else { "" }
        );
    }
    for rc in &r.restored_columns {
        let _ = writeln!(
            out,
            "  write back {}: {} into {} live row(s) by key ({} already equal)",
            visible(&rc.table),
            rc.columns
                .iter()
                .map(|c| visible(c))
                .collect::<Vec<_>>()
                .join(", "),
            rc.rows,
            rc.already_equal
        );
    }
    for c in &r.constraints {
        let counts = match (c.violations_before, c.violations_after) {
            (Some(b), Some(a)) => format!("; violating rows now {b}, after the restore {a}"),
            (Some(b), None) => format!("; violating rows now {b}"),
            _ => String::new(),
        };
        let what = match c.action {
            ConstraintAction::Validate => "add + validate",
            ConstraintAction::NotValid => "add NOT VALID",
            ConstraintAction::Refused => "NOT added",
        };
        let _ = writeln!(
            out,
            "  {what}: {}.{} {}{counts}",
            visible(&c.table.to_string()),
            visible(&c.name),
            visible(&c.definition)
        );
        if let Some(reason) = &c.reason {
            let _ = writeln!(out, "      {}", visible(reason));
        }
    }
    let k = |n: &ConstraintCounts| {
        format!(
            "primary keys {}, unique {}, foreign keys {}, checks {}",
            n.primary_keys, n.unique, n.foreign_keys, n.checks
        )
    };
    let _ = writeln!(out, "  constraints in the backup: {}", k(&r.counts.backup));
    let _ = writeln!(
        out,
        "  constraints live now:      {}",
        k(&r.counts.live_before)
    );
    let _ = writeln!(
        out,
        "  constraints live after:    {}",
        k(&r.counts.live_after)
    );
    for n in &r.notes {
        let _ = writeln!(out, "  note: {}", visible(n));
    }
    out
}
