//! Constraints the backup's schema has and live lacks: which to recreate
//! (primary key, unique, foreign key, CHECK), and — once their violating
//! rows are counted — whether each is validated, left NOT VALID or refused.

use super::plan::{effective_catalog, RepairPlan};
use crate::catalog::{Catalog, Dialect, Table, TableName};
use crate::diff::schema::{missing_constraints, ConstraintKind, MissingConstraint};
use crate::report::visible;
use crate::restore::closure::TableRows;
use crate::value::same_type;
use serde::Serialize;

/// What happens to a constraint the backup has and live lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintAction {
    /// Added (NOT VALID where the kind allows), then validated.
    Validate,
    /// Added NOT VALID and left so: existing rows would fail validation.
    NotValid,
    /// Not added; `reason` says why.
    Refused,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConstraintRepair {
    #[serde(serialize_with = "crate::repair::plan::display")]
    pub table: TableName,
    pub name: String,
    pub kind: ConstraintKind,
    pub columns: Vec<String>,
    /// The constraint as SQL (`FOREIGN KEY ("org_id") REFERENCES ...`).
    pub definition: String,
    /// For foreign keys: the live (or created) table and columns referenced.
    #[serde(skip)]
    pub references: Option<(TableName, Vec<String>)>,
    pub action: ConstraintAction,
    pub reason: Option<String>,
    /// Live rows violating it now (None: not counted).
    pub violations_before: Option<u64>,
    /// Rows still violating it once the planned rows are in.
    pub violations_after: Option<u64>,
    /// The constraint belongs to a table this plan creates.
    #[serde(skip)]
    pub on_created_table: bool,
    /// The comparison's finding it came from (what violations are counted by).
    #[serde(skip)]
    pub missing: MissingConstraint,
}

/// Constraints the backup has and live lacks, for the tables in scope, and
/// the foreign keys of created tables (PostgreSQL adds those after the data).
pub(super) fn constraints(
    live: &Catalog,
    backup_schema: Option<&Catalog>,
    universe: &[TableRows],
    scoped: &[bool],
    plan: &RepairPlan,
) -> Vec<ConstraintRepair> {
    let Some(schema) = backup_schema else {
        return Vec::new();
    };
    let effective = effective_catalog(live, plan);
    let mut out = Vec::new();
    let mut seen: Vec<TableName> = Vec::new();
    let tables = universe
        .iter()
        .zip(scoped)
        .filter(|(_, s)| **s)
        .map(|(t, _)| t.table.clone())
        .chain(plan.created.iter().map(|c| c.table.name.clone()));
    for name in tables {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let (Some(ddl), Some(now)) = (schema.resolve(&name), effective.table(&name)) else {
            continue;
        };
        let created = plan.creates(&name);
        for m in missing_constraints(ddl, now, &effective) {
            out.push(constraint_repair(&name, ddl, m, created, &effective));
        }
    }
    out
}

