use super::*;

const TS: TypeClass = TypeClass::Timestamp;
const TSTZ: TypeClass = TypeClass::TimestampTz;
const TIME: TypeClass = TypeClass::Time { with_zone: false };
const TIMETZ: TypeClass = TypeClass::Time { with_zone: true };

#[test]
fn timestamptz_live_values_borrow() {
    for live in [
        "2025-07-10 12:00:00+00",
        "2025-07-10 12:00:00.123456+00",
        "2025-07-10 12:00:00.5+00",
        "infinity",
        "-infinity",
    ] {
        assert!(borrowed(&text(live), &TSTZ), "{live}");
    }
}

#[test]
fn timestamptz_instants_meet() {
    assert!(same(
        text("2025-07-10T12:00:00Z"),
        text("2025-07-10 14:00:00+02"),
        &TSTZ
    ));
    assert_eq!(
        ok(text("2025-07-10T12:00:00.000Z"), &TSTZ),
        "2025-07-10 12:00:00+00"
    );
    assert_eq!(
        ok(text("2025-07-10T12:00:00+05:30"), &TSTZ),
        "2025-07-10 06:30:00+00"
    );
    assert_eq!(
        ok(text("2025-07-10T12:00:00-0700"), &TSTZ),
        "2025-07-10 19:00:00+00"
    );
    assert_eq!(
        ok(text("2025-07-10 12:00:00 +02:00"), &TSTZ),
        "2025-07-10 10:00:00+00"
    );
    assert_eq!(
        ok(text("2025-07-10 12:00:00 UTC"), &TSTZ),
        "2025-07-10 12:00:00+00"
    );
}

#[test]
fn timestamptz_without_offset_is_utc() {
    assert_eq!(
        ok(text("2025-07-10 12:00:00"), &TSTZ),
        "2025-07-10 12:00:00+00"
    );
    assert_eq!(ok(text("2025-07-10"), &TSTZ), "2025-07-10 00:00:00+00");
    assert_eq!(
        ok(text("2025-07-10T12:00"), &TSTZ),
        "2025-07-10 12:00:00+00"
    );
}

#[test]
fn offsets_cross_day_month_and_year() {
    assert_eq!(
        ok(text("2025-01-01T01:00:00+02"), &TSTZ),
        "2024-12-31 23:00:00+00"
    );
    assert_eq!(
        ok(text("2024-02-28T23:30:00-01"), &TSTZ),
        "2024-02-29 00:30:00+00"
    );
}

#[test]
fn fractions_round_to_microseconds() {
    assert_eq!(
        ok(text("2025-07-10T12:00:00.1234564Z"), &TSTZ),
        "2025-07-10 12:00:00.123456+00"
    );
    assert_eq!(
        ok(text("2025-07-10T12:00:00.1234565Z"), &TSTZ),
        "2025-07-10 12:00:00.123457+00"
    );
    assert_eq!(
        ok(text("2025-12-31T23:59:59.9999999Z"), &TSTZ),
        "2026-01-01 00:00:00+00"
    );
    assert_eq!(
        ok(text("2025-07-10T12:00:00.120Z"), &TSTZ),
        "2025-07-10 12:00:00.12+00"
    );
}

#[test]
fn timestamp_without_zone() {
    assert!(borrowed(&text("2025-07-10 12:00:00"), &TS));
    assert_eq!(
        ok(text("2025-07-10T12:00:00.000Z"), &TS),
        "2025-07-10 12:00:00"
    );
    assert_eq!(
        ok(text("2025-07-10T12:00:00+02:00"), &TS),
        "2025-07-10 10:00:00"
    );
    assert!(same(
        text("2025-07-10T12:00:00.500"),
        text("2025-07-10 12:00:00.5"),
        &TS
    ));
    assert_eq!(ok(text("infinity"), &TS), "infinity");
}

#[test]
fn epochs_seconds_and_milliseconds() {
    assert_eq!(
        ok(Cell::Int(1_752_148_800), &TSTZ),
        "2025-07-10 12:00:00+00"
    );
    assert_eq!(
        ok(Cell::Int(1_752_148_800_123), &TSTZ),
        "2025-07-10 12:00:00.123+00"
    );
    assert_eq!(ok(num("1752148800"), &TS), "2025-07-10 12:00:00");
    assert_eq!(ok(num("1752148800.5"), &TS), "2025-07-10 12:00:00.5");
    assert_eq!(ok(text("1752148800000"), &TS), "2025-07-10 12:00:00");
    assert_eq!(ok(Cell::Int(0), &TS), "1970-01-01 00:00:00");
    assert_eq!(ok(Cell::Int(-86_400), &TS), "1969-12-31 00:00:00");
    assert_eq!(
        ok(Cell::Float(1_752_148_800.25), &TS),
        "2025-07-10 12:00:00.25"
    );
}

