//! Incident 4 end to end on a real PostgreSQL, driving the real binary: a
//! conversion dropped 20 of 25 foreign keys across 17 tables (users ↔
//! organizations reference each other) and 35 orphan rows crept into 18
//! relations. `check --backup` must find exactly those orphans and list
//! every dropped key with its violating rows; one `restore --repair-schema`
//! that brings back the lost parents must recreate every key — validated
//! where its orphans were resolved, NOT VALID (with the reason) where the
//! parent is nowhere — and `check --fast` must not scan the tables.

mod common;

use common::incidents::incident4::{
    conversion, data, lost_parent_picks, planted_orphans, Planted, DROPPED, FOREIGN_KEYS, KEPT,
    SCHEMA, TABLES,
};
use common::incidents::pg_state::{foreign_keys, writers};
use common::restoring::{picks, Lifeboat};
use common::{pg_dump, TestPg};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tempfile::TempDir;

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// The pre-conversion database, dumped, then converted.
async fn converted() -> (TestPg, TempDir, PathBuf) {
    let pg = TestPg::new().await;
    pg.exec(SCHEMA).await;
    pg.exec(&data()).await;
    assert_eq!(foreign_keys(pg.pool()).await.len(), FOREIGN_KEYS);
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("before-conversion.sql");
    pg_dump(&pg, &dump, &[]);
    pg.exec(&conversion()).await;
    assert_eq!(foreign_keys(pg.pool()).await.len(), KEPT.len());
    (pg, dir, dump)
}

/// `public.TABLE.COLUMN` → (orphans, sorted samples) of every relation
/// `check --json` reports, each relation once.
fn orphans_by_relation(report: &Value) -> BTreeMap<String, (Value, Vec<String>)> {
    let mut out = BTreeMap::new();
    for r in array(&report["relations"]) {
        let columns: Vec<&str> = array(&r["child_columns"])
            .iter()
            .map(|c| c.as_str().expect("column"))
            .collect();
        let name = format!(
            "{}.{}",
            r["child"].as_str().expect("child"),
            columns.join(",")
        );
        let mut keys: Vec<String> = array(&r["samples"])
            .iter()
            .map(|k| {
                array(k)
                    .iter()
                    .map(|p| p.as_str().expect("key part").to_owned())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        keys.sort();
        let twice = out.insert(name.clone(), (r["orphans"].clone(), keys));
        assert!(twice.is_none(), "relation {name} reported twice: {r}");
    }
    out
}

fn relation_name(p: &Planted) -> String {
    format!("public.{}.{}", p.table, p.column)
}

/// Every relation with orphans is an expected one, with exactly its
/// orphans' count and dangling references (what `check` samples); every
/// other relation was scanned and has none.
fn assert_exact_orphans(report: &Value, expected: &[(String, Vec<String>)], context: &str) {
    let got = orphans_by_relation(report);
    for (name, keys) in expected {
        let (count, samples) = got
            .get(name)
            .unwrap_or_else(|| panic!("relation {name} not checked\n{context}"));
        assert_eq!(count, &json!(keys.len()), "{name}\n{context}");
        assert_eq!(samples, keys, "{name}\n{context}");
    }
    for (name, (count, _)) in &got {
        if !expected.iter().any(|(n, _)| n == name) {
            assert_eq!(count, &json!(0), "unexpected orphans in {name}\n{context}");
        }
    }
}

/// The missing-constraint entry of the dropped key TABLE_COLUMN_fkey.
fn missing_fk<'a>(report: &'a Value, table: &str, column: &str) -> &'a Value {
    let name = format!("{table}_{column}_fkey");
    array(&report["missing_constraints"])
        .iter()
        .find(|c| c["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} not listed as missing"))
}

