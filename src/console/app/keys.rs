//! What a key does, wherever the operator is: a modal first, then the
//! focused pane of the current screen, then the keys that work everywhere.

use super::list::Move;
use super::modal::{
    Confirm, Found, Modal, Palette, Running, SearchBox, SearchScope, TextField, TextKey,
};
use super::palette::{self, Command};
use super::table_view::{Filter, Tab, TableView};
use super::{move_of, replan, App, Effect, Key, Mode, Pane, Pick, RunMode, Screen};
use crate::console::keymap::Action;
use crate::console::search::rank_names;
use crate::console::view::selection::Focus;

/// Rows a search result list shows at a time.
const RESULT_ROWS: usize = 10;
/// Chars the plan preview scrolls sideways per key.
const SIDEWAYS: isize = 16;
/// Shortest query worth scanning every row for.
const MIN_ROW_QUERY: usize = 2;

pub(super) fn on_key(app: &mut App, key: Key) -> Option<Effect> {
    if let Some(modal) = app.modal.take() {
        return on_modal(app, modal, key);
    }
    app.notice = None;
    let action = key.action?;
    on_action(app, action)
}

fn on_action(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Quit => return Some(Effect::Quit),
        Action::Help => app.modal = Some(Modal::Help),
        Action::Palette => {
            app.modal = Some(Modal::Palette(Palette {
                field: TextField::default(),
                hits: rank_names("", &palette::titles()),
                cursor: Default::default(),
            }));
        }
        Action::Search => open_search(app),
        Action::Plan => return show_plan(app),
        Action::WritePlan => return write_plan(app),
        Action::Rehearse => return rehearse(app),
        Action::Restore => ask_to_restore(app),
        _ => {
            return match (app.screen, app.pane) {
                (Screen::Plan, _) => on_plan(app, action),
                (_, Pane::Selection) => on_selection(app, action),
                (Screen::Tables, Pane::Main) => on_tables(app, action),
                (Screen::Table, Pane::Main) => on_table(app, action),
            }
        }
    }
    None
}

fn on_tables(app: &mut App, action: Action) -> Option<Effect> {
    if let Some(m) = move_of(action) {
        app.moved = true;
        let (len, page) = (app.tables.len(), app.page());
        app.list.apply(m, len, page);
        return None;
    }
    match action {
        Action::Open | Action::Right => {
            let name = app.focused()?.name.clone();
            return open_table(app, name, None);
        }
        Action::Pick => {
            let t = app.focused()?;
            let name = t.name.clone();
            if t.backup_rows.is_none() {
                app.notice = Some(format!(
                    "{} is not in the backup: nothing to bring back",
                    crate::report::visible(&name)
                ));
                return None;
            }
            let label = format!("{} (every row missing live)", crate::report::visible(&name));
            return toggle_pick(app, name.clone(), None, name, label);
        }
        Action::ToggleDependents => {
            let name = app.focused()?.name.clone();
            return toggle_dependents(app, name);
        }
        Action::NextPane | Action::PrevPane if app.shows_selection() => app.pane = Pane::Selection,
        // Esc on the tables list stops a plan that is taking long (a big
        // backup); `p` plans again.
        Action::Back if app.plan == super::PlanState::Planning => {
            app.plan_generation += 1;
            app.plan = super::PlanState::Failed("planning cancelled; p plans again".into());
            return Some(Effect::CancelPlan);
        }
        _ => {}
    }
    None
}

