//! What a schema repair will do, decided from the backup's schema and the
//! live catalog: tables to create, columns to add, column values to write
//! back, constraints to recreate. Pure; the counts of violating rows are
//! filled in by `restore::prepare`, which then calls [`decide_constraints`].

pub use super::constraints::{decide_constraints, ConstraintAction, ConstraintRepair};
use super::infer::{infer_table, InferredColumn};
use crate::catalog::{Catalog, Column, Dialect, Table, TableName};
use crate::report::visible;
use crate::restore::closure::TableRows;
use crate::restore::pick::ColumnsSpec;
use crate::restore::selection::find_table_name;

/// Which structure to repair (`--repair-schema[=TABLE,...]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RepairScope {
    #[default]
    Off,
    /// Every table the backup's schema describes.
    All,
    /// Only these tables, as the operator wrote them.
    Tables(Vec<TableName>),
}

/// The operator's repair choices, beside the picks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepairOptions {
    pub scope: RepairScope,
    /// `--restore-columns`.
    pub restore_columns: Vec<ColumnsSpec>,
    /// `--accept-inferred-schema`: create tables (and add columns) whose
    /// types were guessed from the values because the backup has no DDL.
    pub accept_inferred: bool,
}

impl RepairOptions {
    pub fn is_off(&self) -> bool {
        self.scope == RepairScope::Off && self.restore_columns.is_empty()
    }
}

/// A table the plan creates before inserting its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedTable {
    /// As it will be created: named as the plan's rows name it. On
    /// PostgreSQL without its foreign keys (added after the data).
    pub table: Table,
    /// Some when the types were inferred from the values (no DDL in the backup).
    pub inferred: Option<Vec<InferredColumn>>,
}

/// A column live lacks, added with the backup's type and default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedColumn {
    pub table: TableName,
    pub column: Column,
    /// The type was inferred from the values.
    pub inferred: Option<String>,
}

/// Backup values of some columns written into the live rows with the same key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreColumns {
    /// Universe index of the table.
    pub table: usize,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepairPlan {
    pub created: Vec<CreatedTable>,
    /// Enum types the created tables or added columns need and live lacks.
    pub enums: Vec<(String, Vec<String>)>,
    pub added: Vec<AddedColumn>,
    pub constraints: Vec<ConstraintRepair>,
    pub restore_columns: Vec<RestoreColumns>,
    /// Reasons the plan cannot run as asked.
    pub blockers: Vec<String>,
    pub warnings: Vec<String>,
}

impl RepairPlan {
    pub fn is_empty(&self) -> bool {
        self.created.is_empty()
            && self.added.is_empty()
            && self.constraints.is_empty()
            && self.restore_columns.is_empty()
    }

    pub fn creates(&self, table: &TableName) -> bool {
        self.created.iter().any(|c| &c.table.name == table)
    }

    pub fn added_columns<'a>(&'a self, table: &'a TableName) -> impl Iterator<Item = &'a str> {
        self.added
            .iter()
            .filter(move |a| &a.table == table)
            .map(|a| a.column.name.as_str())
    }
}