#[tokio::test]
async fn check_finds_every_orphan_and_one_restore_recreates_every_foreign_key() {
    let (pg, _dir, dump) = converted().await;
    let fks_before_conversion = {
        // The backup's keys, as a scratch database restored from the dump has them.
        let scratch = TestPg::new().await;
        common::restoring::psql_ok(&scratch.url(), &dump).await;
        foreign_keys(scratch.pool()).await
    };
    let lb = Lifeboat::new();
    let (url, backup) = (pg.url(), dump.to_str().expect("utf-8 path").to_owned());
    let planted = planted_orphans();
    assert_eq!(planted.len(), 18);
    assert_eq!(planted.iter().map(|p| p.orphans.len()).sum::<usize>(), 35);

    // Before: every planted orphan, with its keys, and no other.
    let run = lb
        .run(&["check", "--db", &url, "--backup", &backup, "--json"])
        .await;
    run.expect_code(1);
    let report = parse(&run.stdout);
    assert_eq!(array(&report["tables"]).len(), TABLES);
    let all: Vec<(String, Vec<String>)> = planted
        .iter()
        .map(|p| (relation_name(p), p.dangling(false)))
        .collect();
    assert_exact_orphans(&report, &all, &run.show());
    // Each sample also names its own row by primary key: the rows planted.
    for p in &planted {
        let r = array(&report["relations"])
            .iter()
            .find(|r| {
                r["child"] == format!("public.{}", p.table)
                    && r["child_columns"] == json!([p.column])
            })
            .unwrap_or_else(|| panic!("no relation {}", relation_name(p)));
        assert_eq!(r["key_columns"], json!(["id"]), "{r}");
        let mut rows: Vec<String> = array(&r["sample_keys"])
            .iter()
            .map(|k| array(k)[0].as_str().expect("key").to_owned())
            .collect();
        rows.sort();
        // users and organizations are keyed by uuid, the rest by number.
        let id = |k: &str| {
            let n: u32 = k.parse().expect("planted key");
            match p.table {
                "users" => common::incidents::incident4::user(n),
                "organizations" => common::incidents::incident4::org(n),
                _ => k.to_owned(),
            }
        };
        let mut want: Vec<String> = p.orphans.iter().map(|o| id(&o.key)).collect();
        want.sort();
        assert_eq!(rows, want, "{}", relation_name(p));
    }
    for (t, c) in KEPT {
        let r = &orphans_by_relation(&report)[&format!("public.{t}.{c}")];
        assert_eq!(r.0, json!(0));
    }
    // Every dropped key is missing, with its violating rows counted.
    let missing = array(&report["missing_constraints"]);
    assert_eq!(missing.len(), DROPPED.len(), "{}", run.show());
    for (t, c) in DROPPED {
        let m = missing_fk(&report, t, c);
        assert_eq!(m["kind"], "foreign_key");
        assert_eq!(m["table"], format!("public.{t}"));
        let want = planted
            .iter()
            .find(|p| p.table == t && p.column == c)
            .map_or(0, |p| p.orphans.len());
        assert_eq!(m["violations"], json!(want), "{t}.{c}: {m}");
    }
    let counts = &report["constraint_counts"];
    assert_eq!(counts["live"]["foreign_keys"], json!(KEPT.len()));
    assert_eq!(counts["backup"]["foreign_keys"], json!(FOREIGN_KEYS));

    // One restore: the lost parents back, every key recreated.
    let parent_picks = lost_parent_picks();
    let specs: Vec<&str> = parent_picks.iter().map(String::as_str).collect();
    let mut args = vec![
        "restore",
        "--db",
        &url,
        "--backup",
        &backup,
        "--repair-schema",
    ];
    args.extend(picks(&specs));
    args.extend(["--yes", "--json"]);
    let run = lb.run(&args).await;
    run.expect_code(0);
    let report = parse(&run.stdout);
    assert_eq!(
        report["execution"]["outcome"],
        "committed",
        "{}",
        run.show()
    );
    let written = &report["execution"]["written"];
    for t in ["users", "projects", "invoices", "organizations"] {
        assert_eq!(
            written[format!("public.{t}")],
            json!({"inserted": 1, "updated": 0}),
            "{}",
            run.show()
        );
    }
    let inserted: u64 = written
        .as_object()
        .expect("written")
        .values()
        .map(|w| w["inserted"].as_u64().unwrap_or(0) + w["updated"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        inserted,
        4,
        "only the four lost parents are written\n{}",
        run.show()
    );

    let planned = array(&report["summary"]["schema_repair"]["constraints"]);
    assert_eq!(planned.len(), DROPPED.len(), "{}", run.show());
    for p in &planted {
        let c = planned
            .iter()
            .find(|c| c["name"] == format!("{}_{}_fkey", p.table, p.column).as_str())
            .unwrap_or_else(|| panic!("{} not recreated\n{}", relation_name(p), run.show()));
        assert_eq!(c["violations_before"], json!(p.orphans.len()), "{c}");
        assert_eq!(c["violations_after"], json!(p.parent_nowhere()), "{c}");
        if p.parent_nowhere() == 0 {
            assert_eq!(c["action"], "validate", "{c}");
        } else {
            assert_ne!(c["action"], "validate", "{c}");
            let reason = c["reason"]
                .as_str()
                .unwrap_or_else(|| panic!("no reason: {c}"));
            assert!(reason.contains(&p.parent_nowhere().to_string()), "{c}");
        }
    }
    let after = &report["constraints_after"];
    assert_eq!(after["live"], after["backup"], "{}", run.show());
    assert_eq!(after["live"]["foreign_keys"], json!(FOREIGN_KEYS));

    // The catalog: the same 25 keys as the backup's (PostgreSQL prints
    // "NOT VALID" after a definition: compared apart), NOT VALID exactly
    // where a parent is nowhere; the parents and the keys written by one
    // transaction.
    let fks = foreign_keys(pg.pool()).await;
    let strip = |v: &[common::incidents::pg_state::PgConstraint]| {
        v.iter()
            .map(|c| {
                let def = c.definition.trim_end_matches(" NOT VALID").to_owned();
                (c.table.clone(), c.name.clone(), def)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&fks), strip(&fks_before_conversion));
    let not_valid: Vec<&str> = fks
        .iter()
        .filter(|c| !c.validated)
        .map(|c| c.name.as_str())
        .collect();
    let mut want_not_valid: Vec<String> = planted
        .iter()
        .filter(|p| p.parent_nowhere() > 0)
        .map(|p| format!("{}_{}_fkey", p.table, p.column))
        .collect();
    want_not_valid.sort();
    assert_eq!(not_valid, want_not_valid);
    let dropped_names: Vec<String> = DROPPED
        .iter()
        .map(|(t, c)| format!("'{t}_{c}_fkey'"))
        .collect();
    let mut xids = writers(
        pg.pool(),
        &format!(
            "pg_constraint WHERE conname IN ({})",
            dropped_names.join(", ")
        ),
    )
    .await;
    xids.extend(
        writers(
            pg.pool(),
            "users WHERE id = '11111111-0000-4000-8000-000000000007'",
        )
        .await,
    );
    xids.extend(writers(pg.pool(), "projects WHERE id = 4").await);
    xids.extend(writers(pg.pool(), "invoices WHERE id = 2").await);
    xids.extend(
        writers(
            pg.pool(),
            "organizations WHERE owner_id = '11111111-0000-4000-8000-000000000007'",
        )
        .await,
    );
    xids.sort();
    xids.dedup();
    assert_eq!(xids.len(), 1, "written by several transactions: {xids:?}");

    // After: orphans only where the parent is nowhere; counts equal the backup's.
    let run = lb
        .run(&["check", "--db", &url, "--backup", &backup, "--json"])
        .await;
    run.expect_code(1);
    let report = parse(&run.stdout);
    let still: Vec<(String, Vec<String>)> = planted
        .iter()
        .filter(|p| p.parent_nowhere() > 0)
        .map(|p| (relation_name(p), p.dangling(true)))
        .collect();
    assert_eq!(still.iter().map(|s| s.1.len()).sum::<usize>(), 6);
    assert_exact_orphans(&report, &still, &run.show());
    assert_eq!(report["missing_constraints"], json!([]), "{}", run.show());
    assert_eq!(
        report["constraint_counts"]["live"],
        report["constraint_counts"]["backup"]
    );
}

/// Sequential scans of each user table so far, once every lifeboat
/// session on the database has gone and the counters have settled: a
/// backend flushes its statistics as it exits, or within a second of going
/// idle (the test's own pool).
async fn seq_scans(pg: &TestPg) -> BTreeMap<String, i64> {
    for _ in 0..100 {
        let others: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'lifeboat%'",
        )
        .fetch_one(pg.pool())
        .await
        .expect("activity");
        if others == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut last = read_seq_scans(pg).await;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let now = read_seq_scans(pg).await;
        if now == last {
            return now;
        }
        last = now;
    }
}

async fn read_seq_scans(pg: &TestPg) -> BTreeMap<String, i64> {
    let mut tx = pg.pool().begin().await.expect("begin");
    sqlx::raw_sql("SELECT pg_stat_clear_snapshot()")
        .execute(&mut *tx)
        .await
        .expect("fresh statistics");
    let n: Vec<(String, i64)> = sqlx::query_as(
        "SELECT relname::text, seq_scan FROM pg_stat_user_tables WHERE schemaname = 'public'",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("seq_scan");
    tx.rollback().await.expect("rollback");
    n.into_iter().collect()
}

#[tokio::test]
async fn fast_check_reports_from_estimates_and_scans_no_table() {
    let (pg, _dir, dump) = converted().await;
    pg.exec("ANALYZE").await;
    let lb = Lifeboat::new();
    let (url, backup) = (pg.url(), dump.to_str().expect("utf-8 path").to_owned());

    let before = seq_scans(&pg).await;
    let run = lb
        .run(&[
            "check", "--db", &url, "--backup", &backup, "--json", "--fast",
        ])
        .await;
    // A partial check is never called healthy.
    run.expect_code(1);
    let after_fast = seq_scans(&pg).await;
    assert_eq!(
        after_fast,
        before,
        "check --fast scanned tables\n{}",
        run.show()
    );

    let report = parse(&run.stdout);
    assert_eq!(report["fast"], true);
    assert!(!array(&report["skipped"]).is_empty(), "{}", run.show());
    for t in array(&report["tables"]) {
        assert_eq!(t["rows_estimated"], true, "{t}");
    }
    // No orphan scan, said on every relation; no violation count either;
    // what needs only the catalog is still there.
    let relations = array(&report["relations"]);
    assert_eq!(relations.len(), FOREIGN_KEYS, "{}", run.show());
    for r in relations {
        assert_eq!(r["orphans"], Value::Null, "{r}");
        assert!(r["skipped"].is_string(), "{r}");
    }
    let missing = array(&report["missing_constraints"]);
    assert_eq!(missing.len(), DROPPED.len());
    for m in missing {
        assert_eq!(m["violations"], Value::Null, "{m}");
        assert!(m["skipped"].is_string(), "{m}");
    }
    assert_eq!(
        report["constraint_counts"]["live"]["foreign_keys"],
        json!(KEPT.len())
    );
    assert_eq!(
        report["constraint_counts"]["backup"]["foreign_keys"],
        json!(FOREIGN_KEYS)
    );

    // The measurement can fail: the full check does scan.
    lb.run(&["check", "--db", &url, "--backup", &backup, "--json"])
        .await
        .expect_code(1);
    let after_full = seq_scans(&pg).await;
    let total = |m: &BTreeMap<String, i64>| m.values().sum::<i64>();
    assert!(total(&after_full) > total(&after_fast), "{after_full:?}");
}
