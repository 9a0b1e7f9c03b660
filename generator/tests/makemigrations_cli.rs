//! `modelc makemigrations`, `sqlmigrate` and the refusals of `migrate` as a user runs them:
//! exit codes, stdout and stderr, and the files written, or not.
//!
//! Every project is made here, in a temporary directory, from a small models.toml. Databases
//! are SQLite files; the one PostgreSQL URL (an unreachable server) needs no server, so no
//! test here skips.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn modelc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelc"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run modelc")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit code, stdout and stderr of a run.
#[track_caller]
fn expect(out: &Output, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (
            out.status.code(),
            text(&out.stdout).as_str(),
            text(&out.stderr).as_str()
        ),
        (Some(code), stdout, stderr)
    );
}

/// Asserts a run failed with exit code 1, printed nothing on stdout, and said `needle`.
#[track_caller]
fn refused(out: &Output, needle: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(text(&out.stdout), "", "{err}");
    assert!(err.contains(needle), "`{needle}` not in:\n{err}");
    err
}

const MODELS: &str = r#"[project]
app = "shop"
dialects = ["postgres", "mysql", "sqlite"]

[models.Author.fields]
name = { type = "char", max_length = 100 }

[models.Book.fields]
title  = { type = "char", max_length = 100 }
pages  = { type = "integer" }
author = { type = "foreign_key", to = "Author", on_delete = "cascade" }
"#;

/// A project in a fresh temporary directory, removed when dropped.
struct Project(PathBuf);

