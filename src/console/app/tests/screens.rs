//! Snapshots of the screens that show real rows and a real plan: built from
//! the bundled demo (its SQLite database and backup) through the same
//! library calls the console's edge makes, then drawn on a TestBackend.

use super::*;
use crate::backup::Backup;
use crate::browse::load_table_rows;
use crate::console::app::table_view::Rows;
use crate::console::view::selection::Focus;
use crate::live::{DbUrl, LiveDb, LiveOptions};
use crate::restore::pick::parse_pick;
use crate::restore::script::ScriptOptions;
use crate::restore::selection::SelectOptions;
use crate::restore::summary::explain;
use std::sync::atomic::AtomicBool;

/// The demo's projects table and a plan picking ToeTheLine, as the edge
/// would deliver them.
pub(super) struct Demo {
    pub(super) dir: tempfile::TempDir,
    rows: Rows,
    plan: Arc<PlanData>,
}

pub(super) const TOETHELINE: &str = "projects:id=6bcfc45d-6b85-47db-942b-08bf220127f3";

/// The bundled demo built in a new temporary directory named `prefix...`:
/// its live SQLite database connected, its backup opened.
pub(super) async fn demo_sides(prefix: &str) -> (tempfile::TempDir, LiveDb, Backup) {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("tempdir");
    let demo = crate::demo::build(dir.path()).await.expect("demo");
    let url = DbUrl::parse(&demo.live_db.display().to_string()).expect("url");
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("live");
    let backup = Backup::open(&demo.backup_dir).expect("backup");
    (dir, live, backup)
}

pub(super) fn demo() -> Demo {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (dir, live, backup) = demo_sides("lbdemo").await;
        let rows = load_table_rows(
            Some(&live),
            &backup,
            "projects",
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .expect("rows");
        let picks = vec![parse_pick(TOETHELINE).expect("pick")];
        let prepared = crate::restore::prepare(
            &live,
            &backup,
            &picks,
            SelectOptions::default(),
            &ScriptOptions::default(),
        )
        .await
        .expect("plan");
        let plan = PlanData {
            summary: prepared.summary.clone(),
            explanations: explain(&prepared.selection),
            script: prepared.scripts.as_ref().map(|s| s.script.text().into()),
        };
        Demo {
            dir,
            rows: Rows(Arc::new(rows)),
            plan: Arc::new(plan),
        }
    })
}

/// Rendered, with the demo's temporary path (the only thing that differs
/// between runs) replaced by a same-length stand-in so layouts stay put.
pub(super) fn render_demo(app: &App, demo: &Demo) -> String {
    let path = demo.dir.path().display().to_string();
    let stand_in: String = "/tmp/lbdemo"
        .chars()
        .chain(std::iter::repeat('#'))
        .take(path.chars().count())
        .collect();
    render(app).replace(&path, &stand_in)
}

/// The demo app with projects open, its rows in, the focus on ToeTheLine.
pub(super) fn projects_open(demo: &Demo) -> App {
    let mut app = demo_app();
    app.sides.live = Some("/tmp/demo/live.db".into());
    app.sides.database = Some("live.db".into());
    press(&mut app, Action::Down);
    assert_eq!(
        press(&mut app, Action::Open),
        Some(Effect::LoadTable {
            name: "projects".into()
        })
    );
    update(
        &mut app,
        Msg::TableLoading {
            name: "projects".into(),
            rows: 3,
        },
    );
    update(
        &mut app,
        Msg::TableLoaded {
            name: "projects".into(),
            rows: demo.rows.clone(),
        },
    );
    let page = app.table_page();
    if let Some(t) = app.table.as_mut() {
        t.focus_line(74, page);
    }
    app
}

/// The edge's answer to the plan the last pick asked for.
fn deliver_plan(app: &mut App, demo: &Demo) {
    let generation = app.plan_generation;
    update(
        app,
        Msg::Planned {
            generation,
            plan: demo.plan.clone(),
        },
    );
}

#[test]
fn table_rows_and_the_focused_row_side_by_side() {
    let demo = demo();
    let mut app = projects_open(&demo);
    let entry = app.table.as_ref().and_then(|t| t.focused_entry());
    assert_eq!(entry, demo.rows.0.find_line(74));
    insta::assert_snapshot!(render_demo(&app, &demo));
    // The filter keeps the focus on its row when the row passes it.
    press(&mut app, Action::ToggleFilter);
    let t = app.table.as_ref().expect("table open");
    assert_eq!(t.len(), 2, "two projects are missing live");
    assert_eq!(t.focused_entry(), entry);
}

#[test]
fn the_schema_tab_shows_column_drift() {
    let demo = demo();
    let mut app = projects_open(&demo);
    app.tables[1].schema.missing_columns = vec!["budget".into(), "notes".into()];
    press(&mut app, Action::NextPane);
    insta::assert_snapshot!(render_demo(&app, &demo));
}