fn on_table(app: &mut App, action: Action) -> Option<Effect> {
    let page = app.table_page();
    let shows_selection = app.shows_selection();
    let t = app.table.as_mut()?;
    if let Some(m) = move_of(action) {
        if t.tab == Tab::Rows {
            t.move_cursor(m, page);
        }
        return None;
    }
    match action {
        Action::Back => {
            let loading = t.rows.is_none() && t.error.is_none();
            app.table = None;
            app.screen = Screen::Tables;
            return loading.then_some(Effect::CancelLoad);
        }
        Action::Left => t.column = t.column.saturating_sub(1),
        Action::Right => {
            let columns = t.rows.as_ref().map_or(0, |r| r.0.columns.len());
            t.column = (t.column + 1).min(columns.saturating_sub(1));
        }
        Action::ToggleFilter => t.cycle_filter(page),
        Action::NextPane => match t.tab {
            Tab::Rows => t.tab = Tab::Schema,
            Tab::Schema if shows_selection => {
                t.tab = Tab::Rows;
                app.pane = Pane::Selection;
            }
            Tab::Schema => t.tab = Tab::Rows,
        },
        Action::PrevPane => match t.tab {
            Tab::Schema => t.tab = Tab::Rows,
            Tab::Rows if shows_selection => app.pane = Pane::Selection,
            Tab::Rows => t.tab = Tab::Schema,
        },
        Action::Pick => {
            let rows = t.rows.clone()?;
            let entry = t.focused_entry()?;
            let Some(spec) = rows.0.pick_spec(entry) else {
                app.notice = Some("this row is only live: there is nothing to bring back".into());
                return None;
            };
            let label = format!(
                "{}({})",
                crate::report::visible(&t.name),
                rows.0.key_text(entry)
            );
            let table = t.name.clone();
            return toggle_pick(app, table, Some(entry as u32), spec, label);
        }
        Action::ToggleDependents => {
            let name = t.name.clone();
            return toggle_dependents(app, name);
        }
        _ => {}
    }
    None
}

fn on_selection(app: &mut App, action: Action) -> Option<Effect> {
    let super::PlanState::Ready(planned) = &mut app.plan else {
        if matches!(action, Action::Back | Action::NextPane | Action::PrevPane) {
            app.pane = Pane::Main;
        }
        return None;
    };
    let data = planned.data.clone();
    let excluded = app.excluded.clone();
    if let Some(m) = move_of(action) {
        planned.selection.apply(m, &data, &excluded);
        return None;
    }
    match action {
        Action::Open | Action::Right => planned.selection.toggle(&data, &excluded),
        Action::Back | Action::NextPane | Action::PrevPane | Action::Left => app.pane = Pane::Main,
        Action::ToggleDependents => {
            if let Some(Focus::Table(name) | Focus::Row(name, _)) =
                planned.selection.focused(&data, &excluded)
            {
                return toggle_dependents(app, name);
            }
        }
        _ => {}
    }
    None
}

fn on_plan(app: &mut App, action: Action) -> Option<Effect> {
    if action == Action::Back {
        app.screen = if app.table.is_some() {
            Screen::Table
        } else {
            Screen::Tables
        };
        return None;
    }
    let page = app.page();
    let super::PlanState::Ready(p) = &mut app.plan else {
        return None;
    };
    match action {
        Action::Left => p.preview.shift(-SIDEWAYS),
        Action::Right => p.preview.shift(SIDEWAYS),
        _ => {
            if let Some(m) = move_of(action) {
                p.preview.apply(m, page);
            }
        }
    }
    None
}

pub(super) fn open_table(app: &mut App, name: String, line: Option<u64>) -> Option<Effect> {
    let page = app.table_page();
    if let Some(t) = app.table.as_mut().filter(|t| t.name == name) {
        app.screen = Screen::Table;
        if let Some(line) = line {
            t.focus_line(line, page);
        }
        return None;
    }
    let mut view = TableView::new(name.clone());
    view.pending_line = line;
    app.table = Some(view);
    app.screen = Screen::Table;
    app.pane = Pane::Main;
    Some(Effect::LoadTable { name })
}

fn toggle_pick(
    app: &mut App,
    table: String,
    entry: Option<u32>,
    spec: String,
    label: String,
) -> Option<Effect> {
    if app.mode == Mode::ReadOnly {
        app.notice = Some(
            "read-only: there is no live database to restore into (open the console with --db URL)"
                .into(),
        );
        return None;
    }
    match app
        .picks
        .iter()
        .position(|p| p.table == table && p.entry == entry && p.spec == spec)
    {
        Some(i) => {
            app.picks.remove(i);
        }
        None => app.picks.push(Pick {
            table,
            entry,
            spec,
            label,
        }),
    }
    replan(app)
}

fn toggle_dependents(app: &mut App, table: String) -> Option<Effect> {
    let in_backup = app.diff_of(&table).is_none_or(|t| t.backup_rows.is_some());
    if !in_backup {
        app.notice = Some(format!(
            "{} is not in the backup: none of its rows can come back anyway",
            crate::report::visible(&table)
        ));
        return None;
    }
    if !app.excluded.remove(&table) {
        app.excluded.insert(table);
    }
    if app.picks.is_empty() {
        return None;
    }
    replan(app)
}

