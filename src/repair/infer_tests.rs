use super::*;

fn t(s: &str) -> Option<Cell> {
    Some(Cell::Text(s.to_owned()))
}

fn infer(columns: &[&str], rows: Vec<Vec<Option<Cell>>>, dialect: Dialect) -> InferredTable {
    let cols: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
    infer_table(&TableName::new(None, "x"), &cols, &rows, dialect)
}

fn types(it: &InferredTable) -> Vec<&str> {
    it.columns.iter().map(|c| c.data_type.as_str()).collect()
}

#[test]
fn kinds_of_values_choose_types() {
    let rows = vec![
        vec![
            Some(Cell::Int(1)),
            Some(Cell::Int(1)),
            t("2f1e1c5a-8b9d-4c3e-9f00-112233445566"),
            t("2025-07-11T19:46:34.951Z"),
            t("2025-07-11 19:46:34"),
            t("2025-07-11"),
            Some(Cell::Json("{\"a\":1}".into())),
            Some(Cell::Bytes(vec![0, 1])),
            Some(Cell::Bool(true)),
            t("x"),
        ],
        vec![
            Some(Cell::Number("2".into())),
            Some(Cell::Float(1.5)),
            t("00000000-0000-0000-0000-000000000000"),
            t("2025-07-11T19:46:34+02:00"),
            t("2025-07-11T19:46:34.5"),
            t("2024-02-29"),
            Some(Cell::Json("[1]".into())),
            Some(Cell::Bytes(vec![])),
            Some(Cell::Bool(false)),
            t("2025-07-11"),
        ],
    ];
    let cols = ["id", "n", "u", "tz", "ts", "d", "j", "b", "f", "s"];
    let pg = infer(&cols, rows.clone(), Dialect::Postgres);
    assert_eq!(
        types(&pg),
        [
            "bigint",
            "numeric",
            "uuid",
            "timestamp with time zone",
            "timestamp without time zone",
            "date",
            "jsonb",
            "bytea",
            "boolean",
            "text"
        ]
    );
    let lite = infer(&cols, rows, Dialect::Sqlite);
    assert_eq!(
        types(&lite),
        ["INTEGER", "REAL", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BLOB", "INTEGER", "TEXT"]
    );
    assert_eq!(
        pg.columns[0].why,
        "all 2 values are integers; primary key: present and distinct in all 2 rows"
    );
    assert_eq!(
        pg.columns[1].why,
        "2 values mix integers and floating-point numbers"
    );
    assert_eq!(
        pg.table.primary_key.as_ref().map(|k| k.columns.clone()),
        Some(vec!["id".to_owned()])
    );
    assert!(pg.table.columns.iter().all(|c| !c.nullable));
}

#[test]
fn one_odd_value_makes_text() {
    let it = infer(
        &["u", "n"],
        vec![
            vec![
                t("2f1e1c5a-8b9d-4c3e-9f00-112233445566"),
                Some(Cell::Int(1)),
            ],
            vec![t("user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE"), t("1")],
        ],
        Dialect::Postgres,
    );
    assert_eq!(types(&it), ["text", "text"]);
    assert_eq!(it.columns[1].why, "2 values mix integers and texts");
    assert_eq!(it.table.primary_key, None);
}

#[test]
fn nulls_and_absent_values_make_nullable_and_no_key() {
    let it = infer(
        &["id", "note", "empty"],
        vec![
            vec![Some(Cell::Int(1)), t("a"), Some(Cell::Null)],
            vec![Some(Cell::Int(2)), None],
            vec![Some(Cell::Int(3)), Some(Cell::Null), None],
        ],
        Dialect::Postgres,
    );
    assert_eq!(types(&it), ["bigint", "text", "text"]);
    assert!(!it.table.columns[0].nullable);
    assert!(it.table.columns[1].nullable && it.table.columns[2].nullable);
    assert_eq!(
        it.columns[2].why,
        "no values (all NULL); text holds anything"
    );
    assert!(it.columns[0].why.contains("primary key"));
}

#[test]
fn duplicate_or_missing_ids_are_no_key_and_key_is_the_fallback() {
    let dup = infer(
        &["id"],
        vec![
            vec![Some(Cell::Int(1))],
            vec![Some(Cell::Number("1".into()))],
        ],
        Dialect::Postgres,
    );
    assert_eq!(dup.table.primary_key, None);
    assert!(!dup.columns[0].why.contains("primary key"));
    let key = infer(
        &["id", "key"],
        vec![vec![None, t("a")], vec![Some(Cell::Int(1)), t("b")]],
        Dialect::Sqlite,
    );
    assert_eq!(
        key.table.primary_key.map(|k| k.columns),
        Some(vec!["key".to_owned()])
    );
    let none = infer(&["id"], vec![], Dialect::Postgres);
    assert_eq!(none.table.primary_key, None);
    assert_eq!(types(&none), ["text"]);
}

#[test]
fn timestamps_need_their_exact_shape() {
    for (s, want) in [
        ("2025-07-11T19:46:34Z", "timestamp with time zone"),
        ("2025-07-11T19:46:34+0530", "timestamp with time zone"),
        ("2025-07-11T19:46:34-08", "timestamp with time zone"),
        ("2025-07-11 19:46:34.123456", "timestamp without time zone"),
        ("2025-07-11T19:46", "text"),
        ("2025-07-11T19:46:34.", "text"),
        ("2025-07-11T19:46:34 UTC", "text"),
        ("2025-7-11", "text"),
        ("2025-07-11x", "text"),
    ] {
        let it = infer(&["a"], vec![vec![t(s)]], Dialect::Postgres);
        assert_eq!(it.columns[0].data_type, want, "{s}");
    }
}