#[test]
fn timestamp_rejections() {
    for bad in [
        "2025-02-30 12:00:00",
        "2025-13-01",
        "2025-07-10 25:00:00",
        "2025-07-10 12:60:00",
        "2025-07-10T12:00:00+123",
        "2025-07-10T12:00:00 +99:00",
        "yesterday",
        "2025/07/10",
        "2025-07-10T12:00:00Zjunk",
        "0000-01-01",
        "",
    ] {
        let r = err(text(bad), &TSTZ);
        assert_eq!(r, "not a timestamp with time zone", "{bad}");
    }
    assert_eq!(err(text("12.5"), &TS), "not a timestamp");
    assert!(err(Cell::Bool(true), &TS).contains("not a timestamp"));
    assert!(err(num("1e30"), &TS).contains("out of range"));
    // Too large for i64 micros but parseable: must not wrap into range.
    let huge = format!("{}.5", "1".repeat(30));
    assert!(err(num(&huge), &TS).contains("out of range"));
    assert!(err(Cell::Int(i64::MAX), &TS).contains("out of range"));
}

#[test]
fn leap_years() {
    assert_eq!(ok(text("2024-02-29"), &TypeClass::Date), "2024-02-29");
    assert_eq!(ok(text("2000-02-29"), &TypeClass::Date), "2000-02-29");
    assert_eq!(err(text("1900-02-29"), &TypeClass::Date), "not a date");
    assert_eq!(err(text("2025-02-29"), &TypeClass::Date), "not a date");
}

#[test]
fn dates() {
    assert!(borrowed(&text("2025-07-10"), &TypeClass::Date));
    assert_eq!(ok(text("2025-7-1"), &TypeClass::Date), "2025-07-01");
    assert_eq!(
        ok(text("2025-07-10T00:00:00.000Z"), &TypeClass::Date),
        "2025-07-10"
    );
    assert_eq!(
        ok(text("2025-07-10T00:30:00+02:00"), &TypeClass::Date),
        "2025-07-09"
    );
    assert_eq!(ok(text("-infinity"), &TypeClass::Date), "-infinity");
    assert_eq!(ok(Cell::Int(1_752_148_800), &TypeClass::Date), "2025-07-10");
    assert_eq!(ok(text("0999-01-01"), &TypeClass::Date), "0999-01-01");
    assert_eq!(ok(text("12345-01-01"), &TypeClass::Date), "12345-01-01");
    assert_eq!(err(text("2025-02-30"), &TypeClass::Date), "not a date");
}

#[test]
fn eight_digit_text_is_a_date_not_an_epoch() {
    assert_eq!(ok(text("20250710"), &TypeClass::Date), "2025-07-10");
    assert_eq!(ok(text("20250710"), &TS), "2025-07-10 00:00:00");
    assert_eq!(err(text("20251340"), &TypeClass::Date), "not a date");
    // As a JSON number it stays an epoch (seconds).
    assert_eq!(ok(num("20250710"), &TypeClass::Date), "1970-08-23");
}

#[test]
fn times() {
    assert!(borrowed(&text("12:00:00"), &TIME));
    assert_eq!(ok(text("12:00"), &TIME), "12:00:00");
    assert_eq!(ok(text("9:05:01.500"), &TIME), "09:05:01.5");
    assert_eq!(ok(text("12:00:00+02"), &TIME), "12:00:00");
    assert_eq!(ok(text("24:00:00"), &TIME), "24:00:00");
    assert_eq!(ok(text("1970-01-01T08:30:00.000Z"), &TIME), "08:30:00");
    assert_eq!(err(text("25:00"), &TIME), "not a time");
    assert_eq!(err(text("noon"), &TIME), "not a time");
    assert!(err(Cell::Int(5), &TIME).contains("not a time"));
}

#[test]
fn times_with_zone_keep_the_zone() {
    assert!(borrowed(&text("12:00:00+00"), &TIMETZ));
    assert!(borrowed(&text("12:00:00+05:30"), &TIMETZ));
    assert_eq!(ok(text("12:00:00Z"), &TIMETZ), "12:00:00+00");
    assert_eq!(ok(text("12:00"), &TIMETZ), "12:00:00+00");
    assert_eq!(ok(text("12:00:00-0330"), &TIMETZ), "12:00:00-03:30");
    assert_eq!(ok(text("12:00:00+02:00"), &TIMETZ), "12:00:00+02");
    // PostgreSQL: '12:00:00+00'::timetz <> '14:00:00+02'::timetz.
    assert!(!same(text("12:00:00+00"), text("14:00:00+02"), &TIMETZ));
}

#[test]
fn civil_day_arithmetic_round_trips() {
    use crate::value::time::{civil_from_days, days_from_civil};
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    for z in [-800_000, -1, 0, 59, 60, 11_016, 20_279, 100_000_000] {
        let (y, m, d) = civil_from_days(z);
        assert_eq!(days_from_civil(y, m, d), z);
    }
}
