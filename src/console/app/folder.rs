//! The folder of backups the console was opened on (`--backup ROOT
//! --snapshot latest|NAME`): a chooser to switch to another snapshot (the
//! lists are diffed again), and "find in other snapshots" for the focused
//! row, which runs `lifeboat find` for its pick spec in the background.
//! Pure like the rest of `update`: the edge lists, opens and finds.

use super::list::Cursor;
use super::modal::Modal;
use super::{move_of, App, Effect, Key, Pane, PlanState, Screen};
use crate::console::keymap::Action;
use crate::report::visible;
use crate::snapshots::find::FindReport;
use crate::snapshots::Snapshot;
use std::path::PathBuf;

/// Rows the chooser and the find box show at a time.
pub const LIST_ROWS: usize = 12;

/// Where the snapshots are, and which one the console shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    pub root: PathBuf,
    /// The entry name of the snapshot being compared.
    pub current: String,
}

/// One snapshot as the chooser lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotRow {
    pub name: String,
    /// When it was taken; a modification time is marked `(mtime)`.
    pub time: Option<String>,
    pub format: Option<&'static str>,
    pub tables: usize,
    pub error: Option<String>,
}

impl From<&Snapshot> for SnapshotRow {
    fn from(s: &Snapshot) -> Self {
        SnapshotRow {
            name: s.name.clone(),
            time: s.time.as_ref().map(short_time),
            format: s.format.map(|f| f.as_str()),
            tables: s.tables.len(),
            error: s.error.clone(),
        }
    }
}

/// A time as the console's narrow columns show it: a modification time
/// is marked `(mtime)`.
fn short_time(t: &crate::snapshots::SnapshotTime) -> String {
    match t.source {
        crate::snapshots::TimeSource::Modified => format!("{} (mtime)", t.text),
        _ => t.text.clone(),
    }
}

/// The snapshot chooser: the folder's entries, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chooser {
    pub rows: Vec<SnapshotRow>,
    pub cursor: Cursor,
    /// Still listing (opening every entry).
    pub loading: bool,
    pub error: Option<String>,
}

/// One snapshot's answer to "find in other snapshots".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundIn {
    pub name: String,
    pub time: Option<String>,
    /// None: the snapshot could not be read.
    pub holds: Option<bool>,
    pub rows: usize,
    /// Why not (no such table or column, the read error).
    pub note: Option<String>,
}

/// What a finished find says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings {
    pub rows: Vec<FoundIn>,
    pub newest: Option<String>,
    pub gone_since: Option<String>,
}

impl From<&FindReport> for Findings {
    fn from(r: &FindReport) -> Self {
        Findings {
            rows: r
                .snapshots
                .iter()
                .map(|s| {
                    let pick = s.picks.first();
                    FoundIn {
                        name: s.name.clone(),
                        time: s.time.as_ref().map(short_time),
                        holds: s.holds,
                        rows: pick.map_or(0, |p| p.rows),
                        note: s
                            .error
                            .clone()
                            .or_else(|| pick.and_then(|p| p.note.clone())),
                    }
                })
                .collect(),
            newest: r.verdict.newest_holding.clone(),
            gone_since: r.verdict.gone_since.clone(),
        }
    }
}

/// "Find in other snapshots" for one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindBox {
    /// The row's `--pick` spec (raw; escape to show).
    pub spec: String,
    pub generation: u64,
    /// None while the find runs.
    pub found: Option<Findings>,
    /// "reading 3 of 12: NAME" while it runs.
    pub progress: Option<String>,
    pub error: Option<String>,
    pub cursor: Cursor,
}

const NO_FOLDER: &str =
    "no folder of snapshots: open the console with --backup ROOT --snapshot latest (or NAME)";

/// `S` / the palette: list the folder's snapshots.
pub(super) fn open_chooser(app: &mut App) -> Option<Effect> {
    if app.folder.is_none() {
        app.notice = Some(NO_FOLDER.into());
        return None;
    }
    app.modal = Some(Modal::Snapshots(Chooser {
        rows: Vec::new(),
        cursor: Cursor::default(),
        loading: true,
        error: None,
    }));
    Some(Effect::ListSnapshots)
}

/// `F` / the palette on a row of the open table: find it elsewhere.
pub(super) fn find_focused_row(app: &mut App) -> Option<Effect> {
    if app.folder.is_none() {
        app.notice = Some(NO_FOLDER.into());
        return None;
    }
    let spec = app
        .table
        .as_ref()
        .filter(|_| app.screen == Screen::Table)
        .and_then(|t| Some(t.rows.as_ref()?.0.pick_spec(t.focused_entry()?)));
    let Some(spec) = spec else {
        app.notice = Some("open a table and focus a row first (Enter on the tables list)".into());
        return None;
    };
    let Some(spec) = spec else {
        app.notice = Some("this row is only live: no backup holds it to find".into());
        return None;
    };
    app.find_generation += 1;
    app.modal = Some(Modal::FindInSnapshots(FindBox {
        spec: spec.clone(),
        generation: app.find_generation,
        found: None,
        progress: Some("searching…".into()),
        error: None,
        cursor: Cursor::default(),
    }));
    Some(Effect::FindInSnapshots {
        generation: app.find_generation,
        spec,
    })
}

