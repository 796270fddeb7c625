//! Incident 2 end to end on SQLite files, driving the real binary: the
//! hyphenated table `"vector-sync-status"` dropped and nine columns dropped
//! from `projects` (ALTER TABLE DROP COLUMN; the rows stay). The backup is
//! a copy of the file from before the damage. One restore with
//! `--repair-schema --restore-columns --pick` brings back the table, its
//! rows and the column values; the undo script (sqlite3) gives the damage
//! back. What SQLite's ALTER TABLE cannot do is refused, naming why, with
//! nothing written.

mod common;

use common::incidents::incident2::{
    restore_columns_arg, sqlite_damage, sqlite_data, LOST_COLUMNS, PROJECTS, SQLITE_SCHEMA,
    SYNC_ROWS, SYNC_TABLE,
};
use common::incidents::undo_and_journal;
use common::restoring::{
    assert_same, sqlite3_script, sqlite_connect, sqlite_exec, Lifeboat, Snapshot,
};
use common::temp_sqlite;
use serde_json::{json, Value};
use sqlx::{AssertSqlSafe, Connection};
use std::path::Path;

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Every table's rows as `col=quote(value)` pairs with the columns sorted
/// by name (storage class and bytes exact; column order does not matter),
/// plus every table's columns (name, declared type upper-cased, NOT NULL,
/// default, key position) and foreign keys.
async fn state(path: &Path) -> (Snapshot, Vec<String>) {
    let mut c = sqlite_connect(path).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .expect("tables");
    let (mut rows, mut structure) = (Snapshot::new(), Vec::new());
    for t in tables {
        let cols: Vec<(String, String, bool, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, upper(type), \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY name",
        )
        .bind(&t)
        .fetch_all(&mut c)
        .await
        .expect("columns");
        for col in &cols {
            structure.push(format!("column {t}.{col:?}"));
        }
        let fks: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?1) ORDER BY 2",
        )
        .bind(&t)
        .fetch_all(&mut c)
        .await
        .expect("foreign keys");
        for fk in fks {
            structure.push(format!("foreign key {t}: {fk:?}"));
        }
        let row: Vec<String> = cols
            .iter()
            .map(|(n, ..)| format!("'{}=' || quote({})", n.replace('\'', "''"), quote(n)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY 1",
            row.join(" || '|' || "),
            quote(&t)
        );
        let r: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_all(&mut c)
            .await
            .unwrap_or_else(|e| panic!("rows of {t}: {e}"));
        rows.insert(t, r);
    }
    c.close().await.expect("close");
    structure.sort();
    (rows, structure)
}

#[tokio::test]
async fn repair_from_the_pre_damage_file_brings_back_the_table_and_the_column_values() {
    let (dir, live) = temp_sqlite(SQLITE_SCHEMA);
    sqlite_exec(&live, &sqlite_data()).await;
    let backup = dir.path().join("app-2025-11-09.db");
    std::fs::copy(&live, &backup).expect("copy the file before the damage");
    let before = state(&live).await;
    sqlite_exec(&live, &sqlite_damage()).await;
    let damaged = state(&live).await;
    assert_ne!(damaged, before);
    let (db, bk) = (
        live.to_str().expect("utf-8"),
        backup.to_str().expect("utf-8"),
    );
    let lb = Lifeboat::new();

    // check names the missing table; diff the nine columns.
    let run = lb
        .run(&["check", "--db", db, "--backup", bk, "--json"])
        .await;
    run.expect_code(1);
    assert_eq!(
        parse(&run.stdout)["missing_tables"],
        json!([SYNC_TABLE]),
        "{}",
        run.show()
    );
    let run = lb
        .run(&["diff", "--db", db, "--backup", bk, "--json"])
        .await;
    let diff = parse(&run.stdout);
    let projects = diff["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["name"] == "projects")
        .unwrap_or_else(|| panic!("projects in the diff\n{}", run.show()));
    let mut got: Vec<&str> = projects["schema"]["missing_columns"]
        .as_array()
        .expect("missing_columns")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    got.sort();
    let mut want = LOST_COLUMNS.to_vec();
    want.sort();
    assert_eq!(got, want, "{}", run.show());

    let columns = restore_columns_arg();
    let run = lb
        .run(&[
            "restore",
            "--db",
            db,
            "--backup",
            bk,
            "--repair-schema",
            "--restore-columns",
            &columns,
            "--pick",
            SYNC_TABLE,
            "--yes",
            "--json",
        ])
        .await;
    run.expect_code(0);
    let report = parse(&run.stdout);
    assert_eq!(
        report["execution"]["outcome"],
        "committed",
        "{}",
        run.show()
    );
    assert_eq!(
        report["execution"]["written"],
        json!({
            "projects": {"inserted": 0, "updated": PROJECTS},
            SYNC_TABLE: {"inserted": SYNC_ROWS, "updated": 0},
        })
    );
    let after = &report["constraints_after"];
    assert_eq!(after["live"], after["backup"], "{}", run.show());

    // Every row and value as before the damage, and the same columns
    // (types, NOT NULL, defaults, keys) and foreign keys.
    let restored = state(&live).await;
    assert_same(&restored.0, &before.0, "after repair");
    assert_eq!(restored.1, before.1);
    let (undo, journal) = undo_and_journal(&report, &lb);
    let outcomes: Vec<&str> = journal
        .iter()
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["committing", "committed"]);

    sqlite3_script(&live, &undo).await;
    let undone = state(&live).await;
    assert_same(&undone.0, &damaged.0, "after undo");
    assert_eq!(undone.1, damaged.1);
}

/// A NOT NULL column without a default cannot be added by SQLite's ALTER
/// TABLE: the plan is blocked with the reason and the file is untouched.
#[tokio::test]
async fn a_not_null_column_without_default_is_refused_and_nothing_is_written() {
    let (dir, live) = temp_sqlite(
        "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL);
         INSERT INTO projects VALUES (1, 'A', 'c-1'), (2, 'B', 'c-2');",
    );
    let backup = dir.path().join("before.db");
    std::fs::copy(&live, &backup).expect("copy");
    sqlite_exec(&live, "ALTER TABLE projects DROP COLUMN code").await;
    let damaged = state(&live).await;
    let file_before = std::fs::read(&live).expect("read file");
    let (db, bk) = (
        live.to_str().expect("utf-8"),
        backup.to_str().expect("utf-8"),
    );
    let lb = Lifeboat::new();
    let run = lb
        .run(&[
            "restore",
            "--db",
            db,
            "--backup",
            bk,
            "--repair-schema",
            "--restore-columns",
            "projects:code",
            "--yes",
        ])
        .await;
    run.expect_code(2);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("cannot recreate column \"code\" of table projects")
            && all.contains("cannot add a NOT NULL column without a constant non-NULL default"),
        "{}",
        run.show()
    );
    assert_eq!(state(&live).await, damaged);
    assert_eq!(std::fs::read(&live).expect("read file"), file_before);
    assert!(
        !lb.journal_path().exists()
            || std::fs::read_to_string(lb.journal_path())
                .expect("journal")
                .trim()
                .is_empty()
    );
}
