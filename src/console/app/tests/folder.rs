//! The folder of snapshots in the console: the chooser and "find in other
//! snapshots", driven through `update` and drawn on the TestBackend. The
//! find runs the real `snapshots::find` over a folder built from the demo.

use super::screens::{demo, projects_open, render_demo, TOETHELINE};
use super::*;
use crate::console::app::folder::{Findings, Folder, SnapshotRow};
use crate::restore::pick::parse_pick;
use crate::snapshots::find::find;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const OLD: &str = "migration-2025-07-11T19-46-34-951Z";
const NEW: &str = "nightly-2025-07-12";

fn in_folder(app: &mut App, root: &Path, current: &str) {
    app.folder = Some(Folder {
        root: root.to_path_buf(),
        current: current.into(),
    });
}

fn listed() -> Vec<SnapshotRow> {
    vec![
        SnapshotRow {
            name: OLD.into(),
            time: Some("2025-07-11T19:46:34.951Z".into()),
            format: Some("json-directory"),
            tables: 6,
            error: None,
        },
        SnapshotRow {
            name: NEW.into(),
            time: Some("2025-07-12".into()),
            format: Some("json-file"),
            tables: 5,
            error: None,
        },
        SnapshotRow {
            name: "notes\u{1b}[2J.txt".into(),
            time: Some("2025-07-13T08:00:00.000Z (mtime)".into()),
            format: None,
            tables: 0,
            error: Some("backups/notes.txt:1: expected '{'".into()),
        },
    ]
}

#[test]
fn the_chooser_draws_on_a_tiny_terminal() {
    let mut app = demo_app();
    in_folder(&mut app, Path::new("backups"), NEW);
    press(&mut app, Action::Snapshots);
    update(&mut app, Msg::SnapshotsListed(Ok(listed())));
    // The name column once asked clamp() for a minimum above its maximum here.
    for width in [10, 20, 27, 40] {
        let mut terminal = Terminal::new(TestBackend::new(width, 12)).expect("test backend");
        terminal
            .draw(|f| {
                let theme =
                    crate::console::theme::Theme::load(None, None, false).expect("dark theme");
                let keymap = crate::console::keymap::Keymap::default();
                let look = crate::console::view::Look {
                    theme: &theme,
                    keymap: &keymap,
                };
                crate::console::view::draw(f, &app, look)
            })
            .expect("draw");
    }
}

#[test]
fn without_a_folder_the_keys_say_how_to_open_one() {
    let mut app = demo_app();
    assert_eq!(press(&mut app, Action::Snapshots), None);
    assert!(app.modal.is_none());
    assert!(app.notice.as_deref().unwrap_or("").contains("--snapshot"));
    assert_eq!(press(&mut app, Action::FindInSnapshots), None);
    assert!(app.notice.as_deref().unwrap_or("").contains("--snapshot"));
    // Neither shows in the footer without a folder.
    assert!(!crate::console::view::footer_actions(&app).contains(&Action::Snapshots));
}

#[test]
fn the_chooser_lists_the_folder_and_switches_the_backup() {
    let mut app = demo_app();
    in_folder(&mut app, Path::new("backups"), NEW);
    app.sides.backup = format!("backups/{NEW}");
    app.sides.backup_time = Some("2025-07-12".into());
    assert!(crate::console::view::footer_actions(&app).contains(&Action::Snapshots));
    // Something picked and planned on the current snapshot.
    assert!(matches!(
        press(&mut app, Action::Pick),
        Some(Effect::Plan { .. })
    ));
    assert_eq!(app.picks.len(), 1);

    assert_eq!(
        press(&mut app, Action::Snapshots),
        Some(Effect::ListSnapshots)
    );
    assert!(matches!(&app.modal, Some(Modal::Snapshots(c)) if c.loading));
    update(&mut app, Msg::SnapshotsListed(Ok(listed())));
    let Some(Modal::Snapshots(c)) = &app.modal else {
        panic!("the chooser closed");
    };
    assert_eq!(c.cursor.pos, 1, "the focus starts on the snapshot shown");
    insta::assert_snapshot!(render(&app));

    // Enter on the one shown: nothing to do.
    assert_eq!(press(&mut app, Action::Open), None);
    assert!(app
        .notice
        .as_deref()
        .unwrap_or("")
        .contains("is the snapshot shown"));
    assert!(app.modal.is_some());
    press(&mut app, Action::Up);
    assert_eq!(
        press(&mut app, Action::Open),
        Some(Effect::SwitchSnapshot { name: OLD.into() })
    );
    assert!(app.modal.is_none());
    // Until the edge has opened it, the lists and picks stay.
    assert_eq!(app.picks.len(), 1);
    assert!(!app.tables.is_empty());

    let generation = app.plan_generation;
    update(
        &mut app,
        Msg::SnapshotSwitched {
            name: OLD.into(),
            backup: format!("backups/{OLD}"),
            time: Some("2025-07-11T19:46:34.951Z".into()),
        },
    );
    assert!(app.picks.is_empty() && app.plan == PlanState::Empty);
    assert!(app.plan_generation > generation, "a late plan is dropped");
    assert!(app.tables.is_empty() && app.loaded.is_none());
    assert_eq!(app.sides.backup, format!("backups/{OLD}"));
    assert_eq!(app.folder.as_ref().map(|f| f.current.as_str()), Some(OLD));
    assert!(app.notice.as_deref().unwrap_or("").contains(OLD));
    // The new diff fills the list again.
    update(
        &mut app,
        Msg::TableDiffed(table("projects", TableStatus::RowsMissing, 1)),
    );
    assert_eq!(app.tables.len(), 1);

    // A listing that failed says so; Esc closes.
    press(&mut app, Action::Snapshots);
    update(
        &mut app,
        Msg::SnapshotsListed(Err("backups: permission denied".into())),
    );
    assert!(render(&app).contains("cannot list the folder: backups: permission denied"));
    assert_eq!(press(&mut app, Action::Back), None);
    assert!(app.modal.is_none());
}

