use super::*;
use crate::backup::{Backup, BackupRow};
use crate::value::{raw_text, Cell};
use std::path::Path;
use std::time::Instant;

fn text(s: &str) -> Option<Cell> {
    Some(Cell::Text(s.to_owned()))
}

/// The chars of `shown` at `positions`, as a string.
fn picked(shown: &str, positions: &[usize]) -> String {
    let chars: Vec<char> = shown.chars().collect();
    positions.iter().map(|&p| chars[p]).collect()
}

// ---------------------------------------------------------------- rank

#[test]
fn rank_puts_the_better_match_first_and_drops_non_matches() {
    let names = [
        "violations",
        "project_members",
        "sessions",
        "projects",
        "p_r_o_j",
    ];
    let hits = rank_names("projects", &names);
    let order: Vec<usize> = hits.iter().map(|h| h.index).collect();
    // "projects" spells it out; "project_members" matches too, its final
    // "s" taken from "members", and scores lower.
    assert_eq!(order[0], 3, "{hits:?}");
    assert!(order.contains(&1), "{hits:?}");
    assert!(!order.contains(&0) && !order.contains(&2) && !order.contains(&4));
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    for w in hits.windows(2) {
        assert!(w[0].score >= w[1].score);
    }
}

#[test]
fn rank_prefers_contiguous_and_word_start_matches() {
    let names = ["xsxexsxsxixoxn", "test_sessions", "sessions"];
    let hits = rank_names("session", &names);
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert_eq!(hits[2].index, 0, "scattered match must come last: {hits:?}");
    assert!(hits[0].score > hits[2].score);
}

#[test]
fn rank_ties_are_broken_by_index() {
    // Same text, given out of order: equal scores, ascending index.
    let hits = rank("proj", [(7, "projects"), (2, "projects"), (5, "projects")]);
    let order: Vec<usize> = hits.iter().map(|h| h.index).collect();
    assert_eq!(order, vec![2, 5, 7]);
    assert!(hits.iter().all(|h| h.score == hits[0].score));
}

#[test]
fn rank_positions_point_at_the_matched_chars() {
    let names = ["test_sessions", "ToeTheLine"];
    let hits = rank_names("ttl", &names);
    let toe = hits
        .iter()
        .find(|h| h.index == 1)
        .expect("ToeTheLine matches");
    assert_eq!(toe.positions, vec![0, 3, 6], "camel-case heads: {hits:?}");
    assert_eq!(picked("ToeTheLine", &toe.positions), "TTL");

    let hit = &rank_names("sess", &["test_sessions"])[0];
    assert_eq!(hit.positions.len(), 4);
    assert_eq!(picked("test_sessions", &hit.positions), "sess");
    // The word start after `_` wins over the `s` inside "test".
    assert_eq!(hit.positions[0], 5, "{hit:?}");
}

#[test]
fn rank_ignores_case() {
    let hits = rank_names("TOETHELINE", &["toetheline", "other"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].index, 0);
}

#[test]
fn empty_query_returns_everything_in_order() {
    let hits = rank("", [(3, "c"), (1, "a"), (2, "b")]);
    let order: Vec<usize> = hits.iter().map(|h| h.index).collect();
    assert_eq!(order, vec![3, 1, 2]);
    assert!(hits.iter().all(|h| h.score == 0 && h.positions.is_empty()));
    assert_eq!(rank_names::<&str>("", &[]).len(), 0);
}

#[test]
fn palette_matches_commands() {
    let commands = [
        "Open plan",
        "Rehearse restore",
        "Restore",
        "Write plan to file",
        "Quit",
    ];
    let hits = rank_names("rest", &commands);
    assert_eq!(hits[0].index, 2, "{hits:?}");
    assert!(hits.iter().any(|h| h.index == 1));
    assert!(!hits.iter().any(|h| h.index == 4 || h.index == 0));
    let hits = rank_names("wpf", &commands);
    assert_eq!(hits[0].index, 3, "{hits:?}");
}

