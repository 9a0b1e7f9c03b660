//! The migrations' bad-input corpus: every case of `tests/fixtures/migrations/errors/` is a
//! small project (`models.toml`, `migrations/`) and a `command` (`makemigrations ...`,
//! `sqlmigrate ...` or `migrate`) that must fail with exact, rustc-style diagnostics, write
//! nothing, and not panic.
//!
//! The command runs as the CLI runs it, through the library: `makemigrations` and
//! `sqlmigrate` through `migrate::make`, `migrate` through its check of the migration files
//! before any database is touched (`make::check_migrations`). Each case is copied into a
//! temporary directory first, so that a command that wrongly writes cannot change the
//! fixture, and so that "nothing written" can be checked; paths in the output are shown
//! relative to the project, as a user running modelc in it sees them.
//!
//! Each case has one snapshot, `snapshots/migrate_errors__corpus@<case>.snap`: the diagnostics
//! exactly as the command prints them on stderr. To add a case, add a folder
//! `NNN_short_description/` with `command`, `models.toml` and `migrations/`. To re-bless after
//! a deliberate change to a message (cargo-insta need not be installed):
//!
//! ```text
//! INSTA_UPDATE=always cargo test -p modelc-tests --test migrate_errors
//! ```
//!
//! then read every changed snapshot before committing: each is the exact expected output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use modelc::diagnostics::Diagnostics;
use modelc::ir::DialectName;
use modelc::migrate::make::{self, Made, MakeOptions};
use modelc::migrate::runner;

/// Cases whose problem is a command-line argument, which has no place in a file: their
/// diagnostics have no span (and so no label), only a message and a help line.
const NO_PLACE: &[&str] = &[
    "049_name_bad_characters",
    "050_name_empty",
    "051_sqlmigrate_unknown_target",
];

fn corpus_dir() -> PathBuf {
    modelc_tests::repo_root().join("tests/fixtures/migrations/errors")
}

/// A copy of a case in a fresh temporary directory, removed on drop.
struct Project(PathBuf);

