//! The plan preview (`p`): what is wrong first (blockers, pre-flight
//! failures, warnings), then the summary the CLI prints, then the exact SQL,
//! highlighted. Scrolling draws only the lines on screen.

use super::sql::SqlLines;
use crate::console::app::list::Move;
use crate::console::app::{App, PlanData, PlanState};
use crate::console::theme::{Role, Theme};
use crate::report::visible;
use crate::restore::summary::render_text;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use std::sync::Arc;

/// Section titles of [`render_text`] by how loudly they are shown.
const DANGER: &[&str] = &["Pre-flight failures", "Blocked"];
const WARNING: &[&str] = &["Warnings", "Left out by", "Conflicts"];

/// A plan laid out for reading: summary lines, then the script's lines.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanPreview {
    summary: Vec<(Role, String)>,
    script: Option<Arc<str>>,
    sql: Option<SqlLines>,
    /// First line shown.
    pub top: usize,
    /// Chars cut from the left of every line (h / l scroll sideways).
    pub left: usize,
}

impl PlanPreview {
    pub fn new(plan: &PlanData) -> PlanPreview {
        let sql = plan.script.as_deref().map(SqlLines::index);
        PlanPreview {
            summary: summary_lines(&render_text(&plan.summary)),
            script: plan.script.clone(),
            sql,
            top: 0,
            left: 0,
        }
    }

    /// Lines in all: summary, a separator, the SQL.
    pub fn len(&self) -> usize {
        self.summary.len() + 1 + self.sql.as_ref().map_or(0, SqlLines::len)
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn apply(&mut self, m: Move, page: usize) {
        let last = self.len().saturating_sub(page.max(1));
        self.top = match m {
            Move::Up => self.top.saturating_sub(1),
            Move::Down => self.top + 1,
            Move::PageUp => self.top.saturating_sub(page),
            Move::PageDown => self.top + page,
            Move::Top => 0,
            Move::Bottom => last,
        }
        .min(last);
    }

    /// Scroll sideways by `step` chars (negative: back towards the start).
    pub fn shift(&mut self, step: isize) {
        self.left = self.left.saturating_add_signed(step);
    }

    /// Line `n` of the preview, styled.
    fn line(&self, n: usize, t: &Theme) -> Line<'static> {
        if let Some((role, text)) = self.summary.get(n) {
            return Line::styled(text.clone(), t.style(*role));
        }
        let Some(n) = n.checked_sub(self.summary.len() + 1) else {
            let title = if self.sql.is_some() {
                "── SQL (exactly what runs; w writes it to a file) ──"
            } else {
                "── no SQL: the plan is blocked ──"
            };
            return Line::styled(title, t.style(Role::Title));
        };
        match (&self.sql, &self.script) {
            (Some(sql), Some(script)) => sql.highlight(script, n, t),
            _ => Line::raw(""),
        }
    }
}

/// The CLI's summary, its problem sections moved to the top and coloured.
fn summary_lines(text: &str) -> Vec<(Role, String)> {
    let mut blocks: Vec<(Role, Vec<&str>)> = Vec::new();
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block.lines().collect();
        let Some(first) = lines.first() else {
            continue;
        };
        let role = if DANGER.iter().any(|d| first.starts_with(d)) || first.contains("BLOCKED") {
            Role::Danger
        } else if WARNING.iter().any(|w| first.starts_with(w)) {
            Role::Warning
        } else {
            Role::Text
        };
        blocks.push((role, lines));
    }
    let rank = |r: Role| match r {
        Role::Danger => 0,
        Role::Warning => 1,
        _ => 2,
    };
    // Stable: within a rank the CLI's order stays.
    blocks.sort_by_key(|(r, _)| rank(*r));
    let mut out = Vec::new();
    for (role, lines) in blocks {
        for l in lines {
            out.push((role, visible(l).into_owned()));
        }
        out.push((Role::Text, String::new()));
    }
    out
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, t: &Theme) {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Focus))
        .title(Span::styled(
            " Plan — w write SQL · R rehearse · X restore · Esc back ",
            t.style(Role::Title),
        ));
    let height = usize::from(area.height.saturating_sub(2));
    let lines: Vec<Line> = match &app.plan {
        PlanState::Ready(p) => {
            let preview = &p.preview;
            let end = (preview.top + height).min(preview.len());
            (preview.top..end)
                .map(|n| skip_chars(preview.line(n, t), preview.left))
                .collect()
        }
        PlanState::Planning => vec![Line::styled(
            "Planning: reading both sides and following relations…",
            t.style(Role::Muted),
        )],
        PlanState::Failed(e) => vec![
            Line::styled("The plan could not be made:", t.style(Role::Danger)),
            Line::styled(visible(e).into_owned(), t.style(Role::Danger)),
        ],
        PlanState::Empty => vec![Line::styled(
            "Nothing picked yet: Space picks the focused row or table.",
            t.style(Role::Muted),
        )],
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `line` without its first `n` chars (styles kept).
fn skip_chars(line: Line<'static>, mut n: usize) -> Line<'static> {
    if n == 0 {
        return line;
    }
    let style = line.style;
    let spans: Vec<Span<'static>> = line
        .spans
        .into_iter()
        .filter_map(|s| {
            let len = s.content.chars().count();
            if n >= len {
                n -= len;
                return None;
            }
            let rest: String = s.content.chars().skip(n).collect();
            n = 0;
            Some(Span::styled(rest, s.style))
        })
        .collect();
    Line::from(spans).style(style)
}
