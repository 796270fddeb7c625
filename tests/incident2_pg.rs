//! Incident 2 end to end on a real PostgreSQL, driving the real binary: the
//! hyphenated table `"vector-sync-status"` dropped, nine columns of several
//! types dropped from `projects` (its rows stay). One restore with
//! `--repair-schema --restore-columns --pick` must bring back the table, its
//! rows, the column values and every constraint, in one transaction, from a
//! pg_dump and from a JSON folder with schema.sql; its undo script must give
//! the damaged database back exactly.

mod common;

use common::incidents::incident2::{
    pg_damage, pg_data, restore_columns_arg, LOST_COLUMNS, PG_SCHEMA, PROJECTS, SYNC_ROWS,
    SYNC_TABLE,
};
use common::incidents::pg_state::{
    constraints, json_folder, json_snapshot, sequence_next_and_max, structure, writers,
};
use common::incidents::undo_and_journal;
use common::restoring::{assert_same, psql_ok, Lifeboat};
use common::{pg_dump, TestPg};
use serde_json::{json, Value};
use std::path::Path;

/// Which backup the operator found.
enum BackupKind {
    PgDump,
    JsonWithSchema,
}

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// A database shaped like incident 2 before the damage.
async fn pre_damage() -> TestPg {
    let pg = TestPg::new().await;
    pg.exec(PG_SCHEMA).await;
    pg.exec(&pg_data()).await;
    pg
}

fn write_backup(pg: &TestPg, kind: &BackupKind, dir: &Path) -> std::path::PathBuf {
    match kind {
        BackupKind::PgDump => {
            let file = dir.join("nightly-2025-11-09.sql");
            pg_dump(pg, &file, &[]);
            file
        }
        BackupKind::JsonWithSchema => dir.to_path_buf(),
    }
}

