//! The 1,000,000-row `items` table the large benches share: built in a fresh
//! database, exported to a JSON backup, then damaged live (1% of rows
//! deleted, 1% changed).

use super::{db_url, exec, server_url};
use futures_util::StreamExt;
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Rows to build: `$BENCH_ROWS`, default 1,000,000.
pub fn rows_from_env() -> u64 {
    std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// Rows the damage deletes (`n % 100 = 1`) and changes (`n % 100 = 2`).
pub fn expected_damage(rows: u64) -> (u64, u64) {
    (
        rows / 100 + u64::from(rows % 100 >= 1),
        rows / 100 + u64::from(rows % 100 >= 2),
    )
}

/// Create database `db` with `items` of `rows` rows, write its backup to
/// `backup_dir/items.json` (taken before the damage), then damage it.
pub async fn prepare(db: &str, rows: u64, backup_dir: &Path) -> PgPool {
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&server_url())
        .await
        .expect("connect");
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
    )
    .await;
    exec(&admin, &format!("CREATE DATABASE {db}")).await;
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&db_url(db))
        .await
        .expect("connect bench db");
    exec(
        &pool,
        &format!(
            "CREATE TABLE items (id uuid PRIMARY KEY, n integer NOT NULL, label text, amount numeric(12,2),
                                 created_at timestamptz NOT NULL, payload jsonb);
             INSERT INTO items
             SELECT md5(i::text)::uuid, i, 'item ' || i || E' \"quoted\" \\\\ end', (i % 100000) / 7.0,
                    timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second',
                    jsonb_build_object('i', i, 'tags', jsonb_build_array('a', 'b'), 'ok', i % 2 = 0)
             FROM generate_series(1, {rows}) i"
        ),
    )
    .await;
    write_json_backup(&pool, backup_dir).await;
    exec(&pool, "DELETE FROM items WHERE n % 100 = 1").await;
    exec(
        &pool,
        "UPDATE items SET label = 'changed' WHERE n % 100 = 2",
    )
    .await;
    exec(&pool, "VACUUM ANALYZE items").await;
    pool
}

/// The backup: a JSON array, one object per line, as an app's exporter writes it.
async fn write_json_backup(pool: &PgPool, backup_dir: &Path) {
    std::fs::create_dir_all(backup_dir).expect("backup dir");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(backup_dir.join("items.json")).expect("items.json"),
    );
    let mut conn = pool.acquire().await.expect("conn");
    let mut stream = conn
        .copy_out_raw(
            "COPY (SELECT row_to_json(t)::text FROM items t) TO STDOUT WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')",
        )
        .await
        .expect("copy out");
    file.write_all(b"[\n").expect("write");
    let mut first = true;
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        pending.extend_from_slice(&chunk.expect("chunk"));
        while let Some(nl) = pending.iter().position(|&b| b == b'\n') {
            if !first {
                file.write_all(b",\n").expect("write");
            }
            first = false;
            file.write_all(&pending[..nl]).expect("write");
            pending.drain(..=nl);
        }
    }
    file.write_all(b"\n]\n").expect("write");
    file.flush().expect("flush");
}

/// The floor: stream the whole table out with COPY, discarding the bytes.
pub async fn copy_to_stdout(pool: &PgPool) -> (Duration, usize) {
    let mut conn = pool.acquire().await.expect("conn");
    let start = Instant::now();
    let mut stream = conn
        .copy_out_raw("COPY items TO STDOUT")
        .await
        .expect("copy");
    let mut bytes = 0;
    while let Some(chunk) = stream.next().await {
        bytes += chunk.expect("chunk").len();
    }
    (start.elapsed(), bytes)
}

/// Close `pool` and drop database `db` (best effort: the bench is done).
pub async fn drop_database(pool: PgPool, db: &str) {
    pool.close().await;
    if let Ok(admin) = PgPoolOptions::new()
        .max_connections(1)
        .connect(&server_url())
        .await
    {
        let _ = sqlx::raw_sql(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
        )))
        .execute(&admin)
        .await;
    }
}
