//! A prepared restore, run the one way both the CLI and the console run it:
//! fingerprint the backup, execute in one transaction (the undo script and
//! a `committing` journal line written before COMMIT), journal the outcome,
//! verify what was committed. [`render_report`] is the result for people.

use super::execute::{execute_with, Execution, Hooks, Mode, Outcome};
use super::journal::{self, JournalEntry, TableCount};
use super::progress::{Cancel, RunEvent};
use super::selection::SelectOptions;
use super::verify::{verify, Verification};
use super::Prepared;
use crate::backup::Backup;
use crate::diff::schema::{constraint_counts, ConstraintCounts};
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb};
use crate::report::visible;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to run, and where its records go.
pub struct RunRequest<'a> {
    pub url: &'a DbUrl,
    /// For verification after COMMIT (a read-only pool).
    pub live: &'a LiveDb,
    pub backup: &'a Backup,
    /// An executable plan (`prepared.summary.executable`); anything else is refused.
    pub prepared: &'a Prepared,
    pub mode: Mode,
    /// The undo script of a commit; `None`: [`default_undo_path`]. Never
    /// overwritten. A rehearsal writes none.
    pub undo_out: Option<PathBuf>,
    /// The journal file; `None`: [`journal::default_path`].
    pub journal: Option<PathBuf>,
    /// Options recorded in the journal ([`journal_options`]); `run` adds `mode`.
    pub options: BTreeMap<String, String>,
    /// How long SQLite waits for another writer.
    pub busy: Duration,
}

/// What happened.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub mode: Mode,
    pub execution: Execution,
    /// Only after a COMMIT (and only if the read-back could run).
    pub verification: Option<Verification>,
    /// Only after a COMMIT: the undo script written before it.
    pub undo_script: Option<PathBuf>,
    /// The journal, when the outcome line was written to it.
    pub journal: Option<PathBuf>,
    /// Problems that did not change the outcome (the journal line could not
    /// be written, verification could not read, a cancel that came too late).
    pub warnings: Vec<String>,
    /// After a COMMIT that repaired the schema: constraints per kind live
    /// now, and in the backup's schema (the figure to compare).
    pub constraints: Option<ConstraintsAfter>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ConstraintsAfter {
    pub live: ConstraintCounts,
    pub backup: ConstraintCounts,
}

/// Run `req.prepared`. `progress` hears every [`RunEvent`], last
/// [`RunEvent::Finished`]; `cancel` stops the run before COMMIT (see
/// [`Cancel`]). `Err` means nothing was run: the plan is not executable,
/// the undo script's path is taken or unknown, the backup cannot be read
/// for its fingerprint, or the database cannot be reached. Once the
/// transaction ran, the result is always a report.
pub async fn run(
    req: RunRequest<'_>,
    progress: impl Fn(RunEvent) + Send + Sync,
    cancel: &Cancel,
) -> Result<RunReport> {
    let prepared = req.prepared;
    let summary = &prepared.summary;
    let (Some(scripts), true) = (&prepared.scripts, summary.executable) else {
        return Err(Error::Usage(
            "the plan cannot run (it is blocked or has nothing to restore)".into(),
        ));
    };
    let mode = req.mode;
    let journal_path = req.journal.clone().or_else(journal::default_path);
    let undo_path = match (mode, &req.undo_out) {
        (Mode::Rehearse, _) => None,
        (Mode::Commit, Some(p)) => Some(p.clone()),
        (Mode::Commit, None) => Some(default_undo_path(req.url).ok_or_else(|| {
            Error::Usage(
                "cannot find lifeboat's data directory for the undo script; pass --undo-out FILE"
                    .into(),
            )
        })?),
    };
    if let Some(p) = &undo_path {
        if p.exists() {
            return Err(Error::Usage(format!(
                "{} already exists; lifeboat will not overwrite an undo script (choose another --undo-out)",
                p.display()
            )));
        }
    }
    progress(RunEvent::Fingerprinting);
    tracing::debug!("fingerprinting the backup");
    let mut entry = first_entry(&req, undo_path.as_deref())?;
    tracing::debug!("fingerprinted");
    let undo_text = scripts.undo.text();
    let mut before_commit = {
        let entry = entry.clone();
        let undo_path = undo_path.clone();
        let journal_path = journal_path.clone();
        move || -> Result<()> {
            if let Some(path) = &undo_path {
                write_new(path, &undo_text)?;
            }
            match &journal_path {
                Some(j) => journal::append(j, &entry),
                None => Err(Error::Usage(
                    "cannot find lifeboat's data directory for the journal (set HOME or XDG_DATA_HOME)".into(),
                )),
            }
        }
    };
    let hooks = Hooks {
        before_commit: &mut before_commit,
        progress: &progress,
        cancel,
    };
    let execution =
        execute_with(req.url, &prepared.selection, scripts, mode, req.busy, hooks).await?;

    let mut warnings = Vec::new();
    final_entry(&mut entry, &execution, mode);
    if execution.outcome != Outcome::Committed {
        // A COMMIT that failed leaves an undo script for changes that never happened.
        if let Some(p) = &undo_path {
            let _ = std::fs::remove_file(p);
        }
    }
    let journaled = match &journal_path {
        Some(j) => match journal::append(j, &entry) {
            Ok(()) => Some(j.clone()),
            Err(e) => {
                warnings.push(e.to_string());
                None
            }
        },
        None => None,
    };
    tracing::debug!(outcome = ?execution.outcome, "executed");
    let committed = execution.outcome == Outcome::Committed;
    let mut verification = None;
    let mut constraints = None;
    if committed {
        progress(RunEvent::Verifying);
        match verify(
            req.live,
            &prepared.catalog,
            &prepared.selection,
            &scripts.expected,
        )
        .await
        {
            Ok(v) => verification = Some(v),
            Err(e) => warnings.push(format!(
                "committed, but the restored rows could not be read back to verify them: {e}"
            )),
        }
        tracing::debug!("verified");
        if let Some(repair) = &summary.schema_repair {
            match req.live.catalog().await {
                Ok(now) => {
                    constraints = Some(ConstraintsAfter {
                        live: constraint_counts(&now),
                        backup: repair.counts.backup,
                    })
                }
                Err(e) => warnings.push(format!(
                    "committed, but the live catalog could not be read to count constraints: {e}"
                )),
            }
        }
        if cancel.is_cancelled() {
            warnings.push(
                "the cancel came too late (sequences moved or COMMIT sent): the restore is committed"
                    .into(),
            );
        }
    }
    progress(RunEvent::Finished(execution.outcome));
    Ok(RunReport {
        mode,
        execution,
        verification,
        undo_script: if committed { undo_path } else { None },
        journal: journaled,
        warnings,
        constraints,
    })
}

