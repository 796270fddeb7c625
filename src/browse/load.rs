//! Loading one table's rows: both sides read at once like the diff (the
//! backup on a blocking thread, the live table on the runtime), each row
//! digested by the diff's own code and its cells packed into a store.

use super::layout::Layout;
use super::matching::{match_keyed, match_whole_rows, Matched};
use super::store::CellStore;
use super::{Header, RowStatus, TableRows};
use crate::backup::{Backup, TableSource};
use crate::catalog::{Catalog, Dialect, Table, TableName};
use crate::diff::digest::{KeyKind, KeySpec};
use crate::diff::table::{
    choose_key, column_plans, digest_backup_with, digest_live, duplicate_error, run_blocking,
    size_estimates,
};
use crate::diff::{filter_tables, pair_tables, KeyInfo, TablePair};
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crate::value::{classify, TypeClass};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

/// Rows each side reads between two progress reports.
const PROGRESS_STEP: u64 = 10_000;

/// Load the rows of `table` (named as the diff names it: `TableDiff.name`,
/// e.g. `public.projects`, or the bare name when unambiguous). With no live
/// side every backup row is BackupOnly; a table not live gives MissingLive
/// rows, a table only live OnlyLive rows. `progress` gets the rows read so
/// far (both sides), every 10,000 rows a side and once at the end. Setting
/// `cancel` stops both sides at the next row with an error.
pub async fn load_table_rows(
    live: Option<&LiveDb>,
    backup: &Backup,
    table: &str,
    progress: impl Fn(u64) + Send + Sync + 'static,
    cancel: Arc<AtomicBool>,
) -> Result<TableRows> {
    let tracker = Arc::new(Tracker {
        read: AtomicU64::new(0),
        report: Mutex::new(Box::new(progress)),
        reported: AtomicU64::new(0),
        cancel,
        stop: AtomicBool::new(false),
        first_failed: AtomicU8::new(0),
        table: table.to_owned(),
    });
    let rows = match live {
        None => {
            let src = backup_table(backup, table)?;
            let schema = backup.schema.as_ref().and_then(|s| s.resolve(&src.name));
            let name = src.name.clone();
            load_backup(backup, src, schema, &name, RowStatus::BackupOnly, &tracker).await?
        }
        Some(live) => {
            let catalog = live.catalog().await?;
            let pairs = pair_tables(backup, &catalog);
            let pair = choose_pair(pairs, table)?;
            match (pair.backup, pair.live) {
                (Some(src), Some(t)) => {
                    load_both(live, backup, &catalog, &pair, src, t, &tracker).await?
                }
                (Some(src), None) => {
                    let name = src.name.clone();
                    let status = RowStatus::MissingLive;
                    load_backup(backup, src, pair.backup_schema, &name, status, &tracker).await?
                }
                (None, Some(t)) => load_live(live, &catalog, t, &tracker).await?,
                (None, None) => return Err(no_table(table)),
            }
        }
    };
    tracker.report(tracker.read.load(Ordering::Relaxed));
    Ok(rows)
}

fn no_table(table: &str) -> Error {
    Error::Usage(format!(
        "no table named {} in the backup or the live database",
        crate::report::visible(table)
    ))
}

