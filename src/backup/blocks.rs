//! One table's rows stored as several blocks — the partitions of a
//! partitioned table in a dump or archive, or `--load-via-partition-root`
//! blocks — read one after the other, each block's fields put in the column
//! order of the first (a partition may list its columns in another order).

use super::json_row::ColumnIndex;
use super::pgdump::{ArchiveEntry, ArchiveRows, PlainRow, PlainRows, Toc};
use super::BackupRow;
use crate::error::Result;
use crate::value::Cell;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the blocks are.
pub(crate) enum Blocks {
    /// Entries (indices into `toc.entries`) of a plain dump.
    Dump { toc: Arc<Toc>, entries: Vec<usize> },
    /// TABLE DATA entries of an archive, each streamed by its own pg_restore.
    Archive {
        path: PathBuf,
        entries: Vec<ArchiveEntry>,
    },
}

type Block = Box<dyn Iterator<Item = Result<PlainRow>> + Send>;

impl Blocks {
    fn len(&self) -> usize {
        match self {
            Blocks::Dump { entries, .. } => entries.len(),
            Blocks::Archive { entries, .. } => entries.len(),
        }
    }

    /// Open block `i`: its column names and rows (None past the last).
    fn open(&self, i: usize) -> Result<Option<(Vec<String>, Block)>> {
        Ok(match self {
            Blocks::Dump { toc, entries } => match entries.get(i).and_then(|&e| toc.entries.get(e))
            {
                Some(entry) => Some((
                    entry.columns.clone(),
                    Box::new(PlainRows::open(toc, entry)?) as Block,
                )),
                None => None,
            },
            Blocks::Archive { path, entries } => match entries.get(i) {
                Some(entry) => {
                    let rows = ArchiveRows::open(path, entry)?;
                    Some((rows.columns().to_vec(), Box::new(rows) as Block))
                }
                None => None,
            },
        })
    }
}

pub(crate) struct BlockRows {
    blocks: Blocks,
    next_block: usize,
    current: Option<Block>,
    /// For the current block: field i goes to column `remap[i]`.
    remap: Vec<usize>,
}

impl BlockRows {
    /// Opens the first block (an archive's pg_restore starts here) so the
    /// column names are known before the first row.
    pub(crate) fn open(blocks: Blocks) -> Result<(BlockRows, ColumnIndex)> {
        let mut rows = BlockRows {
            blocks,
            next_block: 0,
            current: None,
            remap: Vec::new(),
        };
        let mut columns = ColumnIndex::default();
        rows.advance(&mut columns)?;
        Ok((rows, columns))
    }

    /// Move to the next block; false when there is none.
    fn advance(&mut self, columns: &mut ColumnIndex) -> Result<bool> {
        self.current = None;
        let Some((names, block)) = self.blocks.open(self.next_block)? else {
            return Ok(false);
        };
        self.next_block += 1;
        self.remap = names
            .iter()
            .enumerate()
            .map(|(i, name)| columns.position_or_add_hinted(name, i))
            .collect();
        self.current = Some(block);
        Ok(true)
    }

    pub(crate) fn next_row(&mut self, columns: &mut ColumnIndex) -> Result<Option<BackupRow>> {
        loop {
            if let Some(block) = &mut self.current {
                match block.next() {
                    Some(row) => return Ok(Some(self.place(row?, columns.names.len()))),
                    None => self.current = None,
                }
            }
            if self.next_block >= self.blocks.len() || !self.advance(columns)? {
                return Ok(None);
            }
        }
    }

    fn place(&self, row: PlainRow, width: usize) -> BackupRow {
        let mut cells: Vec<Option<Cell>> = vec![None; width];
        for (field, &at) in row.fields.into_iter().zip(&self.remap) {
            if let Some(slot) = cells.get_mut(at) {
                *slot = Some(field.map_or(Cell::Null, Cell::Text));
            }
        }
        BackupRow {
            line: row.line,
            cells,
        }
    }
}
