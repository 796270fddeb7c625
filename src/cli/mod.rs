//! The command line: argument definitions and the commands they run. Output
//! goes to stdout, errors to stderr; exit codes follow diff(1).

use crate::backup::Backup;
use crate::diff::{diff, DiffOptions};
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb, LiveOptions};
use crate::report;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// Exit code: no differences.
pub const EXIT_SAME: i32 = 0;
/// Exit code: differences found.
pub const EXIT_DIFFERENT: i32 = 1;
/// Exit code: lifeboat could not do what was asked (bad input, unreachable
/// database, a blocked restore plan).
pub const EXIT_ERROR: i32 = 2;
/// Exit code: the restore transaction was rolled back; nothing changed.
pub const EXIT_ROLLED_BACK: i32 = 3;

mod check;
mod restore;
mod snapshots;

#[derive(Debug, Parser)]
#[command(
    name = "lifeboat",
    version,
    about = "Find and bring back database records lost in a bad migration or rebuild.",
    long_about = "lifeboat compares a live database (PostgreSQL or SQLite) with a backup and says exactly \
what was lost: dropped tables and columns, missing, changed and new rows, and backup values that no \
longer fit the live column types. Then it brings back the records you pick, with everything they \
need and everything that hangs off them: `plan` previews the exact SQL, `restore` rehearses it \
(--dry-run) or runs it in one transaction, verifies it, and writes an undo script and a journal \
entry.\n\ninspect, diff and plan only read, in read-only transactions with timeouts; restore writes \
only in the one transaction you confirmed.\n\nDatabase URL: --db, else $LIFEBOAT_DATABASE_URL, else $DATABASE_URL. Passwords are never printed.",
    after_help = "Examples:\n  lifeboat demo\n  lifeboat inspect --backup backups/migration-2025-07-11T19-46-34-951Z\n  \
lifeboat diff --db postgres://app@127.0.0.1/app --backup backups/nightly/ --table projects --rows\n  \
lifeboat plan --db app.db --backup backups/nightly/ --pick 'projects:name=ToeTheLine' > restore.sql\n  \
lifeboat restore --db app.db --backup backups/nightly/ --pick 'projects:name=ToeTheLine' --dry-run\n  \
lifeboat snapshots backups/\n  \
lifeboat find backups/ --pick 'projects:name=ToeTheLine'\n  \
lifeboat check --db postgres://app@127.0.0.1/app --backup backups/nightly/\n  \
lifeboat --db app.db --backup backups/ --snapshot latest\n\n\
Exit codes: 0 identical / done / healthy, 1 differences or problems found, 2 error or blocked, 3 restore rolled back (nothing changed)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open the console: the live database to compare and restore into (omit it to explore the
    /// backup read-only). Defaults to $LIFEBOAT_DATABASE_URL, then $DATABASE_URL.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Open the console on this backup: a directory of table files, a JSON file, a pg_dump
    /// (plain, custom, directory or tar), a SQLite file, or a database URL.
    #[arg(long, value_name = "PATH")]
    pub backup: Option<PathBuf>,
    #[arg(long, value_name = "latest|NAME", requires = "backup", help = snapshots::SNAPSHOT_HELP)]
    pub snapshot: Option<String>,
    /// Console colour theme: dark (default), light, high-contrast, or one of yours in
    /// <config dir>/themes/NAME.toml. NO_COLOR is respected.
    #[arg(long, value_name = "NAME", global = true)]
    pub theme: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a backup holds (format, time, tables, columns, row counts, warnings). Touches no database.
    Inspect(InspectArgs),
    /// Compare a live database with a backup: dropped tables and columns, missing/changed/new rows.
    Diff(DiffArgs),
    /// Preview a restore: the exact SQL script (stdout or --out) and what it will do (stderr). Changes nothing.
    Plan(restore::PlanArgs),
    /// Bring picked records back in one transaction: rehearse with --dry-run, commit with --yes
    /// (or by typing the database's name at the prompt). Writes an undo script and a journal entry.
    Restore(restore::RestoreArgs),
    /// Build the bundled demo's damaged SQLite database and open the console on it and its backup
    /// (without a terminal: print what lifeboat finds).
    Demo(DemoArgs),
    /// List the backups in a folder of many (one per entry), oldest first: format, time (from the
    /// backup, its name, else the file's modification time) and row counts per table.
    Snapshots(snapshots::SnapshotsArgs),
    /// Which backups in a folder of many hold the picked records: the newest that does, and the
    /// first after it that does not ("gone since"). Exit code 0 if one holds them, 1 if none does.
    Find(snapshots::FindArgs),
    /// Health check, read-only: orphan rows per relation (live FKs, FKs the backup still has,
    /// inferred ones) with sample keys, row counts and sizes, tables without a primary key,
    /// sequences behind their column, types changed since the backup, tables missing.
    /// Exit code 0 healthy, 1 problems found, 2 error.
    Check(check::CheckArgs),
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The backup: a directory of table files, a JSON file, a pg_dump (plain .sql or .sql.gz,
    /// custom, directory or tar), a SQLite file, or a database URL (postgres://, sqlite://).
    /// A folder of many backups needs --snapshot.
    #[arg(long, value_name = "PATH")]
    pub backup: PathBuf,
    #[arg(long, value_name = "latest|NAME", help = snapshots::SNAPSHOT_HELP)]
    pub snapshot: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Live database: postgres://user@host/db, sqlite:///path/app.db, or a path to a SQLite file.
    /// Defaults to $LIFEBOAT_DATABASE_URL, then $DATABASE_URL.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// The backup: a directory of table files, a JSON file, a pg_dump (plain .sql or .sql.gz,
    /// custom, directory or tar), a SQLite file, or a database URL (postgres://, sqlite://).
    /// A folder of many backups needs --snapshot.
    #[arg(long, value_name = "PATH")]
    pub backup: PathBuf,
    #[arg(long, value_name = "latest|NAME", help = snapshots::SNAPSHOT_HELP)]
    pub snapshot: Option<String>,
    /// Compare only this table (repeatable): `public.projects` or `projects`.
    #[arg(long = "table", value_name = "NAME")]
    pub tables: Vec<String>,
    /// List the key of every missing, changed and live-only row.
    #[arg(long)]
    pub rows: bool,
    /// Print the JSON report (format documented in README.md).
    #[arg(long)]
    pub json: bool,
    /// Give up on any single read after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub statement_timeout: u64,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the demo (default: a new directory under lifeboat's data directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Print what lifeboat finds instead of opening the console (also what happens without a terminal).
    #[arg(long)]
    pub print: bool,
}

