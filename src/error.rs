//! The one error type the library returns. Messages are for a stressed
//! operator: they name the file and line, or the table, key, column and value.
//! Nothing in here may carry a password: database errors pass through
//! [`crate::redact`] before they are stored.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad backup content: names the file and the line (1-based) where known.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Backup {
        file: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    /// A database error, already redacted.
    #[error("database {target}: {message}")]
    Database { target: String, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn backup(file: impl Into<PathBuf>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Backup {
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }
}
