//! Insert order over relations, with self-references and cycles.
//!
//! Pure planning: the caller says which rows will be inserted and which of
//! them reference which (row-level links through a relation); the planner
//! answers with batches of inserts in an order every enforced foreign key
//! accepts. Where the rows form a loop through enforced keys it breaks the
//! loop — deferring DEFERRABLE constraints, or writing a nullable link as
//! NULL and setting it with an UPDATE once both rows exist — or says, in
//! operator terms, why it cannot.
//!
//! Foreign keys are checked at the end of each statement (PostgreSQL and
//! SQLite alike), so a row that references itself needs nothing special.
//! Rows referencing each other are not relied on to share a statement:
//! the renderer may cut a batch into several INSERTs.

mod breaks;
mod graph;
mod sequence;
mod tables;
#[cfg(test)]
mod tests;

use super::relations::Relation;
use crate::catalog::TableName;
use serde::Serialize;
use std::collections::HashMap;

/// A table some rows will be inserted into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertTable {
    pub name: TableName,
    /// Number of rows to insert; they are known here as rows `0..rows`.
    pub rows: usize,
}

/// One row to insert: `table` indexes [`OrderInput::tables`], `row` is in
/// `0..tables[table].rows`. The caller maps it back to the backup row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RowId {
    pub table: usize,
    pub row: usize,
}

/// `child` references `parent` through `relations[relation]`, and both rows
/// are being inserted. Links to rows already live do not constrain order
/// and are left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Link {
    pub child: RowId,
    pub relation: usize,
    pub parent: RowId,
}

/// What the caller knows about a relation on the live side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelationFacts {
    /// The live database enforces it (a live foreign key). Relations only in
    /// the backup's schema or inferred from names cannot make an insert fail:
    /// they still shape the order but never cost a deferral or an UPDATE.
    pub enforced: bool,
    /// Every child column is nullable in the live table, so the link can be
    /// written as NULL first and set afterwards.
    pub nullable: bool,
}

/// Everything the planner looks at.
#[derive(Clone, Copy, Debug)]
pub struct OrderInput<'a> {
    pub tables: &'a [InsertTable],
    pub relations: &'a [Relation],
    /// One entry per relation, same index.
    pub facts: &'a [RelationFacts],
    pub links: &'a [Link],
}

/// A row whose columns of `relation` are inserted as NULL (set later by a
/// [`Step::FixLink`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NullLink {
    pub row: usize,
    pub relation: usize,
}

/// One step of the plan, run in order inside one transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// First step when needed: `SET CONSTRAINTS <name>, ... DEFERRED`
    /// (PostgreSQL) / `PRAGMA defer_foreign_keys = ON` (SQLite). Listed even
    /// when a constraint is INITIALLY DEFERRED already; saying it is harmless.
    DeferConstraints { relations: Vec<usize> },
    /// Insert these rows of `table`, in this order (parents first inside a
    /// self-referencing table). Any prefix split keeps the order valid.
    Insert {
        table: usize,
        rows: Vec<usize>,
        /// Rows whose link columns are written as NULL for now.
        null_links: Vec<NullLink>,
    },
    /// `UPDATE table SET <child columns of relation> = <backup values>` for
    /// `row`, now that it and `parent` both exist.
    FixLink {
        table: usize,
        row: usize,
        relation: usize,
        parent: RowId,
    },
}

/// The order of inserts; identical input gives an identical plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrderPlan {
    pub steps: Vec<Step>,
}

impl OrderPlan {
    /// Relations deferred by the plan (empty when none).
    pub fn deferred(&self) -> &[usize] {
        match self.steps.first() {
            Some(Step::DeferConstraints { relations }) => relations,
            _ => &[],
        }
    }

    /// Every row in insertion order (the undo script deletes in reverse).
    pub fn rows_in_order(&self) -> impl Iterator<Item = RowId> + '_ {
        self.steps.iter().flat_map(|step| match step {
            Step::Insert { table, rows, .. } => rows
                .iter()
                .map(|&row| RowId { table: *table, row })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    }

    /// Number of UPDATEs setting links written as NULL.
    pub fn fix_count(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s, Step::FixLink { .. }))
            .count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// Rows referencing each other in a loop through foreign keys that are
    /// all NOT NULL and not DEFERRABLE.
    #[error("{}", unbreakable_message(descriptions))]
    UnbreakableCycle {
        /// Tables in the loop, by name.
        tables: Vec<TableName>,
        /// Relations in the loop (indices into the input's relations).
        relations: Vec<usize>,
        /// The same relations for people (`users.organization_id → organizations.id`).
        descriptions: Vec<String>,
        /// The rows of one such loop, so the caller can name their keys.
        rows: Vec<RowId>,
    },
    /// The caller handed in inconsistent ids; a bug upstream, not bad data.
    #[error("restore order: {0}")]
    InvalidInput(String),
}

