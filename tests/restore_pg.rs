//! `lifeboat plan` / `lifeboat restore` end to end, through the real binary,
//! against a fresh PostgreSQL database per test. Each test loads the backup
//! into the database the way PostgreSQL itself reads the JSON (the reference),
//! removes what the incident lost, runs lifeboat, and compares full table
//! contents: with the reference where rows come back, with the state before
//! where nothing may change.

mod common;

use common::restoring::fixtures::{incident1, uuid, Incident1, INCIDENT1_PG_SCHEMA};
use common::restoring::{
    assert_same, backup_dir, backup_files, check_commit_trailer, pg_exec_unchecked, pg_load,
    pg_rows, pg_snapshot, picks, psql_file, psql_ok, Lifeboat, Snapshot,
};
use common::TestPg;
use serde_json::{json, Value};
use tempfile::TempDir;

/// A database in the state after incident 1, and what it must look like.
struct Incident1Pg {
    pg: TestPg,
    backup: TempDir,
    fx: Incident1,
    /// The backup minus the one lost session nobody picks.
    expected: Snapshot,
    /// Live as it is before lifeboat runs.
    before: Snapshot,
}

async fn incident1_pg() -> Incident1Pg {
    let fx = incident1(false);
    let pg = TestPg::new().await;
    pg.exec(INCIDENT1_PG_SCHEMA).await;
    pg_load(pg.pool(), &fx.tables).await;
    pg.exec(&fx.lose_unpicked).await;
    let expected = pg_snapshot(pg.pool()).await;
    pg.exec(&fx.lose_picked).await;
    let before = pg_snapshot(pg.pool()).await;
    assert_ne!(expected, before, "the fixture must lose rows");
    let backup = backup_dir(&backup_files(&fx.tables, &["violations"]));
    Incident1Pg {
        pg,
        backup,
        fx,
        expected,
        before,
    }
}

impl Incident1Pg {
    fn backup(&self) -> &str {
        self.backup.path().to_str().unwrap()
    }

    /// `COMMAND --db URL --backup DIR --pick A --pick B` plus `extra`.
    async fn run(&self, lb: &Lifeboat, command: &str, extra: &[&str]) -> common::restoring::Run {
        let url = self.pg.url();
        let mut args = vec![command, "--db", &url, "--backup", self.backup()];
        args.extend(picks(&self.fx.picks));
        args.extend_from_slice(extra);
        lb.run(&args).await
    }
}

/// 1. The two lost projects come back with their sessions, violations and
/// (through the inferred `project_id` relation) crawler sessions, with the
/// original ids and timestamps; the lost session of a surviving project
/// was not picked and stays lost.
#[tokio::test]
async fn incident1_two_projects_come_back_with_everything_under_them() {
    let inc = incident1_pg().await;
    let lb = Lifeboat::new();
    let run = inc.run(&lb, "restore", &["--yes"]).await;
    run.expect_code(0);
    let after = pg_snapshot(inc.pg.pool()).await;
    assert_same(&after, &inc.expected, "after restore vs the backup");
    // Spot-check one restored row field by field against the backup's values.
    let row: (String, String, bool) = sqlx::query_as(
        "SELECT id::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'), is_public \
         FROM projects WHERE name = 'ToeTheLine'",
    )
    .fetch_one(inc.pg.pool())
    .await
    .unwrap();
    assert_eq!(
        row,
        (uuid(2, 1), "2025-07-11T19:46:34.951".to_string(), false)
    );
    let (undo, journal) = check_commit_trailer(&run, &lb);
    assert!(
        undo.starts_with(lb.xdg()),
        "default undo script lives in the data dir: {}",
        undo.display()
    );
    // The journal's last line records this commit: outcome, backup, undo
    // script and what was written per table.
    let last = journal.last().unwrap();
    assert_eq!(last["outcome"], json!("committed"), "{last}");
    assert_eq!(last["backup"], json!(inc.backup()), "{last}");
    assert_eq!(last["undo_script"], json!(undo.to_str().unwrap()), "{last}");
    let inserted = |table: &str| {
        last["tables"][format!("public.{table}")]["inserted"]
            .as_u64()
            .unwrap_or_else(|| panic!("no count for {table} in {last}"))
    };
    assert_eq!(
        [
            "projects",
            "test_sessions",
            "violations",
            "crawler_auth_sessions"
        ]
        .map(inserted),
        [2, 3, 3 + 2 + 59, 2]
    );
}

