use super::*;
use crate::catalog::{Column, TableName};
use std::collections::BTreeMap;

fn col(data_type: &str) -> Column {
    Column {
        name: "c".into(),
        data_type: data_type.into(),
        nullable: true,
        default: None,
        identity: None,
        generated: None,
    }
}

fn pg(cell: Cell, data_type: &str) -> Result<String, Incompatible> {
    let mut enums = BTreeMap::new();
    enums.insert(
        "Mood".to_owned(),
        vec!["happy".to_owned(), "it's ok".to_owned()],
    );
    let class = crate::value::classify(data_type, Dialect::Postgres, &enums);
    literal(&cell, &col(data_type), &class, Dialect::Postgres)
}

fn lite(cell: Cell, data_type: &str) -> Result<String, Incompatible> {
    let class = crate::value::classify(data_type, Dialect::Sqlite, &BTreeMap::new());
    literal(&cell, &col(data_type), &class, Dialect::Sqlite)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn postgres_text_doubles_quotes_and_keeps_backslashes() {
    assert_eq!(
        pg(text("it's a \\n\nline"), "text").unwrap(),
        "'it''s a \\n\nline'::text"
    );
    assert_eq!(pg(Cell::Null, "text").unwrap(), "NULL");
    let err = pg(text("a\0b"), "text").unwrap_err();
    assert!(err.reason.contains("NUL"), "{err}");
}

#[test]
fn postgres_scalars_are_canonical_with_casts() {
    assert_eq!(pg(text(" 42 "), "integer").unwrap(), "42");
    assert_eq!(pg(Cell::Int(-7), "bigint").unwrap(), "-7");
    assert!(pg(text("1; DROP TABLE t"), "integer").is_err());
    assert_eq!(pg(text("yes"), "boolean").unwrap(), "true");
    assert_eq!(
        pg(Cell::Number("10.5".into()), "numeric(10,2)").unwrap(),
        "'10.50'::numeric(10,2)"
    );
    assert!(pg(text("123456789.5"), "numeric(10,2)").is_err());
    assert_eq!(
        pg(
            text("2024-03-01T12:34:56+02:00"),
            "timestamp with time zone"
        )
        .unwrap(),
        "'2024-03-01 10:34:56+00'::timestamp with time zone"
    );
    assert_eq!(
        pg(Cell::Bytes(vec![0, 0x27, 0x5c]), "bytea").unwrap(),
        "'\\x00275c'::bytea"
    );
    assert_eq!(
        pg(text("it's ok"), "\"Mood\"").unwrap(),
        "'it''s ok'::\"Mood\""
    );
    assert!(pg(text("sad"), "\"Mood\"").is_err());
    assert_eq!(
        pg(Cell::Json(r#"{"b":1,"a":"x'y"}"#.into()), "jsonb").unwrap(),
        r#"'{"a":"x''y","b":1}'::jsonb"#
    );
    let err = pg(Cell::Json(r#"{"a":"\u0000"}"#.into()), "jsonb").unwrap_err();
    assert!(err.reason.contains("u0000"), "{err}");
    // An escaped backslash before u0000 is not a NUL.
    assert!(pg(Cell::Json(r#"{"a":"\\u0000"}"#.into()), "jsonb").is_ok());
    assert!(pg(Cell::Json(r#"{"a":"\u0000"}"#.into()), "json").is_ok());
}

#[test]
fn postgres_arrays_quote_every_element() {
    assert_eq!(
        pg(text(r#"{a,"b \"c\"",NULL,"NULL","x\\y"}"#), "text[]").unwrap(),
        r#"'{"a","b \"c\"",NULL,"NULL","x\\y"}'::text[]"#
    );
    assert_eq!(
        pg(Cell::Json("[[1,2],[3,null]]".into()), "integer[]").unwrap(),
        r#"'{{"1","2"},{"3",NULL}}'::integer[]"#
    );
    assert_eq!(pg(text("{}"), "integer[]").unwrap(), "'{}'::integer[]");
    assert_eq!(
        pg(Cell::Json(r#"["it's"]"#.into()), "text[]").unwrap(),
        r#"'{"it''s"}'::text[]"#
    );
    assert!(pg(Cell::Json("[[1,2],[3]]".into()), "integer[]").is_err());
    assert!(pg(Cell::Json("[1,[2]]".into()), "integer[]").is_err());
    assert!(pg(Cell::Json("[[],[]]".into()), "integer[]").is_err());
    assert!(pg(Cell::Json(r#"["a\u0000"]"#.into()), "text[]").is_err());
}

#[test]
fn type_text_cannot_break_out() {
    for bad in [
        "text; DROP TABLE x",
        "text--",
        "text/*",
        "te'xt",
        "\"unterminated",
        "numeric(10,2",
        "int)",
        "",
    ] {
        let err = pg(text("1"), bad);
        assert!(err.is_err(), "{bad:?} accepted: {err:?}");
    }
    for good in [
        "\"we;ird--type\"",
        "public.\"Mood\"",
        "character varying(20)[]",
        "timestamp(3) with time zone",
        "\"bazaar-vid_status\"",
        "\"a\"\"b\"",
    ] {
        assert!(type_text::cast_type(good).is_ok(), "{good:?} refused");
    }
}

#[test]
fn sqlite_keeps_given_text_and_validates_numbers() {
    assert_eq!(lite(text("it's\\"), "TEXT").unwrap(), "'it''s\\'");
    assert_eq!(
        lite(text("2024-03-01T12:34:56Z"), "DATETIME").unwrap(),
        "'2024-03-01T12:34:56Z'"
    );
    assert_eq!(
        lite(Cell::Int(1_700_000_000), "DATETIME").unwrap(),
        "1700000000"
    );
    assert_eq!(lite(text(" 12 "), "INTEGER").unwrap(), "12");
    assert!(lite(text("1); DROP TABLE t; --"), "INTEGER").is_err());
    assert!(lite(text("abc"), "NUMERIC").is_err());
    assert_eq!(lite(Cell::Float(0.1), "REAL").unwrap(), "0.1");
    assert_eq!(lite(Cell::Float(f64::INFINITY), "REAL").unwrap(), "9e999");
    assert!(lite(Cell::Float(f64::NAN), "REAL").is_err());
    assert_eq!(lite(Cell::Bool(true), "BOOLEAN").unwrap(), "1");
    assert_eq!(lite(text("f"), "BOOLEAN").unwrap(), "0");
    assert_eq!(lite(Cell::Bytes(vec![0, 255]), "BLOB").unwrap(), "X'00ff'");
    assert_eq!(
        lite(Cell::Bytes(vec![1; 16]), "UUID").unwrap(),
        format!("X'{}'", "01".repeat(16))
    );
    assert_eq!(
        lite(Cell::Json(r#"{"a":"'"}"#.into()), "JSON").unwrap(),
        r#"'{"a":"''"}'"#
    );
    assert!(lite(text("a\0"), "TEXT").is_err());
}

#[test]
fn number_literal_grammar() {
    for ok in ["0", "-1", "1.5", "1e3", "-2.5E-7", "10.50"] {
        assert!(is_number_literal(ok), "{ok}");
    }
    for bad in ["", "-", "1.", ".5", "1e", "1e+", "0x1", "1 ", "1;"] {
        assert!(!is_number_literal(bad), "{bad}");
    }
}

fn table() -> TableName {
    TableName::new(Some("public"), "vector-sync")
}

#[test]
fn insert_batches_and_overriding() {
    let t = table();
    let batch = InsertBatch {
        table: &t,
        columns: vec!["id", "userId"],
        rows: (1..=5)
            .map(|i| vec![i.to_string(), format!("'u{i}'")])
            .collect(),
        overriding_system_value: true,
    };
    let pg = insert_statements(&batch, Dialect::Postgres, 2).unwrap();
    assert_eq!(pg.len(), 3);
    assert_eq!(
        pg[0],
        "INSERT INTO \"public\".\"vector-sync\" (\"id\", \"userId\") OVERRIDING SYSTEM VALUE VALUES\n  (1, 'u1'),\n  (2, 'u2');"
    );
    assert_eq!(pg[2], "INSERT INTO \"public\".\"vector-sync\" (\"id\", \"userId\") OVERRIDING SYSTEM VALUE VALUES\n  (5, 'u5');");
    let lite = render_insert(&batch, Dialect::Sqlite, DEFAULT_BATCH_ROWS).unwrap();
    assert!(!lite.contains("OVERRIDING"));
    assert_eq!(lite.matches("INSERT").count(), 1);
    assert_eq!(
        render_insert(&batch, Dialect::Sqlite, DEFAULT_BATCH_ROWS).unwrap(),
        lite
    );

    let mut bad = batch.clone();
    bad.rows.push(vec!["6".into()]);
    let err = insert_statements(&bad, Dialect::Postgres, 2).unwrap_err();
    assert!(
        err.to_string().contains("row 6 has 1 values for 2 columns"),
        "{err}"
    );
}

#[test]
fn update_and_delete_never_unkeyed() {
    let t = table();
    assert_eq!(
        render_update(&t, &[("id", "1".into()), ("tenant", "NULL".into())], &[("name", "'x'".into())])
            .unwrap(),
        "UPDATE \"public\".\"vector-sync\" SET \"name\" = 'x' WHERE \"id\" = 1 AND \"tenant\" IS NULL;"
    );
    assert_eq!(render_update(&t, &[], &[("name", "'x'".into())]), None);
    assert_eq!(render_update(&t, &[("id", "1".into())], &[]), None);
    assert_eq!(render_delete(&t, &[]), None);
    assert!(delete_statements(&t, &[], &[vec![]], Dialect::Postgres, 10).is_err());
    assert!(
        delete_statements(&t, &["a", "b"], &[vec!["1".into()]], Dialect::Postgres, 10).is_err()
    );

    let keys = vec![
        vec!["1".to_owned(), "'a'".to_owned()],
        vec!["2".to_owned(), "NULL".to_owned()],
        vec!["3".to_owned(), "'c'".to_owned()],
    ];
    let pg = delete_statements(&t, &["a", "b"], &keys, Dialect::Postgres, 500).unwrap();
    assert_eq!(
        pg,
        vec![
            "DELETE FROM \"public\".\"vector-sync\" WHERE (\"a\", \"b\") IN ((1, 'a'), (3, 'c'));",
            "DELETE FROM \"public\".\"vector-sync\" WHERE \"a\" = 2 AND \"b\" IS NULL;",
        ]
    );
    let lite = delete_statements(&t, &["a", "b"], &keys, Dialect::Sqlite, 500).unwrap();
    assert_eq!(
        lite[0],
        "DELETE FROM \"public\".\"vector-sync\" WHERE (\"a\" = 1 AND \"b\" = 'a') OR (\"a\" = 3 AND \"b\" = 'c');"
    );
    let single = delete_statements(
        &t,
        &["id"],
        &[vec!["1".into()], vec!["2".into()]],
        Dialect::Sqlite,
        1,
    )
    .unwrap();
    assert_eq!(single.len(), 2);
    assert!(single[1].ends_with("WHERE \"id\" IN (2);"));
}

#[test]
fn sequences_from_defaults() {
    let cases = [
        (
            "nextval('projects_id_seq'::regclass)",
            Some("projects_id_seq"),
        ),
        (
            "nextval('public.\"Odd-Seq\"'::regclass)",
            Some("public.\"Odd-Seq\""),
        ),
        ("NEXTVAL ( 'it''s_seq'::regclass )", Some("it's_seq")),
        ("pg_catalog.nextval(('s'::text)::regclass)", Some("s")),
        ("my_nextval('x'::regclass)", None),
        ("nextval('unterminated", None),
        ("now()", None),
        ("'nextval'::text", None),
        ("nextval(''::regclass)", None),
    ];
    for (expr, want) in cases {
        assert_eq!(sequence_of_default(expr).as_deref(), want, "{expr}");
    }
}

#[test]
fn setval_per_dialect() {
    let t = table();
    assert_eq!(render_setval_to_max(&t, "id", None, Dialect::Sqlite), None);
    let sql = render_setval_to_max(&t, "it's", None, Dialect::Postgres).unwrap();
    assert!(
        sql.contains("pg_get_serial_sequence('\"public\".\"vector-sync\"', 'it''s')"),
        "{sql}"
    );
    assert!(sql.contains("max(\"it's\")"), "{sql}");
    let named = render_setval_to_max(&t, "id", Some("a'b"), Dialect::Postgres).unwrap();
    assert!(
        named.contains("(SELECT 'a''b'::regclass AS seq)"),
        "{named}"
    );
}
