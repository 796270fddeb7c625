//! The incidents of SCENARIOS.md reproduced against a real PostgreSQL: each
//! test builds a damaged live database and the backup from before the damage,
//! and checks that the diff reports exactly the damage that was done.

mod common;

use common::{run_diff, table, write_backup, TestPg};
use lifeboat::diff::TableStatus;
use serde_json::json;

const INCIDENT1_SCHEMA: &str = r#"
CREATE TABLE users (id uuid PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, created_at timestamptz NOT NULL);
CREATE TABLE projects (id uuid PRIMARY KEY, owner_id uuid NOT NULL REFERENCES users(id), name text NOT NULL, budget numeric(10,2), created_at timestamptz NOT NULL);
CREATE TABLE test_sessions (id uuid PRIMARY KEY, project_id uuid NOT NULL REFERENCES projects(id), "startedAt" timestamptz, score numeric(5,2), settings jsonb);
CREATE TABLE violations (id bigint PRIMARY KEY, session_id uuid NOT NULL REFERENCES test_sessions(id), impact text, selector text);
CREATE TABLE auth_configs (id uuid PRIMARY KEY, project_id uuid NOT NULL REFERENCES projects(id), login_url text);
"#;

fn uuid(prefix: u32, n: u32) -> String {
    format!("{prefix:08x}-0000-4000-8000-{n:012x}")
}

