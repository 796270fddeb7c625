//! Finding things in the console: fuzzy matching (skim's V2 algorithm, case
//! ignored: "ToeTheLine" also finds the slug `toetheline`; camel-case and
//! word-start bonuses still rank the exact spelling first) over table names
//! and palette commands ([`rank`]), over the row values of one table
//! ([`RowSearch`]), across tables held in memory ([`AllTablesSearch`]) and
//! across a whole backup streamed from disk ([`search_backup`], the one
//! part that does I/O). Rows are read as raw value texts ([`SearchRow`]) by
//! index ([`RowSource`]), so a table packed in a text arena is searched
//! without building `Cell`s or a `Vec` of rows.
//!
//! **Untrusted text.** Matching runs on a value's raw text, but everything
//! returned for display is relative to the text after
//! [`crate::report::visible`] (control characters as `\n`, `\u{1b}`...):
//! every `positions` vector in this module holds *char* indices into that
//! visible text (for [`RowHit`], into its already-visible `snippet`). A matched
//! character that is shown as an escape has every char of the escape listed.
//!
//! **Large tables.** A row search never runs to the end on its own:
//! [`RowSearch::search_chunk`] scans at most `budget_rows` rows and returns,
//! so the caller scans a slice per frame and the UI stays responsive. Only
//! the best `cap` rows are kept (a bounded heap), and match positions are
//! computed only for those, when [`RowSearch::hits`] is called.

mod backup;
mod source;
#[cfg(test)]
mod tests;

pub use backup::{search_backup, BackupHit, BackupSearchProgress, PROGRESS_EVERY_ROWS};
pub use source::{rows_fn, RowSource, RowsFn, SearchRow};

use crate::report::visible;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Above this many score-matrix cells (pattern chars × value chars) the
/// matcher falls back to its linear greedy match, so one huge value (a
/// megabyte of JSON) cannot stall a frame or allocate a huge matrix.
const ELEMENT_LIMIT: usize = 1 << 18;

/// Visible chars of a cell shown around the match in [`RowHit::snippet`]
/// (plus an ellipsis at either end when the value is cut).
pub const SNIPPET_CHARS: usize = 120;

/// Visible chars kept before the first matched char when a snippet is cut.
const SNIPPET_LEAD: usize = 16;

/// Results a row search keeps unless told otherwise.
pub const DEFAULT_CAP: usize = 500;

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default()
        .ignore_case()
        .element_limit(ELEMENT_LIMIT)
}

/// One matched candidate of [`rank`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The index the candidate came with.
    pub index: usize,
    /// Higher is better; 0 for every candidate of an empty query.
    pub score: i64,
    /// Char indices into `report::visible(candidate)` to highlight.
    pub positions: Vec<usize>,
}

/// Fuzzy-rank `candidates` against `query`: the ones that match, best score
/// first, equal scores by ascending index (so the order is deterministic).
/// An empty query returns every candidate, in the order given, score 0.
/// Positions are char indices into `report::visible(candidate)`.
pub fn rank<'a>(query: &str, candidates: impl IntoIterator<Item = (usize, &'a str)>) -> Vec<Hit> {
    if query.is_empty() {
        return candidates
            .into_iter()
            .map(|(index, _)| Hit {
                index,
                score: 0,
                positions: Vec::new(),
            })
            .collect();
    }
    let m = matcher();
    let mut hits: Vec<Hit> = candidates
        .into_iter()
        .filter_map(|(index, text)| {
            let (score, raw) = m.fuzzy_indices(text, query)?;
            Some(Hit {
                index,
                score,
                positions: visible_positions(text, &raw),
            })
        })
        .collect();
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    hits
}

/// [`rank`] over a list of names: table names in the tables view, command
/// titles in the `:` palette. `Hit::index` is the position in `items`.
pub fn rank_names<S: AsRef<str>>(query: &str, items: &[S]) -> Vec<Hit> {
    rank(query, items.iter().map(AsRef::as_ref).enumerate())
}

