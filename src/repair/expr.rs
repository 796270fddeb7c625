//! Expressions and type names from a backup's schema, made safe to put into
//! DDL. A backup is untrusted text: a DEFAULT or CHECK is parsed with
//! sqlparser as exactly one expression and re-rendered from the AST, never
//! pasted; a type name must fit a strict grammar and is re-rendered from its
//! tokens.
//!
//! Beyond syntax, an expression may not contain a subquery (a DEFAULT or
//! CHECK that reads other tables is not something a repair should install)
//! and may call only well-known built-in functions: `ADD COLUMN ... DEFAULT
//! f()` and `ADD CONSTRAINT ... CHECK (f(x))` run `f` once per existing row,
//! so a backup naming `pg_terminate_backend` or a user function must not get
//! that far. SQL keywords that look like calls (`CAST(`, `COALESCE(`,
//! `ANY(`, `numeric(10,2)`) are syntax, not function calls, and pass.

use sqlparser::ast::Expr;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer, Word};

/// Functions a default or CHECK from a backup may call (lower case): time,
/// uuids, sequences, and pure text/number/json/array helpers. Anything else
/// is refused with its name.
const ALLOWED_FUNCTIONS: &[&str] = &[
    // time
    "now",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timezone",
    "date_trunc",
    "date_part",
    "make_date",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "to_char",
    "to_date",
    "to_timestamp",
    "age",
    "isfinite",
    // ids and sequences
    "nextval",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v4",
    "random",
    "md5",
    // text
    "lower",
    "upper",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "btrim",
    "ltrim",
    "rtrim",
    "concat",
    "concat_ws",
    "replace",
    "substr",
    "strpos",
    "starts_with",
    "regexp_like",
    "regexp_replace",
    "initcap",
    "split_part",
    // numbers
    "abs",
    "round",
    "trunc",
    "floor",
    "ceil",
    "ceiling",
    "mod",
    "sign",
    // json and arrays
    "jsonb_typeof",
    "json_typeof",
    "jsonb_build_object",
    "jsonb_build_array",
    "json_build_object",
    "json_build_array",
    "jsonb_array_length",
    "json_array_length",
    "array_length",
    "array_ndims",
    "cardinality",
    "num_nulls",
    "num_nonnulls",
    // SQLite's date functions (a SQLite schema.sql uses them in defaults)
    "datetime",
    "date",
    "time",
    "strftime",
    "julianday",
    "unixepoch",
];

/// Keywords that start a subquery (`(SELECT ...)`, `EXISTS (TABLE t)`).
const SUBQUERY_KEYWORDS: &[Keyword] = &[
    Keyword::SELECT,
    Keyword::WITH,
    Keyword::VALUES,
    Keyword::TABLE,
];

/// `text` as exactly one SQL expression, re-rendered from its parse, or why
/// it cannot be used.
pub fn safe_expression(text: &str) -> Result<String, String> {
    Ok(parse_expression(text)?.to_string())
}

/// [`safe_expression`]'s checks, returning the parsed expression (the DDL
/// renderer looks at its shape for SQLite).
pub(crate) fn parse_expression(text: &str) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    if text.contains('\0') {
        return Err("contains a NUL character".to_owned());
    }
    let tokens = Tokenizer::new(&dialect, text)
        .tokenize()
        .map_err(|e| format!("is not valid SQL ({})", e.message))?;
    check_tokens(&tokens)?;
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| format!("is not valid SQL ({e})"))?;
    let expr = parser
        .parse_expr()
        .map_err(|e| format!("is not one SQL expression ({e})"))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(format!(
            "has text after the expression, starting at {}",
            next.token
        ));
    }
    Ok(expr)
}

