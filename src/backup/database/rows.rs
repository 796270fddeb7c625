//! One backup database table's rows, streamed by a producer thread (its own
//! runtime, the live side's `stream_rows`) into a bounded channel of batches
//! the sync `RowReader` drains. Dropping the reader drops the receiver: the
//! producer's next send fails, which aborts the stream and closes its
//! connection, so no thread keeps reading a large table nobody wants.

use super::{as_backup, connect, runtime};
use crate::backup::BackupRow;
use crate::catalog::Table;
use crate::error::{Error, Result};
use crate::live::DbUrl;
use crate::value::Cell;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Rows per message: one channel operation per batch, not per row.
const BATCH_ROWS: usize = 512;
/// Batches in flight: enough to keep both threads busy, little memory.
const CHANNEL_BATCHES: usize = 4;

type Cells = Vec<Option<Cell>>;

enum Message {
    Rows(Vec<Cells>),
    End,
    Failed(Error),
}

pub(crate) struct DbRows {
    receiver: Receiver<Message>,
    batch: std::vec::IntoIter<Cells>,
    /// Ordinal of the last row handed out (1-based once a row is out).
    line: u64,
    table: String,
}

impl DbRows {
    /// Start streaming every column of `table`, in catalog order. Connection
    /// errors arrive with the first row.
    pub(crate) fn start(url: &DbUrl, table: &Table) -> Result<DbRows> {
        let (sender, receiver) = sync_channel(CHANNEL_BATCHES);
        let (url, owned) = (url.clone(), table.clone());
        std::thread::Builder::new()
            .name("lifeboat-backup-rows".into())
            .spawn(move || produce(&url, &owned, &sender))
            .map_err(|e| {
                Error::Other(format!(
                    "cannot start reading backup table {}: {e}",
                    table.name
                ))
            })?;
        Ok(DbRows {
            receiver,
            batch: Vec::new().into_iter(),
            line: 0,
            table: table.name.to_string(),
        })
    }

    /// The next row, `None` at the end. After an error the caller stops.
    pub(crate) fn next_row(&mut self) -> Result<Option<BackupRow>> {
        loop {
            if let Some(cells) = self.batch.next() {
                self.line += 1;
                return Ok(Some(BackupRow {
                    line: self.line,
                    cells,
                }));
            }
            match self.receiver.recv() {
                Ok(Message::Rows(rows)) => self.batch = rows.into_iter(),
                Ok(Message::End) => return Ok(None),
                Ok(Message::Failed(e)) => return Err(e),
                Err(_) => {
                    return Err(Error::Other(format!(
                        "reading backup table {}: the reader stopped unexpectedly after row {}",
                        self.table, self.line
                    )))
                }
            }
        }
    }
}

/// The producer thread: stream the table in batches; report the end or the
/// error. A closed channel (the reader was dropped) ends it quietly.
fn produce(url: &DbUrl, table: &Table, sender: &SyncSender<Message>) {
    let mut abandoned = false;
    let outcome = runtime().and_then(|rt| {
        rt.block_on(async {
            let live = connect(url).await?;
            let all: Vec<usize> = (0..table.columns.len()).collect();
            let mut batch: Vec<Cells> = Vec::with_capacity(BATCH_ROWS);
            live.stream_rows(table, &all, |cells| {
                batch.push(cells.iter().cloned().map(Some).collect());
                if batch.len() >= BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    if sender.send(Message::Rows(full)).is_err() {
                        abandoned = true;
                        return Err(Error::Other("the backup reader was dropped".into()));
                    }
                }
                Ok(())
            })
            .await
            .map_err(|e| as_backup(url, e))?;
            if !batch.is_empty() && sender.send(Message::Rows(batch)).is_err() {
                abandoned = true;
            }
            Ok(())
        })
    });
    if abandoned {
        return;
    }
    // A send fails only when the reader is gone; then nobody is left to tell.
    let _ = sender.send(match outcome {
        Ok(()) => Message::End,
        Err(e) => Message::Failed(e),
    });
}
