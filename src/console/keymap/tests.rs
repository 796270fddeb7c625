use super::*;
use std::path::PathBuf;

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c), KeyModifiers::NONE)
}

fn parse(text: &str) -> Result<Keymap> {
    Keymap::parse(text, &PathBuf::from("/cfg/keymap.toml"))
}

fn parse_err(text: &str) -> String {
    let err = parse(text)
        .expect_err("keymap should not parse")
        .to_string();
    assert!(err.starts_with("/cfg/keymap.toml: "), "{err}");
    err
}

#[test]
fn default_bindings_of_issue_4() {
    let km = Keymap::default();
    let none = KeyModifiers::NONE;
    let cases = [
        (press(KeyCode::Up, none), Action::Up),
        (ch('k'), Action::Up),
        (press(KeyCode::Down, none), Action::Down),
        (ch('j'), Action::Down),
        (press(KeyCode::Left, none), Action::Left),
        (ch('h'), Action::Left),
        (press(KeyCode::Right, none), Action::Right),
        (ch('l'), Action::Right),
        (press(KeyCode::PageUp, none), Action::PageUp),
        (press(KeyCode::PageDown, none), Action::PageDown),
        (
            press(KeyCode::Char('d'), KeyModifiers::CONTROL),
            Action::PageDown,
        ),
        (press(KeyCode::Home, none), Action::Top),
        (
            press(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Action::Bottom,
        ),
        (press(KeyCode::Tab, none), Action::NextPane),
        (
            press(KeyCode::BackTab, KeyModifiers::SHIFT),
            Action::PrevPane,
        ),
        (press(KeyCode::Tab, KeyModifiers::SHIFT), Action::PrevPane),
        (press(KeyCode::Enter, none), Action::Open),
        (press(KeyCode::Esc, none), Action::Back),
        (ch('/'), Action::Search),
        (ch(':'), Action::Palette),
        (ch(' '), Action::Pick),
        (ch('p'), Action::Plan),
        (ch('w'), Action::WritePlan),
        (
            press(KeyCode::Char('R'), KeyModifiers::SHIFT),
            Action::Rehearse,
        ),
        (ch('R'), Action::Rehearse),
        (
            press(KeyCode::Char('X'), KeyModifiers::SHIFT),
            Action::Restore,
        ),
        (ch('?'), Action::Help),
        (ch('q'), Action::Quit),
        (
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Action::Quit,
        ),
    ];
    for (event, action) in cases {
        assert_eq!(km.action(&event), Some(action), "{event:?}");
    }
    // Lower-case r and x do nothing: restore and rehearse need the capital.
    assert_eq!(km.action(&ch('r')), None);
    assert_eq!(km.action(&ch('x')), None);
    assert_eq!(km.action(&ch('c')), None);
    let mut release = ch('q');
    release.kind = KeyEventKind::Release;
    assert_eq!(km.action(&release), None);
}

#[test]
fn every_default_key_parses_and_is_bound_once() {
    let km = Keymap::default();
    let mut seen = HashMap::new();
    for action in Action::ALL {
        assert_eq!(
            km.keys(*action).len(),
            action.default_keys().len(),
            "{action:?} has a default that does not parse"
        );
        assert!(!km.keys(*action).is_empty(), "{action:?} unbound");
        for key in km.keys(*action) {
            assert_eq!(seen.insert(*key, *action), None, "{key:?} bound twice");
        }
        assert_eq!(Action::from_name(action.name()), Some(*action));
    }
}

#[test]
fn key_syntax() {
    let k = |s: &str| Key::parse(s).unwrap_or_else(|| panic!("{s} should parse"));
    let none = KeyModifiers::NONE;
    assert_eq!(
        k("ctrl-c"),
        Key::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
    );
    assert_eq!(k("Ctrl-C"), k("ctrl-c"));
    assert_eq!(k("shift-tab"), Key::new(KeyCode::BackTab, none));
    assert_eq!(k("backtab"), k("shift-tab"));
    assert_eq!(k("shift-r"), k("R"));
    assert_eq!(k("space"), k(" "));
    assert_eq!(k("pgdn"), Key::new(KeyCode::PageDown, none));
    assert_eq!(k("PageUp"), Key::new(KeyCode::PageUp, none));
    assert_eq!(k("f5"), Key::new(KeyCode::F(5), none));
    assert_eq!(k("-"), Key::new(KeyCode::Char('-'), none));
    assert_eq!(
        k("ctrl--"),
        Key::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
    );
    assert_eq!(
        k("alt-shift-up"),
        Key::new(KeyCode::Up, KeyModifiers::ALT | KeyModifiers::SHIFT)
    );
    for bad in ["", "ctrl-", "ctlr-c", "f0", "f99", "pagedn", "qq"] {
        assert_eq!(Key::parse(bad), None, "{bad}");
    }
}

#[test]
fn labels() {
    let label = |s: &str| Key::parse(s).expect("parses").label();
    assert_eq!(label("up"), "↑");
    assert_eq!(label("ctrl-c"), "ctrl-c");
    assert_eq!(label("shift-tab"), "shift-tab");
    assert_eq!(label("space"), "space");
    assert_eq!(label("G"), "G");
    assert_eq!(label("alt-enter"), "alt-enter");
    let km = Keymap::default();
    assert_eq!(km.keys_for(Action::Up), "↑/k");
    assert_eq!(km.keys_for(Action::Quit), "q/ctrl-c");
    assert_eq!(km.keys_for(Action::Restore), "X");
}

#[test]
fn help_lists_every_action_with_its_keys() {
    let help = Keymap::default().help();
    assert_eq!(help.len(), Action::ALL.len());
    assert!(help.contains(&("?".to_string(), "List every key".to_string())));
    assert!(help
        .iter()
        .all(|(keys, text)| !keys.is_empty() && !text.is_empty()));
    let km = parse("help = []").expect("parses");
    assert!(km
        .help()
        .contains(&("(unbound)".to_string(), "List every key".to_string())));
    assert_eq!(km.action(&ch('?')), None);
}

#[test]
fn file_overrides_per_action_and_takes_keys_from_defaults() {
    let km = parse("pick = \"x\"\nquit = [\"Q\", \"ctrl-q\"]\nsearch = [\"ctrl-f\", \"q\"]\n")
        .expect("parses");
    assert_eq!(km.action(&ch('x')), Some(Action::Pick));
    assert_eq!(km.action(&ch(' ')), None, "space is no longer pick");
    assert_eq!(km.action(&ch('Q')), Some(Action::Quit));
    assert_eq!(km.action(&ch('q')), Some(Action::Search));
    assert_eq!(
        km.action(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        None,
        "quit's defaults are replaced"
    );
    assert_eq!(km.keys_for(Action::Search), "ctrl-f/q");
    // Untouched actions keep their defaults.
    assert_eq!(km.action(&ch('j')), Some(Action::Down));
    // A key taken by the file leaves the default owner's other keys alone.
    let km = parse("plan = \"k\"").expect("parses");
    assert_eq!(km.action(&ch('k')), Some(Action::Plan));
    assert_eq!(km.keys_for(Action::Up), "↑");
    assert_eq!(km.action(&ch('p')), None);
    // Dashes in action names are accepted.
    let km = parse("write-plan = \"W\"").expect("parses");
    assert_eq!(km.action(&ch('W')), Some(Action::WritePlan));
}

#[test]
fn load_reads_the_config_dir_or_falls_back_to_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let km = Keymap::load(Some(dir.path())).expect("no file is fine");
    assert_eq!(km.action(&ch('q')), Some(Action::Quit));
    assert_eq!(
        Keymap::load(None).expect("defaults").action(&ch('p')),
        Some(Action::Plan)
    );
    std::fs::write(dir.path().join("keymap.toml"), "rehearse = \"ctrl-r\"\n").expect("write");
    let km = Keymap::load(Some(dir.path())).expect("loads");
    let ctrl_r = press(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(km.action(&ctrl_r), Some(Action::Rehearse));
    assert_eq!(km.action(&ch('R')), None);
    std::fs::write(dir.path().join("keymap.toml"), "rehearse = \"ctrl-\"\n").expect("write");
    let err = Keymap::load(Some(dir.path()))
        .expect_err("bad key")
        .to_string();
    assert!(
        err.contains("keymap.toml") && err.contains("\"ctrl-\""),
        "{err}"
    );
}

#[test]
fn errors_name_the_file_action_and_key() {
    let err = parse_err("qiut = \"q\"");
    assert!(
        err.contains("unknown action 'qiut'") && err.contains("quit"),
        "{err}"
    );
    let err = parse_err("quit = \"ctlr-c\"");
    assert!(err.contains("quit: unknown key \"ctlr-c\""), "{err}");
    assert!(err.contains("shift-tab"), "says what keys look like: {err}");
    let err = parse_err("quit = 3");
    assert!(err.contains("quit: bad value 3"), "{err}");
    let err = parse_err("quit = [\"q\", 3]");
    assert!(err.contains("quit: unknown key 3"), "{err}");
    let err = parse_err("quit = \"z\"\npick = \"z\"");
    assert!(err.contains("also bound to"), "{err}");
    let err = parse_err("quit = []");
    assert!(err.contains("quit: needs at least one key"), "{err}");
    let err = parse_err("page-up = \"u\"\npage_up = \"U\"");
    assert!(err.contains("set twice"), "{err}");
    let err = parse_err("quit = [\"q\"");
    assert!(err.contains("not valid TOML"), "{err}");
}
