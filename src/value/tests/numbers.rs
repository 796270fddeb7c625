use super::*;

const INT: TypeClass = TypeClass::Int {
    min: i32::MIN as i64,
    max: i32::MAX as i64,
};
const SMALL: TypeClass = TypeClass::Int {
    min: -32768,
    max: 32767,
};
const BIG: TypeClass = TypeClass::Int {
    min: i64::MIN,
    max: i64::MAX,
};
const F8: TypeClass = TypeClass::Float { single: false };
const F4: TypeClass = TypeClass::Float { single: true };

fn numeric(p: Option<u32>, s: Option<u32>) -> TypeClass {
    TypeClass::Numeric {
        precision: p,
        scale: s,
    }
}

#[test]
fn bool_spellings() {
    for t in ["t", "TRUE", " yes ", "On", "1", "y"] {
        assert_eq!(ok(text(t), &TypeClass::Bool), "true", "{t}");
    }
    for t in ["f", "False", "no", "OFF", "0", "n"] {
        assert_eq!(ok(text(t), &TypeClass::Bool), "false", "{t}");
    }
}

#[test]
fn bool_from_ints_numbers_and_bools() {
    assert_eq!(ok(Cell::Int(1), &TypeClass::Bool), "true");
    assert_eq!(ok(Cell::Int(0), &TypeClass::Bool), "false");
    assert_eq!(ok(num("1"), &TypeClass::Bool), "true");
    assert_eq!(ok(num("0"), &TypeClass::Bool), "false");
    assert_eq!(ok(Cell::Bool(true), &TypeClass::Bool), "true");
    assert!(borrowed(&text("t"), &TypeClass::Bool));
}

#[test]
fn bool_rejections() {
    assert_eq!(err(text("maybe"), &TypeClass::Bool), "not a boolean");
    assert_eq!(err(Cell::Int(2), &TypeClass::Bool), "not a boolean");
    assert_eq!(err(num("0.5"), &TypeClass::Bool), "not a boolean");
    assert!(err(json_cell("{}"), &TypeClass::Bool).contains("not a boolean"));
}

#[test]
fn int_text_canonical_is_borrowed() {
    let c = text("42");
    assert!(borrowed(&c, &INT));
    assert_eq!(ok(c, &INT), "42");
    assert!(borrowed(&text("-7"), &INT));
}

#[test]
fn int_text_normalised() {
    assert_eq!(ok(text(" +007 "), &INT), "7");
    assert_eq!(ok(text("-0"), &INT), "0");
    assert!(!borrowed(&text("007"), &INT));
}

#[test]
fn int_text_must_be_integer_syntax() {
    assert_eq!(err(text("abc"), &INT), "not an integer");
    assert_eq!(err(text("5.5"), &INT), "not an integer");
    assert_eq!(err(text("5.0"), &INT), "not an integer");
    assert_eq!(err(text(""), &INT), "not an integer");
    assert_eq!(err(text("-"), &INT), "not an integer");
    assert_eq!(err(text("1e3"), &INT), "not an integer");
}

#[test]
fn int_numbers_may_be_any_integral_literal() {
    assert_eq!(ok(num("5"), &INT), "5");
    assert_eq!(ok(num("5.0"), &INT), "5");
    assert_eq!(ok(num("1e3"), &INT), "1000");
    assert_eq!(ok(num("-0"), &INT), "0");
    assert_eq!(ok(num("1.5e1"), &INT), "15");
    assert_eq!(err(num("5.5"), &INT), "not an integer");
    assert_eq!(err(num("1e-1"), &INT), "not an integer");
}

#[test]
fn int_ranges() {
    assert_eq!(ok(text("32767"), &SMALL), "32767");
    assert_eq!(
        err(text("32768"), &SMALL),
        "out of range for smallint (-32768..32767)"
    );
    assert_eq!(
        err(Cell::Int(3_000_000_000), &INT),
        "out of range for integer (-2147483648..2147483647)"
    );
    assert_eq!(
        ok(text("-9223372036854775808"), &BIG),
        "-9223372036854775808"
    );
    assert!(err(text("9223372036854775808"), &BIG).starts_with("out of range for bigint"));
    assert!(err(num("1e30"), &BIG).starts_with("out of range for bigint"));
    assert!(err(num("1e999999999999"), &BIG).starts_with("out of range"));
}

