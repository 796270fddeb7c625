use super::*;

fn user_theme(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("themes")).expect("mkdir");
    std::fs::write(dir.path().join("themes").join(format!("{name}.toml")), text)
        .expect("write theme");
    dir
}

fn load_err(dir: &Path, name: &str) -> String {
    Theme::load(Some(name), Some(dir), false)
        .expect_err("theme should not load")
        .to_string()
}

#[test]
fn every_built_in_theme_loads_and_sets_every_role_explicitly() {
    for (name, text) in BUILT_IN {
        let table = parse_table(text, Path::new(name)).expect("valid TOML");
        let roles = table["roles"].as_table().expect("[roles]");
        for role in Role::ALL {
            assert!(
                roles.contains_key(role.key()),
                "{name} lacks {}",
                role.key()
            );
        }
        assert_eq!(table["name"].as_str(), Some(*name));
        let theme = Theme::load(Some(name), None, false).expect("built-in loads");
        assert_eq!(theme.name(), *name);
        for role in Role::ALL {
            let s = theme.style(*role);
            assert!(
                s.fg.is_some() || s.bg.is_some(),
                "{name}: {role:?} has no colour"
            );
        }
    }
}

#[test]
fn default_is_dark_and_bare_colours_go_to_fg_or_bg() {
    let theme = Theme::load(None, None, false).expect("default");
    assert_eq!(theme.name(), "dark");
    assert_eq!(
        theme.style(Role::Text).fg,
        Some(Color::Rgb(0xd0, 0xd0, 0xd0))
    );
    assert_eq!(
        theme.style(Role::Selected).bg,
        Some(Color::Rgb(0x30, 0x3a, 0x4a))
    );
    assert_eq!(theme.style(Role::Selected).fg, None);
    assert_eq!(theme.style(Role::Background).bg, Some(Color::Reset));
    assert!(theme
        .style(Role::Title)
        .add_modifier
        .contains(Modifier::BOLD));
    let hc = Theme::load(Some("high-contrast"), None, false).expect("hc");
    assert_eq!(hc.style(Role::DiffMissing).fg, Some(Color::LightRed));
    assert_eq!(hc.style(Role::Muted).fg, Some(Color::Gray));
    assert_eq!(hc.style(Role::Text).fg, Some(Color::White));
}

#[test]
fn status_roles_differ_in_every_built_in_theme() {
    let status = [
        Role::DiffMissing,
        Role::DiffChanged,
        Role::DiffExtra,
        Role::DiffIdentical,
    ];
    for (name, _) in BUILT_IN {
        let theme = Theme::load(Some(name), None, false).expect("loads");
        for (i, a) in status.iter().enumerate() {
            for b in &status[i + 1..] {
                assert_ne!(theme.style(*a), theme.style(*b), "{name}: {a:?} = {b:?}");
            }
        }
        assert_ne!(theme.style(Role::ModeLive), theme.style(Role::ModeReadonly));
    }
}

#[test]
fn no_color_uses_no_colour_and_keeps_roles_apart() {
    for (name, _) in BUILT_IN {
        let theme = Theme::load(Some(name), None, true).expect("loads");
        for role in Role::ALL {
            let s = theme.style(*role);
            assert_eq!((s.fg, s.bg), (None, None), "{role:?} has a colour");
        }
        let visible = [
            Role::DiffMissing,
            Role::DiffChanged,
            Role::DiffExtra,
            Role::DiffIdentical,
            Role::Danger,
            Role::Warning,
            Role::Selected,
        ];
        for (i, a) in visible.iter().enumerate() {
            assert!(!theme.style(*a).add_modifier.is_empty(), "{a:?} plain");
            for b in &visible[i + 1..] {
                assert_ne!(theme.style(*a), theme.style(*b), "{a:?} = {b:?}");
            }
        }
        assert_ne!(theme.style(Role::ModeLive), theme.style(Role::ModeReadonly));
    }
    // The name is still checked under NO_COLOR.
    assert!(Theme::load(Some("nope"), None, true).is_err());
}

#[test]
fn colours_parse() {
    assert_eq!(colour("#FF0080"), Some(Color::Rgb(255, 0, 128)));
    assert_eq!(colour("bright_blue"), Some(Color::LightBlue));
    assert_eq!(colour("Bright-Black"), Some(Color::DarkGray));
    assert_eq!(colour("reset"), Some(Color::Reset));
    for bad in ["#fff", "#gg0000", "#ff00001", "purple-ish", "", "#é0000"] {
        assert_eq!(colour(bad), None, "{bad}");
    }
}

