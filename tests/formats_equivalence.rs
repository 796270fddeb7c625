//! The same incident, diffed and restored from every backup format lifeboat
//! reads (JSON folder, plain pg_dump, gzipped, --inserts, --column-inserts,
//! custom, directory and tar archives, a restored snapshot database): the
//! diffs are identical and the restored rows are identical, and equal the
//! source database's rows.

mod common;

use common::formats::{make_all, DAMAGE, SOURCE};
use common::restoring::{assert_same, pg_rows, pg_snapshot, Lifeboat, Snapshot};
use common::TestPg;
use serde_json::Value;

/// The diff's per-table results with row lists in a stable order (a dump
/// and a JSON export may list rows differently).
fn tables_of(report: &str) -> Value {
    let mut v: Value = serde_json::from_str(report).expect("diff --json prints JSON");
    let mut tables = v["tables"].take();
    for t in tables.as_array_mut().into_iter().flatten() {
        for list in ["missing", "changed", "extra"] {
            if let Some(rows) = t["rows"][list].as_array_mut() {
                rows.sort_by_key(|r| r.to_string());
            }
        }
    }
    tables
}

/// The tables whose JSON differs, both versions, for the failure message.
fn explain(want: &Value, got: &Value) -> String {
    let (w, g) = (
        want.as_array().cloned().unwrap_or_default(),
        got.as_array().cloned().unwrap_or_default(),
    );
    let mut out = String::new();
    for t in g.iter().filter(|t| !w.contains(t)) {
        let name = &t["name"];
        let reference = w.iter().find(|r| &r["name"] == name);
        out.push_str(&format!(
            "  table {name}:\n    got:      {t}\n    expected: {}\n",
            reference.map(Value::to_string).unwrap_or("(absent)".into())
        ));
    }
    for t in w
        .iter()
        .filter(|t| !g.iter().any(|x| x["name"] == t["name"]))
    {
        out.push_str(&format!("  table {} missing\n", t["name"]));
    }
    out
}

// audit_nopk has no key: its rows could not be told apart from live ones, so
// the operator leaves them out (the plan would be blocked otherwise).
const PICKS: [&str; 6] = [
    "--pick",
    "projects:id=2",
    "--pick",
    "sessions:id=3",
    "--no-dependents-in",
    "audit_nopk",
];

#[tokio::test(flavor = "multi_thread")]
async fn every_format_gives_the_same_diff_and_the_same_restored_rows() {
    let source = TestPg::new().await;
    source.exec(SOURCE).await;
    let snapshot = TestPg::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let made = make_all(&source, &snapshot, dir.path());
    let live = TestPg::new().await;
    live.exec(SOURCE).await;
    live.exec(DAMAGE).await;
    let lb = Lifeboat::new();

    let mut failures = Vec::new();
    for m in &made {
        let run = lb.run(&["inspect", "--backup", &m.backup, "--json"]).await;
        let report: Value = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
        if report["format"] != m.detected || report["tables"].as_array().map(Vec::len) != Some(5) {
            failures.push(format!(
                "{}: inspect should say {} with 5 tables\n{}",
                m.format,
                m.detected,
                run.show()
            ));
        }
        let dumped_from = &report["details"]["dumped from PostgreSQL"];
        if m.detected.starts_with("pg-dump")
            && !dumped_from
                .as_str()
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        {
            failures.push(format!(
                "{}: no server version in inspect's details\n{}",
                m.format,
                run.show()
            ));
        }
    }
    let mut reference: Option<(&str, Value)> = None;
    for m in &made {
        let run = lb
            .run(&[
                "diff",
                "--db",
                &live.url(),
                "--backup",
                &m.backup,
                "--rows",
                "--json",
            ])
            .await;
        if run.code != Some(1) {
            failures.push(format!(
                "{}: diff did not find differences\n{}",
                m.format,
                run.show()
            ));
            continue;
        }
        let tables = tables_of(&run.stdout);
        match &reference {
            None => reference = Some((m.format, tables)),
            Some((first, want)) if *want != tables => failures.push(format!(
                "{}: diff differs from {first}'s\n{}",
                m.format,
                explain(want, &tables)
            )),
            Some(_) => {}
        }
    }
    // The reference itself found what the damage did.
    if let Some((first, want)) = &reference {
        let missing: Vec<(String, u64)> = want
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t["name"].as_str().unwrap_or("").to_owned(),
                    t["missing"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        for (table, n) in [
            ("public.projects", 1),
            ("public.sessions", 6),
            ("public.vector-sync-status", 2),
            ("public.events", 5),
        ] {
            if !missing.iter().any(|(t, m)| t == table && *m == n) {
                failures.push(format!(
                    "{first}: expected {n} missing in {table}, got {missing:?}"
                ));
            }
        }
    }

    let mut restored: Option<(&str, Snapshot)> = None;
    for m in &made {
        let target = TestPg::new().await;
        target.exec(SOURCE).await;
        target.exec(DAMAGE).await;
        let url = target.url();
        let mut args = vec!["restore", "--db", &url, "--backup", &m.backup];
        args.extend(PICKS);
        args.push("--yes");
        let run = lb.run(&args).await;
        if run.code != Some(0) {
            failures.push(format!(
                "{}: restore did not commit\n{}",
                m.format,
                run.show()
            ));
            continue;
        }
        let got = pg_snapshot(target.pool()).await;
        match &restored {
            None => {
                // The first format's restore brought project 2 back as the source has it.
                for from in ["projects WHERE id = 2", "sessions WHERE id = 3"] {
                    let sql = format!("(SELECT * FROM {from})");
                    assert_eq!(
                        pg_rows(target.pool(), &sql).await,
                        pg_rows(source.pool(), &sql).await,
                        "{}: restored {from}",
                        m.format
                    );
                }
                restored = Some((m.format, got));
            }
            Some((first, want)) => {
                let same = std::panic::catch_unwind(|| {
                    assert_same(&got, want, &format!("{} vs {first}", m.format))
                });
                if let Err(e) = same {
                    let text = e
                        .downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| "restored rows differ".into());
                    failures.push(text);
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} formats differ:\n\n{}",
        failures.len(),
        made.len(),
        failures.join("\n\n")
    );
}
