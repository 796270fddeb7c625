//! Row kinds and relation origins in the summary and the explanations, on a
//! small hand-built selection (no database).

use super::*;
use crate::catalog::TableName;
use crate::restore::closure::{closure, ClosureOptions, LiveKeys, ResolvedPick, TableRows};
use crate::restore::pick::parse_pick;
use crate::restore::plan::Classified;
use crate::restore::relations::Relation;
use crate::value::{Cell, TypeClass};

fn table(name: &str, columns: &[&str], rows: &[&[&str]]) -> TableRows {
    TableRows {
        table: TableName::new(None, name),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|v| Some(Cell::Text(v.to_string()))).collect())
            .collect(),
        classes: columns
            .iter()
            .map(|_| TypeClass::Text {
                max_chars: None,
                fixed: false,
            })
            .collect(),
        source: None,
        lines: Vec::new(),
    }
}

fn rel(child: &str, col: &str, parent: &str, origin: RelationOrigin) -> Relation {
    Relation {
        name: None,
        child: TableName::new(None, child),
        child_columns: vec![col.into()],
        parent: TableName::new(None, parent),
        parent_columns: vec!["id".into()],
        origin,
        deferrable: false,
        initially_deferred: false,
    }
}

/// Project p1 picked; its owner u1 is missing live (a required parent); its
/// sessions s1, s2 reference it (dependents, through an inferred relation);
/// s3 belongs to another project and stays out.
fn selection() -> Selection {
    let universe = vec![
        table("users", &["id", "name"], &[&["u1", "ann"]]),
        table("projects", &["id", "owner_id"], &[&["p1", "u1"]]),
        table(
            "sessions",
            &["id", "project_id"],
            &[&["s1", "p1"], &["s2", "p1"], &["s3", "p9"]],
        ),
    ];
    let relations = vec![
        rel("projects", "owner_id", "users", RelationOrigin::Live),
        rel(
            "sessions",
            "project_id",
            "projects",
            RelationOrigin::Inferred,
        ),
    ];
    let mut live = LiveKeys::default();
    live.declare(&TableName::new(None, "users"), &["id".to_string()]);
    let picks = [ResolvedPick {
        table: 1,
        rows: vec![0],
    }];
    let closure = closure(
        &universe,
        &relations,
        &picks,
        &live,
        ClosureOptions::default(),
    );
    let rows = closure
        .rows
        .iter()
        .flat_map(|(&t, rows)| rows.iter().map(move |&r| (t, r)))
        .map(|(t, r)| PlannedRow {
            row: (t, r),
            table: universe[t].table.to_string(),
            key: vec![("id".into(), format!("{t}/{r}"))],
            action: RowAction::Insert,
        })
        .collect();
    Selection {
        keys: vec![vec!["id".to_string()]; universe.len()],
        live_rows: vec![Default::default(); universe.len()],
        changes: vec![Default::default(); universe.len()],
        columns_equal: Vec::new(),
        universe,
        relations,
        picks: vec![parse_pick("projects:id=p1").unwrap()],
        closure,
        classified: Classified {
            rows,
            ..Classified::default()
        },
        skipped_invalid: Vec::new(),
    }
}

#[test]
fn a_row_kind_is_the_reason_of_the_row_itself() {
    assert_eq!(RowKind::of(&Reason::Picked(3)), RowKind::Picked);
    let dependent = Reason::Dependent {
        of: (0, 0),
        relation: 1,
    };
    assert_eq!(RowKind::of(&dependent), RowKind::Dependent);
    let parent = Reason::RequiredParent {
        of: (0, 0),
        relation: 1,
    };
    assert_eq!(RowKind::of(&parent), RowKind::RequiredParent);
    for kind in [RowKind::Picked, RowKind::Dependent, RowKind::RequiredParent] {
        let json = serde_json::to_value(kind).unwrap();
        assert_eq!(json, serde_json::Value::from(kind.as_str()));
    }
    assert_eq!(RowKind::RequiredParent.as_str(), "required_parent");
}

#[test]
fn explanations_carry_the_kind_and_each_step_its_origin() {
    let sel = selection();
    let rows = explain(&sel);
    let kinds: Vec<(&str, &str, RowKind)> = rows
        .iter()
        .map(|e| (e.table.as_str(), e.key.as_str(), e.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("users", "id=u1", RowKind::RequiredParent),
            ("projects", "id=p1", RowKind::Picked),
            ("sessions", "id=s1", RowKind::Dependent),
            ("sessions", "id=s2", RowKind::Dependent),
        ]
    );
    assert_eq!(
        rows[0].chain,
        vec![
            "projects(id=p1) picked by --pick projects:id=p1".to_string(),
            "users(id=u1) is needed by it through projects.owner_id → users.id [live FK] (missing live)"
                .to_string(),
        ]
    );
    assert_eq!(
        rows[2].chain[1],
        "sessions(id=s1) references it through sessions.project_id → projects.id [inferred]"
    );
    let json = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(json["kind"], "required_parent");
}

#[test]
fn table_counts_split_the_rows_by_kind() {
    let sel = selection();
    let s = summarize(&sel, None, Vec::new(), &[], "t".into(), "b".into());
    let by_table: Vec<(&str, usize, usize, usize, usize)> = s
        .tables
        .iter()
        .map(|t| {
            (
                t.table.as_str(),
                t.insert,
                t.picked,
                t.dependents,
                t.required_parents,
            )
        })
        .collect();
    assert_eq!(
        by_table,
        vec![
            ("users", 1, 0, 0, 1),
            ("projects", 1, 1, 0, 0),
            ("sessions", 2, 0, 2, 0),
        ]
    );
}
