//! One table's rows out of an archive: `pg_restore --data-only -L LIST -f -`
//! with a list naming just that table's `TABLE DATA` entry, its output read
//! as it comes (never whole): the SET prelude, the COPY header, one line
//! per row, `\.`. Dropping the reader kills and reaps pg_restore.

use super::super::copy_header;
use super::super::copy_text::{self, Line};
use super::super::lines::Lines;
use super::super::plain::apply_set;
use super::super::rows::PlainRow;
use super::super::statements::{Kind, Splitter};
use super::tool::{PgRestore, MAX_STDERR};
use super::ArchiveEntry;
use crate::catalog::TableName;
use crate::error::{Error, Result};
use crate::report::visible;

/// An archive made with `pg_dump --inserts` holds INSERT statements, which
/// this reader does not decode; the plain-dump reader does.
const INSERTS_UNSUPPORTED: &str = "this archive's data are INSERT statements (pg_dump --inserts): \
     convert it with `pg_restore -f dump.sql ARCHIVE` and pass dump.sql as the backup";
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::thread::JoinHandle;

const BUF_SIZE: usize = 256 * 1024;

/// Streams one `TABLE DATA` entry's rows. After an error or the last row
/// the iterator ends and pg_restore has been waited for.
pub struct ArchiveRows {
    tool: PgRestore,
    child: Option<Child>,
    stderr: Option<JoinHandle<String>>,
    lines: Lines,
    archive: PathBuf,
    table: TableName,
    columns: Vec<String>,
    finished: bool,
    /// pg_restore's output has been read to its end (so it is exiting).
    eof: bool,
}

impl ArchiveRows {
    /// Start pg_restore for `entry` and read up to its COPY header, so
    /// [`Self::columns`] is known and a broken archive fails here.
    pub fn open(archive: &Path, entry: &ArchiveEntry) -> Result<ArchiveRows> {
        let (mut rows, table) = Self::start(archive, entry)?;
        if table != entry.table {
            let message = format!(
                "pg_restore wrote data of {}; the archive's table of contents names it differently",
                visible(&table.to_string())
            );
            let err = rows.at(rows.lines.number(), message);
            return Err(rows.finish_with(err));
        }
        Ok(rows)
    }

    /// The table pg_restore's COPY header names for `entry` (pg_restore is
    /// stopped right after it): for entries whose list line is ambiguous.
    pub(crate) fn peek_table(archive: &Path, entry: &ArchiveEntry) -> Result<TableName> {
        Self::start(archive, entry).map(|(_, table)| table)
    }

