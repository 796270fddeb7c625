//! A side's rows reduced to what the diff needs: per row, its key and one
//! 64-bit hash per live column of the value's canonical text. A 1,000,000-row
//! table costs tens of megabytes this way, not the rows themselves.

use crate::value::{canonicalize, raw_text, Cell, TypeClass};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use xxhash_rust::xxh3::{xxh3_128, xxh3_64, xxh3_64_with_seed};

/// Hash of SQL NULL. Any value hashing to it by chance would compare as NULL;
/// at 2^-64 per value that is accepted.
const NULL_HASH: u64 = 0x6e75_6c6c_6e75_6c6c;
/// The backup row had no such field at all (a JSON object without the key):
/// the column is not compared for that row.
pub const ABSENT_HASH: u64 = 0x6162_7365_6e74_0000;
/// Seed for values that could not be canonicalized: they are hashed raw so
/// they never equal a canonical value.
const RAW_SEED: u64 = 0x0072_6177;

/// One live column as the diff sees it.
#[derive(Clone, Debug)]
pub struct ColumnPlan {
    pub name: String,
    pub class: TypeClass,
}

/// Which columns identify a row, and where that choice came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyKind {
    LivePrimaryKey,
    BackupPrimaryKey,
    /// No key anywhere: rows compare as a multiset of whole rows.
    WholeRow,
}

#[derive(Clone, Debug)]
pub struct KeySpec {
    pub kind: KeyKind,
    /// Indices into the live columns.
    pub columns: Vec<usize>,
}

/// A backup value that cannot be a value of its live column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatibility {
    pub line: u64,
    pub key: Vec<KeyPart>,
    pub column: usize,
    /// The value as the backup holds it (at most 500 characters), unescaped:
    /// renderers escape it for their medium.
    pub value: String,
    pub reason: String,
}

/// One key column's value: canonical when it could be, raw text otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyPart {
    Null,
    Value(String),
    /// Not a valid value of the live type (kept so the row can still be named).
    Raw(String),
}

/// Row digests of one side of one table. Keys live in one byte arena and are
/// found through their 128-bit hash: no allocation per row.
#[derive(Debug, Default)]
pub struct Digest {
    pub ncols: usize,
    /// Hash of the encoded key → row number. Only the side that is looked
    /// up (the backup, or both for whole-row tables) builds it; the other
    /// side keeps its key hashes in `key_hashes` and probes.
    index: HashMap<u128, u32, BuildHasherDefault<U128Hasher>>,
    indexed: bool,
    /// Key hash of each row, for a side without an index.
    key_hashes: Vec<u128>,
    key_arena: Vec<u8>,
    key_ends: Vec<usize>,
    /// `ncols` hashes per row, in row-number order.
    hashes: Vec<u64>,
    /// 1-based source line of each distinct row (backup side only).
    lines: Vec<u64>,
    track_lines: bool,
    /// Occurrences of each distinct row (whole-row tables only; keyed rows are unique).
    counts: Vec<u32>,
    track_counts: bool,
    /// Rows read, duplicates included.
    pub rows: u64,
}

impl Digest {
    pub fn distinct_rows(&self) -> u32 {
        self.key_ends.len() as u32
    }

    pub fn row_hashes(&self, row: u32) -> &[u64] {
        let start = row as usize * self.ncols;
        &self.hashes[start..start + self.ncols]
    }

    pub fn key_bytes(&self, row: u32) -> &[u8] {
        let end = self.key_ends[row as usize];
        let start = if row == 0 {
            0
        } else {
            self.key_ends[row as usize - 1]
        };
        &self.key_arena[start..end]
    }

    pub fn key(&self, row: u32) -> Vec<KeyPart> {
        decode_key(self.key_bytes(row))
    }

    pub fn line(&self, row: u32) -> u64 {
        self.lines.get(row as usize).copied().unwrap_or(0)
    }

    pub fn count(&self, row: u32) -> u32 {
        self.counts.get(row as usize).copied().unwrap_or(1)
    }

    /// Make room for `rows` rows up front: growing a million-row digest by
    /// doubling costs copies and, at the peak, twice the memory.
    fn reserve(&mut self, rows: usize, key_bytes: usize) {
        if self.indexed {
            self.index.reserve(rows);
        } else {
            self.key_hashes.reserve(rows);
        }
        self.key_arena.reserve(rows * key_bytes);
        self.key_ends.reserve(rows);
        self.hashes.reserve(rows * self.ncols);
        if self.track_lines {
            self.lines.reserve(rows);
        }
        if self.track_counts {
            self.counts.reserve(rows);
        }
    }

