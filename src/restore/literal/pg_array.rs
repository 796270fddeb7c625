//! PostgreSQL array literals from the canonical array form, a compact JSON
//! array of element texts, `null`s and nested arrays (`["a",null,["b"]]`).
//! Every element is double-quoted with `\` and `"` backslash-escaped, so no
//! element text (`NULL`, `{`, `,`, spaces) can change the array's shape.

use crate::value::{read_json_string, Incompatible};

enum Elem {
    Null,
    Value(String),
    Arr(Vec<Elem>),
}

/// PostgreSQL allows at most 6 dimensions; the canonical form never has
/// more, and this bound keeps recursion shallow on any input.
const MAX_DIMS: usize = 6;

fn malformed() -> Incompatible {
    Incompatible::new("malformed canonical array")
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    /// At `[`: the elements up to the matching `]`.
    fn array(&mut self, depth: usize) -> Result<Vec<Elem>, Incompatible> {
        if depth > MAX_DIMS || self.b.get(self.i) != Some(&b'[') {
            return Err(malformed());
        }
        self.i += 1;
        let mut items = Vec::new();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(items);
        }
        loop {
            let item = match self.b.get(self.i) {
                Some(b'[') => Elem::Arr(self.array(depth + 1)?),
                Some(b'"') => {
                    let (text, next) =
                        read_json_string(self.b, self.i).map_err(Incompatible::new)?;
                    self.i = next;
                    Elem::Value(text)
                }
                Some(b'n') if self.b[self.i..].starts_with(b"null") => {
                    self.i += 4;
                    Elem::Null
                }
                _ => return Err(malformed()),
            };
            items.push(item);
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(items);
                }
                _ => return Err(malformed()),
            }
        }
    }
}

/// The dimensions of `items` if it is a valid PostgreSQL array: sub-arrays
/// only where every sibling is one, none empty, all of the same shape.
fn shape(items: &[Elem]) -> Result<Vec<usize>, Incompatible> {
    let mut dims = vec![items.len()];
    let mut inner: Option<Vec<usize>> = None;
    let mut scalars = false;
    for item in items {
        match item {
            Elem::Arr(sub) => {
                if sub.is_empty() {
                    return Err(Incompatible::new(
                        "array has an empty sub-array (PostgreSQL refuses it)",
                    ));
                }
                let s = shape(sub)?;
                match &inner {
                    Some(prev) if *prev != s => {
                        return Err(Incompatible::new(
                            "multidimensional array has sub-arrays of different sizes",
                        ))
                    }
                    _ => inner = Some(s),
                }
            }
            Elem::Null | Elem::Value(_) => scalars = true,
        }
    }
    match inner {
        Some(_) if scalars => Err(Incompatible::new(
            "array mixes elements and sub-arrays at one level",
        )),
        Some(s) => {
            dims.extend(s);
            Ok(dims)
        }
        None => Ok(dims),
    }
}

fn write(out: &mut String, items: &[Elem], jsonb: bool) -> Result<(), Incompatible> {
    out.push('{');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Elem::Null => out.push_str("NULL"),
            Elem::Arr(sub) => write(out, sub, jsonb)?,
            Elem::Value(text) => {
                if text.contains('\0') {
                    return Err(Incompatible::new(
                        "PostgreSQL text cannot contain NUL (U+0000)",
                    ));
                }
                if jsonb && has_json_nul_escape(text) {
                    return Err(Incompatible::new(
                        "jsonb cannot contain \\u0000 (PostgreSQL refuses it)",
                    ));
                }
                out.push('"');
                for ch in text.chars() {
                    if ch == '"' || ch == '\\' {
                        out.push('\\');
                    }
                    out.push(ch);
                }
                out.push('"');
            }
        }
    }
    out.push('}');
    Ok(())
}

/// The array literal's text (before SQL quoting) for a canonical array.
/// `jsonb` elements are also checked for `\u0000`, which jsonb refuses.
pub(super) fn render(canon: &str, jsonb: bool) -> Result<String, Incompatible> {
    let mut r = Reader {
        b: canon.as_bytes(),
        i: 0,
    };
    let items = r.array(1)?;
    if r.i != r.b.len() {
        return Err(malformed());
    }
    shape(&items)?;
    let mut out = String::with_capacity(canon.len() + 2);
    write(&mut out, &items, jsonb)?;
    Ok(out)
}

/// Whether JSON text contains the escape `\u0000` (not merely an escaped
/// backslash followed by `u0000`).
pub(super) fn has_json_nul_escape(json: &str) -> bool {
    let b = json.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'u') && b.get(i + 2..i + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            // Skip the escaped character, whatever it is.
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}
