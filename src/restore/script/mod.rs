//! The restore script: from a decided [`Selection`] to the exact statements
//! lifeboat previews and executes, plus the undo script, the re-checks run
//! inside the transaction before writing, and the values verification
//! expects to read back. Pure: the same selection gives byte-identical text.

mod checks;
mod rows;
mod unchanged;
mod undo;

pub use checks::{Check, CheckKind, Expected, ExpectedRow};

use super::closure::RowRef;
use super::literal::{literal, render_setval_to_max, sequence_of_default, PG_PREAMBLE};
use super::order::{
    plan_order, InsertTable, Link, OrderError, OrderInput, OrderPlan, RelationFacts, Step,
};
use super::plan::RowAction;
use super::relations::{Relation, RelationOrigin};
use super::selection::Selection;
use crate::catalog::{quote_ident, Catalog, Dialect, Table};
use crate::error::{Error, Result};
use crate::value::{classify, Cell, TypeClass};
use rows::Renderer;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// How the script is written.
#[derive(Clone, Copy, Debug)]
pub struct ScriptOptions {
    /// Rows per multi-row INSERT.
    pub batch_rows: usize,
    /// `SET LOCAL lock_timeout` (PostgreSQL): give up rather than queue
    /// behind the application's locks.
    pub lock_timeout: Duration,
    /// `SET LOCAL statement_timeout` (PostgreSQL).
    pub statement_timeout: Duration,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        ScriptOptions {
            batch_rows: super::literal::DEFAULT_BATCH_ROWS,
            lock_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(300),
        }
    }
}

/// What a statement does, so the executor knows where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// Session settings before the transaction.
    Setup,
    Begin,
    /// Settings inside the transaction (timeouts, deferred constraints).
    Settings,
    Insert,
    /// A link written as NULL to break a cycle, now set.
    FixLink,
    /// A conflicting row's differing columns (`--on-conflict update`).
    Update,
    /// A DELETE of the undo script.
    Delete,
    /// Moving a sequence past the restored ids.
    Setval,
    /// Schema repair: CREATE TABLE, ALTER TABLE ADD COLUMN / CONSTRAINT,
    /// VALIDATE, and in the undo script the DROPs.
    Schema,
    Commit,
}

impl StatementKind {
    /// Whether the statement writes rows.
    pub fn writes(self) -> bool {
        matches!(
            self,
            StatementKind::Insert
                | StatementKind::FixLink
                | StatementKind::Update
                | StatementKind::Delete
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    pub kind: StatementKind,
    /// The backup rows it writes (or reverts), for error messages.
    pub rows: Vec<RowRef>,
    /// INSERT: byte range of each row's tuple in `sql`, same order as `rows`.
    pub tuples: Vec<std::ops::Range<usize>>,
}

impl Statement {
    fn new(kind: StatementKind, sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            kind,
            rows: Vec::new(),
            tuples: Vec::new(),
        }
    }

    /// An INSERT of just its `n`-th row (for finding the row a batch fails on).
    pub fn single_row(&self, n: usize) -> Option<String> {
        let first = self.tuples.first()?;
        let tuple = self.tuples.get(n)?;
        Some(format!(
            "{}{};",
            self.sql.get(..first.start)?,
            self.sql.get(tuple.clone())?
        ))
    }

    /// The statement's first line, for messages.
    pub fn head(&self) -> &str {
        self.sql.lines().next().unwrap_or("")
    }
}

/// A complete script: `BEGIN; ... COMMIT;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub dialect: Dialect,
    /// Comment lines at the top (without `-- `).
    pub header: Vec<String>,
    pub statements: Vec<Statement>,
}

impl Script {
    /// The script as a file: header comments, one statement after another.
    /// SQLite scripts start with `.bail on`, a directive of the sqlite3
    /// shell (which otherwise carries on after an error and would COMMIT
    /// half a restore); it is not a statement and lifeboat does not send it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.header {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
        if self.dialect == Dialect::Sqlite {
            out.push_str(".bail on\n");
        }
        for s in &self.statements {
            out.push_str(&s.sql);
            out.push('\n');
        }
        out
    }

    /// Number of statements of `kind`.
    pub fn count(&self, kind: StatementKind) -> usize {
        self.statements.iter().filter(|s| s.kind == kind).count()
    }
}

/// Everything the executor needs, and the preview shows.
#[derive(Clone, Debug)]
pub struct RestoreScripts {
    pub script: Script,
    pub undo: Script,
    /// Run inside the transaction before the first write.
    pub checks: Vec<Check>,
    /// Read back after COMMIT.
    pub expected: Vec<Expected>,
    /// Live constraints deferred (`schema.name`), empty when none.
    pub deferred: Vec<String>,
    /// Foreign keys are checked at COMMIT (some rows reference each other).
    pub defers: bool,
    /// Links written as NULL and set by an UPDATE afterwards.
    pub fix_links: usize,
}

