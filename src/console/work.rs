//! Background work for the console, one kind at a time per slot: the diff,
//! the open table's rows, the plan, a search, a rehearsal or restore. Each
//! reports back as a [`Msg`]; each can be cancelled (a restore by rolling
//! back). Everything goes through the same library calls as the CLI.
//! Searches are in `work/search.rs`, snapshots in `work/folder.rs`, the
//! health check in `work/health.rs`.

use super::app::modal::Outcome;
use super::app::table_view::Rows;
use super::app::{Effect, Msg, PlanData, RunMode};
use super::run::{send, Sender};
use crate::backup::Backup;
use crate::browse::{load_table_rows, TableRows};
use crate::diff::{diff, DiffOptions, TableDiff, TableStatus};
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb};
use crate::restore::pick::{parse_pick, PickSpec};
use crate::restore::progress::{Cancel, RunEvent};
use crate::restore::run::{self as restore_run, journal_options, RunRequest};
use crate::restore::script::ScriptOptions;
use crate::restore::selection::SelectOptions;
use crate::restore::summary::explain;
use crate::restore::{execute, prepare, Prepared};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

type Live = Arc<(DbUrl, LiveDb)>;
/// A table's name and its loaded rows.
type Loaded = (String, Arc<TableRows>);

/// The plan the console shows, kept to write or run it.
struct Current {
    generation: u64,
    prepared: Arc<Prepared>,
    /// What the journal records of how it was planned.
    options: BTreeMap<String, String>,
}

mod folder;
mod health;
mod search;

pub(crate) struct Work {
    live: Option<Live>,
    /// The backup compared; another snapshot of the folder replaces it.
    backup: Arc<Mutex<Arc<Backup>>>,
    /// The folder of snapshots, when the console was opened on one.
    folder: Option<PathBuf>,
    /// Bumped when the backup is replaced: a diff of the old one stops
    /// sending its tables.
    diff_epoch: Arc<AtomicU64>,
    find: Option<Arc<AtomicBool>>,
    tx: Sender,
    load: Option<Arc<AtomicBool>>,
    /// The open table's rows, for searching them.
    rows_slot: Arc<Mutex<Option<Loaded>>>,
    planning: Option<JoinHandle<()>>,
    current: Arc<Mutex<Option<Current>>>,
    search: Option<Arc<AtomicBool>>,
    run: Option<Cancel>,
    health: Option<JoinHandle<()>>,
}

impl Work {
    pub(crate) fn new(
        live: Option<Live>,
        backup: Arc<Backup>,
        folder: Option<PathBuf>,
        tx: Sender,
    ) -> Work {
        Work {
            live,
            backup: Arc::new(Mutex::new(backup)),
            folder,
            diff_epoch: Arc::new(AtomicU64::new(0)),
            find: None,
            tx,
            load: None,
            rows_slot: Arc::new(Mutex::new(None)),
            planning: None,
            current: Arc::new(Mutex::new(None)),
            search: None,
            run: None,
            health: None,
        }
    }

