//! Reading a dialect's migrations folder by sqlx's naming rules, and refusing a folder that
//! sqlx would run wrongly or not at all.
//!
//! sqlx's resolver (`sqlx_core::migrate::source`) reads every regular file of the folder
//! whose name splits at its first `_` into a prefix and a rest ending in `.sql`: the prefix is
//! the version (an `i64`, so `0002` and `2` are both version 2), `.up.sql` / `.down.sql` make a
//! reversible pair, any other `.sql` is a simple (up-only) migration, and other files are
//! ignored. A prefix that is not a number makes sqlx fail on the whole folder. Two files with
//! the same version are not detected by sqlx at all: it would run both. This module finds all
//! of that before anything touches a database.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sqlx::migrate::Migrator;

use crate::ir::DialectName;

use super::database::Applied;
use super::{Error, ErrorKind};

/// One migration of a dialect folder: `NNNN_name.up.sql` (or `NNNN_name.sql`) and, when it
/// can be unapplied, `NNNN_name.down.sql`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationFiles {
    /// The number, as sqlx reads it (`0002` is 2).
    pub version: i64,
    /// The file name without its `.up.sql`/`.down.sql`/`.sql` suffix: `0002_product_add_slug`.
    pub name: String,
    /// The up migration.
    pub up: PathBuf,
    /// The down migration, if there is one.
    pub down: Option<PathBuf>,
    /// The up file starts with `-- no-transaction`: sqlx runs it outside a transaction on
    /// PostgreSQL and SQLite (MySQL ignores the directive).
    pub up_no_transaction: bool,
    /// The same for the down file.
    pub down_no_transaction: bool,
}

/// The migrations of one dialect, in version order.
#[derive(Clone, Debug)]
pub struct Folder {
    /// `<migrations root>/<dialect>`.
    pub dir: PathBuf,
    pub migrations: Vec<MigrationFiles>,
}

impl Folder {
    /// The migration numbered `version`.
    pub fn get(&self, version: i64) -> Option<&MigrationFiles> {
        self.migrations.iter().find(|m| m.version == version)
    }

