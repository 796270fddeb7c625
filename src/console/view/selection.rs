//! The Selection panel: what the restore engine will bring back, per table
//! (rows to insert, already there, conflicts; picked, dependents, required
//! parents), each table expandable to its rows and each row to the chain
//! of relations that brought it in.

use crate::console::app::list::{Cursor, Move};
use crate::console::app::{App, PlanData, PlanState};
use crate::console::theme::{Role, Theme};
use crate::report::visible;
use crate::restore::summary::{Explanation, RowKind};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use std::collections::BTreeSet;

/// Rows listed under an expanded table before "… and N more".
const ROWS_SHOWN: usize = 200;
/// Lines a page move jumps.
const PAGE: usize = 10;

/// What the focused line is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    Table(String),
    /// A row: its table and key text.
    Row(String, String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectionState {
    pub cursor: Cursor,
    pub tables: BTreeSet<String>,
    pub rows: BTreeSet<(String, String)>,
}

/// One line of the tree.
enum Item<'a> {
    Table(&'a str),
    /// A table whose dependent rows the operator left out (not in the plan).
    Excluded(&'a str),
    Row(&'a Explanation),
    Step(&'a str),
    More(usize),
}

impl SelectionState {
    fn items<'a>(&self, data: &'a PlanData, excluded: &'a BTreeSet<String>) -> Vec<Item<'a>> {
        let mut out = Vec::new();
        for t in &data.summary.tables {
            out.push(Item::Table(&t.table));
            if !self.tables.contains(&t.table) {
                continue;
            }
            // Explanations name tables already escaped.
            let name = visible(&t.table);
            let rows: Vec<&Explanation> = data
                .explanations
                .iter()
                .filter(|e| e.table == *name)
                .collect();
            for e in rows.iter().take(ROWS_SHOWN) {
                out.push(Item::Row(e));
                if self.rows.contains(&(e.table.clone(), e.key.clone())) {
                    out.extend(e.chain.iter().map(|s| Item::Step(s)));
                }
            }
            if rows.len() > ROWS_SHOWN {
                out.push(Item::More(rows.len() - ROWS_SHOWN));
            }
        }
        let planned = |name: &str| data.summary.tables.iter().any(|t| t.table == name);
        out.extend(
            excluded
                .iter()
                .filter(|e| !planned(e))
                .map(|e| Item::Excluded(e)),
        );
        out
    }

    pub fn apply(&mut self, m: Move, data: &PlanData, excluded: &BTreeSet<String>) {
        let len = self.items(data, excluded).len();
        self.cursor.apply(m, len, PAGE);
    }

    /// Expand or collapse the focused table or row.
    pub fn toggle(&mut self, data: &PlanData, excluded: &BTreeSet<String>) {
        match self.focused(data, excluded) {
            Some(Focus::Table(t)) => flip(&mut self.tables, t),
            Some(Focus::Row(t, k)) => flip(&mut self.rows, (t, k)),
            None => {}
        }
    }

    pub fn focused(&self, data: &PlanData, excluded: &BTreeSet<String>) -> Option<Focus> {
        let items = self.items(data, excluded);
        // A chain step or "more" line belongs to the row or table above it.
        items[..=self.cursor.pos.min(items.len().checked_sub(1)?)]
            .iter()
            .rev()
            .find_map(|item| match item {
                Item::Table(t) | Item::Excluded(t) => Some(Focus::Table((*t).to_owned())),
                Item::Row(e) => Some(Focus::Row(e.table.clone(), e.key.clone())),
                _ => None,
            })
    }
}

/// "insert 3 · update 1": the counts that are not zero.
fn nonzero(counts: &[(&str, usize)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{w} {n}"))
        .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(" · ")
    }
}

/// Add `item` when absent, remove it when present.
fn flip<T: Ord>(set: &mut BTreeSet<T>, item: T) {
    if !set.remove(&item) {
        set.insert(item);
    }
}

fn kind_word(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Picked => "picked",
        RowKind::Dependent => "dependent",
        RowKind::RequiredParent => "needed parent",
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, t: &Theme, focused: bool) {
    let title = format!(" Selection — {} pick(s) ", app.picks.len());
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.style(if focused { Role::Focus } else { Role::Border }))
        .title(Span::styled(title, t.style(Role::Title)));
    let height = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    let planned = match &app.plan {
        PlanState::Ready(p) => p,
        PlanState::Planning => {
            lines.push(Line::styled("Following relations…", t.style(Role::Muted)));
            picks_lines(app, t, &mut lines);
            frame.render_widget(Paragraph::new(lines).block(block), area);
            return;
        }
        PlanState::Failed(e) => {
            lines.push(Line::styled(
                format!("Could not plan: {}", visible(e)),
                t.style(Role::Danger),
            ));
            picks_lines(app, t, &mut lines);
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(ratatui::widgets::Wrap { trim: false })
                    .block(block),
                area,
            );
            return;
        }
        PlanState::Empty => {
            frame.render_widget(Paragraph::new(lines).block(block), area);
            return;
        }
    };
    let data = &planned.data;
    let s = &data.summary;
    let status = if s.executable {
        Line::styled(
            format!(
                "{} to insert, {} to update (p: the SQL)",
                s.rows_to_insert, s.rows_to_update
            ),
            t.style(Role::Ok),
        )
    } else if s.nothing_to_do() {
        Line::styled("Nothing to do: all already live", t.style(Role::Muted))
    } else {
        let problems = s.blockers.len() + s.preflight_failures.len();
        Line::styled(
            format!("BLOCKED by {problems} problem(s) — p shows them"),
            t.style(Role::Danger),
        )
    };
    let state = &planned.selection;
    let items = state.items(data, &app.excluded);
    let rows = height.saturating_sub(1).max(1);
    let offset = state.cursor.window_start(rows);
    lines.push(status);
    for (i, item) in items.iter().enumerate().skip(offset).take(rows) {
        let here = focused && i == state.cursor.pos;
        let line = match item {
            Item::Table(name) => {
                let Some(ts) = s.tables.iter().find(|x| x.table == *name) else {
                    continue;
                };
                let open = if state.tables.contains(*name) {
                    "▾"
                } else {
                    "▸"
                };
                let conflicts = ts.conflict_skipped + ts.conflict_fail;
                let excluded = app.excluded.contains(*name)
                    || app
                        .excluded
                        .iter()
                        .any(|e| name.ends_with(&format!(".{e}")));
                let counts = nonzero(&[
                    ("insert", ts.insert),
                    ("update", ts.update),
                    ("already there", ts.already_there),
                    ("conflicts", conflicts),
                ]);
                let why = nonzero(&[
                    ("picked", ts.picked),
                    ("dependents", ts.dependents),
                    ("parents", ts.required_parents),
                ]);
                let mut spans = vec![
                    Span::styled(format!("{open} {} ", visible(name)), t.style(Role::Title)),
                    Span::styled(
                        counts,
                        t.style(if conflicts > 0 {
                            Role::Warning
                        } else {
                            Role::Text
                        }),
                    ),
                    Span::styled(format!(" ({why})"), t.style(Role::Muted)),
                ];
                if excluded {
                    spans.push(Span::styled(" · not as dependents", t.style(Role::Warning)));
                }
                Line::from(spans)
            }
            Item::Row(e) => {
                let open = if state.rows.contains(&(e.table.clone(), e.key.clone())) {
                    "▾"
                } else {
                    "▸"
                };
                Line::from(vec![
                    Span::styled(format!("  {open} {} ", e.key), t.style(Role::Text)),
                    Span::styled(
                        format!("{} · {}", kind_word(e.kind), e.from),
                        t.style(Role::Muted),
                    ),
                ])
            }
            Item::Excluded(name) => Line::from(vec![
                Span::styled(format!("✗ {} ", visible(name)), t.style(Role::Title)),
                Span::styled(
                    "rows left out as dependents (d brings them back)",
                    t.style(Role::Warning),
                ),
            ]),
            Item::Step(step) => Line::styled(format!("      {step}"), t.style(Role::Muted)),
            Item::More(n) => Line::styled(
                format!("    … and {n} more (lifeboat plan --explain lists all)"),
                t.style(Role::Muted),
            ),
        };
        let line = clip_line(line, width);
        lines.push(if here {
            line.style(t.style(Role::Selected))
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The picks themselves, while there is no plan to show.
fn picks_lines(app: &App, t: &Theme, lines: &mut Vec<Line<'static>>) {
    for p in &app.picks {
        lines.push(Line::styled(
            format!("  ✓ {}", p.label),
            t.style(Role::Text),
        ));
    }
}

/// Cut a line to `width` chars (spans are already escaped).
fn clip_line(line: Line<'static>, width: usize) -> Line<'static> {
    let mut left = width;
    let spans = line
        .spans
        .into_iter()
        .filter_map(|s| {
            if left == 0 {
                return None;
            }
            let n = s.content.chars().count();
            if n <= left {
                left -= n;
                return Some(s);
            }
            let cut = super::clip(&s.content, left);
            left = 0;
            Some(Span::styled(cut, s.style))
        })
        .collect::<Vec<_>>();
    Line::from(spans)
}
