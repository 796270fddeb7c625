//! Keys to actions. The console's `update` sees [`Action`]s, never raw keys;
//! `<config dir>/keymap.toml` can rebind any action:
//!
//! ```toml
//! quit = ["q", "ctrl-c"]
//! pick = "x"
//! ```
//!
//! An action named in the file loses its default keys; a key the file gives to
//! one action is taken from any other action's defaults. Text fields (search,
//! the typed confirmation) read characters themselves and bypass the keymap.

use std::collections::HashMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::error::{Error, Result};

const KEY_HELP: &str = "keys look like q, G, ?, space, enter, esc, tab, shift-tab, backspace, \
     up, down, left, right, pgup, pgdn, home, end, f1, ctrl-c, alt-x";

macro_rules! actions {
    ($($variant:ident => $name:literal, $short:literal, $help:literal, [$($key:literal),*];)*) => {
        /// Everything a key can ask the console to do.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The action's name in `keymap.toml`.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),* }
            }

            /// One or two words for the footer.
            pub fn short(self) -> &'static str {
                match self { $(Action::$variant => $short),* }
            }

            /// A sentence for the help screen.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $help),* }
            }

            fn default_keys(self) -> &'static [&'static str] {
                match self { $(Action::$variant => &[$($key),*]),* }
            }
        }
    };
}

actions! {
    Up => "up", "up", "Move up", ["up", "k"];
    Down => "down", "down", "Move down", ["down", "j"];
    Left => "left", "left", "Move left / previous column", ["left", "h"];
    Right => "right", "right", "Move right / next column", ["right", "l"];
    PageUp => "page_up", "page up", "Scroll one page up", ["pgup", "ctrl-u"];
    PageDown => "page_down", "page down", "Scroll one page down", ["pgdn", "ctrl-d"];
    Top => "top", "top", "Go to the first row", ["home", "g"];
    Bottom => "bottom", "bottom", "Go to the last row", ["end", "G"];
    NextPane => "next_pane", "next pane", "Focus the next pane or tab", ["tab"];
    PrevPane => "prev_pane", "prev pane", "Focus the previous pane or tab", ["shift-tab"];
    Open => "open", "open", "Open the table / expand the row", ["enter"];
    Back => "back", "back", "Go back, close, or cancel long work", ["esc"];
    Search => "search", "search", "Fuzzy search", ["/"];
    Palette => "palette", "commands", "Command palette", [":"];
    Pick => "pick", "pick", "Pick or unpick the row for restore", ["space"];
    ToggleFilter => "toggle_filter", "filter", "Filter rows by status", ["f"];
    ToggleDependents => "toggle_dependents", "dependents", "Leave out the table's rows that come only as dependents (again: back in)", ["d"];
    Plan => "plan", "plan", "Show the restore plan and its SQL", ["p"];
    WritePlan => "write_plan", "write SQL", "Write the plan's SQL to a file", ["w"];
    Rehearse => "rehearse", "rehearse", "Rehearse the restore (rolled back)", ["R"];
    Restore => "restore", "restore", "Restore (asks for the database name first)", ["X"];
    Snapshots => "snapshots", "snapshots", "Choose another snapshot of the backup folder (opened with --snapshot)", ["S"];
    FindInSnapshots => "find_in_snapshots", "find elsewhere", "Find the focused row in the folder's other snapshots", ["F"];
    Health => "health", "health", "Health check of the live database: orphans, keys, sequences, types", ["H"];
    RepairSchema => "repair_schema", "repair", "Repair the table's structure from the backup: create it, add what it lacks", ["M"];
    AcceptInferred => "accept_inferred", "accept inferred", "Accept column types INFERRED from values (backup without DDL; again: stop)", ["I"];
    Help => "help", "help", "List every key", ["?"];
    Quit => "quit", "quit", "Quit", ["q", "ctrl-c"];
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        let name = name.replace('-', "_");
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// A key with its modifiers, normalised so that what the terminal sends and
/// what a keymap file writes compare equal (`R` is `shift-r`, `shift-tab` is
/// back-tab, `ctrl-C` is `ctrl-c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    mods: KeyModifiers,
}

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                let shift = mods.contains(KeyModifiers::SHIFT);
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else if shift {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    pub fn from_event(event: &KeyEvent) -> Key {
        Key::new(event.code, event.modifiers)
    }

    /// Parse the keymap file's syntax: modifier prefixes `ctrl-`, `alt-`,
    /// `shift-`, then a single character or a key name.
    pub fn parse(text: &str) -> Option<Key> {
        let mut rest = text;
        let mut mods = KeyModifiers::empty();
        while rest.chars().count() > 1 {
            let lower = rest.to_ascii_lowercase();
            let (modifier, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= modifier;
            rest = rest.get(len..)?;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            (Some(_), Some(_)) => named(&rest.to_ascii_lowercase())?,
            (None, _) => return None,
        };
        Some(Key::new(code, mods))
    }

    /// How the key is shown in the footer and help: `↑`, `k`, `ctrl-c`, `space`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        for (m, prefix) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.mods.contains(m) {
                out.push_str(prefix);
            }
        }
        match self.code {
            KeyCode::Char(' ') => out.push_str("space"),
            KeyCode::Char(c) if c.is_control() => out.push_str(&c.escape_default().to_string()),
            KeyCode::Char(c) => out.push(c),
            KeyCode::F(n) => out.push_str(&format!("f{n}")),
            code => out.push_str(match code {
                KeyCode::Up => "↑",
                KeyCode::Down => "↓",
                KeyCode::Left => "←",
                KeyCode::Right => "→",
                KeyCode::PageUp => "pgup",
                KeyCode::PageDown => "pgdn",
                KeyCode::Home => "home",
                KeyCode::End => "end",
                KeyCode::Tab => "tab",
                KeyCode::BackTab => "shift-tab",
                KeyCode::Enter => "enter",
                KeyCode::Esc => "esc",
                KeyCode::Backspace => "backspace",
                KeyCode::Delete => "del",
                KeyCode::Insert => "ins",
                _ => "?",
            }),
        }
        out
    }
}

