//! Bad input through the real binary: every case exits 2 with a message that
//! names the file and line (or table and key), and never shows a password.

mod common;

use common::{write_backup, TestPg};
use std::process::{Command, Output};

fn lifeboat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .env_remove("LIFEBOAT_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

/// Run, expect exit code 2, return stderr.
fn fails(args: &[&str]) -> String {
    let out = lifeboat(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "args {args:?}\nstdout: {}\nstderr: {stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn sqlite_db(dir: &std::path::Path, sql: &str) -> String {
    let path = dir.join("live.db");
    let status = Command::new("sqlite3").arg(&path).arg(sql).status();
    match status {
        Ok(s) if s.success() => path.display().to_string(),
        _ => {
            // No sqlite3 CLI: build it through the library's own dependency.
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                let opts = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true);
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut c)
                    .await
                    .unwrap();
            });
            path.display().to_string()
        }
    }
}

#[test]
fn malformed_json_names_file_and_line() {
    let dir = write_backup(&[("projects.json", "[\n{\"id\": 1},\n{\"id\": 2,,}\n]".into())]);
    let err = fails(&["inspect", "--backup", dir.path().to_str().unwrap()]);
    assert!(err.contains("projects.json:3"), "{err}");
}

#[test]
fn csv_row_with_wrong_field_count() {
    let dir = write_backup(&[("tags.csv", "id,name\n1,a\n2,b,extra\n".into())]);
    let err = fails(&["inspect", "--backup", dir.path().to_str().unwrap()]);
    assert!(err.contains("tags.csv:3"), "{err}");
}

#[test]
fn invalid_utf8_names_file_and_line() {
    let dir = write_backup(&[]);
    common::write_file(
        dir.path(),
        "notes.jsonl",
        b"{\"id\":1}\n{\"id\":2,\"t\":\"caf\xe9\"}\n",
    );
    let err = fails(&["inspect", "--backup", dir.path().to_str().unwrap()]);
    assert!(err.contains("notes.jsonl:2"), "{err}");
    assert!(err.to_lowercase().contains("utf-8"), "{err}");
}

#[test]
fn empty_and_missing_directories() {
    let dir = write_backup(&[]);
    let err = fails(&["inspect", "--backup", dir.path().to_str().unwrap()]);
    assert!(err.contains(dir.path().to_str().unwrap()), "{err}");
    let missing = dir.path().join("nope");
    let err = fails(&["inspect", "--backup", missing.to_str().unwrap()]);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn invalid_table_name_in_backup() {
    let dir = write_backup(&[]);
    common::write_file(dir.path(), "bad\u{1b}name.json", b"[]");
    let err = fails(&["inspect", "--backup", dir.path().to_str().unwrap()]);
    assert!(err.contains(".json"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "escape sequences must not reach the terminal: {err:?}"
    );
}

#[test]
fn duplicate_keys_in_backup_are_reported() {
    let work = tempfile::tempdir().unwrap();
    let db = sqlite_db(
        work.path(),
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);",
    );
    let dir = write_backup(&[(
        "items.jsonl",
        "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":1,\"name\":\"c\"}\n".into(),
    )]);
    let err = fails(&[
        "diff",
        "--db",
        &db,
        "--backup",
        dir.path().to_str().unwrap(),
    ]);
    assert!(err.contains("items.jsonl"), "{err}");
    assert!(
        err.contains("id=1") && err.contains("lines 1 and 3"),
        "{err}"
    );
}

#[test]
fn unsupported_url_scheme() {
    let dir = write_backup(&[("a.json", "[]".into())]);
    let err = fails(&[
        "diff",
        "--db",
        "mysql://root:hunter2@localhost/app",
        "--backup",
        dir.path().to_str().unwrap(),
    ]);
    assert!(err.contains("mysql"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn connection_refused_is_redacted() {
    let dir = write_backup(&[("a.json", "[]".into())]);
    let err = fails(&[
        "diff",
        "--db",
        "postgres://admin:hunter2@127.0.0.1:1/app",
        "--backup",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("127.0.0.1"), "{err}");
}

#[test]
fn password_in_env_url_never_printed() {
    // The password reaches the server (which trusts it or not); whatever
    // error comes back from sqlx must not carry it.
    let dir = write_backup(&[("a.json", "[]".into())]);
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .env(
            "LIFEBOAT_DATABASE_URL",
            "postgres://postgres:s3cretpw@127.0.0.1:5432/lifeboat_no_such_database",
        )
        .args(["diff", "--backup", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("lifeboat_no_such_database"), "{all}");
    assert!(!all.contains("s3cretpw"), "{all}");
}

#[test]
fn no_database_given() {
    let dir = write_backup(&[("a.json", "[]".into())]);
    let err = fails(&["diff", "--backup", dir.path().to_str().unwrap()]);
    assert!(err.contains("--db"), "{err}");
}

#[tokio::test]
async fn identical_database_exits_zero() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE t (id integer PRIMARY KEY, v text)")
        .await;
    pg.exec("INSERT INTO t VALUES (1, 'a'), (2, NULL)").await;
    let dir = write_backup(&[("t.csv", "id,v\n1,a\n2,\n".into())]);
    let url = pg.url();
    let out = tokio::task::spawn_blocking(move || {
        lifeboat(&[
            "diff",
            "--db",
            &url,
            "--backup",
            dir.path().to_str().unwrap(),
        ])
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("identical"), "{stdout}");
}

#[test]
fn help_lists_commands() {
    let out = lifeboat(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["inspect", "diff", "demo", "Exit codes"] {
        assert!(text.contains(word), "{text}");
    }
}
