//! Schema repair in the console: which tables' structure to put back from
//! the backup (`M`, or every table from the palette), which columns' values
//! to write back into the live rows (Space on the Schema tab), and whether
//! types inferred from the values are accepted (`I`). The same choices the
//! CLI takes as `--repair-schema`, `--restore-columns` and
//! `--accept-inferred-schema`; [`Repair::options`] turns them into the
//! engine's [`RepairOptions`]. Pure.

use super::table_view::Tab;
use super::{replan, App, Effect, Mode, Screen};
use crate::catalog::TableName;
use crate::console::keymap::Action;
use crate::diff::{TableDiff, TableStatus};
use crate::repair::plan::{RepairOptions, RepairScope};
use crate::report::visible;
use crate::restore::pick::{parse_pick, ColumnsSpec};
use std::collections::{BTreeMap, BTreeSet};

/// The operator's repair choices, tables named as the diff names them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repair {
    /// Repair every table the backup describes (`--repair-schema`).
    pub all: bool,
    /// Tables whose structure is repaired (`--repair-schema=T,...`).
    pub tables: BTreeSet<String>,
    /// Per table, the columns whose backup values are written back by key.
    pub columns: BTreeMap<String, BTreeSet<String>>,
    pub accept_inferred: bool,
}

impl Repair {
    /// Nothing asked of the schema repair: the plan is rows only.
    pub fn is_off(&self) -> bool {
        !self.all && self.tables.is_empty() && self.columns.is_empty()
    }

    /// Whether `table`'s structure is being repaired.
    pub fn repairs(&self, table: &TableDiff) -> bool {
        self.tables.contains(&table.name) || (self.all && needs_repair(table))
    }

