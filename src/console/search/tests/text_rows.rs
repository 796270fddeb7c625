//! Rows held as text (the console's packed arenas) search exactly like rows
//! of cells.

use super::*;

/// A table packed the way the console's table view holds it: one string,
/// and per cell a byte range into it (`None` = NULL). No `Cell`s.
struct Arena {
    text: String,
    columns: usize,
    cells: Vec<Option<(usize, usize)>>,
}

impl Arena {
    fn pack(rows: &[Vec<Option<Cell>>], columns: usize) -> Arena {
        let mut arena = Arena {
            text: String::new(),
            columns,
            cells: Vec::new(),
        };
        for row in rows {
            for c in 0..columns {
                arena.cells.push(match row.get(c).cloned().flatten() {
                    None | Some(Cell::Null) => None,
                    Some(cell) => {
                        let start = arena.text.len();
                        arena.text.push_str(&raw_text(&cell));
                        Some((start, arena.text.len()))
                    }
                });
            }
        }
        arena
    }

    fn len(&self) -> usize {
        self.cells.len() / self.columns
    }

    fn entry(&self, row: usize) -> Entry<'_> {
        Entry { arena: self, row }
    }
}

/// Row `row` of an [`Arena`], borrowed.
struct Entry<'a> {
    arena: &'a Arena,
    row: usize,
}

impl SearchRow for Entry<'_> {
    fn cell_count(&self) -> usize {
        self.arena.columns
    }
    fn text(&self, column: usize) -> Option<std::borrow::Cow<'_, str>> {
        let (start, end) = (*self
            .arena
            .cells
            .get(self.row * self.arena.columns + column)?)?;
        Some(self.arena.text[start..end].into())
    }
}

#[test]
fn text_arena_rows_search_like_cell_rows() {
    let rows = synthetic(
        5000,
        &[(4321, "ToeTheLine \u{1b}[2J"), (77, "toe-the-line")],
    );
    let arena = Arena::pack(&rows, 4);
    assert_eq!(arena.len(), rows.len());
    let source = rows_fn(arena.len(), |i| arena.entry(i));
    for query in ["ToeTheLine", "harbor", "42", "ember via"] {
        let mut cells = RowSearch::new(query, rows.len(), 40);
        cells.run(&rows);
        let mut text = RowSearch::new(query, arena.len(), 40);
        let mut calls = 0;
        while !text.search_chunk(&source, 999).done {
            calls += 1;
        }
        assert_eq!(calls, 5, "{query}");
        assert_eq!(text.progress(), cells.progress(), "{query}");
        let hits = text.hits(&source);
        assert!(!hits.is_empty(), "{query}");
        assert_eq!(hits, cells.hits(&rows), "{query}");
    }
    let mut s = RowSearch::new("ToeTheLine", arena.len(), 5);
    s.run(&source);
    let top = &s.hits(&source)[0];
    assert_eq!((top.row, top.column), (4321, 1));
    assert_eq!(top.snippet, "ToeTheLine \\u{1b}[2J");
}

#[test]
fn a_source_that_shrank_gives_no_hit_past_its_end() {
    let rows = synthetic(100, &[(90, "ToeTheLine")]);
    let mut s = RowSearch::new("ToeTheLine", rows.len(), 5);
    s.run(&rows);
    assert_eq!(s.hits(&rows)[0].row, 90);
    assert!(s.hits(&rows[..50]).iter().all(|h| h.row < 50));
    // A table missing from the list of an all-tables search ends its scan.
    let mut all = AllTablesSearch::new("ToeTheLine", &[100, 100], 5);
    let tables: [(&str, &[Vec<Option<Cell>>]); 1] = [("only", &rows)];
    let p = all.run(&tables);
    assert!(p.done);
    assert_eq!((p.scanned, p.total), (100, 100));
}
