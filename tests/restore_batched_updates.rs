//! Many rows to update in one table: the UPDATEs and the re-check that the
//! live rows still hold what the plan read are batched (a VALUES list joined
//! on the key). A changed and a deleted row among them are each named, and
//! the batch writes exactly its rows — on PostgreSQL and SQLite.

mod common;

use common::{temp_sqlite, write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::execute::{execute, Execution, Mode, Outcome};
use lifeboat::restore::pick::parse_pick;
use lifeboat::restore::plan::OnConflict;
use lifeboat::restore::script::ScriptOptions;
use lifeboat::restore::selection::SelectOptions;
use lifeboat::restore::{prepare, Prepared};
use std::time::Duration;

const ROWS: usize = 12;

/// Live: items 1..=12 labelled 'old it''s'; the backup says 'new \ n' with
/// a jsonb/text payload, so every row is an UPDATE of two columns.
fn backup() -> tempfile::TempDir {
    let rows: Vec<String> = (1..=ROWS)
        .map(|i| {
            format!(
                r#"{{"id":"00000000-0000-4000-8000-{i:012}","n":{i},"label":"new \\ n{i}","payload":{{"k":[{i},"x\"y"]}}}}"#
            )
        })
        .collect();
    // One row per line: a row's origin is `items.json:N`.
    write_backup(&[("items.json", format!("[{}]", rows.join(",\n")))])
}

async fn plan(url: &str, dir: &std::path::Path) -> (DbUrl, Prepared) {
    let url = DbUrl::parse(url).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(dir).unwrap();
    let opts = SelectOptions {
        on_conflict: OnConflict::Update,
        ..SelectOptions::default()
    };
    // Five rows per statement: 12 rows make three batches.
    let script = ScriptOptions {
        batch_rows: 5,
        ..ScriptOptions::default()
    };
    let all: Vec<_> = (1..=ROWS)
        .map(|i| parse_pick(&format!("items:n={i}")).unwrap())
        .collect();
    let prepared = prepare(&live, &backup, &all, opts, &script).await.unwrap();
    (url, prepared)
}

async fn run(url: &DbUrl, prepared: &Prepared) -> Execution {
    let scripts = prepared.scripts.as_ref().expect("plan is executable");
    execute(
        url,
        &prepared.selection,
        scripts,
        Mode::Commit,
        Duration::from_secs(5),
        &mut || Ok(()),
    )
    .await
    .unwrap()
}

fn updates_in(prepared: &Prepared) -> usize {
    let text = prepared.scripts.as_ref().unwrap().script.text();
    text.lines()
        .filter(|l| l.starts_with("UPDATE") && l.contains("lifeboat_values"))
        .count()
}

fn assert_moved(result: &Execution) {
    assert_eq!(result.outcome, Outcome::RolledBack, "{result:?}");
    let about = |n: u32| {
        result
            .moved
            .iter()
            .filter(|m| m.contains(&format!("items.json:{n})")))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(result.moved.len(), 2, "{:?}", result.moved);
    assert!(
        about(3)[0].contains("changed live since the plan"),
        "{:?}",
        result.moved
    );
    assert!(
        about(9)[0].contains("was deleted live since the plan"),
        "{:?}",
        result.moved
    );
}

#[tokio::test]
async fn postgres_batches_updates_and_names_the_changed_and_the_deleted_row() {
    let db = TestPg::new().await;
    db.exec(&format!(
        "CREATE TABLE items (id uuid PRIMARY KEY, n integer NOT NULL, label text, payload jsonb);
         INSERT INTO items SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, i, 'old it''s', NULL
         FROM generate_series(1, {ROWS}) i;"
    ))
    .await;
    let dir = backup();
    let (url, prepared) = plan(&db.url(), dir.path()).await;
    assert_eq!(
        prepared.summary.rows_to_update, ROWS,
        "{:?}",
        prepared.summary
    );
    assert_eq!(updates_in(&prepared), 3);

    // Someone writes between plan and run: row 3 changes, row 9 goes.
    db.exec("UPDATE items SET label = 'edited' WHERE n = 3; DELETE FROM items WHERE n = 9")
        .await;
    let before: Vec<String> = sqlx::query_scalar("SELECT i::text FROM items i ORDER BY n")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_moved(&run(&url, &prepared).await);
    let after: Vec<String> = sqlx::query_scalar("SELECT i::text FROM items i ORDER BY n")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(after, before);

    // Planned again: eleven rows updated, the deleted one inserted again.
    let (url, prepared) = plan(&db.url(), dir.path()).await;
    let result = run(&url, &prepared).await;
    assert_eq!(result.outcome, Outcome::Committed, "{result:?}");
    assert_eq!(result.written["public.items"].updated, ROWS as u64 - 1);
    assert_eq!(result.written["public.items"].inserted, 1);
    let rows: Vec<(i32, String, String)> =
        sqlx::query_as("SELECT n, label, payload::text FROM items ORDER BY n")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), ROWS);
    for (n, label, payload) in rows {
        assert_eq!(label, format!("new \\ n{n}"));
        assert_eq!(payload, format!(r#"{{"k": [{n}, "x\"y"]}}"#));
    }
}

#[tokio::test]
async fn sqlite_batches_updates_and_names_the_changed_and_the_deleted_row() {
    let inserts: String = (1..=ROWS)
        .map(|i| format!("INSERT INTO items VALUES ('00000000-0000-4000-8000-{i:012}', {i}, 'old it''s', NULL);\n"))
        .collect();
    let (_dir, path) = temp_sqlite(&format!(
        "CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL, label TEXT, payload TEXT);\n{inserts}"
    ));
    let url = format!("sqlite://{}", path.display());
    let sqlite = |sql: &str| {
        let out = std::process::Command::new("sqlite3")
            .arg(&path)
            .arg(sql)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let dir = backup();
    let (db_url, prepared) = plan(&url, dir.path()).await;
    assert_eq!(
        prepared.summary.rows_to_update, ROWS,
        "{:?}",
        prepared.summary
    );
    assert_eq!(updates_in(&prepared), 3);

    sqlite("UPDATE items SET label = 'edited' WHERE n = 3; DELETE FROM items WHERE n = 9");
    let before = sqlite("SELECT * FROM items ORDER BY n");
    assert_moved(&run(&db_url, &prepared).await);
    assert_eq!(sqlite("SELECT * FROM items ORDER BY n"), before);

    let (db_url, prepared) = plan(&url, dir.path()).await;
    let result = run(&db_url, &prepared).await;
    assert_eq!(result.outcome, Outcome::Committed, "{result:?}");
    assert_eq!(result.written["items"].updated, ROWS as u64 - 1);
    assert_eq!(result.written["items"].inserted, 1);
    let labels = sqlite("SELECT n || '|' || label || '|' || payload FROM items ORDER BY n");
    let want: String = (1..=ROWS)
        .map(|n| format!("{n}|new \\ n{n}|{{\"k\":[{n},\"x\\\"y\"]}}\n"))
        .collect();
    assert_eq!(labels, want);
}
