//! Colours by meaning, never by place on screen. Drawing code asks for a
//! [`Role`]'s [`Style`]; the theme decides what that looks like. Built-in
//! themes are the `themes/*.toml` files compiled in; a file of the same name
//! in `<config dir>/themes/` replaces one, any other name adds one. Under
//! `NO_COLOR` every role keeps a distinct look through modifiers alone.

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};

use crate::error::{Error, Result};

/// The theme used when none is named.
pub const DEFAULT_THEME: &str = "dark";

const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

const COLOUR_HELP: &str =
    "use a terminal colour name (black, red, ..., bright-white, gray), \"#rrggbb\" or \"reset\"";

macro_rules! roles {
    ($($variant:ident => $key:literal, $mono:expr;)*) => {
        /// What a piece of text means; the theme maps each to a style.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Role { $($variant),* }

        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$variant),*];

            /// The key naming this role in a theme file.
            pub fn key(self) -> &'static str {
                match self { $(Role::$variant => $key),* }
            }

            /// How the role stands out without colour (`NO_COLOR`).
            fn monochrome(self) -> Modifier {
                match self { $(Role::$variant => $mono),* }
            }
        }
    };
}

roles! {
    Text => "text", Modifier::empty();
    Muted => "muted", Modifier::DIM;
    Background => "background", Modifier::empty();
    Border => "border", Modifier::empty();
    Title => "title", Modifier::BOLD;
    Selected => "selected", Modifier::REVERSED;
    Focus => "focus", Modifier::BOLD;
    Key => "key", Modifier::BOLD;
    DiffMissing => "diff_missing", Modifier::BOLD;
    DiffChanged => "diff_changed", Modifier::UNDERLINED;
    DiffExtra => "diff_extra", Modifier::ITALIC;
    DiffIdentical => "diff_identical", Modifier::DIM;
    Danger => "danger", Modifier::BOLD.union(Modifier::REVERSED);
    Ok => "ok", Modifier::BOLD;
    Warning => "warning", Modifier::BOLD.union(Modifier::UNDERLINED);
    ModeLive => "mode_live", Modifier::BOLD.union(Modifier::REVERSED);
    ModeReadonly => "mode_readonly", Modifier::BOLD.union(Modifier::UNDERLINED);
    SqlKeyword => "sql_keyword", Modifier::BOLD;
    SqlString => "sql_string", Modifier::ITALIC;
    SqlNumber => "sql_number", Modifier::UNDERLINED;
    SqlComment => "sql_comment", Modifier::DIM;
}

impl Role {
    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.key() == key)
    }

    /// A bare colour in a theme file paints the background for these roles,
    /// the text for all others.
    fn colour_is_background(self) -> bool {
        matches!(self, Role::Background | Role::Selected)
    }

    /// Modifiers a role carries in colour themes unless the file says otherwise.
    fn default_modifiers(self) -> Modifier {
        match self {
            Role::Title | Role::Focus | Role::Key | Role::Danger | Role::SqlKeyword => {
                Modifier::BOLD
            }
            Role::ModeLive | Role::ModeReadonly => Modifier::BOLD | Modifier::REVERSED,
            Role::SqlComment => Modifier::ITALIC,
            _ => Modifier::empty(),
        }
    }
}

/// A complete mapping from every [`Role`] to a [`Style`].
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    name: String,
    styles: Vec<Style>,
}

impl Theme {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn style(&self, role: Role) -> Style {
        self.styles.get(role as usize).copied().unwrap_or_default()
    }

    /// The theme `name` (default [`DEFAULT_THEME`]): a user file
    /// `<config_dir>/themes/NAME.toml` first, then the built-ins. With
    /// `no_color` the name is still checked, but the result uses no colour.
    pub fn load(name: Option<&str>, config_dir: Option<&Path>, no_color: bool) -> Result<Theme> {
        let name = name.unwrap_or(DEFAULT_THEME);
        let theme = Self::load_named(name, config_dir)?;
        Ok(if no_color {
            Theme::monochrome(theme.name)
        } else {
            theme
        })
    }

