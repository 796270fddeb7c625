//! `--pick` specifications.
