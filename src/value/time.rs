//! Dates, times and timestamps, read by hand from ISO 8601 / PostgreSQL
//! text and Unix epochs, and written in PostgreSQL's ISO output form
//! (`DateStyle=ISO`, `TimeZone=UTC`) so live values borrow.

use super::buf::StackBuf;
use super::decimal::{self, IntError};
use super::{kind, Canon, Cell, Incompatible};
use std::borrow::Cow;

const DAY_MICROS: i64 = 86_400_000_000;
/// PostgreSQL's timestamp range ends in 294276 AD; year 0 does not exist.
const MAX_YEAR: i64 = 294_276;
/// Epoch integers at least this large are milliseconds, smaller ones seconds
/// (1e11 seconds is the year 5138; 1e11 milliseconds is 1973).
const MILLIS_FROM: i64 = 100_000_000_000;

/// A point read from text: a civil day, microseconds into it, and the UTC
/// offset in seconds when one was written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stamp {
    days: i64,
    micros: i64,
    offset: Option<i32>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Parsed {
    Finite(Stamp),
    Infinity { neg: bool },
}

impl Stamp {
    /// The same instant expressed in UTC, offset dropped.
    fn to_utc(self) -> Stamp {
        let shifted = self.micros - i64::from(self.offset.unwrap_or(0)) * 1_000_000;
        Stamp {
            days: self.days + shifted.div_euclid(DAY_MICROS),
            micros: shifted.rem_euclid(DAY_MICROS),
            offset: None,
        }
    }

    fn from_epoch_micros(m: i128) -> Stamp {
        let day = i128::from(DAY_MICROS);
        Stamp {
            days: m.div_euclid(day) as i64,
            micros: m.rem_euclid(day) as i64,
            offset: None,
        }
    }
}

pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A byte cursor over trimmed input.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Between `min` and `max` digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + i64::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i - start >= min).then_some(v)
    }
    fn skip_spaces(&mut self) -> bool {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i > start
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    fn rest_is(&self, word: &str) -> bool {
        self.b[self.i..].eq_ignore_ascii_case(word.as_bytes())
    }
}

/// `HH:MM[:SS[.fraction]]` as microseconds; fractions beyond microseconds
/// are rounded (half up), which may carry into the next second.
fn clock(c: &mut Cur) -> Option<i64> {
    let h = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let m = c.digits(2, 2)?;
    let mut s = 0;
    let mut frac: i64 = 0;
    if c.eat(b':') {
        s = c.digits(2, 2)?;
        if c.eat(b'.') {
            let start = c.i;
            let mut n = 0;
            while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                if n < 6 {
                    frac = frac * 10 + i64::from(d - b'0');
                } else if n == 6 && d >= b'5' {
                    frac += 1;
                }
                n += 1;
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
            for _ in n..6 {
                frac *= 10;
            }
        }
    }
    let is_midnight_end = h == 24 && m == 0 && s == 0 && frac == 0;
    if (h > 23 && !is_midnight_end) || m > 59 || s > 60 {
        return None;
    }
    Some(((h * 60 + m) * 60 + s) * 1_000_000 + frac)
}

/// `Z`, `UTC`, `+HH`, `+HH:MM`, `+HHMM`, `+HH:MM:SS` (after optional
/// spaces) as seconds east of UTC. `Ok(None)` when no zone follows.
fn zone(c: &mut Cur) -> Result<Option<i32>, ()> {
    let save = c.i;
    c.skip_spaces();
    if c.done() {
        c.i = save;
        return Ok(None);
    }
    if c.eat(b'Z') || c.eat(b'z') {
        return Ok(Some(0));
    }
    if c.rest_is("utc") || c.rest_is("gmt") {
        c.i = c.b.len();
        return Ok(Some(0));
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(());
    };
    let start = c.i;
    let run = c.digits(1, 4).ok_or(())?;
    let (h, mut m) = match c.i - start {
        4 => (run / 100, run % 100),
        3 => return Err(()),
        _ => (run, 0),
    };
    let mut s = 0;
    if c.i - start <= 2 && c.eat(b':') {
        m = c.digits(2, 2).ok_or(())?;
        if c.eat(b':') {
            s = c.digits(2, 2).ok_or(())?;
        }
    }
    if h > 15 || m > 59 || s > 59 {
        return Err(());
    }
    Ok(Some(sign * (h * 3600 + m * 60 + s) as i32))
}

