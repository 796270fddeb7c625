//! Row-level comparison of two digests. Pure: the same digests give the same
//! result, with key lists sorted so output is deterministic.

use super::digest::{Digest, KeyPart, ABSENT_HASH};

/// A row present on both sides whose values differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedRow {
    pub key: Vec<KeyPart>,
    /// Indices of the live columns that differ.
    pub columns: Vec<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowComparison {
    pub missing: u64,
    pub changed: u64,
    pub extra: u64,
    pub identical: u64,
    /// Rows per live column that differ (for the summary).
    pub changed_per_column: Vec<u64>,
    pub missing_keys: Vec<Vec<KeyPart>>,
    pub changed_rows: Vec<ChangedRow>,
    pub extra_keys: Vec<Vec<KeyPart>>,
}

/// Compare keyed digests: a key only in the backup is missing live, only
/// live is extra, on both sides identical unless some compared column's
/// hash differs. Columns absent from a backup row are not compared. Live
/// rows probe the backup's index in their own order (the live side builds
/// no index of its own); a live key seen twice counts once, the rest extra.
pub fn compare_keyed(backup: &Digest, live: &Digest, collect_keys: bool) -> RowComparison {
    let mut out = RowComparison {
        changed_per_column: vec![0; live.ncols],
        ..RowComparison::default()
    };
    let backup_seen = pair_keyed(backup, live, |live_row, found| {
        let Some(row) = found else {
            out.extra += 1;
            if collect_keys {
                out.extra_keys.push(live.key(live_row));
            }
            return;
        };
        let differing: Vec<usize> =
            differing_columns(backup.row_hashes(row), live.row_hashes(live_row)).collect();
        if differing.is_empty() {
            out.identical += 1;
            return;
        }
        out.changed += 1;
        for &c in &differing {
            out.changed_per_column[c] += 1;
        }
        if collect_keys {
            out.changed_rows.push(ChangedRow {
                key: backup.key(row),
                columns: differing,
            });
        }
    });
    for (row, seen) in backup_seen.iter().enumerate() {
        if !seen {
            out.missing += 1;
            if collect_keys {
                out.missing_keys.push(backup.key(row as u32));
            }
        }
    }
    sort(&mut out);
    out
}

/// Pair each live row (in live order) with the backup row of the same key:
/// `on_live(live_row, Some(backup_row))`, or `None` when the key is only
/// live. A backup row pairs at most once. Returns which backup rows paired.
pub(crate) fn pair_keyed(
    backup: &Digest,
    live: &Digest,
    mut on_live: impl FnMut(u32, Option<u32>),
) -> Vec<bool> {
    let mut backup_seen = vec![false; backup.distinct_rows() as usize];
    for live_row in 0..live.distinct_rows() {
        let key = live.key_bytes(live_row);
        let found = backup
            .find_hashed(live.key_hash(live_row), key)
            .filter(|&b| !backup_seen[b as usize]);
        if let Some(row) = found {
            backup_seen[row as usize] = true;
        }
        on_live(live_row, found);
    }
    backup_seen
}

/// Live columns whose hashes differ between a paired backup and live row;
/// a column absent from the backup row is not compared.
pub(crate) fn differing_columns<'a>(
    backup: &'a [u64],
    live: &'a [u64],
) -> impl Iterator<Item = usize> + 'a {
    backup
        .iter()
        .zip(live)
        .enumerate()
        .filter(|(_, (b, l))| **b != ABSENT_HASH && b != l)
        .map(|(i, _)| i)
}

/// Compare keyless tables as multisets of whole rows: each copy of a row
/// in the backup beyond the live count is missing, and the other way extra.
pub fn compare_whole_rows(backup: &Digest, live: &Digest, collect_keys: bool) -> RowComparison {
    let mut out = RowComparison {
        changed_per_column: vec![0; live.ncols],
        ..RowComparison::default()
    };
    let mut live_seen = vec![false; live.distinct_rows() as usize];
    for row in 0..backup.distinct_rows() {
        let wanted = u64::from(backup.count(row));
        let (have, live_row) = match live.find(backup.key_bytes(row)) {
            Some(r) => (u64::from(live.count(r)), Some(r)),
            None => (0, None),
        };
        if let Some(r) = live_row {
            live_seen[r as usize] = true;
        }
        out.identical += wanted.min(have);
        if wanted > have {
            out.missing += wanted - have;
            if collect_keys {
                for _ in have..wanted {
                    out.missing_keys.push(backup.key(row));
                }
            }
        } else if have > wanted {
            out.extra += have - wanted;
            if collect_keys {
                for _ in wanted..have {
                    out.extra_keys.push(backup.key(row));
                }
            }
        }
    }
    for (row, seen) in live_seen.iter().enumerate() {
        if !seen {
            let n = u64::from(live.count(row as u32));
            out.extra += n;
            if collect_keys {
                for _ in 0..n {
                    out.extra_keys.push(live.key(row as u32));
                }
            }
        }
    }
    sort(&mut out);
    out
}

fn sort(out: &mut RowComparison) {
    out.missing_keys.sort();
    out.extra_keys.sort();
    out.changed_rows.sort_by(|a, b| a.key.cmp(&b.key));
}
