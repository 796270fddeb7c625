use super::*;
use crate::backup::BackupRow;
use crate::console::search::{search_all_tables, visible};
use std::path::Path;

fn demo() -> Backup {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/backup");
    Backup::open(&dir).expect("demo backup opens")
}

/// Run a search to the end, collecting every progress report.
fn search(backup: &Backup, query: &str, cap: usize) -> (Vec<BackupHit>, Vec<BackupSearchProgress>) {
    let mut reports = Vec::new();
    let hits = search_backup(backup, query, cap, &AtomicBool::new(false), |p| {
        reports.push(p)
    })
    .expect("search runs");
    (hits, reports)
}

/// The line where the demo's ToeTheLine project object starts, read off the
/// file itself: the `{` line above its `"name"`.
fn toetheline_line() -> u64 {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/backup/projects.json");
    let text = std::fs::read_to_string(path).expect("projects.json");
    let lines: Vec<&str> = text.lines().collect();
    let name = lines
        .iter()
        .position(|l| l.trim() == "\"name\": \"ToeTheLine\",")
        .expect("the project is in the file");
    let open = (0..name)
        .rev()
        .find(|&i| lines[i].trim() == "{")
        .expect("its object");
    open as u64 + 1
}

/// A backup directory of `.jsonl` tables, one JSON object a line.
fn write_backup(dir: &Path, tables: &[(&str, Vec<String>)]) -> Backup {
    for (name, rows) in tables {
        let mut text = rows.join("\n");
        text.push('\n');
        std::fs::write(dir.join(format!("{name}.jsonl")), text).expect("write table");
    }
    Backup::open(dir).expect("backup opens")
}

#[test]
fn the_lost_project_is_the_best_hit_in_the_demo_backup() {
    let backup = demo();
    let line = toetheline_line();
    for query in ["ToeTheLine", "toetheline", "ToeThe", "toethe", "TOETHELINE"] {
        let (hits, reports) = search(&backup, query, 20);
        let top = hits.first().unwrap_or_else(|| panic!("{query}: no hits"));
        assert_eq!(top.table_name, "projects", "{query}: {hits:#?}");
        assert_eq!(top.line, line, "{query}: {top:?}");
        assert!(
            ["name", "slug"].contains(&top.column_name.as_str()),
            "{query}: {top:?}"
        );
        assert_eq!(
            backup.tables[top.table].name.to_string(),
            top.table_name,
            "{query}"
        );
        let last = reports.last().expect("a final report");
        assert!(last.done, "{query}: {last:?}");
        assert_eq!(last.tables_done, backup.tables.len());
        assert_eq!(last.matched as usize, hits.len(), "cap 20 keeps all");
    }
    // The exact spelling lands on the name column, highlighted whole.
    let (hits, _) = search(&backup, "ToeTheLine", 20);
    assert_eq!(hits[0].column_name, "name");
    assert_eq!(hits[0].snippet, "ToeTheLine");
    assert_eq!(hits[0].positions, (0..10).collect::<Vec<_>>());
    // The users table has the owner's e-mail on the project's domain.
    assert!(hits.iter().any(|h| h.table_name == "users"), "{hits:#?}");
}

#[test]
fn streamed_search_equals_the_in_memory_search() {
    let backup = demo();
    let mut loaded: Vec<(String, Vec<String>, Vec<BackupRow>)> = Vec::new();
    for t in &backup.tables {
        let mut reader = backup.rows(t).expect("rows");
        let rows: Vec<BackupRow> = reader.by_ref().map(|r| r.expect("row")).collect();
        loaded.push((t.name.to_string(), reader.columns().to_vec(), rows));
    }
    let tables: Vec<(&str, &[BackupRow])> = loaded
        .iter()
        .map(|(n, _, r)| (n.as_str(), r.as_slice()))
        .collect();
    let total_rows: usize = loaded.iter().map(|t| t.2.len()).sum();
    for (query, cap) in [
        ("ToeTheLine", 500),
        ("2025-07", 40),
        ("fail", 7),
        ("zzqx", 5),
    ] {
        let expected = search_all_tables(query, &tables, cap);
        let (hits, reports) = search(&backup, query, cap);
        assert_eq!(hits.len(), expected.len(), "{query}");
        for (got, want) in hits.iter().zip(&expected) {
            let (name, columns, rows) = &loaded[want.table];
            assert_eq!(got.table, want.table, "{query}");
            assert_eq!(&got.table_name, name);
            assert_eq!(got.line, rows[want.hit.row].line, "{query}");
            assert_eq!(got.column, want.hit.column);
            assert_eq!(got.column_name, columns[want.hit.column]);
            assert_eq!(got.score, want.hit.score);
            assert_eq!(got.snippet, want.hit.snippet);
            assert_eq!(got.positions, want.hit.positions);
        }
        let last = reports.last().expect("a final report");
        assert_eq!(last.rows_scanned as usize, total_rows, "{query}");
    }
}

