//! The closure of a pick: the picked backup rows, the backup rows that
//! depend on them (recursively, through any relation), and the rows they
//! need that are missing live (recursively). Pure: backup rows are in memory,
//! live presence comes as key sets, so the same inputs give the same closure.

use super::relations::Relation;
use crate::catalog::TableName;
use crate::value::{canonical_or_raw, canonicalize, Cell, TypeClass};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// One backup table, loaded: rows as cells aligned to `columns`.
#[derive(Clone, Debug)]
pub struct TableRows {
    /// The table as the live side names it.
    pub table: TableName,
    pub columns: Vec<String>,
    /// `None` = field absent in that row.
    pub rows: Vec<Vec<Option<Cell>>>,
    /// Class of each column (the live column's type where the table is live).
    pub classes: Vec<TypeClass>,
    /// The file the rows came from, and each row's line in it (1-based), so
    /// errors can point at the backup row; empty when not from a file.
    pub source: Option<std::path::PathBuf>,
    pub lines: Vec<u64>,
}

impl TableRows {
    /// Where `row` is in the backup: `path/projects.json:12`, or `row 13`.
    pub fn origin(&self, row: usize) -> String {
        match (&self.source, self.lines.get(row)) {
            (Some(path), Some(line)) => format!("{}:{line}", path.display()),
            _ => format!("{} row {}", self.table, row + 1),
        }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Canonical values of the named columns in `row`; None when a column is
    /// missing from the backup or a value is NULL.
    pub fn key_values(&self, row: usize, names: &[String]) -> Option<Vec<String>> {
        let cols: Option<Vec<usize>> = names.iter().map(|n| self.column(n)).collect();
        self.key_of(row, &cols?)
    }

    /// Canonical values of `cols` in `row`; None when any is NULL or absent
    /// (a NULL reference references nothing). Values that are not valid in
    /// the column's type are kept raw so they can still be named.
    fn key_of(&self, row: usize, cols: &[usize]) -> Option<Vec<String>> {
        cols.iter()
            .map(|&c| {
                let cell = self.rows[row].get(c)?.as_ref()?;
                canonical_or_raw(cell, &self.classes[c])
            })
            .collect()
    }
}

/// A row of the closure: table index into the universe, row index.
pub type RowRef = (usize, usize);

/// Why a row is in the closure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Matched pick number `n` (0-based).
    Picked(usize),
    /// References `of` through `relation`.
    Dependent { of: RowRef, relation: usize },
    /// Referenced by `of` through `relation` and missing live.
    RequiredParent { of: RowRef, relation: usize },
}

/// A referenced row found neither live nor in the backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocker {
    pub child: RowRef,
    pub relation: usize,
    /// The referenced key values (parent columns of the relation).
    pub key: Vec<String>,
}

/// Keys present live, per (table, key columns).
#[derive(Debug, Default)]
pub struct LiveKeys {
    /// table → key columns → keys. Nested so a lookup borrows its
    /// arguments (it runs for every row of a closure).
    keys: HashMap<TableName, HashMap<Vec<String>, HashSet<Vec<String>>>>,
}

impl LiveKeys {
    pub fn insert(&mut self, table: &TableName, columns: &[String], key: Vec<String>) {
        self.set(table, columns).insert(key);
    }

    /// Add many keys at once (one lookup for the whole set).
    pub fn extend(&mut self, table: &TableName, columns: &[String], keys: HashSet<Vec<String>>) {
        let set = self.set(table, columns);
        if set.is_empty() {
            *set = keys;
        } else {
            set.extend(keys);
        }
    }

    fn set(&mut self, table: &TableName, columns: &[String]) -> &mut HashSet<Vec<String>> {
        self.keys
            .entry(table.clone())
            .or_default()
            .entry(columns.to_vec())
            .or_default()
    }

    /// Declare that `table`'s `columns` were read (possibly with no rows).
    pub fn declare(&mut self, table: &TableName, columns: &[String]) {
        self.set(table, columns);
    }