/// Keys in the chooser: move, Enter switches, Esc closes.
pub(super) fn on_chooser(app: &mut App, mut c: Chooser, key: Key) -> Option<Effect> {
    let action = key.action?;
    if let Some(m) = move_of(action) {
        c.cursor.apply(m, c.rows.len(), LIST_ROWS);
        app.modal = Some(Modal::Snapshots(c));
        return None;
    }
    match action {
        Action::Back | Action::Quit | Action::Snapshots => None,
        Action::Open => {
            let name = c.rows.get(c.cursor.pos).map(|r| r.name.clone());
            app.modal = Some(Modal::Snapshots(c));
            switch_to(app, name?)
        }
        _ => {
            app.modal = Some(Modal::Snapshots(c));
            None
        }
    }
}

/// Keys in the find box: move, Enter switches to that snapshot, Esc closes
/// (and stops a find still running).
pub(super) fn on_find(app: &mut App, mut f: FindBox, key: Key) -> Option<Effect> {
    let action = key.action?;
    let len = f.found.as_ref().map_or(0, |found| found.rows.len());
    if let Some(m) = move_of(action) {
        f.cursor.apply(m, len, LIST_ROWS);
        app.modal = Some(Modal::FindInSnapshots(f));
        return None;
    }
    match action {
        Action::Back | Action::Quit => f.found.is_none().then_some(Effect::CancelFind),
        Action::Open => {
            let name = f
                .found
                .as_ref()
                .and_then(|found| found.rows.get(f.cursor.pos))
                .map(|r| r.name.clone());
            app.modal = Some(Modal::FindInSnapshots(f));
            switch_to(app, name?)
        }
        _ => {
            app.modal = Some(Modal::FindInSnapshots(f));
            None
        }
    }
}

/// Ask the edge to open snapshot `name`; the lists stay until it has.
fn switch_to(app: &mut App, name: String) -> Option<Effect> {
    let folder = app.folder.as_ref()?;
    if folder.current == name {
        app.notice = Some(format!("{} is the snapshot shown", visible(&name)));
        return None;
    }
    app.modal = None;
    app.notice = Some(format!("opening snapshot {}…", visible(&name)));
    Some(Effect::SwitchSnapshot { name })
}

/// The folder was listed.
pub(super) fn listed(app: &mut App, listed: Result<Vec<SnapshotRow>, String>) {
    let Some(Modal::Snapshots(c)) = &mut app.modal else {
        return;
    };
    c.loading = false;
    match listed {
        Ok(rows) => {
            let current = app.folder.as_ref().map(|f| f.current.as_str());
            let at = rows.iter().position(|r| Some(r.name.as_str()) == current);
            c.cursor.focus(at.unwrap_or(0), rows.len(), LIST_ROWS);
            c.rows = rows;
        }
        Err(e) => c.error = Some(e),
    }
}

/// The edge opened another snapshot and is diffing it: start over on it.
pub(super) fn switched(app: &mut App, name: String, backup: String, time: Option<String>) {
    if let Some(folder) = &mut app.folder {
        folder.current = name.clone();
    }
    app.sides.backup = backup;
    app.sides.backup_time = time;
    app.picks.clear();
    app.repair = super::repair::Repair::default();
    app.plan = PlanState::Empty;
    app.plan_generation += 1;
    app.tables.clear();
    app.loaded = None;
    app.error = None;
    app.table = None;
    app.screen = Screen::Tables;
    app.pane = Pane::Main;
    app.list = Cursor::default();
    app.moved = false;
    app.modal = None;
    app.notice = Some(format!(
        "now comparing snapshot {}; picks and repairs were cleared",
        visible(&name)
    ));
}

/// A find for row `generation` answered (older ones are dropped).
pub(super) fn found(app: &mut App, generation: u64, result: Result<Findings, String>) {
    let Some(Modal::FindInSnapshots(f)) = &mut app.modal else {
        return;
    };
    if f.generation != generation {
        return;
    }
    f.progress = None;
    match result {
        Ok(found) => {
            // Focus the newest snapshot holding the row: the one to open.
            let at = found
                .newest
                .as_ref()
                .and_then(|n| found.rows.iter().position(|r| &r.name == n));
            f.cursor.focus(at.unwrap_or(0), found.rows.len(), LIST_ROWS);
            f.found = Some(found);
        }
        Err(e) => f.error = Some(e),
    }
}

/// Progress of a find still running.
pub(super) fn finding(app: &mut App, generation: u64, text: String) {
    if let Some(Modal::FindInSnapshots(f)) = &mut app.modal {
        if f.generation == generation && f.found.is_none() {
            f.progress = Some(text);
        }
    }
}
