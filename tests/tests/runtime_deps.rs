//! An application pays for modelc at build time only: neither the derive's crates
//! (`tests/derived/*`, which use `#[derive(Model)]`) nor the storefront example (build.rs)
//! link the generator, syn, quote, minijinja or clap into their binary. `cargo tree -e
//! normal,no-proc-macro` lists what is linked: normal dependencies, proc-macros and their own
//! dependencies left out.

use modelc_tests::repo_root;

/// Crates that must not be linked into an application.
const BUILD_TIME_ONLY: [&str; 7] = [
    "modelc",
    "modelc-macros",
    "syn",
    "quote",
    "proc-macro2",
    "minijinja",
    "clap",
];

/// The packages `cargo tree` lists as linked into `package`.
fn linked(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(repo_root())
        .args([
            "tree",
            "--offline",
            "-e",
            "normal,no-proc-macro",
            "--prefix",
            "none",
        ])
        .args(["-p", package])
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree -p {package} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn applications_link_no_build_time_crate() {
    for package in [
        "modelc-derived-sqlite",
        "modelc-derived-postgres",
        "modelc-derived-mysql",
        "storefront-example",
    ] {
        let linked = linked(package);
        assert!(
            linked.iter().any(|p| p == "sqlx"),
            "{package}: cargo tree does not list sqlx, so it says nothing: {linked:?}"
        );
        let found: Vec<&String> = linked
            .iter()
            .filter(|p| BUILD_TIME_ONLY.contains(&p.as_str()))
            .collect();
        assert!(
            found.is_empty(),
            "{package} links build-time crates into its binary: {found:?}"
        );
    }
}