impl Project {
    fn copy(case: &str) -> Project {
        let dir = std::env::temp_dir().join(format!(
            "modelc-migrate-errors-{}/{case}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&corpus_dir().join(case), &dir);
        Project(dir)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir` and its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.insert(path, bytes);
            }
        }
    }
    out
}

/// What a command printed on stderr, and the diagnostics it came from.
struct Outcome {
    rendered: String,
    diagnostics: Diagnostics,
    sources: modelc::source::SourceMap,
    failed: bool,
}

/// A command line of the corpus: `makemigrations [--name N|--name=N] [--check] [--dry-run]
/// [--allow-destructive]`, `sqlmigrate MIGRATION --dialect D [--backwards]`, or `migrate
/// [TARGET] [--database URL]` (modelc's own flags, read the way clap reads them).
#[derive(Debug, Default)]
struct Args {
    command: String,
    positional: Option<String>,
    name: Option<String>,
    dialect: Option<String>,
    database: Option<String>,
    flags: Vec<String>,
}

fn parse(line: &str) -> Args {
    let mut words = line.split_whitespace();
    let mut args = Args {
        command: words.next().expect("a command").to_string(),
        ..Args::default()
    };
    while let Some(w) = words.next() {
        let mut value = |key: &str| -> Option<String> {
            match w.strip_prefix(key) {
                Some("") => Some(words.next().expect("a value").to_string()),
                Some(rest) => rest.strip_prefix('=').map(str::to_string),
                None => None,
            }
        };
        if let Some(v) = value("--name") {
            args.name = Some(v);
        } else if let Some(v) = value("--dialect") {
            args.dialect = Some(v);
        } else if let Some(v) = value("--database") {
            args.database = Some(v);
        } else if w.starts_with("--") {
            args.flags.push(w.to_string());
        } else {
            args.positional = Some(w.to_string());
        }
    }
    args
}

/// Runs `command` (the words after `modelc`) in project `dir` as the CLI does.
fn run(dir: &Path, command: &str) -> Outcome {
    let models = dir.join("models.toml");
    let migrations = dir.join("migrations");
    let args = parse(command);
    let flag = |f: &str| args.flags.iter().any(|x| x == f);
    match args.command.as_str() {
        "makemigrations" => {
            let mut loaded = make::load(&models, &migrations);
            let opts = MakeOptions {
                name: args.name.clone(),
                check: flag("--check"),
                dry_run: flag("--dry-run"),
                allow_destructive: flag("--allow-destructive"),
            };
            let made = make::makemigrations(&mut loaded, &opts);
            let failed = !matches!(made, Some(Made::NoChanges { .. } | Made::Migration { .. }));
            let rendered = loaded.render(false, "make the migration", "nothing was written");
            Outcome {
                rendered,
                diagnostics: loaded.diagnostics,
                sources: loaded.sources,
                failed,
            }
        }
        "sqlmigrate" => {
            let migration = args.positional.clone().expect("a migration");
            let dialect = args
                .dialect
                .as_deref()
                .and_then(DialectName::parse)
                .expect("--dialect");
            let mut loaded = make::load(&models, &migrations);
            let sql = make::sqlmigrate(&mut loaded, &migration, dialect, flag("--backwards"));
            let rendered = loaded.render(
                false,
                &format!("print the SQL of migration `{migration}`"),
                "nothing was printed",
            );
            Outcome {
                rendered,
                diagnostics: loaded.diagnostics,
                sources: loaded.sources,
                failed: sql.is_none(),
            }
        }
        "migrate" => {
            let url = args
                .database
                .clone()
                .unwrap_or_else(|| runner::DEFAULT_DATABASE.to_string());
            let dialect = runner::dialect_of_url(&url).expect("a database URL");
            let (sources, diagnostics) = make::check_migrations(&migrations, dialect);
            let rendered = make::render(
                &diagnostics,
                &sources,
                false,
                "migrate",
                "the database was not touched",
            );
            Outcome {
                failed: diagnostics.has_errors(),
                rendered,
                diagnostics,
                sources,
            }
        }
        other => panic!("`{command}`: `{other}` is not a migration command"),
    }
}

/// What holds for every case: it fails; every diagnostic has a help line, and (unless its
/// problem is a command-line argument) a place and a label, rendered as `--> file:line:col`;
/// the last line says what could not be done.
fn assert_well_reported(case: &str, dir: &Path, out: &Outcome, shown: &str) {
    assert!(out.failed, "{case} did not fail:\n{shown}");
    assert!(
        out.diagnostics.has_errors(),
        "{case}: failed without an error:\n{shown}"
    );
    for d in out.diagnostics.iter() {
        assert!(d.help.is_some(), "{case}: no help for `{}`", d.message);
        let Some(span) = d.span else {
            assert!(
                NO_PLACE.contains(&case),
                "{case}: no place for `{}`",
                d.message
            );
            continue;
        };
        assert!(d.label.is_some(), "{case}: no label for `{}`", d.message);
        let file = out.sources.file(span.file);
        let (line, col) = file.line_col(span.start);
        let path = Path::new(file.path.as_str());
        let shown_path = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        let location = format!("--> {shown_path}:{line}:{col}\n");
        assert!(
            shown.contains(&location),
            "{case}: `{location}` missing for `{}`:\n{shown}",
            d.message
        );
    }
    let errors = out.diagnostics.error_count();
    let last = shown.lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: could not ")
            && last.contains(&format!(
                " due to {errors} previous error{}",
                if errors == 1 { "" } else { "s" }
            )),
        "{case}: summary line `{last}`"
    );
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("the corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn corpus() {
    let mut failures = Vec::new();
    for case in cases() {
        let fixture = corpus_dir().join(&case);
        let command = std::fs::read_to_string(fixture.join("command"))
            .unwrap_or_else(|e| panic!("{case}/command: {e}"));
        let project = Project::copy(&case);
        let before = tree(&project.0);
        let result = std::panic::catch_unwind(|| {
            let out = run(&project.0, command.trim());
            let prefix = format!("{}/", project.0.display());
            let shown = out.rendered.replace(&prefix, "");
            assert_well_reported(&case, &project.0, &out, &shown);
            assert_eq!(
                tree(&project.0),
                before,
                "{case}: files were written or changed"
            );
            insta::with_settings!({
                snapshot_suffix => case.as_str(),
                input_file => fixture.join("command"),
                description => command.trim(),
                omit_expression => true,
            }, {
                insta::assert_snapshot!("corpus", shown);
            });
        });
        if result.is_err() {
            failures.push(case);
        }
    }
    assert!(failures.is_empty(), "failing cases: {failures:?}");
}

#[test]
fn corpus_is_large_and_named_by_case() {
    let names = cases();
    assert!(names.len() >= 25, "{} cases", names.len());
    for name in &names {
        let (number, rest) = name.split_at(3.min(name.len()));
        assert!(
            number.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with('_') && rest.len() > 1,
            "`{name}` is not NNN_short_description"
        );
        let dir = corpus_dir().join(name);
        assert!(dir.join("command").is_file(), "{name}: no command");
        assert!(dir.join("models.toml").is_file(), "{name}: no models.toml");
    }
    for case in NO_PLACE {
        assert!(names.iter().any(|n| n == case), "NO_PLACE names `{case}`");
    }
}
