//! Precedence, naming and inference rules on hand-built catalogs; the same
//! shapes from a real PostgreSQL are in tests/restore_relations.rs.

use super::*;
use crate::catalog::{Column, Dialect, ForeignKey, KeyConstraint};

fn col(name: &str) -> Column {
    Column {
        name: name.into(),
        data_type: "integer".into(),
        nullable: true,
        default: None,
        identity: None,
        generated: None,
    }
}

fn tn(schema: Option<&str>, name: &str) -> TableName {
    TableName::new(schema, name)
}

fn table(name: TableName, columns: &[&str], pk: &[&str]) -> Table {
    Table {
        name,
        columns: columns.iter().map(|c| col(c)).collect(),
        primary_key: (!pk.is_empty()).then(|| KeyConstraint {
            name: None,
            columns: pk.iter().map(|c| c.to_string()).collect(),
        }),
        unique: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    }
}

fn fk(cols: &[&str], parent: TableName, parent_cols: &[&str], deferrable: bool) -> ForeignKey {
    ForeignKey {
        name: Some(format!("{}_fk", cols.join("_"))),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        referenced_table: parent,
        referenced_columns: parent_cols.iter().map(|c| c.to_string()).collect(),
        deferrable,
        initially_deferred: false,
        on_delete: crate::catalog::FkAction::NoAction,
        on_update: crate::catalog::FkAction::NoAction,
    }
}

fn catalog(tables: Vec<Table>) -> Catalog {
    let mut c = Catalog::new(Dialect::Postgres);
    c.tables = tables;
    c
}

fn lines(rels: &[Relation]) -> Vec<String> {
    rels.iter().map(Relation::describe).collect()
}

fn public(name: &str) -> TableName {
    tn(Some("public"), name)
}

#[test]
fn live_wins_over_backup_which_wins_over_inference() {
    let mut sessions = table(
        public("test_sessions"),
        &["id", "project_id", "userId"],
        &["id"],
    );
    sessions
        .foreign_keys
        .push(fk(&["project_id"], public("projects"), &["id"], true));
    let live = catalog(vec![
        table(public("projects"), &["id"], &["id"]),
        sessions,
        table(public("users"), &["id"], &["id"]),
    ]);
    // schema.sql names tables bare and folds `userId` to lower case.
    let mut b_sessions = table(
        tn(None, "test_sessions"),
        &["id", "project_id", "userid"],
        &["id"],
    );
    b_sessions
        .foreign_keys
        .push(fk(&["project_id"], tn(None, "projects"), &["id"], false));
    b_sessions
        .foreign_keys
        .push(fk(&["userid"], tn(None, "users"), &[], true));
    let backup = catalog(vec![
        table(tn(None, "projects"), &["id"], &["id"]),
        b_sessions,
        table(tn(None, "users"), &["id"], &["id"]),
    ]);
    let rels = collect_relations(&live, Some(&backup), &[], true);
    assert_eq!(
        lines(&rels),
        [
            "public.test_sessions(project_id) → public.projects(id) [live, deferrable]",
            "public.test_sessions(userId) → public.users(id) [backup]",
        ]
    );
    assert_eq!(rels[1].name.as_deref(), Some("userid_fk"));
    // Without schema.sql the same column is inferred instead.
    let rels = collect_relations(&live, None, &[], true);
    assert_eq!(rels[1].origin, RelationOrigin::Inferred);
    assert_eq!(rels[1].parent_columns, ["id"]);
    assert_eq!(rels.len(), 2);
}

