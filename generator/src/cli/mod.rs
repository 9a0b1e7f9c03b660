//! The command line. Doc comments on the clap types are the `--help` text.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::ir::DialectName;

mod migrations;
use crate::{Compilation, compile_file};

/// modelc compiles Django-style models (models.toml) into SQL DDL for PostgreSQL,
/// MySQL/MariaDB and SQLite.
///
/// Every command reads ./models.toml unless --models names another file. Problems are
/// reported rustc-style with file, line and column; the exit code is 1 when there are
/// errors, and nothing is written then.
#[derive(Debug, Parser)]
#[command(name = "modelc", version, propagate_version = true)]
pub struct Cli {
    /// The models file to read.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        default_value = "models.toml"
    )]
    pub models: PathBuf,

    /// When to color diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    /// Color when stderr is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    /// PostgreSQL 12 or later.
    Postgres,
    /// MySQL 8.0.16+ and MariaDB 10.5+.
    Mysql,
    /// SQLite 3.35 or later.
    Sqlite,
}

impl From<Dialect> for DialectName {
    fn from(d: Dialect) -> Self {
        match d {
            Dialect::Postgres => DialectName::Postgres,
            Dialect::Mysql => DialectName::MySql,
            Dialect::Sqlite => DialectName::Sqlite,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the models and report every problem (like Django's `manage.py check`).
    ///
    /// Checks types and options, relations and their on_delete rules, reverse accessor
    /// clashes, names and their length limits, Meta references and expressions, and what
    /// each dialect in [project] dialects can express. Exit code 0 when there are no errors
    /// (warnings are printed), 1 otherwise.
    Check,

    /// Print the DDL that creates the schema (CREATE TABLE, indexes, foreign keys).
    ///
    /// With --dialect, prints that dialect's SQL on stdout. With --out DIR, writes one file
    /// per dialect (DIR/postgres.sql, DIR/mysql.sql, DIR/sqlite.sql) for the dialects given
    /// with --dialect, or for every dialect of [project] dialects. Nothing is written when the
    /// models have errors.
    Sql {
        /// The dialect to compile to (repeat it with --out for several).
        #[arg(long, value_enum)]
        dialect: Vec<Dialect>,

        /// Write one <dialect>.sql file per dialect into this directory instead of stdout.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },

    /// Create the schema in an empty database (no migration history).
    ///
    /// Compiles the models and runs the DDL against the database: DATABASE_URL, or --database,
    /// or the embedded SQLite file db.sqlite3 (created on first use). Refuses a database that
    /// already has any of the tables. On PostgreSQL and SQLite everything runs in one
    /// transaction; MySQL commits DDL statement by statement.
    Apply {
        /// Database URL: postgres://..., mysql://... or sqlite://FILE.
        #[arg(
            long,
            value_name = "URL",
            env = "DATABASE_URL",
            default_value = "sqlite://db.sqlite3"
        )]
        database: String,
    },

    /// Make the next migration from the changes in the models (Django's `makemigrations`).
    ///
    /// Replays migrations/*.toml into the state of the models they describe, compares it
    /// with the models, and writes the difference as the next migration:
    /// migrations/NNNN_name.toml (the operations) and, for each dialect of [project]
    /// dialects, migrations/<dialect>/NNNN_name.up.sql and .down.sql, all or nothing. Renames
    /// are declared with renamed_from; a field or model that looks renamed but is not
    /// declared so stops it, as does anything that would lose data (a dropped table or
    /// column, a narrowed type, NOT NULL on a nullable column, a new NOT NULL column without
    /// a default) unless --allow-destructive. Also compiles the SQL of existing migrations
    /// that lack it for a dialect.
    Makemigrations {
        /// The migration's name after its number (default: made from its operations).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,

        /// Write nothing; exit 1 if the models have changes no migration holds yet (for CI).
        #[arg(long)]
        check: bool,

        /// Print what would be written, write nothing.
        #[arg(long)]
        dry_run: bool,

        /// Allow operations that drop tables or columns or may not convert every value.
        #[arg(long)]
        allow_destructive: bool,

        #[command(flatten)]
        migrations: MigrationsArg,
    },

    /// Print the SQL of a migration for one dialect (Django's `sqlmigrate`).
    ///
    /// Compiles migration MIGRATION (its number, 0002, or its full name) from the state the
    /// migrations before it leave: the up SQL, or with --backwards the down SQL. The text is
    /// that of migrations/<dialect>/NNNN_name.up.sql (.down.sql).
    Sqlmigrate {
        /// The migration: its number (0002) or full name (0002_product_add_slug).
        #[arg(value_name = "MIGRATION")]
        migration: String,

        /// The dialect to compile to.
        #[arg(long, value_enum)]
        dialect: Dialect,

        /// The down SQL instead of the up SQL.
        #[arg(long)]
        backwards: bool,

        #[command(flatten)]
        migrations: MigrationsArg,
    },

    /// Apply the migrations to a database, or unapply them back to TARGET (Django's `migrate`).
    ///
    /// Reads the compiled migrations of the database's dialect, `migrations/<dialect>/`
    /// (next to the models file unless --migrations names another folder), and runs them
    /// with sqlx's migrator: its history table _sqlx_migrations, its checksums and its lock,
    /// so `sqlx migrate run` and `sqlx::migrate!` agree with it. Without TARGET, applies every
    /// migration not yet applied. With TARGET, unapplies the applied migrations after it
    /// through their down migrations (newest first) and applies those up to it.
    ///
    /// Before anything runs, refuses (exit code 1, database unchanged) a partially applied
    /// (dirty) migration, an applied migration whose file is missing or was edited, two
    /// migrations with one number, a TARGET that does not exist, and going back past a
    /// migration without a down file. PostgreSQL and SQLite run each migration in one
    /// transaction; MySQL/MariaDB commit DDL statement by statement.
    Migrate {
        /// The migration to end at: its number (0002), its full name (0002_product_add_slug),
        /// or zero to unapply every migration. Default: the latest.
        #[arg(value_name = "TARGET")]
        target: Option<String>,

        #[command(flatten)]
        database: DatabaseArg,

        #[command(flatten)]
        migrations: MigrationsArg,
    },

    /// List the migrations and whether each is applied on a database (Django's `showmigrations`).
    ///
    /// One line per migration of `migrations/<dialect>/`, in order: `[X] 0001_initial` when it
    /// is applied, `[ ] 0002_...` when not. Also marks an applied migration that was edited
    /// since, one that is partially applied (dirty), and one applied whose files are missing.
    /// Reads only: a SQLite file that does not exist is shown as empty and is not created.
    Showmigrations {
        #[command(flatten)]
        database: DatabaseArg,

        #[command(flatten)]
        migrations: MigrationsArg,
    },

    /// Generate code from the models.
    #[command(subcommand)]
    Generate(Generate),
}

/// What `modelc generate` makes.
#[derive(Debug, Subcommand)]
pub enum Generate {
    /// Typed Rust for one database: per model a struct (sqlx::FromRow, serde), a New struct,
    /// an enum per choices field, and repository methods on sqlx (insert, insert_many, get,
    /// list, count, update, delete, filter_by_<fk>, fetch_<fk>, list_/add_/remove_<m2m>).
    ///
    /// The database is --dialect, else [generate.rust] dialect, else sqlite; it must be one
    /// of [project] dialects. Templates in the folder named by [generate.rust] templates
    /// (relative to the models file) override the built-in ones by name: file.rs.jinja,
    /// model.rs.jinja, choices.rs.jinja, repository.rs.jinja; a .jinja file named otherwise
    /// is an error. Like modelc::build() in build.rs, it refuses models with changes that no
    /// migration holds (makemigrations --check), unless [generate.rust] unmigrated = "warn"
    /// (a warning) or "ignore" (the migrations are not read), or --allow-unmigrated. Exit
    /// code 1 on errors; the file is written whole, or not at all.
    Rust {
        /// The database the code is for.
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,

        /// The file to write (stdout without it).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,

        /// Generate even when the models have changes no migration holds (with a warning),
        /// as [generate.rust] unmigrated = "warn" does.
        #[arg(long)]
        allow_unmigrated: bool,

        #[command(flatten)]
        migrations: MigrationsArg,
    },
}

/// The database a command works on.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArg {
    /// Database URL: postgres://..., mysql://... (MariaDB too) or sqlite://FILE.
    #[arg(
        long,
        value_name = "URL",
        env = "DATABASE_URL",
        default_value = crate::migrate::runner::DEFAULT_DATABASE
    )]
    pub database: String,
}

