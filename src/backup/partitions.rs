//! The live side reads a partitioned table through its parent and does not
//! list the partitions, while pg_dump writes each partition's rows as a
//! table of its own. Folding a dump's partitions into their root makes the
//! backup name tables the way the live database does.

use super::{Backup, Locator};
use crate::catalog::TableName;
use std::collections::BTreeMap;

/// The top of the partition tree `table` is in (None when it is no partition).
pub(crate) fn root<'a>(
    partitions: &'a BTreeMap<TableName, TableName>,
    table: &TableName,
) -> Option<&'a TableName> {
    let mut root = partitions.get(table)?;
    // Bounded: a cycle in a hostile dump must not hang.
    for _ in 0..partitions.len() {
        match partitions.get(root) {
            Some(parent) => root = parent,
            None => break,
        }
    }
    Some(root)
}

/// Rename each partition's table source to its root and merge sources of
/// the same root (their blocks are read one after the other); drop the
/// partitions from the schema, which keeps the root's definition.
pub(crate) fn fold(backup: &mut Backup, partitions: &BTreeMap<TableName, TableName>) {
    if partitions.is_empty() {
        return;
    }
    let mut folded: Vec<super::TableSource> = Vec::with_capacity(backup.tables.len());
    for mut source in std::mem::take(&mut backup.tables) {
        if let Some(root) = root(partitions, &source.name) {
            source.name = root.clone();
        }
        match folded.iter_mut().find(|t| t.name == source.name) {
            Some(into) => merge(into, source),
            None => folded.push(source),
        }
    }
    backup.tables = folded;
    if let Some(schema) = &mut backup.schema {
        schema.tables.retain(|t| !partitions.contains_key(&t.name));
    }
}

fn merge(into: &mut super::TableSource, from: super::TableSource) {
    into.rows = match (into.rows, from.rows) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
    match (&mut into.locator, from.locator) {
        (Locator::Dump { entries, .. }, Locator::Dump { entries: more, .. }) => {
            entries.extend(more)
        }
        (Locator::Archive(entries), Locator::Archive(more)) => entries.extend(more),
        // Per-table files and database tables are never partitions here.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str) -> TableName {
        TableName::new(Some("public"), name)
    }

    #[test]
    fn roots_follow_the_tree_and_survive_a_cycle() {
        let mut p = BTreeMap::new();
        p.insert(t("events_2025_q1"), t("events_2025"));
        p.insert(t("events_2025"), t("events"));
        assert_eq!(root(&p, &t("events_2025_q1")), Some(&t("events")));
        assert_eq!(root(&p, &t("events")), None);
        p.insert(t("a"), t("b"));
        p.insert(t("b"), t("a"));
        assert!(root(&p, &t("a")).is_some());
    }
}
