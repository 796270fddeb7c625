//! Dump files for the pg_dump tests, made by the real `pg_dump`.

use super::TestPg;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// `pg_dump ARGS --file=OUT URL` of the test database, in UTC (so a
/// `--verbose` start time has a zone that converts); panics with its stderr.
pub fn pg_dump(pg: &TestPg, out: &Path, args: &[&str]) {
    pg_dump_url(&pg.url(), out, args);
}

/// [`pg_dump`] of any database URL.
pub fn pg_dump_url(url: &str, out: &Path, args: &[&str]) {
    let output = Command::new("pg_dump")
        .args(args)
        .arg(format!("--file={}", out.display()))
        .arg(url)
        .env("TZ", "UTC")
        .output()
        .expect("run pg_dump (is it on PATH?)");
    assert!(
        output.status.success(),
        "pg_dump failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A gzipped copy of `from` at `to`.
pub fn gzip_copy(from: &Path, to: &Path) {
    let data = std::fs::read(from).expect("read dump");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(to).expect("create gzip file"),
        flate2::Compression::default(),
    );
    enc.write_all(&data).expect("write gzip");
    enc.finish().expect("finish gzip");
}
