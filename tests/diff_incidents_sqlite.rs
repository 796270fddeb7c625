//! Incidents 2 and 4 against real SQLite files: the same damage as the
//! PostgreSQL tests, found through SQLite's catalog and storage classes.

mod common;

use common::{run_diff, table, temp_sqlite, write_backup};
use lifeboat::diff::TableStatus;
use serde_json::json;

/// Incident 2: a hyphenated table dropped and nine columns of several types
/// gone from a table whose rows survived (values stored SQLite-style:
/// booleans as 0/1, numerics as REAL, timestamps as text with offsets).
#[tokio::test]
async fn incident2_dropped_hyphenated_table_and_columns() {
    let schema = r#"
CREATE TABLE "vector-sync-status" (id integer PRIMARY KEY, project_id integer NOT NULL, state text);
CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL, "updatedAt" timestamp with time zone, active boolean,
  budget numeric(10,2), launch_date date, is_public boolean, notes text, hourly_rate numeric(8,2),
  archived_at timestamp with time zone, tags text, priority smallint, metadata jsonb);
"#;
    let projects: Vec<_> = (1..=3)
        .map(|i| {
            json!({"id": i, "name": format!("P{i}"), "updatedAt": "2025-07-01T10:00:00.000Z", "active": i != 2,
                "budget": "100.00", "launch_date": "2025-01-01", "is_public": true, "notes": "n", "hourly_rate": 1.5,
                "archived_at": null, "tags": "a,b", "priority": 1, "metadata": {"b": 1, "a": [true]}})
        })
        .collect();
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        ("projects.json", json!(projects).to_string()),
        (
            "vector-sync-status.jsonl",
            "{\"id\":1,\"project_id\":1,\"state\":\"ok\"}\n".to_string(),
        ),
    ]);
    let (_tmp, db) = temp_sqlite(
        r#"CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "updatedAt" TIMESTAMPTZ, active BOOLEAN);
           INSERT INTO projects VALUES (1, 'P1', '2025-07-01 12:00:00+02:00', 1), (2, 'P2', '2025-07-01T10:00:00Z', 0),
                                       (3, 'P3 renamed', '2025-07-01 10:00:00', 1);"#,
    );
    let report = run_diff(db.to_str().unwrap(), dir.path(), true).await;
    let vss = table(&report, "vector-sync-status");
    assert_eq!(
        (vss.status, vss.backup_rows, vss.live_rows),
        (TableStatus::TableMissing, Some(1), None)
    );
    let p = table(&report, "projects");
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
    assert_eq!(
        (p.missing, p.changed, p.identical, p.extra),
        (0, 1, 2, 0),
        "{p:?}"
    );
    let changed = &p.rows.as_ref().unwrap().changed[0];
    assert_eq!(
        (changed.key["id"].clone(), changed.columns.clone()),
        (json!(3), vec!["name".to_string()])
    );
}

/// Incident 4 on SQLite: foreign keys present in the backup's schema but not
/// declared live are listed as missing constraints; rows are intact.
#[tokio::test]
async fn incident4_missing_foreign_keys() {
    let schema = r#"
CREATE TABLE organizations (id varchar(36) PRIMARY KEY, name text NOT NULL, owner_id varchar(36));
CREATE TABLE users (id varchar(36) PRIMARY KEY, organization_id varchar(36) NOT NULL REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE organizations ADD CONSTRAINT organizations_owner_fk FOREIGN KEY (owner_id) REFERENCES users(id) DEFERRABLE;
"#;
    let org = "11111111-1111-4111-8111-111111111111";
    let usr = "22222222-2222-4222-8222-222222222222";
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        (
            "organizations.csv",
            format!("id,name,owner_id\n{org},Acme,{usr}\n"),
        ),
        ("users.csv", format!("id,organization_id\n{usr},{org}\n")),
    ]);
    let (_tmp, db) = temp_sqlite(&format!(
        "CREATE TABLE organizations (id UUID PRIMARY KEY, name TEXT NOT NULL, owner_id UUID);
         CREATE TABLE users (id UUID PRIMARY KEY, organization_id UUID NOT NULL REFERENCES organizations(id));
         INSERT INTO organizations VALUES ('{org}', 'Acme', '{usr}');
         INSERT INTO users VALUES ('{}', '{org}');",
        usr.to_uppercase()
    ));
    let report = run_diff(db.to_str().unwrap(), dir.path(), true).await;
    let orgs = table(&report, "organizations");
    assert_eq!(orgs.status, TableStatus::SchemaDrift);
    assert_eq!(orgs.schema.missing_constraints.len(), 1);
    assert_eq!(orgs.schema.missing_constraints[0].columns, ["owner_id"]);
    let users = table(&report, "users");
    assert_eq!(
        (users.identical, users.changed),
        (1, 0),
        "UUID case ignored: {users:?}"
    );
    assert!(
        users.schema.missing_constraints.is_empty(),
        "the live FK is equivalent: {users:?}"
    );
    let id = users
        .schema
        .type_mismatches
        .iter()
        .find(|m| m.column == "id")
        .unwrap();
    assert_eq!(id.backup_type.as_deref(), Some("character varying(36)"));
}