/// The demo's backup twice: as taken, and a day later without ToeTheLine.
fn folder_from_demo(backup: &Path, root: &Path) {
    let copy = |name: &str, keep: &dyn Fn(&serde_json::Value) -> bool, manifest: bool| {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).expect("snapshot dir");
        for entry in std::fs::read_dir(backup).expect("demo backup") {
            let path = entry.expect("entry").path();
            let file = path.file_name().expect("name").to_owned();
            if file == "manifest.json" && !manifest {
                continue;
            }
            if file == "projects.json" {
                let text = std::fs::read_to_string(&path).expect("projects");
                let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
                let kept: Vec<_> = rows.into_iter().filter(|r| keep(r)).collect();
                std::fs::write(dir.join(file), serde_json::to_string(&kept).expect("json"))
                    .expect("write");
            } else {
                std::fs::copy(&path, dir.join(file)).expect("copy");
            }
        }
    };
    let id = TOETHELINE.trim_start_matches("projects:id=");
    copy(OLD, &|_| true, true);
    copy(NEW, &|r| r["id"] != id, false);
}

#[test]
fn finding_the_focused_row_in_the_other_snapshots() {
    let demo = demo();
    let root = demo.dir.path().join("backups");
    folder_from_demo(&demo.dir.path().join("backup"), &root);
    let mut app = projects_open(&demo);
    in_folder(&mut app, &root, NEW);
    assert!(crate::console::view::footer_actions(&app).contains(&Action::FindInSnapshots));

    let effect = press(&mut app, Action::FindInSnapshots);
    let Some(Effect::FindInSnapshots { generation, spec }) = effect else {
        panic!("expected a find, got {effect:?}");
    };
    assert_eq!(spec, TOETHELINE);
    // Progress of an older find is dropped; this one's is shown.
    update(
        &mut app,
        Msg::FindProgress {
            generation: generation - 1,
            text: "stale".into(),
        },
    );
    update(
        &mut app,
        Msg::FindProgress {
            generation,
            text: format!("reading 1 of 2: {OLD}"),
        },
    );
    let drawn = render_demo(&app, &demo);
    assert!(
        drawn.contains("reading 1 of 2") && !drawn.contains("stale"),
        "{drawn}"
    );

    // What the edge runs, on the real folder.
    let pick = parse_pick(&spec).expect("the row's spec parses");
    let report = find(&root, &[pick], &mut |_| {}, &AtomicBool::new(false)).expect("find");
    let findings = Findings::from(&report);
    assert_eq!(findings.newest.as_deref(), Some(OLD));
    assert_eq!(findings.gone_since.as_deref(), Some(NEW));
    update(
        &mut app,
        Msg::FoundInSnapshots {
            generation,
            result: Ok(findings),
        },
    );
    let Some(Modal::FindInSnapshots(f)) = &app.modal else {
        panic!("the find box closed");
    };
    assert_eq!(
        f.cursor.pos, 0,
        "the focus goes to the newest snapshot holding the row"
    );
    insta::assert_snapshot!(render_demo(&app, &demo));

    // Enter compares with that snapshot.
    assert_eq!(
        press(&mut app, Action::Open),
        Some(Effect::SwitchSnapshot { name: OLD.into() })
    );

    // Esc while a find runs stops it.
    press(&mut app, Action::FindInSnapshots);
    assert_eq!(press(&mut app, Action::Back), Some(Effect::CancelFind));
    assert!(app.modal.is_none());
}

#[test]
fn the_palette_reaches_both() {
    let mut app = demo_app();
    in_folder(&mut app, Path::new("backups"), NEW);
    press(&mut app, Action::Palette);
    typed(&mut app, "snapshots choose");
    assert_eq!(
        text_key(&mut app, TextKey::Enter),
        Some(Effect::ListSnapshots)
    );
    app.modal = None;
    press(&mut app, Action::Palette);
    typed(&mut app, "find the focused row");
    // On the tables list there is no row to find: the notice says so.
    assert_eq!(text_key(&mut app, TextKey::Enter), None);
    assert!(app.notice.as_deref().unwrap_or("").contains("focus a row"));
}