fn named(name: &str) -> Option<KeyCode> {
    Some(match name {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "del" | "delete" => KeyCode::Delete,
        "ins" | "insert" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        _ => {
            let n: u8 = name.strip_prefix('f')?.parse().ok()?;
            if !(1..=24).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
    })
}

/// Which keys do what; see the module docs for the file format.
#[derive(Clone, Debug)]
pub struct Keymap {
    /// Keys per action, indexed by `Action as usize`, in the order shown.
    keys: Vec<Vec<Key>>,
    lookup: HashMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let keys = Action::ALL
            .iter()
            .map(|a| {
                a.default_keys()
                    .iter()
                    .filter_map(|k| Key::parse(k))
                    .collect()
            })
            .collect();
        Keymap::from_keys(keys)
    }
}

impl Keymap {
    fn from_keys(keys: Vec<Vec<Key>>) -> Keymap {
        let mut lookup = HashMap::new();
        for (action, keys) in Action::ALL.iter().zip(&keys) {
            for key in keys {
                lookup.entry(*key).or_insert(*action);
            }
        }
        Keymap { keys, lookup }
    }

    /// The defaults, changed by `<config_dir>/keymap.toml` when it exists.
    pub fn load(config_dir: Option<&Path>) -> Result<Keymap> {
        let Some(dir) = config_dir else {
            return Ok(Keymap::default());
        };
        let path = dir.join("keymap.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default()),
            Err(e) => Err(Error::io(&path, &e)),
        }
    }

    /// Apply a keymap file's text (read from `path`, named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Keymap> {
        let fail = |message: String| Error::Io {
            path: path.to_path_buf(),
            message,
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            fail(format!("not valid TOML: {}", e.to_string().trim_end()))
        })?;
        let mut user: Vec<Option<Vec<Key>>> = vec![None; Action::ALL.len()];
        let mut owner: HashMap<Key, Action> = HashMap::new();
        for (name, value) in &table {
            let action = Action::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                fail(format!(
                    "unknown action '{name}'; actions: {}",
                    names.join(", ")
                ))
            })?;
            let texts: Vec<&toml::Value> = match value {
                toml::Value::String(_) => vec![value],
                toml::Value::Array(items) => items.iter().collect(),
                other => {
                    return Err(fail(format!(
                        "{name}: bad value {other}: expected a key or a list of keys"
                    )))
                }
            };
            let mut keys = Vec::new();
            for v in texts {
                let key = v
                    .as_str()
                    .and_then(Key::parse)
                    .ok_or_else(|| fail(format!("{name}: unknown key {v}: {KEY_HELP}")))?;
                if let Some(other) = owner.insert(key, action) {
                    if other != action {
                        return Err(fail(format!(
                            "{name}: key {v} is also bound to {}",
                            other.name()
                        )));
                    }
                }
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            if user[action as usize].replace(keys).is_some() {
                return Err(fail(format!("{name}: {} is set twice", action.name())));
            }
        }
        if user[Action::Quit as usize]
            .as_ref()
            .is_some_and(|k| k.is_empty())
        {
            return Err(fail("quit: needs at least one key".into()));
        }
        let defaults = Keymap::default();
        let keys = user
            .into_iter()
            .zip(defaults.keys)
            .map(|(mine, default)| match mine {
                Some(keys) => keys,
                None => default
                    .into_iter()
                    .filter(|k| !owner.contains_key(k))
                    .collect(),
            })
            .collect();
        Ok(Keymap::from_keys(keys))
    }

    /// The action for a key press; key releases and unbound keys give none.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        self.lookup.get(&Key::from_event(event)).copied()
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.keys
            .get(action as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The action's keys for a footer or hint: `↑/k`, `q/ctrl-c`; empty if unbound.
    pub fn keys_for(&self, action: Action) -> String {
        let labels: Vec<String> = self.keys(action).iter().map(Key::label).collect();
        labels.join("/")
    }

    /// Every action with its keys and what it does, for the `?` screen.
    pub fn help(&self) -> Vec<(String, String)> {
        Action::ALL
            .iter()
            .map(|a| {
                let keys = self.keys_for(*a);
                let keys = if keys.is_empty() {
                    "(unbound)".to_string()
                } else {
                    keys
                };
                (keys, a.description().to_string())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

/// A key as a text field reads it (search, palette, the typed
/// confirmation): characters are typed, not looked up in the keymap.
pub fn text_key(event: &KeyEvent) -> crate::console::app::modal::TextKey {
    use crate::console::app::modal::TextKey;
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    match event.code {
        KeyCode::Char('u') if ctrl => TextKey::ClearLine,
        KeyCode::Char('c') if ctrl => TextKey::Esc,
        KeyCode::Char(c) if !ctrl && !alt => TextKey::Char(c),
        KeyCode::Backspace => TextKey::Backspace,
        KeyCode::Enter => TextKey::Enter,
        KeyCode::Esc => TextKey::Esc,
        KeyCode::Up => TextKey::Up,
        KeyCode::Down => TextKey::Down,
        KeyCode::PageUp => TextKey::PageUp,
        KeyCode::PageDown => TextKey::PageDown,
        _ => TextKey::Other,
    }
}
