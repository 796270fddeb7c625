//! Rendering untrusted values for error messages that reach a terminal:
//! control characters, bidi overrides and the like become visible escapes,
//! and long values are cut.

use super::text::hex;
use super::Cell;

/// Characters shown in a message before it is cut with an ellipsis.
const MAX_CHARS: usize = 120;

/// A cell as an operator should see it in an error message: text in double
/// quotes with `\n`, `\t`, `\u{1b}`... escapes (and `\\`, `\"`), other kinds
/// as themselves, `NULL` for null; at most 120 characters, then `…`.
pub fn display_value(cell: &Cell) -> String {
    match cell {
        Cell::Null => "NULL".to_owned(),
        Cell::Text(t) => format!("\"{}\"", escape(t, MAX_CHARS, true)),
        // JSON text is shown raw (its own quotes and escapes are readable).
        Cell::Number(t) | Cell::Json(t) => escape(t, MAX_CHARS, false),
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) => f.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Bytes(b) => {
            // Two hex digits per byte: only render what can be shown.
            let shown = &b[..b.len().min(MAX_CHARS / 2)];
            let mut s = hex(shown);
            if shown.len() < b.len() {
                s.push('…');
            }
            s
        }
    }
}

/// Text escaped as in [`display_value`], without quotes, cut at `max` chars.
pub(crate) fn display_short(text: &str, max: usize) -> String {
    escape(text, max, false)
}

/// Whether a character must not reach a terminal raw: controls, and the
/// invisible format characters that reorder or hide text (Trojan Source).
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}')
}

/// `quoted`: also escape backslashes and double quotes, so quoted text is unambiguous.
fn escape(text: &str, max: usize, quoted: bool) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2) + 4);
    let mut shown = 0;
    for c in text.chars() {
        let piece_len = out.len();
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' if quoted => out.push_str("\\\\"),
            '"' if quoted => out.push_str("\\\""),
            c if needs_escape(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
        shown += out[piece_len..].chars().count();
        if shown > max {
            out.truncate(piece_len);
            out.push('…');
            break;
        }
    }
    out
}
