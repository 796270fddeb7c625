//! Text-like classes: text/varchar/char, UUID, bytea, enums, and the
//! uninterpreted rest.

use super::display::display_short;
use super::{json, kind, Canon, Cell, Incompatible};
use std::borrow::Cow;
use std::fmt::Write;

/// Any scalar cell as plain text: strings and JSON literals as written,
/// integers and floats displayed, booleans `true`/`false`, bytes as UTF-8.
fn as_text(cell: &Cell) -> Canon<'_> {
    match cell {
        Cell::Text(t) | Cell::Number(t) | Cell::Json(t) => Ok(Cow::Borrowed(t.as_str())),
        Cell::Int(i) => Ok(Cow::Owned(i.to_string())),
        Cell::Float(f) => Ok(Cow::Owned(f.to_string())),
        Cell::Bool(b) => Ok(Cow::Borrowed(if *b { "true" } else { "false" })),
        Cell::Bytes(b) => std::str::from_utf8(b)
            .map(Cow::Borrowed)
            .map_err(|_| Incompatible::new("bytes that are not valid UTF-8 text")),
        Cell::Null => Ok(Cow::Borrowed("")),
    }
}

/// Text: the value exactly as is (no trimming: spaces are data). `max_chars`
/// counts characters, as PostgreSQL does. Like PostgreSQL, excess characters
/// that are all spaces are cut rather than refused. For char(n) (`fixed`)
/// trailing spaces are insignificant, so they are dropped.
pub(crate) fn text_canon(cell: &Cell, max_chars: Option<usize>, fixed: bool) -> Canon<'_> {
    let text = as_text(cell)?;
    let text = if fixed {
        match text {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim_end_matches(' ')),
            Cow::Owned(s) => Cow::Owned(s.trim_end_matches(' ').to_owned()),
        }
    } else {
        text
    };
    let Some(max) = max_chars else {
        return Ok(text);
    };
    // Byte length bounds the character count: skip counting short values.
    if text.len() <= max {
        return Ok(text);
    }
    let count = text.chars().count();
    if count <= max {
        return Ok(text);
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    if text[cut..].bytes().all(|b| b == b' ') {
        return Ok(match text {
            Cow::Borrowed(s) => Cow::Borrowed(&s[..cut]),
            Cow::Owned(s) => Cow::Owned(s[..cut].to_owned()),
        });
    }
    let type_name = if fixed {
        "character"
    } else {
        "character varying"
    };
    Err(Incompatible::new(format!(
        "{count} characters; {type_name}({max}) holds at most {max}"
    )))
}

/// Uuid: any form the uuid crate reads (upper case, braces, 32 hex digits
/// without hyphens, urn:uuid:) becomes lower-case hyphenated, PostgreSQL's
/// output; 16 raw bytes are a UUID too. Anything else is "not a UUID".
pub(crate) fn uuid_canon(cell: &Cell) -> Canon<'_> {
    let parsed = match cell {
        Cell::Text(t) => {
            let s = t.trim_matches(|c: char| c.is_ascii_whitespace());
            if is_canonical_uuid(s) {
                return Ok(Cow::Borrowed(s));
            }
            uuid::Uuid::try_parse(s).ok()
        }
        Cell::Bytes(b) => uuid::Uuid::from_slice(b).ok(),
        _ => None,
    };
    match parsed {
        Some(u) => Ok(Cow::Owned(u.hyphenated().to_string())),
        None => Err(Incompatible::new(match cell {
            Cell::Text(_) | Cell::Bytes(_) => "not a UUID".to_owned(),
            other => format!("{}, not a UUID", kind(other)),
        })),
    }
}

fn is_canonical_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

/// Bytes: raw bytes; PostgreSQL hex text `\x0aff` (bad hex is refused);
/// other text as its UTF-8 bytes; a Node.js Buffer serialised to JSON
/// (`{"type":"Buffer","data":[1,2]}`). Canonical: `\x` + lower-case hex.
pub(crate) fn bytes_canon(cell: &Cell) -> Canon<'_> {
    match cell {
        Cell::Bytes(b) => Ok(Cow::Owned(hex(b))),
        Cell::Text(t) => match t.strip_prefix("\\x") {
            Some(digits) => {
                if digits.len() % 2 != 0 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return Err(Incompatible::new("invalid hexadecimal bytea"));
                }
                if digits.bytes().any(|c| c.is_ascii_uppercase()) {
                    Ok(Cow::Owned(t.to_ascii_lowercase()))
                } else {
                    Ok(Cow::Borrowed(t.as_str()))
                }
            }
            None => Ok(Cow::Owned(hex(t.as_bytes()))),
        },
        Cell::Json(raw) => json::node_buffer(raw)
            .map(|b| Cow::Owned(hex(&b)))
            .ok_or_else(|| Incompatible::new("JSON that is not a Buffer, not bytes")),
        other => Err(Incompatible::new(format!("{}, not bytes", kind(other)))),
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 + bytes.len() * 2);
    out.push_str("\\x");
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Enum: the text must be one of the labels exactly (PostgreSQL's enum input
/// is case- and space-sensitive); the label is the canonical text.
pub(crate) fn enum_canon<'a>(cell: &'a Cell, name: &str, labels: &[String]) -> Canon<'a> {
    let text = as_text(cell)?;
    if labels.iter().any(|l| l.as_str() == &*text) {
        return Ok(text);
    }
    let mut list = String::new();
    for (i, l) in labels.iter().enumerate() {
        if i == 8 {
            let _ = write!(list, ", … ({} more)", labels.len() - 8);
            break;
        }
        if i > 0 {
            list.push_str(", ");
        }
        list.push_str(&display_short(l, 40));
    }
    Err(Incompatible::new(format!(
        "'{}' is not a label of enum {name} ({list})",
        display_short(&text, 60)
    )))
}

/// Interval and uninterpreted types: trimmed text; integers and floats
/// displayed, bytes as UTF-8 or else hex.
pub(crate) fn other_canon(cell: &Cell) -> Canon<'_> {
    match cell {
        Cell::Bytes(b) if std::str::from_utf8(b).is_err() => Ok(Cow::Owned(hex(b))),
        _ => Ok(match as_text(cell)? {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => {
                let t = s.trim();
                if t.len() == s.len() {
                    Cow::Owned(s)
                } else {
                    Cow::Owned(t.to_owned())
                }
            }
        }),
    }
}