#[test]
fn positions_are_relative_to_the_visible_text() {
    // A hostile table name: an escape sequence before the match.
    let name = "\u{1b}[2Jprojects\u{7}";
    let shown = visible(name);
    assert!(!shown.chars().any(char::is_control), "{shown}");
    let hits = rank_names("projects", &[name]);
    assert_eq!(hits.len(), 1);
    // `\u{1b}` became 6 visible chars, so "projects" starts at 6 + 3.
    assert_eq!(hits[0].positions[0], 9, "{hits:?}");
    assert_eq!(picked(&shown, &hits[0].positions), "projects");
}

#[test]
fn a_matched_control_char_highlights_its_whole_escape() {
    let raw = "a\nb";
    assert_eq!(visible(raw), "a\\nb");
    // Raw positions 0 ('a'), 1 ('\n'), 2 ('b').
    assert_eq!(visible_positions(raw, &[1]), vec![1, 2]);
    assert_eq!(visible_positions(raw, &[0, 2]), vec![0, 3]);
    let esc = "x\u{1b}y";
    assert_eq!(visible(esc), "x\\u{1b}y");
    assert_eq!(visible_positions(esc, &[1, 2]), vec![1, 2, 3, 4, 5, 6, 7]);
}

// ---------------------------------------------------------------- rows

/// A deterministic pseudo-random table: id, name, email, notes (some NULL,
/// some absent), with `plant` written into the name of the given rows.
fn synthetic(rows: usize, plant: &[(usize, &str)]) -> Vec<Vec<Option<Cell>>> {
    const WORDS: [&str; 12] = [
        "alpha", "bravo", "cargo", "delta", "ember", "fjord", "gamma", "harbor", "iris", "jetty",
        "kiln", "lumen",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        let r = next();
        let w1 = WORDS[(r % 12) as usize];
        let w2 = WORDS[((r >> 8) % 12) as usize];
        let name = plant
            .iter()
            .find(|(row, _)| *row == i)
            .map_or_else(|| format!("{w1} {w2} {}", r % 1000), |(_, s)| s.to_string());
        let notes = match r % 5 {
            0 => Some(Cell::Null),
            1 => None,
            _ => text(&format!("{w2} shipped via {w1}")),
        };
        out.push(vec![
            Some(Cell::Int(i as i64)),
            text(&name),
            text(&format!("{w1}.{w2}@example.net")),
            notes,
        ]);
    }
    out
}

#[test]
fn row_search_finds_the_best_cell_of_each_row() {
    let rows = vec![
        vec![Some(Cell::Int(1)), text("Alpha"), text("nothing here")],
        vec![Some(Cell::Int(2)), text("Toe the line"), text("ToeTheLine")],
        vec![Some(Cell::Int(3)), None, Some(Cell::Null)],
        vec![Some(Cell::Int(4)), text("toetheline"), None],
    ];
    let mut s = RowSearch::new("ToeTheLine", rows.len(), 10);
    let p = s.run(&rows);
    assert_eq!(
        p,
        Progress {
            scanned: 4,
            total: 4,
            matched: 2,
            done: true
        }
    );
    let hits = s.hits(&rows);
    assert_eq!(hits.len(), 2, "{hits:?}");
    // Row 1 matches in two cells; the exact camel-case spelling wins.
    assert_eq!((hits[0].row, hits[0].column), (1, 2), "{hits:?}");
    assert_eq!(hits[0].snippet, "ToeTheLine");
    assert_eq!(hits[0].positions, (0..10).collect::<Vec<_>>());
    assert_eq!((hits[1].row, hits[1].column), (3, 1), "{hits:?}");
    assert!(hits[0].score > hits[1].score);
}

#[test]
fn row_search_matches_numbers_and_live_rows() {
    let rows: Vec<Vec<Cell>> = vec![
        vec![Cell::Int(41), Cell::Text("a".into())],
        vec![Cell::Int(4242), Cell::Bool(true)],
        vec![Cell::Null, Cell::Text("b".into())],
    ];
    let mut s = RowSearch::new("4242", rows.len(), 10);
    s.run(&rows);
    let hits = s.hits(&rows);
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].row, hits[0].column), (1, 0));
    assert_eq!(hits[0].snippet, "4242");
}

#[test]
fn empty_query_row_search_is_done_at_once_with_no_hits() {
    let rows = synthetic(100, &[]);
    let mut s = RowSearch::new("", rows.len(), 10);
    assert!(s.progress().done);
    let p = s.search_chunk(&rows, 50);
    assert_eq!(p.scanned, 0);
    assert!(p.done);
    assert!(s.hits(&rows).is_empty());
}

