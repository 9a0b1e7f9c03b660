//! `modelc generate rust` as a user runs it: the file with --out, stdout without, exit code
//! 1 and nothing written on bad models, on changes no migration holds, on a broken user
//! template and on a template that makes something other than Rust; a template that
//! overrides a built-in one by name; and the errors of `[generate.rust]`, with file, line
//! and column.
//!
//! Cargo gives a binary's path (`CARGO_BIN_EXE_modelc`) only to the tests of its own
//! package, so this builds the binary with cargo once (`cargo build -p modelc --bin
//! modelc`, in the workspace's target folder: fresh, and so instant, after a `cargo build`)
//! and runs it in a directory of its own per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use modelc_tests::repo_root;

/// The `modelc` binary, built once per run of this test file.
fn modelc_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
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
            text(&out.stderr)
        );
        text(&out.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "modelc")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the modelc executable")
    })
}

/// Runs `modelc args` in `dir`, without colors or a database.
fn modelc(dir: &Path, args: &[&str]) -> Output {
    Command::new(modelc_bin())
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

/// A fresh empty directory under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("modelc-codegen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Two small models: a char, an integer, a datetime and a foreign key.
const MODELS: &str = r#"[project]
app = "lib"
dialects = ["postgres", "sqlite"]

[models.Author.fields]
name = { type = "char", max_length = 100 }
born = { type = "integer" }
joined = { type = "datetime", auto_now_add = true }

[models.Book.fields]
title = { type = "char", max_length = 200 }
author = { type = "foreign_key", to = "Author", on_delete = "cascade" }
"#;

/// A project in `scratch(name)` with `models` and, when `migrated`, the migrations that hold
/// them (made by the library's `makemigrations`).
fn project(name: &str, models: &str, migrated: bool) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("models.toml"), models).unwrap();
    if migrated {
        let mut loaded =
            modelc::migrate::make::load(&dir.join("models.toml"), &dir.join("migrations"));
        let made = modelc::migrate::make::makemigrations(
            &mut loaded,
            &modelc::migrate::make::MakeOptions::default(),
        );
        assert!(
            matches!(made, Some(modelc::migrate::make::Made::Migration { .. })),
            "makemigrations made no migration: {made:?}\n{}",
            loaded.diagnostics.render(&loaded.sources, false)
        );
    }
    dir
}

/// What the library makes of the project in `dir`, for the CLI's output to match.
fn library(dir: &Path, dialect: Option<modelc::ir::DialectName>) -> String {
    let req = modelc::codegen::build::Request {
        models: dir.join("models.toml"),
        dialect,
        ..Default::default()
    };
    match modelc::codegen::build::generate(&req) {
        Ok(g) => g.code,
        Err(message) => panic!("the library generates nothing:\n{message}"),
    }
}

/// Asserts `out` failed with exit code 1 and printed nothing on stdout; returns stderr.
fn failed(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    assert_eq!(
        text(&out.stdout),
        "",
        "stdout of a failure; stderr:\n{stderr}"
    );
    stderr
}

/// Asserts `out` succeeded; returns stdout.
fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit code {:?}; stderr:\n{}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn stdout_without_out_and_the_file_with_it() {
    let dir = project("out", MODELS, true);
    let stdout = succeeded(&modelc(&dir, &["generate", "rust"]));
    assert!(
        stdout.starts_with("// @generated by modelc ") && stdout.contains(" for sqlite:"),
        "{stdout}"
    );
    assert!(stdout.contains("pub struct Author {"), "{stdout}");
    assert!(stdout.contains("pub struct Book {"), "{stdout}");
    assert_eq!(
        stdout,
        library(&dir, None),
        "the CLI and the library differ"
    );

    // --out: into a folder that does not exist yet; nothing on stdout.
    let out = modelc(&dir, &["generate", "rust", "--out", "src/gen/models.rs"]);
    assert_eq!(succeeded(&out), "");
    assert_eq!(
        text(&out.stderr),
        "wrote src/gen/models.rs (Rust for sqlite)\n"
    );
    let written = std::fs::read_to_string(dir.join("src/gen/models.rs")).unwrap();
    assert_eq!(written, stdout);

    // --dialect, and --models from another directory.
    let models = dir.join("models.toml");
    let pg = succeeded(&modelc(
        &std::env::temp_dir(),
        &[
            "generate",
            "rust",
            "--models",
            models.to_str().unwrap(),
            "--dialect",
            "postgres",
        ],
    ));
    assert!(pg.contains(" for postgres:"), "{pg}");
    assert_eq!(pg, library(&dir, Some(modelc::ir::DialectName::Postgres)));
    assert_ne!(pg, stdout);
}