#[test]
fn int_from_int_and_float_cells() {
    assert_eq!(ok(Cell::Int(-12), &INT), "-12");
    assert_eq!(ok(Cell::Float(3.0), &INT), "3");
    assert_eq!(err(Cell::Float(3.25), &INT), "not an integer");
    assert_eq!(err(Cell::Float(f64::NAN), &INT), "not an integer");
    assert!(err(Cell::Bool(true), &INT).contains("not an integer"));
    assert!(err(json_cell("[1]"), &INT).contains("not an integer"));
}

#[test]
fn int_equal_by_meaning() {
    assert!(same(text("10"), Cell::Int(10), &BIG));
    assert!(same(text("10"), num("1e1"), &BIG));
}

#[test]
fn float_shortest_round_trip() {
    assert_eq!(ok(text("1.50"), &F8), "1.5");
    assert_eq!(ok(num("1.5e0"), &F8), "1.5");
    assert_eq!(ok(Cell::Float(0.1), &F8), "0.1");
    assert_eq!(ok(Cell::Int(3), &F8), "3");
    assert!(same(text("1e-07"), num("0.0000001"), &F8));
    assert!(borrowed(&text("0.1"), &F8));
}

#[test]
fn float_special_values() {
    assert_eq!(ok(text("NaN"), &F8), "NaN");
    assert_eq!(ok(text("Infinity"), &F8), "Infinity");
    assert_eq!(ok(text("-Infinity"), &F8), "-Infinity");
    assert_eq!(ok(text("-inf"), &F8), "-Infinity");
    assert_eq!(ok(Cell::Float(f64::INFINITY), &F8), "Infinity");
    assert_eq!(ok(text("-0"), &F8), "0");
}

#[test]
fn float_single_precision() {
    // PostgreSQL real 0.1 is printed 0.1; as f64 it would be 0.10000000149011612.
    assert_eq!(ok(text("0.1"), &F4), "0.1");
    assert_eq!(ok(Cell::Float(0.1f32 as f64), &F4), "0.1");
    assert!(same(
        text("3.4028235e38"),
        num("340282350000000000000000000000000000000"),
        &F4
    ));
    assert_eq!(err(text("1e39"), &F4), "out of range for real");
}

#[test]
fn float_rejections() {
    assert_eq!(err(text("abc"), &F8), "not a number (double precision)");
    assert_eq!(err(text("1e400"), &F8), "out of range for double precision");
    assert_eq!(
        err(text("1e-400"), &F8),
        "out of range for double precision"
    );
    assert!(err(Cell::Bool(false), &F8).contains("not a double precision"));
}

#[test]
fn numeric_unconstrained_strips_zeros() {
    let n = numeric(None, None);
    assert_eq!(ok(text("10.50"), &n), "10.5");
    assert_eq!(ok(text("0010.500"), &n), "10.5");
    assert_eq!(ok(text("-0.0"), &n), "0");
    assert_eq!(ok(text("+5"), &n), "5");
    assert_eq!(ok(text(".5"), &n), "0.5");
    assert_eq!(ok(text("5."), &n), "5");
    assert_eq!(ok(text("  12  "), &n), "12");
    assert!(same(text("10.5"), num("10.50"), &n));
}

#[test]
fn numeric_exponents_exact() {
    let n = numeric(None, None);
    assert_eq!(ok(num("1.5e2"), &n), "150");
    assert_eq!(ok(num("1E-3"), &n), "0.001");
    assert_eq!(ok(num("-2.50e-1"), &n), "-0.25");
    assert_eq!(
        ok(num("123456789012345678901234567890.123456789"), &n),
        "123456789012345678901234567890.123456789"
    );
    assert_eq!(ok(num("0.1"), &n), "0.1");
}

