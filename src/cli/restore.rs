//! `lifeboat plan` and `lifeboat restore`: the restore engine behind flags,
//! with the confirmations, files and messages an operator needs.

use super::{resolve_db_url, to_json, EXIT_ERROR, EXIT_ROLLED_BACK, EXIT_SAME};
use crate::backup::Backup;
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb, LiveOptions};
use crate::report::visible;
use crate::restore::execute::{execute, Execution, Mode, Outcome};
use crate::restore::journal::{self, JournalEntry, TableCount};
use crate::restore::pick::{parse_pick, PickSpec};
use crate::restore::plan::OnConflict;
use crate::restore::script::ScriptOptions;
use crate::restore::selection::SelectOptions;
use crate::restore::summary::{explain, render_explanations, render_text, Explanation};
use crate::restore::verify::{verify, Verification};
use crate::restore::{prepare, Prepared};
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Live database: postgres://user@host/db, sqlite:///path/app.db, or a path to a SQLite file.
    /// Defaults to $LIFEBOAT_DATABASE_URL, then $DATABASE_URL.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Backup directory, or a single JSON file holding {"table": [rows...]}.
    #[arg(long, value_name = "PATH")]
    pub backup: PathBuf,
    /// What to bring back (repeatable, a union): `TABLE` = every backup row of TABLE missing live;
    /// `TABLE:COLUMN=VALUE[,COLUMN=VALUE...]` = the backup rows holding those values
    /// (quote values with commas: `projects:name="A, B"`).
    #[arg(long = "pick", value_name = "SPEC", required = true)]
    pub picks: Vec<String>,
    /// Do not bring back the rows that reference the picked ones (their sessions, their violations...).
    #[arg(long)]
    pub no_dependents: bool,
    /// Follow only declared foreign keys (live, or the backup's schema.sql), not ones guessed from
    /// column names like project_id.
    #[arg(long)]
    pub no_inferred: bool,
    /// A picked row that exists live with other values: leave it (skip), UPDATE the differing
    /// columns (update), or refuse the plan (fail).
    #[arg(long, value_enum, default_value_t = OnConflict::Skip)]
    pub on_conflict: OnConflict,
    /// Leave out rows whose values do not fit the live columns, and every row depending on them,
    /// instead of refusing the plan.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Give up on any single statement after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub statement_timeout: u64,
    /// Give up after waiting this many seconds for a lock the application holds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub lock_timeout: u64,
    /// Rows per INSERT statement.
    #[arg(long, value_name = "N", default_value_t = 500, hide_short_help = true)]
    pub batch_rows: usize,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Write the SQL script to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the summary as JSON on stdout (the script then goes only to --out).
    #[arg(long)]
    pub json: bool,
    /// Also say why each row is included: the chain of relations from a pick.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Rehearse: run the whole transaction, report what happened, then roll it back.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Commit without asking (for scripts). Without it, a terminal asks for the database's name.
    #[arg(long)]
    pub yes: bool,
    /// Where to write the undo script (default: lifeboat's data directory, under undo/).
    #[arg(long, value_name = "FILE")]
    pub undo_out: Option<PathBuf>,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

struct Session {
    url: DbUrl,
    live: LiveDb,
    backup: Backup,
    picks: Vec<PickSpec>,
    prepared: Prepared,
}

async fn open_and_prepare(args: &SelectionArgs) -> Result<Session> {
    let picks: Vec<PickSpec> = args
        .picks
        .iter()
        .map(|p| parse_pick(p))
        .collect::<Result<_>>()?;
    let url = resolve_db_url(args.db.as_deref())?;
    let backup = Backup::open(&args.backup)?;
    tracing::info!(target = %url.redacted(), backup = %args.backup.display(), "plan restore");
    let live_opts = LiveOptions {
        statement_timeout: Duration::from_secs(args.statement_timeout.max(1)),
    };
    let live = LiveDb::connect(&url, &live_opts).await?;
    let select_opts = SelectOptions {
        no_dependents: args.no_dependents,
        no_inferred: args.no_inferred,
        on_conflict: args.on_conflict,
        skip_invalid: args.skip_invalid,
    };
    let prepared = prepare(&live, &backup, &picks, select_opts, &script_options(args)).await?;
    Ok(Session {
        url,
        live,
        backup,
        picks,
        prepared,
    })
}

fn script_options(args: &SelectionArgs) -> ScriptOptions {
    ScriptOptions {
        batch_rows: args.batch_rows.max(1),
        lock_timeout: Duration::from_secs(args.lock_timeout.max(1)),
        statement_timeout: Duration::from_secs(args.statement_timeout.max(1)),
    }
}