/// Incident 1: auth_configs was never recreated, two projects and three of
/// their sessions (one with 59 violations) are gone.
#[tokio::test]
async fn incident1_missing_table_and_rows_down_an_fk_chain() {
    let pg = TestPg::new().await;
    // Backup content.
    let users: Vec<_> = (0..3)
        .map(|u| json!({"id": uuid(1, u).to_uppercase(), "email": format!("u{u}@example.com"), "created_at": "2025-06-01T10:00:00.000Z"}))
        .collect();
    let projects: Vec<_> = (0..5)
        .map(|p| json!({"id": uuid(2, p), "owner_id": uuid(1, p % 3), "name": format!("Project {p}"), "budget": 1250.5, "created_at": format!("2025-06-0{}T08:30:00Z", p + 1)}))
        .collect();
    let sessions: Vec<_> = (0..8)
        .map(|s| json!({"id": uuid(3, s), "project_id": uuid(2, s % 5), "startedAt": "2025-07-01T12:00:00.5Z", "score": "87.50", "settings": {"viewport": {"w": 1280, "h": 720}, "rules": ["wcag2a"]}}))
        .collect();
    // Session 3 (project 3) has 59 violations, the others 2 each.
    let mut violations = Vec::new();
    let mut vid = 1;
    for s in 0..8u32 {
        let n = if s == 3 { 59 } else { 2 };
        for i in 0..n {
            violations.push(json!({"id": vid, "session_id": uuid(3, s), "impact": "serious", "selector": format!("div[data-x=\"{i}\"] > a\\b\n\ttab")}));
            vid += 1;
        }
    }
    let auth: Vec<_> = (0..2)
        .map(|a| json!({"id": uuid(4, a), "project_id": uuid(2, a), "login_url": "https://example.com/login"}))
        .collect();
    let jsonl: String = violations.iter().map(|v| format!("{v}\n")).collect();
    let dir = write_backup(&[
        ("schema.sql", INCIDENT1_SCHEMA.to_string()),
        ("users.json", json!(users).to_string()),
        ("public.projects.json", json!(projects).to_string()),
        ("test_sessions.json", json!(sessions).to_string()),
        ("violations.jsonl", jsonl),
        ("auth_configs.json", json!(auth).to_string()),
    ]);

    // Live: the same schema minus auth_configs; projects 3 and 4 are gone.
    pg.exec(
        r#"CREATE TABLE users (id uuid PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, created_at timestamptz NOT NULL);
           CREATE TABLE projects (id uuid PRIMARY KEY, owner_id uuid NOT NULL REFERENCES users(id), name text NOT NULL, budget numeric(10,2), created_at timestamptz NOT NULL);
           CREATE TABLE test_sessions (id uuid PRIMARY KEY, project_id uuid NOT NULL REFERENCES projects(id), "startedAt" timestamptz, score numeric(5,2), settings jsonb);
           CREATE TABLE violations (id bigint PRIMARY KEY, session_id uuid NOT NULL REFERENCES test_sessions(id), impact text, selector text);"#,
    )
    .await;
    for u in 0..3 {
        pg.exec(&format!(
            "INSERT INTO users VALUES ('{}', 'u{u}@example.com', '2025-06-01 12:00:00+02')",
            uuid(1, u)
        ))
        .await;
    }
    for p in 0..3 {
        pg.exec(&format!(
            "INSERT INTO projects VALUES ('{}', '{}', 'Project {p}', 1250.50, '2025-06-0{} 08:30:00+00')",
            uuid(2, p),
            uuid(1, p % 3),
            p + 1
        ))
        .await;
    }
    // Sessions 3 and 4 went with their projects; session 7 (project 2) was lost too.
    let surviving_sessions = [0u32, 1, 2, 5, 6];
    for &s in &surviving_sessions {
        pg.exec(&format!(
            r#"INSERT INTO test_sessions VALUES ('{}', '{}', '2025-07-01 12:00:00.500+00', 87.5, '{{"rules": ["wcag2a"], "viewport": {{"h": 720, "w": 1280}}}}')"#,
            uuid(3, s),
            uuid(2, s % 5)
        ))
        .await;
    }
    // Violations of surviving sessions survive, one of them with a changed impact.
    let mut vid = 1;
    for s in 0..8u32 {
        let n = if s == 3 { 59 } else { 2 };
        for i in 0..n {
            if surviving_sessions.contains(&s) {
                let impact = if vid == 1 { "minor" } else { "serious" };
                pg.exec(&format!(
                    "INSERT INTO violations VALUES ({vid}, '{}', '{impact}', E'div[data-x=\"{i}\"] > a\\\\b\\n\\ttab')",
                    uuid(3, s)
                ))
                .await;
            }
            vid += 1;
        }
    }
    // A row created after the backup.
    pg.exec(&format!(
        "INSERT INTO violations VALUES (1000, '{}', 'minor', 'new')",
        uuid(3, 0)
    ))
    .await;

    let report = run_diff(&pg.url(), dir.path(), true).await;

    let auth = table(&report, "auth_configs");
    assert_eq!(auth.status, TableStatus::TableMissing);
    assert_eq!(auth.backup_rows, Some(2));
    assert_eq!(auth.live_rows, None);
    assert_eq!(
        report.tables[0].status,
        TableStatus::TableMissing,
        "dropped tables sort first"
    );

    let projects = table(&report, "public.projects");
    assert_eq!(
        (
            projects.missing,
            projects.changed,
            projects.extra,
            projects.identical
        ),
        (2, 0, 0, 3)
    );
    let missing: Vec<_> = projects
        .rows
        .as_ref()
        .unwrap()
        .missing
        .iter()
        .map(|k| k["id"].clone())
        .collect();
    assert_eq!(missing, vec![json!(uuid(2, 3)), json!(uuid(2, 4))]);

    let users = table(&report, "public.users");
    assert_eq!(
        users.status,
        TableStatus::Identical,
        "upper-case UUIDs and +02 timestamps equal by meaning: {users:?}"
    );

    let sessions = table(&report, "public.test_sessions");
    assert_eq!(
        (sessions.missing, sessions.changed, sessions.identical),
        (3, 0, 5),
        "{sessions:?}"
    );

    let violations = table(&report, "public.violations");
    assert_eq!(violations.missing, 59 + 2 + 2);
    assert_eq!(violations.changed, 1);
    assert_eq!(violations.extra, 1);
    let changed = &violations.rows.as_ref().unwrap().changed[0];
    assert_eq!(changed.key["id"], json!(1));
    assert_eq!(changed.columns, vec!["impact".to_string()]);
    assert_eq!(
        violations.rows.as_ref().unwrap().extra[0]["id"],
        json!(1000)
    );
    assert_eq!(violations.status, TableStatus::RowsMissing);
    assert!(report.has_differences());
}

