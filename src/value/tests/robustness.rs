//! Untrusted input must never panic, and canonical texts must be fixed
//! points: the canonical text read back as text canonicalises to itself
//! (otherwise a live value and a backup value could compare unequal).

use super::*;

fn classes() -> Vec<TypeClass> {
    let text = TypeClass::Text {
        max_chars: None,
        fixed: false,
    };
    vec![
        TypeClass::Bool,
        TypeClass::Int {
            min: -32768,
            max: 32767,
        },
        TypeClass::Int {
            min: i64::MIN,
            max: i64::MAX,
        },
        TypeClass::Float { single: false },
        TypeClass::Float { single: true },
        TypeClass::Numeric {
            precision: None,
            scale: None,
        },
        TypeClass::Numeric {
            precision: Some(6),
            scale: Some(2),
        },
        TypeClass::Numeric {
            precision: Some(3),
            scale: Some(0),
        },
        text.clone(),
        TypeClass::Text {
            max_chars: Some(4),
            fixed: false,
        },
        TypeClass::Text {
            max_chars: Some(4),
            fixed: true,
        },
        TypeClass::Uuid,
        TypeClass::Date,
        TypeClass::Time { with_zone: false },
        TypeClass::Time { with_zone: true },
        TypeClass::Timestamp,
        TypeClass::TimestampTz,
        TypeClass::Interval,
        TypeClass::Json,
        TypeClass::Bytes,
        TypeClass::Enum {
            name: "e".into(),
            labels: vec!["a".into(), "1".into()],
        },
        TypeClass::Array(Box::new(text)),
        TypeClass::Array(Box::new(TypeClass::Int { min: -10, max: 10 })),
        TypeClass::Array(Box::new(TypeClass::Json)),
        TypeClass::Other("inet".into()),
    ]
}

/// Deterministic pseudo-random strings over characters that matter to the parsers.
fn inputs() -> Vec<String> {
    const ALPHABET: &[&str] = &[
        "0",
        "1",
        "5",
        "9",
        "-",
        "+",
        ":",
        ".",
        "e",
        "E",
        "T",
        "Z",
        " ",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        ",",
        "x",
        "a",
        "f",
        "N",
        "U",
        "L",
        "é",
        "\n",
        "nan",
        "inf",
        "2025-07-10",
        "12:00",
        "true",
        "null",
        "\\x",
        "\\u",
        "=",
        "2",
        "00",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = Vec::new();
    for _ in 0..10000 {
        let len = next() % 16;
        let s: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        out.push(s);
    }
    out
}

#[test]
fn no_input_panics_and_canonical_is_a_fixed_point() {
    let classes = classes();
    for s in inputs() {
        for cell in [text(&s), num(&s), json_cell(&s)] {
            for class in &classes {
                let Ok(Some(c)) = canonicalize(&cell, class) else {
                    continue;
                };
                let back = Cell::Text(c.to_string());
                let again = canonicalize(&back, class);
                assert_eq!(
                    again.as_ref().map(|o| o.as_deref()),
                    Ok(Some(c.as_ref())),
                    "{cell:?} in {class:?} gave {c:?}"
                );
            }
        }
    }
}

#[test]
fn extreme_cells_do_not_panic() {
    let cells = [
        Cell::Int(i64::MIN),
        Cell::Int(i64::MAX),
        Cell::Float(f64::MAX),
        Cell::Float(f64::MIN_POSITIVE),
        Cell::Float(-0.0),
        Cell::Float(f64::NEG_INFINITY),
        Cell::Bytes(vec![0xff; 3]),
        Cell::Bytes(Vec::new()),
        Cell::Bool(true),
        num("-1e-999999999"),
        num("9".repeat(200).as_str()),
        text("294276-12-31 23:59:59.999999+00"),
        text("294277-01-01"),
        text("0001-01-01 00:00:00+15:59"),
    ];
    for cell in &cells {
        for class in &classes() {
            let _ = canonicalize(cell, class);
        }
        assert!(!display_value(cell).is_empty());
    }
    assert!(err(text("0001-01-01 00:00:00+01"), &TypeClass::TimestampTz).contains("out of range"));
}