/// 2. A chain of managers whose backup lists each employee before their
/// manager: picking the bottom one brings the whole chain, inserted in an
/// order the self-referencing key accepts.
#[tokio::test]
async fn self_referencing_chain_listed_children_first() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE employees (id integer PRIMARY KEY, name text NOT NULL, \
         manager_id integer REFERENCES employees(id), hired_on date)",
    )
    .await;
    let rows = vec![
        json!({"id": 1, "name": "Intern", "manager_id": 2, "hired_on": "2024-09-01"}),
        json!({"id": 2, "name": "Engineer", "manager_id": 3, "hired_on": "2021-03-15"}),
        json!({"id": 3, "name": "Lead", "manager_id": 4, "hired_on": "2019-01-07"}),
        json!({"id": 4, "name": "CTO", "manager_id": 10, "hired_on": "2015-05-05"}),
        json!({"id": 11, "name": "Ops", "manager_id": 10, "hired_on": "2018-02-02"}),
        json!({"id": 10, "name": "CEO", "manager_id": null, "hired_on": "2010-01-01"}),
    ];
    let tables = vec![("employees", rows)];
    pg_load(pg.pool(), &tables).await;
    let expected = pg_snapshot(pg.pool()).await;
    pg.exec("DELETE FROM employees WHERE id IN (1, 2, 3, 4)")
        .await;
    let before = pg_snapshot(pg.pool()).await;
    let backup = backup_dir(&backup_files(&tables, &[]));
    let lb = Lifeboat::new();
    let url = pg.url();
    let b = backup.path().to_str().unwrap();
    let plan = lb
        .run(&[
            "plan",
            "--db",
            &url,
            "--backup",
            b,
            "--pick",
            "employees:id=1",
        ])
        .await;
    plan.expect_code(0);
    assert_same(&pg_snapshot(pg.pool()).await, &before, "after plan");
    let run = lb
        .run(&[
            "restore",
            "--db",
            &url,
            "--backup",
            b,
            "--pick",
            "employees:id=1",
            "--yes",
        ])
        .await;
    run.expect_code(0);
    assert_same(&pg_snapshot(pg.pool()).await, &expected, "after restore");
    check_commit_trailer(&run, &lb);
}

/// Two tables referencing each other: team 1's captain is player 11, who
/// plays for team 1. Lost together; picked by the team.
async fn two_table_cycle(schema: &str) {
    let pg = TestPg::new().await;
    pg.exec(schema).await;
    let tables = vec![
        (
            "teams",
            vec![
                json!({"id": 1, "name": "Lost Lions", "captain_id": 11}),
                json!({"id": 2, "name": "Kept Kites", "captain_id": 21}),
            ],
        ),
        (
            "players",
            vec![
                json!({"id": 11, "team_id": 1, "name": "Ana"}),
                json!({"id": 12, "team_id": 1, "name": "Bo"}),
                json!({"id": 21, "team_id": 2, "name": "Cy"}),
            ],
        ),
    ];
    pg_load(pg.pool(), &tables).await;
    let expected = pg_snapshot(pg.pool()).await;
    pg_exec_unchecked(
        pg.pool(),
        "DELETE FROM players WHERE team_id = 1; DELETE FROM teams WHERE id = 1;",
    )
    .await;
    let before = pg_snapshot(pg.pool()).await;
    assert_ne!(before, expected);
    let backup = backup_dir(&backup_files(&tables, &[]));
    let lb = Lifeboat::new();
    let url = pg.url();
    let run = lb
        .run(&[
            "restore",
            "--db",
            &url,
            "--backup",
            backup.path().to_str().unwrap(),
            "--pick",
            "teams:id=1",
            "--yes",
        ])
        .await;
    run.expect_code(0);
    assert_same(&pg_snapshot(pg.pool()).await, &expected, "after restore");
    // The constraints were enforced all along and still hold.
    let bad: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM teams t LEFT JOIN players p ON p.id = t.captain_id WHERE p.id IS NULL",
    )
    .fetch_one(pg.pool())
    .await
    .unwrap();
    assert_eq!(bad, 0);
}

