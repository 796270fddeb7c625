//! `lifeboat check`: the health view, for a terminal or a script.

use super::{resolve_db_url, snapshots, to_json, EXIT_DIFFERENT, EXIT_SAME};
use crate::check::{check, CheckOptions};
use crate::error::Result;
use crate::live::{LiveDb, LiveOptions};
use crate::report;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Live database to examine: postgres://user@host/db, sqlite:///path/app.db, or a path to a
    /// SQLite file. Defaults to $LIFEBOAT_DATABASE_URL, then $DATABASE_URL. Only read, never written.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// A backup from before the trouble: its schema adds the foreign keys it had (checked for
    /// orphans even if dropped live), the column types to compare, and the tables live should have.
    #[arg(long, value_name = "PATH")]
    pub backup: Option<PathBuf>,
    #[arg(long, value_name = "latest|NAME", requires = "backup", help = snapshots::SNAPSHOT_HELP)]
    pub snapshot: Option<String>,
    /// Print JSON (stable field names) instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Gentle on a loaded production server: planner estimates instead of count(*), no orphan
    /// scans, max() only of primary-key columns. The report says what was skipped.
    #[arg(long)]
    pub fast: bool,
    /// Do not check relations guessed from column names (organization_id → organizations.id).
    #[arg(long)]
    pub no_inferred: bool,
    /// Give up on any single query after this many seconds (that relation is reported as failed).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub statement_timeout: u64,
}

pub async fn run_check(args: &CheckArgs) -> Result<i32> {
    let url = resolve_db_url(args.db.as_deref())?;
    let backup = match &args.backup {
        Some(path) => Some(snapshots::open_backup(path, args.snapshot.as_deref())?),
        None => None,
    };
    tracing::info!(target = %url.redacted(), fast = args.fast, "check");
    let options = LiveOptions {
        statement_timeout: Duration::from_secs(args.statement_timeout.max(1)),
    };
    let live = LiveDb::connect(&url, &options).await?;
    let opts = CheckOptions {
        fast: args.fast,
        no_inferred: args.no_inferred,
    };
    let health = check(&live, backup.as_ref(), &opts).await?;
    if args.json {
        println!("{}", to_json(&health)?);
    } else {
        print!("{}", report::render_check(&health));
    }
    Ok(if health.has_problems() {
        EXIT_DIFFERENT
    } else {
        EXIT_SAME
    })
}
