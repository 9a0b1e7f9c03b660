//! `modelc::build()` in a user's build.rs, as cargo runs it: a scratch crate with a small
//! models.toml and its migrations, modelc as a build-dependency, and `include!` of the
//! generated file; built with `cargo build --offline`.
//!
//! It holds the build script to what it tells cargo: it does not run again when nothing
//! changed; it runs again and regenerates when models.toml, a template of the templates
//! folder or the migrations change; and it fails the build when the models have changes no
//! migration holds, unless `[generate.rust] unmigrated = "warn"`, which builds with a
//! warning.
//!
//! The crate lives in `<target>/scratch/codegen-build` and builds into `<target>/scratch`
//! with the workspace's Cargo.lock: its dependencies (sqlx, and modelc for the build script)
//! compile on the first run only, a few minutes at most; each later build takes seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use modelc_tests::repo_root;

/// Two small models: a char, an integer, a datetime and a foreign key.
const MODELS: &str = r#"[project]
app = "lib"
dialects = ["sqlite"]

[models.Author.fields]
name = { type = "char", max_length = 100 }
born = { type = "integer" }
joined = { type = "datetime", auto_now_add = true }

[models.Book.fields]
title = { type = "char", max_length = 200 }
author = { type = "foreign_key", to = "Author", on_delete = "cascade" }
"#;

const BUILD_RS: &str = "fn main() {\n    modelc::build();\n}\n";

const LIB_RS: &str = r#"#![allow(dead_code)]

include!(concat!(env!("OUT_DIR"), "/models.rs"));

/// The generated types are there, with their fields.
pub fn title_of(book: &Book) -> &str {
    &book.title
}
"#;

/// The workspace's target folder.
fn target_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--no-deps",
        ])
        .current_dir(repo_root())
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    PathBuf::from(json["target_directory"].as_str().unwrap())
}

/// The scratch crate.
struct Crate {
    dir: PathBuf,
    target: PathBuf,
}

/// One `cargo build` of the scratch crate.
struct Built {
    ok: bool,
    stderr: String,
    /// Whether the crate's build script ran (rather than being fresh).
    ran: bool,
    /// The build script's OUT_DIR.
    out_dir: Option<PathBuf>,
}

impl Built {
    /// The generated file.
    fn models_rs(&self) -> String {
        let dir = self.out_dir.as_ref().expect("cargo names the OUT_DIR");
        std::fs::read_to_string(dir.join("models.rs")).expect("read OUT_DIR/models.rs")
    }
}

impl Crate {
    /// A fresh crate (the target folder is kept): the models, their first migration, and
    /// the sources.
    fn new() -> Crate {
        let target = target_dir().join("scratch");
        let dir = target.join("codegen-build");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let generator = repo_root().join("generator").canonicalize().unwrap();
        let manifest = format!(
            r#"[package]
name = "modelc-scratch"
version = "0.1.0"
edition = "2024"
publish = false

# Not a member of the modelc workspace that holds the target folder.
[workspace]

[dependencies]
sqlx = {{ version = "0.9", default-features = false, features = ["runtime-tokio", "sqlite", "chrono"] }}
serde = {{ version = "1", features = ["derive"] }}
chrono = {{ version = "0.4", default-features = false, features = ["std", "clock", "serde"] }}

[build-dependencies]
modelc = {{ path = {generator:?}, default-features = false }}
"#
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        // The versions the workspace builds with, so nothing is resolved anew.
        std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        std::fs::write(dir.join("build.rs"), BUILD_RS).unwrap();
        std::fs::write(dir.join("src/lib.rs"), LIB_RS).unwrap();
        let c = Crate { dir, target };
        c.write_models(MODELS);
        c.makemigrations();
        c
    }

    fn models(&self) -> PathBuf {
        self.dir.join("models.toml")
    }

    /// Writes models.toml.
    fn write_models(&self, text: &str) {
        std::fs::write(self.models(), text).unwrap();
        self.touch(&self.models());
    }

    /// Sets the modification time of `path` to now: after the start of the last build,
    /// which is what cargo compares it with. (Not later than now: a time in the future
    /// would stay newer than the next build, and make it run the build script again.)
    fn touch(&self, path: &Path) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now()).unwrap();
    }

    /// `makemigrations` through the library; panics unless it makes a migration.
    fn makemigrations(&self) {
        let mut loaded = modelc::migrate::make::load(&self.models(), &self.dir.join("migrations"));
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

    /// `cargo build --offline -v`, with the JSON messages on stdout for the OUT_DIR.
    fn build(&self) -> Built {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "build",
                "--offline",
                "-v",
                "--message-format=json-render-diagnostics",
            ])
            .arg("--target-dir")
            .arg(&self.target)
            .current_dir(&self.dir)
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .expect("run cargo build");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let ran = stderr.lines().any(|l| {
            l.trim_start().starts_with("Running `")
                && l.contains("build-script-build")
                && l.contains("modelc-scratch-")
        });
        let out_dir = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| {
                m["reason"] == "build-script-executed"
                    && m["package_id"]
                        .as_str()
                        .is_some_and(|id| id.contains("modelc-scratch"))
            })
            .find_map(|m| m["out_dir"].as_str().map(PathBuf::from));
        Built {
            ok: out.status.success(),
            stderr,
            ran,
            out_dir,
        }
    }
}

