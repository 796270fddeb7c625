//! PostgreSQL's escape-string rules (`E'...'`, and `'...'` when
//! `standard_conforming_strings` is off), undone on a string's raw content.

pub(super) fn hex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Up to `max` digits in `radix` from `raw[*i..]`: their value and how many.
fn digits(raw: &[u8], i: &mut usize, max: usize, radix: u32) -> (u32, usize) {
    let mut v = 0u32;
    let mut n = 0;
    while n < max {
        let Some(d) = raw.get(*i).and_then(|&b| (b as char).to_digit(radix)) else {
            break;
        };
        v = v * radix + d;
        *i += 1;
        n += 1;
    }
    (v, n)
}

/// PostgreSQL's escape-string rules: `\n \t \r \b \f`, octal `\123`, `\xHH`,
/// `\uXXXX`, `\UXXXXXXXX` (surrogate pairs joined), any other `\c` is `c`.
pub(super) fn unescape(raw: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    let mut high_surrogate: Option<u32> = None;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' || i + 1 >= raw.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        i += 2;
        let code = match e {
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(10),
            b'r' => Some(13),
            b't' => Some(9),
            b'0'..=b'7' => {
                i -= 1;
                let (v, _) = digits(raw, &mut i, 3, 8);
                out.push((v & 0xff) as u8);
                None
            }
            b'x' if raw.get(i).copied().and_then(hex).is_some() => {
                let (v, _) = digits(raw, &mut i, 2, 16);
                out.push(v as u8);
                None
            }
            b'u' | b'U' => {
                let want = if e == b'u' { 4 } else { 8 };
                let (v, n) = digits(raw, &mut i, want, 16);
                if n != want {
                    return Err(format!("\\{} needs {want} hex digits", e as char));
                }
                if (0xD800..0xDC00).contains(&v) {
                    high_surrogate = Some(v);
                    continue;
                }
                let v = match high_surrogate.take() {
                    Some(h) if (0xDC00..0xE000).contains(&v) => {
                        0x10000 + ((h - 0xD800) << 10) + (v - 0xDC00)
                    }
                    Some(_) => return Err("invalid Unicode surrogate pair".into()),
                    None => v,
                };
                let ch = char::from_u32(v).ok_or(format!("invalid Unicode escape value {v:#x}"))?;
                let mut tmp = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                None
            }
            other => Some(other),
        };
        if high_surrogate.is_some() {
            return Err("invalid Unicode surrogate pair".into());
        }
        if let Some(c) = code {
            out.push(c);
        }
    }
    if high_surrogate.is_some() {
        return Err("invalid Unicode surrogate pair".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_strings_as_postgresql_reads_them() {
        let u = |s: &str| String::from_utf8(unescape(s.as_bytes()).unwrap()).unwrap();
        assert_eq!(u(r"a\nb\tc\\d\'e"), "a\nb\tc\\d'e");
        assert_eq!(u(r"\101\x42\u00e9\U0001F642"), "ABé🙂");
        assert_eq!(u(r"\uD83D\uDE42"), "🙂");
        assert_eq!(u(r"\q\x"), "qx");
        assert!(unescape(br"\uD83D").is_err());
        assert!(unescape(br"\u12").is_err());
    }
}
