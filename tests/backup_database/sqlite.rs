//! A SQLite file or `sqlite://` URL as the backup.

use super::common::{table, temp_sqlite};
use super::{diff_report, lifeboat, read_all, text, NULL};
use lifeboat::backup::{Backup, BackupFormat};
use lifeboat::catalog::TableName;
use lifeboat::value::Cell;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const SQLITE_SETUP: &str = "
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, data BLOB, note TEXT);
CREATE TABLE tags (
    item_id INTEGER NOT NULL REFERENCES items(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
);
INSERT INTO items VALUES
    (1, 'tab' || char(9) || 'and' || char(10) || 'newline', 1.5, x'00ff', NULL),
    (2, 'quote '' \"dq\" \\ back', NULL, NULL, ''),
    (3, 'ünï 🙂', 2.0, x'', 'x');
INSERT INTO tags VALUES (1, 'a'), (1, 'b'), (3, 'c');
";

/// A live SQLite database and, beside it, its snapshot under a name that
/// says nothing about SQLite: (dir, live, snapshot).
fn sqlite_pair() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (dir, live) = temp_sqlite(SQLITE_SETUP);
    let snapshot = dir.path().join("snapshot-2025-07-12T03-00-00Z.bin");
    std::fs::copy(&live, &snapshot).unwrap();
    (dir, live, snapshot)
}

fn sqlite3(db: &Path, sql: &str) {
    let status = Command::new("sqlite3").arg(db).arg(sql).status().unwrap();
    assert!(status.success(), "sqlite3 {sql}");
}

#[test]
fn sqlite_file_found_by_its_header_reads_every_storage_class() {
    // A plain #[test]: no runtime around the caller.
    let (_dir, _live, snapshot) = sqlite_pair();
    let backup = Backup::open(&snapshot).unwrap();
    assert_eq!(backup.format, BackupFormat::SqliteFile);
    assert_eq!(backup.path, snapshot);
    assert_eq!(backup.created_at.as_deref(), Some("2025-07-12T03:00:00Z"));
    let names: Vec<String> = backup.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, ["items", "tags"]);
    let schema = backup.schema.as_ref().unwrap();
    let tags = schema.resolve(&TableName::new(None, "tags")).unwrap();
    assert_eq!(
        tags.primary_key.as_ref().unwrap().columns,
        ["item_id", "tag"]
    );
    assert_eq!(tags.foreign_keys[0].referenced_columns, ["id"]);

    let (columns, lines, rows) = read_all(&backup, &TableName::new(None, "items"));
    assert_eq!(columns, ["id", "name", "price", "data", "note"]);
    assert_eq!(lines, [1, 2, 3]);
    let int = |i| Some(Cell::Int(i));
    let float = |f| Some(Cell::Float(f));
    let bytes = |b: &[u8]| Some(Cell::Bytes(b.to_vec()));
    assert_eq!(
        rows,
        [
            vec![
                int(1),
                text("tab\tand\nnewline"),
                float(1.5),
                bytes(&[0, 255]),
                NULL
            ],
            vec![int(2), text("quote ' \"dq\" \\ back"), NULL, NULL, text("")],
            vec![int(3), text("ünï 🙂"), float(2.0), bytes(&[]), text("x")],
        ]
    );
    let src = backup.table(&TableName::new(None, "tags")).unwrap();
    assert_eq!(backup.count_rows(src).unwrap(), 3);

    // The same file through a sqlite:// URL: a database, no time from the name.
    let url = format!("sqlite://{}", snapshot.display());
    let by_url = Backup::open(Path::new(&url)).unwrap();
    assert_eq!(by_url.format, BackupFormat::Database);
    assert_eq!(by_url.path, Path::new(&url));
    assert_eq!(by_url.created_at, None);
    assert_eq!(read_all(&by_url, &TableName::new(None, "items")).2, rows);
}

#[tokio::test]
async fn diff_and_cli_restore_against_a_sqlite_snapshot() {
    let (dir, live, snapshot) = sqlite_pair();
    sqlite3(
        &live,
        "DELETE FROM tags WHERE item_id = 3; DELETE FROM items WHERE id = 3; \
         UPDATE items SET price = 9.5 WHERE id = 1;",
    );
    let backup = Backup::open(&snapshot).unwrap();
    let live_url = live.to_string_lossy().into_owned();
    let report = diff_report(&live_url, &backup).await;
    let items = table(&report, "items");
    assert_eq!((items.missing, items.changed, items.extra), (1, 1, 0));
    assert_eq!(items.changed_columns.keys().collect::<Vec<_>>(), ["price"]);
    let tags = table(&report, "tags");
    assert_eq!((tags.missing, tags.changed, tags.identical), (1, 0, 2));

    let snapshot_arg = snapshot.to_string_lossy().into_owned();
    let (code, out) = lifeboat(
        dir.path(),
        &[
            "restore",
            "--db",
            &live_url,
            "--backup",
            &snapshot_arg,
            "--pick",
            "items:id=3",
            "--yes",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    let dump =
        |db: &Path| {
            let out = Command::new("sqlite3")
            .arg(db)
            .arg("SELECT id, name, quote(price), hex(data), quote(note) FROM items WHERE id = 3; \
                  SELECT * FROM tags ORDER BY 1, 2;")
            .output()
            .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
    assert_eq!(dump(&live), dump(&snapshot));
    assert!(dump(&live).contains("3|c"));
}

#[test]
fn files_that_are_not_sqlite_databases() {
    let dir = tempfile::tempdir().unwrap();
    // The header, then garbage: SQLite itself says it is not a database.
    let garbage = dir.path().join("nightly.bin");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 600));
    std::fs::write(&garbage, bytes).unwrap();
    let err = Backup::open(&garbage).unwrap_err().to_string();
    assert!(err.contains("nightly.bin"), "{err}");
    assert!(err.contains("not a database"), "{err}");
    // A .db name does not make a file SQLite: the header decides.
    let text_db = dir.path().join("app.db");
    std::fs::write(&text_db, "not a database\n").unwrap();
    let err = Backup::open(&text_db).unwrap_err().to_string();
    assert!(err.contains("app.db"), "{err}");
    assert!(err.contains("not a SQLite database"), "{err}");
    let json = dir.path().join("export.db");
    std::fs::write(&json, r#"{"items": [{"id": 1}]}"#).unwrap();
    let backup = Backup::open(&json).unwrap();
    assert_eq!(backup.format, BackupFormat::JsonFile);
    // A database without tables has nothing to restore from.
    let empty = dir.path().join("empty.sqlite");
    sqlite3(&empty, "PRAGMA user_version = 7;");
    let err = Backup::open(&empty).unwrap_err().to_string();
    assert!(
        err.contains("empty.sqlite") && err.contains("no tables"),
        "{err}"
    );
}

#[tokio::test]
async fn a_locked_sqlite_backup_is_named_after_a_short_wait() {
    use sqlx::Connection;
    let (_dir, _live, snapshot) = sqlite_pair();
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&snapshot);
    let mut writer = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN EXCLUSIVE; INSERT INTO tags VALUES (2, 'held');")
        .execute(&mut writer)
        .await
        .unwrap();
    let started = Instant::now();
    let err = Backup::open(&snapshot).unwrap_err().to_string();
    assert!(err.contains("snapshot-2025-07-12T03-00-00Z.bin"), "{err}");
    assert!(err.contains("locked"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut writer)
        .await
        .unwrap();
    assert!(Backup::open(&snapshot).is_ok());
}
