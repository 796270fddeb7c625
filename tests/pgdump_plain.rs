//! Plain `pg_dump` files made by the real pg_dump: the scanner's table of
//! contents and every row read back, compared with what SELECT returns.

mod common;

use common::{gzip_copy, pg_dump, TestPg};
use lifeboat::backup::pgdump::{scan, PlainRows, Toc, TocEntry};
use lifeboat::catalog::{quote_ident, TableName};
use sqlx::{AssertSqlSafe, Row};
use std::path::PathBuf;

const SETUP: &str = r#"
CREATE TABLE awkward (
    id integer PRIMARY KEY,
    body text,
    amount numeric(10,2),
    flag boolean,
    doc jsonb,
    tags text[],
    raw bytea
);
INSERT INTO awkward VALUES
    (1, E'tab\there\nnew line\r\nback\\slash', 10.50, true, '{"b": 1, "a": "x\ty"}', ARRAY['a,b', 'c"d', NULL], '\x00ff5c'),
    (2, '', NULL, false, 'null', '{}', ''),
    (3, NULL, 0, NULL, NULL, NULL, NULL),
    (4, '\N', -1.25, true, '[]', ARRAY['\N'], '\x5c4e'),
    (5, E'\\.', 1, true, '"\\\\."', ARRAY[E'\\.'], NULL),
    (6, 'quotes '' and " and ;', 2, false, '{}', '{}', NULL),
    (7, 'unicode: é € 日本語 🙂 and ZWJ 👩‍💻', 3, true, '{"ü": "ß"}', ARRAY['ü'], NULL),
    (8, E'\\N', 4, true, NULL, NULL, NULL),
    (9, E'bell\007 esc\033[31m del\177', 5, false, NULL, NULL, NULL);

CREATE TABLE "vector-sync-status" (
    "itemId" bigint,
    "camelCase" text,
    "se;mi""quote" text
);
INSERT INTO "vector-sync-status" VALUES (1, 'A', 'x'), (2, NULL, ''), (NULL, 'b', NULL);

CREATE TABLE "Empty"(id int);
CREATE TABLE nocols();
INSERT INTO nocols DEFAULT VALUES;
INSERT INTO nocols DEFAULT VALUES;

CREATE SCHEMA other;
CREATE TABLE other.awkward (v text);
INSERT INTO other.awkward VALUES ('other schema');

-- A function body with a COPY line in it: not a data block.
CREATE FUNCTION trap() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
COPY awkward (id) FROM stdin;
RETURN 1;
END $$;
"#;

fn entry<'a>(toc: &'a Toc, schema: &str, name: &str) -> &'a TocEntry {
    let wanted = TableName::new(Some(schema), name);
    let hits: Vec<&TocEntry> = toc.entries.iter().filter(|e| e.table == wanted).collect();
    assert_eq!(hits.len(), 1, "{wanted}: {:?}", toc.entries);
    hits[0]
}

fn read_rows(toc: &Toc, e: &TocEntry) -> Vec<Vec<Option<String>>> {
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    for row in PlainRows::open(toc, e).unwrap() {
        let row = row.unwrap();
        lines.push(row.line);
        rows.push(row.fields);
    }
    // One line per row, right after the COPY line.
    let expected: Vec<u64> = (e.data_line..e.data_line + e.rows).collect();
    assert_eq!(lines, expected, "{}", e.table);
    rows.sort();
    rows
}