/// The database URL from the flag or the environment, parsed.
pub fn resolve_db_url(flag: Option<&str>) -> Result<DbUrl> {
    let raw = flag
        .map(str::to_string)
        .or_else(|| std::env::var("LIFEBOAT_DATABASE_URL").ok().filter(|s| !s.is_empty()))
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()))
        .ok_or_else(|| {
            Error::Usage(
                "no live database given: pass --db URL or set LIFEBOAT_DATABASE_URL (or DATABASE_URL)".into(),
            )
        })?;
    DbUrl::parse(&raw)
}

/// Run a parsed command line; returns the process exit code. Errors are
/// returned for the caller to print.
pub async fn run(cli: Cli) -> Result<i32> {
    let Some(command) = cli.command else {
        return run_console(
            cli.db.as_deref(),
            cli.backup.as_deref(),
            cli.snapshot.as_deref(),
            cli.theme.as_deref(),
        )
        .await;
    };
    match command {
        Command::Inspect(args) => run_inspect(&args),
        Command::Diff(args) => run_diff(&args).await,
        Command::Plan(args) => restore::run_plan(&args).await,
        Command::Restore(args) => restore::run_restore(&args).await,
        Command::Demo(args) => crate::demo::run(args.dir, !args.print, cli.theme.as_deref()).await,
        Command::Snapshots(args) => snapshots::run_snapshots(&args),
        Command::Find(args) => snapshots::run_find(&args),
        Command::Check(args) => check::run_check(&args).await,
    }
}

/// `lifeboat --backup PATH [--db URL]`: the console, LIVE with a database
/// (flag or environment), READ-ONLY without.
async fn run_console(
    db: Option<&str>,
    backup: Option<&std::path::Path>,
    snapshot: Option<&str>,
    theme: Option<&str>,
) -> Result<i32> {
    let Some(backup) = backup else {
        return Err(Error::Usage(
            "give a command (lifeboat --help lists them) or open the console with --backup PATH [--db URL]"
                .into(),
        ));
    };
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::Usage(
            "the console needs a terminal; for scripts use lifeboat diff / plan / restore".into(),
        ));
    }
    let path = snapshots::backup_path(backup, snapshot)?;
    // Opened on a snapshot: the console can switch to the folder's others.
    let folder = snapshot.map(|_| crate::console::app::folder::Folder {
        root: backup.to_path_buf(),
        current: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    });
    let backup = Backup::open(&path).map_err(|e| snapshots::folder_hint(backup, snapshot, e))?;
    let live = match db.map(str::to_owned).or_else(|| {
        ["LIFEBOAT_DATABASE_URL", "DATABASE_URL"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
    }) {
        Some(raw) => {
            let url = DbUrl::parse(&raw)?;
            let live = LiveDb::connect(&url, &LiveOptions::default()).await?;
            Some((url, live))
        }
        None => None,
    };
    crate::console::run::run(live, backup, folder, theme).await
}

fn run_inspect(args: &InspectArgs) -> Result<i32> {
    let backup = snapshots::open_backup(&args.backup, args.snapshot.as_deref())?;
    let report = crate::inspect::inspect(&backup)?;
    if args.json {
        println!("{}", to_json(&report)?);
    } else {
        print!("{}", report::render_inspect(&report));
    }
    Ok(EXIT_SAME)
}

async fn run_diff(args: &DiffArgs) -> Result<i32> {
    let url = resolve_db_url(args.db.as_deref())?;
    let backup = snapshots::open_backup(&args.backup, args.snapshot.as_deref())?;
    tracing::info!(target = %url.redacted(), backup = %backup.path.display(), "diff");
    let options = LiveOptions {
        statement_timeout: Duration::from_secs(args.statement_timeout.max(1)),
    };
    let live = LiveDb::connect(&url, &options).await?;
    let opts = DiffOptions {
        tables: args.tables.clone(),
        collect_rows: args.rows,
        progress: None,
    };
    let report = diff(&live, &backup, &opts).await?;
    if args.json {
        println!("{}", to_json(&report)?);
    } else {
        print!("{}", report::render_diff(&report, args.rows));
    }
    Ok(if report.has_differences() {
        EXIT_DIFFERENT
    } else {
        EXIT_SAME
    })
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Other(format!("cannot write JSON: {e}")))
}
