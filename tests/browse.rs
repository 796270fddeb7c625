//! The Table view's rows against real SQLite files and backups: every demo
//! table says what the diff says, row by row; a backup explored without a
//! live side; progress and cancellation.

mod common;

use common::browsing::{
    assert_counts_match, assert_picks_select_their_rows, column_index, connect, entry_where, load,
    text,
};
use common::{run_diff, temp_sqlite, write_backup};
use lifeboat::backup::Backup;
use lifeboat::browse::{load_table_rows, CellText, RowStatus};
use lifeboat::diff::TableStatus;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The demo: a dropped table, dropped columns, missing, changed and
/// live-only rows, an incompatible key, a CSV table.
#[tokio::test]
async fn demo_tables_match_the_diff_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let demo = lifeboat::demo::build(dir.path()).await.unwrap();
    let url = demo.live_db.to_str().unwrap().to_owned();
    let report = run_diff(&url, &demo.backup_dir, false).await;
    let live = connect(&url).await;
    let catalog = live.catalog().await.unwrap();
    let backup = Backup::open(&demo.backup_dir).unwrap();
    assert!(report.tables.len() >= 6);
    for d in &report.tables {
        let rows = load(Some(&live), &backup, &d.name).await;
        assert_eq!(rows.table, d.name);
        assert_counts_match(&rows, d);
        assert_picks_select_their_rows(&rows, &backup, &catalog);
        if d.status == TableStatus::TableMissing {
            assert!((0..rows.len()).all(|e| rows.status(e) == RowStatus::MissingLive));
            assert!(rows.columns.iter().all(|c| !c.in_live && c.in_backup));
        }
    }

    let projects = load(Some(&live), &backup, "projects").await;
    let names: Vec<&str> = projects.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "owner_id",
            "name",
            "slug",
            "base_url",
            "created_at",
            "budget",
            "launch_date",
            "is_public",
            "notes"
        ],
        "live columns, then the ones dropped live"
    );
    let budget = &projects.columns[6];
    assert!(!budget.in_live && budget.in_backup && budget.live_type.is_none());
    assert!(projects.columns[0].key && !projects.columns[1].key);
    assert_eq!(
        projects.columns[2].live_type.as_deref(),
        Some("VARCHAR(255)")
    );
    let changed = projects.entries_with(&[RowStatus::Changed]);
    assert_eq!(changed.len(), 1);
    let e = changed[0] as usize;
    let name = column_index(&projects, "name");
    assert_eq!(projects.changed_columns(e), [name]);
    assert_ne!(projects.backup_cell(e, name), projects.live_cell(e, name));
    assert!(matches!(projects.live_cell(e, name), CellText::Text(_)));
    assert_eq!(projects.live_cell(e, 6), CellText::Absent, "dropped live");
    assert!(
        projects.backup_cell(e, 6).text().is_some() || projects.backup_cell(e, 6) == CellText::Null
    );
    let line = projects.line(e).unwrap();
    assert_eq!(projects.find_line(line), Some(e));
    let id = projects.backup_cell(e, 0).text().unwrap().to_owned();
    assert_eq!(projects.key_text(e), format!("id={id}"));
    assert_eq!(projects.pick_spec(e), Some(format!("projects:id={id}")));
    // Missing rows have no live side.
    let missing = projects.entries_with(&[RowStatus::MissingLive])[0] as usize;
    assert_eq!(projects.live_cell(missing, 0), CellText::Absent);

    // The key live rejects (not a UUID) still names and picks its row.
    let users = load(Some(&live), &backup, "users").await;
    let odd = entry_where(&users, "id", "user_xi3vlkE9W67ubphOtaNRidKXxBR");
    assert_eq!(users.key_text(odd), "id=user_xi3vlkE9W67ubphOtaNRidKXxBR");
    assert_eq!(users.line(odd), Some(14));

    // Live-only rows come after the backup rows, with their live values.
    let sessions = load(Some(&live), &backup, "test_sessions").await;
    let only = sessions.entries_with(&[RowStatus::OnlyLive]);
    assert_eq!(only.len() as u64, sessions.counts().only_live);
    let first = only[0] as usize;
    assert_eq!(first, sessions.backup_rows());
    assert_eq!(sessions.line(first), None);
    assert_eq!(sessions.backup_cell(first, 0), CellText::Absent);
    let id = sessions.live_cell(first, 0).text().unwrap().to_owned();
    assert_eq!(sessions.key_text(first), format!("id={id}"));
}

