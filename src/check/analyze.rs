//! The pure half of the health check: what the catalogs say on their own
//! (missing keys, missing tables, differing types), how a relation is joined
//! to find its orphans, and when a sequence is behind. No I/O.

use super::{MissingColumn, TypeDifference};
use crate::catalog::{Catalog, TableName};
use crate::live::{join_columns, OrphanQuery};
use crate::restore::relations::Relation;
use crate::value::same_type;

/// Live tables without a primary key (rows cannot be told apart, nor restored by key).
pub fn without_primary_key(live: &Catalog) -> Vec<TableName> {
    live.tables
        .iter()
        .filter(|t| t.primary_key.is_none())
        .map(|t| t.name.clone())
        .collect()
}

/// Tables the backup has (in its schema or as data) that live lacks, sorted.
/// A data file its own schema already names is counted once.
pub fn missing_tables(
    live: &Catalog,
    backup_schema: Option<&Catalog>,
    backup_data: &[TableName],
) -> Vec<TableName> {
    let mut out: Vec<TableName> = Vec::new();
    let schema_tables = backup_schema
        .map(|s| s.tables.as_slice())
        .unwrap_or_default();
    for name in schema_tables.iter().map(|t| &t.name) {
        if live.resolve(name).is_none() {
            out.push(name.clone());
        }
    }
    for name in backup_data {
        let in_schema = backup_schema.is_some_and(|s| s.resolve(name).is_some());
        if !in_schema && live.resolve(name).is_none() {
            out.push(name.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Live columns whose type differs from the backup schema's for the same
/// table and column (`uuid` in the backup, `character varying(36)` live).
pub fn type_differences(live: &Catalog, backup_schema: &Catalog) -> Vec<TypeDifference> {
    let mut out = Vec::new();
    for table in &live.tables {
        let Some(before) = backup_schema.resolve(&table.name) else {
            continue;
        };
        for column in &table.columns {
            let Some(was) = before.column(&column.name) else {
                continue;
            };
            if !same_type(&was.data_type, &column.data_type) {
                out.push(TypeDifference {
                    table: table.name.to_string(),
                    column: column.name.clone(),
                    live_type: column.data_type.clone(),
                    backup_type: was.data_type.clone(),
                });
            }
        }
    }
    out
}

/// Columns of the backup schema's tables that the same live table lacks
/// (dropped by a migration, as incident 2's nine `projects` columns).
pub fn missing_columns(live: &Catalog, backup_schema: &Catalog) -> Vec<MissingColumn> {
    let mut out = Vec::new();
    for table in &live.tables {
        let Some(before) = backup_schema.resolve(&table.name) else {
            continue;
        };
        for was in &before.columns {
            if table.column(&was.name).is_none() {
                out.push(MissingColumn {
                    table: table.name.to_string(),
                    column: was.name.clone(),
                    backup_type: was.data_type.clone(),
                });
            }
        }
    }
    out
}

/// How to look for `rel`'s orphans live, or why that cannot be done: both
/// tables and every column must exist live. Columns of differing types are
/// compared as text (a relation inferred across `varchar(36)` and `uuid`),
/// lower-cased when one is a uuid.
pub fn orphan_query(rel: &Relation, live: &Catalog) -> Result<OrphanQuery, String> {
    let child = live
        .table(&rel.child)
        .ok_or_else(|| format!("table {} is missing live", rel.child))?;
    let parent = live
        .table(&rel.parent)
        .ok_or_else(|| format!("table {} is missing live", rel.parent))?;
    let columns = join_columns(child, parent, &rel.child_columns, &rel.parent_columns)?;
    let child_key = child
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.iter().all(|c| child.column(c).is_some()))
        .map(|pk| pk.columns.clone())
        .unwrap_or_default();
    Ok(OrphanQuery {
        child: rel.child.clone(),
        parent: rel.parent.clone(),
        columns,
        child_key,
    })
}

/// A sequence is behind when the value it hands out next is already taken:
/// the next insert relying on it fails with a duplicate key. Descending
/// sequences are judged the other way round.
pub fn sequence_behind(next_value: i64, increment: i64, max_value: Option<i64>) -> bool {
    match max_value {
        None => false,
        Some(max) if increment >= 0 => next_value <= max,
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Column, Dialect, KeyConstraint, Table};
    use crate::restore::relations::RelationOrigin;

    fn table(name: &str, columns: &[(&str, &str)], pk: bool) -> Table {
        Table {
            name: TableName::new(Some("public"), name),
            columns: columns
                .iter()
                .map(|(n, t)| Column {
                    name: (*n).into(),
                    data_type: (*t).into(),
                    nullable: true,
                    default: None,
                    identity: None,
                    generated: None,
                })
                .collect(),
            primary_key: pk.then(|| KeyConstraint {
                name: None,
                columns: vec!["id".into()],
            }),
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
        }
    }

    fn catalog(tables: Vec<Table>) -> Catalog {
        let mut c = Catalog::new(Dialect::Postgres);
        c.tables = tables;
        c
    }

    fn rel(child: &str, col: &str, parent: &str) -> Relation {
        Relation {
            name: None,
            child: TableName::new(Some("public"), child),
            child_columns: vec![col.into()],
            parent: TableName::new(Some("public"), parent),
            parent_columns: vec!["id".into()],
            origin: RelationOrigin::Inferred,
            deferrable: false,
            initially_deferred: false,
        }
    }

    #[test]
    fn keyless_missing_and_retyped_tables_are_found() {
        let live = catalog(vec![
            table("users", &[("id", "character varying(36)")], true),
            table("events", &[("id", "bigint")], false),
        ]);
        let backup = catalog(vec![
            table("users", &[("id", "uuid")], true),
            table("auth_configs", &[("id", "uuid")], true),
        ]);
        assert_eq!(
            without_primary_key(&live),
            vec![TableName::new(Some("public"), "events")]
        );
        let data = [
            TableName::new(None, "users"),
            TableName::new(None, "vector-sync-status"),
        ];
        let missing = missing_tables(&live, Some(&backup), &data);
        let names: Vec<String> = missing.iter().map(|t| t.to_string()).collect();
        assert_eq!(names, ["vector-sync-status", "public.auth_configs"]);
        let diffs = type_differences(&live, &backup);
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].column, "id");
        assert_eq!(diffs[0].backup_type, "uuid");
    }

    #[test]
    fn orphan_query_compares_uuid_and_varchar_as_folded_text() {
        let live = catalog(vec![
            table(
                "users",
                &[("id", "uuid"), ("org_id", "character varying(36)")],
                true,
            ),
            table("orgs", &[("id", "uuid")], true),
        ]);
        let q = orphan_query(&rel("users", "org_id", "orgs"), &live).unwrap();
        assert!(q.columns[0].as_text && q.columns[0].fold_case);
        let missing = orphan_query(&rel("users", "org_id", "gone"), &live).unwrap_err();
        assert_eq!(missing, "table public.gone is missing live");
        let no_col = orphan_query(&rel("users", "team_id", "orgs"), &live).unwrap_err();
        assert_eq!(no_col, "column public.users.team_id is missing live");
    }

    #[test]
    fn sequence_behind_only_when_next_value_is_taken() {
        assert!(sequence_behind(5, 1, Some(5)));
        assert!(sequence_behind(1, 1, Some(40)));
        assert!(!sequence_behind(6, 1, Some(5)));
        assert!(!sequence_behind(1, 1, None));
        assert!(!sequence_behind(-5, -1, Some(3)));
    }
}
