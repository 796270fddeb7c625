//! Running a restore script: exactly its statements, in its one
//! transaction. Before the first write, re-check that nothing the plan
//! relied on has moved; on any error roll everything back and say which
//! statement and which backup rows failed. A rehearsal runs the same
//! transaction and rolls it back.

use super::closure::RowRef;
use super::progress::{Cancel, RunEvent};
use super::script::{CheckKind, RestoreScripts, StatementKind};
use super::selection::Selection;
use crate::catalog::Dialect;
use crate::error::Result;
use crate::live::{DbUrl, Writer};
use crate::report::visible;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Run everything, then ROLLBACK.
    Rehearse,
    /// Run everything and COMMIT.
    Commit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Committed,
    /// A rehearsal that ran clean and was rolled back.
    Rehearsed,
    /// Something failed or moved; nothing changed.
    RolledBack,
}

/// Rows written per table by the script's own statements.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Written {
    pub inserted: u64,
    pub updated: u64,
}

/// The statement that failed and the backup rows it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// 1-based position in the script's statements.
    pub statement: usize,
    /// The statement's first line.
    pub head: String,
    /// Where its rows are in the backup (`projects.json:12`), at most a few.
    pub rows: Vec<String>,
    pub rows_total: usize,
    pub error: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Execution {
    pub outcome: Outcome,
    pub written: BTreeMap<String, Written>,
    /// Rows someone wrote since the plan was made (the restore was refused).
    pub moved: Vec<String>,
    pub failure: Option<Failure>,
    /// What else happened in the transaction: triggers' writes, inserts
    /// that did not land as planned, statements a rehearsal leaves out.
    pub notes: Vec<String>,
    /// The operator cancelled before COMMIT (outcome `RolledBack`).
    /// Left out of JSON when false, so the CLI's JSON is as it was.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
    /// Schema repair statements run (CREATE / ALTER TABLE, VALIDATE).
    #[serde(skip_serializing_if = "is_zero")]
    pub schema_statements: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Failure {
    /// A failure at the end of the transaction (COMMIT or what stands in for it).
    fn at_end(statement: usize, head: &str, error: String) -> Self {
        Failure {
            statement,
            head: head.to_owned(),
            rows: Vec::new(),
            rows_total: 0,
            error,
        }
    }
}

impl Execution {
    fn new() -> Self {
        Execution {
            outcome: Outcome::RolledBack,
            written: BTreeMap::new(),
            moved: Vec::new(),
            failure: None,
            notes: Vec::new(),
            cancelled: false,
            schema_statements: 0,
        }
    }

    /// Rows written so far by the script's own statements.
    pub fn rows_written(&self) -> u64 {
        self.written.values().map(|w| w.inserted + w.updated).sum()
    }
}

/// What the caller hooks into a run: the step before COMMIT, progress, and
/// a way to stop it.
pub struct Hooks<'a> {
    /// Runs after every statement succeeded and before COMMIT (the undo
    /// script and the journal are written there); if it fails, the
    /// transaction is rolled back. Never called for a rehearsal.
    pub before_commit: &'a mut (dyn FnMut() -> Result<()> + Send),
    pub progress: &'a (dyn Fn(RunEvent) + Send + Sync),
    pub cancel: &'a Cancel,
}

/// The note of a cancelled run.
pub const CANCELLED: &str = "cancelled by the operator; nothing changed";

/// Rows shown per failing statement.
const ROWS_SHOWN: usize = 5;

/// Run `scripts.script` against `url`. `before_commit` runs after every
/// statement succeeded and before COMMIT (the undo script and the journal
/// are written there); if it fails, the transaction is rolled back.
/// Returns `Err` only when the database could not be reached at all.
pub async fn execute(
    url: &DbUrl,
    sel: &Selection,
    scripts: &RestoreScripts,
    mode: Mode,
    busy_timeout: Duration,
    before_commit: &mut (dyn FnMut() -> Result<()> + Send),
) -> Result<Execution> {
    let hooks = Hooks {
        before_commit,
        progress: &super::progress::ignore,
        cancel: &Cancel::new(),
    };
    execute_with(url, sel, scripts, mode, busy_timeout, hooks).await
}

