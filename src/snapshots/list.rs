//! The I/O edge of a folder of backups: its entries, each opened with
//! `Backup::open`, dated, and (for `lifeboat snapshots`) its rows counted.

use super::{order_key, Snapshot, SnapshotTime, TableCount, TimeSource};
use crate::backup::{timestamp_in_name, Backup};
use crate::error::{Error, Result};
use crate::report::visible;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One entry of the folder, not yet opened.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub path: PathBuf,
    pub modified: Option<SystemTime>,
}

/// Where a slow listing is: entry `done` of `total` (1-based), its name.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub name: &'a str,
}

/// The folder's entries by name; hidden ones (`.DS_Store`, `.git`) are
/// skipped. An error when `root` is not a readable directory.
pub fn entries(root: &Path) -> Result<Vec<Entry>> {
    let meta = fs::metadata(root).map_err(|e| Error::io(root, &e))?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder of backups (it is a file: read it with --backup {} alone)",
            visible(&root.display().to_string()),
            visible(&root.display().to_string())
        )));
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(root).map_err(|e| Error::io(root, &e))? {
        let entry = entry.map_err(|e| Error::io(root, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Through symlinks: `latest -> nightly-2025-07-12` is dated as its target.
        let modified = fs::metadata(&path).and_then(|m| m.modified()).ok();
        out.push(Entry {
            name,
            path,
            modified,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every entry opened, oldest first, each with its backup when it opened.
/// Rows are not counted.
pub fn open_all(
    root: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<(Snapshot, Option<Backup>)>> {
    let found = entries(root)?;
    let root_stamp = root
        .file_name()
        .and_then(|n| timestamp_in_name(&n.to_string_lossy()));
    let total = found.len();
    let mut out: Vec<(Snapshot, Option<Backup>)> = found
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            progress(Progress {
                done: i + 1,
                total,
                name: &entry.name,
            });
            open_one(entry, root_stamp.as_deref())
        })
        .collect();
    out.sort_by(|a, b| order_key(&a.0).cmp(&order_key(&b.0)));
    Ok(out)
}

/// `lifeboat snapshots`: every entry, oldest first; with `counts`, each
/// table's rows (known at open, else read once).
pub fn list(
    root: &Path,
    counts: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Snapshot>> {
    let opened = open_all(root, progress)?;
    Ok(opened
        .into_iter()
        .map(|(mut snapshot, backup)| {
            if let (true, Some(backup)) = (counts, backup) {
                snapshot.tables = count_tables(&backup);
            }
            snapshot
        })
        .collect())
}

fn open_one(entry: Entry, root_stamp: Option<&str>) -> (Snapshot, Option<Backup>) {
    let opened = Backup::open(&entry.path);
    let from_backup = opened.as_ref().ok().and_then(|b| {
        let created = b.created_at.clone()?;
        let in_manifest = b.manifest.as_ref().and_then(|m| m.created_at.as_ref());
        Some((in_manifest == Some(&created), created))
    });
    let time = snapshot_time(&entry, from_backup, root_stamp);
    let mut snapshot = Snapshot {
        name: entry.name,
        path: entry.path,
        format: None,
        time,
        tables: Vec::new(),
        warnings: Vec::new(),
        error: None,
    };
    match opened {
        Ok(backup) => {
            snapshot.format = Some(backup.format);
            snapshot.warnings = backup.warnings.clone();
            (snapshot, Some(backup))
        }
        Err(e) => {
            snapshot.error = Some(crate::redact::redact(&e.to_string()));
            (snapshot, None)
        }
    }
}

/// The backup's own time, else a timestamp in the entry's name, else the
/// modification time: the first of them that names an instant (else the
/// first at all). `from_backup` is (said by its manifest, text). Without a
/// manifest `Backup::open` dates a backup by its name, then by its parent
/// folder's: the first is the name's time, the second is the folder of all
/// snapshots, not this one's.
fn snapshot_time(
    entry: &Entry,
    from_backup: Option<(bool, String)>,
    root_stamp: Option<&str>,
) -> Option<SnapshotTime> {
    let own_stamp = timestamp_in_name(&entry.name);
    let from_backup = from_backup
        .filter(|(in_manifest, t)| {
            *in_manifest
                || (own_stamp.as_deref() != Some(t.as_str())
                    && (own_stamp.is_some() || root_stamp != Some(t.as_str())))
        })
        .map(|(_, t)| t);
    let candidates: Vec<SnapshotTime> = [
        from_backup.map(|t| SnapshotTime::new(t, TimeSource::Backup)),
        own_stamp.map(|t| SnapshotTime::new(t, TimeSource::Name)),
        entry.modified.map(SnapshotTime::modified),
    ]
    .into_iter()
    .flatten()
    .collect();
    let dated = candidates.iter().position(|t| t.instant.is_some());
    candidates.into_iter().nth(dated.unwrap_or(0))
}

fn count_tables(backup: &Backup) -> Vec<TableCount> {
    backup
        .tables
        .iter()
        .map(|t| match backup.count_rows(t) {
            Ok(rows) => TableCount {
                table: t.name.to_string(),
                rows: Some(rows),
                error: None,
            },
            Err(e) => TableCount {
                table: t.name.to_string(),
                rows: None,
                error: Some(crate::redact::redact(&e.to_string())),
            },
        })
        .collect()
}