/// Raw char positions of `text` → char positions in `visible(text)`, each
/// escaped char expanded to every char of its escape. `raw` ascending.
fn visible_positions(text: &str, raw: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(raw.len());
    let mut want = raw.iter().copied().peekable();
    let mut shown = 0usize;
    for (i, c) in text.chars().enumerate() {
        let Some(&next) = want.peek() else { break };
        let width = visible_width(c);
        if next == i {
            out.extend(shown..shown + width);
            want.next();
        }
        shown += width;
    }
    out
}

/// How many chars `visible` turns `c` into (it works char by char).
fn visible_width(c: char) -> usize {
    if c.is_control() {
        let mut buf = [0u8; 4];
        visible(c.encode_utf8(&mut buf)).chars().count()
    } else {
        1
    }
}

/// How far a search has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Rows scanned so far.
    pub scanned: usize,
    /// Rows to scan in all.
    pub total: usize,
    /// Rows that matched so far (may exceed the hits kept).
    pub matched: usize,
    /// Nothing left to scan.
    pub done: bool,
}

/// One row found by a row search: its best-matching cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowHit {
    pub row: usize,
    pub column: usize,
    /// Higher is better (the scan's score for that cell).
    pub score: i64,
    /// The cell's text made visible (`report::visible`), cut to about
    /// [`SNIPPET_CHARS`] chars around the match with `…` at a cut end.
    /// Safe to draw as is.
    pub snippet: String,
    /// Char indices into `snippet` to highlight (matched chars outside the
    /// snippet are left out).
    pub positions: Vec<usize>,
}

/// Ordering key of a kept hit: greater is better (higher score, then lower
/// row, then lower column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ranked {
    score: i64,
    row: usize,
    column: usize,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .cmp(&other.score)
            .then(other.row.cmp(&self.row))
            .then(other.column.cmp(&self.column))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An incremental fuzzy search over the rows of one table: a row matches when
/// any of its cells does (NULL and absent cells never do); each row counts
/// once, with its best cell (ties → leftmost column). Keeps the best `cap`
/// rows. An empty query matches nothing and is done at once (the table view
/// shows every row when there is no query).
///
/// The rows are not held: pass the same rows to every call (state and data
/// stay apart, so this fits in the console state). Build a new search when
/// the query or the rows change.
#[derive(Clone, Debug)]
pub struct RowSearch {
    query: String,
    cap: usize,
    next_row: usize,
    total: usize,
    matched: usize,
    /// Min-heap of the best `cap` rows: the top is the worst kept.
    kept: BinaryHeap<Reverse<Ranked>>,
}

impl RowSearch {
    /// A search for `query` over `total_rows` rows, keeping the best `cap`.
    pub fn new(query: &str, total_rows: usize, cap: usize) -> RowSearch {
        RowSearch {
            query: query.to_owned(),
            cap,
            next_row: 0,
            total: if query.is_empty() || cap == 0 {
                0
            } else {
                total_rows
            },
            matched: 0,
            kept: BinaryHeap::with_capacity(cap.min(4096)),
        }
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn progress(&self) -> Progress {
        Progress {
            scanned: self.next_row,
            total: self.total,
            matched: self.matched,
            done: self.next_row >= self.total,
        }
    }

    /// Scan up to `budget_rows` more rows of `rows` (the same rows each call;
    /// a source shorter than announced ends the scan at its end).
    pub fn search_chunk<S: RowSource + ?Sized>(
        &mut self,
        rows: &S,
        budget_rows: usize,
    ) -> Progress {
        self.total = self.total.min(rows.len());
        let end = self.next_row.saturating_add(budget_rows).min(self.total);
        if self.next_row < end {
            let m = matcher();
            for row in self.next_row..end {
                if let Some((score, column)) = best_cell(&m, &rows.row(row), &self.query) {
                    self.matched += 1;
                    self.keep(Ranked { score, row, column });
                }
            }
            self.next_row = end;
        }
        self.progress()
    }

    /// Scan everything that is left.
    pub fn run<S: RowSource + ?Sized>(&mut self, rows: &S) -> Progress {
        self.search_chunk(rows, usize::MAX)
    }

    /// The source has no more rows: the scan is done where it stands.
    fn end_here(&mut self) -> Progress {
        self.total = self.next_row;
        self.progress()
    }

    fn keep(&mut self, hit: Ranked) {
        if self.kept.len() < self.cap {
            self.kept.push(Reverse(hit));
        } else if let Some(mut worst) = self.kept.peek_mut() {
            if hit > worst.0 {
                *worst = Reverse(hit);
            }
        }
    }

    /// The rows kept so far, best first, with snippets and positions
    /// (computed here, only for the kept rows). Usable mid-scan.
    pub fn hits<S: RowSource + ?Sized>(&self, rows: &S) -> Vec<RowHit> {
        let mut ranked: Vec<Ranked> = self.kept.iter().map(|r| r.0).collect();
        ranked.sort_by(|a, b| b.cmp(a));
        let m = matcher();
        ranked
            .into_iter()
            .filter(|r| r.row < rows.len())
            .filter_map(|r| {
                let text = rows.row(r.row).text(r.column)?.into_owned();
                let (snippet, positions) = snippet_of(&m, &text, &self.query);
                Some(RowHit {
                    row: r.row,
                    column: r.column,
                    score: r.score,
                    snippet,
                    positions,
                })
            })
            .collect()
    }
}

/// The best-scoring cell of a row: (score, column), leftmost on ties.
fn best_cell<R: SearchRow + ?Sized>(
    m: &SkimMatcherV2,
    row: &R,
    query: &str,
) -> Option<(i64, usize)> {
    let mut best: Option<(i64, usize)> = None;
    for column in 0..row.cell_count() {
        let Some(text) = row.text(column) else {
            continue;
        };
        if let Some(score) = score_cell(m, &text, query) {
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, column));
            }
        }
    }
    best
}

