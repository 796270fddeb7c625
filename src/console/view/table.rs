//! The open table: a Rows tab (the row list, then the focused row backup |
//! live side by side) and a Schema tab (column-level drift). Only the rows
//! on screen are read from the shared rows: a million-row table draws as
//! fast as a ten-row one.

use super::clip;
use crate::browse::{CellText, RowStatus, TableRows};
use crate::console::app::table_view::{Tab, TableView};
use crate::console::app::App;
use crate::console::theme::{Role, Theme};
use crate::report::visible;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Width of one data column in the row list.
const COLUMN_WIDTH: u16 = 18;

/// Rows the row list shows for a terminal `height` lines high (the update
/// pages by it; the layout below uses the same arithmetic).
pub fn row_list_height(height: u16) -> usize {
    let (list, _) = split_heights(height.saturating_sub(3) /* header, footer */);
    usize::from(list.saturating_sub(4)).max(1) // tabs line, borders, column titles
}

/// Body height → (list block incl. tabs line, detail block).
fn split_heights(body: u16) -> (u16, u16) {
    let detail = (body * 2 / 5).max(5).min(body);
    (body - detail, detail)
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, t: &Theme, focused: bool) {
    let Some(view) = &app.table else {
        return;
    };
    let diff = app.diff_of(&view.name);
    let (list_h, _) = split_heights(area.height);
    let [tabs, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(list_h.saturating_sub(1)),
        Constraint::Min(0),
    ])
    .areas(area);
    draw_tabs(frame, tabs, view, t);
    if view.tab == Tab::Schema {
        let [_, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        super::schema::draw(frame, rest, app, view, diff, t, focused);
        return;
    }
    let Some(rows) = &view.rows else {
        let text = match &view.error {
            Some(e) => format!("Could not read this table: {}", visible(e)),
            None => format!(
                "Reading rows of both sides… {} so far (Esc goes back)",
                view.loading
            ),
        };
        let role = if view.error.is_some() {
            Role::Danger
        } else {
            Role::Muted
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(t.style(role))
                .block(block(&view.name, t, focused)),
            Rect {
                height: area.height.saturating_sub(1),
                ..list
            },
        );
        return;
    };
    draw_rows(frame, list, app, view, &rows.0, t, focused);
    draw_detail(frame, detail, view, &rows.0, t);
}

pub(super) fn block<'a>(title: &str, t: &Theme, focused: bool) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(t.style(if focused { Role::Focus } else { Role::Border }))
        .title(Span::styled(
            format!(" {} ", visible(title)),
            t.style(Role::Title),
        ))
}

