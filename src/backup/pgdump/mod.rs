//! Plain-text `pg_dump` backups (issue 5 groundwork): the COPY text decoder
//! and a one-pass scanner that finds each table's `COPY ... FROM stdin;`
//! block, plus a row reader for one block. Not yet used by `Backup::open`.

pub mod copy_text;
