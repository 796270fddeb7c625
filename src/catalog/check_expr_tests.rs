//! Unit tests of check_expr; the PostgreSQL spellings are pg_get_constraintdef
//! outputs observed on PostgreSQL 15.

use super::*;

fn check(name: Option<&str>, e: &str) -> CheckConstraint {
    CheckConstraint {
        name: name.map(str::to_owned),
        expression: e.to_owned(),
    }
}

fn same(a: &str, b: &str) -> bool {
    same_check(&check(None, a), &check(None, b))
}

// Left: pg_get_constraintdef on PostgreSQL 15 (CHECK stripped); right: a schema file.
#[test]
fn pg_catalog_spellings_match_schema_files() {
    assert!(same("(price >= (0)::numeric)", "price >= 0"));
    assert!(same(
        "((qty > 0) AND (qty < 1000))",
        "qty > 0 and qty < 1000"
    ));
    assert!(same("(delta > '-1'::integer)", "delta > -1"));
    assert!(same("((qty >= 1) AND (qty <= 10))", "qty BETWEEN 1 AND 10"));
    assert!(same(
        "((status)::text = ANY ((ARRAY['open'::character varying, 'done'::character varying])::text[]))",
        "status IN ('open', 'done')"
    ));
    assert!(same(
        "(status = ANY (ARRAY['a'::text, 'b'::text]))",
        "STATUS in ('a','b')"
    ));
    assert!(same("(length((name)::text) > 0)", "LENGTH(name) > 0"));
    assert!(same(
        "(\"endsAt\" > \"startsAt\")",
        "\"endsAt\" > \"startsAt\""
    ));
    assert!(same("((name)::text ~~ '%x%'::text)", "name LIKE '%x%'"));
    assert!(same(
        "((price IS NOT NULL) OR (qty <> 3))",
        "price is not null or qty != 3"
    ));
    assert!(same("((name)::text ~~ '%x%'::text)", "name LIKE '%x%'"));
    assert!(same(
        "((price IS NOT NULL) OR (qty <> 3))",
        "price is not null or qty != 3"
    ));
}

#[test]
fn different_expressions_differ() {
    assert!(!same("(price >= (0)::numeric)", "price > 0"));
    assert!(!same("(\"Price\" >= 0)", "price >= 0"));
    assert!(!same("(a > 1)", "b > 1"));
}

#[test]
fn names_decide_when_both_named() {
    assert!(same_check(
        &check(Some("c1"), "(a > 1)"),
        &check(Some("c1"), "a > 2")
    ));
    assert!(same_check(
        &check(Some("c1"), "(a > 1)"),
        &check(Some("c2"), "a > 1")
    ));
    assert!(!same_check(
        &check(Some("c1"), "(a > 1)"),
        &check(Some("c2"), "a > 2")
    ));
}

#[test]
fn parse_takes_exactly_one_expression() {
    assert!(parse("CHECK (a > 0)").is_ok());
    assert!(parse("a > 0; DROP TABLE t").is_err());
    assert!(parse("a > 0) OR (1 = 1").is_err());
    assert!(parse("").is_err());
}

#[test]
fn rendering_refuses_subqueries_and_admin_functions() {
    assert_eq!(
        render_for_query("(price >= (0)::numeric)", false).unwrap(),
        "(price >= (0)::NUMERIC)"
    );
    assert_eq!(
        render_for_query("(price >= (0)::numeric)", true).unwrap(),
        "price >= 0"
    );
    assert!(render_for_query("a IN (SELECT id FROM t)", false).is_err());
    assert!(render_for_query("pg_terminate_backend(a) OR true", false).is_err());
    assert!(render_for_query("PG_SLEEP(10) IS NULL", false).is_err());
    assert!(render_for_query("\"pg_col\" > 0", false).is_ok());
}

#[test]
fn identifiers_match_bare_names_in_any_case_and_quoted_names_exactly() {
    let named = identifiers(r#"weekly_hours BETWEEN 0 AND 168 AND "Mode" <> 'x'"#);
    assert!(named.iter().any(|n| n.matches("WEEKLY_HOURS")));
    assert!(named.iter().any(|n| n.matches("Mode")));
    assert!(!named.iter().any(|n| n.matches("mode")));
    assert!(
        !named.iter().any(|n| n.matches("x")),
        "a string is not a name"
    );
}
