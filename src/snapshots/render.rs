//! Text output of `lifeboat snapshots` and `lifeboat find`: pure functions
//! of their results. Every name and message from the folder goes through
//! `visible()` (file names can hold control characters).

use super::find::{FindReport, Finding};
use super::Snapshot;
use crate::report::visible;
use std::fmt::Write;
use std::path::Path;

fn shown(s: &str) -> String {
    visible(s).into_owned()
}

fn path(p: &Path) -> String {
    shown(&p.display().to_string())
}

fn width(items: impl Iterator<Item = String>, header: &str) -> usize {
    items
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(header.len())
}

fn time_label(time: Option<&super::SnapshotTime>) -> String {
    time.map_or_else(|| "-".into(), |t| shown(&t.label()))
}

/// The listing: one line per entry, oldest first, its tables' row counts
/// on the next line, and errors and warnings under it.
pub fn render_snapshots(root: &Path, snapshots: &[Snapshot]) -> String {
    let mut out = String::new();
    let usable = snapshots.iter().filter(|s| s.opened()).count();
    let broken = snapshots.len() - usable;
    let _ = write!(out, "{} in {}", plural(usable, "backup"), path(root));
    if broken > 0 {
        let _ = if broken == 1 {
            write!(out, ", and 1 entry that does not open")
        } else {
            write!(out, ", and {broken} entries that do not open")
        };
    }
    out.push_str(if snapshots.is_empty() {
        ".\n"
    } else {
        ", oldest first:\n\n"
    });
    if snapshots.is_empty() {
        return out;
    }
    let name_w = width(snapshots.iter().map(|s| shown(&s.name)), "SNAPSHOT");
    let time_w = width(
        snapshots.iter().map(|s| time_label(s.time.as_ref())),
        "TIME",
    );
    let _ = writeln!(
        out,
        "  {:name_w$}  {:time_w$}  {:17}  {:>6}  {:>10}",
        "SNAPSHOT", "TIME", "FORMAT", "TABLES", "ROWS"
    );
    for s in snapshots {
        let name = shown(&s.name);
        let time = time_label(s.time.as_ref());
        let format = s.format.map_or("-", |f| f.as_str());
        let (tables, rows) = if s.opened() {
            let counted = s.tables.iter().all(|t| t.rows.is_some());
            let rows = if counted {
                s.total_rows().to_string()
            } else {
                "?".into()
            };
            (s.tables.len().to_string(), rows)
        } else {
            ("-".into(), "-".into())
        };
        let _ = writeln!(
            out,
            "  {name:name_w$}  {time:time_w$}  {format:17}  {tables:>6}  {rows:>10}"
        );
        if !s.tables.is_empty() {
            let counts: Vec<String> = s
                .tables
                .iter()
                .map(|t| match t.rows {
                    Some(n) => format!("{} {n}", shown(&t.table)),
                    None => format!("{} ?", shown(&t.table)),
                })
                .collect();
            let _ = writeln!(out, "      {}", counts.join(", "));
        }
        for t in s.tables.iter().filter(|t| t.error.is_some()) {
            let why = t.error.as_deref().unwrap_or_default();
            let _ = writeln!(
                out,
                "      cannot count {}: {}",
                shown(&t.table),
                shown(why)
            );
        }
        if let Some(e) = &s.error {
            let _ = writeln!(out, "      error: {}", shown(e));
        }
        if let Some(first) = s.warnings.first() {
            let _ = writeln!(
                out,
                "      {}: {}{}",
                plural(s.warnings.len(), "warning"),
                shown(first),
                if s.warnings.len() > 1 {
                    " (lifeboat inspect lists them all)"
                } else {
                    ""
                }
            );
        }
    }
    if let Some(i) = super::latest(snapshots) {
        let s = &snapshots[i];
        let _ = write!(
            out,
            "\nLatest: {} ({})\n",
            shown(&s.name),
            time_label(s.time.as_ref())
        );
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The find: each snapshot's answer, oldest first, then the verdict.
pub fn render_find(report: &FindReport) -> String {
    let mut out = String::new();
    let what = report
        .picks
        .iter()
        .map(|p| shown(p))
        .collect::<Vec<_>>()
        .join(" and ");
    let it = if report.picks.len() == 1 {
        "it"
    } else {
        "them"
    };
    let _ = write!(
        out,
        "Looking for {what} in {} of {}, oldest first:\n\n",
        plural(report.snapshots.len(), "snapshot"),
        path(&report.root)
    );
    let name_w = width(report.snapshots.iter().map(|s| shown(&s.name)), "SNAPSHOT");
    let time_w = width(
        report.snapshots.iter().map(|s| time_label(s.time.as_ref())),
        "TIME",
    );
    for f in &report.snapshots {
        let answer = match f.holds {
            Some(true) => format!("holds {it}"),
            Some(false) => format!("does not hold {it}"),
            None => "cannot tell".into(),
        };
        let _ = writeln!(
            out,
            "  {:name_w$}  {:time_w$}  {answer}",
            shown(&f.name),
            time_label(f.time.as_ref())
        );
        write_picks(&mut out, f);
    }
    out.push('\n');
    let by_name = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| report.snapshots.iter().find(|s| &s.name == n))
    };
    let label = |f: &Finding| format!("{} ({})", shown(&f.name), time_label(f.time.as_ref()));
    match by_name(&report.verdict.newest_holding) {
        None => {
            let _ = writeln!(out, "No snapshot holds {it}.");
        }
        Some(newest) => {
            let _ = writeln!(out, "Newest holding {it}: {}", label(newest));
            match by_name(&report.verdict.gone_since) {
                Some(gone) => {
                    let _ = writeln!(out, "Gone since:   {}", label(gone));
                }
                None => {
                    let _ = writeln!(out, "Not gone: no later snapshot lacks {it}.");
                }
            }
        }
    }
    out
}

fn write_picks(out: &mut String, f: &Finding) {
    if let Some(e) = &f.error {
        let _ = writeln!(out, "      error: {}", shown(e));
    }
    for p in &f.picks {
        let found = match (p.rows, &p.note) {
            (0, Some(note)) => format!("not there ({})", shown(note)),
            (0, None) => "no matching row".into(),
            (n, _) => {
                let at: Vec<String> = p.at.iter().map(|a| shown(a)).collect();
                let more = if n > at.len() { ", ..." } else { "" };
                format!("{} at {}{more}", plural(n, "row"), at.join(", "))
            }
        };
        let _ = writeln!(out, "      {}: {found}", shown(&p.pick));
    }
}
