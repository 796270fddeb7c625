//! Declared type names: spelled the way PostgreSQL's `format_type` does, and
//! read into the [`TypeClass`] that governs comparison.

use super::TypeClass;
use std::collections::BTreeMap;

#[derive(Debug, PartialEq)]
enum Tok {
    /// An unquoted word, lower-cased.
    Word(String),
    /// A quoted identifier with its quotes, case kept.
    Quoted(String),
    /// Parenthesised modifiers without whitespace: `10,2`.
    Args(String),
    Dot,
    Sym(char),
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            let mut q = String::from('"');
            chars.next();
            while let Some(c) = chars.next() {
                q.push(c);
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        q.push('"');
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            toks.push(Tok::Quoted(q));
        } else if c == '(' {
            chars.next();
            let mut a = String::new();
            for c in chars.by_ref() {
                if c == ')' {
                    break;
                }
                if !c.is_whitespace() {
                    a.extend(c.to_lowercase());
                }
            }
            toks.push(Tok::Args(a));
        } else if c == '.' {
            chars.next();
            toks.push(Tok::Dot);
        } else if c.is_alphanumeric() || c == '_' || c == '$' || c == '-' {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || c == '_' || c == '$' || c == '-' {
                    w.extend(c.to_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            toks.push(Tok::Word(w));
        } else {
            chars.next();
            toks.push(Tok::Sym(c));
        }
    }
    toks
}

/// Tokens joined back: single spaces between words, none around dots or
/// before modifiers.
fn join(toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut prev_wordlike = false;
    for t in toks {
        match t {
            Tok::Word(w) | Tok::Quoted(w) => {
                if prev_wordlike {
                    out.push(' ');
                }
                out.push_str(w);
                prev_wordlike = true;
            }
            Tok::Args(a) => {
                out.push('(');
                out.push_str(a);
                out.push(')');
                prev_wordlike = true;
            }
            Tok::Dot => {
                out.push('.');
                prev_wordlike = false;
            }
            Tok::Sym(c) => {
                out.push(*c);
                prev_wordlike = false;
            }
        }
    }
    out
}

/// The format_type spelling of a type given as words plus modifiers, or
/// `None` for names without a special spelling.
fn builtin(words: &str, args: Option<&str>) -> Option<String> {
    let with_args = |name: &str| match args {
        Some(a) => format!("{name}({a})"),
        None => name.to_owned(),
    };
    // timestamp(3) with time zone: the modifier sits after the first word.
    let zoned = |base: &str, tz: bool| {
        let zone = if tz { "with" } else { "without" };
        format!("{} {zone} time zone", with_args(base))
    };
    Some(match words {
        "character varying" | "varchar" | "char varying" => with_args("character varying"),
        "character" | "char" => format!("character({})", args.unwrap_or("1")),
        "bpchar" if args.is_some() => with_args("character"),
        "int" | "integer" | "int4" | "serial" | "serial4" if args.is_none() => "integer".into(),
        "bigint" | "int8" | "bigserial" | "serial8" if args.is_none() => "bigint".into(),
        "smallint" | "int2" | "smallserial" | "serial2" if args.is_none() => "smallint".into(),
        "float8" | "double precision" => "double precision".into(),
        "float4" | "real" => "real".into(),
        "float" => match args.and_then(|a| a.parse::<u32>().ok()) {
            Some(p) if p <= 24 => "real".into(),
            _ => "double precision".into(),
        },
        "bool" | "boolean" => "boolean".into(),
        "decimal" | "numeric" => match args {
            Some(a) if !a.contains(',') => format!("numeric({a},0)"),
            _ => with_args("numeric"),
        },
        "timestamptz" | "timestamp with time zone" => zoned("timestamp", true),
        "timestamp" | "timestamp without time zone" => zoned("timestamp", false),
        "timetz" | "time with time zone" => zoned("time", true),
        "time" | "time without time zone" => zoned("time", false),
        "varbit" | "bit varying" => with_args("bit varying"),
        "bit" => format!("bit({})", args.unwrap_or("1")),
        _ => return None,
    })
}

/// Strips array decoration: `[]`, `[3]`, ` ARRAY`, ` ARRAY[3]`, or the
/// `_name` form of information_schema's udt_name. PostgreSQL spells any
/// number of dimensions as one `[]`.
fn strip_array(s: &str) -> (&str, bool) {
    let mut base = s.trim();
    let mut array = false;
    loop {
        if base.ends_with(']') {
            if let Some(open) = base.rfind('[') {
                if base[open + 1..base.len() - 1]
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                {
                    base = base[..open].trim_end();
                    array = true;
                    continue;
                }
            }
        }
        let n = base.len();
        if n > 6 && base.is_char_boundary(n - 6) && base[n - 6..].eq_ignore_ascii_case(" array") {
            base = base[..n - 6].trim_end();
            array = true;
            continue;
        }
        break;
    }
    if !array && base.len() > 1 && base.starts_with('_') {
        return (&base[1..], true);
    }
    (base, array)
}

/// Spell a declared type the way PostgreSQL's `format_type` does, so types
/// from `schema.sql`, pg_dump and the live catalog compare as text:
/// `VARCHAR(255)` → `character varying(255)`, `int4`/`serial` → `integer`,
/// `TIMESTAMPTZ` → `timestamp with time zone`, `decimal(10,2)` → `numeric(10,2)`.
/// Whitespace is collapsed, keywords lower-cased, quoted names keep their case.
/// Whether two declared types are the same type: equal once normalised,
/// where a `public.` qualifier does not count (pg_dump writes `public.mood`
/// where the live catalog's format_type writes `mood`).
pub fn same_type(a: &str, b: &str) -> bool {
    let unqualified = |t: String| match t.strip_prefix("public.") {
        Some(rest) => rest.to_owned(),
        None => t,
    };
    unqualified(normalize_type(a)) == unqualified(normalize_type(b))
}

pub fn normalize_type(data_type: &str) -> String {
    let (base, array) = strip_array(data_type);
    let mut toks = tokenize(base);
    if matches!(toks.as_slice(), [Tok::Word(s), Tok::Dot, _, ..] if s == "pg_catalog") {
        toks.drain(..2);
    }
    let mut words = String::new();
    let mut args = None;
    let mut plain = true;
    for t in &toks {
        match t {
            Tok::Word(w) => {
                if !words.is_empty() {
                    words.push(' ');
                }
                words.push_str(w);
            }
            Tok::Args(a) if args.is_none() => args = Some(a.as_str()),
            _ => plain = false,
        }
    }
    let mut out = if plain {
        builtin(&words, args).unwrap_or_else(|| join(&toks))
    } else {
        join(&toks)
    };
    if array {
        out.push_str("[]");
    }
    out
}

/// `schema."Name"` → `schema.Name`: identifiers with quotes removed.
pub(crate) fn unquote(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if c == '"' {
            if quoted && chars.peek() == Some(&'"') {
                out.push('"');
                chars.next();
            } else {
                quoted = !quoted;
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_numeric_args(args: &str) -> TypeClass {
    let mut parts = args.split(',').map(|p| p.trim().parse::<u32>().ok());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Some(p)), Some(Some(s)), None) if s <= p => TypeClass::Numeric {
            precision: Some(p),
            scale: Some(s),
        },
        (Some(Some(p)), None, None) => TypeClass::Numeric {
            precision: Some(p),
            scale: Some(0),
        },
        _ => TypeClass::Numeric {
            precision: None,
            scale: None,
        },
    }
}

fn paren_arg(n: &str, prefix: &str) -> Option<usize> {
    n.strip_prefix(prefix)?.strip_suffix(')')?.parse().ok()
}

pub(crate) fn classify_postgres(
    data_type: &str,
    enums: &BTreeMap<String, Vec<String>>,
) -> TypeClass {
    let n = normalize_type(data_type);
    classify_normalized(&n, enums)
}

fn classify_normalized(n: &str, enums: &BTreeMap<String, Vec<String>>) -> TypeClass {
    if let Some(base) = n.strip_suffix("[]") {
        return TypeClass::Array(Box::new(classify_normalized(base, enums)));
    }
    let int = |min, max| TypeClass::Int { min, max };
    match n {
        "boolean" => return TypeClass::Bool,
        "smallint" => return int(i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => return int(i64::from(i32::MIN), i64::from(i32::MAX)),
        "bigint" => return int(i64::MIN, i64::MAX),
        "oid" => return int(0, i64::from(u32::MAX)),
        "real" => return TypeClass::Float { single: true },
        "double precision" => return TypeClass::Float { single: false },
        "numeric" => return parse_numeric_args(""),
        "text" | "character varying" | "name" | "citext" => {
            return TypeClass::Text {
                max_chars: None,
                fixed: false,
            }
        }
        "bpchar" => {
            return TypeClass::Text {
                max_chars: None,
                fixed: true,
            }
        }
        "uuid" => return TypeClass::Uuid,
        "date" => return TypeClass::Date,
        "json" | "jsonb" => return TypeClass::Json,
        "bytea" => return TypeClass::Bytes,
        _ => {}
    }
    if let Some(args) = n.strip_prefix("numeric(").and_then(|a| a.strip_suffix(')')) {
        return parse_numeric_args(args);
    }
    if let Some(len) = paren_arg(n, "character varying(") {
        return TypeClass::Text {
            max_chars: Some(len),
            fixed: false,
        };
    }
    if let Some(len) = paren_arg(n, "character(") {
        return TypeClass::Text {
            max_chars: Some(len),
            fixed: true,
        };
    }
    let zoned = n.ends_with(" with time zone");
    if n.starts_with("timestamp") && (zoned || n.ends_with(" without time zone")) {
        return if zoned {
            TypeClass::TimestampTz
        } else {
            TypeClass::Timestamp
        };
    }
    if n.starts_with("time") && (zoned || n.ends_with(" without time zone")) {
        return TypeClass::Time { with_zone: zoned };
    }
    if n == "interval" || n.starts_with("interval(") || n.starts_with("interval ") {
        return TypeClass::Interval;
    }
    let plain = unquote(n);
    let bare = plain.rsplit('.').next().unwrap_or(&plain);
    for key in [n, plain.as_str(), bare] {
        if let Some(labels) = enums.get(key) {
            return TypeClass::Enum {
                name: plain.clone(),
                labels: labels.clone(),
            };
        }
    }
    TypeClass::Other(n.to_owned())
}

/// SQLite: declared types are free text. Well-known names first (what the
/// application meant), then SQLite's own affinity rules. Lengths are not
/// enforced by SQLite, so text never gets `max_chars`.
pub(crate) fn classify_sqlite(data_type: &str) -> TypeClass {
    let upper = data_type.trim().to_ascii_uppercase();
    let (base, args) = match upper.split_once('(') {
        Some((b, rest)) => (b, rest.split(')').next()),
        None => (upper.as_str(), None),
    };
    let base: String = base.split_whitespace().collect::<Vec<_>>().join(" ");
    match base.as_str() {
        "BOOLEAN" | "BOOL" => return TypeClass::Bool,
        "DATETIME" | "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => return TypeClass::Timestamp,
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => return TypeClass::TimestampTz,
        "DATE" => return TypeClass::Date,
        "TIME" => return TypeClass::Time { with_zone: false },
        "UUID" => return TypeClass::Uuid,
        "JSON" | "JSONB" => return TypeClass::Json,
        "DECIMAL" | "NUMERIC" => return parse_numeric_args(args.unwrap_or("")),
        _ => {}
    }
    let has = |s: &str| upper.contains(s);
    if has("INT") {
        TypeClass::Int {
            min: i64::MIN,
            max: i64::MAX,
        }
    } else if has("CHAR") || has("CLOB") || has("TEXT") {
        TypeClass::Text {
            max_chars: None,
            fixed: false,
        }
    } else if has("BLOB") {
        TypeClass::Bytes
    } else if upper.is_empty() {
        // No declared type: BLOB affinity keeps whatever was stored.
        TypeClass::Other(String::new())
    } else if has("REAL") || has("FLOA") || has("DOUB") {
        TypeClass::Float { single: false }
    } else {
        TypeClass::Numeric {
            precision: None,
            scale: None,
        }
    }
}
