//! The repair DDL against real SQLite files: a schema.sql with SQLite types
//! rendered (foreign keys and CHECKs inline) recreates the tables SQLite
//! builds from that very file; ADD COLUMN follows SQLite's rules, each
//! refusal with its reason, and what the renderer refuses SQLite itself
//! refuses; DROP COLUMN undoes.

mod common;

use common::{temp_sqlite, write_backup};
use lifeboat::backup::Backup;
use lifeboat::catalog::{Catalog, CheckConstraint, Dialect, Table, TableName};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::repair::ddl;
use lifeboat::value::normalize_type;
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use std::path::Path;

const SCHEMA: &str = r#"
CREATE TABLE organizations (
    id TEXT NOT NULL PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    owner_id TEXT REFERENCES users(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL CHECK (length(email) > 3)
);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    "orgId" TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    budget NUMERIC(10,2) DEFAULT 0,
    "startDate" DATE,
    active BOOLEAN NOT NULL DEFAULT 1,
    "billingType" VARCHAR(50) DEFAULT 'project-based',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "vector-sync-status" (
    "projectId" INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    "chunkNo" INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    PRIMARY KEY ("projectId", "chunkNo"),
    CONSTRAINT status_known CHECK (status IN ('pending', 'done'))
);
"#;

async fn open(path: &Path) -> SqliteConnection {
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(true);
    SqliteConnection::connect_with(&opts)
        .await
        .expect("open sqlite")
}

async fn exec(conn: &mut SqliteConnection, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn catalog(path: &Path) -> Catalog {
    let url = DbUrl::parse(path.to_str().expect("utf-8 path")).expect("url");
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("connect");
    live.catalog().await.expect("catalog")
}

fn backup_schema(sql: &str) -> Catalog {
    let dir = write_backup(&[
        ("schema.sql", sql.to_owned()),
        ("projects.json", "[]".to_owned()),
    ]);
    Backup::open(dir.path())
        .expect("opens")
        .schema
        .expect("schema")
}

fn table<'a>(c: &'a Catalog, name: &str) -> &'a Table {
    c.tables
        .iter()
        .find(|t| t.name.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

#[tokio::test]
async fn create_table_with_inline_keys_recreates_the_schema_sql_tables() {
    let (_src_dir, source) = temp_sqlite(SCHEMA);
    let backup = backup_schema(SCHEMA);
    let mut script = vec!["BEGIN;".to_owned()];
    for t in &backup.tables {
        let ct = ddl::create_table(t, Dialect::Sqlite, true).expect("renders");
        assert!(ct.notes.is_empty(), "{}: {:?}", t.name, ct.notes);
        script.push(ct.sql);
    }
    script.push("COMMIT;".to_owned());
    let script = script.join("\n");
    let (_dir, target) = temp_sqlite(&script);

    let (want, got) = (catalog(&source).await, catalog(&target).await);
    assert_eq!(want.tables.len(), 4);
    for w in &want.tables {
        let g = table(&got, &w.name.name);
        // SQLite keeps the declared type as written; the backup's reader
        // spells it as PostgreSQL does (`VARCHAR(100)` → `character
        // varying(100)`, the same TEXT affinity): compare the normalised names.
        let lower = |t: &Table| {
            let mut t = t.clone();
            for c in &mut t.columns {
                c.data_type = normalize_type(&c.data_type);
            }
            t
        };
        assert_eq!(lower(g), lower(w), "script:\n{script}");
    }

    // Foreign keys with their actions, and the CHECKs, are enforced.
    let mut conn = open(&target).await;
    exec(
        &mut conn,
        "INSERT INTO organizations (id, name) VALUES ('o1', 'Org')",
    )
    .await
    .expect("org");
    exec(&mut conn, "INSERT INTO users VALUES ('u1', 'o1', 'a@b.c')")
        .await
        .expect("user");
    let e = exec(&mut conn, "INSERT INTO users VALUES ('u2', 'o1', 'a')")
        .await
        .expect_err("check");
    assert!(e.contains("CHECK"), "{e}");
    let e = exec(
        &mut conn,
        "INSERT INTO users VALUES ('u3', 'nope', 'x@y.z')",
    )
    .await
    .expect_err("fk");
    assert!(e.contains("FOREIGN KEY"), "{e}");
    exec(&mut conn, "INSERT INTO projects (\"orgId\") VALUES ('o1')")
        .await
        .expect("project");
    exec(
        &mut conn,
        "INSERT INTO \"vector-sync-status\" VALUES (1, 1, 'done')",
    )
    .await
    .expect("vss");
    let e = exec(
        &mut conn,
        "INSERT INTO \"vector-sync-status\" VALUES (1, 2, 'odd')",
    )
    .await
    .expect_err("check");
    assert!(e.contains("status_known"), "{e}");
    // INTEGER PRIMARY KEY numbers rows by itself; defaults filled in.
    let row: (i64, String, i64) =
        sqlx::query_as("SELECT id, \"billingType\", active FROM projects")
            .fetch_one(&mut conn)
            .await
            .expect("project row");
    assert_eq!(row, (1, "project-based".to_owned(), 1));
    exec(&mut conn, "DELETE FROM users; DELETE FROM organizations")
        .await
        .expect("cascade");
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM \"vector-sync-status\"")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(n, 0, "ON DELETE CASCADE through projects");
}

const PROJECTS_FULL: &str = r#"
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    "billingType" VARCHAR(50) DEFAULT 'project-based',
    "hourlyRate" NUMERIC(10,2) DEFAULT 0,
    "isArchived" BOOLEAN NOT NULL DEFAULT 0,
    "startDate" DATE,
    "orgId" TEXT REFERENCES organizations(id),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    owner TEXT NOT NULL,
    slug TEXT UNIQUE,
    "parentRef" TEXT DEFAULT 'none' REFERENCES organizations(id)
);
"#;

