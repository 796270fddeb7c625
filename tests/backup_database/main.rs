//! Another database as the backup: a fresh PostgreSQL database standing in
//! for a snapshot restored into a scratch database (`pg`), and a SQLite file
//! (named `.bin`, found by its header) or `sqlite://` URL (`sqlite`). Opened,
//! read row by row, diffed against a damaged live copy and restored from, for real.

#[path = "../common/mod.rs"]
mod common;
mod pg;
mod sqlite;

use lifeboat::backup::Backup;
use lifeboat::catalog::TableName;
use lifeboat::diff::{diff, DiffOptions, DiffReport};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::value::Cell;
use std::path::Path;
use std::process::{Command, Stdio};

pub fn text(s: &str) -> Option<Cell> {
    Some(Cell::Text(s.to_owned()))
}

pub const NULL: Option<Cell> = Some(Cell::Null);

/// Every row of `name` in the backup: the lines seen and the cells.
pub fn read_all(
    backup: &Backup,
    name: &TableName,
) -> (Vec<String>, Vec<u64>, Vec<Vec<Option<Cell>>>) {
    let src = backup.table(name).unwrap_or_else(|| panic!("no {name}"));
    let mut reader = backup.rows(src).unwrap();
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    for row in reader.by_ref() {
        let row = row.unwrap();
        lines.push(row.line);
        rows.push(row.cells);
    }
    (reader.columns().to_vec(), lines, rows)
}

pub async fn diff_report(live_url: &str, backup: &Backup) -> DiffReport {
    let live = LiveDb::connect(&DbUrl::parse(live_url).unwrap(), &LiveOptions::default())
        .await
        .unwrap();
    let opts = DiffOptions {
        collect_rows: true,
        ..DiffOptions::default()
    };
    diff(&live, backup, &opts).await.unwrap()
}

/// `lifeboat ARGS` with its data directory in `xdg`: (exit code, stdout + stderr).
pub fn lifeboat(xdg: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .env_remove("LIFEBOAT_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env("XDG_DATA_HOME", xdg)
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code(), text)
}