    /// Columns of `table` whose values are written back, in name order.
    pub fn written_back(&self, table: &str) -> Vec<&str> {
        self.columns
            .get(table)
            .map(|c| c.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Toggle `table` in the per-table scope; true when now repaired.
    pub fn toggle_table(&mut self, table: &str) -> bool {
        if self.tables.remove(table) {
            return false;
        }
        self.tables.insert(table.to_owned());
        true
    }

    /// Toggle writing back `column` of `table`; true when now written back.
    pub fn toggle_column(&mut self, table: &str, column: &str) -> bool {
        let set = self.columns.entry(table.to_owned()).or_default();
        let on = if set.remove(column) {
            false
        } else {
            set.insert(column.to_owned());
            true
        };
        if set.is_empty() {
            self.columns.remove(table);
        }
        on
    }

    /// What the restore engine takes (the CLI's flags, parsed).
    pub fn options(&self) -> RepairOptions {
        let scope = if self.all {
            RepairScope::All
        } else if self.tables.is_empty() {
            RepairScope::Off
        } else {
            RepairScope::Tables(self.tables.iter().map(|t| table_name(t)).collect())
        };
        RepairOptions {
            scope,
            restore_columns: self
                .columns
                .iter()
                .map(|(table, columns)| ColumnsSpec {
                    table: table_name(table),
                    columns: columns.iter().cloned().collect(),
                })
                .collect(),
            accept_inferred: self.accept_inferred,
        }
    }
}

/// A diff's table name as the engine resolves it (`public.projects` has a
/// schema; a name the pick syntax cannot read is taken whole).
fn table_name(name: &str) -> TableName {
    parse_pick(name)
        .map(|p| p.table_name())
        .unwrap_or_else(|_| TableName::new(None, name))
}

/// The table has structure live lacks: dropped, or columns or constraints gone.
pub fn needs_repair(t: &TableDiff) -> bool {
    t.backup_rows.is_some()
        && (t.status == TableStatus::TableMissing
            || !t.schema.missing_columns.is_empty()
            || !t.schema.missing_constraints.is_empty())
}

/// Why a column is offered for write-back on the Schema tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// The backup has it, live does not (added, then filled by key).
    MissingLive,
    /// Both have it; this many rows' values differ.
    Changed(u64),
}

/// The columns the Schema tab lets the operator write back: those missing
/// live, then those whose values differ. None for a table missing live
/// (it has no rows to write into).
pub fn pickable_columns(t: &TableDiff) -> Vec<(String, ColumnKind)> {
    if t.live_rows.is_none() || t.backup_rows.is_none() {
        return Vec::new();
    }
    let missing = t
        .schema
        .missing_columns
        .iter()
        .map(|c| (c.clone(), ColumnKind::MissingLive));
    let changed = t
        .changed_columns
        .iter()
        .map(|(c, n)| (c.clone(), ColumnKind::Changed(*n)));
    missing.chain(changed).collect()
}

/// The table `M` and column picks apply to: the open one, else the focused one.
fn target(app: &App) -> Option<&TableDiff> {
    match (app.screen, &app.table) {
        (Screen::Table, Some(t)) => app.diff_of(&t.name),
        (Screen::Tables, _) => app.focused(),
        _ => None,
    }
}

fn refuse_read_only(app: &mut App) -> bool {
    if app.mode == Mode::ReadOnly {
        app.notice =
            Some("read-only: there is no live database to repair (open with --db URL)".into());
        return true;
    }
    false
}

/// `M`: repair the focused (or open) table's structure, or stop.
pub(super) fn toggle_table(app: &mut App) -> Option<Effect> {
    if refuse_read_only(app) {
        return None;
    }
    let Some(t) = target(app) else {
        app.notice = Some("focus a table first: M repairs the focused table's structure".into());
        return None;
    };
    let name = t.name.clone();
    let shown = visible(&name).into_owned();
    if !app.repair.tables.contains(&name) && !needs_repair(t) {
        app.notice = Some(format!(
            "{shown}: nothing to repair — live has its table, columns and constraints"
        ));
        return None;
    }
    let missing = t.status == TableStatus::TableMissing;
    let picked = app.picks.iter().any(|p| p.table == name);
    app.notice = Some(if app.repair.toggle_table(&name) {
        let rows = if missing && !picked {
            " (Space also brings its rows back)"
        } else {
            ""
        };
        let what = if missing {
            "recreated from the backup"
        } else {
            "given back its missing columns and constraints"
        };
        format!("{shown}: structure will be {what}{rows}")
    } else if app.repair.all {
        format!("{shown}: no longer repaired by name (every table still is: palette to stop)")
    } else {
        format!("{shown}: structure no longer repaired")
    });
    replan(app)
}

/// Palette: repair every table the backup describes.
pub(super) fn repair_all(app: &mut App) -> Option<Effect> {
    if refuse_read_only(app) {
        return None;
    }
    app.repair.all = true;
    app.notice = Some("repairing the structure of every table the backup describes".into());
    replan(app)
}

/// Palette: no structure repair and no column write-back at all.
pub(super) fn stop(app: &mut App) -> Option<Effect> {
    if app.repair.is_off() && !app.repair.accept_inferred {
        app.notice = Some("no structure is being repaired".into());
        return None;
    }
    app.repair = Repair::default();
    app.notice = Some("structure repair and column write-back stopped".into());
    replan(app)
}

/// `I`: accept (or no longer accept) types inferred from the values.
pub(super) fn toggle_inferred(app: &mut App) -> Option<Effect> {
    if refuse_read_only(app) {
        return None;
    }
    let r = &mut app.repair;
    r.accept_inferred = !r.accept_inferred;
    app.notice = Some(if r.accept_inferred {
        "INFERRED types accepted: tables without DDL in the backup are created with the types guessed from their values (check them in the plan)".into()
    } else {
        "INFERRED types no longer accepted".into()
    });
    if app.repair.is_off() {
        return None;
    }
    replan(app)
}

/// A key on the open table's Schema tab: moves walk the pickable columns,
/// Space toggles the focused one. `None`: not a Schema tab key.
pub(super) fn on_schema(app: &mut App, action: Action) -> Option<Option<Effect>> {
    let view = app.table.as_ref().filter(|t| t.tab == Tab::Schema)?;
    let (table, pos) = (view.name.clone(), view.schema_cursor.pos);
    let columns = app.diff_of(&table).map(pickable_columns)?;
    let len = columns.len();
    if let Some(m) = super::move_of(action) {
        if let Some(t) = app.table.as_mut() {
            t.schema_cursor.apply(m, len, 10);
        }
        return Some(None);
    }
    if action != Action::Pick {
        return None;
    }
    if refuse_read_only(app) {
        return Some(None);
    }
    let Some((column, kind)) = columns.get(pos).cloned() else {
        app.notice = Some(format!(
            "{}: no columns to write back (only columns missing live or with changed values are)",
            visible(&table)
        ));
        return Some(None);
    };
    let on = app.repair.toggle_column(&table, &column);
    let (t, c) = (visible(&table), visible(&column));
    app.notice = Some(match (on, kind) {
        (true, ColumnKind::MissingLive) => {
            format!("{t}.{c}: added live, then its backup values written into the live rows by key")
        }
        (true, ColumnKind::Changed(_)) => {
            format!("{t}.{c}: the backup's values written over the live ones, by key")
        }
        (false, _) => format!("{t}.{c}: no longer written back"),
    });
    Some(replan(app))
}
