//! One side's cells, packed: every value's raw text in a string arena, and
//! per cell only a 4-byte end offset and a 1-byte tag. A 1,000,000-row,
//! 6-column side costs its text plus about 38 bytes a row, where `Cell`s
//! would cost a heap allocation per value. The arena is a list of 4 MB
//! chunks, each row whole in one: growing it never copies the text, and no
//! doubled capacity is left over at the end.

use crate::error::{Error, Result};
use crate::value::Cell;
use std::fmt::Write as _;

/// How a cell is shown: the text is the value's raw text, never cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellText<'a> {
    /// The row has no such field (a JSON object without the key), or the
    /// side has no such column.
    Absent,
    Null,
    /// A string value.
    Text(&'a str),
    /// Anything else, as raw text: a number, boolean, JSON, bytes as `\x` hex.
    Other(&'a str),
}

impl<'a> CellText<'a> {
    /// The value's text; None for Absent and NULL.
    pub fn text(self) -> Option<&'a str> {
        match self {
            CellText::Text(s) | CellText::Other(s) => Some(s),
            CellText::Absent | CellText::Null => None,
        }
    }
}

const TAG_ABSENT: u8 = 0;
const TAG_NULL: u8 = 1;
const TAG_TEXT: u8 = 2;
const TAG_OTHER: u8 = 3;

/// Rows from `first_row` on have `width` cells each (a JSON backup may
/// reveal new fields part-way through; earlier rows keep their width and
/// read the later columns as Absent).
#[derive(Clone, Copy, Debug)]
struct Segment {
    first_row: usize,
    first_cell: usize,
    width: usize,
}

/// Text bytes per arena chunk (a row longer than that gets a chunk of its own).
const CHUNK_BYTES: usize = 4 << 20;

#[derive(Debug, Default)]
pub(crate) struct CellStore {
    chunks: Vec<String>,
    /// The row being pushed, before it moves into a chunk.
    scratch: String,
    /// Per row: its chunk (high 32 bits) and where its text starts there.
    row_starts: Vec<u64>,
    /// Per cell: where its text ends, relative to its row's start.
    ends: Vec<u32>,
    tags: Vec<u8>,
    segments: Vec<Segment>,
}

impl CellStore {
    pub fn rows(&self) -> usize {
        self.row_starts.len()
    }

    /// Make room for about `rows` rows of `width` cells.
    pub fn reserve(&mut self, rows: usize, width: usize) {
        self.row_starts.reserve(rows);
        self.ends.reserve(rows * width);
        self.tags.reserve(rows * width);
    }

    /// Append one row. `text_as_other(i)`: a `Cell::Text` in column `i` is
    /// not a string (PostgreSQL's COPY delivers every value as text).
    pub fn push_row<'c>(
        &mut self,
        cells: impl ExactSizeIterator<Item = Option<&'c Cell>>,
        text_as_other: impl Fn(usize) -> bool,
    ) -> Result<()> {
        let row = self.row_starts.len();
        let width = cells.len();
        match self.segments.last() {
            Some(s) if s.width == width => {}
            _ => self.segments.push(Segment {
                first_row: row,
                first_cell: self.ends.len(),
                width,
            }),
        }
        self.scratch.clear();
        for (i, cell) in cells.enumerate() {
            let tag = match cell {
                None => TAG_ABSENT,
                Some(Cell::Null) => TAG_NULL,
                Some(Cell::Text(s)) => {
                    self.scratch.push_str(s);
                    if text_as_other(i) {
                        TAG_OTHER
                    } else {
                        TAG_TEXT
                    }
                }
                Some(other) => {
                    write_other(&mut self.scratch, other);
                    TAG_OTHER
                }
            };
            let end = u32::try_from(self.scratch.len())
                .map_err(|_| Error::Other(format!("row {} is larger than 4 GB", row + 1)))?;
            self.ends.push(end);
            self.tags.push(tag);
        }
        let len = self.scratch.len();
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= len);
        if !fits {
            self.chunks
                .push(String::with_capacity(CHUNK_BYTES.max(len)));
        }
        let chunk_index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[chunk_index];
        self.row_starts
            .push(((chunk_index as u64) << 32) | chunk.len() as u64);
        chunk.push_str(&self.scratch);
        Ok(())
    }

    /// Cell `column` of `row`; Absent past the row's width or the store's end.
    pub fn cell(&self, row: usize, column: usize) -> CellText<'_> {
        let Some(&start) = self.row_starts.get(row) else {
            return CellText::Absent;
        };
        let seg = self.segment(row);
        if column >= seg.width {
            return CellText::Absent;
        }
        let first = seg.first_cell + (row - seg.first_row) * seg.width;
        let i = first + column;
        let from = if column == 0 { 0 } else { self.ends[i - 1] };
        let chunk = &self.chunks[(start >> 32) as usize];
        let start = (start & u64::from(u32::MAX)) as usize;
        let text = &chunk[start + from as usize..start + self.ends[i] as usize];
        match self.tags[i] {
            TAG_NULL => CellText::Null,
            TAG_TEXT => CellText::Text(text),
            TAG_OTHER => CellText::Other(text),
            _ => CellText::Absent,
        }
    }

    fn segment(&self, row: usize) -> Segment {
        // Almost always one segment; a few when a JSON backup adds fields late.
        let at = self.segments.partition_point(|s| s.first_row <= row);
        self.segments[at.saturating_sub(1)]
    }

    /// Give back spare capacity (estimates over-reserve).
    pub fn shrink(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            last.shrink_to_fit();
        }
        self.scratch = String::new();
        self.row_starts.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.tags.shrink_to_fit();
    }

    /// Heap bytes held (capacity, not length).
    pub fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(String::capacity).sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<String>()
            + self.scratch.capacity()
            + self.row_starts.capacity() * 8
            + self.ends.capacity() * 4
            + self.tags.capacity()
            + self.segments.capacity() * std::mem::size_of::<Segment>()
    }
}

/// A non-string value's raw text, written straight into the arena (the same
/// text as `value::raw_text`, except bytes, which are shown as `\x` hex).
fn write_other(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Null => {}
        Cell::Text(s) | Cell::Number(s) | Cell::Json(s) => out.push_str(s),
        Cell::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Cell::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Cell::Bytes(b) => {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            out.reserve(2 + b.len() * 2);
            out.push_str("\\x");
            for &byte in b {
                out.push(char::from(DIGITS[usize::from(byte >> 4)]));
                out.push(char::from(DIGITS[usize::from(byte & 15)]));
            }
        }
    }
}