#[test]
fn control_characters_in_values_come_back_escaped() {
    let rows = vec![
        vec![text("plain")],
        vec![text("\u{1b}]0;pwned\u{7}\u{1b}[2JToeTheLine\r\n")],
    ];
    let mut s = RowSearch::new("ToeTheLine", rows.len(), 10);
    s.run(&rows);
    let hits = s.hits(&rows);
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.row, 1);
    assert!(
        !hit.snippet.chars().any(char::is_control),
        "raw control char in {:?}",
        hit.snippet
    );
    assert_eq!(
        hit.snippet,
        "\\u{1b}]0;pwned\\u{7}\\u{1b}[2JToeTheLine\\r\\n"
    );
    assert_eq!(picked(&hit.snippet, &hit.positions), "ToeTheLine");

    // Across tables, the table name is made visible too.
    let tables: [(&str, &[Vec<Option<Cell>>]); 1] = [("evil\u{1b}[31m", &rows)];
    let found = search_all_tables("ToeTheLine", &tables, 10);
    assert_eq!(found[0].table_name, "evil\\u{1b}[31m");
}

#[test]
fn long_values_are_cut_around_the_match() {
    let value = format!("{}ToeTheLine{}", "x".repeat(5000), "y".repeat(5000));
    let rows = vec![vec![text(&value)]];
    let mut s = RowSearch::new("ToeTheLine", 1, 10);
    s.run(&rows);
    let hit = &s.hits(&rows)[0];
    let n = hit.snippet.chars().count();
    assert!(n <= SNIPPET_CHARS + 2, "{n}");
    assert!(hit.snippet.starts_with('…') && hit.snippet.ends_with('…'));
    assert_eq!(hit.positions.len(), 10);
    assert_eq!(picked(&hit.snippet, &hit.positions), "ToeTheLine");
    // The match sits near the start of the snippet (after the lead-in).
    assert_eq!(hit.positions[0], 1 + SNIPPET_LEAD);
}

#[test]
fn the_cap_keeps_the_best_rows() {
    let rows = synthetic(5000, &[]);
    let mut all = RowSearch::new("harbor", rows.len(), usize::MAX);
    all.run(&rows);
    let every = all.hits(&rows);
    assert_eq!(every.len(), all.progress().matched);
    assert!(every.len() > 100, "{}", every.len());

    let mut top = RowSearch::new("harbor", rows.len(), 25);
    let p = top.run(&rows);
    assert_eq!(
        p.matched,
        every.len(),
        "matched counts every row, kept or not"
    );
    let kept = top.hits(&rows);
    assert_eq!(kept, every[..25].to_vec());
    // Best first, ties by row then column.
    for w in every.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(a.score > b.score || (a.score == b.score && (a.row, a.column) < (b.row, b.column)));
    }
}

#[test]
fn incremental_search_equals_one_shot() {
    let rows = synthetic(20_000, &[(17, "gamma ray"), (19_999, "Gamma")]);
    for query in ["gama", "ember 42", "jetty@", "lumen via kiln"] {
        let mut once = RowSearch::new(query, rows.len(), 50);
        once.run(&rows);
        let expected = once.hits(&rows);
        assert!(!expected.is_empty(), "{query}");
        for budget in [1, 7, 333, 4096] {
            let mut inc = RowSearch::new(query, rows.len(), 50);
            let mut calls = 0;
            let mut last = inc.progress().scanned;
            loop {
                let p = inc.search_chunk(&rows, budget);
                calls += 1;
                assert!(p.scanned - last <= budget);
                last = p.scanned;
                if p.done {
                    break;
                }
            }
            assert_eq!(calls, rows.len().div_ceil(budget), "{query} {budget}");
            assert_eq!(inc.progress(), once.progress());
            assert_eq!(inc.hits(&rows), expected, "{query} budget {budget}");
        }
    }
}

#[test]
fn rows_shorter_than_announced_end_the_scan() {
    let rows = synthetic(10, &[]);
    let mut s = RowSearch::new("alpha", 1000, 10);
    let p = s.search_chunk(&rows, 100);
    assert!(p.done);
    assert_eq!(p.total, 10);
}

