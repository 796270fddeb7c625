//! Drawing: a pure function of [`App`] onto a ratatui frame. Only what is
//! visible is drawn, and every backup-derived text passes through
//! [`visible`] so no control character reaches the terminal.

mod folder;
mod health;
mod modal;
pub mod plan;
pub mod repair;
mod schema;
pub mod selection;
pub mod sql;
pub mod table;

use super::app::{status_label, App, Mode, Pane, Screen};
use super::keymap::{Action, Keymap};
use super::theme::{Role, Theme};
use crate::diff::TableStatus;
use crate::report::visible;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// How things look and which keys do what: the theme's semantic roles and
/// the keymap (the footer and help show the operator's own bindings).
#[derive(Clone, Copy)]
pub struct Look<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
}

pub fn draw(frame: &mut Frame<'_>, app: &App, look: Look<'_>) {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    let t = look.theme;
    frame.render_widget(Block::new().style(t.style(Role::Background)), frame.area());
    draw_header(frame, header, app, t);
    let (main, side) = if app.shows_selection() {
        // The focused pane gets the room: why-chains are long.
        let side_share = if app.pane == Pane::Selection { 60 } else { 40 };
        let [main, side] = Layout::horizontal([
            Constraint::Percentage(100 - side_share),
            Constraint::Percentage(side_share),
        ])
        .areas(body);
        (main, Some(side))
    } else {
        (body, None)
    };
    let main_focused = app.pane == Pane::Main && app.modal.is_none();
    match app.screen {
        Screen::Tables => draw_tables(frame, main, app, t, main_focused),
        Screen::Table => table::draw(frame, main, app, t, main_focused),
        Screen::Plan => plan::draw(frame, body, app, t),
    }
    if let Some(side) = side {
        selection::draw(frame, side, app, t, app.pane == Pane::Selection);
    }
    draw_footer(frame, footer, app, look);
    if let Some(m) = &app.modal {
        modal::draw(frame, frame.area(), app, m, look);
    }
}

fn draw_header(frame: &mut Frame<'_>, area: Rect, app: &App, t: &Theme) {
    let mode = match app.mode {
        Mode::Live => Span::styled(" LIVE ", t.style(Role::ModeLive)),
        Mode::ReadOnly => Span::styled(" READ-ONLY ", t.style(Role::ModeReadonly)),
    };
    let live = app.sides.live.as_deref().map_or_else(
        || "(none: exploring the backup)".to_owned(),
        |l| visible(l).into_owned(),
    );
    let backup = match &app.sides.backup_time {
        Some(t) => format!("{} (taken {})", visible(&app.sides.backup), visible(t)),
        None => visible(&app.sides.backup).into_owned(),
    };
    let picks = match app.picks.len() {
        0 => String::new(),
        n => format!("   {n} pick(s)"),
    };
    let lines = vec![
        Line::from(vec![
            mode,
            Span::raw(format!(" live:   {live}")),
            Span::styled(picks, t.style(Role::Key)),
            Span::styled(repair::header_text(app), t.style(Role::Warning)),
        ]),
        Line::from(format!(
            "{:width$} backup: {backup}",
            "",
            width = mode_width(app.mode)
        )),
    ];
    frame.render_widget(Paragraph::new(lines).style(t.style(Role::Text)), area);
}

fn mode_width(mode: Mode) -> usize {
    match mode {
        Mode::Live => " LIVE ".len(),
        Mode::ReadOnly => " READ-ONLY ".len(),
    }
}

