//! Catalog reading (see the crate docs).