#[test]
fn numeric_nan_and_infinity() {
    assert_eq!(ok(text("nan"), &numeric(None, None)), "NaN");
    assert_eq!(ok(text("NaN"), &numeric(Some(10), Some(2))), "NaN");
    assert_eq!(ok(text("-Infinity"), &numeric(None, None)), "-Infinity");
    assert_eq!(
        err(text("Infinity"), &numeric(Some(10), Some(2))),
        "numeric(10,2) cannot hold an infinite value"
    );
}

#[test]
fn numeric_with_scale_pads_like_postgres() {
    let n = numeric(Some(10), Some(2));
    let live = text("10.50");
    assert!(borrowed(&live, &n));
    assert_eq!(ok(num("10.5"), &n), "10.50");
    assert_eq!(ok(Cell::Int(3), &n), "3.00");
    assert_eq!(ok(text("100"), &n), "100.00");
    assert_eq!(ok(num("1e2"), &n), "100.00");
    assert_eq!(ok(text("0"), &n), "0.00");
    assert!(same(live, num("10.5"), &n));
}

#[test]
fn numeric_rounds_half_away_from_zero() {
    let n = numeric(Some(10), Some(2));
    assert_eq!(ok(text("10.555"), &n), "10.56");
    assert_eq!(ok(text("10.554"), &n), "10.55");
    assert_eq!(ok(text("-10.555"), &n), "-10.56");
    assert_eq!(ok(text("9.999"), &n), "10.00");
    assert_eq!(ok(text("0.004"), &n), "0.00");
    assert_eq!(ok(text("-0.004"), &n), "0.00");
    assert_eq!(ok(text("0.005"), &n), "0.01");
    assert_eq!(ok(text("0.0005"), &n), "0.00");
    assert_eq!(ok(num("1e-9"), &n), "0.00");
    let int_only = numeric(Some(5), Some(0));
    assert_eq!(ok(text("2.5"), &int_only), "3");
    assert_eq!(ok(text("0.5"), &int_only), "1");
}

#[test]
fn numeric_overflow_rejected() {
    let n = numeric(Some(10), Some(2));
    assert_eq!(ok(text("99999999.99"), &n), "99999999.99");
    assert_eq!(
        err(text("123456789.1"), &n),
        "numeric field overflow: numeric(10,2) allows at most 8 digits before the point"
    );
    // Rounding can carry into one digit too many.
    assert!(err(text("99999999.999"), &n).starts_with("numeric field overflow"));
    assert!(err(text("100000000.00"), &n).starts_with("numeric field overflow"));
    assert!(!borrowed(&text("123456789.10"), &n));
    let frac_only = numeric(Some(3), Some(3));
    assert_eq!(ok(text("0.5"), &frac_only), "0.500");
    assert!(err(text("1.5"), &frac_only).contains("at most 0 digits"));
}

#[test]
fn numeric_rejections() {
    let n = numeric(None, None);
    assert_eq!(err(text("abc"), &n), "not a number");
    assert_eq!(err(text("1.2.3"), &n), "not a number");
    assert_eq!(err(text("1e"), &n), "not a number");
    assert_eq!(err(text(""), &n), "not a number");
    assert_eq!(err(text("--1"), &n), "not a number");
    assert_eq!(err(num("1e200000"), &n), "value overflows numeric format");
    assert!(err(Cell::Bool(true), &n).contains("not a number"));
}

#[test]
fn numeric_from_sqlite_real() {
    let n = numeric(None, None);
    assert_eq!(ok(Cell::Float(10.5), &n), "10.5");
    assert!(same(Cell::Float(0.1), num("0.10"), &n));
    assert_eq!(ok(Cell::Float(f64::NAN), &n), "NaN");
}

#[test]
fn numeric_canonical_forms_borrow() {
    let n = numeric(None, None);
    for s in ["0", "-1", "10.5", "0.001", "123"] {
        assert!(borrowed(&text(s), &n), "{s}");
    }
    for s in ["-0", "01", "1.0", "1e2", "+1", " 1"] {
        assert!(!borrowed(&text(s), &n), "{s}");
    }
}
