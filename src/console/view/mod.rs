//! Drawing: a pure function of [`App`] onto a ratatui frame. Only what is
//! visible is drawn, and every backup-derived text passes through
//! [`visible`] so no control character reaches the terminal.

use super::app::{status_label, App, Mode, Screen};
use crate::diff::TableStatus;
use crate::report::visible;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Height of the list area for `area` (the edge tells [`App`] on resize).
pub fn list_rows(area: Rect) -> usize {
    // header 2 lines, footer 1, block borders 2, column titles 1
    usize::from(area.height.saturating_sub(6)).max(1)
}

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(frame, header, app);
    match app.screen {
        Screen::Tables => draw_tables(frame, body, app),
        Screen::Table(i) => draw_table_summary(frame, body, app, i),
    }
    draw_footer(frame, footer, app);
    if app.help {
        draw_help(frame, frame.area());
    }
}

fn draw_header(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mode = match app.mode {
        Mode::Live => Span::styled(
            " LIVE ",
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        ),
        Mode::ReadOnly => Span::styled(" READ-ONLY ", Style::new().add_modifier(Modifier::BOLD)),
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
    frame.render_widget(Paragraph::new(lines), area);
}

fn mode_width(mode: Mode) -> usize {
    match mode {
        Mode::Live => " LIVE ".len(),
        Mode::ReadOnly => " READ-ONLY ".len(),
    }
}

fn draw_tables(frame: &mut Frame<'_>, area: Rect, app: &App) {
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
            .style(status_style(t.status))
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
            Row::new(vec!["", "table", "status", "backup", "live"])
                .style(Style::new().add_modifier(Modifier::BOLD)),
        )
        .block(Block::new().borders(Borders::ALL).title(loading))
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
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

fn status_style(status: TableStatus) -> Style {
    match status {
        TableStatus::TableMissing | TableStatus::RowsMissing => {
            Style::new().add_modifier(Modifier::BOLD)
        }
        TableStatus::Identical => Style::new().add_modifier(Modifier::DIM),
        _ => Style::new(),
    }
}

fn draw_table_summary(frame: &mut Frame<'_>, area: Rect, app: &App, i: usize) {
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
        .title(format!(" {} ", visible(&t.name)));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_footer(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let keys = match (app.help, app.screen) {
        (true, _) => "Esc close help",
        (false, Screen::Tables) => "↑↓/jk move  PgUp/PgDn page  Enter open  ? help  q quit",
        (false, Screen::Table(_)) => "Esc back  ? help  q quit",
    };
    frame.render_widget(
        Paragraph::new(keys).style(Style::new().add_modifier(Modifier::DIM)),
        area,
    );
}

fn draw_help(frame: &mut Frame<'_>, area: Rect) {
    let bindings = [
        ("↑ ↓  k j", "move"),
        ("PgUp PgDn", "page"),
        ("g G", "first / last"),
        ("Enter", "open the table"),
        ("Esc", "back"),
        ("?", "this help"),
        ("q", "quit"),
    ];
    let lines: Vec<Line> = bindings
        .iter()
        .map(|(k, what)| Line::from(format!("{k:<12} {what}")))
        .collect();
    let width = 40.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(" Keys ")),
        popup,
    );
}