/// The matcher's score for one cell. Most cells fail a cheap check first:
/// `query` is not a subsequence of the text (ASCII letters compared without
/// case), which rejects exactly the texts the matcher itself would reject.
fn score_cell(m: &SkimMatcherV2, text: &str, query: &str) -> Option<i64> {
    if !is_subsequence(text, query) {
        return None;
    }
    m.fuzzy_match(text, query)
}

/// The matcher's own acceptance test (greedy, `char::eq_ignore_ascii_case`),
/// on bytes when the query is ASCII: a UTF-8 byte of a non-ASCII char is
/// never equal to an ASCII byte, so the answer is the same. Each query byte
/// is looked for with `memchr` (both cases of a letter), so a text is
/// rejected at SIMD speed rather than a byte at a time.
fn is_subsequence(text: &str, query: &str) -> bool {
    if query.is_ascii() {
        let mut rest = text.as_bytes();
        for &q in query.as_bytes() {
            let found = if q.is_ascii_alphabetic() {
                memchr::memchr2(q.to_ascii_lowercase(), q.to_ascii_uppercase(), rest)
            } else {
                memchr::memchr(q, rest)
            };
            match found {
                Some(i) => rest = &rest[i + 1..],
                None => return false,
            }
        }
        true
    } else {
        let mut q = query.chars().peekable();
        for c in text.chars() {
            match q.peek() {
                Some(p) if p.eq_ignore_ascii_case(&c) => {
                    q.next();
                }
                Some(_) => {}
                None => break,
            }
        }
        q.peek().is_none()
    }
}

/// The snippet and highlight positions of a matched value's raw `text`.
fn snippet_of(m: &SkimMatcherV2, text: &str, query: &str) -> (String, Vec<usize>) {
    let raw = m
        .fuzzy_indices(text, query)
        .map(|(_, p)| p)
        .unwrap_or_default();
    snippet(text, &raw)
}

/// `visible(text)` cut to about [`SNIPPET_CHARS`] chars from a little before
/// the first matched char, and the matched raw positions as positions in it.
fn snippet(text: &str, raw: &[usize]) -> (String, Vec<usize>) {
    let shown = visible(text);
    let all = visible_positions(text, raw);
    let len = shown.chars().count();
    if len <= SNIPPET_CHARS {
        return (shown.into_owned(), all);
    }
    let first = all.first().copied().unwrap_or(0);
    let start = first.saturating_sub(SNIPPET_LEAD).min(len - SNIPPET_CHARS);
    let end = start + SNIPPET_CHARS;
    let lead = usize::from(start > 0);
    let mut out = String::with_capacity(SNIPPET_CHARS * 2);
    if start > 0 {
        out.push('…');
    }
    out.extend(shown.chars().skip(start).take(SNIPPET_CHARS));
    if end < len {
        out.push('…');
    }
    let positions = all
        .into_iter()
        .filter(|&p| p >= start && p < end)
        .map(|p| p - start + lead)
        .collect();
    (out, positions)
}