/// Whether `text` has `lines` one after the other, each trimmed.
fn has_lines(text: &str, lines: &[&str]) -> bool {
    let all: Vec<&str> = text.lines().map(str::trim).collect();
    all.windows(lines.len()).any(|w| w == lines)
}

/// Asserts the build succeeded and whether its build script ran.
#[track_caller]
fn assert_built(b: &Built, ran: bool, step: &str) {
    assert!(b.ok, "{step}: the build failed:\n{}", b.stderr);
    assert_eq!(
        b.ran,
        ran,
        "{step}: the build script {} run:\n{}",
        if ran { "did not" } else { "did" },
        b.stderr
    );
}

#[test]
fn build_script_generates_and_reruns_on_changes_only() {
    let c = Crate::new();

    let b = c.build();
    assert_built(&b, true, "first build");
    let code = b.models_rs();
    assert!(
        code.starts_with("// @generated by modelc ") && code.contains(" for sqlite:"),
        "{code}"
    );
    assert!(code.contains("pub struct Author {"), "{code}");
    assert!(code.contains("pub struct Book {"), "{code}");
    assert!(
        !b.stderr.contains("warning: modelc-scratch"),
        "{}",
        b.stderr
    );

    // Nothing changed: cargo does not run the build script.
    let b = c.build();
    assert_built(&b, false, "second build");
    assert!(
        b.stderr.contains("Fresh modelc-scratch v0.1.0"),
        "{}",
        b.stderr
    );

    // models.toml touched: it runs, and the file is the same.
    c.touch(&c.models());
    let b = c.build();
    assert_built(&b, true, "after touching models.toml");
    assert_eq!(b.models_rs(), code);
    assert_built(&c.build(), false, "after that");

    // A new field with its migration: it runs, and the code has the field.
    let with_pages = MODELS.replace(
        "author = {",
        "pages = { type = \"integer\", null = true }\nauthor = {",
    );
    c.write_models(&with_pages);
    c.makemigrations();
    let b = c.build();
    assert_built(&b, true, "after adding a field");
    let code = b.models_rs();
    assert!(code.contains("pub pages: Option<i32>,"), "{code}");

    // A templates folder: the build script runs when one of its templates changes.
    let builtin =
        std::fs::read_to_string(repo_root().join("templates/rust/model.rs.jinja")).unwrap();
    std::fs::create_dir_all(c.dir.join("tpl")).unwrap();
    let template = c.dir.join("tpl/model.rs.jinja");
    std::fs::write(&template, &builtin).unwrap();
    let with_templates = with_pages.replace(
        "[models.Author.fields]",
        "[generate.rust]\ntemplates = \"tpl\"\n\n[models.Author.fields]",
    );
    c.write_models(&with_templates);
    let b = c.build();
    assert_built(&b, true, "with a templates folder");
    assert_eq!(b.models_rs(), code, "the built-in template, copied");
    assert_built(&c.build(), false, "with a templates folder, again");
    std::fs::write(
        &template,
        format!("{builtin}\npub const {{{{ model.name | upper }}}}_TABLE: &str = {{{{ model.table_lit }}}};\n"),
    )
    .unwrap();
    c.touch(&template);
    let b = c.build();
    assert_built(&b, true, "after changing a template");
    let code = b.models_rs();
    assert!(
        code.contains("pub const BOOK_TABLE: &str = \"lib_book\";"),
        "{code}"
    );

    // A change without its migration fails the build, and says what to do.
    let with_isbn = with_templates.replace(
        "author = {",
        "isbn = { type = \"char\", max_length = 13, null = true }\nauthor = {",
    );
    c.write_models(&with_isbn);
    let b = c.build();
    assert!(!b.ok, "a change no migration holds built:\n{}", b.stderr);
    // Cargo indents the build script's stderr.
    let message = format!(
        "error: the models have changes that no migration in `{}` holds yet:",
        c.dir.join("migrations").display()
    );
    assert!(
        has_lines(&b.stderr, &[&message, "- Add field isbn to book"]),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr.contains("run `modelc makemigrations`"),
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains("unmigrated = \"warn\""), "{}", b.stderr);
    // It fails again until something changes: cargo does not keep a failed run.
    assert!(!c.build().ok);

    // unmigrated = "warn": it builds, with cargo's warning.
    let warn = with_isbn.replace(
        "templates = \"tpl\"",
        "templates = \"tpl\"\nunmigrated = \"warn\"",
    );
    c.write_models(&warn);
    let b = c.build();
    assert_built(&b, true, "with unmigrated = \"warn\"");
    let warning = format!(
        "warning: modelc-scratch@0.1.0: the models have changes that no migration in `{}` holds yet:\nwarning: modelc-scratch@0.1.0:   - Add field isbn to book\n",
        c.dir.join("migrations").display()
    );
    assert!(b.stderr.contains(&warning), "{}", b.stderr);
    assert!(b.models_rs().contains("pub isbn: Option<String>,"));

    // The migration made: the build script runs again (the migrations folder is watched),
    // and the warning is gone.
    c.makemigrations();
    let b = c.build();
    assert_built(&b, true, "after makemigrations");
    assert!(
        !b.stderr.contains("warning: modelc-scratch"),
        "{}",
        b.stderr
    );
    assert_built(&c.build(), false, "at the end");

    let _ = std::fs::remove_dir_all(&c.dir);
}
