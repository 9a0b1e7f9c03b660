//! The bad-input corpus: every models file in `tests/fixtures/invalid/` must fail to compile
//! with exact, rustc-style diagnostics (file, line and column, the source line underlined, a
//! label and a help line), all problems of a file in one run, in file order, and no panic.
//!
//! Each fixture has one snapshot, `snapshots/invalid__corpus@<fixture>.snap`, holding the
//! diagnostics exactly as `modelc check` prints them. Inputs too large to commit (a huge
//! file, deeply nested values and expressions) are generated here and snapshotted too.
//!
//! To add a case, add `tests/fixtures/invalid/NNN_short_description.toml`. To re-bless
//! after a deliberate change to a message (cargo-insta need not be installed):
//!
//! ```text
//! INSTA_UPDATE=always cargo test -p modelc-tests --test invalid
//! ```
//!
//! then read every changed snapshot (`git diff tests/tests/snapshots/`) before committing:
//! each one is the exact expected output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use modelc::Compilation;
use modelc::cli::{Cli, Color, Command};

/// Compiles `text` as the CLI would, shown as `display` in diagnostics.
fn compile(display: &str, text: String) -> (Compilation, String) {
    let compilation = modelc::compile_str(display, text);
    let rendered = compilation.render_diagnostics(false);
    (compilation, rendered)
}

/// What holds for every bad input: it fails; every diagnostic has a place, a label and a
/// help line; each error's `--> file:line:col` is rendered; diagnostics come in file order.
fn assert_well_reported(display: &str, compilation: &Compilation, rendered: &str) {
    assert!(!compilation.is_ok(), "{display} compiled:\n{rendered}");
    assert!(
        compilation.diagnostics.has_errors(),
        "{display}: no errors:\n{rendered}"
    );
    let mut previous = None;
    for d in compilation.diagnostics.iter() {
        let span = d
            .span
            .unwrap_or_else(|| panic!("{display}: no place for `{}`", d.message));
        assert!(d.label.is_some(), "{display}: no label for `{}`", d.message);
        assert!(d.help.is_some(), "{display}: no help for `{}`", d.message);
        let (line, col) = compilation.sources.file(span.file).line_col(span.start);
        let location = format!("--> {display}:{line}:{col}\n");
        assert!(
            rendered.contains(&location),
            "{display}: `{location}` missing for `{}`:\n{rendered}",
            d.message
        );
        assert!(
            previous <= Some((span.start, span.end)),
            "{display}: `{}` is out of file order",
            d.message
        );
        previous = Some((span.start, span.end));
    }
    let helps = rendered.matches("= help: ").count();
    assert_eq!(
        helps,
        compilation.diagnostics.iter().count(),
        "{display}: a help line per diagnostic:\n{rendered}"
    );
    let errors = compilation.diagnostics.error_count();
    assert!(
        rendered.ends_with(&format!(
            "error: could not compile the models due to {errors} previous error{}{}\n",
            if errors == 1 { "" } else { "s" },
            match compilation.diagnostics.warning_count() {
                0 => String::new(),
                1 => "; 1 warning emitted".to_string(),
                n => format!("; {n} warnings emitted"),
            }
        )),
        "{display}: summary line:\n{rendered}"
    );
}

