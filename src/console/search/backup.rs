//! Searching the whole backup ("where is ToeTheLine?"): every table streamed
//! from its file once, nothing held but the best `cap` hits. Blocking: the
//! console runs it on a blocking thread, reads [`BackupSearchProgress`] as it
//! goes, and stops it through `cancel`.
//!
//! Matching, ranking within a row and snippets are those of
//! [`super::RowSearch`]; a hit's snippet is made when the hit is kept (the
//! row is gone afterwards), so only kept hits pay for it.

#[cfg(test)]
mod tests;

use super::{best_cell, matcher, snippet_of, SearchRow};
use crate::backup::Backup;
use crate::error::Result;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

/// Progress is reported after this many rows (and after each table).
pub const PROGRESS_EVERY_ROWS: u64 = 20_000;

/// How far [`search_backup`] has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupSearchProgress {
    /// Tables read to their end.
    pub tables_done: usize,
    /// Tables in the backup.
    pub tables_total: usize,
    /// Rows scanned so far, over all tables.
    pub rows_scanned: u64,
    /// Rows that matched so far (may exceed the hits kept).
    pub matched: u64,
    /// Every table has been read (the last report of a search that was not
    /// cancelled and did not fail).
    pub done: bool,
}

/// One backup row found by [`search_backup`]: its best-matching value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupHit {
    /// Index of the table in `backup.tables`.
    pub table: usize,
    /// `backup.tables[table].name.to_string()`, raw: pass it through
    /// `report::visible` before drawing it.
    pub table_name: String,
    /// 1-based line where the row starts in its (decompressed) file, as
    /// [`crate::backup::BackupRow::line`].
    pub line: u64,
    /// Index of the matched value's column in the table's columns.
    pub column: usize,
    /// That column's name (`RowReader::columns()`), raw: pass it through
    /// `report::visible` before drawing it.
    pub column_name: String,
    /// Higher is better.
    pub score: i64,
    /// As [`super::RowHit::snippet`]: the value made visible, cut around
    /// the match. Safe to draw as is.
    pub snippet: String,
    /// Char indices into `snippet` to highlight.
    pub positions: Vec<usize>,
}

/// Ordering key of a kept hit: greater is better (higher score, then
/// earlier table, then earlier line, then leftmost column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rank {
    score: i64,
    table: usize,
    line: u64,
    column: usize,
}

impl Ord for Rank {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .cmp(&other.score)
            .then(other.table.cmp(&self.table))
            .then(other.line.cmp(&self.line))
            .then(other.column.cmp(&self.column))
    }
}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A kept hit: its rank and what could only be made while its row was read.
/// Ordered by rank alone (ranks are unique: one hit per row).
#[derive(Debug)]
struct Kept {
    rank: Rank,
    snippet: String,
    positions: Vec<usize>,
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.rank == other.rank
    }
}

impl Eq for Kept {}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank.cmp(&other.rank)
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Fuzzy-search every value of every table of `backup` for `query` (as
/// [`super::RowSearch`]: case ignored, a row counts once with its best
/// value, NULL and absent values never match). Tables are read in
/// `backup.tables` order, one row at a time. Returns the best `cap` rows
/// overall, best score first, ties by table order, then line, then column.
/// An empty query or a zero cap matches nothing.
///
/// `progress` is called after every [`PROGRESS_EVERY_ROWS`] rows and after
/// each table; the last call of a full search has `done` set. `cancel` is
/// checked before each row: once set, the search stops and returns the hits
/// found so far (the caller, who set it, knows they are partial). A table
/// that cannot be read ends the search with its error (file and line).
pub fn search_backup(
    backup: &Backup,
    query: &str,
    cap: usize,
    cancel: &AtomicBool,
    mut progress: impl FnMut(BackupSearchProgress),
) -> Result<Vec<BackupHit>> {
    let mut state = BackupSearchProgress {
        tables_done: 0,
        tables_total: backup.tables.len(),
        rows_scanned: 0,
        matched: 0,
        done: false,
    };
    if query.is_empty() || cap == 0 {
        state.done = true;
        progress(state);
        return Ok(Vec::new());
    }
    let m = matcher();
    // Min-heap of the best `cap` rows: the top is the worst kept.
    let mut kept: BinaryHeap<Reverse<Kept>> = BinaryHeap::with_capacity(cap.min(4096));
    // Column names of the tables read so far (names only grow as rows go by,
    // so the list at a table's end names every column a hit can point at).
    let mut columns: Vec<Vec<String>> = Vec::with_capacity(backup.tables.len());
    let mut since_report = 0u64;
    'tables: for (table, src) in backup.tables.iter().enumerate() {
        let mut reader = backup.rows(src)?;
        loop {
            if cancel.load(AtomicOrdering::Relaxed) {
                columns.push(reader.columns().to_vec());
                break 'tables;
            }
            let Some(row) = reader.next() else { break };
            let row = row?;
            state.rows_scanned += 1;
            if let Some((score, column)) = best_cell(&m, &row, query) {
                state.matched += 1;
                let rank = Rank {
                    score,
                    table,
                    line: row.line,
                    column,
                };
                let wanted = kept.len() < cap || kept.peek().is_some_and(|w| rank > w.0.rank);
                if wanted {
                    let text = row.text(column).unwrap_or_default();
                    let (snippet, positions) = snippet_of(&m, &text, query);
                    if kept.len() == cap {
                        kept.pop();
                    }
                    kept.push(Reverse(Kept {
                        rank,
                        snippet,
                        positions,
                    }));
                }
            }
            since_report += 1;
            if since_report >= PROGRESS_EVERY_ROWS {
                since_report = 0;
                progress(state);
            }
        }
        columns.push(reader.columns().to_vec());
        state.tables_done += 1;
        state.done = state.tables_done == state.tables_total;
        since_report = 0;
        progress(state);
    }
    if state.tables_total == 0 {
        state.done = true;
        progress(state);
    }
    let mut best: Vec<Kept> = kept.into_iter().map(|k| k.0).collect();
    best.sort_by(|a, b| b.cmp(a));
    Ok(best
        .into_iter()
        .map(|k| BackupHit {
            table: k.rank.table,
            table_name: backup
                .tables
                .get(k.rank.table)
                .map(|t| t.name.to_string())
                .unwrap_or_default(),
            line: k.rank.line,
            column: k.rank.column,
            column_name: columns
                .get(k.rank.table)
                .and_then(|c| c.get(k.rank.column))
                .cloned()
                .unwrap_or_default(),
            score: k.rank.score,
            snippet: k.snippet,
            positions: k.positions,
        })
        .collect())
}
