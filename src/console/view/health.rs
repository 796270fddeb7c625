//! The Health screen: a check running (a small box, Esc cancels), then its
//! report over the whole screen, problems first, scrolled with the list
//! keys. The lines were escaped when the report was turned into them.

use super::clip;
use super::modal::{framed, popup};
use crate::console::app::health::{HealthBox, Tone};
use crate::console::theme::{Role, Theme};
use crate::report::visible;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

const TITLE: &str = "Health of the live database, compared with the backup";

fn role(tone: Tone) -> Role {
    match tone {
        Tone::Healthy => Role::Ok,
        Tone::Unhealthy => Role::Danger,
        Tone::Problem => Role::Warning,
        Tone::Heading => Role::Title,
        Tone::Detail => Role::Text,
        Tone::Note => Role::Muted,
    }
}

/// The report takes the screen's body: the header (which database) and
/// the footer (the keys) stay.
fn body(area: Rect) -> Rect {
    let [_, body, _] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    body
}

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, h: &HealthBox, t: &Theme) {
    if let Some(e) = &h.error {
        let width = area.width.saturating_sub(8).min(100);
        let rect = popup(frame, area, width, 6);
        let room = usize::from(width.saturating_sub(2));
        let lines = vec![
            Line::styled(
                clip(&format!("the check failed: {}", visible(e)), room),
                t.style(Role::Danger),
            ),
            Line::raw(""),
            Line::styled("H checks again; Esc closes.", t.style(Role::Muted)),
        ];
        frame.render_widget(
            Paragraph::new(lines).block(framed(TITLE, Role::Danger, t)),
            rect,
        );
        return;
    }
    let Some(checked) = &h.checked else {
        let rect = popup(frame, area, 76, 6);
        let lines = vec![
            Line::styled(
                "Checking: counting rows, scanning relations for orphan rows,",
                t.style(Role::Text),
            ),
            Line::styled(
                "reading sequences, comparing column types with the backup…",
                t.style(Role::Text),
            ),
            Line::raw(""),
            Line::styled(
                "Esc cancels (the check only reads; nothing changes).",
                t.style(Role::Muted),
            ),
        ];
        frame.render_widget(
            Paragraph::new(lines).block(framed(TITLE, Role::Focus, t)),
            rect,
        );
        return;
    };
    let border = if checked.problems == 0 {
        Role::Ok
    } else {
        Role::Danger
    };
    let rect = body(area);
    frame.render_widget(Clear, rect);
    frame.render_widget(framed(TITLE, border, t), rect);
    let [list, hint] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)])
        .areas(rect.inner(Margin::new(1, 1)));
    let rows = usize::from(list.height);
    let room = usize::from(list.width);
    let top = h.scroll.pos.min(checked.lines.len().saturating_sub(1));
    let lines: Vec<Line> = checked
        .lines
        .iter()
        .skip(top)
        .take(rows)
        .map(|l| Line::styled(clip(&l.text, room), t.style(role(l.tone))))
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    let shown_to = (top + rows).min(checked.lines.len());
    let hint_text = format!(
        "lines {}–{shown_to} of {}; ↑↓ pgup/pgdn scroll, H checks again, Esc closes",
        top + 1,
        checked.lines.len()
    );
    frame.render_widget(
        Paragraph::new(clip(&hint_text, room)).style(t.style(Role::Muted)),
        hint,
    );
}
