//! The SQLite live side on real files: catalog from sqlite_master and
//! pragmas, values by storage class, and the file left untouched.

mod common;

use common::temp_sqlite;
use lifeboat::catalog::{Catalog, Dialect, KeyConstraint, Table, TableName};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::value::Cell;
use std::path::Path;

const SCHEMA: &str = r#"
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    "userId" VARCHAR(36),
    created DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "vector-sync-status" (
    org TEXT,
    code TEXT,
    a INT,
    b INT,
    total INT GENERATED ALWAYS AS (a * b) STORED,
    shout TEXT AS (upper(code)) VIRTUAL,
    PRIMARY KEY (code, org),
    CONSTRAINT vss_ab UNIQUE (a, b)
);
CREATE UNIQUE INDEX not_a_constraint ON users ("userId");
CREATE TABLE refs (
    id INTEGER PRIMARY KEY,
    s_org TEXT,
    s_code TEXT,
    owner INTEGER REFERENCES users DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT refs_status_fk FOREIGN KEY (s_code, s_org) REFERENCES "vector-sync-status" (code, org)
);
CREATE TABLE vals (id INTEGER PRIMARY KEY, anything, note TEXT);
INSERT INTO vals VALUES
  (1, 42, 'it''s "quoted" \ back\slash'),
  (2, 1.5, 'tab' || char(9) || 'nl' || char(10) || 'cr' || char(13) || 'end'),
  (3, 'text', 'unicode é ✓ 🚑 中文'),
  (4, x'00ff5c', ''),
  (5, NULL, NULL),
  (6, -9223372036854775808, '\N');
CREATE VIEW v AS SELECT 1;
"#;

async fn open(path: &Path) -> LiveDb {
    let url = DbUrl::parse(path.to_str().unwrap()).unwrap();
    LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap()
}

fn table<'a>(catalog: &'a Catalog, n: &str) -> &'a Table {
    catalog.table(&TableName::new(None, n)).unwrap()
}

#[tokio::test]
async fn catalog_from_sqlite_master_and_pragmas() {
    let (_dir, path) = temp_sqlite(SCHEMA);
    let live = open(&path).await;
    assert_eq!(live.dialect(), Dialect::Sqlite);
    let catalog = live.catalog().await.unwrap();
    let names: Vec<String> = catalog.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, ["refs", "users", "vals", "vector-sync-status"]);
    assert!(catalog.tables.iter().all(|t| t.name.schema.is_none()));
    assert!(catalog.enums.is_empty());

    let users = table(&catalog, "users");
    let cols: Vec<(&str, &str, bool)> = users
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
        .collect();
    assert_eq!(
        cols,
        [
            ("id", "INTEGER", true),
            ("email", "TEXT", false),
            ("userId", "VARCHAR(36)", true),
            ("created", "DATETIME", true),
        ]
    );
    assert_eq!(
        users.column("created").unwrap().default.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );
    assert_eq!(users.primary_key.as_ref().unwrap().columns, ["id"]);
    // Only the UNIQUE constraint, not the separately created unique index.
    assert_eq!(
        users.unique,
        [KeyConstraint {
            name: None,
            columns: vec!["email".into()]
        }]
    );
}

#[tokio::test]
async fn composite_keys_generated_columns_and_deferrable_fks() {
    let (_dir, path) = temp_sqlite(SCHEMA);
    let catalog = open(&path).await.catalog().await.unwrap();

    let vss = table(&catalog, "vector-sync-status");
    assert_eq!(vss.primary_key.as_ref().unwrap().columns, ["code", "org"]);
    assert_eq!(vss.unique.len(), 1);
    assert_eq!(vss.unique[0].columns, ["a", "b"]);
    let names: Vec<&str> = vss.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["org", "code", "a", "b", "total", "shout"]);
    assert_eq!(
        vss.column("total").unwrap().generated.as_deref(),
        Some("a * b")
    );
    assert_eq!(
        vss.column("shout").unwrap().generated.as_deref(),
        Some("upper(code)")
    );
    assert_eq!(vss.column("a").unwrap().generated, None);

    let refs = table(&catalog, "refs");
    assert_eq!(refs.foreign_keys.len(), 2);
    let pair = refs
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["s_code", "s_org"])
        .unwrap();
    assert_eq!(pair.name.as_deref(), Some("refs_status_fk"));
    assert_eq!(
        pair.referenced_table,
        TableName::new(None, "vector-sync-status")
    );
    assert_eq!(pair.referenced_columns, ["code", "org"]);
    assert!(!pair.deferrable);
    let owner = refs
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["owner"])
        .unwrap();
    // `REFERENCES users` without columns means users' primary key.
    assert_eq!(owner.referenced_columns, ["id"]);
    assert!(owner.deferrable && owner.initially_deferred);
}

#[tokio::test]
async fn values_keep_their_storage_class() {
    let (_dir, path) = temp_sqlite(SCHEMA);
    let live = open(&path).await;
    let catalog = live.catalog().await.unwrap();
    let vals = table(&catalog, "vals");
    assert_eq!(live.count_rows(&vals.name).await.unwrap(), 6);
    let mut rows = Vec::new();
    let n = live
        .stream_rows(vals, &[2, 1, 0], |row| {
            rows.push(row.to_vec());
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(n, 6);
    rows.sort_by_key(|r| match r[2] {
        Cell::Int(i) => i,
        _ => 0,
    });
    let text = |s: &str| Cell::Text(s.into());
    assert_eq!(
        rows[0],
        [
            text("it's \"quoted\" \\ back\\slash"),
            Cell::Int(42),
            Cell::Int(1)
        ]
    );
    assert_eq!(rows[1][0], text("tab\tnl\ncr\rend"));
    assert_eq!(rows[1][1], Cell::Float(1.5));
    assert_eq!(
        rows[2],
        [text("unicode é ✓ 🚑 中文"), text("text"), Cell::Int(3)]
    );
    assert_eq!(
        rows[3],
        [text(""), Cell::Bytes(vec![0, 0xff, 0x5c]), Cell::Int(4)]
    );
    assert_eq!(rows[4], [Cell::Null, Cell::Null, Cell::Int(5)]);
    assert_eq!(rows[5], [text("\\N"), Cell::Int(i64::MIN), Cell::Int(6)]);

    // Zero columns still counts rows.
    assert_eq!(
        live.stream_rows(vals, &[], |r| {
            assert!(r.is_empty());
            Ok(())
        })
        .await
        .unwrap(),
        6
    );
}

#[tokio::test]
async fn reading_leaves_the_file_untouched() {
    let (dir, path) = temp_sqlite(SCHEMA);
    let before = std::fs::read(&path).unwrap();
    let listing = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let files_before = listing(dir.path());
    {
        let live = open(&path).await;
        let catalog = live.catalog().await.unwrap();
        for t in &catalog.tables {
            live.count_rows(&t.name).await.unwrap();
            let all: Vec<usize> = (0..t.columns.len()).collect();
            live.stream_rows(t, &all, |_| Ok(())).await.unwrap();
        }
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(listing(dir.path()), files_before, "no journal or WAL file");
}

#[tokio::test]
async fn missing_table_error_names_it() {
    let (_dir, path) = temp_sqlite(SCHEMA);
    let live = open(&path).await;
    let err = live
        .count_rows(&TableName::new(None, "auth_configs"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("auth_configs"), "{err}");
}
