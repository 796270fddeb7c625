//! The console's state and its one pure transition, [`update`]: a message
//! in (an operator intent, a table diffed in the background), the new state
//! out, plus at most one [`Effect`] for the I/O edge to carry out.

use super::keymap::Action;
use crate::diff::{TableDiff, TableStatus};

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
    pub backup: String,
    pub backup_time: Option<String>,
}

/// What the operator asked for, whatever key they pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Help,
    Quit,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Intent(Intent),
    /// One table's diff arrived (the list fills in while loading).
    TableDiffed(Box<TableDiff>),
    /// Every table has been diffed (`total` of them).
    DiffDone {
        total: usize,
    },
    /// Loading failed; the message is already redacted.
    Failed(String),
    /// The list area's height changed (rows visible).
    Resize {
        rows: usize,
    },
}

/// Work for the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Tables,
    /// The table at this index of [`App::tables`].
    Table(usize),
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
    pub help: bool,
    /// Focused line of the tables list, and the first line shown.
    pub cursor: usize,
    pub offset: usize,
    /// Lines the list area can show (set by the view's size).
    pub visible_rows: usize,
    /// The operator has moved: the focus then follows its table as others
    /// arrive; until then it stays on the most severe one, at the top.
    pub moved: bool,
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
            help: false,
            cursor: 0,
            offset: 0,
            visible_rows: 20,
            moved: false,
        }
    }

    pub fn focused(&self) -> Option<&TableDiff> {
        self.tables.get(self.cursor)
    }
}

/// What a keymap action means to the screens built so far (`None`: not
/// yet, so help and footer leave it out).
pub fn intent(action: Action) -> Option<Intent> {
    Some(match action {
        Action::Up => Intent::Up,
        Action::Down => Intent::Down,
        Action::PageUp => Intent::PageUp,
        Action::PageDown => Intent::PageDown,
        Action::Top => Intent::Top,
        Action::Bottom => Intent::Bottom,
        Action::Open | Action::Right => Intent::Open,
        Action::Back | Action::Left => Intent::Back,
        Action::Help => Intent::Help,
        Action::Quit => Intent::Quit,
        _ => return None,
    })
}

/// The one transition. Pure: same state and message, same result.
pub fn update(app: &mut App, msg: Msg) -> Option<Effect> {
    match msg {
        Msg::TableDiffed(table) => {
            let focused = app.focused().map(|t| t.name.clone());
            let at = app
                .tables
                .partition_point(|t| (t.status, &t.name) <= (table.status, &table.name));
            app.tables.insert(at, *table);
            // The focus stays on the table the operator was looking at.
            if let Some(name) = focused.filter(|_| app.moved) {
                app.cursor = app.tables.iter().position(|t| t.name == name).unwrap_or(0);
            }
            keep_in_view(app);
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
        Msg::Resize { rows } => {
            app.visible_rows = rows.max(1);
            keep_in_view(app);
            None
        }
        Msg::Intent(intent) => on_intent(app, intent),
    }
}

fn on_intent(app: &mut App, intent: Intent) -> Option<Effect> {
    if app.help {
        // Help is a modal: any of these closes it, nothing else happens.
        if matches!(intent, Intent::Back | Intent::Help | Intent::Quit) {
            app.help = false;
        }
        return None;
    }
    let last = app.tables.len().saturating_sub(1);
    let page = app.visible_rows.max(1);
    if matches!(
        intent,
        Intent::Up
            | Intent::Down
            | Intent::PageUp
            | Intent::PageDown
            | Intent::Top
            | Intent::Bottom
    ) {
        app.moved = true;
    }
    match (intent, app.screen) {
        (Intent::Quit, _) => return Some(Effect::Quit),
        (Intent::Help, _) => app.help = true,
        (Intent::Back, Screen::Table(_)) => app.screen = Screen::Tables,
        (Intent::Back, Screen::Tables) => {}
        (Intent::Open, Screen::Tables) if !app.tables.is_empty() => {
            app.screen = Screen::Table(app.cursor);
        }
        (_, Screen::Table(_)) => {}
        (Intent::Up, _) => app.cursor = app.cursor.saturating_sub(1),
        (Intent::Down, _) => app.cursor = (app.cursor + 1).min(last),
        (Intent::PageUp, _) => app.cursor = app.cursor.saturating_sub(page),
        (Intent::PageDown, _) => app.cursor = (app.cursor + page).min(last),
        (Intent::Top, _) => app.cursor = 0,
        (Intent::Bottom, _) => app.cursor = last,
        (Intent::Open, _) => {}
    }
    keep_in_view(app);
    None
}

/// Scroll so the focused line is visible.
fn keep_in_view(app: &mut App) {
    let rows = app.visible_rows.max(1);
    if app.cursor < app.offset {
        app.offset = app.cursor;
    } else if app.cursor >= app.offset + rows {
        app.offset = app.cursor + 1 - rows;
    }
    let max_offset = app.tables.len().saturating_sub(rows);
    app.offset = app.offset.min(max_offset);
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