/// Every column as its type's output function writes it, as COPY does
/// (`concat`, not `::text`: a boolean cast to text is `true`, its output is `t`).
async fn select_text(
    pg: &TestPg,
    table: &TableName,
    columns: &[String],
) -> Vec<Vec<Option<String>>> {
    let list: Vec<String> = columns
        .iter()
        .map(|c| {
            let c = quote_ident(c);
            format!("CASE WHEN {c} IS NULL THEN NULL ELSE concat({c}) END")
        })
        .collect();
    let select = if list.is_empty() {
        "NULL".to_owned()
    } else {
        list.join(", ")
    };
    let sql = format!("SELECT {select} FROM {}", table.quoted());
    let mut rows: Vec<Vec<Option<String>>> = sqlx::query(AssertSqlSafe(sql))
        .fetch_all(pg.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| r.try_get::<Option<String>, _>(i).unwrap())
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

struct Dumped {
    _dir: tempfile::TempDir,
    plain: PathBuf,
    gz: PathBuf,
}

async fn dumped(pg: &TestPg) -> Dumped {
    pg.exec(SETUP).await;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("dump.sql");
    pg_dump(pg, &plain, &["--format=plain", "--no-owner"]);
    let gz = dir.path().join("dump.sql.gz");
    gzip_copy(&plain, &gz);
    Dumped {
        _dir: dir,
        plain,
        gz,
    }
}

#[tokio::test]
async fn toc_lists_every_data_block_with_columns_offsets_and_counts() {
    let pg = TestPg::new().await;
    let d = dumped(&pg).await;
    let toc = scan(&d.plain).unwrap();
    assert!(!toc.gzip);
    let mut names: Vec<String> = toc.entries.iter().map(|e| e.table.to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "other.awkward",
            "public.Empty",
            "public.awkward",
            "public.nocols",
            "public.vector-sync-status"
        ]
    );

    let awkward = entry(&toc, "public", "awkward");
    assert_eq!(
        awkward.columns,
        ["id", "body", "amount", "flag", "doc", "tags", "raw"]
    );
    assert_eq!(awkward.rows, 9);
    let vss = entry(&toc, "public", "vector-sync-status");
    assert_eq!(vss.columns, ["itemId", "camelCase", "se;mi\"quote"]);
    assert_eq!(vss.rows, 3);
    assert_eq!(entry(&toc, "public", "Empty").rows, 0);
    let nocols = entry(&toc, "public", "nocols");
    assert!(nocols.columns.is_empty());
    assert_eq!(nocols.rows, 2);
    assert_eq!(entry(&toc, "other", "awkward").rows, 1);

    // The offsets and line numbers point just past each COPY line.
    let text = std::fs::read(&d.plain).unwrap();
    let all_lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    for e in &toc.entries {
        let copy = String::from_utf8_lossy(all_lines[(e.copy_line - 1) as usize]);
        assert!(
            copy.starts_with("COPY ") && copy.ends_with("FROM stdin;"),
            "{copy}"
        );
        assert_eq!(e.data_line, e.copy_line + 1);
        let start = text[..e.data_offset as usize]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        assert_eq!(start, e.data_line, "{}", e.table);
        assert_eq!(text[e.data_offset as usize - 1], b'\n');
    }
    // The function body's `COPY awkward (id) FROM stdin;` is in the file but is no block.
    assert!(all_lines
        .iter()
        .any(|l| l.starts_with(b"COPY awkward (id) FROM stdin;")));
}

#[tokio::test]
async fn every_row_read_equals_what_select_returns_plain_and_gzipped() {
    let pg = TestPg::new().await;
    let d = dumped(&pg).await;
    let toc = scan(&d.plain).unwrap();
    let gz_toc = scan(&d.gz).unwrap();
    assert!(gz_toc.gzip);
    assert_eq!(gz_toc.entries, toc.entries);
    for e in &toc.entries {
        let expected = select_text(&pg, &e.table, &e.columns).await;
        let rows = read_rows(&toc, e);
        assert_eq!(rows.len() as u64, e.rows);
        assert_eq!(rows, expected, "{}", e.table);
        assert_eq!(read_rows(&gz_toc, e), expected, "{} (gzip)", e.table);
    }
    // Spot checks that the awkward values really are awkward.
    let rows = read_rows(&toc, entry(&toc, "public", "awkward"));
    let body = |id: &str| rows.iter().find(|r| r[0].as_deref() == Some(id)).unwrap()[1].clone();
    assert_eq!(
        body("1").as_deref(),
        Some("tab\there\nnew line\r\nback\\slash")
    );
    assert_eq!(body("2").as_deref(), Some(""));
    assert_eq!(body("3"), None);
    assert_eq!(body("4").as_deref(), Some("\\N"));
    assert_eq!(body("5").as_deref(), Some("\\."));
}

#[tokio::test]
async fn a_truncated_dump_is_an_error_naming_the_table() {
    let pg = TestPg::new().await;
    let d = dumped(&pg).await;
    let toc = scan(&d.plain).unwrap();
    let e = entry(&toc, "public", "awkward");
    let text = std::fs::read(&d.plain).unwrap();
    // Cut after the first data line of `awkward`.
    let cut = e.data_offset as usize
        + text[e.data_offset as usize..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 1;
    let short = d.plain.with_file_name("short.sql");
    std::fs::write(&short, &text[..cut]).unwrap();
    let err = scan(&short).unwrap_err().to_string();
    assert!(
        err.contains("short.sql")
            && err.contains("public.awkward")
            && err.contains("no end marker"),
        "{err}"
    );
    // Reading with the old TOC from the truncated file stops with an error after the row that is there.
    let stale = Toc {
        path: short.clone(),
        ..toc.clone()
    };
    let got: Vec<_> = PlainRows::open(&stale, e).unwrap().collect();
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    let err = got[1].as_ref().unwrap_err().to_string();
    assert!(err.contains("no end marker"), "{err}");
}