#[test]
fn the_dialect_setting_and_the_flag_over_it() {
    let models = MODELS.replace(
        "[models.Author.fields]",
        "[generate.rust]\ndialect = \"postgres\"\n\n[models.Author.fields]",
    );
    let dir = project("dialect", &models, true);
    let stdout = succeeded(&modelc(&dir, &["generate", "rust"]));
    assert!(stdout.contains(" for postgres:"), "{stdout}");
    let stdout = succeeded(&modelc(&dir, &["generate", "rust", "--dialect", "sqlite"]));
    assert!(stdout.contains(" for sqlite:"), "{stdout}");

    // A dialect the models are not checked for.
    let stderr = failed(&modelc(&dir, &["generate", "rust", "--dialect", "mysql"]));
    assert!(
        stderr.starts_with(
            "error: the generated code is for mysql, which is not among [project] dialects\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("add \"mysql\" to [project] dialects"),
        "{stderr}"
    );
}

#[test]
fn bad_models_exit_1_and_write_nothing() {
    let models = MODELS.replace("type = \"integer\"", "type = \"integr\"");
    let dir = project("bad-models", &models, false);
    std::fs::write(dir.join("old.rs"), "// before\n").unwrap();
    for args in [
        &["generate", "rust"][..],
        &["generate", "rust", "--out", "models.rs"],
        &["generate", "rust", "--out", "old.rs"],
    ] {
        let stderr = failed(&modelc(&dir, args));
        assert!(
            stderr.starts_with(
                "error: unknown type `integr` of field `Author.born`\n --> models.toml:7:17\n"
            ),
            "{stderr}"
        );
    }
    assert!(!dir.join("models.rs").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("old.rs")).unwrap(),
        "// before\n"
    );
}

#[test]
fn unmigrated_changes_exit_1_unless_allowed() {
    let dir = project("unmigrated", MODELS, true);
    let changed = MODELS.replace(
        "author = {",
        "pages = { type = \"integer\", null = true }\nauthor = {",
    );
    std::fs::write(dir.join("models.toml"), &changed).unwrap();
    let stderr = failed(&modelc(&dir, &["generate", "rust", "--out", "models.rs"]));
    assert!(!dir.join("models.rs").exists());
    assert_eq!(
        stderr,
        "error: the models have changes that no migration in `migrations` holds yet:
  - Add field pages to book
  = help: run `modelc makemigrations` and commit the migration, or set `unmigrated = \"warn\"` in [generate.rust] to build without it
"
    );

    // --allow-unmigrated: the code, and the same message as a warning.
    let out = modelc(
        &dir,
        &[
            "generate",
            "rust",
            "--allow-unmigrated",
            "--out",
            "models.rs",
        ],
    );
    succeeded(&out);
    assert_eq!(
        text(&out.stderr),
        "warning: the models have changes that no migration in `migrations` holds yet:
  - Add field pages to book
run `modelc makemigrations` before the code reaches a database
wrote models.rs (Rust for sqlite)
"
    );
    let code = std::fs::read_to_string(dir.join("models.rs")).unwrap();
    assert!(code.contains("pub pages: Option<i32>,"), "{code}");

    // A field that looks renamed stops makemigrations, and so generation; with
    // --allow-unmigrated it is a warning.
    let renamed = MODELS.replace("born = ", "birth_year = ");
    std::fs::write(dir.join("models.toml"), &renamed).unwrap();
    let stderr = failed(&modelc(&dir, &["generate", "rust"]));
    assert!(
        stderr.starts_with(
            "error: field `Author.born` is gone and `birth_year` is new, with the same definition: a rename?\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "error: could not generate the Rust due to 1 previous error; nothing was written\n"
        ),
        "{stderr}"
    );
    let out = modelc(&dir, &["generate", "rust", "--allow-unmigrated"]);
    assert!(succeeded(&out).contains("pub birth_year: i32,"));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "warning: cannot tell whether the migrations in `migrations` hold the models; `modelc makemigrations` stops with:\nerror: field `Author.born` is gone and `birth_year` is new"
        ),
        "{stderr}"
    );

    // No migrations at all: every model is a change.
    let dir = project("unmigrated-none", MODELS, false);
    let stderr = failed(&modelc(&dir, &["generate", "rust"]));
    assert!(
        stderr.contains("  - Create model Author\n  - Create model Book\n"),
        "{stderr}"
    );

    // --migrations: the folder named, not the one beside the models.
    let elsewhere = project("unmigrated-elsewhere", MODELS, true);
    std::fs::rename(elsewhere.join("migrations"), dir.join("history")).unwrap();
    succeeded(&modelc(
        &dir,
        &["generate", "rust", "--migrations", "history"],
    ));
}

