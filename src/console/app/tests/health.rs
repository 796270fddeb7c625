//! The Health screen: `H` starts the check with a generation, a stale or
//! closed check's answer is dropped, read-only refuses, Esc cancels; the
//! report drawn from the real `check::check` on the bundled demo, and from
//! a small hand-built report with orphans and their sample keys.

use super::*;
use crate::check::{
    check, CheckOptions, ConstraintHealth, ConstraintTotals, HealthReport, RelationHealth,
    SequenceHealth,
};
use crate::console::app::health::{lines_of, Checked, HealthBox, Tone};
use crate::diff::schema::{ConstraintCounts, ConstraintKind};
use crate::restore::relations::RelationOrigin;

fn health_box(app: &App) -> &HealthBox {
    match &app.modal {
        Some(Modal::Health(h)) => h,
        other => panic!("the Health screen is not open: {other:?}"),
    }
}

fn deliver(app: &mut App, generation: u64, checked: Checked) {
    update(
        app,
        Msg::HealthChecked {
            generation,
            result: Ok(checked),
        },
    );
}

/// The real check of the bundled demo (its SQLite database against its
/// backup), as the edge runs it, with the demo's temporary folder.
fn demo_report() -> (tempfile::TempDir, HealthReport) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (dir, live, backup) = super::screens::demo_sides("lbhealth").await;
        let report = check(&live, Some(&backup), &CheckOptions::default())
            .await
            .expect("check");
        (dir, report)
    })
}

fn relation(
    child: &str,
    column: &str,
    parent: &str,
    origin: RelationOrigin,
    orphans: u64,
    samples: &[&str],
) -> RelationHealth {
    RelationHealth {
        name: None,
        child: child.into(),
        child_columns: vec![column.into()],
        parent: parent.into(),
        parent_columns: vec!["id".into()],
        origin,
        orphans: Some(orphans),
        samples: samples.iter().map(|s| vec![(*s).to_owned()]).collect(),
        // Each sample's own row: id 101, 102, ...
        key_columns: vec!["id".into()],
        sample_keys: (0..samples.len())
            .map(|i| vec![(101 + i).to_string()])
            .collect(),
        skipped: None,
        error: None,
        arrow: format!("{child}.{column} → {parent}.id"),
    }
}

/// Orphans of each origin with sample keys (one holding an escape
/// sequence), a sequence behind, a scan that failed.
fn orphans_report() -> HealthReport {
    let mut failed = relation(
        "events",
        "session_id",
        "sessions",
        RelationOrigin::Live,
        0,
        &[],
    );
    failed.orphans = None;
    failed.error = Some("canceling statement due to statement timeout".into());
    HealthReport {
        database: "postgres://app:***@db.internal/app".into(),
        backup: Some("backups/nightly".into()),
        fast: false,
        tables: Vec::new(),
        tables_without_primary_key: Vec::new(),
        relations: vec![
            relation(
                "users",
                "organization_id",
                "organizations",
                RelationOrigin::Live,
                3,
                &["7", "9", "12"],
            ),
            relation(
                "projects",
                "owner_id",
                "users",
                RelationOrigin::Backup,
                1,
                &["41"],
            ),
            relation(
                "violations",
                "project_id",
                "projects",
                RelationOrigin::Inferred,
                2,
                &["6bcfc45d\u{1b}[2J", "a1"],
            ),
            relation("audit", "user_id", "users", RelationOrigin::Live, 0, &[]),
            failed,
        ],
        sequences: vec![SequenceHealth {
            table: "users".into(),
            column: "id".into(),
            next_value: 5,
            max_value: Some(12),
            behind: true,
            error: None,
        }],
        type_differences: Vec::new(),
        missing_columns: Vec::new(),
        missing_tables: Vec::new(),
        missing_constraints: vec![ConstraintHealth {
            table: "public.users".into(),
            kind: ConstraintKind::ForeignKey,
            name: Some("users_org_fk".into()),
            definition: "FOREIGN KEY (\"organization_id\") REFERENCES \"public\".\"organizations\" (\"id\") ON DELETE CASCADE".into(),
            violations: Some(3),
            samples: vec![vec!["7".into()], vec!["9".into()]],
            skipped: None,
            error: None,
        }],
        constraint_counts: Some(ConstraintTotals {
            live: ConstraintCounts { primary_keys: 5, unique: 1, foreign_keys: 2, checks: 0 },
            backup: ConstraintCounts { primary_keys: 5, unique: 1, foreign_keys: 3, checks: 2 },
        }),
        skipped: Vec::new(),
        warnings: Vec::new(),
    }
}

#[test]
fn h_starts_the_check_with_a_generation_and_a_stale_answer_is_dropped() {
    let mut app = demo_app();
    assert_eq!(
        press(&mut app, Action::Health),
        Some(Effect::CheckHealth { generation: 1 })
    );
    assert!(health_box(&app).running());
    // Esc stops it; H starts a new check: the first one's answer is stale.
    assert_eq!(press(&mut app, Action::Back), Some(Effect::CancelHealth));
    assert_eq!(app.modal, None);
    assert_eq!(
        press(&mut app, Action::Health),
        Some(Effect::CheckHealth { generation: 2 })
    );
    deliver(&mut app, 1, lines_of(&orphans_report()));
    assert!(health_box(&app).running(), "generation 1 is stale");
    deliver(&mut app, 2, lines_of(&orphans_report()));
    let h = health_box(&app);
    assert_eq!(h.checked.as_ref().map(|c| c.problems), Some(6));
    // Done: Esc only closes; nothing to cancel.
    assert_eq!(press(&mut app, Action::Back), None);
    assert_eq!(app.modal, None);
    // An answer arriving after the screen closed is dropped too.
    deliver(&mut app, 2, lines_of(&orphans_report()));
    assert_eq!(app.modal, None);
}

