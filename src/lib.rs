//! lifeboat: diff a live database against a backup and bring lost records back.
//!
//! The pipeline: sources (live, backup) → catalog → diff → selection → plan →
//! execute. Only sources and the executor do I/O; the rest is pure.

pub mod backup;
pub mod browse;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod console;
pub mod demo;
pub mod diff;
pub mod error;
pub mod inspect;
pub mod live;
pub mod logging;
pub mod redact;
pub mod repair;
pub mod report;
pub mod restore;
pub mod snapshots;
pub mod value;

pub use error::{Error, Result};