/// `[generate.rust] unmigrated`: "warn" generates with the warning; "ignore" does not read
/// the migrations at all; "error" (the default) stops at a migration file that is broken.
#[test]
fn the_unmigrated_setting() {
    let with = |setting: &str| {
        MODELS.replace(
            "[models.Author.fields]",
            &format!("[generate.rust]\nunmigrated = \"{setting}\"\n\n[models.Author.fields]"),
        )
    };
    let dir = project("setting-warn", &with("warn"), false);
    let out = modelc(&dir, &["generate", "rust"]);
    assert!(succeeded(&out).contains("pub struct Book {"));
    assert_eq!(
        text(&out.stderr),
        "warning: the models have changes that no migration in `migrations` holds yet:
  - Create model Author
  - Create model Book
run `modelc makemigrations` before the code reaches a database
"
    );

    let dir = project("setting-ignore", &with("ignore"), false);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("migrations/0001_initial.toml"), "not [toml\n").unwrap();
    let out = modelc(&dir, &["generate", "rust"]);
    assert!(succeeded(&out).contains("pub struct Book {"));
    assert_eq!(text(&out.stderr), "");
    // --allow-unmigrated loosens "error" to "warn", and leaves "ignore" as it is.
    let out = modelc(&dir, &["generate", "rust", "--allow-unmigrated"]);
    succeeded(&out);
    assert_eq!(text(&out.stderr), "");

    std::fs::write(dir.join("models.toml"), with("error")).unwrap();
    let stderr = failed(&modelc(&dir, &["generate", "rust"]));
    assert!(
        stderr.contains(" --> migrations/0001_initial.toml:1:"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "error: could not generate the Rust due to 1 previous error; nothing was written\n"
        ),
        "{stderr}"
    );
}

#[test]
fn generate_rust_explains_itself() {
    let out = modelc(&std::env::temp_dir(), &["generate", "rust", "--help"]);
    let help = succeeded(&out);
    for option in [
        "--dialect",
        "--out",
        "--allow-unmigrated",
        "--migrations",
        "--models",
    ] {
        assert!(help.contains(option), "{option} is not in:\n{help}");
    }
    assert!(help.contains("[generate.rust]"), "{help}");
}

/// A project whose `[generate.rust] templates` folder `tpl` holds `model.rs.jinja` with
/// `template`.
fn with_template(name: &str, template: &str) -> PathBuf {
    let models = MODELS.replace(
        "[models.Author.fields]",
        "[generate.rust]\ntemplates = \"tpl\"\n\n[models.Author.fields]",
    );
    let dir = project(name, &models, true);
    std::fs::create_dir_all(dir.join("tpl")).unwrap();
    std::fs::write(dir.join("tpl/model.rs.jinja"), template).unwrap();
    dir
}