#[test]
fn picking_a_row_shows_the_selection_and_why() {
    let demo = demo();
    let mut app = projects_open(&demo);
    let effect = press(&mut app, Action::Pick);
    let Some(Effect::Plan { picks, .. }) = effect else {
        panic!("a pick plans: {effect:?}")
    };
    assert_eq!(picks, [TOETHELINE]);
    deliver_plan(&mut app, &demo);
    // Into the Selection pane (Rows → Schema → Selection), open projects,
    // then its row, to read the chain.
    press(&mut app, Action::NextPane);
    press(&mut app, Action::NextPane);
    assert_eq!(app.pane, Pane::Selection);
    press(&mut app, Action::Open);
    press(&mut app, Action::Down);
    press(&mut app, Action::Open);
    insta::assert_snapshot!(render_demo(&app, &demo));
}

#[test]
fn the_plan_preview_puts_warnings_first_then_the_sql() {
    let demo = demo();
    let mut app = projects_open(&demo);
    press(&mut app, Action::Pick);
    deliver_plan(&mut app, &demo);
    press(&mut app, Action::Plan);
    assert_eq!(app.screen, Screen::Plan);
    insta::assert_snapshot!("plan_top", render_demo(&app, &demo));
    press(&mut app, Action::Bottom);
    let bottom = render_demo(&app, &demo);
    assert!(bottom.contains("COMMIT;"), "{bottom}");
    insta::assert_snapshot!("plan_bottom", bottom);
    press(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Table);
}

#[test]
fn the_plan_scrolls_sideways_to_read_long_statements() {
    let demo = demo();
    let mut app = projects_open(&demo);
    press(&mut app, Action::Pick);
    deliver_plan(&mut app, &demo);
    press(&mut app, Action::Plan);
    press(&mut app, Action::Bottom);
    let before = render_demo(&app, &demo);
    assert!(!before.contains("'serious'"), "{before}");
    for _ in 0..4 {
        press(&mut app, Action::Right);
    }
    let after = render_demo(&app, &demo);
    assert!(
        after.contains("'serious'") || after.contains("'moderate'"),
        "{after}"
    );
    press(&mut app, Action::Left);
    let planned = app.planned().expect("planned");
    assert_eq!(planned.preview.left, 48);
}

#[test]
fn a_table_left_out_as_dependents_stays_in_the_selection_to_bring_it_back() {
    let demo = demo();
    let mut app = projects_open(&demo);
    press(&mut app, Action::Pick);
    // Leave violations out (as the tables list's `d` would), then plan.
    app.excluded.insert("vector-sync-status".into());
    deliver_plan(&mut app, &demo);
    app.pane = Pane::Selection;
    press(&mut app, Action::Bottom);
    let planned = app.planned().expect("planned");
    let focus = planned
        .selection
        .focused(&planned.data, &app.excluded)
        .expect("a focused line");
    assert_eq!(focus, Focus::Table("vector-sync-status".into()));
    assert!(render_demo(&app, &demo).contains("rows left out as dependents"));
    // `d` on it brings its rows back: the exclusion goes and the plan is redone.
    let effect = press(&mut app, Action::ToggleDependents);
    assert!(
        matches!(effect, Some(Effect::Plan { ref exclude_dependents, .. }) if exclude_dependents.is_empty()),
        "{effect:?}"
    );
}

/// Draw at `width` x `height`; panics (fails the test) if any view does.
fn draw_at(app: &App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let theme = crate::console::theme::Theme::load(None, None, false).expect("dark theme");
    let keymap = crate::console::keymap::Keymap::default();
    terminal
        .draw(|f| {
            let look = crate::console::view::Look {
                theme: &theme,
                keymap: &keymap,
            };
            crate::console::view::draw(f, app, look)
        })
        .expect("draw");
}

/// An operator's terminal can be any size, even split to a sliver: every
/// screen and modal must draw without panicking, however small.
#[test]
fn every_screen_draws_on_tiny_terminals() {
    let demo = demo();
    let mut states: Vec<(&str, App)> = vec![("tables", demo_app())];
    let mut app = projects_open(&demo);
    states.push(("table", app.clone()));
    press(&mut app, Action::Pick);
    deliver_plan(&mut app, &demo);
    states.push(("picked", app.clone()));
    let mut selection = app.clone();
    press(&mut selection, Action::NextPane);
    press(&mut selection, Action::NextPane);
    press(&mut selection, Action::Open);
    states.push(("selection", selection));
    let mut plan = app.clone();
    press(&mut plan, Action::Plan);
    states.push(("plan", plan));
    for (name, action) in [
        ("help", Action::Help),
        ("palette", Action::Palette),
        ("search", Action::Search),
        ("confirm", Action::Restore),
    ] {
        let mut modal = app.clone();
        press(&mut modal, action);
        assert!(modal.modal.is_some(), "{name} opens a modal");
        states.push((name, modal));
    }
    for (name, app) in &states {
        for (w, h) in [(1, 1), (8, 4), (16, 6), (24, 8), (33, 11), (50, 14)] {
            let drawn =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw_at(app, w, h)));
            assert!(drawn.is_ok(), "{name} panics at {w}x{h}");
        }
    }
}