/// Composite keys, keyless tables with repeated rows, awkward values,
/// fields named in another case, and a field the JSON reveals late.
#[tokio::test]
async fn sqlite_composite_keyless_and_awkward_values() {
    let awkward = "say \"hi\",\nthen\ttab \u{1b}[31mred\u{7} and ,= \"\"";
    let members = json!([
        {"org": 1, "user": "a", "role": "owner"},
        {"org": 1, "user": "b", "role": "admin"},
        {"org": 2, "user": "a", "role": "member"},
        {"org": 2, "user": awkward, "role": "member", "note": "late field"},
    ]);
    let events = "actor,action,at\nann,login,2025-01-01T10:00:00Z\nann,login,2025-01-01T10:00:00Z\nann,login,2025-01-01T10:00:00Z\nbob,logout,\n\" lead\",\"x,y\",2025-01-02T00:00:00Z\n";
    let dir = write_backup(&[
        ("members.json", members.to_string()),
        ("events.csv", events.to_string()),
    ]);
    let (_tmp, db) = temp_sqlite(
        r#"CREATE TABLE members (ORG INTEGER, "user" TEXT, role TEXT, PRIMARY KEY (ORG, "user"));
           INSERT INTO members VALUES (1, 'a', 'owner'), (1, 'b', 'viewer'), (3, 'z', 'member');
           CREATE TABLE events (actor TEXT, action TEXT, at TIMESTAMPTZ);
           INSERT INTO events VALUES ('ann', 'login', '2025-01-01 10:00:00+00'), ('ann', 'login', '2025-01-01T10:00:00Z'),
                                     ('carl', 'login', NULL);"#,
    );
    let url = db.to_str().unwrap();
    let report = run_diff(url, dir.path(), false).await;
    let live = connect(url).await;
    let catalog = live.catalog().await.unwrap();
    let backup = Backup::open(dir.path()).unwrap();
    for d in &report.tables {
        let rows = load(Some(&live), &backup, &d.name).await;
        assert_counts_match(&rows, d);
        assert_picks_select_their_rows(&rows, &backup, &catalog);
    }

    let m = load(Some(&live), &backup, "members").await;
    let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ORG", "user", "role", "note"]);
    assert_eq!(
        m.columns[0].backup_name.as_deref(),
        Some("org"),
        "matched case-insensitively"
    );
    assert!(m.columns[0].key && m.columns[1].key && !m.columns[2].key);
    use RowStatus::*;
    let statuses: Vec<RowStatus> = (0..m.len()).map(|e| m.status(e)).collect();
    assert_eq!(
        statuses,
        [Identical, Changed, MissingLive, MissingLive, OnlyLive]
    );
    assert_eq!(m.changed_columns(1), [2]);
    assert_eq!(
        (text(m.backup_cell(1, 2)), text(m.live_cell(1, 2))),
        ("admin".into(), "viewer".into())
    );
    assert_eq!(m.key_text(1), "ORG=1, user=b");
    assert_eq!(m.backup_cell(0, 0), CellText::Other("1"), "a JSON number");
    assert_eq!(m.live_cell(0, 0), CellText::Other("1"), "an SQLite integer");
    // Raw in storage, escaped in the key text, quoted in the pick.
    assert_eq!(m.backup_cell(3, 1), CellText::Text(awkward));
    assert_eq!(
        m.backup_cell(0, 3),
        CellText::Absent,
        "a field the first rows lack"
    );
    assert_eq!(m.backup_cell(3, 3), CellText::Text("late field"));
    let key = m.key_text(3);
    assert!(
        key.starts_with("ORG=2, user=say \"hi\",\\nthen\\ttab \\u{1b}[31mred\\u{7}"),
        "{key}"
    );
    assert!(!key.chars().any(char::is_control), "{key}");
    assert_eq!(
        m.pick_spec(3).unwrap(),
        format!("members:org=2,user=\"{}\"", awkward.replace('"', "\"\""))
    );
    assert_eq!(m.live_cell(4, 1), CellText::Text("z"));
    assert_eq!(m.pick_spec(4), None);

    let ev = load(Some(&live), &backup, "events").await;
    assert_eq!(ev.key.as_ref().unwrap().source, "whole_row");
    assert!(ev.columns.iter().all(|c| !c.key));
    let statuses: Vec<RowStatus> = (0..ev.len()).map(|e| ev.status(e)).collect();
    assert_eq!(
        statuses,
        [
            Identical,
            Identical,
            MissingLive,
            MissingLive,
            MissingLive,
            OnlyLive
        ],
        "two live copies of the three backup ones"
    );
    assert_eq!(
        ev.live_cell(1, 2),
        CellText::Text("2025-01-01T10:00:00Z"),
        "paired in order"
    );
    assert_eq!(ev.key_text(3), "actor=bob, action=logout, at=NULL");
    assert_eq!(
        ev.pick_spec(4).unwrap(),
        "events:actor=\" lead\",action=\"x,y\",at=2025-01-02T00:00:00Z"
    );
    assert_eq!(ev.pick_spec(3).unwrap(), "events:actor=bob,action=logout");
}

