//! `lifeboat check` against a real PostgreSQL, shaped like incident 4: a
//! conversion script turned uuid keys into varchar(36) and dropped the
//! foreign keys (the backup's schema.sql still has them), users and
//! organizations reference each other, and orphans crept in. The check must
//! find exactly the orphans planted, with their keys, and nothing else.

mod common;

use common::{write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::check::{check, CheckOptions, HealthReport, RelationHealth, SKIPPED_FAST};
use lifeboat::diff::schema::ConstraintKind;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::relations::RelationOrigin;
use std::collections::BTreeSet;
use std::process::Command;

/// The schema before the conversion, as the backup's schema.sql has it.
const BACKUP_SCHEMA: &str = r#"
CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL, owner_id uuid);
CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL, organization_id uuid);
CREATE TABLE projects (id bigserial PRIMARY KEY, organization_id uuid, created_by uuid, name text);
CREATE TABLE memberships (user_id uuid NOT NULL, organization_id uuid NOT NULL, role text, PRIMARY KEY (user_id, organization_id));
CREATE TABLE audit_events (id bigserial PRIMARY KEY, actor uuid, note text);
CREATE TABLE auth_configs (id uuid PRIMARY KEY, organization_id uuid, login_url text);
ALTER TABLE users ADD CONSTRAINT users_organization_fk FOREIGN KEY (organization_id) REFERENCES organizations(id);
ALTER TABLE organizations ADD CONSTRAINT organizations_owner_fk FOREIGN KEY (owner_id) REFERENCES users(id);
ALTER TABLE projects ADD CONSTRAINT projects_organization_fk FOREIGN KEY (organization_id) REFERENCES organizations(id);
ALTER TABLE projects ADD CONSTRAINT projects_created_by_fk FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE memberships ADD CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users(id);
ALTER TABLE memberships ADD CONSTRAINT memberships_organization_fk FOREIGN KEY (organization_id) REFERENCES organizations(id);
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_fk FOREIGN KEY (actor) REFERENCES users(id);
ALTER TABLE auth_configs ADD CONSTRAINT auth_configs_organization_fk FOREIGN KEY (organization_id) REFERENCES organizations(id);
"#;

/// After the conversion: keys are varchar(36), one FK was recreated
/// (memberships → users), auth_configs never came back, a new table
/// `invites` has no FK at all (its relation can only be inferred), and
/// `event_log` has no primary key.
const LIVE_SCHEMA: &str = r#"
CREATE TABLE organizations (id varchar(36) PRIMARY KEY, name text NOT NULL, owner_id varchar(36));
CREATE TABLE users (id varchar(36) PRIMARY KEY, email text NOT NULL, organization_id varchar(36));
CREATE TABLE projects (id bigserial PRIMARY KEY, organization_id varchar(36), created_by uuid, name text);
CREATE TABLE memberships (user_id varchar(36) NOT NULL REFERENCES users(id), organization_id varchar(36) NOT NULL, role text, PRIMARY KEY (user_id, organization_id));
CREATE TABLE audit_events (id bigserial PRIMARY KEY, actor uuid, note text);
CREATE TABLE invites (id bigserial PRIMARY KEY, organization_id varchar(36), email text);
CREATE TABLE event_log (at timestamptz NOT NULL DEFAULT now(), message text);
"#;

fn org(n: u32) -> String {
    format!("00000000-0000-4000-8000-0000000000{n:02}")
}

fn user(n: u32) -> String {
    format!("11111111-0000-4000-8000-0000000000{n:02}")
}

