//! The second front door: models declared as `#[derive(Model)]` structs in Rust files named
//! by `[project] sources`, read into the same IR as models.toml.
//!
//! - Equivalence: the storefront written as structs (tests/fixtures/derive/storefront)
//!   compiles to byte-identical DDL for every dialect, and byte-identical migrations, as
//!   the repository's models.toml. The options the storefront does not use (abstract
//!   bases, proxies, `constraints`, per-dialect SQL, `symmetrical`, `through`, `protocol`,
//!   defaults of every type) are proved the same way by tests/fixtures/derive/options: its
//!   models.toml and its src/models.rs give the same IR, DDL, warnings and migrations.
//! - The bad-attribute corpus: every `tests/fixtures/derive/invalid/*.rs` fails with exact
//!   rustc-style diagnostics (file, line and column, label, help), one snapshot per case
//!   in `snapshots/derive_frontend__corpus@<case>.snap`. Re-bless with
//!   `INSTA_UPDATE=always cargo test -p modelc-tests --test derive_frontend` and read
//!   every changed snapshot.
//! - The CLI: `modelc check`, `sql`, `makemigrations` and `sqlmigrate` on the derived
//!   storefront, as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use modelc::Compilation;
use modelc::ir::{DialectName, ModelKind};
use modelc::migrate::make::{Made, MakeOptions, load, makemigrations};
use modelc_tests::{modelc_bin, repo_root};

fn storefront_toml() -> PathBuf {
    repo_root().join("models.toml")
}

fn storefront_derived() -> PathBuf {
    repo_root().join("tests/fixtures/derive/storefront/models.toml")
}

fn compiled(path: &Path) -> Compilation {
    let c = modelc::compile_file(path);
    assert!(
        c.is_ok() && c.diagnostics.is_empty(),
        "{}:\n{}",
        path.display(),
        c.render_diagnostics(false)
    );
    c
}

#[test]
fn derived_storefront_gives_the_same_ddl_for_every_dialect() {
    let toml = compiled(&storefront_toml());
    let derived = compiled(&storefront_derived());
    let (a, b) = (
        toml.schema.as_ref().unwrap(),
        derived.schema.as_ref().unwrap(),
    );
    assert_eq!(a.project.dialects, b.project.dialects);
    assert_eq!(
        a.models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        b.models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>()
    );
    for dialect in DialectName::ALL {
        let want = modelc::ddl::schema_sql(a, dialect);
        let got = modelc::ddl::schema_sql(b, dialect);
        assert!(!want.is_empty());
        assert_eq!(got, want, "{dialect}: the DDL differs");
    }
}

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("modelc-derive-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, relative to it, with its bytes, sorted by path.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                out.push((rel, std::fs::read(&path).expect("file")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn make_initial(models: &Path, dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut loaded = load(models, dir);
    let made = makemigrations(&mut loaded, &MakeOptions::default());
    let rendered = loaded.render(false, "make migrations", "nothing was written");
    match made {
        Some(Made::Migration { name, written, .. }) => {
            assert_eq!(name, "0001_initial");
            assert!(written);
        }
        other => panic!("{}: {other:?}\n{rendered}", models.display()),
    }
    files(dir)
}

#[test]
fn derived_storefront_gives_the_same_migrations() {
    let (a, b) = (TempDir::new("mig-toml"), TempDir::new("mig-rust"));
    let want = make_initial(&storefront_toml(), &a.0);
    let got = make_initial(&storefront_derived(), &b.0);
    let names: Vec<_> = want.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "0001_initial.toml",
            "mysql/0001_initial.down.sql",
            "mysql/0001_initial.up.sql",
            "postgres/0001_initial.down.sql",
            "postgres/0001_initial.up.sql",
            "sqlite/0001_initial.down.sql",
            "sqlite/0001_initial.up.sql",
        ]
    );
    assert_eq!(got.len(), want.len());
    same_files(&want, &got);
    // And the derived models agree with the migrations the TOML made.
    let mut loaded = load(&storefront_derived(), &a.0);
    let again = makemigrations(
        &mut loaded,
        &MakeOptions {
            check: true,
            ..Default::default()
        },
    );
    assert!(matches!(again, Some(Made::NoChanges { .. })), "{again:?}");
}

