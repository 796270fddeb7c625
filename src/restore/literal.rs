//! SQL literals and statements per dialect.
