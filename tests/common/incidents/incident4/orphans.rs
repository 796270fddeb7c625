//! The orphans incident 4's conversion planted, relation by relation.

use super::{org, user};

/// One orphan row: its key, the value of its foreign-key column (the
/// parent it points to), and whether that parent is nowhere (not live, not
/// in the backup).
pub struct Orphan {
    pub key: String,
    pub points_to: String,
    pub parent_nowhere: bool,
}

/// One relation's planted orphans.
pub struct Planted {
    pub table: &'static str,
    pub column: &'static str,
    pub orphans: Vec<Orphan>,
}

impl Planted {
    /// The values `check` samples: each orphan's dangling reference, sorted.
    pub fn dangling(&self, only_nowhere: bool) -> Vec<String> {
        let mut v: Vec<String> = self
            .orphans
            .iter()
            .filter(|o| o.parent_nowhere || !only_nowhere)
            .map(|o| o.points_to.clone())
            .collect();
        v.sort();
        v
    }

    pub fn parent_nowhere(&self) -> usize {
        self.orphans.iter().filter(|o| o.parent_nowhere).count()
    }
}

/// A row written after the conversion with an id nothing has.
const NOWHERE: bool = true;
const IN_BACKUP: bool = false;

fn planted(table: &'static str, column: &'static str, rows: &[(u32, String, bool)]) -> Planted {
    let orphans = rows
        .iter()
        .map(|(key, to, nowhere)| Orphan {
            key: key.to_string(),
            points_to: to.clone(),
            parent_nowhere: *nowhere,
        })
        .collect();
    Planted {
        table,
        column,
        orphans,
    }
}

/// Every orphan the conversion planted, per relation.
pub fn planted_orphans() -> Vec<Planted> {
    let (o4, u7) = (org(4), user(7));
    let n = |v: u32| v.to_string();
    vec![
        planted("users", "organization_id", &[(8, o4.clone(), IN_BACKUP)]),
        planted(
            "teams",
            "organization_id",
            &[(5, o4.clone(), IN_BACKUP), (6, o4.clone(), IN_BACKUP)],
        ),
        planted("projects", "organization_id", &[(5, o4.clone(), IN_BACKUP)]),
        planted(
            "projects",
            "created_by",
            &[(6, u7.clone(), IN_BACKUP), (901, user(99), NOWHERE)],
        ),
        planted(
            "tasks",
            "project_id",
            &[
                (7, n(4), IN_BACKUP),
                (8, n(4), IN_BACKUP),
                (9, n(4), IN_BACKUP),
            ],
        ),
        planted(
            "tasks",
            "assignee_id",
            &[(4, u7.clone(), IN_BACKUP), (9, u7.clone(), IN_BACKUP)],
        ),
        planted(
            "comments",
            "author_id",
            &[(3, u7.clone(), IN_BACKUP), (6, u7.clone(), IN_BACKUP)],
        ),
        planted(
            "attachments",
            "comment_id",
            &[(901, n(9001), NOWHERE), (902, n(9002), NOWHERE)],
        ),
        planted(
            "labels",
            "organization_id",
            &[(5, o4.clone(), IN_BACKUP), (6, o4.clone(), IN_BACKUP)],
        ),
        planted("invoices", "organization_id", &[(3, o4.clone(), IN_BACKUP)]),
        planted(
            "invoice_lines",
            "invoice_id",
            &[(3, n(2), IN_BACKUP), (4, n(2), IN_BACKUP)],
        ),
        planted(
            "invoice_lines",
            "project_id",
            &[(5, n(4), IN_BACKUP), (6, n(4), IN_BACKUP)],
        ),
        planted(
            "payments",
            "invoice_id",
            &[(2, n(2), IN_BACKUP), (3, n(2), IN_BACKUP)],
        ),
        planted(
            "api_keys",
            "user_id",
            &[
                (2, u7.clone(), IN_BACKUP),
                (3, u7.clone(), IN_BACKUP),
                (4, u7.clone(), IN_BACKUP),
            ],
        ),
        planted(
            "audit_events",
            "actor_id",
            &[(2, u7.clone(), IN_BACKUP), (3, u7.clone(), IN_BACKUP)],
        ),
        planted(
            "audit_events",
            "organization_id",
            &[
                (4, o4, IN_BACKUP),
                (901, org(99), NOWHERE),
                (902, org(98), NOWHERE),
            ],
        ),
        planted(
            "notifications",
            "user_id",
            &[(2, u7.clone(), IN_BACKUP), (3, u7, IN_BACKUP)],
        ),
        planted("notifications", "task_id", &[(901, n(8001), NOWHERE)]),
    ]
}
