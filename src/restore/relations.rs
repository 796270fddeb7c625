//! Relations between tables — declared live, declared in the backup's
//! schema, or inferred from column names — each knowing where it came from.
//!
//! Tables are named as the live catalog names them. A table that exists only
//! in the backup (dropped live, incident 2) keeps the backup's name (from
//! schema.sql when it is there, else from its data file), so relations
//! through it still take part in the closure; nothing enforces them live.
//! A relation is kept only when both ends can be named that way.

mod names;

use crate::catalog::{Catalog, Table, TableName};
use crate::report::visible;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

/// Where a relation was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationOrigin {
    /// A foreign key of the live database.
    Live,
    /// A foreign key in the backup's schema (schema.sql / dump), missing live.
    Backup,
    /// Guessed from names (`project_id` → `projects.id`); marked as such everywhere.
    Inferred,
}

impl fmt::Display for RelationOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RelationOrigin::Live => "live",
            RelationOrigin::Backup => "backup",
            RelationOrigin::Inferred => "inferred",
        })
    }
}

/// `child(child_columns)` references `parent(parent_columns)`.
///
/// `deferrable`/`initially_deferred` describe the live constraint, so they
/// are only ever true for [`RelationOrigin::Live`]: a backup-only or inferred
/// relation has no constraint live that `SET CONSTRAINTS` could name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Relation {
    pub name: Option<String>,
    pub child: TableName,
    pub child_columns: Vec<String>,
    pub parent: TableName,
    pub parent_columns: Vec<String>,
    pub origin: RelationOrigin,
    pub deferrable: bool,
    pub initially_deferred: bool,
}

impl Relation {
    /// One line for plans and reports:
    /// `public.test_sessions(project_id) → public.projects(id) [live]`.
    pub fn describe(&self) -> String {
        let mut flags = self.origin.to_string();
        if self.deferrable {
            flags.push_str(if self.initially_deferred {
                ", deferrable initially deferred"
            } else {
                ", deferrable"
            });
        }
        format!(
            "{}({}) → {}({}) [{flags}]",
            visible(&self.child.to_string()),
            visible(&self.child_columns.join(", ")),
            visible(&self.parent.to_string()),
            visible(&self.parent_columns.join(", ")),
        )
    }

    /// The relation in prose, without its origin: `users.organization_id →
    /// organizations.id`, composite keys as `t(a, b)`.
    pub fn arrow(&self) -> String {
        fn side(table: &TableName, columns: &[String]) -> String {
            match columns {
                [one] => format!("{table}.{one}"),
                many => format!("{table}({})", many.join(", ")),
            }
        }
        let text = format!(
            "{} → {}",
            side(&self.child, &self.child_columns),
            side(&self.parent, &self.parent_columns)
        );
        visible(&text).into_owned()
    }

    /// An employee's manager: rows of one table referencing each other.
    pub fn is_self_reference(&self) -> bool {
        self.child == self.parent
    }

    /// Identity for deduplication: the same column pairs in any order.
    fn key(&self) -> RelationKey {
        let mut pairs: Vec<(String, String)> = self
            .child_columns
            .iter()
            .cloned()
            .zip(self.parent_columns.iter().cloned())
            .collect();
        pairs.sort();
        (self.child.clone(), self.parent.clone(), pairs)
    }
}