pub async fn run_plan(args: &PlanArgs) -> Result<i32> {
    let session = open_and_prepare(&args.selection).await?;
    let summary = &session.prepared.summary;
    let script = session.prepared.scripts.as_ref().map(|s| s.script.text());
    if let (Some(path), Some(text), true) = (&args.out, &script, summary.executable) {
        std::fs::write(path, text).map_err(|e| Error::io(path, &e))?;
    }
    let explained = args.explain.then(|| explain(&session.prepared.selection));
    if args.json {
        #[derive(Serialize)]
        struct WithWhy<'a> {
            #[serde(flatten)]
            summary: &'a crate::restore::summary::PlanSummary,
            #[serde(skip_serializing_if = "Option::is_none")]
            explain: Option<&'a Vec<Explanation>>,
        }
        let out = WithWhy {
            summary,
            explain: explained.as_ref(),
        };
        println!("{}", to_json(&out)?);
    } else {
        eprint!("{}", render_text(summary));
        if let Some(rows) = &explained {
            eprint!("{}", render_explanations(rows));
        }
        match (&args.out, &script) {
            (Some(path), Some(_)) if summary.executable => {
                eprintln!("Script written to {}.", path.display());
            }
            (None, Some(text)) if summary.executable => print!("{text}"),
            _ => {}
        }
    }
    Ok(plan_exit(summary))
}

fn plan_exit(summary: &crate::restore::summary::PlanSummary) -> i32 {
    if summary.executable || summary.nothing_to_do() {
        EXIT_SAME
    } else {
        EXIT_ERROR
    }
}

#[derive(Serialize)]
struct RestoreReport<'a> {
    summary: &'a crate::restore::summary::PlanSummary,
    execution: Option<&'a Execution>,
    verification: Option<&'a Verification>,
    undo_script: Option<String>,
    journal: Option<String>,
}