fn open_search(app: &mut App) {
    app.search_generation += 1;
    let scope = match (&app.screen, &app.table) {
        (super::Screen::Table, Some(t)) if t.rows.is_some() => SearchScope::Table(t.name.clone()),
        _ => SearchScope::Everywhere,
    };
    let mut search = SearchBox::new(scope, app.search_generation);
    search.names = table_names(app, "");
    app.modal = Some(Modal::Search(search));
}

fn table_names(app: &App, query: &str) -> Vec<Found> {
    let names: Vec<&str> = app.tables.iter().map(|t| t.name.as_str()).collect();
    rank_names(query, &names)
        .into_iter()
        .map(|h| Found::Table {
            name: names[h.index].to_owned(),
            positions: h.positions,
        })
        .collect()
}

fn show_plan(app: &mut App) -> Option<Effect> {
    if let Some(why) = cannot_plan(app) {
        app.notice = Some(why);
        return None;
    }
    app.screen = Screen::Plan;
    app.pane = Pane::Main;
    // A failed or cancelled plan is tried again.
    matches!(app.plan, super::PlanState::Failed(_))
        .then(|| replan(app))
        .flatten()
}

/// Why there is no plan to show, in words for the footer.
fn cannot_plan(app: &App) -> Option<String> {
    if app.mode == Mode::ReadOnly {
        return Some("read-only: no live database, so no restore plan".into());
    }
    if app.picks.is_empty() {
        return Some("nothing picked yet: Space picks the focused row or table".into());
    }
    None
}

fn write_plan(app: &mut App) -> Option<Effect> {
    match app.planned() {
        Some(p) if p.data.script.is_some() => Some(Effect::WritePlan {
            generation: app.plan_generation,
        }),
        Some(_) => {
            app.notice =
                Some("the plan is blocked: there is no script to write (p shows why)".into());
            None
        }
        None => {
            app.notice =
                Some(cannot_plan(app).unwrap_or_else(|| "the plan is not ready yet".into()));
            None
        }
    }
}

/// The plan, when it can run; otherwise the reason goes to the footer.
fn runnable(app: &mut App) -> bool {
    let why = match app.planned() {
        Some(p) if p.data.summary.executable => return true,
        Some(p) if p.data.summary.nothing_to_do() => {
            "nothing to do: every picked row is already live".to_owned()
        }
        Some(_) => "the plan is blocked; p shows why".to_owned(),
        None => cannot_plan(app).unwrap_or_else(|| "the plan is not ready yet".into()),
    };
    app.notice = Some(why);
    false
}

fn rehearse(app: &mut App) -> Option<Effect> {
    if !runnable(app) {
        return None;
    }
    start_run(app, RunMode::Rehearse)
}

fn start_run(app: &mut App, mode: RunMode) -> Option<Effect> {
    app.modal = Some(Modal::Running(Running {
        mode,
        done: 0,
        total: 0,
        phase: "starting".into(),
        cancelling: false,
    }));
    Some(Effect::Run {
        generation: app.plan_generation,
        mode,
    })
}

fn ask_to_restore(app: &mut App) {
    if !runnable(app) {
        return;
    }
    let Some(summary) = app.planned().map(|p| &p.data.summary) else {
        return;
    };
    let (inserts, updates) = (summary.rows_to_insert, summary.rows_to_update);
    let database = app.sides.database.clone().unwrap_or_default();
    if database.is_empty() {
        app.notice =
            Some("cannot tell the database's name to confirm with; use lifeboat restore".into());
        return;
    }
    app.modal = Some(Modal::Confirm(Confirm {
        field: TextField::default(),
        database,
        inserts,
        updates,
    }));
}

fn on_modal(app: &mut App, modal: Modal, key: Key) -> Option<Effect> {
    match modal {
        Modal::Help => {
            if !matches!(key.action, Some(Action::Back | Action::Help | Action::Quit)) {
                app.modal = Some(Modal::Help);
            }
            None
        }
        Modal::Palette(p) => on_palette(app, p, key.text),
        Modal::Search(s) => on_search(app, s, key.text),
        Modal::Confirm(c) => on_confirm(app, c, key.text),
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