#[test]
fn choices_keep_the_enum_and_variant_names() {
    let c = compiled(&storefront_derived());
    let schema = c.schema.as_ref().unwrap();
    let membership = schema
        .model("Customer")
        .unwrap()
        .field("membership")
        .unwrap();
    let choices = membership.choices.as_ref().unwrap();
    assert_eq!(choices.enum_name.as_ref().unwrap().as_str(), "Membership");
    let items: Vec<_> = choices
        .items
        .iter()
        .map(|c| (c.value.to_string(), c.label.as_str(), c.name.as_deref()))
        .collect();
    assert_eq!(
        items,
        [
            ("\"B\"".to_string(), "Bronze", Some("Bronze")),
            ("\"S\"".to_string(), "Silver", Some("Silver")),
            ("\"G\"".to_string(), "Gold", Some("Gold")),
        ]
    );
}

// --- Every option: tests/fixtures/derive/options -----------------------------------------

fn options_dir() -> PathBuf {
    repo_root().join("tests/fixtures/derive/options")
}

/// The options fixture as a project: its models.toml (`Toml`), or its src/models.rs read
/// through `[project] sources` (`Derived`), copied into a temp dir.
fn options_project(tag: &str, derived: bool) -> (TempDir, PathBuf) {
    let dir = TempDir::new(tag);
    let models = dir.0.join("models.toml");
    if derived {
        std::fs::create_dir_all(dir.0.join("src")).unwrap();
        std::fs::copy(
            options_dir().join("src/models.rs"),
            dir.0.join("src/models.rs"),
        )
        .unwrap();
        std::fs::write(
            &models,
            "[project]\napp = \"club\"\ndialects = [\"postgres\", \"mysql\", \"sqlite\"]\nsources = [\"src/models.rs\"]\n",
        )
        .unwrap();
    } else {
        std::fs::copy(options_dir().join("models.toml"), &models).unwrap();
    }
    (dir, models)
}

/// Compiles `path`, which may warn but has no errors.
fn compiled_with_warnings(path: &Path) -> Compilation {
    let c = modelc::compile_file(path);
    assert!(
        c.is_ok() && c.diagnostics.error_count() == 0,
        "{}:\n{}",
        path.display(),
        c.render_diagnostics(false)
    );
    c
}

