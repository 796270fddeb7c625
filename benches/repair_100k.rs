//! Benchmark: incident 2's column damage at scale — nine columns of several
//! types dropped from a 100,000-row `projects` table that keeps its rows —
//! repaired by `lifeboat restore --repair-schema=projects --restore-columns
//! projects:c1,...,c9 --yes` from a plain pg_dump of the table before the
//! damage, compared in the same run with the floor: what a DBA does by hand
//! in one transaction — the same nine `ALTER TABLE ... ADD COLUMN`, the lost
//! values `COPY`ed into a temporary table, one `UPDATE ... FROM` it.
//!
//! Each round, interleaved, starts from the damaged table (the nine columns
//! dropped again) and checks afterwards that every row equals the original
//! (an md5 of the whole table in key order).
//!
//! Run: `cargo bench --bench repair_100k` (PostgreSQL at $LIFEBOAT_TEST_PG).
//! Rows: $BENCH_ROWS (default 100000). Rounds: $BENCH_RUNS (default 3).

mod common;
use common::{children_usage, cpu_seconds, db_url, exec, server_url};
use futures_util::StreamExt;
use sqlx::postgres::{PgConnection, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgPool};
use std::process::Command;
use std::time::{Duration, Instant};

const DB: &str = "lifeboat_bench_repair";
const LOST: [&str; 9] = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"];

/// The nine lost columns as the floor adds them back (the dump's DDL).
const ADD_BACK: &str = "ALTER TABLE projects
    ADD COLUMN c1 text,
    ADD COLUMN c2 boolean NOT NULL DEFAULT false,
    ADD COLUMN c3 timestamptz,
    ADD COLUMN c4 jsonb,
    ADD COLUMN c5 numeric(10,2),
    ADD COLUMN c6 integer,
    ADD COLUMN c7 uuid,
    ADD COLUMN c8 varchar(40),
    ADD COLUMN c9 date";

const SETUP: &str = r#"
CREATE TABLE projects (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    c1 text,
    c2 boolean NOT NULL DEFAULT false,
    c3 timestamptz,
    c4 jsonb,
    c5 numeric(10,2),
    c6 integer,
    c7 uuid,
    c8 varchar(40),
    c9 date
);
INSERT INTO projects
SELECT p, 'Project ' || p,
       CASE WHEN p % 9 = 0 THEN NULL WHEN p % 5 = 0 THEN E'notes with "quotes", a \\ and\na newline ' || p ELSE 'notes ' || p END,
       p % 2 = 0,
       timestamptz '2024-01-01 00:00:00+00' + p * interval '17 minutes',
       CASE WHEN p % 4 = 0 THEN NULL ELSE jsonb_build_object('tier', p % 3, 'tags', jsonb_build_array('a', 'b')) END,
       (p % 100000) / 100.0,
       CASE WHEN p % 7 = 0 THEN NULL ELSE p % 1000 END,
       md5('project ' || p)::uuid,
       'slug-' || p,
       date '2024-01-01' + (p % 700)
FROM generate_series(1, {rows}) p;
"#;

const TABLE_MD5: &str = "SELECT md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM projects t";

async fn damage(pool: &PgPool) {
    let drops: Vec<String> = LOST.iter().map(|c| format!("DROP COLUMN {c}")).collect();
    exec(pool, &format!("ALTER TABLE projects {}", drops.join(", "))).await;
    // Dropped columns leave their bytes behind; rewrite as a migration would.
    exec(pool, "VACUUM FULL ANALYZE projects").await;
}

async fn md5(pool: &PgPool) -> String {
    sqlx::query_scalar(TABLE_MD5)
        .fetch_one(pool)
        .await
        .expect("table md5")
}