/// The `committing` line: what is about to be written.
fn first_entry(req: &RunRequest<'_>, undo: Option<&Path>) -> Result<JournalEntry> {
    let summary = &req.prepared.summary;
    let mut options = req.options.clone();
    options.insert("mode".into(), mode_name(req.mode).into());
    Ok(JournalEntry {
        time: now(),
        run: format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
            std::process::id()
        ),
        os_user: journal::os_user(),
        target: req.url.redacted(),
        backup: req.backup.path.display().to_string(),
        backup_sha256: match req.backup.format {
            crate::backup::BackupFormat::Database => {
                journal::fingerprint_address(&req.backup.path.to_string_lossy())
            }
            _ => journal::fingerprint(&req.backup.path)?,
        },
        picks: req
            .prepared
            .selection
            .picks
            .iter()
            .map(|p| p.to_string())
            .collect(),
        options,
        tables: summary
            .tables
            .iter()
            .filter(|t| t.insert + t.update > 0)
            .map(|t| {
                let count = TableCount {
                    inserted: t.insert as u64,
                    updated: t.update as u64,
                };
                (t.table.clone(), count)
            })
            .collect(),
        script_sha256: summary.script_sha256.clone().unwrap_or_default(),
        outcome: "committing".into(),
        undo_script: undo.map(|p| p.display().to_string()),
        error: None,
    })
}

/// The outcome line: what was written, and how it ended.
fn final_entry(entry: &mut JournalEntry, run: &Execution, mode: Mode) {
    entry.time = now();
    entry.tables = run
        .written
        .iter()
        .map(|(t, w)| {
            let count = TableCount {
                inserted: w.inserted,
                updated: w.updated,
            };
            (t.clone(), count)
        })
        .collect();
    entry.outcome = match (run.outcome, mode, run.cancelled) {
        (Outcome::Committed, _, _) => "committed",
        (Outcome::Rehearsed, _, _) => "rehearsed",
        (Outcome::RolledBack, Mode::Rehearse, true) => "rehearsal cancelled",
        (Outcome::RolledBack, Mode::Commit, true) => "cancelled",
        (Outcome::RolledBack, Mode::Rehearse, false) => "rehearsal failed",
        (Outcome::RolledBack, Mode::Commit, false) => "rolled back",
    }
    .into();
    entry.error = rollback_reason(run);
    if run.outcome != Outcome::Committed {
        entry.undo_script = None;
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Rehearse => "dry-run",
        Mode::Commit => "commit",
    }
}

/// The journal's `options` for a restore planned with `opts` (without
/// `mode`, which [`run`] adds).
pub fn journal_options(opts: &SelectOptions) -> BTreeMap<String, String> {
    let mut o = BTreeMap::new();
    o.insert(
        "on_conflict".into(),
        format!("{:?}", opts.on_conflict).to_lowercase(),
    );
    o.insert("dependents".into(), (!opts.no_dependents).to_string());
    o.insert("inferred".into(), (!opts.no_inferred).to_string());
    o.insert("skip_invalid".into(), opts.skip_invalid.to_string());
    if !opts.exclude_dependents.is_empty() {
        let tables: Vec<&str> = opts.exclude_dependents.iter().map(String::as_str).collect();
        o.insert("no_dependents_in".into(), tables.join(", "));
    }
    let repair = &opts.repair;
    match &repair.scope {
        crate::repair::plan::RepairScope::Off => {}
        crate::repair::plan::RepairScope::All => {
            o.insert("repair_schema".into(), "all".into());
        }
        crate::repair::plan::RepairScope::Tables(t) => {
            let names: Vec<String> = t.iter().map(ToString::to_string).collect();
            o.insert("repair_schema".into(), names.join(", "));
        }
    }
    if !repair.restore_columns.is_empty() {
        let specs: Vec<String> = repair
            .restore_columns
            .iter()
            .map(|c| format!("{}:{}", c.table, c.columns.join(",")))
            .collect();
        o.insert("restore_columns".into(), specs.join(" "));
    }
    if repair.accept_inferred {
        o.insert("accept_inferred_schema".into(), "true".into());
    }
    o
}

