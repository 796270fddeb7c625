//! Background search for the console: across every backup table (streamed,
//! with progress) or within the open table's loaded rows, cancelled when a
//! newer query arrives. Answers with `Msg::SearchFound`.

use super::{cancel, send, Sender, Work};
use crate::backup::Backup;
use crate::browse::{CellText, TableRows};
use crate::console::app::modal::{Found, SearchScope};
use crate::console::app::Msg;
use crate::console::search::{rows_fn, RowSearch, SearchRow};
use crate::report::visible;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Row hits a search keeps.
const SEARCH_CAP: usize = 200;

impl Work {
    pub(super) fn search(&mut self, generation: u64, scope: SearchScope, query: String) {
        cancel(&mut self.search);
        let stop = Arc::new(AtomicBool::new(false));
        self.search = Some(stop.clone());
        let tx = self.tx.clone();
        match scope {
            SearchScope::Everywhere => {
                let backup = self.backup();
                tokio::task::spawn_blocking(move || {
                    search_everywhere(&backup, &query, generation, &stop, &tx)
                });
            }
            SearchScope::Table(name) => {
                let rows = self
                    .rows_slot
                    .lock()
                    .ok()
                    .and_then(|s| s.clone())
                    .filter(|(n, _)| *n == name);
                let Some((_, rows)) = rows else {
                    let progress = Some("this table's rows are not loaded yet".to_owned());
                    send(
                        &tx,
                        Msg::SearchFound {
                            generation,
                            rows: Vec::new(),
                            progress,
                        },
                    );
                    return;
                };
                tokio::task::spawn_blocking(move || {
                    search_table(&name, &rows, &query, generation, &stop, &tx)
                });
            }
        }
    }
}

fn search_everywhere(
    backup: &Backup,
    query: &str,
    generation: u64,
    stop: &AtomicBool,
    tx: &Sender,
) {
    use crate::console::search::{search_backup, BackupSearchProgress};
    let progress = |p: BackupSearchProgress| {
        if !p.done && !stop.load(Ordering::Relaxed) {
            let text = format!(
                "searching: {} rows read, {} of {} tables",
                p.rows_scanned, p.tables_done, p.tables_total
            );
            send(
                tx,
                Msg::SearchFound {
                    generation,
                    rows: Vec::new(),
                    progress: Some(text),
                },
            );
        }
    };
    let msg = match search_backup(backup, query, SEARCH_CAP, stop, progress) {
        Ok(hits) => Msg::SearchFound {
            generation,
            rows: hits
                .into_iter()
                .map(|h| Found::Row {
                    table: h.table_name,
                    line: Some(h.line),
                    entry: None,
                    column: visible(&h.column_name).into_owned(),
                    snippet: h.snippet,
                    positions: h.positions,
                })
                .collect(),
            progress: None,
        },
        Err(e) => Msg::SearchFound {
            generation,
            rows: Vec::new(),
            progress: Some(format!("search failed: {e}")),
        },
    };
    if !stop.load(Ordering::Relaxed) {
        send(tx, msg);
    }
}

/// One entry of the open table as the row search reads it: the backup's
/// value where there is one, else the live value.
struct EntryRow<'a> {
    rows: &'a TableRows,
    entry: usize,
}

impl SearchRow for EntryRow<'_> {
    fn cell_count(&self) -> usize {
        self.rows.columns.len()
    }

    fn text(&self, column: usize) -> Option<Cow<'_, str>> {
        let cell = match self.rows.backup_cell(self.entry, column) {
            CellText::Absent => self.rows.live_cell(self.entry, column),
            cell => cell,
        };
        cell.text().map(Cow::Borrowed)
    }
}

/// Rows searched between checks for a newer query.
const SEARCH_CHUNK: usize = 50_000;

fn search_table(
    name: &str,
    rows: &TableRows,
    query: &str,
    generation: u64,
    stop: &AtomicBool,
    tx: &Sender,
) {
    let source = rows_fn(rows.len(), |entry| EntryRow { rows, entry });
    let mut search = RowSearch::new(query, rows.len(), SEARCH_CAP);
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        if search.search_chunk(&source, SEARCH_CHUNK).done {
            break;
        }
    }
    let found = search
        .hits(&source)
        .into_iter()
        .map(|h| Found::Row {
            table: name.to_owned(),
            line: rows.line(h.row),
            entry: u32::try_from(h.row).ok(),
            column: rows
                .columns
                .get(h.column)
                .map(|c| visible(&c.name).into_owned())
                .unwrap_or_default(),
            snippet: h.snippet,
            positions: h.positions,
        })
        .collect();
    send(
        tx,
        Msg::SearchFound {
            generation,
            rows: found,
            progress: None,
        },
    );
}
