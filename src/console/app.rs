//! The console's state and its one pure transition, [`update`]: a message
//! in (a key, a table diffed in the background, a plan computed...), the
//! new state out, plus at most one [`Effect`] for the I/O edge to carry out.
//! Nothing here reads a clock, a file or a database.

pub mod folder;
pub mod health;
mod keys;
pub mod list;
pub mod modal;
mod modal_keys;
pub mod palette;
pub mod repair;
pub mod table_view;

use crate::console::keymap::Action;
use crate::diff::{TableDiff, TableStatus};
use crate::restore::summary::{Explanation, PlanSummary};
use list::{Cursor, Move};
use modal::{Found, Modal, Outcome, SearchScope, TextKey};
use std::collections::BTreeSet;
use std::sync::Arc;
use table_view::{Rows, TableView};

/// What the console may do to the live database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Backup only, or nothing can be executed.
    ReadOnly,
    /// A live database is connected; a restore is possible.
    Live,
}

/// The two sides, as the header shows them (URL already redacted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sides {
    pub live: Option<String>,
    /// The live database's name: what the operator types to confirm a restore.
    pub database: Option<String>,
    pub backup: String,
    pub backup_time: Option<String>,
}

/// A key press: the keymap's action for it, and the key as a text field
/// sees it (text fields bypass the keymap).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub action: Option<Action>,
    pub text: TextKey,
}

impl Key {
    /// A key that means `action` and types nothing (tests, the palette).
    pub fn action(action: Action) -> Key {
        Key {
            action: Some(action),
            text: TextKey::Other,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    Rehearse,
    Commit,
}

/// A row or a table the operator picked (Space).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    pub table: String,
    /// The row's entry in the table's rows; `None` picks the whole table
    /// (every backup row missing live).
    pub entry: Option<u32>,
    /// The `--pick` spec the restore engine resolves (the CLI's own syntax).
    pub spec: String,
    /// How the operator recognises it: `projects(id=3)`.
    pub label: String,
}

/// A plan from the restore engine, as the console shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanData {
    pub summary: PlanSummary,
    pub explanations: Vec<Explanation>,
    /// The exact script; `None` when the plan is blocked.
    pub script: Option<Arc<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlanState {
    /// Nothing picked.
    Empty,
    /// The engine is working on plan `generation`.
    Planning,
    Ready(Box<Planned>),
    Failed(String),
}

/// A plan, with where the operator is in its preview and Selection panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub data: Arc<PlanData>,
    pub preview: crate::console::view::plan::PlanPreview,
    pub selection: crate::console::view::selection::SelectionState,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Key(Key),
    /// One table's diff arrived (the list fills in while loading).
    TableDiffed(Box<TableDiff>),
    /// Every table has been diffed (`total` of them).
    DiffDone {
        total: usize,
    },
    /// Loading failed; the message is already redacted.
    Failed(String),
    /// The terminal's size changed.
    Resize {
        width: u16,
        height: u16,
    },
    /// The open table's rows: so many read so far, then all of them.
    TableLoading {
        name: String,
        rows: u64,
    },
    TableLoaded {
        name: String,
        rows: Rows,
    },
    TableFailed {
        name: String,
        error: String,
    },
    Planned {
        generation: u64,
        plan: Arc<PlanData>,
    },
    PlanFailed {
        generation: u64,
        error: String,
    },
    /// Row search results so far (`done` when the search has finished).
    SearchFound {
        generation: u64,
        rows: Vec<Found>,
        progress: Option<String>,
    },
    /// A rehearsal or restore moved on: statements done of all, when the
    /// step counts them, and what it is doing.
    RunProgress {
        step: Option<(usize, usize)>,
        phase: String,
    },
    RunDone(Outcome),
    /// A one-line message for the operator (a file written, a refusal).
    Notice(String),
    /// The folder's snapshots, oldest first (or why they could not be listed).
    SnapshotsListed(Result<Vec<folder::SnapshotRow>, String>),
    /// Snapshot `name` is open and being diffed; `backup` is its path as the
    /// header shows it.
    SnapshotSwitched {
        name: String,
        backup: String,
        time: Option<String>,
    },
    /// A find in the folder's snapshots is at this point.
    FindProgress {
        generation: u64,
        text: String,
    },
    FoundInSnapshots {
        generation: u64,
        result: Result<folder::Findings, String>,
    },
    /// The health check of `generation` finished (or failed).
    HealthChecked {
        generation: u64,
        result: Result<health::Checked, String>,
    },
}

