//! Insert order over relations, with self-references and cycles.