impl Project {
    fn new(name: &str, models: &str) -> Project {
        let dir = std::env::temp_dir().join(format!(
            "modelc-makemigrations-cli-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("models.toml"), models).unwrap();
        Project(dir)
    }

    /// A project with its first migration made.
    fn initial(name: &str, models: &str) -> Project {
        let p = Project::new(name, models);
        let out = p.run(&["makemigrations"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        p
    }

    fn run(&self, args: &[&str]) -> Output {
        modelc(&self.0, args)
    }

    /// Replaces `old` by `new` in models.toml.
    fn edit_models(&self, old: &str, new: &str) {
        self.edit("models.toml", old, new);
    }

    fn edit(&self, file: &str, old: &str, new: &str) {
        let path = self.0.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "`{old}` not in {file}");
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    /// Every file of the project (paths relative to it) and its bytes.
    fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.0.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(&self.0).unwrap().display().to_string();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    /// The files of the migrations folder, relative to it, sorted.
    fn migration_files(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tree()
            .into_keys()
            .filter_map(|p| p.strip_prefix("migrations/").map(str::to_string))
            .collect();
        names.sort();
        names
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The files one migration is made of, in the order makemigrations lists them.
fn files_of(name: &str) -> String {
    let mut out = format!("  migrations/{name}.toml\n");
    for d in ["postgres", "mysql", "sqlite"] {
        out.push_str(&format!(
            "  migrations/{d}/{name}.up.sql\n  migrations/{d}/{name}.down.sql\n"
        ));
    }
    out
}

#[test]
fn makemigrations_explains_itself() {
    let p = Project::new("help", MODELS);
    for (cmd, needles) in [
        (
            "makemigrations",
            &[
                "--name <NAME>",
                "--check",
                "--dry-run",
                "--allow-destructive",
                "renamed_from",
                "--migrations <DIR>",
            ][..],
        ),
        (
            "sqlmigrate",
            &["<MIGRATION>", "--dialect <DIALECT>", "--backwards"],
        ),
    ] {
        let out = p.run(&[cmd, "--help"]);
        assert!(out.status.success());
        let help = text(&out.stdout);
        for needle in needles {
            assert!(help.contains(needle), "{cmd}: {needle}: {help}");
        }
    }
}

/// The first migration, `--check` and `--dry-run` before and after, `--name`, and "No
/// changes detected" right after each migration.
#[test]
fn a_session_like_django() {
    let p = Project::new("session", MODELS);
    let models_only = p.tree();

    // --check: exit 1 and what the migration would do; nothing written.
    expect(
        &p.run(&["makemigrations", "--check"]),
        1,
        "The models have changes that no migration holds yet:\n  - Create model Author\n  - Create model Book\nRun `modelc makemigrations` to make the migration.\n",
        "",
    );
    assert_eq!(p.tree(), models_only, "--check writes nothing");

    // --dry-run: the file it would write, and where; nothing written.
    let dry = p.run(&["makemigrations", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert_eq!(text(&dry.stderr), "");
    assert_eq!(p.tree(), models_only, "--dry-run writes nothing");
    assert!(!p.0.join("migrations").exists());
    let dry = text(&dry.stdout);
    let toml = dry
        .strip_prefix("Would write migration 0001_initial (--dry-run: nothing written):\n")
        .and_then(|rest| rest.split_once("  would write "))
        .map(|(toml, _)| toml.to_string())
        .unwrap_or_else(|| panic!("{dry}"));
    assert!(
        dry.ends_with(
            &files_of("0001_initial").replace("  migrations/", "  would write migrations/")
        ),
        "{dry}"
    );

    // The migration, all of its files; the .toml is what --dry-run showed.
    expect(
        &p.run(&["makemigrations"]),
        0,
        &format!(
            "Migrations:\n{}    - Create model Author\n    - Create model Book\n",
            files_of("0001_initial")
        ),
        "",
    );
    assert_eq!(p.read("migrations/0001_initial.toml"), toml);
    assert_eq!(p.migration_files().len(), 7, "{:?}", p.migration_files());

    // Right after: nothing to do, nothing written; --check agrees (exit 0).
    let made = p.tree();
    expect(&p.run(&["makemigrations"]), 0, "No changes detected\n", "");
    expect(
        &p.run(&["makemigrations", "--check"]),
        0,
        "No changes detected\n",
        "",
    );
    assert_eq!(p.tree(), made);

    // A change: --check fails again; --name names the migration.
    p.edit_models(
        "pages  = { type = \"integer\" }\n",
        "pages  = { type = \"integer\" }\nyear   = { type = \"integer\", null = true }\n",
    );
    expect(
        &p.run(&["makemigrations", "--check"]),
        1,
        "The models have changes that no migration holds yet:\n  - Add field year to book\nRun `modelc makemigrations` to make the migration.\n",
        "",
    );
    expect(
        &p.run(&["makemigrations", "--name", "book_year"]),
        0,
        &format!(
            "Migrations:\n{}    - Add field year to book\n",
            files_of("0002_book_year")
        ),
        "",
    );
    assert!(
        p.read("migrations/0002_book_year.toml")
            .contains("field.year = { type = \"integer\", null = true }")
    );
    expect(&p.run(&["makemigrations"]), 0, "No changes detected\n", "");
    expect(
        &p.run(&["makemigrations", "--check"]),
        0,
        "No changes detected\n",
        "",
    );
}

#[test]
fn a_bad_name_is_refused_and_nothing_is_written() {
    let p = Project::initial("bad-name", MODELS);
    p.edit_models(
        "pages  = { type = \"integer\" }\n",
        "pages  = { type = \"integer\" }\nyear   = { type = \"integer\", null = true }\n",
    );
    let before = p.tree();
    for (name, message) in [
        (
            "book-year",
            "error: --name `book-year` cannot name a migration: it contains `-`\n",
        ),
        (
            "book year",
            "error: --name `book year` cannot name a migration: it contains ` `\n",
        ),
        (
            "../book",
            "error: --name `../book` cannot name a migration: it contains `.`\n",
        ),
        ("", "error: --name cannot be empty\n"),
    ] {
        let out = p.run(&["makemigrations", "--name", name]);
        expect(
            &out,
            1,
            "",
            &format!(
                "{message} |\n = help: use 1 to 200 ASCII letters, digits and `_`, e.g. --name product_add_slug\n\nerror: could not make the migration due to 1 previous error; nothing was written\n"
            ),
        );
        assert_eq!(p.tree(), before, "--name {name:?} wrote");
    }
    let long = "x".repeat(201);
    refused(
        &p.run(&["makemigrations", "--name", &long]),
        "error: --name cannot name a migration: it is 201 characters long",
    );
    assert_eq!(p.tree(), before);
}

/// A dropped column and narrowed types stop makemigrations, naming each and the flag;
/// nothing is written, not even with --dry-run; --allow-destructive makes the migration.
#[test]
fn destructive_changes_are_refused_until_allowed() {
    let p = Project::initial("destructive", MODELS);
    p.edit_models("pages  = { type = \"integer\" }\n", "");
    p.edit_models(
        "title  = { type = \"char\", max_length = 100 }",
        "title  = { type = \"char\", max_length = 80 }",
    );
    let before = p.tree();
    let expected = "error: removing `Book.pages` drops its column and data
  --> models.toml:8:9
   |
 8 | [models.Book.fields]
   |         ^^^^ `pages` is no longer declared
   |
  ::: migrations/0001_initial.toml:20:8
   |
20 | fields.pages = { type = \"integer\" }
   |        ----- `Book.pages` added here
   |
   = help: run `modelc makemigrations --allow-destructive` to make this migration anyway

error: altering `Book.title` narrows max_length from 100 to 80
 --> models.toml:9:10
  |
9 | title  = { type = \"char\", max_length = 80 }
  |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ destructive change
  |
  = help: run `modelc makemigrations --allow-destructive` to make this migration anyway

error: could not make the migration due to 2 previous errors; nothing was written
";
    expect(&p.run(&["makemigrations"]), 1, "", expected);
    expect(&p.run(&["makemigrations", "--dry-run"]), 1, "", expected);
    assert_eq!(p.tree(), before, "a refused makemigrations writes nothing");

    // --check only says that a migration is needed.
    expect(
        &p.run(&["makemigrations", "--check"]),
        1,
        "The models have changes that no migration holds yet:\n  - Remove field pages from book\n  - Alter field title on book\nRun `modelc makemigrations` to make the migration.\n",
        "",
    );

    let name = "0002_book_remove_pages_book_alter_title";
    expect(
        &p.run(&["makemigrations", "--allow-destructive"]),
        0,
        &format!(
            "Migrations:\n{}    - Remove field pages from book\n    - Alter field title on book\n",
            files_of(name)
        ),
        "",
    );
    let sqlite = p.read(&format!("migrations/sqlite/{name}.up.sql"));
    assert!(!sqlite.contains("\"pages\""), "{sqlite}");
    expect(
        &p.run(&["makemigrations", "--check"]),
        0,
        "No changes detected\n",
        "",
    );
}

/// A field that looks renamed stops makemigrations with the `renamed_from` to write; with it,
/// the column is renamed (its data kept). With --allow-destructive it is dropped and added,
/// and the suspicion is still said.
#[test]
fn a_suspected_rename_is_refused_until_declared() {
    let p = Project::initial("rename", MODELS);
    p.edit_models(
        "pages  = { type = \"integer\" }",
        "page_count = { type = \"integer\" }",
    );
    let before = p.tree();
    let expected = "error: field `Book.pages` is gone and `page_count` is new, with the same definition: a rename?
  --> models.toml:10:1
   |
10 | page_count = { type = \"integer\" }
   | ^^^^^^^^^^ looks like a renamed field
   |
   = help: if `page_count` is `pages` renamed, add renamed_from = \"pages\" to it so the column and its data are kept; if it is not, --allow-destructive drops `pages` with its data and adds `page_count`

error: could not make the migration due to 1 previous error; nothing was written
";
    expect(&p.run(&["makemigrations"]), 1, "", expected);
    assert_eq!(p.tree(), before, "nothing written");

    // Declared: a rename, the column keeps its data.
    let declared = Project::initial("rename-declared", MODELS);
    declared.edit_models(
        "pages  = { type = \"integer\" }",
        "page_count = { type = \"integer\", renamed_from = \"pages\" }",
    );
    let name = "0002_rename_pages_book_page_count";
    expect(
        &declared.run(&["makemigrations"]),
        0,
        &format!(
            "Migrations:\n{}    - Rename field pages on book to page_count\n",
            files_of(name)
        ),
        "",
    );
    let up = declared.read(&format!("migrations/sqlite/{name}.up.sql"));
    assert!(
        up.contains("ALTER TABLE \"shop_book\" RENAME COLUMN \"pages\" TO \"page_count\";"),
        "{up}"
    );

    // Not a rename: --allow-destructive drops and adds, and warns.
    let out = p.run(&["makemigrations", "--allow-destructive"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("warning: field `Book.pages` is gone and `page_count` is new")
            && err.ends_with("warning: 1 warning emitted\n"),
        "{err}"
    );
    assert!(
        text(&out.stdout)
            .ends_with("    - Remove field pages from book\n    - Add field page_count to book\n"),
        "{}",
        text(&out.stdout)
    );
}

/// `sqlmigrate` prints exactly the compiled files, for every migration, dialect and
/// direction, named by number or full name.
#[test]
fn sqlmigrate_prints_the_compiled_files() {
    let p = Project::initial("sqlmigrate", MODELS);
    p.edit_models(
        "pages  = { type = \"integer\" }\n",
        "pages  = { type = \"integer\" }\nyear   = { type = \"integer\", null = true }\n",
    );
    assert!(
        p.run(&["makemigrations", "--name", "year"])
            .status
            .success()
    );
    p.edit_models(
        "title  = { type = \"char\", max_length = 100 }",
        "title  = { type = \"char\", max_length = 200, null = true }",
    );
    assert!(
        p.run(&["makemigrations", "--name", "title"])
            .status
            .success()
    );
    let mut checked = 0;
    for (number, name) in [
        ("0001", "0001_initial"),
        ("0002", "0002_year"),
        ("0003", "0003_title"),
    ] {
        for dialect in ["postgres", "mysql", "sqlite"] {
            for (direction, flag) in [("up", None), ("down", Some("--backwards"))] {
                let file = p.read(&format!("migrations/{dialect}/{name}.{direction}.sql"));
                for target in [number, name] {
                    let mut args = vec!["sqlmigrate", target, "--dialect", dialect];
                    args.extend(flag);
                    let out = p.run(&args);
                    expect(&out, 0, &file, "");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 36);
}

#[test]
fn sqlmigrate_of_an_unknown_migration_lists_them() {
    let p = Project::initial("sqlmigrate-unknown", MODELS);
    for target in ["0007", "0001_initail", "initial"] {
        expect(
            &p.run(&["sqlmigrate", target, "--dialect", "sqlite"]),
            1,
            "",
            &format!(
                "error: no migration `{target}` in `migrations`\n |\n = help: name one by its number (0002) or its full name; the migrations are: 0001_initial\n\nerror: could not print the SQL of migration `{target}` due to 1 previous error; nothing was printed\n"
            ),
        );
    }
    let empty = Project::new("sqlmigrate-none", MODELS);
    expect(
        &empty.run(&["sqlmigrate", "0001", "--dialect", "mysql"]),
        1,
        "",
        "error: no migration `0001` in `migrations`\n |\n = help: there are no migrations yet: run `modelc makemigrations`\n\nerror: could not print the SQL of migration `0001` due to 1 previous error; nothing was printed\n",
    );
}

const FILL_PAGES: &str = r#"# Every book gets a page count; what the column held before is not kept.

[[operations]]
op = "run_sql"
sql = "UPDATE shop_book SET pages = 100 WHERE pages = 0"
"#;

/// A run_sql without reverse_sql: its up file says it is irreversible and there is no down
/// file; `sqlmigrate --backwards` and `migrate` back past it refuse and say why.
#[test]
fn an_irreversible_migration_says_so() {
    let p = Project::initial("irreversible", MODELS);
    std::fs::write(p.0.join("migrations/0002_fill_pages.toml"), FILL_PAGES).unwrap();

    // makemigrations compiles the hand-written migration's SQL: up files only.
    expect(
        &p.run(&["makemigrations"]),
        0,
        "Compiled migrations/postgres/0002_fill_pages.up.sql\nCompiled migrations/mysql/0002_fill_pages.up.sql\nCompiled migrations/sqlite/0002_fill_pages.up.sql\nNo changes detected\n",
        "",
    );
    for d in ["postgres", "mysql", "sqlite"] {
        let up = p.read(&format!("migrations/{d}/0002_fill_pages.up.sql"));
        assert!(
            up.contains(
                "-- Irreversible: a run_sql operation has no reverse_sql, so there is no down migration.\n"
            ) && up.contains("UPDATE shop_book SET pages = 100 WHERE pages = 0"),
            "{d}: {up}"
        );
        assert!(
            !p.0.join(format!("migrations/{d}/0002_fill_pages.down.sql"))
                .exists()
        );
        expect(&p.run(&["sqlmigrate", "0002", "--dialect", d]), 0, &up, "");
    }
    expect(&p.run(&["makemigrations"]), 0, "No changes detected\n", "");

    expect(
        &p.run(&["sqlmigrate", "0002", "--dialect", "sqlite", "--backwards"]),
        1,
        "",
        "error: migration 0002_fill_pages cannot be reversed: a run_sql operation has no reverse_sql
 --> migrations/0002_fill_pages.toml:5:7
  |
5 | sql = \"UPDATE shop_book SET pages = 100 WHERE pages = 0\"
  |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ run_sql without reverse_sql
  |
  = help: add reverse_sql next to this sql, with the SQL that undoes it (reverse_sql = \"SELECT 1\" when nothing needs undoing), delete the migration's SQL files and run `modelc makemigrations` to compile them again

error: could not print the SQL of migration `0002` due to 1 previous error; nothing was printed
",
    );

    // Applied, it cannot be unapplied; the database keeps both.
    expect(
        &p.run(&["migrate"]),
        0,
        "Applying 0001_initial... OK\nApplying 0002_fill_pages... OK\n",
        "",
    );
    let db = std::fs::read(p.0.join("db.sqlite3")).unwrap();
    let back = p.run(&["migrate", "0001"]);
    refused(&back, "0002_fill_pages");
    assert_eq!(std::fs::read(p.0.join("db.sqlite3")).unwrap(), db);
    expect(
        &p.run(&["showmigrations"]),
        0,
        "[X] 0001_initial\n[X] 0002_fill_pages\n",
        "",
    );
}

/// A migration file makemigrations writes for a run_sql without reverse says so too.
#[test]
fn the_file_of_an_irreversible_operation_says_so() {
    use modelc::migrate::file::write_migration;
    use modelc::migrate::ops::{Op, Operation};
    let op = Op::new(
        Operation::RunSql {
            forward: vec![(None, "UPDATE shop_book SET pages = 1".to_string())],
            reverse: None,
        },
        modelc::source::Span::default(),
    );
    let file = write_migration("0002_fill_pages", &[op]);
    assert_eq!(
        file,
        "# modelc migration 0002_fill_pages
# Operations on the models: the source of truth of the migration history. The SQL in
# migrations/<dialect>/0002_fill_pages.up.sql and .down.sql is compiled from them.
#   Raw SQL operation (irreversible: it has no reverse_sql)

[[operations]]
op = \"run_sql\"
sql = { default = \"UPDATE shop_book SET pages = 1\" }
# irreversible: without reverse_sql this migration cannot be undone
"
    );
}

/// SQL missing for an existing migration (a dialect added to the project, a deleted file)
/// is compiled, and only that: the other files keep their bytes.
#[test]
fn makemigrations_compiles_missing_sql() {
    let p = Project::initial(
        "missing-sql",
        &MODELS.replace(
            "dialects = [\"postgres\", \"mysql\", \"sqlite\"]",
            "dialects = [\"sqlite\"]",
        ),
    );
    assert_eq!(
        p.migration_files(),
        [
            "0001_initial.toml",
            "sqlite/0001_initial.down.sql",
            "sqlite/0001_initial.up.sql"
        ]
    );
    p.edit_models(
        "dialects = [\"sqlite\"]",
        "dialects = [\"sqlite\", \"postgres\"]",
    );
    let before = p.tree();

    expect(
        &p.run(&["makemigrations", "--check"]),
        1,
        "The models have changes that no migration holds yet:\n  - Compile migrations/postgres/0001_initial.up.sql\n  - Compile migrations/postgres/0001_initial.down.sql\nRun `modelc makemigrations` to make the migration.\n",
        "",
    );
    expect(
        &p.run(&["makemigrations", "--dry-run"]),
        0,
        "Would compile (--dry-run: nothing written) migrations/postgres/0001_initial.up.sql\nWould compile (--dry-run: nothing written) migrations/postgres/0001_initial.down.sql\nNo changes detected\n",
        "",
    );
    assert_eq!(p.tree(), before, "--check and --dry-run write nothing");

    expect(
        &p.run(&["makemigrations"]),
        0,
        "Compiled migrations/postgres/0001_initial.up.sql\nCompiled migrations/postgres/0001_initial.down.sql\nNo changes detected\n",
        "",
    );
    let after = p.tree();
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{path} changed");
    }
    let up = p.read("migrations/postgres/0001_initial.up.sql");
    expect(
        &p.run(&["sqlmigrate", "0001", "--dialect", "postgres"]),
        0,
        &up,
        "",
    );

    // A deleted down file comes back as it was; nothing else is written.
    let down = p.read("migrations/sqlite/0001_initial.down.sql");
    std::fs::remove_file(p.0.join("migrations/sqlite/0001_initial.down.sql")).unwrap();
    expect(
        &p.run(&["makemigrations"]),
        0,
        "Compiled migrations/sqlite/0001_initial.down.sql\nNo changes detected\n",
        "",
    );
    assert_eq!(p.tree(), after);
    assert_eq!(p.read("migrations/sqlite/0001_initial.down.sql"), down);

    // With a change in the models too, the new migration and the missing SQL are written
    // together.
    std::fs::remove_file(p.0.join("migrations/postgres/0001_initial.up.sql")).unwrap();
    p.edit_models(
        "pages  = { type = \"integer\" }\n",
        "pages  = { type = \"integer\" }\nyear   = { type = \"integer\", null = true }\n",
    );
    let name = "0002_book_add_year";
    expect(
        &p.run(&["makemigrations"]),
        0,
        &format!(
            "Migrations:\n  migrations/{name}.toml\n  migrations/postgres/{name}.up.sql\n  migrations/postgres/{name}.down.sql\n  migrations/sqlite/{name}.up.sql\n  migrations/sqlite/{name}.down.sql\n  migrations/postgres/0001_initial.up.sql\n    - Add field year to book\n"
        ),
        "",
    );
    assert_eq!(p.read("migrations/postgres/0001_initial.up.sql"), up);
}

/// A migration file edited after its SQL was compiled: makemigrations refuses (the SQL no
/// longer comes from the file), writing nothing; sqlmigrate prints the SQL of the file as it
/// is, with a warning.
#[test]
fn an_edited_migration_file_is_caught() {
    let p = Project::initial("edited", MODELS);
    p.edit(
        "migrations/0001_initial.toml",
        "fields.pages = { type = \"integer\" }",
        "fields.pages = { type = \"integer\", null = true }",
    );
    let before = p.tree();
    let err = refused(
        &p.run(&["makemigrations"]),
        "error: 0001_initial.toml was edited after its SQL was compiled: `migrations/postgres/0001_initial.up.sql`, `migrations/mysql/0001_initial.up.sql`, `migrations/sqlite/0001_initial.up.sql` come from another version of it (the md5 in its `-- source:` line differs)\n --> migrations/0001_initial.toml:1:1\n",
    );
    assert!(
        err.ends_with(
            "error: could not make the migration due to 1 previous error; nothing was written\n"
        ),
        "{err}"
    );
    assert_eq!(p.tree(), before);
    let out = p.run(&["makemigrations", "--check"]);
    refused(
        &out,
        "0001_initial.toml was edited after its SQL was compiled",
    );

    let out = p.run(&["sqlmigrate", "0001", "--dialect", "sqlite"]);
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("warning: 0001_initial.toml was edited after its SQL was compiled: `migrations/sqlite/0001_initial.up.sql` comes from another version of it (the md5 in its `-- source:` line differs); this is the SQL of the .toml as it is now\n")
            && err.ends_with("warning: 1 warning emitted\n"),
        "{err}"
    );
    let sql = text(&out.stdout);
    assert!(sql.contains("\"pages\" integer NULL"), "{sql}");
    assert_ne!(sql, p.read("migrations/sqlite/0001_initial.up.sql"));
}

/// `migrate` refuses, before it touches the database: a target that does not exist, a
/// database that cannot be reached, a migration file edited after its SQL was compiled (or
/// that does not parse), and going back past a migration without a down file. The database
/// keeps its bytes and a database that does not exist is not created.
#[test]
fn migrate_refusals_leave_the_database_alone() {
    let p = Project::initial("migrate-refusals", MODELS);
    expect(&p.run(&["migrate"]), 0, "Applying 0001_initial... OK\n", "");
    p.edit_models(
        "pages  = { type = \"integer\" }\n",
        "pages  = { type = \"integer\" }\nyear   = { type = \"integer\", null = true }\n",
    );
    assert!(
        p.run(&["makemigrations", "--name", "year"])
            .status
            .success()
    );
    let db = || std::fs::read(p.0.join("db.sqlite3")).unwrap();
    let at_start = db();
    let shown = "[X] 0001_initial\n[ ] 0002_year\n";
    expect(&p.run(&["showmigrations"]), 0, shown, "");

    // A target that does not exist.
    expect(
        &p.run(&["migrate", "0009"]),
        1,
        "",
        "error: no migration `0009` in `migrations/sqlite`; the migrations are: 0001_initial, 0002_year\n  = help: name the target by its number (0002), its full name (0002_product_add_slug), or zero to unapply every migration\n",
    );
    assert_eq!(db(), at_start);

    // Databases that cannot be reached: a SQLite file in a folder that does not exist, a
    // server that does not answer (its password not shown).
    let out = p.run(&["migrate", "--database", "sqlite://nowhere/db.sqlite3"]);
    let err = refused(
        &out,
        "error: cannot connect to sqlite://nowhere/db.sqlite3: ",
    );
    assert!(
        err.ends_with("\n  = help: check that the folder of the SQLite file exists and that the file can be read and written (sqlite://FILE, relative to the current directory); the database is --database, else DATABASE_URL, else sqlite://db.sqlite3\n"),
        "{err}"
    );
    assert!(!p.0.join("nowhere").exists());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://app:hunter2@127.0.0.1:{port}/shop");
    let err = refused(
        &p.run(&["migrate", "--database", &url]),
        &format!("error: cannot connect to postgres://app:***@127.0.0.1:{port}/shop: "),
    );
    assert!(!err.contains("hunter2"), "{err}");

    // 0002's .toml edited after its SQL was compiled: refused, 0002 stays unapplied.
    p.edit(
        "migrations/0002_year.toml",
        "null = true }",
        "null = true, default = 1900 }",
    );
    let err = refused(
        &p.run(&["migrate"]),
        "error: 0002_year.toml was edited after its SQL was compiled: `migrations/sqlite/0002_year.up.sql` comes from another version of it (the md5 in its `-- source:` line differs)\n --> migrations/0002_year.toml:1:1\n",
    );
    assert!(
        err.ends_with(
            "error: could not migrate due to 1 previous error; the database was not touched\n"
        ),
        "{err}"
    );
    assert_eq!(db(), at_start);
    expect(&p.run(&["showmigrations"]), 0, shown, "");
    // Nor is a new database created for it.
    refused(
        &p.run(&["migrate", "--database", "sqlite://fresh.sqlite3"]),
        "0002_year.toml was edited",
    );
    assert!(!p.0.join("fresh.sqlite3").exists());

    // A migration file that does not parse.
    p.edit(
        "migrations/0002_year.toml",
        "null = true, default = 1900 }",
        "null = true",
    );
    let err = refused(&p.run(&["migrate"]), "error: invalid TOML: ");
    assert!(err.contains(" --> migrations/0002_year.toml:"), "{err}");
    assert_eq!(db(), at_start);

    // Restored, it applies; the models need not compile for migrate.
    p.edit(
        "migrations/0002_year.toml",
        "null = true\n",
        "null = true }\n",
    );
    p.edit_models("type = \"integer\", null = true }", "type = \"integr\" }");
    expect(&p.run(&["migrate"]), 0, "Applying 0002_year... OK\n", "");
    expect(
        &p.run(&["showmigrations"]),
        0,
        "[X] 0001_initial\n[X] 0002_year\n",
        "",
    );

    // An applied migration whose files are missing.
    let applied = db();
    for file in [
        "0002_year.toml",
        "sqlite/0002_year.up.sql",
        "sqlite/0002_year.down.sql",
    ] {
        std::fs::remove_file(p.0.join("migrations").join(file)).unwrap();
    }
    for target in [None, Some("zero")] {
        let mut args = vec!["migrate"];
        args.extend(target);
        refused(
            &p.run(&args),
            "error: migration 0002_year is applied on sqlite://db.sqlite3, but `migrations/sqlite` has no file for it (number 2)\n  = help: restore 0002_year.up.sql and 0002_year.down.sql",
        );
        assert_eq!(db(), applied);
    }
}