#[tokio::test]
async fn add_column_follows_sqlites_rules_and_drop_column_undoes() {
    let (_dir, path) = temp_sqlite(
        "CREATE TABLE organizations (id TEXT PRIMARY KEY);
         CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         INSERT INTO projects VALUES (1, 'a'), (2, 'b');",
    );
    let before = catalog(&path).await;
    let backup = backup_schema(PROJECTS_FULL);
    let t = &backup.tables[0];
    let name = TableName::new(None, "projects");
    let mut conn = open(&path).await;

    let mut added = Vec::new();
    for col in [
        "billingType",
        "hourlyRate",
        "isArchived",
        "startDate",
        "orgId",
        "created_at",
    ] {
        let add = ddl::add_column_to(t, col, Dialect::Sqlite).expect(col);
        exec(&mut conn, &add.sql)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", add.sql));
        if col == "created_at" {
            assert!(
                add.notes[0].contains("only a constant default"),
                "{:?}",
                add.notes
            );
        } else {
            assert!(add.notes.is_empty(), "{col}: {:?}", add.notes);
        }
        added.push(col);
    }
    let got = catalog(&path).await;
    let cols = &table(&got, "projects").columns;
    let by = |n: &str| cols.iter().find(|c| c.name == n).expect(n);
    assert_eq!(
        by("billingType").default.as_deref(),
        Some("'project-based'")
    );
    assert_eq!(by("billingType").data_type, "character varying(50)");
    assert_eq!(by("hourlyRate").data_type, "numeric(10,2)");
    assert!(!by("isArchived").nullable);
    assert_eq!(by("created_at").default, None);
    assert_eq!(table(&got, "projects").foreign_keys.len(), 1);

    // Refusals, each naming SQLite's rule — and SQLite agrees with each.
    let refusals = [
        ("owner", "NOT NULL column without a constant non-NULL default", "ALTER TABLE projects ADD COLUMN owner TEXT NOT NULL"),
        ("slug", "UNIQUE column", "ALTER TABLE projects ADD COLUMN slug TEXT UNIQUE"),
        ("id", "PRIMARY KEY column", "ALTER TABLE projects ADD COLUMN id2 INTEGER PRIMARY KEY"),
        ("parentRef", "REFERENCES column with a non-NULL default", "ALTER TABLE projects ADD COLUMN \"parentRef\" TEXT DEFAULT 'none' REFERENCES organizations(id)"),
    ];
    for (col, rule, naive) in refusals {
        let e = ddl::add_column_to(t, col, Dialect::Sqlite).expect_err(col);
        assert!(e.reason.contains(rule), "{col}: {e}");
        assert!(
            e.to_string()
                .contains(&format!("column \"{col}\" of table projects")),
            "{e}"
        );
        let sqlite_says = exec(&mut conn, naive).await.expect_err(naive);
        assert!(
            sqlite_says.to_lowercase().contains("cannot add"),
            "{naive}: {sqlite_says}"
        );
    }
    // A non-constant default: SQLite refuses it too, which is why it is left out.
    let e = exec(
        &mut conn,
        "ALTER TABLE projects ADD COLUMN x DATETIME DEFAULT CURRENT_TIMESTAMP",
    )
    .await
    .expect_err("non-constant default");
    assert!(e.contains("non-constant default"), "{e}");

    for col in added.iter().rev() {
        exec(&mut conn, &ddl::drop_column(&name, col, Dialect::Sqlite))
            .await
            .expect("drop column");
    }
    conn.close().await.expect("close");
    assert_eq!(catalog(&path).await, before);
}

