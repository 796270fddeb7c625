//! `lifeboat demo`: the bundled example incident, built fresh on disk.
use crate::error::{Error, Result};
use std::path::PathBuf;

pub async fn run(_dir: Option<PathBuf>) -> Result<i32> {
    Err(Error::Other("demo not built yet".into()))
}
