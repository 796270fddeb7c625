use super::*;

#[test]
fn display_escapes_controls() {
    assert_eq!(display_value(&text("a\nb\tc")), "\"a\\nb\\tc\"");
    assert_eq!(display_value(&text("\u{1b}[2J")), "\"\\u{1b}[2J\"");
    assert_eq!(display_value(&text("q\"b\\s")), "\"q\\\"b\\\\s\"");
    assert_eq!(display_value(&text("\r\0")), "\"\\r\\u{0}\"");
}

#[test]
fn display_escapes_bidi_overrides() {
    assert_eq!(display_value(&text("a\u{202e}b")), "\"a\\u{202e}b\"");
    assert_eq!(display_value(&text("\u{feff}x")), "\"\\u{feff}x\"");
}

#[test]
fn display_keeps_ordinary_unicode() {
    assert_eq!(display_value(&text("Zoë 日本")), "\"Zoë 日本\"");
}

#[test]
fn display_truncates_to_120_chars() {
    let shown = display_value(&text(&"x".repeat(500)));
    assert_eq!(shown, format!("\"{}…\"", "x".repeat(120)));
    let exact = display_value(&text(&"y".repeat(120)));
    assert_eq!(exact, format!("\"{}\"", "y".repeat(120)));
    // Escapes count as what is shown, and are never cut in half.
    let newlines = display_value(&text(&"\n".repeat(100)));
    assert_eq!(newlines, format!("\"{}…\"", "\\n".repeat(60)));
}

#[test]
fn display_other_kinds() {
    assert_eq!(display_value(&Cell::Null), "NULL");
    assert_eq!(display_value(&Cell::Int(-3)), "-3");
    assert_eq!(display_value(&Cell::Float(1.5)), "1.5");
    assert_eq!(display_value(&Cell::Bool(true)), "true");
    assert_eq!(display_value(&num("1e3")), "1e3");
    assert_eq!(
        display_value(&json_cell("{\"a\":\"\n\"}")),
        "{\"a\":\"\\n\"}"
    );
    assert_eq!(display_value(&Cell::Bytes(vec![1, 0xab])), "\\x01ab");
    let long = display_value(&Cell::Bytes(vec![0; 100]));
    assert!(long.ends_with('…') && long.chars().count() == 2 + 120 + 1);
}
