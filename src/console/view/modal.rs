//! Modals drawn over the screen: help, search, palette, the typed
//! confirmation, a restore's progress and its outcome.

use super::{clip, Look};
use crate::console::app::modal::{Confirm, Found, Modal, Outcome, Palette, Running, SearchBox};
use crate::console::app::{App, RunMode};
use crate::console::keymap::Action;
use crate::console::theme::{Role, Theme};
use crate::report::visible;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, modal: &Modal, look: Look<'_>) {
    let t = look.theme;
    match modal {
        Modal::Help(top) => draw_help(frame, area, *top, look),
        Modal::Search(s) => draw_search(frame, area, s, t),
        Modal::Palette(p) => draw_palette(frame, area, p, look),
        Modal::Confirm(c) => draw_confirm(frame, area, app, c, t),
        Modal::Running(r) => draw_running(frame, area, r, t),
        Modal::Outcome(o) => draw_outcome(frame, area, o, t),
        Modal::Snapshots(c) => super::folder::draw_chooser(frame, area, app, c, t),
        Modal::FindInSnapshots(f) => super::folder::draw_find(frame, area, f, t),
        Modal::Health(h) => super::health::draw(frame, area, h, t),
    }
}

/// A box of `width` x `height` centred in `area` (clamped), cleared.
pub(super) fn popup(frame: &mut Frame<'_>, area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    rect
}

pub(super) fn framed<'a>(title: &str, role: Role, t: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(t.style(role))
        .style(t.style(Role::Background))
        .title(Span::styled(format!(" {title} "), t.style(Role::Title)))
}

/// Every binding, from the keymap in use; a window of them from line `top`
/// when the terminal is too short for all.
fn draw_help(frame: &mut Frame<'_>, area: Rect, top: usize, look: Look<'_>) {
    let help: Vec<(String, String)> = Action::ALL
        .iter()
        .map(|&a| (look.keymap.keys_for(a), a.description().to_owned()))
        .collect();
    let key_width = help
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = help
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:<key_width$}  "), look.theme.style(Role::Key)),
                Span::styled(what.clone(), look.theme.style(Role::Text)),
            ])
        })
        .collect();
    lines.push(Line::styled(
        "In search, palette and confirmation boxes you type; Enter accepts, Esc closes.",
        look.theme.style(Role::Muted),
    ));
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let window = crate::console::app::modal::help_window(area.height);
    if window < lines.len() {
        let total = lines.len();
        lines = lines.into_iter().skip(top).take(window).collect();
        lines.push(Line::styled(
            format!(
                "lines {}–{} of {total}; ↑↓ pgup/pgdn scroll",
                top + 1,
                top + lines.len()
            ),
            look.theme.style(Role::Muted),
        ));
    }
    let width = (widest as u16 + 2).min(area.width);
    let rect = popup(frame, area, width, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines).block(framed("Keys", Role::Focus, look.theme)),
        rect,
    );
}

/// Text with the matched chars (indices into its chars) in the key role.
fn highlighted<'a>(text: &str, positions: &[usize], base: Role, t: &Theme) -> Vec<Span<'a>> {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            let role = if positions.contains(&i) {
                Role::Key
            } else {
                base
            };
            Span::styled(c.to_string(), t.style(role))
        })
        .collect()
}

fn input_line<'a>(prompt: &str, text: &str, t: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(prompt.to_owned(), t.style(Role::Key)),
        Span::styled(visible(text).into_owned(), t.style(Role::Text)),
        Span::styled("▏", t.style(Role::Focus)),
    ])
}

fn draw_search(frame: &mut Frame<'_>, area: Rect, s: &SearchBox, t: &Theme) {
    use crate::console::app::modal::SearchScope;
    let title = match &s.scope {
        SearchScope::Everywhere => "Search: table names, and rows of every backup table".to_owned(),
        SearchScope::Table(name) => format!("Search rows of {}", visible(name)),
    };
    let width = area.width.saturating_sub(8).min(110);
    let rect = popup(frame, area, width, 16);
    frame.render_widget(framed(&title, Role::Focus, t), rect);
    let inner = rect.inner(ratatui::layout::Margin::new(1, 1));
    let [input, status, results] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(input_line("/ ", &s.field.text, t)), input);
    let status_text = match (&s.progress, s.len()) {
        (Some(p), n) => format!("{n} found so far; {}", visible(p)),
        (None, 0) if s.field.text.is_empty() => "type to search; Enter goes to the result".into(),
        (None, 0) => "nothing found".into(),
        (None, n) => format!("{n} found; ↑↓ choose, Enter go, Esc close"),
    };
    frame.render_widget(
        Paragraph::new(status_text).style(t.style(Role::Muted)),
        status,
    );
    let rows = usize::from(results.height);
    let offset = s.cursor.window_start(rows);
    let width = usize::from(results.width);
    let lines: Vec<Line> = s
        .results()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, found)| {
            let mut spans = match found {
                Found::Table { name, positions } => {
                    let mut spans = vec![Span::styled("table  ", t.style(Role::Muted))];
                    spans.extend(highlighted(&visible(name), positions, Role::Text, t));
                    spans
                }
                Found::Row {
                    table,
                    line,
                    column,
                    snippet,
                    positions,
                    ..
                } => {
                    let at = line.map(|l| format!(":{l}")).unwrap_or_default();
                    let head = format!("{}{at} {}: ", visible(table), visible(column));
                    let room = width.saturating_sub(head.chars().count() + 2);
                    let shown: String = snippet.chars().take(room).collect();
                    let mut spans = vec![Span::styled(head, t.style(Role::Muted))];
                    spans.extend(highlighted(&shown, positions, Role::Text, t));
                    spans
                }
            };
            if i == s.cursor.pos {
                spans.insert(0, Span::styled("› ", t.style(Role::Focus)));
            } else {
                spans.insert(0, Span::raw("  "));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), results);
}

