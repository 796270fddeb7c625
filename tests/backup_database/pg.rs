//! A PostgreSQL database as the backup.

use super::common::{table, TestPg};
use super::{diff_report, lifeboat, read_all, text, NULL};
use lifeboat::backup::{Backup, BackupFormat, FileFormat};
use lifeboat::catalog::TableName;
use lifeboat::value::Cell;
use std::path::Path;
use std::time::{Duration, Instant};

const PG_SETUP: &str = r#"
CREATE TABLE awkward (
    id integer PRIMARY KEY,
    body text,
    amount numeric(10,2),
    flag boolean,
    doc jsonb,
    raw bytea
);
INSERT INTO awkward VALUES
    (1, E'tab\there\nnew line\r\nback\\slash', 10.50, true, '{"b": 1, "a": "x\ty"}', '\x00ff5c'),
    (2, '', NULL, false, 'null', ''),
    (3, NULL, 0, NULL, NULL, NULL),
    (4, 'quotes '' and " and ;', -1.25, true, '[]', '\x5c4e'),
    (5, 'unicode: é € 日本語 🙂', 3, true, '{"ü": "ß"}', NULL),
    (6, E'\\N', 4, false, NULL, NULL);
CREATE TABLE memberships (org integer, person integer, role text, PRIMARY KEY (org, person));
INSERT INTO memberships VALUES (1, 1, 'owner'), (1, 2, 'member');
CREATE TABLE "vector-sync-status" ("itemId" bigint, "camelCase" text);
INSERT INTO "vector-sync-status" VALUES (1, 'A'), (2, NULL);
CREATE SCHEMA other;
CREATE TABLE other.awkward (v text);
INSERT INTO other.awkward VALUES ('other schema');
"#;

/// What was lost or changed live since the snapshot.
const PG_DAMAGE: &str = r#"
DELETE FROM awkward WHERE id IN (2, 5);
UPDATE awkward SET body = 'edited' WHERE id = 1;
DELETE FROM "vector-sync-status" WHERE "itemId" = 1;
INSERT INTO memberships VALUES (9, 9, 'new');
"#;

/// `awkward` as PostgreSQL's COPY text output gives it (what the live side reads).
fn awkward_expected() -> Vec<Vec<Option<Cell>>> {
    vec![
        vec![
            text("1"),
            text("tab\there\nnew line\r\nback\\slash"),
            text("10.50"),
            text("t"),
            text(r#"{"a": "x\ty", "b": 1}"#),
            text("\\x00ff5c"),
        ],
        vec![
            text("2"),
            text(""),
            NULL,
            text("f"),
            text("null"),
            text("\\x"),
        ],
        vec![text("3"), NULL, text("0.00"), NULL, NULL, NULL],
        vec![
            text("4"),
            text("quotes ' and \" and ;"),
            text("-1.25"),
            text("t"),
            text("[]"),
            text("\\x5c4e"),
        ],
        vec![
            text("5"),
            text("unicode: é € 日本語 🙂"),
            text("3.00"),
            text("t"),
            text(r#"{"ü": "ß"}"#),
            NULL,
        ],
        vec![text("6"), text("\\N"), text("4.00"), text("f"), NULL, NULL],
    ]
}

fn with_password(url: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    url.set_password(Some("s3cret")).unwrap();
    url.to_string()
}

#[tokio::test]
async fn postgres_snapshot_opens_with_its_catalog_and_exact_rows() {
    let snap = TestPg::new().await;
    snap.exec(PG_SETUP).await;
    // Called from inside a runtime, as the CLI does.
    let backup = Backup::open(Path::new(&snap.url())).unwrap();
    assert_eq!(backup.format, BackupFormat::Database);
    assert_eq!(backup.path, Path::new(&snap.url()));
    assert_eq!(backup.created_at, None);
    let names: Vec<String> = backup.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "other.awkward",
            "public.awkward",
            "public.memberships",
            "public.vector-sync-status"
        ]
    );
    assert!(backup
        .tables
        .iter()
        .all(|t| t.format == FileFormat::Database && t.rows.is_none()));
    let schema = backup.schema.as_ref().unwrap();
    let key = |t: &str| {
        let t = schema.resolve(&TableName::new(Some("public"), t)).unwrap();
        t.primary_key.as_ref().map(|k| k.columns.clone())
    };
    assert_eq!(key("awkward"), Some(vec!["id".to_owned()]));
    assert_eq!(
        key("memberships"),
        Some(vec!["org".to_owned(), "person".to_owned()])
    );
    assert_eq!(key("vector-sync-status"), None);

    let awkward = TableName::new(Some("public"), "awkward");
    let (columns, lines, mut rows) = read_all(&backup, &awkward);
    assert_eq!(columns, ["id", "body", "amount", "flag", "doc", "raw"]);
    assert_eq!(lines, [1, 2, 3, 4, 5, 6]);
    rows.sort_by_key(|r| match &r[0] {
        Some(Cell::Text(id)) => id.parse::<i64>().unwrap(),
        other => panic!("id {other:?}"),
    });
    assert_eq!(rows, awkward_expected());
    let src = backup.table(&awkward).unwrap();
    assert_eq!(backup.count_rows(src).unwrap(), 6);
    let other = TableName::new(Some("other"), "awkward");
    assert_eq!(read_all(&backup, &other).2, [vec![text("other schema")]]);
}