fn rollback_reason(run: &Execution) -> Option<String> {
    if run.cancelled {
        return Some("cancelled by the operator".into());
    }
    if let Some(f) = &run.failure {
        return Some(format!(
            "statement {} ({}): {}",
            f.statement, f.head, f.error
        ));
    }
    (!run.moved.is_empty()).then(|| format!("{} row(s) moved since the plan", run.moved.len()))
}

/// `<data dir>/undo/<UTC time>-<database name>.sql`, the name reduced to
/// characters safe in a file name.
pub fn default_undo_path(url: &DbUrl) -> Option<PathBuf> {
    let dir = crate::logging::data_dir()?.join("undo");
    let name = url.file_safe_name();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    Some(dir.join(format!("{stamp}-{name}.sql")))
}

/// Create `path` (and its directory) with `text`; never overwrite.
pub(crate) fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, &e))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io(path, &e))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The result for the terminal (without `report.warnings`, which callers
/// show where their warnings go). A rollback is an error report: the CLI
/// prints it on stderr.
pub fn render_report(report: &RunReport) -> String {
    use std::fmt::Write as _;
    let run = &report.execution;
    let mut out = String::new();
    let counts = |out: &mut String| {
        for (table, w) in &run.written {
            let _ = writeln!(
                out,
                "  {}: {} inserted, {} updated",
                visible(table),
                w.inserted,
                w.updated
            );
        }
    };
    match run.outcome {
        Outcome::Committed => {
            let _ = writeln!(out, "\nCOMMITTED.");
            counts(&mut out);
            if let Some(c) = &report.constraints {
                let _ = writeln!(
                    out,
                    "  schema: {} statement(s) run; constraints live now: primary keys {}, unique {}, foreign keys {}, checks {} (backup: {}, {}, {}, {})",
                    run.schema_statements,
                    c.live.primary_keys,
                    c.live.unique,
                    c.live.foreign_keys,
                    c.live.checks,
                    c.backup.primary_keys,
                    c.backup.unique,
                    c.backup.foreign_keys,
                    c.backup.checks
                );
            }
        }
        Outcome::Rehearsed => {
            let _ = writeln!(
                out,
                "\nRehearsal ran clean and was rolled back; nothing changed. It would write:"
            );
            counts(&mut out);
        }
        Outcome::RolledBack if run.cancelled => {
            let _ = writeln!(
                out,
                "\nCANCELLED by the operator; rolled back, nothing changed."
            );
        }
        Outcome::RolledBack => {
            let _ = writeln!(out, "\nROLLED BACK; nothing changed.");
            if !run.moved.is_empty() {
                let _ = writeln!(
                    out,
                    "The live database changed since the plan was made (plan again and review):"
                );
                for m in run.moved.iter().take(20) {
                    let _ = writeln!(out, "  {m}");
                }
                if run.moved.len() > 20 {
                    let _ = writeln!(out, "  ... and {} more", run.moved.len() - 20);
                }
            }
            if let Some(f) = &run.failure {
                let _ = writeln!(out, "Statement {} failed: {}", f.statement, f.head);
                let _ = writeln!(out, "  error: {}", f.error);
                if !f.rows.is_empty() {
                    let more = f.rows_total.saturating_sub(f.rows.len());
                    let _ = writeln!(
                        out,
                        "  backup rows in it: {}{}",
                        f.rows.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    );
                }
            }
        }
    }
    for note in &run.notes {
        // The headline already says it.
        if run.cancelled && note == super::execute::CANCELLED {
            continue;
        }
        let _ = writeln!(out, "note: {note}");
    }
    if let Some(v) = &report.verification {
        if v.ok() {
            let _ = writeln!(
                out,
                "verified: {} row(s) read back, all as in the backup",
                v.rows_checked
            );
        } else {
            let _ = writeln!(
                out,
                "VERIFY FOUND DIFFERENCES ({} row(s) read back; triggers or defaults may have changed values):",
                v.rows_checked
            );
            for m in &v.mismatches {
                let _ = writeln!(out, "  {m}");
            }
        }
    }
    if let Some(p) = &report.undo_script {
        let _ = writeln!(out, "undo script: {}", p.display());
    }
    if let Some(p) = &report.journal {
        let _ = writeln!(out, "journal: {}", p.display());
    }
    out
}