/// Every relation between the tables of `live` and of the backup, sources in
/// precedence order (a later source never repeats an earlier one's relation):
/// 1. live foreign keys ([`RelationOrigin::Live`]);
/// 2. foreign keys in `backup_schema` missing live ([`RelationOrigin::Backup`]);
/// 3. if `infer`, columns named like references ([`RelationOrigin::Inferred`]),
///    by the rules below.
///
/// `backup_columns` lists the columns seen in each backup table's data (the
/// backup's names; resolved with [`Catalog::resolve`]).
///
/// Inference, for each column (live, schema.sql or backup data) that is not
/// already the single child column of a declared relation:
/// `project_id`, `projectId`, `project_uuid`, `ProjectID` point at a table
/// named `project`/`projects` (`-ies`, `-es` plurals too; case, `_` and `-`
/// ignored), optionally carrying the child table's prefix (in
/// `bazaar-vid_project`, `userId` → `bazaar-vid_user`). Tables in the
/// child's schema are preferred.
/// The parent needs a single-column primary key (live, else schema.sql),
/// which becomes the parent column. Skipped: several candidate tables, a
/// column that is its table's own key. Only the table name is matched, so
/// `employees.manager_id` or `categories.parent_id` are not inferred as
/// self-references; declared self-references are kept like any relation.
///
/// The result is sorted (child, columns, parent, columns, origin).
pub fn collect_relations(
    live: &Catalog,
    backup_schema: Option<&Catalog>,
    backup_columns: &[(TableName, Vec<String>)],
    infer: bool,
) -> Vec<Relation> {
    let universe = Universe::build(live, backup_schema, backup_columns);
    let mut found = Found::default();

    for table in &live.tables {
        for fk in &table.foreign_keys {
            found.add(Relation {
                name: fk.name.clone(),
                child: table.name.clone(),
                child_columns: fk.columns.clone(),
                parent: fk.referenced_table.clone(),
                parent_columns: fk.referenced_columns.clone(),
                origin: RelationOrigin::Live,
                deferrable: fk.deferrable,
                initially_deferred: fk.initially_deferred,
            });
        }
    }

    for (child_at, known) in universe.tables.iter().enumerate() {
        let Some(table) = known.backup else { continue };
        for fk in &table.foreign_keys {
            let Some(parent_at) = universe.find(&fk.referenced_table) else {
                continue;
            };
            let mut parent_columns = fk.referenced_columns.clone();
            if parent_columns.is_empty() {
                match universe.tables[parent_at].primary_key() {
                    Some(key) => parent_columns = key.to_vec(),
                    None => continue,
                }
            }
            if parent_columns.len() != fk.columns.len() {
                continue;
            }
            found.add(Relation {
                name: fk.name.clone(),
                child: known.name.clone(),
                child_columns: universe.columns_as_named(child_at, &fk.columns),
                parent: universe.tables[parent_at].name.clone(),
                parent_columns: universe.columns_as_named(parent_at, &parent_columns),
                origin: RelationOrigin::Backup,
                deferrable: false,
                initially_deferred: false,
            });
        }
    }

    if infer {
        for (child_at, known) in universe.tables.iter().enumerate() {
            for column in &known.columns {
                if found.covers(&known.name, column) {
                    continue;
                }
                if let Some(rel) = universe.infer(child_at, column) {
                    found.add(rel);
                }
            }
        }
    }

    let mut out = found.relations;
    out.sort_by(|a, b| {
        (
            &a.child,
            &a.child_columns,
            &a.parent,
            &a.parent_columns,
            a.origin,
            &a.name,
        )
            .cmp(&(
                &b.child,
                &b.child_columns,
                &b.parent,
                &b.parent_columns,
                b.origin,
                &b.name,
            ))
    });
    out
}

/// The relations in which `table` is the child, and those in which it is
/// the parent (a self-reference appears in both).
pub fn relations_of<'a>(
    rels: &'a [Relation],
    table: &TableName,
) -> (Vec<&'a Relation>, Vec<&'a Relation>) {
    let as_child = rels.iter().filter(|r| &r.child == table).collect();
    let as_parent = rels.iter().filter(|r| &r.parent == table).collect();
    (as_child, as_parent)
}

/// (child, parent, sorted (child column, parent column) pairs).
type RelationKey = (TableName, TableName, Vec<(String, String)>);

/// Relations so far, first one wins.
#[derive(Default)]
struct Found {
    relations: Vec<Relation>,
    keys: BTreeSet<RelationKey>,
}

impl Found {
    fn add(&mut self, rel: Relation) {
        if self.keys.insert(rel.key()) {
            self.relations.push(rel);
        }
    }

    /// Whether `column` of `table` alone already references something.
    fn covers(&self, table: &TableName, column: &str) -> bool {
        self.relations.iter().any(|r| {
            &r.child == table && r.child_columns.len() == 1 && r.child_columns[0] == column
        })
    }
}

/// One table as relations see it, under the name relations use for it.
struct Known<'a> {
    name: TableName,
    live: Option<&'a Table>,
    backup: Option<&'a Table>,
    /// Live columns, then columns known only from schema.sql or backup data
    /// (spelled as live spells them when a case-insensitive match exists).
    columns: Vec<String>,
}

impl Known<'_> {
    fn add_column(&mut self, column: &str) {
        if !self.columns.iter().any(|c| c.eq_ignore_ascii_case(column)) {
            self.columns.push(column.to_owned());
        }
    }

    /// The primary key: live's when the table is live and has one, else schema.sql's.
    fn primary_key(&self) -> Option<&[String]> {
        let live = self.live.and_then(|t| t.primary_key.as_ref());
        let backup = self.backup.and_then(|t| t.primary_key.as_ref());
        live.or(backup).map(|k| k.columns.as_slice())
    }
}