#[test]
fn a_failed_check_says_why_and_h_checks_again() {
    let mut app = demo_app();
    press(&mut app, Action::Health);
    update(
        &mut app,
        Msg::HealthChecked {
            generation: 1,
            result: Err("connection refused".into()),
        },
    );
    assert_eq!(
        health_box(&app).error.as_deref(),
        Some("connection refused")
    );
    assert!(render(&app).contains("the check failed: connection refused"));
    assert_eq!(
        press(&mut app, Action::Health),
        Some(Effect::CheckHealth { generation: 2 })
    );
    // While it runs, H does not start another.
    assert_eq!(press(&mut app, Action::Health), None);
    assert_eq!(health_box(&app).generation, 2);
}

#[test]
fn read_only_refuses_the_check_with_a_reason() {
    let mut app = demo_app();
    app.mode = Mode::ReadOnly;
    assert_eq!(press(&mut app, Action::Health), None);
    assert_eq!(app.modal, None);
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("read-only"), "{notice}");
}

#[test]
fn the_palette_runs_the_health_check() {
    let mut app = demo_app();
    press(&mut app, Action::Palette);
    typed(&mut app, "health");
    assert_eq!(
        text_key(&mut app, TextKey::Enter),
        Some(Effect::CheckHealth { generation: 1 })
    );
}

#[test]
fn snapshot_health_running() {
    let mut app = demo_app();
    press(&mut app, Action::Health);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn orphans_come_first_with_their_origin_and_sample_keys_escaped() {
    let checked = lines_of(&orphans_report());
    let texts: Vec<&str> = checked.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(checked.lines[0].tone, Tone::Unhealthy);
    assert_eq!(
        texts[0],
        "PROBLEMS FOUND: 6 problems. The check changed nothing."
    );
    assert_eq!(
        texts[2],
        "Orphan rows in 3 relations (key set, no parent row)"
    );
    assert_eq!(
        texts[3],
        "  users.organization_id → organizations.id [live FK]: 3 orphan rows"
    );
    // Each sample names its own row's key, then the reference that dangles.
    assert_eq!(texts[4], "      e.g. id=101 → 7; id=102 → 9; id=103 → 12");
    assert!(texts.contains(&"  projects.owner_id → users.id [backup FK]: 1 orphan row"));
    assert!(texts.contains(&"      e.g. id=101 → 6bcfc45d\\u{1b}[2J; id=102 → a1"));
    assert!(texts.iter().all(|t| !t.contains('\u{1b}')));
    let failed = texts
        .iter()
        .position(|t| t.starts_with("Failed reads (1)"))
        .expect("failed reads");
    let relations = texts
        .iter()
        .position(|t| t.starts_with("Relations: 5"))
        .expect("relations");
    assert!(failed < relations, "problems come before the rest");
    let missing = texts
        .iter()
        .position(|t| t.starts_with("Constraints in the backup missing live (1)"))
        .expect("missing constraints");
    assert_eq!(
        texts[missing + 1],
        "  public.users: users_org_fk FOREIGN KEY (\"organization_id\") REFERENCES \"public\".\"organizations\" (\"id\") ON DELETE CASCADE: 3 rows violate it"
    );
    assert_eq!(texts[missing + 2], "      e.g. 7; 9");
    assert!(missing < relations);
    assert!(texts.contains(
        &"constraints: foreign keys live 2 / backup 3, unique 1/1, checks 0/2, primary keys 5/5"
    ));

    let mut app = demo_app();
    press(&mut app, Action::Health);
    deliver(&mut app, 1, checked);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn the_demo_checked_for_real_on_the_health_screen() {
    let (dir, report) = demo_report();
    let checked = lines_of(&report);
    assert_eq!(checked.problems > 0, report.has_problems());
    let mut app = demo_app();
    app.sides.live = Some("/tmp/demo/live.db".into());
    press(&mut app, Action::Health);
    deliver(&mut app, 1, checked.clone());
    let path = dir.path().display().to_string();
    let shown = render(&app).replace(&path, "/tmp/lbhealth");
    assert!(
        shown.contains("Tables in the backup missing live (1)"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn the_list_keys_scroll_a_report_longer_than_the_screen() {
    let checked = lines_of(&orphans_report());
    let len = checked.lines.len();
    let last = checked.lines[len - 1].text.clone();
    let mut app = demo_app();
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 16,
        },
    );
    press(&mut app, Action::Health);
    deliver(&mut app, 1, checked);
    let page = 10;
    assert!(!render_at(&app, 16).contains(&last));
    press(&mut app, Action::Down);
    assert_eq!(health_box(&app).scroll.pos, 1);
    press(&mut app, Action::PageDown);
    assert_eq!(health_box(&app).scroll.pos, 1 + page);
    press(&mut app, Action::Bottom);
    assert_eq!(health_box(&app).scroll.pos, len - page);
    let bottom = render_at(&app, 16);
    assert!(bottom.contains(&last), "{bottom}");
    press(&mut app, Action::Down);
    assert_eq!(health_box(&app).scroll.pos, len - page, "stops at the end");
    press(&mut app, Action::Top);
    assert_eq!(health_box(&app).scroll.pos, 0);
}