    pub(crate) fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Quit => {}
            Effect::LoadTable { name } => self.load_table(name),
            Effect::CancelLoad => cancel(&mut self.load),
            Effect::Plan {
                generation,
                picks,
                exclude_dependents,
                repair,
            } => self.plan(generation, picks, exclude_dependents, repair),
            Effect::CancelPlan => {
                if let Some(task) = self.planning.take() {
                    task.abort();
                }
            }
            Effect::WritePlan { generation } => self.write_plan(generation),
            Effect::Run { generation, mode } => self.run(generation, mode),
            Effect::CancelRun => {
                if let Some(c) = &self.run {
                    c.cancel();
                }
            }
            Effect::Search {
                generation,
                scope,
                query,
            } => self.search(generation, scope, query),
            Effect::CancelSearch => cancel(&mut self.search),
            Effect::Rediff => self.diff(),
            Effect::ListSnapshots => self.list_snapshots(),
            Effect::SwitchSnapshot { name } => self.switch_snapshot(name),
            Effect::FindInSnapshots { generation, spec } => {
                self.find_in_snapshots(generation, spec)
            }
            Effect::CancelFind => cancel(&mut self.find),
            Effect::CheckHealth { generation } => self.check_health(generation),
            Effect::CancelHealth => self.cancel_health(),
        }
    }

    /// The backup being compared now.
    fn backup(&self) -> Arc<Backup> {
        match self.backup.lock() {
            Ok(b) => b.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn cancel_all(&mut self) {
        cancel(&mut self.load);
        cancel(&mut self.search);
        cancel(&mut self.find);
        self.cancel_health();
        if let Some(c) = &self.run {
            c.cancel();
        }
    }

    /// Diff in the background; each table is sent as soon as it is done.
    pub(crate) fn diff(&mut self) {
        let epoch = self.diff_epoch.load(Ordering::SeqCst);
        spawn_diff(
            self.live.clone(),
            self.backup(),
            self.tx.clone(),
            (self.diff_epoch.clone(), epoch),
        );
    }

    fn load_table(&mut self, name: String) {
        cancel(&mut self.load);
        let stop = Arc::new(AtomicBool::new(false));
        self.load = Some(stop.clone());
        let (live, backup, tx) = (self.live.clone(), self.backup(), self.tx.clone());
        let slot = self.rows_slot.clone();
        tokio::spawn(async move {
            let progress_tx = tx.clone();
            let progress_name = name.clone();
            let progress = move |rows: u64| {
                send(
                    &progress_tx,
                    Msg::TableLoading {
                        name: progress_name.clone(),
                        rows,
                    },
                );
            };
            let loaded = load_table_rows(
                live.as_ref().map(|l| &l.1),
                &backup,
                &name,
                progress,
                stop.clone(),
            )
            .await;
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let msg = match loaded {
                Ok(rows) => {
                    let rows = Arc::new(rows);
                    if let Ok(mut s) = slot.lock() {
                        *s = Some((name.clone(), rows.clone()));
                    }
                    Msg::TableLoaded {
                        name,
                        rows: Rows(rows),
                    }
                }
                Err(e) => Msg::TableFailed {
                    name,
                    error: e.to_string(),
                },
            };
            send(&tx, msg);
        });
    }

    fn plan(
        &mut self,
        generation: u64,
        specs: Vec<String>,
        exclude_dependents: std::collections::BTreeSet<String>,
        repair: crate::repair::plan::RepairOptions,
    ) {
        if let Some(task) = self.planning.take() {
            task.abort();
        }
        let Some(live) = self.live.clone() else {
            return;
        };
        let (backup, tx, current) = (self.backup(), self.tx.clone(), self.current.clone());
        self.planning = Some(tokio::spawn(async move {
            let planned = async {
                let picks: Vec<PickSpec> =
                    specs.iter().map(|s| parse_pick(s)).collect::<Result<_>>()?;
                // The journal records the repair too (journal_options).
                let opts = SelectOptions {
                    exclude_dependents,
                    repair,
                    ..SelectOptions::default()
                };
                let mut options = journal_options(&opts);
                options.insert("from".into(), "console".into());
                let prepared =
                    prepare(&live.1, &backup, &picks, opts, &ScriptOptions::default()).await?;
                Ok::<_, Error>((options, prepared))
            };
            let msg = match planned.await {
                Ok((options, prepared)) => {
                    let data = PlanData {
                        summary: prepared.summary.clone(),
                        explanations: explain(&prepared.selection),
                        script: prepared.scripts.as_ref().map(|s| s.script.text().into()),
                    };
                    if let Ok(mut c) = current.lock() {
                        *c = Some(Current {
                            generation,
                            prepared: Arc::new(prepared),
                            options,
                        });
                    }
                    Msg::Planned {
                        generation,
                        plan: Arc::new(data),
                    }
                }
                Err(e) => Msg::PlanFailed {
                    generation,
                    error: e.to_string(),
                },
            };
            send(&tx, msg);
        }));
    }

    /// The plan of `generation`, if it is the one kept.
    fn current(&self, generation: u64) -> Option<(Arc<Prepared>, BTreeMap<String, String>)> {
        let c = self.current.lock().ok()?;
        let c = c.as_ref().filter(|c| c.generation == generation)?;
        Some((c.prepared.clone(), c.options.clone()))
    }

    fn write_plan(&mut self, generation: u64) {
        let msg = match self.current(generation) {
            Some((prepared, _)) => match write_script(&prepared, self.live.as_ref()) {
                Ok(path) => format!("Plan written to {} (not run).", path.display()),
                Err(e) => format!("Could not write the plan: {e}"),
            },
            None => "The plan changed; wait for the new one, then press w again.".into(),
        };
        send(&self.tx, Msg::Notice(msg));
    }

    fn run(&mut self, generation: u64, mode: RunMode) {
        let (Some(live), Some((prepared, options))) = (self.live.clone(), self.current(generation))
        else {
            send(
                &self.tx,
                Msg::RunDone(refused(
                    mode,
                    "the plan changed before it could run; nothing changed",
                )),
            );
            return;
        };
        let cancel = Cancel::new();
        self.run = Some(cancel.clone());
        let (backup, tx) = (self.backup(), self.tx.clone());
        tokio::spawn(async move {
            let progress_tx = tx.clone();
            let progress = move |event: RunEvent| {
                if let Some((step, phase)) = progress_of(event) {
                    send(&progress_tx, Msg::RunProgress { step, phase });
                }
            };
            let exec_mode = match mode {
                RunMode::Rehearse => execute::Mode::Rehearse,
                RunMode::Commit => execute::Mode::Commit,
            };
            let request = RunRequest {
                url: &live.0,
                live: &live.1,
                backup: &backup,
                prepared: &prepared,
                mode: exec_mode,
                undo_out: None,
                journal: None,
                options,
                busy: Duration::from_secs(30),
            };
            let outcome = match restore_run::run(request, progress, &cancel).await {
                Ok(report) => outcome_of(mode, &report),
                Err(e) => refused(mode, &e.to_string()),
            };
            send(&tx, Msg::RunDone(outcome));
        });
    }
}

/// Diff `backup` in the background, sending each table as it is done,
/// unless the epoch moved on (another snapshot replaced the backup).
fn spawn_diff(live: Option<Live>, backup: Arc<Backup>, tx: Sender, epoch: (Arc<AtomicU64>, u64)) {
    let current = move || epoch.0.load(Ordering::SeqCst) == epoch.1;
    tokio::spawn(async move {
        let Some(live) = live else {
            let msg = match crate::inspect::inspect(&backup) {
                Ok(report) => {
                    let total = report.tables.len();
                    for t in report.tables.into_iter().filter(|_| current()) {
                        send(&tx, Msg::TableDiffed(Box::new(backup_only(t.name, t.rows))));
                    }
                    Msg::DiffDone { total }
                }
                Err(e) => Msg::Failed(e.to_string()),
            };
            if current() {
                send(&tx, msg);
            }
            return;
        };
        let progress_tx = tx.clone();
        let still = current.clone();
        let opts = DiffOptions {
            tables: Vec::new(),
            collect_rows: false,
            progress: Some(Arc::new(move |t: &TableDiff| {
                if still() {
                    send(&progress_tx, Msg::TableDiffed(Box::new(t.clone())));
                }
            })),
        };
        let msg = match diff(&live.1, &backup, &opts).await {
            Ok(report) => Msg::DiffDone {
                total: report.tables.len(),
            },
            Err(e) => Msg::Failed(e.to_string()),
        };
        if current() {
            send(&tx, msg);
        }
    });
}

fn cancel(slot: &mut Option<Arc<AtomicBool>>) {
    if let Some(stop) = slot.take() {
        stop.store(true, Ordering::Relaxed);
    }
}

/// A backup table when there is no live side to compare with.
fn backup_only(name: String, rows: u64) -> TableDiff {
    TableDiff {
        name,
        status: TableStatus::Identical,
        backup_rows: Some(rows),
        live_rows: None,
        missing: 0,
        changed: 0,
        extra: 0,
        identical: 0,
        key: None,
        schema: Default::default(),
        changed_columns: Default::default(),
        incompatible: Vec::new(),
        rows: None,
    }
}

/// Write the script next to where the operator is working; never overwrite.
fn write_script(prepared: &Prepared, live: Option<&Live>) -> Result<PathBuf> {
    let Some(scripts) = &prepared.scripts else {
        return Err(Error::Usage(
            "the plan is blocked: there is no script".into(),
        ));
    };
    let name = live.map_or_else(|| "db".to_owned(), |l| l.0.file_safe_name());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let path = PathBuf::from(format!("lifeboat-plan-{name}-{stamp}.sql"));
    restore_run::write_new(&path, &scripts.script.text())?;
    Ok(std::fs::canonicalize(&path).unwrap_or(path))
}

/// A restore's step as the progress modal shows it: statements done of
/// all (when the step counts them) and what is happening.
fn progress_of(event: RunEvent) -> Option<(Option<(usize, usize)>, String)> {
    let phase = match event {
        RunEvent::Fingerprinting => "fingerprinting the backup for the journal",
        RunEvent::Rechecking => "checking nothing moved live since the plan",
        RunEvent::Statement {
            done, total, rows, ..
        } => {
            return Some((
                Some((done, total)),
                format!("writing: {rows} row(s) so far"),
            ))
        }
        RunEvent::Committing => "writing the undo script and journal, then COMMIT",
        RunEvent::Pinpointing => "a statement failed: finding the backup row behind it",
        RunEvent::Verifying => "committed; reading the rows back to verify",
        RunEvent::Finished(_) => return None,
    };
    Some((None, phase.to_owned()))
}

fn refused(mode: RunMode, why: &str) -> Outcome {
    Outcome {
        mode,
        ok: false,
        committed: false,
        title: "NOT RUN".into(),
        lines: vec![why.to_owned(), "Nothing changed.".into()],
        scroll: 0,
    }
}

fn outcome_of(mode: RunMode, report: &restore_run::RunReport) -> Outcome {
    use crate::restore::execute::Outcome as Done;
    let committed = report.execution.outcome == Done::Committed;
    let (ok, title) = match (report.execution.outcome, &report.verification) {
        (Done::Committed, Some(v)) if v.ok() => (true, "COMMITTED and verified"),
        (Done::Committed, Some(_)) => (false, "COMMITTED — verification found differences"),
        (Done::Committed, None) => (false, "COMMITTED — not verified (see the warning)"),
        (Done::Rehearsed, _) => (true, "REHEARSED — rolled back, nothing changed"),
        (Done::RolledBack, _) => (false, "ROLLED BACK — nothing changed"),
    };
    // The report's text, then its warnings, as the CLI prints them.
    let text = restore_run::render_report(report);
    let warnings = report.warnings.iter().map(|w| format!("warning: {w}"));
    Outcome {
        mode,
        ok,
        committed,
        title: title.into(),
        lines: text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .chain(warnings)
            .collect(),
        scroll: 0,
    }
}
