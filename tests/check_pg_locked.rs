//! `lifeboat check` while a migration holds a table locked: the reads on
//! that table give up after the statement timeout, are reported as such,
//! and the rest of the check still runs (and the check is not "healthy").

mod common;

use common::TestPg;
use lifeboat::check::{check, CheckOptions};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use sqlx::Connection;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_locked_table_is_reported_and_the_rest_is_checked() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE organizations (id bigserial PRIMARY KEY, name text);
         CREATE TABLE users (id bigint PRIMARY KEY, organization_id bigint REFERENCES organizations(id));
         CREATE TABLE projects (id bigserial PRIMARY KEY, organization_id bigint);
         INSERT INTO organizations (name) VALUES ('one');
         INSERT INTO users VALUES (1, 1);
         INSERT INTO projects (organization_id) VALUES (1), (7);",
    )
    .await;
    // users has no column default on purpose: the catalog reads defaults
    // with pg_get_expr, which waits for the lock, and then the whole check
    // fails with the statement timeout (a limit of the catalog reader).
    // The "migration": an exclusive lock on users, held until the check is done.
    let mut migration = sqlx::PgConnection::connect(&pg.url())
        .await
        .expect("connect");
    let mut tx = migration.begin().await.expect("begin");
    sqlx::query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .expect("lock");

    let url = DbUrl::parse(&pg.url()).expect("url");
    let opts = LiveOptions {
        statement_timeout: Duration::from_secs(1),
    };
    let live = LiveDb::connect(&url, &opts).await.expect("connect");
    let started = Instant::now();
    let report = check(&live, None, &CheckOptions::default())
        .await
        .expect("the check completes despite the lock");
    assert!(started.elapsed() < Duration::from_secs(30));
    tx.rollback().await.expect("release the lock");

    let users = report.tables.iter().find(|t| t.table == "public.users");
    let error = users.and_then(|t| t.error.as_deref()).unwrap_or_default();
    assert!(error.contains("statement timeout"), "{report:#?}");
    assert_eq!(users.and_then(|t| t.rows), None);
    let projects = report.tables.iter().find(|t| t.table == "public.projects");
    assert_eq!(projects.and_then(|t| t.rows), Some(2));

    let through_users = report.relations.iter().find(|r| r.child == "public.users");
    assert!(through_users.is_some_and(|r| r.error.is_some() && r.orphans.is_none()));
    let inferred = report
        .relations
        .iter()
        .find(|r| r.child == "public.projects");
    assert_eq!(inferred.and_then(|r| r.orphans), Some(1));
    assert!(report.has_problems());
}