/// The DBA's version, one transaction: add the columns, COPY the lost
/// values (id + nine columns, COPY text taken before the damage) into a
/// temporary table, UPDATE ... FROM it. Connecting is not timed.
async fn floor(lost_values: &[u8]) -> Duration {
    let mut conn = PgConnection::connect(&db_url(DB)).await.expect("connect");
    let start = Instant::now();
    let cols = LOST.join(", ");
    let set: Vec<String> = LOST.iter().map(|c| format!("{c} = l.{c}")).collect();
    sqlx::raw_sql(AssertSqlSafe(format!(
        "BEGIN; {ADD_BACK}; CREATE TEMP TABLE lost ON COMMIT DROP AS SELECT id, {cols} FROM projects WITH NO DATA;"
    )))
    .execute(&mut conn)
    .await
    .expect("begin, add columns");
    let mut copy = conn
        .copy_in_raw("COPY lost FROM STDIN")
        .await
        .expect("copy in");
    copy.send(lost_values).await.expect("send");
    copy.finish().await.expect("finish copy");
    sqlx::raw_sql(AssertSqlSafe(format!(
        "UPDATE projects p SET {} FROM lost l WHERE p.id = l.id; COMMIT;",
        set.join(", ")
    )))
    .execute(&mut conn)
    .await
    .expect("update, commit");
    let elapsed = start.elapsed();
    conn.close().await.expect("close");
    elapsed
}

fn lifeboat(dump: &std::path::Path, xdg: &std::path::Path) -> (Duration, f64) {
    let before = cpu_seconds(&children_usage());
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .env("XDG_DATA_HOME", xdg)
        .args(["restore", "--db", &db_url(DB), "--backup"])
        .arg(dump)
        .args(["--repair-schema=projects", "--restore-columns"])
        .arg(format!("projects:{}", LOST.join(",")))
        .arg("--yes")
        .output()
        .expect("run lifeboat");
    let wall = start.elapsed();
    assert!(
        out.status.success(),
        "lifeboat restore failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (wall, cpu_seconds(&children_usage()) - before)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let rows: u64 = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&server_url())
        .await
        .expect("connect to PostgreSQL ($LIFEBOAT_TEST_PG)");
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )
    .await;
    exec(&admin, &format!("CREATE DATABASE {DB}")).await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&db_url(DB))
        .await
        .expect("connect bench db");
    exec(&pool, &SETUP.replace("{rows}", &rows.to_string())).await;
    let original = md5(&pool).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("before.sql");
    let status = Command::new(std::env::var("LIFEBOAT_PG_DUMP").unwrap_or("pg_dump".into()))
        .args(["--no-owner", "-f"])
        .arg(&dump)
        .arg(db_url(DB))
        .status()
        .expect("pg_dump");
    assert!(status.success(), "pg_dump failed");
    let mut lost_values = Vec::new();
    {
        let mut conn = PgConnection::connect(&db_url(DB)).await.expect("connect");
        let mut stream = conn
            .copy_out_raw(&format!(
                "COPY (SELECT id, {} FROM projects ORDER BY id) TO STDOUT",
                LOST.join(", ")
            ))
            .await
            .expect("copy out");
        while let Some(chunk) = stream.next().await {
            lost_values.extend_from_slice(&chunk.expect("chunk"));
        }
    }
    println!(
        "repair_100k: {rows} rows, 9 columns lost; dump {:.1} MB, lost values as COPY text {:.1} MB",
        std::fs::metadata(&dump).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        lost_values.len() as f64 / 1e6
    );

    let (mut floors, mut ours, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=runs {
        damage(&pool).await;
        let f = floor(&lost_values).await;
        assert_eq!(md5(&pool).await, original, "floor: table differs");
        damage(&pool).await;
        let (l, cpu) = lifeboat(&dump, dir.path());
        assert_eq!(md5(&pool).await, original, "lifeboat: table differs");
        let ratio = l.as_secs_f64() / f.as_secs_f64();
        println!(
            "round {round}: floor (ADD COLUMN + COPY + UPDATE ... FROM) {:.2} s, lifeboat restore {:.2} s (cpu {cpu:.2} s), ratio {ratio:.2}x",
            f.as_secs_f64(),
            l.as_secs_f64()
        );
        floors.push(f.as_secs_f64());
        ours.push(l.as_secs_f64());
        ratios.push(ratio);
    }
    println!(
        "median: floor {:.2} s, lifeboat {:.2} s, ratio {:.2}x",
        median(floors),
        median(ours),
        median(ratios)
    );
    pool.close().await;
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )
    .await;
}
