//! A folder of many backups (`backups/migration-2025-07-11T19-46-34-951Z/`,
//! `backups/nightly-2025-07-12.sql.gz`, ...): list them oldest first with
//! their time and row counts, choose one (`--snapshot latest|NAME`), and
//! find which of them hold picked records (`lifeboat find`).
//!
//! Every entry of the folder goes through `Backup::open`, so each format it
//! reads is a snapshot format; an entry that does not open is listed with
//! its error. The choices here (order, resolving a name, the verdict of a
//! find) are pure; `list` and `find` are the I/O edge.

mod choose;
pub mod find;
pub mod list;
pub mod render;
mod time;

pub use choose::{choose, resolve, Chosen, LATEST};
pub use time::{instant_of, SnapshotTime, TimeSource};

use crate::backup::BackupFormat;
use serde::Serialize;
use std::path::PathBuf;

/// One entry of the folder, opened (or not) as a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// The entry's file or directory name: what `--snapshot NAME` matches.
    pub name: String,
    pub path: PathBuf,
    /// None when the entry does not open as a backup.
    pub format: Option<BackupFormat>,
    pub time: Option<SnapshotTime>,
    /// Per table, in the backup's order; empty when rows were not counted.
    pub tables: Vec<TableCount>,
    /// What `Backup::open` warned about (files not used and why).
    pub warnings: Vec<String>,
    /// Why the entry is not a usable backup.
    pub error: Option<String>,
}

impl Snapshot {
    pub fn opened(&self) -> bool {
        self.error.is_none()
    }

    /// Rows over all counted tables.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().filter_map(|t| t.rows).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableCount {
    /// `schema.table` or `table`, as the backup names it.
    pub table: String,
    /// None when counting failed (then `error` says why).
    pub rows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Oldest first: by the instant each time names; entries without one
/// first (never "latest" by accident), ties by name.
pub fn sort(snapshots: &mut [Snapshot]) {
    snapshots.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
}

pub(crate) fn order_key(s: &Snapshot) -> (Option<i64>, &str) {
    (s.time.as_ref().and_then(|t| t.instant), &s.name)
}

/// The newest snapshot that opened, in a sorted list.
pub fn latest(snapshots: &[Snapshot]) -> Option<usize> {
    snapshots.iter().rposition(Snapshot::opened)
}

#[cfg(test)]
mod tests;