/// Every table relations can name: live tables, then backup-only ones.
struct Universe<'a> {
    live: &'a Catalog,
    backup_schema: Option<&'a Catalog>,
    tables: Vec<Known<'a>>,
}

impl<'a> Universe<'a> {
    fn build(
        live: &'a Catalog,
        backup_schema: Option<&'a Catalog>,
        backup_columns: &[(TableName, Vec<String>)],
    ) -> Self {
        let mut u = Universe {
            live,
            backup_schema,
            tables: live
                .tables
                .iter()
                .map(|t| Known {
                    name: t.name.clone(),
                    live: Some(t),
                    backup: None,
                    columns: t.columns.iter().map(|c| c.name.clone()).collect(),
                })
                .collect(),
        };
        for table in backup_schema.map_or(&[][..], |c| c.tables.as_slice()) {
            let at = match u.find_live(&table.name) {
                Some(at) if u.tables[at].backup.is_none() => at,
                Some(_) => continue, // two backup tables resolve to one live table: first wins
                None => {
                    u.tables.push(Known {
                        name: table.name.clone(),
                        live: None,
                        backup: None,
                        columns: Vec::new(),
                    });
                    u.tables.len() - 1
                }
            };
            u.tables[at].backup = Some(table);
            for column in &table.columns {
                u.tables[at].add_column(&column.name);
            }
        }
        for (name, columns) in backup_columns {
            let at = match u.find(name) {
                Some(at) => at,
                None => {
                    u.tables.push(Known {
                        name: name.clone(),
                        live: None,
                        backup: None,
                        columns: Vec::new(),
                    });
                    u.tables.len() - 1
                }
            };
            for column in columns {
                u.tables[at].add_column(column);
            }
        }
        u
    }

    fn find_live(&self, name: &TableName) -> Option<usize> {
        let table = self.live.resolve(name)?;
        self.tables
            .iter()
            .position(|k| k.live.is_some_and(|t| t.name == table.name))
    }

    /// The table a backup-side name refers to: live first, then schema.sql,
    /// then a table known only from backup data under exactly that name.
    fn find(&self, name: &TableName) -> Option<usize> {
        if let Some(at) = self.find_live(name) {
            return Some(at);
        }
        if let Some(table) = self.backup_schema.and_then(|c| c.resolve(name)) {
            if let Some(at) = self
                .tables
                .iter()
                .position(|k| k.backup.is_some_and(|t| t.name == table.name))
            {
                return Some(at);
            }
        }
        self.tables.iter().position(|k| &k.name == name)
    }

    /// Column names as the table at `at` spells them (schema.sql folds
    /// unquoted names to lower case; live may say `"userId"`).
    fn columns_as_named(&self, at: usize, columns: &[String]) -> Vec<String> {
        let known = &self.tables[at];
        columns
            .iter()
            .map(|c| {
                if known.columns.contains(c) {
                    return c.clone();
                }
                let mut same = known.columns.iter().filter(|k| k.eq_ignore_ascii_case(c));
                match (same.next(), same.next()) {
                    (Some(k), None) => k.clone(),
                    _ => c.clone(),
                }
            })
            .collect()
    }

    /// A relation guessed from `column`'s name, if exactly one table fits.
    fn infer(&self, child_at: usize, column: &str) -> Option<Relation> {
        let child = &self.tables[child_at];
        let stem = names::reference_stem(column)?;
        let candidates: Vec<usize> = (0..self.tables.len())
            .filter(|&i| names::names_match(stem, &child.name.name, &self.tables[i].name.name))
            .collect();
        let same_schema: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| self.tables[i].name.schema == child.name.schema)
            .collect();
        let parent_at = match (same_schema.as_slice(), candidates.as_slice()) {
            ([one], _) => *one,
            ([], [one]) => *one,
            _ => return None, // none, or ambiguous
        };
        let parent = &self.tables[parent_at];
        let [key] = parent.primary_key()? else {
            return None;
        };
        if parent_at == child_at && key == column {
            return None;
        }
        Some(Relation {
            name: None,
            child: child.name.clone(),
            child_columns: vec![column.to_owned()],
            parent: parent.name.clone(),
            parent_columns: self.columns_as_named(parent_at, std::slice::from_ref(key)),
            origin: RelationOrigin::Inferred,
            deferrable: false,
            initially_deferred: false,
        })
    }
}

#[cfg(test)]
mod tests;
