use super::*;

#[test]
fn expressions_are_re_rendered_from_their_parse() {
    let cases = [
        ("'project-based'::character varying", "'project-based'::CHARACTER VARYING"),
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("now()", "now()"),
        ("nextval('public.\"vector-sync-status_id_seq\"'::regclass)", "nextval('public.\"vector-sync-status_id_seq\"'::REGCLASS)"),
        ("0", "0"),
        ("false", "false"),
        ("'it''s'", "'it''s'"),
        ("'back\\slash'", "'back\\slash'"),
        ("E'tab\\there'", "E'tab\\there'"),
        ("(price >= (0)::numeric)", "(price >= (0)::NUMERIC)"),
        ("((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))", ""),
        ("length(name) > 0 AND \"camelCase\" IS NOT NULL", ""),
        ("'{}'::jsonb", "'{}'::JSONB"),
        ("-1", "-1"),
        ("pg_catalog.now()", "pg_catalog.now()"),
    ];
    for (input, want) in cases {
        let got = safe_expression(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        if !want.is_empty() {
            assert_eq!(got, want, "{input}");
        }
        // Re-rendering is stable: the output parses to itself.
        assert_eq!(
            safe_expression(&got).as_deref(),
            Ok(got.as_str()),
            "{input}"
        );
    }
}

#[test]
fn injection_and_trailing_text_are_refused() {
    for bad in [
        "1); DROP TABLE x; --",
        "'a'); DROP TABLE x; --",
        "1; DROP TABLE x",
        "1 -- comment\n, 2",
        "1 2",
        "'unclosed",
        "",
        "(1",
        "'nul\0'",
    ] {
        assert!(safe_expression(bad).is_err(), "accepted {bad:?}");
    }
}

#[test]
fn quotes_backslashes_and_control_characters_stay_inside_the_literal() {
    let got = safe_expression("'a''b\\c\nd\u{7}e'").expect("a literal");
    assert_eq!(got, "'a''b\\c\nd\u{7}e'");
    // A postfix NOT NULL is part of the expression, rendered as such: it
    // cannot become a column constraint.
    assert_eq!(
        safe_expression("0 NOT NULL").as_deref(),
        Ok("0 IS NOT NULL")
    );
    // A control character outside a literal is not SQL.
    assert!(safe_expression("1 \u{7} 2").is_err());
}

#[test]
fn subqueries_are_refused() {
    for bad in [
        "(SELECT max(id) FROM users)",
        "EXISTS (SELECT 1)",
        "id IN (SELECT id FROM t)",
        "EXISTS (TABLE t)",
        "(VALUES (1))",
    ] {
        let e = safe_expression(bad).expect_err(bad);
        assert!(e.contains("subquery"), "{bad}: {e}");
    }
}

#[test]
fn only_known_functions_may_be_called() {
    for bad in [
        "pg_terminate_backend(1)",
        "pg_sleep(100)",
        "public.now()",
        "my_func(x) > 0",
        "lo_import('/etc/passwd')",
        "set_config('a', 'b', false)",
    ] {
        let e = safe_expression(bad).expect_err(bad);
        assert!(e.contains("calls function"), "{bad}: {e}");
    }
    for good in [
        "gen_random_uuid()",
        "lower(email) = email",
        "COALESCE(a, 0) >= 0",
        "CAST(x AS numeric(10,2)) > 0",
        "char_length(name) <= 50",
        "x BETWEEN 1 AND 10",
        "x IN (1, 2, 3)",
        "datetime('now')",
    ] {
        assert!(
            safe_expression(good).is_ok(),
            "{good}: {:?}",
            safe_expression(good)
        );
    }
}

#[test]
fn explicit_operators_are_refused() {
    let e = safe_expression("a OPERATOR(public.+) b").expect_err("operator");
    assert!(e.contains("OPERATOR"), "{e}");
    assert!(safe_expression("a + b > 0").is_ok());
}

#[test]
fn type_names_fit_the_grammar() {
    let cases = [
        ("character varying(50)", "character varying(50)"),
        ("numeric(10, 2)", "numeric(10,2)"),
        ("timestamp with time zone", "timestamp with time zone"),
        (
            "timestamp(3) without time zone",
            "timestamp(3) without time zone",
        ),
        ("integer[]", "integer[]"),
        ("text[][]", "text[][]"),
        ("int[3]", "int[3]"),
        ("public.mood", "public.mood"),
        (
            "\"My Schema\".\"Odd\"\"Type\"",
            "\"My Schema\".\"Odd\"\"Type\"",
        ),
        ("VARCHAR(255)", "varchar(255)"),
        ("double precision", "double precision"),
        ("UNSIGNED BIG INT", "unsigned big int"),
    ];
    for (input, want) in cases {
        assert_eq!(safe_type(input).as_deref(), Ok(want), "{input}");
    }
}

#[test]
fn type_names_outside_the_grammar_are_refused() {
    for bad in [
        "text); DROP TABLE x; --",
        "text DEFAULT 1",
        "integer PRIMARY KEY",
        "integer NOT NULL",
        "text REFERENCES users",
        "text COLLATE \"C\"",
        "int CHECK (true)",
        "numeric(10",
        "numeric(a)",
        "numeric(1,2,3)",
        "text'",
        "text -- x",
        "\"unclosed",
        "\"\"",
        "\"ctl\u{1}\"",
        "int[]x",
        ".text",
        "public.",
        "a..b",
        "",
        "numeric(1)(2)",
        "x;y",
    ] {
        assert!(
            safe_type(bad).is_err(),
            "accepted {bad:?}: {:?}",
            safe_type(bad)
        );
    }
}
