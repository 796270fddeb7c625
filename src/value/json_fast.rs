//! A one-pass fast path for canonical JSON: when a text is already in
//! canonical order (keys ordered as jsonb orders them: shorter first, then
//! bytewise; no duplicates), its numbers are canonical and its strings have
//! no escapes, the canonical text is the input without insignificant
//! whitespace. PostgreSQL's jsonb output is always in that order, so live
//! jsonb values take this path; anything else returns None and goes through
//! the full parser, which gives the same result.

use std::cmp::Ordering;

/// Nesting deeper than this goes to the full parser (which refuses it).
const MAX_DEPTH: usize = 64;

/// jsonb's key order: by length, then bytewise.
pub(crate) fn key_order(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Value,
    /// After `{` (a key or `}`) or after `,` in an object (a key).
    Key {
        first: bool,
    },
    Colon,
    /// After a value: `,` or the closing bracket of the container.
    Next,
}

/// The canonical text of `text`, or None when the full parser must decide.
pub(crate) fn canonical_if_simple(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    // Open containers: (is_object, range of the previous key in `b`).
    let mut stack: Vec<(bool, Option<(usize, usize)>)> = Vec::new();
    let mut expect = Expect::Value;
    let mut done = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if done {
            return None; // trailing characters
        }
        match (expect, c) {
            (Expect::Key { .. }, b'"') => {
                let end = string_end(b, i)?;
                let (prev, this) = (stack.last()?.1, (i + 1, end));
                if let Some((ps, pe)) = prev {
                    if key_order(&b[ps..pe], &b[this.0..this.1]) != Ordering::Less {
                        return None;
                    }
                }
                stack.last_mut()?.1 = Some(this);
                out.push_str(&text[i..=end]);
                i = end + 1;
                expect = Expect::Colon;
            }
            (Expect::Key { first: true }, b'}') | (Expect::Next, b'}') => {
                if !matches!(stack.pop(), Some((true, _))) {
                    return None;
                }
                out.push('}');
                i += 1;
                expect = Expect::Next;
            }
            (Expect::Colon, b':') => {
                out.push(':');
                i += 1;
                expect = Expect::Value;
            }
            (Expect::Next, b',') => {
                out.push(',');
                i += 1;
                expect = match stack.last()? {
                    (true, _) => Expect::Key { first: false },
                    (false, _) => Expect::Value,
                };
            }
            (Expect::Next, b']') => {
                if !matches!(stack.pop(), Some((false, _))) {
                    return None;
                }
                out.push(']');
                i += 1;
            }
            (Expect::Value, b']') if out.ends_with('[') => {
                stack.pop();
                out.push(']');
                i += 1;
                expect = Expect::Next;
            }
            (Expect::Value, _) => {
                match c {
                    b'{' | b'[' => {
                        if stack.len() >= MAX_DEPTH {
                            return None;
                        }
                        stack.push((c == b'{', None));
                        out.push(c as char);
                        i += 1;
                        expect = if c == b'{' {
                            Expect::Key { first: true }
                        } else {
                            Expect::Value
                        };
                        continue;
                    }
                    b'"' => {
                        let end = string_end(b, i)?;
                        out.push_str(&text[i..=end]);
                        i = end + 1;
                    }
                    b't' | b'f' | b'n' => {
                        let word: &str = match c {
                            b't' => "true",
                            b'f' => "false",
                            _ => "null",
                        };
                        if !text[i..].starts_with(word) {
                            return None;
                        }
                        out.push_str(word);
                        i += word.len();
                    }
                    b'-' | b'0'..=b'9' => {
                        let end = canonical_number_end(b, i)?;
                        out.push_str(&text[i..end]);
                        i = end;
                    }
                    _ => return None,
                }
                expect = Expect::Next;
            }
            _ => return None,
        }
        if expect == Expect::Next && stack.is_empty() {
            done = true;
        }
    }
    (done && stack.is_empty()).then_some(out)
}

/// Index of the closing quote of the string opening at `start`; None for
/// escapes or raw control characters (the full parser normalises those).
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let rest = &b[start + 1..];
    let end = quote_or_backslash(rest)?;
    if rest[end] == b'\\' || rest[..end].iter().any(|&c| c < 0x20) {
        return None;
    }
    Some(start + 1 + end)
}

/// End of a number at `start` that is already canonical (`0`, `-12`,
/// `3.25`): no exponent, no trailing fractional zero, no `-0`.
fn canonical_number_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let negative = b.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int = &b[int_start..i];
    if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
        return None;
    }
    let mut zero = int == b"0";
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let frac = &b[frac_start..i];
        if frac.is_empty() || frac.last() == Some(&b'0') {
            return None;
        }
        zero = false;
    }
    if matches!(b.get(i), Some(b'e' | b'E' | b'.')) || (negative && zero) {
        return None;
    }
    Some(i)
}

/// First `"` or `\\` in `b`. JSON strings in rows are short, where a plain
/// loop beats memchr's setup cost (measured on the 1M-row benchmark).
pub(crate) fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'"' || c == b'\\')
}

#[cfg(test)]
mod tests {
    use super::canonical_if_simple as fast;

    #[test]
    fn postgres_jsonb_output_takes_the_fast_path() {
        assert_eq!(
            fast(r#"{"i": 1, "ok": false, "tags": ["a", "b"], "nested": {"x": null, "yy": -2.5}}"#)
                .as_deref(),
            Some(r#"{"i":1,"ok":false,"tags":["a","b"],"nested":{"x":null,"yy":-2.5}}"#)
        );
        assert_eq!(fast("[]").as_deref(), Some("[]"));
        assert_eq!(fast(" {} ").as_deref(), Some("{}"));
        assert_eq!(fast("\"é ✓\"").as_deref(), Some("\"é ✓\""));
    }

    #[test]
    fn fast_path_agrees_with_the_full_parser() {
        for text in [
            r#"{"i": 1, "ok": false, "tags": ["a", "b"], "nested": {"x": null, "yy": -2.5}}"#,
            r#"[{"b": [], "aa": {}}, 0, -7, 0.001, "s", true]"#,
            r#"{"data": [1, 2], "type": "Buffer"}"#,
            r#""plain""#,
            "12",
        ] {
            let slow = crate::value::json::parse(text).map(|n| crate::value::json::node_text(&n));
            assert_eq!(fast(text), slow.ok(), "{text}");
        }
    }

    #[test]
    fn anything_unusual_goes_to_the_full_parser() {
        for text in [
            r#"{"b": 1, "a": 2}"#,
            r#"{"aa": 1, "b": 2}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": 1.50}"#,
            r#"{"a": 1e3}"#,
            r#"{"a": -0}"#,
            r#"{"a": 01}"#,
            r#"{"a": "x\"y"}"#,
            r#"{"a" 1}"#,
            r#"[1 2]"#,
            r#"[1,]"#,
            r#"{"a":1,}"#,
            r#"{"a":1}]"#,
            r#"[1] 2"#,
            r#"tru"#,
            r#"{"#,
            "",
            r#"{1:2}"#,
        ] {
            assert_eq!(fast(text), None, "{text}");
        }
    }
}