/// [`execute`] with progress and cancellation: `hooks.progress` hears
/// [`RunEvent::Rechecking`], one [`RunEvent::Statement`] per statement run,
/// [`RunEvent::Committing`] and [`RunEvent::Pinpointing`]; `hooks.cancel`
/// is checked before every statement and once more just before COMMIT. A
/// cancelled run is rolled back: outcome `RolledBack`, `cancelled` set, and
/// the note [`CANCELLED`]. A real restore stops honouring the cancel once
/// it has moved a sequence (the last statements before COMMIT): sequences
/// move outside the transaction, so from there only COMMIT keeps the
/// promise that a rollback changes nothing.
pub async fn execute_with(
    url: &DbUrl,
    sel: &Selection,
    scripts: &RestoreScripts,
    mode: Mode,
    busy_timeout: Duration,
    hooks: Hooks<'_>,
) -> Result<Execution> {
    let mut writer = Writer::open(url, busy_timeout).await?;
    let mut run = Execution::new();
    let mut hooks = hooks;
    let result = run_statements(&mut writer, sel, scripts, mode, &mut run, &mut hooks).await;
    if result.is_err() || run.outcome != Outcome::Committed {
        writer.rollback().await;
    }
    if let Some(f) = run.failure.as_mut() {
        if f.rows_total > 1 {
            (hooks.progress)(RunEvent::Pinpointing);
            pinpoint(&mut writer, sel, scripts, f).await;
        }
    }
    writer.close().await;
    result?;
    Ok(run)
}

/// A multi-row INSERT failed: find the row. Replays the script up to that
/// statement in a new transaction, then runs its rows one by one, each
/// under a savepoint, and rolls everything back. Best effort: if the replay
/// itself fails differently, the batch-level report stands.
async fn pinpoint(writer: &mut Writer, sel: &Selection, scripts: &RestoreScripts, f: &mut Failure) {
    let statements = &scripts.script.statements;
    let Some(failed) = statements.get(f.statement.wrapping_sub(1)) else {
        return;
    };
    if failed.kind != StatementKind::Insert || failed.tuples.len() < 2 {
        return;
    }
    for st in &statements[..f.statement - 1] {
        // Sequences come after every insert; never worth moving here.
        if st.kind != StatementKind::Setval && writer.execute(&st.sql).await.is_err() {
            writer.rollback().await;
            return;
        }
    }
    for (n, row) in failed.rows.iter().enumerate() {
        let Some(single) = failed.single_row(n) else {
            break;
        };
        if writer.execute("SAVEPOINT lifeboat_row;").await.is_err() {
            break;
        }
        if let Err(e) = writer.execute(&single).await {
            let (t, r) = *row;
            f.rows = vec![visible(&sel.universe[t].origin(r)).into_owned()];
            f.rows_total = 1;
            f.error = format!(
                "{e} (row {} of {} in this INSERT)",
                n + 1,
                failed.rows.len()
            );
            break;
        }
        let _ = writer.execute("RELEASE SAVEPOINT lifeboat_row;").await;
    }
    writer.rollback().await;
}

/// Statements the progress counts in `mode` (see [`RunEvent::Statement`]).
fn counted(kind: StatementKind, mode: Mode) -> bool {
    kind.writes()
        || kind == StatementKind::Schema
        || (kind == StatementKind::Setval && mode == Mode::Commit)
}

/// Mark `run` cancelled (the caller rolls back).
fn cancelled(run: &mut Execution) {
    run.cancelled = true;
    run.notes.push(CANCELLED.into());
}

