use super::*;
use crate::catalog::{ForeignKey, KeyConstraint};
use crate::diff::schema::ConstraintKind;
use crate::value::{Cell, TypeClass};

fn col(name: &str, ty: &str) -> Column {
    Column {
        name: name.into(),
        data_type: ty.into(),
        nullable: true,
        default: None,
        identity: None,
        generated: None,
    }
}

fn table(name: &str, cols: &[(&str, &str)]) -> Table {
    Table {
        name: TableName::new(Some("public"), name),
        columns: cols.iter().map(|(n, t)| col(n, t)).collect(),
        primary_key: Some(KeyConstraint {
            name: None,
            columns: vec!["id".into()],
        }),
        unique: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    }
}

fn fk(column: &str, parent: &str) -> ForeignKey {
    ForeignKey {
        name: Some(format!("{column}_fkey")),
        columns: vec![column.into()],
        referenced_table: TableName::new(Some("public"), parent),
        referenced_columns: vec!["id".into()],
        deferrable: false,
        initially_deferred: false,
        on_delete: crate::catalog::FkAction::NoAction,
        on_update: crate::catalog::FkAction::NoAction,
    }
}

fn rows(t: &Table, data: &[&[&str]]) -> TableRows {
    TableRows {
        table: t.name.clone(),
        columns: t.columns.iter().map(|c| c.name.clone()).collect(),
        rows: data
            .iter()
            .map(|r| r.iter().map(|v| Some(Cell::Text((*v).into()))).collect())
            .collect(),
        classes: vec![
            TypeClass::Text {
                max_chars: None,
                fixed: false,
            };
            t.columns.len()
        ],
        source: None,
        lines: Vec::new(),
    }
}

fn catalog(dialect: Dialect, tables: Vec<Table>) -> Catalog {
    Catalog {
        dialect,
        tables,
        enums: Default::default(),
    }
}

/// Incident 2's shape: a dropped table, a table with dropped columns, a dropped FK.
fn incident_two() -> (Catalog, Catalog, Vec<TableRows>) {
    let projects = table(
        "projects",
        &[
            ("id", "integer"),
            ("name", "text"),
            ("total_hours", "numeric(10,2)"),
        ],
    );
    let status = table(
        "vector-sync-status",
        &[("id", "text"), ("last_sync", "text")],
    );
    let mut sessions = table("sessions", &[("id", "integer"), ("project_id", "integer")]);
    sessions.foreign_keys.push(fk("project_id", "projects"));
    let backup = catalog(
        Dialect::Postgres,
        vec![projects.clone(), status.clone(), sessions.clone()],
    );
    let mut live_projects = projects.clone();
    live_projects.columns.truncate(2);
    let mut live_sessions = sessions.clone();
    live_sessions.foreign_keys.clear();
    let live = catalog(Dialect::Postgres, vec![live_projects, live_sessions]);
    let universe = vec![
        rows(&projects, &[&["1", "a", "1.5"]]),
        rows(&status, &[&["jira", "x"]]),
        rows(&sessions, &[&["1", "1"]]),
    ];
    (live, backup, universe)
}

fn all() -> RepairOptions {
    RepairOptions {
        scope: RepairScope::All,
        ..RepairOptions::default()
    }
}

#[test]
fn everything_the_backup_has_and_live_lacks_is_planned() {
    let (live, backup, universe) = incident_two();
    let plan = plan_repair(&live, Some(&backup), &universe, &all());
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    let created: Vec<&str> = plan
        .created
        .iter()
        .map(|c| c.table.name.name.as_str())
        .collect();
    assert_eq!(created, ["vector-sync-status"]);
    let added: Vec<&str> = plan.added.iter().map(|a| a.column.name.as_str()).collect();
    assert_eq!(added, ["total_hours"]);
    assert_eq!(plan.constraints.len(), 1);
    let c = &plan.constraints[0];
    assert_eq!(c.kind, ConstraintKind::ForeignKey);
    assert_eq!(c.action, ConstraintAction::Validate);
    assert_eq!(
        c.references,
        Some((
            TableName::new(Some("public"), "projects"),
            vec!["id".to_string()]
        ))
    );
    let effective = effective_catalog(&live, &plan);
    assert!(effective
        .table(&TableName::new(Some("public"), "vector-sync-status"))
        .is_some());
    let p = effective
        .table(&TableName::new(Some("public"), "projects"))
        .unwrap();
    assert_eq!(
        p.columns.last().map(|c| c.name.as_str()),
        Some("total_hours")
    );
}

#[test]
fn a_scope_limits_the_repair_and_unknown_tables_block() {
    let (live, backup, universe) = incident_two();
    let opts = RepairOptions {
        scope: RepairScope::Tables(vec![
            TableName::new(None, "vector-sync-status"),
            TableName::new(None, "nope"),
        ]),
        ..RepairOptions::default()
    };
    let plan = plan_repair(&live, Some(&backup), &universe, &opts);
    assert_eq!(plan.created.len(), 1);
    assert!(plan.added.is_empty());
    assert!(plan.constraints.is_empty());
    assert_eq!(plan.blockers.len(), 1);
    assert!(plan.blockers[0].contains("nope"), "{:?}", plan.blockers);
}