/// Work for the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Load the rows of this table (the previous load, if any, is cancelled).
    LoadTable {
        name: String,
    },
    CancelLoad,
    /// Plan these picks (the CLI's `--pick` specs) with this schema repair.
    Plan {
        generation: u64,
        picks: Vec<String>,
        exclude_dependents: BTreeSet<String>,
        repair: crate::repair::plan::RepairOptions,
    },
    /// Stop the plan being made.
    CancelPlan,
    /// Write plan `generation`'s script to a new file.
    WritePlan {
        generation: u64,
    },
    /// Rehearse or commit plan `generation`.
    Run {
        generation: u64,
        mode: RunMode,
    },
    /// Roll back the rehearsal or restore in flight.
    CancelRun,
    /// Search row values (the previous search, if any, is cancelled).
    Search {
        generation: u64,
        scope: SearchScope,
        query: String,
    },
    CancelSearch,
    /// A restore committed: diff again so the lists show the new state.
    Rediff,
    /// List the folder's snapshots (the chooser).
    ListSnapshots,
    /// Open snapshot `name` of the folder instead, and diff it.
    SwitchSnapshot {
        name: String,
    },
    /// Look for `spec` (a `--pick` spec) in every snapshot of the folder.
    FindInSnapshots {
        generation: u64,
        spec: String,
    },
    CancelFind,
    /// Run `lifeboat check` on the live database against the backup.
    CheckHealth {
        generation: u64,
    },
    CancelHealth,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Tables,
    /// The open table ([`App::table`]).
    Table,
    /// The plan preview: warnings, then the SQL.
    Plan,
}

/// Which pane of the screen has the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Main,
    Selection,
}

#[derive(Clone, Debug, PartialEq)]
pub struct App {
    pub sides: Sides,
    pub mode: Mode,
    /// Most severe first, then by name (the diff's order), kept as they arrive.
    pub tables: Vec<TableDiff>,
    /// `Some(total)` once every table is in.
    pub loaded: Option<usize>,
    pub error: Option<String>,
    pub screen: Screen,
    pub pane: Pane,
    /// Focus in the tables list.
    pub list: Cursor,
    /// The operator has moved: the focus then follows its table as others
    /// arrive; until then it stays on the most severe one, at the top.
    pub moved: bool,
    pub table: Option<TableView>,
    pub picks: Vec<Pick>,
    /// Tables whose rows are not brought back as dependents.
    pub excluded: BTreeSet<String>,
    /// Structure to repair and columns to write back (`M`, `I`, Space on
    /// the Schema tab).
    pub repair: repair::Repair,
    pub plan: PlanState,
    pub plan_generation: u64,
    pub search_generation: u64,
    pub modal: Option<Modal>,
    pub notice: Option<String>,
    /// The folder of snapshots, when opened with `--snapshot`.
    pub folder: Option<folder::Folder>,
    pub find_generation: u64,
    pub health_generation: u64,
    /// Terminal size, for page lengths.
    pub width: u16,
    pub height: u16,
}

impl App {
    pub fn new(sides: Sides, mode: Mode) -> Self {
        App {
            sides,
            mode,
            tables: Vec::new(),
            loaded: None,
            error: None,
            screen: Screen::Tables,
            pane: Pane::Main,
            list: Cursor::default(),
            moved: false,
            table: None,
            picks: Vec::new(),
            excluded: BTreeSet::new(),
            repair: repair::Repair::default(),
            plan: PlanState::Empty,
            plan_generation: 0,
            search_generation: 0,
            modal: None,
            notice: None,
            folder: None,
            find_generation: 0,
            health_generation: 0,
            width: 100,
            height: 30,
        }
    }

    pub fn focused(&self) -> Option<&TableDiff> {
        self.tables.get(self.list.pos)
    }

    /// Lines a full-height list shows (the view's layout, approximately:
    /// the view keeps the focus visible whatever the exact height).
    pub fn page(&self) -> usize {
        usize::from(self.height.saturating_sub(6)).max(1)
    }

    /// Lines of the open table's row list (the detail pane takes the rest).
    pub fn table_page(&self) -> usize {
        crate::console::view::table::row_list_height(self.height)
    }

    pub fn planned(&self) -> Option<&Planned> {
        match &self.plan {
            PlanState::Ready(p) => Some(p),
            _ => None,
        }
    }

    /// Something for the engine to plan: picks, or a schema repair.
    pub fn has_work(&self) -> bool {
        !self.picks.is_empty() || !self.repair.is_off()
    }

    /// The Selection pane is shown beside the main one once something is picked.
    pub fn shows_selection(&self) -> bool {
        self.mode == Mode::Live && !self.picks.is_empty() && self.screen != Screen::Plan
    }

    pub fn diff_of(&self, table: &str) -> Option<&TableDiff> {
        self.tables.iter().find(|t| t.name == table)
    }
}