/// The DDL of a schema repair, rendered (`repair::statements`), and where
/// it goes: `before` the rows (types, sequences, tables, columns), `after`
/// them (constraints, validation); in the undo script `undo_first` before
/// the rows are taken out (constraints) and `undo_last` after (columns,
/// tables, types).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaSteps {
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub undo_first: Vec<String>,
    pub undo_last: Vec<String>,
}

impl SchemaSteps {
    fn statements(sqls: &[String]) -> impl Iterator<Item = Statement> + '_ {
        sqls.iter()
            .map(|sql| Statement::new(StatementKind::Schema, sql.clone()))
    }
}

/// Turn a selection into scripts. Fails when a row cannot be rendered (a
/// value pre-flight let through but no literal fits) or when the rows form
/// a loop no constraint deferral or nullable link can break.
pub fn build(
    sel: &Selection,
    catalog: &Catalog,
    opts: &ScriptOptions,
    header: Vec<String>,
    schema: &SchemaSteps,
) -> Result<RestoreScripts> {
    let dialect = catalog.dialect;
    let mut inserts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut updates: Vec<(RowRef, Vec<String>)> = Vec::new();
    let mut planned_key: HashMap<RowRef, Vec<String>> = HashMap::new();
    for p in &sel.classified.rows {
        planned_key.insert(p.row, p.key.iter().map(|(_, v)| v.clone()).collect());
        match &p.action {
            RowAction::Insert => inserts.entry(p.row.0).or_default().push(p.row.1),
            RowAction::Update { columns } => updates.push((p.row, columns.clone())),
            _ => {}
        }
    }
    for rows in inserts.values_mut() {
        rows.sort_unstable();
    }
    updates.sort();

    let tables: Vec<TableInfo> = sel
        .universe
        .iter()
        .map(|t| {
            let live = catalog.table(&t.table);
            let classes = live.map_or_else(Vec::new, |l| {
                l.columns
                    .iter()
                    .map(|c| classify(&c.data_type, dialect, &catalog.enums))
                    .collect()
            });
            let field = live.map_or_else(Vec::new, |l| {
                l.columns
                    .iter()
                    .map(|c| t.columns.iter().position(|f| *f == c.name))
                    .collect()
            });
            TableInfo {
                live,
                classes,
                field,
            }
        })
        .collect();
    let needs_live = inserts.keys().chain(updates.iter().map(|((t, _), _)| t));
    for &t in needs_live {
        if tables[t].live.is_none() {
            return Err(Error::Other(format!(
                "table {} does not exist live; cannot write rows into it",
                sel.universe[t].table
            )));
        }
    }

    // Order.
    let order_tables: Vec<usize> = inserts.keys().copied().collect();
    let insert_tables: Vec<InsertTable> = order_tables
        .iter()
        .map(|&t| InsertTable {
            name: sel.universe[t].table.clone(),
            rows: inserts[&t].len(),
        })
        .collect();
    let facts: Vec<RelationFacts> = sel
        .relations
        .iter()
        .map(|r| relation_facts(r, catalog))
        .collect();
    let links = row_links(sel, &order_tables, &inserts);
    let order = plan_order(&OrderInput {
        tables: &insert_tables,
        relations: &sel.relations,
        facts: &facts,
        links: &links,
    })
    .map_err(|e| order_error(e, sel, &order_tables, &inserts, &planned_key))?;

    let deferred: Vec<String> = order
        .deferred()
        .iter()
        .filter_map(|&r| constraint_name(&sel.relations[r]))
        .collect();
    let render = Renderer {
        sel,
        tables: &tables,
        dialect,
        batch_rows: opts.batch_rows,
        planned_key: &planned_key,
    };

    let defer = !order.deferred().is_empty();
    // The undo script, the re-checks and the expected values do not depend
    // on the main script: build them on a second core meanwhile.
    let (statements, (undo, checks, expected)) = std::thread::scope(|scope| {
        let side = scope.spawn(|| -> Result<_> {
            let undo = undo::build(
                &render,
                &order,
                &order_tables,
                &inserts,
                &updates,
                opening(dialect, opts, defer, &deferred),
                schema,
            )?;
            let checks = checks::build(&render, &inserts, &updates)?;
            let expected = checks::expected(&render, &inserts, &updates);
            Ok((undo, checks, expected))
        });
        let main = main_statements(
            &render,
            &order,
            &order_tables,
            &inserts,
            &updates,
            opening(dialect, opts, defer, &deferred),
            schema,
        );
        let side = side
            .join()
            .map_err(|_| Error::Other("building the undo script failed unexpectedly".into()))?;
        Ok::<_, Error>((main?, side?))
    })?;
    let script = Script {
        dialect,
        header,
        statements,
    };
    Ok(RestoreScripts {
        script,
        undo,
        checks,
        expected,
        deferred,
        defers: defer,
        fix_links: order.fix_count(),
    })
}