pub(crate) fn display<S: serde::Serializer>(t: &TableName, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// Decide the repair. `universe` is every backup table as loaded for the
/// restore (named as live names them where live has them).
pub fn plan_repair(
    live: &Catalog,
    backup_schema: Option<&Catalog>,
    universe: &[TableRows],
    opts: &RepairOptions,
) -> RepairPlan {
    let mut plan = RepairPlan::default();
    let names: Vec<&TableName> = universe.iter().map(|t| &t.table).collect();
    let scoped: Vec<bool> = match &opts.scope {
        RepairScope::Off => vec![false; universe.len()],
        RepairScope::All => vec![true; universe.len()],
        RepairScope::Tables(wanted) => {
            let mut v = vec![false; universe.len()];
            for w in wanted {
                match find_table_name(&names, w) {
                    Some(i) => v[i] = true,
                    None => plan.blockers.push(format!(
                        "--repair-schema {}: the backup has no such table",
                        visible(&w.to_string())
                    )),
                }
            }
            v
        }
    };
    let schema_of = |t: &TableRows| backup_schema.and_then(|s| s.resolve(&t.table));

    for (i, t) in universe.iter().enumerate() {
        let in_live = live.table(&t.table);
        if !scoped[i] {
            continue;
        }
        match (in_live, schema_of(t)) {
            (None, Some(ddl)) => plan.created.push(CreatedTable {
                table: Table {
                    name: t.table.clone(),
                    ..ddl.clone()
                },
                inferred: None,
            }),
            (None, None) => {
                // Planned either way, so the preview shows the rows and
                // the proposed table; it runs only once accepted.
                let guess = infer_table(&t.table, &t.columns, &t.rows, live.dialect);
                if !opts.accept_inferred {
                    plan.blockers.push(inferred_blocker(t, &guess.columns));
                }
                plan.created.push(CreatedTable {
                    table: guess.table,
                    inferred: Some(guess.columns),
                });
            }
            (Some(lt), Some(ddl)) => {
                for c in &ddl.columns {
                    if lt.column(&c.name).is_none() {
                        plan.added.push(AddedColumn {
                            table: lt.name.clone(),
                            column: c.clone(),
                            inferred: None,
                        });
                    }
                }
            }
            (Some(_), None) => {}
        }
    }
    restore_columns(live, backup_schema, universe, opts, &mut plan);
    plan.enums = needed_enums(live, backup_schema, &plan);
    plan.constraints =
        super::constraints::constraints(live, backup_schema, universe, &scoped, &plan);
    plan
}

fn inferred_blocker(t: &TableRows, columns: &[InferredColumn]) -> String {
    let cols: Vec<String> = columns
        .iter()
        .map(|c| format!("{} {} ({})", visible(&c.name), c.data_type, c.why))
        .collect();
    format!(
        "{}: the backup has no DDL for this table; lifeboat would create it with types inferred from its {} row(s): {}. Check them, then pass --accept-inferred-schema to use them (or give the backup a schema.sql)",
        visible(&t.table.to_string()),
        t.rows.len(),
        cols.join(", ")
    )
}

/// `--restore-columns`: resolve tables and columns, adding the ones live lacks.
fn restore_columns(
    live: &Catalog,
    backup_schema: Option<&Catalog>,
    universe: &[TableRows],
    opts: &RepairOptions,
    plan: &mut RepairPlan,
) {
    let names: Vec<&TableName> = universe.iter().map(|t| &t.table).collect();
    for spec in &opts.restore_columns {
        let shown = visible(&spec.table.to_string()).into_owned();
        let Some(i) = find_table_name(&names, &spec.table) else {
            plan.blockers.push(format!(
                "--restore-columns {shown}: the backup has no such table"
            ));
            continue;
        };
        let t = &universe[i];
        let Some(lt) = live.table(&t.table) else {
            plan.blockers.push(format!(
                "--restore-columns {shown}: the table does not exist live, so it has no rows to write values into; bring it back with --repair-schema and --pick {shown}"
            ));
            continue;
        };
        let ddl = backup_schema.and_then(|s| s.resolve(&t.table));
        let columns: Vec<String> = if spec.columns.is_empty() {
            let mut all: Vec<String> = ddl
                .map(|d| d.columns.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default();
            all.extend(
                t.columns
                    .iter()
                    .filter(|c| !all.contains(c))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            let lacking: Vec<String> = all.into_iter().filter(|c| lt.column(c).is_none()).collect();
            if lacking.is_empty() {
                plan.warnings.push(format!(
                    "--restore-columns {shown}: live has every column the backup has; name the columns to write back (TABLE:COLUMN,...)"
                ));
            }
            lacking
        } else {
            spec.columns.clone()
        };
        let mut kept = Vec::new();
        for c in columns {
            if !t.columns.contains(&c) {
                plan.blockers.push(format!(
                    "--restore-columns {shown}: the backup holds no values for column {}",
                    visible(&c)
                ));
                continue;
            }
            if lt.column(&c).is_none()
                && !plan
                    .added
                    .iter()
                    .any(|a| a.table == lt.name && a.column.name == c)
            {
                match ddl.and_then(|d| d.column(&c)) {
                    Some(col) => plan.added.push(AddedColumn {
                        table: lt.name.clone(),
                        column: col.clone(),
                        inferred: None,
                    }),
                    None => {
                        let guess = infer_table(&t.table, &t.columns, &t.rows, live.dialect);
                        let Some(ic) = guess.columns.iter().find(|g| g.name == c) else {
                            continue;
                        };
                        if !opts.accept_inferred {
                            plan.blockers.push(format!(
                                "--restore-columns {shown}: the backup has no DDL for column {}; it would be added as {} ({}). Check that, then pass --accept-inferred-schema",
                                visible(&c),
                                ic.data_type,
                                ic.why
                            ));
                            continue;
                        }
                        let Some(col) = guess.table.column(&c) else {
                            continue;
                        };
                        plan.added.push(AddedColumn {
                            table: lt.name.clone(),
                            column: Column {
                                nullable: true,
                                ..col.clone()
                            },
                            inferred: Some(ic.why.clone()),
                        });
                    }
                }
            }
            kept.push(c);
        }
        if !kept.is_empty() {
            plan.restore_columns.push(RestoreColumns {
                table: i,
                columns: kept,
            });
        }
    }
}

/// Enum types used by what the plan creates that live does not have.
fn needed_enums(
    live: &Catalog,
    backup_schema: Option<&Catalog>,
    plan: &RepairPlan,
) -> Vec<(String, Vec<String>)> {
    let Some(schema) = backup_schema else {
        return Vec::new();
    };
    if live.dialect != Dialect::Postgres {
        return Vec::new();
    }
    let used = plan
        .created
        .iter()
        .flat_map(|c| c.table.columns.iter())
        .chain(plan.added.iter().map(|a| &a.column))
        .map(|c| c.data_type.trim_end_matches("[]"));
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for ty in used {
        let bare = ty.strip_prefix("public.").unwrap_or(ty);
        let known_live = live.enums.contains_key(ty) || live.enums.contains_key(bare);
        // `public.mood` and `mood` are one type: create it once.
        let planned = out
            .iter()
            .any(|(n, _)| n.strip_prefix("public.").unwrap_or(n) == bare);
        if known_live || planned {
            continue;
        }
        if let Some(labels) = schema.enums.get(ty).or_else(|| schema.enums.get(bare)) {
            out.push((ty.to_owned(), labels.clone()));
        }
    }
    out
}

/// Live as it will be once the plan's DDL ran: created tables (on
/// PostgreSQL without their foreign keys, which come after the data) and
/// added columns (at the end, as ALTER TABLE ADD COLUMN puts them), and
/// the enum types created.
pub fn effective_catalog(live: &Catalog, plan: &RepairPlan) -> Catalog {
    let mut out = live.clone();
    for c in &plan.created {
        let mut t = c.table.clone();
        if live.dialect == Dialect::Postgres {
            t.foreign_keys.clear();
        }
        out.tables.push(t);
    }
    for a in &plan.added {
        if let Some(t) = out.tables.iter_mut().find(|t| t.name == a.table) {
            t.columns.push(a.column.clone());
        }
    }
    for (name, labels) in &plan.enums {
        out.enums.insert(name.clone(), labels.clone());
        if let Some(bare) = name.strip_prefix("public.") {
            out.enums.insert(bare.to_owned(), labels.clone());
        }
    }
    out
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
