//! pg_dump archives (custom, directory, tar) made by the real pg_dump from
//! a fresh database and read back through the real pg_restore: the tables
//! `Backup::open` lists, every row compared with `COPY t TO STDOUT`, the
//! schema's keys, and the errors (no pg_restore, too old, truncated).

mod common;

use common::TestPg;
use futures_util::TryStreamExt;
use lifeboat::backup::pgdump::copy_text::{decode_line, Line};
use lifeboat::backup::pgdump::{Archive, ArchiveKind};
use lifeboat::backup::{Backup, BackupFormat, FileFormat};
use lifeboat::catalog::TableName;
use lifeboat::value::Cell;
use sqlx::postgres::PgPoolCopyExt;
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn pg_dump(pg: &TestPg, format: &str, out: &Path) {
    let status = Command::new("pg_dump")
        .arg(format!("--format={format}"))
        .arg(format!("--file={}", out.display()))
        .arg(pg.url())
        .status()
        .expect("run pg_dump (is it on PATH?)");
    assert!(status.success(), "pg_dump failed: {status}");
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
    let status = Command::new("pg_dump")
        .args(["--data-only", "--format=custom"])
        .arg(format!("--file={}", path.display()))
        .arg(pg.url())
        .status()
        .unwrap();
    assert!(status.success());
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

/// A table big enough that its data outlasts the pipe buffers.
const BIG: &str = "CREATE TABLE big (id int PRIMARY KEY, t text);
    INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 50000) g;";

fn proc_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test]
async fn dropping_a_reader_early_kills_and_reaps_pg_restore() {
    let pg = TestPg::new().await;
    pg.exec(BIG).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.dump");
    pg_dump(&pg, "custom", &path);
    let archive = Archive::open(&path).unwrap();
    let mut rows = archive.rows(&archive.entries[0]).unwrap();
    assert_eq!(
        rows.next().unwrap().unwrap().fields[0].as_deref(),
        Some("1")
    );
    let pid = rows.pid().expect("pg_restore still running");
    assert!(proc_alive(pid));
    drop(rows);
    // Reaped: not even a zombie is left.
    assert!(!proc_alive(pid), "pg_restore {pid} is still there");

    // Read to the end, the process is waited for by the reader itself.
    let mut rows = archive.rows(&archive.entries[0]).unwrap();
    let pid = rows.pid().unwrap();
    let mut count = 0;
    for row in rows.by_ref() {
        row.unwrap();
        count += 1;
    }
    assert_eq!(count, 50_000);
    assert_eq!(rows.pid(), None);
    assert!(!proc_alive(pid));
}

#[tokio::test]
async fn a_truncated_archive_is_an_error_naming_archive_and_table() {
    let pg = TestPg::new().await;
    pg.exec(BIG).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.dump");
    pg_dump(&pg, "custom", &path);
    let bytes = std::fs::read(&path).unwrap();

    // Half: the table of contents is there, the data is cut.
    let half = dir.path().join("half.dump");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    let backup = Backup::open(&half).unwrap();
    let source = backup.table(&t("public", "big")).unwrap();
    let err = match backup.rows(source) {
        Err(e) => e.to_string(),
        Ok(reader) => {
            let results: Vec<_> = reader.collect();
            let last = results.last().unwrap();
            assert!(results[..results.len() - 1].iter().all(Result::is_ok));
            last.as_ref().unwrap_err().to_string()
        }
    };
    assert!(
        err.contains("half.dump")
            && err.contains("public.big")
            && err.contains("truncated or corrupt"),
        "{err}"
    );

    // The first 100 bytes: not even the table of contents.
    let stub = dir.path().join("stub.dump");
    std::fs::write(&stub, &bytes[..100]).unwrap();
    let err = Backup::open(&stub).unwrap_err().to_string();
    assert!(
        err.contains("stub.dump")
            && err.contains("table of contents")
            && err.contains("truncated or corrupt"),
        "{err}"
    );
}

#[tokio::test]
async fn an_archive_newer_than_pg_restore_says_which_pg_restore_was_found() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE a (id int)").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.dump");
    pg_dump(&pg, "custom", &path);
    // The header's format version (PGDMP, major, minor, rev): a minor
    // version no pg_restore 15 knows, as a future pg_dump would write.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[6] = 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let err = Backup::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("a.dump")
            && err.contains("newer pg_dump")
            && err.contains("pg_restore (PostgreSQL) 15")
            && err.contains("unsupported version (1.64)")
            && err.contains("LIFEBOAT_PG_RESTORE"),
        "{err}"
    );
}

fn inspect(backup: &Path, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
    cmd.arg("inspect").arg("--backup").arg(backup);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn a_missing_pg_restore_says_how_to_get_one() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE a (id int)").await;
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("a.tar");
    pg_dump(&pg, "tar", &path);
    // The variable is set in a child process only: tests run in parallel.
    let err = inspect(&path, &[("LIFEBOAT_PG_RESTORE", "/nonexistent/pg_restore")]);
    assert!(
        err.contains("LIFEBOAT_PG_RESTORE=/nonexistent/pg_restore: no such program"),
        "{err}"
    );
    let empty = tempfile::tempdir().unwrap();
    let err = inspect(
        &path,
        &[
            ("PATH", empty.path().to_str().unwrap()),
            ("LIFEBOAT_PG_RESTORE", ""),
        ],
    );
    assert!(
        err.contains("a.tar")
            && err.contains("pg_restore, which is not on PATH")
            && err.contains("install postgresql-client")
            && err.contains("set LIFEBOAT_PG_RESTORE=/path"),
        "{err}"
    );
}