/// `YYYY-MM-DD`, optionally followed by `T` or spaces, a clock and a zone;
/// or `infinity`/`-infinity`. Years from 1 to 294276.
pub(crate) fn parse_stamp(text: &str) -> Option<Parsed> {
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    for (word, neg) in [
        ("infinity", false),
        ("+infinity", false),
        ("-infinity", true),
    ] {
        if t.eq_ignore_ascii_case(word) {
            return Some(Parsed::Infinity { neg });
        }
    }
    let mut c = Cur {
        b: t.as_bytes(),
        i: 0,
    };
    let y = c.digits(4, 6)?;
    if !c.eat(b'-') {
        return None;
    }
    let mo = c.digits(1, 2)? as u32;
    if !c.eat(b'-') {
        return None;
    }
    let d = c.digits(1, 2)? as u32;
    if !(1..=MAX_YEAR).contains(&y) || !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo)
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if c.done() {
        return Some(Parsed::Finite(Stamp {
            days,
            micros: 0,
            offset: None,
        }));
    }
    if !(c.eat(b'T') || c.eat(b't') || c.skip_spaces()) {
        return None;
    }
    let micros = clock(&mut c)?;
    let offset = zone(&mut c).ok()?;
    if !c.done() {
        return None;
    }
    Some(Parsed::Finite(Stamp {
        days,
        micros,
        offset,
    }))
}

/// A Unix epoch as a stamp: seconds below 1e11 in magnitude, milliseconds
/// from there on. Integral JSON numbers and integer text count; fractional
/// numbers keep their fraction (to the microsecond).
fn epoch(cell: &Cell) -> Option<Result<Stamp, Incompatible>> {
    let out_of_range = || Incompatible::new("epoch out of range for a timestamp");
    let micros: i128 = match cell {
        Cell::Int(i) => int_epoch(*i),
        Cell::Float(f) if f.is_finite() => {
            let scale = if f.abs() < MILLIS_FROM as f64 {
                1e6
            } else {
                1e3
            };
            let m = (f * scale).round();
            if m.abs() > 9.2e18 {
                return Some(Err(out_of_range()));
            }
            m as i128
        }
        Cell::Text(t) | Cell::Number(t) => {
            let p = decimal::parse(t)?;
            if matches!(cell, Cell::Text(_)) && decimal::parse_int(t).is_err() {
                return None;
            }
            match decimal::integral(p) {
                Ok(i) => int_epoch(i),
                Err(IntError::Overflow) => return Some(Err(out_of_range())),
                Err(IntError::NotInteger) => match fractional_epoch(p) {
                    Some(m) => m,
                    None => return Some(Err(out_of_range())),
                },
            }
        }
        _ => return None,
    };
    // Beyond ±1e19 µs (±316,000 years) nothing is in range; checking here
    // keeps the day arithmetic below within i64.
    if micros.abs() > 10_000_000_000_000_000_000 {
        return Some(Err(out_of_range()));
    }
    let stamp = Stamp::from_epoch_micros(micros);
    Some(in_range(stamp).ok_or_else(out_of_range))
}

fn int_epoch(i: i64) -> i128 {
    if i.unsigned_abs() < MILLIS_FROM as u64 {
        i128::from(i) * 1_000_000
    } else {
        i128::from(i) * 1_000
    }
}

fn fractional_epoch(p: decimal::Parsed<'_>) -> Option<i128> {
    let secs = decimal::canonical(p, None, Some(6)).ok()?;
    let as_int = |s: &str| s.replace('.', "").parse::<i128>().ok();
    let micros = as_int(&secs)?;
    if micros.abs() < i128::from(MILLIS_FROM) * 1_000_000 {
        return Some(micros);
    }
    let millis = decimal::canonical(p, None, Some(3)).ok()?;
    as_int(&millis)
}

fn in_range(s: Stamp) -> Option<Stamp> {
    let (y, _, _) = civil_from_days(s.days);
    (1..=MAX_YEAR).contains(&y).then_some(s)
}

fn push_date(buf: &mut StackBuf, days: i64) {
    let (y, m, d) = civil_from_days(days);
    buf.push_num(y.unsigned_abs(), 4);
    buf.push(b'-');
    buf.push_num(u64::from(m), 2);
    buf.push(b'-');
    buf.push_num(u64::from(d), 2);
}

fn push_clock(buf: &mut StackBuf, micros: i64) {
    let secs = micros / 1_000_000;
    buf.push_num((secs / 3600) as u64, 2);
    buf.push(b':');
    buf.push_num((secs / 60 % 60) as u64, 2);
    buf.push(b':');
    buf.push_num((secs % 60) as u64, 2);
    let mut frac = micros % 1_000_000;
    if frac != 0 {
        let mut width = 6;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        buf.push(b'.');
        buf.push_num(frac as u64, width);
    }
}

/// PostgreSQL's zone output: `+HH`, `+HH:MM` when minutes are set.
fn push_zone(buf: &mut StackBuf, offset: i32) {
    buf.push(if offset < 0 { b'-' } else { b'+' });
    let a = offset.unsigned_abs();
    buf.push_num(u64::from(a / 3600), 2);
    if !a.is_multiple_of(3600) {
        buf.push(b':');
        buf.push_num(u64::from(a / 60 % 60), 2);
    }
    if !a.is_multiple_of(60) {
        buf.push(b':');
        buf.push_num(u64::from(a % 60), 2);
    }
}

