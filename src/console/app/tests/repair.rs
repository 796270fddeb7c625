//! Schema repair from the console: the pure toggles, then the bundled demo
//! (live.db lacks auth_configs and four projects columns) diffed and planned
//! for real with the RepairOptions the console's effect carries.

use super::screens::demo_sides;
use super::*;
use crate::backup::Backup;
use crate::catalog::TableName;
use crate::console::app::repair::{pickable_columns, Repair};
use crate::diff::{diff, DiffOptions};
use crate::live::LiveDb;
use crate::repair::plan::{RepairOptions, RepairScope};
use crate::restore::pick::{parse_pick, ColumnsSpec};
use crate::restore::script::ScriptOptions;
use crate::restore::selection::SelectOptions;
use crate::restore::summary::explain;

#[test]
fn repair_options_follow_the_toggles() {
    let mut r = Repair::default();
    assert!(r.is_off());
    assert_eq!(r.options(), RepairOptions::default());
    assert!(r.toggle_table("auth_configs"));
    assert!(r.toggle_table("public.vector-sync-status"));
    assert!(r.toggle_column("projects", "notes"));
    assert!(r.toggle_column("projects", "launch_date"));
    r.accept_inferred = true;
    assert_eq!(
        r.options(),
        RepairOptions {
            scope: RepairScope::Tables(vec![
                TableName::new(None, "auth_configs"),
                TableName::new(Some("public"), "vector-sync-status"),
            ]),
            restore_columns: vec![ColumnsSpec {
                table: TableName::new(None, "projects"),
                columns: vec!["launch_date".into(), "notes".into()],
            }],
            accept_inferred: true,
        }
    );
    // Toggling back off leaves nothing behind (no empty column list).
    assert!(!r.toggle_column("projects", "notes"));
    assert!(!r.toggle_column("projects", "launch_date"));
    assert!(!r.toggle_table("auth_configs"));
    assert!(!r.toggle_table("public.vector-sync-status"));
    assert!(r.is_off() && r.columns.is_empty());
    r.all = true;
    assert_eq!(r.options().scope, RepairScope::All);
}

/// The Plan effect's repair, or a panic saying what came instead.
fn planned_repair(effect: Option<Effect>) -> (Vec<String>, RepairOptions) {
    match effect {
        Some(Effect::Plan { picks, repair, .. }) => (picks, repair),
        other => panic!("expected a plan, got {other:?}"),
    }
}

#[test]
fn m_on_a_dropped_table_plans_its_repair_without_any_pick() {
    let mut app = demo_app();
    assert_eq!(app.focused().map(|t| t.name.as_str()), Some("auth_configs"));
    let (picks, repair) = planned_repair(press(&mut app, Action::RepairSchema));
    assert!(picks.is_empty());
    assert_eq!(
        repair.scope,
        RepairScope::Tables(vec![TableName::new(None, "auth_configs")])
    );
    assert_eq!(app.plan, PlanState::Planning);
    assert!(cannot_plan_notice(&mut app).is_none(), "p shows the plan");
    let tables = render(&app);
    assert!(tables.contains("auth_configs [repair]"), "{tables}");
    assert!(tables.contains("repair: auth_configs"), "{tables}");
    // Again: stop; nothing left to plan.
    assert_eq!(press(&mut app, Action::RepairSchema), None);
    assert_eq!(app.plan, PlanState::Empty);
    assert!(app.repair.is_off());
    // A table that lacks nothing has nothing to repair.
    press(&mut app, Action::Bottom); // vector-sync-status, identical
    assert_eq!(press(&mut app, Action::RepairSchema), None);
    assert!(app
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("nothing to repair")));
}

/// `p`'s refusal, if any (the footer notice).
fn cannot_plan_notice(app: &mut App) -> Option<String> {
    let effect = press(app, Action::Plan);
    assert_eq!(effect, None);
    let notice = app.notice.take();
    press(app, Action::Back);
    notice
}

#[test]
fn read_only_refuses_repair_with_a_reason() {
    let mut app = demo_app();
    app.mode = Mode::ReadOnly;
    assert_eq!(press(&mut app, Action::RepairSchema), None);
    assert_eq!(press(&mut app, Action::AcceptInferred), None);
    assert!(app.repair.is_off() && !app.repair.accept_inferred);
    assert!(app
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("read-only")));
}

