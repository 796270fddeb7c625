//! The human view of `lifeboat inspect`.

use super::{visible, TextTable};
use crate::inspect::InspectReport;

pub fn render_inspect(report: &InspectReport) -> String {
    let mut out = format!(
        "backup: {}\nformat: {}\ntaken:  {}\nschema: {}\n\n",
        visible(&report.path),
        report.format,
        report.created_at.as_deref().unwrap_or("unknown"),
        report
            .schema_source
            .as_deref()
            .unwrap_or("none (types unknown)")
    );
    if !report.details.is_empty() {
        // Before the blank line that ends the header.
        out.pop();
        for (label, value) in &report.details {
            out.push_str(&format!("{}: {}\n", visible(label), visible(value)));
        }
        out.push('\n');
    }
    let mut table = TextTable::new(
        vec!["TABLE", "FILE", "FORMAT", "ROWS", "COLUMNS"],
        vec![false, false, false, true, false],
    );
    for t in &report.tables {
        table.push(vec![
            visible(&t.name).into_owned(),
            visible(&t.file).into_owned(),
            t.format.clone(),
            t.rows.to_string(),
            t.columns
                .iter()
                .map(|c| match &c.data_type {
                    Some(ty) => format!("{} {ty}", visible(&c.name)),
                    None => visible(&c.name).into_owned(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    out.push_str(&table.render());
    if !report.warnings.is_empty() {
        out.push_str("\nwarnings:\n");
        for w in &report.warnings {
            out.push_str(&format!("  - {}\n", visible(w)));
        }
    }
    out
}
