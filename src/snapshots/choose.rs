//! `--snapshot latest|NAME`: which entry of the folder a command reads.
//! [`choose`] is the pure decision on names; [`resolve`] is the one resolver
//! every command (inspect, diff, plan, restore, the console) goes through.

use super::list::{entries, list, Progress};
use super::{latest, SnapshotTime};
use crate::error::{Error, Result};
use crate::report::visible;
use std::path::{Path, PathBuf};

/// The spec that means "the newest snapshot that opens".
pub const LATEST: &str = "latest";

/// Names listed in an error before "and N more".
const NAMES_SHOWN: usize = 20;

/// The snapshot a `--snapshot` spec chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub name: String,
    pub path: PathBuf,
    /// Known when the choice needed the times (`latest`).
    pub time: Option<SnapshotTime>,
}

/// The entry `spec` names among `names`: the exact name, else the one name
/// starting with it. A trailing `/` (shell completion of a directory) is
/// ignored. The error lists the candidates.
pub fn choose(names: &[&str], spec: &str) -> Result<usize, String> {
    let spec = spec.trim_end_matches('/');
    if spec.is_empty() {
        return Err(format!(
            "an empty snapshot name; give {LATEST} or a name: {}",
            listing(names)
        ));
    }
    if let Some(i) = names.iter().position(|n| *n == spec) {
        return Ok(i);
    }
    let starting: Vec<usize> = (0..names.len())
        .filter(|&i| names[i].starts_with(spec))
        .collect();
    match starting.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "no snapshot is named or starts with \"{}\"; the snapshots are: {}",
            visible(spec),
            listing(names)
        )),
        many => {
            let matched: Vec<&str> = many.iter().map(|&i| names[i]).collect();
            Err(format!(
                "\"{}\" starts {} snapshot names: {}; give more of the name",
                visible(spec),
                many.len(),
                listing(&matched)
            ))
        }
    }
}

fn listing(names: &[&str]) -> String {
    if names.is_empty() {
        return "(none)".into();
    }
    let mut out: Vec<String> = names
        .iter()
        .take(NAMES_SHOWN)
        .map(|n| visible(n).into_owned())
        .collect();
    if names.len() > NAMES_SHOWN {
        out.push(format!("and {} more", names.len() - NAMES_SHOWN));
    }
    out.join(", ")
}

/// The snapshot of the folder `root` that `spec` chooses. `latest` opens
/// every entry to date it (rows are not counted); a name only lists the
/// folder. The CLI's `--snapshot` and the console both come here.
pub fn resolve(root: &Path, spec: &str, progress: &mut dyn FnMut(Progress)) -> Result<Chosen> {
    let fail = |why: String| {
        Error::Usage(format!(
            "--snapshot {} in {}: {why}",
            visible(spec),
            visible(&root.display().to_string())
        ))
    };
    if spec == LATEST {
        let snapshots = list(root, false, progress)?;
        let newest = latest(&snapshots).ok_or_else(|| {
            fail(format!(
                "no entry opens as a backup (lifeboat snapshots {} lists them with their errors)",
                visible(&root.display().to_string())
            ))
        })?;
        let s = &snapshots[newest];
        return Ok(Chosen {
            name: s.name.clone(),
            path: s.path.clone(),
            time: s.time.clone(),
        });
    }
    let found = entries(root)?;
    let names: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
    let i = choose(&names, spec).map_err(fail)?;
    Ok(Chosen {
        name: found[i].name.clone(),
        path: found[i].path.clone(),
        time: None,
    })
}
