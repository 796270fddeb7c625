//! What a key does, wherever the operator is: a modal first, then the
//! focused pane of the current screen, then the keys that work everywhere.

use super::modal::{Confirm, Found, Modal, Palette, Running, SearchBox, SearchScope, TextField};
use super::palette;
use super::table_view::{Tab, TableView};
use super::{move_of, replan, App, Effect, Key, Mode, Pane, Pick, RunMode, Screen};
use crate::console::keymap::Action;
use crate::console::search::rank_names;
use crate::console::view::selection::Focus;

/// Chars the plan preview scrolls sideways per key.
const SIDEWAYS: isize = 16;

pub(super) fn on_key(app: &mut App, key: Key) -> Option<Effect> {
    if let Some(modal) = app.modal.take() {
        return super::modal_keys::on_modal(app, modal, key);
    }
    app.notice = None;
    let action = key.action?;
    on_action(app, action)
}

pub(super) fn on_action(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Quit => return Some(Effect::Quit),
        Action::Help => app.modal = Some(Modal::Help(0)),
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
        Action::Snapshots => return super::folder::open_chooser(app),
        Action::FindInSnapshots => return super::folder::find_focused_row(app),
        Action::Health => return super::health::start(app),
        Action::RepairSchema => return super::repair::toggle_table(app),
        Action::AcceptInferred => return super::repair::toggle_inferred(app),
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
    if let Some(effect) = super::repair::on_schema(app, action) {
        return effect;
    }
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
    let (data, selection, excluded) = (&planned.data, &mut planned.selection, &app.excluded);
    if let Some(m) = move_of(action) {
        selection.apply(m, data, excluded);
        return None;
    }
    match action {
        Action::Open | Action::Right => selection.toggle(data, excluded),
        Action::Back | Action::NextPane | Action::PrevPane | Action::Left => app.pane = Pane::Main,
        Action::ToggleDependents => {
            if let Some(Focus::Table(name) | Focus::Row(name, _)) =
                selection.focused(data, excluded)
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
    if !app.has_work() {
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

pub(super) fn table_names(app: &App, query: &str) -> Vec<Found> {
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
pub(super) fn cannot_plan(app: &App) -> Option<String> {
    if app.mode == Mode::ReadOnly {
        return Some("read-only: no live database, so no restore plan".into());
    }
    if !app.has_work() {
        return Some(
            "nothing picked yet: Space picks the focused row or table, M repairs its structure"
                .into(),
        );
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

pub(super) fn start_run(app: &mut App, mode: RunMode) -> Option<Effect> {
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
