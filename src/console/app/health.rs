//! The Health screen: `lifeboat check` run from the console on the live
//! database and the backup compared, its report as lines to scroll,
//! problems first. The check runs at the edge; here are the key, the
//! generation that drops a stale answer, and the report turned into lines
//! (every name and message from the database or backup through `visible`).

use super::list::{Cursor, Move};
use super::modal::Modal;
use super::{move_of, App, Effect, Key, Mode};
use crate::check::{HealthReport, RelationHealth};
use crate::console::keymap::Action;
use crate::report::visible;
use crate::restore::relations::RelationOrigin;

/// How a line of the report reads: what the theme colours it as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// The verdict when nothing is wrong.
    Healthy,
    /// The verdict when something is.
    Unhealthy,
    /// Each kind of problem's heading.
    Problem,
    /// A section heading with nothing wrong in it.
    Heading,
    Detail,
    /// What was not checked, warnings, hints.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthLine {
    pub tone: Tone,
    /// Already escaped for the terminal.
    pub text: String,
}

/// A finished check, as the screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub problems: usize,
    pub lines: Vec<HealthLine>,
}

/// The Health modal: a check running, or its result to scroll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthBox {
    pub generation: u64,
    /// None while the check runs.
    pub checked: Option<Checked>,
    pub error: Option<String>,
    /// The top line shown.
    pub scroll: Cursor,
}

impl HealthBox {
    pub fn running(&self) -> bool {
        self.checked.is_none() && self.error.is_none()
    }

    fn len(&self) -> usize {
        self.checked.as_ref().map_or(0, |c| c.lines.len())
    }
}

/// `H` / the palette: run the check in the background (live mode only).
pub(super) fn start(app: &mut App) -> Option<Effect> {
    if app.mode == Mode::ReadOnly {
        app.notice = Some(
            "read-only: there is no live database to check (open the console with --db URL)".into(),
        );
        return None;
    }
    app.health_generation += 1;
    let generation = app.health_generation;
    app.modal = Some(Modal::Health(HealthBox {
        generation,
        checked: None,
        error: None,
        scroll: Cursor::default(),
    }));
    Some(Effect::CheckHealth { generation })
}

/// Lines of the report a page shows: the screen's body but its border and
/// the hint line (as `view::health` draws it).
pub fn page(app: &App) -> usize {
    usize::from(app.height.saturating_sub(6)).max(1)
}

/// Keys on the Health screen: the list keys scroll, Esc closes (and stops a
/// check still running), `H` checks again.
pub(super) fn on_key(app: &mut App, mut h: HealthBox, key: Key) -> Option<Effect> {
    let action = key.action?;
    if let Some(m) = move_of(action) {
        let (len, page) = (h.len(), page(app));
        // The cursor is the top line: it moves a page at a time, stops
        // where the last page is full.
        let last = len.saturating_sub(page);
        let pos = match m {
            Move::Up => h.scroll.pos.saturating_sub(1),
            Move::Down => h.scroll.pos + 1,
            Move::PageUp => h.scroll.pos.saturating_sub(page),
            Move::PageDown => h.scroll.pos + page,
            Move::Top => 0,
            Move::Bottom => last,
        };
        h.scroll.pos = pos.min(last);
        app.modal = Some(Modal::Health(h));
        return None;
    }
    match action {
        Action::Back | Action::Quit => h.running().then_some(Effect::CancelHealth),
        Action::Health if !h.running() => start(app),
        _ => {
            app.modal = Some(Modal::Health(h));
            None
        }
    }
}

/// The check of `generation` answered; an older one (or one whose screen
/// was closed) is dropped.
pub(super) fn checked(app: &mut App, generation: u64, result: Result<Checked, String>) {
    let Some(Modal::Health(h)) = &mut app.modal else {
        return;
    };
    if h.generation != generation || !h.running() {
        return;
    }
    match result {
        Ok(c) => h.checked = Some(c),
        Err(e) => h.error = Some(e),
    }
}

/// `[live FK]`, `[backup FK]`, `[inferred]`: where the relation comes from.
fn origin_tag(origin: RelationOrigin) -> &'static str {
    match origin {
        RelationOrigin::Live => "[live FK]",
        RelationOrigin::Backup => "[backup FK]",
        RelationOrigin::Inferred => "[inferred]",
    }
}

