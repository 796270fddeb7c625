//! The snapshot chooser and the "find in other snapshots" box: pure
//! drawings of their state. Names, times and messages come from the
//! folder and pass through `visible()`.

use super::clip;
use crate::console::app::folder::{Chooser, FindBox, LIST_ROWS};
use crate::console::app::App;
use crate::console::theme::{Role, Theme};
use crate::report::visible;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Where a list's focus marker goes.
fn marker(focused: bool, t: &Theme) -> Span<'static> {
    if focused {
        Span::styled("› ", t.style(Role::Focus))
    } else {
        Span::raw("  ")
    }
}

/// The time column: as wide as the longest time shown, within reason.
fn time_width<'a>(times: impl Iterator<Item = Option<&'a String>>) -> usize {
    times
        .map(|t| t.map_or(1, |t| visible(t).chars().count()))
        .max()
        .unwrap_or(1)
        .clamp(10, 40)
}

fn pad(text: &str, width: usize) -> String {
    let text = clip(text, width);
    format!("{text:width$}")
}

/// The snapshot-name column: the longest name as shown, within half the room.
fn name_width<'a>(names: impl Iterator<Item = &'a str>, room: usize) -> usize {
    names
        .map(|n| visible(n).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, (room / 2).max(8))
}

pub(super) fn draw_chooser(frame: &mut Frame<'_>, area: Rect, app: &App, c: &Chooser, t: &Theme) {
    let current = app.folder.as_ref().map(|f| f.current.as_str());
    let width = area.width.saturating_sub(8).min(110);
    let room = usize::from(width.saturating_sub(4));
    let name_w = name_width(c.rows.iter().map(|r| r.name.as_str()), room);
    let time_w = time_width(c.rows.iter().map(|r| r.time.as_ref()));
    let mut lines: Vec<Line> = Vec::new();
    let status = match (&c.error, c.loading, c.rows.len()) {
        (Some(e), _, _) => format!("cannot list the folder: {}", visible(e)),
        (None, true, _) => "reading the folder…".into(),
        (None, false, 0) => "no entries".into(),
        (None, false, n) => {
            format!("{n} entries, oldest first; Enter compares with the focused one")
        }
    };
    lines.push(Line::styled(clip(&status, room), t.style(Role::Muted)));
    let offset = c.cursor.window_start(LIST_ROWS);
    for (i, r) in c.rows.iter().enumerate().skip(offset).take(LIST_ROWS) {
        let time = r
            .time
            .as_deref()
            .map_or_else(|| "-".to_owned(), |t| visible(t).into_owned());
        let what = match (&r.error, r.format) {
            (Some(e), _) => format!("does not open: {}", visible(e)),
            (None, Some(f)) => format!("{} table(s), {f}", r.tables),
            (None, None) => String::new(),
        };
        let shown = if Some(r.name.as_str()) == current {
            "(shown) "
        } else {
            ""
        };
        let role = if r.error.is_some() {
            Role::Muted
        } else {
            Role::Text
        };
        let head = format!(
            "{}  {}  ",
            pad(&visible(&r.name), name_w),
            pad(&time, time_w)
        );
        let rest = room.saturating_sub(head.chars().count() + shown.len());
        lines.push(Line::from(vec![
            marker(i == c.cursor.pos, t),
            Span::styled(head, t.style(role)),
            Span::styled(shown, t.style(Role::Key)),
            Span::styled(clip(&what, rest), t.style(Role::Muted)),
        ]));
    }
    let height = (lines.len() as u16 + 2).max(5);
    let root = app
        .folder
        .as_ref()
        .map(|f| visible(&f.root.display().to_string()).into_owned())
        .unwrap_or_default();
    let rect = super::modal::popup(frame, area, width, height);
    let title = format!("Snapshots in {root}");
    frame.render_widget(
        Paragraph::new(lines).block(super::modal::framed(&title, Role::Focus, t)),
        rect,
    );
}

pub(super) fn draw_find(frame: &mut Frame<'_>, area: Rect, f: &FindBox, t: &Theme) {
    let width = area.width.saturating_sub(8).min(110);
    let room = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    if let Some(e) = &f.error {
        lines.push(Line::styled(
            clip(&format!("find failed: {}", visible(e)), room),
            t.style(Role::Danger),
        ));
    }
    if let Some(p) = &f.progress {
        lines.push(Line::styled(clip(&visible(p), room), t.style(Role::Muted)));
    }
    if let Some(found) = &f.found {
        let name_w = name_width(found.rows.iter().map(|r| r.name.as_str()), room);
        let time_w = time_width(found.rows.iter().map(|r| r.time.as_ref()));
        let offset = f.cursor.window_start(LIST_ROWS);
        for (i, r) in found.rows.iter().enumerate().skip(offset).take(LIST_ROWS) {
            let time = r
                .time
                .as_deref()
                .map_or_else(|| "-".to_owned(), |t| visible(t).into_owned());
            let (answer, role) = match r.holds {
                Some(true) => (format!("holds it ({} row(s))", r.rows), Role::Ok),
                Some(false) => ("does not hold it".to_owned(), Role::Warning),
                None => ("cannot tell".to_owned(), Role::Muted),
            };
            let note = r
                .note
                .as_ref()
                .map(|n| format!(": {}", visible(n)))
                .unwrap_or_default();
            let head = format!(
                "{}  {}  ",
                pad(&visible(&r.name), name_w),
                pad(&time, time_w)
            );
            let rest = room.saturating_sub(head.chars().count());
            lines.push(Line::from(vec![
                marker(i == f.cursor.pos, t),
                Span::styled(head, t.style(Role::Text)),
                Span::styled(clip(&format!("{answer}{note}"), rest), t.style(role)),
            ]));
        }
        lines.push(Line::raw(""));
        let verdict = match (&found.newest, &found.gone_since) {
            (None, _) => "No snapshot holds it.".to_owned(),
            (Some(n), Some(g)) => format!(
                "Newest holding it: {}; gone since {}.",
                visible(n),
                visible(g)
            ),
            (Some(n), None) => format!("Newest holding it: {}; not gone since.", visible(n)),
        };
        lines.push(Line::styled(clip(&verdict, room), t.style(Role::Key)));
        lines.push(Line::styled(
            "Enter compares with the focused snapshot; Esc closes.",
            t.style(Role::Muted),
        ));
    }
    let height = (lines.len() as u16 + 2).max(5);
    let rect = super::modal::popup(frame, area, width, height);
    let title = clip(
        &format!("Find {} in other snapshots", visible(&f.spec)),
        room,
    );
    frame.render_widget(
        Paragraph::new(lines).block(super::modal::framed(&title, Role::Focus, t)),
        rect,
    );
}
