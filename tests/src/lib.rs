//! Support for modelc's end-to-end tests and benchmarks.
//!
//! - [`db`]: connections to the real PostgreSQL, MariaDB and SQLite, each test in a database
//!   of its own that is dropped afterwards; skipping (or, under `CI=true`, failing) when a
//!   server is unreachable.
//! - [`catalog`]: reads a database's catalog back (information_schema, pg_catalog, PRAGMA)
//!   into one comparable shape.
//! - [`synth`]: synthetic models files of any size, for benchmarks.

pub mod catalog;
pub mod db;
pub mod synth;

/// The repository root (for fixtures and the storefront models.toml).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
