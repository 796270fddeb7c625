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
mod violations;

use crate::backup::Backup;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crate::repair::plan::{decide_constraints, effective_catalog, plan_repair, RepairPlan};
use crate::repair::statements;
use crate::report::visible;
use pick::PickSpec;
use script::{RestoreScripts, ScriptOptions};
use selection::{select_with, SelectInput, SelectOptions, Selection};
use summary::{summarize, PlanSummary};

/// A restore, planned: what it reads, decides and would run.
pub struct Prepared {
    pub catalog: Catalog,
    pub selection: Selection,
    /// `None` when the plan is blocked (the summary says why).
    pub scripts: Option<RestoreScripts>,
    pub summary: PlanSummary,
}

/// Read live and the backup, resolve the picks, and plan the restore, with
/// the schema repair `select_opts.repair` asks for.
/// Blocking problems (pre-flight failures, blockers) are in the summary,
/// not an `Err`: the operator needs the whole list.
pub async fn prepare(
    live: &LiveDb,
    backup: &Backup,
    picks: &[PickSpec],
    select_opts: SelectOptions,
    script_opts: &ScriptOptions,
) -> Result<Prepared> {
    if picks.is_empty() && select_opts.repair.is_off() {
        return Err(Error::Usage(
            "nothing picked: give at least one --pick TABLE or --pick 'TABLE:COLUMN=VALUE' (or --repair-schema / --restore-columns)".into(),
        ));
    }
    let started = std::time::Instant::now();
    let live_catalog = live.catalog().await?;
    let universe = load::load_backup_tables(backup, &live_catalog)?;
    let mut repair = if select_opts.repair.is_off() {
        RepairPlan::default()
    } else {
        plan_repair(
            &live_catalog,
            backup.schema.as_ref(),
            &universe,
            &select_opts.repair,
        )
    };
    let catalog = effective_catalog(&live_catalog, &repair);
    let input = SelectInput {
        live_catalog: &live_catalog,
        catalog: &catalog,
        universe,
        repair: &repair,
    };
    let selection = select_with(live, input, backup, picks, select_opts).await?;
    if !repair.constraints.is_empty() {
        violations::count(live, &live_catalog, &selection, &mut repair.constraints).await;
        decide_constraints(&mut repair.constraints);
    }
    let triggers = live.triggers().await?;
    tracing::debug!(elapsed = ?started.elapsed(), rows = selection.closure.len(), "selection");
    let target = live.target();
    let backup_path = backup.path.display().to_string();
    let repair_sql = statements::render(&repair, catalog.dialect);
    let mut extra: Vec<String> = repair.blockers.clone();
    extra.extend(repair_sql.errors.iter().cloned());
    let blocked = !extra.is_empty()
        || !selection.closure.blockers.is_empty()
        || !selection.classified.errors.is_empty()
        || !selection.classified.failures.is_empty()
        || selection
            .classified
            .rows
            .iter()
            .any(|r| matches!(r.action, plan::RowAction::ConflictFail { .. }));
    let scripts = if blocked {
        None
    } else {
        let header = header(&target, &backup_path, picks, &select_opts_summary(&repair));
        match script::build(&selection, &catalog, script_opts, header, &repair_sql.steps) {
            Ok(s) => Some(s),
            Err(Error::Usage(why)) => {
                extra.push(why);
                None
            }
            Err(e) => return Err(e),
        }
    };
    tracing::debug!(elapsed = ?started.elapsed(), "scripts");
    let mut summary = summarize(
        &selection,
        scripts.as_ref(),
        extra,
        &triggers,
        target,
        backup_path,
    );
    if !repair.is_empty() || !repair.blockers.is_empty() {
        let ddl: Vec<String> = repair_sql
            .steps
            .before
            .iter()
            .chain(&repair_sql.steps.after)
            .cloned()
            .collect();
        let mut notes = repair.warnings.clone();
        notes.extend(repair_sql.notes);
        summary.schema_repair = Some(crate::repair::summary::summarize(
            &repair,
            ddl,
            notes,
            &selection,
            &live_catalog,
            &catalog,
            backup.schema.as_ref(),
        ));
    }
    // Recreating a table or a constraint is work even without rows.
    let has_ddl = summary
        .schema_repair
        .as_ref()
        .is_some_and(|r| !r.statements.is_empty());
    if has_ddl
        && scripts.is_some()
        && summary.blockers.is_empty()
        && summary.preflight_failures.is_empty()
    {
        summary.executable = true;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "summary");
    Ok(Prepared {
        catalog,
        selection,
        scripts,
        summary,
    })
}

/// The repair's lines for the script header.
fn select_opts_summary(repair: &RepairPlan) -> Vec<String> {
    let mut lines = Vec::new();
    for c in &repair.created {
        lines.push(format!(
            "repair: create table {}",
            visible(&c.table.name.to_string())
        ));
    }
    for a in &repair.added {
        lines.push(format!(
            "repair: add column {}.{}",
            visible(&a.table.to_string()),
            visible(&a.column.name)
        ));
    }
    if !repair.constraints.is_empty() {
        lines.push(format!(
            "repair: {} constraint(s)",
            repair.constraints.len()
        ));
    }
    lines
}

/// The script's comment lines: deterministic (no clock), control
/// characters escaped so no pick can end a comment line.
fn header(target: &str, backup: &str, picks: &[PickSpec], repair: &[String]) -> Vec<String> {
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
    lines.extend(repair.iter().cloned());
    lines.push(
        "run with: psql -v ON_ERROR_STOP=1 -f FILE (PostgreSQL) or sqlite3 -bail DB < FILE (SQLite)"
            .into(),
    );
    lines
}
