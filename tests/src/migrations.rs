//! Migrations on real databases: a models project in a temporary directory, `makemigrations`
//! through the library, `migrate` through the runner, and what a test compares afterwards (the
//! catalog against fresh DDL, and every row).
//!
//! ```no_run
//! # async fn demo() {
//! use modelc::ir::DialectName;
//! use modelc_tests::db::TestDb;
//! use modelc_tests::migrations::{self, Project};
//!
//! let Some(mut db) = TestDb::create("demo", DialectName::Sqlite).await else { return };
//! let project = Project::new("demo");
//! project.write_models("[models.Book.fields]\ntitle = { type = \"char\", max_length = 9 }\n");
//! let first = project.make(false); // "0001_initial"
//! migrations::migrate(&db, &project, None).await;
//! let catalog = migrations::schema_catalog(&mut db).await;
//! let rows = migrations::read_rows(&mut db, &catalog).await;
//! # }
//! ```
//!
//! - [`schema_catalog`] is the catalog without sqlx's history table and with each table's
//!   columns in name order: a column added by a migration comes last, as in Django, where
//!   fresh DDL puts it in field order; everything else is compared as the catalog reports it.
//! - [`fresh_catalog`] is the catalog fresh DDL of a models text makes, in a database that is
//!   emptied again afterwards, so one database serves for several models.
//! - [`read_rows`] reads every row of every table, each value cast to text by the database,
//!   keyed by primary key; [`check_rows`] says which rows or values of one snapshot another
//!   lost or changed, through the renames of a migration.

mod rows;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use modelc::ir::DialectName;
use modelc::migrate::make::{self, Made, MakeOptions};
use modelc::migrate::runner::{self, Report, Target};

use crate::catalog::{self, Catalog, Table};
use crate::db::{TestDb, compile};

pub use rows::{Renames, Rows, TableRows, check_rows, read_rows, rows_diff, run_sql, statements};

/// A project in a directory of its own (`models.toml`, `migrations/`), removed when dropped.
#[derive(Debug)]
pub struct Project {
    dir: PathBuf,
}

impl Project {
    /// An empty project for test `tag`.
    pub fn new(tag: &str) -> Project {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "modelc-migrations-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        Project { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn models(&self) -> PathBuf {
        self.dir.join("models.toml")
    }

    /// The migrations folder (the runner's root: `<dialect>/` folders inside).
    pub fn migrations(&self) -> PathBuf {
        self.dir.join("migrations")
    }

    pub fn write_models(&self, text: &str) {
        std::fs::write(self.models(), text).expect("write models.toml");
    }

    /// Writes a file into the migrations folder (a hand-written migration).
    pub fn write_migration(&self, file_name: &str, text: &str) {
        std::fs::create_dir_all(self.migrations()).expect("create migrations/");
        std::fs::write(self.migrations().join(file_name), text).expect("write the migration");
    }

    /// Runs `makemigrations` on the models as they are now.
    ///
    /// # Panics
    /// When it reports errors, with them rendered.
    pub fn makemigrations(&self, allow_destructive: bool) -> Made {
        let mut loaded = make::load(&self.models(), &self.migrations());
        let opts = MakeOptions {
            allow_destructive,
            ..MakeOptions::default()
        };
        let made = make::makemigrations(&mut loaded, &opts);
        match made {
            Some(made) if !loaded.diagnostics.has_errors() => made,
            _ => panic!(
                "makemigrations failed:\n{}",
                loaded.diagnostics.render(&loaded.sources, false)
            ),
        }
    }

    /// Runs `makemigrations` and returns the new migration's name (`0002_book_add_isbn`).
    ///
    /// # Panics
    /// When it fails or finds no changes.
    pub fn make(&self, allow_destructive: bool) -> String {
        match self.makemigrations(allow_destructive) {
            Made::Migration { name, .. } => name,
            other => panic!("makemigrations made no migration: {other:?}"),
        }
    }