/// Consistent rows, then the planted orphans.
fn live_data(orphans: bool) -> String {
    let mut sql = String::new();
    // The cycle: organizations first without owners, then users, then owners.
    for o in 1..=3 {
        sql.push_str(&format!(
            "INSERT INTO organizations VALUES ('{}', 'Org {o}', NULL);\n",
            org(o)
        ));
    }
    for u in 1..=6 {
        sql.push_str(&format!(
            "INSERT INTO users VALUES ('{}', 'u{u}@example.com', '{}');\n",
            user(u),
            org(1 + u % 3)
        ));
        sql.push_str(&format!(
            "INSERT INTO memberships VALUES ('{}', '{}', 'member');\n",
            user(u),
            org(1 + u % 3)
        ));
    }
    for o in 1..=3 {
        sql.push_str(&format!(
            "UPDATE organizations SET owner_id = '{}' WHERE id = '{}';\n",
            user(o),
            org(o)
        ));
    }
    // A key the conversion upper-cased: the uuid column still matches it.
    sql.push_str("INSERT INTO users VALUES ('AAAAAAAA-0000-4000-8000-000000000001', 'upper@example.com', NULL);\n");
    sql.push_str(&format!(
        "INSERT INTO projects (organization_id, created_by, name) VALUES ('{}', 'aaaaaaaa-0000-4000-8000-000000000001', 'p1'), ('{}', '{}', 'p2'), (NULL, NULL, 'p3');\n",
        org(1),
        org(2),
        user(2)
    ));
    sql.push_str(&format!(
        "INSERT INTO audit_events (actor, note) VALUES ('{}', 'login'), (NULL, 'system');\n",
        user(1)
    ));
    sql.push_str(&format!(
        "INSERT INTO invites (organization_id, email) VALUES ('{}', 'new@example.com');\n",
        org(3)
    ));
    if orphans {
        sql.push_str(&format!(
            "INSERT INTO users VALUES ('{}', 'lost1@example.com', '{}'), ('{}', 'lost2@example.com', '{}');\n\
             UPDATE organizations SET owner_id = '{}' WHERE id = '{}';\n\
             INSERT INTO projects (organization_id, created_by, name) VALUES ('{}', '{}', 'orphan project');\n\
             INSERT INTO invites (organization_id, email) VALUES ('{}', 'stale@example.com');\n\
             INSERT INTO event_log (message) VALUES ('converted');\n",
            user(90),
            org(91),
            user(92),
            org(93),
            user(94),
            org(2),
            org(1),
            user(95),
            org(96),
        ));
    }
    sql
}

fn backup_dir() -> tempfile::TempDir {
    write_backup(&[
        ("schema.sql", BACKUP_SCHEMA.to_string()),
        ("organizations.json", "[]".to_string()),
        ("users.json", "[]".to_string()),
    ])
}

async fn run_check(pg: &TestPg, backup: Option<&Backup>, fast: bool) -> HealthReport {
    let url = DbUrl::parse(&pg.url()).expect("url");
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("connect");
    let opts = CheckOptions {
        fast,
        no_inferred: false,
    };
    check(&live, backup, &opts).await.expect("check")
}

fn relation<'a>(report: &'a HealthReport, child: &str, column: &str) -> &'a RelationHealth {
    report
        .relations
        .iter()
        .find(|r| r.child == format!("public.{child}") && r.child_columns == [column])
        .unwrap_or_else(|| panic!("no relation {child}.{column} in {:#?}", report.relations))
}

