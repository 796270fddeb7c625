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
            database: Some("app".into()),
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
    render_at(app, 30)
}

/// Drawn on a terminal `height` rows high (100 wide).
fn render_at(app: &App, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, height)).expect("test backend");
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

fn press(app: &mut App, action: Action) -> Option<Effect> {
    update(app, Msg::Key(Key::action(action)))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .filter_map(|c| {
            update(
                app,
                Msg::Key(Key {
                    action: None,
                    text: TextKey::Char(c),
                }),
            )
        })
        .collect()
}

fn text_key(app: &mut App, key: TextKey) -> Option<Effect> {
    update(
        app,
        Msg::Key(Key {
            action: None,
            text: key,
        }),
    )
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
    press(&mut app, Action::Down);
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
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 8,
        },
    ); // 2 list lines
    press(&mut app, Action::Up);
    assert_eq!(app.list.pos, 0);
    press(&mut app, Action::Bottom);
    assert_eq!((app.list.pos, app.list.offset), (4, 3));
    press(&mut app, Action::Down);
    assert_eq!(app.list.pos, 4);
    press(&mut app, Action::PageUp);
    assert_eq!((app.list.pos, app.list.offset), (2, 2));
}

#[test]
fn opening_a_table_asks_the_edge_for_its_rows_and_back_cancels_a_load() {
    let mut app = demo_app();
    assert_eq!(
        press(&mut app, Action::Open),
        Some(Effect::LoadTable {
            name: "auth_configs".into()
        })
    );
    assert_eq!(app.screen, Screen::Table);
    assert_eq!(press(&mut app, Action::Back), Some(Effect::CancelLoad));
    assert_eq!(app.screen, Screen::Tables);
    assert!(app.table.is_none());
}

#[test]
fn help_is_a_modal_that_q_closes_without_quitting() {
    let mut app = demo_app();
    press(&mut app, Action::Help);
    assert_eq!(app.modal, Some(Modal::Help(0)));
    assert_eq!(press(&mut app, Action::Quit), None);
    assert_eq!(app.modal, None);
    assert_eq!(press(&mut app, Action::Quit), Some(Effect::Quit));
}

#[test]
fn opening_an_empty_list_does_nothing() {
    let mut app = App::new(
        Sides {
            live: None,
            database: None,
            backup: "b".into(),
            backup_time: None,
        },
        Mode::ReadOnly,
    );
    assert_eq!(press(&mut app, Action::Open), None);
    assert_eq!(app.screen, Screen::Tables);
}

#[test]
fn picking_a_table_plans_it_and_unpicking_forgets_the_plan() {
    let mut app = demo_app();
    press(&mut app, Action::Down); // projects
    let effect = press(&mut app, Action::Pick);
    assert_eq!(
        effect,
        Some(Effect::Plan {
            generation: 1,
            picks: vec!["projects".into()],
            exclude_dependents: Default::default(),
            repair: Default::default(),
        })
    );
    assert_eq!(app.plan, PlanState::Planning);
    assert!(app.shows_selection());
    // Excluding a table's dependents plans again, with the exclusion.
    press(&mut app, Action::Down); // violations
    let effect = press(&mut app, Action::ToggleDependents);
    assert_eq!(
        effect,
        Some(Effect::Plan {
            generation: 2,
            picks: vec!["projects".into()],
            exclude_dependents: ["violations".to_owned()].into(),
            repair: Default::default(),
        })
    );
    // A plan for an older generation is ignored.
    update(
        &mut app,
        Msg::Planned {
            generation: 1,
            plan: Arc::new(plan_fixture(true)),
        },
    );
    assert_eq!(app.plan, PlanState::Planning);
    press(&mut app, Action::Up);
    assert_eq!(press(&mut app, Action::Pick), None);
    assert_eq!(app.plan, PlanState::Empty);
    assert!(!app.shows_selection());
}

#[test]
fn esc_on_the_tables_list_cancels_a_plan_in_flight_and_p_plans_again() {
    let mut app = demo_app();
    press(&mut app, Action::Down);
    press(&mut app, Action::Pick);
    assert_eq!(press(&mut app, Action::Back), Some(Effect::CancelPlan));
    assert!(matches!(app.plan, PlanState::Failed(_)));
    // The cancelled plan's answer, if it still comes, is dropped.
    update(
        &mut app,
        Msg::Planned {
            generation: 1,
            plan: Arc::new(plan_fixture(true)),
        },
    );
    assert!(matches!(app.plan, PlanState::Failed(_)));
    let again = press(&mut app, Action::Plan);
    assert!(
        matches!(again, Some(Effect::Plan { generation: 3, .. })),
        "{again:?}"
    );
    assert_eq!(app.screen, Screen::Plan);
}