    /// The row with exactly this encoded key.
    pub fn find(&self, key: &[u8]) -> Option<u32> {
        self.find_hashed(xxh3_128(key), key)
    }

    /// [`Digest::find`] with the key's hash already known.
    pub fn find_hashed(&self, hash: u128, key: &[u8]) -> Option<u32> {
        let row = *self.index.get(&hash)?;
        (self.key_bytes(row) == key).then_some(row)
    }

    /// The key hash of `row` on a side without an index.
    pub fn key_hash(&self, row: u32) -> u128 {
        self.key_hashes
            .get(row as usize)
            .copied()
            .unwrap_or_else(|| xxh3_128(self.key_bytes(row)))
    }

    /// Add a distinct key, or count one more occurrence. Returns the existing
    /// row number when the key was already there.
    fn insert(&mut self, key: &[u8], hashes: &[u64], line: u64) -> Option<u32> {
        let h = xxh3_128(key);
        if !self.indexed {
            self.key_hashes.push(h);
            return self.insert_at(h, key, hashes, line);
        }
        if let Some(&row) = self.index.get(&h) {
            if self.key_bytes(row) == key {
                if let Some(n) = self.counts.get_mut(row as usize) {
                    *n += 1;
                }
                return Some(row);
            }
            // A 128-bit collision between different keys: vanishingly rare;
            // the later row stays findable by scanning is not worth it, so it
            // is kept under a perturbed hash.
            return self.insert_at(h ^ 1, key, hashes, line);
        }
        self.insert_at(h, key, hashes, line)
    }

    fn insert_at(&mut self, h: u128, key: &[u8], hashes: &[u64], line: u64) -> Option<u32> {
        let row = self.key_ends.len() as u32;
        if self.indexed {
            self.index.insert(h, row);
        }
        self.key_arena.extend_from_slice(key);
        self.key_ends.push(self.key_arena.len());
        self.hashes.extend_from_slice(hashes);
        if self.track_lines {
            self.lines.push(line);
        }
        if self.track_counts {
            self.counts.push(1);
        }
        None
    }
}

/// The u128 keys are already xxh3 hashes: use their low bits as they are.
#[derive(Default)]
pub struct U128Hasher(u64);

impl Hasher for U128Hasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(b);
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

const TAG_NULL: u8 = 0;
const TAG_VALUE: u8 = 1;
const TAG_RAW: u8 = 2;
const TAG_ABSENT: u8 = 3;

fn encode_part(out: &mut Vec<u8>, tag: u8, text: &str) {
    out.push(tag);
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// Inverse of the key encoding used by [`DigestBuilder`].
pub fn decode_key(mut bytes: &[u8]) -> Vec<KeyPart> {
    let mut parts = Vec::new();
    while bytes.len() >= 5 {
        let tag = bytes[0];
        let len = u32::from_le_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]) as usize;
        let end = (5 + len).min(bytes.len());
        let text = String::from_utf8_lossy(&bytes[5..end]).into_owned();
        parts.push(match tag {
            TAG_NULL => KeyPart::Null,
            TAG_VALUE => KeyPart::Value(text),
            TAG_ABSENT => KeyPart::Raw("(absent)".into()),
            _ => KeyPart::Raw(text),
        });
        bytes = &bytes[end..];
    }
    parts
}

/// Two rows in one side share a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: Vec<KeyPart>,
    pub first_line: u64,
    pub line: u64,
}

/// Builds a [`Digest`] row by row. The backup side records incompatible
/// values; the live side's own odd values (SQLite stores anything) are only hashed.
pub struct DigestBuilder<'p> {
    columns: &'p [ColumnPlan],
    key: &'p KeySpec,
    record_incompatible: bool,
    pub digest: Digest,
    pub incompatible: Vec<Incompatibility>,
    /// Incompatible values per live column (all of them, not only the samples kept).
    pub incompatible_counts: Vec<u64>,
    pub duplicates: Vec<DuplicateKey>,
    pub duplicate_count: u64,
    sample_limit: usize,
    hashes: Vec<u64>,
    key_buf: Vec<u8>,
    /// Where each key column's encoded part starts, to put parts in key order.
    key_parts: Vec<(usize, usize, usize)>,
}