#[test]
fn dropped_tables_keep_the_backup_name() {
    let live = catalog(vec![table(public("projects"), &["id", "name"], &["id"])]);
    let mut auth = table(
        tn(Some("public"), "auth_configs"),
        &["id", "project_id"],
        &["id"],
    );
    auth.foreign_keys.push(fk(
        &["project_id"],
        tn(Some("public"), "projects"),
        &["id"],
        false,
    ));
    let backup = catalog(vec![auth]);
    // Data-only: a dropped table seen only as crawler_auth_sessions.json.
    let data = [
        (
            tn(None, "crawler_auth_sessions"),
            vec!["id".to_string(), "project_id".to_string()],
        ),
        (tn(None, "auth_configs"), vec!["token".to_string()]),
    ];
    let rels = collect_relations(&live, Some(&backup), &data, true);
    assert_eq!(
        lines(&rels),
        [
            "crawler_auth_sessions(project_id) → public.projects(id) [inferred]",
            "public.auth_configs(project_id) → public.projects(id) [backup]",
        ]
    );
}

#[test]
fn inference_needs_one_candidate_with_a_single_column_key() {
    let live = catalog(vec![
        table(public("project"), &["id"], &["id"]),
        table(public("projects"), &["id"], &["id"]),
        table(public("orgs"), &["id"], &["id"]),
        table(public("organizations"), &["a", "b"], &["a", "b"]),
        table(public("teams"), &["id"], &[]),
        table(
            public("tasks"),
            &[
                "id",
                "project_id",
                "organization_id",
                "team_id",
                "orgId",
                "task_id",
            ],
            &["id"],
        ),
        table(public("users"), &["user_id", "name"], &["user_id"]),
    ]);
    let rels = collect_relations(&live, None, &[], true);
    // project: two tables; organizations: composite key; teams: no key;
    // orgs ← orgId is fine; task_id → tasks is a self-reference by name;
    // users.user_id is the table's own key.
    assert_eq!(
        lines(&rels),
        [
            "public.tasks(orgId) → public.orgs(id) [inferred]",
            "public.tasks(task_id) → public.tasks(id) [inferred]",
        ]
    );
    assert!(rels[1].is_self_reference() && !rels[0].is_self_reference());
    assert!(collect_relations(&live, None, &[], false).is_empty());
}

#[test]
fn same_schema_preferred_then_any() {
    let live = catalog(vec![
        table(tn(Some("app"), "users"), &["id"], &["id"]),
        table(public("users"), &["id"], &["id"]),
        table(tn(Some("app"), "posts"), &["id", "user_id"], &["id"]),
        table(tn(Some("audit"), "logins"), &["id", "user_id"], &["id"]),
    ]);
    let rels = collect_relations(&live, None, &[], true);
    assert_eq!(
        lines(&rels),
        ["app.posts(user_id) → app.users(id) [inferred]"]
    );
}

#[test]
fn relations_of_splits_child_and_parent_sides() {
    let mut employees = table(public("employees"), &["id", "manager_id"], &["id"]);
    employees
        .foreign_keys
        .push(fk(&["manager_id"], public("employees"), &["id"], false));
    let mut badges = table(public("badges"), &["id", "employee_id"], &["id"]);
    badges
        .foreign_keys
        .push(fk(&["employee_id"], public("employees"), &["id"], false));
    let live = catalog(vec![employees, badges]);
    let rels = collect_relations(&live, None, &[], true);
    assert_eq!(rels.len(), 2);
    let (child, parent) = relations_of(&rels, &public("employees"));
    assert_eq!(child.len(), 1);
    assert!(child[0].is_self_reference());
    assert_eq!(parent.len(), 2);
    let (child, parent) = relations_of(&rels, &public("badges"));
    assert_eq!((child.len(), parent.len()), (1, 0));
}

#[test]
fn describe_shows_composite_columns_and_escapes_names() {
    let rel = Relation {
        name: None,
        child: tn(None, "grants\u{1b}[2J"),
        child_columns: vec!["m_user".into(), "m_org".into()],
        parent: public("memberships"),
        parent_columns: vec!["user_id".into(), "org_id".into()],
        origin: RelationOrigin::Live,
        deferrable: true,
        initially_deferred: true,
    };
    assert_eq!(
        rel.describe(),
        "grants\\u{1b}[2J(m_user, m_org) → public.memberships(user_id, org_id) [live, deferrable initially deferred]"
    );
}
