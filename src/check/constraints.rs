//! The constraint side of `check` (incident 4: ~100 foreign keys dropped, 5
//! recreated; success was "FK count before = after"): the constraints the
//! backup's schema declares and live lacks, each with how many live rows
//! would violate it now, and the per-kind totals of both sides.

use super::{RelationHealth, SKIPPED_FAST};
use crate::catalog::{Catalog, TableName};
use crate::diff::schema::{
    constraint_counts, missing_constraints, ConstraintCounts, ConstraintKind, MissingConstraint,
};
use crate::live::LiveDb;
use crate::report::visible;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ConstraintHealth {
    /// The live table.
    pub table: String,
    pub kind: ConstraintKind,
    pub name: Option<String>,
    /// As SQL usable against live (`FOREIGN KEY (...) REFERENCES ... ON DELETE CASCADE`).
    pub definition: String,
    /// Live rows that would violate it if it were recreated now; None when not counted.
    pub violations: Option<u64>,
    /// Up to five keys of violating rows.
    pub samples: Vec<Vec<String>>,
    /// Why it was not counted (`skipped: --fast`).
    pub skipped: Option<String>,
    /// Counting failed or cannot be done (a CHECK that is not one expression).
    pub error: Option<String>,
}

impl ConstraintHealth {
    /// `public.items: price_ok CHECK (price >= 0): 2 rows violate it`, escaped for a terminal.
    pub fn summary(&self) -> String {
        let name = self
            .name
            .as_deref()
            .map(|n| format!("{} ", visible(n)))
            .unwrap_or_default();
        let status = match (self.violations, &self.skipped, &self.error) {
            (_, _, Some(e)) => format!("not counted: {}", visible(e)),
            (Some(0), _, _) => "no rows violate it".into(),
            (Some(n), _, _) => format!("{n} row{} violate it", if n == 1 { "" } else { "s" }),
            (None, Some(s), _) => format!("violations not counted ({})", visible(s)),
            (None, None, None) => "violations not counted".into(),
        };
        format!(
            "{}: {name}{}: {status}",
            visible(&self.table),
            visible(&self.definition)
        )
    }

    /// `e.g. 7; 9` (the sample keys), escaped; None without samples.
    pub fn samples_line(&self) -> Option<String> {
        let samples: Vec<String> = self
            .samples
            .iter()
            .map(|k| visible(&k.join(", ")).into_owned())
            .collect();
        (!samples.is_empty()).then(|| format!("e.g. {}", samples.join("; ")))
    }
}

/// Constraints per kind, both sides: the figure to compare before and after a repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ConstraintTotals {
    pub live: ConstraintCounts,
    pub backup: ConstraintCounts,
}

impl ConstraintTotals {
    pub fn new(live: &Catalog, backup_schema: &Catalog) -> Self {
        ConstraintTotals {
            live: constraint_counts(live),
            backup: constraint_counts(backup_schema),
        }
    }

    /// `constraints: foreign keys live 5 / backup 100, unique 3/3, checks 0/2, primary keys 40/40`.
    pub fn line(&self) -> String {
        let (l, b) = (&self.live, &self.backup);
        format!(
            "constraints: foreign keys live {} / backup {}, unique {}/{}, checks {}/{}, primary keys {}/{}",
            l.foreign_keys, b.foreign_keys, l.unique, b.unique, l.checks, b.checks, l.primary_keys, b.primary_keys
        )
    }
}

