//! The packed cell store and the per-row matching, as plain functions.

use super::matching::{match_keyed, match_whole_rows, NO_ROW};
use super::store::{CellStore, CellText};
use super::RowStatus;
use crate::diff::compare::{compare_keyed, compare_whole_rows};
use crate::diff::digest::{ColumnPlan, DigestBuilder, KeyKind, KeySpec};
use crate::value::{Cell, TypeClass};

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn plan(names: &[&str]) -> Vec<ColumnPlan> {
    names
        .iter()
        .map(|n| ColumnPlan {
            name: n.to_string(),
            class: TypeClass::Text {
                max_chars: None,
                fixed: false,
            },
        })
        .collect()
}

/// A digest and each row's digest row.
fn digest<'p>(
    columns: &'p [ColumnPlan],
    key: &'p KeySpec,
    backup_side: bool,
    rows: &[Vec<Option<Cell>>],
) -> (DigestBuilder<'p>, Vec<u32>) {
    let mut b = DigestBuilder::new(columns, key, backup_side, 100);
    let rows: Vec<u32> = rows
        .iter()
        .enumerate()
        .map(|(n, row)| b.add(n as u64 + 1, |i| row.get(i).and_then(|c| c.as_ref())))
        .collect();
    (b, rows)
}

#[test]
fn store_keeps_raw_text_tags_and_growing_widths() {
    let mut s = CellStore::default();
    let a = t("line\nbreak \"q\" \u{1b}[31m");
    let row1 = [Some(&a), None, Some(&Cell::Null)];
    s.push_row(row1.into_iter(), |_| false).unwrap();
    let (n, j, b, f) = (
        Cell::Number("10.50".into()),
        Cell::Json("{\"a\":1}".into()),
        Cell::Bytes(vec![0, 0xab]),
        Cell::Float(1.5),
    );
    let row2 = [Some(&n), Some(&j), Some(&b), Some(&f), Some(&t("7"))];
    s.push_row(row2.into_iter(), |i| i == 4).unwrap();
    s.push_row([Some(&t(""))].into_iter(), |_| false).unwrap();
    assert_eq!(s.rows(), 3);
    assert_eq!(s.cell(0, 0), CellText::Text("line\nbreak \"q\" \u{1b}[31m"));
    assert_eq!(s.cell(0, 1), CellText::Absent);
    assert_eq!(s.cell(0, 2), CellText::Null);
    assert_eq!(s.cell(0, 3), CellText::Absent, "past the row's width");
    assert_eq!(s.cell(1, 0), CellText::Other("10.50"));
    assert_eq!(s.cell(1, 1), CellText::Other("{\"a\":1}"));
    assert_eq!(s.cell(1, 2), CellText::Other("\\x00ab"));
    assert_eq!(s.cell(1, 3), CellText::Other("1.5"));
    assert_eq!(
        s.cell(1, 4),
        CellText::Other("7"),
        "text typed as non-string"
    );
    assert_eq!(s.cell(2, 0), CellText::Text(""));
    assert_eq!(s.cell(2, 1), CellText::Absent);
    assert_eq!(s.cell(3, 0), CellText::Absent, "past the last row");
}

#[test]
fn keyed_matching_agrees_with_compare_keyed() {
    let cols = plan(&["id", "name", "note"]);
    let key = KeySpec {
        kind: KeyKind::LivePrimaryKey,
        columns: vec![0],
    };
    let r =
        |id: &str, name: &str, note: Option<&str>| vec![Some(t(id)), Some(t(name)), note.map(t)];
    let (backup, brows) = digest(
        &cols,
        &key,
        true,
        &[
            r("1", "a", Some("x")),
            r("2", "b", Some("x")),
            r("3", "c", None), // note absent: not compared
            r("4", "d", Some("x")),
        ],
    );
    let (live, _) = digest(
        &cols,
        &key,
        false,
        &[
            r("4", "d", Some("y")),
            r("9", "z", Some("x")),
            r("3", "c", Some("anything")),
            r("1", "a", Some("x")),
        ],
    );
    let m = match_keyed(&backup.digest, &brows, &live.digest);
    use RowStatus::*;
    assert_eq!(
        m.status,
        [Identical, MissingLive, Identical, Changed, OnlyLive]
    );
    assert_eq!(m.live_row, [3, NO_ROW, 2, 0, 1]);
    assert_eq!(m.changed.get(3), [2]);
    assert!(m.changed.get(0).is_empty());
    let c = compare_keyed(&backup.digest, &live.digest, false);
    let count = |s| m.status.iter().filter(|&&x| x == s).count() as u64;
    assert_eq!(
        (c.identical, c.missing, c.changed, c.extra),
        (
            count(Identical),
            count(MissingLive),
            count(Changed),
            count(OnlyLive)
        )
    );
}

