//! When a snapshot was taken: the text as found, where it came from, and the
//! instant it names (for ordering). Pure: parsing only, no clock.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use std::time::SystemTime;

/// Where a snapshot's time came from, most trustworthy first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// The backup says so: its manifest, its dump header, or its own name
    /// as `Backup::open` reads it.
    Backup,
    /// A timestamp in the entry's name (`nightly-2025-07-12.sql.gz`).
    Name,
    /// The file's modification time: only a hint (a copy resets it).
    Modified,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotTime {
    /// As found (`2025-07-11T19:46:34.951Z`, `2025-07-12`); a modification
    /// time is written as RFC 3339 UTC.
    pub text: String,
    pub source: TimeSource,
    /// Milliseconds since the Unix epoch; times without a zone are taken as
    /// UTC, a bare date as its midnight. None when the text is not a time.
    #[serde(skip)]
    pub instant: Option<i64>,
}

impl SnapshotTime {
    pub fn new(text: String, source: TimeSource) -> Self {
        let instant = instant_of(&text);
        SnapshotTime {
            text,
            source,
            instant,
        }
    }

    pub fn modified(at: SystemTime) -> Self {
        let at: DateTime<Utc> = at.into();
        SnapshotTime::new(
            at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            TimeSource::Modified,
        )
    }

    /// As a listing shows it: a modification time is marked.
    pub fn label(&self) -> String {
        match self.source {
            TimeSource::Modified => format!("{} (file modified)", self.text),
            TimeSource::Backup | TimeSource::Name => self.text.clone(),
        }
    }
}

/// The instant a timestamp text names, in milliseconds since the epoch.
/// Accepts RFC 3339, a space instead of `T`, zones as `Z`, `+02`, `+0200`,
/// `+02:00` or ` UTC`, no zone (UTC), and a bare date.
pub fn instant_of(text: &str) -> Option<i64> {
    let t = text.trim();
    let (t, utc_word) = match t.strip_suffix(" UTC").or_else(|| t.strip_suffix(" GMT")) {
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    let t = t.replacen(' ', "T", 1);
    if !utc_word {
        if let Ok(at) = DateTime::parse_from_rfc3339(&t) {
            return Some(at.timestamp_millis());
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
            if let Ok(at) = DateTime::parse_from_str(&t, format) {
                return Some(at.timestamp_millis());
            }
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(&t, format) {
            return Some(at.and_utc().timestamp_millis());
        }
    }
    let date = NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        instant_of(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn the_forms_backups_use() {
        let base = at("2025-07-11T19:46:34.951Z");
        assert_eq!(at("2025-07-11 19:46:34.951+00"), base);
        assert_eq!(at("2025-07-11T21:46:34.951+02:00"), base);
        assert_eq!(at("2025-07-11T21:46:34.951+0200"), base);
        assert_eq!(at("2025-07-11T19:46:34.951"), base);
        assert_eq!(at("2025-07-11 19:46:34.951 UTC"), base);
        assert_eq!(at("2025-07-11T19:46:34Z"), base - 951);
        assert_eq!(at("2025-07-11T19:46"), base - 34_951);
        assert_eq!(at("2025-07-12") - at("2025-07-11"), 86_400_000);
        assert!(at("2025-07-11") < base && base < at("2025-07-12"));
    }

    #[test]
    fn not_times() {
        for text in ["", "yesterday", "2025-13-01", "2025-07-11T25:00:00Z", "12"] {
            assert_eq!(instant_of(text), None, "{text}");
        }
    }

    #[test]
    fn modification_times_are_marked() {
        let t = SnapshotTime::modified(SystemTime::UNIX_EPOCH);
        assert_eq!(t.text, "1970-01-01T00:00:00.000Z");
        assert_eq!(t.instant, Some(0));
        assert_eq!(t.label(), "1970-01-01T00:00:00.000Z (file modified)");
    }
}
