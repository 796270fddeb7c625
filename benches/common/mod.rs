//! What the benchmarks share: the PostgreSQL server they use, running setup
//! SQL, the resource use of child processes, and (`items`) the generated
//! 1,000,000-row table with its backup.
#![allow(dead_code)] // each bench uses a subset

pub mod items;

use sqlx::{AssertSqlSafe, PgPool};

/// The server, from `LIFEBOAT_TEST_PG` like the tests.
pub fn server_url() -> String {
    std::env::var("LIFEBOAT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The URL of database `db` on that server.
pub fn db_url(db: &str) -> String {
    let base = server_url();
    match base.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/{db}", &base[..i]),
        _ => format!("{base}/{db}"),
    }
}

/// Run setup SQL; a bench cannot go on without it.
pub async fn exec(pool: &PgPool, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Resource use of the child processes waited for so far.
pub fn children_usage() -> libc::rusage {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a full rusage struct into the pointer we own.
    unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    }
}

/// User plus system CPU seconds of a rusage.
pub fn cpu_seconds(u: &libc::rusage) -> f64 {
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}
