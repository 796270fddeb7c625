//! What a row search reads: a row as raw value texts ([`SearchRow`]) and a
//! table as rows by index ([`RowSource`]), so a search runs the same over a
//! `Vec` of backup rows, a live result set, or a table packed into one text
//! arena (no `Cell` per value, no `Vec` of rows built for the search).

use crate::value::{raw_text, Cell};
use std::borrow::Cow;

/// One row as the search sees it: the raw text of each value.
pub trait SearchRow {
    /// How many columns this row has (columns past it count as absent).
    fn cell_count(&self) -> usize;
    /// The raw value text at `column` (what [`crate::value::raw_text`]
    /// gives), `None` when the value is NULL or absent: those never match.
    fn text(&self, column: usize) -> Option<Cow<'_, str>>;
}

/// A cell's searchable text: its raw text, NULL none.
fn cell_text(cell: &Cell) -> Option<Cow<'_, str>> {
    match cell {
        Cell::Null => None,
        _ => Some(raw_text(cell)),
    }
}

/// A backup row's cells (`None` = field absent from that row).
impl SearchRow for [Option<Cell>] {
    fn cell_count(&self) -> usize {
        self.len()
    }
    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        self.get(column)?.as_ref().and_then(cell_text)
    }
}

impl SearchRow for Vec<Option<Cell>> {
    fn cell_count(&self) -> usize {
        self.len()
    }
    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        self.as_slice().text(column)
    }
}

/// A live row.
impl SearchRow for [Cell] {
    fn cell_count(&self) -> usize {
        self.len()
    }
    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        self.get(column).and_then(cell_text)
    }
}

impl SearchRow for Vec<Cell> {
    fn cell_count(&self) -> usize {
        self.len()
    }
    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        self.as_slice().text(column)
    }
}

impl SearchRow for crate::backup::BackupRow {
    fn cell_count(&self) -> usize {
        self.cells.len()
    }
    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        self.cells.as_slice().text(column)
    }
}

impl<R: SearchRow + ?Sized> SearchRow for &R {
    fn cell_count(&self) -> usize {
        (**self).cell_count()
    }
    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        (**self).text(column)
    }
}

/// The rows of one table, by index: what [`super::RowSearch`] scans. Slices
/// and `Vec`s of rows are sources as they are; anything else (entry `i` of
/// a text arena) is one through [`rows_fn`] or its own impl.
pub trait RowSource {
    /// A row handed out by [`RowSource::row`]; may borrow from the source.
    type Row<'a>: SearchRow
    where
        Self: 'a;
    /// How many rows there are.
    fn len(&self) -> usize;
    /// Row `index`; only called with `index < self.len()`.
    fn row(&self, index: usize) -> Self::Row<'_>;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<R: SearchRow> RowSource for [R] {
    type Row<'a>
        = &'a R
    where
        R: 'a;
    fn len(&self) -> usize {
        <[R]>::len(self)
    }
    fn row(&self, index: usize) -> &R {
        &self[index]
    }
}

impl<R: SearchRow> RowSource for Vec<R> {
    type Row<'a>
        = &'a R
    where
        R: 'a;
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn row(&self, index: usize) -> &R {
        &self[index]
    }
}

/// A [`RowSource`] of `len` rows made by a function: see [`rows_fn`].
#[derive(Clone, Copy, Debug)]
pub struct RowsFn<F> {
    len: usize,
    row: F,
}

/// `len` rows, row `i` being `row(i)`: e.g. `rows_fn(table.len(), |i|
/// table.entry(i))` over a text arena, where the entry type implements
/// [`SearchRow`] by borrowing from the arena.
pub fn rows_fn<R: SearchRow, F: Fn(usize) -> R>(len: usize, row: F) -> RowsFn<F> {
    RowsFn { len, row }
}

impl<R: SearchRow, F: Fn(usize) -> R> RowSource for RowsFn<F> {
    type Row<'a>
        = R
    where
        Self: 'a;
    fn len(&self) -> usize {
        self.len
    }
    fn row(&self, index: usize) -> R {
        (self.row)(index)
    }
}