#[test]
fn corpus() {
    insta::glob!("../fixtures/invalid", "*.toml", |path| {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("fixture name");
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let display = format!("invalid/{name}");
        let (compilation, rendered) = compile(&display, text);
        assert_well_reported(&display, &compilation, &rendered);
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn corpus_is_large_and_named_by_case() {
    let dir = modelc_tests::repo_root().join("tests/fixtures/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 45, "{} cases", names.len());
    for name in &names {
        let (number, rest) = name.split_at(3.min(name.len()));
        assert!(
            number.bytes().all(|b| b.is_ascii_digit())
                && rest.starts_with('_')
                && rest.ends_with(".toml")
                && rest.len() > ".toml".len() + 1,
            "`{name}` is not NNN_short_description.toml"
        );
    }
}

#[test]
fn many_errors_are_all_reported_in_one_run_in_file_order() {
    let path = modelc_tests::repo_root().join("tests/fixtures/invalid/071_many_errors.toml");
    let text = std::fs::read_to_string(path).expect("fixture");
    let (compilation, rendered) = compile("invalid/071_many_errors.toml", text);
    assert!(compilation.diagnostics.error_count() >= 5, "{rendered}");
    let lines: Vec<usize> = compilation
        .diagnostics
        .iter()
        .filter_map(|d| d.span)
        .map(|s| compilation.sources.file(s.file).line_col(s.start).0)
        .collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "one error per line, in file order: {lines:?}"
    );
}

/// 20,000 models with one mistake near the end: exactly that mistake is reported, quickly.
#[test]
fn huge_file_reports_its_one_error() {
    let mut text = String::from("[project]\napp = \"big\"\ndialects = [\"postgres\"]\n\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "[models.M{i}.fields]\ntitle = {{ type = \"char\", max_length = 100 }}\n"
        ));
        if i == 19_990 {
            text.push_str("body = { type = \"char\" }\n");
        }
        text.push('\n');
    }
    let display = "generated/huge.toml";
    let start = Instant::now();
    let (compilation, rendered) = compile(display, text);
    let elapsed = start.elapsed();
    assert_well_reported(display, &compilation, &rendered);
    assert_eq!(compilation.diagnostics.iter().count(), 1, "{rendered}");
    assert!(
        elapsed < Duration::from_secs(30),
        "20,000 models took {elapsed:?}"
    );
    insta::assert_snapshot!("generated_huge_file", rendered);
}

/// Runs `check` of generated text on a thread with the default test stack (2 MiB), so
/// that unbounded recursion would overflow it here rather than only for users.
fn compile_on_small_stack(display: &'static str, text: String) -> (Compilation, String) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let (compilation, rendered) = compile(display, text);
            assert_well_reported(display, &compilation, &rendered);
            (compilation, rendered)
        })
        .expect("thread")
        .join()
        .expect("no panic, no stack overflow")
}

#[test]
fn deeply_nested_arrays_in_a_default() {
    let n = 100_000;
    let text = format!(
        "[models.Doc.fields]\ndata = {{ type = \"json\", default = {}{} }}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let (compilation, rendered) = compile_on_small_stack("generated/deep_arrays.toml", text);
    assert_eq!(compilation.diagnostics.iter().count(), 1, "{rendered}");
    insta::assert_snapshot!("generated_deep_arrays", rendered);
}

#[test]
fn deeply_nested_inline_tables_in_a_default() {
    let n = 100_000;
    let text = format!(
        "[models.Doc.fields]\ndata = {{ type = \"json\", default = {}1{} }}\n",
        "{ a = ".repeat(n),
        " }".repeat(n)
    );
    let (compilation, rendered) = compile_on_small_stack("generated/deep_tables.toml", text);
    assert_eq!(compilation.diagnostics.iter().count(), 1, "{rendered}");
    insta::assert_snapshot!("generated_deep_tables", rendered);
}

fn check_of(check: &str) -> String {
    format!(
        "[models.Doc.fields]\nprice = {{ type = \"integer\" }}\n\n[models.Doc.meta]\nconstraints = [{{ type = \"check\", name = \"price_ok\", check = {check} }}]\n"
    )
}

#[test]
fn deeply_nested_parentheses_in_a_check() {
    let n = 10_000;
    let text = check_of(&format!("\"{}price > 0{}\"", "(".repeat(n), ")".repeat(n)));
    let (compilation, rendered) = compile_on_small_stack("generated/deep_parens.toml", text);
    assert_eq!(compilation.diagnostics.iter().count(), 1, "{rendered}");
    insta::assert_snapshot!("generated_deep_parens", rendered);
}

#[test]
fn deeply_nested_parentheses_in_per_dialect_sql() {
    let n = 10_000;
    let text = check_of(&format!(
        "{{ default = \"{}price > 0{}\" }}",
        "(".repeat(n),
        ")".repeat(n)
    ));
    let (compilation, rendered) = compile_on_small_stack("generated/deep_parens_raw.toml", text);
    assert_eq!(compilation.diagnostics.iter().count(), 1, "{rendered}");
    insta::assert_snapshot!("generated_deep_parens_raw", rendered);
}

#[test]
fn deeply_nested_operators_in_a_check() {
    let n = 10_000;
    let text = check_of(&format!("\"{}price > 0\"", "NOT ".repeat(n)));
    let (compilation, rendered) = compile_on_small_stack("generated/deep_not.toml", text);
    assert_eq!(compilation.diagnostics.iter().count(), 1, "{rendered}");
    insta::assert_snapshot!("generated_deep_not", rendered);
}

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("modelc-invalid-{name}-{}", std::process::id()));
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

fn sql_out(models: &Path, out: &Path) -> ExitCode {
    modelc::cli::run(Cli {
        models: models.to_path_buf(),
        color: Color::Never,
        command: Command::Sql {
            dialect: Vec::new(),
            out: Some(out.to_path_buf()),
        },
    })
}

/// `modelc sql --out DIR` on bad models exits with 1 and writes nothing: not into an
/// existing directory, and it does not create a missing one.
#[test]
fn sql_out_writes_nothing_for_invalid_models() {
    let fixtures = modelc_tests::repo_root().join("tests/fixtures/invalid");
    for case in [
        "004_toml_several_errors.toml",
        "025_reverse_query_name_clash.toml",
        "042_warnings_with_error.toml",
        "071_many_errors.toml",
    ] {
        let tmp = TempDir::new(case.trim_end_matches(".toml"));
        let code = sql_out(&fixtures.join(case), &tmp.0);
        assert_eq!(code, ExitCode::FAILURE, "{case}: exit code 1");
        let written: Vec<_> = std::fs::read_dir(&tmp.0)
            .expect("out dir")
            .map(|e| e.expect("entry").path())
            .collect();
        assert!(written.is_empty(), "{case}: wrote {written:?}");

        let missing = tmp.0.join("not-created");
        let code = sql_out(&fixtures.join(case), &missing);
        assert_eq!(code, ExitCode::FAILURE, "{case}: exit code 1");
        assert!(!missing.exists(), "{case}: created {}", missing.display());
    }
}