/// 3a. Both links NOT NULL and DEFERRABLE INITIALLY IMMEDIATE: only deferring works.
#[tokio::test]
async fn cycle_through_deferrable_keys() {
    two_table_cycle(
        "CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL, captain_id integer NOT NULL);
         CREATE TABLE players (id integer PRIMARY KEY, name text NOT NULL,
           team_id integer NOT NULL REFERENCES teams(id) DEFERRABLE INITIALLY IMMEDIATE);
         ALTER TABLE teams ADD CONSTRAINT teams_captain_fk FOREIGN KEY (captain_id)
           REFERENCES players(id) DEFERRABLE INITIALLY IMMEDIATE;",
    )
    .await;
}

/// 3b. Nothing deferrable; the captain link is nullable, so the team goes in
/// without its captain and gets it once the players exist.
#[tokio::test]
async fn cycle_through_a_nullable_non_deferrable_key() {
    two_table_cycle(
        "CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL, captain_id integer);
         CREATE TABLE players (id integer PRIMARY KEY, name text NOT NULL,
           team_id integer NOT NULL REFERENCES teams(id));
         ALTER TABLE teams ADD CONSTRAINT teams_captain_fk FOREIGN KEY (captain_id) REFERENCES players(id);",
    )
    .await;
}

/// 4. Ids restored above the sequence's position: the application's next
/// insert without an id still succeeds, with a fresh id. A sequence already
/// ahead of the restored ids is not moved back.
#[tokio::test]
async fn identity_and_serial_columns_keep_working_after_restore() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE a_always (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text);
         CREATE TABLE b_default (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, label text);
         CREATE TABLE c_serial (id serial PRIMARY KEY, label text);
         -- The rebuilt database: the application re-created rows 1..3.
         INSERT INTO a_always (label) VALUES ('one'), ('two'), ('three');
         INSERT INTO b_default (label) VALUES ('one'), ('two'), ('three');
         INSERT INTO c_serial (label) VALUES ('one'), ('two'), ('three');
         -- b_default's application has since used ids up to 100.
         INSERT INTO b_default (id, label) VALUES (100, 'hundred');
         SELECT setval(pg_get_serial_sequence('b_default', 'id'), 100);",
    )
    .await;
    let rows: Vec<Value> = ["one", "two", "three", "four", "five"]
        .iter()
        .enumerate()
        .map(|(i, l)| json!({"id": i + 1, "label": l}))
        .collect();
    let tables = vec![
        ("a_always", rows.clone()),
        ("b_default", rows.clone()),
        ("c_serial", rows),
    ];
    let backup = backup_dir(&backup_files(&tables, &[]));
    let lb = Lifeboat::new();
    let url = pg.url();
    let mut args = vec![
        "restore",
        "--db",
        &url,
        "--backup",
        backup.path().to_str().unwrap(),
    ];
    args.extend(picks(&["a_always", "b_default", "c_serial"]));
    // A rehearsal leaves rows and sequences where they were.
    let sequences = "SELECT sequencename::text || '=' || coalesce(last_value, 0)::text \
                     FROM pg_sequences ORDER BY 1";
    let seq_before: Vec<String> = sqlx::query_scalar(sequences)
        .fetch_all(pg.pool())
        .await
        .unwrap();
    let rows_before = pg_snapshot(pg.pool()).await;
    let mut dry = args.clone();
    dry.push("--dry-run");
    lb.run(&dry).await.expect_code(0);
    let seq_after: Vec<String> = sqlx::query_scalar(sequences)
        .fetch_all(pg.pool())
        .await
        .unwrap();
    assert_eq!(seq_after, seq_before, "a rehearsal moved a sequence");
    assert_same(
        &pg_snapshot(pg.pool()).await,
        &rows_before,
        "after --dry-run",
    );
    args.push("--yes");
    let run = lb.run(&args).await;
    run.expect_code(0);
    for t in ["a_always", "b_default", "c_serial"] {
        let labels: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id::bigint, label FROM {t} WHERE id IN (4, 5) ORDER BY id"
        )))
        .fetch_all(pg.pool())
        .await
        .unwrap();
        assert_eq!(
            labels,
            vec![(4, "four".to_string()), (5, "five".to_string())],
            "{t}"
        );
    }
    // The application's next inserts, no id given.
    for (t, floor) in [("a_always", 5i64), ("b_default", 100), ("c_serial", 5)] {
        let id: Result<i64, _> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {t} DEFAULT VALUES RETURNING id::bigint"
        )))
        .fetch_one(pg.pool())
        .await;
        match id {
            Ok(id) => assert!(
                id > floor,
                "{t}: next id {id} must be above {floor} (sequence moved back?)"
            ),
            Err(e) => panic!("{t}: the application's insert fails after the restore: {e}"),
        }
    }
}