    /// Whether live holds `key` in `table(columns)`; None when that was not read.
    pub fn contains(&self, table: &TableName, columns: &[String], key: &[String]) -> Option<bool> {
        self.keys
            .get(table)
            .and_then(|by_columns| by_columns.get(columns))
            .map(|set| set.contains(key))
    }
}

/// A pick resolved to backup rows: `(table index, row indices)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedPick {
    pub table: usize,
    pub rows: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Closure {
    /// Included rows per table index, sorted.
    pub rows: BTreeMap<usize, BTreeSet<usize>>,
    /// The first reason each row was reached (breadth-first: the shortest chain).
    pub reasons: HashMap<RowRef, Reason>,
    pub blockers: Vec<Blocker>,
    /// Relations that linked rows inside the closure (indices into the relation list).
    pub relations_used: BTreeSet<usize>,
}

impl Closure {
    pub fn len(&self) -> usize {
        self.rows.values().map(BTreeSet::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, row: RowRef) -> bool {
        self.rows.get(&row.0).is_some_and(|s| s.contains(&row.1))
    }

    /// The chain of reasons from a pick to `row`, first step first.
    pub fn chain(&self, row: RowRef) -> Vec<(RowRef, Reason)> {
        let mut chain = Vec::new();
        let mut at = row;
        let mut seen = HashSet::new();
        while let Some(reason) = self.reasons.get(&at) {
            if !seen.insert(at) {
                break;
            }
            chain.push((at, reason.clone()));
            match reason {
                Reason::Picked(_) => break,
                Reason::Dependent { of, .. } | Reason::RequiredParent { of, .. } => at = *of,
            }
        }
        chain.reverse();
        chain
    }
}

/// Options of the closure walk.
#[derive(Clone, Debug)]
pub struct ClosureOptions {
    /// Follow rows that reference the picked ones (default on).
    pub dependents: bool,
    /// Tables (universe indices) whose rows are never taken as dependents;
    /// so what hangs off them is not reached through them either. Their
    /// rows still come as picks and as required parents.
    pub exclude_dependents: BTreeSet<usize>,
}

impl Default for ClosureOptions {
    fn default() -> Self {
        ClosureOptions {
            dependents: true,
            exclude_dependents: BTreeSet::new(),
        }
    }
}

/// Column indices of a relation's two ends in the universe, when both ends
/// are loaded and have all the columns.
struct Link {
    child: usize,
    child_cols: Vec<usize>,
    parent: usize,
    parent_cols: Vec<usize>,
}

fn link(universe: &[TableRows], r: &Relation) -> Option<Link> {
    let child = universe.iter().position(|t| t.table == r.child)?;
    let parent = universe.iter().position(|t| t.table == r.parent)?;
    let cols = |t: usize, names: &[String]| -> Option<Vec<usize>> {
        names.iter().map(|n| universe[t].column(n)).collect()
    };
    Some(Link {
        child,
        child_cols: cols(child, &r.child_columns)?,
        parent,
        parent_cols: cols(parent, &r.parent_columns)?,
    })
}

/// Row index of `table` by the canonical values of `cols`.
type KeyIndex = HashMap<Vec<String>, Vec<usize>>;

fn index(t: &TableRows, cols: &[usize]) -> KeyIndex {
    let mut idx: KeyIndex = HashMap::new();
    for row in 0..t.rows.len() {
        if let Some(key) = t.key_of(row, cols) {
            idx.entry(key).or_default().push(row);
        }
    }
    idx
}

/// Walk from the picked rows. `relations` must name tables as `universe` does.
/// A required parent is looked up live through `live` (by the relation's
/// parent columns); if live was not read for it, the parent is assumed present.
pub fn closure(
    universe: &[TableRows],
    relations: &[Relation],
    picks: &[ResolvedPick],
    live: &LiveKeys,
    opts: ClosureOptions,
) -> Closure {
    let links: Vec<Option<Link>> = relations.iter().map(|r| link(universe, r)).collect();
    // Lazily built indexes: by parent columns (to find parents) and by child columns (to find dependents).
    let mut parent_idx: HashMap<usize, KeyIndex> = HashMap::new();
    let mut child_idx: HashMap<usize, KeyIndex> = HashMap::new();
    let mut out = Closure::default();
    // (row, follow its dependents): a required parent brings its own parents
    // but not the rest of what hangs off it (the owner of a lost project does
    // not bring back every other project of that owner).
    let mut queue: VecDeque<(RowRef, bool)> = VecDeque::new();
    let mut expanded: HashSet<RowRef> = HashSet::new();
    let mut reported: HashSet<(RowRef, usize)> = HashSet::new();

    for (n, pick) in picks.iter().enumerate() {
        for &row in &pick.rows {
            let r = (pick.table, row);
            if !out.contains(r) {
                out.rows.entry(r.0).or_default().insert(r.1);
                out.reasons.insert(r, Reason::Picked(n));
                queue.push_back((r, opts.dependents));
            }
        }
    }

    while let Some((at, follow_dependents)) = queue.pop_front() {
        if follow_dependents && !expanded.insert(at) {
            continue;
        }
        for (ri, l) in links.iter().enumerate() {
            let Some(l) = l else { continue };
            let rel = &relations[ri];
            // Required parents of `at`.
            if l.child == at.0 {
                if let Some(key) = universe[at.0].key_of(at.1, &l.child_cols) {
                    let present = live
                        .contains(&rel.parent, &rel.parent_columns, &key)
                        .unwrap_or(true);
                    if !present {
                        let idx = parent_idx
                            .entry(ri)
                            .or_insert_with(|| index(&universe[l.parent], &l.parent_cols));
                        match idx.get(&key).and_then(|rows| rows.first()) {
                            Some(&p) => {
                                let pr = (l.parent, p);
                                out.relations_used.insert(ri);
                                if !out.contains(pr) {
                                    out.rows.entry(pr.0).or_default().insert(pr.1);
                                    out.reasons.insert(
                                        pr,
                                        Reason::RequiredParent {
                                            of: at,
                                            relation: ri,
                                        },
                                    );
                                    queue.push_back((pr, false));
                                }
                            }
                            None => {
                                if reported.insert((at, ri)) {
                                    out.blockers.push(Blocker {
                                        child: at,
                                        relation: ri,
                                        key,
                                    });
                                }
                            }
                        }
                    }
                }
            }
            // Dependents of `at`.
            if follow_dependents && l.parent == at.0 && !opts.exclude_dependents.contains(&l.child)
            {
                if let Some(key) = universe[at.0].key_of(at.1, &l.parent_cols) {
                    let idx = child_idx
                        .entry(ri)
                        .or_insert_with(|| index(&universe[l.child], &l.child_cols));
                    if let Some(children) = idx.get(&key) {
                        for &c in children {
                            let cr = (l.child, c);
                            out.relations_used.insert(ri);
                            if !out.contains(cr) {
                                out.rows.entry(cr.0).or_default().insert(cr.1);
                                out.reasons.insert(
                                    cr,
                                    Reason::Dependent {
                                        of: at,
                                        relation: ri,
                                    },
                                );
                            }
                            if !expanded.contains(&cr) {
                                queue.push_back((cr, true));
                            }
                        }
                    }
                }
            }
        }
    }
    out.blockers.sort_by_key(|b| (b.child, b.relation));
    out
}

/// Rows of `t` whose `conditions` (column, value) all hold by meaning.
/// Errors name a column the table does not have.
pub fn match_rows(t: &TableRows, conditions: &[(String, String)]) -> Result<Vec<usize>, String> {
    let mut wanted = Vec::with_capacity(conditions.len());
    for (col, value) in conditions {
        let c = t
            .column(col)
            .ok_or_else(|| format!("table {} has no column {col} in the backup", t.table))?;
        let probe = Cell::Text(value.clone());
        let canon = match canonicalize(&probe, &t.classes[c]) {
            Ok(Some(v)) => v.into_owned(),
            Ok(None) => String::new(),
            Err(_) => value.clone(),
        };
        wanted.push((c, canon));
    }
    Ok((0..t.rows.len())
        .filter(|&row| {
            wanted
                .iter()
                .all(|(c, want)| t.key_of(row, &[*c]).is_some_and(|k| &k[0] == want))
        })
        .collect())
}

#[cfg(test)]
mod tests;