/// One row found by [`AllTablesSearch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableHit {
    /// Index of the table in the list given to the search.
    pub table: usize,
    /// The table's name made visible (`report::visible`).
    pub table_name: String,
    pub hit: RowHit,
}

/// A row search over several tables at once ("ToeTheLine" finds the project
/// row wherever it is): tables scanned in the order given, one budget shared
/// across them, the best `cap` rows overall returned, best score first, ties
/// by table order, then row, then column. Pass the same tables to every call.
#[derive(Clone, Debug)]
pub struct AllTablesSearch {
    searches: Vec<RowSearch>,
    current: usize,
    cap: usize,
}

impl AllTablesSearch {
    /// `table_rows[i]`: how many rows table `i` has.
    pub fn new(query: &str, table_rows: &[usize], cap: usize) -> AllTablesSearch {
        AllTablesSearch {
            searches: table_rows
                .iter()
                .map(|&n| RowSearch::new(query, n, cap))
                .collect(),
            current: 0,
            cap,
        }
    }

    /// Progress summed over all tables.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            scanned: 0,
            total: 0,
            matched: 0,
            done: true,
        };
        for s in &self.searches {
            let q = s.progress();
            p.scanned += q.scanned;
            p.total += q.total;
            p.matched += q.matched;
            p.done &= q.done;
        }
        p
    }

    /// Scan up to `budget_rows` more rows, across table boundaries.
    /// `tables[i]` is (name, rows) of the table counted in `new`'s `table_rows[i]`.
    pub fn search_chunk<S: RowSource + ?Sized>(
        &mut self,
        tables: &[(&str, &S)],
        budget_rows: usize,
    ) -> Progress {
        let mut budget = budget_rows;
        while budget > 0 && self.current < self.searches.len() {
            let Some(search) = self.searches.get_mut(self.current) else {
                break;
            };
            let before = search.progress().scanned;
            let after = match tables.get(self.current) {
                Some(&(_, rows)) => search.search_chunk(rows, budget),
                // A table not passed has no rows: its search ends here.
                None => search.end_here(),
            };
            budget -= after.scanned - before;
            if after.done {
                self.current += 1;
            }
        }
        self.progress()
    }

    /// Scan everything that is left.
    pub fn run<S: RowSource + ?Sized>(&mut self, tables: &[(&str, &S)]) -> Progress {
        self.search_chunk(tables, usize::MAX)
    }

    /// The best rows found so far across the tables, best first.
    pub fn hits<S: RowSource + ?Sized>(&self, tables: &[(&str, &S)]) -> Vec<TableHit> {
        let mut all: Vec<TableHit> = Vec::new();
        for (table, search) in self.searches.iter().enumerate() {
            let Some(&(name, rows)) = tables.get(table) else {
                continue;
            };
            let table_name = visible(name).into_owned();
            all.extend(search.hits(rows).into_iter().map(|hit| TableHit {
                table,
                table_name: table_name.clone(),
                hit,
            }));
        }
        all.sort_by(|a, b| {
            b.hit
                .score
                .cmp(&a.hit.score)
                .then(a.table.cmp(&b.table))
                .then(a.hit.row.cmp(&b.hit.row))
                .then(a.hit.column.cmp(&b.hit.column))
        });
        all.truncate(self.cap);
        all
    }
}

/// One-shot search across tables: [`AllTablesSearch`] run to the end.
pub fn search_all_tables<S: RowSource + ?Sized>(
    query: &str,
    tables: &[(&str, &S)],
    cap: usize,
) -> Vec<TableHit> {
    let counts: Vec<usize> = tables.iter().map(|t| t.1.len()).collect();
    let mut search = AllTablesSearch::new(query, &counts, cap);
    search.run(tables);
    search.hits(tables)
}