#[test]
fn control_characters_in_values_come_back_escaped() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let evil = serde_json::json!({
        "id": 1,
        "title": "\u{1b}]0;pwned\u{7}\u{1b}[2JToeTheLine\r\n\u{9b}31m",
        "note": "\u{202e}enilehteot\u{200b}"
    });
    let long = serde_json::json!({
        "id": 2,
        "title": format!("{}\u{1b}[5mToeTheLine\u{0}{}", "\u{7}".repeat(300), "\n".repeat(300)),
    });
    let backup = write_backup(
        dir.path(),
        &[("notes", vec![evil.to_string(), long.to_string()])],
    );
    let (hits, _) = search(&backup, "ToeTheLine", 10);
    assert_eq!(hits.len(), 2, "{hits:#?}");
    for hit in &hits {
        assert!(
            !hit.snippet.chars().any(char::is_control),
            "raw control char in {:?}",
            hit.snippet
        );
        assert_eq!(hit.column_name, "title");
        let chars: Vec<char> = hit.snippet.chars().collect();
        let picked: String = hit.positions.iter().map(|&p| chars[p]).collect();
        assert_eq!(picked, "ToeTheLine", "{hit:?}");
    }
    let first = hits.iter().find(|h| h.line == 1).expect("row 1");
    assert_eq!(
        first.snippet,
        visible("\u{1b}]0;pwned\u{7}\u{1b}[2JToeTheLine\r\n\u{9b}31m")
    );
    // The bidi override and zero-width space are escaped as well.
    let (hits, _) = search(&backup, "enilehteot", 10);
    assert_eq!(hits.len(), 1);
    assert!(!hits[0].snippet.contains('\u{202e}') && !hits[0].snippet.contains('\u{200b}'));
    assert!(
        hits[0].snippet.chars().count() < 40,
        "{:?}",
        hits[0].snippet
    );
}

/// `n` rows `{"id": i, "name": "row i", "tag": ...}`, `plant` in row `at`'s tag.
fn rows(n: usize, at: usize, plant: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            let tag = if i == at {
                plant.to_owned()
            } else {
                format!("t{}", i % 97)
            };
            serde_json::json!({"id": i, "name": format!("row {i}"), "tag": tag}).to_string()
        })
        .collect()
}

#[test]
fn the_cap_keeps_the_best_rows_overall_in_table_then_line_order() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let backup = write_backup(
        dir.path(),
        &[
            ("a", rows(3000, 2999, "Needle")),
            ("b", rows(3000, 5, "Needle")),
        ],
    );
    assert_eq!(backup.tables.len(), 2);
    let a = backup
        .tables
        .iter()
        .position(|t| t.name.name == "a")
        .expect("a");
    // "row 1" matches many rows, equally: ties go to the first table, then
    // to the earliest lines.
    let (hits, reports) = search(&backup, "row 1", 50);
    assert_eq!(hits.len(), 50);
    assert!(reports.last().expect("report").matched > 50);
    for w in hits.windows(2) {
        let (x, y) = (&w[0], &w[1]);
        assert!(
            x.score > y.score || (x.score == y.score && (x.table, x.line) < (y.table, y.line)),
            "{x:?} before {y:?}"
        );
    }
    // The planted values are the two hits, equal scores: backup order, whatever the lines.
    let (hits, _) = search(&backup, "Needle", 10);
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert_eq!((hits[0].table, hits[1].table), (0, 1));
    assert!(hits.iter().all(|h| h.column_name == "tag"));
    let line_in = |table: usize| if table == a { 3000 } else { 6 };
    assert_eq!(hits[0].line, line_in(0));
    assert_eq!(hits[1].line, line_in(1));
}

#[test]
fn progress_comes_every_twenty_thousand_rows_and_after_each_table() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let backup = write_backup(
        dir.path(),
        &[("big", rows(50_000, 0, "x")), ("small", rows(10, 0, "x"))],
    );
    let (_, reports) = search(&backup, "row 4", 10);
    let scanned: Vec<(u64, usize, bool)> = reports
        .iter()
        .map(|p| (p.rows_scanned, p.tables_done, p.done))
        .collect();
    let big_first = backup.tables[0].name.name == "big";
    let expected = if big_first {
        vec![
            (20_000, 0, false),
            (40_000, 0, false),
            (50_000, 1, false),
            (50_010, 2, true),
        ]
    } else {
        vec![
            (10, 1, false),
            (20_010, 1, false),
            (40_010, 1, false),
            (50_010, 2, true),
        ]
    };
    assert_eq!(scanned, expected);
    for w in reports.windows(2) {
        assert!(w[0].matched <= w[1].matched);
    }
}

#[test]
fn cancel_stops_the_scan_and_returns_what_was_found() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let backup = write_backup(
        dir.path(),
        &[
            ("a", rows(60_000, 10, "Needle")),
            ("b", rows(60_000, 10, "Needle")),
        ],
    );
    let cancel = AtomicBool::new(false);
    let mut reports = Vec::new();
    let hits = search_backup(&backup, "Needle", 10, &cancel, |p| {
        reports.push(p);
        cancel.store(true, AtomicOrdering::Relaxed);
    })
    .expect("search runs");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0].rows_scanned, PROGRESS_EVERY_ROWS);
    assert!(!reports[0].done);
    assert_eq!(hits.len(), 1, "only the first table's needle was reached");
    assert_eq!(hits[0].line, 11);

    let cancelled = AtomicBool::new(true);
    let mut calls = 0;
    let hits = search_backup(&backup, "Needle", 10, &cancelled, |_| calls += 1).expect("ok");
    assert!(hits.is_empty());
    assert_eq!(calls, 0);
}

#[test]
fn empty_query_or_cap_matches_nothing_and_a_broken_table_is_an_error() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let mut broken = rows(5, 0, "x");
    broken.push("{\"id\": 5, \"name\": ".into());
    let backup = write_backup(dir.path(), &[("broken", broken)]);
    for (query, cap) in [("", 10), ("row", 0)] {
        let (hits, reports) = search(&backup, query, cap);
        assert!(hits.is_empty());
        assert_eq!(reports.len(), 1);
        assert!(reports[0].done && reports[0].rows_scanned == 0);
    }
    let err = search_backup(&backup, "row", 10, &AtomicBool::new(false), |_| {})
        .expect_err("a broken row fails the search");
    let message = err.to_string();
    assert!(message.contains("broken.jsonl:6"), "{message}");
}