/// Token-level rules: no statement separator, no subquery, calls only to
/// allowed functions.
fn check_tokens(tokens: &[Token]) -> Result<(), String> {
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    for (i, tok) in significant.iter().enumerate() {
        match tok {
            Token::SemiColon => return Err("contains `;` (a statement separator)".to_owned()),
            Token::Word(w) if w.quote_style.is_none() && SUBQUERY_KEYWORDS.contains(&w.keyword) => {
                return Err(format!(
                    "contains a subquery ({}); lifeboat does not recreate expressions that read tables",
                    w.value.to_uppercase()
                ))
            }
            Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::OPERATOR => {
                return Err(
                    "names an operator with OPERATOR(...); lifeboat recreates only plain operators"
                        .to_owned(),
                )
            }
            Token::Word(w) if significant.get(i + 1) == Some(&&Token::LParen) => {
                let qualifier = match (significant.get(i.wrapping_sub(1)), i.checked_sub(2)) {
                    (Some(Token::Period), Some(q)) => match significant.get(q) {
                        Some(Token::Word(q)) => Some(q),
                        _ => None,
                    },
                    _ => None,
                };
                check_call(w, qualifier)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_call(name: &Word, qualifier: Option<&Word>) -> Result<(), String> {
    // An unquoted keyword before `(` is syntax (CAST, ANY, COALESCE, a type's modifiers).
    if name.quote_style.is_none() && name.keyword != Keyword::NoKeyword && qualifier.is_none() {
        return Ok(());
    }
    let lower = name.value.to_lowercase();
    let schema_ok = qualifier.is_none_or(|q| q.value.eq_ignore_ascii_case("pg_catalog"));
    if schema_ok && ALLOWED_FUNCTIONS.contains(&lower.as_str()) {
        return Ok(());
    }
    let shown = match qualifier {
        Some(q) => format!("{}.{}", q.value, name.value),
        None => name.value.clone(),
    };
    Err(format!(
        "calls function {shown}(), which lifeboat does not run from a backup's schema \
         (only well-known built-ins are allowed); recreate this part by hand if it is needed"
    ))
}

/// Column-constraint keywords: none may appear in a type name, or the
/// column definition it is pasted into could gain a constraint.
const NOT_IN_TYPE: &[&str] = &[
    "constraint",
    "not",
    "null",
    "check",
    "default",
    "generated",
    "unique",
    "primary",
    "key",
    "references",
    "collate",
    "deferrable",
    "initially",
    "storage",
    "compression",
    "as",
    "on",
    "conflict",
    "autoincrement",
];

enum TypeTok {
    Word(String),
    Quoted(String),
    Dot,
    Args(Vec<u32>),
    Array(Option<u32>),
}

/// A type name from a backup, re-rendered, if it fits the grammar: name
/// parts (words or quoted identifiers, dot-separated), more words
/// (`character varying`, `with time zone`), at most one `(n)` / `(n,m)`,
/// then `[]` / `[n]` suffixes. Unquoted words are lower-cased, quoted ones
/// re-quoted.
pub fn safe_type(text: &str) -> Result<String, String> {
    let toks = type_tokens(text)?;
    let mut out = String::new();
    let mut prev_word = false;
    let mut args_seen = false;
    let mut array_seen = false;
    let mut after_dot = true; // a name part must come first
    for (i, t) in toks.iter().enumerate() {
        if array_seen && !matches!(t, TypeTok::Array(_)) {
            return Err(refuse(text, "only [] may follow an array suffix"));
        }
        match t {
            TypeTok::Word(w) | TypeTok::Quoted(w) => {
                if let TypeTok::Word(w) = t {
                    if NOT_IN_TYPE.contains(&w.as_str()) {
                        return Err(refuse(
                            text,
                            &format!("the word {w} cannot be part of a type"),
                        ));
                    }
                }
                if prev_word && !after_dot {
                    out.push(' ');
                }
                match t {
                    TypeTok::Quoted(q) => out.push_str(&crate::catalog::quote_ident(q)),
                    _ => out.push_str(w),
                }
                prev_word = true;
                after_dot = false;
            }
            TypeTok::Dot => {
                if after_dot
                    || args_seen
                    || !matches!(toks.get(i + 1), Some(TypeTok::Word(_) | TypeTok::Quoted(_)))
                {
                    return Err(refuse(text, "a dot must join two name parts"));
                }
                out.push('.');
                after_dot = true;
            }
            TypeTok::Args(args) => {
                if after_dot || args_seen {
                    return Err(refuse(text, "modifiers must follow a name, once"));
                }
                let parts: Vec<String> = args.iter().map(u32::to_string).collect();
                out.push('(');
                out.push_str(&parts.join(","));
                out.push(')');
                args_seen = true;
            }
            TypeTok::Array(n) => {
                if after_dot {
                    return Err(refuse(text, "[] must follow a type"));
                }
                out.push('[');
                if let Some(n) = n {
                    out.push_str(&n.to_string());
                }
                out.push(']');
                array_seen = true;
            }
        }
    }
    if out.is_empty() || after_dot {
        return Err(refuse(text, "no type name"));
    }
    Ok(out)
}

fn refuse(text: &str, why: &str) -> String {
    format!(
        "type {} is not a plain type name ({why}); refusing to put it into SQL",
        crate::value::display_value(&crate::value::Cell::Text(text.to_owned()))
    )
}

fn type_tokens(text: &str) -> Result<Vec<TypeTok>, String> {
    let mut toks = Vec::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == ' ' {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut q = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        q.push('"');
                    } else {
                        closed = true;
                        break;
                    }
                } else if c.is_control() {
                    return Err(refuse(text, "control character in a quoted name"));
                } else {
                    q.push(c);
                }
            }
            if !closed || q.is_empty() {
                return Err(refuse(text, "unclosed or empty quoted name"));
            }
            toks.push(TypeTok::Quoted(q));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                    w.push(c.to_ascii_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            toks.push(TypeTok::Word(w));
        } else if c == '.' {
            chars.next();
            toks.push(TypeTok::Dot);
        } else if c == '(' {
            chars.next();
            let inner = until(&mut chars, ')').ok_or_else(|| refuse(text, "unclosed ("))?;
            let args = inner
                .split(',')
                .map(|a| a.trim().parse::<u32>())
                .collect::<Result<Vec<u32>, _>>()
                .map_err(|_| refuse(text, "modifiers must be whole numbers"))?;
            if args.is_empty() || args.len() > 2 {
                return Err(refuse(text, "one or two modifiers"));
            }
            toks.push(TypeTok::Args(args));
        } else if c == '[' {
            chars.next();
            let inner = until(&mut chars, ']').ok_or_else(|| refuse(text, "unclosed ["))?;
            let n = match inner.trim() {
                "" => None,
                d => Some(
                    d.parse::<u32>()
                        .map_err(|_| refuse(text, "array bounds must be whole numbers"))?,
                ),
            };
            toks.push(TypeTok::Array(n));
        } else {
            return Err(refuse(text, &format!("unexpected {c:?}")));
        }
    }
    Ok(toks)
}

/// The characters up to `close` (consumed), or None if it never comes.
fn until(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, close: char) -> Option<String> {
    let mut inner = String::new();
    for c in chars.by_ref() {
        if c == close {
            return Some(inner);
        }
        inner.push(c);
    }
    None
}

#[cfg(test)]
#[path = "expr_tests.rs"]
mod tests;
