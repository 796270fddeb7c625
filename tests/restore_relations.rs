//! Relations from a real PostgreSQL catalog and a backup's schema.sql and
//! data, shaped like the incidents: live FKs (incident 1), FKs dropped live
//! but kept in schema.sql with a users ↔ organizations cycle (incident 4),
//! hyphenated camelCase names with no FKs at all (incident 3).

mod common;

use common::{write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::catalog::{Catalog, TableName};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::relations::{collect_relations, relations_of, Relation, RelationOrigin};

async fn live_catalog(pg: &TestPg) -> Catalog {
    let url = DbUrl::parse(&pg.url()).unwrap();
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .unwrap();
    live.catalog().await.unwrap()
}

/// Columns seen in each backup table's data, as the diff would report them.
fn backup_columns(backup: &Backup) -> Vec<(TableName, Vec<String>)> {
    backup
        .tables
        .iter()
        .map(|t| {
            let mut rows = backup.rows(t).unwrap();
            for row in rows.by_ref() {
                row.unwrap();
            }
            (t.name.clone(), rows.columns().to_vec())
        })
        .collect()
}

fn lines<'a>(rels: impl IntoIterator<Item = &'a Relation>) -> Vec<String> {
    rels.into_iter().map(Relation::describe).collect()
}

fn public(name: &str) -> TableName {
    TableName::new(Some("public"), name)
}

const INCIDENT_1_LIVE: &str = r#"
CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL);
CREATE TABLE projects (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    name text
);
CREATE TABLE test_sessions (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL
);
CREATE TABLE violations (
    id bigserial PRIMARY KEY,
    test_session_id uuid NOT NULL,
    rule text,
    CONSTRAINT violations_session_fk FOREIGN KEY (test_session_id)
        REFERENCES test_sessions (id) DEFERRABLE INITIALLY DEFERRED
);
"#;

const INCIDENT_1_SCHEMA: &str = r#"
CREATE TABLE public.projects (id uuid PRIMARY KEY, user_id uuid, name text);
CREATE TABLE public.auth_configs (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES public.projects (id),
    secret text
);
"#;

#[tokio::test]
async fn incident_1_live_fks_and_dropped_tables() {
    let pg = TestPg::new().await;
    pg.exec(INCIDENT_1_LIVE).await;
    let live = live_catalog(&pg).await;
    // auth_configs was dropped live (declared in schema.sql);
    // crawler_auth_sessions was dropped too and is known only from its data.
    let dir = write_backup(&[
        ("schema.sql", INCIDENT_1_SCHEMA.into()),
        ("projects.json", "[]".into()),
        ("auth_configs.json", "[]".into()),
        (
            "crawler_auth_sessions.json",
            r#"[{"id": 1, "project_id": "5f1c0c9e-3d7e-4a43-9b62-2f4c5d0e8a11", "cookie": "x"}]"#
                .into(),
        ),
    ]);
    let backup = Backup::open(dir.path()).unwrap();
    let columns = backup_columns(&backup);
    let rels = collect_relations(&live, backup.schema.as_ref(), &columns, true);
    assert_eq!(
        lines(&rels),
        [
            "crawler_auth_sessions(project_id) → public.projects(id) [inferred]",
            "public.auth_configs(project_id) → public.projects(id) [backup]",
            "public.projects(user_id) → public.users(id) [live]",
            "public.test_sessions(project_id) → public.projects(id) [live]",
            "public.violations(test_session_id) → public.test_sessions(id) [live, deferrable initially deferred]",
        ]
    );
    let violations = rels
        .iter()
        .find(|r| r.child == public("violations"))
        .unwrap();
    assert_eq!(violations.name.as_deref(), Some("violations_session_fk"));
    assert!(violations.deferrable && violations.initially_deferred);

    let (as_child, as_parent) = relations_of(&rels, &public("projects"));
    assert_eq!(
        lines(as_child),
        ["public.projects(user_id) → public.users(id) [live]"]
    );
    assert_eq!(as_parent.len(), 3);

    // Without inference the data-only table has no relation.
    let rels = collect_relations(&live, backup.schema.as_ref(), &columns, false);
    assert_eq!(rels.len(), 4);
    assert!(rels.iter().all(|r| r.origin != RelationOrigin::Inferred));
}

const INCIDENT_4_LIVE: &str = r#"
CREATE TABLE organizations (id varchar(36) PRIMARY KEY, name text, owner_id varchar(36));
CREATE TABLE users (id varchar(36) PRIMARY KEY, email text, organization_id varchar(36));
CREATE TABLE memberships (
    user_id varchar(36),
    organization_id varchar(36),
    role text,
    PRIMARY KEY (user_id, organization_id)
);
CREATE TABLE membership_grants (
    id serial PRIMARY KEY,
    user_id varchar(36),
    organization_id varchar(36),
    permission text
);
"#;

/// The schema before the conversion script dropped the constraints.
const INCIDENT_4_SCHEMA: &str = r#"
CREATE TABLE public.organizations (id uuid PRIMARY KEY, name text, owner_id uuid);
CREATE TABLE public.users (id uuid PRIMARY KEY, email text, organization_id uuid);
CREATE TABLE public.memberships (
    user_id uuid REFERENCES public.users (id),
    organization_id uuid REFERENCES public.organizations,
    role text,
    PRIMARY KEY (user_id, organization_id)
);
CREATE TABLE public.membership_grants (
    id serial PRIMARY KEY,
    user_id uuid,
    organization_id uuid,
    permission text,
    CONSTRAINT grants_membership_fk FOREIGN KEY (user_id, organization_id)
        REFERENCES public.memberships (user_id, organization_id)
);
ALTER TABLE ONLY public.users ADD CONSTRAINT users_org_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ONLY public.organizations ADD CONSTRAINT organizations_owner_fk
    FOREIGN KEY (owner_id) REFERENCES public.users (id);
