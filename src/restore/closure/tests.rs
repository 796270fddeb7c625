//! The closure walk on incident-1-shaped data, without any database.

use super::*;
use crate::restore::relations::RelationOrigin;

fn text() -> TypeClass {
    TypeClass::Text {
        max_chars: None,
        fixed: false,
    }
}

fn table(name: &str, columns: &[&str], rows: &[&[&str]]) -> TableRows {
    TableRows {
        table: TableName::new(None, name),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| {
                        Some(if *v == "NULL" {
                            Cell::Null
                        } else {
                            Cell::Text(v.to_string())
                        })
                    })
                    .collect()
            })
            .collect(),
        classes: columns
            .iter()
            .map(|c| {
                if c.ends_with("id") {
                    TypeClass::Uuid
                } else {
                    text()
                }
            })
            .collect(),
        source: None,
        lines: Vec::new(),
    }
}

fn rel(child: &str, col: &str, parent: &str) -> Relation {
    Relation {
        name: None,
        child: TableName::new(None, child),
        child_columns: vec![col.to_string()],
        parent: TableName::new(None, parent),
        parent_columns: vec!["id".to_string()],
        origin: RelationOrigin::Live,
        deferrable: false,
        initially_deferred: false,
    }
}

fn u(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// users(1,2) ← projects(10 by user 1, 11 by user 2, 12 by user 1) ← sessions
/// (20→10, 21→10, 22→11) ← violations (30,31→20, 32→22); auth_configs(40→10).
fn universe() -> (Vec<TableRows>, Vec<Relation>) {
    let owned = |rows: Vec<Vec<String>>| rows;
    let users = owned(vec![vec![u(1), "ann".into()], vec![u(2), "bob".into()]]);
    let projects = owned(vec![
        vec![u(10), u(1), "ToeTheLine".into()],
        vec![u(11), u(2), "Other".into()],
        vec![u(12), u(1), "Third".into()],
    ]);
    let sessions = owned(vec![
        vec![u(20), u(10)],
        vec![u(21), u(10)],
        vec![u(22), u(11)],
    ]);
    let violations = owned(vec![
        vec![u(30), u(20)],
        vec![u(31), u(20)],
        vec![u(32), u(22)],
    ]);
    let auth = owned(vec![vec![u(40), u(10)]]);
    let mk = |name: &str, cols: &[&str], rows: &[Vec<String>]| {
        let refs: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        table(name, cols, &slices)
    };
    (
        vec![
            mk("users", &["id", "name"], &users),
            mk("projects", &["id", "owner_id", "name"], &projects),
            mk("test_sessions", &["id", "project_id"], &sessions),
            mk("violations", &["id", "session_id"], &violations),
            mk("auth_configs", &["id", "project_id"], &auth),
        ],
        vec![
            rel("projects", "owner_id", "users"),
            rel("test_sessions", "project_id", "projects"),
            rel("violations", "session_id", "test_sessions"),
            rel("auth_configs", "project_id", "projects"),
        ],
    )
}

fn live_users(present: &[u32]) -> LiveKeys {
    let mut live = LiveKeys::default();
    let t = TableName::new(None, "users");
    live.declare(&t, &["id".to_string()]);
    for &n in present {
        live.insert(&t, &["id".to_string()], vec![u(n)]);
    }
    for name in ["projects", "test_sessions"] {
        live.declare(&TableName::new(None, name), &["id".to_string()]);
    }
    live
}

fn rows_of(c: &Closure, t: usize) -> Vec<usize> {
    c.rows
        .get(&t)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default()
}

#[test]
fn a_project_brings_its_sessions_violations_and_configs() {
    let (uni, rels) = universe();
    let picks = [ResolvedPick {
        table: 1,
        rows: vec![0],
    }];
    let c = closure(
        &uni,
        &rels,
        &picks,
        &live_users(&[1, 2]),
        ClosureOptions::default(),
    );
    assert_eq!(rows_of(&c, 0), Vec::<usize>::new(), "the owner is live");
    assert_eq!(rows_of(&c, 1), vec![0]);
    assert_eq!(rows_of(&c, 2), vec![0, 1]);
    assert_eq!(rows_of(&c, 3), vec![0, 1]);
    assert_eq!(rows_of(&c, 4), vec![0]);
    assert!(c.blockers.is_empty());
    assert_eq!(c.len(), 6);
    let chain = c.chain((3, 1));
    assert_eq!(chain[0], ((1, 0), Reason::Picked(0)));
    assert_eq!(
        chain[1],
        (
            (2, 0),
            Reason::Dependent {
                of: (1, 0),
                relation: 1
            }
        )
    );
    assert_eq!(
        chain[2],
        (
            (3, 1),
            Reason::Dependent {
                of: (2, 0),
                relation: 2
            }
        )
    );
}

#[test]
fn a_missing_owner_comes_from_the_backup_without_its_other_projects() {
    let (uni, rels) = universe();
    let picks = [ResolvedPick {
        table: 1,
        rows: vec![0],
    }];
    let c = closure(
        &uni,
        &rels,
        &picks,
        &live_users(&[2]),
        ClosureOptions::default(),
    );
    assert_eq!(
        rows_of(&c, 0),
        vec![0],
        "user 1 is required and missing live"
    );
    assert_eq!(
        rows_of(&c, 1),
        vec![0],
        "project 12 of the same user is not pulled in"
    );
    assert_eq!(
        c.reasons[&(0, 0)],
        Reason::RequiredParent {
            of: (1, 0),
            relation: 0
        }
    );
}

#[test]
fn a_parent_missing_everywhere_is_a_blocker() {
    let (mut uni, rels) = universe();
    uni[0].rows.remove(0); // user 1 is not in the backup either
    let picks = [ResolvedPick {
        table: 1,
        rows: vec![0],
    }];
    let c = closure(
        &uni,
        &rels,
        &picks,
        &live_users(&[2]),
        ClosureOptions::default(),
    );
    assert_eq!(
        c.blockers,
        vec![Blocker {
            child: (1, 0),
            relation: 0,
            key: vec![u(1)]
        }]
    );
}

#[test]
fn without_dependents_only_required_parents_follow() {
    let (uni, rels) = universe();
    let picks = [ResolvedPick {
        table: 2,
        rows: vec![2],
    }];
    let c = closure(
        &uni,
        &rels,
        &picks,
        &live_users(&[]),
        ClosureOptions {
            dependents: false,
            ..ClosureOptions::default()
        },
    );
    // Session 22 needs project 11 (projects were read live: it is not there), which needs user 2.
    assert_eq!(
        rows_of(&c, 3),
        Vec::<usize>::new(),
        "its violation is not followed"
    );
    assert_eq!(rows_of(&c, 1), vec![1]);
    assert_eq!(rows_of(&c, 0), vec![1]);
}

#[test]
fn picks_match_by_meaning() {
    let (uni, _) = universe();
    let upper = u(10).to_uppercase();
    assert_eq!(
        match_rows(&uni[1], &[("id".into(), upper)]).unwrap(),
        vec![0]
    );
    assert_eq!(
        match_rows(&uni[1], &[("name".into(), "ToeTheLine".into())]).unwrap(),
        vec![0]
    );
    assert_eq!(
        match_rows(
            &uni[1],
            &[("owner_id".into(), u(1)), ("name".into(), "Third".into())]
        )
        .unwrap(),
        vec![2]
    );
    assert!(match_rows(&uni[1], &[("nope".into(), "x".into())])
        .unwrap_err()
        .contains("no column nope"));
}

#[test]
fn self_references_follow_down_the_tree() {
    let employees = table(
        "employees",
        &["id", "manager_id"],
        &[
            &[&u(1), "NULL"],
            &[&u(2), &u(1)],
            &[&u(3), &u(2)],
            &[&u(4), "NULL"],
        ],
    );
    let r = rel("employees", "manager_id", "employees");
    let mut live = LiveKeys::default();
    live.declare(&TableName::new(None, "employees"), &["id".to_string()]);
    let picks = [ResolvedPick {
        table: 0,
        rows: vec![1],
    }];
    let c = closure(&[employees], &[r], &picks, &live, ClosureOptions::default());
    assert_eq!(
        rows_of(&c, 0),
        vec![0, 1, 2],
        "manager (required) and report (dependent), not the stranger"
    );
}

#[test]
fn an_excluded_table_is_not_taken_as_dependents_nor_walked_through() {
    let (uni, rels) = universe();
    let picks = [ResolvedPick {
        table: 1,
        rows: vec![0],
    }];
    let opts = ClosureOptions {
        exclude_dependents: [2].into_iter().collect(),
        ..ClosureOptions::default()
    };
    let c = closure(&uni, &rels, &picks, &live_users(&[1, 2]), opts);
    assert_eq!(rows_of(&c, 1), vec![0]);
    assert_eq!(rows_of(&c, 2), Vec::<usize>::new(), "sessions left out");
    assert_eq!(
        rows_of(&c, 3),
        Vec::<usize>::new(),
        "violations hang off the sessions: not reached"
    );
    assert_eq!(rows_of(&c, 4), vec![0], "auth configs still come");
    assert!(!c.relations_used.contains(&1) && !c.relations_used.contains(&2));
}

#[test]
fn an_excluded_table_still_gives_required_parents() {
    let (uni, rels) = universe();
    // Violation 32 needs session 22 (sessions were read live: not there),
    // which needs project 11, which needs user 2.
    let picks = [ResolvedPick {
        table: 3,
        rows: vec![2],
    }];
    let opts = ClosureOptions {
        exclude_dependents: [1, 2].into_iter().collect(),
        ..ClosureOptions::default()
    };
    let c = closure(&uni, &rels, &picks, &live_users(&[]), opts);
    assert_eq!(rows_of(&c, 2), vec![2]);
    assert_eq!(rows_of(&c, 1), vec![1]);
    assert_eq!(rows_of(&c, 0), vec![1]);
    assert!(matches!(
        c.reasons[&(2, 2)],
        Reason::RequiredParent { of: (3, 2), .. }
    ));
}
