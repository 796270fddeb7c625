//! SQL highlighting for the plan preview, line by line. A restore script
//! can hold hundreds of thousands of lines, so [`SqlLines`] indexes it once
//! (where each line starts, and whether it starts inside a string literal
//! or a comment: SQLite literals can hold raw newlines) and only the lines
//! on screen are ever coloured. Keywords are sqlparser's own list.

use crate::console::theme::{Role, Theme};
use crate::report::visible;
use ratatui::text::{Line, Span};
use sqlparser::keywords::ALL_KEYWORDS;

/// Where the lexer is at a line boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexState {
    Code,
    /// Inside `'…'`; `escapes` for PostgreSQL's `E'…'` (backslash escapes).
    String {
        escapes: bool,
    },
    /// Inside `"…"`.
    Ident,
    /// Inside `/* … */`.
    Comment,
}

/// A script, indexed by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlLines {
    /// Byte offset where each line starts (one more entry: the end).
    starts: Vec<usize>,
    states: Vec<LexState>,
}

impl SqlLines {
    /// One pass over the script.
    pub fn index(script: &str) -> SqlLines {
        let b = script.as_bytes();
        let mut starts = vec![0];
        let mut states = vec![LexState::Code];
        let mut state = LexState::Code;
        let mut line_comment = false;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            // Bytes this step consumes (2 for escapes and doubled quotes).
            let mut step = 1;
            match state {
                _ if line_comment => line_comment = c != b'\n',
                LexState::Code => match c {
                    b'\'' => {
                        let escapes =
                            i > 0 && matches!(b[i - 1], b'E' | b'e') && !word_byte(b, i - 1);
                        state = LexState::String { escapes };
                    }
                    b'"' => state = LexState::Ident,
                    b'-' if b.get(i + 1) == Some(&b'-') => line_comment = true,
                    b'/' if b.get(i + 1) == Some(&b'*') => {
                        state = LexState::Comment;
                        step = 2;
                    }
                    _ => {}
                },
                LexState::String { escapes } => match c {
                    b'\\' if escapes => step = 2,
                    b'\'' if b.get(i + 1) == Some(&b'\'') => step = 2,
                    b'\'' => state = LexState::Code,
                    _ => {}
                },
                LexState::Ident => match c {
                    b'"' if b.get(i + 1) == Some(&b'"') => step = 2,
                    b'"' => state = LexState::Code,
                    _ => {}
                },
                LexState::Comment => {
                    if c == b'*' && b.get(i + 1) == Some(&b'/') {
                        state = LexState::Code;
                        step = 2;
                    }
                }
            }
            let end = (i + step).min(b.len());
            for k in i..end {
                if b[k] == b'\n' && k + 1 < b.len() {
                    starts.push(k + 1);
                    states.push(state);
                }
            }
            i = end;
        }
        starts.push(b.len() + 1);
        SqlLines { starts, states }
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// Line `n` of `script` (the one this index was built from), without its newline.
    pub fn line<'s>(&self, script: &'s str, n: usize) -> &'s str {
        let (Some(&start), Some(&next)) = (self.starts.get(n), self.starts.get(n + 1)) else {
            return "";
        };
        let end = (next - 1).min(script.len());
        script
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\r', '\n'])
    }

    /// Line `n`, coloured by the theme's SQL roles; escaped for the terminal.
    pub fn highlight(&self, script: &str, n: usize, theme: &Theme) -> Line<'static> {
        let state = self.states.get(n).copied().unwrap_or(LexState::Code);
        let spans = tokens(self.line(script, n), state)
            .into_iter()
            .map(|(role, text)| Span::styled(visible(text).into_owned(), theme.style(role)))
            .collect::<Vec<_>>();
        Line::from(spans)
    }
}

/// Whether `b[i]` is part of a word (so `E'` is not the tail of `TABLE'`).
fn word_byte(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// One line cut into runs, each with its role. Pure.
pub fn tokens(line: &str, start: LexState) -> Vec<(Role, &str)> {
    let b = line.as_bytes();
    let mut out: Vec<(Role, &str)> = Vec::new();
    let mut i = 0;
    let mut state = start;
    while i < b.len() {
        let from = i;
        let role = match state {
            LexState::String { escapes } => {
                i = string_end(b, i, escapes, b'\'');
                state = LexState::Code;
                Role::SqlString
            }
            LexState::Ident => {
                i = string_end(b, i, false, b'"');
                state = LexState::Code;
                Role::Text
            }
            LexState::Comment => {
                i = match line[i..].find("*/") {
                    Some(at) => i + at + 2,
                    None => b.len(),
                };
                state = LexState::Code;
                Role::SqlComment
            }
            LexState::Code => {
                let c = b[i];
                if c == b'-' && b.get(i + 1) == Some(&b'-') {
                    i = b.len();
                    Role::SqlComment
                } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
                    state = LexState::Comment;
                    i += 2;
                    continue_comment(&mut out, line, from, &mut i, &mut state);
                    continue;
                } else if c == b'\'' {
                    let escapes = i > 0 && matches!(b[i - 1], b'E' | b'e') && !word_byte(b, i - 1);
                    i = string_end(b, i + 1, escapes, b'\'');
                    Role::SqlString
                } else if c == b'"' {
                    i = string_end(b, i + 1, false, b'"');
                    Role::Text
                } else if c.is_ascii_digit() {
                    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                        i += 1;
                    }
                    Role::SqlNumber
                } else if c.is_ascii_alphabetic() || c == b'_' {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                    // E'…': the E belongs to the string that follows.
                    if b.get(i) == Some(&b'\'') && i - from == 1 && matches!(c, b'E' | b'e') {
                        i = string_end(b, i + 1, true, b'\'');
                        Role::SqlString
                    } else if is_keyword(&line[from..i]) {
                        Role::SqlKeyword
                    } else {
                        Role::Text
                    }
                } else {
                    // Punctuation and anything else, one char at a time.
                    i += line[i..].chars().next().map_or(1, char::len_utf8);
                    Role::Text
                }
            }
        };
        push(&mut out, role, &line[from..i]);
    }
    out
}

/// A `/* … */` opened at `from`; `i` is just past the `/*`.
fn continue_comment<'a>(
    out: &mut Vec<(Role, &'a str)>,
    line: &'a str,
    from: usize,
    i: &mut usize,
    state: &mut LexState,
) {
    match line[*i..].find("*/") {
        Some(at) => {
            *i += at + 2;
            *state = LexState::Code;
        }
        None => *i = line.len(),
    }
    push(out, Role::SqlComment, &line[from..*i]);
}

/// Past the closing `quote` from `i` (inside the literal), or the line's end.
fn string_end(b: &[u8], mut i: usize, escapes: bool, quote: u8) -> usize {
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

fn push<'a>(out: &mut Vec<(Role, &'a str)>, role: Role, text: &'a str) {
    if text.is_empty() {
        return;
    }
    out.push((role, text));
}

fn is_keyword(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    ALL_KEYWORDS.binary_search(&upper.as_str()).is_ok()
}

#[cfg(test)]
mod tests;
