//! The restore engine through its library API on real PostgreSQL: the
//! database moving between plan and execute, a rehearsal, deterministic
//! scripts, and conflict updates re-checked inside the transaction.

mod common;

use common::{write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::execute::{execute, Mode, Outcome};
use lifeboat::restore::pick::parse_pick;
use lifeboat::restore::plan::OnConflict;
use lifeboat::restore::script::ScriptOptions;
use lifeboat::restore::selection::SelectOptions;
use lifeboat::restore::{prepare, Prepared};
use std::time::Duration;

const SCHEMA: &str = r#"
CREATE TABLE projects (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE sessions (
  id integer PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects(id),
  status text NOT NULL
);
INSERT INTO projects VALUES ('11111111-1111-1111-1111-111111111111', 'Kept');
INSERT INTO sessions VALUES (1, '11111111-1111-1111-1111-111111111111', 'done');
"#;

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
            r#"[{"id":1,"project_id":"11111111-1111-1111-1111-111111111111","status":"running"},
                {"id":2,"project_id":"22222222-2222-2222-2222-222222222222","status":"done"},
                {"id":3,"project_id":"22222222-2222-2222-2222-222222222222","status":"it's \\ done"}]"#
                .into(),
        ),
    ])
}

async fn plan(
    db: &TestPg,
    dir: &std::path::Path,
    picks: &[&str],
    on_conflict: OnConflict,
) -> (DbUrl, Prepared) {
    let url = DbUrl::parse(&db.url()).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(dir).unwrap();
    let picks: Vec<_> = picks.iter().map(|p| parse_pick(p).unwrap()).collect();
    let opts = SelectOptions {
        on_conflict,
        ..SelectOptions::default()
    };
    let prepared = prepare(&live, &backup, &picks, opts, &ScriptOptions::default())
        .await
        .unwrap();
    (url, prepared)
}

async fn dump(db: &TestPg) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT 'projects', p::text FROM projects p UNION ALL SELECT 'sessions', s::text FROM sessions s ORDER BY 1, 2",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

async fn run(
    url: &DbUrl,
    prepared: &Prepared,
    mode: Mode,
) -> lifeboat::restore::execute::Execution {
    let scripts = prepared.scripts.as_ref().expect("plan is executable");
    execute(
        url,
        &prepared.selection,
        scripts,
        mode,
        Duration::from_secs(5),
        &mut || Ok(()),
    )
    .await
    .unwrap()
}

/// What verification says after a committed restore.
async fn verify_after(url: &DbUrl, prepared: &Prepared) -> lifeboat::restore::verify::Verification {
    let live = LiveDb::connect(url, &LiveOptions::default()).await.unwrap();
    let scripts = prepared.scripts.as_ref().expect("plan is executable");
    lifeboat::restore::verify::verify(
        &live,
        &prepared.catalog,
        &prepared.selection,
        &scripts.expected,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_row_inserted_live_after_the_plan_rolls_everything_back() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    let dir = backup();
    let (url, prepared) = plan(&db, dir.path(), &["projects:name=Lost"], OnConflict::Skip).await;
    assert_eq!(prepared.summary.rows_to_insert, 3, "{:?}", prepared.summary);

    // Someone (the application, a colleague) writes session 3 meanwhile.
    db.exec(
        "INSERT INTO projects VALUES ('22222222-2222-2222-2222-222222222222', 'Recreated');
         INSERT INTO sessions VALUES (3, '22222222-2222-2222-2222-222222222222', 'new');",
    )
    .await;
    let before = dump(&db).await;
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::RolledBack);
    assert!(
        result
            .moved
            .iter()
            .any(|m| m.contains("sessions") && m.contains("3")),
        "{:?}",
        result.moved
    );
    assert!(result
        .moved
        .iter()
        .any(|m| m.contains("22222222-2222-2222-2222-222222222222")));
    assert_eq!(dump(&db).await, before, "nothing may change");
}

#[tokio::test]
async fn a_rehearsal_reports_the_writes_and_changes_nothing() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    let dir = backup();
    let (url, prepared) = plan(&db, dir.path(), &["projects:name=Lost"], OnConflict::Skip).await;
    let before = dump(&db).await;
    let result = run(&url, &prepared, Mode::Rehearse).await;
    assert_eq!(result.outcome, Outcome::Rehearsed, "{result:?}");
    assert_eq!(result.written["public.projects"].inserted, 1);
    assert_eq!(result.written["public.sessions"].inserted, 2);
    assert_eq!(dump(&db).await, before);
    // And then for real, with the quote and backslash kept.
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::Committed, "{result:?}");
    let status: String = sqlx::query_scalar("SELECT status FROM sessions WHERE id = 3")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "it's \\ done");
}

