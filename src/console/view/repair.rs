//! What the schema repair will do, where the operator looks: a marker after
//! a table's name in the list, a line in the header, and whether the plan's
//! types were INFERRED (the backup has no DDL for them). Pure text.

use crate::console::app::repair::Repair;
use crate::console::app::App;
use crate::diff::TableDiff;
use crate::repair::summary::RepairSummary;
use crate::report::visible;

/// After a table's name in the tables list: `[repair]` (structure), `[+2 col]`
/// (two columns' values written back).
pub fn table_marker(repair: &Repair, t: &TableDiff) -> String {
    let mut out = String::new();
    if repair.repairs(t) {
        out.push_str(" [repair]");
    }
    let columns = repair.written_back(&t.name).len();
    if columns > 0 {
        out.push_str(&format!(" [+{columns} col]"));
    }
    out
}

/// The header's account of the repair: which tables, which columns, and
/// how the types stand. Empty when nothing is repaired.
pub fn header_text(app: &App) -> String {
    let r = &app.repair;
    if r.is_off() {
        return String::new();
    }
    let mut parts = Vec::new();
    if r.all {
        parts.push("repair: every table".to_owned());
    } else if !r.tables.is_empty() {
        let names: Vec<String> = r.tables.iter().map(|t| visible(t).into_owned()).collect();
        parts.push(format!("repair: {}", names.join(", ")));
    }
    if !r.columns.is_empty() {
        let specs: Vec<String> = r
            .columns
            .iter()
            .map(|(t, cols)| {
                let cols: Vec<String> = cols.iter().map(|c| visible(c).into_owned()).collect();
                format!("{}({})", visible(t), cols.join(", "))
            })
            .collect();
        parts.push(format!("write back: {}", specs.join(" ")));
    }
    match (inferred(app), r.accept_inferred) {
        (true, true) => parts.push("INFERRED types accepted".into()),
        (true, false) => parts.push("INFERRED types: I accepts".into()),
        (false, true) => parts.push("inferred types accepted if needed".into()),
        (false, false) => {}
    }
    format!("   {}", parts.join(" · "))
}

/// The current plan's repair, if it has one.
fn planned_repair(app: &App) -> Option<&RepairSummary> {
    app.planned()?.data.summary.schema_repair.as_ref()
}

/// The plan creates a table or adds a column with types guessed from values.
pub fn inferred(app: &App) -> bool {
    planned_repair(app).is_some_and(|r| {
        r.created_tables.iter().any(|c| c.inferred) || r.added_columns.iter().any(|a| a.inferred)
    })
}

/// The plan creates `table` with INFERRED types (the Schema tab says so).
pub fn table_inferred(app: &App, table: &str) -> bool {
    planned_repair(app).is_some_and(|r| {
        r.created_tables
            .iter()
            .any(|c| c.inferred && same_table(&c.table, table))
            || r.added_columns
                .iter()
                .any(|a| a.inferred && same_table(&a.table, table))
    })
}

/// The engine names tables with their schema (`public.projects`) where the
/// diff may not.
fn same_table(engine: &str, diff: &str) -> bool {
    engine == diff
        || engine
            .strip_suffix(diff)
            .is_some_and(|head| head.ends_with('.'))
}