#[test]
fn read_only_refuses_picks_with_a_reason() {
    let mut app = demo_app();
    app.mode = Mode::ReadOnly;
    assert_eq!(press(&mut app, Action::Pick), None);
    assert!(app.picks.is_empty());
    assert!(app
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("read-only")));
}

fn plan_fixture(executable: bool) -> PlanData {
    PlanData {
        summary: crate::restore::summary::PlanSummary {
            target: "postgres://app:***@db.internal/app".into(),
            backup: "backups/b".into(),
            picks: vec!["projects".into()],
            executable,
            rows_to_insert: 3,
            statements: 4,
            ..Default::default()
        },
        explanations: Vec::new(),
        script: executable
            .then(|| Arc::from("BEGIN;\nINSERT INTO \"projects\" VALUES (1);\nCOMMIT;\n")),
    }
}

fn planned_app() -> App {
    let mut app = demo_app();
    press(&mut app, Action::Down);
    press(&mut app, Action::Pick);
    update(
        &mut app,
        Msg::Planned {
            generation: 1,
            plan: Arc::new(plan_fixture(true)),
        },
    );
    app
}

#[test]
fn restore_needs_the_database_name_typed_exactly() {
    let mut app = planned_app();
    assert_eq!(press(&mut app, Action::Restore), None);
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    // The keymap is bypassed while typing: `q` is a letter, not quit.
    assert!(typed(&mut app, "aq").is_empty());
    assert_eq!(text_key(&mut app, TextKey::Enter), None);
    assert_eq!(app.modal, None);
    assert!(app
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("nothing changed")));

    press(&mut app, Action::Restore);
    typed(&mut app, "app");
    assert_eq!(
        text_key(&mut app, TextKey::Enter),
        Some(Effect::Run {
            generation: 1,
            mode: RunMode::Commit
        })
    );
    assert!(matches!(app.modal, Some(Modal::Running(_))));
    // Esc while running asks for a rollback, once.
    assert_eq!(press(&mut app, Action::Back), Some(Effect::CancelRun));
    assert_eq!(press(&mut app, Action::Back), None);
}

#[test]
fn rehearse_runs_at_once_and_a_blocked_plan_refuses() {
    let mut app = planned_app();
    assert_eq!(
        press(&mut app, Action::Rehearse),
        Some(Effect::Run {
            generation: 1,
            mode: RunMode::Rehearse
        })
    );
    let mut blocked = demo_app();
    press(&mut blocked, Action::Down);
    press(&mut blocked, Action::Pick);
    update(
        &mut blocked,
        Msg::Planned {
            generation: 1,
            plan: Arc::new(plan_fixture(false)),
        },
    );
    assert_eq!(press(&mut blocked, Action::Rehearse), None);
    assert_eq!(press(&mut blocked, Action::Restore), None);
    assert_eq!(blocked.modal, None);
    assert!(blocked
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("blocked")));
}

#[test]
fn a_committed_restore_starts_over_from_a_fresh_diff() {
    let mut app = planned_app();
    let effect = update(
        &mut app,
        Msg::RunDone(Outcome {
            mode: RunMode::Commit,
            ok: true,
            committed: true,
            title: "COMMITTED".into(),
            lines: vec![],
            scroll: 0,
        }),
    );
    assert_eq!(effect, Some(Effect::Rediff));
    assert!(app.picks.is_empty() && app.tables.is_empty());
    assert!(matches!(app.modal, Some(Modal::Outcome(_))));
}

