//! Database connections (see the crate docs).