    /// The names, in order, for messages (`0001_initial, 0002_x`).
    pub fn names(&self) -> String {
        if self.migrations.is_empty() {
            return "(none)".to_string();
        }
        let names: Vec<&str> = self.migrations.iter().map(|m| m.name.as_str()).collect();
        names.join(", ")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Up,
    Down,
    Simple,
}

/// A file that sqlx (or modelc, for `.toml`) takes for a migration.
#[derive(Debug)]
struct Entry {
    prefix: String,
    name: String,
    kind: Kind,
    path: PathBuf,
}

/// Reads `root/<dialect>/` (and the names of `root/*.toml`) into a [`Folder`].
pub(super) fn scan(root: &Path, dialect: DialectName) -> Result<Folder, Error> {
    if !root.is_dir() {
        return Err(Error::new(
            ErrorKind::NoMigrations,
            format!("no migrations folder `{}`", root.display()),
            "run modelc makemigrations to write the first migration, or pass --migrations DIR",
        ));
    }
    let dir = root.join(dialect.as_str());
    if !dir.is_dir() {
        return Err(Error::new(
            ErrorKind::NoMigrations,
            format!(
                "`{}` does not exist: no migrations are compiled for {dialect}",
                dir.display()
            ),
            format!(
                "run modelc makemigrations (with \"{dialect}\" in [project] dialects) to compile the migrations for {dialect}"
            ),
        ));
    }
    let sql = entries(&dir, ".sql")?;
    // modelc's operations files; sqlx never reads them, so one not named NNNN_name.toml is
    // not a migration and is left alone.
    let toml: Vec<Entry> = entries(root, ".toml")?
        .into_iter()
        .filter(|e| version_of(e).is_ok())
        .collect();

    // Every name that claims a number, from the dialect folder and from the .toml files.
    let mut claims: BTreeMap<i64, Vec<&Entry>> = BTreeMap::new();
    for e in sql.iter().chain(&toml) {
        let version = version_of(e)?;
        claims.entry(version).or_default().push(e);
    }
    let last = claims.keys().next_back().copied().unwrap_or(0);
    let mut migrations = Vec::new();
    for (version, entries) in &claims {
        let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        if names.len() > 1 {
            return Err(duplicate(*version, &names, entries, last, &dir));
        }
        let name = names[0];
        let files: Vec<&&Entry> = entries
            .iter()
            .filter(|e| e.path.starts_with(&dir))
            .collect();
        let ups: Vec<&&&Entry> = files.iter().filter(|e| e.kind != Kind::Down).collect();
        let down = files.iter().find(|e| e.kind == Kind::Down);
        let up = match ups.as_slice() {
            [up] => up,
            [] => {
                return Err(match down {
                    Some(down) => Error::new(
                        ErrorKind::BadFileName,
                        format!("`{}` has no up migration beside it", down.path.display()),
                        format!(
                            "add {name}.up.sql to {} (sqlx pairs {name}.up.sql with {name}.down.sql), or remove the down file",
                            dir.display()
                        ),
                    ),
                    None => Error::new(
                        ErrorKind::NotCompiled,
                        format!(
                            "migration {name} (migrations/{name}.toml) has no SQL for {dialect} in `{}`",
                            dir.display()
                        ),
                        format!("run modelc makemigrations to compile it for {dialect}"),
                    ),
                });
            }
            [a, b, ..] => {
                return Err(Error::new(
                    ErrorKind::DuplicateNumber,
                    format!(
                        "`{}` and `{}` are both the up migration of {name}",
                        a.path.display(),
                        b.path.display()
                    ),
                    format!(
                        "keep one: sqlx would run both as migration {version}; a reversible migration is {name}.up.sql with {name}.down.sql"
                    ),
                ));
            }
        };
        migrations.push(MigrationFiles {
            version: *version,
            name: name.to_string(),
            up: up.path.clone(),
            down: down.map(|d| d.path.clone()),
            up_no_transaction: no_transaction(&up.path)?,
            down_no_transaction: match down {
                Some(d) => no_transaction(&d.path)?,
                None => false,
            },
        });
    }
    Ok(Folder { dir, migrations })
}

/// The files of `dir` that look like migrations ending in `ext`, by sqlx's rule: a regular
/// file whose name splits at the first `_` into a prefix and a rest ending in `ext`.
fn entries(dir: &Path, ext: &str) -> Result<Vec<Entry>, Error> {
    let unreadable = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!("cannot read `{}`: {e}", dir.display()),
            "check the folder's permissions",
        )
    };
    let mut out = Vec::new();
    for item in std::fs::read_dir(dir).map_err(unreadable)? {
        let item = item.map_err(unreadable)?;
        let path = item.path();
        // sqlx follows symbolic links (fs::metadata) and skips what is not a file.
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let file_name = item.file_name().to_string_lossy().into_owned();
        let Some((prefix, rest)) = file_name.split_once('_') else {
            continue;
        };
        if !rest.ends_with(ext) {
            continue;
        }
        let (kind, suffix) = if file_name.ends_with(".up.sql") {
            (Kind::Up, ".up.sql")
        } else if file_name.ends_with(".down.sql") {
            (Kind::Down, ".down.sql")
        } else {
            (Kind::Simple, ext)
        };
        let name = file_name[..file_name.len() - suffix.len()].to_string();
        out.push(Entry {
            prefix: prefix.to_string(),
            name,
            kind,
            path,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The number of a migration file; only ASCII digits (sqlx would also take `+1` and `-1`).
fn version_of(e: &Entry) -> Result<i64, Error> {
    let digits = !e.prefix.is_empty() && e.prefix.bytes().all(|b| b.is_ascii_digit());
    match e.prefix.parse::<i64>() {
        Ok(v) if digits => Ok(v),
        _ => Err(Error::new(
            ErrorKind::BadFileName,
            format!(
                "`{}` is not named like a migration: `{}` before the first `_` is not a number",
                e.path.display(),
                e.prefix
            ),
            "migrations are named NNNN_name.up.sql and NNNN_name.down.sql (NNNN_name.toml for the operations); sqlx reads every *_*.sql file of the folder and fails on any other, so rename or move this file",
        )),
    }
}

/// Whether a migration file starts with sqlx's `-- no-transaction` directive (exactly at the
/// first byte, as sqlx checks it).
fn no_transaction(path: &Path) -> Result<bool, Error> {
    let text = std::fs::read(path).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!("cannot read `{}`: {e}", path.display()),
            "check the file's permissions",
        )
    })?;
    Ok(text.starts_with(b"-- no-transaction"))
}