/// Pure: every constraint of a backup table present live that live lacks,
/// with the live table it belongs to, in table order.
pub fn missing(live: &Catalog, backup_schema: &Catalog) -> Vec<(TableName, MissingConstraint)> {
    let mut out = Vec::new();
    for b in &backup_schema.tables {
        let Some(l) = live.resolve(&b.name) else {
            continue;
        };
        for c in missing_constraints(b, l, live) {
            out.push((l.name.clone(), c));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The missing constraints with their violation counts (one read-only
/// statement each; none with `--fast`). A count that fails is reported on
/// its row; the others are still counted.
/// Pure: the relation scan that already answered `c` (a foreign key of live
/// table `table`, same columns both sides, scanned or failed), if any.
pub fn same_scan<'a>(
    table: &str,
    c: &MissingConstraint,
    scanned: &'a [RelationHealth],
) -> Option<&'a RelationHealth> {
    let parent = c.referenced_table.as_ref()?.to_string();
    scanned.iter().find(|r| {
        c.kind == ConstraintKind::ForeignKey
            && r.child == table
            && r.child_columns == c.columns
            && r.parent == parent
            && r.parent_columns == c.referenced_columns
            && (r.orphans.is_some() || r.error.is_some())
    })
}

/// A foreign key whose relation was already scanned for orphans (the same
/// query) takes that result instead of scanning the table a second time.
pub async fn constraint_health(
    live_db: &LiveDb,
    live: &Catalog,
    backup_schema: &Catalog,
    scanned: &[RelationHealth],
    fast: bool,
) -> Vec<ConstraintHealth> {
    let mut out = Vec::new();
    for (table, c) in missing(live, backup_schema) {
        let mut health = ConstraintHealth {
            table: table.to_string(),
            kind: c.kind.clone(),
            name: c.name.clone(),
            definition: c.definition.clone(),
            violations: None,
            samples: Vec::new(),
            skipped: (!c.missing_columns.is_empty())
                .then(|| format!("column(s) {} missing live", c.missing_columns.join(", "))),
            error: c.problem.clone(),
        };
        let same_scan = scanned.iter().find(|r| {
            c.kind == ConstraintKind::ForeignKey
                && r.child == health.table
                && r.child_columns == c.columns
                && c.referenced_table
                    .as_ref()
                    .map(TableName::to_string)
                    .as_ref()
                    == Some(&r.parent)
                && r.parent_columns == c.referenced_columns
                && (r.orphans.is_some() || r.error.is_some())
        });
        if let (None, Some(r)) = (&health.error, same_scan) {
            health.violations = r.orphans;
            health.samples = r.samples.clone();
            health.error = r.error.clone();
        } else if health.error.is_none() && health.skipped.is_none() {
            if fast {
                health.skipped = Some(SKIPPED_FAST.into());
            } else {
                match live_db.violations(live, &table, &c).await {
                    Ok(v) => {
                        health.violations = Some(v.count);
                        health.samples = v.samples;
                    }
                    Err(e) => health.error = Some(e.to_string()),
                }
            }
        }
        out.push(health);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restore::relations::RelationOrigin;

    fn fk(columns: &[&str]) -> MissingConstraint {
        MissingConstraint {
            kind: ConstraintKind::ForeignKey,
            name: None,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            references: None,
            definition: String::new(),
            referenced_table: Some(TableName::new(Some("public"), "orgs")),
            referenced_columns: vec!["id".into()],
            expression: None,
            problem: None,
            missing_columns: Vec::new(),
        }
    }

    fn scan(column: &str, orphans: Option<u64>) -> RelationHealth {
        RelationHealth {
            name: None,
            child: "public.users".into(),
            child_columns: vec![column.into()],
            parent: "public.orgs".into(),
            parent_columns: vec!["id".into()],
            origin: RelationOrigin::Backup,
            orphans,
            samples: Vec::new(),
            key_columns: Vec::new(),
            sample_keys: Vec::new(),
            skipped: None,
            error: None,
            arrow: String::new(),
        }
    }

    #[test]
    fn a_foreign_key_reuses_only_its_own_finished_scan() {
        let scanned = [scan("owner_id", Some(4)), scan("org_id", Some(2))];
        let hit = same_scan("public.users", &fk(&["org_id"]), &scanned);
        assert_eq!(hit.and_then(|r| r.orphans), Some(2));
        assert!(same_scan("public.teams", &fk(&["org_id"]), &scanned).is_none());
        assert!(same_scan("public.users", &fk(&["org_id"]), &[scan("org_id", None)]).is_none());
        let check = MissingConstraint {
            kind: ConstraintKind::Check,
            ..fk(&["org_id"])
        };
        assert!(same_scan("public.users", &check, &scanned).is_none());
    }
}
