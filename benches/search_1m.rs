//! Whole-backup search throughput: `search_backup` over a 1,000,000-row,
//! 6-column JSON table, against the floor of streaming the same backup with
//! `backup.rows` and counting, measured in the same run. Run:
//! `cargo bench --bench search_1m` (`LIFEBOAT_SPEED_ROWS` sets the row count).
//!
//! Each figure is the best of [`ROUNDS`] runs, the floor and the searches
//! taking turns. Thread CPU time is printed beside wall time: on a busy
//! machine (builds next door) it is the steadier of the two.

use lifeboat::backup::Backup;
use lifeboat::console::search::{search_backup, DEFAULT_CAP};
use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

// The allocator the lifeboat binary (and so the console) runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 3;

/// CPU time this thread has used.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the struct we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Best wall and CPU time seen for one measured thing.
#[derive(Clone, Copy)]
struct Best {
    wall: Duration,
    cpu: Duration,
}

impl Best {
    const NONE: Best = Best {
        wall: Duration::MAX,
        cpu: Duration::MAX,
    };

    /// Run `f`, keeping the better times.
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let out = f();
        self.cpu = self.cpu.min(thread_cpu() - cpu);
        self.wall = self.wall.min(wall.elapsed());
        out
    }
}

/// Stream every row of every table and count them: what any search pays.
fn floor(backup: &Backup) -> usize {
    let mut n = 0;
    for table in &backup.tables {
        for row in backup.rows(table).unwrap() {
            assert_eq!(row.unwrap().cells.len(), 6);
            n += 1;
        }
    }
    n
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let rows: usize = std::env::var("LIFEBOAT_SPEED_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let planted = rows * 3 / 4;
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("projects.json");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "[").unwrap();
    for i in 0..rows {
        let sep = if i + 1 == rows { "" } else { "," };
        let title = if i == planted {
            "ToeTheLine".to_string()
        } else {
            format!("Project number {i}")
        };
        writeln!(out, "{{\"id\": {i}, \"user_id\": \"user_{i:08}\", \"title\": \"{title}\", \"score\": {}.25, \"active\": true, \"created_at\": \"2025-07-11T19:46:34.951Z\"}}{sep}", i % 1000).unwrap();
    }
    writeln!(out, "]").unwrap();
    out.flush().unwrap();
    drop(out);
    let size = std::fs::metadata(&path).unwrap().len();
    let backup = Backup::open(dir.path()).unwrap();

    // A rare query (one row) in two spellings, queries matching about one
    // row in nine, and one that matches nothing (the prefilter's best case).
    const QUERIES: [&str; 5] = ["ToeTheLine", "toetheline", "number 42", "user_0007", "zzqx"];
    floor(&backup); // warm the page cache
    let mut floor_best = Best::NONE;
    let mut searches = [Best::NONE; QUERIES.len()];
    let mut found = [(0u64, 0usize, 0usize); QUERIES.len()];
    for _ in 0..ROUNDS {
        assert_eq!(floor_best.time(|| floor(&backup)), rows);
        for (i, query) in QUERIES.into_iter().enumerate() {
            let cancel = AtomicBool::new(false);
            let (mut reports, mut matched) = (0, 0);
            let hits = searches[i].time(|| {
                search_backup(&backup, query, DEFAULT_CAP, &cancel, |p| {
                    reports += 1;
                    matched = p.matched;
                })
                .unwrap()
            });
            found[i] = (matched, hits.len(), reports);
            if query.eq_ignore_ascii_case("toetheline") {
                assert_eq!(hits[0].line, planted as u64 + 2, "{:?}", hits[0]);
                assert_eq!(hits[0].column_name, "title");
            }
        }
    }
    let per_s = |d: Duration| rows as f64 / d.as_secs_f64();
    println!(
        "search_1m: {rows} rows x 6 columns, {} MB JSON, best of {ROUNDS}; backup.rows+count floor: wall {:.3} s ({:.0} rows/s), cpu {:.3} s",
        size / 1_000_000,
        floor_best.wall.as_secs_f64(),
        per_s(floor_best.wall),
        floor_best.cpu.as_secs_f64(),
    );
    for ((query, best), (matched, kept, reports)) in QUERIES.iter().zip(searches).zip(found) {
        println!(
            "search_1m {query:>12}: wall {:.3} s ({:.0} rows/s, {:.2}x floor), cpu {:.3} s ({:.2}x floor); {matched} matched, {kept} kept, {reports} progress reports",
            best.wall.as_secs_f64(),
            per_s(best.wall),
            best.wall.as_secs_f64() / floor_best.wall.as_secs_f64(),
            best.cpu.as_secs_f64(),
            best.cpu.as_secs_f64() / floor_best.cpu.as_secs_f64(),
        );
    }
}
