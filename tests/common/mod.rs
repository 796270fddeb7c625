//! Shared helpers for integration tests: a throwaway PostgreSQL database per
//! test and SQLite files built from a SQL script. Real servers, no mocks.
//!
//! Use from a test file with `mod common;` then `common::TestPg::new().await`.
//! The server comes from `LIFEBOAT_TEST_PG`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`).
#![allow(dead_code)] // each test binary uses a different subset

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

mod backup_dir;
pub mod browsing;
mod diffing;
mod dump_files;
pub mod formats;
pub mod incidents;
pub mod restoring;
pub mod snapshot_folder;
pub mod tmux;
#[allow(unused_imports)]
pub use backup_dir::{write_backup, write_file};
#[allow(unused_imports)]
pub use diffing::{run_diff, table};
#[allow(unused_imports)]
pub use dump_files::{gzip_copy, pg_dump, pg_dump_url};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The admin URL tests connect to in order to create and drop databases.
pub fn admin_url() -> String {
    std::env::var("LIFEBOAT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh database, dropped (`WITH (FORCE)`) when this value is dropped,
/// also when the test panics.
pub struct TestPg {
    name: String,
    url: String,
    pool: PgPool,
}

impl TestPg {
    pub async fn new() -> TestPg {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "lifeboat_t_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(&admin_url())
            .await
            .expect("connect to LIFEBOAT_TEST_PG");
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let mut url = url::Url::parse(&admin_url()).expect("LIFEBOAT_TEST_PG is a URL");
        url.set_path(&format!("/{name}"));
        let url = url.to_string();
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .expect("connect to test database");
        TestPg { name, url, pool }
    }

    /// URL of the test database (no password unless LIFEBOAT_TEST_PG has one).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A small pool on the test database, for setup and checks.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Run a script of one or more statements; panics with the error.
    pub async fn exec(&self, sql: &str) {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
        {
            panic!("setup SQL failed: {e}\n{sql}");
        }
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        // Drop may run inside the test's runtime, which cannot be blocked on;
        // a separate thread with its own runtime can.
        let name = self.name.clone();
        let dropper = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut admin).await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = dropper.join();
    }
}

/// A SQLite file in a fresh temp dir, created by running `sql`. Keep the
/// `TempDir` alive as long as the file is needed.
pub fn temp_sqlite(sql: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("live.db");
    let (sql, file) = (sql.to_owned(), path.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&file)
                .create_if_missing(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .expect("create sqlite file");
            if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
            {
                panic!("SQLite setup failed: {e}\n{sql}");
            }
            conn.close().await.expect("close sqlite");
        });
    })
    .join()
    .expect("SQLite setup thread");
    (dir, path)
}

/// The bundled demo built by the real binary (`lifeboat demo --print`) in a
/// fresh directory: `(dir, dir/demo)`. `dir` is also the data directory to
/// give the console (`XDG_DATA_HOME`), so journals stay inside it.
pub fn built_demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("demo");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args(["demo", "--print", "--dir"])
        .arg(&root)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .expect("run lifeboat demo");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    (dir, root)
}