    /// Built-in and user theme names, sorted, each once.
    pub fn available(config_dir: Option<&Path>) -> Vec<String> {
        let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
        if let Some(entries) = config_dir.and_then(|d| std::fs::read_dir(d.join("themes")).ok()) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                        if valid_name(stem) {
                            names.push(stem.to_string());
                        }
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// No colour at all; roles differ by bold, dim, italic, underline, reverse.
    pub fn monochrome(name: impl Into<String>) -> Theme {
        Theme {
            name: name.into(),
            styles: Role::ALL
                .iter()
                .map(|r| Style::new().add_modifier(r.monochrome()))
                .collect(),
        }
    }

    fn load_named(name: &str, config_dir: Option<&Path>) -> Result<Theme> {
        if !valid_name(name) {
            return Err(Error::Usage(format!(
                "invalid theme name '{}': use letters, digits, '-' and '_'",
                name.escape_default()
            )));
        }
        if let Some(dir) = config_dir {
            let path = dir.join("themes").join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => return parse_user(name, &text, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, &e)),
            }
        }
        built_in(name)?.ok_or_else(|| {
            let mut msg = format!(
                "unknown theme '{name}'; available: {}",
                Self::available(config_dir).join(", ")
            );
            if let Some(dir) = config_dir {
                msg.push_str(&format!(
                    " (user themes go in {})",
                    dir.join("themes").join("NAME.toml").display()
                ));
            }
            Error::Usage(msg)
        })
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn built_in(name: &str) -> Result<Option<Theme>> {
    match BUILT_IN.iter().find(|(n, _)| *n == name) {
        Some((n, text)) => {
            let label = PathBuf::from(format!("themes/{n}.toml (built in)"));
            parse(n, text, &label, None).map(Some)
        }
        None => Ok(None),
    }
}

/// A user theme starts from `extends`, else the built-in of the same name,
/// else the default; the file needs to name only the roles it changes.
fn parse_user(name: &str, text: &str, path: &Path) -> Result<Theme> {
    let table = parse_table(text, path)?;
    let base_name = match table.get("extends") {
        Some(toml::Value::String(s)) => s.as_str(),
        Some(other) => return Err(bad(path, "extends", other, "expected a theme name")),
        None if BUILT_IN.iter().any(|(n, _)| *n == name) => name,
        None => DEFAULT_THEME,
    };
    let base = built_in(base_name)?.ok_or_else(|| {
        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        fail(
            path,
            format!(
                "extends: unknown built-in theme \"{}\"; built-in themes: {}",
                base_name.escape_default(),
                names.join(", ")
            ),
        )
    })?;
    apply(name, &table, path, Some(&base))
}

fn parse(name: &str, text: &str, path: &Path, base: Option<&Theme>) -> Result<Theme> {
    apply(name, &parse_table(text, path)?, path, base)
}

fn parse_table(text: &str, path: &Path) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        fail(
            path,
            format!("not valid TOML: {}", e.to_string().trim_end()),
        )
    })
}