/// The pair the diff shows as `table`: its display name, else the one
/// table of that bare name.
fn choose_pair<'a>(pairs: Vec<TablePair<'a>>, table: &str) -> Result<TablePair<'a>> {
    let wanted = [table.to_owned()];
    let mut found = filter_tables(pairs, &wanted)?;
    if let Some(i) = found.iter().position(|p| p.display == table) {
        return Ok(found.swap_remove(i));
    }
    match found.len() {
        1 => Ok(found.swap_remove(0)),
        _ => Err(Error::Usage(format!(
            "table name {} is ambiguous: {}; give it with its schema",
            crate::report::visible(table),
            found
                .iter()
                .map(|p| crate::report::visible(&p.display).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn backup_table<'a>(backup: &'a Backup, table: &str) -> Result<&'a TableSource> {
    let exact = backup.tables.iter().find(|t| t.name.to_string() == table);
    let bare = || {
        let mut named = backup.tables.iter().filter(|t| t.name.name == table);
        match (named.next(), named.next()) {
            (Some(t), None) => Some(t),
            _ => None,
        }
    };
    exact.or_else(bare).ok_or_else(|| no_table(table))
}

/// Progress and cancellation shared by both sides.
struct Tracker {
    read: AtomicU64,
    /// Locked so reports from the two sides arrive in increasing order.
    report: Mutex<Box<dyn Fn(u64) + Send + Sync>>,
    reported: AtomicU64,
    cancel: Arc<AtomicBool>,
    /// One side failed: the other stops too.
    stop: AtomicBool,
    /// Which side failed first (0 none, else a `Side`), so its error is the one returned.
    first_failed: AtomicU8,
    table: String,
}

#[derive(Clone, Copy)]
#[repr(u8)]
enum Side {
    Backup = 1,
    Live = 2,
}

impl Tracker {
    /// Report `total` unless a larger total was reported already.
    fn report(&self, total: u64) {
        let Ok(report) = self.report.lock() else {
            return;
        };
        if self.reported.fetch_max(total, Ordering::Relaxed) < total {
            report(total);
        }
    }

    fn counter(&self) -> Counter<'_> {
        Counter {
            tracker: self,
            unreported: 0,
        }
    }

    fn cancelled(&self) -> Error {
        Error::Other(format!(
            "loading the rows of {} was cancelled",
            crate::report::visible(&self.table)
        ))
    }

    /// Note a side's result; a failure stops the other side.
    fn settle<T>(&self, side: Side, r: Result<T>) -> Result<T> {
        if r.is_err() {
            let _ = self.first_failed.compare_exchange(
                0,
                side as u8,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
            self.stop.store(true, Ordering::Release);
        }
        r
    }

    /// Both sides' results, or the error that came first (cancellation
    /// when the caller cancelled).
    fn join<B, L>(&self, b: Result<B>, l: Result<L>) -> Result<(B, L)> {
        if self.cancel.load(Ordering::Acquire) {
            return Err(self.cancelled());
        }
        match (b, l) {
            (Ok(b), Ok(l)) => Ok((b, l)),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
            (Err(be), Err(le)) => Err(
                if self.first_failed.load(Ordering::Acquire) == Side::Live as u8 {
                    le
                } else {
                    be
                },
            ),
        }
    }
}

/// One side's row count, reported in steps.
struct Counter<'a> {
    tracker: &'a Tracker,
    unreported: u64,
}

impl Counter<'_> {
    /// Called before each row: fails when cancelled or the other side failed.
    fn row(&mut self) -> Result<()> {
        let t = self.tracker;
        if t.cancel.load(Ordering::Relaxed) || t.stop.load(Ordering::Relaxed) {
            return Err(t.cancelled());
        }
        self.unreported += 1;
        if self.unreported == PROGRESS_STEP {
            let total = t.read.fetch_add(PROGRESS_STEP, Ordering::Relaxed) + PROGRESS_STEP;
            self.unreported = 0;
            t.report(total);
        }
        Ok(())
    }
}

impl Drop for Counter<'_> {
    fn drop(&mut self) {
        self.tracker
            .read
            .fetch_add(self.unreported, Ordering::Relaxed);
    }
}

/// What the backup side produced.
struct BackupSide {
    layout: Layout,
    store: CellStore,
    lines: Vec<u64>,
}

async fn load_both(
    live: &LiveDb,
    backup: &Backup,
    catalog: &Catalog,
    pair: &TablePair<'_>,
    src: &TableSource,
    table: &Table,
    tracker: &Arc<Tracker>,
) -> Result<TableRows> {
    let columns = Arc::new(column_plans(table, catalog));
    let key = Arc::new(choose_key(table, pair.backup_schema));
    let (backup_estimate, live_estimate) = size_estimates(live, src, table).await;
    let backup_side = {
        let layout = Layout::new(Some(table), pair.backup_schema);
        let (backup, src, columns, key, tracker) = (
            backup.clone(),
            src.clone(),
            columns.clone(),
            key.clone(),
            tracker.clone(),
        );
        run_blocking(move || {
            let r = (|| {
                let mut side = BackupSide::new(layout, backup_estimate);
                let mut digest_rows = Vec::with_capacity(backup_estimate);
                let mut counter = tracker.counter();
                let digest = digest_backup_with(
                    &backup,
                    &src,
                    &columns,
                    &key,
                    backup_estimate,
                    |row, fields, digest_row| {
                        counter.row()?;
                        side.push(row, fields)?;
                        digest_rows.push(digest_row);
                        Ok(())
                    },
                )?;
                Ok((side, digest, digest_rows))
            })();
            tracker.settle(Side::Backup, r)
        })
    };
    let as_other = text_as_other(table, catalog);
    let live_side = async {
        let mut store = CellStore::default();
        store.reserve(live_estimate, table.columns.len());
        let whole_row = key.kind == KeyKind::WholeRow;
        let mut digest_rows = Vec::new();
        let mut counter = tracker.counter();
        let r = digest_live(live, table, &columns, &key, live_estimate, |cells, row| {
            counter.row()?;
            store.push_row(cells.iter().map(Some), |i| as_other[i])?;
            // Keyed live digests have one row per live row; only copies need a map.
            if whole_row {
                digest_rows.push(row);
            }
            Ok(())
        })
        .await;
        drop(counter);
        tracker.settle(Side::Live, r.map(|digest| (store, digest, digest_rows)))
    };
    let (b, l) = tokio::join!(backup_side, live_side);
    let ((side, b, backup_rows), (live_store, l, live_rows)) = tracker.join(b, l)?;
    if b.duplicate_count > 0 {
        return Err(duplicate_error(src, &b, &columns, &key));
    }
    let matched = if key.kind == KeyKind::WholeRow {
        match_whole_rows(&b.digest, &backup_rows, &l.digest, &live_rows)
    } else {
        match_keyed(&b.digest, &backup_rows, &l.digest)
    };
    let header = Header {
        table: pair.display.clone(),
        table_name: table.name.clone(),
        columns: side.layout.columns,
        key: Some(key_info(&key, table)),
    };
    Ok(TableRows::new(
        header, side.store, side.lines, live_store, matched,
    ))
}

