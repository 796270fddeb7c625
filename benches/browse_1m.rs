//! Benchmark: load a 1,000,000-row, 6-column PostgreSQL table and its JSON
//! backup for the console's Table view (`browse::load_table_rows`), against
//! the plain diff of the same table in the same run (each step in a child
//! process of its own, so each peak RSS is that step's).
//!
//! Run: `cargo bench --bench browse_1m` (PostgreSQL at $LIFEBOAT_TEST_PG,
//! default postgres://postgres@127.0.0.1:5432/postgres). Rows: $BENCH_ROWS
//! (default 1000000). Prints timings, the ratio, peak RSS and the loaded
//! rows' heap bytes.

mod common;
use common::db_url;
use lifeboat::backup::Backup;
use lifeboat::browse::load_table_rows;
use lifeboat::diff::{diff, DiffOptions};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

// As the binary: the console runs with mimalloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DB: &str = "lifeboat_bench_browse_1m";

/// Peak RSS of this process so far, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One step in a child process of its own, so its peak RSS is its own:
/// prints `seconds peak_kib heap_bytes missing changed extra identical`.
fn child_step(step: &str) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let url = DbUrl::parse(&db_url(DB)).expect("url");
    let live = rt
        .block_on(LiveDb::connect(&url, &LiveOptions::default()))
        .expect("connect");
    let backup_dir = std::env::var("BROWSE_BENCH_BACKUP").expect("backup dir");
    let backup = Backup::open(std::path::Path::new(&backup_dir)).expect("backup");
    let start = Instant::now();
    let (heap, counts) = if step == "diff" {
        let opts = DiffOptions {
            tables: vec!["items".into()],
            ..DiffOptions::default()
        };
        let report = rt.block_on(diff(&live, &backup, &opts)).expect("diff");
        let d = &report.tables[0];
        (0, [d.missing, d.changed, d.extra, d.identical])
    } else {
        let cancel = Arc::new(AtomicBool::new(false));
        let rows = rt
            .block_on(load_table_rows(
                Some(&live),
                &backup,
                "public.items",
                |_| {},
                cancel,
            ))
            .expect("load");
        let c = rows.counts();
        (
            rows.heap_bytes(),
            [c.missing_live, c.changed, c.only_live, c.identical],
        )
    };
    let took = start.elapsed().as_secs_f64();
    println!(
        "{took} {} {heap} {} {} {} {}",
        peak_kib(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
}

/// Run one step in a child: (seconds, peak KiB, heap bytes, counts).
fn run_step(step: &str, backup_dir: &std::path::Path) -> (Duration, u64, u64, Vec<u64>) {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .env("BROWSE_BENCH_STEP", step)
        .env("BROWSE_BENCH_BACKUP", backup_dir)
        .output()
        .expect("run step");
    assert!(
        out.status.success(),
        "{step}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    let num = |i: usize| f[i].parse::<u64>().expect("number");
    (
        Duration::from_secs_f64(f[0].parse().expect("seconds")),
        num(1),
        num(2),
        (3..7).map(num).collect(),
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes; nothing to list.
    }
    if let Ok(step) = std::env::var("BROWSE_BENCH_STEP") {
        return child_step(&step);
    }
    let rows: u64 = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let runs = 3;
    let work = tempfile::tempdir().expect("tempdir");
    let backup_dir = work.path().join("backup");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    eprintln!("preparing {rows} rows ...");
    let pool = rt.block_on(common::items::prepare(DB, rows, &backup_dir));
    let (mut diff_times, mut load_times) = (Vec::new(), Vec::new());
    let (mut diff_peak, mut load_peak, mut heap) = (0, 0, 0);
    let mut last = Vec::new();
    for _ in 0..runs {
        let (t, peak, _, diff_counts) = run_step("diff", &backup_dir);
        diff_times.push(t);
        diff_peak = diff_peak.max(peak);
        let (t, peak, h, counts) = run_step("load", &backup_dir);
        load_times.push(t);
        load_peak = load_peak.max(peak);
        heap = h;
        assert_eq!(
            counts, diff_counts,
            "the loaded rows say what the diff says"
        );
        last = counts;
    }
    let (d, l) = (median(diff_times), median(load_times));
    let json_size = std::fs::metadata(backup_dir.join("items.json")).map_or(0, |m| m.len());
    println!(
        "browse_1m: {rows} rows x 6 columns, JSON backup {:.1} MB, PostgreSQL live",
        json_size as f64 / 1e6
    );
    println!(
        "  diff of the table (in process, median of {runs})    {:>8.3} s",
        d.as_secs_f64()
    );
    println!(
        "  load_table_rows (in process, median of {runs})      {:>8.3} s",
        l.as_secs_f64()
    );
    println!(
        "  ratio load / diff                                {:>8.2}x",
        l.as_secs_f64() / d.as_secs_f64()
    );
    println!(
        "  peak RSS of the process, diff                   {:>8.1} MB",
        diff_peak as f64 / 1024.0
    );
    println!(
        "  peak RSS of the process, load                   {:>8.1} MB",
        load_peak as f64 / 1024.0
    );
    println!(
        "  loaded rows' heap (both sides, kept)             {:>8.1} MB",
        heap as f64 / 1e6
    );
    println!("  missing, changed, only live, identical: {last:?}");
    rt.block_on(common::items::drop_database(pool, DB));
}
