//! The console: live and backup side by side, pick,
//! preview, rehearse, restore — the CLI's library behind a ratatui screen.
//! State and `update` are pure; drawing is a pure function of the state;
//! terminal and database I/O stay at the edge.

pub mod app;
pub mod keymap;
pub mod run;
pub mod search;
pub mod theme;
pub mod view;
mod work;