#[test]
fn search_ranks_table_names_at_once_and_asks_for_rows() {
    let mut app = demo_app();
    press(&mut app, Action::Search);
    let effects = typed(&mut app, "proj");
    assert_eq!(effects.first(), Some(&Effect::CancelSearch)); // one char: names only
    assert_eq!(
        effects.last(),
        Some(&Effect::Search {
            generation: 5,
            scope: SearchScope::Everywhere,
            query: "proj".into()
        })
    );
    let Some(Modal::Search(s)) = &app.modal else {
        panic!("search box open")
    };
    assert!(matches!(s.results().next(), Some(Found::Table { name, .. }) if name == "projects"));
    // A row found in a table: Enter opens it, focused on that backup line.
    update(
        &mut app,
        Msg::SearchFound {
            generation: 5,
            rows: vec![Found::Row {
                table: "violations".into(),
                line: Some(7),
                entry: None,
                column: "title".into(),
                snippet: "proj".into(),
                positions: vec![0, 1, 2, 3],
            }],
            progress: None,
        },
    );
    text_key(&mut app, TextKey::Down);
    let effect = text_key(&mut app, TextKey::Enter);
    assert_eq!(
        effect,
        Some(Effect::LoadTable {
            name: "violations".into()
        })
    );
    assert_eq!(app.table.as_ref().and_then(|t| t.pending_line), Some(7));
    // Stale results (an older generation) are dropped.
    press(&mut app, Action::Search);
    update(
        &mut app,
        Msg::SearchFound {
            generation: 1,
            rows: vec![],
            progress: Some("old".into()),
        },
    );
    let Some(Modal::Search(s)) = &app.modal else {
        panic!("search box open")
    };
    assert_eq!(s.progress, None);
}

#[test]
fn the_palette_runs_a_command_by_a_fuzzy_name() {
    let mut app = demo_app();
    press(&mut app, Action::Palette);
    typed(&mut app, "help");
    text_key(&mut app, TextKey::Enter);
    assert_eq!(app.modal, Some(Modal::Help(0)));
}

#[test]
fn snapshot_tables_loading() {
    let mut app = demo_app();
    app.list.pos = 1;
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
fn snapshot_help() {
    let mut app = demo_app();
    press(&mut app, Action::Help);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn help_scrolls_when_the_terminal_is_too_short_for_every_key() {
    let mut app = demo_app();
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 20,
        },
    );
    press(&mut app, Action::Help);
    let top = render_at(&app, 20);
    assert!(top.contains("Move up"), "{top}");
    assert!(!top.contains("List every key"), "{top}");
    assert!(top.contains("lines 1–17 of 29"), "{top}");
    press(&mut app, Action::Down);
    assert_eq!(app.modal, Some(Modal::Help(1)));
    press(&mut app, Action::Bottom);
    assert_eq!(app.modal, Some(Modal::Help(12)));
    let bottom = render_at(&app, 20);
    assert!(bottom.contains("List every key"), "{bottom}");
    assert!(!bottom.contains("Move up"), "{bottom}");
    press(&mut app, Action::PageDown);
    assert_eq!(app.modal, Some(Modal::Help(12)), "stops at the end");
    press(&mut app, Action::Back);
    assert_eq!(app.modal, None);
}

#[test]
fn snapshot_confirm() {
    let mut app = planned_app();
    press(&mut app, Action::Restore);
    typed(&mut app, "ap");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_running() {
    let mut app = planned_app();
    press(&mut app, Action::Rehearse);
    update(
        &mut app,
        Msg::RunProgress {
            step: Some((2, 4)),
            phase: "writing: 1000 row(s) so far".into(),
        },
    );
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_outcome_rolled_back() {
    let mut app = planned_app();
    update(
        &mut app,
        Msg::RunDone(Outcome {
            mode: RunMode::Commit,
            ok: false,
            committed: false,
            title: "ROLLED BACK — nothing changed".into(),
            lines: vec![
                "Statement 3 failed: INSERT INTO \"sessions\" (3 rows)".into(),
                "  error: violates check constraint \"sessions_score_check\"".into(),
                "  backup rows in it: sessions.json:2".into(),
            ],
            scroll: 0,
        }),
    );
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_palette() {
    let mut app = demo_app();
    press(&mut app, Action::Palette);
    typed(&mut app, "pln");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_search_everywhere() {
    let mut app = demo_app();
    press(&mut app, Action::Search);
    typed(&mut app, "ToeThe");
    let generation = app.search_generation;
    update(
        &mut app,
        Msg::SearchFound {
            generation,
            rows: vec![Found::Row {
                table: "projects".into(),
                line: Some(4),
                entry: None,
                column: "name".into(),
                snippet: "\"ToeTheLine\\u{1b}[2J\"".into(),
                positions: vec![1, 2, 3, 4, 5, 6],
            }],
            progress: None,
        },
    );
    insta::assert_snapshot!(render(&app));
}

mod folder;
mod health;
mod repair;
mod screens;
