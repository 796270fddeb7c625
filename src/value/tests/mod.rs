//! Unit tests for the value module, one file per seam.

mod arrays;
mod display;
mod json;
mod numbers;
mod robustness;
mod texts;
mod times;
mod typenames;

use super::*;
use std::borrow::Cow;

pub(super) fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

pub(super) fn num(s: &str) -> Cell {
    Cell::Number(s.to_owned())
}

pub(super) fn json_cell(s: &str) -> Cell {
    Cell::Json(s.to_owned())
}

/// The canonical text; panics (test only) when incompatible or null.
pub(super) fn ok(cell: Cell, class: &TypeClass) -> String {
    match canonicalize(&cell, class) {
        Ok(Some(c)) => c.into_owned(),
        other => panic!("{cell:?} in {class:?}: {other:?}"),
    }
}

/// The reason; panics (test only) when compatible.
pub(super) fn err(cell: Cell, class: &TypeClass) -> String {
    match canonicalize(&cell, class) {
        Err(e) => e.reason,
        Ok(v) => panic!("{cell:?} in {class:?} accepted as {v:?}"),
    }
}

pub(super) fn borrowed(cell: &Cell, class: &TypeClass) -> bool {
    matches!(canonicalize(cell, class), Ok(Some(Cow::Borrowed(_))))
}

pub(super) fn same(a: Cell, b: Cell, class: &TypeClass) -> bool {
    ok(a, class) == ok(b, class)
}

#[test]
fn null_is_none_in_every_class() {
    for class in [
        TypeClass::Bool,
        TypeClass::Uuid,
        TypeClass::Json,
        TypeClass::Array(Box::new(TypeClass::Bool)),
        TypeClass::Text {
            max_chars: Some(1),
            fixed: false,
        },
    ] {
        assert_eq!(canonicalize(&Cell::Null, &class), Ok(None));
    }
}

#[test]
fn incompatible_displays_its_reason() {
    assert_eq!(Incompatible::new("not a UUID").to_string(), "not a UUID");
}
