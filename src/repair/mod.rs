//! Putting structure back from the backup's own schema: tables created,
//! columns added, constraints recreated, lost column values written back,
//! all in the restore's one transaction.

pub mod constraints;
pub mod ddl;
pub mod expr;
pub mod infer;
pub mod plan;
pub mod statements;
pub mod summary;
