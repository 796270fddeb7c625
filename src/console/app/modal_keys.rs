//! Keys while a modal is open: help, the palette, the search box, the typed
//! confirmation, a run in flight and its outcome. Text fields read typed
//! characters ([`TextKey`]); the keymap is bypassed until they close.

use super::keys::{cannot_plan, on_action, open_table, start_run, table_names};
use super::list::Move;
use super::modal::{Confirm, Found, Modal, Palette, SearchBox, SearchScope, TextKey};
use super::palette::{self, Command};
use super::table_view::Filter;
use super::{replan, App, Effect, Key, Pane, RunMode, Screen};
use crate::console::keymap::Action;
use crate::console::search::rank_names;

/// Rows a search result list shows at a time.
const RESULT_ROWS: usize = 10;
/// Shortest query worth scanning every row for.
const MIN_ROW_QUERY: usize = 2;

pub(super) fn on_modal(app: &mut App, modal: Modal, key: Key) -> Option<Effect> {
    match modal {
        Modal::Help(top) => {
            match key.action {
                Some(Action::Back | Action::Help | Action::Quit) => {}
                Some(a) => {
                    let top = super::move_of(a)
                        .map_or(top, |m| super::modal::help_scroll(top, m, app.height));
                    app.modal = Some(Modal::Help(top));
                }
                None => app.modal = Some(Modal::Help(top)),
            }
            None
        }
        Modal::Palette(p) => on_palette(app, p, key.text),
        Modal::Search(s) => on_search(app, s, key.text),
        Modal::Confirm(c) => on_confirm(app, c, key.text),
        Modal::Snapshots(c) => super::folder::on_chooser(app, c, key),
        Modal::FindInSnapshots(f) => super::folder::on_find(app, f, key),
        Modal::Health(h) => super::health::on_key(app, h, key),
        Modal::Running(mut r) => {
            let cancel = key.action == Some(Action::Back) && !r.cancelling;
            if cancel {
                r.cancelling = true;
                r.phase = "cancelling: rolling back".into();
            }
            app.modal = Some(Modal::Running(r));
            cancel.then_some(Effect::CancelRun)
        }
        Modal::Outcome(mut o) => {
            match key.action {
                Some(Action::Back | Action::Open | Action::Quit) => return None,
                Some(Action::Down) => {
                    o.scroll = (o.scroll + 1).min(o.lines.len().saturating_sub(1))
                }
                Some(Action::Up) => o.scroll = o.scroll.saturating_sub(1),
                _ => {}
            }
            app.modal = Some(Modal::Outcome(o));
            None
        }
    }
}

fn result_move(text: TextKey) -> Option<Move> {
    Some(match text {
        TextKey::Up => Move::Up,
        TextKey::Down => Move::Down,
        TextKey::PageUp => Move::PageUp,
        TextKey::PageDown => Move::PageDown,
        _ => return None,
    })
}

fn on_palette(app: &mut App, mut p: Palette, text: TextKey) -> Option<Effect> {
    if let Some(m) = result_move(text) {
        p.cursor.apply(m, p.hits.len(), RESULT_ROWS);
    }
    match text {
        TextKey::Esc => return None,
        TextKey::Enter => {
            let command = p
                .hits
                .get(p.cursor.pos)
                .and_then(|h| palette::COMMANDS.get(h.index))
                .map(|(_, c)| *c)?;
            return run_command(app, command);
        }
        t => {
            if p.field.edit(t) {
                p.hits = rank_names(&p.field.text, &palette::titles());
                p.cursor = Default::default();
            }
        }
    }
    app.modal = Some(Modal::Palette(p));
    None
}

