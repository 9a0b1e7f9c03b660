//! Migrations: the history of the models as dialect-neutral operations, compiled to up and
//! down SQL for every dialect, and applied to real databases with sqlx's migrator.
//!
//! ```text
//! migrations/0001_initial.toml              operations: the history, source of truth
//! migrations/<dialect>/0001_initial.up.sql  compiled, in sqlx's reversible layout
//! migrations/<dialect>/0001_initial.down.sql
//! ```

pub mod compile;
pub mod diff;
pub mod file;
pub mod history;
pub mod make;
pub mod ops;
pub mod refs;
pub mod runner;
pub mod sql;
pub mod state;