/// The one transition. Pure: same state and message, same result.
pub fn update(app: &mut App, msg: Msg) -> Option<Effect> {
    match msg {
        Msg::Key(key) => keys::on_key(app, key),
        Msg::TableDiffed(table) => {
            let focused = app.focused().map(|t| t.name.clone());
            let at = app
                .tables
                .partition_point(|t| (t.status, &t.name) <= (table.status, &table.name));
            app.tables.insert(at, *table);
            // The focus stays on the table the operator was looking at.
            if let Some(name) = focused.filter(|_| app.moved) {
                app.list.pos = app.tables.iter().position(|t| t.name == name).unwrap_or(0);
            }
            let (len, page) = (app.tables.len(), app.page());
            app.list.keep_in_view(len, page);
            None
        }
        Msg::DiffDone { total } => {
            app.loaded = Some(total);
            None
        }
        Msg::Failed(message) => {
            app.error = Some(message);
            None
        }
        Msg::Resize { width, height } => {
            app.width = width;
            app.height = height;
            let (len, page) = (app.tables.len(), app.page());
            app.list.keep_in_view(len, page);
            let table_page = app.table_page();
            if let Some(t) = &mut app.table {
                let len = t.len();
                t.cursor.keep_in_view(len, table_page);
            }
            None
        }
        Msg::TableLoading { name, rows } => {
            if let Some(t) = app.table.as_mut().filter(|t| t.name == name) {
                t.loading = rows;
            }
            None
        }
        Msg::TableLoaded { name, rows } => {
            let page = app.table_page();
            if let Some(t) = app.table.as_mut().filter(|t| t.name == name) {
                t.loaded(rows, page);
            }
            None
        }
        Msg::TableFailed { name, error } => {
            if let Some(t) = app.table.as_mut().filter(|t| t.name == name) {
                t.error = Some(error);
            }
            None
        }
        Msg::Planned { generation, plan } => {
            if generation == app.plan_generation && app.has_work() {
                let previous = app.planned().map(|p| p.selection.clone());
                app.plan = PlanState::Ready(Box::new(Planned {
                    preview: crate::console::view::plan::PlanPreview::new(&plan),
                    selection: previous.unwrap_or_default(),
                    data: plan,
                }));
            }
            None
        }
        Msg::PlanFailed { generation, error } => {
            if generation == app.plan_generation {
                app.plan = PlanState::Failed(error);
            }
            None
        }
        Msg::SearchFound {
            generation,
            rows,
            progress,
        } => {
            if let Some(Modal::Search(s)) = &mut app.modal {
                if s.generation == generation {
                    s.rows = rows;
                    s.progress = progress;
                    let len = s.len();
                    s.cursor.keep_in_view(len, 10);
                }
            }
            None
        }
        Msg::RunProgress { step, phase } => {
            if let Some(Modal::Running(r)) = &mut app.modal {
                if let Some((done, total)) = step {
                    r.done = done;
                    r.total = total;
                }
                if !r.cancelling {
                    r.phase = phase;
                }
            }
            None
        }
        Msg::RunDone(outcome) => {
            let committed = outcome.committed;
            app.modal = Some(Modal::Outcome(outcome));
            if committed {
                // What was picked is now live: start over from a fresh diff.
                app.picks.clear();
                app.repair = repair::Repair::default();
                app.plan = PlanState::Empty;
                app.plan_generation += 1;
                app.tables.clear();
                app.loaded = None;
                app.table = None;
                app.screen = Screen::Tables;
                app.pane = Pane::Main;
                app.list = Cursor::default();
                return Some(Effect::Rediff);
            }
            None
        }
        Msg::Notice(text) => {
            app.notice = Some(text);
            None
        }
        Msg::SnapshotsListed(rows) => {
            folder::listed(app, rows);
            None
        }
        Msg::SnapshotSwitched { name, backup, time } => {
            folder::switched(app, name, backup, time);
            None
        }
        Msg::FindProgress { generation, text } => {
            folder::finding(app, generation, text);
            None
        }
        Msg::FoundInSnapshots { generation, result } => {
            folder::found(app, generation, result);
            None
        }
        Msg::HealthChecked { generation, result } => {
            health::checked(app, generation, result);
            None
        }
    }
}

/// Plan again after the picks, exclusions or repair changed (or forget the
/// plan when nothing is asked).
fn replan(app: &mut App) -> Option<Effect> {
    app.plan_generation += 1;
    if !app.has_work() {
        app.plan = PlanState::Empty;
        if app.pane == Pane::Selection {
            app.pane = Pane::Main;
        }
        return None;
    }
    app.plan = PlanState::Planning;
    Some(Effect::Plan {
        generation: app.plan_generation,
        picks: app.picks.iter().map(|p| p.spec.clone()).collect(),
        exclude_dependents: app.excluded.clone(),
        repair: app.repair.options(),
    })
}

/// A table list move.
fn move_of(action: Action) -> Option<Move> {
    Some(match action {
        Action::Up => Move::Up,
        Action::Down => Move::Down,
        Action::PageUp => Move::PageUp,
        Action::PageDown => Move::PageDown,
        Action::Top => Move::Top,
        Action::Bottom => Move::Bottom,
        _ => return None,
    })
}

/// The status word the tables view shows.
pub fn status_label(t: &TableDiff) -> String {
    match t.status {
        TableStatus::TableMissing => "dropped".into(),
        TableStatus::RowsMissing => format!("{} missing", t.missing),
        TableStatus::RowsChanged => format!("{} changed", t.changed),
        TableStatus::SchemaDrift => "schema drift".into(),
        TableStatus::OnlyInLive if t.backup_rows.is_none() => "only live".into(),
        TableStatus::OnlyInLive => format!("{} new", t.extra),
        TableStatus::Identical => "identical".into(),
    }
}

#[cfg(test)]
mod tests;