#[test]
fn two_hundred_thousand_rows_searched_in_chunks() {
    const ROWS: usize = 200_000;
    const PLANTED: usize = 123_457;
    let rows = synthetic(ROWS, &[(PLANTED, "ToeTheLine")]);
    let query = "ToeTheLine";

    // Brute force: how many rows have any cell the matcher accepts.
    let m = matcher();
    let expected_matched = rows
        .iter()
        .filter(|r| {
            r.iter()
                .flatten()
                .filter(|c| !matches!(c, Cell::Null))
                .any(|c| m.fuzzy_match(&raw_text(c), query).is_some())
        })
        .count();

    let mut s = RowSearch::new(query, rows.len(), DEFAULT_CAP);
    let started = Instant::now();
    let mut slowest = std::time::Duration::ZERO;
    let mut chunks = 0;
    loop {
        let t = Instant::now();
        let p = s.search_chunk(&rows, 10_000);
        slowest = slowest.max(t.elapsed());
        chunks += 1;
        if p.done {
            break;
        }
    }
    let scan = started.elapsed();
    let t = Instant::now();
    let hits = s.hits(&rows);
    let collect = t.elapsed();
    eprintln!(
        "search 200k rows x 4 cols for {query:?}: scan {scan:?} in {chunks} chunks of 10k \
         (slowest chunk {slowest:?}), hits() {collect:?}, {} matched",
        s.progress().matched
    );

    assert_eq!(chunks, 20);
    assert_eq!(s.progress().matched, expected_matched);
    assert_eq!(hits[0].row, PLANTED, "{:?}", &hits[..3.min(hits.len())]);
    assert_eq!(hits[0].column, 1);
    assert_eq!(hits[0].snippet, "ToeTheLine");
    assert!(hits.len() <= DEFAULT_CAP);

    // A query that matches many rows: the cap holds and the order is sound.
    let mut s = RowSearch::new("harbor", rows.len(), DEFAULT_CAP);
    let started = Instant::now();
    while !s.search_chunk(&rows, 10_000).done {}
    let hits = s.hits(&rows);
    eprintln!(
        "search 200k rows for \"harbor\": {:?}, {} matched, {} kept",
        started.elapsed(),
        s.progress().matched,
        hits.len()
    );
    assert!(s.progress().matched > DEFAULT_CAP);
    assert_eq!(hits.len(), DEFAULT_CAP);
    for w in hits.windows(2) {
        assert!(
            w[0].score > w[1].score || (w[0].score == w[1].score && w[0].row < w[1].row),
            "{:?} before {:?}",
            w[0],
            w[1]
        );
    }
}

// ---------------------------------------------------------------- all tables

#[test]
fn all_tables_search_finds_the_row_wherever_it_is() {
    let users = vec![
        vec![Some(Cell::Int(1)), text("lena@toetheline.example.net")],
        vec![Some(Cell::Int(2)), text("sam@example.net")],
    ];
    let sessions = synthetic(3000, &[]);
    let projects = vec![
        vec![Some(Cell::Int(10)), text("Harbor")],
        vec![Some(Cell::Int(11)), text("ToeTheLine")],
    ];
    let tables: [(&str, &[Vec<Option<Cell>>]); 3] = [
        ("users", &users),
        ("test_sessions", &sessions),
        ("projects", &projects),
    ];
    let found = search_all_tables("ToeTheLine", &tables, 10);
    assert!(found.len() >= 2, "{found:?}");
    assert_eq!(found[0].table, 2, "{found:?}");
    assert_eq!(found[0].table_name, "projects");
    assert_eq!((found[0].hit.row, found[0].hit.column), (1, 1));
    assert!(found.iter().any(|h| h.table == 0 && h.hit.row == 0));

    // Incremental across table boundaries gives the same answer.
    let mut inc = AllTablesSearch::new("ToeTheLine", &[2, 3000, 2], 10);
    let mut calls = 0;
    while !inc.search_chunk(&tables, 97).done {
        calls += 1;
    }
    assert_eq!(calls + 1, 3004usize.div_ceil(97));
    assert_eq!(inc.progress().scanned, 3004);
    assert_eq!(inc.hits(&tables), found);
}

