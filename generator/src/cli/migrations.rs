//! The migration commands: makemigrations, sqlmigrate, migrate, showmigrations.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::ir::DialectName;
use crate::migrate::make::{self, Loaded, Made, MakeOptions};

/// Prints the diagnostics of `loaded` to stderr, ending with what could not be done.
fn report(loaded: &mut Loaded, color: bool, what: &str, outcome: &str) {
    if !loaded.diagnostics.is_empty() {
        eprint!("{}", loaded.render(color, what, outcome));
    }
}

/// `modelc makemigrations`.
pub(super) fn makemigrations(
    models: &Path,
    dir: &Path,
    opts: &MakeOptions,
    color: bool,
) -> ExitCode {
    let mut loaded = make::load(models, dir);
    let made = make::makemigrations(&mut loaded, opts);
    report(
        &mut loaded,
        color,
        "make the migration",
        "nothing was written",
    );
    let Some(made) = made else {
        return ExitCode::FAILURE;
    };
    let mut out = std::io::stdout().lock();
    let code = match made {
        Made::NoChanges { compiled } => {
            let verb = if opts.dry_run {
                "Would compile (--dry-run: nothing written)"
            } else {
                "Compiled"
            };
            for path in &compiled {
                let _ = writeln!(out, "{verb} {}", path.display());
            }
            let _ = writeln!(out, "No changes detected");
            ExitCode::SUCCESS
        }
        Made::Needed { descriptions } => {
            let _ = writeln!(out, "The models have changes that no migration holds yet:");
            for d in &descriptions {
                let _ = writeln!(out, "  - {d}");
            }
            let _ = writeln!(out, "Run `modelc makemigrations` to make the migration.");
            ExitCode::FAILURE
        }
        Made::Migration {
            name,
            files,
            descriptions,
            toml,
            written,
        } => {
            if !written {
                let _ = writeln!(
                    out,
                    "Would write migration {name} (--dry-run: nothing written):"
                );
                let _ = write!(out, "{toml}");
                for f in &files {
                    let _ = writeln!(out, "  would write {}", f.display());
                }
            } else {
                let _ = writeln!(out, "Migrations:");
                for f in &files {
                    let _ = writeln!(out, "  {}", f.display());
                }
                for d in &descriptions {
                    let _ = writeln!(out, "    - {d}");
                }
            }
            ExitCode::SUCCESS
        }
    };
    let _ = out.flush();
    code
}

/// `modelc sqlmigrate`.
pub(super) fn sqlmigrate(
    models: &Path,
    dir: &Path,
    migration: &str,
    dialect: DialectName,
    backwards: bool,
    color: bool,
) -> ExitCode {
    let mut loaded = make::load(models, dir);
    let sql = make::sqlmigrate(&mut loaded, migration, dialect, backwards);
    report(
        &mut loaded,
        color,
        &format!("print the SQL of migration `{migration}`"),
        "nothing was printed",
    );
    match sql {
        Some(sql) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(sql.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        None => ExitCode::FAILURE,
    }
}

/// `modelc migrate`: first checks that the migration files parse and that the compiled SQL
/// comes from them as they are (in a project, that is where there is a models file; the
/// models themselves need not compile), then applies.
pub(super) fn migrate(
    models: &Path,
    url: &str,
    dir: &Path,
    target: Option<&str>,
    color: bool,
) -> ExitCode {
    if models.exists() {
        let dialect = match crate::migrate::runner::dialect_of_url(url) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let (sources, diagnostics) = make::check_migrations(dir, dialect);
        if diagnostics.has_errors() {
            eprint!(
                "{}",
                make::render(
                    &diagnostics,
                    &sources,
                    color,
                    "migrate",
                    "the database was not touched"
                )
            );
            return ExitCode::FAILURE;
        }
    }
    migrate_only(url, dir, target)
}

/// `modelc migrate`: Django's output on stdout (`Applying 0001_initial... OK`), errors on
/// stderr.
pub(super) fn migrate_only(url: &str, dir: &Path, target: Option<&str>) -> ExitCode {
    use crate::migrate::runner::{self, Direction, Progress, Target};
    let target = target.map(Target::parse);
    let mut open = false;
    let mut report = |p: Progress<'_>| {
        let mut out = std::io::stdout().lock();
        let _ = match p {
            Progress::Start { direction, name } => {
                open = true;
                let verb = match direction {
                    Direction::Forwards => "Applying",
                    Direction::Backwards => "Unapplying",
                };
                write!(out, "{verb} {name}...")
            }
            Progress::Done { .. } => {
                open = false;
                writeln!(out, " OK")
            }
        };
        let _ = out.flush();
    };
    let result = runner::migrate_blocking(url, dir, target.as_ref(), &mut report);
    match result {
        Ok(done) => {
            if done.applied.is_empty() && done.unapplied.is_empty() {
                println!("No migrations to apply.");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if open {
                println!(" FAILED");
            }
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `modelc showmigrations`: `[X] 0001_initial` / `[ ] 0002_...` on stdout.
pub(super) fn showmigrations(url: &str, dir: &Path) -> ExitCode {
    use crate::migrate::runner::{self, State};
    match runner::show_blocking(url, dir) {
        Ok(listing) => {
            let mut out = String::new();
            if listing.migrations.is_empty() {
                out.push_str(&format!("(no migrations in {})\n", listing.dir.display()));
            }
            for m in &listing.migrations {
                let line = match m.state {
                    State::Applied => format!("[X] {}", m.name),
                    State::NotApplied => format!("[ ] {}", m.name),
                    State::Edited => format!(
                        "[X] {} (edited after it was applied: its checksum differs)",
                        m.name
                    ),
                    State::Dirty => format!(
                        "[!] {} (partially applied: modelc migrate says how to recover)",
                        m.name
                    ),
                    State::Missing => format!(
                        "[X] {} (applied, but its files are missing from {})",
                        m.name,
                        listing.dir.display()
                    ),
                };
                out.push_str(&line);
                out.push('\n');
            }
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