impl BackupSide {
    fn new(layout: Layout, estimate: usize) -> Self {
        let mut store = CellStore::default();
        store.reserve(estimate, layout.columns.len());
        BackupSide {
            layout,
            store,
            lines: Vec::with_capacity(estimate),
        }
    }

    fn push(&mut self, row: &crate::backup::BackupRow, fields: &[String]) -> Result<()> {
        self.layout.see_fields(fields);
        let cells = self
            .layout
            .column_field
            .iter()
            .map(|f| f.and_then(|f| row.cells.get(f)).and_then(Option::as_ref));
        self.store.push_row(cells, |_| false)?;
        self.lines.push(row.line);
        Ok(())
    }
}

/// A table with no live counterpart: its backup rows, all with `status`.
async fn load_backup(
    backup: &Backup,
    src: &TableSource,
    schema: Option<&Table>,
    name: &TableName,
    status: RowStatus,
    tracker: &Arc<Tracker>,
) -> Result<TableRows> {
    let layout = Layout::new(None, schema);
    let key = schema
        .and_then(|t| t.primary_key.as_ref())
        .map(|pk| KeyInfo {
            columns: pk.columns.clone(),
            source: "backup_primary_key",
        });
    let side = {
        let (backup, src, tracker) = (backup.clone(), src.clone(), tracker.clone());
        run_blocking(move || {
            let mut reader = backup.rows(&src)?;
            let mut side = BackupSide::new(layout, 0);
            let mut counter = tracker.counter();
            // Not a `for` loop: the reader's field list is read between rows.
            #[allow(clippy::while_let_on_iterator)]
            while let Some(row) = reader.next() {
                let row = row?;
                counter.row()?;
                side.push(&row, reader.columns())?;
            }
            Ok(side)
        })
        .await?
    };
    let rows = side.store.rows();
    let header = Header {
        table: name.to_string(),
        table_name: name.clone(),
        columns: side.layout.columns,
        key,
    };
    Ok(TableRows::new(
        header,
        side.store,
        side.lines,
        CellStore::default(),
        Matched::all(status, rows, false),
    ))
}

/// A table only live: its rows, all OnlyLive.
async fn load_live(
    live: &LiveDb,
    catalog: &Catalog,
    table: &Table,
    tracker: &Arc<Tracker>,
) -> Result<TableRows> {
    let as_other = text_as_other(table, catalog);
    let mut store = CellStore::default();
    let mut counter = tracker.counter();
    let all: Vec<usize> = (0..table.columns.len()).collect();
    live.stream_rows(table, &all, |cells| {
        counter.row()?;
        store.push_row(cells.iter().map(Some), |i| as_other[i])
    })
    .await?;
    drop(counter);
    let key = table.primary_key.as_ref().map(|pk| KeyInfo {
        columns: pk.columns.clone(),
        source: "live_primary_key",
    });
    let rows = store.rows();
    let header = Header {
        table: table.name.to_string(),
        table_name: table.name.clone(),
        columns: Layout::new(Some(table), None).columns,
        key,
    };
    Ok(TableRows::new(
        header,
        CellStore::default(),
        Vec::new(),
        store,
        Matched::all(RowStatus::OnlyLive, rows, true),
    ))
}

/// The key as the diff reports it.
fn key_info(key: &KeySpec, table: &Table) -> KeyInfo {
    KeyInfo {
        columns: key
            .columns
            .iter()
            .map(|&i| table.columns[i].name.clone())
            .collect(),
        source: match key.kind {
            KeyKind::LivePrimaryKey => "live_primary_key",
            KeyKind::BackupPrimaryKey => "backup_primary_key",
            KeyKind::WholeRow => "whole_row",
        },
    }
}

/// Per live column: whether its text values are not strings. PostgreSQL's
/// COPY delivers every value as text, so the column's type decides; SQLite
/// values keep their storage class.
fn text_as_other(table: &Table, catalog: &Catalog) -> Vec<bool> {
    table
        .columns
        .iter()
        .map(|c| {
            catalog.dialect == Dialect::Postgres
                && matches!(
                    classify(&c.data_type, catalog.dialect, &catalog.enums),
                    TypeClass::Bool
                        | TypeClass::Int { .. }
                        | TypeClass::Float { .. }
                        | TypeClass::Numeric { .. }
                        | TypeClass::Json
                        | TypeClass::Bytes
                        | TypeClass::Array(_)
                )
        })
        .collect()
}
