//! The human view of `lifeboat check`: problems first, each with what to do
//! about it, then the table list; a verdict on the last line.

use super::{visible, TextTable};
use crate::check::HealthReport;

pub fn render_check(report: &HealthReport) -> String {
    let mut out = format!("Health of {}", visible(&report.database));
    if let Some(b) = &report.backup {
        out.push_str(&format!(" (compared with backup {})", visible(b)));
    }
    out.push_str(if report.fast {
        "\nMode: --fast (estimates, no scans)\n\n"
    } else {
        "\n\n"
    });
    out.push_str(&relations_section(report));
    if !report.tables_without_primary_key.is_empty() {
        out.push_str(&format!(
            "Tables without a primary key ({}): rows cannot be told apart or restored by key\n",
            report.tables_without_primary_key.len()
        ));
        for t in &report.tables_without_primary_key {
            out.push_str(&format!("  {}\n", visible(t)));
        }
        out.push('\n');
    }
    let behind: Vec<_> = report.sequences.iter().filter(|s| s.behind).collect();
    if !behind.is_empty() {
        out.push_str(&format!(
            "Sequences behind their column ({}): the next insert gets a value already taken\n",
            behind.len()
        ));
        for s in behind {
            out.push_str(&format!(
                "  {}.{}: next value {}, max in column {}\n",
                visible(&s.table),
                visible(&s.column),
                s.next_value,
                s.max_value.map_or_else(|| "none".into(), |m| m.to_string())
            ));
        }
        out.push('\n');
    }
    if !report.type_differences.is_empty() {
        out.push_str(&format!(
            "Column types that differ from the backup ({})\n",
            report.type_differences.len()
        ));
        for d in &report.type_differences {
            out.push_str(&format!(
                "  {}.{}: live {}, backup {}\n",
                visible(&d.table),
                visible(&d.column),
                visible(&d.live_type),
                visible(&d.backup_type)
            ));
        }
        out.push('\n');
    }
    if !report.missing_columns.is_empty() {
        out.push_str(&format!(
            "Columns in the backup missing live ({})\n",
            report.missing_columns.len()
        ));
        for c in &report.missing_columns {
            out.push_str(&format!(
                "  {}.{} {}\n",
                visible(&c.table),
                visible(&c.column),
                visible(&c.backup_type)
            ));
        }
        out.push('\n');
    }
    if !report.missing_tables.is_empty() {
        out.push_str(&format!(
            "Tables in the backup missing live ({})\n",
            report.missing_tables.len()
        ));
        for t in &report.missing_tables {
            out.push_str(&format!("  {}\n", visible(t)));
        }
        out.push('\n');
    }
    out.push_str(&constraints_section(report));
    let failed_tables = report
        .tables
        .iter()
        .filter_map(|t| Some((&t.table, t.error.as_ref()?)));
    let failed_sequences = report
        .sequences
        .iter()
        .filter_map(|s| Some((format!("{}.{}", s.table, s.column), s.error.as_ref()?)));
    for (what, error) in failed_tables {
        out.push_str(&format!(
            "Could not count {}: {}\n",
            visible(what),
            visible(error)
        ));
    }
    for (what, error) in failed_sequences {
        out.push_str(&format!(
            "Could not check the sequence of {}: {}\n",
            visible(&what),
            visible(error)
        ));
    }
    out.push_str(&tables_section(report));
    for s in &report.skipped {
        out.push_str(&format!("Not checked: {}\n", visible(s)));
    }
    for w in &report.warnings {
        out.push_str(&format!("Warning: {}\n", visible(w)));
    }
    out.push_str(if report.has_problems() {
        "\nPROBLEMS FOUND (see above). lifeboat check changed nothing.\n"
    } else {
        "\nHEALTHY: no problems found. lifeboat check changed nothing.\n"
    });
    out
}

fn relations_section(report: &HealthReport) -> String {
    let scanned = report
        .relations
        .iter()
        .filter(|r| r.orphans.is_some())
        .count();
    let orphaned: Vec<_> = report.orphaned().collect();
    let mut out = format!(
        "Relations: {} ({} scanned for orphan rows, {} with orphans)\n",
        report.relations.len(),
        scanned,
        orphaned.len()
    );
    for r in &orphaned {
        let n = r.orphans.unwrap_or(0);
        out.push_str(&format!(
            "  {} [{}]: {n} orphan row{} (key set, no parent row)\n",
            r.arrow,
            r.origin,
            if n == 1 { "" } else { "s" }
        ));
        if let Some(line) = r.sample_line() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    for r in report.relations.iter().filter(|r| r.error.is_some()) {
        out.push_str(&format!(
            "  {} [{}]: scan failed: {}\n",
            r.arrow,
            r.origin,
            visible(r.error.as_deref().unwrap_or_default())
        ));
    }
    let unscanned: Vec<_> = report
        .relations
        .iter()
        .filter(|r| {
            r.skipped
                .as_deref()
                .is_some_and(|s| s != crate::check::SKIPPED_FAST)
        })
        .collect();
    for r in unscanned {
        out.push_str(&format!(
            "  {} [{}]: not scanned: {}\n",
            r.arrow,
            r.origin,
            visible(r.skipped.as_deref().unwrap_or_default())
        ));
    }
    if orphaned.is_empty() && scanned > 0 {
        out.push_str("  no orphan rows\n");
    }
    out.push('\n');
    out
}

/// Constraints the backup has and live lacks, each with what recreating it
/// now would meet; then the per-kind totals of both sides.
fn constraints_section(report: &HealthReport) -> String {
    let mut out = String::new();
    if !report.missing_constraints.is_empty() {
        out.push_str(&format!(
            "Constraints in the backup missing live ({}): recreating one fails while rows violate it\n",
            report.missing_constraints.len()
        ));
    }
    for c in &report.missing_constraints {
        out.push_str(&format!("  {}\n", c.summary()));
        if let Some(samples) = c.samples_line() {
            out.push_str(&format!("      {samples}\n"));
        }
    }
    if let Some(totals) = &report.constraint_counts {
        out.push_str(&totals.line());
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn tables_section(report: &HealthReport) -> String {
    let mut table = TextTable::new(
        vec!["TABLE", "ROWS", "SIZE", "PRIMARY KEY"],
        vec![false, true, true, false],
    );
    for t in &report.tables {
        let rows = match (t.rows, t.rows_estimated) {
            (Some(n), false) => n.to_string(),
            (Some(n), true) => format!("~{n}"),
            (None, _) => "?".into(),
        };
        table.push(vec![
            visible(&t.table).into_owned(),
            rows,
            t.size_bytes.map(human_size).unwrap_or_default(),
            if t.primary_key { "yes" } else { "NO" }.into(),
        ]);
    }
    format!("Tables ({})\n{}\n", report.tables.len(), table.render())
}

/// `8192` → `8.0 kB`: powers of 1024, as psql's `\dt+` shows them.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_like_psql() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(8192), "8.0 kB");
        assert_eq!(human_size(3 * 1024 * 1024 + 512 * 1024), "3.5 MB");
    }
}
