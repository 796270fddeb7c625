//! Picking on the bundled demo (a real SQLite file): the two lost projects
//! bring their sessions, violations and auth configs, and nothing else.

use lifeboat::backup::Backup;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::pick::parse_pick;
use lifeboat::restore::plan::RowAction;
use lifeboat::restore::selection::{select, SelectOptions};
use std::collections::BTreeMap;

async fn demo() -> (tempfile::TempDir, LiveDb, Backup) {
    let dir = tempfile::tempdir().unwrap();
    let built = lifeboat::demo::build(&dir.path().join("demo"))
        .await
        .unwrap();
    let url = DbUrl::parse(built.live_db.to_str().unwrap()).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(&built.backup_dir).unwrap();
    (dir, live, backup)
}

fn counts(sel: &lifeboat::restore::selection::Selection) -> BTreeMap<String, usize> {
    sel.closure
        .rows
        .iter()
        .map(|(&t, rows)| (sel.universe[t].table.to_string(), rows.len()))
        .collect()
}

#[tokio::test]
async fn the_two_lost_projects_bring_everything_that_hangs_off_them() {
    let (_dir, live, backup) = demo().await;
    let catalog = live.catalog().await.unwrap();
    let picks = vec![
        parse_pick("projects:name=ToeTheLine").unwrap(),
        parse_pick("projects:name=\"Federated Login Portal\"").unwrap(),
    ];
    let sel = select(&live, &catalog, &backup, &picks, SelectOptions::default())
        .await
        .unwrap();
    let expected: BTreeMap<String, usize> =
        [("projects", 2), ("test_sessions", 3), ("violations", 94)]
            .into_iter()
            .map(|(t, n)| (t.to_string(), n))
            .collect();
    assert_eq!(counts(&sel), expected);
    assert!(sel.closure.blockers.is_empty());
    // auth_configs was dropped live: its 3 rows are left out, loudly, and
    // block nothing (nothing live can reference a table that is not there).
    assert!(
        sel.classified.errors.is_empty(),
        "{:?}",
        sel.classified.errors
    );
    assert!(sel
        .classified
        .warnings
        .iter()
        .any(|w| w.contains("auth_configs")
            && w.contains("does not exist live")
            && w.contains("3 related row(s)")));
    // Every row of the live tables is an insert; the owners are live already.
    let inserts = sel
        .classified
        .rows
        .iter()
        .filter(|r| r.action == RowAction::Insert)
        .count();
    assert_eq!(inserts, 2 + 3 + 94);
    // The dropped project columns are named, with how many values they lose.
    assert!(sel
        .classified
        .warnings
        .iter()
        .any(|w| w.contains("projects: column budget no longer exists live")));
    assert!(
        sel.classified.failures.is_empty(),
        "{:?}",
        sel.classified.failures
    );
}

#[tokio::test]
async fn without_dependents_a_session_brings_only_what_it_needs() {
    let (_dir, live, backup) = demo().await;
    let catalog = live.catalog().await.unwrap();
    let picks = vec![parse_pick("test_sessions:id=7e4521a9-cc0d-4221-b666-4a63a06b2b5e").unwrap()];
    let opts = SelectOptions {
        no_dependents: true,
        ..SelectOptions::default()
    };
    let sel = select(&live, &catalog, &backup, &picks, opts)
        .await
        .unwrap();
    let c = counts(&sel);
    assert_eq!(c.get("test_sessions"), Some(&1));
    assert_eq!(
        c.get("projects"),
        Some(&1),
        "its project is missing live, so it is required"
    );
    assert_eq!(c.get("violations"), None);
}

#[tokio::test]
async fn a_pick_that_matches_nothing_is_an_error() {
    let (_dir, live, backup) = demo().await;
    let catalog = live.catalog().await.unwrap();
    let picks = vec![parse_pick("projects:name=Nonexistent").unwrap()];
    let err = select(&live, &catalog, &backup, &picks, SelectOptions::default())
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("no backup row has those values"),
        "{err}"
    );
    let picks = vec![parse_pick("nope").unwrap()];
    let err = select(&live, &catalog, &backup, &picks, SelectOptions::default())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("no table nope"), "{err}");
}

#[tokio::test]
async fn the_non_uuid_user_fails_pre_flight_and_skip_invalid_drops_it() {
    let (_dir, live, backup) = demo().await;
    let catalog = live.catalog().await.unwrap();
    let picks = vec![parse_pick("users").unwrap()];
    let sel = select(&live, &catalog, &backup, &picks, SelectOptions::default())
        .await
        .unwrap();
    let f = &sel.classified.failures;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].table.as_str(), f[0].column.as_str()), ("users", "id"));
    assert!(
        f[0].value.contains("user_xi3vlkE9W67ubphOtaNRidKXxBR"),
        "{f:?}"
    );
    let opts = SelectOptions {
        skip_invalid: true,
        ..SelectOptions::default()
    };
    let sel = select(&live, &catalog, &backup, &picks, opts)
        .await
        .unwrap();
    assert!(sel.classified.failures.is_empty());
    assert_eq!(sel.skipped_invalid.len(), 1);
}