impl<'p> DigestBuilder<'p> {
    pub fn new(
        columns: &'p [ColumnPlan],
        key: &'p KeySpec,
        record_incompatible: bool,
        sample_limit: usize,
    ) -> Self {
        DigestBuilder {
            columns,
            key,
            record_incompatible,
            digest: Digest {
                ncols: columns.len(),
                track_lines: record_incompatible,
                indexed: record_incompatible || key.kind == KeyKind::WholeRow,
                track_counts: key.kind == KeyKind::WholeRow,
                ..Digest::default()
            },
            incompatible: Vec::new(),
            incompatible_counts: vec![0; columns.len()],
            duplicates: Vec::new(),
            duplicate_count: 0,
            sample_limit,
            hashes: Vec::with_capacity(columns.len()),
            key_buf: Vec::with_capacity(64),
            key_parts: Vec::new(),
        }
    }

    /// Expect about `rows` rows (an estimate; more or fewer is fine).
    pub fn reserve(&mut self, rows: usize) {
        // A UUID key encodes to 41 bytes; most keys are shorter.
        self.digest
            .reserve(rows, 41 * self.key.columns.len().min(2));
    }

    /// Add one row. `cell(i)` gives live column `i`'s value, `None` when the
    /// row has no such field. `line` is the row's source line (0 for live rows).
    /// Returns the row's digest row: a new one, or the earlier row with the
    /// same key (a whole-row copy, or a duplicate key).
    pub fn add<'c>(&mut self, line: u64, cell: impl Fn(usize) -> Option<&'c Cell>) -> u32 {
        self.hashes.clear();
        self.key_buf.clear();
        self.key_parts.clear();
        let whole_row = self.key.kind == KeyKind::WholeRow;
        let mut bad: Vec<(usize, String)> = Vec::new();
        for (i, plan) in self.columns.iter().enumerate() {
            let key_pos = if whole_row {
                Some(i)
            } else {
                self.key.columns.iter().position(|&k| k == i)
            };
            let start = self.key_buf.len();
            let Some(c) = cell(i) else {
                self.hashes.push(ABSENT_HASH);
                if key_pos.is_some() {
                    encode_part(&mut self.key_buf, TAG_ABSENT, "");
                }
                self.note_part(key_pos, start);
                continue;
            };
            match canonicalize(c, &plan.class) {
                Ok(None) => {
                    self.hashes.push(NULL_HASH);
                    if key_pos.is_some() {
                        encode_part(&mut self.key_buf, TAG_NULL, "");
                    }
                }
                Ok(Some(text)) => {
                    self.hashes.push(xxh3_64(text.as_bytes()));
                    if key_pos.is_some() {
                        encode_part(&mut self.key_buf, TAG_VALUE, &text);
                    }
                }
                Err(why) => {
                    let raw = raw_text(c);
                    self.hashes
                        .push(xxh3_64_with_seed(raw.as_bytes(), RAW_SEED));
                    if key_pos.is_some() {
                        encode_part(&mut self.key_buf, TAG_RAW, &raw);
                    }
                    if self.record_incompatible {
                        bad.push((i, why.reason));
                    }
                }
            }
            self.note_part(key_pos, start);
        }
        self.order_key_parts();
        for (column, reason) in bad {
            self.incompatible_counts[column] += 1;
            if self.incompatible.len() < self.sample_limit {
                let value = cell(column)
                    .map(|c| truncate(&raw_text(c), 500))
                    .unwrap_or_default();
                self.incompatible.push(Incompatibility {
                    line,
                    key: decode_key(&self.key_buf),
                    column,
                    value,
                    reason,
                });
            }
        }
        self.digest.rows += 1;
        let Some(first) = self.digest.insert(&self.key_buf, &self.hashes, line) else {
            return self.digest.distinct_rows() - 1;
        };
        if !whole_row {
            self.duplicate_count += 1;
            if self.duplicates.len() < self.sample_limit {
                self.duplicates.push(DuplicateKey {
                    key: decode_key(&self.key_buf),
                    first_line: self.digest.line(first),
                    line,
                });
            }
        }
        first
    }

    fn note_part(&mut self, key_pos: Option<usize>, start: usize) {
        if let Some(pos) = key_pos {
            self.key_parts.push((pos, start, self.key_buf.len()));
        }
    }

    /// Key parts were written in column order; a composite key's own order may differ.
    fn order_key_parts(&mut self) {
        if self.key_parts.windows(2).all(|w| w[0].0 < w[1].0) {
            return;
        }
        self.key_parts.sort_unstable_by_key(|p| p.0);
        let mut ordered = Vec::with_capacity(self.key_buf.len());
        for &(_, start, end) in &self.key_parts {
            ordered.extend_from_slice(&self.key_buf[start..end]);
        }
        self.key_buf = ordered;
    }
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