#[tokio::test]
async fn incident4_finds_exactly_the_planted_orphans() {
    let pg = TestPg::new().await;
    pg.exec(LIVE_SCHEMA).await;
    pg.exec(&live_data(true)).await;
    // A sequence left behind: rows inserted with explicit ids, nextval never called.
    pg.exec("INSERT INTO audit_events (id, actor, note) VALUES (38, NULL, 'a'), (40, NULL, 'b')")
        .await;
    let dir = backup_dir();
    let backup = Backup::open(dir.path()).expect("open backup");
    let report = run_check(&pg, Some(&backup), false).await;

    let planted = [
        (
            "users",
            "organization_id",
            RelationOrigin::Backup,
            vec![org(91), org(93)],
        ),
        (
            "organizations",
            "owner_id",
            RelationOrigin::Backup,
            vec![user(94)],
        ),
        (
            "projects",
            "created_by",
            RelationOrigin::Backup,
            vec![user(95)],
        ),
        (
            "invites",
            "organization_id",
            RelationOrigin::Inferred,
            vec![org(96)],
        ),
    ];
    for (child, column, origin, keys) in &planted {
        let r = relation(&report, child, column);
        assert_eq!(r.origin, *origin, "{}", r.arrow);
        assert_eq!(r.orphans, Some(keys.len() as u64), "{}", r.arrow);
        let samples: Vec<Vec<String>> = keys.iter().map(|k| vec![k.clone()]).collect();
        assert_eq!(r.samples, samples, "{}", r.arrow);
    }
    let orphaned: BTreeSet<String> = report.orphaned().map(|r| r.arrow.clone()).collect();
    assert_eq!(
        orphaned.len(),
        planted.len(),
        "unexpected orphans: {orphaned:?}"
    );
    // Every relation was scanned, the live FK among them, except the one
    // from auth_configs, which is gone: said, not guessed.
    for r in &report.relations {
        if r.child == "auth_configs" {
            assert_eq!(
                r.skipped.as_deref(),
                Some("table auth_configs is missing live")
            );
        } else {
            assert!(r.orphans.is_some() && r.error.is_none(), "{r:?}");
        }
    }
    assert_eq!(
        relation(&report, "memberships", "user_id").origin,
        RelationOrigin::Live
    );
    assert_eq!(relation(&report, "memberships", "user_id").orphans, Some(0));
    assert_eq!(relation(&report, "audit_events", "actor").orphans, Some(0));
    assert_eq!(report.missing_tables, ["auth_configs"]);

    assert_eq!(report.tables_without_primary_key, ["public.event_log"]);
    let behind: Vec<_> = report.sequences.iter().filter(|s| s.behind).collect();
    assert_eq!(behind.len(), 1, "{:?}", report.sequences);
    assert_eq!(
        (behind[0].table.as_str(), behind[0].column.as_str()),
        ("public.audit_events", "id")
    );
    assert_eq!((behind[0].next_value, behind[0].max_value), (3, Some(40)));
    let not_behind = report
        .sequences
        .iter()
        .find(|s| s.table == "public.invites");
    assert_eq!(not_behind.map(|s| s.behind), Some(false));

    let retyped: BTreeSet<(String, String)> = report
        .type_differences
        .iter()
        .map(|d| (d.table.clone(), d.column.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("organizations", "id"),
        ("organizations", "owner_id"),
        ("users", "id"),
        ("users", "organization_id"),
        ("projects", "organization_id"),
        ("memberships", "user_id"),
        ("memberships", "organization_id"),
    ]
    .iter()
    .map(|(t, c)| (format!("public.{t}"), (*c).to_string()))
    .collect();
    assert_eq!(retyped, expected);
    let users = report.tables.iter().find(|t| t.table == "public.users");
    assert_eq!(users.and_then(|t| t.rows), Some(9));
    assert!(users.and_then(|t| t.size_bytes).is_some_and(|s| s > 0));
    assert!(report.has_problems());

    // The FKs the conversion dropped, each with the rows recreating it would
    // meet (the same orphans); memberships → users was recreated, auth_configs
    // is gone with its own.
    let missing: BTreeSet<(String, String, u64)> = report
        .missing_constraints
        .iter()
        .map(|c| {
            assert_eq!(c.kind, ConstraintKind::ForeignKey, "{c:?}");
            assert!(c.error.is_none() && c.skipped.is_none(), "{c:?}");
            let n = c.violations.expect("counted");
            (c.table.clone(), c.name.clone().unwrap_or_default(), n)
        })
        .collect();
    let expected: BTreeSet<(String, String, u64)> = [
        ("users", "users_organization_fk", 2),
        ("organizations", "organizations_owner_fk", 1),
        ("projects", "projects_organization_fk", 0),
        ("projects", "projects_created_by_fk", 1),
        ("memberships", "memberships_organization_fk", 0),
        ("audit_events", "audit_events_actor_fk", 0),
    ]
    .iter()
    .map(|(t, n, c)| (format!("public.{t}"), (*n).to_string(), *c))
    .collect();
    assert_eq!(missing, expected);
    let users_fk = report
        .missing_constraints
        .iter()
        .find(|c| c.name.as_deref() == Some("users_organization_fk"))
        .expect("users fk");
    assert_eq!(users_fk.samples, [vec![org(91)], vec![org(93)]]);
    assert_eq!(
        users_fk.definition,
        "FOREIGN KEY (\"organization_id\") REFERENCES \"public\".\"organizations\" (\"id\")"
    );
    let totals = report.constraint_counts.expect("counts");
    assert_eq!(
        totals.line(),
        "constraints: foreign keys live 1 / backup 8, unique 0/0, checks 0/0, primary keys 6/6"
    );
}

#[tokio::test]
async fn a_clean_database_reports_no_problems() {
    let pg = TestPg::new().await;
    pg.exec(BACKUP_SCHEMA).await;
    // auth_configs stands where the damaged database has invites.
    let data = live_data(false)
        .replace(
            "INSERT INTO invites (organization_id, email)",
            "INSERT INTO auth_configs (organization_id, id)",
        )
        .replace("'new@example.com'", "gen_random_uuid()");
    pg.exec(&data).await;
    let dir = backup_dir();
    let backup = Backup::open(dir.path()).expect("open backup");
    let report = run_check(&pg, Some(&backup), false).await;
    assert!(!report.has_problems(), "{report:#?}");
    assert_eq!(report.relations.len(), 8, "{:#?}", report.relations);
    assert!(report
        .relations
        .iter()
        .all(|r| r.orphans == Some(0) && r.origin == RelationOrigin::Live));
    assert!(report.missing_tables.is_empty() && report.type_differences.is_empty());
    assert!(report.missing_constraints.is_empty());
    let totals = report.constraint_counts.expect("counts");
    assert_eq!(totals.live, totals.backup);
    assert_eq!(totals.live.foreign_keys, 8);

    // The same clean database against a backup with one CHECK more: that
    // alone is a problem, with the rows it would reject (none, here).
    let with_check = format!(
        "{BACKUP_SCHEMA}\nALTER TABLE users ADD CONSTRAINT email_has_at CHECK (email LIKE '%@%');"
    );
    let dir = write_backup(&[("schema.sql", with_check), ("users.json", "[]".into())]);
    let backup = Backup::open(dir.path()).expect("open backup");
    let report = run_check(&pg, Some(&backup), false).await;
    assert!(report.has_problems());
    assert_eq!(report.missing_constraints.len(), 1, "{report:#?}");
    let c = &report.missing_constraints[0];
    assert_eq!(
        (c.kind.clone(), c.definition.as_str(), c.violations),
        (ConstraintKind::Check, "CHECK (email LIKE '%@%')", Some(0))
    );
    let totals = report.constraint_counts.expect("counts");
    assert_eq!((totals.live.checks, totals.backup.checks), (0, 1));
    assert!(report.sequences.iter().all(|s| !s.behind) && !report.sequences.is_empty());
}

#[tokio::test]
async fn fast_mode_skips_scans_and_exact_counts_but_still_finds_a_lagging_key_sequence() {
    let pg = TestPg::new().await;
    pg.exec(LIVE_SCHEMA).await;
    pg.exec(&live_data(true)).await;
    pg.exec("INSERT INTO audit_events (id, note) VALUES (40, 'b'); ANALYZE")
        .await;
    let report = run_check(&pg, None, true).await;
    assert!(report.fast);
    assert!(!report.relations.is_empty());
    assert!(report
        .relations
        .iter()
        .all(|r| r.orphans.is_none() && r.skipped.as_deref() == Some(SKIPPED_FAST)));
    assert!(report
        .skipped
        .iter()
        .any(|s| s == &format!("orphan scans: {SKIPPED_FAST}")));
    assert!(report.tables.iter().all(|t| t.rows_estimated));
    let users = report.tables.iter().find(|t| t.table == "public.users");
    assert_eq!(
        users.and_then(|t| t.rows),
        Some(9),
        "estimate after ANALYZE"
    );
    assert!(report
        .sequences
        .iter()
        .any(|s| s.table == "public.audit_events" && s.behind));
}

#[tokio::test]
async fn cli_exit_codes_text_and_json() {
    let pg = TestPg::new().await;
    pg.exec(LIVE_SCHEMA).await;
    pg.exec(&live_data(true)).await;
    let dir = backup_dir();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_lifeboat"))
            .args(["check", "--db", &pg.url(), "--backup"])
            .arg(dir.path())
            .args(extra)
            .env_remove("LIFEBOAT_DATABASE_URL")
            .env_remove("DATABASE_URL")
            .output()
            .expect("run lifeboat")
    };
    let out = run(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(
            "public.users.organization_id → public.organizations.id [backup]: 2 orphan rows"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("e.g. {}; {}", org(91), org(93))),
        "{text}"
    );
    assert!(
        text.contains("Tables in the backup missing live (1)\n  auth_configs"),
        "{text}"
    );
    assert!(text.contains("PROBLEMS FOUND"), "{text}");
    assert!(
        text.contains("Constraints in the backup missing live (6)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  public.users: users_organization_fk FOREIGN KEY (\"organization_id\") REFERENCES \"public\".\"organizations\" (\"id\"): 2 rows violate it\n      e.g. {}; {}\n",
            org(91),
            org(93)
        )),
        "{text}"
    );
    assert!(
        text.contains("public.projects: projects_organization_fk FOREIGN KEY (\"organization_id\") REFERENCES \"public\".\"organizations\" (\"id\"): no rows violate it"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nconstraints: foreign keys live 1 / backup 8, unique 0/0, checks 0/0, primary keys 6/6\n"
        ),
        "{text}"
    );

    let out = run(&["--json", "--fast"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(json["fast"], true);
    assert_eq!(json["tables_without_primary_key"][0], "public.event_log");
    let relations = json["relations"].as_array().expect("relations");
    let users = relations.iter().find(|r| r["child"] == "public.users");
    assert_eq!(
        users.map(|r| &r["skipped"]),
        Some(&serde_json::json!(SKIPPED_FAST))
    );
    assert!(relations.iter().all(|r| r["orphans"].is_null()));
    let missing = json["missing_constraints"]
        .as_array()
        .expect("missing constraints");
    assert_eq!(missing.len(), 6);
    assert!(missing.iter().all(|c| c["kind"] == "foreign_key"
        && c["violations"].is_null()
        && c["skipped"] == SKIPPED_FAST));
    assert_eq!(json["constraint_counts"]["live"]["foreign_keys"], 1);
    assert_eq!(json["constraint_counts"]["backup"]["foreign_keys"], 8);
    assert!(json["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .any(|s| s == &format!("violations of missing constraints: {SKIPPED_FAST}")));

    // A CHECK only the backup has is reported with its count.
    let check_dir = write_backup(&[(
        "schema.sql",
        "CREATE TABLE event_log (at timestamptz NOT NULL, message text CHECK (length(message) > 0));".into(),
    )]);
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args(["check", "--db", &pg.url(), "--no-inferred", "--backup"])
        .arg(check_dir.path())
        .output()
        .expect("run lifeboat");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("  public.event_log: CHECK (length(message) > 0): no rows violate it"),
        "{text}"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args(["check", "--db", "postgres://nobody@127.0.0.1:1/none"])
        .output()
        .expect("run lifeboat");
    assert_eq!(bad.status.code(), Some(2));
}