#[tokio::test]
async fn the_same_inputs_give_a_byte_identical_script() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    let dir = backup();
    let picks = ["sessions", "projects:name=Lost"];
    let (_, a) = plan(&db, dir.path(), &picks, OnConflict::Update).await;
    let (_, b) = plan(&db, dir.path(), &picks, OnConflict::Update).await;
    let text = |p: &Prepared| p.scripts.as_ref().unwrap().script.text();
    assert_eq!(text(&a), text(&b));
    assert_eq!(
        a.scripts.as_ref().unwrap().undo.text(),
        b.scripts.as_ref().unwrap().undo.text()
    );
    assert!(text(&a).starts_with("-- lifeboat"));
    assert!(text(&a).trim_end().ends_with("COMMIT;"));
}

#[tokio::test]
async fn a_conflict_update_is_refused_when_the_live_row_changed_since_the_plan() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    let dir = backup();
    // Session 1 is live as 'done', the backup says 'running'.
    let (url, prepared) = plan(&db, dir.path(), &["sessions:id=1"], OnConflict::Update).await;
    assert_eq!(prepared.summary.rows_to_update, 1, "{:?}", prepared.summary);
    db.exec("UPDATE sessions SET status = 'archived' WHERE id = 1")
        .await;
    let before = dump(&db).await;
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::RolledBack);
    assert!(
        result
            .moved
            .iter()
            .any(|m| m.contains("changed live since the plan")),
        "{:?}",
        result.moved
    );
    assert_eq!(dump(&db).await, before);

    // Planned again, the update goes through and only the differing column moves.
    let (url, prepared) = plan(&db, dir.path(), &["sessions:id=1"], OnConflict::Update).await;
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::Committed, "{result:?}");
    let status: String = sqlx::query_scalar("SELECT status FROM sessions WHERE id = 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "running");
}

#[tokio::test]
async fn a_failure_half_way_changes_nothing_and_names_the_backup_row() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    // Live now refuses what backup row 2 of sessions.json holds.
    db.exec("ALTER TABLE sessions ADD CONSTRAINT no_done CHECK (status <> 'done') NOT VALID")
        .await;
    let dir = backup();
    let (url, prepared) = plan(&db, dir.path(), &["projects:name=Lost"], OnConflict::Skip).await;
    let before = dump(&db).await;
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::RolledBack);
    let failure = result.failure.expect("a failure is reported");
    assert!(
        failure
            .head
            .starts_with("INSERT INTO \"public\".\"sessions\""),
        "{failure:?}"
    );
    assert!(failure.error.contains("no_done"), "{failure:?}");
    assert_eq!(
        failure.rows.len(),
        1,
        "the one failing row is found: {failure:?}"
    );
    assert!(failure.rows[0].ends_with("sessions.json:2"), "{failure:?}");
    assert_eq!(dump(&db).await, before, "nothing may change");
}

#[tokio::test]
async fn triggers_are_listed_in_the_plan_and_their_writes_shown_by_the_rehearsal() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    db.exec(
        "CREATE TABLE audit (id serial PRIMARY KEY, what text);
         CREATE FUNCTION log_session() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN INSERT INTO audit (what) VALUES ('session ' || NEW.id); RETURN NEW; END $$;
         CREATE TRIGGER sessions_audit AFTER INSERT ON sessions
           FOR EACH ROW EXECUTE FUNCTION log_session();",
    )
    .await;
    let dir = backup();
    let (url, prepared) = plan(&db, dir.path(), &["projects:name=Lost"], OnConflict::Skip).await;
    assert!(
        prepared
            .summary
            .warnings
            .iter()
            .any(|w| w.contains("trigger sessions_audit on public.sessions will fire")),
        "{:?}",
        prepared.summary.warnings
    );
    let result = run(&url, &prepared, Mode::Rehearse).await;
    assert_eq!(result.outcome, Outcome::Rehearsed, "{result:?}");
    assert!(
        result
            .notes
            .iter()
            .any(|n| n.contains("public.audit") && n.contains("2 inserted")),
        "{:?}",
        result.notes
    );
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(audited, 0, "a rehearsal leaves no trace");
}