async fn run_statements(
    writer: &mut Writer,
    sel: &Selection,
    scripts: &RestoreScripts,
    mode: Mode,
    run: &mut Execution,
    hooks: &mut Hooks<'_>,
) -> Result<()> {
    let statements = &scripts.script.statements;
    let total = statements
        .iter()
        .filter(|st| counted(st.kind, mode))
        .count();
    let mut done = 0;
    let mut checked = false;
    // Sequences move outside the transaction: once one has, a rollback
    // could no longer promise that nothing changed, so a cancel from then
    // on is too late (like one after COMMIT).
    let mut sequences_moved = false;
    let cancel = hooks.cancel;
    let stop = |sequences_moved: bool| !sequences_moved && cancel.is_cancelled();
    for (i, st) in statements.iter().enumerate() {
        if stop(sequences_moved) {
            cancelled(run);
            return Ok(());
        }
        let before_writes = !matches!(
            st.kind,
            StatementKind::Setup | StatementKind::Begin | StatementKind::Settings
        );
        if before_writes && !checked {
            checked = true;
            (hooks.progress)(RunEvent::Rechecking);
            let started = std::time::Instant::now();
            run.moved = recheck(writer, scripts).await?;
            tracing::debug!(elapsed = ?started.elapsed(), "re-checked");
            if !run.moved.is_empty() {
                return Ok(());
            }
            if stop(sequences_moved) {
                cancelled(run);
                return Ok(());
            }
        }
        match st.kind {
            StatementKind::Commit => break,
            // nextval/setval are not transactional: a rehearsal must not move sequences.
            StatementKind::Setval if mode == Mode::Rehearse => {
                run.notes.push(
                    "sequences are moved forward only by a real restore (a rehearsal cannot undo that)"
                        .into(),
                );
                continue;
            }
            _ => {}
        }
        sequences_moved |= st.kind == StatementKind::Setval;
        let affected = match writer.execute(&st.sql).await {
            Ok(n) => n,
            Err(e) => {
                run.failure = Some(failure(sel, i, st.head(), &st.rows, e.to_string()));
                return Ok(());
            }
        };
        let table = st
            .rows
            .first()
            .map(|&(t, _)| sel.universe[t].table.to_string());
        match st.kind {
            StatementKind::Insert => {
                let table = table.unwrap_or_default();
                if affected != st.rows.len() as u64 {
                    run.notes.push(format!(
                        "statement {}: INSERT into {} wrote {affected} row(s) for {} backup row(s) (a trigger or rule intervened)",
                        i + 1,
                        visible(&table),
                        st.rows.len()
                    ));
                }
                run.written.entry(table).or_default().inserted += affected;
            }
            StatementKind::Schema => run.schema_statements += 1,
            StatementKind::Update | StatementKind::FixLink => {
                if affected < st.rows.len() as u64 {
                    let why = if st.rows.len() == 1 {
                        "the UPDATE matched no row (the row changed or vanished inside the transaction)".to_owned()
                    } else {
                        format!(
                            "the UPDATE matched {affected} of its {} rows (some changed or vanished inside the transaction)",
                            st.rows.len()
                        )
                    };
                    run.failure = Some(failure(sel, i, st.head(), &st.rows, why));
                    return Ok(());
                }
                if st.kind == StatementKind::Update {
                    run.written
                        .entry(table.unwrap_or_default())
                        .or_default()
                        .updated += affected;
                }
            }
            _ => {}
        }
        if counted(st.kind, mode) {
            done += 1;
            (hooks.progress)(RunEvent::Statement {
                mode,
                done,
                total,
                rows: run.rows_written(),
            });
        }
    }
    if stop(sequences_moved) {
        cancelled(run);
        return Ok(());
    }
    if scripts.script.dialect == Dialect::Postgres && !scripts.deferred.is_empty() {
        // Deferred foreign keys are checked at COMMIT; check them now so a
        // rehearsal sees what COMMIT would.
        if let Err(e) = writer.execute("SET CONSTRAINTS ALL IMMEDIATE;").await {
            run.failure = Some(Failure::at_end(
                statements.len(),
                "COMMIT; (deferred foreign keys)",
                e.to_string(),
            ));
            return Ok(());
        }
    }
    tracing::debug!("statements done");
    trigger_notes(writer, run).await?;
    if mode == Mode::Rehearse {
        if scripts.script.dialect == Dialect::Sqlite && scripts.defers {
            if let Some(f) = sqlite_deferred_violations(writer, run).await? {
                run.failure = Some(f);
                return Ok(());
            }
        }
        run.outcome = Outcome::Rehearsed;
        return Ok(());
    }
    (hooks.progress)(RunEvent::Committing);
    if let Err(e) = (hooks.before_commit)() {
        run.failure = Some(Failure::at_end(
            statements.len(),
            "COMMIT;",
            format!("not committed: {e}"),
        ));
        return Ok(());
    }
    // The last moment a cancel can still take everything back.
    if stop(sequences_moved) {
        cancelled(run);
        return Ok(());
    }
    match writer.execute("COMMIT;").await {
        Ok(_) => run.outcome = Outcome::Committed,
        Err(e) => {
            run.failure = Some(Failure::at_end(statements.len(), "COMMIT;", e.to_string()));
        }
    }
    Ok(())
}