#[test]
fn whole_row_matching_pairs_copies_in_order() {
    let cols = plan(&["actor", "action"]);
    let key = KeySpec {
        kind: KeyKind::WholeRow,
        columns: vec![0, 1],
    };
    let r = |a: &str, b: &str| vec![Some(t(a)), Some(t(b))];
    let (backup, brows) = digest(
        &cols,
        &key,
        true,
        &[r("a", "in"), r("b", "out"), r("a", "in"), r("a", "in")],
    );
    let (live, lrows) = digest(
        &cols,
        &key,
        false,
        &[r("c", "in"), r("a", "in"), r("a", "in"), r("c", "in")],
    );
    assert_eq!(brows, [0, 1, 0, 0], "copies share a digest row");
    let m = match_whole_rows(&backup.digest, &brows, &live.digest, &lrows);
    use RowStatus::*;
    assert_eq!(
        m.status,
        [
            Identical,
            MissingLive,
            Identical,
            MissingLive,
            OnlyLive,
            OnlyLive
        ]
    );
    assert_eq!(m.live_row, [1, NO_ROW, 2, NO_ROW, 0, 3]);
    let c = compare_whole_rows(&backup.digest, &live.digest, false);
    assert_eq!((c.identical, c.missing, c.extra), (2, 2, 2));
}

#[test]
fn changed_columns_past_64() {
    let names: Vec<String> = (0..70).map(|i| format!("c{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let cols = plan(&refs);
    let key = KeySpec {
        kind: KeyKind::LivePrimaryKey,
        columns: vec![0],
    };
    let row = |changed: &[usize]| -> Vec<Option<Cell>> {
        (0..70)
            .map(|i| Some(t(if changed.contains(&i) { "new" } else { "old" })))
            .collect()
    };
    let (backup, brows) = digest(&cols, &key, true, &[row(&[])]);
    let mut live_row = row(&[3, 65, 69]);
    live_row[0] = Some(t("old"));
    let (live, _) = digest(&cols, &key, false, &[live_row]);
    let m = match_keyed(&backup.digest, &brows, &live.digest);
    assert_eq!(m.status, [RowStatus::Changed]);
    assert_eq!(m.changed.get(0), [3, 65, 69]);
}

#[test]
fn store_rows_across_chunks_and_a_row_larger_than_a_chunk() {
    let mut s = CellStore::default();
    let big = t(&"x".repeat(5 << 20));
    let value = |i: usize| format!("row {i} ").repeat(1000);
    for i in 0..1000 {
        let c = t(&value(i));
        s.push_row([Some(&c), Some(&Cell::Int(i as i64))].into_iter(), |_| {
            false
        })
        .unwrap();
        if i == 500 {
            s.push_row([Some(&big)].into_iter(), |_| false).unwrap();
        }
    }
    s.shrink();
    assert_eq!(s.rows(), 1001);
    for (row, i) in [(0, 0), (400, 400), (500, 500), (502, 501), (1000, 999)] {
        assert_eq!(s.cell(row, 0).text(), Some(value(i).as_str()));
        assert_eq!(s.cell(row, 1), CellText::Other(&i.to_string()));
    }
    assert_eq!(s.cell(501, 0).text().map(str::len), Some(5 << 20));
    assert_eq!(s.cell(501, 1), CellText::Absent);
    // ~11 MB of text: chunks hold it without doubling.
    assert!(s.heap_bytes() < 20 << 20, "{}", s.heap_bytes());
}
