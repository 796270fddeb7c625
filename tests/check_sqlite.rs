//! `lifeboat check` on a real SQLite file. SQLite does not enforce foreign
//! keys unless each connection asks, so declared relations gather orphans
//! quietly; the check finds them, and those of inferred relations.

mod common;

use common::temp_sqlite;
use lifeboat::check::{check, CheckOptions};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::relations::RelationOrigin;

const SCHEMA_AND_DATA: &str = r#"
-- Written by a tool that never turned enforcement on.
PRAGMA foreign_keys = OFF;
CREATE TABLE organizations (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY, "organizationId" TEXT REFERENCES organizations(id), email TEXT);
CREATE TABLE "project-notes" (id INTEGER PRIMARY KEY, user_id INTEGER, body TEXT);
CREATE TABLE imports (line INTEGER, payload TEXT);
INSERT INTO organizations VALUES ('org-1', 'One'), ('org-2', 'Two');
INSERT INTO users VALUES (1, 'org-1', 'a@example.com'), (2, 'org-2', 'b@example.com'),
  (3, 'org-9', 'c@example.com'), (4, NULL, 'd@example.com'), (5, 'org-7', 'e@example.com');
INSERT INTO "project-notes" VALUES (10, 1, 'fine'), (11, 42, 'it''s gone'), (12, NULL, 'none');
INSERT INTO imports VALUES (1, 'x');
"#;

#[tokio::test]
async fn sqlite_orphans_of_declared_and_inferred_relations() {
    let (_dir, path) = temp_sqlite(SCHEMA_AND_DATA);
    let url = DbUrl::parse(&path.display().to_string()).expect("url");
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("connect");
    let report = check(&live, None, &CheckOptions::default())
        .await
        .expect("check");

    let declared = report
        .relations
        .iter()
        .find(|r| r.child == "users")
        .expect("users relation");
    assert_eq!(declared.origin, RelationOrigin::Live);
    assert_eq!(declared.orphans, Some(2));
    assert_eq!(
        declared.samples,
        [vec!["org-7".to_string()], vec!["org-9".to_string()]]
    );

    let inferred = report
        .relations
        .iter()
        .find(|r| r.child == "project-notes")
        .expect("project-notes relation");
    assert_eq!(inferred.origin, RelationOrigin::Inferred);
    assert_eq!(inferred.parent, "users");
    assert_eq!(inferred.orphans, Some(1));
    assert_eq!(inferred.samples, [vec!["42".to_string()]]);

    assert_eq!(report.orphaned().count(), 2);
    assert_eq!(report.tables_without_primary_key, ["imports"]);
    let users = report.tables.iter().find(|t| t.table == "users");
    assert_eq!(users.and_then(|t| t.rows), Some(5));
    assert!(report.sequences.is_empty());
    assert!(report.has_problems());
    let text = lifeboat::report::render_check(&report);
    assert!(
        text.contains("users.organizationId → organizations.id [live]: 2 orphan rows"),
        "{text}"
    );
}
