//! RunSQL: hand-written migration files (`tests/fixtures/migrations/ops/run_sql/`) after the
//! base models, compiled by `makemigrations` (which compiles SQL for migration files that
//! lack it), applied and unapplied on each database.

use modelc::ir::DialectName;
use modelc::migrate::make::Made;
use modelc::migrate::runner::{self, ErrorKind, State};
use modelc_tests::db::TestDb;
use modelc_tests::migrations::{
    Project, Renames, assert_same, check_rows, migrate, read_rows, run_sql, schema_catalog,
    try_migrate,
};
use modelc_tests::repo_root;

fn fixture(path: &str) -> String {
    let file = repo_root().join("tests/fixtures/migrations/ops").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// A database with the base models migrated and their rows, and a project whose next
/// migration is the hand-written `run_sql/<file>`, compiled. `None` when the server is
/// unreachable.
async fn setup(test: &str, dialect: DialectName, file: &str) -> Option<(TestDb, Project)> {
    let mut db = TestDb::create(test, dialect).await?;
    let project = Project::new(test);
    project.write_models(&fixture("models/base.toml"));
    assert_eq!(project.make(false), "0001_initial");
    migrate(&db, &project, None).await;
    run_sql(&mut db, &fixture("rows/base.sql")).await;
    project.write_migration(file, &fixture(&format!("run_sql/{file}")));
    Some((db, project))
}

/// The files `makemigrations` compiled for the hand-written migration `name`.
fn compiled(project: &Project, name: &str) -> Vec<String> {
    let made = project.makemigrations(false);
    let Made::NoChanges { compiled } = made else {
        panic!("{name}: expected only compiled SQL, got {made:?}");
    };
    let mut files: Vec<String> = compiled
        .iter()
        .map(|p| {
            p.strip_prefix(project.migrations())
                .unwrap_or(p)
                .display()
                .to_string()
        })
        .collect();
    files.sort();
    files
}

async fn reversible(dialect: DialectName) {
    let test = format!("run_sql_{dialect}");
    let Some((mut db, project)) = setup(&test, dialect, "0002_reprice.toml").await else {
        return;
    };
    let start = schema_catalog(&mut db).await;
    let rows_before = read_rows(&mut db, &start).await;

    assert_eq!(
        compiled(&project, "0002_reprice"),
        [
            "mysql/0002_reprice.down.sql",
            "mysql/0002_reprice.up.sql",
            "postgres/0002_reprice.down.sql",
            "postgres/0002_reprice.up.sql",
            "sqlite/0002_reprice.down.sql",
            "sqlite/0002_reprice.up.sql",
        ]
    );
    // Each dialect's folder holds that dialect's text, forwards and backwards.
    let (concat, halve) = match dialect {
        DialectName::MySql => ("CONCAT('Run', 'SQL')", "`price` / 2 "),
        DialectName::Postgres => ("'Run' || 'SQL'", "\"price\" / 2 "),
        DialectName::Sqlite => ("'Run' || 'SQL'", "\"price\" / 2.0 "),
    };
    let up = project.sqlmigrate("0002", dialect, false).unwrap();
    assert!(up.contains(concat), "{test}: up SQL:\n{up}");
    let down = project.sqlmigrate("0002", dialect, true).unwrap();
    assert!(down.contains(halve), "{test}: down SQL:\n{down}");
    // No more migrations to make.
    assert!(matches!(
        project.makemigrations(false),
        Made::NoChanges { compiled } if compiled.is_empty()
    ));

    let report = migrate(&db, &project, None).await;
    assert_eq!(report.applied, ["0002_reprice"]);
    assert_same(
        &format!("{test}: RunSQL changes no schema"),
        &start,
        &schema_catalog(&mut db).await,
    );
    let rows_after = read_rows(&mut db, &start).await;
    let mut expected = rows_before.clone();
    let books = &mut expected.tables.get_mut("store_book").unwrap().rows;
    for (id, price) in [("1", "25.00"), ("3", "19.98")] {
        books
            .get_mut(&vec![Some(id.to_string())])
            .unwrap()
            .insert("price".into(), Some(price.into()));
    }
    let publishers = &mut expected.tables.get_mut("store_publisher").unwrap().rows;
    publishers.insert(
        vec![Some("4".into())],
        [("id", "4"), ("name", "RunSQL")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect(),
    );
    check_rows(
        &format!("{test}: 0002_reprice forwards:\n{up}"),
        &expected,
        &rows_after,
        &Renames::default(),
        &[],
    );

    let report = migrate(&db, &project, Some("0001")).await;
    assert_eq!(report.unapplied, ["0002_reprice"]);
    assert_same(
        &format!("{test}: RunSQL reversed changes no schema"),
        &start,
        &schema_catalog(&mut db).await,
    );
    let rows_back = read_rows(&mut db, &start).await;
    check_rows(
        &format!("{test}: 0002_reprice backwards:\n{down}"),
        &rows_before,
        &rows_back,
        &Renames::default(),
        &[],
    );
}

async fn irreversible(dialect: DialectName) {
    let test = format!("run_sql_irreversible_{dialect}");
    let Some((mut db, project)) = setup(&test, dialect, "0002_fill_pages.toml").await else {
        return;
    };
    let start = schema_catalog(&mut db).await;
    let rows_before = read_rows(&mut db, &start).await;

    // Compiled up only: there is no down migration to write.
    assert_eq!(
        compiled(&project, "0002_fill_pages"),
        [
            "mysql/0002_fill_pages.up.sql",
            "postgres/0002_fill_pages.up.sql",
            "sqlite/0002_fill_pages.up.sql",
        ]
    );
    for d in DialectName::ALL {
        let dir = project.migrations().join(d.as_str());
        assert!(!dir.join("0002_fill_pages.down.sql").exists());
        assert!(dir.join("0001_initial.down.sql").exists());
    }
    let up = project.sqlmigrate("0002", dialect, false).unwrap();
    assert!(
        up.contains("-- Irreversible: a run_sql operation has no reverse_sql")
            && up.contains("UPDATE store_book SET pages = 0 WHERE pages IS NULL;"),
        "{test}: up SQL:\n{up}"
    );
    let refused = project.sqlmigrate("0002", dialect, true).unwrap_err();
    assert!(
        refused.contains("error: migration 0002_fill_pages cannot be reversed")
            && refused.contains("run_sql without reverse_sql"),
        "{test}: sqlmigrate --backwards says:\n{refused}"
    );

    migrate(&db, &project, None).await;
    let rows_after = read_rows(&mut db, &start).await;
    check_rows(
        &format!("{test}: forwards"),
        &rows_before,
        &rows_after,
        &Renames::default(),
        &[("store_book", "pages", "0")],
    );

    // Back is refused before anything runs: the data and the history stay.
    let e = try_migrate(&db, &project, Some("0001")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoDownMigration, "{test}: {e}");
    assert!(e.message.contains("0002_fill_pages"), "{test}: {e}");
    assert_same(&test, &start, &schema_catalog(&mut db).await);
    assert_eq!(read_rows(&mut db, &start).await, rows_after);
    let listing = runner::show(db.url(), &project.migrations()).await.unwrap();
    let states: Vec<(&str, State)> = listing
        .migrations
        .iter()
        .map(|m| (m.name.as_str(), m.state))
        .collect();
    assert_eq!(
        states,
        [
            ("0001_initial", State::Applied),
            ("0002_fill_pages", State::Applied)
        ]
    );
}

#[tokio::test]
async fn reversible_postgres() {
    reversible(DialectName::Postgres).await;
}

#[tokio::test]
async fn reversible_mysql() {
    reversible(DialectName::MySql).await;
}

#[tokio::test]
async fn reversible_sqlite() {
    reversible(DialectName::Sqlite).await;
}

#[tokio::test]
async fn irreversible_postgres() {
    irreversible(DialectName::Postgres).await;
}

#[tokio::test]
async fn irreversible_mysql() {
    irreversible(DialectName::MySql).await;
}

#[tokio::test]
async fn irreversible_sqlite() {
    irreversible(DialectName::Sqlite).await;
}
