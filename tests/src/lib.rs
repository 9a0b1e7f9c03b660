//! Support for modelc's end-to-end tests and benchmarks.
//!
//! - [`db`]: connections to the real PostgreSQL, MariaDB and SQLite, each test in a database
//!   of its own that is dropped afterwards; skipping (or, under `CI=true`, failing) when a
//!   server is unreachable.
//! - [`catalog`]: reads a database's catalog back (information_schema, pg_catalog, PRAGMA)
//!   into one comparable shape.
//! - [`migrations`]: a models project in a temporary directory, `makemigrations` and
//!   `migrate` on a test database, and the comparisons of migration tests (catalog against
//!   fresh DDL, rows through renames).
//! - [`random_models`]: random models and random edits of them, for the migration property
//!   test.
//! - [`synth`]: synthetic models files of any size, for benchmarks.
//! - [`synth_history`]: synthetic migration scenarios (a 1%-changed variant of the models, a
//!   history of any length), for the migration benchmarks.

pub mod catalog;
pub mod db;
pub mod migrations;
pub mod random_models;
pub mod synth;
pub mod synth_history;

/// The repository root (for fixtures and the storefront models.toml).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
