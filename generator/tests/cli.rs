//! The `modelc` command as a user runs it: help, exit codes, stdout, files written (or not).
//!
//! These live with the binary's crate because cargo gives a binary's path
//! (`CARGO_BIN_EXE_modelc`) only to its own package's tests.

#![allow(clippy::unwrap_used, clippy::panic)]

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

fn storefront() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.toml")
}

/// A fresh empty directory under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("modelc-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_explains_itself() {
    let dir = scratch("help");
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["sql", "--help"],
        &["apply", "--help"],
    ] {
        let out = modelc(&dir, args);
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        assert!(help.contains("Usage: modelc"), "{args:?}: {help}");
        assert!(help.contains("--models <PATH>"), "{args:?}: {help}");
    }
    let sql = text(&modelc(&dir, &["sql", "--help"]).stdout);
    assert!(
        sql.contains("--dialect") && sql.contains("--out <DIR>") && sql.contains("postgres"),
        "{sql}"
    );
    let apply = text(&modelc(&dir, &["apply", "--help"]).stdout);
    assert!(
        apply.contains("DATABASE_URL") && apply.contains("sqlite://db.sqlite3"),
        "{apply}"
    );
}

#[test]
fn reads_models_toml_of_the_current_directory() {
    let dir = scratch("default-path");
    std::fs::copy(storefront(), dir.join("models.toml")).unwrap();
    let out = modelc(&dir, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("models.toml: 5 models, no errors"));

    let missing = scratch("missing");
    let out = modelc(&missing, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot read `models.toml`") && err.contains("--models PATH"),
        "{err}"
    );
}

#[test]
fn sql_prints_one_dialect_on_stdout() {
    let dir = scratch("stdout");
    let expected = modelc::compile_file(&storefront());
    for (flag, dialect) in [
        ("postgres", modelc::ir::DialectName::Postgres),
        ("mysql", modelc::ir::DialectName::MySql),
        ("sqlite", modelc::ir::DialectName::Sqlite),
    ] {
        let out = modelc(
            &dir,
            &[
                "--models",
                storefront().to_str().unwrap(),
                "sql",
                "--dialect",
                flag,
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expected.sql(dialect).unwrap());
    }
    let out = modelc(&dir, &["--models", storefront().to_str().unwrap(), "sql"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("stdout takes one dialect"));
    assert!(out.stdout.is_empty());
}

#[test]
fn sql_out_writes_one_file_per_dialect() {
    let dir = scratch("out");
    let out_dir = dir.join("sql");
    let out = modelc(
        &dir,
        &[
            "--models",
            storefront().to_str().unwrap(),
            "sql",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = modelc::compile_file(&storefront());
    for d in modelc::ir::DialectName::ALL {
        let written = std::fs::read_to_string(out_dir.join(format!("{d}.sql"))).unwrap();
        assert_eq!(written, expected.sql(d).unwrap());
    }
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["mysql.sql", "postgres.sql", "sqlite.sql"],
        "no temporary files left behind"
    );
}

#[test]
fn errors_exit_1_and_write_nothing() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("models.toml"),
        "[models.Product.fields]\ntitle = { type = \"char\" }\ncollection = { type = \"foreign_key\", to = \"Colection\", on_delete = \"protect\" }\n",
    )
    .unwrap();
    let out_dir = dir.join("sql");
    let out = modelc(&dir, &["sql", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !out_dir.exists(),
        "nothing may be written when the models have errors"
    );
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("--> models.toml:2:18"), "{err}");
    assert!(
        err.contains("char field `Product.title` has no max_length"),
        "{err}"
    );
    assert!(err.contains("--> models.toml:3:44"), "{err}");
    assert!(err.contains("unknown model `Colection`"), "{err}");
    assert!(err.contains("due to 2 previous errors"), "{err}");
    let out = modelc(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn apply_creates_the_schema_in_an_empty_sqlite_database_once() {
    let dir = scratch("apply");
    std::fs::copy(storefront(), dir.join("models.toml")).unwrap();
    let out = modelc(&dir, &["apply"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("created 5 tables"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        dir.join("db.sqlite3").exists(),
        "the embedded default database is created on first use"
    );
    let again = modelc(&dir, &["apply"]);
    assert_eq!(again.status.code(), Some(1));
    let err = text(&again.stderr);
    assert!(err.contains("already has tables store_collection"), "{err}");

    let bad = modelc(&dir, &["apply", "--database", "oracle://x"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("not a database URL modelc knows"));
}
