//! Booleans, integers, floats and numerics.

use super::buf::StackBuf;
use super::decimal::{self, IntError};
use super::{kind, Canon, Cell, Incompatible};
use std::borrow::Cow;
use std::fmt::Write;

/// Bool: PostgreSQL's boolean spellings (`t`, `yes`, `on`, `1`... in any case,
/// trimmed), SQLite's 0/1 integers, JSON booleans and the numbers 0 and 1 all
/// become `true`/`false`.
pub(crate) fn bool_canon(cell: &Cell) -> Canon<'_> {
    let b = match cell {
        Cell::Bool(b) => Some(*b),
        Cell::Int(0) => Some(false),
        Cell::Int(1) => Some(true),
        Cell::Float(f) if *f == 0.0 => Some(false),
        Cell::Float(f) if *f == 1.0 => Some(true),
        Cell::Number(n) => match decimal::parse(n).map(decimal::integral) {
            Some(Ok(0)) => Some(false),
            Some(Ok(1)) => Some(true),
            _ => None,
        },
        Cell::Text(t) => bool_word(t),
        _ => None,
    };
    match b {
        Some(true) => Ok(Cow::Borrowed("true")),
        Some(false) => Ok(Cow::Borrowed("false")),
        None => Err(Incompatible::new(match cell {
            Cell::Text(_) | Cell::Number(_) | Cell::Int(_) | Cell::Float(_) => {
                "not a boolean".to_owned()
            }
            other => format!("{}, not a boolean", kind(other)),
        })),
    }
}

fn bool_word(t: &str) -> Option<bool> {
    let w = t.trim_matches(|c: char| c.is_ascii_whitespace());
    const TRUE: [&str; 6] = ["true", "t", "yes", "y", "on", "1"];
    const FALSE: [&str; 6] = ["false", "f", "no", "n", "off", "0"];
    if TRUE.iter().any(|s| w.eq_ignore_ascii_case(s)) {
        Some(true)
    } else if FALSE.iter().any(|s| w.eq_ignore_ascii_case(s)) {
        Some(false)
    } else {
        None
    }
}

/// The name PostgreSQL gives an integer range, for reasons.
fn int_type_name(min: i64, max: i64) -> Option<&'static str> {
    match (min, max) {
        (-32_768, 32_767) => Some("smallint"),
        (-2_147_483_648, 2_147_483_647) => Some("integer"),
        (i64::MIN, i64::MAX) => Some("bigint"),
        _ => None,
    }
}

fn out_of_range(min: i64, max: i64) -> Incompatible {
    Incompatible::new(match int_type_name(min, max) {
        Some(name) => format!("out of range for {name} ({min}..{max})"),
        None => format!("out of range ({min}..{max})"),
    })
}

/// Int: text must be integer syntax (`5.5`, `abc` are "not an integer");
/// a JSON number may be any literal denoting an integer (`5.0`, `1e3`); a
/// float only when whole. Then the column's range. Canonical: plain decimal.
pub(crate) fn int_canon(cell: &Cell, min: i64, max: i64) -> Canon<'_> {
    let not_int = || Incompatible::new("not an integer");
    let parsed = match cell {
        Cell::Int(i) => Ok(*i),
        Cell::Text(t) => decimal::parse_int(t),
        Cell::Number(n) => decimal::parse(n)
            .ok_or(IntError::NotInteger)
            .and_then(decimal::integral),
        Cell::Float(f) => {
            if f.fract() != 0.0 || !f.is_finite() {
                Err(IntError::NotInteger)
            } else if *f < -9.223_372_036_854_776e18 || *f >= 9.223_372_036_854_776e18 {
                Err(IntError::Overflow)
            } else {
                Ok(*f as i64)
            }
        }
        other => {
            return Err(Incompatible::new(format!(
                "{}, not an integer",
                kind(other)
            )))
        }
    };
    let value = match parsed {
        Ok(v) => v,
        Err(IntError::NotInteger) => return Err(not_int()),
        Err(IntError::Overflow) => return Err(out_of_range(min, max)),
    };
    if value < min || value > max {
        return Err(out_of_range(min, max));
    }
    match cell {
        Cell::Text(t) | Cell::Number(t) if decimal::is_canonical_int(t) => {
            Ok(Cow::Borrowed(t.as_str()))
        }
        _ => Ok(Cow::Owned(value.to_string())),
    }
}

