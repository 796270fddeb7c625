//! A focused line in a scrolling list: the tables, a table's rows, search
//! results, palette commands. Pure arithmetic, shared by every list.

/// Which line has the focus and which line is shown first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub pos: usize,
    pub offset: usize,
}

/// A move the operator asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

impl Cursor {
    /// Apply `m` in a list of `len` lines showing `rows` at a time.
    pub fn apply(&mut self, m: Move, len: usize, rows: usize) {
        let last = len.saturating_sub(1);
        let page = rows.max(1);
        self.pos = match m {
            Move::Up => self.pos.saturating_sub(1),
            Move::Down => (self.pos + 1).min(last),
            Move::PageUp => self.pos.saturating_sub(page),
            Move::PageDown => (self.pos + page).min(last),
            Move::Top => 0,
            Move::Bottom => last,
        };
        self.keep_in_view(len, rows);
    }

    /// Focus line `pos` (clamped) and scroll it into view.
    pub fn focus(&mut self, pos: usize, len: usize, rows: usize) {
        self.pos = pos.min(len.saturating_sub(1));
        self.keep_in_view(len, rows);
    }

    /// The first line to draw in a window `rows` high: the stored offset,
    /// moved just enough that the focus is inside (the update pages by an
    /// estimate of the height; the view knows the real one).
    pub fn window_start(&self, rows: usize) -> usize {
        let rows = rows.max(1);
        if self.pos < self.offset {
            self.pos
        } else if self.pos >= self.offset + rows {
            self.pos + 1 - rows
        } else {
            self.offset
        }
    }

    /// Scroll so the focused line is visible and no space is wasted below the end.
    pub fn keep_in_view(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        self.pos = self.pos.min(len.saturating_sub(1));
        if self.pos < self.offset {
            self.offset = self.pos;
        } else if self.pos >= self.offset + rows {
            self.offset = self.pos + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stop_at_the_ends_and_keep_the_focus_visible() {
        let mut c = Cursor::default();
        c.apply(Move::Up, 10, 3);
        assert_eq!(c, Cursor { pos: 0, offset: 0 });
        c.apply(Move::Bottom, 10, 3);
        assert_eq!(c, Cursor { pos: 9, offset: 7 });
        c.apply(Move::Down, 10, 3);
        assert_eq!(c.pos, 9);
        c.apply(Move::PageUp, 10, 3);
        assert_eq!(c, Cursor { pos: 6, offset: 6 });
        c.apply(Move::Top, 10, 3);
        assert_eq!(c, Cursor { pos: 0, offset: 0 });
    }

    #[test]
    fn the_window_always_holds_the_focus() {
        assert_eq!(Cursor { pos: 9, offset: 0 }.window_start(4), 6);
        assert_eq!(Cursor { pos: 2, offset: 5 }.window_start(4), 2);
        assert_eq!(Cursor { pos: 6, offset: 5 }.window_start(4), 5);
        assert_eq!(Cursor { pos: 3, offset: 0 }.window_start(0), 3);
    }

    #[test]
    fn an_empty_list_keeps_the_cursor_at_zero() {
        let mut c = Cursor { pos: 4, offset: 2 };
        c.apply(Move::Down, 0, 5);
        assert_eq!(c, Cursor::default());
    }
}
