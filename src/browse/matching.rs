//! Each backup row's status and live partner, from the two sides' digests
//! and by the diff's own rules (`diff::compare`), so the Table view's
//! counts are the diff's counts. Pure.

use super::RowStatus;
use crate::diff::compare::{differing_columns, pair_keyed};
use crate::diff::digest::Digest;

/// No row on that side.
pub(crate) const NO_ROW: u32 = u32::MAX;

/// Entries are the backup rows in file order, then the live-only rows in
/// live order.
#[derive(Debug, Default)]
pub(crate) struct Matched {
    pub status: Vec<RowStatus>,
    /// Per entry: its live row (stream order), or [`NO_ROW`].
    pub live_row: Vec<u32>,
    pub changed: ChangedColumns,
}

impl Matched {
    fn with_capacity(entries: usize, live_columns: usize) -> Self {
        Matched {
            status: Vec::with_capacity(entries),
            live_row: Vec::with_capacity(entries),
            changed: ChangedColumns::new(live_columns),
        }
    }

    fn push(&mut self, status: RowStatus, live_row: u32) {
        self.status.push(status);
        self.live_row.push(live_row);
    }

    /// Live rows nothing paired with become only-live entries.
    fn push_unpaired_live(&mut self, paired: &[bool]) {
        for (row, &p) in paired.iter().enumerate() {
            if !p {
                self.push(RowStatus::OnlyLive, row as u32);
            }
        }
    }

    /// Every row of one side with the same status (the other side has no such table).
    pub fn all(status: RowStatus, rows: usize, live: bool) -> Self {
        let mut m = Matched::with_capacity(rows, 0);
        m.status.resize(rows, status);
        if live {
            m.live_row.extend(0..rows as u32);
        } else {
            m.live_row.resize(rows, NO_ROW);
        }
        m
    }
}

/// The changed live columns of changed entries, as one bitset per changed
/// entry (changed rows are few; other entries cost nothing).
#[derive(Debug, Default)]
pub(crate) struct ChangedColumns {
    /// Changed entries, ascending.
    entries: Vec<u32>,
    words: usize,
    bits: Vec<u64>,
}

impl ChangedColumns {
    fn new(columns: usize) -> Self {
        ChangedColumns {
            words: columns.div_ceil(64),
            ..ChangedColumns::default()
        }
    }

    fn push(&mut self, entry: u32, columns: impl Iterator<Item = usize>) {
        self.entries.push(entry);
        let base = self.bits.len();
        self.bits.resize(base + self.words, 0);
        for c in columns {
            self.bits[base + c / 64] |= 1 << (c % 64);
        }
    }

    pub fn get(&self, entry: u32) -> Vec<usize> {
        let Ok(at) = self.entries.binary_search(&entry) else {
            return Vec::new();
        };
        let words = &self.bits[at * self.words..(at + 1) * self.words];
        (0..self.words * 64)
            .filter(|&c| words[c / 64] & (1 << (c % 64)) != 0)
            .collect()
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * 4 + self.bits.capacity() * 8
    }
}

/// Keyed tables, as `compare_keyed`: live rows find their backup row by
/// key; paired rows are changed when a compared column's hash differs.
/// `backup_rows[e]` is backup entry `e`'s digest row (keys are unique, so
/// distinct rows); the live digest has one row per live row.
pub(crate) fn match_keyed(backup: &Digest, backup_rows: &[u32], live: &Digest) -> Matched {
    let mut partner = vec![NO_ROW; backup.distinct_rows() as usize];
    let mut live_paired = vec![false; live.distinct_rows() as usize];
    pair_keyed(backup, live, |live_row, found| {
        if let Some(row) = found {
            partner[row as usize] = live_row;
            live_paired[live_row as usize] = true;
        }
    });
    let mut m = Matched::with_capacity(backup_rows.len(), live.ncols);
    for (entry, &row) in backup_rows.iter().enumerate() {
        let live_row = partner[row as usize];
        if live_row == NO_ROW {
            m.push(RowStatus::MissingLive, NO_ROW);
            continue;
        }
        let mut differing =
            differing_columns(backup.row_hashes(row), live.row_hashes(live_row)).peekable();
        if differing.peek().is_none() {
            m.push(RowStatus::Identical, live_row);
        } else {
            m.changed.push(entry as u32, differing);
            m.push(RowStatus::Changed, live_row);
        }
    }
    m.push_unpaired_live(&live_paired);
    m
}

/// Keyless tables, as `compare_whole_rows` (a multiset of whole rows): the
/// first copies of a row in the backup, as many as live has, are identical
/// (each paired with one live copy, in order); further backup copies are
/// missing, further live copies only live. `backup_rows` / `live_rows`:
/// each row's digest row.
pub(crate) fn match_whole_rows(
    backup: &Digest,
    backup_rows: &[u32],
    live: &Digest,
    live_rows: &[u32],
) -> Matched {
    // Live copies of each distinct live row, as a linked list in live order.
    let mut next_copy = vec![NO_ROW; live_rows.len()];
    let mut first_copy = vec![NO_ROW; live.distinct_rows() as usize];
    for (row, &d) in live_rows.iter().enumerate().rev() {
        next_copy[row] = first_copy[d as usize];
        first_copy[d as usize] = row as u32;
    }
    let mut live_paired = vec![false; live_rows.len()];
    let mut m = Matched::with_capacity(backup_rows.len(), 0);
    for &row in backup_rows {
        let copy = live
            .find(backup.key_bytes(row))
            .map_or(NO_ROW, |d| first_copy[d as usize]);
        if copy == NO_ROW {
            m.push(RowStatus::MissingLive, NO_ROW);
            continue;
        }
        let d = live_rows[copy as usize];
        first_copy[d as usize] = next_copy[copy as usize];
        live_paired[copy as usize] = true;
        m.push(RowStatus::Identical, copy);
    }
    m.push_unpaired_live(&live_paired);
    m
}