/// Incident 2: a hyphenated table dropped, nine columns of several types
/// dropped from a table that still has its rows.
#[tokio::test]
async fn incident2_dropped_hyphenated_table_and_columns() {
    let pg = TestPg::new().await;
    let schema = r#"
CREATE TABLE "vector-sync-status" (id integer PRIMARY KEY, project_id integer NOT NULL, state text);
CREATE TABLE projects (
  id integer PRIMARY KEY, name text NOT NULL,
  budget numeric(10,2), launch_date date, is_public boolean, notes text,
  hourly_rate numeric(8,2), archived_at timestamp with time zone, tags text[], priority smallint, metadata jsonb
);
ALTER TABLE ONLY "vector-sync-status" ADD CONSTRAINT "vector-sync-status_project_fk" FOREIGN KEY (project_id) REFERENCES projects(id);
"#;
    let projects: Vec<_> = (1..=4)
        .map(|i| json!({"id": i, "name": format!("P{i}"), "budget": "100.00", "launch_date": "2025-01-0{i}", "is_public": true,
            "notes": "it's \"quoted\"", "hourly_rate": 55.5, "archived_at": null, "tags": ["a", "b"], "priority": 2, "metadata": {"k": i}}))
        .collect();
    let vss: Vec<_> = (1..=3)
        .map(|i| json!({"id": i, "project_id": i, "state": "synced"}))
        .collect();
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        ("projects.json", json!(projects).to_string()),
        ("vector-sync-status.json", json!(vss).to_string()),
    ]);
    pg.exec("CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL)")
        .await;
    pg.exec("INSERT INTO projects SELECT i, 'P' || i FROM generate_series(1, 4) i")
        .await;

    let report = run_diff(&pg.url(), dir.path(), false).await;
    let vss = table(&report, "vector-sync-status");
    assert_eq!(vss.status, TableStatus::TableMissing);
    assert_eq!(vss.backup_rows, Some(3));

    let p = table(&report, "public.projects");
    assert_eq!(p.status, TableStatus::SchemaDrift);
    assert_eq!((p.missing, p.changed, p.identical), (0, 0, 4));
    assert_eq!(
        p.schema.missing_columns,
        [
            "budget",
            "launch_date",
            "is_public",
            "notes",
            "hourly_rate",
            "archived_at",
            "tags",
            "priority",
            "metadata"
        ]
    );
    assert!(p.schema.extra_columns.is_empty());
}