#[test]
fn user_theme_overrides_a_built_in_and_keeps_the_rest() {
    let dir = user_theme("dark", "[roles]\ntext = \"red\"\n");
    let theme = Theme::load(Some("dark"), Some(dir.path()), false).expect("loads");
    assert_eq!(theme.style(Role::Text).fg, Some(Color::Red));
    let builtin = Theme::load(Some("dark"), None, false).expect("built-in");
    assert_eq!(theme.style(Role::Danger), builtin.style(Role::Danger));
    // Without a name the user's dark is the default too.
    assert_eq!(
        Theme::load(None, Some(dir.path()), false).expect("default"),
        theme
    );
}

#[test]
fn user_theme_adds_a_name_and_extends_a_built_in() {
    let dir = user_theme(
        "mine",
        "name = \"mine\"\nextends = \"light\"\n[roles]\n\
         danger = { fg = \"#010203\", bg = \"black\", modifiers = [\"underline\", \"italic\"] }\n",
    );
    let theme = Theme::load(Some("mine"), Some(dir.path()), false).expect("loads");
    assert_eq!(theme.name(), "mine");
    let light = Theme::load(Some("light"), Some(dir.path()), false).expect("light");
    assert_eq!(theme.style(Role::Text), light.style(Role::Text));
    let danger = theme.style(Role::Danger);
    assert_eq!(danger.fg, Some(Color::Rgb(1, 2, 3)));
    assert_eq!(danger.bg, Some(Color::Black));
    assert_eq!(danger.add_modifier, Modifier::UNDERLINED | Modifier::ITALIC);
    assert_eq!(
        Theme::available(Some(dir.path())),
        ["dark", "high-contrast", "light", "mine"]
    );
    // A theme without `extends` and a new name starts from the default.
    let dir = user_theme("plain", "");
    let plain = Theme::load(Some("plain"), Some(dir.path()), false).expect("loads");
    let dark = Theme::load(None, None, false).expect("dark");
    assert_eq!(plain.style(Role::Title), dark.style(Role::Title));
}

#[test]
fn bad_colour_names_file_key_and_value() {
    let dir = user_theme("oops", "[roles]\ndiff_changed = \"#zz0000\"\n");
    let err = load_err(dir.path(), "oops");
    assert!(err.contains("oops.toml"), "{err}");
    assert!(err.contains("roles.diff_changed"), "{err}");
    assert!(err.contains("#zz0000"), "{err}");

    let dir = user_theme(
        "oops",
        "[roles]\ntitle = { fg = \"blue\", modifiers = [\"blink\"] }\n",
    );
    let err = load_err(dir.path(), "oops");
    assert!(
        err.contains("roles.title.modifiers") && err.contains("blink"),
        "{err}"
    );

    let dir = user_theme("oops", "[roles]\ntext = 7\n");
    let err = load_err(dir.path(), "oops");
    assert!(err.contains("roles.text") && err.contains('7'), "{err}");
}

#[test]
fn unknown_keys_and_roles_are_errors() {
    let dir = user_theme("oops", "[roles]\ntxet = \"red\"\n");
    let err = load_err(dir.path(), "oops");
    assert!(
        err.contains("oops.toml") && err.contains("roles.txet"),
        "{err}"
    );
    assert!(err.contains("diff_missing"), "lists the roles: {err}");

    let dir = user_theme("oops", "[role]\ntext = \"red\"\n");
    let err = load_err(dir.path(), "oops");
    assert!(err.contains("unknown key 'role'"), "{err}");

    let dir = user_theme("oops", "[roles]\ntitle = { colour = \"red\" }\n");
    let err = load_err(dir.path(), "oops");
    assert!(err.contains("roles.title.colour"), "{err}");

    let dir = user_theme("oops", "extends = \"solarized\"\n");
    let err = load_err(dir.path(), "oops");
    assert!(
        err.contains("extends") && err.contains("solarized"),
        "{err}"
    );
}

#[test]
fn invalid_toml_names_the_file_and_line() {
    let dir = user_theme("broken", "[roles]\ntext = \"red\n");
    let err = load_err(dir.path(), "broken");
    assert!(
        err.contains("broken.toml") && err.contains("not valid TOML"),
        "{err}"
    );
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn unknown_theme_lists_the_available_ones() {
    let dir = user_theme("mine", "");
    let err = load_err(dir.path(), "solarized");
    assert!(err.contains("unknown theme 'solarized'"), "{err}");
    assert!(err.contains("dark, high-contrast, light, mine"), "{err}");
    let err = Theme::load(Some("../etc/passwd"), None, false)
        .expect_err("path in name")
        .to_string();
    assert!(err.contains("invalid theme name"), "{err}");
}

#[test]
fn every_role_has_a_distinct_key_that_round_trips() {
    for (i, role) in Role::ALL.iter().enumerate() {
        assert_eq!(*role as usize, i);
        assert_eq!(Role::from_key(role.key()), Some(*role));
    }
    assert_eq!(Role::from_key("nope"), None);
}
