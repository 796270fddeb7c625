//! Reading rows from a real PostgreSQL: exact counts, COPY text round-trips of
//! awkward values, and the read-only guarantee of every read path.

mod common;

use common::TestPg;
use lifeboat::catalog::{Catalog, Table, TableName};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::value::Cell;
use lifeboat::Error;
use std::time::Duration;

async fn connect(pg: &TestPg, opts: LiveOptions) -> LiveDb {
    LiveDb::connect(&DbUrl::parse(&pg.url()).unwrap(), &opts)
        .await
        .unwrap()
}

fn table<'a>(catalog: &'a Catalog, n: &str) -> &'a Table {
    catalog.table(&TableName::new(Some("public"), n)).unwrap()
}

async fn collect(live: &LiveDb, t: &Table, cols: &[usize]) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let n = live
        .stream_rows(t, cols, |row| {
            rows.push(row.to_vec());
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(n as usize, rows.len());
    rows
}

const AWKWARD: &str = r#"
CREATE TABLE "odd-Rows" (
    id int PRIMARY KEY, "txtCol" text, b bytea, ts timestamptz, f float8, arr text[], j jsonb
);
INSERT INTO "odd-Rows" VALUES
 (1, E'quote '' and "double" and back\\slash', '\x00ff5c0a', '2024-03-01 12:34:56.789+02', 0.1,
     ARRAY['a b', 'c"d', NULL, 'e\f'], '{"k": "tab\there", "z": 1}'),
 (2, E'tab\there\nnewline\r\ncrlf\\n-not-a-newline', '\x', NULL, 1e300, '{}', 'null'),
 (3, 'unicode é ✓ 🚑 中文', NULL, '1999-12-31 23:59:59+00', -0.0, NULL, NULL),
 (4, '', NULL, NULL, NULL, NULL, NULL),
 (5, NULL, NULL, NULL, 'NaN', NULL, NULL),
 (6, E'\\N', NULL, NULL, NULL, NULL, NULL),
 (7, E'ends with backslash \\', NULL, NULL, 'Infinity', NULL, NULL),
 (8, E'\x01\x07\b\f\x0b\x7f control', NULL, NULL, NULL, NULL, NULL);
"#;

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[tokio::test]
async fn awkward_text_round_trips_exactly() {
    let pg = TestPg::new().await;
    pg.exec(AWKWARD).await;
    let live = connect(&pg, LiveOptions::default()).await;
    let catalog = live.catalog().await.unwrap();
    let t = table(&catalog, "odd-Rows");
    let mut rows = collect(&live, t, &[0, 1, 2, 3, 4, 5, 6]).await;
    rows.sort_by_key(|r| match &r[0] {
        Cell::Text(s) => s.parse::<i32>().unwrap(),
        _ => 0,
    });
    assert_eq!(rows.len(), 8);
    assert_eq!(
        rows[0],
        [
            text("1"),
            text("quote ' and \"double\" and back\\slash"),
            text("\\x00ff5c0a"),
            text("2024-03-01 10:34:56.789+00"),
            text("0.1"),
            text("{\"a b\",\"c\\\"d\",NULL,\"e\\\\f\"}"),
            text("{\"k\": \"tab\\there\", \"z\": 1}"),
        ]
    );
    assert_eq!(
        rows[1][1],
        text("tab\there\nnewline\r\ncrlf\\n-not-a-newline")
    );
    assert_eq!(rows[1][2], text("\\x"));
    assert_eq!(rows[1][4], text("1e+300"));
    assert_eq!(rows[2][1], text("unicode é ✓ 🚑 中文"));
    assert_eq!(rows[2][2], Cell::Null);
    assert_eq!(rows[3][1], text(""), "empty string is not NULL");
    assert_eq!(rows[4][1], Cell::Null);
    assert_eq!(rows[4][4], text("NaN"));
    assert_eq!(rows[5][1], text("\\N"), "the text \\N is not NULL");
    assert_eq!(rows[6][1], text("ends with backslash \\"));
    assert_eq!(rows[7][1], text("\u{1}\u{7}\u{8}\u{c}\u{b}\u{7f} control"));

    // Same answer as the server gives through the ordinary protocol.
    let direct: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT \"txtCol\" FROM \"odd-Rows\" ORDER BY id")
            .fetch_all(pg.pool())
            .await
            .unwrap();
    for (row, (want,)) in rows.iter().zip(direct) {
        assert_eq!(row[1], want.map(Cell::Text).unwrap_or(Cell::Null));
    }
}

#[tokio::test]
async fn column_subset_in_requested_order_and_large_stream() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE big (id int PRIMARY KEY, label text, extra text);
         INSERT INTO big SELECT i, 'row ' || i || repeat(E'\\t\\\\\\n', i % 4), 'x'
         FROM generate_series(1, 20000) AS i;",
    )
    .await;
    let live = connect(&pg, LiveOptions::default()).await;
    let catalog = live.catalog().await.unwrap();
    let t = table(&catalog, "big");
    assert_eq!(live.count_rows(&t.name).await.unwrap(), 20000);
    let rows = collect(&live, t, &[1, 0]).await;
    assert_eq!(rows.len(), 20000);
    let direct: Vec<(String, String)> = sqlx::query_as("SELECT label, id::text FROM big")
        .fetch_all(pg.pool())
        .await
        .unwrap();
    let mut got: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| match (&r[0], &r[1]) {
            (Cell::Text(a), Cell::Text(b)) => (a.clone(), b.clone()),
            other => panic!("unexpected cells {other:?}"),
        })
        .collect();
    let mut want = direct;
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(got.iter().any(|(l, _)| l.ends_with("\t\\\n\t\\\n\t\\\n")));
}

