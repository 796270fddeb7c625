//! The rows of one table, backup and live side by side, for the console's
//! Table view: each backup row's status against live (matched exactly as
//! the diff matches them), its live partner, and its changed columns.
//!
//! Loaded once, in the background, by [`load_table_rows`]; then every
//! accessor is a cheap lookup, so the view draws only the visible rows of a
//! 1,000,000-row table. Cells are packed text arenas (see `store`), never
//! `Cell`s or a `String` per value.
//!
//! **Untrusted text.** Cell texts are raw backup and database values:
//! escape them (`crate::report::visible`) before they reach a terminal.
//! [`TableRows::key_text`] is already escaped; [`TableRows::pick_spec`] is not
//! (it is an argument, not a display string).

mod keys;
mod layout;
mod load;
mod matching;
mod store;
#[cfg(test)]
mod tests;

pub use load::load_table_rows;
pub use store::CellText;

use crate::catalog::TableName;
use crate::diff::KeyInfo;
use matching::{Matched, NO_ROW};
use store::CellStore;

/// A row's state, backup against live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowStatus {
    /// In the backup, not live.
    MissingLive,
    /// On both sides, some compared column differs by meaning.
    Changed,
    /// Live only.
    OnlyLive,
    Identical,
    /// No live side at all: exploring a backup.
    BackupOnly,
}

impl RowStatus {
    pub const ALL: [RowStatus; 5] = [
        RowStatus::MissingLive,
        RowStatus::Changed,
        RowStatus::OnlyLive,
        RowStatus::Identical,
        RowStatus::BackupOnly,
    ];
}

/// Entries per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub missing_live: u64,
    pub changed: u64,
    pub only_live: u64,
    pub identical: u64,
    pub backup_only: u64,
}

impl StatusCounts {
    pub fn get(&self, status: RowStatus) -> u64 {
        match status {
            RowStatus::MissingLive => self.missing_live,
            RowStatus::Changed => self.changed,
            RowStatus::OnlyLive => self.only_live,
            RowStatus::Identical => self.identical,
            RowStatus::BackupOnly => self.backup_only,
        }
    }

    fn add(&mut self, status: RowStatus) {
        let n = match status {
            RowStatus::MissingLive => &mut self.missing_live,
            RowStatus::Changed => &mut self.changed,
            RowStatus::OnlyLive => &mut self.only_live,
            RowStatus::Identical => &mut self.identical,
            RowStatus::BackupOnly => &mut self.backup_only,
        };
        *n += 1;
    }
}

/// One column of the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowseColumn {
    /// The live column's name; for a column only the backup has, the backup's.
    pub name: String,
    pub in_live: bool,
    /// The backup has it: in its data or its schema.
    pub in_backup: bool,
    /// Part of the key rows are matched on (not set for whole-row matching).
    pub key: bool,
    /// The live column's declared type.
    pub live_type: Option<String>,
    /// The name the backup uses (a backup field may match a live column
    /// case-insensitively); Some exactly when `in_backup`.
    pub backup_name: Option<String>,
}

/// One table's rows. Entries are the backup rows in file order, then the
/// live-only rows in live order; `entry` arguments must be `< len()`.
#[derive(Debug)]
pub struct TableRows {
    /// The name as the diff shows it (`public.projects`, `projects`).
    pub table: String,
    /// Live columns first (live order), then the backup's other columns.
    pub columns: Vec<BrowseColumn>,
    /// How rows are matched (as in the diff's report); None when there is
    /// no key and nothing to match against.
    pub key: Option<KeyInfo>,
    /// The table name a `--pick` resolves (live name where live).
    table_name: TableName,
    /// Key columns (view indices); empty for whole-row matching.
    key_columns: Vec<usize>,
    backup: CellStore,
    live: CellStore,
    /// Per backup entry: its 1-based line in the backup file.
    lines: Vec<u64>,
    lines_sorted: bool,
    matched: Matched,
    counts: StatusCounts,
}

