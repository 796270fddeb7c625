//! PostgreSQL's COPY text format, one field's escapes: the same rules for a
//! live table streamed with `COPY … TO STDOUT` and a `pg_dump` data block.

/// Undo COPY text escaping into `out`: `\b \f \n \r \t \v \\`, octal `\o`
/// to `\ooo` (low byte kept, as PostgreSQL does), hex `\xh`/`\xhh` (`\x`
/// without a hex digit is `x`); any other escaped character stands for itself.
pub(crate) fn unescape_into(raw: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    out.clear();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        match b {
            b'\\' => {}
            b'\r' => return Err("raw carriage return in data (COPY writes it as \\r)".into()),
            b'\n' => return Err("raw newline in data (COPY writes it as \\n)".into()),
            _ => {
                out.push(b);
                continue;
            }
        }
        let Some(&next) = raw.get(i) else {
            return Err("field ends with a lone backslash".into());
        };
        i += 1;
        match next {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            // PostgreSQL takes `\.` as the end-of-data marker wherever it is.
            b'.' => return Err("end-of-data marker \\. inside a row".into()),
            b'0'..=b'7' => {
                let mut value = u32::from(next - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            b'x' => {
                let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
                match hex(raw.get(i)) {
                    Some(h) => {
                        i += 1;
                        let mut value = h;
                        if let Some(l) = hex(raw.get(i)) {
                            value = value * 16 + l;
                            i += 1;
                        }
                        out.push(value as u8);
                    }
                    None => out.push(b'x'),
                }
            }
            other => out.push(other),
        }
    }
    Ok(())
}
