//! The DDL applies on real databases and creates what the models say.
//!
//! For the storefront (`models.toml`) and the all-types fixture, on PostgreSQL, MariaDB/MySQL
//! and SQLite: compile, run every DDL statement in a fresh database, read the catalog back and
//! compare it with what the IR asks for (see `db_apply/expect.rs`): the tables of managed
//! concrete models and their automatic many-to-many tables and no others (so no table for
//! unmanaged and proxy models), columns in field order with each catalog's type, nullability,
//! defaults, identity/auto-increment and comments, primary keys, uniques, foreign keys with
//! their ON DELETE action, an index on every foreign key and every requested index (partial
//! where the dialect has them), and the checks of choices, positive integers and Meta.
//! A mismatch fails with a diff: `-` what the models ask for and the database lacks, `+` what
//! the database has and the models do not ask for.

#[path = "db_apply/expect.rs"]
mod expect;
#[path = "db_apply/types.rs"]
mod types;

use std::collections::{BTreeMap, BTreeSet};

use modelc::ir::{DialectName, ModelKind, Schema};
use modelc_tests::catalog::{self, Catalog};
use modelc_tests::db::{TestDb, compile};
use modelc_tests::repo_root;

use expect::Server;

const STOREFRONT: &str = "models.toml";
const ALL_TYPES: &str = "tests/fixtures/all_types/models.toml";

async fn server_of(db: &mut TestDb) -> Server {
    match db.dialect() {
        DialectName::Postgres => Server::Postgres,
        DialectName::Sqlite => Server::Sqlite,
        DialectName::MySql => {
            let version = db
                .value("SELECT VERSION()")
                .await
                .expect("SELECT VERSION()");
            if version.unwrap_or_default().contains("MariaDB") {
                Server::MariaDb
            } else {
                Server::MySql
            }
        }
    }
}

/// `-`/`+` lines per table where the catalog differs from the expectation; empty if equal.
fn diff(expected: &BTreeMap<String, expect::Expected>, actual: &Catalog) -> String {
    let mut out = String::new();
    let names: BTreeSet<&String> = expected.keys().chain(actual.tables.keys()).collect();
    for name in names {
        match (expected.get(name), actual.tables.get(name)) {
            (Some(_), None) => out.push_str(&format!("- table {name} (missing)\n")),
            (None, Some(_)) => out.push_str(&format!("+ table {name} (not in the models)\n")),
            (Some(e), Some(t)) => {
                let got = expect::actual(t, &e.names);
                let missing = subtract(&e.lines, &got);
                let extra = subtract(&got, &e.lines);
                if missing.is_empty() && extra.is_empty() {
                    continue;
                }
                out.push_str(&format!("table {name}:\n"));
                for l in missing {
                    out.push_str(&format!("  - {l}\n"));
                }
                for l in extra {
                    out.push_str(&format!("  + {l}\n"));
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// The lines of `a` not matched one for one by a line of `b`, in `a`'s order.
fn subtract<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut left: Vec<&String> = b.iter().collect();
    a.iter()
        .filter(|l| match left.iter().position(|x| x == l) {
            Some(i) => {
                left.remove(i);
                false
            }
            None => true,
        })
        .collect()
}

async fn check(test: &str, path: &str, dialect: DialectName) {
    let text = std::fs::read_to_string(repo_root().join(path)).expect("read the models");
    let compilation = compile(path, &text);
    let schema: &Schema = compilation.schema.as_ref().expect("compiled");
    let Some(mut db) = TestDb::create(test, dialect).await else {
        return;
    };
    let server = server_of(&mut db).await;
    db.apply(schema).await;
    let catalog = catalog::read(&mut db).await.expect("read the catalog");
    let expected = expect::tables(schema, server);

    // Unmanaged and proxy models have no table of their own.
    for m in &schema.models {
        let own = match &m.kind {
            ModelKind::Proxy { .. } => Some(format!(
                "{}_{}",
                schema.project.app.as_ref().map_or("", |a| a.as_str()),
                m.lower_name()
            )),
            ModelKind::Concrete if !m.meta.managed => Some(m.db_table.clone()),
            _ => None,
        };
        if let Some(table) = own {
            assert!(
                !catalog.tables.contains_key(&table),
                "{path} on {server:?}: model {} must have no table, but {table} exists",
                m.name
            );
        }
    }

    let diff = diff(&expected, &catalog);
    assert!(
        diff.is_empty(),
        "the {server:?} catalog of {path} differs from the models \
         (- expected, missing; + in the database, not expected):\n{diff}"
    );
}

#[tokio::test]
async fn storefront_postgres() {
    check("storefront_postgres", STOREFRONT, DialectName::Postgres).await;
}

#[tokio::test]
async fn storefront_mysql() {
    check("storefront_mysql", STOREFRONT, DialectName::MySql).await;
}

#[tokio::test]
async fn storefront_sqlite() {
    check("storefront_sqlite", STOREFRONT, DialectName::Sqlite).await;
}

#[tokio::test]
async fn all_types_postgres() {
    check("all_types_postgres", ALL_TYPES, DialectName::Postgres).await;
}

#[tokio::test]
async fn all_types_mysql() {
    check("all_types_mysql", ALL_TYPES, DialectName::MySql).await;
}

#[tokio::test]
async fn all_types_sqlite() {
    check("all_types_sqlite", ALL_TYPES, DialectName::Sqlite).await;
}
