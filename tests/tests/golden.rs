//! Golden tests: the DDL of each fixture, one snapshot per dialect.
//!
//! Cases: the storefront (`models.toml` at the top of the repo), the fixture with every type
//! and option (`tests/fixtures/all_types/models.toml`), and each file in
//! `tests/fixtures/golden/`. Each case also snapshots its warnings. Compilation is pure, so
//! each case is compiled twice and the two outputs must be the same bytes.
//!
//! Re-bless after an intended change: `INSTA_UPDATE=always cargo test -p modelc-tests --test golden`
//! (or `cargo insta review` where cargo-insta is installed), then read the diff.

use modelc::ir::DialectName;
use modelc_tests::repo_root;

fn cases() -> Vec<(String, std::path::PathBuf)> {
    let root = repo_root();
    let mut cases = vec![
        ("storefront".to_string(), root.join("models.toml")),
        (
            "all_types".to_string(),
            root.join("tests/fixtures/all_types/models.toml"),
        ),
    ];
    let mut golden: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    golden.sort();
    for p in golden {
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        cases.push((name, p));
    }
    cases
}

#[test]
fn ddl_per_dialect() {
    for (name, path) in cases() {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = format!("{name}/models.toml");
        let first = modelc::compile_str(&shown, text.clone());
        assert!(
            first.is_ok(),
            "{name} does not compile:\n{}",
            first.render_diagnostics(false)
        );
        let again = modelc::compile_str(&shown, text);
        let schema = first.schema.as_ref().unwrap();
        for dialect in DialectName::ALL {
            if !schema.project.dialects.contains(&dialect) {
                continue;
            }
            let sql = first.sql(dialect).unwrap();
            // The streaming writer and the statement list say the same.
            let d = modelc::ddl::dialect_for(dialect);
            assert_eq!(
                modelc::ddl::render(&modelc::ddl::plan(schema, d), d),
                sql,
                "{name}/{dialect}"
            );
            assert_eq!(
                Some(&sql),
                again.sql(dialect).as_ref(),
                "{name}/{dialect}: output differs between two runs"
            );
            insta::assert_snapshot!(format!("{name}@{dialect}"), sql);
        }
        insta::assert_snapshot!(format!("{name}@warnings"), first.render_diagnostics(false));
    }
}
