//! Digests and comparison as plain functions: no database, no files.

use super::compare::{compare_keyed, compare_whole_rows};
use super::digest::{ColumnPlan, DigestBuilder, KeyKind, KeyPart, KeySpec};
use crate::value::{Cell, TypeClass};

fn plan(cols: &[(&str, TypeClass)]) -> Vec<ColumnPlan> {
    cols.iter()
        .map(|(n, c)| ColumnPlan {
            name: n.to_string(),
            class: c.clone(),
        })
        .collect()
}

fn int() -> TypeClass {
    TypeClass::Int {
        min: i64::MIN,
        max: i64::MAX,
    }
}

fn text() -> TypeClass {
    TypeClass::Text {
        max_chars: None,
        fixed: false,
    }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// Build a digest from rows of optional cells (None = field absent).
fn digest<'p>(
    columns: &'p [ColumnPlan],
    key: &'p KeySpec,
    backup_side: bool,
    rows: &[Vec<Option<Cell>>],
) -> DigestBuilder<'p> {
    let mut b = DigestBuilder::new(columns, key, backup_side, 100);
    for (n, row) in rows.iter().enumerate() {
        b.add(n as u64 + 1, |i| row.get(i).and_then(|c| c.as_ref()));
    }
    b
}

fn keyed(columns: Vec<usize>) -> KeySpec {
    KeySpec {
        kind: KeyKind::LivePrimaryKey,
        columns,
    }
}

fn v(s: &str) -> KeyPart {
    KeyPart::Value(s.to_string())
}

#[test]
fn keyed_rows_missing_changed_extra_identical() {
    let cols = plan(&[("id", int()), ("name", text())]);
    let key = keyed(vec![0]);
    let backup = digest(
        &cols,
        &key,
        true,
        &[
            vec![Some(Cell::Number("1".into())), Some(t("a"))],
            vec![Some(Cell::Number("2".into())), Some(t("b"))],
            vec![Some(Cell::Number("3".into())), Some(t("c"))],
        ],
    );
    let live = digest(
        &cols,
        &key,
        false,
        &[
            vec![Some(t("1")), Some(t("a"))],
            vec![Some(t("2")), Some(t("B"))],
            vec![Some(t("4")), Some(t("d"))],
        ],
    );
    let r = compare_keyed(&backup.digest, &live.digest, true);
    assert_eq!((r.missing, r.changed, r.extra, r.identical), (1, 1, 1, 1));
    assert_eq!(r.missing_keys, vec![vec![v("3")]]);
    assert_eq!(r.extra_keys, vec![vec![v("4")]]);
    assert_eq!(r.changed_rows[0].key, vec![v("2")]);
    assert_eq!(r.changed_rows[0].columns, vec![1]);
    assert_eq!(r.changed_per_column, vec![0, 1]);
}

#[test]
fn absent_fields_are_not_compared_but_null_is() {
    let cols = plan(&[("id", int()), ("a", text()), ("b", text())]);
    let key = keyed(vec![0]);
    let backup = digest(
        &cols,
        &key,
        true,
        &[
            vec![Some(t("1")), Some(t("x")), None],
            vec![Some(t("2")), Some(Cell::Null), None],
        ],
    );
    let live = digest(
        &cols,
        &key,
        false,
        &[
            vec![Some(t("1")), Some(t("x")), Some(t("anything"))],
            vec![Some(t("2")), Some(t("")), Some(t("y"))],
        ],
    );
    let r = compare_keyed(&backup.digest, &live.digest, true);
    assert_eq!(
        (r.identical, r.changed),
        (1, 1),
        "NULL is not the empty string"
    );
    assert_eq!(r.changed_rows[0].columns, vec![1]);
}

#[test]
fn a_live_key_seen_twice_counts_once() {
    let cols = plan(&[("id", text())]);
    let key = keyed(vec![0]);
    let backup = digest(&cols, &key, true, &[vec![Some(t("a"))]]);
    let live = digest(
        &cols,
        &key,
        false,
        &[vec![Some(t("a"))], vec![Some(t("a"))]],
    );
    let r = compare_keyed(&backup.digest, &live.digest, false);
    assert_eq!((r.identical, r.extra, r.missing), (1, 1, 0));
}