    /// Spawn pg_restore for `entry` and read up to the COPY header.
    fn start(archive: &Path, entry: &ArchiveEntry) -> Result<(ArchiveRows, TableName)> {
        let tool = PgRestore::find();
        // The list goes in on stdin: no temporary file to clean up.
        let mut child = tool
            .command()
            .args(["--data-only", "--use-list=/dev/stdin", "--file=-"])
            .arg(archive)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| tool.spawn_error(archive, &e))?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            reap(&mut child);
            return Err(Error::backup(
                archive,
                None,
                "pg_restore started without pipes",
            ));
        };
        let stderr = std::thread::spawn(move || collect(stderr));
        let label = archive.to_path_buf();
        let mut rows = ArchiveRows {
            tool,
            child: Some(child),
            stderr: Some(stderr),
            lines: Lines::from_reader(Box::new(BufReader::with_capacity(BUF_SIZE, stdout)), &label),
            archive: label,
            table: entry.table.clone(),
            columns: Vec::new(),
            finished: false,
            eof: false,
        };
        // pg_restore reads the whole list before writing anything, and the
        // list is one line: this write cannot wait on our reading.
        let written = writeln!(stdin, "{}", entry.list_line);
        drop(stdin);
        if let Err(e) = written {
            // pg_restore closed its stdin: it is failing. Its output is read
            // to the end so its complaint can be waited for.
            while let Ok(Some(_)) = rows.lines.next_line() {}
            rows.eof = true;
            return Err(rows.finish_with(Error::io(archive, &e)));
        }
        let (table, columns) = rows.read_header()?;
        rows.columns = columns;
        Ok((rows, table))
    }

    /// Column names from the COPY header, in the order of the fields.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The pg_restore process id while it runs (None once waited for).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn what(&self) -> String {
        format!("data of {}", visible(&self.table.to_string()))
    }

    /// An error at line `number` of pg_restore's output.
    fn at(&self, number: u64, message: impl std::fmt::Display) -> Error {
        Error::backup(
            &self.archive,
            None,
            format!(
                "{}, line {number} of pg_restore's output: {message}",
                self.what()
            ),
        )
    }

    /// Skip the prelude (SET, `\restrict`, comments) up to the COPY header.
    fn read_header(&mut self) -> Result<(TableName, Vec<String>)> {
        let mut splitter = Splitter::default();
        let mut ended = Vec::new();
        loop {
            let next = self.lines.next_line();
            let (line, number) = match next {
                Ok(Some((line, number, _))) => (line.to_vec(), number),
                Ok(None) => {
                    self.eof = true;
                    let e = self.at(self.lines.number(), "no COPY statement (no data?)");
                    return Err(self.finish_with(e));
                }
                Err(e) => return Err(self.finish_with(e)),
            };
            splitter.feed(&line, number, &mut ended);
            for e in ended.drain(..) {
                let checked = match e.kind {
                    Kind::Set => apply_set(&e.text, &mut splitter).map(|()| None),
                    Kind::Copy => copy_header::parse(&e.text),
                    Kind::Insert => Err(INSERTS_UNSUPPORTED.to_string()),
                    Kind::Schema | Kind::Other => Ok(None),
                };
                let header = match checked {
                    Ok(Some(h)) => h,
                    Ok(None) => continue,
                    Err(m) => {
                        let err = self.at(e.line, m);
                        return Err(self.finish_with(err));
                    }
                };
                return Ok((header.table, header.columns));
            }
        }
    }

    fn next_row(&mut self) -> Result<Option<PlainRow>> {
        let width = self.columns.len();
        let (line, number) = match self.lines.next_line()? {
            Some((line, number, _)) => (line.strip_suffix(b"\r").unwrap_or(line), number),
            None => {
                self.eof = true;
                return Err(self.at(self.lines.number(), "no end marker \\. (truncated?)"));
            }
        };
        let mut fields = Vec::with_capacity(width);
        // A table without columns has empty lines as rows.
        if width == 0 && line.is_empty() {
            return Ok(Some(PlainRow {
                line: number,
                fields,
            }));
        }
        match copy_text::decode_line(line, &mut fields) {
            Ok(Line::EndOfData) => Ok(None),
            Ok(Line::Row) if fields.len() == width => Ok(Some(PlainRow {
                line: number,
                fields,
            })),
            Ok(Line::Row) => Err(self.at(
                number,
                format!("expected {width} fields, got {}", fields.len()),
            )),
            Err(e) => Err(self.at(number, e)),
        }
    }

    /// After `\.`: read the short trailer, wait for pg_restore and check it.
    fn finish(&mut self) -> Result<()> {
        loop {
            match self.lines.next_line() {
                Ok(Some(_)) => {}
                Ok(None) => {
                    self.eof = true;
                    return self.wait_checked();
                }
                Err(e) => return Err(self.finish_with(e)),
            }
        }
    }

    /// End after `err`. At the end of the output, prefer pg_restore's own
    /// complaint (a truncated archive) to `err`, which is often just its
    /// consequence (no end marker). Before the end, pg_restore may still be
    /// writing to a pipe nobody will read (waiting would wait forever): stop it.
    fn finish_with(&mut self, err: Error) -> Error {
        self.finished = true;
        if !self.eof {
            self.stop();
            return err;
        }
        match self.wait_checked() {
            Err(tool_err) => tool_err,
            Ok(()) => err,
        }
    }

    /// Kill pg_restore if it still runs, and reap it.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            reap(&mut child);
        }
        // The pipe closed with the child, so the reader thread ends.
        if let Some(h) = self.stderr.take() {
            let _ = h.join();
        }
    }

    fn wait_checked(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let status = child.wait().map_err(|e| Error::io(&self.archive, &e))?;
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if status.success() && stderr.trim().is_empty() {
            return Ok(());
        }
        Err(self
            .tool
            .failure(&self.archive, &self.what(), status.code(), &stderr))
    }
}

impl Iterator for ArchiveRows {
    type Item = Result<PlainRow>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.next_row() {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.finished = true;
                self.finish().err().map(Err)
            }
            Err(e) => Some(Err(self.finish_with(e))),
        }
    }
}

impl Drop for ArchiveRows {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Kill (if still running) and wait, so no zombie is left behind.
fn reap(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Read stderr to its end (so pg_restore never blocks on it), keeping the
/// first [`MAX_STDERR`] bytes.
fn collect(mut stderr: impl Read) -> String {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stderr.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = MAX_STDERR.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_is_kept_up_to_the_limit() {
        let long = vec![b'x'; MAX_STDERR + 100];
        assert_eq!(collect(&long[..]).len(), MAX_STDERR);
        assert_eq!(collect(&b"pg_restore: error"[..]), "pg_restore: error");
    }
}
