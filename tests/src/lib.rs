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
//! - [`bench`]: the medians criterion wrote, for the benchmarks' summaries.
//! - [`repo`]: checks and values the repository tests of the generated code share.
//! - [`synth`]: synthetic models files of any size, for benchmarks.
//! - [`synth_history`]: synthetic migration scenarios (a 1%-changed variant of the models, a
//!   history of any length), for the migration benchmarks.

pub mod bench;
pub mod catalog;
pub mod db;
pub mod migrations;
pub mod random_models;
pub mod repo;
pub mod synth;
pub mod synth_history;
pub mod synth_rust;

/// The `modelc` binary of the workspace, built (or found fresh) once per test process with
/// `cargo build -p modelc --bin modelc`: tests outside the `modelc` crate have no
/// `CARGO_BIN_EXE_modelc`.
pub fn modelc_bin() -> &'static std::path::Path {
    use std::path::PathBuf;
    use std::process::Command;
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "build",
                "--offline",
                "-p",
                "modelc",
                "--bin",
                "modelc",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(repo_root())
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "cargo cannot build the modelc binary:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "modelc")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the modelc executable")
    })
}

/// The repository root (for fixtures and the storefront models.toml).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