#[test]
fn duplicate_backup_keys_are_caught_with_their_lines() {
    let cols = plan(&[("id", int()), ("v", text())]);
    let key = keyed(vec![0]);
    let backup = digest(
        &cols,
        &key,
        true,
        &[
            vec![Some(t("7")), Some(t("a"))],
            vec![Some(t("8")), Some(t("b"))],
            vec![Some(Cell::Number("7.0".into())), Some(t("c"))],
        ],
    );
    assert_eq!(backup.duplicate_count, 1);
    let d = &backup.duplicates[0];
    assert_eq!((d.first_line, d.line), (1, 3));
    assert_eq!(d.key, vec![v("7")]);
}

#[test]
fn composite_keys_keep_the_key_order() {
    let cols = plan(&[("a", text()), ("b", text()), ("c", text())]);
    let key = keyed(vec![2, 0]);
    let backup = digest(
        &cols,
        &key,
        true,
        &[vec![Some(t("x")), Some(t("y")), Some(t("z"))]],
    );
    let live = digest(&cols, &key, false, &[]);
    let r = compare_keyed(&backup.digest, &live.digest, true);
    assert_eq!(r.missing_keys, vec![vec![v("z"), v("x")]]);
}

#[test]
fn incompatible_values_are_recorded_and_never_match() {
    let cols = plan(&[("id", TypeClass::Uuid), ("n", int())]);
    let key = keyed(vec![0]);
    let backup = digest(
        &cols,
        &key,
        true,
        &[
            vec![Some(t("user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE")), Some(t("1"))],
            vec![
                Some(t("0B7C8D6E-1F2A-4B3C-9D4E-5F6A7B8C9D0E")),
                Some(t("abc")),
            ],
        ],
    );
    assert_eq!(backup.incompatible_counts, vec![1, 1]);
    let first = &backup.incompatible[0];
    assert_eq!(
        first.key,
        vec![KeyPart::Raw("user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE".into())]
    );
    assert_eq!(
        (first.column, first.value.as_str(), first.line),
        (0, "user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE", 1)
    );
    let live = digest(
        &cols,
        &key,
        false,
        &[vec![
            Some(t("0b7c8d6e-1f2a-4b3c-9d4e-5f6a7b8c9d0e")),
            Some(t("abc")),
        ]],
    );
    let r = compare_keyed(&backup.digest, &live.digest, true);
    assert_eq!(
        (r.missing, r.changed, r.identical),
        (1, 0, 1),
        "matched by UUID despite case; the same raw text is the same value"
    );
    let live = digest(
        &cols,
        &key,
        false,
        &[vec![
            Some(t("0b7c8d6e-1f2a-4b3c-9d4e-5f6a7b8c9d0e")),
            Some(t("1")),
        ]],
    );
    let r = compare_keyed(&backup.digest, &live.digest, false);
    assert_eq!(r.changed, 1, "'abc' never equals a valid integer");
}

#[test]
fn keyless_tables_compare_as_multisets() {
    let cols = plan(&[("actor", text()), ("action", text())]);
    let key = KeySpec {
        kind: KeyKind::WholeRow,
        columns: vec![0, 1],
    };
    let row = |a: &str, b: &str| vec![Some(t(a)), Some(t(b))];
    let backup = digest(
        &cols,
        &key,
        true,
        &[row("a", "in"), row("a", "in"), row("b", "out")],
    );
    let live = digest(
        &cols,
        &key,
        false,
        &[row("a", "in"), row("c", "in"), row("c", "in")],
    );
    let r = compare_whole_rows(&backup.digest, &live.digest, true);
    assert_eq!((r.identical, r.missing, r.extra), (1, 2, 2));
    assert_eq!(r.missing_keys.len(), 2);
    assert_eq!(
        r.extra_keys,
        vec![vec![v("c"), v("in")], vec![v("c"), v("in")]]
    );
    assert!(
        backup.duplicates.is_empty(),
        "repeated rows are not duplicate keys"
    );
}