    /// `sqlmigrate`: the SQL of a migration, or the rendered errors.
    pub fn sqlmigrate(
        &self,
        target: &str,
        dialect: DialectName,
        backwards: bool,
    ) -> Result<String, String> {
        let mut loaded = make::load(&self.models(), &self.migrations());
        make::sqlmigrate(&mut loaded, target, dialect, backwards)
            .ok_or_else(|| loaded.diagnostics.render(&loaded.sources, false))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Migrates `db` with the project's migrations (to the latest, or to `target`).
pub async fn try_migrate(
    db: &TestDb,
    project: &Project,
    target: Option<&str>,
) -> Result<Report, runner::Error> {
    let target = target.map(Target::parse);
    runner::migrate(
        db.url(),
        &project.migrations(),
        target.as_ref(),
        &mut |_| {},
    )
    .await
}

/// [`try_migrate`], expecting success.
///
/// # Panics
/// When migrating fails, with the error and the SQL of the migrations of the dialect.
pub async fn migrate(db: &TestDb, project: &Project, target: Option<&str>) -> Report {
    match try_migrate(db, project, target).await {
        Ok(r) => r,
        Err(e) => panic!(
            "{}: migrate to {} failed:\n{e}\n\n{}",
            db.dialect(),
            target.unwrap_or("the latest"),
            sql_of(project, db.dialect())
        ),
    }
}

/// Every SQL file of a dialect's folder, with its name, for failure messages.
pub fn sql_of(project: &Project, dialect: DialectName) -> String {
    let dir = project.migrations().join(dialect.as_str());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = String::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        out.push_str(&format!(
            "==> {} <==\n{text}\n",
            f.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    out
}

/// The catalog of `db` without sqlx's history table, each table's columns in name order.
pub async fn schema_catalog(db: &mut TestDb) -> Catalog {
    let mut c = catalog::read(db).await.expect("read the catalog");
    c.tables.remove(runner::HISTORY_TABLE);
    for t in c.tables.values_mut() {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    c
}

/// The catalog that fresh DDL of `models` (a models.toml text) makes: applied statement by
/// statement to `db`, which must hold no table, read, and dropped again.
pub async fn fresh_catalog(db: &mut TestDb, models: &str) -> Catalog {
    let compilation = compile("models.toml", models);
    let schema = compilation.schema.as_ref().expect("compiled");
    db.apply(schema).await;
    let c = schema_catalog(db).await;
    wipe(db, &c).await;
    c
}

/// Drops every table of `catalog` from `db`, foreign keys off.
pub async fn wipe(db: &mut TestDb, catalog: &Catalog) {
    let dialect = db.dialect();
    let statements: Vec<String> = match dialect {
        DialectName::Postgres => vec![
            "DROP SCHEMA public CASCADE".into(),
            "CREATE SCHEMA public".into(),
        ],
        DialectName::MySql | DialectName::Sqlite => {
            let (off, on) = if dialect == DialectName::MySql {
                ("SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1")
            } else {
                ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON")
            };
            let mut out = vec![off.to_string()];
            out.extend(
                catalog
                    .tables
                    .keys()
                    .map(|t| format!("DROP TABLE {}", quote(dialect, t))),
            );
            out.push(on.into());
            out
        }
    };
    for s in statements {
        db.execute(&s)
            .await
            .unwrap_or_else(|e| panic!("{dialect}: {s}: {e}"));
    }
}

/// An identifier quoted for `dialect`.
pub fn quote(dialect: DialectName, ident: &str) -> String {
    match dialect {
        DialectName::MySql => format!("`{}`", ident.replace('`', "``")),
        _ => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

/// One line per fact of a table, for diffs.
fn table_lines(t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = &t.comment {
        out.push(format!("comment {c:?}"));
    }
    for c in &t.columns {
        let mut line = format!("column {} {}", c.name, c.data_type);
        if let Some(n) = c.max_length {
            line.push_str(&format!(" max_length={n}"));
        }
        if let Some((p, s)) = c.numeric {
            line.push_str(&format!(" numeric=({p},{s})"));
        }
        if let Some(p) = c.datetime_precision {
            line.push_str(&format!(" precision={p}"));
        }
        line.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
        if let Some(d) = &c.default {
            line.push_str(&format!(" DEFAULT {d}"));
        }
        if c.auto_increment {
            line.push_str(" auto_increment");
        }
        if let Some(m) = &c.comment {
            line.push_str(&format!(" comment {m:?}"));
        }
        out.push(line);
    }
    if !t.primary_key.is_empty() {
        out.push(format!("primary key ({})", t.primary_key.join(", ")));
    }
    for u in &t.uniques {
        out.push(format!(
            "unique {} ({})",
            u.name.as_deref().unwrap_or("(unnamed)"),
            u.columns.join(", ")
        ));
    }
    for f in &t.foreign_keys {
        out.push(format!(
            "foreign key {} ({}) -> {} ({}) ON DELETE {}{}",
            if f.name.is_empty() {
                "(unnamed)"
            } else {
                &f.name
            },
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", "),
            f.on_delete,
            match f.deferred {
                Some(true) => " DEFERRABLE INITIALLY DEFERRED",
                Some(false) => " NOT DEFERRABLE",
                None => "",
            }
        ));
    }
    for i in &t.indexes {
        let cols: Vec<String> = i
            .columns
            .iter()
            .map(|c| {
                let mut s = c.name.clone();
                if let Some(o) = &c.opclass {
                    s.push_str(&format!(" {o}"));
                }
                if c.descending {
                    s.push_str(" DESC");
                }
                s
            })
            .collect();
        out.push(format!(
            "{}index {} ({}){}",
            if i.unique { "unique " } else { "" },
            i.name,
            cols.join(", "),
            i.predicate
                .as_ref()
                .map_or(String::new(), |p| format!(" WHERE {p}"))
        ));
    }
    for c in &t.checks {
        out.push(format!(
            "check {}: {}",
            c.name.as_deref().unwrap_or("(unnamed)"),
            c.expression
        ));
    }
    out
}

/// `-`/`+` lines per table where `actual` differs from `expected`; empty when they are equal.
pub fn catalog_diff(expected: &Catalog, actual: &Catalog) -> String {
    let mut out = String::new();
    let names: BTreeSet<&String> = expected.tables.keys().chain(actual.tables.keys()).collect();
    for name in names {
        match (expected.tables.get(name), actual.tables.get(name)) {
            (Some(_), None) => out.push_str(&format!("- table {name} (missing)\n")),
            (None, Some(_)) => out.push_str(&format!("+ table {name} (unexpected)\n")),
            (Some(e), Some(a)) => {
                let (e, a) = (table_lines(e), table_lines(a));
                let missing: Vec<&String> = e.iter().filter(|l| !a.contains(l)).collect();
                let extra: Vec<&String> = a.iter().filter(|l| !e.contains(l)).collect();
                if missing.is_empty() && extra.is_empty() {
                    continue;
                }
                out.push_str(&format!("table {name}:\n"));
                for l in missing {
                    out.push_str(&format!("  - {l}\n"));
                }
                for l in extra {
                    out.push_str(&format!("  + {l}\n"));
                }
            }
            (None, None) => {}
        }
    }
    if out.is_empty() && expected != actual {
        // Equal as lines but not as values: show both.
        out = format!("expected {expected:#?}\nactual {actual:#?}\n");
    }
    out
}

/// Asserts that two catalogs are equal, with a diff (`-` expected and missing, `+` there and
/// not expected) when they are not.
pub fn assert_same(what: &str, expected: &Catalog, actual: &Catalog) {
    let diff = catalog_diff(expected, actual);
    assert!(
        diff.is_empty(),
        "{what}: the catalogs differ (- expected, missing; + present, not expected):\n{diff}"
    );
}
