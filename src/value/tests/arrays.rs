use super::*;

fn arr(elem: TypeClass) -> TypeClass {
    TypeClass::Array(Box::new(elem))
}

const TEXT: TypeClass = TypeClass::Text {
    max_chars: None,
    fixed: false,
};
const INT: TypeClass = TypeClass::Int {
    min: i32::MIN as i64,
    max: i32::MAX as i64,
};

#[test]
fn pg_literal_quoting_escapes_and_null() {
    assert_eq!(
        ok(text(r#"{a,"b c",NULL,"NULL","q \"x\" \\ y"}"#), &arr(TEXT)),
        r#"["a","b c",null,"NULL","q \"x\" \\ y"]"#
    );
}

#[test]
fn pg_literal_unquoted_whitespace_and_escapes() {
    assert_eq!(
        ok(text("{ a , b\\ ,null}"), &arr(TEXT)),
        r#"["a","b ",null]"#
    );
    assert_eq!(ok(text("{}"), &arr(TEXT)), "[]");
}

#[test]
fn pg_literal_nested_dimensions() {
    assert_eq!(
        ok(text("{{1,2},{3,4}}"), &arr(INT)),
        r#"[["1","2"],["3","4"]]"#
    );
    assert_eq!(ok(text("[0:1]={7,8}"), &arr(INT)), r#"["7","8"]"#);
    assert_eq!(ok(text("[1:1][1:2]={{7,8}}"), &arr(INT)), r#"[["7","8"]]"#);
    // A JSON array whose text contains "]=" is still JSON.
    assert_eq!(ok(text(r#"["a]=b"]"#), &arr(TEXT)), r#"["a]=b"]"#);
}

#[test]
fn json_array_equals_pg_literal() {
    assert!(same(
        json_cell(r#"["a", "b c", null]"#),
        text(r#"{a,"b c",NULL}"#),
        &arr(TEXT)
    ));
    assert!(same(json_cell("[1, 2.0, 3e0]"), text("{1,2,3}"), &arr(INT)));
    assert!(same(text("[[1,2]]"), text("{{1,2}}"), &arr(INT)));
}

#[test]
fn elements_canonicalised_in_element_type() {
    let uuids = arr(TypeClass::Uuid);
    assert_eq!(
        ok(text("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"), &uuids),
        r#"["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]"#
    );
    let stamps = arr(TypeClass::TimestampTz);
    assert!(same(
        text(r#"{"2025-07-10 12:00:00+00"}"#),
        json_cell(r#"["2025-07-10T12:00:00.000Z"]"#),
        &stamps
    ));
    let bools = arr(TypeClass::Bool);
    assert!(same(text("{t,f}"), json_cell("[true,false]"), &bools));
}

#[test]
fn jsonb_elements_are_not_dimensions() {
    let jsonb = arr(TypeClass::Json);
    assert!(same(
        text(r#"{"{\"b\": 1, \"a\": [1, 2]}","[1, 2]"}"#),
        json_cell(r#"[{"a":[1,2],"b":1},[1,2]]"#),
        &jsonb
    ));
}

#[test]
fn incompatible_element_named_by_index() {
    assert_eq!(
        err(text("{1,x,3}"), &arr(INT)),
        "element [2]: not an integer"
    );
    assert_eq!(
        err(json_cell(r#"[[1,2],[3,"4000000000"]]"#), &arr(INT)),
        "element [2][2]: out of range for integer (-2147483648..2147483647)"
    );
}

#[test]
fn malformed_arrays_rejected() {
    for bad in ["{a,b", "{a,,b}", "{\"a}", "a,b", "{a}x", "{a\"b}", ""] {
        let r = err(text(bad), &arr(TEXT));
        assert!(r.contains("array"), "{bad}: {r}");
    }
    assert_eq!(
        err(json_cell("{\"a\":1}"), &arr(TEXT)),
        "JSON that is not an array"
    );
    assert!(err(Cell::Int(1), &arr(TEXT)).contains("not an array"));
    let deep = format!("{}{}", "{".repeat(7), "}".repeat(7));
    assert_eq!(
        err(text(&deep), &arr(TEXT)),
        "array has more than 6 dimensions"
    );
}