/// Float: parsed as f32 for real, f64 for double precision, from text, JSON
/// number, integer or float; `NaN`, `Infinity`, `-Infinity` accepted. The
/// canonical text is Rust's shortest round-trip rendering of the parsed
/// value, so `1.50`, `1.5e0` and PostgreSQL's `1.5` meet; `-0` equals `0`
/// as it does in PostgreSQL. Literals that overflow (or underflow to zero)
/// the type are refused like PostgreSQL does.
pub(crate) fn float_canon(cell: &Cell, single: bool) -> Canon<'_> {
    let type_name = if single { "real" } else { "double precision" };
    let value: f64 = match cell {
        Cell::Float(f) => {
            if single {
                let s = *f as f32;
                if s.is_infinite() && f.is_finite() {
                    return Err(Incompatible::new(format!("out of range for {type_name}")));
                }
                f64::from(s)
            } else {
                *f
            }
        }
        Cell::Int(i) => {
            if single {
                f64::from(*i as f32)
            } else {
                *i as f64
            }
        }
        Cell::Text(t) | Cell::Number(t) => parse_float(t, single, type_name)?,
        other => {
            return Err(Incompatible::new(format!(
                "{}, not a {type_name}",
                kind(other)
            )))
        }
    };
    let mut buf = StackBuf::new();
    if value.is_nan() {
        buf.push_str("NaN");
    } else if value.is_infinite() {
        buf.push_str(if value < 0.0 { "-Infinity" } else { "Infinity" });
    } else if value == 0.0 {
        buf.push_str("0");
    } else if single {
        let _ = write!(buf, "{}", value as f32);
    } else {
        let _ = write!(buf, "{value}");
    }
    let input = match cell {
        Cell::Text(t) | Cell::Number(t) => t.as_str(),
        _ => "",
    };
    if buf.overflowed() {
        return Ok(Cow::Owned(if single {
            format!("{}", value as f32)
        } else {
            format!("{value}")
        }));
    }
    Ok(buf.reuse(input))
}

fn parse_float(t: &str, single: bool, type_name: &str) -> Result<f64, Incompatible> {
    let s = t.trim_matches(|c: char| c.is_ascii_whitespace());
    let not_num = || Incompatible::new(format!("not a number ({type_name})"));
    // Rust's parser also takes "infinity"/"nan" words; both are PostgreSQL input too.
    let v = if single {
        s.parse::<f32>().map(f64::from)
    } else {
        s.parse::<f64>()
    }
    .map_err(|_| not_num())?;
    let is_word = s
        .bytes()
        .any(|c| c.is_ascii_alphabetic() && c != b'e' && c != b'E');
    if v.is_infinite() && !is_word {
        return Err(Incompatible::new(format!("out of range for {type_name}")));
    }
    if v == 0.0 {
        let mantissa = s.split(['e', 'E']).next().unwrap_or("");
        if mantissa.bytes().any(|c| (b'1'..=b'9').contains(&c)) {
            return Err(Incompatible::new(format!("out of range for {type_name}")));
        }
    }
    Ok(v)
}

/// Numeric: exact decimal normalisation of the text (never through f64).
/// With a scale the value is first rounded half away from zero to it (as
/// PostgreSQL rounds on store), then digits before the point are checked
/// against precision - scale ("numeric field overflow"). Canonical: no
/// exponent or leading zeros, exactly `scale` fractional digits when the
/// scale is known (PostgreSQL's output, so live values borrow), otherwise
/// trailing fractional zeros dropped. `NaN` stays `NaN`.
pub(crate) fn numeric_canon(cell: &Cell, precision: Option<u32>, scale: Option<u32>) -> Canon<'_> {
    let not_num = || Incompatible::new("not a number");
    match cell {
        Cell::Text(t) | Cell::Number(t) => {
            if decimal::is_canonical(t, precision, scale) {
                return Ok(Cow::Borrowed(t.as_str()));
            }
            let p = decimal::parse(t).ok_or_else(not_num)?;
            decimal::canonical(p, precision, scale).map(Cow::Owned)
        }
        Cell::Int(i) => {
            let s = i.to_string();
            if decimal::is_canonical(&s, precision, scale) {
                return Ok(Cow::Owned(s));
            }
            let p = decimal::parse(&s).ok_or_else(not_num)?;
            decimal::canonical(p, precision, scale).map(Cow::Owned)
        }
        Cell::Float(f) => {
            // SQLite keeps 10.5 in a NUMERIC column as REAL; its shortest
            // rendering is the decimal the application wrote.
            let s = if f.is_nan() {
                "NaN".to_owned()
            } else if f.is_infinite() {
                if *f < 0.0 { "-Infinity" } else { "Infinity" }.to_owned()
            } else {
                format!("{f}")
            };
            let p = decimal::parse(&s).ok_or_else(not_num)?;
            decimal::canonical(p, precision, scale).map(Cow::Owned)
        }
        other => Err(Incompatible::new(format!("{}, not a number", kind(other)))),
    }
}
