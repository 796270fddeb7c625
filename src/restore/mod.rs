//! Bringing records back: picks → relations → closure → plan → SQL → one
//! transaction (rehearsed, verified, undoable, journaled).
//!
//! [`prepare`] does every read and decision up to the script; the CLI (and
//! the console) then show it, and [`run::run`] runs it: undo script and
//! journal before COMMIT, [`execute`] in one transaction, verification.

pub mod closure;
pub mod execute;
pub mod journal;
pub mod literal;
pub mod load;
pub mod order;
pub mod pick;
pub mod plan;
pub mod progress;
pub mod relations;
pub mod run;
pub mod script;
pub mod selection;
pub mod summary;
pub mod verify;

use crate::backup::Backup;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crate::report::visible;
use pick::PickSpec;
use script::{RestoreScripts, ScriptOptions};
use selection::{select, SelectOptions, Selection};
use summary::{summarize, PlanSummary};

/// A restore, planned: what it reads, decides and would run.
pub struct Prepared {
    pub catalog: Catalog,
    pub selection: Selection,
    /// `None` when the plan is blocked (the summary says why).
    pub scripts: Option<RestoreScripts>,
    pub summary: PlanSummary,
}

/// Read live and the backup, resolve the picks, and plan the restore.
/// Blocking problems (pre-flight failures, blockers) are in the summary,
/// not an `Err`: the operator needs the whole list.
pub async fn prepare(
    live: &LiveDb,
    backup: &Backup,
    picks: &[PickSpec],
    select_opts: SelectOptions,
    script_opts: &ScriptOptions,
) -> Result<Prepared> {
    if picks.is_empty() {
        return Err(Error::Usage(
            "nothing picked: give at least one --pick TABLE or --pick 'TABLE:COLUMN=VALUE'".into(),
        ));
    }
    let started = std::time::Instant::now();
    let catalog = live.catalog().await?;
    let selection = select(live, &catalog, backup, picks, select_opts).await?;
    let triggers = live.triggers().await?;
    tracing::debug!(elapsed = ?started.elapsed(), rows = selection.closure.len(), "selection");
    let target = live.target();
    let backup_path = backup.path.display().to_string();
    let blocked = !selection.closure.blockers.is_empty()
        || !selection.classified.errors.is_empty()
        || !selection.classified.failures.is_empty()
        || selection
            .classified
            .rows
            .iter()
            .any(|r| matches!(r.action, plan::RowAction::ConflictFail { .. }));
    let mut extra = Vec::new();
    let scripts = if blocked {
        None
    } else {
        let header = header(&target, &backup_path, picks);
        match script::build(&selection, &catalog, script_opts, header) {
            Ok(s) => Some(s),
            Err(Error::Usage(why)) => {
                extra.push(why);
                None
            }
            Err(e) => return Err(e),
        }
    };
    tracing::debug!(elapsed = ?started.elapsed(), "scripts");
    let summary = summarize(
        &selection,
        scripts.as_ref(),
        extra,
        &triggers,
        target,
        backup_path,
    );
    tracing::debug!(elapsed = ?started.elapsed(), "summary");
    Ok(Prepared {
        catalog,
        selection,
        scripts,
        summary,
    })
}

/// The script's comment lines: deterministic (no clock), control
/// characters escaped so no pick can end a comment line.
fn header(target: &str, backup: &str, picks: &[PickSpec]) -> Vec<String> {
    let mut lines = vec![
        format!(
            "lifeboat {} restore script: one transaction; any error rolls back everything.",
            env!("CARGO_PKG_VERSION")
        ),
        format!("target: {}", visible(target)),
        format!("backup: {}", visible(backup)),
    ];
    lines.extend(
        picks
            .iter()
            .map(|p| format!("pick: {}", visible(&p.to_string()))),
    );
    lines.push(
        "run with: psql -v ON_ERROR_STOP=1 -f FILE (PostgreSQL) or sqlite3 -bail DB < FILE (SQLite)"
            .into(),
    );
    lines
}