/// The restore script's statements, in order.
fn main_statements(
    render: &Renderer<'_>,
    order: &OrderPlan,
    order_tables: &[usize],
    inserts: &BTreeMap<usize, Vec<usize>>,
    updates: &[(RowRef, Vec<String>)],
    opening: Vec<Statement>,
    schema: &SchemaSteps,
) -> Result<Vec<Statement>> {
    let sel = render.sel;
    let mut statements = opening;
    statements.extend(SchemaSteps::statements(&schema.before));
    for step in &order.steps {
        match step {
            Step::DeferConstraints { .. } => {}
            Step::Insert {
                table,
                rows,
                null_links,
            } => {
                let t = order_tables[*table];
                let backup_rows: Vec<usize> = rows.iter().map(|&r| inserts[&t][r]).collect();
                let mut nulls: HashMap<usize, Vec<&str>> = HashMap::new();
                for n in null_links {
                    let cols = sel.relations[n.relation].child_columns.iter();
                    nulls
                        .entry(inserts[&t][n.row])
                        .or_default()
                        .extend(cols.map(String::as_str));
                }
                statements.extend(render.inserts(t, &backup_rows, &nulls)?);
            }
            Step::FixLink {
                table,
                row,
                relation,
                ..
            } => {
                let t = order_tables[*table];
                let r = inserts[&t][*row];
                let columns = &sel.relations[*relation].child_columns;
                statements.push(render.update(StatementKind::FixLink, (t, r), columns)?);
            }
        }
    }
    // Rows of one table setting the same columns share batched UPDATEs.
    let groups = RowGroup::of(updates.iter().map(|(row, columns)| (*row, columns)));
    for g in groups {
        statements.extend(render.updates(StatementKind::Update, g.table, &g.rows, g.by)?);
    }
    statements.extend(SchemaSteps::statements(&schema.after));
    for &t in order_tables {
        statements.extend(setvals(
            &render.tables[t],
            &sel.universe[t].table,
            render.dialect,
        ));
    }
    statements.push(Statement::new(StatementKind::Commit, "COMMIT;"));
    Ok(statements)
}

/// Rows of one table that share something (the columns they set), in the
/// order the first of them came.
pub(super) struct RowGroup<K> {
    pub table: usize,
    pub by: K,
    pub rows: Vec<usize>,
}

impl<K: PartialEq> RowGroup<K> {
    pub fn of(rows: impl Iterator<Item = (RowRef, K)>) -> Vec<RowGroup<K>> {
        let mut groups: Vec<RowGroup<K>> = Vec::new();
        for ((table, r), by) in rows {
            match groups.iter_mut().find(|g| g.table == table && g.by == by) {
                Some(g) => g.rows.push(r),
                None => groups.push(RowGroup {
                    table,
                    by,
                    rows: vec![r],
                }),
            }
        }
        groups
    }
}

/// The live side of one universe table.
pub(crate) struct TableInfo<'a> {
    live: Option<&'a Table>,
    /// Class of each live column.
    classes: Vec<TypeClass>,
    /// Backup field index of each live column.
    field: Vec<Option<usize>>,
}

impl TableInfo<'_> {
    /// The literal of `cell` for live column `i`.
    fn literal(&self, i: usize, cell: &Cell, dialect: Dialect) -> Result<String, String> {
        let Some(live) = self.live else {
            return Err("table does not exist live".into());
        };
        literal(cell, &live.columns[i], &self.classes[i], dialect).map_err(|e| e.reason)
    }
}

fn relation_facts(r: &Relation, catalog: &Catalog) -> RelationFacts {
    let child = catalog.table(&r.child);
    RelationFacts {
        enforced: r.origin == RelationOrigin::Live && child.is_some(),
        nullable: child.is_some_and(|t| {
            r.child_columns
                .iter()
                .all(|c| t.column(c).is_some_and(|col| col.nullable))
        }),
    }
}