fn draw_palette(frame: &mut Frame<'_>, area: Rect, p: &Palette, look: Look<'_>) {
    let t = look.theme;
    let titles = crate::console::app::palette::COMMANDS;
    let rect = popup(frame, area, 70, (p.hits.len() as u16 + 4).min(18));
    frame.render_widget(framed("Commands", Role::Focus, t), rect);
    let inner = rect.inner(ratatui::layout::Margin::new(1, 1));
    let [input, results] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    frame.render_widget(Paragraph::new(input_line(": ", &p.field.text, t)), input);
    let rows = usize::from(results.height);
    let offset = p.cursor.window_start(rows);
    let lines: Vec<Line> = p
        .hits
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .filter_map(|(i, hit)| {
            let (title, command) = titles.get(hit.index)?;
            let mut spans = vec![Span::raw(if i == p.cursor.pos { "› " } else { "  " })];
            spans.extend(highlighted(title, &hit.positions, Role::Text, t));
            if let crate::console::app::palette::Command::Action(a) = command {
                spans.push(Span::styled(
                    format!("  {}", look.keymap.keys_for(*a)),
                    t.style(Role::Muted),
                ));
            }
            Some(Line::from(spans))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), results);
}

fn draw_confirm(frame: &mut Frame<'_>, area: Rect, app: &App, c: &Confirm, t: &Theme) {
    let target = app.sides.live.as_deref().unwrap_or("");
    // A schema repair changes structure too: say so before the name is typed.
    let ddl = app
        .planned()
        .and_then(|p| p.data.summary.schema_repair.as_ref())
        .map_or(0, |r| r.statements.len());
    let what = if ddl > 0 {
        format!(
            "This runs {ddl} schema statement(s), {} INSERT(s) and {} UPDATE(s) on",
            c.inserts, c.updates
        )
    } else {
        format!(
            "This writes {} INSERT(s) and {} UPDATE(s) to",
            c.inserts, c.updates
        )
    };
    let lines = vec![
        Line::styled(what, t.style(Role::Text)),
        Line::styled(format!("  {}", visible(target)), t.style(Role::Warning)),
        Line::styled(
            "in one transaction, then verifies it and writes an undo script.",
            t.style(Role::Text),
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Type the database name ", t.style(Role::Text)),
            Span::styled(visible(&c.database).into_owned(), t.style(Role::Key)),
            Span::styled(" and press Enter.", t.style(Role::Text)),
        ]),
        Line::styled(
            "Anything else, or Esc, cancels; nothing is written until then.",
            t.style(Role::Muted),
        ),
        Line::raw(""),
        input_line("> ", &c.field.text, t),
    ];
    let rect = popup(frame, area, 76, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(framed("Restore into the live database?", Role::Danger, t)),
        rect,
    );
}

fn draw_running(frame: &mut Frame<'_>, area: Rect, r: &Running, t: &Theme) {
    let title = match r.mode {
        RunMode::Rehearse => "Rehearsing (will be rolled back)",
        RunMode::Commit => "Restoring",
    };
    let rect = popup(frame, area, 70, 7);
    frame.render_widget(framed(title, Role::Focus, t), rect);
    let inner = rect.inner(ratatui::layout::Margin::new(1, 1));
    let [phase, gauge, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(visible(&r.phase).into_owned()).style(t.style(Role::Text)),
        phase,
    );
    let ratio = if r.total == 0 {
        0.0
    } else {
        (r.done as f64 / r.total as f64).clamp(0.0, 1.0)
    };
    frame.render_widget(
        Gauge::default()
            .gauge_style(t.style(Role::Ok))
            .label(format!("{} / {} statements", r.done, r.total))
            .ratio(ratio),
        gauge,
    );
    let hint_text = if r.cancelling {
        "cancelling: the transaction is being rolled back…"
    } else {
        "Esc cancels: the transaction is rolled back, nothing changes"
    };
    frame.render_widget(Paragraph::new(hint_text).style(t.style(Role::Muted)), hint);
}

fn draw_outcome(frame: &mut Frame<'_>, area: Rect, o: &Outcome, t: &Theme) {
    let role = if o.ok { Role::Ok } else { Role::Danger };
    let height = (o.lines.len() as u16 + 4)
        .min(area.height.saturating_sub(2))
        .max(6);
    let width = area.width.saturating_sub(6).min(110);
    let rect = popup(frame, area, width, height);
    let room = usize::from(width.saturating_sub(2));
    let mut lines: Vec<Line> = o
        .lines
        .iter()
        .skip(o.scroll)
        .map(|l| Line::styled(clip(&visible(l), room), t.style(Role::Text)))
        .collect();
    lines.push(Line::styled(
        "Enter or Esc closes; ↑↓ scroll.",
        t.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines).block(framed(&o.title, role, t)), rect);
}