fn duplicate(version: i64, names: &[&str], entries: &[&Entry], last: i64, dir: &Path) -> Error {
    let width = entries.iter().map(|e| e.prefix.len()).max().unwrap_or(4);
    let next = format!("{:0width$}", last.saturating_add(1));
    let listed = match names {
        [a, b] => format!("{a} and {b} both claim"),
        _ => format!(
            "{} and {} all claim",
            names[..names.len() - 1].join(", "),
            names[names.len() - 1]
        ),
    };
    // Where they clash: the dialect folder, or only among the .toml files.
    let place = if entries.iter().all(|e| e.path.starts_with(dir)) {
        dir.to_path_buf()
    } else {
        dir.parent().map_or_else(PathBuf::new, Path::to_path_buf)
    };
    Error::new(
        ErrorKind::DuplicateNumber,
        format!("{listed} number {version} in `{}`", place.display()),
        format!(
            "they come from two branches; renumber one (rename its .toml and its .up/.down.sql to {next}_..., and run modelc makemigrations --check)"
        ),
    )
}

/// sqlx's own reading of the folder (so what runs is exactly what `sqlx migrate run` would
/// run), checked against modelc's. The lock is taken by [`migrate`] around the whole run, so
/// the migrator's own locking is off.
pub(super) async fn resolve(folder: &Folder) -> Result<Migrator, Error> {
    let mut migrator = Migrator::new(folder.dir.clone()).await.map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!(
                "sqlx cannot read the migrations in `{}`: {e}",
                folder.dir.display()
            ),
            "check that every NNNN_name.up.sql / .down.sql file is readable UTF-8",
        )
    })?;
    migrator.set_locking(false);
    let ours: BTreeSet<(i64, bool)> = folder
        .migrations
        .iter()
        .flat_map(|m| {
            let down = m.down.is_some().then_some((m.version, true));
            std::iter::once((m.version, false)).chain(down)
        })
        .collect();
    let theirs: Vec<(i64, bool)> = migrator
        .iter()
        .map(|m| (m.version, m.migration_type.is_down_migration()))
        .collect();
    if theirs.len() != ours.len() || theirs.iter().any(|m| !ours.contains(m)) {
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "the migrations in `{}` changed while they were read",
                folder.dir.display()
            ),
            "run the command again once nothing writes into the folder",
        ));
    }
    Ok(migrator)
}

/// The checksum sqlx keeps for each version: that of the up migration.
pub(super) fn up_checksums(migrator: &Migrator) -> BTreeMap<i64, &[u8]> {
    migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| (m.version, &*m.checksum))
        .collect()
}

/// The name of an applied migration from its history row: the number, zero-padded like the
/// folder's names, and sqlx's description with `_` back for spaces.
pub(super) fn recorded_name(a: &Applied, folder: &Folder) -> String {
    let width = folder
        .migrations
        .first()
        .and_then(|m| m.name.split_once('_'))
        .map_or(4, |(n, _)| n.len());
    format!(
        "{:0width$}_{}",
        a.version,
        a.description.replace(' ', "_"),
        width = width
    )
}