fn draw_tabs(frame: &mut Frame<'_>, area: Rect, view: &TableView, t: &Theme) {
    let tab = |name: &'static str, on: bool| {
        Span::styled(
            format!(" {name} "),
            t.style(if on { Role::Selected } else { Role::Muted }),
        )
    };
    let mut spans = vec![
        tab("Rows", view.tab == Tab::Rows),
        Span::raw(" "),
        tab("Schema", view.tab == Tab::Schema),
        Span::styled(
            format!("   showing: {}", view.filter.label()),
            t.style(Role::Text),
        ),
    ];
    if let Some(rows) = &view.rows {
        let c = rows.0.counts();
        let text = if c.backup_only > 0 {
            format!("   {} row(s) in the backup", c.backup_only)
        } else {
            format!(
                "   {} missing live · {} changed · {} only live · {} identical",
                c.missing_live, c.changed, c.only_live, c.identical
            )
        };
        spans.push(Span::styled(text, t.style(Role::Muted)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One character per row status, so the list reads without colour too.
pub fn glyph(status: RowStatus) -> &'static str {
    match status {
        RowStatus::MissingLive => "-",
        RowStatus::Changed => "~",
        RowStatus::OnlyLive => "+",
        RowStatus::Identical => "=",
        RowStatus::BackupOnly => " ",
    }
}

pub fn row_role(status: RowStatus) -> Role {
    match status {
        RowStatus::MissingLive => Role::DiffMissing,
        RowStatus::Changed => Role::DiffChanged,
        RowStatus::OnlyLive => Role::DiffExtra,
        RowStatus::Identical => Role::DiffIdentical,
        RowStatus::BackupOnly => Role::Text,
    }
}

/// A cell for a narrow column: escaped, cut to `width` chars.
fn cell_text(cell: CellText<'_>, width: usize) -> (String, bool) {
    match cell {
        CellText::Absent => (String::new(), false),
        CellText::Null => ("NULL".into(), true),
        CellText::Text(s) | CellText::Other(s) => (clip(&visible(s), width), false),
    }
}

fn draw_rows(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    view: &TableView,
    rows: &TableRows,
    t: &Theme,
    focused: bool,
) {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = view.cursor.window_start(height);
    let data_width = area.width.saturating_sub(6);
    // Whole columns, plus one more in what is left over.
    let ncols = usize::from(data_width / (COLUMN_WIDTH + 1)) + 1;
    let columns: Vec<usize> = (view.column..rows.columns.len()).take(ncols).collect();
    let picked: Vec<u32> = app
        .picks
        .iter()
        .filter(|p| p.table == view.name)
        .filter_map(|p| p.entry)
        .collect();
    let lines = (offset..(offset + height).min(view.len())).filter_map(|line| {
        let entry = view.entry_at(line)?;
        let status = rows.status(entry);
        let mark = if picked.contains(&(entry as u32)) {
            "✓"
        } else {
            " "
        };
        let mut cells = vec![glyph(status).to_owned(), mark.to_owned()];
        for &c in &columns {
            let cell = match rows.backup_cell(entry, c) {
                CellText::Absent => rows.live_cell(entry, c),
                cell => cell,
            };
            cells.push(cell_text(cell, usize::from(COLUMN_WIDTH)).0);
        }
        Some(Row::new(cells).style(t.style(row_role(status))))
    });
    let mut widths = vec![Constraint::Length(1), Constraint::Length(1)];
    widths.extend(columns.iter().map(|_| Constraint::Length(COLUMN_WIDTH)));
    if let Some(last) = widths.last_mut().filter(|_| !columns.is_empty()) {
        *last = Constraint::Fill(1);
    }
    let mut titles = vec![String::new(), String::new()];
    // Key columns are starred, as in the row detail below.
    titles.extend(columns.iter().map(|&c| {
        let col = &rows.columns[c];
        let star = if col.key { "*" } else { "" };
        clip(
            &format!("{star}{}", visible(&col.name)),
            usize::from(COLUMN_WIDTH),
        )
    }));
    let more = if view.column + columns.len() < rows.columns.len() {
        " (l: more columns →)"
    } else {
        ""
    };
    let title = format!(
        "{} — row {} of {}{more}",
        view.name,
        (view.cursor.pos + 1).min(view.len()),
        view.len()
    );
    let table = Table::new(lines, widths)
        .header(Row::new(titles).style(t.style(Role::Title)))
        .block(block(&title, t, focused))
        .row_highlight_style(t.style(Role::Selected));
    let mut state = TableState::default();
    if !view.is_empty() {
        state.select(Some(view.cursor.pos.saturating_sub(offset)));
    }
    frame.render_stateful_widget(table, area, &mut state);
}

/// The focused row, backup | live, one line per column, changed ones marked.
fn draw_detail(frame: &mut Frame<'_>, area: Rect, view: &TableView, rows: &TableRows, t: &Theme) {
    let Some(entry) = view.focused_entry() else {
        frame.render_widget(
            Paragraph::new("No rows to show with this filter (f changes it).")
                .style(t.style(Role::Muted))
                .block(block("row", t, false)),
            area,
        );
        return;
    };
    let status = rows.status(entry);
    let changed = rows.changed_columns(entry);
    let side_width = usize::from(area.width.saturating_sub(24) / 2).max(8);
    let lines = rows
        .columns
        .iter()
        .enumerate()
        .skip(view.column)
        .take(usize::from(area.height.saturating_sub(3)))
        .map(|(i, col)| {
            let (backup, b_null) = cell_text(rows.backup_cell(entry, i), side_width);
            let (live, l_null) = cell_text(rows.live_cell(entry, i), side_width);
            let role = if changed.contains(&i) {
                Role::DiffChanged
            } else if !col.in_live && status != RowStatus::BackupOnly {
                Role::DiffMissing
            } else {
                Role::Text
            };
            let muted = |null: bool| {
                if null {
                    t.style(Role::Muted)
                } else {
                    t.style(role)
                }
            };
            let name = format!(
                "{}{}{}",
                if col.key { "*" } else { "" },
                visible(&col.name),
                if changed.contains(&i) { " ≠" } else { "" }
            );
            Row::new(vec![
                ratatui::widgets::Cell::from(name).style(t.style(role)),
                ratatui::widgets::Cell::from(backup).style(muted(b_null)),
                ratatui::widgets::Cell::from(live).style(muted(l_null)),
            ])
        });
    let where_from = rows
        .line(entry)
        .map(|l| format!(", backup line {l}"))
        .unwrap_or_default();
    let title = format!(
        "{} — {}{where_from}",
        rows.key_text(entry),
        status_words(status)
    );
    let table = Table::new(
        lines,
        [
            Constraint::Length(20),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(vec!["column", "backup", "live"]).style(t.style(Role::Title)))
    .block(block(&title, t, false));
    frame.render_widget(table, area);
}

pub fn status_words(status: RowStatus) -> &'static str {
    match status {
        RowStatus::MissingLive => "missing live",
        RowStatus::Changed => "changed",
        RowStatus::OnlyLive => "only live",
        RowStatus::Identical => "identical",
        RowStatus::BackupOnly => "in the backup",
    }
}
