//! The restore engine on a real SQLite file: rows referencing each other
//! through NOT NULL deferrable keys are restored with the keys deferred to
//! COMMIT, and a rehearsal checks them without committing.

mod common;

use common::{temp_sqlite, write_backup};
use lifeboat::backup::Backup;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::execute::{execute, Mode, Outcome};
use lifeboat::restore::pick::parse_pick;
use lifeboat::restore::prepare;
use lifeboat::restore::script::ScriptOptions;
use lifeboat::restore::selection::SelectOptions;
use std::time::Duration;

const SCHEMA: &str = "
CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
  captain_id INTEGER NOT NULL REFERENCES players(id) DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE players (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams(id) DEFERRABLE INITIALLY DEFERRED);
";

#[tokio::test]
async fn a_loop_through_deferrable_keys_is_deferred_rehearsed_and_committed() {
    let (_dir, path) = temp_sqlite(SCHEMA);
    let backup = write_backup(&[
        (
            "teams.json",
            r#"[{"id":1,"name":"Red","captain_id":10}]"#.into(),
        ),
        (
            "players.json",
            r#"[{"id":10,"name":"Ada","team_id":1},{"id":11,"name":"Bo","team_id":1}]"#.into(),
        ),
    ]);
    let url = DbUrl::parse(path.to_str().unwrap()).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(backup.path()).unwrap();
    let picks = vec![parse_pick("teams:name=Red").unwrap()];
    let prepared = prepare(
        &live,
        &backup,
        &picks,
        SelectOptions::default(),
        &ScriptOptions::default(),
    )
    .await
    .unwrap();
    let scripts = prepared.scripts.as_ref().expect("executable");
    assert!(
        scripts.defers,
        "the loop is broken by deferring, not by NULLs"
    );
    assert!(scripts
        .script
        .text()
        .contains("PRAGMA defer_foreign_keys = ON;"));
    assert_eq!(prepared.summary.rows_to_insert, 3);

    for (mode, outcome) in [
        (Mode::Rehearse, Outcome::Rehearsed),
        (Mode::Commit, Outcome::Committed),
    ] {
        let run = execute(
            &url,
            &prepared.selection,
            scripts,
            mode,
            Duration::from_secs(5),
            &mut || Ok(()),
        )
        .await
        .unwrap();
        assert_eq!(run.outcome, outcome, "{run:?}");
    }
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let catalog = live.catalog().await.unwrap();
    let players = catalog
        .table(&lifeboat::catalog::TableName::new(None, "players"))
        .unwrap();
    assert_eq!(live.count_rows(&players.name).await.unwrap(), 2);
}
