//! Rendering results for people (aligned text) and machines (JSON). Pure
//! functions from reports to strings. Every string that came from a backup
//! passes through [`visible`] before it reaches a terminal.

mod check_text;
mod diff_text;
mod inspect_text;

pub use check_text::render_check;
pub use diff_text::render_diff;
pub use inspect_text::render_inspect;

use std::borrow::Cow;

/// Text safe to print: control characters, escape sequences and the
/// invisible characters that reorder or hide text (bidi overrides, zero
/// widths: Trojan Source) become visible escapes (`\n`, `\u{1b}`,
/// `\u{202e}`), so a hostile backup can neither drive the terminal nor
/// disguise a name.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(crate::value::needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::value::needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A simple left-aligned table with right-aligned numeric columns.
pub(crate) struct TextTable {
    headers: Vec<&'static str>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl TextTable {
    pub fn new(headers: Vec<&'static str>, numeric: Vec<bool>) -> Self {
        TextTable {
            headers,
            numeric,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub fn render(&self) -> String {
        let width = |i: usize| {
            self.rows
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain(std::iter::once(self.headers[i].len()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.headers.len()).map(width).collect();
        let line = |cells: Vec<&str>| {
            let mut s = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let pad = widths[i].saturating_sub(cell.chars().count());
                if self.numeric[i] {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(pad));
                }
            }
            s.trim_end().to_string()
        };
        let mut out = line(self.headers.clone());
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r.iter().map(String::as_str).collect()));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(visible("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(visible("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn escapes_characters_that_reorder_or_hide_text() {
        // A table named to look like another (Trojan Source).
        assert_eq!(visible("users\u{202e}txt.exe"), "users\\u{202e}txt.exe");
        assert_eq!(visible("a\u{200b}b"), "a\\u{200b}b");
        assert_eq!(visible("\u{feff}id"), "\\u{feff}id");
    }
}