#[test]
fn restore_columns_add_missing_columns_and_name_bad_ones() {
    let (live, backup, universe) = incident_two();
    let opts = RepairOptions {
        restore_columns: vec![
            ColumnsSpec {
                table: TableName::new(None, "projects"),
                columns: Vec::new(),
            },
            ColumnsSpec {
                table: TableName::new(None, "projects"),
                columns: vec!["ghost".into()],
            },
            ColumnsSpec {
                table: TableName::new(None, "vector-sync-status"),
                columns: Vec::new(),
            },
        ],
        ..RepairOptions::default()
    };
    let plan = plan_repair(&live, Some(&backup), &universe, &opts);
    assert_eq!(plan.added.len(), 1, "added once though named twice");
    assert_eq!(plan.restore_columns.len(), 1);
    assert_eq!(plan.restore_columns[0].columns, ["total_hours"]);
    assert_eq!(plan.blockers.len(), 2, "{:?}", plan.blockers);
    assert!(plan.blockers[0].contains("ghost"));
    assert!(plan.blockers[1].contains("does not exist live"));
}

#[test]
fn a_table_without_ddl_is_proposed_with_inferred_types_and_needs_consent() {
    let (live, _, universe) = incident_two();
    let plan = plan_repair(&live, None, &universe, &all());
    assert_eq!(plan.created.len(), 1);
    assert!(plan.created[0].inferred.is_some());
    assert_eq!(plan.blockers.len(), 1);
    assert!(
        plan.blockers[0].contains("--accept-inferred-schema"),
        "{:?}",
        plan.blockers
    );
    let accepted = RepairOptions {
        accept_inferred: true,
        ..all()
    };
    let plan = plan_repair(&live, None, &universe, &accepted);
    assert!(plan.blockers.is_empty());
    assert!(
        plan.constraints.is_empty(),
        "no schema, no constraints to compare"
    );
}

#[test]
fn sqlite_refuses_constraints_on_existing_tables_and_fk_type_mismatches_are_refused() {
    let (mut live, mut backup, universe) = incident_two();
    live.dialect = Dialect::Sqlite;
    let plan = plan_repair(&live, Some(&backup), &universe, &all());
    assert_eq!(plan.constraints[0].action, ConstraintAction::Refused);
    assert!(plan.constraints[0]
        .reason
        .as_deref()
        .unwrap_or("")
        .contains("SQLite"));

    live.dialect = Dialect::Postgres;
    live.tables[1].columns[1].data_type = "character varying(36)".into();
    backup.tables[2].columns[1].data_type = "character varying(36)".into();
    let plan = plan_repair(&live, Some(&backup), &universe, &all());
    let c = &plan.constraints[0];
    assert_eq!(c.action, ConstraintAction::Refused);
    assert!(
        c.reason
            .as_deref()
            .unwrap_or("")
            .contains("different types"),
        "{c:?}"
    );
}

#[test]
fn violations_decide_between_validate_not_valid_and_refusal() {
    let (live, backup, universe) = incident_two();
    let mut plan = plan_repair(&live, Some(&backup), &universe, &all());
    let mut fk = plan.constraints.remove(0);
    let mut unique = ConstraintRepair {
        kind: ConstraintKind::Unique,
        ..fk.clone()
    };
    fk.violations_before = Some(3);
    fk.violations_after = Some(0);
    unique.violations_before = Some(2);
    let mut list = vec![fk.clone(), unique];
    decide_constraints(&mut list);
    assert_eq!(list[0].action, ConstraintAction::Validate);
    assert_eq!(list[1].action, ConstraintAction::Refused);
    fk.violations_after = Some(1);
    let mut list = vec![fk];
    decide_constraints(&mut list);
    assert_eq!(list[0].action, ConstraintAction::NotValid);
    assert!(list[0]
        .reason
        .as_deref()
        .unwrap_or("")
        .contains("VALIDATE CONSTRAINT"));
}

#[test]
fn an_enum_named_with_and_without_its_schema_is_created_once() {
    let (live, mut backup, universe) = incident_two();
    let labels = vec!["calm".to_string(), "busy".to_string()];
    backup.enums.insert("public.mood".into(), labels.clone());
    backup.enums.insert("mood".into(), labels.clone());
    for t in &mut backup.tables {
        if t.name.name == "vector-sync-status" {
            t.columns.push(col("state", "public.mood"));
            t.columns.push(col("previous_state", "mood"));
        }
    }
    let plan = plan_repair(&live, Some(&backup), &universe, &all());
    assert_eq!(plan.enums, vec![("public.mood".to_string(), labels)]);
}
