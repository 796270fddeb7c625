//! `lifeboat plan` / `lifeboat restore` end to end on real SQLite files,
//! through the real binary. The reference is the backup read by SQLite's own
//! JSON functions; contents are compared with `quote()` of every column, so
//! storage classes count as well as values.

mod common;

use common::restoring::fixtures::{incident1, Incident1, INCIDENT1_SQLITE_SCHEMA};
use common::restoring::{
    assert_same, backup_dir, backup_files, check_commit_trailer, picks, sqlite3_script,
    sqlite_exec, sqlite_load, sqlite_snapshot, Lifeboat, Run, Snapshot,
};
use serde_json::json;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

struct Incident1Sqlite {
    _dir: TempDir,
    db: PathBuf,
    backup: TempDir,
    fx: Incident1,
    expected: Snapshot,
    before: Snapshot,
}

async fn incident1_sqlite() -> Incident1Sqlite {
    let fx = incident1(true);
    let (dir, db) = common::temp_sqlite(INCIDENT1_SQLITE_SCHEMA);
    sqlite_load(&db, &fx.tables).await;
    sqlite_exec(&db, &fx.lose_unpicked).await;
    let expected = sqlite_snapshot(&db).await;
    sqlite_exec(&db, &fx.lose_picked).await;
    let before = sqlite_snapshot(&db).await;
    assert_ne!(expected, before, "the fixture must lose rows");
    let backup = backup_dir(&backup_files(&fx.tables, &["violations"]));
    Incident1Sqlite {
        _dir: dir,
        db,
        backup,
        fx,
        expected,
        before,
    }
}

impl Incident1Sqlite {
    async fn run_on(&self, db: &Path, lb: &Lifeboat, command: &str, extra: &[&str]) -> Run {
        let db = db.to_str().unwrap();
        let mut args = vec![
            command,
            "--db",
            db,
            "--backup",
            self.backup.path().to_str().unwrap(),
        ];
        args.extend(picks(&self.fx.picks));
        args.extend_from_slice(extra);
        lb.run(&args).await
    }

    async fn run(&self, lb: &Lifeboat, command: &str, extra: &[&str]) -> Run {
        self.run_on(&self.db, lb, command, extra).await
    }
}

/// Incident 1: the two projects, their sessions, violations and crawler
/// sessions come back exactly as the backup had them; the unpicked lost
/// session stays lost.
#[tokio::test]
async fn incident1_two_projects_come_back_with_everything_under_them() {
    let inc = incident1_sqlite().await;
    let lb = Lifeboat::new();
    let run = inc.run(&lb, "restore", &["--yes"]).await;
    run.expect_code(0);
    assert_same(
        &sqlite_snapshot(&inc.db).await,
        &inc.expected,
        "after restore vs the backup",
    );
    check_commit_trailer(&run, &lb);
}

/// A manager chain listed children first in the backup; picking the bottom
/// employee brings the whole chain.
#[tokio::test]
async fn self_referencing_chain_listed_children_first() {
    let (_dir, db) = common::temp_sqlite(
        "CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL, \
         manager_id INTEGER REFERENCES employees(id), hired_on DATE);",
    );
    let rows = vec![
        json!({"id": 1, "name": "Intern", "manager_id": 2, "hired_on": "2024-09-01"}),
        json!({"id": 2, "name": "Engineer", "manager_id": 3, "hired_on": "2021-03-15"}),
        json!({"id": 3, "name": "Lead", "manager_id": 4, "hired_on": "2019-01-07"}),
        json!({"id": 4, "name": "CTO", "manager_id": 10, "hired_on": "2015-05-05"}),
        json!({"id": 11, "name": "Ops", "manager_id": 10, "hired_on": "2018-02-02"}),
        json!({"id": 10, "name": "CEO", "manager_id": null, "hired_on": "2010-01-01"}),
    ];
    let tables = vec![("employees", rows)];
    sqlite_load(&db, &tables).await;
    let expected = sqlite_snapshot(&db).await;
    sqlite_exec(&db, "DELETE FROM employees WHERE id IN (1, 2, 3, 4)").await;
    let backup = backup_dir(&backup_files(&tables, &[]));
    let lb = Lifeboat::new();
    let run = lb
        .run(&[
            "restore",
            "--db",
            db.to_str().unwrap(),
            "--backup",
            backup.path().to_str().unwrap(),
            "--pick",
            "employees:id=1",
            "--yes",
        ])
        .await;
    run.expect_code(0);
    assert_same(&sqlite_snapshot(&db).await, &expected, "after restore");
    // The restored rows satisfy the key they were restored through.
    let mut c = common::restoring::sqlite_connect(&db).await;
    let orphans: i64 = sqlx::query_scalar("SELECT count(*) FROM pragma_foreign_key_check")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(orphans, 0);
}

/// `plan --out` then `sqlite3 db < script` on one copy equals `restore --yes`
/// on another.
#[tokio::test]
async fn plan_script_run_by_sqlite3_equals_restore() {
    let inc = incident1_sqlite().await;
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("copy.db");
    std::fs::copy(&inc.db, &copy).unwrap();
    assert_same(&sqlite_snapshot(&copy).await, &inc.before, "the copy");
    let lb = Lifeboat::new();
    let script = copy_dir.path().join("script.sql");
    let plan = inc
        .run_on(&copy, &lb, "plan", &["--out", script.to_str().unwrap()])
        .await;
    plan.expect_code(0);
    assert_same(&sqlite_snapshot(&copy).await, &inc.before, "after plan");
    sqlite3_script(&copy, &script).await;

    inc.run(&lb, "restore", &["--yes"]).await.expect_code(0);
    let by_sqlite3 = sqlite_snapshot(&copy).await;
    let by_restore = sqlite_snapshot(&inc.db).await;
    assert_same(&by_sqlite3, &by_restore, "sqlite3 script vs restore");
    assert_same(&by_restore, &inc.expected, "restore vs the backup");
}

/// The undo script, run by sqlite3, returns every table to before.
#[tokio::test]
async fn undo_script_returns_every_table_to_before() {
    let inc = incident1_sqlite().await;
    let lb = Lifeboat::new();
    let dir = tempfile::tempdir().unwrap();
    let undo = dir.path().join("undo.sql");
    let run = inc
        .run(
            &lb,
            "restore",
            &["--yes", "--undo-out", undo.to_str().unwrap()],
        )
        .await;
    run.expect_code(0);
    let (named, _) = check_commit_trailer(&run, &lb);
    assert_eq!(named, undo);
    assert_same(
        &sqlite_snapshot(&inc.db).await,
        &inc.expected,
        "after restore",
    );
    sqlite3_script(&inc.db, &undo).await;
    assert_same(&sqlite_snapshot(&inc.db).await, &inc.before, "after undo");
}

/// `--dry-run` on SQLite changes nothing, and neither does an unconfirmed
/// restore without a terminal (exit 2).
#[tokio::test]
async fn dry_run_and_unconfirmed_restore_change_nothing() {
    let inc = incident1_sqlite().await;
    let lb = Lifeboat::new();
    inc.run(&lb, "restore", &["--dry-run"]).await.expect_code(0);
    assert_same(
        &sqlite_snapshot(&inc.db).await,
        &inc.before,
        "after --dry-run",
    );
    inc.run(&lb, "restore", &[]).await.expect_code(2);
    assert_same(
        &sqlite_snapshot(&inc.db).await,
        &inc.before,
        "after refusal",
    );
}
