//! The open table: its rows (loaded in the background, once), the status
//! filter, the focused row, the Rows / Schema tab. Only indices live here;
//! the rows themselves stay in one shared [`TableRows`].

use super::list::{Cursor, Move};
use crate::browse::{RowStatus, TableRows};
use std::sync::Arc;

/// A table's rows, shared with the background work (compared by identity:
/// the same load is the same rows).
#[derive(Clone)]
pub struct Rows(pub Arc<TableRows>);

impl PartialEq for Rows {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rows({} of {})", self.0.len(), self.0.table)
    }
}

/// Which rows the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    MissingLive,
    Changed,
    OnlyLive,
    Identical,
}

impl Filter {
    /// `f` walks through them in this order.
    pub fn next(self) -> Filter {
        match self {
            Filter::All => Filter::MissingLive,
            Filter::MissingLive => Filter::Changed,
            Filter::Changed => Filter::OnlyLive,
            Filter::OnlyLive => Filter::Identical,
            Filter::Identical => Filter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "all rows",
            Filter::MissingLive => "missing live",
            Filter::Changed => "changed",
            Filter::OnlyLive => "only live",
            Filter::Identical => "identical",
        }
    }

    fn statuses(self) -> &'static [RowStatus] {
        match self {
            Filter::All => &[],
            Filter::MissingLive => &[RowStatus::MissingLive],
            Filter::Changed => &[RowStatus::Changed],
            Filter::OnlyLive => &[RowStatus::OnlyLive],
            Filter::Identical => &[RowStatus::Identical, RowStatus::BackupOnly],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Rows,
    Schema,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableView {
    pub name: String,
    pub rows: Option<Rows>,
    /// Rows read so far while loading.
    pub loading: u64,
    pub error: Option<String>,
    pub filter: Filter,
    /// Entries the filter lets through; `None` = every entry (no copy of a
    /// million indices for the common case).
    pub shown: Option<Arc<Vec<u32>>>,
    pub cursor: Cursor,
    /// First data column shown in the list (h / l scroll sideways).
    pub column: usize,
    pub tab: Tab,
    /// The focused column of the Schema tab's write-back list.
    pub schema_cursor: Cursor,
    /// Focus this backup line once the rows are in (a search result).
    pub pending_line: Option<u64>,
}

impl TableView {
    pub fn new(name: String) -> Self {
        TableView {
            name,
            rows: None,
            loading: 0,
            error: None,
            filter: Filter::All,
            shown: None,
            cursor: Cursor::default(),
            column: 0,
            tab: Tab::Rows,
            schema_cursor: Cursor::default(),
            pending_line: None,
        }
    }

    /// Lines in the list under the current filter.
    pub fn len(&self) -> usize {
        match (&self.shown, &self.rows) {
            (Some(shown), _) => shown.len(),
            (None, Some(rows)) => rows.0.len(),
            (None, None) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry (index into the rows) at list line `line`.
    pub fn entry_at(&self, line: usize) -> Option<usize> {
        match &self.shown {
            Some(shown) => shown.get(line).map(|&e| e as usize),
            None => (line < self.len()).then_some(line),
        }
    }

    pub fn focused_entry(&self) -> Option<usize> {
        self.entry_at(self.cursor.pos)
    }

    pub fn loaded(&mut self, rows: Rows, page: usize) {
        self.rows = Some(rows);
        self.error = None;
        self.apply_filter(page);
        if let Some(line) = self.pending_line.take() {
            self.focus_line(line, page);
        }
    }

    pub fn move_cursor(&mut self, m: Move, page: usize) {
        let len = self.len();
        self.cursor.apply(m, len, page);
    }

    /// Next filter; the focus stays on its row when the new filter shows it.
    pub fn cycle_filter(&mut self, page: usize) {
        self.filter = self.filter.next();
        self.apply_filter(page);
    }

    fn apply_filter(&mut self, page: usize) {
        let focused = self.focused_entry();
        let Some(rows) = &self.rows else {
            return;
        };
        self.shown = match self.filter {
            Filter::All => None,
            f => Some(Arc::new(rows.0.entries_with(f.statuses()))),
        };
        let line = focused.and_then(|e| self.line_of(e)).unwrap_or(0);
        self.cursor = Cursor::default();
        self.cursor.focus(line, self.len(), page);
    }

    /// The list line showing `entry`, if the filter lets it through.
    fn line_of(&self, entry: usize) -> Option<usize> {
        match &self.shown {
            None => Some(entry),
            Some(shown) => shown.binary_search(&(entry as u32)).ok(),
        }
    }

    /// Focus the row read from `line` of the backup file (clearing a filter
    /// that hides it).
    pub fn focus_line(&mut self, line: u64, page: usize) {
        let Some(entry) = self.rows.as_ref().and_then(|r| r.0.find_line(line)) else {
            return;
        };
        self.focus_entry(entry, page);
    }

    pub fn focus_entry(&mut self, entry: usize, page: usize) {
        if self.line_of(entry).is_none() {
            self.filter = Filter::All;
            self.shown = None;
        }
        if let Some(line) = self.line_of(entry) {
            self.cursor.focus(line, self.len(), page);
        }
    }
}