#[tokio::test]
async fn count_rows_is_exact_and_errors_name_the_table() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE \"vector-sync-status\" (id int);
         INSERT INTO \"vector-sync-status\" SELECT generate_series(1, 1234);
         CREATE TABLE empty_one (id int);",
    )
    .await;
    let live = connect(&pg, LiveOptions::default()).await;
    let vss = TableName::new(Some("public"), "vector-sync-status");
    assert_eq!(live.count_rows(&vss).await.unwrap(), 1234);
    let empty = TableName::new(Some("public"), "empty_one");
    assert_eq!(live.count_rows(&empty).await.unwrap(), 0);
    let missing = TableName::new(Some("public"), "auth_configs");
    let err = live.count_rows(&missing).await.unwrap_err().to_string();
    assert!(err.contains("public.auth_configs"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

const SNEAKY: &str = r#"
CREATE TABLE audit (x int);
CREATE FUNCTION sneaky() RETURNS int LANGUAGE plpgsql AS $$
BEGIN INSERT INTO audit VALUES (1); RETURN 1; END $$;
CREATE VIEW sneaky_view AS SELECT sneaky() AS v;
CREATE VIEW session_view AS SELECT
  current_setting('transaction_read_only') AS ro,
  current_setting('transaction_isolation') AS iso,
  current_setting('statement_timeout') AS st,
  current_setting('lock_timeout') AS lt,
  current_setting('idle_in_transaction_session_timeout') AS it,
  current_setting('TimeZone') AS tz,
  current_setting('DateStyle') AS ds,
  current_setting('IntervalStyle') AS ist,
  current_setting('extra_float_digits') AS efd,
  current_setting('bytea_output') AS bo;
"#;

/// A view's catalog entry, built by hand: views are not in the catalog.
fn view(n: &str, cols: &[&str]) -> Table {
    Table {
        name: TableName::new(Some("public"), n),
        columns: cols
            .iter()
            .map(|c| lifeboat::catalog::Column {
                name: (*c).into(),
                data_type: "text".into(),
                nullable: true,
                default: None,
                identity: None,
                generated: None,
            })
            .collect(),
        primary_key: None,
        unique: vec![],
        foreign_keys: vec![],
        checks: vec![],
    }
}

#[tokio::test]
async fn reads_run_read_only_with_local_settings() {
    let pg = TestPg::new().await;
    pg.exec(SNEAKY).await;
    let opts = LiveOptions {
        statement_timeout: Duration::from_secs(7),
    };
    let live = connect(&pg, opts).await;

    let cols = [
        "ro", "iso", "st", "lt", "it", "tz", "ds", "ist", "efd", "bo",
    ];
    let session = view("session_view", &cols);
    let all: Vec<usize> = (0..cols.len()).collect();
    let rows = collect(&live, &session, &all).await;
    let want = [
        "on",
        "repeatable read",
        "7s",
        "10s",
        "1min",
        "UTC",
        "ISO, YMD",
        "postgres",
        "1",
        "hex",
    ];
    assert_eq!(rows, [want.map(text).to_vec()]);

    // A write hidden behind a view fails in both read paths.
    let sneaky = TableName::new(Some("public"), "sneaky_view");
    let err = live.count_rows(&sneaky).await.unwrap_err().to_string();
    assert!(err.contains("read-only transaction"), "{err}");
    let err = live
        .stream_rows(&view("sneaky_view", &["v"]), &[0], |_| Ok(()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("read-only transaction"), "{err}");
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit")
        .fetch_one(pg.pool())
        .await
        .unwrap();
    assert_eq!(audit, 0);

    // SET LOCAL: nothing leaks into the pooled session afterwards.
    let mut conn = pg.pool().acquire().await.unwrap();
    let ro: String = sqlx::query_scalar("SHOW transaction_read_only")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(ro, "off", "the test's own pool is unaffected");
}

#[tokio::test]
async fn statement_timeout_applies_to_reads() {
    let pg = TestPg::new().await;
    pg.exec("CREATE VIEW slow AS SELECT pg_sleep(5)::text AS s")
        .await;
    let opts = LiveOptions {
        statement_timeout: Duration::from_millis(200),
    };
    let live = connect(&pg, opts).await;
    let started = std::time::Instant::now();
    let err = live
        .count_rows(&TableName::new(Some("public"), "slow"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("statement timeout"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn callback_error_stops_stream_and_pool_recovers() {
    let pg = TestPg::new().await;
    pg.exec(
        "CREATE TABLE many (id int, pad text);
         INSERT INTO many SELECT i, repeat('p', 200) FROM generate_series(1, 50000) i;",
    )
    .await;
    let live = connect(&pg, LiveOptions::default()).await;
    let catalog = live.catalog().await.unwrap();
    let t = table(&catalog, "many");
    for _ in 0..4 {
        let mut seen = 0;
        let err = live
            .stream_rows(t, &[0, 1], |_| {
                seen += 1;
                if seen == 10 {
                    Err(Error::Other("operator pressed q".into()))
                } else {
                    Ok(())
                }
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Other(ref m) if m == "operator pressed q"));
        assert_eq!(seen, 10);
    }
    // The abandoned COPYs did not poison the pool.
    assert_eq!(live.count_rows(&t.name).await.unwrap(), 50000);
    let n = live.stream_rows(t, &[0], |_| Ok(())).await.unwrap();
    assert_eq!(n, 50000);
}

#[tokio::test]
async fn column_index_out_of_range_is_an_error() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE t (id int)").await;
    let live = connect(&pg, LiveOptions::default()).await;
    let catalog = live.catalog().await.unwrap();
    let err = live
        .stream_rows(table(&catalog, "t"), &[3], |_| Ok(()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("column index 3 out of range"), "{err}");
}