/// 5. Hyphenated table names and camelCase columns, picked by a camelCase
/// column: the projects of one user and the user they need.
#[tokio::test]
async fn hyphenated_tables_and_camel_case_columns() {
    let pg = TestPg::new().await;
    pg.exec(
        r#"CREATE TABLE "bazaar-vid_user" (id varchar(255) PRIMARY KEY, "displayName" text, "createdAt" timestamptz NOT NULL);
           CREATE TABLE "bazaar-vid_project" (id uuid PRIMARY KEY,
             "userId" varchar(255) NOT NULL REFERENCES "bazaar-vid_user"(id),
             "Title" text, "updatedAt" timestamp, "isPublic" boolean);"#,
    )
    .await;
    let (kept, lost) = (
        "user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE",
        "user_2YBcWnS3k0RP9zv1qRQpYQmC2Hk",
    );
    let tables = vec![
        (
            "bazaar-vid_user",
            vec![
                json!({"id": kept, "displayName": "Kept", "createdAt": "2025-01-01T00:00:00Z"}),
                json!({"id": lost, "displayName": "O'Lost \"Quoted\"", "createdAt": "2025-02-03T04:05:06.789Z"}),
            ],
        ),
        (
            "bazaar-vid_project",
            vec![
                json!({"id": uuid(9, 1), "userId": kept, "Title": "Kept video", "updatedAt": "2025-03-01T10:00:00", "isPublic": true}),
                json!({"id": uuid(9, 2), "userId": lost, "Title": "Lost video", "updatedAt": "2025-03-02T10:00:00.25", "isPublic": false}),
                json!({"id": uuid(9, 3), "userId": lost, "Title": null, "updatedAt": null, "isPublic": null}),
            ],
        ),
    ];
    pg_load(pg.pool(), &tables).await;
    let expected = pg_snapshot(pg.pool()).await;
    pg.exec(&format!(
        r#"DELETE FROM "bazaar-vid_project" WHERE "userId" = '{lost}'; DELETE FROM "bazaar-vid_user" WHERE id = '{lost}';"#
    ))
    .await;
    let backup = backup_dir(&backup_files(&tables, &[]));
    let lb = Lifeboat::new();
    let url = pg.url();
    let pick = format!("bazaar-vid_project:userId={lost}");
    let run = lb
        .run(&[
            "restore",
            "--db",
            &url,
            "--backup",
            backup.path().to_str().unwrap(),
            "--pick",
            &pick,
            "--yes",
        ])
        .await;
    run.expect_code(0);
    assert_same(&pg_snapshot(pg.pool()).await, &expected, "after restore");
}

