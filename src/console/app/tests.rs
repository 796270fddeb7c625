//! `update` as a pure function, and every screen as an insta snapshot on
//! ratatui's TestBackend (100x30).

use super::*;
use crate::diff::SchemaDiff;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::collections::BTreeMap;

fn table(name: &str, status: TableStatus, missing: u64) -> Box<TableDiff> {
    Box::new(TableDiff {
        name: name.into(),
        status,
        backup_rows: (status != TableStatus::OnlyInLive).then_some(10 + missing),
        live_rows: (status != TableStatus::TableMissing).then_some(10),
        missing,
        changed: u64::from(status == TableStatus::RowsChanged),
        extra: 0,
        identical: 10,
        key: None,
        schema: SchemaDiff::default(),
        changed_columns: BTreeMap::new(),
        incompatible: Vec::new(),
        rows: None,
    })
}

fn demo_app() -> App {
    let mut app = App::new(
        Sides {
            live: Some("postgres://app:***@db.internal/app".into()),
            backup: "backups/migration-2025-07-11T19-46-34-951Z".into(),
            backup_time: Some("2025-07-11T19:46:34.951Z".into()),
        },
        Mode::Live,
    );
    for t in [
        table("violations", TableStatus::RowsMissing, 94),
        table("auth_configs", TableStatus::TableMissing, 5),
        table("vector-sync-status", TableStatus::Identical, 0),
        table("projects", TableStatus::RowsMissing, 2),
        table("users\u{1b}[31m", TableStatus::RowsChanged, 0),
    ] {
        update(&mut app, Msg::TableDiffed(t));
    }
    app
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test backend");
    terminal
        .draw(|f| {
            let theme = crate::console::theme::Theme::load(None, None, false).expect("dark theme");
            let keymap = crate::console::keymap::Keymap::default();
            let look = crate::console::view::Look {
                theme: &theme,
                keymap: &keymap,
            };
            crate::console::view::draw(f, app, look)
        })
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn tables_arrive_in_severity_order_whatever_order_they_come_in() {
    let app = demo_app();
    let names: Vec<&str> = app.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "auth_configs",
            "projects",
            "violations",
            "users\u{1b}[31m",
            "vector-sync-status"
        ]
    );
}

#[test]
fn the_focus_stays_on_its_table_while_others_arrive() {
    let mut app = demo_app();
    update(&mut app, Msg::Intent(Intent::Down));
    assert_eq!(app.focused().map(|t| t.name.as_str()), Some("projects"));
    update(
        &mut app,
        Msg::TableDiffed(table("accounts", TableStatus::TableMissing, 1)),
    );
    assert_eq!(app.focused().map(|t| t.name.as_str()), Some("projects"));
}

#[test]
fn moving_stops_at_the_ends_and_scrolls_the_focus_into_view() {
    let mut app = demo_app();
    update(&mut app, Msg::Resize { rows: 2 });
    update(&mut app, Msg::Intent(Intent::Up));
    assert_eq!(app.cursor, 0);
    update(&mut app, Msg::Intent(Intent::Bottom));
    assert_eq!((app.cursor, app.offset), (4, 3));
    update(&mut app, Msg::Intent(Intent::Down));
    assert_eq!(app.cursor, 4);
    update(&mut app, Msg::Intent(Intent::PageUp));
    assert_eq!((app.cursor, app.offset), (2, 2));
}

#[test]
fn open_back_help_and_quit() {
    let mut app = demo_app();
    assert_eq!(update(&mut app, Msg::Intent(Intent::Open)), None);
    assert_eq!(app.screen, Screen::Table(0));
    update(&mut app, Msg::Intent(Intent::Back));
    assert_eq!(app.screen, Screen::Tables);
    update(&mut app, Msg::Intent(Intent::Help));
    assert!(app.help);
    // In help, q closes help rather than quitting.
    assert_eq!(update(&mut app, Msg::Intent(Intent::Quit)), None);
    assert!(!app.help);
    assert_eq!(
        update(&mut app, Msg::Intent(Intent::Quit)),
        Some(Effect::Quit)
    );
}

#[test]
fn opening_an_empty_list_does_nothing() {
    let mut app = App::new(
        Sides {
            live: None,
            backup: "b".into(),
            backup_time: None,
        },
        Mode::ReadOnly,
    );
    update(&mut app, Msg::Intent(Intent::Open));
    assert_eq!(app.screen, Screen::Tables);
}

#[test]
fn snapshot_tables_loading() {
    let mut app = demo_app();
    app.cursor = 1;
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_tables_loaded_read_only() {
    let mut app = demo_app();
    app.mode = Mode::ReadOnly;
    app.sides.live = None;
    update(&mut app, Msg::DiffDone { total: 5 });
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_table_summary() {
    let mut app = demo_app();
    app.tables[0].schema.missing_columns = vec!["notes".into()];
    update(&mut app, Msg::Intent(Intent::Open));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_help() {
    let mut app = demo_app();
    update(&mut app, Msg::Intent(Intent::Help));
    insta::assert_snapshot!(render(&app));
}
