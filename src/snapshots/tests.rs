use super::find::verdict;
use super::*;

fn snap(name: &str, time: Option<(&str, TimeSource)>, error: bool) -> Snapshot {
    Snapshot {
        name: name.into(),
        path: PathBuf::from("backups").join(name),
        format: (!error).then_some(BackupFormat::JsonDirectory),
        time: time.map(|(t, s)| SnapshotTime::new(t.into(), s)),
        tables: Vec::new(),
        warnings: Vec::new(),
        error: error.then(|| "backups/x: not a backup".into()),
    }
}

fn names(s: &[Snapshot]) -> Vec<&str> {
    s.iter().map(|s| s.name.as_str()).collect()
}

#[test]
fn oldest_first_by_the_instant_not_the_text() {
    let mut list = vec![
        snap("c", Some(("2025-07-12", TimeSource::Name)), false),
        // Same instant as 19:46:34.951Z, written in another zone.
        snap(
            "b",
            Some(("2025-07-11T21:46:34.951+02:00", TimeSource::Backup)),
            false,
        ),
        snap(
            "a",
            Some(("2025-07-11T19:46:34.952Z", TimeSource::Backup)),
            false,
        ),
        snap("undated", None, false),
        snap("garbled", Some(("last tuesday", TimeSource::Backup)), false),
    ];
    sort(&mut list);
    assert_eq!(names(&list), ["garbled", "undated", "b", "a", "c"]);
}

#[test]
fn latest_is_the_newest_that_opens() {
    let mut list = vec![
        snap("old", Some(("2025-01-01", TimeSource::Name)), false),
        snap(
            "new-but-broken",
            Some(("2025-03-01", TimeSource::Name)),
            true,
        ),
        snap("mid", Some(("2025-02-01", TimeSource::Modified)), false),
    ];
    sort(&mut list);
    assert_eq!(latest(&list).map(|i| list[i].name.as_str()), Some("mid"));
    assert_eq!(latest(&list[..1]), Some(0));
    assert_eq!(latest(&[snap("x", None, true)]), None);
}

#[test]
fn choosing_by_name_or_unique_prefix() {
    let names = [
        "migration-2025-07-11T19-46-34-951Z",
        "nightly-2025-07-12.json",
        "nightly-2025-07-13",
        "nightly-2025-07-13.md5",
    ];
    assert_eq!(choose(&names, "nightly-2025-07-12.json"), Ok(1));
    assert_eq!(choose(&names, "migr"), Ok(0));
    assert_eq!(choose(&names, "nightly-2025-07-12"), Ok(1));
    // Exact beats a longer name it prefixes; a trailing slash is ignored.
    assert_eq!(choose(&names, "nightly-2025-07-13/"), Ok(2));
    let ambiguous = choose(&names, "nightly").unwrap_err();
    assert!(
        ambiguous.contains("\"nightly\" starts 3 snapshot names"),
        "{ambiguous}"
    );
    assert!(ambiguous.contains("nightly-2025-07-13.md5"), "{ambiguous}");
    assert!(!ambiguous.contains("migration"), "{ambiguous}");
    let unknown = choose(&names, "weekly").unwrap_err();
    assert!(
        unknown.starts_with("no snapshot is named or starts with \"weekly\""),
        "{unknown}"
    );
    for n in names {
        assert!(unknown.contains(n), "{unknown}");
    }
    assert!(choose(&names, "")
        .unwrap_err()
        .contains("empty snapshot name"));
    assert!(choose(&[], "x").unwrap_err().contains("(none)"));
    // Control characters in a spec are shown escaped.
    let odd = choose(&names, "a\u{1b}[2J").unwrap_err();
    assert!(!odd.contains('\u{1b}'), "{odd}");
}

#[test]
fn the_verdict_of_a_find() {
    let (t, f, e) = (Some(true), Some(false), None);
    // Held by the two older ones, gone from the newest.
    assert_eq!(verdict(&[t, t, f]), (Some(1), Some(0), Some(2)));
    // An unreadable snapshot decides nothing: gone since the next readable one.
    assert_eq!(verdict(&[t, e, f, f]), (Some(0), Some(0), Some(2)));
    // Still there in the newest.
    assert_eq!(verdict(&[f, t, e]), (Some(1), Some(1), None));
    // Gone, then back (restored once already): the newest holding one counts.
    assert_eq!(verdict(&[t, f, t]), (Some(2), Some(0), None));
    assert_eq!(verdict(&[f, f, e]), (None, None, None));
    assert_eq!(verdict(&[]), (None, None, None));
}

#[test]
fn listing_text() {
    let mut a = snap(
        "migration-2025-07-11T19-46-34-951Z",
        Some(("2025-07-11T19:46:34.951Z", TimeSource::Backup)),
        false,
    );
    a.tables = vec![
        TableCount {
            table: "projects".into(),
            rows: Some(3),
            error: None,
        },
        TableCount {
            table: "public.sessions".into(),
            rows: None,
            error: Some("sessions.jsonl:2: bad JSON".into()),
        },
    ];
    a.warnings = vec!["backups/a/notes.txt: not a table file".into()];
    let b = snap(
        "broken\u{1b}.json",
        Some(("2025-07-13T00:00:00.000Z", TimeSource::Modified)),
        true,
    );
    let text = render::render_snapshots(std::path::Path::new("backups"), &[a, b]);
    insta::assert_snapshot!(text);
}
