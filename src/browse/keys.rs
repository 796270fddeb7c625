//! Naming one entry: its key for display, and a `--pick` spec that selects
//! exactly that backup row.

use super::{CellText, TableRows};
use crate::report::visible;
use crate::restore::pick::{render_table, PickSpec};

/// Characters of one value shown in a key text before it is cut.
const KEY_VALUE_CHARS: usize = 120;

impl TableRows {
    /// The entry's key as `id=3` or `a=1, b=x` (names and values escaped
    /// for a terminal, each value cut at 120 characters): the key columns,
    /// or every column the row has when rows match whole. Backup values for
    /// backup entries, live values for live-only ones.
    pub fn key_text(&self, entry: usize) -> String {
        let cell = |c: usize| {
            if entry < self.backup.rows() {
                self.backup_cell(entry, c)
            } else {
                self.live_cell(entry, c)
            }
        };
        let whole_row = self.key_columns.is_empty();
        let columns: Vec<usize> = if whole_row {
            (0..self.columns.len()).collect()
        } else {
            self.key_columns.clone()
        };
        let mut parts = Vec::with_capacity(columns.len());
        for c in columns {
            let value = match cell(c) {
                CellText::Absent if whole_row => continue,
                CellText::Absent => "(absent)".to_owned(),
                CellText::Null => "NULL".to_owned(),
                CellText::Text(s) | CellText::Other(s) => cut(s),
            };
            parts.push(format!("{}={value}", visible(&self.columns[c].name)));
        }
        parts.join(", ")
    }

    /// A `--pick` spec (`TABLE:COL=VALUE[,COL=VALUE]`, quoted as
    /// `restore::pick` reads it back) selecting this backup row: by its key
    /// values where the key is complete, else by every non-NULL value it has
    /// (checked against the other backup rows: None when that would also
    /// select a different row; exact copies of the row are selected with it).
    /// Column names are the backup's. Values are raw: escape before showing.
    /// None for live-only entries. Without a key this scans the table.
    pub fn pick_spec(&self, entry: usize) -> Option<String> {
        if entry >= self.backup.rows() {
            return None;
        }
        let conditions = self
            .key_conditions(entry)
            .or_else(|| self.row_conditions(entry))?;
        let spec = PickSpec::Match {
            table: render_table(&self.table_name),
            conditions: conditions
                .iter()
                .map(|&(c, v)| (self.backup_name(c).to_owned(), v.to_owned()))
                .collect(),
        };
        Some(spec.to_string())
    }

    fn backup_name(&self, column: usize) -> &str {
        let col = &self.columns[column];
        col.backup_name.as_deref().unwrap_or(&col.name)
    }

    /// (column, value) of every key column; None when there is no key or a
    /// key value is NULL or absent (a pick cannot match those).
    fn key_conditions(&self, entry: usize) -> Option<Vec<(usize, &str)>> {
        if self.key_columns.is_empty() {
            return None;
        }
        self.key_columns
            .iter()
            .map(|&c| Some((c, self.backup.cell(entry, c).text()?)))
            .collect()
    }

    fn row_conditions(&self, entry: usize) -> Option<Vec<(usize, &str)>> {
        let conditions: Vec<(usize, &str)> = (0..self.columns.len())
            .filter_map(|c| Some((c, self.backup.cell(entry, c).text()?)))
            .collect();
        if conditions.is_empty() {
            return None;
        }
        let width = self.columns.len();
        let same_row = |other: usize| {
            (0..width).all(|c| self.backup.cell(other, c) == self.backup.cell(entry, c))
        };
        let ambiguous = (0..self.backup.rows()).any(|other| {
            other != entry
                && conditions
                    .iter()
                    .all(|&(c, v)| self.backup.cell(other, c).text() == Some(v))
                && !same_row(other)
        });
        (!ambiguous).then_some(conditions)
    }
}

/// `s` escaped for a terminal, cut with an ellipsis past [`KEY_VALUE_CHARS`].
fn cut(s: &str) -> String {
    match s.char_indices().nth(KEY_VALUE_CHARS) {
        Some((at, _)) => format!("{}…", visible(&s[..at])),
        None => visible(s).into_owned(),
    }
}