/// Incident 3: varchar user ids that cannot go into the new uuid column,
/// in tables whose names need quoting.
#[tokio::test]
async fn incident3_values_incompatible_with_new_uuid_type() {
    let pg = TestPg::new().await;
    let schema = r#"
CREATE TABLE "bazaar-vid_user" (id varchar(255) PRIMARY KEY, email text);
CREATE TABLE "bazaar-vid_project" (id uuid PRIMARY KEY, "userId" varchar(255) NOT NULL REFERENCES "bazaar-vid_user"(id), title text);
"#;
    let users = json!([
        {"id": "user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE", "email": "a@example.com"},
        {"id": "user_2YBcWnS3k0RP9zv1qRQpYQmC2Hk", "email": "b@example.com"},
        {"id": "0b7c8d6e-1f2a-4b3c-9d4e-5f6a7b8c9d0e", "email": "c@example.com"}
    ]);
    let projects = json!([
        {"id": "6a1f0c52-0000-4000-8000-000000000001", "userId": "user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE", "title": "Launch"}
    ]);
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        ("bazaar-vid_user.json", users.to_string()),
        ("bazaar-vid_project.json", projects.to_string()),
    ]);
    pg.exec(r#"CREATE TABLE "bazaar-vid_user" (id uuid PRIMARY KEY, email text)"#)
        .await;
    pg.exec(r#"CREATE TABLE "bazaar-vid_project" (id uuid PRIMARY KEY, "userId" uuid NOT NULL REFERENCES "bazaar-vid_user"(id), title text)"#).await;
    pg.exec(r#"INSERT INTO "bazaar-vid_user" VALUES ('0b7c8d6e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', 'c@example.com')"#).await;

    let report = run_diff(&pg.url(), dir.path(), false).await;
    let users = table(&report, "public.bazaar-vid_user");
    assert_eq!((users.missing, users.identical), (2, 1));
    let mismatch = &users.schema.type_mismatches[0];
    assert_eq!(mismatch.column, "id");
    assert_eq!(
        mismatch.backup_type.as_deref(),
        Some("character varying(255)")
    );
    assert_eq!(mismatch.live_type, "uuid");
    assert_eq!(mismatch.incompatible_values, 2);
    let first = &users.incompatible[0];
    assert_eq!(first.column, "id");
    assert!(
        first.value.contains("user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE"),
        "{first:?}"
    );
    assert!(first.reason.to_lowercase().contains("uuid"), "{first:?}");
    assert_eq!(first.key["id"], json!("user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE"));

    let projects = table(&report, "public.bazaar-vid_project");
    let m = projects
        .schema
        .type_mismatches
        .iter()
        .find(|m| m.column == "userId")
        .unwrap();
    assert_eq!(m.incompatible_values, 1);
    assert_eq!(projects.missing, 1);
}

/// Incident 4: key types diverged (uuid live, varchar(36) in the backup's
/// schema) and the conversion dropped foreign keys, including a cycle.
#[tokio::test]
async fn incident4_type_drift_and_dropped_foreign_keys() {
    let pg = TestPg::new().await;
    let schema = r#"
CREATE TABLE organizations (id varchar(36) PRIMARY KEY, name text NOT NULL, owner_id varchar(36));
CREATE TABLE users (id varchar(36) PRIMARY KEY, organization_id varchar(36) NOT NULL, email text UNIQUE);
CREATE TABLE memberships (user_id varchar(36), organization_id varchar(36), role text, PRIMARY KEY (user_id, organization_id));
ALTER TABLE ONLY users ADD CONSTRAINT users_org_fk FOREIGN KEY (organization_id) REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ONLY organizations ADD CONSTRAINT organizations_owner_fk FOREIGN KEY (owner_id) REFERENCES users(id) DEFERRABLE;
ALTER TABLE ONLY memberships ADD CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users(id);
ALTER TABLE ONLY memberships ADD CONSTRAINT memberships_org_fk FOREIGN KEY (organization_id) REFERENCES organizations(id);
"#;
    let org = "11111111-1111-4111-8111-111111111111";
    let usr = "22222222-2222-4222-8222-222222222222";
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        (
            "organizations.json",
            json!([{"id": org, "name": "Acme", "owner_id": usr}]).to_string(),
        ),
        (
            "users.json",
            json!([{"id": usr, "organization_id": org, "email": "o@acme.test"}]).to_string(),
        ),
        (
            "memberships.csv",
            format!("user_id,organization_id,role\n{usr},{org},owner\n"),
        ),
    ]);
    pg.exec("CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL, owner_id uuid)")
        .await;
    pg.exec("CREATE TABLE users (id uuid PRIMARY KEY, organization_id uuid NOT NULL, email text UNIQUE)").await;
    pg.exec("CREATE TABLE memberships (user_id uuid, organization_id uuid, role text, PRIMARY KEY (user_id, organization_id))").await;
    // Only one FK was recreated.
    pg.exec("ALTER TABLE memberships ADD CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users(id)").await;
    pg.exec(&format!(
        "INSERT INTO organizations VALUES ('{org}', 'Acme', '{usr}')"
    ))
    .await;
    pg.exec(&format!(
        "INSERT INTO users VALUES ('{usr}', '{org}', 'o@acme.test')"
    ))
    .await;
    pg.exec(&format!(
        "INSERT INTO memberships VALUES ('{usr}', '{org}', 'owner')"
    ))
    .await;

    let report = run_diff(&pg.url(), dir.path(), false).await;
    for t in &report.tables {
        assert_eq!((t.missing, t.changed, t.extra), (0, 0, 0), "{t:?}");
        assert_eq!(t.status, TableStatus::SchemaDrift, "{t:?}");
    }
    let users = table(&report, "public.users");
    let id = users
        .schema
        .type_mismatches
        .iter()
        .find(|m| m.column == "id")
        .unwrap();
    assert_eq!(
        (
            id.backup_type.as_deref(),
            id.live_type.as_str(),
            id.incompatible_values
        ),
        (Some("character varying(36)"), "uuid", 0)
    );
    let fks: Vec<_> = report
        .tables
        .iter()
        .flat_map(|t| {
            t.schema
                .missing_constraints
                .iter()
                .map(move |c| (t.name.as_str(), c.name.clone().unwrap_or_default()))
        })
        .collect();
    assert_eq!(
        fks,
        vec![
            ("public.memberships", "memberships_org_fk".to_string()),
            ("public.organizations", "organizations_owner_fk".to_string()),
            ("public.users", "users_org_fk".to_string()),
        ]
    );
    let users_fk = &users.schema.missing_constraints[0];
    assert!(
        users_fk
            .definition
            .contains("DEFERRABLE INITIALLY DEFERRED"),
        "{users_fk:?}"
    );
}

/// A table without any key compares as a multiset of whole rows.
#[tokio::test]
async fn keyless_table_compares_whole_rows() {
    let pg = TestPg::new().await;
    let dir = write_backup(&[(
        "audit_log.jsonl",
        "{\"actor\":\"a\",\"action\":\"login\"}\n{\"actor\":\"a\",\"action\":\"login\"}\n{\"actor\":\"b\",\"action\":\"logout\"}\n".to_string(),
    )]);
    pg.exec("CREATE TABLE audit_log (actor text, action text)")
        .await;
    pg.exec("INSERT INTO audit_log VALUES ('a','login'), ('c','login')")
        .await;
    let report = run_diff(&pg.url(), dir.path(), true).await;
    let t = table(&report, "public.audit_log");
    assert_eq!(t.key.as_ref().unwrap().source, "whole_row");
    assert_eq!((t.missing, t.extra, t.identical), (2, 1, 1));
}
