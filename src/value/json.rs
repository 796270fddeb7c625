//! JSON compared by meaning: a small parser of our own so the result does
//! not depend on serde_json features (`preserve_order` would keep key order,
//! and without `arbitrary_precision` numbers would pass through f64). Keys are
//! sorted (the last of duplicate keys wins, as in jsonb), numbers are exact
//! decimals (`1.50` = `1.5`, `1e2` = `100`), output is compact.

use super::decimal;
use super::{kind, Canon, Cell, Incompatible};
use std::borrow::Cow;

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

#[derive(Debug, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    /// Canonical decimal text.
    Num(String),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

type Res<T> = Result<T, &'static str>;

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &[u8], node: Node) -> Res<Node> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(node)
        } else {
            Err("invalid JSON")
        }
    }

    fn value(&mut self, depth: usize) -> Res<Node> {
        if depth > MAX_DEPTH {
            return Err("JSON nested too deeply");
        }
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Node::Obj(fields));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err("invalid JSON");
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err("invalid JSON");
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    fields.push((key, v));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err("invalid JSON"),
                    }
                }
                // jsonb's order (shorter keys first), so PostgreSQL's own
                // output is already canonical (see json_fast). Stable sort
                // keeps duplicates in input order; keep the last.
                fields.sort_by(|a, b| super::json_fast::key_order(a.0.as_bytes(), b.0.as_bytes()));
                let mut dedup: Vec<(String, Node)> = Vec::with_capacity(fields.len());
                for f in fields {
                    match dedup.last_mut() {
                        Some(last) if last.0 == f.0 => *last = f,
                        _ => dedup.push(f),
                    }
                }
                Ok(Node::Obj(dedup))
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Node::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err("invalid JSON"),
                    }
                }
                Ok(Node::Arr(items))
            }
            Some(b'"') => self.string().map(Node::Str),
            Some(b't') => self.lit(b"true", Node::Bool(true)),
            Some(b'f') => self.lit(b"false", Node::Bool(false)),
            Some(b'n') => self.lit(b"null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err("invalid JSON"),
        }
    }

    /// JSON number grammar (stricter than decimal::parse: no `+`, no `.5`).
    fn number(&mut self) -> Res<Node> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - s
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return Err("invalid JSON number");
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err("invalid JSON number");
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err("invalid JSON number");
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).map_err(|_| "invalid JSON")?;
        let p = decimal::parse(text).ok_or("invalid JSON number")?;
        decimal::canonical(p, None, None)
            .map(Node::Num)
            .map_err(|_| "JSON number out of range")
    }

    fn string(&mut self) -> Res<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(std::str::from_utf8(&self.b[start..self.i]).map_err(|_| "invalid JSON")?);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = *self.b.get(self.i).ok_or("invalid JSON string")?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err("invalid JSON string escape"),
                    }
                }
                _ => return Err("invalid JSON string"),
            }
        }
    }

    fn hex4(&mut self) -> Res<u32> {
        let h = self
            .b
            .get(self.i..self.i + 4)
            .ok_or("invalid JSON string escape")?;
        let s = std::str::from_utf8(h).map_err(|_| "invalid JSON string escape")?;
        let v = u32::from_str_radix(s, 16).map_err(|_| "invalid JSON string escape")?;
        if !h.iter().all(u8::is_ascii_hexdigit) {
            return Err("invalid JSON string escape");
        }
        self.i += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Res<char> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                return Err("invalid JSON string: lone surrogate");
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err("invalid JSON string: lone surrogate");
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or("invalid JSON string: lone surrogate")
    }
}

/// Read the JSON string whose opening quote is at `b[start]`: its decoded
/// text and the index just past its closing quote.
pub(crate) fn read_string(b: &[u8], start: usize) -> Result<(String, usize), &'static str> {
    let mut p = Parser { b, i: start };
    let text = p.string()?;
    Ok((text, p.i))
}

/// Parses a whole JSON text (surrounding whitespace allowed).
pub(crate) fn parse(text: &str) -> Result<Node, &'static str> {
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
    };
    let node = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err("invalid JSON: trailing characters");
    }
    Ok(node)
}

pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(crate) fn write(out: &mut String, node: &Node) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Num(n) => out.push_str(n),
        Node::Str(s) => write_str(out, s),
        Node::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Node::Obj(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write(out, v);
            }
            out.push('}');
        }
    }
}

fn to_text(node: &Node) -> String {
    let mut out = String::new();
    write(&mut out, node);
    out
}

/// Json: object/array text is parsed (invalid → incompatible); text is
/// parsed as JSON and, when it is not JSON, taken as a JSON string (a CSV
/// or JSON backup may hold either); numbers exact, booleans as such.
pub(crate) fn json_canon(cell: &Cell) -> Canon<'_> {
    if let Cell::Json(text) | Cell::Text(text) = cell {
        if let Some(canonical) = super::json_fast::canonical_if_simple(text) {
            return Ok(Cow::Owned(canonical));
        }
    }
    let node = match cell {
        Cell::Json(raw) => parse(raw).map_err(Incompatible::new)?,
        Cell::Text(t) => parse(t).unwrap_or_else(|_| Node::Str(t.clone())),
        Cell::Number(n) => {
            // JSON has no NaN or Infinity.
            let p = decimal::parse(n)
                .filter(|p| matches!(p, decimal::Parsed::Finite { .. }))
                .ok_or_else(|| Incompatible::new("invalid JSON number"))?;
            Node::Num(decimal::canonical(p, None, None)?)
        }
        Cell::Int(i) => Node::Num(i.to_string()),
        Cell::Float(f) if f.is_finite() => {
            let s = f.to_string();
            let p = decimal::parse(&s).ok_or_else(|| Incompatible::new("invalid JSON number"))?;
            Node::Num(decimal::canonical(p, None, None)?)
        }
        Cell::Bool(b) => Node::Bool(*b),
        Cell::Bytes(b) => match std::str::from_utf8(b) {
            Ok(t) => parse(t).unwrap_or_else(|_| Node::Str(t.to_owned())),
            Err(_) => return Err(Incompatible::new("bytes that are not UTF-8, not JSON")),
        },
        other => return Err(Incompatible::new(format!("{}, not JSON", kind(other)))),
    };
    Ok(Cow::Owned(to_text(&node)))
}

/// Canonical JSON text of a node (used for jsonb array elements).
pub(crate) fn node_text(node: &Node) -> String {
    to_text(node)
}

/// The bytes of a Node.js Buffer serialised by JSON.stringify:
/// `{"type":"Buffer","data":[1,2,3]}`.
pub(crate) fn node_buffer(raw: &str) -> Option<Vec<u8>> {
    let Ok(Node::Obj(fields)) = parse(raw) else {
        return None;
    };
    let [(k1, Node::Arr(data)), (k2, Node::Str(ty))] = fields.as_slice() else {
        return None;
    };
    if k1 != "data" || k2 != "type" || ty != "Buffer" {
        return None;
    }
    data.iter()
        .map(|n| match n {
            Node::Num(s) => s.parse::<u8>().ok(),
            _ => None,
        })
        .collect()
}