/// `check` before the repair: the table missing, its relation not
/// scanned (and said so), the constraints the backup has counted.
async fn check_sees_the_damage(lb: &Lifeboat, url: &str, backup: &str) {
    let run = lb
        .run(&["check", "--db", url, "--backup", backup, "--json"])
        .await;
    run.expect_code(1);
    let report = parse(&run.stdout);
    assert_eq!(
        strings(&report["missing_tables"]),
        ["public.vector-sync-status"],
        "{}",
        run.show()
    );
    let sync = report["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .find(|r| r["child"] == "public.vector-sync-status")
        .unwrap_or_else(|| panic!("no relation from the dropped table\n{}", run.show()));
    assert_eq!(sync["parent"], "public.projects");
    assert_eq!(sync["orphans"], Value::Null);
    assert_eq!(
        sync["skipped"],
        "table public.vector-sync-status is missing live"
    );
    // The nine columns the migration dropped, each named with its table.
    let gone: Vec<String> = report["missing_columns"]
        .as_array()
        .expect("missing_columns")
        .iter()
        .map(|c| {
            format!(
                "{}.{}",
                c["table"].as_str().unwrap_or(""),
                c["column"].as_str().unwrap_or("")
            )
        })
        .collect();
    let want: Vec<String> = LOST_COLUMNS
        .iter()
        .map(|c| format!("public.projects.{c}"))
        .collect();
    assert_eq!(gone, want, "{}", run.show());
    let counts = &report["constraint_counts"];
    assert_eq!(
        counts["backup"],
        json!({"primary_keys": 3, "unique": 2, "foreign_keys": 2, "checks": 1})
    );
    assert_eq!(
        counts["live"],
        json!({"primary_keys": 2, "unique": 1, "foreign_keys": 1, "checks": 0})
    );
    // The CHECK on a lost column is listed as missing live.
    let missing: Vec<&Value> = report["missing_constraints"]
        .as_array()
        .expect("missing_constraints")
        .iter()
        .collect();
    assert_eq!(missing.len(), 1, "{}", run.show());
    assert_eq!(missing[0]["name"], "projects_weekly_hours_range");
    // Its column is gone too: not counted (nothing to count), and no error.
    assert_eq!(missing[0]["skipped"], "column(s) weekly_hours missing live");
    assert_eq!(missing[0]["error"], Value::Null, "{}", run.show());

    // The columns: `diff` names the nine, and nothing else drifted.
    let run = lb
        .run(&["diff", "--db", url, "--backup", backup, "--json"])
        .await;
    run.expect_code(1);
    let diff = parse(&run.stdout);
    let tables = diff["tables"].as_array().expect("tables");
    let projects = tables
        .iter()
        .find(|t| t["name"] == "public.projects")
        .expect("projects in the diff");
    let mut want: Vec<&str> = LOST_COLUMNS.to_vec();
    want.sort();
    let mut got = strings(&projects["schema"]["missing_columns"]);
    got.sort();
    assert_eq!(got, want, "{}", run.show());
    assert_eq!(projects["missing"], 0);
    assert_eq!(projects["changed"], 0);
    let sync = tables
        .iter()
        // A JSON folder names it by its file, without the schema.
        .find(|t| t["name"] == "public.vector-sync-status" || t["name"] == SYNC_TABLE)
        .unwrap_or_else(|| panic!("the dropped table in the diff\n{}", run.show()));
    assert_eq!(sync["status"], "table_missing");
    assert_eq!(sync["missing"], SYNC_ROWS);
}

/// Everything the one transaction wrote carries its transaction id: the
/// new table's catalog row, its rows, the rewritten projects rows, the
/// added columns and the recreated constraints.
async fn one_transaction_wrote_it_all(pg: &TestPg) {
    let pool = pg.pool();
    let mut xids = writers(pool, "\"vector-sync-status\"").await;
    xids.extend(writers(pool, "projects").await);
    xids.extend(writers(pool, "pg_class WHERE relname = 'vector-sync-status'").await);
    let added = LOST_COLUMNS
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    xids.extend(
        writers(
            pool,
            &format!("pg_attribute WHERE attrelid = 'projects'::regclass AND attname IN ({added})"),
        )
        .await,
    );
    xids.extend(
        writers(
            pool,
            "pg_constraint WHERE conname IN ('projects_weekly_hours_range', 'vector-sync-status_project_id_fkey')",
        )
        .await,
    );
    xids.sort();
    xids.dedup();
    assert_eq!(xids.len(), 1, "written by several transactions: {xids:?}");
}

async fn repair_restores_the_pre_damage_state(kind: BackupKind) {
    let pg = pre_damage().await;
    let (rows_before, constraints_before, structure_before) = (
        json_snapshot(pg.pool()).await,
        constraints(pg.pool()).await,
        structure(pg.pool()).await,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    if let BackupKind::JsonWithSchema = kind {
        json_folder(&pg, dir.path(), &["users", "projects", SYNC_TABLE], true).await;
    }
    let backup = write_backup(&pg, &kind, dir.path());
    let backup = backup.to_str().expect("utf-8 path");
    pg.exec(&pg_damage()).await;
    let (rows_damaged, structure_damaged) =
        (json_snapshot(pg.pool()).await, structure(pg.pool()).await);
    // The comparisons below can fail: the damage shows in both.
    assert_ne!(rows_damaged, rows_before);
    assert_ne!(structure_damaged, structure_before);
    assert!(
        structure_before
            .iter()
            .any(|l| l.starts_with("type project_tier (free, pro, it's enterprise)")),
        "{structure_before:#?}"
    );

    let lb = Lifeboat::new();
    let url = pg.url();
    check_sees_the_damage(&lb, &url, backup).await;

    let columns = restore_columns_arg();
    let run = lb
        .run(&[
            "restore",
            "--db",
            &url,
            "--backup",
            backup,
            "--repair-schema",
            "--restore-columns",
            &columns,
            "--pick",
            SYNC_TABLE,
            "--yes",
            "--json",
        ])
        .await;
    run.expect_code(0);
    let report = parse(&run.stdout);
    let exec = &report["execution"];
    assert_eq!(exec["outcome"], "committed", "{}", run.show());
    // The created table is named as the backup names it: a JSON folder by
    // its file name, without the schema.
    let sync_name = match kind {
        BackupKind::PgDump => "public.vector-sync-status",
        BackupKind::JsonWithSchema => SYNC_TABLE,
    };
    let mut written = json!({"public.projects": {"inserted": 0, "updated": PROJECTS}});
    written[sync_name] = json!({"inserted": SYNC_ROWS, "updated": 0});
    assert_eq!(exec["written"], written);
    assert_eq!(report["verification"]["mismatches"], json!([]));
    let after = &report["constraints_after"];
    assert_eq!(after["live"], after["backup"], "{}", run.show());
    assert_eq!(
        after["live"],
        json!({"primary_keys": 3, "unique": 2, "foreign_keys": 2, "checks": 1})
    );
    let repair = &report["summary"]["schema_repair"];
    assert_eq!(repair["created_tables"][0]["table"], sync_name);
    assert_eq!(repair["created_tables"][0]["inferred"], false);
    assert_eq!(repair["added_columns"].as_array().map(Vec::len), Some(9));

    // Contents, every row and column, equal the backup's; so do the
    // constraints (names, definitions, validated) and the whole structure.
    assert_same(
        &json_snapshot(pg.pool()).await,
        &rows_before,
        "after repair",
    );
    assert_eq!(constraints(pg.pool()).await, constraints_before);
    assert_eq!(structure(pg.pool()).await, structure_before);
    let (next, max) = sequence_next_and_max(pg.pool(), SYNC_TABLE, "id").await;
    assert!(next > max, "identity hands out {next}, max(id) is {max}");
    assert_eq!(max, SYNC_ROWS as i64);

    // One transaction: one journal run (committing → committed), one
    // BEGIN/COMMIT in the script, one xid on everything written.
    let (undo, journal) = undo_and_journal(&report, &lb);
    let runs: Vec<&Value> = journal.iter().map(|e| &e["run"]).collect();
    assert!(runs.windows(2).all(|w| w[0] == w[1]), "{journal:?}");
    let outcomes: Vec<&str> = journal
        .iter()
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["committing", "committed"]);
    assert_eq!(journal[1]["options"]["repair_schema"], "all");
    one_transaction_wrote_it_all(&pg).await;

    // `check` after: nothing missing, counts equal, no orphans, nothing behind.
    let run = lb
        .run(&["check", "--db", &url, "--backup", backup, "--json"])
        .await;
    let health = parse(&run.stdout);
    assert_eq!(health["missing_tables"], json!([]), "{}", run.show());
    assert_eq!(health["missing_constraints"], json!([]), "{}", run.show());
    assert_eq!(
        health["constraint_counts"]["live"],
        health["constraint_counts"]["backup"]
    );
    assert_eq!(health["type_differences"], json!([]), "{}", run.show());
    for r in health["relations"].as_array().expect("relations") {
        assert_eq!(r["orphans"], 0, "{r}");
    }
    for s in health["sequences"].as_array().expect("sequences") {
        assert_eq!(s["behind"], false, "{s}");
    }
    run.expect_code(0);

    // The undo script, run with psql, gives the damaged state back exactly.
    psql_ok(&url, &undo).await;
    assert_same(&json_snapshot(pg.pool()).await, &rows_damaged, "after undo");
    assert_eq!(structure(pg.pool()).await, structure_damaged);
}

#[tokio::test]
async fn repair_from_a_pg_dump_brings_back_the_table_columns_and_constraints() {
    repair_restores_the_pre_damage_state(BackupKind::PgDump).await;
}

#[tokio::test]
async fn repair_from_a_json_folder_with_schema_sql_brings_back_the_table_columns_and_constraints() {
    repair_restores_the_pre_damage_state(BackupKind::JsonWithSchema).await;
}

/// A JSON folder without schema.sql: lifeboat proposes the table with
/// inferred types and blocks the plan until `--accept-inferred-schema`;
/// with it the table is created (types inferred, marked so) and its rows
/// arrive. NOTE for the lead: this test picks rows of a table created from
/// an INFERRED schema (the known "no primary key" pick issue).
#[tokio::test]
async fn inferred_schema_blocks_until_accepted_then_creates_the_table_and_its_rows_arrive() {
    let pg = pre_damage().await;
    let sync_before = json_snapshot(pg.pool()).await["public.\"vector-sync-status\""].clone();
    assert_eq!(sync_before.len(), SYNC_ROWS);
    let dir = tempfile::tempdir().expect("tempdir");
    json_folder(&pg, dir.path(), &["users", "projects", SYNC_TABLE], false).await;
    let backup = dir.path().to_str().expect("utf-8 path");
    pg.exec(&pg_damage()).await;
    let damaged = json_snapshot(pg.pool()).await;
    let lb = Lifeboat::new();
    let url = pg.url();
    let base = [
        "--db",
        &url,
        "--backup",
        backup,
        "--repair-schema",
        "--pick",
        SYNC_TABLE,
    ];

    let plan = lb.run(&[&["plan", "--json"][..], &base[..]].concat()).await;
    plan.expect_code(2);
    let summary = parse(&plan.stdout);
    assert_eq!(summary["executable"], false, "{}", plan.show());
    let blockers = summary["blockers"].to_string();
    assert!(
        blockers.contains("--accept-inferred-schema") && blockers.contains("vector-sync-status"),
        "{}",
        plan.show()
    );
    // Blocked means nothing ran: restore refuses too and changes nothing.
    let refused = lb
        .run(&[&["restore", "--yes"][..], &base[..]].concat())
        .await;
    refused.expect_code(2);
    assert_same(
        &json_snapshot(pg.pool()).await,
        &damaged,
        "after a blocked restore",
    );

    let run = lb
        .run(
            &[
                &["restore", "--yes", "--json", "--accept-inferred-schema"][..],
                &base[..],
            ]
            .concat(),
        )
        .await;
    run.expect_code(0);
    let report = parse(&run.stdout);
    assert_eq!(
        report["execution"]["outcome"],
        "committed",
        "{}",
        run.show()
    );
    let created = &report["summary"]["schema_repair"]["created_tables"];
    assert_eq!(created[0]["inferred"], true, "{}", run.show());
    let types: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
          WHERE table_name = 'vector-sync-status' ORDER BY ordinal_position",
    )
    .fetch_all(pg.pool())
    .await
    .expect("columns");
    let types: Vec<(&str, &str)> = types
        .iter()
        .map(|(c, t)| (c.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "bigint"),
            ("project_id", "bigint"),
            ("source", "text"),
            ("last_sync", "timestamp with time zone"),
            ("chunk_count", "bigint"),
        ]
    );
    // Every row, every value, as before the damage.
    let after = json_snapshot(pg.pool()).await;
    assert_eq!(after["public.\"vector-sync-status\""], sync_before);
}
