//! Benchmark: the console on a 1,000,000-row table, in a real terminal.
//!
//! The release binary runs in a detached tmux session (120x40) with
//! `LIFEBOAT_FRAME_LOG`, which logs when the first frame was drawn (µs since
//! `main` started) and, per frame that followed key presses, the µs from
//! reading the key to the end of that frame. Targets (issue 4): the first
//! frame within 200 ms of start while the diff still runs behind it; a key
//! press to the next frame in the open 1M-row table under 16 ms.
//!
//! References measured in the same run: `lifeboat --version` spawned the
//! same way (the floor for starting a process through tmux), and the table
//! read by `psql \copy` and by an in-process `COPY TO STDOUT` (the floor
//! for loading the table's rows).
//!
//! Run: `cargo bench --bench console_1m` (PostgreSQL at $LIFEBOAT_TEST_PG,
//! tmux on PATH). Rows: $BENCH_ROWS (default 1000000). The binary:
//! $LIFEBOAT_BENCH_BIN, else the one cargo built for this bench.

mod common;
use common::db_url;
use common::items::{copy_to_stdout, drop_database, prepare, rows_from_env};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DB: &str = "lifeboat_bench_console";
const FIRST_FRAME_TARGET: Duration = Duration::from_millis(200);
const KEY_TARGET: Duration = Duration::from_millis(16);
const ROUNDS: usize = 5;
/// Between single key presses: longer than a frame should take, so each
/// key gets a frame of its own.
const KEY_GAP: Duration = Duration::from_millis(30);

