//! Decimal text algebra without floating point: a literal (`-0012.500e1`) is
//! read as sign, digits and exponent, and written back in PostgreSQL's
//! numeric form (`-125`, or `-125.00` at scale 2). Exact for any length, so
//! `10.5` and `10.50` meet, and `0.1` never becomes `0.1000000000000000055`.

use super::Incompatible;

/// PostgreSQL numeric limits: digits before the point, and display scale.
const MAX_INT_DIGITS: i64 = 131_072;
const MAX_SCALE: i64 = 16_383;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Parsed<'a> {
    Finite {
        neg: bool,
        int: &'a [u8],
        frac: &'a [u8],
        exp: i64,
    },
    NaN,
    Infinity {
        neg: bool,
    },
}

/// Reads a decimal literal: optional sign, digits with an optional point (at
/// least one digit overall), optional exponent; ASCII whitespace around it is
/// allowed. `NaN` and `Infinity`/`inf` in any case. `None` if not a number.
pub(crate) fn parse(s: &str) -> Option<Parsed<'_>> {
    let b = s.trim_matches(|c: char| c.is_ascii_whitespace()).as_bytes();
    let (neg, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if body.first().is_some_and(|c| c.is_ascii_alphabetic()) {
        return if body.eq_ignore_ascii_case(b"nan") && body.len() == b.len() {
            Some(Parsed::NaN)
        } else if body.eq_ignore_ascii_case(b"infinity") || body.eq_ignore_ascii_case(b"inf") {
            Some(Parsed::Infinity { neg })
        } else {
            None
        };
    }
    let int_len = body.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = &body[..int_len];
    let mut rest = &body[int_len..];
    let mut frac: &[u8] = &[];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        frac = &rest[1..1 + n];
        rest = &rest[1 + n..];
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if let Some(&e) = rest.first() {
        if e != b'e' && e != b'E' {
            return None;
        }
        rest = &rest[1..];
        let eneg = match rest.first() {
            Some(b'-') => {
                rest = &rest[1..];
                true
            }
            Some(b'+') => {
                rest = &rest[1..];
                false
            }
            _ => false,
        };
        if rest.is_empty() || !rest.iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
        for &d in rest {
            // Saturate: anything this large is rejected later as overflow.
            exp = (exp * 10 + i64::from(d - b'0')).min(1_000_000_000);
        }
        if eneg {
            exp = -exp;
        }
    }
    Some(Parsed::Finite {
        neg,
        int,
        frac,
        exp,
    })
}

/// A finite literal reduced to significant digits `0.d1d2..dk × 10^pos`.
struct Reduced {
    neg: bool,
    digits: Vec<u8>,
    pos: i64,
}

fn reduce(neg: bool, int: &[u8], frac: &[u8], exp: i64) -> Reduced {
    let seq = || int.iter().chain(frac.iter()).copied();
    let n = int.len() + frac.len();
    let lz = seq().take_while(|&d| d == b'0').count();
    if lz == n {
        return Reduced {
            neg: false,
            digits: Vec::new(),
            pos: 0,
        };
    }
    let mut digits: Vec<u8> = seq().skip(lz).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    Reduced {
        neg,
        digits,
        pos: int.len() as i64 + exp - lz as i64,
    }
}

/// Rounds half away from zero to `scale` fractional digits, as PostgreSQL
/// does when a value is stored into numeric(p,s).
fn round_to_scale(r: &mut Reduced, scale: i64) {
    let k = r.digits.len() as i64;
    if k - r.pos <= scale {
        return;
    }
    let keep = r.pos + scale;
    if keep < 0 {
        r.digits.clear();
    } else {
        let keep = keep as usize;
        let round_up = r.digits[keep] >= b'5';
        r.digits.truncate(keep);
        if round_up {
            let mut i = keep;
            loop {
                if i == 0 {
                    r.digits.insert(0, b'1');
                    r.pos += 1;
                    break;
                }
                i -= 1;
                if r.digits[i] == b'9' {
                    r.digits[i] = b'0';
                } else {
                    r.digits[i] += 1;
                    break;
                }
            }
        }
        while r.digits.last() == Some(&b'0') {
            r.digits.pop();
        }
    }
    if r.digits.is_empty() {
        r.neg = false;
        r.pos = 0;
    }
}

fn type_name(precision: Option<u32>, scale: Option<u32>) -> String {
    match (precision, scale) {
        (Some(p), Some(s)) => format!("numeric({p},{s})"),
        (Some(p), None) => format!("numeric({p})"),
        _ => "numeric".to_owned(),
    }
}

