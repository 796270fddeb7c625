//! `lifeboat find ROOT --pick SPEC`: which snapshots hold the picked
//! records, and when they disappeared. Picks are matched exactly as
//! `restore` matches them (`restore::closure::match_rows` on the table as
//! `restore::load` reads it); [`verdict`] is the pure conclusion.

use super::list::{open_all, Progress};
use super::{Snapshot, SnapshotTime};
use crate::backup::{Backup, BackupFormat};
use crate::catalog::{Catalog, Dialect, TableName};
use crate::error::{Error, Result};
use crate::restore::closure::match_rows;
use crate::restore::load::load_backup_table;
use crate::restore::pick::PickSpec;
use crate::restore::selection::find_table_name;
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Where matching rows are shown per pick and snapshot (`file:line`).
const ORIGINS_SHOWN: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindReport {
    pub root: PathBuf,
    /// The picks in canonical form.
    pub picks: Vec<String>,
    /// Oldest first, as `lifeboat snapshots` lists them.
    pub snapshots: Vec<Finding>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// One snapshot's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub name: String,
    pub path: PathBuf,
    pub format: Option<BackupFormat>,
    pub time: Option<SnapshotTime>,
    /// Every pick matched at least one row; None when the snapshot could
    /// not be read (then `error` says why).
    pub holds: Option<bool>,
    /// Per pick, in the order given; empty when the snapshot did not open.
    pub picks: Vec<PickFound>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PickFound {
    pub pick: String,
    /// Rows matched (a whole-table pick: the table's rows).
    pub rows: usize,
    /// Where the first matching rows are: `file:line`.
    pub at: Vec<String>,
    /// Why nothing matched when that is not simply "no such row": the
    /// snapshot has no such table or column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Snapshot names; each None when no snapshot qualifies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The newest snapshot holding every pick: the one to restore from.
    pub newest_holding: Option<String>,
    pub oldest_holding: Option<String>,
    /// The first snapshot after the newest holding one that does not hold
    /// them: they disappeared between those two. None while the newest
    /// readable snapshot still holds them.
    pub gone_since: Option<String>,
}

/// Indices of (newest holding, oldest holding, gone since) in an
/// oldest-first list where each snapshot holds (Some(true)), does not hold
/// (Some(false)) or could not be read (None, which decides nothing).
pub fn verdict(holds: &[Option<bool>]) -> (Option<usize>, Option<usize>, Option<usize>) {
    let newest = holds.iter().rposition(|h| *h == Some(true));
    let oldest = holds.iter().position(|h| *h == Some(true));
    let gone = newest.and_then(|n| {
        holds[n + 1..]
            .iter()
            .position(|h| *h == Some(false))
            .map(|i| n + 1 + i)
    });
    (newest, oldest, gone)
}

/// Look for `picks` in every snapshot of `root`. `stop` ends the search
/// early (the console cancels it) with an error.
pub fn find(
    root: &Path,
    picks: &[PickSpec],
    progress: &mut dyn FnMut(Progress),
    stop: &AtomicBool,
) -> Result<FindReport> {
    if picks.is_empty() {
        return Err(Error::Usage(
            "nothing to find: give at least one --pick 'TABLE:COLUMN=VALUE' (or --pick TABLE)"
                .into(),
        ));
    }
    let opened = open_all(root, progress)?;
    let mut snapshots = Vec::with_capacity(opened.len());
    for (snapshot, backup) in opened {
        if stop.load(Ordering::Relaxed) {
            return Err(Error::Other("find cancelled".into()));
        }
        snapshots.push(finding(snapshot, backup.as_ref(), picks));
    }
    let holds: Vec<Option<bool>> = snapshots.iter().map(|f| f.holds).collect();
    let (newest, oldest, gone) = verdict(&holds);
    let name = |i: Option<usize>| i.map(|i| snapshots[i].name.clone());
    let verdict = Verdict {
        newest_holding: name(newest),
        oldest_holding: name(oldest),
        gone_since: name(gone),
    };
    Ok(FindReport {
        root: root.to_path_buf(),
        picks: picks.iter().map(ToString::to_string).collect(),
        snapshots,
        verdict,
    })
}

fn finding(snapshot: Snapshot, backup: Option<&Backup>, picks: &[PickSpec]) -> Finding {
    let mut out = Finding {
        name: snapshot.name,
        path: snapshot.path,
        format: snapshot.format,
        time: snapshot.time,
        holds: None,
        picks: Vec::new(),
        error: snapshot.error,
    };
    let Some(backup) = backup else {
        return out;
    };
    match look_up(backup, picks) {
        Ok(found) => {
            out.holds = Some(found.iter().all(|p| p.rows > 0));
            out.picks = found;
        }
        Err(e) => out.error = Some(crate::redact::redact(&e.to_string())),
    }
    out
}

/// The table a pick names, as `restore` finds it; also `public.projects`
/// for a backup's unqualified `projects` (the console's picks name tables
/// as the live side does, and no live catalog maps them here).
fn table_of(names: &[&TableName], wanted: &TableName) -> Option<usize> {
    find_table_name(names, wanted).or_else(|| {
        wanted.schema.as_ref()?;
        find_table_name(names, &TableName::new(None, &wanted.name))
            .filter(|&i| names[i].schema.is_none())
    })
}

/// Each pick in one backup; a table is read once however many picks name it.
/// A table that does not read is an error for the snapshot (it cannot say
/// whether the record is there); a missing table or column is a note.
fn look_up(backup: &Backup, picks: &[PickSpec]) -> Result<Vec<PickFound>> {
    let catalog = Catalog::new(Dialect::Postgres);
    let names: Vec<&TableName> = backup.tables.iter().map(|t| &t.name).collect();
    let mut loaded = HashMap::new();
    let mut out = Vec::with_capacity(picks.len());
    for pick in picks {
        let mut found = PickFound {
            pick: pick.to_string(),
            rows: 0,
            at: Vec::new(),
            note: None,
        };
        let Some(t) = table_of(&names, &pick.table_name()) else {
            found.note = Some(format!("no table {}", pick.table()));
            out.push(found);
            continue;
        };
        let data = match loaded.entry(t) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(load_backup_table(backup, &backup.tables[t], &catalog)?),
        };
        let rows: Vec<usize> = match pick {
            PickSpec::Table { .. } => (0..data.rows.len()).collect(),
            PickSpec::Match { conditions, .. } => match match_rows(data, conditions) {
                Ok(rows) => rows,
                Err(why) => {
                    found.note = Some(why);
                    Vec::new()
                }
            },
        };
        found.rows = rows.len();
        found.at = rows
            .iter()
            .take(ORIGINS_SHOWN)
            .map(|&r| data.origin(r))
            .collect();
        out.push(found);
    }
    Ok(out)
}