/// A tmux server of our own (its own socket), so other tmux users neither
/// see nor slow these sessions.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        let tmux = Tmux {
            socket: format!("lifeboat-bench-{}", std::process::id()),
        };
        // A long-lived session keeps the server up, so the timed sessions
        // do not pay for starting it.
        tmux.start("idle", "sleep 3600");
        tmux
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    /// A detached 120x40 session running `shell_command` (then idling, so
    /// the pane outlives the program).
    fn start(&self, name: &str, shell_command: &str) {
        let ok = self
            .cmd()
            .args(["new-session", "-d", "-x", "120", "-y", "40", "-s", name])
            .arg(format!("{shell_command}; sleep 3600"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux new-session failed (is tmux installed?)");
    }

    fn screen(&self, name: &str) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", name])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Poll the screen until it shows `text`; how long that took.
    fn wait_for(&self, name: &str, text: &str, limit: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let screen = self.screen(name);
            if screen.contains(text) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn keys(&self, name: &str, keys: &[&str]) {
        let ok = self
            .cmd()
            .args(["send-keys", "-t", name])
            .args(keys)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux send-keys {keys:?}");
    }

    /// The shell in the pane.
    fn pane_pid(&self, name: &str) -> Option<u32> {
        let out = self
            .cmd()
            .args(["display", "-p", "-t", name, "#{pane_pid}"])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    fn kill(&self, name: &str) {
        let _ = self.cmd().args(["kill-session", "-t", name]).status();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

/// The child of `parent` named `comm` (the program the pane's shell runs).
fn child_named(parent: u32, comm: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
        let (head, tail) = stat.rsplit_once(')')?;
        let name = head.split_once('(')?.1;
        let ppid: u32 = tail.split_whitespace().nth(1)?.parse().ok()?;
        (ppid == parent && name == comm).then_some(pid)
    })
}

/// A `VmHWM`/`VmRSS` line of /proc/PID/status, in MB.
fn proc_mb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `s` as one shell word.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Poll `file` (1 ms) until `done` accepts its text; the time from `since`.
fn wait_file(file: &Path, since: Instant, done: impl Fn(&str) -> bool) -> (Duration, String) {
    loop {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if done(&text) {
            return (since.elapsed(), text);
        }
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "timed out waiting for {}: {text:?} (a binary without LIFEBOAT_FRAME_LOG, \
             e.g. another checkout's build in a shared target directory?)",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn first_line(log: &str) -> Option<Duration> {
    log.lines()
        .find_map(|l| l.strip_prefix("first "))
        .and_then(|us| us.trim().parse().ok())
        .map(Duration::from_micros)
}

fn key_lines(log: &str) -> Vec<Duration> {
    log.lines()
        .filter_map(|l| l.strip_prefix("key "))
        .filter_map(|us| us.trim().parse().ok())
        .map(Duration::from_micros)
        .collect()
}

/// Sorted copy; `q` in 0..=1 picks the nearest-rank quantile.
fn quantile(v: &[Duration], q: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

/// The keys sent in the open table: mostly `j`, with pages, ends, sideways
/// scrolls and filter cycles (`f` five times round to "all rows" again).
fn key_script() -> Vec<&'static str> {
    let mut keys = Vec::new();
    for round in 0..6 {
        keys.extend(std::iter::repeat_n("j", 30));
        keys.extend(["NPage", "NPage", "PPage", "l", "l", "h", "h"]);
        keys.extend(std::iter::repeat_n("k", 5));
        keys.push(if round % 2 == 0 { "G" } else { "g" });
        keys.extend(std::iter::repeat_n("j", 5));
        keys.push("f");
    }
    keys.extend(std::iter::repeat_n(
        "j",
        300usize.saturating_sub(keys.len()),
    ));
    keys
}

struct Paths {
    bin: PathBuf,
    backup: PathBuf,
    url: String,
}

/// One round of part 1: `(µs-since-main of the first frame, spawn → log
/// line, spawn → `--version` output)`.
fn first_frame_round(
    tmux: &Tmux,
    p: &Paths,
    dir: &Path,
    round: usize,
) -> (Duration, Duration, Duration) {
    let out = dir.join(format!("version-{round}.txt"));
    let since = Instant::now();
    tmux.start(
        &format!("version-{round}"),
        &format!(
            "env LIFEBOAT_FRAME_LOG=/dev/null {} --version > {}",
            sh_quote(&p.bin.to_string_lossy()),
            sh_quote(&out.to_string_lossy())
        ),
    );
    let (version, _) = wait_file(&out, since, |t| t.ends_with('\n'));
    tmux.kill(&format!("version-{round}"));

    let log = dir.join(format!("frames-{round}.log"));
    let name = format!("first-{round}");
    let since = Instant::now();
    tmux.start(&name, &console_command(p, &log));
    let (wall, text) = wait_file(&log, since, |t| first_line(t).is_some());
    let first = first_line(&text).unwrap_or_default();
    // Quit, and wait for the process to be gone before the next round.
    let pid = tmux
        .pane_pid(&name)
        .and_then(|s| child_named(s, "lifeboat"));
    tmux.keys(&name, &["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    tmux.kill(&name);
    (first, wall, version)
}

fn console_command(p: &Paths, log: &Path) -> String {
    format!(
        "env LIFEBOAT_FRAME_LOG={} {} --db {} --backup {}",
        sh_quote(&log.to_string_lossy()),
        sh_quote(&p.bin.to_string_lossy()),
        sh_quote(&p.url),
        sh_quote(&p.backup.to_string_lossy())
    )
}

/// The rows' shown title, e.g. `row 1 of 1000000`, from a screen.
fn title_of(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| {
            let at = l.find(" — row ")?;
            Some(
                l[at + " — ".len()..]
                    .trim_end_matches(['─', '┐', ' '])
                    .to_owned(),
            )
        })
        .unwrap_or_default()
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes; nothing to list.
    }
    let work = tempfile::tempdir().expect("tempdir");
    // Copy the binary before anything else: a target directory shared with
    // other checkouts may be rebuilt under us. LIFEBOAT_BENCH_BIN picks
    // another build (a profiling build, or a copy made right after building).
    let built = std::env::var_os("LIFEBOAT_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_lifeboat")),
        PathBuf::from,
    );
    let bin = work.path().join("lifeboat");
    std::fs::copy(&built, &bin).expect("copy the lifeboat binary");
    let rows = rows_from_env();
    let backup = work.path().join("backup");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    eprintln!("preparing {rows} rows ...");
    let pool = rt.block_on(prepare(DB, rows, &backup));
    let p = Paths {
        bin,
        backup,
        url: db_url(DB),
    };
    let tmux = Tmux::new();

    // 1. The first frame, ROUNDS times, each after `--version` spawned the same way.
    eprintln!("first frame × {ROUNDS} ...");
    let mut firsts = Vec::new();
    let mut walls = Vec::new();
    let mut versions = Vec::new();
    for round in 0..ROUNDS {
        let (first, wall, version) = first_frame_round(&tmux, &p, work.path(), round);
        firsts.push(first);
        walls.push(wall);
        versions.push(version);
    }

    // 2. Open the table, let it load, then single keys.
    eprintln!("opening the table ...");
    let log = work.path().join("frames-keys.log");
    let name = "keys";
    tmux.start(name, &console_command(&p, &log));
    let limit = Duration::from_secs(120);
    let diff_time = tmux.wait_for(name, "Tables (", limit);
    let pid = tmux
        .pane_pid(name)
        .and_then(|s| child_named(s, "lifeboat"))
        .expect("the console's process");
    tmux.keys(name, &["Enter"]);
    let load_time = tmux.wait_for(name, "row 1 of", limit);
    let loaded_title = title_of(&tmux.screen(name));
    let hwm_loaded = proc_mb(pid, "VmHWM").unwrap_or(0.0);
    let rss_loaded = proc_mb(pid, "VmRSS").unwrap_or(0.0);

    // The floor for loading, while the console idles.
    let psql_copy = {
        let start = Instant::now();
        let ok = Command::new("psql")
            .args([p.url.as_str(), "-qAt", "-c", r"\copy items to '/dev/null'"])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| start.elapsed())
    };
    let (sqlx_copy, copy_bytes) = rt.block_on(copy_to_stdout(&pool));

    eprintln!("sending keys ...");
    std::thread::sleep(Duration::from_millis(300));
    let before = key_lines(&std::fs::read_to_string(&log).unwrap_or_default()).len();
    let script = key_script();
    for key in &script {
        tmux.keys(name, &[key]);
        std::thread::sleep(KEY_GAP);
    }
    std::thread::sleep(Duration::from_millis(500));
    let all = key_lines(&std::fs::read_to_string(&log).unwrap_or_default());
    let keys: Vec<Duration> = all.get(before..).unwrap_or_default().to_vec();
    let end_title = title_of(&tmux.screen(name));
    let hwm_end = proc_mb(pid, "VmHWM").unwrap_or(0.0);
    tmux.keys(name, &["q"]);

    // Report.
    let first_med = quantile(&firsts, 0.5);
    let first_max = quantile(&firsts, 1.0);
    let key_med = quantile(&keys, 0.5);
    let key_p95 = quantile(&keys, 0.95);
    let key_max = quantile(&keys, 1.0);
    let json_mb =
        std::fs::metadata(p.backup.join("items.json")).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!("console_1m: {rows} rows, JSON backup {json_mb:.1} MB, tmux 120x40, release binary");
    println!("  first frame ({ROUNDS} starts)                 median      max");
    println!(
        "    first frame, µs since main() (log)   {:>8.1} ms {:>8.1} ms  target < {} ms: {}",
        ms(first_med),
        ms(first_max),
        FIRST_FRAME_TARGET.as_millis(),
        verdict(first_max < FIRST_FRAME_TARGET)
    );
    println!(
        "    spawn via tmux → first frame logged  {:>8.1} ms {:>8.1} ms",
        ms(quantile(&walls, 0.5)),
        ms(quantile(&walls, 1.0))
    );
    println!(
        "    spawn via tmux → `--version` output  {:>8.1} ms {:>8.1} ms  (process start floor)",
        ms(quantile(&versions, 0.5)),
        ms(quantile(&versions, 1.0))
    );
    println!(
        "    per start: first {:?} ms; spawn→frame {:?} ms; --version {:?} ms",
        firsts.iter().map(|d| ms(*d).round()).collect::<Vec<_>>(),
        walls.iter().map(|d| ms(*d).round()).collect::<Vec<_>>(),
        versions.iter().map(|d| ms(*d).round()).collect::<Vec<_>>()
    );
    println!("  opening the table");
    println!(
        "    diff done (\"Tables (\" shown)         {:>8.3} s after start",
        diff_time.as_secs_f64()
    );
    println!(
        "    Enter → rows loaded (\"row 1 of\")     {:>8.3} s  ({loaded_title})",
        load_time.as_secs_f64()
    );
    if let Some(t) = psql_copy {
        println!(
            "    psql \\copy items to /dev/null        {:>8.3} s  (reference)",
            t.as_secs_f64()
        );
    }
    println!(
        "    COPY items TO STDOUT (sqlx)          {:>8.3} s  (reference, {:.1} MB)",
        sqlx_copy.as_secs_f64(),
        copy_bytes as f64 / 1e6
    );
    println!(
        "    console RSS after loading            {rss_loaded:>8.1} MB (peak VmHWM {hwm_loaded:.1} MB; {hwm_end:.1} MB after the keys)"
    );
    println!(
        "  key → next frame ({} keys sent {} ms apart, {} frames logged)",
        script.len(),
        KEY_GAP.as_millis(),
        keys.len()
    );
    println!(
        "    median {:.2} ms  p95 {:.2} ms  max {:.2} ms  target < {} ms: {}",
        ms(key_med),
        ms(key_p95),
        ms(key_max),
        KEY_TARGET.as_millis(),
        verdict(!keys.is_empty() && key_max < KEY_TARGET)
    );
    if keys.len() == script.len() {
        // One frame per key: attribute the times to the keys.
        let mut kinds: Vec<&str> = script.clone();
        kinds.sort();
        kinds.dedup();
        let per_kind: Vec<String> = kinds
            .iter()
            .map(|k| {
                let t: Vec<Duration> = script
                    .iter()
                    .zip(&keys)
                    .filter(|(s, _)| *s == k)
                    .map(|(_, t)| *t)
                    .collect();
                format!(
                    "{k} ×{}: {:.2}/{:.2}",
                    t.len(),
                    ms(quantile(&t, 0.5)),
                    ms(quantile(&t, 1.0))
                )
            })
            .collect();
        println!("    per key (median/max ms): {}", per_kind.join(", "));
    }
    println!("    last screen title: {end_title}");
    assert!(
        loaded_title.ends_with(&format!("of {rows}"))
            || loaded_title.contains(&format!("of {rows} ")),
        "the loaded table should hold every backup row: {loaded_title:?}"
    );
    drop(tmux);
    rt.block_on(drop_database(pool, DB));
}