#[tokio::test]
async fn diff_and_cli_restore_against_a_postgres_snapshot() {
    let (snap, live) = (TestPg::new().await, TestPg::new().await);
    snap.exec(PG_SETUP).await;
    live.exec(PG_SETUP).await;
    live.exec(PG_DAMAGE).await;
    // Trust authentication takes any password: the URL carries one that must never show.
    let snap_url = with_password(&snap.url());
    let backup = Backup::open(Path::new(&snap_url)).unwrap();
    let shown = format!(
        "{} {backup:?} {}",
        backup.path.display(),
        serde_json::to_string(&backup).unwrap()
    );
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(backup.path.to_string_lossy().contains(":***@"));

    let report = diff_report(&live.url(), &backup).await;
    let awkward = table(&report, "public.awkward");
    assert_eq!((awkward.missing, awkward.changed, awkward.extra), (2, 1, 0));
    let rows = awkward.rows.as_ref().unwrap();
    let missing: Vec<String> = rows.missing.iter().map(|k| k["id"].to_string()).collect();
    assert_eq!(missing, ["2", "5"]);
    assert_eq!(rows.changed[0].columns, ["body"]);
    let vss = table(&report, "public.vector-sync-status");
    assert_eq!((vss.missing, vss.changed, vss.extra), (1, 0, 0));
    let members = table(&report, "public.memberships");
    assert_eq!((members.missing, members.extra), (0, 1));
    assert_eq!(table(&report, "other.awkward").identical, 1);

    let xdg = tempfile::tempdir().unwrap();
    let (code, out) = lifeboat(
        xdg.path(),
        &[
            "restore",
            "--db",
            &live.url(),
            "--backup",
            &snap_url,
            "--pick",
            "public.awkward",
            "--yes",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("s3cret"), "{out}");
    let select = "SELECT id, body, amount::text, flag, doc::text, raw FROM awkward ORDER BY id";
    type Row = (
        i32,
        Option<String>,
        Option<String>,
        Option<bool>,
        Option<String>,
        Option<Vec<u8>>,
    );
    let restored: Vec<Row> = sqlx::query_as(select).fetch_all(live.pool()).await.unwrap();
    let original: Vec<Row> = sqlx::query_as(select).fetch_all(snap.pool()).await.unwrap();
    // Row 1 stays edited (a restore never overwrites without --on-conflict update).
    assert_eq!(restored[1..], original[1..]);
    assert_eq!(restored[0].1.as_deref(), Some("edited"));
    let again = diff_report(&live.url(), &backup).await;
    let awkward = table(&again, "public.awkward");
    assert_eq!((awkward.missing, awkward.changed), (0, 1));
}

#[tokio::test]
async fn a_password_never_shows_in_connection_errors() {
    let missing = "postgres://postgres:s3cret@127.0.0.1/nonexistent_db";
    let err = Backup::open(Path::new(missing)).unwrap_err().to_string();
    assert!(
        err.contains("postgres://postgres:***@127.0.0.1/nonexistent_db"),
        "{err}"
    );
    assert!(err.contains("does not exist"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    // Nothing listens on port 1: refused at once.
    let unreachable = "postgresql://admin:s3cret@127.0.0.1:1/snap";
    let err = Backup::open(Path::new(unreachable))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("postgresql://admin:***@127.0.0.1:1/snap"),
        "{err}"
    );
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[tokio::test]
async fn dropping_a_reader_early_stops_its_producer() {
    let snap = TestPg::new().await;
    snap.exec("CREATE TABLE big AS SELECT g AS id, repeat('x', 50) AS pad FROM generate_series(1, 100000) g")
        .await;
    let backup = Backup::open(Path::new(&snap.url())).unwrap();
    let src = backup
        .table(&TableName::new(Some("public"), "big"))
        .unwrap();
    // A whole read, timed: stopping early must be much quicker than this.
    let started = Instant::now();
    assert_eq!(backup.rows(src).unwrap().count(), 100_000);
    let whole_read = started.elapsed();
    let mut reader = backup.rows(src).unwrap();
    let first: Vec<u64> = reader.by_ref().take(10).map(|r| r.unwrap().line).collect();
    assert_eq!(first, (1..=10).collect::<Vec<_>>());
    let readers = "SELECT count(*) FROM pg_stat_activity \
                   WHERE datname = $1 AND application_name = 'lifeboat'";
    let count = || async {
        sqlx::query_scalar::<_, i64>(readers)
            .bind(snap.name())
            .fetch_one(snap.pool())
            .await
            .unwrap()
    };
    assert!(count().await >= 1, "the reader's connection is not visible");
    let started = Instant::now();
    drop(reader);
    assert!(started.elapsed() < Duration::from_millis(500));
    let deadline = Instant::now() + whole_read / 2;
    while count().await > 0 {
        assert!(Instant::now() < deadline, "the producer still reads");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