fn run_command(app: &mut App, command: Command) -> Option<Effect> {
    match command {
        Command::Action(a) => on_action(app, a),
        Command::ClearPicks => {
            app.picks.clear();
            replan(app)
        }
        Command::RepairAll => super::repair::repair_all(app),
        Command::RepairOff => super::repair::stop(app),
        Command::ShowSelection => {
            if app.shows_selection() {
                app.pane = Pane::Selection;
            } else {
                app.notice = cannot_plan(app);
            }
            None
        }
        Command::ShowAllRows | Command::ShowMissingRows => {
            let page = app.table_page();
            let Some(t) = app.table.as_mut().filter(|_| app.screen == Screen::Table) else {
                app.notice = Some("open a table first (Enter on the tables list)".into());
                return None;
            };
            let want = if command == Command::ShowAllRows {
                Filter::All
            } else {
                Filter::MissingLive
            };
            while t.filter != want {
                t.cycle_filter(page);
            }
            None
        }
    }
}

fn on_search(app: &mut App, mut s: SearchBox, text: TextKey) -> Option<Effect> {
    if let Some(m) = result_move(text) {
        let len = s.len();
        s.cursor.apply(m, len, RESULT_ROWS);
        app.modal = Some(Modal::Search(s));
        return None;
    }
    match text {
        TextKey::Esc => Some(Effect::CancelSearch),
        TextKey::Enter => {
            let found = s.focused().cloned();
            let Some(found) = found else {
                app.modal = Some(Modal::Search(s));
                return None;
            };
            go_to(app, found)
        }
        t => {
            if !s.field.edit(t) {
                app.modal = Some(Modal::Search(s));
                return None;
            }
            app.search_generation += 1;
            s.generation = app.search_generation;
            s.cursor = Default::default();
            s.rows.clear();
            let query = s.field.text.clone();
            if s.scope == SearchScope::Everywhere {
                s.names = table_names(app, &query);
            }
            let effect = if query.chars().count() >= MIN_ROW_QUERY {
                s.progress = Some("searching…".into());
                Effect::Search {
                    generation: s.generation,
                    scope: s.scope.clone(),
                    query,
                }
            } else {
                s.progress = None;
                Effect::CancelSearch
            };
            app.modal = Some(Modal::Search(s));
            Some(effect)
        }
    }
}

/// Follow a search result: open its table, focus its row.
fn go_to(app: &mut App, found: Found) -> Option<Effect> {
    match found {
        Found::Table { name, .. } => {
            if let Some(i) = app.tables.iter().position(|t| t.name == name) {
                let page = app.page();
                let len = app.tables.len();
                app.list.focus(i, len, page);
                app.moved = true;
            }
            app.screen = Screen::Tables;
            app.table = None;
            Some(Effect::CancelSearch)
        }
        Found::Row {
            table, line, entry, ..
        } => {
            let page = app.table_page();
            if let (Some(t), Some(entry)) = (app.table.as_mut(), entry) {
                if t.name == table {
                    t.focus_entry(entry as usize, page);
                    app.screen = Screen::Table;
                    return Some(Effect::CancelSearch);
                }
            }
            let name = resolve_table(app, &table)?;
            if let Some(i) = app.tables.iter().position(|t| t.name == name) {
                let len = app.tables.len();
                app.list.focus(i, len, app.page());
            }
            open_table(app, name, line)
        }
    }
}

/// The diff's name for a backup table name (`projects` → `public.projects`).
fn resolve_table(app: &App, name: &str) -> Option<String> {
    let exact = app.tables.iter().find(|t| t.name == name);
    let by_suffix = || {
        app.tables.iter().find(|t| {
            t.name
                .rsplit_once('.')
                .is_some_and(|(_, bare)| bare == name)
        })
    };
    exact.or_else(by_suffix).map(|t| t.name.clone())
}

fn on_confirm(app: &mut App, mut c: Confirm, text: TextKey) -> Option<Effect> {
    match text {
        TextKey::Esc => {
            app.notice = Some("Restore cancelled; nothing changed.".into());
            None
        }
        TextKey::Enter if c.field.text == c.database => start_run(app, RunMode::Commit),
        TextKey::Enter => {
            app.notice = Some(format!(
                "Restore cancelled: {} is not the database's name; nothing changed.",
                crate::report::visible(&format!("{:?}", c.field.text))
            ));
            None
        }
        t => {
            c.field.edit(t);
            app.modal = Some(Modal::Confirm(c));
            None
        }
    }
}
