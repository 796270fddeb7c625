//! `lifeboat plan` and `lifeboat restore`: the restore engine behind flags,
//! with the confirmations, files and messages an operator needs.

use super::{resolve_db_url, to_json, EXIT_ERROR, EXIT_ROLLED_BACK, EXIT_SAME};
use crate::backup::Backup;
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb, LiveOptions};
use crate::repair::plan::{RepairOptions, RepairScope};
use crate::report::visible;
use crate::restore::execute::{Execution, Mode, Outcome};
use crate::restore::pick::{parse_columns_spec, parse_pick, PickSpec};
use crate::restore::plan::OnConflict;
use crate::restore::progress::{self, Cancel};
use crate::restore::run::{journal_options, render_report, run, RunReport, RunRequest};
use crate::restore::script::ScriptOptions;
use crate::restore::selection::SelectOptions;
use crate::restore::summary::{
    explain, render_explanations, render_text, Explanation, PlanSummary,
};
use crate::restore::verify::Verification;
use crate::restore::{prepare, Prepared};
use clap::Args;
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Live database: postgres://user@host/db, sqlite:///path/app.db, or a path to a SQLite file.
    /// Defaults to $LIFEBOAT_DATABASE_URL, then $DATABASE_URL.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// The backup: a directory of table files, a JSON file, a pg_dump (plain .sql or .sql.gz,
    /// custom, directory or tar), a SQLite file, or a database URL (postgres://, sqlite://).
    /// A folder of many backups needs --snapshot.
    #[arg(long, value_name = "PATH")]
    pub backup: PathBuf,
    #[arg(long, value_name = "latest|NAME", help = super::snapshots::SNAPSHOT_HELP)]
    pub snapshot: Option<String>,
    /// What to bring back (repeatable, a union): `TABLE` = every backup row of TABLE missing live;
    /// `TABLE:COLUMN=VALUE[,COLUMN=VALUE...]` = the backup rows holding those values
    /// (quote values with commas: `projects:name="A, B"`).
    #[arg(long = "pick", value_name = "SPEC", required_unless_present_any = ["repair_schema", "restore_columns"])]
    pub picks: Vec<String>,
    /// Put back structure from the backup's schema (schema.sql or a pg_dump), in the same
    /// transaction as the rows: create tables live lacks, add columns live lacks, recreate
    /// missing primary keys, unique, foreign keys and CHECKs (added NOT VALID, then validated
    /// where no row violates them). All tables, or only those listed (`--repair-schema=a,b`).
    /// Every statement is in the preview; the undo script drops what was created.
    #[arg(long, value_name = "TABLE,...", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub repair_schema: Option<String>,
    /// Write the backup's values of these columns back into the live rows with the same key
    /// (only rows that exist live; repeatable): `projects:total_hours,start_date`. `TABLE`
    /// alone = every column the backup has and live lacks. A column live lacks is added first
    /// (ALTER TABLE ADD COLUMN with the backup's type and default).
    #[arg(long, value_name = "TABLE[:COLUMN,...]")]
    pub restore_columns: Vec<String>,
    /// Allow creating a table (or adding a column) whose types lifeboat inferred from the
    /// backup's values because the backup has no DDL for it. Read the proposed types in the
    /// plan first.
    #[arg(long)]
    pub accept_inferred_schema: bool,
    /// Do not bring back the rows that reference the picked ones (their sessions, their violations...).
    #[arg(long)]
    pub no_dependents: bool,
    /// Do not bring back rows of TABLE as dependents (repeatable): `--no-dependents-in violations`
    /// restores a project with its sessions but without their violations. Rows of TABLE that
    /// picked rows need (missing parents) still come.
    #[arg(long, value_name = "TABLE")]
    pub no_dependents_in: Vec<String>,
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
    prepared: Prepared,
}

async fn open_and_prepare(args: &SelectionArgs) -> Result<Session> {
    let picks: Vec<PickSpec> = args
        .picks
        .iter()
        .map(|p| parse_pick(p))
        .collect::<Result<_>>()?;
    let url = resolve_db_url(args.db.as_deref())?;
    let backup = super::snapshots::open_backup(&args.backup, args.snapshot.as_deref())?;
    tracing::info!(target = %url.redacted(), backup = %backup.path.display(), "plan restore");
    let live_opts = LiveOptions {
        statement_timeout: Duration::from_secs(args.statement_timeout.max(1)),
    };
    let live = LiveDb::connect(&url, &live_opts).await?;
    let prepared = prepare(
        &live,
        &backup,
        &picks,
        select_options(args)?,
        &script_options(args),
    )
    .await?;
    Ok(Session {
        url,
        live,
        backup,
        prepared,
    })
}

