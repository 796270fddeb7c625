//! Benchmark: diff a 1,000,000-row PostgreSQL table against its JSON backup
//! (1% of rows missing live, 1% changed), compared in the same run with the
//! floor: PostgreSQL's own `COPY table TO STDOUT` of that table.
//!
//! Run: `cargo bench --bench diff_1m` (PostgreSQL at $LIFEBOAT_TEST_PG,
//! default postgres://postgres@127.0.0.1:5432/postgres). Rows: $BENCH_ROWS
//! (default 1000000). Prints timings, ratios and peak memory.

mod common;
use common::{children_usage, cpu_seconds, db_url, exec, server_url};
use futures_util::StreamExt;
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

const DB: &str = "lifeboat_bench_1m";

/// Build the table and write the backup (taken before the damage).
async fn prepare(rows: u64, backup_dir: &std::path::Path) -> PgPool {
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&server_url())
        .await
        .expect("connect");
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )
    .await;
    exec(&admin, &format!("CREATE DATABASE {DB}")).await;
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&db_url(DB))
        .await
        .expect("connect bench db");
    exec(
        &pool,
        &format!(
            "CREATE TABLE items (id uuid PRIMARY KEY, n integer NOT NULL, label text, amount numeric(12,2),
                                 created_at timestamptz NOT NULL, payload jsonb);
             INSERT INTO items
             SELECT md5(i::text)::uuid, i, 'item ' || i || E' \"quoted\" \\\\ end', (i % 100000) / 7.0,
                    timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second',
                    jsonb_build_object('i', i, 'tags', jsonb_build_array('a', 'b'), 'ok', i % 2 = 0)
             FROM generate_series(1, {rows}) i"
        ),
    )
    .await;
    // The backup: a JSON array, one object per line, as an app's exporter writes it.
    std::fs::create_dir_all(backup_dir).expect("backup dir");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(backup_dir.join("items.json")).expect("items.json"),
    );
    let mut conn = pool.acquire().await.expect("conn");
    let mut stream = conn
        .copy_out_raw(
            "COPY (SELECT row_to_json(t)::text FROM items t) TO STDOUT WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')",
        )
        .await
        .expect("copy out");
    file.write_all(b"[\n").expect("write");
    let mut first = true;
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        pending.extend_from_slice(&chunk.expect("chunk"));
        while let Some(nl) = pending.iter().position(|&b| b == b'\n') {
            if !first {
                file.write_all(b",\n").expect("write");
            }
            first = false;
            file.write_all(&pending[..nl]).expect("write");
            pending.drain(..=nl);
        }
    }
    file.write_all(b"\n]\n").expect("write");
    file.flush().expect("flush");
    drop(stream);
    drop(conn);
    // The damage: 1% deleted, 1% changed.
    exec(&pool, "DELETE FROM items WHERE n % 100 = 1").await;
    exec(
        &pool,
        "UPDATE items SET label = 'changed' WHERE n % 100 = 2",
    )
    .await;
    exec(&pool, "VACUUM ANALYZE items").await;
    pool
}

/// The floor: stream the whole table out with COPY, discarding the bytes.
async fn copy_to_stdout(pool: &PgPool) -> (Duration, usize) {
    let mut conn = pool.acquire().await.expect("conn");
    let start = Instant::now();
    let mut stream = conn
        .copy_out_raw("COPY items TO STDOUT")
        .await
        .expect("copy");
    let mut bytes = 0;
    while let Some(chunk) = stream.next().await {
        bytes += chunk.expect("chunk").len();
    }
    (start.elapsed(), bytes)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes; nothing to list.
    }
    let rows: u64 = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let runs = 5;
    // BENCH_KEEP=1 leaves the database and the backup in place for profiling.
    let keep = std::env::var_os("BENCH_KEEP").is_some();
    let work = tempfile::tempdir().expect("tempdir");
    let backup = work.path().join("backup");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    eprintln!("preparing {rows} rows ...");
    let pool = rt.block_on(prepare(rows, &backup));
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
    let expect_missing = rows / 100 + u64::from(rows % 100 >= 1);
    let expect_changed = rows / 100 + u64::from(rows % 100 >= 2);
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
    rt.block_on(async {
        pool.close().await;
        if let Ok(admin) = PgPoolOptions::new()
            .max_connections(1)
            .connect(&server_url())
            .await
        {
            let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {DB} WITH (FORCE)"
            )))
            .execute(&admin)
            .await;
        }
    });
}
