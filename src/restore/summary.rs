//! What a plan will do, for people (stderr) and programs (`--json`): rows
//! per table and action, conflicts, pre-flight failures, blockers, warnings,
//! and the relations used with their origin. Pure.

use super::closure::Reason;
use super::plan::{PlannedRow, PreflightFailure, RowAction};
use super::relations::RelationOrigin;
use super::script::{RestoreScripts, StatementKind};
use super::selection::Selection;
use crate::catalog::TableName;
use crate::report::visible;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableSummary {
    pub table: String,
    pub insert: usize,
    pub update: usize,
    pub already_there: usize,
    pub conflict_skipped: usize,
    pub conflict_fail: usize,
    /// The table's rows in the plan by why they are there ([`RowKind`]);
    /// the three add up to the five counts above.
    pub picked: usize,
    pub dependents: usize,
    pub required_parents: usize,
}

/// Why a row is in the plan, in one word: it was picked, it references a
/// row of the plan (a dependent), or a row of the plan needs it and it is
/// missing live (a required parent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    Picked,
    Dependent,
    RequiredParent,
}

impl RowKind {
    /// The kind of the row the closure reached for `reason`.
    pub fn of(reason: &Reason) -> RowKind {
        match reason {
            Reason::Picked(_) => RowKind::Picked,
            Reason::Dependent { .. } => RowKind::Dependent,
            Reason::RequiredParent { .. } => RowKind::RequiredParent,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Picked => "picked",
            RowKind::Dependent => "dependent",
            RowKind::RequiredParent => "required_parent",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelationUsed {
    pub relation: String,
    pub origin: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    pub target: String,
    pub backup: String,
    pub picks: Vec<String>,
    /// False when anything below blocks the restore.
    pub executable: bool,
    pub tables: Vec<TableSummary>,
    pub rows_to_insert: usize,
    pub rows_to_update: usize,
    /// Rows present live with other values (skipped, updated or failing).
    pub conflicts: Vec<PlannedRow>,
    pub preflight_failures: Vec<PreflightFailure>,
    /// Referenced rows found neither live nor in the backup, loops no
    /// deferral breaks, tables missing live.
    pub blockers: Vec<String>,
    /// Rows left out by `--skip-invalid`.
    pub skipped_invalid: Vec<String>,
    pub warnings: Vec<String>,
    pub relations: Vec<RelationUsed>,
    pub deferred_constraints: Vec<String>,
    /// Links inserted as NULL and set by an UPDATE once both rows exist.
    pub links_set_afterwards: usize,
    pub statements: usize,
    pub script_sha256: Option<String>,
    /// Tables created, columns added and written back, constraints recreated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_repair: Option<crate::repair::summary::RepairSummary>,
}

impl PlanSummary {
    /// Every picked row is live already and nothing blocks: nothing to run.
    pub fn nothing_to_do(&self) -> bool {
        self.rows_to_insert + self.rows_to_update == 0
            && self
                .schema_repair
                .as_ref()
                .is_none_or(|r| r.statements.is_empty())
            && self.blockers.is_empty()
            && self.preflight_failures.is_empty()
    }
}

/// Summarize `sel`; `scripts` is `None` when the plan is blocked (or the
/// scripts could not be built: `extra_blockers` says why). `triggers` are
/// the live triggers, reported for the tables written.
pub fn summarize(
    sel: &Selection,
    scripts: Option<&RestoreScripts>,
    extra_blockers: Vec<String>,
    triggers: &[(TableName, String, String)],
    target: String,
    backup: String,
) -> PlanSummary {
    let mut tables: BTreeMap<usize, TableSummary> = BTreeMap::new();
    let mut conflicts = Vec::new();
    for p in &sel.classified.rows {
        let entry = tables.entry(p.row.0).or_insert_with(|| TableSummary {
            table: p.table.clone(),
            ..TableSummary::default()
        });
        match &p.action {
            RowAction::Insert => entry.insert += 1,
            RowAction::AlreadyThere => entry.already_there += 1,
            RowAction::ConflictSkipped { .. } => entry.conflict_skipped += 1,
            RowAction::Update { .. } => entry.update += 1,
            RowAction::ConflictFail { .. } => entry.conflict_fail += 1,
        }
        // Every closure row has a reason; a row without one would be a bug
        // upstream, and counting it as picked keeps the sums whole.
        match sel.closure.reasons.get(&p.row).map(RowKind::of) {
            Some(RowKind::Picked) | None => entry.picked += 1,
            Some(RowKind::Dependent) => entry.dependents += 1,
            Some(RowKind::RequiredParent) => entry.required_parents += 1,
        }
        // Rows only `--restore-columns` touches are not conflicts: the
        // schema repair section counts them.
        let column_restore_only = !sel.closure.reasons.contains_key(&p.row);
        if !matches!(p.action, RowAction::Insert | RowAction::AlreadyThere) && !column_restore_only
        {
            conflicts.push(p.clone());
        }
    }
    let mut blockers: Vec<String> = sel
        .closure
        .blockers
        .iter()
        .map(|b| {
            let rel = &sel.relations[b.relation];
            let (t, r) = b.child;
            format!(
                "{} row from {} references {}({}) = ({}) through {}, a row found neither live nor in the backup",
                visible(&sel.universe[t].table.to_string()),
                visible(&sel.universe[t].origin(r)),
                visible(&rel.parent.to_string()),
                visible(&rel.parent_columns.join(", ")),
                visible(&b.key.join(", ")),
                rel.arrow()
            )
        })
        .collect();
    blockers.extend(sel.classified.errors.iter().cloned());
    let fails = tables.values().map(|t| t.conflict_fail).sum::<usize>();
    if fails > 0 {
        blockers.push(format!(
            "{fails} row(s) exist live with other values and --on-conflict fail was given"
        ));
    }
    blockers.extend(extra_blockers);

    let written: Vec<&str> = tables
        .values()
        .filter(|t| t.insert + t.update > 0)
        .map(|t| t.table.as_str())
        .collect();
    let mut warnings = sel.classified.warnings.clone();
    for (table, name, def) in triggers {
        if written.contains(&table.to_string().as_str()) {
            warnings.push(format!(
                "trigger {} on {} will fire: {}",
                visible(name),
                visible(&table.to_string()),
                visible(def)
            ));
        }
    }
    let skipped_invalid = sel
        .skipped_invalid
        .iter()
        .map(|&(t, r)| {
            let why = match sel.closure.reasons.get(&(t, r)) {
                Some(Reason::Dependent { .. }) => "depends on a row that failed pre-flight",
                _ => "failed pre-flight or is needed by nothing left",
            };
            format!(
                "{} from {}: {why}",
                visible(&sel.universe[t].table.to_string()),
                visible(&sel.universe[t].origin(r))
            )
        })
        .collect::<Vec<_>>();
    if !skipped_invalid.is_empty() {
        warnings.push(format!(
            "--skip-invalid left out {} row(s): those failing pre-flight and the rows depending on them",
            skipped_invalid.len()
        ));
    }
    let relations = sel
        .closure
        .relations_used
        .iter()
        .map(|&i| RelationUsed {
            relation: sel.relations[i].arrow(),
            origin: sel.relations[i].origin.to_string(),
        })
        .collect();
    let tables: Vec<TableSummary> = tables.into_values().collect();
    let rows_to_insert = tables.iter().map(|t| t.insert).sum();
    let rows_to_update = tables.iter().map(|t| t.update).sum();
    let executable = scripts.is_some()
        && blockers.is_empty()
        && sel.classified.failures.is_empty()
        && rows_to_insert + rows_to_update > 0;
    PlanSummary {
        target,
        backup,
        picks: sel
            .picks
            .iter()
            .map(|p| visible(&p.to_string()).into_owned())
            .collect(),
        executable,
        tables,
        rows_to_insert,
        rows_to_update,
        conflicts,
        preflight_failures: sel.classified.failures.clone(),
        blockers,
        skipped_invalid,
        warnings,
        relations,
        deferred_constraints: scripts.map(|s| s.deferred.clone()).unwrap_or_default(),
        links_set_afterwards: scripts.map_or(0, |s| s.fix_links),
        statements: scripts.map_or(0, |s| {
            s.script
                .statements
                .iter()
                .filter(|st| {
                    st.kind.writes()
                        || matches!(st.kind, StatementKind::Setval | StatementKind::Schema)
                })
                .count()
        }),
        script_sha256: scripts.map(|s| super::journal::sha256_hex(s.script.text().as_bytes())),
        schema_repair: None,
    }
}

/// Why one row is in the plan: the chain of relations from a pick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub table: String,
    pub key: String,
    /// Why the row itself is there (the last step of `chain`).
    pub kind: RowKind,
    /// Where the row is in the backup.
    pub from: String,
    /// First step first: the pick, then each relation followed.
    pub chain: Vec<String>,
}

/// Why every row of the closure is in it, in plan order (table, row).
pub fn explain(sel: &Selection) -> Vec<Explanation> {
    let name = |(t, r): (usize, usize)| {
        let key = sel.universe[t]
            .key_values(r, &sel.keys[t])
            .map(|k| {
                sel.keys[t]
                    .iter()
                    .zip(k)
                    .map(|(c, v)| format!("{c}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_else(|| sel.universe[t].origin(r));
        (sel.universe[t].table.to_string(), key)
    };
    let mut out = Vec::new();
    for (&t, rows) in &sel.closure.rows {
        for &r in rows {
            let chain = sel
                .closure
                .chain((t, r))
                .into_iter()
                .map(|(at, reason)| {
                    let (table, key) = name(at);
                    let row = format!("{}({})", visible(&table), visible(&key));
                    match reason {
                        Reason::Picked(n) => format!(
                            "{row} picked by --pick {}",
                            sel.picks
                                .get(n)
                                .map_or_else(String::new, |p| visible(&p.to_string()).into_owned())
                        ),
                        Reason::Dependent { relation, .. } => format!(
                            "{row} references it through {} [{}]",
                            sel.relations[relation].arrow(),
                            origin_label(sel.relations[relation].origin)
                        ),
                        Reason::RequiredParent { relation, .. } => format!(
                            "{row} is needed by it through {} [{}] (missing live)",
                            sel.relations[relation].arrow(),
                            origin_label(sel.relations[relation].origin)
                        ),
                    }
                })
                .collect();
            let (table, key) = name((t, r));
            out.push(Explanation {
                table: visible(&table).into_owned(),
                key: visible(&key).into_owned(),
                kind: sel
                    .closure
                    .reasons
                    .get(&(t, r))
                    .map_or(RowKind::Picked, RowKind::of),
                from: visible(&sel.universe[t].origin(r)).into_owned(),
                chain,
            });
        }
    }
    out
}

/// Where a followed relation comes from, for a chain step.
fn origin_label(origin: RelationOrigin) -> &'static str {
    match origin {
        RelationOrigin::Live => "live FK",
        RelationOrigin::Backup => "backup FK",
        RelationOrigin::Inferred => "inferred",
    }
}

/// Explanations as text, one block per row.
pub fn render_explanations(rows: &[Explanation]) -> String {
    let mut out = String::from("\nWhy each row is included:\n");
    for e in rows {
        let _ = writeln!(out, "  {}({}) from {}", e.table, e.key, e.from);
        for step in &e.chain {
            let _ = writeln!(out, "    {step}");
        }
    }
    out
}

/// Items listed per section before "... and N more".
const SHOWN: usize = 20;

/// The summary as text for the terminal.
pub fn render_text(s: &PlanSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Restore plan for {}", s.target);
    let _ = writeln!(out, "  backup: {}", visible(&s.backup));
    for p in &s.picks {
        let _ = writeln!(out, "  pick:   {p}");
    }
    out.push('\n');
    let mut table = crate::report::TextTable::new(
        vec!["table", "insert", "update", "already there", "conflicts"],
        vec![false, true, true, true, true],
    );
    for t in &s.tables {
        table.push(vec![
            visible(&t.table).into_owned(),
            t.insert.to_string(),
            t.update.to_string(),
            t.already_there.to_string(),
            (t.conflict_skipped + t.conflict_fail).to_string(),
        ]);
    }
    out.push_str(&table.render());
    let _ = writeln!(
        out,
        "\n{} row(s) to insert, {} to update.",
        s.rows_to_insert, s.rows_to_update
    );
    if let Some(repair) = &s.schema_repair {
        out.push('\n');
        out.push_str(&crate::repair::summary::render_text(repair));
    }
    section(
        &mut out,
        "Relations followed",
        s.relations
            .iter()
            .map(|r| format!("{} [{}]", r.relation, r.origin)),
    );
    section(
        &mut out,
        "Conflicts (present live with other values)",
        s.conflicts.iter().map(|c| {
            let (what, cols) = match &c.action {
                RowAction::ConflictSkipped { columns } => ("left as it is", columns),
                RowAction::Update { columns } => ("will be updated", columns),
                RowAction::ConflictFail { columns } => ("refused (--on-conflict fail)", columns),
                _ => ("", &Vec::new()),
            };
            format!(
                "{} ({}) differs in {}: {what}",
                visible(&c.table),
                visible(&key_text(&c.key)),
                visible(&cols.join(", "))
            )
        }),
    );
    section(
        &mut out,
        "Pre-flight failures (the plan will not run; fix or deselect, or use --skip-invalid)",
        s.preflight_failures.iter().map(|f| {
            let key = if f.key.is_empty() {
                String::new()
            } else {
                format!(" ({})", visible(&key_text(&f.key)))
            };
            format!(
                "{}{key} column {} = {}: {}",
                visible(&f.table),
                visible(&f.column),
                visible(&f.value),
                f.reason
            )
        }),
    );
    section(&mut out, "Blocked", s.blockers.iter().cloned());
    section(
        &mut out,
        "Left out by --skip-invalid",
        s.skipped_invalid.iter().cloned(),
    );
    section(&mut out, "Warnings", s.warnings.iter().cloned());
    if !s.deferred_constraints.is_empty() {
        let _ = writeln!(
            out,
            "\nDeferred to COMMIT (rows reference each other): {}",
            visible(&s.deferred_constraints.join(", "))
        );
    }
    if s.links_set_afterwards > 0 {
        let _ = writeln!(
            out,
            "{} link(s) inserted as NULL and set by UPDATE once both rows exist.",
            s.links_set_afterwards
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        if s.executable {
            "The plan can run."
        } else if s.nothing_to_do() {
            "Nothing to restore: every picked row is already live."
        } else {
            "The plan is BLOCKED: nothing will run until the items above are resolved."
        }
    );
    out
}

fn key_text(key: &[(String, String)]) -> String {
    key.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn section(out: &mut String, title: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for item in items.iter().take(SHOWN) {
        let _ = writeln!(out, "  {item}");
    }
    if items.len() > SHOWN {
        let _ = writeln!(out, "  ... and {} more", items.len() - SHOWN);
    }
}

#[cfg(test)]
mod tests;