fn apply(name: &str, table: &toml::Table, path: &Path, base: Option<&Theme>) -> Result<Theme> {
    for (key, value) in table {
        match key.as_str() {
            "name" | "extends" if value.is_str() => {}
            "name" | "extends" => return Err(bad(path, key, value, "expected a string")),
            "roles" => {}
            _ => {
                return Err(fail(
                    path,
                    format!("unknown key '{key}' (expected name, extends, roles)"),
                ))
            }
        }
    }
    let empty = toml::Table::new();
    let roles = match table.get("roles") {
        Some(toml::Value::Table(t)) => t,
        Some(other) => return Err(bad(path, "roles", other, "expected a [roles] table")),
        None => &empty,
    };
    let mut styles: Vec<Option<Style>> = match base {
        Some(b) => b.styles.iter().copied().map(Some).collect(),
        None => vec![None; Role::ALL.len()],
    };
    for (key, value) in roles {
        let role = Role::from_key(key).ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
            fail(
                path,
                format!("roles.{key}: unknown role; roles: {}", known.join(", ")),
            )
        })?;
        styles[role as usize] = Some(role_style(role, value, path)?);
    }
    let missing: Vec<&str> = Role::ALL
        .iter()
        .filter(|r| styles[**r as usize].is_none())
        .map(|r| r.key())
        .collect();
    if !missing.is_empty() {
        return Err(fail(path, format!("[roles] lacks {}", missing.join(", "))));
    }
    Ok(Theme {
        name: name.to_string(),
        styles: styles.into_iter().flatten().collect(),
    })
}

/// `role = "colour"`, or `role = { fg = "..", bg = "..", modifiers = [..] }`
/// (listed modifiers replace the role's own).
fn role_style(role: Role, value: &toml::Value, path: &Path) -> Result<Style> {
    let key = format!("roles.{}", role.key());
    let base = Style::new().add_modifier(role.default_modifiers());
    match value {
        toml::Value::String(s) => {
            let c = colour(s).ok_or_else(|| bad(path, &key, value, COLOUR_HELP))?;
            Ok(if role.colour_is_background() {
                base.bg(c)
            } else {
                base.fg(c)
            })
        }
        toml::Value::Table(t) => {
            let mut style = base;
            for (k, v) in t {
                let sub = format!("{key}.{k}");
                let as_colour = || {
                    v.as_str()
                        .and_then(colour)
                        .ok_or_else(|| bad(path, &sub, v, COLOUR_HELP))
                };
                match k.as_str() {
                    "fg" => style = style.fg(as_colour()?),
                    "bg" => style = style.bg(as_colour()?),
                    "modifiers" => {
                        style.add_modifier = modifiers(v).ok_or_else(|| {
                            bad(path, &sub, v, "expected a list of bold, dim, italic, underlined, reversed, crossed-out")
                        })?;
                    }
                    _ => {
                        return Err(fail(
                            path,
                            format!("{sub}: unknown key (expected fg, bg, modifiers)"),
                        ))
                    }
                }
            }
            Ok(style)
        }
        other => Err(bad(
            path,
            &key,
            other,
            "expected a colour string or a table { fg, bg, modifiers }",
        )),
    }
}

fn modifiers(value: &toml::Value) -> Option<Modifier> {
    let mut all = Modifier::empty();
    for v in value.as_array()? {
        all |= match v.as_str()?.to_ascii_lowercase().as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underline" | "underlined" => Modifier::UNDERLINED,
            "reverse" | "reversed" => Modifier::REVERSED,
            "crossed-out" | "crossed_out" | "strikethrough" => Modifier::CROSSED_OUT,
            _ => return None,
        };
    }
    Some(all)
}

/// A colour as theme files write it: a terminal colour name, `#rrggbb`, `reset`.
pub fn colour(text: &str) -> Option<Color> {
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
    }
    let name = text.to_ascii_lowercase().replace('_', "-");
    Some(match name.as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "white" | "gray" | "grey" => Color::Gray,
        "bright-black" | "dark-gray" | "dark-grey" => Color::DarkGray,
        "bright-red" => Color::LightRed,
        "bright-green" => Color::LightGreen,
        "bright-yellow" => Color::LightYellow,
        "bright-blue" => Color::LightBlue,
        "bright-magenta" => Color::LightMagenta,
        "bright-cyan" => Color::LightCyan,
        "bright-white" => Color::White,
        _ => return None,
    })
}

fn fail(path: &Path, message: String) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        message,
    }
}

fn bad(path: &Path, key: &str, value: &toml::Value, expected: &str) -> Error {
    fail(path, format!("{key}: bad value {value}: {expected}"))
}

#[cfg(test)]
mod tests;