/// Row-level links between rows that are both being inserted.
fn row_links(
    sel: &Selection,
    order_tables: &[usize],
    inserts: &BTreeMap<usize, Vec<usize>>,
) -> Vec<Link> {
    let position = |t: usize| order_tables.iter().position(|&x| x == t);
    let mut links = Vec::new();
    for (ri, rel) in sel.relations.iter().enumerate() {
        let find = |name| sel.universe.iter().position(|t| &t.table == name);
        let (Some(c), Some(p)) = (find(&rel.child), find(&rel.parent)) else {
            continue;
        };
        let (Some(oc), Some(op)) = (position(c), position(p)) else {
            continue;
        };
        let mut parents: HashMap<Vec<String>, usize> = HashMap::new();
        for (local, &r) in inserts[&p].iter().enumerate() {
            if let Some(k) = sel.universe[p].key_values(r, &rel.parent_columns) {
                parents.entry(k).or_insert(local);
            }
        }
        for (local, &r) in inserts[&c].iter().enumerate() {
            let Some(k) = sel.universe[c].key_values(r, &rel.child_columns) else {
                continue;
            };
            if let Some(&parent) = parents.get(&k) {
                links.push(Link {
                    child: super::order::RowId {
                        table: oc,
                        row: local,
                    },
                    relation: ri,
                    parent: super::order::RowId {
                        table: op,
                        row: parent,
                    },
                });
            }
        }
    }
    links
}

fn order_error(
    e: OrderError,
    sel: &Selection,
    order_tables: &[usize],
    inserts: &BTreeMap<usize, Vec<usize>>,
    planned_key: &HashMap<RowRef, Vec<String>>,
) -> Error {
    match &e {
        OrderError::UnbreakableCycle { rows, .. } => {
            let named: Vec<String> = rows
                .iter()
                .take(6)
                .map(|id| {
                    let t = order_tables[id.table];
                    let r = inserts[&t][id.row];
                    let key = planned_key.get(&(t, r)).map_or_else(String::new, |k| {
                        crate::report::visible(&k.join(", ")).into_owned()
                    });
                    format!("{} ({key})", sel.universe[t].table)
                })
                .collect();
            Error::Usage(format!("{e}; rows in the loop: {}", named.join(", ")))
        }
        OrderError::InvalidInput(_) => Error::Other(e.to_string()),
    }
}

/// `"schema"."constraint"` for `SET CONSTRAINTS`, when the relation is a
/// named live constraint.
fn constraint_name(r: &Relation) -> Option<String> {
    let name = r.name.as_ref()?;
    Some(match &r.child.schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
        None => quote_ident(name),
    })
}

/// Everything before the first write.
fn opening(
    dialect: Dialect,
    opts: &ScriptOptions,
    defer: bool,
    deferred: &[String],
) -> Vec<Statement> {
    let ms = |d: Duration| d.as_millis().max(1);
    let mut out = Vec::new();
    match dialect {
        Dialect::Postgres => {
            for line in PG_PREAMBLE.lines() {
                out.push(Statement::new(StatementKind::Setup, line));
            }
            out.push(Statement::new(StatementKind::Begin, "BEGIN;"));
            out.push(Statement::new(
                StatementKind::Settings,
                format!("SET LOCAL lock_timeout = '{}ms';", ms(opts.lock_timeout)),
            ));
            out.push(Statement::new(
                StatementKind::Settings,
                format!(
                    "SET LOCAL statement_timeout = '{}ms';",
                    ms(opts.statement_timeout)
                ),
            ));
            if !deferred.is_empty() {
                out.push(Statement::new(
                    StatementKind::Settings,
                    format!("SET CONSTRAINTS {} DEFERRED;", deferred.join(", ")),
                ));
            }
        }
        Dialect::Sqlite => {
            // Off by default per connection; on, a broken link fails the restore.
            out.push(Statement::new(
                StatementKind::Setup,
                "PRAGMA foreign_keys = ON;",
            ));
            // Take the write lock now rather than fail to upgrade half-way.
            out.push(Statement::new(StatementKind::Begin, "BEGIN IMMEDIATE;"));
            if defer {
                out.push(Statement::new(
                    StatementKind::Settings,
                    "PRAGMA defer_foreign_keys = ON;",
                ));
            }
        }
    }
    out
}

/// Sequences moved past the restored ids of `table`'s written columns.
fn setvals(
    info: &TableInfo<'_>,
    table: &crate::catalog::TableName,
    dialect: Dialect,
) -> Vec<Statement> {
    let Some(live) = info.live else {
        return Vec::new();
    };
    live.columns
        .iter()
        .enumerate()
        .filter(|(i, c)| info.field[*i].is_some() && c.generated.is_none())
        .filter_map(|(_, c)| {
            let from_default = c.default.as_deref().and_then(sequence_of_default);
            if c.identity.is_none() && from_default.is_none() {
                return None;
            }
            render_setval_to_max(table, &c.name, from_default.as_deref(), dialect)
                .map(|sql| Statement::new(StatementKind::Setval, sql))
        })
        .collect()
}
