//! `pg_dump --inserts`, `--column-inserts --rows-per-insert=3` made by the
//! real pg_dump: every table's rows, read from the INSERTs, equal the rows of
//! the COPY-format dump of the same database field for field.

mod common;

use common::{gzip_copy, pg_dump, TestPg};
use lifeboat::backup::pgdump::{scan, DataKind, PlainRows, Toc, TocEntry};
use std::path::PathBuf;

const SETUP: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s fine');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE awkward (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text,
    twice integer GENERATED ALWAYS AS (id * 2) STORED,
    amount numeric(10,2),
    f8 double precision,
    f4 real,
    big bigint,
    flag boolean,
    bits bit(4),
    vbits bit varying(8),
    doc json,
    docb jsonb,
    tags text[],
    raw bytea,
    at timestamp without time zone,
    atz timestamp with time zone,
    span interval,
    u uuid,
    feeling mood,
    score positive_int
);
INSERT INTO awkward (body, amount, f8, f4, big, flag, bits, vbits, doc, docb, tags, raw, at, atz, span, u, feeling, score) VALUES
    (E'tab\there\nnew line\r\nback\\slash ''quoted'' "double"', -12.50, 1.5e-10, -3.25, -9223372036854775808, true, B'0101', B'1',
     '{"a": "x\ty\\z", "n": [1, 2.5e3]}', '{"b": "é\n"}', ARRAY['a,b', 'c"d', NULL, E'back\\slash', ''], '\x00ff5c27',
     '2025-07-12 03:00:00.123456', '2025-07-12 03:00:00+02', '1 day -02:00:03', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'it''s fine', 7),
    ('', 0, 'NaN', 'Infinity', 0, false, B'0000', B'', 'null', '[]', '{}', '', '-infinity', 'infinity', '0', NULL, 'sad', NULL),
    (NULL, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (E'\\N', 1e5, 1e300, 1e-30, 42, true, NULL, B'10101010', '"\\u00e9"', '"\\\\"', ARRAY[E'\\N'], '\x5c4e', NULL, NULL, NULL, NULL, 'ok', 1),
    (E'line one\n\\.\nINSERT INTO awkward VALUES (1);\n-- not a comment /* nor this */ ); ''', 3.14, 2, 2, 2, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (E'unicode: é € 日本語 🙂 and ZWJ 👩‍💻, bell\007 esc\033[31m', 5, 5, 5, 5, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE "vector-sync-status" ("itemId" bigint, "camelCase" text, "se;mi""quote" text);
INSERT INTO "vector-sync-status" SELECT g, 'row ' || g, CASE WHEN g % 2 = 0 THEN NULL ELSE '' END
    FROM generate_series(1, 7) g;

CREATE TABLE "Empty" (id int);
CREATE TABLE nocols ();
INSERT INTO nocols DEFAULT VALUES;
INSERT INTO nocols DEFAULT VALUES;

CREATE SCHEMA other;
CREATE TABLE other.awkward (v text);
INSERT INTO other.awkward VALUES ('other schema'), ('x');
"#;

fn read_all(toc: &Toc, e: &TocEntry) -> Rows {
    let mut rows = Vec::new();
    for row in PlainRows::open(toc, e).unwrap() {
        rows.push(row.unwrap().fields);
    }
    assert_eq!(rows.len() as u64, e.rows, "{}", e.table);
    rows
}

type Rows = Vec<Vec<Option<String>>>;

/// Each entry as (table, columns, rows in dump order), sorted.
fn tables(toc: &Toc) -> Vec<(String, Vec<String>, Rows)> {
    let mut out: Vec<_> = toc
        .entries
        .iter()
        .map(|e| (e.table.to_string(), e.columns.clone(), read_all(toc, e)))
        .collect();
    out.sort();
    out
}

struct Dumps {
    _dir: tempfile::TempDir,
    copy: PathBuf,
    inserts: PathBuf,
    column_inserts: PathBuf,
}

async fn dumps(pg: &TestPg) -> Dumps {
    pg.exec(SETUP).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.sql");
    let inserts = dir.path().join("inserts.sql");
    let column_inserts = dir.path().join("column-inserts.sql");
    pg_dump(pg, &copy, &["--no-owner"]);
    pg_dump(pg, &inserts, &["--no-owner", "--inserts"]);
    pg_dump(
        pg,
        &column_inserts,
        &[
            "--no-owner",
            "--column-inserts",
            "--rows-per-insert=3",
            "--on-conflict-do-nothing",
        ],
    );
    Dumps {
        _dir: dir,
        copy,
        inserts,
        column_inserts,
    }
}

fn assert_same_rows(copy: &Toc, inserts: &Toc) {
    let from_copy: Vec<_> = tables(copy)
        .into_iter()
        .filter(|t| !t.2.is_empty())
        .collect();
    assert_eq!(tables(inserts), from_copy);
}

#[tokio::test]
async fn insert_dumps_give_the_rows_of_the_copy_dump() {
    let pg = TestPg::new().await;
    let d = dumps(&pg).await;
    let copy = scan(&d.copy).unwrap();
    assert!(copy.entries.iter().all(|e| e.kind == DataKind::Copy));
    for path in [&d.inserts, &d.column_inserts] {
        let toc = scan(path).unwrap();
        assert!(toc.entries.iter().all(|e| e.kind == DataKind::Inserts));
        // The empty table has no INSERTs, so no entry.
        assert!(!toc.entries.iter().any(|e| e.table.name == "Empty"));
        assert_same_rows(&copy, &toc);
        // The gzipped file reads the same.
        let gz = path.with_extension("sql.gz");
        gzip_copy(path, &gz);
        let gz_toc = scan(&gz).unwrap();
        assert!(gz_toc.gzip);
        assert_eq!(gz_toc.entries, toc.entries);
        assert_same_rows(&copy, &gz_toc);
    }
    // The generated column is not data (COPY leaves it out too); --inserts
    // names no columns, so they come from the CREATE TABLE.
    let toc = scan(&d.inserts).unwrap();
    let e = toc
        .entries
        .iter()
        .find(|e| e.table.name == "awkward" && e.table.schema.as_deref() == Some("public"))
        .unwrap();
    assert!(!e.columns.contains(&"twice".to_owned()));
    assert_eq!(e.columns[..2], ["id".to_owned(), "body".to_owned()]);
    assert_eq!(e.rows, 6);
}

#[tokio::test]
async fn a_run_of_inserts_is_one_entry_and_rows_carry_their_lines() {
    let pg = TestPg::new().await;
    let d = dumps(&pg).await;
    let toc = scan(&d.column_inserts).unwrap();
    let vss: Vec<&TocEntry> = toc
        .entries
        .iter()
        .filter(|e| e.table.name == "vector-sync-status")
        .collect();
    // Seven rows, three per statement: three statements, one run.
    assert_eq!(vss.len(), 1);
    assert_eq!(vss[0].rows, 7);
    assert_eq!(vss[0].columns, ["itemId", "camelCase", "se;mi\"quote"]);
    let text = std::fs::read_to_string(&d.column_inserts).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let first = lines[(vss[0].data_line - 1) as usize];
    assert!(
        first.starts_with("INSERT INTO public.\"vector-sync-status\""),
        "{first}"
    );
    assert_eq!(&text[vss[0].data_offset as usize..][..11], "INSERT INTO");
    for row in PlainRows::open(&toc, vss[0]).unwrap() {
        let row = row.unwrap();
        let line = lines[(row.line - 1) as usize];
        let id = row.fields[0].as_deref().unwrap();
        assert!(line.trim_start().starts_with(&format!("({id}, ")), "{line}");
    }
    let nocols = toc
        .entries
        .iter()
        .find(|e| e.table.name == "nocols")
        .unwrap();
    assert!(nocols.columns.is_empty());
    assert_eq!(
        read_all(&toc, nocols),
        vec![Vec::<Option<String>>::new(); 2]
    );
}

#[tokio::test]
async fn backslash_strings_when_standard_conforming_strings_is_off() {
    let pg = TestPg::new().await;
    pg.exec(SETUP).await;
    let sql = format!(
        "ALTER DATABASE {} SET standard_conforming_strings = off",
        lifeboat::catalog::quote_ident(pg.name())
    );
    pg.exec(&sql).await;
    let dir = tempfile::tempdir().unwrap();
    let (copy, inserts) = (dir.path().join("c.sql"), dir.path().join("i.sql"));
    pg_dump(&pg, &copy, &["--no-owner"]);
    pg_dump(&pg, &inserts, &["--no-owner", "--inserts"]);
    let text = std::fs::read_to_string(&inserts).unwrap();
    assert!(text.contains("SET standard_conforming_strings = off;"));
    let (copy, inserts) = (scan(&copy).unwrap(), scan(&inserts).unwrap());
    assert!(inserts.entries.iter().all(|e| e.inserts.backslashes));
    assert_same_rows(&copy, &inserts);
}

#[tokio::test]
async fn malformed_inserts_are_errors_naming_file_line_and_what_was_expected() {
    let pg = TestPg::new().await;
    let d = dumps(&pg).await;
    let text = std::fs::read_to_string(&d.inserts).unwrap();
    let (n, line) = text
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.starts_with("INSERT INTO other.awkward"))
        .unwrap();
    // (the changed line, the error's words, its line after the INSERT's)
    let cases = [
        (line.replace("VALUES ('", "VALUES (x'"), "bit string", 0),
        (
            line.replace("');", "', 2);"),
            "expected 1 values in a row, found 2",
            0,
        ),
        // Found at the next statement.
        (
            line.replace("');", "')"),
            "expected `,` or `;` after a row, found insert",
            1,
        ),
        (
            line.replace("VALUES ('", "VALUES (@'"),
            "expected a value",
            0,
        ),
        (line.replace("VALUES", "SELECT"), "expected VALUES", 0),
    ];
    for (bad, expected, below) in cases {
        let path = d.inserts.with_file_name("bad.sql");
        std::fs::write(&path, text.replacen(line, &bad, 1)).unwrap();
        let err = scan(&path).unwrap_err().to_string();
        assert!(
            err.contains(&format!("bad.sql:{}: ", n + 1 + below)) && err.contains(expected),
            "{bad}: {err}"
        );
    }
    // A string that never ends names the line it started on.
    let path = d.inserts.with_file_name("cut.sql");
    let cut = text.find(line).unwrap() + line.find('\'').unwrap() + 3;
    std::fs::write(&path, &text[..cut]).unwrap();
    let err = scan(&path).unwrap_err().to_string();
    assert!(
        err.contains(&format!("line {}", n + 1)) && err.contains("never ends"),
        "{err}"
    );
}
