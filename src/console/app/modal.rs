//! What sits on top of a screen: help, the search box, the command palette,
//! the typed confirmation, a restore's progress and its result. A modal
//! takes every key until it closes.

use super::list::Cursor;
use super::RunMode;
use crate::console::search::Hit;

#[derive(Clone, Debug, PartialEq)]
pub enum Modal {
    /// Every key; scrolled (the first line shown) when the terminal is
    /// shorter than the list.
    Help(usize),
    Search(SearchBox),
    Palette(Palette),
    /// Restore asks for the database's name; only that exact text commits.
    Confirm(Confirm),
    /// A rehearsal or restore in flight.
    Running(Running),
    /// How a rehearsal or restore ended.
    Outcome(Outcome),
    /// The folder's snapshots, to switch to another.
    Snapshots(super::folder::Chooser),
    /// Which snapshots hold the focused row.
    FindInSnapshots(super::folder::FindBox),
    /// The health check running, or its report.
    Health(super::health::HealthBox),
}

/// Lines of the help list: one per action, then how text boxes work.
pub fn help_lines() -> usize {
    crate::console::keymap::Action::ALL.len() + 1
}

/// The help lines a terminal `height` rows high shows at once: all of them
/// when they fit in the box, else a window above a line saying so.
pub fn help_window(height: u16) -> usize {
    let room = usize::from(height.saturating_sub(2));
    if help_lines() <= room {
        help_lines()
    } else {
        room.saturating_sub(1).max(1)
    }
}

/// The help's first line after `m`: stops where the last window is full.
pub fn help_scroll(top: usize, m: super::list::Move, height: u16) -> usize {
    use super::list::Move;
    let window = help_window(height);
    let last = help_lines().saturating_sub(window);
    let top = match m {
        Move::Up => top.saturating_sub(1),
        Move::Down => top + 1,
        Move::PageUp => top.saturating_sub(window),
        Move::PageDown => top + window,
        Move::Top => 0,
        Move::Bottom => last,
    };
    top.min(last)
}

/// A one-line text field (search, palette, confirmation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextField {
    pub text: String,
}

impl TextField {
    /// Apply an editing key; true when the text changed.
    pub fn edit(&mut self, key: TextKey) -> bool {
        match key {
            TextKey::Char(c) if !c.is_control() => {
                self.text.push(c);
                true
            }
            TextKey::Backspace => self.text.pop().is_some(),
            TextKey::ClearLine => {
                let had = !self.text.is_empty();
                self.text.clear();
                had
            }
            _ => false,
        }
    }
}

/// A key as a text field sees it (the keymap is bypassed while typing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKey {
    Char(char),
    Backspace,
    /// ctrl-u
    ClearLine,
    Enter,
    Esc,
    Up,
    Down,
    PageUp,
    PageDown,
    Other,
}

/// Where `/` searches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchScope {
    /// Table names, and row values across every table of the backup.
    Everywhere,
    /// Row values of the open table.
    Table(String),
}

/// One result of a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A table whose name matches.
    Table { name: String, positions: Vec<usize> },
    /// A row: in `table`, at `line` of its backup file or at `entry` of the open table's rows.
    Row {
        table: String,
        line: Option<u64>,
        entry: Option<u32>,
        column: String,
        /// Already escaped for the terminal; `positions` index its chars.
        snippet: String,
        positions: Vec<usize>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchBox {
    pub scope: SearchScope,
    pub field: TextField,
    /// Table-name matches (instant), then row matches (from the background).
    pub names: Vec<Found>,
    pub rows: Vec<Found>,
    pub cursor: Cursor,
    /// Which background search the row results belong to.
    pub generation: u64,
    /// "searching… 120,000 rows" while a row search runs; None when done.
    pub progress: Option<String>,
}

impl SearchBox {
    pub fn new(scope: SearchScope, generation: u64) -> Self {
        SearchBox {
            scope,
            field: TextField::default(),
            names: Vec::new(),
            rows: Vec::new(),
            cursor: Cursor::default(),
            generation,
            progress: None,
        }
    }

    pub fn results(&self) -> impl Iterator<Item = &Found> {
        self.names.iter().chain(&self.rows)
    }

    pub fn len(&self) -> usize {
        self.names.len() + self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn focused(&self) -> Option<&Found> {
        self.results().nth(self.cursor.pos)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub field: TextField,
    pub hits: Vec<Hit>,
    pub cursor: Cursor,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub field: TextField,
    /// The name to type.
    pub database: String,
    pub inserts: usize,
    pub updates: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Running {
    pub mode: RunMode,
    /// Statements done and in all.
    pub done: usize,
    pub total: usize,
    /// What is happening now ("inserting", "verifying"...).
    pub phase: String,
    /// Esc was pressed: a rollback is on its way.
    pub cancelling: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub mode: RunMode,
    /// Committed (or a clean rehearsal) and verified.
    pub ok: bool,
    /// The transaction committed (verified or not): the lists are stale.
    pub committed: bool,
    /// COMMITTED / REHEARSED / ROLLED BACK, as a title.
    pub title: String,
    /// The report, line by line (the CLI prints the same text).
    pub lines: Vec<String>,
    pub scroll: usize,
}
