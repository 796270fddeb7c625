//! `--no-dependents-in TABLE` on the bundled demo (a real SQLite file): a
//! project comes back with its sessions but without their violations, and
//! the plan's counts say why each row is there.

use lifeboat::backup::Backup;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::pick::parse_pick;
use lifeboat::restore::selection::{select, SelectOptions};
use lifeboat::restore::summary::{explain, RowKind};
use std::collections::BTreeMap;
use std::process::Command;

async fn demo() -> (tempfile::TempDir, std::path::PathBuf, LiveDb, Backup) {
    let dir = tempfile::tempdir().unwrap();
    let built = lifeboat::demo::build(&dir.path().join("demo"))
        .await
        .unwrap();
    let url = DbUrl::parse(built.live_db.to_str().unwrap()).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(&built.backup_dir).unwrap();
    let root = dir.path().join("demo");
    (dir, root, live, backup)
}

fn counts(sel: &lifeboat::restore::selection::Selection) -> BTreeMap<String, usize> {
    sel.closure
        .rows
        .iter()
        .map(|(&t, rows)| (sel.universe[t].table.to_string(), rows.len()))
        .collect()
}

fn expect(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|&(t, n)| (t.to_string(), n)).collect()
}

#[tokio::test]
async fn excluding_violations_brings_the_sessions_without_their_violations() {
    let (_dir, _root, live, backup) = demo().await;
    let catalog = live.catalog().await.unwrap();
    let picks = vec![parse_pick("projects:name=ToeTheLine").unwrap()];

    let all = select(&live, &catalog, &backup, &picks, SelectOptions::default())
        .await
        .unwrap();
    assert_eq!(
        counts(&all),
        expect(&[("projects", 1), ("test_sessions", 1), ("violations", 12)])
    );

    let opts = SelectOptions {
        exclude_dependents: ["violations".to_string()].into_iter().collect(),
        ..SelectOptions::default()
    };
    let sel = select(&live, &catalog, &backup, &picks, opts)
        .await
        .unwrap();
    assert_eq!(
        counts(&sel),
        expect(&[("projects", 1), ("test_sessions", 1)])
    );
    assert!(sel.closure.blockers.is_empty());
    let kinds: Vec<(String, RowKind)> = explain(&sel)
        .into_iter()
        .map(|e| (e.table, e.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("projects".to_string(), RowKind::Picked),
            ("test_sessions".to_string(), RowKind::Dependent),
        ]
    );

    // Excluding the sessions cuts the walk there: their violations are not
    // reached through them.
    let opts = SelectOptions {
        exclude_dependents: ["test_sessions".to_string()].into_iter().collect(),
        ..SelectOptions::default()
    };
    let sel = select(&live, &catalog, &backup, &picks, opts)
        .await
        .unwrap();
    assert_eq!(counts(&sel), expect(&[("projects", 1)]));
}

#[tokio::test]
async fn an_unknown_excluded_table_is_an_error_not_a_silent_no_op() {
    let (_dir, _root, live, backup) = demo().await;
    let catalog = live.catalog().await.unwrap();
    let picks = vec![parse_pick("projects:name=ToeTheLine").unwrap()];
    let opts = SelectOptions {
        exclude_dependents: ["violation".to_string()].into_iter().collect(),
        ..SelectOptions::default()
    };
    let err = select(&live, &catalog, &backup, &picks, opts)
        .await
        .err()
        .expect("a typo must not pass");
    let text = err.to_string();
    assert!(
        text.contains("--no-dependents-in violation") && text.contains("no such table"),
        "{text}"
    );
}

fn plan(root: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .current_dir(root)
        .env("XDG_DATA_HOME", root)
        .args(["plan", "--db", "live.db", "--backup", "backup"])
        .args(["--pick", "projects:name=ToeTheLine", "--json"])
        .args(extra)
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_cli_flag_is_repeatable_and_the_json_counts_rows_by_kind() {
    let (_dir, root, _live, _backup) = demo().await;
    let out = plan(&root, &["--no-dependents-in", "violations"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables: Vec<(String, u64, u64, u64, u64)> = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["table"].as_str().unwrap().to_string(),
                t["insert"].as_u64().unwrap(),
                t["picked"].as_u64().unwrap(),
                t["dependents"].as_u64().unwrap(),
                t["required_parents"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tables,
        vec![
            ("projects".to_string(), 1, 1, 0, 0),
            ("test_sessions".to_string(), 1, 0, 1, 0),
        ]
    );
    assert_eq!(v["rows_to_insert"], 2);

    let out = plan(
        &root,
        &[
            "--no-dependents-in",
            "violations",
            "--no-dependents-in",
            "test_sessions",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows_to_insert"], 1, "{v:#}");

    let out = plan(&root, &["--no-dependents-in", "nosuch"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--no-dependents-in nosuch"), "{err}");
}

#[tokio::test]
async fn explain_json_gives_each_row_its_kind_and_each_step_its_origin() {
    let (_dir, root, _live, _backup) = demo().await;
    let out = plan(&root, &["--explain"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["explain"].as_array().unwrap();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        *by_kind
            .entry(r["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(
        by_kind,
        expect(&[("dependent", 13), ("picked", 1)]),
        "1 project picked; its session and 12 violations depend on it"
    );
    let violation = rows
        .iter()
        .find(|r| r["table"] == "violations")
        .expect("a violation");
    let steps: Vec<&str> = violation["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(
        steps[2]
            .ends_with("references it through violations.session_id → test_sessions.id [live FK]"),
        "{steps:?}"
    );
}