/// 6. Incident 3: varchar user ids in the backup, uuid columns live. The
/// plan is blocked before anything runs and says which table, key, column
/// and value; restore refuses the same way; nothing changes.
#[tokio::test]
async fn varchar_ids_into_uuid_columns_are_blocked_before_anything_runs() {
    let pg = TestPg::new().await;
    pg.exec(
        r#"CREATE TABLE "bazaar-vid_user" (id uuid PRIMARY KEY, email text);
           CREATE TABLE "bazaar-vid_project" (id uuid PRIMARY KEY, "userId" uuid NOT NULL REFERENCES "bazaar-vid_user"(id), title text);
           INSERT INTO "bazaar-vid_user" VALUES ('0b7c8d6e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', 'c@example.com');"#,
    )
    .await;
    let bad_user = "user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE";
    let project = "6a1f0c52-0000-4000-8000-000000000001";
    let schema = r#"
CREATE TABLE "bazaar-vid_user" (id varchar(255) PRIMARY KEY, email text);
CREATE TABLE "bazaar-vid_project" (id uuid PRIMARY KEY, "userId" varchar(255) NOT NULL REFERENCES "bazaar-vid_user"(id), title text);
"#;
    let backup = common::write_backup(&[
        ("schema.sql", schema.to_string()),
        (
            "bazaar-vid_user.json",
            json!([
                {"id": bad_user, "email": "a@example.com"},
                {"id": "0b7c8d6e-1f2a-4b3c-9d4e-5f6a7b8c9d0e", "email": "c@example.com"}
            ])
            .to_string(),
        ),
        (
            "bazaar-vid_project.json",
            json!([{"id": project, "userId": bad_user, "title": "Launch"}]).to_string(),
        ),
    ]);
    let before = pg_snapshot(pg.pool()).await;
    let lb = Lifeboat::new();
    let url = pg.url();
    let b = backup.path().to_str().unwrap();
    let pick = ["--pick", "bazaar-vid_project:title=Launch"];
    let mut plan_args = vec!["plan", "--db", &url, "--backup", b];
    plan_args.extend(pick);
    let plan = lb.run(&plan_args).await;
    plan.expect_code(2);
    let all = format!("{}{}", plan.stdout, plan.stderr);
    for needle in ["bazaar-vid_project", project, "userId", bad_user] {
        assert!(
            plan.stderr.contains(needle),
            "plan's stderr must name {needle}\n{}",
            plan.show()
        );
    }
    assert!(
        !all.contains("INSERT INTO"),
        "a blocked plan prints no script\n{}",
        plan.show()
    );
    assert_same(&pg_snapshot(pg.pool()).await, &before, "after plan");

    let mut restore_args = vec!["restore", "--db", &url, "--backup", b];
    restore_args.extend(pick);
    restore_args.push("--yes");
    let restore = lb.run(&restore_args).await;
    restore.expect_code(2);
    assert!(restore.stderr.contains(bad_user), "{}", restore.show());
    assert!(
        restore.path_after("undo script").is_none(),
        "{}",
        restore.show()
    );
    assert_same(&pg_snapshot(pg.pool()).await, &before, "after restore");
}

/// 7. A live trigger refuses one violation in the middle of the 59: the
/// projects and sessions inserted before it are rolled back with it, exit 3,
/// and the error names what failed.
#[tokio::test]
async fn a_failure_half_way_rolls_everything_back() {
    let inc = incident1_pg().await;
    let poison = inc.fx.middle_violation;
    inc.pg
        .exec(&format!(
            "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF NEW.id = {poison} THEN
                 RAISE EXCEPTION 'violation % refused by a live trigger', NEW.id;
               END IF;
               RETURN NEW;
             END $$;
             CREATE TRIGGER refuse_one BEFORE INSERT ON violations FOR EACH ROW EXECUTE FUNCTION refuse_one();"
        ))
        .await;
    let before = pg_snapshot(inc.pg.pool()).await;
    assert_same(&before, &inc.before, "the trigger changes no rows");
    let lb = Lifeboat::new();
    let run = inc.run(&lb, "restore", &["--yes"]).await;
    run.expect_code(3);
    // The contract does not say which stream carries the outcome; lifeboat
    // reports it (ROLLED BACK, the failing statement) with the result on stdout.
    let report = format!("{}\n{}", run.stdout, run.stderr);
    let line_in_backup = inc
        .fx
        .tables
        .iter()
        .find(|(t, _)| *t == "violations")
        .and_then(|(_, rows)| rows.iter().position(|r| r["id"] == json!(poison)))
        .map(|i| i + 1)
        .unwrap();
    for (needle, what) in [
        (
            format!("violation {poison} refused by a live trigger"),
            "the server's error for the failing row",
        ),
        (
            "\"violations\" (\"id\"".to_string(),
            "the failing statement",
        ),
        (
            format!("violations.jsonl:{line_in_backup}"),
            "the backup file and line of the refused row",
        ),
    ] {
        assert!(
            report.contains(&needle),
            "the output must name {what} ({needle})\n{}",
            run.show()
        );
    }
    assert!(
        run.path_after("undo script").is_none(),
        "nothing was committed, so no undo script is offered\n{}",
        run.show()
    );
    assert_same(
        &pg_snapshot(inc.pg.pool()).await,
        &before,
        "after the failed restore",
    );
    let journal = std::fs::read_to_string(lb.journal_path()).expect("journal written");
    let last: Value = serde_json::from_str(journal.lines().last().unwrap()).unwrap();
    assert_eq!(last["outcome"], json!("rolled back"), "{last}");
    assert!(
        last["error"]
            .as_str()
            .is_some_and(|e| e.contains(&poison.to_string())),
        "{last}"
    );
}