/// SQLite checks deferred foreign keys only at COMMIT, which a rehearsal
/// never reaches: count violations in the written tables now, roll back,
/// count again; more now than before means COMMIT would fail.
async fn sqlite_deferred_violations(
    writer: &mut Writer,
    run: &Execution,
) -> Result<Option<Failure>> {
    let count = |table: &str| {
        format!(
            "SELECT count(*) FROM pragma_foreign_key_check({})",
            crate::restore::literal::quote_string(table)
        )
    };
    let tables: Vec<&String> = run.written.keys().collect();
    let mut during = Vec::with_capacity(tables.len());
    for t in &tables {
        during.push(
            writer
                .int_column(&count(t))
                .await?
                .first()
                .copied()
                .unwrap_or(0),
        );
    }
    writer.rollback().await;
    for (t, now) in tables.iter().zip(during) {
        let before = writer
            .int_column(&count(t))
            .await?
            .first()
            .copied()
            .unwrap_or(0);
        if now > before {
            return Ok(Some(Failure::at_end(
                0,
                "COMMIT; (deferred foreign keys)",
                format!(
                    "{} row(s) of {} would reference rows that do not exist; SQLite would refuse the COMMIT",
                    now - before,
                    visible(t)
                ),
            )));
        }
    }
    Ok(None)
}

/// Run the checks; every row that moved since the plan, described.
async fn recheck(writer: &mut Writer, scripts: &RestoreScripts) -> Result<Vec<String>> {
    let mut moved = Vec::new();
    for check in &scripts.checks {
        match &check.kind {
            CheckKind::Absent => {
                for key in writer.text_column(&check.sql, &check.binds).await? {
                    moved.push(format!(
                        "{}: a row with key ({}) exists live now; the plan was to insert it",
                        visible(&check.table.to_string()),
                        visible(key.as_deref().unwrap_or("NULL"))
                    ));
                }
            }
            CheckKind::Unchanged { rows } => {
                let mut state: Vec<Option<bool>> = vec![None; rows.len()];
                for x in writer.int_column(&check.sql).await? {
                    if let Some(s) = usize::try_from(x / 2).ok().and_then(|n| state.get_mut(n)) {
                        *s = Some(x % 2 == 1);
                    }
                }
                for ((_, origin), held) in rows.iter().zip(state) {
                    let why = match held {
                        Some(true) => continue,
                        None => "was deleted live since the plan",
                        Some(false) => "changed live since the plan",
                    };
                    moved.push(format!(
                        "{}: the row to update (from {}) {why}",
                        visible(&check.table.to_string()),
                        visible(origin)
                    ));
                }
            }
        }
    }
    Ok(moved)
}

/// PostgreSQL: tables the transaction wrote beyond the script's own rows.
async fn trigger_notes(writer: &mut Writer, run: &mut Execution) -> Result<()> {
    let Some(changes) = writer.changes_so_far().await? else {
        return Ok(());
    };
    for c in changes {
        let own = run.written.get(&c.table).cloned().unwrap_or_default();
        let extra_ins = c.inserted - own.inserted as i64;
        let extra_upd = c.updated - own.updated as i64;
        if extra_ins != 0 || extra_upd != 0 || c.deleted != 0 {
            run.notes.push(format!(
                "{}: beyond the script's own rows, {extra_ins} inserted, {extra_upd} updated, {} deleted (triggers or rules)",
                visible(&c.table),
                c.deleted
            ));
        }
    }
    Ok(())
}

fn failure(sel: &Selection, i: usize, head: &str, rows: &[RowRef], error: String) -> Failure {
    Failure {
        statement: i + 1,
        head: visible(head).into_owned(),
        rows: rows
            .iter()
            .take(ROWS_SHOWN)
            .map(|&(t, r)| visible(&sel.universe[t].origin(r)).into_owned())
            .collect(),
        rows_total: rows.len(),
        error,
    }
}