#[tokio::test]
async fn composite_keys_are_re_checked_too() {
    let db = TestPg::new().await;
    db.exec(
        "CREATE TABLE seats (\"row\" integer, seat text, holder text NOT NULL, PRIMARY KEY (\"row\", seat));
         INSERT INTO seats VALUES (1, 'A', 'kept');",
    )
    .await;
    let dir = write_backup(&[(
        "seats.json",
        r#"[{"row":1,"seat":"A","holder":"kept"},{"row":1,"seat":"B","holder":"lost"},{"row":2,"seat":"A","holder":"lost"}]"#
            .into(),
    )]);
    let (url, prepared) = plan(&db, dir.path(), &["seats"], OnConflict::Skip).await;
    assert_eq!(prepared.summary.rows_to_insert, 2, "{:?}", prepared.summary);
    db.exec("INSERT INTO seats VALUES (2, 'A', 'someone else')")
        .await;
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::RolledBack);
    assert_eq!(result.moved.len(), 1, "{:?}", result.moved);
    assert!(result.moved[0].contains("(2, A)"), "{:?}", result.moved);
    let seats: i64 = sqlx::query_scalar("SELECT count(*) FROM seats")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(seats, 2, "nothing restored");
}

#[tokio::test]
async fn verification_reports_values_a_trigger_changed() {
    let db = TestPg::new().await;
    db.exec(SCHEMA).await;
    db.exec(
        "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN NEW.status := upper(NEW.status); RETURN NEW; END $$;
         CREATE TRIGGER sessions_shout BEFORE INSERT ON sessions
           FOR EACH ROW EXECUTE FUNCTION shout();",
    )
    .await;
    let dir = backup();
    let (url, prepared) = plan(&db, dir.path(), &["projects:name=Lost"], OnConflict::Skip).await;
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::Committed, "{result:?}");
    let v = verify_after(&url, &prepared).await;
    assert_eq!(v.rows_checked, 3);
    assert_eq!(v.mismatches.len(), 2, "{:?}", v.mismatches);
    assert!(
        v.mismatches
            .iter()
            .all(|m| m.contains("holds other values in status")),
        "{:?}",
        v.mismatches
    );
    assert!(
        v.mismatches.iter().any(|m| m.contains("sessions.json:3")),
        "{:?}",
        v.mismatches
    );
}

/// A few rows wanted from a large table are read by key (the planner's
/// estimate says the table is big); values read that way compare exactly
/// like a full scan's, for every kind of column.
#[tokio::test]
async fn a_few_rows_of_a_large_table_are_read_by_key_and_compare_the_same() {
    let db = TestPg::new().await;
    db.exec(
        "CREATE TABLE events (
           id bigint PRIMARY KEY, at timestamptz NOT NULL, ok boolean, amount numeric(10,2),
           payload jsonb, tags text[], raw bytea, score double precision);
         INSERT INTO events
           SELECT g, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 minute', g % 2 = 0,
                  g / 7.0, jsonb_build_object('n', g, 'z', 'x'), ARRAY['a', 'b''c'],
                  '\\x00ff'::bytea, g / 3.0
           FROM generate_series(1, 5000) g;
         ANALYZE events;",
    )
    .await;
    // The backup: rows 1 and 2 as live has them, row 3 changed, row 5001 lost.
    let rows = sqlx::query_scalar::<_, String>(
        "SELECT json_agg(e ORDER BY id)::text FROM events e WHERE id <= 3",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let mut rows: Vec<serde_json::Value> = serde_json::from_str(&rows).unwrap();
    rows[2]["ok"] = serde_json::json!(!rows[2]["ok"].as_bool().unwrap());
    let mut lost = rows[0].clone();
    lost["id"] = serde_json::json!(5001);
    rows.push(lost);
    let dir = write_backup(&[("events.json", serde_json::to_string(&rows).unwrap())]);
    let picks = [
        "events:id=1",
        "events:id=2",
        "events:id=3",
        "events:id=5001",
    ];
    let (url, prepared) = plan(&db, dir.path(), &picks, OnConflict::Update).await;
    let t = &prepared.summary.tables[0];
    assert_eq!(
        (t.insert, t.already_there, t.update),
        (1, 2, 1),
        "{:?}",
        prepared.summary
    );
    let result = run(&url, &prepared, Mode::Commit).await;
    assert_eq!(result.outcome, Outcome::Committed, "{result:?}");
    let v = verify_after(&url, &prepared).await;
    assert!(v.ok(), "{:?}", v.mismatches);
    assert_eq!(v.rows_checked, 2);
}