/// At most `width` chars of already-visible text, with `…` when cut.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn draw_tables(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let loading = match (app.loaded, &app.error) {
        (_, Some(e)) => format!(" Tables — loading failed: {} ", visible(e)),
        (Some(n), None) => format!(" Tables ({n}) "),
        (None, None) => format!(" Tables — comparing… {} so far ", app.tables.len()),
    };
    let count = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    // Without a live side there is nothing to compare: tables are just listed.
    let exploring = app.sides.live.is_none();
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = app.list.window_start(height);
    let rows = app.tables.iter().skip(offset).take(height).map(|t| {
        let (mark, status) = if exploring {
            (" ", "in the backup".to_owned())
        } else {
            (glyph(t.status), status_label(t))
        };
        let picked = if app.picks.iter().any(|p| p.table == t.name) {
            "✓"
        } else {
            " "
        };
        let excluded = if app.excluded.contains(&t.name) {
            " (not as dependents)"
        } else {
            ""
        };
        let repaired = repair::table_marker(&app.repair, t);
        Row::new(vec![
            mark.to_owned(),
            picked.to_owned(),
            format!("{}{repaired}{excluded}", visible(&t.name)),
            status,
            count(t.backup_rows),
            count(t.live_rows),
        ])
        .style(theme.style(status_role(t.status)))
    });
    let widths = [
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    let table = Table::new(rows, widths)
        .header(
            Row::new(vec!["", "", "table", "status", "backup", "live"])
                .style(theme.style(Role::Title)),
        )
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme.style(if focused { Role::Focus } else { Role::Border }))
                .title(Span::styled(loading, theme.style(Role::Title))),
        )
        .row_highlight_style(theme.style(Role::Selected));
    let mut state = TableState::default();
    if !app.tables.is_empty() {
        state.select(Some(app.list.pos.saturating_sub(offset)));
    }
    frame.render_stateful_widget(table, area, &mut state);
}

/// One character per status, so the list reads without colour too.
fn glyph(status: TableStatus) -> &'static str {
    match status {
        TableStatus::TableMissing => "✗",
        TableStatus::RowsMissing => "-",
        TableStatus::RowsChanged => "~",
        TableStatus::SchemaDrift => "!",
        TableStatus::OnlyInLive => "+",
        TableStatus::Identical => "=",
    }
}

/// The theme role of a table's status.
pub(crate) fn status_role(status: TableStatus) -> Role {
    match status {
        TableStatus::TableMissing | TableStatus::RowsMissing => Role::DiffMissing,
        TableStatus::RowsChanged | TableStatus::SchemaDrift => Role::DiffChanged,
        TableStatus::OnlyInLive => Role::DiffExtra,
        TableStatus::Identical => Role::DiffIdentical,
    }
}

/// The keys that work here, in the operator's own bindings; a notice, when
/// there is one, takes the line.
fn draw_footer(frame: &mut Frame<'_>, area: Rect, app: &App, look: Look<'_>) {
    if let Some(notice) = &app.notice {
        frame.render_widget(
            Paragraph::new(visible(notice).into_owned()).style(look.theme.style(Role::Warning)),
            area,
        );
        return;
    }
    let mut spans = Vec::new();
    for action in footer_actions(app) {
        spans.push(Span::styled(
            look.keymap.keys_for(action),
            look.theme.style(Role::Key),
        ));
        spans.push(Span::styled(
            format!(" {}  ", action.short()),
            look.theme.style(Role::Muted),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What works in the current place, most useful first.
pub fn footer_actions(app: &App) -> Vec<Action> {
    use super::app::modal::Modal;
    use Action::*;
    let live = app.mode == Mode::Live;
    let picked = app.has_work();
    let mut keys = match (&app.modal, app.screen, app.pane) {
        (Some(Modal::Running(_)), _, _) => return vec![Back],
        (Some(Modal::Health(h)), _, _) if h.running() => return vec![Back],
        (Some(Modal::Health(_)), _, _) => return vec![Down, PageDown, Health, Back],
        (Some(Modal::Help(_) | Modal::Outcome(_)), _, _) => return vec![Back],
        (Some(_), _, _) => return vec![Open, Back],
        (None, Screen::Plan, _) => vec![Down, PageDown, Right, WritePlan, Rehearse, Restore, Back],
        (None, _, Pane::Selection) => vec![Down, Open, ToggleDependents, NextPane],
        (None, Screen::Tables, _) => {
            let mut k = vec![Down, Open, Search];
            if live {
                k.push(Pick);
            }
            if live && app.focused().is_some_and(super::app::repair::needs_repair) {
                k.push(RepairSchema);
            }
            if app.folder.is_some() {
                k.push(Snapshots);
            }
            k
        }
        (None, Screen::Table, _) => {
            let mut k = vec![Down, Back, Search, ToggleFilter, NextPane, Right];
            if live {
                k.insert(1, Pick);
            }
            let open = app.table.as_ref().and_then(|v| app.diff_of(&v.name));
            if live && open.is_some_and(super::app::repair::needs_repair) {
                k.insert(2, RepairSchema);
            }
            if app.folder.is_some() {
                k.insert(2, FindInSnapshots);
            }
            k
        }
    };
    if live && picked && app.screen != Screen::Plan {
        keys.extend([Plan, Rehearse, Restore]);
    }
    keys.extend([Palette, Help, Quit]);
    keys
}
