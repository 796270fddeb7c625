//! The type named in a cast (`'…'::numeric(10,2)`). The text comes from the
//! live catalog (`format_type`), but it is pasted into statements, so it is
//! held to the shape of a type name: words, dots, modifiers in parentheses,
//! `[]`, and properly closed quoted identifiers. Nothing that could end a
//! string, a statement or start a comment (`'`, `;`, `--`, `/*`) gets through.

use crate::value::Incompatible;

/// `data_type` trimmed, if it is safe to paste after `::`.
pub(crate) fn cast_type(data_type: &str) -> Result<&str, Incompatible> {
    let t = data_type.trim();
    let refuse = || {
        Incompatible::new(format!(
            "column type {} is not a plain type name; refusing to paste it into SQL",
            crate::value::display_value(&crate::value::Cell::Text(t.to_owned()))
        ))
    };
    if t.is_empty() {
        return Err(refuse());
    }
    let mut chars = t.chars().peekable();
    let mut parens = 0usize;
    let mut brackets = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // A quoted identifier: `""` is a quote inside it; it must close.
                let mut closed = false;
                while let Some(q) = chars.next() {
                    if q == '\0' {
                        return Err(refuse());
                    }
                    if q == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                        } else {
                            closed = true;
                            break;
                        }
                    }
                }
                if !closed {
                    return Err(refuse());
                }
            }
            '(' => parens += 1,
            ')' => parens = parens.checked_sub(1).ok_or_else(refuse)?,
            '[' => brackets += 1,
            ']' => brackets = brackets.checked_sub(1).ok_or_else(refuse)?,
            c if c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | ',' | ' ') => {}
            _ => return Err(refuse()),
        }
    }
    if parens != 0 || brackets != 0 {
        return Err(refuse());
    }
    Ok(t)
}

/// Whether a (safe) type text names `base` or an array of it, possibly
/// qualified with `pg_catalog.`.
pub(crate) fn base_is(type_text: &str, base: &str) -> bool {
    let mut t = type_text;
    while let Some(rest) = t.strip_suffix("[]") {
        t = rest.trim_end();
    }
    let t = t.strip_prefix("pg_catalog.").unwrap_or(t);
    t.eq_ignore_ascii_case(base)
}

/// A PostgreSQL WHERE clause matching rows whose key columns (`(name,
/// declared type)`) hold one of the keys bound as text arrays `$1, $2, ...`
/// (one per column): `"id" = ANY($1::text[]::uuid[])`, or for a composite
/// key `("a", "b") IN (SELECT * FROM unnest($1::text[]::int4[], ...))`.
/// One array instead of thousands of literals keeps the server's parse cheap.
pub(crate) fn key_in_bound_arrays(columns: &[(&str, &str)]) -> Result<String, Incompatible> {
    let mut arrays = Vec::with_capacity(columns.len());
    let mut names = Vec::with_capacity(columns.len());
    for (n, (name, data_type)) in columns.iter().enumerate() {
        arrays.push(format!("${}::text[]::{}[]", n + 1, cast_type(data_type)?));
        names.push(crate::catalog::quote_ident(name));
    }
    Ok(match names.as_slice() {
        [one] => format!("{one} = ANY({})", arrays[0]),
        _ => format!(
            "({}) IN (SELECT * FROM unnest({}))",
            names.join(", "),
            arrays.join(", ")
        ),
    })
}