#[test]
fn the_palette_repairs_every_table_then_stops() {
    let mut app = demo_app();
    press(&mut app, Action::Palette);
    typed(&mut app, "structure of every");
    let (_, repair) = planned_repair(text_key(&mut app, TextKey::Enter));
    assert_eq!(repair.scope, RepairScope::All);
    // Every table that lacks structure is marked, the others are not.
    let tables = render(&app);
    assert!(tables.contains("auth_configs [repair]"), "{tables}");
    assert!(!tables.contains("violations [repair]"), "{tables}");
    assert!(tables.contains("repair: every table"), "{tables}");
    press(&mut app, Action::Palette);
    typed(&mut app, "stop repairing");
    assert_eq!(text_key(&mut app, TextKey::Enter), None);
    assert!(app.repair.is_off());
    assert_eq!(app.plan, PlanState::Empty);
}

#[test]
fn space_on_the_schema_tab_toggles_columns_for_write_back() {
    let mut app = demo_app();
    app.tables[1].schema.missing_columns = vec!["launch_date".into(), "notes".into()];
    app.tables[1].changed_columns = [("name".to_owned(), 1)].into();
    press(&mut app, Action::Down); // projects
    press(&mut app, Action::Open);
    press(&mut app, Action::NextPane); // the Schema tab
    press(&mut app, Action::Down);
    let (picks, repair) = planned_repair(press(&mut app, Action::Pick));
    assert!(picks.is_empty());
    assert_eq!(repair.scope, RepairScope::Off);
    assert_eq!(
        repair.restore_columns,
        vec![ColumnsSpec {
            table: TableName::new(None, "projects"),
            columns: vec!["notes".into()],
        }]
    );
    // The changed column comes after the missing ones; down stops at it.
    press(&mut app, Action::Down);
    press(&mut app, Action::Down);
    let (_, repair) = planned_repair(press(&mut app, Action::Pick));
    assert_eq!(repair.restore_columns[0].columns, ["name", "notes"]);
    press(&mut app, Action::Up);
    press(&mut app, Action::Up);
    planned_repair(press(&mut app, Action::RepairSchema));
    insta::assert_snapshot!(render(&app));
    // Unpicking every column leaves the table's structure repair alone.
    press(&mut app, Action::Down);
    press(&mut app, Action::Pick);
    press(&mut app, Action::Down);
    let (_, repair) = planned_repair(press(&mut app, Action::Pick));
    assert!(repair.restore_columns.is_empty());
    assert_ne!(repair.scope, RepairScope::Off);
}

/// The demo's real diff, fed to a fresh console as the edge would.
async fn diffed_app(live: &LiveDb, backup: &Backup) -> App {
    let mut app = App::new(
        Sides {
            live: Some("/tmp/demo/live.db".into()),
            database: Some("live.db".into()),
            backup: "/tmp/demo/backup".into(),
            backup_time: None,
        },
        Mode::Live,
    );
    let opts = DiffOptions {
        tables: Vec::new(),
        collect_rows: false,
        progress: None,
    };
    let report = diff(live, backup, &opts).await.expect("diff");
    let total = report.tables.len();
    for t in report.tables {
        update(&mut app, Msg::TableDiffed(Box::new(t)));
    }
    update(&mut app, Msg::DiffDone { total });
    app
}

/// Plan what the effect asks, with the engine the edge calls, and deliver it.
async fn plan_for_real(app: &mut App, effect: Option<Effect>, live: &LiveDb, backup: &Backup) {
    let Some(Effect::Plan {
        generation,
        picks,
        exclude_dependents,
        repair,
    }) = effect
    else {
        panic!("expected a plan, got {effect:?}");
    };
    let picks: Vec<_> = picks.iter().map(|p| parse_pick(p).expect("pick")).collect();
    let opts = SelectOptions {
        exclude_dependents,
        repair,
        ..SelectOptions::default()
    };
    let prepared = crate::restore::prepare(live, backup, &picks, opts, &ScriptOptions::default())
        .await
        .expect("plan");
    let plan = PlanData {
        summary: prepared.summary.clone(),
        explanations: explain(&prepared.selection),
        script: prepared.scripts.as_ref().map(|s| s.script.text().into()),
    };
    update(
        app,
        Msg::Planned {
            generation,
            plan: Arc::new(plan),
        },
    );
}