/// `Debug` text with every `Span { .. }` replaced by `_`: what was written, not where.
fn without_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("Span { file: ") {
        out.push_str(&rest[..at]);
        out.push('_');
        let end = rest[at..].find('}').expect("a closed span");
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The IR of every model, spans left out. Fields' per-option spans are left out too: the
/// frontends record them in the order they read options.
fn ir_text(c: &Compilation) -> Vec<String> {
    let schema = c.schema.as_ref().expect("a schema");
    schema
        .models
        .iter()
        .chain(&schema.abstracts)
        .map(|m| {
            let mut m = m.clone();
            for f in &mut m.fields {
                f.spans.clear();
            }
            without_spans(&format!("{m:?}"))
        })
        .collect()
}

#[test]
fn derived_options_give_the_same_ir_ddl_and_warnings() {
    let (_a, toml_path) = options_project("opt-toml", false);
    let (_b, derived_path) = options_project("opt-rust", true);
    let toml = compiled_with_warnings(&toml_path);
    let derived = compiled_with_warnings(&derived_path);

    let (want, got) = (ir_text(&toml), ir_text(&derived));
    assert_eq!(want.len(), got.len());
    for (w, g) in want.iter().zip(&got) {
        let at = w
            .bytes()
            .zip(g.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(w.len().min(g.len()));
        let around = |s: &str| {
            let from = s.floor_char_boundary(at.saturating_sub(300));
            s[from..s.ceil_char_boundary((at + 300).min(s.len()))].to_string()
        };
        assert!(
            w == g,
            "the IR differs:\n--- models.toml\n{}\n--- derived\n{}",
            around(w),
            around(g)
        );
    }
    let schema = derived.schema.as_ref().unwrap();
    let proxy = schema.model("RecentPerson").expect("the proxy");
    assert!(
        matches!(&proxy.kind, ModelKind::Proxy { of } if of.as_str() == "Person"),
        "{:?}",
        proxy.kind
    );
    assert_eq!(schema.models.len(), 5);
    assert_eq!(schema.abstracts.len(), 1);

    for dialect in DialectName::ALL {
        let want = modelc::ddl::schema_sql(toml.schema.as_ref().unwrap(), dialect);
        let got = modelc::ddl::schema_sql(schema, dialect);
        assert!(!want.is_empty());
        assert_eq!(got, want, "{dialect}: the DDL differs");
    }

    // The same warnings (MySQL has no partial indexes), each at the attribute that asks.
    let said = |c: &Compilation| -> Vec<(String, Option<String>, Option<String>)> {
        c.diagnostics
            .iter()
            .map(|d| (d.message.clone(), d.label.clone(), d.help.clone()))
            .collect()
    };
    assert_eq!(said(&derived), said(&toml));
    assert_eq!(derived.diagnostics.iter().count(), 2);
}

#[test]
fn derived_options_give_the_same_migrations() {
    let (_a, toml_path) = options_project("opt-mig-toml", false);
    let (_b, derived_path) = options_project("opt-mig-rust", true);
    let (a, b) = (TempDir::new("opt-mig-a"), TempDir::new("opt-mig-b"));
    let want = make_initial(&toml_path, &a.0);
    let got = make_initial(&derived_path, &b.0);
    assert_eq!(want.len(), 7);
    assert_eq!(got.len(), want.len());
    same_files(&want, &got);
}

/// Compiles one bad Rust file as the only source of a models file beside it.
fn compile_case(name: &str) -> (Compilation, String) {
    // Integration tests run in the package's folder (tests/): paths stay short and stable.
    let dir = "fixtures/derive/invalid";
    let models = format!("{dir}/{}.toml", name.trim_end_matches(".rs"));
    let text = format!("[project]\napp = \"store\"\nsources = [\"{name}\"]\n");
    let c = modelc::compile_str(&models, text);
    let rendered = c.render_diagnostics(false);
    (c, rendered)
}

#[test]
fn corpus() {
    insta::glob!("../fixtures/derive/invalid", "*.rs", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let (c, rendered) = compile_case(name);
        assert!(!c.is_ok(), "{name} compiled:\n{rendered}");
        let mut previous = None;
        for d in c.diagnostics.iter() {
            let span = d
                .span
                .unwrap_or_else(|| panic!("{name}: no place for `{}`", d.message));
            assert!(d.label.is_some(), "{name}: no label for `{}`", d.message);
            assert!(d.help.is_some(), "{name}: no help for `{}`", d.message);
            let file = c.sources.file(span.file);
            assert!(
                file.path.ends_with(name),
                "{name}: `{}` is not in the Rust file",
                d.message
            );
            let (line, col) = file.line_col(span.start);
            let location = format!("--> {}:{line}:{col}\n", file.path);
            assert!(
                rendered.contains(&location),
                "{name}: `{location}` missing:\n{rendered}"
            );
            assert!(
                previous <= Some((span.start, span.end)),
                "{name}: out of file order"
            );
            previous = Some((span.start, span.end));
        }
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn corpus_is_large_and_named_by_case() {
    let dir = repo_root().join("tests/fixtures/derive/invalid");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 15, "{} cases", names.len());
    for name in &names {
        assert!(
            name.len() > 7
                && name[..3].bytes().all(|b| b.is_ascii_digit())
                && name.ends_with(".rs"),
            "`{name}` is not NNN_short_description.rs"
        );
    }
}

#[test]
fn many_errors_are_all_reported_in_one_run() {
    let (c, rendered) = compile_case("025_many_errors.rs");
    assert!(c.diagnostics.error_count() >= 5, "{rendered}");
}

#[test]
fn a_missing_source_is_reported_at_its_name() {
    let c = modelc::compile_str(
        "fixtures/derive/missing.toml",
        "[project]\nsources = [\"nowhere.rs\"]\n",
    );
    let rendered = c.render_diagnostics(false);
    assert!(!c.is_ok());
    assert!(
        rendered.starts_with("error: cannot read `fixtures/derive/nowhere.rs`: "),
        "{rendered}"
    );
    assert!(
        rendered.contains("--> fixtures/derive/missing.toml:2:13\n"),
        "{rendered}"
    );
}

#[test]
fn sources_without_models_are_reported() {
    let dir = TempDir::new("empty");
    std::fs::write(dir.0.join("models.rs"), "pub struct NotAModel { x: i32 }\n").unwrap();
    std::fs::write(
        dir.0.join("models.toml"),
        "[project]\nsources = [\"models.rs\"]\n",
    )
    .unwrap();
    let c = modelc::compile_file(&dir.0.join("models.toml"));
    let rendered = c.render_diagnostics(false);
    assert!(!c.is_ok());
    assert!(
        rendered.starts_with("error: the models file and its sources declare no models"),
        "{rendered}"
    );
}

#[test]
fn toml_and_rust_models_mix_and_a_model_declared_in_both_is_reported() {
    let dir = TempDir::new("mix");
    std::fs::write(
        dir.0.join("models.rs"),
        "#[derive(Model)]\nstruct Post {\n    #[model(foreign_key = Author, on_delete = \"cascade\")]\n    author: i64,\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.0.join("models.toml"),
        "[project]\napp = \"blog\"\nsources = [\"models.rs\"]\n\n[models.Author.fields]\nname = { type = \"char\", max_length = 100 }\n",
    )
    .unwrap();
    let c = compiled(&dir.0.join("models.toml"));
    let schema = c.schema.as_ref().unwrap();
    let post = schema.model("Post").unwrap();
    assert_eq!(post.db_table, "blog_post");
    assert_eq!(post.field("author").unwrap().column, "author_id");

    std::fs::write(
        dir.0.join("models.toml"),
        "[project]\nsources = [\"models.rs\"]\n\n[models.Post.fields]\ntitle = { type = \"text\" }\n[models.Author.fields]\nname = \"text\"\n",
    )
    .unwrap();
    let c = modelc::compile_file(&dir.0.join("models.toml"));
    let rendered = c.render_diagnostics(false);
    assert!(
        rendered.contains("error: model `Post` is declared twice"),
        "{rendered}"
    );
}

// --- The CLI, as a user runs it -----------------------------------------------------------

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn modelc(dir: &Path, args: &[&str]) -> Output {
    Command::new(modelc_bin())
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run modelc")
}

/// The derived storefront copied into a temp dir (models.toml and src/models.rs).
fn derived_project(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let from = repo_root().join("tests/fixtures/derive/storefront");
    std::fs::create_dir_all(dir.0.join("src")).unwrap();
    for f in ["models.toml", "src/models.rs"] {
        std::fs::copy(from.join(f), dir.0.join(f)).unwrap();
    }
    dir
}

#[test]
fn cli_check_and_sql_on_the_derived_storefront() {
    let dir = derived_project("cli-sql");
    let out = modelc(&dir.0, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "models.toml: 5 models, no errors\n");

    for dialect in ["postgres", "mysql", "sqlite"] {
        let derived = modelc(&dir.0, &["sql", "--dialect", dialect]);
        assert!(derived.status.success(), "{}", text(&derived.stderr));
        let toml = modelc(&repo_root(), &["sql", "--dialect", dialect]);
        assert!(toml.status.success(), "{}", text(&toml.stderr));
        assert!(!derived.stdout.is_empty());
        assert_eq!(text(&derived.stdout), text(&toml.stdout), "{dialect}");
    }
}

#[test]
fn cli_makemigrations_and_sqlmigrate_on_the_derived_storefront() {
    let dir = derived_project("cli-mig");
    let out = modelc(&dir.0, &["makemigrations"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.0.join("migrations/0001_initial.toml").is_file());
    let out = modelc(&dir.0, &["sqlmigrate", "0001", "--dialect", "sqlite"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let up = std::fs::read_to_string(dir.0.join("migrations/sqlite/0001_initial.up.sql")).unwrap();
    assert_eq!(text(&out.stdout), up);
    assert!(up.contains("CREATE TABLE \"store_customer\""), "{up}");
    let out = modelc(&dir.0, &["makemigrations", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn cli_reports_a_bad_attribute_with_file_line_and_column() {
    let dir = derived_project("cli-bad");
    let path = dir.0.join("src/models.rs");
    let source = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        source.replacen("on_delete = \"protect\"", "on_delete = \"protec\"", 1),
    )
    .unwrap();
    let out = modelc(&dir.0, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: unknown on_delete rule `protec`\n  --> src/models.rs:30:51\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: did you mean `protect`?"),
        "{stderr}"
    );
}

/// The migration files made from models.toml (`want`) and from the structs (`got`) are the
/// same files, byte for byte.
fn same_files(want: &[(PathBuf, Vec<u8>)], got: &[(PathBuf, Vec<u8>)]) {
    assert_eq!(got.len(), want.len());
    for ((pa, a), (pb, b)) in want.iter().zip(got) {
        assert_eq!(pa, pb);
        assert!(
            a == b,
            "{} differs:\n--- models.toml\n{}\n--- derived\n{}",
            pa.display(),
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}
