//! Arrays: PostgreSQL array literals (`{a,"b \"c\"",NULL,{1,2}}`) from the
//! live side and CSV, JSON arrays from JSON backups. Each element is
//! canonicalised in the element type; the canonical array is a compact JSON
//! array of the elements' canonical texts, nulls and nested arrays.

use super::json::{self, Node};
use super::{canonicalize, kind, Canon, Cell, Incompatible, TypeClass};
use std::borrow::Cow;

/// PostgreSQL allows at most 6 dimensions.
const MAX_DIMS: usize = 6;

enum Elem {
    Null,
    Value(Cell),
    Arr(Vec<Elem>),
}

struct Literal<'a> {
    b: &'a [u8],
    i: usize,
}

impl Literal<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// At `{`: the elements up to the matching `}`.
    fn array(&mut self, depth: usize) -> Result<Vec<Elem>, &'static str> {
        if depth > MAX_DIMS {
            return Err("array has more than 6 dimensions");
        }
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(items);
        }
        loop {
            self.ws();
            let item = match self.b.get(self.i) {
                Some(b'{') => Elem::Arr(self.array(depth + 1)?),
                Some(b'"') => Elem::Value(Cell::Text(self.quoted()?)),
                Some(_) => self.unquoted()?,
                None => return Err("malformed array literal"),
            };
            items.push(item);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(items);
                }
                _ => return Err("malformed array literal"),
            }
        }
    }

    fn quoted(&mut self) -> Result<String, &'static str> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    let c = *self.b.get(self.i + 1).ok_or("malformed array literal")?;
                    out.push(c);
                    self.i += 2;
                }
                Some(&c) => {
                    out.push(c);
                    self.i += 1;
                }
                None => return Err("malformed array literal: unterminated quote"),
            }
        }
        String::from_utf8(out).map_err(|_| "malformed array literal")
    }

    /// An unquoted element up to `,` or `}`; backslash escapes; surrounding
    /// whitespace dropped; `NULL` in any case (unescaped) is null.
    fn unquoted(&mut self) -> Result<Elem, &'static str> {
        let mut out = Vec::new();
        let mut escaped = false;
        // Length of `out` up to the last escaped or non-space byte.
        let mut keep = 0;
        loop {
            match self.b.get(self.i) {
                Some(b',' | b'}') => break,
                Some(b'"' | b'{') | None => return Err("malformed array literal"),
                Some(b'\\') => {
                    let c = *self.b.get(self.i + 1).ok_or("malformed array literal")?;
                    out.push(c);
                    keep = out.len();
                    escaped = true;
                    self.i += 2;
                }
                Some(&c) => {
                    out.push(c);
                    if !c.is_ascii_whitespace() {
                        keep = out.len();
                    }
                    self.i += 1;
                }
            }
        }
        out.truncate(keep);
        if out.is_empty() {
            return Err("malformed array literal: empty element");
        }
        if !escaped && out.eq_ignore_ascii_case(b"null") {
            return Ok(Elem::Null);
        }
        String::from_utf8(out)
            .map(|s| Elem::Value(Cell::Text(s)))
            .map_err(|_| "malformed array literal")
    }
}

/// Whether text starts with PostgreSQL array bounds (`[1:3]`), which a JSON
/// array never does (`:` cannot follow a JSON array's first element).
fn has_bounds(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('[') else {
        return false;
    };
    let Some(end) = rest.find(']') else {
        return false;
    };
    let inner = &rest[..end];
    inner.contains(':')
        && inner
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-:".contains(&b))
}

fn parse_literal(text: &str) -> Result<Vec<Elem>, &'static str> {
    let mut t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    // Explicit bounds (`[0:1]={a,b}`) do not change the elements.
    if has_bounds(t) {
        t = t.split_once('=').map(|(_, r)| r.trim_start()).unwrap_or(t);
    }
    let mut p = Literal {
        b: t.as_bytes(),
        i: 0,
    };
    if p.b.first() != Some(&b'{') {
        return Err("not an array");
    }
    let items = p.array(1)?;
    p.ws();
    if p.i != p.b.len() {
        return Err("malformed array literal: trailing characters");
    }
    Ok(items)
}

/// JSON array items as elements. For json/jsonb elements, nested arrays and
/// objects are element values, not dimensions.
fn from_json(items: Vec<Node>, elem: &TypeClass) -> Vec<Elem> {
    items
        .into_iter()
        .map(|n| match n {
            Node::Null => Elem::Null,
            Node::Arr(inner) if *elem != TypeClass::Json => Elem::Arr(from_json(inner, elem)),
            Node::Str(s) => Elem::Value(Cell::Text(s)),
            Node::Num(s) => Elem::Value(Cell::Number(s)),
            Node::Bool(b) => Elem::Value(Cell::Bool(b)),
            other => Elem::Value(Cell::Json(json::node_text(&other))),
        })
        .collect()
}

fn write(
    out: &mut String,
    items: &[Elem],
    elem: &TypeClass,
    path: &mut Vec<usize>,
) -> Result<(), Incompatible> {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        path.push(i + 1);
        match item {
            Elem::Null => out.push_str("null"),
            Elem::Arr(inner) => write(out, inner, elem, path)?,
            Elem::Value(cell) => match canonicalize(cell, elem) {
                Ok(Some(c)) => json::write_str(out, &c),
                Ok(None) => out.push_str("null"),
                Err(e) => {
                    let at: Vec<String> = path.iter().map(usize::to_string).collect();
                    return Err(Incompatible::new(format!(
                        "element [{}]: {}",
                        at.join("]["),
                        e.reason
                    )));
                }
            },
        }
        path.pop();
    }
    out.push(']');
    Ok(())
}

/// Array: a JSON array (`Cell::Json`, or text starting with `[`) or a
/// PostgreSQL array literal; elements canonicalised in `elem`. An element
/// that cannot be a value of `elem` makes the whole array incompatible, with
/// the element's (1-based, PostgreSQL-style) index in the reason.
pub(crate) fn array_canon<'a>(cell: &'a Cell, elem: &TypeClass) -> Canon<'a> {
    let from_json_text = |raw: &str| match json::parse(raw) {
        Ok(Node::Arr(items)) => Ok(from_json(items, elem)),
        Ok(_) => Err(Incompatible::new("JSON that is not an array")),
        Err(e) => Err(Incompatible::new(e)),
    };
    let items = match cell {
        Cell::Json(raw) => from_json_text(raw)?,
        Cell::Text(t) => {
            let trimmed = t.trim_start();
            if trimmed.starts_with('[') && !has_bounds(trimmed) {
                from_json_text(t)?
            } else {
                parse_literal(t).map_err(Incompatible::new)?
            }
        }
        other => return Err(Incompatible::new(format!("{}, not an array", kind(other)))),
    };
    let mut out = String::new();
    write(&mut out, &items, elem, &mut Vec::new())?;
    Ok(Cow::Owned(out))
}
