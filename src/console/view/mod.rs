//! Drawing: a pure function of [`App`] onto a ratatui frame. Only what is
//! visible is drawn, and every backup-derived text passes through
//! [`visible`] so no control character reaches the terminal.

use super::app::{status_label, App, Mode, Screen};
use super::keymap::{Action, Keymap};
use super::theme::{Role, Theme};
use crate::diff::TableStatus;
use crate::report::visible;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Height of the list area for `area` (the edge tells [`App`] on resize).
pub fn list_rows(area: Rect) -> usize {
    // header 2 lines, footer 1, block borders 2, column titles 1
    usize::from(area.height.saturating_sub(6)).max(1)
}

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
    match app.screen {
        Screen::Tables => draw_tables(frame, body, app, t),
        Screen::Table(i) => draw_table_summary(frame, body, app, i, t),
    }
    draw_footer(frame, footer, app, look);
    if app.help {
        draw_help(frame, frame.area(), look);
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
    let lines = vec![
        Line::from(vec![mode, Span::raw(format!(" live:   {live}"))]),
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

fn draw_tables(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let loading = match (app.loaded, &app.error) {
        (_, Some(e)) => format!(" Tables — loading failed: {} ", visible(e)),
        (Some(n), None) => format!(" Tables ({n}) "),
        (None, None) => format!(" Tables — comparing… {} so far ", app.tables.len()),
    };
    let count = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    // Without a live side there is nothing to compare: tables are just listed.
    let exploring = app.sides.live.is_none();
    let rows = app
        .tables
        .iter()
        .skip(app.offset)
        .take(app.visible_rows)
        .map(|t| {
            let (mark, status) = if exploring {
                (" ", "in the backup".to_owned())
            } else {
                (glyph(t.status), status_label(t))
            };
            Row::new(vec![
                mark.to_owned(),
                visible(&t.name).into_owned(),
                status,
                count(t.backup_rows),
                count(t.live_rows),
            ])
            .style(theme.style(status_role(t.status)))
        });
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    let table = Table::new(rows, widths)
        .header(
            Row::new(vec!["", "table", "status", "backup", "live"]).style(theme.style(Role::Title)),
        )
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme.style(Role::Focus))
                .title(Span::styled(loading, theme.style(Role::Title))),
        )
        .row_highlight_style(theme.style(Role::Selected));
    let mut state = TableState::default();
    if !app.tables.is_empty() {
        state.select(Some(app.cursor.saturating_sub(app.offset)));
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
fn status_role(status: TableStatus) -> Role {
    match status {
        TableStatus::TableMissing | TableStatus::RowsMissing => Role::DiffMissing,
        TableStatus::RowsChanged | TableStatus::SchemaDrift => Role::DiffChanged,
        TableStatus::OnlyInLive => Role::DiffExtra,
        TableStatus::Identical => Role::DiffIdentical,
    }
}

fn draw_table_summary(frame: &mut Frame<'_>, area: Rect, app: &App, i: usize, theme: &Theme) {
    let Some(t) = app.tables.get(i) else {
        return;
    };
    let mut lines = vec![
        Line::from(format!("status:    {}", status_label(t))),
        Line::from(format!(
            "rows:      {} in the backup, {} live",
            t.backup_rows.map_or_else(|| "-".into(), |n| n.to_string()),
            t.live_rows.map_or_else(|| "-".into(), |n| n.to_string())
        )),
        Line::from(format!(
            "missing {}, changed {}, new {}, identical {}",
            t.missing, t.changed, t.extra, t.identical
        )),
    ];
    for c in &t.schema.missing_columns {
        lines.push(Line::from(format!("column {} is missing live", visible(c))));
    }
    for m in &t.schema.type_mismatches {
        lines.push(Line::from(format!(
            "column {}: backup {} / live {}",
            visible(&m.column),
            visible(m.backup_type.as_deref().unwrap_or("?")),
            visible(&m.live_type)
        )));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Focus))
        .title(Span::styled(
            format!(" {} ", visible(&t.name)),
            theme.style(Role::Title),
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.style(Role::Text))
            .block(block),
        area,
    );
}

/// The keys that work here, in the operator's own bindings.
fn draw_footer(frame: &mut Frame<'_>, area: Rect, app: &App, look: Look<'_>) {
    let actions: &[Action] = match (app.help, app.screen) {
        (true, _) => &[Action::Back],
        (false, Screen::Tables) => &[
            Action::Up,
            Action::Down,
            Action::PageDown,
            Action::Open,
            Action::Help,
            Action::Quit,
        ],
        (false, Screen::Table(_)) => &[Action::Back, Action::Help, Action::Quit],
    };
    let mut spans = Vec::new();
    for &action in actions {
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

/// Every binding, from the keymap in use.
fn draw_help(frame: &mut Frame<'_>, area: Rect, look: Look<'_>) {
    // Only what works today: a key that does nothing is worse than none.
    let help: Vec<(String, String)> = Action::ALL
        .iter()
        .filter(|a| super::app::intent(**a).is_some())
        .map(|&a| (look.keymap.keys_for(a), a.description().to_owned()))
        .collect();
    let key_width = help
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = help
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:<key_width$}  "), look.theme.style(Role::Key)),
                Span::styled(what.clone(), look.theme.style(Role::Text)),
            ])
        })
        .collect();
    let width = (key_width as u16 + 48).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(look.theme.style(Role::Focus))
                .title(Span::styled(" Keys ", look.theme.style(Role::Title))),
        ),
        popup,
    );
}