#[test]
fn all_tables_cap_applies_overall() {
    let a = synthetic(2000, &[]);
    let b = synthetic(2000, &[]);
    let tables: [(&str, &[Vec<Option<Cell>>]); 2] = [("a", &a), ("b", &b)];
    let found = search_all_tables("delta", &tables, 30);
    assert_eq!(found.len(), 30);
    // Identical tables: every hit in b has an equal-scoring twin in a, which
    // comes first, so the 30 best are all from a.
    assert!(found.iter().all(|h| h.table == 0), "{found:?}");
}

#[test]
fn the_demo_backup_project_is_found_across_all_tables() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/backup");
    let backup = Backup::open(&dir).expect("demo backup opens");
    let mut loaded: Vec<(String, Vec<String>, Vec<BackupRow>)> = Vec::new();
    for t in &backup.tables {
        let mut reader = backup.rows(t).expect("rows");
        let rows: Vec<BackupRow> = reader.by_ref().map(|r| r.expect("row")).collect();
        loaded.push((t.name.to_string(), reader.columns().to_vec(), rows));
    }
    assert!(loaded.len() >= 5);
    let tables: Vec<(&str, &[BackupRow])> = loaded
        .iter()
        .map(|(n, _, r)| (n.as_str(), r.as_slice()))
        .collect();
    let found = search_all_tables("ToeTheLine", &tables, 20);
    let top = &found[0];
    let (name, columns, rows) = &loaded[top.table];
    assert!(name.ends_with("projects"), "{found:?}");
    assert_eq!(columns[top.hit.column], "name", "{found:?}");
    assert_eq!(
        rows[top.hit.row].cells[top.hit.column],
        Some(Cell::Text("ToeTheLine".into()))
    );
    // The slug, the URL and the user's e-mail are found as well, ranked lower.
    assert!(found.len() >= 3, "{found:?}");
    assert!(found.iter().any(|h| loaded[h.table].0.ends_with("users")));
}

#[test]
fn the_prefilter_agrees_with_the_matcher() {
    let texts = [
        "ToeTheLine",
        "toe the line",
        "TOETHELINE",
        "café Straße",
        "CAFÉ",
        "İstanbul",
        "日本語テキスト",
        "a\u{1b}[31mb",
        "",
        "x",
        "12345",
        "-1.5e10",
        "a long text of more than sixty-four bytes, so memchr takes its vector path: ToeTheLine",
        "https://toetheline.example.net/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z",
    ];
    let queries = [
        "ToeTheLine",
        "ttl",
        "café",
        "CAFé",
        "cafÉ",
        "straße",
        "STRASSE",
        "istanbul",
        "İst",
        "日本",
        "本テ",
        "a\u{1b}b",
        "ab",
        "x",
        "135",
        "1.5",
        "e",
        "zz",
        "TTL",
        "toe.net",
        "nettoe",
        "z/q",
        "vector ToeTheLine",
    ];
    let m = matcher();
    let mut accepted = 0;
    for t in texts {
        for q in queries {
            let fast = is_subsequence(t, q);
            assert_eq!(fast, m.fuzzy_match(t, q).is_some(), "{t:?} / {q:?}");
            accepted += usize::from(fast);
        }
    }
    assert!(accepted > 15, "{accepted}");
}

#[test]
fn numbers_are_matched_as_raw_text_renders_them() {
    let rows = vec![
        vec![Some(Cell::Float(2.5)), Some(Cell::Int(-17))],
        vec![
            Some(Cell::Bool(false)),
            Some(Cell::Bytes(b"ToeTheLine".to_vec())),
        ],
    ];
    for (query, row, column) in [
        ("2.5", 0, 0),
        ("-17", 0, 1),
        ("false", 1, 0),
        ("toeth", 1, 1),
    ] {
        let mut s = RowSearch::new(query, rows.len(), 5);
        s.run(&rows);
        let hits = s.hits(&rows);
        assert_eq!(hits.len(), 1, "{query}: {hits:?}");
        assert_eq!((hits[0].row, hits[0].column), (row, column), "{query}");
        assert_eq!(
            hits[0].snippet,
            raw_text(rows[row][column].as_ref().unwrap())
        );
    }
}

mod text_rows;