fn finish<'a>(buf: &StackBuf, cell: &'a Cell) -> Canon<'a> {
    match cell {
        Cell::Text(t) => Ok(buf.reuse(t)),
        _ => Ok(Cow::Owned(buf.as_str().to_owned())),
    }
}

fn stamp_of(cell: &Cell, what: &str) -> Result<Parsed, Incompatible> {
    let bad = || Incompatible::new(format!("not a {what}"));
    // Eight digits of text are a date (`20250710`), as PostgreSQL reads them,
    // not an epoch in 1970.
    if let Cell::Text(t) = cell {
        let d = t.trim_matches(|c: char| c.is_ascii_whitespace());
        if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
            let iso = format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]);
            return parse_stamp(&iso).ok_or_else(bad);
        }
    }
    if let Some(e) = epoch(cell) {
        return e.map(Parsed::Finite);
    }
    match cell {
        Cell::Text(t) => parse_stamp(t).ok_or_else(bad),
        Cell::Number(_) | Cell::Float(_) => Err(bad()),
        other => Err(Incompatible::new(format!("{}, not a {what}", kind(other)))),
    }
}

/// Date: `YYYY-MM-DD`; a full timestamp gives its date after converting a
/// written offset to UTC (`2025-07-10T00:00:00.000Z` is 2025-07-10); an epoch
/// gives the UTC date; `infinity`/`-infinity`. Impossible dates are refused.
pub(crate) fn date_canon(cell: &Cell) -> Canon<'_> {
    let mut buf = StackBuf::new();
    match stamp_of(cell, "date")? {
        Parsed::Infinity { neg } => buf.push_str(if neg { "-infinity" } else { "infinity" }),
        Parsed::Finite(s) => {
            let s = in_range(s.to_utc()).ok_or_else(|| Incompatible::new("date out of range"))?;
            push_date(&mut buf, s.days);
        }
    }
    finish(&buf, cell)
}

/// Timestamp (`with_tz` false) and timestamptz. Text with `T` or space,
/// fractions rounded to microseconds, optional zone (`Z`, `+HH`, `+HH:MM`,
/// `+HHMM`); epochs (see [`MILLIS_FROM`]); `infinity`. A written offset is
/// converted to UTC. Without time zone the zone is then dropped; with time
/// zone a value without offset is taken as UTC (the live session's zone) and
/// the canonical text is the UTC instant, `YYYY-MM-DD HH:MM:SS[.ffffff]+00`.
pub(crate) fn timestamp_canon(cell: &Cell, with_tz: bool) -> Canon<'_> {
    let what = if with_tz {
        "timestamp with time zone"
    } else {
        "timestamp"
    };
    let mut buf = StackBuf::new();
    match stamp_of(cell, what)? {
        Parsed::Infinity { neg } => buf.push_str(if neg { "-infinity" } else { "infinity" }),
        Parsed::Finite(s) => {
            let s = in_range(s.to_utc())
                .ok_or_else(|| Incompatible::new(format!("out of range for {what}")))?;
            push_date(&mut buf, s.days);
            buf.push(b' ');
            push_clock(&mut buf, s.micros);
            if with_tz {
                buf.push_str("+00");
            }
        }
    }
    finish(&buf, cell)
}

/// Time and timetz: `HH:MM[:SS[.ffffff]]` with an optional zone, or a full
/// timestamp whose clock is used. Canonical `HH:MM:SS[.ffffff]`; time drops
/// a written zone (as PostgreSQL does), timetz keeps it (`+00` when none is
/// written) because timetz values with different zones are not equal.
pub(crate) fn time_canon(cell: &Cell, with_zone: bool) -> Canon<'_> {
    let what = if with_zone {
        "time with time zone"
    } else {
        "time"
    };
    let bad = || Incompatible::new(format!("not a {what}"));
    let Cell::Text(t) = cell else {
        return Err(Incompatible::new(format!("{}, not a {what}", kind(cell))));
    };
    let trimmed = t.trim_matches(|c: char| c.is_ascii_whitespace());
    let (micros, offset) = if trimmed.len() > 4 && trimmed.as_bytes()[4] == b'-' {
        match parse_stamp(trimmed) {
            Some(Parsed::Finite(s)) => (s.micros, s.offset),
            _ => return Err(bad()),
        }
    } else {
        let mut c = Cur {
            b: trimmed.as_bytes(),
            i: 0,
        };
        let micros = clock(&mut c).ok_or_else(bad)?;
        let offset = zone(&mut c).map_err(|_| bad())?;
        if !c.done() {
            return Err(bad());
        }
        (micros, offset)
    };
    let mut buf = StackBuf::new();
    push_clock(&mut buf, micros);
    if with_zone {
        push_zone(&mut buf, offset.unwrap_or(0));
    }
    finish(&buf, cell)
}
