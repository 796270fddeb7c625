//! Running a diff from a test and finding a table in its report.

use lifeboat::backup::Backup;
use lifeboat::diff::{diff, DiffOptions, DiffReport, TableDiff};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use std::path::Path;

/// Diff the database at `url` (or SQLite path) against the backup at `backup_dir`.
pub async fn run_diff(url: &str, backup_dir: &Path, rows: bool) -> DiffReport {
    let url = DbUrl::parse(url).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    let backup = Backup::open(backup_dir).unwrap();
    let opts = DiffOptions {
        collect_rows: rows,
        ..DiffOptions::default()
    };
    diff(&live, &backup, &opts).await.unwrap()
}

/// The report's entry for `name`, or a panic listing the names there are.
pub fn table<'a>(r: &'a DiffReport, name: &str) -> &'a TableDiff {
    r.tables.iter().find(|t| t.name == name).unwrap_or_else(|| {
        panic!(
            "no table {name} in {:?}",
            r.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
        )
    })
}
