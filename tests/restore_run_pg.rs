//! `restore::run::run` on real PostgreSQL, the way the console drives it:
//! progress per statement, and a cancel that rolls everything back before
//! COMMIT and is ignored after it.

mod common;

use common::{write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::execute::{Mode, Outcome, CANCELLED};
use lifeboat::restore::pick::parse_pick;
use lifeboat::restore::progress::{Cancel, RunEvent};
use lifeboat::restore::run::{journal_options, render_report, run, RunReport, RunRequest};
use lifeboat::restore::script::ScriptOptions;
use lifeboat::restore::selection::SelectOptions;
use lifeboat::restore::{prepare, Prepared};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Sessions' ids come from a sequence (so a restore ends by moving it), or not.
fn schema(sequence: bool) -> String {
    format!(
        r#"
CREATE TABLE projects (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE sessions (
  id {} PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects(id),
  status text NOT NULL
);
CREATE SEQUENCE other_seq;
INSERT INTO projects VALUES ('11111111-1111-1111-1111-111111111111', 'Kept');
INSERT INTO sessions (id, project_id, status) VALUES (1, '11111111-1111-1111-1111-111111111111', 'done');
SELECT setval('{}', 1);
"#,
        if sequence { "serial" } else { "integer" },
        if sequence {
            "sessions_id_seq"
        } else {
            "other_seq"
        },
    )
}

/// Project "Lost" and its three sessions are missing live.
fn backup() -> tempfile::TempDir {
    write_backup(&[
        (
            "projects.json",
            r#"[{"id":"11111111-1111-1111-1111-111111111111","name":"Kept"},
                {"id":"22222222-2222-2222-2222-222222222222","name":"Lost"}]"#
                .into(),
        ),
        (
            "sessions.json",
            r#"[{"id":1,"project_id":"11111111-1111-1111-1111-111111111111","status":"done"},
                {"id":2,"project_id":"22222222-2222-2222-2222-222222222222","status":"a"},
                {"id":3,"project_id":"22222222-2222-2222-2222-222222222222","status":"b"},
                {"id":4,"project_id":"22222222-2222-2222-2222-222222222222","status":"c"}]"#
                .into(),
        ),
    ])
}

struct Setup {
    db: TestPg,
    _backup_dir: tempfile::TempDir,
    files: tempfile::TempDir,
    url: DbUrl,
    live: LiveDb,
    backup: Backup,
    prepared: Prepared,
}

/// One INSERT per row, so a run has several statements to cancel between.
async fn setup() -> Setup {
    setup_with(true).await
}

async fn setup_with(sequence: bool) -> Setup {
    let db = TestPg::new().await;
    db.exec(&schema(sequence)).await;
    let dir = backup();
    let url = DbUrl::parse(&db.url()).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(dir.path()).unwrap();
    let picks = vec![parse_pick("projects:name=Lost").unwrap()];
    let script = ScriptOptions {
        batch_rows: 1,
        ..ScriptOptions::default()
    };
    let prepared = prepare(&live, &backup, &picks, SelectOptions::default(), &script)
        .await
        .unwrap();
    assert!(prepared.summary.executable, "{:?}", prepared.summary);
    assert_eq!(prepared.summary.rows_to_insert, 4);
    Setup {
        db,
        _backup_dir: dir,
        files: tempfile::tempdir().unwrap(),
        url,
        live,
        backup,
        prepared,
    }
}

impl Setup {
    fn undo(&self) -> PathBuf {
        self.files.path().join("undo").join("restore.sql")
    }

    fn journal(&self) -> PathBuf {
        self.files.path().join("journal.jsonl")
    }

    /// Run in `mode`; `on_event` sees each event with the cancel token.
    async fn run(
        &self,
        mode: Mode,
        on_event: impl Fn(&RunEvent, &Cancel) + Send + Sync,
    ) -> (RunReport, Vec<RunEvent>) {
        let events = Mutex::new(Vec::new());
        let cancel = Cancel::new();
        let request = RunRequest {
            url: &self.url,
            live: &self.live,
            backup: &self.backup,
            prepared: &self.prepared,
            mode,
            undo_out: Some(self.undo()),
            journal: Some(self.journal()),
            options: journal_options(&SelectOptions::default()),
            busy: Duration::from_secs(5),
        };
        let progress = |e: RunEvent| {
            on_event(&e, &cancel);
            events.lock().unwrap().push(e);
        };
        let report = send(run(request, progress, &cancel)).await.unwrap();
        (report, events.into_inner().unwrap())
    }

