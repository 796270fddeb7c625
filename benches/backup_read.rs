//! Backup reading throughput: 1,000,000 rows of 6 columns, streamed from a
//! JSON array and from CSV, against the floor of reading the same file and
//! counting its lines. Run: `cargo bench --bench backup_read`
//! (`LIFEBOAT_SPEED_ROWS` sets the row count).

use lifeboat::backup::Backup;
use std::io::Write;
use std::time::Instant;

/// Read the file and count newlines: the I/O floor for any reader.
fn floor(path: &std::path::Path) -> std::time::Duration {
    use std::io::Read;
    let start = Instant::now();
    let mut f = std::fs::File::open(path).unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0usize;
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
    }
    assert!(lines > 0);
    start.elapsed()
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let rows: usize = std::env::var("LIFEBOAT_SPEED_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::TempDir::new().unwrap();
    for ext in ["json", "csv"] {
        let path = dir.path().join(format!("big.{ext}"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        if ext == "json" {
            writeln!(out, "[").unwrap();
        } else {
            writeln!(out, "id,user_id,title,score,active,created_at").unwrap();
        }
        for i in 0..rows {
            if ext == "json" {
                let sep = if i + 1 == rows { "" } else { "," };
                writeln!(out, "{{\"id\": {i}, \"user_id\": \"user_{i:08}\", \"title\": \"Project number {i}\", \"score\": {}.25, \"active\": true, \"created_at\": \"2025-07-11T19:46:34.951Z\"}}{sep}", i % 1000).unwrap();
            } else {
                writeln!(
                    out,
                    "{i},user_{i:08},Project number {i},{}.25,t,2025-07-11T19:46:34.951Z",
                    i % 1000
                )
                .unwrap();
            }
        }
        if ext == "json" {
            writeln!(out, "]").unwrap();
        }
        out.flush().unwrap();
        drop(out);
        let size = std::fs::metadata(&path).unwrap().len();
        let backup = Backup::open(dir.path()).unwrap();
        let table = backup.tables.iter().find(|t| t.path == path).unwrap();
        let floor = floor(&path);
        let start = Instant::now();
        let mut n = 0;
        for row in backup.rows(table).unwrap() {
            assert_eq!(row.unwrap().cells.len(), 6);
            n += 1;
        }
        let took = start.elapsed();
        println!(
            "backup_read {ext}: {n} rows, {} MB: lifeboat {:.3} s, read+count-lines floor {:.3} s, ratio {:.1}x",
            size / 1_000_000,
            took.as_secs_f64(),
            floor.as_secs_f64(),
            took.as_secs_f64() / floor.as_secs_f64()
        );
        assert_eq!(n, rows);
        std::fs::remove_file(&path).unwrap();
    }
}