fn select_options(args: &SelectionArgs) -> Result<SelectOptions> {
    Ok(SelectOptions {
        no_dependents: args.no_dependents,
        exclude_dependents: args.no_dependents_in.iter().cloned().collect(),
        no_inferred: args.no_inferred,
        on_conflict: args.on_conflict,
        skip_invalid: args.skip_invalid,
        repair: repair_options(args)?,
    })
}

fn repair_options(args: &SelectionArgs) -> Result<RepairOptions> {
    let scope = match args.repair_schema.as_deref() {
        None => RepairScope::Off,
        Some(list) if list.trim().is_empty() => RepairScope::All,
        Some(list) => RepairScope::Tables(
            list.split(',')
                .map(|name| {
                    let spec = parse_pick(name.trim()).map_err(|_| {
                        Error::Usage(format!(
                            "--repair-schema: '{}' is not a table name",
                            visible(name)
                        ))
                    })?;
                    if !spec.conditions().is_empty() {
                        return Err(Error::Usage(format!(
                            "--repair-schema takes table names, not picks: '{}'",
                            visible(name)
                        )));
                    }
                    Ok(spec.table_name())
                })
                .collect::<Result<_>>()?,
        ),
    };
    Ok(RepairOptions {
        scope,
        restore_columns: args
            .restore_columns
            .iter()
            .map(|s| parse_columns_spec(s))
            .collect::<Result<_>>()?,
        accept_inferred: args.accept_inferred_schema,
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
            summary: &'a PlanSummary,
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

fn plan_exit(summary: &PlanSummary) -> i32 {
    if summary.executable || summary.nothing_to_do() {
        EXIT_SAME
    } else {
        EXIT_ERROR
    }
}

#[derive(Serialize)]
struct RestoreReport<'a> {
    summary: &'a PlanSummary,
    execution: Option<&'a Execution>,
    verification: Option<&'a Verification>,
    undo_script: Option<String>,
    journal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints_after: Option<&'a crate::restore::run::ConstraintsAfter>,
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
    if prepared.scripts.is_none() || !summary.executable {
        if args.json {
            print_report(summary, None)?;
        }
        return Ok(plan_exit(summary));
    }
    let mode = if args.dry_run {
        Mode::Rehearse
    } else {
        if !args.yes && !confirmed(&session.url, summary)? {
            eprintln!("Cancelled; nothing changed.");
            return Ok(EXIT_ERROR);
        }
        Mode::Commit
    };
    let request = RunRequest {
        url: &session.url,
        live: &session.live,
        backup: &session.backup,
        prepared,
        mode,
        undo_out: args.undo_out.clone(),
        journal: None,
        options: journal_options(&select_options(&args.selection)?),
        busy: Duration::from_secs(args.selection.statement_timeout.clamp(1, 30)),
    };
    let report = run(request, progress::ignore, &Cancel::new()).await?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let outcome = report.execution.outcome;
    if args.json {
        print_report(summary, Some(&report))?;
    } else {
        let text = render_report(&report);
        // A rollback is an error report: stderr, so redirecting stdout hides nothing.
        if outcome == Outcome::RolledBack {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
    Ok(match outcome {
        Outcome::Committed | Outcome::Rehearsed => EXIT_SAME,
        Outcome::RolledBack => EXIT_ROLLED_BACK,
    })
}

fn print_report(summary: &PlanSummary, run: Option<&RunReport>) -> Result<()> {
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let report = RestoreReport {
        summary,
        execution: run.map(|r| &r.execution),
        verification: run.and_then(|r| r.verification.as_ref()),
        undo_script: run.and_then(|r| path(&r.undo_script)),
        journal: run.and_then(|r| path(&r.journal)),
        constraints_after: run.and_then(|r| r.constraints.as_ref()),
    };
    println!("{}", to_json(&report)?);
    Ok(())
}

/// Ask on the terminal for the database's name; true when typed exactly.
fn confirmed(url: &DbUrl, summary: &PlanSummary) -> Result<bool> {
    let name = url.database_name();
    let mut err = std::io::stderr();
    let ddl = summary
        .schema_repair
        .as_ref()
        .map_or(0, |r| r.statements.len());
    let schema = if ddl > 0 {
        format!(", {ddl} schema statement(s)")
    } else {
        String::new()
    };
    let _ = write!(
        err,
        "\nThis writes {} INSERT(s){schema} and {} UPDATE(s) to {} in one transaction.\n\
         Type the database name ({}) to go ahead, anything else cancels: ",
        summary.rows_to_insert,
        summary.rows_to_update,
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