pub async fn run_restore(args: &RestoreArgs) -> Result<i32> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.dry_run && !args.yes && !interactive {
        return Err(Error::Usage(
            "restore writes to the live database: pass --dry-run to rehearse it, or --yes to commit \
             (without a terminal lifeboat cannot ask for confirmation)"
                .into(),
        ));
    }
    let session = open_and_prepare(&args.selection).await?;
    let prepared = &session.prepared;
    let summary = &prepared.summary;
    if !args.json {
        eprint!("{}", render_text(summary));
    }
    let (Some(scripts), true) = (&prepared.scripts, summary.executable) else {
        if args.json {
            print_report(summary, None, None, None, None)?;
        }
        return Ok(plan_exit(summary));
    };
    let mode = if args.dry_run {
        Mode::Rehearse
    } else {
        if !args.yes && !confirmed(&session.url, summary.rows_to_insert, summary.rows_to_update)? {
            eprintln!("Cancelled; nothing changed.");
            return Ok(EXIT_ERROR);
        }
        Mode::Commit
    };
    let journal_path = journal::default_path();
    let undo_path = match (mode, &args.undo_out) {
        (Mode::Rehearse, _) => None,
        (Mode::Commit, Some(p)) => Some(p.clone()),
        (Mode::Commit, None) => Some(default_undo_path(&session.url).ok_or_else(|| {
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
    tracing::debug!("fingerprinting the backup");
    let mut entry = JournalEntry {
        time: now(),
        run: format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
            std::process::id()
        ),
        os_user: journal::os_user(),
        target: session.url.redacted(),
        backup: session.backup.path.display().to_string(),
        backup_sha256: journal::fingerprint(&session.backup.path)?,
        picks: session.picks.iter().map(|p| p.to_string()).collect(),
        options: options_of(&args.selection, mode),
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
        undo_script: undo_path.as_ref().map(|p| p.display().to_string()),
        error: None,
    };
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
    let busy = Duration::from_secs(args.selection.statement_timeout.clamp(1, 30));
    let run = execute(
        &session.url,
        &prepared.selection,
        scripts,
        mode,
        busy,
        &mut before_commit,
    )
    .await?;

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
    entry.outcome = match (run.outcome, mode) {
        (Outcome::Committed, _) => "committed",
        (Outcome::Rehearsed, _) => "rehearsed",
        (Outcome::RolledBack, Mode::Rehearse) => "rehearsal failed",
        (Outcome::RolledBack, Mode::Commit) => "rolled back",
    }
    .into();
    entry.error = rollback_reason(&run);
    if run.outcome != Outcome::Committed {
        entry.undo_script = None;
        // A COMMIT that failed leaves an undo script for changes that never happened.
        if let Some(p) = &undo_path {
            let _ = std::fs::remove_file(p);
        }
    }
    let journaled = match &journal_path {
        Some(j) => match journal::append(j, &entry) {
            Ok(()) => Some(j.clone()),
            Err(e) => {
                eprintln!("warning: {e}");
                None
            }
        },
        None => None,
    };
    tracing::debug!(outcome = ?run.outcome, "executed");
    let verification = if run.outcome == Outcome::Committed {
        Some(
            verify(
                &session.live,
                &prepared.catalog,
                &prepared.selection,
                &scripts.expected,
            )
            .await?,
        )
    } else {
        None
    };
    tracing::debug!("verified");
    let undo_done = (run.outcome == Outcome::Committed)
        .then(|| undo_path.clone())
        .flatten();
    if args.json {
        print_report(
            summary,
            Some(&run),
            verification.as_ref(),
            undo_done.as_deref(),
            journaled.as_deref(),
        )?;
    } else {
        let text = render_execution(
            &run,
            verification.as_ref(),
            undo_done.as_deref(),
            journaled.as_deref(),
        );
        // A rollback is an error report: stderr, so redirecting stdout hides nothing.
        if run.outcome == Outcome::RolledBack {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
    Ok(match run.outcome {
        Outcome::Committed | Outcome::Rehearsed => EXIT_SAME,
        Outcome::RolledBack => EXIT_ROLLED_BACK,
    })
}

fn print_report(
    summary: &crate::restore::summary::PlanSummary,
    run: Option<&Execution>,
    verification: Option<&Verification>,
    undo: Option<&Path>,
    journal: Option<&Path>,
) -> Result<()> {
    let report = RestoreReport {
        summary,
        execution: run,
        verification,
        undo_script: undo.map(|p| p.display().to_string()),
        journal: journal.map(|p| p.display().to_string()),
    };
    println!("{}", to_json(&report)?);
    Ok(())
}

fn rollback_reason(run: &Execution) -> Option<String> {
    if let Some(f) = &run.failure {
        return Some(format!(
            "statement {} ({}): {}",
            f.statement, f.head, f.error
        ));
    }
    (!run.moved.is_empty()).then(|| format!("{} row(s) moved since the plan", run.moved.len()))
}

/// The result for the terminal.
fn render_execution(
    run: &Execution,
    verification: Option<&Verification>,
    undo: Option<&Path>,
    journal: Option<&Path>,
) -> String {
    use std::fmt::Write as _;
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
        }
        Outcome::Rehearsed => {
            let _ = writeln!(
                out,
                "\nRehearsal ran clean and was rolled back; nothing changed. It would write:"
            );
            counts(&mut out);
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
        let _ = writeln!(out, "note: {note}");
    }
    if let Some(v) = verification {
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
    if let Some(p) = undo {
        let _ = writeln!(out, "undo script: {}", p.display());
    }
    if let Some(p) = journal {
        let _ = writeln!(out, "journal: {}", p.display());
    }
    out
}

/// Ask on the terminal for the database's name; true when typed exactly.
fn confirmed(url: &DbUrl, inserts: usize, updates: usize) -> Result<bool> {
    let name = url.database_name();
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\nThis writes {inserts} INSERT(s) and {updates} UPDATE(s) to {} in one transaction.\n\
         Type the database name ({}) to go ahead, anything else cancels: ",
        url.redacted(),
        visible(&name)
    );
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Other(format!("cannot read the confirmation: {e}")))?;
    Ok(!name.is_empty() && line.trim_end_matches(['\n', '\r']) == name)
}

fn default_undo_path(url: &DbUrl) -> Option<PathBuf> {
    let dir = crate::logging::data_dir()?.join("undo");
    let name: String = url
        .database_name()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    Some(dir.join(format!("{stamp}-{name}.sql")))
}

/// Create `path` (and its directory) with `text`; never overwrite.
fn write_new(path: &Path, text: &str) -> Result<()> {
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

fn options_of(args: &SelectionArgs, mode: Mode) -> BTreeMap<String, String> {
    let mut o = BTreeMap::new();
    o.insert(
        "mode".into(),
        if mode == Mode::Rehearse {
            "dry-run"
        } else {
            "commit"
        }
        .into(),
    );
    o.insert(
        "on_conflict".into(),
        format!("{:?}", args.on_conflict).to_lowercase(),
    );
    o.insert("dependents".into(), (!args.no_dependents).to_string());
    o.insert("inferred".into(), (!args.no_inferred).to_string());
    o.insert("skip_invalid".into(), args.skip_invalid.to_string());
    o
}