/// No live side: the backup's own schema gives the columns and the key;
/// without a schema, the data's fields as they appear.
#[tokio::test]
async fn backup_explored_without_a_live_side() {
    let schema =
        "CREATE TABLE public.items (id integer PRIMARY KEY, name text, price numeric(8,2));";
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        (
            "public.items.json",
            json!([{"id": 1, "name": "a", "price": "1.50"}, {"id": 2, "name": null}]).to_string(),
        ),
        (
            "notes.jsonl",
            "{\"b\":1}\n{\"a\":\"x\",\"b\":2}\n".to_string(),
        ),
    ]);
    let backup = Backup::open(dir.path()).unwrap();
    for name in ["public.items", "items"] {
        let items = load(None, &backup, name).await;
        assert_eq!(items.table, "public.items");
        let names: Vec<&str> = items.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "price"]);
        assert!(items.columns.iter().all(|c| c.in_backup && !c.in_live));
        assert!(items.columns[0].key);
        assert_eq!(items.counts().backup_only, 2);
        assert_eq!(
            (0..2).map(|e| items.status(e)).collect::<Vec<_>>(),
            [RowStatus::BackupOnly; 2]
        );
        assert_eq!(
            (text(items.backup_cell(1, 1)), text(items.backup_cell(1, 2))),
            ("NULL".into(), "-".into())
        );
        assert_eq!(items.live_cell(0, 0), CellText::Absent);
        assert_eq!(items.pick_spec(1).unwrap(), "public.items:id=2");
        assert_eq!(items.key_text(0), "id=1");
    }
    let notes = load(None, &backup, "notes").await;
    let names: Vec<&str> = notes.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["b", "a"]);
    assert_eq!(notes.key, None);
    assert_eq!(notes.backup_cell(0, 1), CellText::Absent);
    assert_eq!(notes.key_text(1), "b=2, a=x");
    assert_eq!(notes.pick_spec(0).unwrap(), "notes:b=1");
    let err = load_table_rows(
        None,
        &backup,
        "nope",
        |_| {},
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("no table named nope"), "{err}");
}

/// Progress comes every 10,000 rows a side and once at the end; a
/// cancelled load fails.
#[tokio::test]
async fn progress_and_cancel() {
    let n = 25_000;
    let rows: String = (1..=n)
        .map(|i| format!("{{\"id\":{i},\"v\":\"r{i}\"}}\n"))
        .collect();
    let dir = write_backup(&[("t.jsonl", rows)]);
    let (_tmp, db) = temp_sqlite(&format!(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
         WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) INSERT INTO t SELECT i, 'r' || i FROM s WHERE i % 10 != 0;"
    ));
    let live = connect(db.to_str().unwrap()).await;
    let backup = Backup::open(dir.path()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let t = load_table_rows(
        Some(&live),
        &backup,
        "t",
        move |n| log.lock().unwrap().push(n),
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .unwrap();
    assert_eq!(t.counts().missing_live, 2_500);
    assert_eq!(t.counts().identical, 22_500);
    let seen = seen.lock().unwrap().clone();
    let total = 25_000 + 22_500;
    assert_eq!(seen.last(), Some(&total), "{seen:?}");
    // Two reports a side (a late smaller one from the other side is dropped), then the total.
    assert!((3..=5).contains(&seen.len()), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "increasing: {seen:?}");
    assert!(seen[0] >= 10_000, "no report before 10,000 rows: {seen:?}");

    let cancel = Arc::new(AtomicBool::new(false));
    let stop = cancel.clone();
    let err = load_table_rows(
        Some(&live),
        &backup,
        "t",
        move |_| stop.store(true, Ordering::Relaxed),
        cancel,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
}
