//! Reading the database address the operator typed. The password inside it
//! must never reach a message: `Debug` is hand-written, and [`DbUrl::scrub`]
//! cleans any driver text before it is shown.

use crate::catalog::Dialect;
use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};

/// A database address as the operator gave it: `postgres://`, `postgresql://`,
/// `sqlite://`, or a bare path to a SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    raw: String,
    pub dialect: Dialect,
}

/// The first bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const SQLITE_EXTENSIONS: [&str; 3] = ["db", "sqlite", "sqlite3"];

impl DbUrl {
    pub fn parse(raw: &str) -> Result<DbUrl> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Error::Usage("empty database URL".into()));
        }
        let lower = raw.to_ascii_lowercase();
        let dialect = if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            // Validate now so a typo is a usage error, not a connect failure.
            ::url::Url::parse(raw).map_err(|e| {
                Error::Usage(format!(
                    "cannot parse PostgreSQL URL {}: {e}",
                    crate::redact::redact(raw)
                ))
            })?;
            Dialect::Postgres
        } else if lower.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if let Some(scheme) = scheme_of(raw).filter(|_| looks_like_url(raw)) {
            return Err(unsupported(&scheme));
        } else {
            classify_bare_path(raw)?
        };
        Ok(DbUrl {
            raw: raw.to_owned(),
            dialect,
        })
    }

    /// For display and logs: the password replaced by `***`.
    pub fn redacted(&self) -> String {
        crate::redact::redact(&self.raw)
    }

    /// The real URL, for the driver only. Never print it.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    /// The SQLite file this address names (`sqlite://a.db`, `sqlite:///abs/a.db`,
    /// `sqlite:a.db`, or a bare path). `None` for PostgreSQL.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        if self.dialect != Dialect::Sqlite {
            return None;
        }
        let has_scheme = self
            .raw
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("sqlite:"));
        let rest = if has_scheme {
            let after = self.raw.get(7..).unwrap_or_default();
            let after = after.strip_prefix("//").unwrap_or(after);
            // Query parameters (`?mode=rwc`) are ignored: lifeboat decides the mode.
            let after = after.split('?').next().unwrap_or(after);
            percent_decode(after)
        } else {
            self.raw.clone()
        };
        Some(PathBuf::from(rest))
    }

    /// [`DbUrl::database_name`] reduced to characters safe in a file name
    /// (undo scripts and written plans are named after the database).
    pub fn file_safe_name(&self) -> String {
        self.database_name()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }

    /// The name an operator types to confirm a restore: the PostgreSQL
    /// database (the user's name when the URL names none, as libpq does), or
    /// the SQLite file's name.
    pub fn database_name(&self) -> String {
        if let Some(path) = self.sqlite_path() {
            return path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
        }
        let Ok(url) = ::url::Url::parse(&self.raw) else {
            return String::new();
        };
        let db = percent_decode(url.path().trim_start_matches('/'));
        if db.is_empty() {
            percent_decode(url.username())
        } else {
            db
        }
    }

    /// Driver or server text made safe to show: URL passwords redacted, and the
    /// literal password (raw and percent-decoded) removed wherever it appears.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = crate::redact::redact(text);
        if let Ok(url) = ::url::Url::parse(&self.raw) {
            if let Some(pw) = url.password() {
                for secret in [pw.to_owned(), percent_decode(pw)] {
                    // Very short passwords would shred ordinary words; URL redaction covers them.
                    if secret.len() >= 3 {
                        out = out.replace(&secret, "***");
                    }
                }
            }
        }
        out
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbUrl")
            .field("url", &self.redacted())
            .field("dialect", &self.dialect)
            .finish()
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn unsupported(scheme: &str) -> Error {
    Error::Usage(format!(
        "unsupported database URL scheme '{scheme}' (lifeboat reads postgres://, postgresql://, \
         sqlite:// or a path to a SQLite file)"
    ))
}