"#;

#[tokio::test]
async fn incident_4_dropped_fks_come_from_schema_sql() {
    let pg = TestPg::new().await;
    pg.exec(INCIDENT_4_LIVE).await;
    let live = live_catalog(&pg).await;
    assert!(live.tables.iter().all(|t| t.foreign_keys.is_empty()));
    let dir = write_backup(&[
        ("schema.sql", INCIDENT_4_SCHEMA.into()),
        ("users.json", "[]".into()),
    ]);
    let backup = Backup::open(dir.path()).unwrap();
    let rels = collect_relations(&live, backup.schema.as_ref(), &[], true);
    assert_eq!(
        lines(&rels),
        [
            // The composite FK covers the pair, not each column alone: each
            // column's own reference is still inferred, and marked so.
            "public.membership_grants(organization_id) → public.organizations(id) [inferred]",
            "public.membership_grants(user_id) → public.users(id) [inferred]",
            "public.membership_grants(user_id, organization_id) → public.memberships(user_id, organization_id) [backup]",
            "public.memberships(organization_id) → public.organizations(id) [backup]",
            "public.memberships(user_id) → public.users(id) [backup]",
            "public.organizations(owner_id) → public.users(id) [backup]",
            "public.users(organization_id) → public.organizations(id) [backup]",
        ]
    );
    // The cycle is there, and not deferrable: the constraints are gone live.
    let users_org = rels.iter().find(|r| r.child == public("users")).unwrap();
    assert_eq!(users_org.name.as_deref(), Some("users_org_fk"));
    assert!(!users_org.deferrable && !users_org.initially_deferred);
    assert!(rels.iter().all(|r| !r.is_self_reference()));

    // Without schema.sql, only what names reveal: owner_id names no table.
    let rels = collect_relations(&live, None, &[], true);
    assert_eq!(
        lines(&rels),
        [
            "public.membership_grants(organization_id) → public.organizations(id) [inferred]",
            "public.membership_grants(user_id) → public.users(id) [inferred]",
            "public.memberships(organization_id) → public.organizations(id) [inferred]",
            "public.memberships(user_id) → public.users(id) [inferred]",
            "public.users(organization_id) → public.organizations(id) [inferred]",
        ]
    );
    assert!(collect_relations(&live, None, &[], false).is_empty());
}

#[tokio::test]
async fn incident_3_hyphenated_camel_case_names_are_inferred() {
    let pg = TestPg::new().await;
    pg.exec(
        r#"
        CREATE TABLE "bazaar-vid_user" (id varchar(255) PRIMARY KEY, name text);
        CREATE TABLE "bazaar-vid_project" (id uuid PRIMARY KEY, "userId" varchar(255) NOT NULL);
        CREATE TABLE "bazaar-vid_scene" (id uuid PRIMARY KEY, "projectId" uuid, "ProjectID" uuid);
        "#,
    )
    .await;
    let live = live_catalog(&pg).await;
    // The backup data knows a column dropped live: "userId" on scenes.
    let columns = vec![(
        TableName::new(None, "bazaar-vid_scene"),
        vec![
            "id".to_string(),
            "projectId".to_string(),
            "userId".to_string(),
        ],
    )];
    let rels = collect_relations(&live, None, &columns, true);
    assert_eq!(
        lines(&rels),
        [
            "public.bazaar-vid_project(userId) → public.bazaar-vid_user(id) [inferred]",
            "public.bazaar-vid_scene(ProjectID) → public.bazaar-vid_project(id) [inferred]",
            "public.bazaar-vid_scene(projectId) → public.bazaar-vid_project(id) [inferred]",
            "public.bazaar-vid_scene(userId) → public.bazaar-vid_user(id) [inferred]",
        ]
    );
    assert!(rels
        .iter()
        .all(|r| r.origin == RelationOrigin::Inferred && r.name.is_none()));
    assert!(collect_relations(&live, None, &columns, false).is_empty());
}

#[tokio::test]
async fn self_reference_kept_ambiguity_skipped() {
    let pg = TestPg::new().await;
    pg.exec(
        r#"
        CREATE TABLE employees (
            id int PRIMARY KEY,
            name text,
            manager_id int REFERENCES employees (id)
        );
        CREATE TABLE categories (id int PRIMARY KEY, parent_id int);
        CREATE TABLE project (id int PRIMARY KEY);
        CREATE TABLE projects (id int PRIMARY KEY);
        CREATE TABLE tasks (id int PRIMARY KEY, project_id int, "employeeId" int, category_id int);
        "#,
    )
    .await;
    let live = live_catalog(&pg).await;
    let rels = collect_relations(&live, None, &[], true);
    assert_eq!(
        lines(&rels),
        [
            "public.employees(manager_id) → public.employees(id) [live]",
            "public.tasks(category_id) → public.categories(id) [inferred]",
            "public.tasks(employeeId) → public.employees(id) [inferred]",
        ]
    );
    assert!(rels[0].is_self_reference());
    let (as_child, as_parent) = relations_of(&rels, &public("employees"));
    assert_eq!((as_child.len(), as_parent.len()), (1, 2));
    // tasks.project_id could be `project` or `projects`: not guessed.
    assert!(rels
        .iter()
        .all(|r| r.parent != public("project") && r.parent != public("projects")));

    let rels = collect_relations(&live, None, &[], false);
    assert_eq!(
        lines(&rels),
        ["public.employees(manager_id) → public.employees(id) [live]"]
    );
}
