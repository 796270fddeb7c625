//! The open table's Schema tab: whether its structure is repaired (`M`),
//! the columns whose backup values can be written back (a cursor; Space
//! toggles), then the rest of the column-level drift.

use super::status_role as table_role;
use super::table::block;
use super::{clip, repair as marks};
use crate::console::app::repair::{pickable_columns, ColumnKind};
use crate::console::app::table_view::TableView;
use crate::console::app::{status_label, App};
use crate::console::theme::{Role, Theme};
use crate::diff::{TableDiff, TableStatus};
use crate::report::visible;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    view: &TableView,
    diff: Option<&TableDiff>,
    t: &Theme,
    focused: bool,
) {
    let Some(d) = diff else {
        frame.render_widget(
            Paragraph::new("").block(block(&view.name, t, focused)),
            area,
        );
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(
        format!("status: {}", status_label(d)),
        t.style(table_role(d.status)),
    ));
    if let Some(k) = &d.key {
        lines.push(Line::from(format!(
            "rows matched on: {} ({})",
            visible(&k.columns.join(", ")),
            k.source.replace('_', " ")
        )));
    }
    structure_lines(app, d, t, &mut lines);
    // The focused column's line, to keep it on screen.
    let focus_line = write_back_lines(app, view, d, t, &mut lines);
    drift_lines(d, t, &mut lines);
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    let scroll = focus_line.map_or(0, |l| (l + 1).saturating_sub(height));
    frame.render_widget(
        Paragraph::new(lines)
            .style(t.style(Role::Text))
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(block(&format!("{} — schema", view.name), t, focused)),
        area,
    );
}

/// Whether `M` repairs this table, and what that means for it.
fn structure_lines(app: &App, d: &TableDiff, t: &Theme, lines: &mut Vec<Line<'static>>) {
    let repaired = app.repair.repairs(d);
    let what = if d.status == TableStatus::TableMissing {
        "recreate the table from the backup"
    } else if !d.schema.missing_columns.is_empty() || !d.schema.missing_constraints.is_empty() {
        "add its missing columns and constraints"
    } else {
        return;
    };
    let (text, role) = if repaired {
        ("Structure: REPAIRED (M: stop)", Role::Ok)
    } else {
        ("Structure: not repaired (M: repair it)", Role::Muted)
    };
    lines.push(Line::styled(text, t.style(role)));
    let tense = if repaired { "the plan will" } else { "M would" };
    lines.push(Line::styled(format!("  {tense} {what}"), t.style(role)));
    if marks::table_inferred(app, &d.name) {
        lines.push(Line::styled(
            "  types INFERRED from the values (no DDL in the backup)",
            t.style(Role::Danger),
        ));
        let (text, role) = if app.repair.accept_inferred {
            (
                "  accepted (I: no longer accept); p shows each",
                Role::Warning,
            )
        } else {
            ("  p shows each; I accepts them", Role::Danger)
        };
        lines.push(Line::styled(text, t.style(role)));
    }
}

/// The columns Space can write back, each with its mark; returns the index
/// of the focused column's line.
fn write_back_lines(
    app: &App,
    view: &TableView,
    d: &TableDiff,
    t: &Theme,
    lines: &mut Vec<Line<'static>>,
) -> Option<usize> {
    let columns = pickable_columns(d);
    if columns.is_empty() {
        return None;
    }
    let chosen = app.repair.written_back(&d.name);
    lines.push(Line::styled(
        "Columns to write back into the live rows by key (Space toggles):",
        t.style(Role::Title),
    ));
    let mut focus = None;
    for (i, (name, kind)) in columns.iter().enumerate() {
        let mark = if chosen.contains(&name.as_str()) {
            "[x]"
        } else {
            "[ ]"
        };
        let (why, role) = match kind {
            ColumnKind::MissingLive => ("missing live".to_owned(), Role::DiffMissing),
            ColumnKind::Changed(n) => (format!("{n} row(s) differ"), Role::DiffChanged),
        };
        let here = i == view.schema_cursor.pos;
        let text = format!(
            "{} {mark} {}  ({why})",
            if here { "▸" } else { " " },
            clip(&visible(name), 60)
        );
        if here {
            focus = Some(lines.len());
        }
        let style = if here {
            t.style(Role::Selected)
        } else {
            t.style(role)
        };
        lines.push(Line::styled(text, style));
    }
    focus
}

/// Columns only live, type mismatches, constraints, values that no longer fit.
fn drift_lines(d: &TableDiff, t: &Theme, lines: &mut Vec<Line<'static>>) {
    let head = |s: &str| Line::styled(s.to_owned(), t.style(Role::Title));
    let s = &d.schema;
    if s.is_empty() && d.status != TableStatus::TableMissing {
        lines.push(Line::styled(
            "columns, types and constraints match the backup".to_owned(),
            t.style(Role::Ok),
        ));
    }
    if !s.extra_columns.is_empty() {
        lines.push(head("Columns only live:"));
        for c in &s.extra_columns {
            lines.push(Line::styled(
                format!("  + {}", visible(c)),
                t.style(Role::DiffExtra),
            ));
        }
    }
    if !s.type_mismatches.is_empty() {
        lines.push(head("Type mismatches (backup → live):"));
        for m in &s.type_mismatches {
            let bad = if m.incompatible_values > 0 {
                format!(", {} value(s) will not fit", m.incompatible_values)
            } else {
                String::new()
            };
            lines.push(Line::styled(
                format!(
                    "  ~ {}: {} → {}{bad}",
                    visible(&m.column),
                    visible(m.backup_type.as_deref().unwrap_or("(from the data)")),
                    visible(&m.live_type)
                ),
                t.style(Role::DiffChanged),
            ));
        }
    }
    if !s.missing_constraints.is_empty() {
        lines.push(head("Constraints in the backup, missing live:"));
        for c in &s.missing_constraints {
            lines.push(Line::styled(
                format!("  - {}", visible(&c.definition)),
                t.style(Role::DiffMissing),
            ));
        }
    }
    if !d.incompatible.is_empty() {
        lines.push(head(
            "Backup values that do not fit the live column (samples):",
        ));
        for v in d.incompatible.iter().take(20) {
            lines.push(Line::styled(
                format!(
                    "  line {}: {} = {} ({})",
                    v.line,
                    visible(&v.column),
                    clip(&visible(&v.value), 40),
                    visible(&v.reason)
                ),
                t.style(Role::Warning),
            ));
        }
    }
}
