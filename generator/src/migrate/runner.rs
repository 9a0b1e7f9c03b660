//! Applying compiled migrations to a database, with sqlx's migrator.
//!
//! The input is a dialect's folder in sqlx's reversible layout, `<root>/<dialect>/NNNN_name.up.sql`
//! and `.down.sql`, as `makemigrations` writes it; the database is named by URL, and its
//! scheme picks the folder (`postgres`/`postgresql`, `mysql`/`mariadb`, `sqlite`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), modelc::migrate::runner::Error> {
//! use std::path::Path;
//! use modelc::migrate::runner::{self, Target};
//!
//! let url = runner::database_url(None); // DATABASE_URL, else sqlite://db.sqlite3
//! let root = Path::new("migrations");
//! runner::migrate(&url, root, None, &mut |_| {}).await?; // forwards, to the latest
//! runner::migrate(&url, root, Some(&Target::parse("0001")), &mut |_| {}).await?; // back
//! for m in runner::show(&url, root).await?.migrations {
//!     println!("{} {}", m.state.is_applied(), m.name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! What it guarantees:
//! - sqlx does the work: its history table `_sqlx_migrations`, its SHA-384 checksums of the up
//!   SQL, its lock, its transactions and its dirty-state marking. A folder migrated by modelc
//!   can be migrated further by `sqlx migrate run` or `sqlx::migrate!`, and the other way round.
//! - Everything modelc can check is checked before the first migration runs, and an error
//!   then leaves the database as it was (the history table is not even created): a folder
//!   sqlx would misread (a file name that is not `NNNN_name...`, two migrations with one
//!   number), a target that does not exist, a database that cannot be reached, a migration
//!   that is partially applied (dirty), an applied migration whose file is missing or was
//!   edited, and, going backwards, a migration without a down file.
//! - The history is read, the plan made and every step run while holding sqlx's lock, one
//!   per database: `pg_advisory_lock` on PostgreSQL; on MySQL/MariaDB sqlx's `GET_LOCK` name,
//!   asked for by modelc because sqlx's request does not wait on MariaDB (see
//!   `database::Conn::lock`); none on SQLite, where sqlx has none. A second `migrate` started
//!   at the same time waits, then finds the migrations applied and has nothing to do.
//! - A migration that fails: PostgreSQL and SQLite run each migration in one transaction
//!   (unless it starts with `-- no-transaction`), so it leaves nothing; the ones before it
//!   stay applied. MySQL/MariaDB commit DDL statement by statement: the statements before the
//!   failure stay and sqlx marks the migration dirty, which the next `migrate` reports.
//! - Nothing panics.

mod database;
mod run;
mod source;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use database::{Applied, Create};
pub use database::{DEFAULT_DATABASE, database_url, dialect_of_url, redact};
use run::Context;
pub use source::{Folder, MigrationFiles};
use source::{recorded_name, resolve, up_checksums};

/// sqlx's history table (its default name, which modelc keeps so sqlx's tools agree).
pub const HISTORY_TABLE: &str = "_sqlx_migrations";

/// What went wrong, with what to do about it. Displayed as `error: ...` then `  = help: ...`.
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub help: String,
}

/// The kinds of [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL's scheme is not one of the three dialects.
    InvalidUrl,
    /// The database cannot be reached (or refuses the connection).
    Unreachable,
    /// There is no migrations folder, or none for this dialect.
    NoMigrations,
    /// A `*_*.sql` file of the folder is not named `NNNN_name...`, or a down file has no up.
    BadFileName,
    /// Two migrations claim the same number.
    DuplicateNumber,
    /// A `NNNN_name.toml` has no SQL compiled for this dialect.
    NotCompiled,
    /// The target names no migration.
    UnknownTarget,
    /// A migration is partially applied (sqlx's dirty state).
    Dirty,
    /// An applied migration has no file.
    MissingFile,
    /// An applied migration's up file was edited (its checksum differs).
    Edited,
    /// Going backwards needs a down migration that does not exist.
    NoDownMigration,
    /// A migration's SQL failed on the database.
    MigrationFailed,
    /// Another query failed (reading the history, locking).
    Database,
    /// A file or folder cannot be read.
    Io,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>, help: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  = help: {}", self.message, self.help)
    }
}

impl std::error::Error for Error {}

/// Where to migrate to, as Django takes it: `zero` (before the first migration), a number
/// (`0002`, or `2`), or a full name (`0002_product_add_slug`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Zero,
    Migration(String),
}

impl Target {
    /// Reads a target as the user wrote it.
    pub fn parse(text: &str) -> Target {
        if text == "zero" {
            Target::Zero
        } else {
            Target::Migration(text.to_string())
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Zero => f.write_str("zero"),
            Target::Migration(m) => f.write_str(m),
        }
    }
}

/// Whether a migration is applied (up) or unapplied (down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Forwards,
    Backwards,
}

/// What [`migrate`] is doing, as it does it.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    /// A migration starts.
    Start { direction: Direction, name: &'a str },
    /// It ran and sqlx recorded it.
    Done {
        direction: Direction,
        name: &'a str,
        elapsed: Duration,
    },
}