#[test]
fn a_template_with_a_syntax_error_names_its_file_and_line() {
    let dir = with_template(
        "tpl-syntax",
        "// one\n// two\n{% for f in model.fields %}\n",
    );
    let stderr = failed(&modelc(&dir, &["generate", "rust", "--out", "models.rs"]));
    assert!(!dir.join("models.rs").exists());
    assert!(
        stderr.starts_with("error: template error at tpl/model.rs.jinja:3: syntax error: "),
        "{stderr}"
    );

    // With the models named by an absolute path, so is the template.
    let models = dir.join("models.toml");
    let stderr = failed(&modelc(
        &std::env::temp_dir(),
        &["generate", "rust", "--models", models.to_str().unwrap()],
    ));
    let at = format!(
        "error: template error at {}:3: syntax error: ",
        dir.join("tpl/model.rs.jinja").display()
    );
    assert!(stderr.starts_with(&at), "{stderr}");

    // An error found while rendering (an undefined value), on its line.
    let dir = with_template("tpl-undefined", "// one\npub struct {{ model.nme }};\n");
    let stderr = failed(&modelc(&dir, &["generate", "rust"]));
    assert!(
        stderr.starts_with("error: template error at tpl/model.rs.jinja:2: undefined value"),
        "{stderr}"
    );
}

#[test]
fn a_template_that_makes_no_rust_shows_the_line() {
    let dir = with_template(
        "tpl-rust",
        "pub struct {{ model.name }} {\n    not rust at all\n}\n",
    );
    let stderr = failed(&modelc(&dir, &["generate", "rust", "--out", "models.rs"]));
    assert!(!dir.join("models.rs").exists());
    assert!(
        stderr.starts_with("error: the Rust generated for "),
        "{stderr}"
    );
    assert!(stderr.contains(" does not parse: "), "{stderr}");
    assert!(stderr.contains("at line 2, column "), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.trim() == "not rust at all"),
        "{stderr}"
    );
    assert!(stderr.contains("overridden in tpl"), "{stderr}");
}

#[test]
fn a_template_overrides_the_built_in_one_by_name() {
    let builtin =
        std::fs::read_to_string(repo_root().join("templates/rust/model.rs.jinja")).unwrap();
    let template = format!(
        "{builtin}\n/// The table of `{{{{ model.name }}}}`.\npub const {{{{ model.name | upper }}}}_TABLE: &str = {{{{ model.table_lit }}}};\n"
    );
    let dir = with_template("tpl-override", &template);
    let plain = project("tpl-plain", MODELS, true);
    let before = succeeded(&modelc(&plain, &["generate", "rust"]));
    let after = succeeded(&modelc(&dir, &["generate", "rust"]));
    for item in [
        "/// The table of `Author`.\npub const AUTHOR_TABLE: &str = \"lib_author\";\n",
        "/// The table of `Book`.\npub const BOOK_TABLE: &str = \"lib_book\";\n",
    ] {
        assert!(after.contains(item), "{item} is not in:\n{after}");
        assert!(!before.contains(item));
    }
    // Everything else is the built-in templates' output.
    let without: Vec<&str> = after
        .lines()
        .filter(|l| !l.starts_with("/// The table of `") && !l.contains("_TABLE: &str"))
        .collect();
    assert_eq!(without, before.lines().collect::<Vec<_>>());
}