/// What a loaded table is, apart from its rows.
pub(crate) struct Header {
    pub table: String,
    pub table_name: TableName,
    pub columns: Vec<BrowseColumn>,
    pub key: Option<KeyInfo>,
}

impl TableRows {
    fn new(
        header: Header,
        mut backup: CellStore,
        lines: Vec<u64>,
        mut live: CellStore,
        matched: Matched,
    ) -> TableRows {
        let Header {
            table,
            table_name,
            columns,
            key,
        } = header;
        let mut counts = StatusCounts::default();
        for &s in &matched.status {
            counts.add(s);
        }
        backup.shrink();
        live.shrink();
        let key_columns = match &key {
            Some(k) if k.source != "whole_row" => k
                .columns
                .iter()
                .filter_map(|name| columns.iter().position(|c| &c.name == name))
                .collect(),
            _ => Vec::new(),
        };
        let mut columns = columns;
        for &c in &key_columns {
            columns[c].key = true;
        }
        TableRows {
            table,
            columns,
            key,
            table_name,
            key_columns,
            lines_sorted: lines.windows(2).all(|w| w[0] <= w[1]),
            backup,
            live,
            lines,
            matched,
            counts,
        }
    }

    pub fn len(&self) -> usize {
        self.matched.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Panics if `entry >= len()`.
    pub fn status(&self, entry: usize) -> RowStatus {
        self.matched.status[entry]
    }

    /// Absent for live-only entries and columns the backup row lacks.
    pub fn backup_cell(&self, entry: usize, column: usize) -> CellText<'_> {
        if entry < self.backup.rows() {
            self.backup.cell(entry, column)
        } else {
            CellText::Absent
        }
    }

    /// Absent when the entry has no live row, and for backup-only columns.
    pub fn live_cell(&self, entry: usize, column: usize) -> CellText<'_> {
        match self.live_row(entry) {
            Some(row) => self.live.cell(row, column),
            None => CellText::Absent,
        }
    }

    fn live_row(&self, entry: usize) -> Option<usize> {
        self.matched
            .live_row
            .get(entry)
            .filter(|&&r| r != NO_ROW)
            .map(|&r| r as usize)
    }

    /// Columns (view indices, all live columns) that differ by meaning;
    /// empty unless the entry is Changed.
    pub fn changed_columns(&self, entry: usize) -> Vec<usize> {
        u32::try_from(entry).map_or_else(|_| Vec::new(), |e| self.matched.changed.get(e))
    }

    /// The backup entry's 1-based line in its file; None for live-only entries.
    pub fn line(&self, entry: usize) -> Option<u64> {
        self.lines.get(entry).copied()
    }

    pub fn counts(&self) -> StatusCounts {
        self.counts
    }

    /// Entries with one of `statuses`, in entry order (for the status filter).
    pub fn entries_with(&self, statuses: &[RowStatus]) -> Vec<u32> {
        self.matched
            .status
            .iter()
            .enumerate()
            .filter(|(_, s)| statuses.contains(s))
            .map(|(e, _)| e as u32)
            .collect()
    }

    /// The backup entry holding `line`: the row starting there, else the
    /// row that started before it (a row spanning lines).
    pub fn find_line(&self, line: u64) -> Option<usize> {
        if !self.lines_sorted {
            return self.lines.iter().position(|&l| l == line);
        }
        let after = self.lines.partition_point(|&l| l <= line);
        after.checked_sub(1)
    }

    /// Backup rows in the table.
    pub fn backup_rows(&self) -> usize {
        self.backup.rows()
    }

    /// Heap bytes held by the loaded rows (arenas, statuses, lines).
    pub fn heap_bytes(&self) -> usize {
        self.backup.heap_bytes()
            + self.live.heap_bytes()
            + self.lines.capacity() * 8
            + self.matched.status.capacity()
            + self.matched.live_row.capacity() * 4
            + self.matched.changed.heap_bytes()
    }
}
