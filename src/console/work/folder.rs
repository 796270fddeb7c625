//! Background work on the folder of snapshots: list it for the chooser,
//! open another snapshot and diff it, find a row in every snapshot.

use super::{cancel, send, spawn_diff, Work};
use crate::backup::Backup;
use crate::console::app::folder::{Findings, SnapshotRow};
use crate::console::app::Msg;
use crate::report::visible;
use crate::restore::pick::parse_pick;
use crate::snapshots::find::find;
use crate::snapshots::list::list;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

impl Work {
    pub(super) fn list_snapshots(&mut self) {
        let Some(root) = self.folder.clone() else {
            return;
        };
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let listed = list(&root, false, &mut |_| {})
                .map(|s| s.iter().map(SnapshotRow::from).collect())
                .map_err(|e| e.to_string());
            send(&tx, Msg::SnapshotsListed(listed));
        });
    }

    /// Open snapshot `name`; once it is open it replaces the backup (every
    /// later load, plan and search reads it) and is diffed. Work on the old
    /// one is stopped first.
    pub(super) fn switch_snapshot(&mut self, name: String) {
        let Some(root) = self.folder.clone() else {
            return;
        };
        cancel(&mut self.load);
        cancel(&mut self.search);
        cancel(&mut self.find);
        self.cancel_health();
        if let Some(task) = self.planning.take() {
            task.abort();
        }
        if let Ok(mut c) = self.current.lock() {
            *c = None;
        }
        let (live, slot, tx) = (self.live.clone(), self.backup.clone(), self.tx.clone());
        let epoch = self.diff_epoch.clone();
        tokio::spawn(async move {
            let path = root.join(&name);
            let opened = tokio::task::spawn_blocking(move || Backup::open(&path)).await;
            let backup = match opened {
                Ok(Ok(b)) => Arc::new(b),
                Ok(Err(e)) => {
                    let why = format!("cannot open snapshot {}: {e}", visible(&name));
                    send(&tx, Msg::Notice(why));
                    return;
                }
                Err(e) => {
                    send(&tx, Msg::Notice(format!("cannot open snapshot: {e}")));
                    return;
                }
            };
            match slot.lock() {
                Ok(mut b) => *b = backup.clone(),
                Err(poisoned) => *poisoned.into_inner() = backup.clone(),
            }
            let now = epoch.fetch_add(1, Ordering::SeqCst) + 1;
            send(
                &tx,
                Msg::SnapshotSwitched {
                    name,
                    backup: backup.path.display().to_string(),
                    time: backup.created_at.clone(),
                },
            );
            spawn_diff(live, backup, tx, (epoch, now));
        });
    }

    pub(super) fn find_in_snapshots(&mut self, generation: u64, spec: String) {
        let Some(root) = self.folder.clone() else {
            return;
        };
        cancel(&mut self.find);
        let stop = Arc::new(AtomicBool::new(false));
        self.find = Some(stop.clone());
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = parse_pick(&spec).and_then(|pick| {
                let mut progress = |p: crate::snapshots::list::Progress| {
                    let text = format!("reading {} of {}: {}", p.done, p.total, visible(p.name));
                    send(&tx, Msg::FindProgress { generation, text });
                };
                find(&root, &[pick], &mut progress, &stop)
            });
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let result = result
                .map(|report| Findings::from(&report))
                .map_err(|e| e.to_string());
            send(&tx, Msg::FoundInSnapshots { generation, result });
        });
    }
}
