//! What the incident tests compare on PostgreSQL, read from its own
//! catalog and rows: contents by column name (so a column added back at
//! the end of a table compares equal), constraints as PostgreSQL prints
//! them, the whole structure, and the transaction that wrote something.

use super::super::restoring::Snapshot;
use super::super::TestPg;
use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::AssertSqlSafe;
use std::path::Path;

/// Every public table's rows as `to_jsonb(row)` text (keys sorted by
/// jsonb, so column order does not matter), sorted.
pub async fn json_snapshot(pool: &PgPool) -> Snapshot {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables \
         WHERE table_type = 'BASE TABLE' AND table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("list tables");
    let mut out = Snapshot::new();
    for t in tables {
        let sql = format!("SELECT to_jsonb(x)::text FROM {t} x ORDER BY 1");
        let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_all(pool)
            .await
            .unwrap_or_else(|e| panic!("rows of {t}: {e}"));
        out.insert(t, rows);
    }
    out
}

/// One constraint as the catalog has it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct PgConstraint {
    pub table: String,
    pub name: String,
    /// `c` check, `f` foreign key, `p` primary key, `u` unique.
    pub kind: String,
    pub definition: String,
    pub validated: bool,
}

/// Every constraint of the public schema, sorted by table and name.
pub async fn constraints(pool: &PgPool) -> Vec<PgConstraint> {
    sqlx::query_as(
        "SELECT c.relname::text AS table, con.conname::text AS name, con.contype::text AS kind,
                pg_get_constraintdef(con.oid) AS definition, con.convalidated AS validated
           FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .expect("constraints")
}

/// Foreign keys only.
pub async fn foreign_keys(pool: &PgPool) -> Vec<PgConstraint> {
    constraints(pool)
        .await
        .into_iter()
        .filter(|c| c.kind == "f")
        .collect()
}

/// The public schema as lines: every column (type, NOT NULL, default,
/// identity), every constraint, enum types with their labels, sequences,
/// indexes. Sorted, so column order does not matter.
pub async fn structure(pool: &PgPool) -> Vec<String> {
    let mut lines: Vec<String> = sqlx::query_scalar(
        "SELECT format('column %s.%s %s notnull=%s default=%s identity=%s', c.relname, a.attname,
                       format_type(a.atttypid, a.atttypmod), a.attnotnull,
                       coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), a.attidentity)
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
         UNION ALL
         SELECT format('type %s (%s)', t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder))
           FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
           JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'
          GROUP BY t.typname
         UNION ALL
         SELECT format('%s %s', CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'index' END, c.relname)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('S', 'i')",
    )
    .fetch_all(pool)
    .await
    .expect("structure");
    for c in constraints(pool).await {
        lines.push(format!(
            "constraint {}.{} {} validated={}",
            c.table, c.name, c.definition, c.validated
        ));
    }
    lines.sort();
    lines
}

/// The transaction ids (`xmin`) that last wrote the rows `from` selects
/// (SQL: `"t"` or `"t" WHERE ...`), distinct.
pub async fn writers(pool: &PgPool, from: &str) -> Vec<String> {
    let sql = format!("SELECT DISTINCT xmin::text FROM {from}");
    sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("xmin of {from}: {e}"))
}

/// `nextval` that the sequence feeding `table.column` would hand out
/// next, read without moving it, and the column's max.
pub async fn sequence_next_and_max(pool: &PgPool, table: &str, column: &str) -> (i64, i64) {
    let sql = format!(
        "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass), 0) + 1,
                (SELECT coalesce(max({c}), 0)::bigint FROM {t})",
        c = quote(column),
        t = quote(table)
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(quote(table))
        .bind(column)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("sequence of {table}.{column}: {e}"))
}

/// `"name"`, quotes doubled: test-side SQL for fixed fixture names.
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// A backup folder written from `pg`'s current contents: each table in
/// `tables` as `TABLE.json` (PostgreSQL's own `json_agg`), plus
/// `schema.sql` from `pg_dump --schema-only` when `with_schema`.
pub async fn json_folder(pg: &TestPg, dir: &Path, tables: &[&str], with_schema: bool) {
    for t in tables {
        let sql = format!(
            "SELECT coalesce(json_agg(x ORDER BY x), '[]')::text FROM {} x",
            quote(t)
        );
        let text: String = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(pg.pool())
            .await
            .unwrap_or_else(|e| panic!("export {t}: {e}"));
        let _: Value = serde_json::from_str(&text).expect("json_agg gives JSON");
        std::fs::write(dir.join(format!("{t}.json")), text).expect("write table file");
    }
    if with_schema {
        super::super::pg_dump(pg, &dir.join("schema.sql"), &["--schema-only"]);
    }
}