fn unbreakable_message(descriptions: &[String]) -> String {
    let hint = "deselect one of these rows, or make one of these foreign keys DEFERRABLE";
    match descriptions {
        [one] => format!(
            "{one} is NOT NULL and not DEFERRABLE, and the rows to restore reference each \
             other through it in a loop; lifeboat cannot insert any of them first ({hint})"
        ),
        [a, b] => format!(
            "{a} and {b} are both NOT NULL and not DEFERRABLE; lifeboat cannot insert \
             either row first ({hint})"
        ),
        [init @ .., last] => format!(
            "{} and {last} are all NOT NULL and not DEFERRABLE; lifeboat cannot insert \
             any of these rows first ({hint})",
            init.join(", ")
        ),
        [] => format!("rows reference each other in a loop ({hint})"),
    }
}

/// Plan the order of inserts. See the module documentation.
pub fn plan_order(input: &OrderInput<'_>) -> Result<OrderPlan, OrderError> {
    let rows = RowSpace::new(input.tables);
    let links = checked_links(input, &rows)?;
    let ranks = tables::ranks(input.tables, &rows, &links);
    let relation_rank = relation_ranks(input.relations);
    sequence::plan(input, &rows, &links, &ranks, &relation_rank)
}

/// Rows of all tables numbered densely: table `t` owns `offset[t]..offset[t+1]`.
pub(crate) struct RowSpace {
    offset: Vec<usize>,
    table_of: Vec<usize>,
}

impl RowSpace {
    fn new(tables: &[InsertTable]) -> Self {
        let mut offset = Vec::with_capacity(tables.len() + 1);
        let mut table_of = Vec::new();
        offset.push(0);
        for (t, table) in tables.iter().enumerate() {
            table_of.extend(std::iter::repeat_n(t, table.rows));
            offset.push(table_of.len());
        }
        RowSpace { offset, table_of }
    }

    fn len(&self) -> usize {
        self.table_of.len()
    }

    fn node(&self, id: RowId) -> usize {
        self.offset[id.table] + id.row
    }

    fn id(&self, node: usize) -> RowId {
        let table = self.table_of[node];
        RowId {
            table,
            row: node - self.offset[table],
        }
    }

    fn table(&self, node: usize) -> usize {
        self.table_of[node]
    }
}

/// A link in row numbers: `parent` must exist before `child`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NodeLink {
    pub parent: usize,
    pub child: usize,
    pub relation: usize,
}

/// Validates ids, drops duplicates and rows referencing themselves (one row
/// is one statement's worth, checked after it), sorts for determinism.
fn checked_links(input: &OrderInput<'_>, rows: &RowSpace) -> Result<Vec<NodeLink>, OrderError> {
    let bad = |m: String| Err(OrderError::InvalidInput(m));
    if input.facts.len() != input.relations.len() {
        return bad(format!(
            "{} relations but {} relation facts",
            input.relations.len(),
            input.facts.len()
        ));
    }
    let mut names = HashMap::new();
    for (t, table) in input.tables.iter().enumerate() {
        if let Some(first) = names.insert(&table.name, t) {
            return bad(format!(
                "table {} listed twice ({first} and {t})",
                table.name
            ));
        }
    }
    let row_ok = |id: RowId| {
        input
            .tables
            .get(id.table)
            .is_some_and(|table| id.row < table.rows)
    };
    let mut out = Vec::with_capacity(input.links.len());
    for link in input.links {
        let Some(relation) = input.relations.get(link.relation) else {
            return bad(format!("link through unknown relation {}", link.relation));
        };
        for id in [link.child, link.parent] {
            if !row_ok(id) {
                return bad(format!("link names unknown row {id:?}"));
            }
        }
        let child_table = &input.tables[link.child.table].name;
        let parent_table = &input.tables[link.parent.table].name;
        if *child_table != relation.child || *parent_table != relation.parent {
            return bad(format!(
                "link {child_table} → {parent_table} does not match relation {}",
                relation.arrow()
            ));
        }
        if link.child != link.parent {
            out.push(NodeLink {
                parent: rows.node(link.parent),
                child: rows.node(link.child),
                relation: link.relation,
            });
        }
    }
    out.sort_unstable();
    out.dedup();
    // One set of link columns holds one parent key.
    let mut parent_of = HashMap::new();
    for link in &out {
        if let Some(other) = parent_of.insert((link.child, link.relation), link.parent) {
            return bad(format!(
                "row {:?} references two rows ({:?}, {:?}) through {}",
                rows.id(link.child),
                rows.id(other),
                rows.id(link.parent),
                input.relations[link.relation].arrow()
            ));
        }
    }
    Ok(out)
}

/// Position of each relation when sorted by what it is (tables and columns),
/// so choices do not depend on the order the caller listed relations in.
fn relation_ranks(relations: &[Relation]) -> Vec<usize> {
    let mut by_content: Vec<usize> = (0..relations.len()).collect();
    by_content.sort_by(|&a, &b| {
        let key = |r: &Relation| {
            (
                r.child.clone(),
                r.child_columns.clone(),
                r.parent.clone(),
                r.parent_columns.clone(),
                r.name.clone(),
                r.origin,
            )
        };
        key(&relations[a]).cmp(&key(&relations[b])).then(a.cmp(&b))
    });
    let mut rank = vec![0; relations.len()];
    for (position, &r) in by_content.iter().enumerate() {
        rank[r] = position;
    }
    rank
}
