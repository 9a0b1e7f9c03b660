//! The storefront's committed migrations (`migrations/` at the top of the repo) are what the
//! compiler makes of them now, and hold the models: every SQL file equals the SQL compiled
//! from its `.toml`, and makemigrations finds no changes. When the compiler's output changes
//! on purpose, compile them again: delete `migrations/<dialect>/` and run
//! `cargo run -- makemigrations` (never for migrations applied somewhere that matters).

use modelc::ir::DialectName;
use modelc::migrate::make::{self, Made, MakeOptions};
use modelc_tests::repo_root;

#[test]
fn committed_sql_is_what_the_toml_compiles_to() {
    let root = repo_root();
    let dir = root.join("migrations");
    let mut loaded = make::load(&root.join("models.toml"), &dir);
    assert!(
        loaded.is_ok(),
        "{}",
        loaded.diagnostics.render(&loaded.sources, false)
    );
    assert!(!loaded.history.is_empty(), "the storefront has migrations");
    let names: Vec<String> = loaded.history.iter().map(|m| m.name.clone()).collect();
    for name in &names {
        for d in DialectName::ALL {
            for backwards in [false, true] {
                let compiled = make::sqlmigrate(&mut loaded, name, d, backwards)
                    .unwrap_or_else(|| panic!("{name} compiles for {d}"));
                let file = dir.join(d.as_str()).join(format!(
                    "{name}.{}.sql",
                    if backwards { "down" } else { "up" }
                ));
                let committed = std::fs::read_to_string(&file).expect("committed SQL");
                assert_eq!(committed, compiled, "{} is stale", file.display());
            }
        }
    }
}

#[test]
fn the_models_need_no_new_migration() {
    let root = repo_root();
    let mut loaded = make::load(&root.join("models.toml"), &root.join("migrations"));
    let opts = MakeOptions {
        check: true,
        ..MakeOptions::default()
    };
    match make::makemigrations(&mut loaded, &opts) {
        Some(Made::NoChanges { compiled }) => assert!(compiled.is_empty()),
        other => panic!(
            "expected no changes, got {other:?}\n{}",
            loaded.diagnostics.render(&loaded.sources, false)
        ),
    }
}
