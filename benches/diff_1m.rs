//! Benchmark: diff a 1,000,000-row PostgreSQL table against its JSON backup
//! (1% of rows missing live, 1% changed), compared in the same run with the
//! floor: PostgreSQL's own `COPY table TO STDOUT` of that table.
//!
//! Run: `cargo bench --bench diff_1m` (PostgreSQL at $LIFEBOAT_TEST_PG,
//! default postgres://postgres@127.0.0.1:5432/postgres). Rows: $BENCH_ROWS
//! (default 1000000). Prints timings, ratios and peak memory.

mod common;
use common::items::{copy_to_stdout, drop_database, expected_damage, prepare, rows_from_env};
use common::{children_usage, cpu_seconds, db_url};
use std::process::Command;
use std::time::{Duration, Instant};

const DB: &str = "lifeboat_bench_1m";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes; nothing to list.
    }
    let rows = rows_from_env();
    let runs = 5;
    // BENCH_KEEP=1 leaves the database and the backup in place for profiling.
    let keep = std::env::var_os("BENCH_KEEP").is_some();
    let work = tempfile::tempdir().expect("tempdir");
    let backup = work.path().join("backup");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    eprintln!("preparing {rows} rows ...");
    let pool = rt.block_on(prepare(DB, rows, &backup));
    let json_size = std::fs::metadata(backup.join("items.json"))
        .map(|m| m.len())
        .unwrap_or(0);

    let mut copy_times = Vec::new();
    let mut copy_bytes = 0;
    let mut psql_times = Vec::new();
    let mut diff_times = Vec::new();
    let bin = env!("CARGO_BIN_EXE_lifeboat");
    let url = db_url(DB);
    let mut last_json = String::new();
    let mut diff_cpu = 0.0;
    for _ in 0..runs {
        let (t, b) = rt.block_on(copy_to_stdout(&pool));
        copy_times.push(t);
        copy_bytes = b;
        let start = Instant::now();
        let status = Command::new("psql")
            .args([url.as_str(), "-qAt", "-c", "COPY items TO STDOUT"])
            .stdout(std::process::Stdio::null())
            .status();
        if matches!(status, Ok(s) if s.success()) {
            psql_times.push(start.elapsed());
        }
        let cpu_before = cpu_seconds(&children_usage());
        let start = Instant::now();
        let out = Command::new(bin)
            .args(["diff", "--db", &url, "--backup"])
            .arg(&backup)
            .arg("--json")
            .output()
            .expect("run lifeboat");
        diff_times.push(start.elapsed());
        diff_cpu += cpu_seconds(&children_usage()) - cpu_before;
        assert!(
            out.status.code() == Some(1),
            "lifeboat diff failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        last_json = String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let peak_kib = children_usage().ru_maxrss;
    let report: serde_json::Value = serde_json::from_str(&last_json).expect("diff json");
    let t = &report["tables"][0];
    let (expect_missing, expect_changed) = expected_damage(rows);
    assert_eq!(
        t["missing"].as_u64(),
        Some(expect_missing),
        "missing rows: {t}"
    );
    assert_eq!(
        t["changed"].as_u64(),
        Some(expect_changed),
        "changed rows: {t}"
    );

    let copy = median(copy_times);
    let diff = median(diff_times);
    println!(
        "diff_1m: {rows} rows, JSON backup {:.1} MB, COPY output {:.1} MB",
        json_size as f64 / 1e6,
        copy_bytes as f64 / 1e6
    );
    println!(
        "  COPY items TO STDOUT (sqlx, in process)   {:>8.3} s",
        copy.as_secs_f64()
    );
    if !psql_times.is_empty() {
        println!(
            "  psql -c 'COPY items TO STDOUT' >/dev/null {:>8.3} s",
            median(psql_times.clone()).as_secs_f64()
        );
    }
    println!(
        "  lifeboat diff --json (whole process)       {:>8.3} s",
        diff.as_secs_f64()
    );
    println!(
        "  lifeboat CPU per diff (user+sys, mean)     {:>8.3} s",
        diff_cpu / runs as f64
    );
    println!(
        "  ratio diff / COPY (in process)             {:>8.2}x  (target <= 2.00x)",
        diff.as_secs_f64() / copy.as_secs_f64()
    );
    if !psql_times.is_empty() {
        println!(
            "  ratio diff / psql COPY                     {:>8.2}x",
            diff.as_secs_f64() / median(psql_times.clone()).as_secs_f64()
        );
    }
    println!(
        "  peak RSS of lifeboat diff                  {:>8.1} MB (target < 500 MB)",
        peak_kib as f64 / 1024.0
    );
    println!(
        "  result: missing {} changed {} identical {}",
        t["missing"], t["changed"], t["identical"]
    );
    if keep {
        println!("  kept: --db {url} --backup {}", backup.display());
        let _ = work.keep();
        return;
    }
    rt.block_on(drop_database(pool, DB));
}
