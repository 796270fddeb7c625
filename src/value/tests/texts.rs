use super::*;

const TEXT: TypeClass = TypeClass::Text {
    max_chars: None,
    fixed: false,
};

fn varchar(n: usize) -> TypeClass {
    TypeClass::Text {
        max_chars: Some(n),
        fixed: false,
    }
}

fn character(n: usize) -> TypeClass {
    TypeClass::Text {
        max_chars: Some(n),
        fixed: true,
    }
}

#[test]
fn text_is_kept_exactly_and_borrowed() {
    let c = text("  spaced\tout\n");
    assert!(borrowed(&c, &TEXT));
    assert_eq!(ok(c, &TEXT), "  spaced\tout\n");
}

#[test]
fn text_from_other_cells() {
    assert_eq!(ok(num("10.50"), &TEXT), "10.50");
    assert_eq!(ok(Cell::Int(7), &TEXT), "7");
    assert_eq!(ok(Cell::Float(1.5), &TEXT), "1.5");
    assert_eq!(ok(Cell::Bool(true), &TEXT), "true");
    assert_eq!(ok(json_cell("{\"a\":1}"), &TEXT), "{\"a\":1}");
    assert_eq!(ok(Cell::Bytes(b"hi".to_vec()), &TEXT), "hi");
    assert_eq!(
        err(Cell::Bytes(vec![0xff, 0xfe]), &TEXT),
        "bytes that are not valid UTF-8 text"
    );
}

#[test]
fn varchar_limit_counts_characters() {
    let long = "a".repeat(301);
    assert_eq!(
        err(text(&long), &varchar(255)),
        "301 characters; character varying(255) holds at most 255"
    );
    // 3 characters, 9 bytes: within varchar(3).
    assert_eq!(ok(text("ééé"), &varchar(3)), "ééé");
    assert!(err(text("éééé"), &varchar(3)).starts_with("4 characters"));
}

#[test]
fn varchar_excess_spaces_are_cut_like_postgres() {
    assert_eq!(ok(text("abc   "), &varchar(3)), "abc");
    assert!(borrowed(&text("abc   "), &varchar(3)));
    assert_eq!(ok(text("ab "), &varchar(3)), "ab ");
}

#[test]
fn char_trailing_spaces_insignificant() {
    assert!(same(text("ab   "), text("ab"), &character(5)));
    assert_eq!(ok(text("ab   "), &character(5)), "ab");
    assert_eq!(ok(text(" ab"), &character(5)), " ab");
    assert_eq!(
        err(text("abcdef"), &character(5)),
        "6 characters; character(5) holds at most 5"
    );
}

#[test]
fn uuid_forms() {
    let canon = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    assert!(borrowed(&text(canon), &TypeClass::Uuid));
    for form in [
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ",
    ] {
        assert_eq!(ok(text(form), &TypeClass::Uuid), canon, "{form}");
    }
    let raw = uuid::Uuid::parse_str(canon).unwrap();
    assert_eq!(
        ok(Cell::Bytes(raw.as_bytes().to_vec()), &TypeClass::Uuid),
        canon
    );
}

#[test]
fn uuid_rejections() {
    assert_eq!(
        err(text("user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE"), &TypeClass::Uuid),
        "not a UUID"
    );
    assert_eq!(
        err(
            text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"),
            &TypeClass::Uuid
        ),
        "not a UUID"
    );
    assert_eq!(err(text(""), &TypeClass::Uuid), "not a UUID");
    assert_eq!(
        err(Cell::Int(5), &TypeClass::Uuid),
        "an integer, not a UUID"
    );
}

#[test]
fn bytes_hex_forms() {
    assert!(borrowed(&text("\\x0aff"), &TypeClass::Bytes));
    assert_eq!(ok(text("\\x0AFF"), &TypeClass::Bytes), "\\x0aff");
    assert_eq!(
        ok(Cell::Bytes(vec![1, 2, 255]), &TypeClass::Bytes),
        "\\x0102ff"
    );
    assert_eq!(ok(text("\\x"), &TypeClass::Bytes), "\\x");
    assert!(same(
        text("\\x0102"),
        Cell::Bytes(vec![1, 2]),
        &TypeClass::Bytes
    ));
}

#[test]
fn bytes_from_plain_text_and_node_buffer() {
    assert_eq!(ok(text("AB"), &TypeClass::Bytes), "\\x4142");
    assert_eq!(
        ok(
            json_cell(r#"{"type":"Buffer","data":[1,2,255]}"#),
            &TypeClass::Bytes
        ),
        "\\x0102ff"
    );
    assert_eq!(
        ok(
            json_cell(r#"{ "data": [], "type": "Buffer" }"#),
            &TypeClass::Bytes
        ),
        "\\x"
    );
}

#[test]
fn bytes_rejections() {
    assert_eq!(
        err(text("\\x0g"), &TypeClass::Bytes),
        "invalid hexadecimal bytea"
    );
    assert_eq!(
        err(text("\\x012"), &TypeClass::Bytes),
        "invalid hexadecimal bytea"
    );
    assert!(err(
        json_cell(r#"{"type":"Buffer","data":[256]}"#),
        &TypeClass::Bytes
    )
    .contains("not a Buffer"));
    assert!(err(json_cell(r#"[1,2]"#), &TypeClass::Bytes).contains("not a Buffer"));
    assert_eq!(
        err(Cell::Int(1), &TypeClass::Bytes),
        "an integer, not bytes"
    );
}

fn status() -> TypeClass {
    TypeClass::Enum {
        name: "project_status".into(),
        labels: vec!["active".into(), "paused".into()],
    }
}

#[test]
fn enum_labels_exact() {
    assert!(borrowed(&text("active"), &status()));
    assert_eq!(ok(text("paused"), &status()), "paused");
    assert_eq!(
        err(text("archived"), &status()),
        "'archived' is not a label of enum project_status (active, paused)"
    );
    assert!(err(text("Active"), &status()).contains("not a label"));
    assert!(err(text(" active"), &status()).contains("not a label"));
}

#[test]
fn enum_reason_escapes_and_limits_labels() {
    let many = TypeClass::Enum {
        name: "e".into(),
        labels: (0..12).map(|i| format!("l{i}")).collect(),
    };
    let r = err(text("bad\u{1b}[31m"), &many);
    assert!(
        r.starts_with("'bad\\u{1b}[31m' is not a label of enum e (l0, l1"),
        "{r}"
    );
    assert!(r.contains("… (4 more)"), "{r}");
}

#[test]
fn other_and_interval_trimmed_text() {
    let other = TypeClass::Other("inet".into());
    assert!(borrowed(&text(" 10.0.0.1 "), &other));
    assert_eq!(ok(text(" 10.0.0.1 "), &other), "10.0.0.1");
    assert_eq!(ok(Cell::Int(5), &other), "5");
    assert_eq!(ok(num("1.50"), &TypeClass::Interval), "1.50");
    assert_eq!(
        ok(text("1 day 02:00:00"), &TypeClass::Interval),
        "1 day 02:00:00"
    );
    assert_eq!(ok(Cell::Bytes(vec![0xff]), &other), "\\xff");
}