/// Rendered with the demo's temporary directory (the plan names it) replaced
/// by a same-length stand-in.
fn render_in(app: &App, dir: &tempfile::TempDir) -> String {
    let path = dir.path().display().to_string();
    let stand_in: String = "/tmp/lbrepair"
        .chars()
        .chain(std::iter::repeat('#'))
        .take(path.chars().count())
        .collect();
    render(app).replace(&path, &stand_in)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn the_plan_preview_shows_the_schema_statements_first() {
    runtime().block_on(async {
        let (dir, live, backup) = demo_sides("lbrepair").await;
        let mut app = diffed_app(&live, &backup).await;
        // auth_configs: recreate it and bring its rows.
        assert_eq!(app.focused().map(|t| t.name.as_str()), Some("auth_configs"));
        press(&mut app, Action::RepairSchema);
        press(&mut app, Action::Pick);
        // projects: write back launch_date and notes (added first).
        press(&mut app, Action::Down);
        assert_eq!(app.focused().map(|t| t.name.as_str()), Some("projects"));
        press(&mut app, Action::Open);
        press(&mut app, Action::NextPane);
        let columns = pickable_columns(app.diff_of("projects").expect("projects"));
        let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names[..4], ["budget", "launch_date", "is_public", "notes"]);
        press(&mut app, Action::Down);
        press(&mut app, Action::Pick);
        press(&mut app, Action::Down);
        press(&mut app, Action::Down);
        let effect = press(&mut app, Action::Pick);
        press(&mut app, Action::Back);
        plan_for_real(&mut app, effect, &live, &backup).await;
        let planned = app.planned().expect("planned");
        assert!(
            planned.data.summary.executable,
            "{:?}",
            planned.data.summary
        );
        let script = planned.data.script.as_deref().expect("script");
        assert!(script.contains("CREATE TABLE \"auth_configs\""), "{script}");
        assert!(script.contains("ALTER TABLE \"projects\" ADD COLUMN \"notes\" text"));
        assert!(!script.contains("\"budget\""), "only the picked columns");
        insta::assert_snapshot!("repair_tables", render_in(&app, &dir));
        press(&mut app, Action::Plan);
        let top = render_in(&app, &dir);
        assert!(
            top.contains("Schema repair (in the same transaction):"),
            "{top}"
        );
        insta::assert_snapshot!("repair_plan_top", top);
        // Further down, the statements themselves.
        for _ in 0..3 {
            press(&mut app, Action::PageDown);
        }
        let sql = render(&app);
        assert!(sql.contains("ALTER TABLE \"projects\" ADD COLUMN"), "{sql}");
        // The typed confirmation says structure changes too.
        press(&mut app, Action::Restore);
        let confirm = render(&app);
        assert!(
            confirm.contains("This runs 3 schema statement(s), 7 INSERT(s) and 5 UPDATE(s)"),
            "{confirm}"
        );
    });
}

#[test]
fn a_table_recreated_without_rows_runs_on_its_own() {
    runtime().block_on(async {
        let (_dir, live, backup) = demo_sides("lbstruct").await;
        let mut app = diffed_app(&live, &backup).await;
        let effect = press(&mut app, Action::RepairSchema);
        plan_for_real(&mut app, effect, &live, &backup).await;
        let summary = &app.planned().expect("planned").data.summary;
        assert_eq!(summary.rows_to_insert + summary.rows_to_update, 0);
        assert!(summary.executable, "{summary:?}");
        let script = app
            .planned()
            .and_then(|p| p.data.script.clone())
            .expect("script");
        assert!(script.contains("CREATE TABLE \"auth_configs\""), "{script}");
        assert!(matches!(
            press(&mut app, Action::Rehearse),
            Some(Effect::Run { .. })
        ));
    });
}

#[test]
fn inferred_types_are_marked_and_need_i() {
    runtime().block_on(async {
        let (dir, live, _) = demo_sides("lbinfer").await;
        // The same backup without its schema.sql: no DDL to recreate from.
        let folder = dir.path().join("backup");
        std::fs::remove_file(folder.join("schema.sql")).expect("remove schema.sql");
        let backup = Backup::open(&folder).expect("backup");
        let mut app = diffed_app(&live, &backup).await;
        press(&mut app, Action::RepairSchema);
        let effect = press(&mut app, Action::Pick);
        plan_for_real(&mut app, effect, &live, &backup).await;
        let summary = &app.planned().expect("planned").data.summary;
        assert!(!summary.executable, "inferred types are not used unasked");
        press(&mut app, Action::Open); // auth_configs
        press(&mut app, Action::NextPane);
        let schema = render_in(&app, &dir);
        assert!(schema.contains("INFERRED types: I accepts"), "{schema}");
        assert!(
            schema.contains("types INFERRED from the values"),
            "{schema}"
        );
        insta::assert_snapshot!("repair_inferred_schema_tab", schema);
        let effect = press(&mut app, Action::AcceptInferred);
        let (_, repair) = planned_repair(effect.clone());
        assert!(repair.accept_inferred);
        plan_for_real(&mut app, effect, &live, &backup).await;
        let planned = app.planned().expect("planned");
        assert!(
            planned.data.summary.executable,
            "{:?}",
            planned.data.summary
        );
        assert!(render(&app).contains("INFERRED types accepted"));
        press(&mut app, Action::Plan);
        let top = render(&app);
        assert!(top.contains("types INFERRED from the values"), "{top}");
    });
}