/// Each bad `[generate.rust]` setting is an error at its place in models.toml, and the
/// whole message is as written here.
#[test]
fn bad_settings_name_file_line_and_column() {
    let cases: [(&str, &str); 8] = [
        (
            "[generate.rust]\ndialet = \"postgres\"\n",
            r#"error: unknown [generate.rust] option `dialet`
 --> models.toml:6:1
  |
6 | dialet = "postgres"
  | ^^^^^^ unknown [generate.rust] option
  |
  = help: did you mean `dialect`?

error: could not compile the models due to 1 previous error
"#,
        ),
        (
            "[generate.rusty]\ndialect = \"postgres\"\n",
            r#"error: unknown code generator `rusty`
 --> models.toml:5:11
  |
5 | [generate.rusty]
  |           ^^^^^ unknown code generator
  |
  = help: did you mean `rust`?

error: could not compile the models due to 1 previous error
"#,
        ),
        (
            "[generate.rust]\ndialect = \"postgress\"\n",
            r#"error: unknown dialect `postgress`
 --> models.toml:6:11
  |
6 | dialect = "postgress"
  |           ^^^^^^^^^^^ unknown dialect
  |
  = help: did you mean `postgres`?

error: could not compile the models due to 1 previous error
"#,
        ),
        (
            "[generate.rust]\ndialect = 5\n",
            r#"error: expected a string for `dialect` in [generate.rust], found an integer
 --> models.toml:6:11
  |
6 | dialect = 5
  |           ^ expected a string
  |
  = help: write the value in double quotes

error: could not compile the models due to 1 previous error
"#,
        ),
        (
            "[generate.rust]\nunmigrated = \"warns\"\n",
            r#"error: `unmigrated = "warns"` is not a setting
 --> models.toml:6:14
  |
6 | unmigrated = "warns"
  |              ^^^^^^^ unknown setting
  |
  = help: did you mean `warn`?

error: could not compile the models due to 1 previous error
"#,
        ),
        (
            "[generate.rust]\ntemplates = \"no-such-folder\"\n",
            r#"error: the templates folder `no-such-folder` does not exist
 --> models.toml:6:13
  |
6 | templates = "no-such-folder"
  |             ^^^^^^^^^^^^^^^^ no such folder
  |
  = help: create it, or correct the path (relative to the models file)

error: could not generate the Rust due to 1 previous error; nothing was written
"#,
        ),
        (
            "[generate.rust]\ntemplates = \"models.toml\"\n",
            r#"error: the templates folder `models.toml` is not a folder
 --> models.toml:6:13
  |
6 | templates = "models.toml"
  |             ^^^^^^^^^^^^^ not a folder
  |
  = help: create it, or correct the path (relative to the models file)

error: could not generate the Rust due to 1 previous error; nothing was written
"#,
        ),
        (
            "[generate.rust]\ndialect = \"mysql\"\n",
            r#"error: the generated code is for mysql, which is not among [project] dialects
 --> models.toml:6:11
  |
6 | dialect = "mysql"
  |           ^^^^^^^ this dialect
  |
  = help: add "mysql" to [project] dialects, so the models are checked for what it can express

error: could not generate the Rust due to 1 previous error; nothing was written
"#,
        ),
    ];
    for (i, (settings, expected)) in cases.into_iter().enumerate() {
        let models = MODELS.replace(
            "[models.Author.fields]",
            &format!("{settings}\n[models.Author.fields]"),
        );
        let dir = project(&format!("settings-{i}"), &models, false);
        let stderr = failed(&modelc(&dir, &["generate", "rust", "--out", "models.rs"]));
        assert!(!dir.join("models.rs").exists());
        assert_eq!(stderr, expected, "{settings}");
    }
}

/// A `.jinja` file in the templates folder that is named after no built-in template would
/// override nothing: an error, with the name it probably meant.
#[test]
fn a_template_named_after_no_built_in_one() {
    let dir = with_template("tpl-stray", "{% include \"repository.rs.jinja\" %}\n");
    std::fs::rename(
        dir.join("tpl/model.rs.jinja"),
        dir.join("tpl/modle.rs.jinja"),
    )
    .unwrap();
    // Other files are the user's business.
    std::fs::write(dir.join("tpl/README.md"), "notes\n").unwrap();
    let stderr = failed(&modelc(&dir, &["generate", "rust", "--out", "models.rs"]));
    assert!(!dir.join("models.rs").exists());
    assert_eq!(
        stderr,
        r#"error: the template `tpl/modle.rs.jinja` overrides no built-in template
 --> models.toml:6:13
  |
6 | templates = "tpl"
  |             ^^^^^ in this folder
  |
  = help: did you mean `model.rs.jinja`? rename the file

error: could not generate the Rust due to 1 previous error; nothing was written
"#
    );
}