    /// Every row of both tables, and where the sequence stands.
    async fn dump(&self) -> (Vec<String>, i64) {
        let rows = sqlx::query_scalar(
            "SELECT 'projects ' || p::text FROM projects p UNION ALL SELECT 'sessions ' || s::text FROM sessions s ORDER BY 1",
        )
        .fetch_all(self.db.pool())
        .await
        .unwrap();
        let seq = sqlx::query_scalar(
            "SELECT max(last_value) FROM pg_sequences WHERE sequencename IN ('sessions_id_seq', 'other_seq')",
        )
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        (rows, seq)
    }
}

/// The console spawns the run on the runtime: its future must be Send.
fn send<F: std::future::Future + Send>(f: F) -> F {
    f
}

fn journal_outcomes(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["outcome"].as_str().unwrap().to_string()
        })
        .collect()
}

fn statements(events: &[RunEvent]) -> Vec<(usize, usize, u64)> {
    events
        .iter()
        .filter_map(|e| match *e {
            RunEvent::Statement {
                done, total, rows, ..
            } => Some((done, total, rows)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn progress_counts_every_statement_then_commits_and_verifies() {
    let s = setup().await;
    let (report, events) = s.run(Mode::Commit, |_, _| {}).await;
    assert_eq!(report.execution.outcome, Outcome::Committed);
    // 1 project + 3 sessions, one INSERT each, then the sequence moved.
    let total = s.prepared.summary.statements;
    assert_eq!(total, 5);
    assert_eq!(
        statements(&events),
        vec![
            (1, 5, 1),
            (2, 5, 2),
            (3, 5, 3),
            (4, 5, 4),
            (5, 5, 4), // setval writes no row
        ]
    );
    assert_eq!(events[0], RunEvent::Fingerprinting);
    assert_eq!(events[1], RunEvent::Rechecking);
    assert_eq!(
        events[events.len() - 3..],
        [
            RunEvent::Committing,
            RunEvent::Verifying,
            RunEvent::Finished(Outcome::Committed)
        ]
    );
    assert!(report.verification.as_ref().is_some_and(|v| v.ok()));
    assert_eq!(report.undo_script.as_deref(), Some(s.undo().as_path()));
    assert!(s.undo().exists());
    assert_eq!(report.journal.as_deref(), Some(s.journal().as_path()));
    assert_eq!(journal_outcomes(&s.journal()), ["committing", "committed"]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let text = render_report(&report);
    assert!(text.contains("\nCOMMITTED.\n"), "{text}");
    assert!(text.contains("verified: 4 row(s) read back"), "{text}");
    let (rows, seq) = s.dump().await;
    assert_eq!(rows.len(), 2 + 3 + 1, "{rows:?}");
    assert_eq!(seq, 4);
}

#[tokio::test]
async fn a_rehearsal_counts_its_statements_without_the_sequence_move() {
    let s = setup().await;
    let before = s.dump().await;
    let (report, events) = s.run(Mode::Rehearse, |_, _| {}).await;
    assert_eq!(report.execution.outcome, Outcome::Rehearsed);
    assert_eq!(
        statements(&events),
        vec![(1, 4, 1), (2, 4, 2), (3, 4, 3), (4, 4, 4)]
    );
    assert!(!events.contains(&RunEvent::Committing));
    assert_eq!(events.last(), Some(&RunEvent::Finished(Outcome::Rehearsed)));
    assert!(!s.undo().exists(), "a rehearsal writes no undo script");
    assert_eq!(journal_outcomes(&s.journal()), ["rehearsed"]);
    assert_eq!(s.dump().await, before);
}

#[tokio::test]
async fn a_cancel_after_the_first_statement_rolls_the_commit_back() {
    let s = setup().await;
    let before = s.dump().await;
    let (report, events) = s
        .run(Mode::Commit, |e, cancel| {
            if matches!(e, RunEvent::Statement { done: 1, .. }) {
                cancel.cancel();
            }
        })
        .await;
    let run = &report.execution;
    assert_eq!(run.outcome, Outcome::RolledBack);
    assert!(run.cancelled);
    assert!(run.failure.is_none() && run.moved.is_empty(), "{run:?}");
    assert_eq!(run.notes, [CANCELLED]);
    assert_eq!(CANCELLED, "cancelled by the operator; nothing changed");
    assert_eq!(statements(&events), vec![(1, 5, 1)], "stopped after one");
    assert!(!events.contains(&RunEvent::Committing));
    assert_eq!(
        events.last(),
        Some(&RunEvent::Finished(Outcome::RolledBack))
    );
    assert_eq!(s.dump().await, before, "nothing may change");
    assert!(report.undo_script.is_none() && !s.undo().exists());
    assert_eq!(journal_outcomes(&s.journal()), ["cancelled"]);
    let text = render_report(&report);
    assert!(text.contains("CANCELLED by the operator"), "{text}");
    let json = serde_json::to_value(run).unwrap();
    assert_eq!(json["cancelled"], true);

    // The same plan still runs: the rollback left nothing behind.
    let (again, _) = s.run(Mode::Commit, |_, _| {}).await;
    assert_eq!(again.execution.outcome, Outcome::Committed);
    assert!(!again.execution.cancelled);
    let json = serde_json::to_value(&again.execution).unwrap();
    assert!(json.get("cancelled").is_none(), "{json}");
}

#[tokio::test]
async fn a_cancel_during_a_rehearsal_stops_it() {
    let s = setup().await;
    let before = s.dump().await;
    let (report, events) = s
        .run(Mode::Rehearse, |e, cancel| {
            if matches!(e, RunEvent::Statement { done: 2, .. }) {
                cancel.cancel();
            }
        })
        .await;
    assert_eq!(report.execution.outcome, Outcome::RolledBack);
    assert!(report.execution.cancelled);
    assert_eq!(statements(&events).len(), 2);
    assert_eq!(journal_outcomes(&s.journal()), ["rehearsal cancelled"]);
    assert_eq!(s.dump().await, before);
}

#[tokio::test]
async fn a_cancel_while_committing_still_rolls_back_and_removes_the_undo_script() {
    let s = setup_with(false).await;
    let before = s.dump().await;
    // Committing comes before the undo script and the journal line are
    // written; the cancel is seen just before COMMIT is sent.
    let (report, events) = s
        .run(Mode::Commit, |e, cancel| {
            if *e == RunEvent::Committing {
                cancel.cancel();
            }
        })
        .await;
    assert_eq!(statements(&events).len(), 4, "no sequence to move");
    assert_eq!(report.execution.outcome, Outcome::RolledBack);
    assert!(report.execution.cancelled);
    assert_eq!(s.dump().await, before);
    assert!(!s.undo().exists(), "no undo script for changes never made");
    assert_eq!(journal_outcomes(&s.journal()), ["committing", "cancelled"]);
}

#[tokio::test]
async fn a_cancel_once_a_sequence_moved_is_too_late() {
    let s = setup().await;
    // The sequence moved outside the transaction: rolling back now would
    // not leave everything as it was, so the restore goes on to COMMIT.
    let (report, _) = s
        .run(Mode::Commit, |e, cancel| {
            if *e == RunEvent::Committing {
                cancel.cancel();
            }
        })
        .await;
    assert_eq!(report.execution.outcome, Outcome::Committed);
    assert!(!report.execution.cancelled);
    assert!(
        report.warnings.iter().any(|w| w.contains("too late")),
        "{:?}",
        report.warnings
    );
    assert!(s.undo().exists());
    assert_eq!(journal_outcomes(&s.journal()), ["committing", "committed"]);
    let (rows, seq) = s.dump().await;
    assert_eq!((rows.len(), seq), (6, 4));
}

#[tokio::test]
async fn a_cancel_after_commit_is_ignored() {
    let s = setup().await;
    let (report, events) = s
        .run(Mode::Commit, |e, cancel| {
            if *e == RunEvent::Verifying {
                cancel.cancel();
            }
        })
        .await;
    assert_eq!(report.execution.outcome, Outcome::Committed);
    assert!(!report.execution.cancelled);
    assert!(report.verification.as_ref().is_some_and(|v| v.ok()));
    assert!(
        report.warnings.iter().any(|w| w.contains("too late")),
        "{:?}",
        report.warnings
    );
    assert_eq!(events.last(), Some(&RunEvent::Finished(Outcome::Committed)));
    assert_eq!(s.dump().await.0.len(), 6);
}