/// What [`migrate`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The database URL, password hidden.
    pub database: String,
    /// Migrations unapplied, in the order they ran.
    pub unapplied: Vec<String>,
    /// Migrations applied, in the order they ran.
    pub applied: Vec<String>,
}

/// Each migration's state on a database, from [`show`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    /// The database URL, password hidden.
    pub database: String,
    /// The dialect's folder.
    pub dir: PathBuf,
    /// By number: every migration of the folder, and applied ones the folder lacks.
    pub migrations: Vec<Status>,
}

/// One migration in a [`Listing`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub version: i64,
    /// `0002_product_add_slug`; for a [`State::Missing`] one, rebuilt from sqlx's description.
    pub name: String,
    pub state: State,
}

/// The state of one migration on a database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Applied,
    NotApplied,
    /// Applied, but its up file changed since (the checksum differs).
    Edited,
    /// Partially applied: it failed part-way on MySQL/MariaDB (sqlx's dirty state).
    Dirty,
    /// Applied, but its files are not in the folder.
    Missing,
}

impl State {
    /// Whether the database has it in its history.
    pub fn is_applied(self) -> bool {
        self != State::NotApplied
    }
}

/// Migrates the database at `url` with the migrations of `root/<dialect>/`: forwards to the
/// latest when `target` is `None`; else to `target`, unapplying (through the down migrations,
/// newest first) every applied migration after it and applying every one up to it.
///
/// `progress` hears of each migration as it starts and ends. See the module docs for what is
/// checked first and what a failure leaves.
pub async fn migrate(
    url: &str,
    root: &Path,
    target: Option<&Target>,
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Result<Report, Error> {
    let dialect = dialect_of_url(url)?;
    let shown = redact(url);
    let folder = source::scan(root, dialect)?;
    let goal = run::goal(target, &folder)?;
    let migrator = resolve(&folder).await?;
    let Some(mut conn) = database::connect(url, dialect, Create::Yes).await? else {
        return Err(Error::new(
            ErrorKind::Unreachable,
            format!("cannot open {shown}"),
            "check the path of the SQLite file",
        ));
    };
    if let Err(e) = conn.lock().await {
        conn.close().await;
        return Err(query_failed(&shown, &e));
    }
    let ctx = Context {
        dialect,
        shown: &shown,
        folder: &folder,
        migrator: &migrator,
    };
    match ctx.run(&mut conn, goal, progress).await {
        Ok(report) => {
            let unlocked = conn.unlock().await;
            conn.close().await;
            unlocked.map_err(|e| query_failed(&shown, &e))?;
            Ok(report)
        }
        Err(e) => {
            // Closing ends the session, and with it sqlx's lock, which sqlx's migrator does
            // not release when it fails.
            conn.close().await;
            Err(e)
        }
    }
}

/// Lists the migrations of `root/<dialect>/` with their state on the database at `url`.
/// Reads only: a SQLite file that does not exist is an empty database and is not created.
pub async fn show(url: &str, root: &Path) -> Result<Listing, Error> {
    let dialect = dialect_of_url(url)?;
    let shown = redact(url);
    let folder = source::scan(root, dialect)?;
    let migrator = resolve(&folder).await?;
    let applied = match database::connect(url, dialect, Create::No).await? {
        Some(mut conn) => {
            let h = database::history(&mut conn).await;
            conn.close().await;
            h.map_err(|e| query_failed(&shown, &e.to_string()))?
        }
        None => Vec::new(),
    };
    let checksums = up_checksums(&migrator);
    let by_version: BTreeMap<i64, &Applied> = applied.iter().map(|a| (a.version, a)).collect();
    let mut migrations: Vec<Status> = folder
        .migrations
        .iter()
        .map(|m| {
            let state = match by_version.get(&m.version) {
                None => State::NotApplied,
                Some(a) if !a.success => State::Dirty,
                Some(a) if checksums.get(&m.version) != Some(&a.checksum.as_slice()) => {
                    State::Edited
                }
                Some(_) => State::Applied,
            };
            Status {
                version: m.version,
                name: m.name.clone(),
                state,
            }
        })
        .collect();
    for a in &applied {
        if folder.get(a.version).is_none() {
            migrations.push(Status {
                version: a.version,
                name: recorded_name(a, &folder),
                state: if a.success {
                    State::Missing
                } else {
                    State::Dirty
                },
            });
        }
    }
    migrations.sort_by_key(|s| s.version);
    Ok(Listing {
        database: shown,
        dir: folder.dir,
        migrations,
    })
}

/// Runs [`migrate`] on a single-threaded runtime.
pub fn migrate_blocking(
    url: &str,
    root: &Path,
    target: Option<&Target>,
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Result<Report, Error> {
    runtime()?.block_on(migrate(url, root, target, progress))
}

/// Runs [`show`] on a single-threaded runtime.
pub fn show_blocking(url: &str, root: &Path) -> Result<Listing, Error> {
    runtime()?.block_on(show(url, root))
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot start the async runtime: {e}"),
                "this is a bug in modelc; please report it",
            )
        })
}

fn query_failed(shown: &str, e: &str) -> Error {
    Error::new(
        ErrorKind::Database,
        format!("query on {shown} failed: {e}"),
        format!("check that the database user may create, read and write {HISTORY_TABLE}"),
    )
}
