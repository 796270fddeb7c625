//! Bringing records back (work in progress; no command uses it yet):
//! picks → relations → closure → plan → SQL → one transaction.

pub mod closure;
pub mod literal;
pub mod load;
pub mod order;
pub mod pick;
pub mod plan;
pub mod relations;
pub mod selection;
