//! The `pg_restore` binary: which one (`LIFEBOAT_PG_RESTORE`, else the one
//! on PATH), running it, and turning its failures into messages that say
//! what to do (install it, use a newer one, the archive is damaged).

use crate::error::{Error, Result};
use crate::report::visible;
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Names the pg_restore to use instead of the one on PATH.
pub const PG_RESTORE_ENV: &str = "LIFEBOAT_PG_RESTORE";

/// Longest stderr text kept from one run (pg_restore writes a line or two).
pub(crate) const MAX_STDERR: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub(crate) struct PgRestore {
    program: OsString,
    /// Whether the program came from [`PG_RESTORE_ENV`] (for the messages).
    from_env: bool,
}

impl PgRestore {
    pub(crate) fn find() -> PgRestore {
        match std::env::var_os(PG_RESTORE_ENV).filter(|v| !v.is_empty()) {
            Some(program) => PgRestore {
                program,
                from_env: true,
            },
            None => PgRestore {
                program: "pg_restore".into(),
                from_env: false,
            },
        }
    }

    /// A command with messages in English (they are matched below) and no
    /// stdin unless the caller asks for one.
    pub(crate) fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.env("LC_ALL", "C").stdin(Stdio::null());
        cmd
    }

    /// Why spawning failed, for an operator: a missing binary says how to get one.
    pub(crate) fn spawn_error(&self, archive: &Path, e: &std::io::Error) -> Error {
        let shown = PathBuf::from(&self.program).display().to_string();
        let message = match (e.kind(), self.from_env) {
            (ErrorKind::NotFound, false) => format!(
                "reading a pg_dump archive needs pg_restore, which is not on PATH: install \
                 postgresql-client (the version of the pg_dump that made the archive, or newer) \
                 or put pg_restore on PATH; set {PG_RESTORE_ENV}=/path to choose one"
            ),
            (ErrorKind::NotFound, true) => format!(
                "{PG_RESTORE_ENV}={shown}: no such program; point it at a pg_restore binary \
                 (from postgresql-client) or unset it to use the one on PATH"
            ),
            _ => format!("cannot run {shown}: {e}"),
        };
        Error::backup(archive, None, message)
    }

    /// Run to completion and return stdout; a non-zero exit or any stderr
    /// text is an error (explained by [`Self::failure`]).
    pub(crate) fn output(&self, archive: &Path, args: &[&str], what: &str) -> Result<Vec<u8>> {
        let out = self
            .command()
            .args(args)
            .arg(archive)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| self.spawn_error(archive, &e))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stderr.trim().is_empty() {
            return Err(self.failure(archive, what, out.status.code(), &stderr));
        }
        Ok(out.stdout)
    }

    /// `pg_restore (PostgreSQL) 15.4`, or why it could not be asked.
    fn version(&self) -> String {
        match self.command().arg("--version").output() {
            Ok(out) if out.status.success() => {
                String::from_utf8_lossy(&out.stdout).trim().to_owned()
            }
            Ok(out) => format!(
                "a pg_restore whose --version failed ({})",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => format!("a pg_restore that cannot be run ({e})"),
        }
    }

    /// Explain a failed run: `what` says what was being read (the table of
    /// contents, the schema, a table's data); `code` is the exit code.
    pub(crate) fn failure(
        &self,
        archive: &Path,
        what: &str,
        code: Option<i32>,
        stderr: &str,
    ) -> Error {
        // Its lines start with `pg_restore: `; "pg_restore says: pg_restore: ..." stutters.
        let lines: Vec<&str> = stderr
            .lines()
            .map(|l| l.strip_prefix("pg_restore: ").unwrap_or(l).trim())
            .filter(|l| !l.is_empty())
            .collect();
        let said = visible(&lines.join("; ")).into_owned();
        let said = if said.is_empty() {
            match code {
                Some(c) => format!("pg_restore exited with status {c} and no message"),
                None => "pg_restore was killed by a signal".to_owned(),
            }
        } else {
            format!("pg_restore says: {said}")
        };
        let message = if stderr.contains("unsupported version") && stderr.contains("file header") {
            format!(
                "{what}: the archive was made by a newer pg_dump than this pg_restore reads \
                 (found {}); install a newer postgresql-client or set {PG_RESTORE_ENV}=/path \
                 to a newer pg_restore ({said})",
                self.version()
            )
        } else if DAMAGED.iter().any(|m| stderr.contains(m)) {
            format!("{what}: the archive is truncated or corrupt ({said})")
        } else {
            format!("{what}: {said}")
        };
        Error::backup(archive, None, message)
    }
}

/// pg_restore messages that mean the archive itself is damaged.
const DAMAGED: &[&str] = &[
    "end of file",
    "did not find magic string",
    "not appear to be a valid archive",
    "could not uncompress",
    "could not decompress",
    "corrupt",
    "unexpected",
    "could not find block ID",
    "could not read",
];
