//! Rendered literals and statements executed by real databases: every value
//! class goes into PostgreSQL and SQLite through `literal` + `render_insert`
//! and reads back equal by meaning; UPDATE/DELETE hit exactly their rows;
//! the sequence catch-up never moves a sequence back.

mod common;

use common::{temp_sqlite, TestPg};
use lifeboat::catalog::{Catalog, Dialect, Table, TableName};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::restore::literal::{
    delete_statements, literal, render_insert, render_setval_to_max, render_update,
    sequence_of_default, InsertBatch, DEFAULT_BATCH_ROWS, PG_PREAMBLE,
};
use lifeboat::value::{canonicalize, classify, Cell};
use sqlx::{AssertSqlSafe, Connection};
use std::path::Path;

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}
fn n(s: &str) -> Cell {
    Cell::Number(s.into())
}
fn j(s: &str) -> Cell {
    Cell::Json(s.into())
}

const PG_SCHEMA: &str = r#"
CREATE TYPE "Mood-Type" AS ENUM ('happy', 'it''s ok', 'Sad "really"');
CREATE TABLE "every-Class" (
    id integer PRIMARY KEY, "txtCol" text, "shortText" varchar(12), ch char(5),
    i2 smallint, i4 integer, i8 bigint, n102 numeric(10,2), n numeric, r real,
    d double precision, b boolean, u uuid, dt date, tm time, tmz timetz, ts timestamp,
    tstz timestamptz, iv interval, j json, jb jsonb, by bytea, ta text[], ia integer[],
    nested integer[], mood "Mood-Type", moods "Mood-Type"[], ba bytea[], jba jsonb[]
);
"#;