/// `mysql` in `mysql://...` or `http:x`. Single letters are Windows drive letters, not schemes.
fn scheme_of(raw: &str) -> Option<String> {
    let colon = raw.find(':')?;
    let scheme = &raw[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then(|| scheme.to_ascii_lowercase())
}

/// `scheme://...`, or `scheme:rest` that is neither an existing file nor a
/// SQLite file name (`backup:2024.db` is a file name with a colon).
fn looks_like_url(raw: &str) -> bool {
    if raw.contains("://") && !Path::new(raw).exists() {
        return true;
    }
    !Path::new(raw).exists() && !has_sqlite_extension(Path::new(raw))
}

fn has_sqlite_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SQLITE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// A bare path is SQLite when it is an existing SQLite file or carries a SQLite extension.
fn classify_bare_path(raw: &str) -> Result<Dialect> {
    let path = Path::new(raw);
    if has_sqlite_extension(path) {
        return Ok(Dialect::Sqlite);
    }
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "'{}' is neither a database URL nor an existing SQLite file (lifeboat reads \
             postgres://, postgresql://, sqlite:// or a path to a SQLite file)",
            crate::redact::redact(raw)
        )));
    }
    let mut magic = [0u8; 16];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == SQLITE_MAGIC;
    if is_sqlite {
        Ok(Dialect::Sqlite)
    } else {
        Err(Error::Usage(format!(
            "'{raw}' is not a SQLite database file (no SQLite header)"
        )))
    }
}

/// `%20` → space; malformed escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_schemes() {
        for raw in [
            "postgres://u:p@h:5432/db",
            "postgresql://h/db",
            "POSTGRES://h/db",
        ] {
            assert_eq!(DbUrl::parse(raw).unwrap().dialect, Dialect::Postgres);
        }
    }

    #[test]
    fn sqlite_forms_and_paths() {
        let cases = [
            ("sqlite://data/app.db", "data/app.db"),
            ("sqlite:///tmp/app.db", "/tmp/app.db"),
            ("sqlite:app.db", "app.db"),
            ("sqlite:///tmp/my%20app.db?mode=rwc", "/tmp/my app.db"),
            ("/no/such/dir/x.sqlite3", "/no/such/dir/x.sqlite3"),
        ];
        for (raw, path) in cases {
            let url = DbUrl::parse(raw).unwrap();
            assert_eq!(url.dialect, Dialect::Sqlite, "{raw}");
            assert_eq!(url.sqlite_path().unwrap(), PathBuf::from(path), "{raw}");
        }
    }

    #[test]
    fn unsupported_schemes_are_named() {
        for (raw, scheme) in [
            ("mysql://root:pw@h/db", "mysql"),
            ("http://example.com", "http"),
            ("Mongodb+srv://x", "mongodb+srv"),
        ] {
            let err = DbUrl::parse(raw).unwrap_err().to_string();
            assert!(err.contains(&format!("scheme '{scheme}'")), "{err}");
            assert!(!err.contains("pw"), "{err}");
        }
        let err = DbUrl::parse("mysql://h/app.db").unwrap_err().to_string();
        assert!(err.contains("scheme 'mysql'"), "{err}");
        let colon_name = DbUrl::parse("backup:2024.db").unwrap();
        assert_eq!(
            colon_name.sqlite_path().unwrap(),
            PathBuf::from("backup:2024.db")
        );
        let multibyte = DbUrl::parse("sqlit€.db").unwrap();
        assert_eq!(multibyte.sqlite_path().unwrap(), PathBuf::from("sqlit€.db"));
        let err = DbUrl::parse("garbage").unwrap_err().to_string();
        assert!(err.contains("neither a database URL"), "{err}");
    }

    #[test]
    fn password_never_in_debug_display_or_scrub() {
        let url = DbUrl::parse("postgres://admin:hunter22@db:5432/app").unwrap();
        assert!(!format!("{url:?}").contains("hunter22"));
        assert!(!url.to_string().contains("hunter22"));
        assert_eq!(url.redacted(), "postgres://admin:***@db:5432/app");
        assert_eq!(url.expose(), "postgres://admin:hunter22@db:5432/app");
        assert_eq!(url.scrub("auth hunter22 failed"), "auth *** failed");
        let enc = DbUrl::parse("postgres://a:p%40ss%21@h/db").unwrap();
        assert_eq!(enc.scrub("x p@ss! y p%40ss%21"), "x *** y ***");
    }

    #[test]
    fn percent_decoding_is_total() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%"), "%");
    }
}
