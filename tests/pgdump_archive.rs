//! pg_dump archives (custom, directory, tar) made by the real pg_dump from
//! a fresh database and read back through the real pg_restore: the tables
//! `Backup::open` lists, every row compared with `COPY t TO STDOUT`, the
//! schema's keys (errors: pgdump_archive_errors.rs).

mod common;

use common::TestPg;
use futures_util::TryStreamExt;
use lifeboat::backup::pgdump::copy_text::{decode_line, Line};
use lifeboat::backup::pgdump::{Archive, ArchiveKind};
use lifeboat::backup::{Backup, BackupFormat, FileFormat};
use lifeboat::catalog::TableName;
use lifeboat::value::Cell;
use sqlx::postgres::PgPoolCopyExt;
use std::path::Path;

const SETUP: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE parent (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE awkward (
    id integer PRIMARY KEY,
    parent_id integer REFERENCES parent(id),
    body text,
    amount numeric(12,4),
    at timestamptz,
    feeling mood,
    doc jsonb,
    tags text[],
    raw bytea
);
INSERT INTO parent VALUES (1, 'one'), (2, 'two');
INSERT INTO awkward VALUES
    (1, 1, E'tab\there\nnew line\r\nback\\slash', 10.5, '2025-07-12 03:00:00+02', 'ok', '{"b": 1, "a": "x\ty"}', ARRAY['a,b', 'c"d', NULL], '\x00ff5c'),
    (2, 2, '', NULL, NULL, 'sad', 'null', '{}', ''),
    (3, NULL, NULL, 0, '-infinity', NULL, NULL, NULL, NULL),
    (4, 1, '\N', -1.2345, '2000-01-01 00:00:00.123456+00', 'happy', '[]', ARRAY['\N'], '\x5c4e'),
    (5, 1, E'\\.', 12345678.9999, NULL, 'ok', '"\\\\."', ARRAY[E'\\.'], NULL),
    (6, 2, 'quotes '' and " and ;', 2, NULL, NULL, '{}', '{}', NULL),
    (7, 2, 'unicode: é € 日本語 🙂 and ZWJ 👩‍💻', 3, NULL, NULL, '{"ü": "ß"}', ARRAY['ü'], NULL),
    (8, NULL, E'bell\007 esc\033[31m del\177', 5, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE "vector-sync-status" (
    "itemId" bigint PRIMARY KEY,
    "camelCase" text,
    "se;mi""quote" text
);
INSERT INTO "vector-sync-status" VALUES (1, 'A', 'x'), (2, NULL, ''), (3, 'b', NULL);
CREATE TABLE "camelCase" ("Id" int PRIMARY KEY, "itemId" bigint REFERENCES "vector-sync-status"("itemId"));
INSERT INTO "camelCase" VALUES (10, 1), (11, NULL);
CREATE TABLE empty (id int PRIMARY KEY);
CREATE SCHEMA "Other Schema";
CREATE TABLE "Other Schema"."t x" (v text);
INSERT INTO "Other Schema"."t x" VALUES ('spaces in both names');
"#;

/// Sorted, as [`table_names`] gives them.
const TABLES: [&str; 6] = [
    "Other Schema.t x",
    "public.awkward",
    "public.camelCase",
    "public.empty",
    "public.parent",
    "public.vector-sync-status",
];

/// `pg_dump --format=FORMAT` of the test database into `out`.
fn pg_dump(pg: &TestPg, format: &str, out: &Path) {
    common::pg_dump(pg, out, &[&format!("--format={format}")]);
}

type Rows = Vec<Vec<Option<String>>>;

/// What `COPY table TO STDOUT` gives, decoded, sorted.
async fn copy_out(pg: &TestPg, table: &TableName) -> Rows {
    let sql = format!("COPY {} TO STDOUT", table.quoted());
    let chunks: Vec<_> = pg
        .pool()
        .copy_out_raw(&sql)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let bytes: Vec<u8> = chunks.concat();
    let mut rows = Vec::new();
    for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut fields = Vec::new();
        assert_eq!(decode_line(line, &mut fields).unwrap(), Line::Row);
        rows.push(fields);
    }
    rows.sort();
    rows
}

/// Every row `Backup::rows` gives for `table`, as COPY text fields, sorted.
fn backup_rows(backup: &Backup, table: &TableName) -> (Vec<String>, Rows) {
    let source = backup.table(table).unwrap_or_else(|| panic!("{table}"));
    assert_eq!(source.format, FileFormat::PgArchive);
    let mut reader = backup.rows(source).unwrap();
    let columns = reader.columns().to_vec();
    let mut rows: Rows = reader
        .by_ref()
        .map(|row| {
            let row = row.unwrap();
            assert_eq!(row.cells.len(), columns.len());
            row.cells
                .into_iter()
                .map(|c| match c {
                    Some(Cell::Text(t)) => Some(t),
                    Some(Cell::Null) => None,
                    other => panic!("{table}: unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect();
    rows.sort();
    (columns, rows)
}

fn table_names(backup: &Backup) -> Vec<String> {
    let mut names: Vec<String> = backup.tables.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    names
}

fn t(schema: &str, name: &str) -> TableName {
    TableName::new(Some(schema), name)
}

#[tokio::test]
async fn custom_directory_and_tar_archives_give_every_row_copy_gives() {
    let pg = TestPg::new().await;
    pg.exec(SETUP).await;
    let dir = tempfile::tempdir().unwrap();
    // Names say nothing: the content decides.
    let cases = [
        ("custom", "backup.json", BackupFormat::PgDumpCustom),
        ("directory", "snapshot", BackupFormat::PgDumpDirectory),
        ("tar", "dump.sql", BackupFormat::PgDumpTar),
    ];
    for (format, name, expected) in cases {
        let path = dir.path().join(name);
        pg_dump(&pg, format, &path);
        let backup = Backup::open(&path).unwrap();
        assert_eq!(backup.format, expected, "{format}");
        assert_eq!(table_names(&backup), TABLES, "{format}");
        if expected == BackupFormat::PgDumpDirectory {
            // Its toc.dat, given by itself, stands for the directory.
            let via_toc = Backup::open(&path.join("toc.dat")).unwrap();
            assert_eq!(via_toc.format, expected);
            assert_eq!(via_toc.path, path);
            assert_eq!(table_names(&via_toc), TABLES);
        }

        let created = backup.created_at.clone().expect("created_at");
        let created = chrono::DateTime::parse_from_rfc3339(&created).unwrap();
        let age = chrono::Utc::now().signed_duration_since(created);
        assert!(age.num_minutes().abs() < 10, "{format}: {created}");

        for source in &backup.tables {
            let (_, rows) = backup_rows(&backup, &source.name);
            assert_eq!(
                rows,
                copy_out(&pg, &source.name).await,
                "{format}: {}",
                source.name
            );
        }
        let (columns, rows) = backup_rows(&backup, &t("public", "awkward"));
        assert_eq!(
            columns,
            [
                "id",
                "parent_id",
                "body",
                "amount",
                "at",
                "feeling",
                "doc",
                "tags",
                "raw"
            ]
        );
        assert_eq!(rows.len(), 8);
        let body = |id: &str| rows.iter().find(|r| r[0].as_deref() == Some(id)).unwrap()[2].clone();
        assert_eq!(
            body("1").as_deref(),
            Some("tab\there\nnew line\r\nback\\slash")
        );
        assert_eq!(body("2").as_deref(), Some(""));
        assert_eq!(body("3"), None);
        assert_eq!(body("4").as_deref(), Some("\\N"));
        assert_eq!(body("5").as_deref(), Some("\\."));
        let (columns, rows) = backup_rows(&backup, &t("public", "vector-sync-status"));
        assert_eq!(columns, ["itemId", "camelCase", "se;mi\"quote"]);
        assert_eq!(rows.len(), 3);
        assert!(backup_rows(&backup, &t("public", "empty")).1.is_empty());

        let schema = backup.schema.as_ref().expect("schema");
        let awkward = schema.table(&t("public", "awkward")).unwrap();
        assert_eq!(awkward.primary_key.as_ref().unwrap().columns, ["id"]);
        assert_eq!(awkward.foreign_keys.len(), 1);
        assert_eq!(
            awkward.foreign_keys[0].referenced_table,
            t("public", "parent")
        );
        assert_eq!(awkward.column("amount").unwrap().data_type, "numeric(12,4)");
        let camel = schema.table(&t("public", "camelCase")).unwrap();
        assert_eq!(camel.primary_key.as_ref().unwrap().columns, ["Id"]);
        assert_eq!(
            camel.foreign_keys[0].referenced_table,
            t("public", "vector-sync-status")
        );
        assert!(schema.table(&t("Other Schema", "t x")).is_some());
    }
}

#[tokio::test]
async fn archive_api_reports_header_entries_and_partitions_as_tables() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE meas (id int, d date) PARTITION BY RANGE (d);
         CREATE TABLE meas_2024 PARTITION OF meas FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         CREATE TABLE meas_2025 PARTITION OF meas FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
         INSERT INTO meas VALUES (1, '2024-05-01'), (2, '2025-05-01'), (3, '2025-06-01');",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meas.dump");
    pg_dump(&pg, "custom", &path);
    let archive = Archive::open(&path).unwrap();
    assert_eq!(archive.kind, ArchiveKind::Custom);
    assert_eq!(archive.dbname.as_deref(), Some(pg.name()));
    assert!(
        archive.server_version.as_deref().unwrap().starts_with("15"),
        "{:?}",
        archive.server_version
    );
    assert!(archive.pg_dump_version.is_some());
    let tables: Vec<String> = archive
        .entries
        .iter()
        .map(|e| e.table.to_string())
        .collect();
    assert_eq!(tables, ["public.meas_2024", "public.meas_2025"]);
    let entry = archive.entry(&t("public", "meas_2025")).unwrap();
    assert!(entry.list_line.starts_with(&format!("{}; ", entry.dump_id)));
    let rows = archive.rows(entry).unwrap();
    assert_eq!(rows.columns(), ["id", "d"]);
    let mut got: Rows = rows.map(|r| r.unwrap().fields).collect();
    got.sort();
    assert_eq!(got, copy_out(&pg, &t("public", "meas_2025")).await);
    assert_eq!(got.len(), 2);
}

#[tokio::test]
async fn a_data_only_archive_takes_names_with_spaces_from_the_copy_headers() {
    let pg = TestPg::new().await;
    pg.exec(
        r#"CREATE SCHEMA "Other Schema";
           CREATE TABLE "Other Schema"."t x" (v text);
           CREATE TABLE "with space" ("a b" int);
           CREATE TABLE "camelCase" (id int);
           INSERT INTO "Other Schema"."t x" VALUES ('x'), (NULL);
           INSERT INTO "with space" VALUES (1);
           INSERT INTO "camelCase" VALUES (7);"#,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.dump");
    common::pg_dump(&pg, &path, &["--data-only", "--format=custom"]);
    let backup = Backup::open(&path).unwrap();
    assert_eq!(
        table_names(&backup),
        ["Other Schema.t x", "public.camelCase", "public.with space"]
    );
    assert!(backup.schema.is_none());
    assert!(backup.warnings.is_empty(), "{:?}", backup.warnings);
    for source in &backup.tables {
        let (_, rows) = backup_rows(&backup, &source.name);
        assert_eq!(rows, copy_out(&pg, &source.name).await, "{}", source.name);
        assert!(!rows.is_empty());
    }
}