/// 8. The script `plan --out` writes, run by psql on one database, does
/// exactly what `restore --yes` does on an identical one.
#[tokio::test]
async fn plan_script_run_by_psql_equals_restore() {
    let one = incident1_pg().await;
    let two = incident1_pg().await;
    assert_eq!(one.before, two.before, "identically prepared");
    let lb = Lifeboat::new();
    let out_dir = tempfile::tempdir().unwrap();
    let script = out_dir.path().join("script.sql");
    let plan = one
        .run(&lb, "plan", &["--out", script.to_str().unwrap()])
        .await;
    plan.expect_code(0);
    let text = std::fs::read_to_string(&script).expect("plan --out wrote the script");
    let last_statement = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with("--"));
    assert!(
        text.contains("BEGIN") && last_statement == Some("COMMIT;"),
        "the script is one transaction:\n{text}"
    );
    assert!(
        !plan.stdout.contains("INSERT INTO"),
        "with --out the script goes to the file only\n{}",
        plan.show()
    );
    assert_same(&pg_snapshot(one.pg.pool()).await, &one.before, "after plan");
    psql_ok(&one.pg.url(), &script).await;

    let run = two.run(&lb, "restore", &["--yes"]).await;
    run.expect_code(0);
    let by_psql = pg_snapshot(one.pg.pool()).await;
    let by_restore = pg_snapshot(two.pg.pool()).await;
    assert_same(&by_psql, &by_restore, "psql script vs restore");
    assert_same(&by_restore, &two.expected, "restore vs the backup");
}

/// 9. The undo script written by a committed restore, run by psql, returns
/// every table to exactly what it held before.
#[tokio::test]
async fn undo_script_returns_every_table_to_before() {
    let inc = incident1_pg().await;
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
    assert_eq!(named, undo, "stdout names the --undo-out file");
    assert_same(
        &pg_snapshot(inc.pg.pool()).await,
        &inc.expected,
        "after restore",
    );
    psql_ok(&inc.pg.url(), &undo).await;
    assert_same(&pg_snapshot(inc.pg.pool()).await, &inc.before, "after undo");
}

/// 10. A rehearsal changes nothing and exits 0; without --yes or --dry-run
/// and without a terminal, restore refuses with exit 2 and changes nothing.
#[tokio::test]
async fn dry_run_and_unconfirmed_restore_change_nothing() {
    let inc = incident1_pg().await;
    let lb = Lifeboat::new();
    let dry = inc.run(&lb, "restore", &["--dry-run"]).await;
    dry.expect_code(0);
    assert!(dry.path_after("undo script").is_none(), "{}", dry.show());
    assert_same(
        &pg_snapshot(inc.pg.pool()).await,
        &inc.before,
        "after --dry-run",
    );

    let refused = inc.run(&lb, "restore", &[]).await;
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("--yes"),
        "the refusal says how to confirm\n{}",
        refused.show()
    );
    assert_same(
        &pg_snapshot(inc.pg.pool()).await,
        &inc.before,
        "after an unconfirmed restore",
    );
    // And the real thing still works afterwards.
    inc.run(&lb, "restore", &["--yes"]).await.expect_code(0);
    assert_same(
        &pg_snapshot(inc.pg.pool()).await,
        &inc.expected,
        "after restore",
    );
}

