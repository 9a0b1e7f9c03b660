//! modelc's compiled migrations are sqlx migrations: an application can embed a dialect's
//! folder with `sqlx::migrate!` and run it, and `modelc migrate` then sees those migrations as
//! applied (sqlx's history table and checksums are the same ones).
//!
//! The scenario (`tests/fixtures/migrations/sqlx_compat/`): `models/0001.toml` is the
//! storefront, `models/0002.toml` renames Collection to Category (its table too), adds a
//! foreign key (Order.shipping_address) and an index on Product, and makes
//! Product.description nullable (on SQLite a table rebuild that manages its own transaction,
//! `-- no-transaction`, which sqlx honours). `migrations/` is what
//! `makemigrations` makes of them, committed: `committed_folder_is_what_makemigrations_makes`
//! makes it again in a temporary directory and requires the same files, byte for byte. When
//! the compiler's output changes on purpose, re-bless with
//! `MODELC_BLESS=1 cargo test -p modelc-tests --test migrate_sqlx_compat` (which rewrites the
//! folder; the `migrate!` tests then need a rebuild, which a changed SQL file does not
//! trigger: they say so).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use modelc::ir::DialectName;
use modelc::migrate::runner::{self, State};
use modelc_tests::db::{Conn, TestDb};
use modelc_tests::migrations::{Project, assert_same, fresh_catalog, migrate, schema_catalog};
use modelc_tests::repo_root;
use sqlx::migrate::Migrator;

fn scenario() -> PathBuf {
    repo_root().join("tests/fixtures/migrations/sqlx_compat")
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The scenario's migrations, made now by `makemigrations`.
fn make() -> Project {
    let project = Project::new("sqlx_compat");
    for (step, name) in [
        ("0001", "0001_initial"),
        ("0002", "0002_rename_collection_category"),
    ] {
        let models = std::fs::read_to_string(scenario().join(format!("models/{step}.toml")))
            .expect("the scenario's models");
        project.write_models(&models);
        let made = project.make(false);
        assert!(
            made.starts_with(name),
            "step {step} made {made}, expected {name}..."
        );
    }
    project
}

#[test]
fn committed_folder_is_what_makemigrations_makes() {
    let project = make();
    let made = files(&project.migrations());
    let dir = scenario().join("migrations");
    if std::env::var("MODELC_BLESS").as_deref() == Ok("1") {
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in &made {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let committed = files(&dir);
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&made),
        "the committed files differ from what makemigrations makes; re-bless with \
         MODELC_BLESS=1 cargo test -p modelc-tests --test migrate_sqlx_compat"
    );
    for (rel, text) in &made {
        assert_eq!(
            &committed[rel], text,
            "{rel} is stale; re-bless with MODELC_BLESS=1 cargo test -p modelc-tests --test \
             migrate_sqlx_compat"
        );
    }
}

/// The folder as `migrate!` embedded it must be the folder on disk.
fn embedded_is_current(migrator: &Migrator, dialect: DialectName) {
    let dir = scenario().join("migrations").join(dialect.as_str());
    let mut on_disk: Vec<String> = files(&dir).into_values().collect();
    let mut embedded: Vec<String> = migrator
        .iter()
        .map(|m| m.sql.as_str().to_string())
        .collect();
    on_disk.sort();
    embedded.sort();
    assert!(
        on_disk == embedded,
        "the test binary embeds an older {} (sqlx::migrate! reads it at compile time): \
         `touch tests/tests/migrate_sqlx_compat.rs` and run the tests again",
        dir.display()
    );
}

async fn apply(dialect: DialectName, migrator: Migrator) {
    embedded_is_current(&migrator, dialect);
    assert_eq!(
        migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .count(),
        2
    );
    let test = format!("sqlx_compat_{dialect}");
    let Some(mut db) = TestDb::create(&test, dialect).await else {
        return;
    };
    let Some(mut fresh) = TestDb::create(&test, dialect).await else {
        return;
    };
    let result = match db.conn() {
        Conn::Postgres(c) => migrator.run(c).await,
        Conn::MySql(c) => migrator.run(c).await,
        Conn::Sqlite(c) => migrator.run(c).await,
    };
    result.unwrap_or_else(|e| panic!("{test}: sqlx::migrate! failed: {e}"));

    // The tables are there, as fresh DDL of the last models makes them.
    let catalog = schema_catalog(&mut db).await;
    let tables: Vec<&str> = catalog.tables.keys().map(String::as_str).collect();
    assert_eq!(
        tables,
        [
            "store_address",
            "store_category",
            "store_customer",
            "store_order",
            "store_product"
        ]
    );
    let last = std::fs::read_to_string(scenario().join("models/0002.toml")).unwrap();
    assert_same(&test, &fresh_catalog(&mut fresh, &last).await, &catalog);

    // modelc's runner reads the same history: everything applied, nothing to do.
    let root = scenario().join("migrations");
    let listing = runner::show(db.url(), &root).await.unwrap();
    let states: Vec<(&str, State)> = listing
        .migrations
        .iter()
        .map(|m| (m.name.as_str(), m.state))
        .collect();
    assert_eq!(
        states,
        [
            ("0001_initial", State::Applied),
            (
                "0002_rename_collection_category_alter_category_table",
                State::Applied
            ),
        ]
    );
    let project = make();
    let report = migrate(&db, &project, None).await;
    assert!(
        report.applied.is_empty() && report.unapplied.is_empty(),
        "{report:?}"
    );
    // And takes it back and forth with the down migrations.
    migrate(&db, &project, Some("0001")).await;
    assert!(
        schema_catalog(&mut db)
            .await
            .tables
            .contains_key("store_collection")
    );
    migrate(&db, &project, None).await;
    assert_same(&test, &catalog, &schema_catalog(&mut db).await);
}

#[tokio::test]
async fn sqlx_migrate_postgres() {
    apply(
        DialectName::Postgres,
        sqlx::migrate!("fixtures/migrations/sqlx_compat/migrations/postgres"),
    )
    .await;
}

#[tokio::test]
async fn sqlx_migrate_mysql() {
    apply(
        DialectName::MySql,
        sqlx::migrate!("fixtures/migrations/sqlx_compat/migrations/mysql"),
    )
    .await;
}

#[tokio::test]
async fn sqlx_migrate_sqlite() {
    apply(
        DialectName::Sqlite,
        sqlx::migrate!("fixtures/migrations/sqlx_compat/migrations/sqlite"),
    )
    .await;
}
