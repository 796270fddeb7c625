//! `--repair-schema` through the real binary on the demo's SQLite live
//! database, for a table the backup has no DDL and no key for.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The demo, with its backup's schema.sql removed and a keyless `notes`
/// table (three rows, no `id`) that live never had.
fn demo_without_ddl() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args(["demo", "--dir"])
        .arg(&root)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    std::fs::remove_file(root.join("backup/schema.sql")).unwrap();
    std::fs::write(
        root.join("backup/notes.json"),
        r#"[{"title":"a","body":"it's \"quoted\""},{"title":"a","body":"x\\y"},{"title":"b","body":null}]"#,
    )
    .unwrap();
    (dir, root)
}

fn lifeboat(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .current_dir(root)
        .env("XDG_DATA_HOME", root)
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const PLAN: [&str; 5] = ["plan", "--db", "live.db", "--backup", "backup"];

#[test]
fn a_table_missing_live_points_at_repair_schema() {
    let (_dir, root) = demo_without_ddl();
    let out = lifeboat(&root, &[&PLAN[..], &["--pick", "notes"]].concat());
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("add --repair-schema=notes"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_keyless_table_without_ddl_needs_consent_then_all_its_rows_come_back() {
    let (_dir, root) = demo_without_ddl();
    let repair = ["--repair-schema=notes", "--pick", "notes"];
    let blocked = lifeboat(&root, &[&PLAN[..], &repair].concat());
    let said = text(&blocked);
    assert_ne!(blocked.status.code(), Some(0), "{said}");
    assert!(said.contains("--accept-inferred-schema"), "{said}");
    assert!(!said.contains("no primary key"), "{said}");

    let run = lifeboat(
        &root,
        &[
            &["restore", "--db", "live.db", "--backup", "backup"][..],
            &repair,
            &["--accept-inferred-schema", "--yes"],
        ]
        .concat(),
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    // Read back as whole rows (no key): the duplicate-free check still counts all three.
    assert!(
        text(&run).contains("verified: 3 row(s) read back, all as in the backup"),
        "{}",
        text(&run)
    );
    let rows = Command::new("sqlite3")
        .arg(root.join("live.db"))
        .arg("SELECT title, quote(body) FROM notes ORDER BY title, body")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&rows.stdout),
        "a|'it''s \"quoted\"'\na|'x\\y'\nb|NULL\n"
    );
}

#[test]
fn a_table_recreated_without_rows_runs_and_its_undo_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    let out = lifeboat(dir.path(), &["demo", "--dir", root.to_str().unwrap()]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let run = lifeboat(
        &root,
        &[
            "restore",
            "--db",
            "live.db",
            "--backup",
            "backup",
            "--repair-schema=auth_configs",
            "--yes",
        ],
    );
    let said = text(&run);
    assert_eq!(run.status.code(), Some(0), "{said}");
    assert!(said.contains("COMMITTED."), "{said}");
    let sqlite = |sql: &str| {
        let out = Command::new("sqlite3")
            .arg(root.join("live.db"))
            .arg(sql)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(sqlite("SELECT count(*) FROM auth_configs"), "0");
    let undo = said
        .lines()
        .find_map(|l| l.strip_prefix("undo script: "))
        .expect("an undo script");
    let status = Command::new("sqlite3")
        .arg(root.join("live.db"))
        .arg(format!(".read {undo}"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        sqlite("SELECT count(*) FROM sqlite_master WHERE name = 'auth_configs'"),
        "0"
    );
}

#[test]
fn a_recreated_autoincrement_table_keeps_never_reusing_ids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let backup = root.join("backup");
    std::fs::create_dir(&backup).unwrap();
    std::fs::write(
        backup.join("schema.sql"),
        "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);\n\
         CREATE TABLE keep (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        backup.join("events.json"),
        r#"[{"id":1,"name":"a"},{"id":7,"name":"b"}]"#,
    )
    .unwrap();
    std::fs::write(backup.join("keep.json"), "[]").unwrap();
    let sqlite = |sql: &str| {
        let out = Command::new("sqlite3")
            .arg(root.join("live.db"))
            .arg(sql)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    sqlite("CREATE TABLE keep (id INTEGER PRIMARY KEY);");
    let run = lifeboat(
        root,
        &[
            "restore",
            "--db",
            "live.db",
            "--backup",
            "backup",
            "--repair-schema=events",
            "--pick",
            "events",
            "--yes",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let ddl = sqlite("SELECT sql FROM sqlite_master WHERE name = 'events'");
    assert!(ddl.contains("PRIMARY KEY AUTOINCREMENT"), "{ddl}");
    // Deleting the highest row and inserting again does not reuse id 7.
    sqlite("DELETE FROM events WHERE id = 7; INSERT INTO events (name) VALUES ('c');");
    assert_eq!(sqlite("SELECT id FROM events WHERE name = 'c'"), "8");
}