fn relation_head(r: &RelationHealth) -> String {
    format!("  {} {}", visible(&r.arrow), origin_tag(r.origin))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The report as the Health screen reads: the verdict, then each kind of
/// problem with its entries, then what was fine, not checked or warned.
pub fn lines_of(report: &HealthReport) -> Checked {
    let mut problems = Vec::new();
    let mut section = |title: String, entries: Vec<String>| {
        if entries.is_empty() {
            return 0;
        }
        if !problems.is_empty() {
            problems.push(blank());
        }
        problems.push(HealthLine {
            tone: Tone::Problem,
            text: title,
        });
        let n = entries.len();
        problems.extend(entries.into_iter().map(|text| HealthLine {
            tone: Tone::Detail,
            text,
        }));
        n
    };
    let mut count = 0;

    let mut orphans = Vec::new();
    let orphaned: Vec<_> = report.orphaned().collect();
    for r in &orphaned {
        let n = r.orphans.unwrap_or(0);
        let rows = if n == 1 { "row" } else { "rows" };
        orphans.push(format!("{}: {n} orphan {rows}", relation_head(r)));
        orphans.extend(r.sample_line().map(|line| format!("      {line}")));
    }
    section(
        format!(
            "Orphan rows in {} (key set, no parent row)",
            plural(orphaned.len(), "relation")
        ),
        orphans,
    );
    count += orphaned.len();

    let list = |names: &[String]| -> Vec<String> {
        names.iter().map(|t| format!("  {}", visible(t))).collect()
    };
    count += section(
        format!(
            "Tables without a primary key ({}): rows cannot be told apart or restored by key",
            report.tables_without_primary_key.len()
        ),
        list(&report.tables_without_primary_key),
    );
    let behind: Vec<String> = report
        .sequences
        .iter()
        .filter(|s| s.behind)
        .map(|s| {
            let max = s.max_value.map_or_else(|| "none".into(), |m| m.to_string());
            format!(
                "  {}.{}: next value {}, max in column {max}",
                visible(&s.table),
                visible(&s.column),
                s.next_value
            )
        })
        .collect();
    count += section(
        format!(
            "Sequences behind their column ({}): the next insert gets a value already taken",
            behind.len()
        ),
        behind,
    );
    let types: Vec<String> = report
        .type_differences
        .iter()
        .map(|d| {
            format!(
                "  {}.{}: live {}, backup {}",
                visible(&d.table),
                visible(&d.column),
                visible(&d.live_type),
                visible(&d.backup_type)
            )
        })
        .collect();
    count += section(
        format!("Column types that differ from the backup ({})", types.len()),
        types,
    );
    let columns: Vec<String> = report
        .missing_columns
        .iter()
        .map(|c| {
            format!(
                "  {}.{} {}",
                visible(&c.table),
                visible(&c.column),
                visible(&c.backup_type)
            )
        })
        .collect();
    count += section(
        format!("Columns in the backup missing live ({})", columns.len()),
        columns,
    );
    count += section(
        format!(
            "Tables in the backup missing live ({})",
            report.missing_tables.len()
        ),
        list(&report.missing_tables),
    );
    let mut missing = Vec::new();
    for c in &report.missing_constraints {
        missing.push(format!("  {}", c.summary()));
        missing.extend(c.samples_line().map(|s| format!("      {s}")));
    }
    section(
        format!(
            "Constraints in the backup missing live ({}): recreating one fails while rows violate it",
            report.missing_constraints.len()
        ),
        missing,
    );
    count += report.missing_constraints.len();
    let failed = failed_reads(report);
    count += section(
        format!(
            "Failed reads ({}): these figures are unknown, so health cannot be vouched for",
            failed.len()
        ),
        failed,
    );

    let verdict = if count == 0 {
        HealthLine {
            tone: Tone::Healthy,
            text: "HEALTHY: no problems found. The check changed nothing.".into(),
        }
    } else {
        HealthLine {
            tone: Tone::Unhealthy,
            text: format!(
                "PROBLEMS FOUND: {}. The check changed nothing.",
                plural(count, "problem")
            ),
        }
    };
    let mut lines = vec![verdict, blank()];
    if !problems.is_empty() {
        lines.extend(problems);
        lines.push(blank());
    }
    lines.extend(the_rest(report));
    Checked {
        problems: count,
        lines,
    }
}

fn blank() -> HealthLine {
    HealthLine {
        tone: Tone::Detail,
        text: String::new(),
    }
}

fn failed_reads(report: &HealthReport) -> Vec<String> {
    let scans = report.relations.iter().filter_map(|r| {
        let e = r.error.as_ref()?;
        Some(format!("{}: scan failed: {}", relation_head(r), visible(e)))
    });
    let counts = report.tables.iter().filter_map(|t| {
        let e = t.error.as_ref()?;
        Some(format!("  count of {}: {}", visible(&t.table), visible(e)))
    });
    let sequences = report.sequences.iter().filter_map(|s| {
        let e = s.error.as_ref()?;
        Some(format!(
            "  sequence of {}.{}: {}",
            visible(&s.table),
            visible(&s.column),
            visible(e)
        ))
    });
    scans.chain(counts).chain(sequences).collect()
}

/// What is not a problem: the relations scanned, what was not checked,
/// warnings, the tables with their counts.
fn the_rest(report: &HealthReport) -> Vec<HealthLine> {
    let line = |tone, text: String| HealthLine { tone, text };
    let scanned = report
        .relations
        .iter()
        .filter(|r| r.orphans.is_some())
        .count();
    let mut out = vec![line(
        Tone::Heading,
        format!(
            "Relations: {} ({scanned} scanned for orphan rows)",
            report.relations.len()
        ),
    )];
    for r in &report.relations {
        let state = match (&r.orphans, &r.skipped) {
            (Some(0), _) => "no orphans".to_owned(),
            (Some(n), _) => format!("{n} orphan(s)"),
            (None, Some(why)) => format!("not scanned: {}", visible(why)),
            (None, None) => "scan failed".to_owned(),
        };
        out.push(line(Tone::Detail, format!("{}: {state}", relation_head(r))));
    }
    if let Some(totals) = &report.constraint_counts {
        out.push(blank());
        out.push(line(Tone::Heading, totals.line()));
    }
    out.push(blank());
    out.push(line(
        Tone::Heading,
        format!("Tables ({})", report.tables.len()),
    ));
    for t in &report.tables {
        let rows = match (t.rows, t.rows_estimated) {
            (Some(n), false) => format!("{n} rows"),
            (Some(n), true) => format!("~{n} rows"),
            (None, _) => "? rows".into(),
        };
        let key = if t.primary_key {
            ""
        } else {
            ", NO primary key"
        };
        out.push(line(
            Tone::Detail,
            format!("  {}: {rows}{key}", visible(&t.table)),
        ));
    }
    for s in &report.skipped {
        out.push(line(Tone::Note, format!("Not checked: {}", visible(s))));
    }
    for w in &report.warnings {
        out.push(line(Tone::Note, format!("Warning: {}", visible(w))));
    }
    out
}