/// The canonical numeric text of a parsed literal: no exponent, no leading
/// zeros, no `+`, no negative zero; with a scale exactly `scale` fractional
/// digits (PostgreSQL's own output form), without one no trailing zeros.
pub(crate) fn canonical(
    p: Parsed<'_>,
    precision: Option<u32>,
    scale: Option<u32>,
) -> Result<String, Incompatible> {
    let (neg, int, frac, exp) = match p {
        Parsed::NaN => return Ok("NaN".to_owned()),
        Parsed::Infinity { neg } => {
            if precision.is_some() {
                return Err(Incompatible::new(format!(
                    "{} cannot hold an infinite value",
                    type_name(precision, scale)
                )));
            }
            return Ok(if neg { "-Infinity" } else { "Infinity" }.to_owned());
        }
        Parsed::Finite {
            neg,
            int,
            frac,
            exp,
        } => (neg, int, frac, exp),
    };
    let mut r = reduce(neg, int, frac, exp);
    let k = r.digits.len() as i64;
    if r.pos > MAX_INT_DIGITS || (scale.is_none() && k - r.pos > MAX_SCALE) {
        return Err(Incompatible::new("value overflows numeric format"));
    }
    if let Some(s) = scale {
        round_to_scale(&mut r, i64::from(s));
    }
    if let Some(p) = precision {
        let s = scale.unwrap_or(0);
        let allowed = i64::from(p.saturating_sub(s));
        if r.pos > allowed {
            return Err(Incompatible::new(format!(
                "numeric field overflow: {} allows at most {allowed} digits before the point",
                type_name(precision, scale)
            )));
        }
    }
    Ok(write(&r, scale))
}

fn write(r: &Reduced, scale: Option<u32>) -> String {
    let k = r.digits.len() as i64;
    let frac_len = (k - r.pos).max(0);
    let pad = scale.map_or(0, |s| (i64::from(s) - frac_len).max(0));
    let mut out = String::with_capacity((r.pos.max(1) + frac_len + pad + 2) as usize);
    if r.neg {
        out.push('-');
    }
    if r.pos <= 0 {
        out.push('0');
    } else {
        for i in 0..r.pos {
            out.push(char::from(*r.digits.get(i as usize).unwrap_or(&b'0')));
        }
    }
    if frac_len + pad > 0 {
        out.push('.');
        for _ in 0..(-r.pos).max(0) {
            out.push('0');
        }
        for &d in r.digits.get(r.pos.max(0) as usize..).unwrap_or(&[]) {
            out.push(char::from(d));
        }
        for _ in 0..pad {
            out.push('0');
        }
    }
    out
}

/// Whether `s` already is the canonical text [`canonical`] would produce,
/// checked without allocating: the usual case for live PostgreSQL numerics.
pub(crate) fn is_canonical(s: &str, precision: Option<u32>, scale: Option<u32>) -> bool {
    let b = s.as_bytes();
    let (neg, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let int_len = body.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = &body[..int_len];
    if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
        return false;
    }
    let frac = match &body[int_len..] {
        [] => &[][..],
        [b'.', f @ ..] if !f.is_empty() && f.iter().all(|c| c.is_ascii_digit()) => f,
        _ => return false,
    };
    let frac_ok = match scale {
        Some(sc) => frac.len() == sc as usize,
        None => frac.last() != Some(&b'0') && (frac.len() as i64) <= MAX_SCALE,
    };
    if !frac_ok || int.len() as i64 > MAX_INT_DIGITS {
        return false;
    }
    let zero_int = int == b"0";
    if neg && zero_int && frac.iter().all(|&c| c == b'0') {
        return false;
    }
    match precision {
        Some(p) => {
            let int_digits = if zero_int { 0 } else { int.len() };
            int_digits <= p.saturating_sub(scale.unwrap_or(0)) as usize
        }
        None => true,
    }
}

/// Why an integer text was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IntError {
    NotInteger,
    Overflow,
}

/// Strict integer syntax as PostgreSQL's int input reads it: surrounding
/// whitespace, an optional sign, decimal digits.
pub(crate) fn parse_int(s: &str) -> Result<i64, IntError> {
    let b = s.trim_matches(|c: char| c.is_ascii_whitespace()).as_bytes();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(|c| c.is_ascii_digit()) {
        return Err(IntError::NotInteger);
    }
    // Accumulate negatively so i64::MIN fits.
    let mut acc: i64 = 0;
    for &d in digits {
        acc = acc
            .checked_mul(10)
            .and_then(|a| a.checked_sub(i64::from(d - b'0')))
            .ok_or(IntError::Overflow)?;
    }
    if neg {
        Ok(acc)
    } else {
        acc.checked_neg().ok_or(IntError::Overflow)
    }
}

/// Whether `s` is an integer written canonically (`-12`, `0`, not `+1`, `007`, `-0`).
pub(crate) fn is_canonical_int(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    !digits.is_empty()
        && digits.iter().all(|c| c.is_ascii_digit())
        && (digits[0] != b'0' || (digits.len() == 1 && digits.len() == b.len()))
}

/// The integer a parsed literal denotes (`5`, `5.0`, `1e3`, `-0`), or why not.
pub(crate) fn integral(p: Parsed<'_>) -> Result<i64, IntError> {
    let (neg, int, frac, exp) = match p {
        Parsed::Finite {
            neg,
            int,
            frac,
            exp,
        } => (neg, int, frac, exp),
        _ => return Err(IntError::NotInteger),
    };
    let r = reduce(neg, int, frac, exp);
    let k = r.digits.len() as i64;
    if k > r.pos.max(0) {
        return Err(IntError::NotInteger);
    }
    if r.pos > 19 {
        return Err(IntError::Overflow);
    }
    let mut acc: i128 = 0;
    for i in 0..r.pos {
        let d = r.digits.get(i as usize).map_or(0, |&d| d - b'0');
        acc = acc * 10 + i128::from(d);
    }
    if r.neg {
        acc = -acc;
    }
    i64::try_from(acc).map_err(|_| IntError::Overflow)
}