fn constraint_repair(
    table: &TableName,
    ddl: &Table,
    m: MissingConstraint,
    created: bool,
    effective: &Catalog,
) -> ConstraintRepair {
    let suffix = match m.kind {
        ConstraintKind::PrimaryKey => "pkey",
        ConstraintKind::Unique => "key",
        ConstraintKind::ForeignKey => "fkey",
        ConstraintKind::Check => "check",
    };
    let name = m
        .name
        .clone()
        .unwrap_or_else(|| super::ddl::default_constraint_name(table, &m.columns, suffix));
    let mut repair = ConstraintRepair {
        table: table.clone(),
        name,
        kind: m.kind.clone(),
        columns: m.columns.clone(),
        definition: m.definition.clone(),
        references: None,
        action: ConstraintAction::Validate,
        reason: None,
        violations_before: None,
        violations_after: None,
        on_created_table: created,
        missing: m.clone(),
    };
    if let Some(problem) = &m.problem {
        repair.action = ConstraintAction::Refused;
        repair.reason = Some(problem.clone());
        return repair;
    }
    if !m.missing_columns.is_empty() {
        repair.action = ConstraintAction::Refused;
        repair.reason = Some(format!(
            "it needs column(s) {} that live lacks; --repair-schema={} adds them",
            m.missing_columns.join(", "),
            visible(&table.to_string())
        ));
        return repair;
    }
    if effective.dialect == Dialect::Sqlite && !created {
        repair.action = ConstraintAction::Refused;
        repair.reason = Some(
            "SQLite cannot add a constraint to an existing table; it would have to rebuild the table (https://sqlite.org/lang_altertable.html#otheralter), which lifeboat does not do".into(),
        );
        return repair;
    }
    if m.kind == ConstraintKind::ForeignKey {
        if let Some(fk) = referenced(ddl, &m, effective) {
            let child = effective.table(table);
            let parent = effective.table(&fk.0);
            repair.references = Some(fk.clone());
            match (child, parent) {
                (Some(c), Some(p)) => {
                    for (cc, pc) in m.columns.iter().zip(&fk.1) {
                        let (Some(a), Some(b)) = (c.column(cc), p.column(pc)) else {
                            continue;
                        };
                        if !same_type(&a.data_type, &b.data_type) {
                            repair.action = ConstraintAction::Refused;
                            repair.reason = Some(format!(
                                "{}.{} is {} but {}.{} is {}: PostgreSQL cannot enforce a foreign key between different types; make the types equal first",
                                visible(&table.to_string()),
                                visible(cc),
                                a.data_type,
                                visible(&fk.0.to_string()),
                                visible(pc),
                                b.data_type
                            ));
                        }
                    }
                }
                _ => {
                    repair.action = ConstraintAction::Refused;
                    repair.reason = Some(format!(
                        "it references {}, which does not exist live and is not being created",
                        visible(&fk.0.to_string())
                    ));
                }
            }
        } else {
            repair.action = ConstraintAction::Refused;
            repair.reason = Some(format!(
                "it references {}, which does not exist live and is not being created",
                m.references.as_deref().map(visible).unwrap_or_default()
            ));
        }
    }
    repair
}

/// The table and columns a missing foreign key references, as live (or the
/// plan) names them.
fn referenced(
    ddl: &Table,
    m: &MissingConstraint,
    effective: &Catalog,
) -> Option<(TableName, Vec<String>)> {
    let fk = ddl.foreign_keys.iter().find(|f| f.columns == m.columns)?;
    let parent = effective.resolve(&fk.referenced_table)?;
    Some((parent.name.clone(), fk.referenced_columns.clone()))
}

/// Set each constraint's action from its counted violations: a foreign key
/// or CHECK that rows would still violate goes in NOT VALID (it guards new
/// writes; VALIDATE would fail and roll everything back); a primary key or
/// unique constraint with duplicates cannot be added at all.
pub fn decide_constraints(constraints: &mut [ConstraintRepair]) {
    for c in constraints {
        if c.action == ConstraintAction::Refused {
            continue;
        }
        let after = c.violations_after.or(c.violations_before).unwrap_or(0);
        if after == 0 {
            c.action = ConstraintAction::Validate;
            continue;
        }
        match c.kind {
            ConstraintKind::ForeignKey | ConstraintKind::Check => {
                c.action = ConstraintAction::NotValid;
                c.reason = Some(format!(
                    "{after} existing row(s) would violate it: added NOT VALID (it checks new writes); fix those rows, then run ALTER TABLE {} VALIDATE CONSTRAINT {}",
                    c.table.quoted(),
                    crate::catalog::quote_ident(&c.name)
                ));
            }
            _ => {
                c.action = ConstraintAction::Refused;
                c.reason = Some(format!(
                    "{after} existing row(s) violate it (duplicates or NULLs); PostgreSQL cannot add it NOT VALID; fix those rows first"
                ));
            }
        }
    }
}
