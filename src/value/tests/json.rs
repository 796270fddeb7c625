use super::*;

const J: TypeClass = TypeClass::Json;

#[test]
fn json_key_order_and_whitespace_ignored() {
    let live = text(r#"{"a": 1, "b": [1, 2]}"#);
    let backup = json_cell(r#"{"b":[1,2],"a":1}"#);
    assert!(same(live.clone(), backup, &J));
    assert_eq!(ok(live, &J), r#"{"a":1,"b":[1,2]}"#);
}

#[test]
fn json_nested_keys_sorted() {
    assert_eq!(
        ok(
            json_cell(r#"{"z":{"y":1,"x":2},"a":[{"d":0,"c":null}]}"#),
            &J
        ),
        r#"{"a":[{"c":null,"d":0}],"z":{"x":2,"y":1}}"#
    );
}

#[test]
fn json_numbers_exact_by_value() {
    assert!(same(text(r#"{"p": 1.50}"#), json_cell(r#"{"p":1.5}"#), &J));
    assert!(same(text("[1e2]"), text("[100]"), &J));
    assert_eq!(
        ok(text("[12345678901234567890123]"), &J),
        "[12345678901234567890123]"
    );
    assert_eq!(ok(num("10.50"), &J), "10.5");
    assert_eq!(ok(Cell::Int(3), &J), "3");
    assert_eq!(ok(Cell::Float(2.5), &J), "2.5");
    assert_eq!(ok(Cell::Bool(false), &J), "false");
}

#[test]
fn json_duplicate_keys_last_wins() {
    assert_eq!(
        ok(json_cell(r#"{"a":1,"b":2,"a":3}"#), &J),
        r#"{"a":3,"b":2}"#
    );
}

#[test]
fn json_strings_and_escapes() {
    assert_eq!(ok(text(r#""hello""#), &J), r#""hello""#);
    // Text that is not JSON is a JSON string.
    assert_eq!(ok(text("hello"), &J), r#""hello""#);
    assert!(same(text(r#""hello""#), text("hello"), &J));
    assert_eq!(ok(text(r#"["\u00e9\/\n"]"#), &J), "[\"é/\\n\"]");
    assert_eq!(ok(text(r#"["\ud83d\ude00"]"#), &J), "[\"😀\"]");
    assert_eq!(ok(text("\"\\u0001\""), &J), "\"\\u0001\"");
}

#[test]
fn json_invalid_inside_json_cell_is_incompatible() {
    assert_eq!(err(json_cell(r#"{"a":}"#), &J), "invalid JSON");
    assert_eq!(
        err(json_cell(r#"{"a":1} x"#), &J),
        "invalid JSON: trailing characters"
    );
    assert_eq!(
        err(json_cell(r#"["\ud83d"]"#), &J),
        "invalid JSON string: lone surrogate"
    );
    assert_eq!(err(json_cell("[01]"), &J), "invalid JSON number");
    assert_eq!(err(json_cell("[1e999999]"), &J), "JSON number out of range");
    assert_eq!(err(json_cell("[\"a\nb\"]"), &J), "invalid JSON string");
}

#[test]
fn json_depth_is_bounded() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(err(json_cell(&deep), &J), "JSON nested too deeply");
    let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(ok(json_cell(&fine), &J), fine);
}

#[test]
fn json_rejects_non_finite_floats() {
    assert!(err(Cell::Float(f64::NAN), &J).contains("not JSON"));
}