/// Rows in the column order above: CSV/COPY-style text, JSON-backup cells,
/// and NULLs with the special float and date words.
fn pg_rows() -> Vec<Vec<Cell>> {
    let awkward =
        "quote ' and \"double\" and back\\slash\nnewline\ttab\r\nCRLF é ✓ 🚑 中文 \\N '' \\'";
    vec![
        vec![
            t("1"),
            t(awkward),
            t("héllo 'w'"),
            t("ab"),
            t("-32768"),
            t("2147483647"),
            t("-9223372036854775808"),
            t("1234.565"),
            t("-0.000000000000000000001234567890123456789"),
            t("3.4028235e38"),
            t("1e-300"),
            t("t"),
            t("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"),
            t("2024-02-29"),
            t("23:59:59.999999"),
            t("12:00:00+05:30"),
            t("2024-03-01T12:34:56.789"),
            t("2024-03-01T12:34:56.789+02:00"),
            t("1 year 2 mons 3 days 04:05:06.5"),
            t(r#"{"b": [1, 2.50], "a": "x'y\\\"z"}"#),
            t(r#"{"b": [1, 2.50], "a": "x'y\\\"z", "nl": "\n"}"#),
            t("\\x00ff27"),
            t(r#"{"a b","c\"d",NULL,"e\\\\f","NULL","",'q'}"#),
            t("{1,NULL,-3}"),
            t("{{1,2},{3,4}}"),
            t("it's ok"),
            t(r#"{happy,"Sad \"really\""}"#),
            t(r#"{"\\\\x00ff"}"#),
            t(r#"{"{\"a\":1}"}"#),
        ],
        vec![
            Cell::Int(2),
            t(""),
            Cell::Null,
            t("x"),
            n("7"),
            Cell::Int(-1),
            n("1e3"),
            n("10.5"),
            n("1e-5"),
            Cell::Float(0.1),
            Cell::Float(-0.0),
            Cell::Bool(false),
            t("A0EEBC999C0B4EF8BB6D6BB9BD380A11"),
            t("2025-07-10T00:00:00.000Z"),
            t("07:08"),
            t("01:02:03Z"),
            Cell::Int(1_700_000_000),
            n("1700000000123"),
            t("00:00:01"),
            j(r#"{"z":null,"a":[true,false]}"#),
            j(r#"[1,"two",{"3":4}]"#),
            Cell::Bytes(vec![0, 1, 2, b'\\', b'\'', b'"']),
            j(r#"["it's","back\\slash","quote\"",null,"{","}",","]"#),
            j("[]"),
            j("[[1,null],[null,4]]"),
            t("happy"),
            j(r#"["happy","it's ok"]"#),
            j(r#"["\\x01", null]"#),
            j(r#"[{"b":2,"a":1},[1,2],"str",null]"#),
        ],
        {
            let mut row = vec![Cell::Null; 29];
            row[0] = t("3");
            row[9] = t("-Infinity");
            row[10] = t("NaN");
            row[13] = t("infinity");
            row[17] = t("-infinity");
            row[7] = t("NaN");
            row
        },
    ]
}

async fn connect(url: &str) -> LiveDb {
    LiveDb::connect(&DbUrl::parse(url).unwrap(), &LiveOptions::default())
        .await
        .unwrap()
}

async fn read_all(live: &LiveDb, table: &Table) -> Vec<Vec<Cell>> {
    let cols: Vec<usize> = (0..table.columns.len()).collect();
    let mut rows = Vec::new();
    live.stream_rows(table, &cols, |row| {
        rows.push(row.to_vec());
        Ok(())
    })
    .await
    .unwrap();
    rows
}

/// INSERT script for `rows` into `table`, literals rendered per column.
fn insert_script(catalog: &Catalog, table: &Table, rows: &[Vec<Cell>], max_rows: usize) -> String {
    let dialect = catalog.dialect;
    let rendered: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&table.columns)
                .map(|(cell, col)| {
                    let class = classify(&col.data_type, dialect, &catalog.enums);
                    literal(cell, col, &class, dialect)
                        .unwrap_or_else(|e| panic!("{}: {cell:?}: {e}", col.name))
                })
                .collect()
        })
        .collect();
    let batch = InsertBatch {
        table: &table.name,
        columns: table.columns.iter().map(|c| c.name.as_str()).collect(),
        rows: rendered,
        overriding_system_value: false,
    };
    render_insert(&batch, dialect, max_rows).unwrap()
}

/// Every read-back value equals its original by meaning in the column's class.
fn assert_same(catalog: &Catalog, table: &Table, original: &[Vec<Cell>], read: &[Vec<Cell>]) {
    assert_eq!(original.len(), read.len());
    let id_class = classify(&table.columns[0].data_type, catalog.dialect, &catalog.enums);
    let id = |row: &Vec<Cell>| {
        canonicalize(&row[0], &id_class)
            .unwrap()
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    let mut read: Vec<&Vec<Cell>> = read.iter().collect();
    read.sort_by_key(|r| id(r));
    for (orig, back) in original.iter().zip(read) {
        assert_eq!(id(orig), id(back));
        assert_eq!(orig.len(), table.columns.len());
        assert_eq!(back.len(), table.columns.len());
        for ((o, b), col) in orig.iter().zip(back).zip(&table.columns) {
            let class = classify(&col.data_type, catalog.dialect, &catalog.enums);
            assert_eq!(
                canonicalize(o, &class).unwrap(),
                canonicalize(b, &class).unwrap(),
                "row {}, column {} ({}): wrote {o:?}, read {b:?}",
                id(orig),
                col.name,
                col.data_type
            );
        }
    }
}

#[tokio::test]
async fn every_class_round_trips_through_postgres() {
    let pg = TestPg::new().await;
    pg.exec(PG_SCHEMA).await;
    let live = connect(&pg.url()).await;
    let catalog = live.catalog().await.unwrap();
    let table = catalog
        .table(&TableName::new(Some("public"), "every-Class"))
        .unwrap();
    let rows = pg_rows();
    // Two rows per statement: the batching is exercised too.
    let script = insert_script(&catalog, table, &rows, 2);
    assert_eq!(
        script,
        insert_script(&catalog, table, &rows, 2),
        "deterministic"
    );
    assert_eq!(script.matches("INSERT INTO").count(), 2);
    assert!(script.contains("::\"Mood-Type\""), "{script}");
    pg.exec(&format!("{PG_PREAMBLE}\nBEGIN;\n{script}\nCOMMIT;"))
        .await;

    let read = read_all(&live, table).await;
    assert_same(&catalog, table, &rows, &read);
    // Text is exact, not merely equal after canonicalisation.
    let first = read.iter().find(|r| r[0] == t("1")).unwrap();
    assert_eq!(first[1], rows[0][1]);
}

#[tokio::test]
async fn standard_conforming_strings_off_is_overridden_by_the_preamble() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE s (id int PRIMARY KEY, v text);")
        .await;
    let live = connect(&pg.url()).await;
    let catalog = live.catalog().await.unwrap();
    let table = catalog.table(&TableName::new(Some("public"), "s")).unwrap();
    let rows = vec![vec![Cell::Int(1), t("back\\slash\\' x")]];
    let script = insert_script(&catalog, table, &rows, DEFAULT_BATCH_ROWS);
    let full = format!("SET standard_conforming_strings = off;\n{PG_PREAMBLE}\n{script}\n");
    // As an operator would run it: the script through psql, as-is.
    match psql(&pg.url(), &full) {
        Some(ok) => assert!(ok, "psql refused the script:\n{full}"),
        None => pg.exec(&full).await,
    }
    let read = read_all(&live, table).await;
    assert_eq!(read[0][1], t("back\\slash\\' x"));
}

#[tokio::test]
async fn update_and_batched_delete_hit_exactly_their_rows_in_postgres() {
    let pg = TestPg::new().await;
    pg.exec(
        r#"CREATE TABLE "key-Pairs" ("orgId" text, n int, note text, UNIQUE ("orgId", n));
           INSERT INTO "key-Pairs" SELECT 'o''' || (i % 3), i, 'n' FROM generate_series(1, 9) i;
           INSERT INTO "key-Pairs" VALUES (NULL, 100, 'null key');"#,
    )
    .await;
    let name = TableName::new(Some("public"), "key-Pairs");
    let update = render_update(
        &name,
        &[("orgId", "'o''1'".into()), ("n", "4".into())],
        &[("note", "'it''s \\ new'".into())],
    )
    .unwrap();
    pg.exec(&update).await;
    let keys = vec![
        vec!["'o''1'".to_owned(), "1".to_owned()],
        vec!["'o''2'".to_owned(), "2".to_owned()],
        vec!["NULL".to_owned(), "100".to_owned()],
    ];
    for sql in delete_statements(&name, &["orgId", "n"], &keys, Dialect::Postgres, 500).unwrap() {
        pg.exec(&sql).await;
    }
    let rows: Vec<(Option<String>, i32, String)> =
        sqlx::query_as(r#"SELECT "orgId", n, note FROM "key-Pairs" ORDER BY n"#)
            .fetch_all(pg.pool())
            .await
            .unwrap();
    let ns: Vec<i32> = rows.iter().map(|r| r.1).collect();
    assert_eq!(ns, [3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(rows[1].2, "it's \\ new");
    assert!(rows.iter().filter(|r| r.1 != 4).all(|r| r.2 == "n"));
}

async fn next_ids(pg: &TestPg, table: &str) -> (i64, i64, i64) {
    let sql = format!(
        r#"INSERT INTO "{table}" (note) VALUES ('app') RETURNING "idAlways"::bigint, ser::bigint, named"#
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .fetch_one(pg.pool())
        .await
        .unwrap()
}

/// The three catch-up statements for the table: identity and serial via
/// pg_get_serial_sequence, the named sequence via its DEFAULT.
fn setvals(table: &Table) -> String {
    let mut script = Vec::new();
    for (column, named) in [("idAlways", false), ("ser", false), ("named", true)] {
        let col = table.column(column).unwrap();
        let seq = if named {
            let seq = sequence_of_default(col.default.as_deref().unwrap());
            assert_eq!(seq.as_deref(), Some("\"Odd-Seq\""));
            seq
        } else {
            None
        };
        script.push(
            render_setval_to_max(&table.name, column, seq.as_deref(), Dialect::Postgres).unwrap(),
        );
    }
    script.join("\n")
}

#[tokio::test]
async fn sequences_move_forward_to_the_max_and_never_back() {
    let pg = TestPg::new().await;
    let ddl = |name: &str| {
        format!(
            r#"CREATE TABLE "{name}" (
                "idAlways" integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                ser serial,
                named bigint DEFAULT nextval('"Odd-Seq"'::regclass),
                note text);"#
        )
    };
    pg.exec(&format!(
        "CREATE SEQUENCE \"Odd-Seq\";\n{}\n{}",
        ddl("seq-Test"),
        ddl("empty-Test")
    ))
    .await;
    let live = connect(&pg.url()).await;
    let catalog = live.catalog().await.unwrap();
    let table = catalog
        .table(&TableName::new(Some("public"), "seq-Test"))
        .unwrap();
    let empty = catalog
        .table(&TableName::new(Some("public"), "empty-Test"))
        .unwrap();

    // An empty table leaves a fresh sequence alone.
    pg.exec(&setvals(empty)).await;
    let serial_last: (i64, bool) =
        sqlx::query_as(r#"SELECT last_value, is_called FROM "empty-Test_ser_seq""#)
            .fetch_one(pg.pool())
            .await
            .unwrap();
    assert_eq!(serial_last, (1, false));

    // Explicit ids above the sequences: restored with OVERRIDING SYSTEM VALUE.
    let batch = InsertBatch {
        table: &table.name,
        columns: vec!["idAlways", "ser", "named", "note"],
        rows: (1..=50)
            .map(|i| {
                vec![
                    i.to_string(),
                    i.to_string(),
                    i.to_string(),
                    "'restored'".into(),
                ]
            })
            .collect(),
        overriding_system_value: true,
    };
    pg.exec(&render_insert(&batch, Dialect::Postgres, DEFAULT_BATCH_ROWS).unwrap())
        .await;
    let script = setvals(table);
    assert_eq!(script, setvals(table), "deterministic");
    pg.exec(&script).await;
    assert_eq!(next_ids(&pg, "seq-Test").await, (51, 51, 51));

    // Sequences ahead of the max stay where they are.
    pg.exec(
        r#"SELECT setval(pg_get_serial_sequence('"seq-Test"', 'idAlways'), 1000);
           SELECT setval(pg_get_serial_sequence('"seq-Test"', 'ser'), 1000);
           SELECT setval('"Odd-Seq"', 1000);"#,
    )
    .await;
    pg.exec(&script).await;
    assert_eq!(next_ids(&pg, "seq-Test").await, (1001, 1001, 1001));

    // Not yet called at 5000 (next would be 5000): not moved back either.
    pg.exec(
        r#"SELECT setval(pg_get_serial_sequence('"seq-Test"', 'idAlways'), 5000, false);
           SELECT setval(pg_get_serial_sequence('"seq-Test"', 'ser'), 5000, false);
           SELECT setval('"Odd-Seq"', 5000, false);"#,
    )
    .await;
    pg.exec(&script).await;
    let (a, s, named) = next_ids(&pg, "seq-Test").await;
    for id in [a, s, named] {
        assert!((5000..=5001).contains(&id), "moved back or too far: {id}");
    }
}

const SQLITE_SCHEMA: &str = r#"
CREATE TABLE "every-Class" (
    id INTEGER PRIMARY KEY, "txtCol" TEXT, "shortText" VARCHAR(5), i INTEGER,
    n102 NUMERIC(10,2), n NUMERIC, r REAL, b BOOLEAN, u UUID, dt DATE, ts DATETIME,
    tstz TIMESTAMPTZ, j JSON, bl BLOB, anything
);
"#;

fn sqlite_rows() -> Vec<Vec<Cell>> {
    vec![
        vec![
            t("1"),
            t("quote ' \"dq\" back\\slash\nnl\ttab é 🚑 ''"),
            t("longer than five, SQLite does not care"),
            t(" 12 "),
            t("1234.5"),
            t("-0.001"),
            t("1e300"),
            t("yes"),
            t("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
            t("2024-02-29"),
            t("2024-03-01T12:34:56Z"),
            t("2024-03-01 12:34:56+02:00"),
            t(r#"{"b":1,"a":"x'y"}"#),
            Cell::Bytes(vec![0, 39, 92, 255]),
            t("it's anything"),
        ],
        vec![
            Cell::Int(2),
            t(""),
            Cell::Null,
            n("-9223372036854775808"),
            n("10.5"),
            Cell::Float(2.25),
            Cell::Float(f64::INFINITY),
            Cell::Bool(false),
            Cell::Bytes((0..16).collect()),
            Cell::Int(1_700_000_000),
            n("1700000000123"),
            Cell::Float(1_700_000_000.5),
            j(r#"[1,"it's",null]"#),
            t("\\x0aff"),
            Cell::Bytes(vec![0xff, 0]),
        ],
        {
            let mut row = vec![Cell::Null; 15];
            row[0] = Cell::Int(3);
            row
        },
    ]
}

#[tokio::test]
async fn every_class_round_trips_through_sqlite() {
    let (_dir, path) = temp_sqlite(SQLITE_SCHEMA);
    let url = path.to_str().unwrap().to_owned();
    let catalog = connect(&url).await.catalog().await.unwrap();
    let table = catalog.table(&TableName::new(None, "every-Class")).unwrap();
    let rows = sqlite_rows();
    let script = insert_script(&catalog, table, &rows, 2);
    assert_eq!(
        script,
        insert_script(&catalog, table, &rows, 2),
        "deterministic"
    );
    assert!(!script.contains("::"), "no casts in SQLite: {script}");
    sqlite_exec(&path, &format!("BEGIN;\n{script}\nCOMMIT;")).await;

    let live = connect(&url).await;
    let read = read_all(&live, table).await;
    assert_same(&catalog, table, &rows, &read);
    // SQLite keeps the application's own text and storage class.
    let first = read.iter().find(|r| r[0] == Cell::Int(1)).unwrap();
    assert_eq!(first[1], rows[0][1]);
    assert_eq!(first[10], t("2024-03-01T12:34:56Z"));
    let second = read.iter().find(|r| r[0] == Cell::Int(2)).unwrap();
    assert_eq!(second[9], Cell::Int(1_700_000_000));
    assert_eq!(second[8], Cell::Bytes((0..16).collect()));
    assert_eq!(second[13], Cell::Bytes(vec![0x0a, 0xff]));
}

#[tokio::test]
async fn update_and_or_chain_delete_in_sqlite() {
    let (_dir, path) = temp_sqlite(
        r#"CREATE TABLE "key-Pairs" ("orgId" TEXT, n INTEGER, note TEXT);
           INSERT INTO "key-Pairs" VALUES ('o''1', 1, 'n'), ('o''2', 2, 'n'), ('o''1', 3, 'n'),
                                          (NULL, 4, 'n');"#,
    );
    let name = TableName::new(None, "key-Pairs");
    let update = render_update(
        &name,
        &[("orgId", "'o''1'".into()), ("n", "3".into())],
        &[("note", "'it''s'".into())],
    )
    .unwrap();
    let keys = vec![
        vec!["'o''1'".to_owned(), "1".to_owned()],
        vec!["'o''2'".to_owned(), "2".to_owned()],
        vec!["NULL".to_owned(), "4".to_owned()],
    ];
    let deletes = delete_statements(&name, &["orgId", "n"], &keys, Dialect::Sqlite, 500).unwrap();
    sqlite_exec(&path, &format!("{update}\n{}", deletes.join("\n"))).await;
    let mut conn = sqlite_conn(&path).await;
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as(r#"SELECT "orgId", n, note FROM "key-Pairs""#)
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(rows, [("o'1".to_owned(), 3, "it's".to_owned())]);
}

/// Run `script` with psql; `None` when psql is not installed.
fn psql(url: &str, script: &str) -> Option<bool> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    Some(child.wait().ok()?.success())
}

async fn sqlite_conn(path: &Path) -> sqlx::SqliteConnection {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap()
}

async fn sqlite_exec(path: &Path, sql: &str) {
    let mut conn = sqlite_conn(path).await;
    if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
    {
        panic!("SQLite script failed: {e}\n{sql}");
    }
    conn.close().await.unwrap();
}
