use super::*;

fn roles(line: &str, start: LexState) -> Vec<(Role, String)> {
    tokens(line, start)
        .into_iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(r, t)| (r, t.to_owned()))
        .collect()
}

#[test]
fn keywords_strings_numbers_and_comments_get_their_roles() {
    let got = roles(
        "INSERT INTO \"projects\" VALUES (12, 'it''s') -- note",
        LexState::Code,
    );
    assert_eq!(got[0], (Role::SqlKeyword, "INSERT".into()));
    assert_eq!(got[1], (Role::SqlKeyword, "INTO".into()));
    assert_eq!(got[2], (Role::Text, "\"projects\"".into()));
    assert_eq!(got[3], (Role::SqlKeyword, "VALUES".into()));
    assert!(got.contains(&(Role::SqlNumber, "12".into())));
    assert!(got.contains(&(Role::SqlString, "'it''s'".into())));
    assert_eq!(got.last(), Some(&(Role::SqlComment, "-- note".into())));
}

#[test]
fn dashes_and_quotes_inside_a_string_are_part_of_it() {
    let got = roles("SELECT '-- not a comment', E'a\\'b\\n' ;", LexState::Code);
    assert!(got.contains(&(Role::SqlString, "'-- not a comment'".into())));
    assert!(got.contains(&(Role::SqlString, "E'a\\'b\\n'".into())));
    assert!(!got.iter().any(|(r, _)| *r == Role::SqlComment));
}

#[test]
fn a_string_spanning_lines_is_a_string_on_every_line() {
    let script = "INSERT INTO t VALUES ('first\nsecond -- still text\nthird', 2);\nCOMMIT;\n";
    let lines = SqlLines::index(script);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines.line(script, 1), "second -- still text");
    assert_eq!(lines.states[1], LexState::String { escapes: false });
    assert_eq!(
        roles(lines.line(script, 1), lines.states[1]),
        vec![(Role::SqlString, "second -- still text".into())]
    );
    let third = roles(lines.line(script, 2), lines.states[2]);
    assert_eq!(third[0], (Role::SqlString, "third'".into()));
    assert!(third.contains(&(Role::SqlNumber, "2".into())));
    assert_eq!(lines.states[3], LexState::Code);
    assert_eq!(lines.line(script, 3), "COMMIT;");
}

#[test]
fn control_characters_are_drawn_as_escapes() {
    let theme = crate::console::theme::Theme::load(None, None, false).expect("theme");
    let script = "SELECT 'a\u{1b}[2Jb';";
    let lines = SqlLines::index(script);
    let line = lines.highlight(script, 0, &theme);
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("\\u{1b}"), "{text:?}");
}

#[test]
fn a_200k_line_script_indexes_once_and_draws_a_window_fast() {
    let mut script = String::from("BEGIN;\n");
    for i in 0..200_000 {
        script.push_str(&format!(
            "INSERT INTO \"items\" (\"id\", \"label\") VALUES ({i}, 'item {i} ''quoted''');\n"
        ));
    }
    script.push_str("COMMIT;\n");
    let theme = crate::console::theme::Theme::load(None, None, false).expect("theme");
    let started = std::time::Instant::now();
    let lines = SqlLines::index(&script);
    let indexed = started.elapsed();
    assert_eq!(lines.len(), 200_002);
    let started = std::time::Instant::now();
    for n in 150_000..150_040 {
        let _ = lines.highlight(&script, n, &theme);
    }
    let window = started.elapsed();
    // Generous bounds for a debug build on a busy 2-core machine; release
    // numbers are in docs/PERFORMANCE.md.
    let (index_limit, window_limit) = if cfg!(debug_assertions) {
        (5_000, 50)
    } else {
        (100, 2)
    };
    assert!(
        indexed.as_millis() < index_limit,
        "indexing took {indexed:?}"
    );
    assert!(
        window.as_millis() < window_limit,
        "a 40-line window took {window:?}"
    );
    eprintln!("indexed 200k lines in {indexed:?}, highlighted 40 in {window:?}");
}
