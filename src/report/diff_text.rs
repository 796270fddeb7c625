//! The human summary of a diff: one line per table, most severe first, then
//! the details an operator acts on (dropped columns, type problems, keys).

use super::{visible, TextTable};
use crate::diff::{DiffReport, KeyJson, TableDiff, TableStatus};
use crate::value::normalize_type;

fn num(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_string(), |n| n.to_string())
}

fn count(n: u64) -> String {
    if n == 0 {
        "·".to_string()
    } else {
        n.to_string()
    }
}

pub fn key_text(key: &KeyJson) -> String {
    let parts: Vec<String> = key
        .iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{}={}", visible(k), visible(&v))
        })
        .collect();
    parts.join(",")
}

pub fn render_diff(report: &DiffReport, show_rows: bool) -> String {
    let mut out = String::new();
    let dialect = match report.live.dialect {
        crate::catalog::Dialect::Postgres => "postgresql",
        crate::catalog::Dialect::Sqlite => "sqlite",
    };
    out.push_str(&format!(
        "live:   {} ({dialect})\n",
        visible(&report.live.target)
    ));
    out.push_str(&format!(
        "backup: {} ({}, taken {})\n\n",
        visible(&report.backup.path),
        serde_json::to_value(report.backup.format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        report
            .backup
            .created_at
            .as_deref()
            .unwrap_or("at an unknown time")
    ));
    let mut table = TextTable::new(
        vec![
            "STATUS", "TABLE", "BACKUP", "LIVE", "MISSING", "CHANGED", "EXTRA", "SAME",
        ],
        vec![false, false, true, true, true, true, true, true],
    );
    for t in &report.tables {
        table.push(vec![
            t.status.as_str().to_string(),
            visible(&t.name).into_owned(),
            num(t.backup_rows),
            num(t.live_rows),
            count(t.missing),
            count(t.changed),
            count(t.extra),
            count(t.identical),
        ]);
    }
    out.push_str(&table.render());
    for t in &report.tables {
        details(&mut out, t, show_rows);
    }
    if !report.warnings.is_empty() {
        out.push_str("\nwarnings:\n");
        for w in &report.warnings {
            out.push_str(&format!("  - {}\n", visible(w)));
        }
    }
    out.push('\n');
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn details(out: &mut String, t: &TableDiff, show_rows: bool) {
    let mut lines: Vec<String> = Vec::new();
    match t.status {
        TableStatus::TableMissing => lines.push(format!(
            "table is missing live; the backup has {} row(s)",
            num(t.backup_rows)
        )),
        TableStatus::OnlyInLive if t.backup_rows.is_none() => {
            lines.push("table is not in the backup".into())
        }
        _ => {}
    }
    let s = &t.schema;
    if !s.missing_columns.is_empty() {
        lines.push(format!(
            "columns missing live: {}",
            list(&s.missing_columns)
        ));
    }
    if !s.extra_columns.is_empty() {
        lines.push(format!("columns only live: {}", list(&s.extra_columns)));
    }
    for m in &s.type_mismatches {
        let same_type = m
            .backup_type
            .as_deref()
            .is_none_or(|b| normalize_type(b) == normalize_type(&m.live_type));
        let mut line = if same_type {
            format!("column {} ({})", visible(&m.column), m.live_type)
        } else {
            format!(
                "column {}: type was {}, is {} live",
                visible(&m.column),
                m.backup_type.as_deref().unwrap_or_default(),
                m.live_type
            )
        };
        if m.incompatible_values > 0 {
            line.push_str(&format!(
                ": {} backup value(s) cannot go into it",
                m.incompatible_values
            ));
        }
        lines.push(line);
    }
    for c in &s.missing_constraints {
        lines.push(format!(
            "constraint missing live: {}{}",
            c.name
                .as_deref()
                .map(|n| format!("{} ", visible(n)))
                .unwrap_or_default(),
            visible(&c.definition)
        ));
    }
    if !t.changed_columns.is_empty() {
        let cols: Vec<String> = t
            .changed_columns
            .iter()
            .map(|(c, n)| format!("{} ({n})", visible(c)))
            .collect();
        lines.push(format!("changed columns: {}", cols.join(", ")));
    }
    for v in &t.incompatible {
        lines.push(format!(
            "incompatible: {} column {} value {} (line {}): {}",
            key_text(&v.key),
            visible(&v.column),
            visible(&v.value),
            v.line,
            visible(&v.reason)
        ));
    }
    if show_rows {
        if let Some(rows) = &t.rows {
            lines.extend(
                rows.missing
                    .iter()
                    .map(|k| format!("missing live: {}", key_text(k))),
            );
            lines.extend(
                rows.changed
                    .iter()
                    .map(|c| format!("changed: {} ({})", key_text(&c.key), list(&c.columns))),
            );
            lines.extend(
                rows.extra
                    .iter()
                    .map(|k| format!("only live: {}", key_text(k))),
            );
        }
    }
    if lines.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}:\n", visible(&t.name)));
    for l in lines {
        out.push_str(&format!("  {l}\n"));
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| visible(s).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary_line(report: &DiffReport) -> String {
    if !report.has_differences() {
        return format!(
            "identical: {} table(s) match the backup",
            report.tables.len()
        );
    }
    let dropped_tables: Vec<&TableDiff> = report
        .tables
        .iter()
        .filter(|t| t.status == TableStatus::TableMissing)
        .collect();
    let dropped = dropped_tables.len();
    let dropped_rows: u64 = dropped_tables.iter().map(|t| t.missing).sum();
    let missing: u64 = report
        .tables
        .iter()
        .filter(|t| t.status != TableStatus::TableMissing)
        .map(|t| t.missing)
        .sum();
    let changed: u64 = report.tables.iter().map(|t| t.changed).sum();
    let extra: u64 = report
        .tables
        .iter()
        .filter(|t| t.backup_rows.is_some())
        .map(|t| t.extra)
        .sum();
    let incompatible: u64 = report
        .tables
        .iter()
        .flat_map(|t| t.schema.type_mismatches.iter())
        .map(|m| m.incompatible_values)
        .sum();
    let drift = report
        .tables
        .iter()
        .filter(|t| !t.schema.is_empty())
        .count();
    let only_live_tables = report
        .tables
        .iter()
        .filter(|t| t.backup_rows.is_none())
        .count();
    let parts: Vec<String> = [
        (
            dropped as u64,
            format!("{dropped} table(s) missing live ({dropped_rows} rows)"),
        ),
        (missing, format!("{missing} row(s) missing")),
        (changed, format!("{changed} row(s) changed")),
        (extra, format!("{extra} row(s) only live")),
        (drift as u64, format!("{drift} table(s) with schema drift")),
        (
            incompatible,
            format!("{incompatible} backup value(s) that no longer fit"),
        ),
        (
            only_live_tables as u64,
            format!("{only_live_tables} table(s) not in the backup"),
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, text)| text)
    .collect();
    format!("differences: {}", parts.join(", "))
}