/// 11. `--on-conflict update`: a live row that differs from the backup in one
/// column is updated in that column only (column triggers record which
/// columns the UPDATE set); the undo script puts the live value back.
#[tokio::test]
async fn on_conflict_update_sets_only_differing_columns_and_undo_reverts() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL, budget numeric(10,2),
           notes text, updated_at timestamptz);
         CREATE TABLE column_audit (n serial PRIMARY KEY, col text NOT NULL);
         CREATE FUNCTION audit_col() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO column_audit (col) VALUES (TG_ARGV[0]); RETURN NULL; END $$;
         CREATE TRIGGER a_name AFTER UPDATE OF name ON projects FOR EACH ROW EXECUTE FUNCTION audit_col('name');
         CREATE TRIGGER a_budget AFTER UPDATE OF budget ON projects FOR EACH ROW EXECUTE FUNCTION audit_col('budget');
         CREATE TRIGGER a_notes AFTER UPDATE OF notes ON projects FOR EACH ROW EXECUTE FUNCTION audit_col('notes');
         CREATE TRIGGER a_upd AFTER UPDATE OF updated_at ON projects FOR EACH ROW EXECUTE FUNCTION audit_col('updated_at');
         INSERT INTO projects VALUES
           (7, 'Atlas', 99.00, 'keep ''me''', '2025-06-01 10:00:00+00'),
           (9, 'Live only', 1.00, NULL, NULL);",
    )
    .await;
    let backup_rows = vec![
        json!({"id": 7, "name": "Atlas", "budget": "1250.50", "notes": "keep 'me'", "updated_at": "2025-06-01T12:00:00+02:00"}),
        json!({"id": 8, "name": "Borealis", "budget": null, "notes": "lost\nrow", "updated_at": "2025-06-02T00:00:00Z"}),
    ];
    let backup = backup_dir(&backup_files(&[("projects", backup_rows)], &[]));
    let projects_before = pg_rows(pg.pool(), "projects").await;
    let lb = Lifeboat::new();
    let url = pg.url();
    let dir = tempfile::tempdir().unwrap();
    let undo = dir.path().join("undo.sql");
    let run = lb
        .run(&[
            "restore",
            "--db",
            &url,
            "--backup",
            backup.path().to_str().unwrap(),
            "--pick",
            "projects:id=7",
            "--pick",
            "projects:id=8",
            "--on-conflict",
            "update",
            "--yes",
            "--undo-out",
            undo.to_str().unwrap(),
        ])
        .await;
    run.expect_code(0);
    type ProjectRow = (i32, String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<ProjectRow> = sqlx::query_as(
        "SELECT id, name, budget::text, notes, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') \
         FROM projects ORDER BY id",
    )
    .fetch_all(pg.pool())
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                7,
                "Atlas".into(),
                Some("1250.50".into()),
                Some("keep 'me'".into()),
                Some("2025-06-01 10:00:00".into())
            ),
            (
                8,
                "Borealis".into(),
                None,
                Some("lost\nrow".into()),
                Some("2025-06-02 00:00:00".into())
            ),
            (9, "Live only".into(), Some("1.00".into()), None, None),
        ]
    );
    let set: Vec<String> = sqlx::query_scalar("SELECT col FROM column_audit ORDER BY n")
        .fetch_all(pg.pool())
        .await
        .unwrap();
    assert_eq!(
        set,
        vec!["budget".to_string()],
        "only the differing column is SET (updated_at is the same instant)"
    );
    check_commit_trailer(&run, &lb);
    psql_ok(&url, &undo).await;
    assert_eq!(
        pg_rows(pg.pool(), "projects").await,
        projects_before,
        "after undo"
    );
}

/// The undo script is refused by psql as a whole if anything in it fails:
/// run against a database the restore never touched, it must not half-apply.
#[tokio::test]
async fn undo_script_is_one_transaction() {
    let inc = incident1_pg().await;
    let lb = Lifeboat::new();
    let dir = tempfile::tempdir().unwrap();
    let undo = dir.path().join("undo.sql");
    inc.run(
        &lb,
        "restore",
        &["--yes", "--undo-out", undo.to_str().unwrap()],
    )
    .await
    .expect_code(0);
    // A new live row now references a restored session: undoing must fail
    // on it and leave everything in place.
    let s4 = uuid(3, 4);
    inc.pg
        .exec(&format!(
            "INSERT INTO violations VALUES (99999, '{s4}', 'minor', 'added after restore', now())"
        ))
        .await;
    let restored = pg_snapshot(inc.pg.pool()).await;
    let out = psql_file(&inc.pg.url(), &undo).await;
    assert!(
        !out.status.success(),
        "undo must fail while a new row depends on a restored one"
    );
    assert_same(
        &pg_snapshot(inc.pg.pool()).await,
        &restored,
        "after a failed undo",
    );
}
