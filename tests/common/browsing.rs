//! Loading a table for the Table view from a test, and the checks every
//! loaded table must pass against the diff of the same pair.

use lifeboat::backup::Backup;
use lifeboat::browse::{load_table_rows, CellText, RowStatus, TableRows};
use lifeboat::catalog::Catalog;
use lifeboat::diff::{TableDiff, TableStatus};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::closure::{match_rows, TableRows as BackupTable};
use lifeboat::restore::load::load_backup_tables;
use lifeboat::restore::pick::{parse_pick, PickSpec};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub async fn connect(url: &str) -> LiveDb {
    LiveDb::connect(&DbUrl::parse(url).unwrap(), &LiveOptions::default())
        .await
        .unwrap()
}

/// Load `table`, panicking with the error.
pub async fn load(live: Option<&LiveDb>, backup: &Backup, table: &str) -> TableRows {
    load_table_rows(
        live,
        backup,
        table,
        |_| {},
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .unwrap_or_else(|e| panic!("load {table}: {e}"))
}

/// The loaded rows say what the diff says about the table.
pub fn assert_counts_match(rows: &TableRows, d: &TableDiff) {
    let c = rows.counts();
    let name = &d.name;
    if d.status == TableStatus::TableMissing {
        assert_eq!(
            (c.missing_live, rows.len() as u64),
            (d.backup_rows.unwrap(), d.backup_rows.unwrap()),
            "{name}"
        );
        return;
    }
    assert_eq!(
        (
            c.missing_live,
            c.changed,
            c.only_live,
            c.identical,
            c.backup_only
        ),
        (d.missing, d.changed, d.extra, d.identical, 0),
        "{name}: {c:?} vs diff {d:?}"
    );
    assert_eq!(
        rows.len() as u64,
        d.backup_rows.unwrap_or(0) + d.extra,
        "{name}"
    );
    // Changed rows name the same columns the diff counts.
    let mut per_column = std::collections::BTreeMap::new();
    for e in rows.entries_with(&[RowStatus::Changed]) {
        let cols = rows.changed_columns(e as usize);
        assert!(
            !cols.is_empty(),
            "{name}: changed entry {e} without columns"
        );
        for c in cols {
            *per_column
                .entry(rows.columns[c].name.clone())
                .or_insert(0u64) += 1;
        }
    }
    assert_eq!(per_column, d.changed_columns, "{name}");
    for e in rows.entries_with(&[RowStatus::Identical, RowStatus::MissingLive]) {
        assert!(rows.changed_columns(e as usize).is_empty());
    }
}

/// Every backup entry's pick spec parses back and `match_rows` selects that
/// row (and only exact copies of it besides); live-only entries have none.
pub fn assert_picks_select_their_rows(rows: &TableRows, backup: &Backup, live: &Catalog) {
    let universe = load_backup_tables(backup, live).unwrap();
    for e in 0..rows.len() {
        let spec = rows.pick_spec(e);
        if rows.status(e) == RowStatus::OnlyLive {
            assert_eq!(spec, None, "{}: entry {e}", rows.table);
            continue;
        }
        let spec = spec.unwrap_or_else(|| panic!("{}: no pick for entry {e}", rows.table));
        let pick = parse_pick(&spec).unwrap_or_else(|err| panic!("{spec}: {err}"));
        assert_eq!(pick.to_string(), spec, "canonical");
        let table = find_table(&universe, &pick);
        let PickSpec::Match { conditions, .. } = &pick else {
            panic!("{spec}: not a row pick");
        };
        let selected = match_rows(table, conditions).unwrap_or_else(|err| panic!("{spec}: {err}"));
        assert!(
            selected.contains(&e),
            "{spec} selects {selected:?}, not {e}"
        );
        for &other in &selected {
            let copy = (0..rows.columns.len())
                .all(|c| rows.backup_cell(other, c) == rows.backup_cell(e, c));
            assert!(copy, "{spec} also selects entry {other}");
        }
    }
}

fn find_table<'a>(universe: &'a [BackupTable], pick: &PickSpec) -> &'a BackupTable {
    let name = pick.table_name();
    universe
        .iter()
        .find(|t| t.table == name)
        .or_else(|| universe.iter().find(|t| t.table.name == name.name))
        .unwrap_or_else(|| panic!("no backup table {name}"))
}

/// A cell's text, for short assertions: `NULL`, `-` for absent.
pub fn text(c: CellText<'_>) -> String {
    match c {
        CellText::Absent => "-".into(),
        CellText::Null => "NULL".into(),
        CellText::Text(s) => s.into(),
        CellText::Other(s) => format!("#{s}"),
    }
}

/// The entry whose backup (else live) cell in `column` is `value`.
pub fn entry_where(rows: &TableRows, column: &str, value: &str) -> usize {
    let c = column_index(rows, column);
    (0..rows.len())
        .find(|&e| {
            let cell = if rows.line(e).is_some() {
                rows.backup_cell(e, c)
            } else {
                rows.live_cell(e, c)
            };
            cell.text() == Some(value)
        })
        .unwrap_or_else(|| panic!("{}: no entry with {column}={value}", rows.table))
}

pub fn column_index(rows: &TableRows, name: &str) -> usize {
    rows.columns
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("{}: no column {name}", rows.table))
}
