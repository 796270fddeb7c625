//! What a running restore tells its caller (progress events) and what the
//! caller can tell it (cancel). Shared by `execute` (per statement) and
//! `run` (the steps around it), so the CLI and the console see the same.

use super::execute::{Mode, Outcome};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A request to stop a restore, settable from any thread (a key press, a
/// signal handler). Checked between statements: a statement already sent
/// runs to its end. Honoured only while a rollback still changes nothing:
/// until COMMIT is sent, or, in a real restore whose script moves
/// sequences (`setval`, outside the transaction), until the first one
/// runs. Later it is too late, and the restore finishes (verification
/// included) as if it had not been set.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Ask the restore to stop; every clone sees it.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// One step of a restore, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEvent {
    /// Hashing the backup's files for the journal (reads the whole backup).
    Fingerprinting,
    /// Inside the transaction, before the first write: checking that
    /// nothing the plan relied on moved live.
    Rechecking,
    /// Statement `done` of `total` has run. Counted are the statements that
    /// do the work (INSERT, UPDATE, link fixes and, in a real restore,
    /// sequence moves): `total` equals `PlanSummary::statements` for a
    /// commit; a rehearsal leaves the sequence moves out of it. `rows` is
    /// the rows written so far by the script's own statements.
    Statement {
        mode: Mode,
        done: usize,
        total: usize,
        rows: u64,
    },
    /// Every statement ran; writing the undo script and the journal line,
    /// then sending COMMIT. A cancel now is still honoured just before
    /// COMMIT, unless sequences were moved; a cancel that comes too late is
    /// a warning in the report.
    Committing,
    /// A statement failed: replaying it row by row (always rolled back) to
    /// name the backup row behind the error.
    Pinpointing,
    /// Committed; reading the restored rows back.
    Verifying,
    /// The end: what happened.
    Finished(Outcome),
}

/// A progress callback that ignores everything.
pub fn ignore(_: RunEvent) {}