#[tokio::test]
async fn hostile_defaults_stay_literals_in_sqlite() {
    let (_dir, path) =
        temp_sqlite("CREATE TABLE keep (id INTEGER PRIMARY KEY); INSERT INTO keep VALUES (1);");
    let nasty = "it's \\ \"q\"\n\u{7}'); DROP TABLE keep; --";
    let mut backup = backup_schema("CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT);");
    backup.tables[0].columns[1].default = Some(format!("'{}'", nasty.replace('\'', "''")));
    let ct = ddl::create_table(&backup.tables[0], Dialect::Sqlite, true).expect("renders");
    let mut conn = open(&path).await;
    exec(&mut conn, &ct.sql).await.expect("create");
    exec(&mut conn, "INSERT INTO t (id) VALUES (1)")
        .await
        .expect("insert");
    let (got,): (String,) = sqlx::query_as("SELECT c FROM t")
        .fetch_one(&mut conn)
        .await
        .expect("read");
    assert_eq!(got, nasty);
    let (kept,): (i64,) = sqlx::query_as("SELECT count(*) FROM keep")
        .fetch_one(&mut conn)
        .await
        .expect("keep");
    assert_eq!(kept, 1);
    // A default that would end the statement is refused before any SQL exists.
    backup.tables[0].columns[1].default = Some("'x'); DROP TABLE keep; --".to_owned());
    let e = ddl::create_table(&backup.tables[0], Dialect::Sqlite, true).expect_err("refused");
    assert!(e.to_string().contains("column \"c\""), "{e}");
}

/// A PostgreSQL backup's table recreated in SQLite: what SQLite cannot say
/// is left out with a note, and the rest runs.
const PG_FLAVOURED: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE public.events (
    id integer DEFAULT nextval('public.events_id_seq'::regclass) NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    feeling public.mood DEFAULT 'ok'::public.mood,
    scores integer[],
    meta jsonb DEFAULT '{}'::jsonb,
    at timestamp with time zone DEFAULT now(),
    label character varying(20) DEFAULT E'tab\there',
    CONSTRAINT events_pkey PRIMARY KEY (id),
    CONSTRAINT label_known CHECK (((label)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))
);
"#;

#[tokio::test]
async fn a_postgres_schema_runs_in_sqlite_with_notes_for_what_it_cannot_say() {
    let (_dir, path) = temp_sqlite("CREATE TABLE keep (id INTEGER PRIMARY KEY);");
    let mut backup = backup_schema(PG_FLAVOURED);
    let t = &mut backup.tables[0];
    if t.checks.is_empty() {
        t.checks.push(CheckConstraint {
            name: Some("label_known".to_owned()),
            expression: "((label)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))".to_owned(),
        });
    }
    let ct = ddl::create_table(t, Dialect::Sqlite, true).expect("renders");
    let mut conn = open(&path).await;
    exec(&mut conn, &ct.sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", ct.sql));
    let notes = ct.notes.join("\n");
    for expected in [
        "sequence",
        "identity",
        "no type public.mood",
        "no type integer[]",
        "loses its PostgreSQL cast",
        "CURRENT_TIMESTAMP",
        "label_known",
    ] {
        assert!(
            notes.contains(expected),
            "no note about {expected}:\n{notes}"
        );
    }
    // The identity column has no number source in SQLite: NOT NULL stays, so it needs a value.
    let e = exec(&mut conn, "INSERT INTO events (scores) VALUES ('[1]')")
        .await
        .expect_err("seq");
    assert!(e.contains("NOT NULL constraint failed: events.seq"), "{e}");
    exec(
        &mut conn,
        "INSERT INTO events (seq, scores) VALUES (7, '[1]')",
    )
    .await
    .expect("insert");
    let row: (i64, String, String, String) =
        sqlx::query_as("SELECT id, feeling, meta, label FROM events")
            .fetch_one(&mut conn)
            .await
            .expect("row");
    assert_eq!(
        row,
        (1, "ok".to_owned(), "{}".to_owned(), "tab\there".to_owned())
    );
}