/// Where the migrations are.
#[derive(Debug, Clone, Args)]
pub struct MigrationsArg {
    /// The migrations folder [default: migrations/ next to the models file].
    #[arg(long, value_name = "DIR")]
    pub migrations: Option<PathBuf>,
}

impl MigrationsArg {
    /// The folder: --migrations, else `migrations` in the directory of the models file.
    pub fn dir(&self, models: &Path) -> PathBuf {
        match &self.migrations {
            Some(dir) => dir.clone(),
            None => models
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join("migrations"),
        }
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    run(cli)
}

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    }
}

/// Compiles the models and prints diagnostics; `None` when there were errors.
fn compile(models: &Path, color: bool) -> Option<Compilation> {
    let c = compile_file(models);
    if !c.diagnostics.is_empty() {
        eprint!("{}", c.render_diagnostics(color));
    }
    c.is_ok().then_some(c)
}

pub fn run(cli: Cli) -> ExitCode {
    let color = use_color(cli.color);
    match cli.command {
        Command::Check => match compile(&cli.models, color) {
            Some(c) => {
                let schema = c.schema.as_ref().map_or(0, |s| s.models.len());
                eprintln!("{}: {} models, no errors", cli.models.display(), schema);
                ExitCode::SUCCESS
            }
            None => ExitCode::FAILURE,
        },
        Command::Sql { dialect, out } => {
            let Some(c) = compile(&cli.models, color) else {
                return ExitCode::FAILURE;
            };
            let Some(schema) = c.schema.as_ref() else {
                return ExitCode::FAILURE;
            };
            let dialects: Vec<DialectName> = if dialect.is_empty() {
                schema.project.dialects.clone()
            } else {
                dialect.into_iter().map(DialectName::from).collect()
            };
            if let Some(d) = dialects
                .iter()
                .find(|d| !schema.project.dialects.contains(d))
            {
                eprintln!(
                    "error: {d} is not one of the dialects the models are checked for ([project] dialects = {:?})\n  = help: add \"{d}\" to [project] dialects so modelc can check what it can express",
                    schema
                        .project
                        .dialects
                        .iter()
                        .map(|d| d.as_str())
                        .collect::<Vec<_>>()
                );
                return ExitCode::FAILURE;
            }
            match out {
                None => {
                    let [only] = dialects.as_slice() else {
                        eprintln!(
                            "error: stdout takes one dialect\n  = help: pass --dialect postgres|mysql|sqlite, or --out DIR to write one file per dialect"
                        );
                        return ExitCode::FAILURE;
                    };
                    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                    if crate::ddl::write_schema(schema, *only, &mut stdout)
                        .and_then(|_| stdout.flush())
                        .is_err()
                    {
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
                Some(dir) => {
                    let paths: Vec<PathBuf> = dialects
                        .iter()
                        .map(|d| dir.join(format!("{d}.sql")))
                        .collect();
                    // Every dialect in one pass over the models; all files or none.
                    let written = crate::output::write_together(&paths, |outs| {
                        let mut pairs: Vec<(DialectName, &mut dyn Write)> = dialects
                            .iter()
                            .copied()
                            .zip(outs.iter_mut().map(|o| o as &mut dyn Write))
                            .collect();
                        crate::ddl::write_schemas(schema, &mut pairs)
                    });
                    match written {
                        Ok(()) => {
                            for path in &paths {
                                eprintln!("wrote {}", path.display());
                            }
                            ExitCode::SUCCESS
                        }
                        Err(e) => {
                            eprintln!(
                                "error: cannot write into `{}`: {e}\n  = help: check that the directory can be created and written",
                                dir.display()
                            );
                            ExitCode::FAILURE
                        }
                    }
                }
            }
        }
        Command::Apply { database } => {
            let Some(c) = compile(&cli.models, color) else {
                return ExitCode::FAILURE;
            };
            let Some(schema) = c.schema.as_ref() else {
                return ExitCode::FAILURE;
            };
            match crate::apply::apply_blocking(schema, &database) {
                Ok(report) => {
                    eprintln!("{report}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Makemigrations {
            name,
            check,
            dry_run,
            allow_destructive,
            migrations,
        } => {
            let opts = crate::migrate::make::MakeOptions {
                name,
                check,
                dry_run,
                allow_destructive,
            };
            migrations::makemigrations(&cli.models, &migrations.dir(&cli.models), &opts, color)
        }
        Command::Sqlmigrate {
            migration,
            dialect,
            backwards,
            migrations,
        } => migrations::sqlmigrate(
            &cli.models,
            &migrations.dir(&cli.models),
            &migration,
            dialect.into(),
            backwards,
            color,
        ),
        Command::Migrate {
            target,
            database,
            migrations,
        } => migrations::migrate(
            &cli.models,
            &database.database,
            &migrations.dir(&cli.models),
            target.as_deref(),
            color,
        ),
        Command::Showmigrations {
            database,
            migrations,
        } => migrations::showmigrations(&database.database, &migrations.dir(&cli.models)),
        Command::Generate(Generate::Rust {
            dialect,
            out,
            allow_unmigrated,
            migrations,
        }) => generate_rust(
            &cli.models,
            dialect.map(DialectName::from),
            out.as_deref(),
            allow_unmigrated,
            migrations.dir(&cli.models),
            color,
        ),
    }
}

fn generate_rust(
    models: &Path,
    dialect: Option<DialectName>,
    out: Option<&Path>,
    allow_unmigrated: bool,
    migrations: PathBuf,
    color: bool,
) -> ExitCode {
    use crate::codegen::build::{Request, generate};
    let req = Request {
        models: models.to_path_buf(),
        dialect,
        unmigrated: None,
        allow_unmigrated,
        migrations: Some(migrations),
        color,
    };
    match generate(&req) {
        Err(message) => {
            eprint!("{message}");
            ExitCode::FAILURE
        }
        Ok(g) => {
            for w in &g.warnings {
                eprintln!("warning: {}", w.trim_end());
            }
            match out {
                Some(path) => {
                    let file = crate::output::OutputFile::text(path.to_path_buf(), g.code);
                    if let Err(e) = crate::output::write_all_or_nothing(&[file]) {
                        eprintln!("error: cannot write `{}`: {e}", path.display());
                        return ExitCode::FAILURE;
                    }
                    eprintln!("wrote {} (Rust for {})", path.display(), g.dialect);
                    ExitCode::SUCCESS
                }
                None => {
                    let mut stdout = std::io::stdout().lock();
                    if stdout
                        .write_all(g.code.as_bytes())
                        .and_then(|()| stdout.flush())
                        .is_err()
                    {
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
            }
        }
    }
}
