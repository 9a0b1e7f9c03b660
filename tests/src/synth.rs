//! Synthetic models files (see the crate docs).
