//! The migration runner (`modelc::migrate::runner`) on real databases: PostgreSQL, MariaDB
//! and SQLite, each test in a fresh database.
//!
//! The fixtures are small hand-written folders in sqlx's layout, one per case, under
//! `tests/fixtures/migrations/runner/<case>/<dialect>/` (see the README there). What the
//! tests prove:
//! - `round_trip_*`: forwards by number, to the latest, again (nothing to do), back by full
//!   name, by number and to zero through the down migrations, and forwards again, with the
//!   catalog read back after every step; rows survive each step (on SQLite through a table
//!   rebuild that runs outside sqlx's transaction with `-- no-transaction`); the catalog after
//!   zero-and-forwards-again equals the first; `show` says what is applied.
//! - `refusals_*`: an unknown target, an applied migration edited since (either direction),
//!   an applied migration whose files are gone, and going back past a migration without a
//!   down file are errors with their exact message, and the database (catalog and
//!   history) is exactly as before; an unknown target on a new database does not even
//!   create the history table.
//! - `fault_*`: a migration whose third statement fails leaves PostgreSQL and SQLite exactly
//!   as before (catalog and history), also when it manages its own transaction
//!   (`-- no-transaction`); on MariaDB the first two statements stay, the next `migrate` and
//!   `show` report the dirty migration, and sqlx's documented recovery works.
//! - `folder_errors`, `unreachable_database`: duplicate numbers (in the dialect folder or
//!   among the .toml files), a .toml not compiled for the dialect, a missing dialect folder and
//!   an unreachable server are refused before any database is touched (no SQLite file is
//!   created), with passwords hidden.

use std::path::{Path, PathBuf};

use modelc::ir::DialectName;
use modelc::migrate::runner::{self, ErrorKind, Progress, Report, State, Target};
use modelc_tests::catalog::{self, Catalog};
use modelc_tests::db::TestDb;
use modelc_tests::repo_root;

fn fixture(case: &str) -> PathBuf {
    repo_root()
        .join("tests/fixtures/migrations/runner")
        .join(case)
}

/// A copy of a fixture in a directory of its own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn copy(case: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "modelc-runner-{}-{case}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        copy_dir(&fixture(case), &dir);
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

async fn run(db: &TestDb, root: &Path, target: Option<&str>) -> Result<Report, runner::Error> {
    let target = target.map(Target::parse);
    runner::migrate(db.url(), root, target.as_ref(), &mut |_| {}).await
}

/// Migrates and expects success; returns (unapplied, applied).
async fn ok(db: &TestDb, root: &Path, target: Option<&str>) -> (Vec<String>, Vec<String>) {
    match run(db, root, target).await {
        Ok(r) => (r.unapplied, r.applied),
        Err(e) => panic!("{}: migrate {target:?} failed:\n{e}", db.dialect()),
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The tables other than sqlx's history table.
fn tables(catalog: &Catalog) -> Vec<String> {
    catalog
        .tables
        .keys()
        .filter(|t| *t != runner::HISTORY_TABLE)
        .cloned()
        .collect()
}

async fn read(db: &mut TestDb) -> Catalog {
    catalog::read(db).await.unwrap()
}

/// sqlx's history rows (version, description, success, checksum), or `None` when the table
/// does not exist.
async fn history(db: &mut TestDb) -> Option<Vec<Vec<Option<String>>>> {
    let exists = read(db).await.tables.contains_key(runner::HISTORY_TABLE);
    if !exists {
        return None;
    }
    Some(
        db.rows(
            "SELECT version, description, CASE WHEN success THEN 1 ELSE 0 END, checksum \
             FROM _sqlx_migrations ORDER BY version",
        )
        .await
        .unwrap(),
    )
}

/// (version, success) of each history row.
async fn versions(db: &mut TestDb) -> Vec<(i64, bool)> {
    history(db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let v = r[0].as_deref().unwrap().parse().unwrap();
            (v, r[2].as_deref() == Some("1"))
        })
        .collect()
}

fn nullable(catalog: &Catalog, table: &str, column: &str) -> bool {
    catalog.tables[table]
        .column(column)
        .unwrap_or_else(|| panic!("{table}.{column} is missing"))
        .nullable
}

fn q(dialect: DialectName, ident: &str) -> String {
    match dialect {
        DialectName::MySql => format!("`{ident}`"),
        _ => format!("\"{ident}\""),
    }
}

async fn round_trip(test: &str, dialect: DialectName) {
    let Some(mut db) = TestDb::create(test, dialect).await else {
        return;
    };
    let root = fixture("basic");
    let url = db.url().to_string();

    // Nothing applied yet, and showing creates nothing.
    let listing = runner::show(&url, &root).await.unwrap();
    let states: Vec<(&str, State)> = listing
        .migrations
        .iter()
        .map(|m| (m.name.as_str(), m.state))
        .collect();
    assert_eq!(
        states,
        [
            ("0001_initial", State::NotApplied),
            ("0002_book_add_isbn", State::NotApplied),
            ("0003_book_title_nullable", State::NotApplied),
        ]
    );
    assert_eq!(
        history(&mut db).await,
        None,
        "show created the history table"
    );

    // Forwards to a number, with progress in order.
    let mut events = Vec::new();
    let target = Target::parse("0002");
    let report = runner::migrate(&url, &root, Some(&target), &mut |p| {
        events.push(match p {
            Progress::Start { direction, name } => format!("start {direction:?} {name}"),
            Progress::Done {
                direction, name, ..
            } => format!("done {direction:?} {name}"),
        })
    })
    .await
    .unwrap();
    assert_eq!(
        report.applied,
        names(&["0001_initial", "0002_book_add_isbn"])
    );
    assert!(report.unapplied.is_empty());
    assert_eq!(
        events,
        [
            "start Forwards 0001_initial",
            "done Forwards 0001_initial",
            "start Forwards 0002_book_add_isbn",
            "done Forwards 0002_book_add_isbn",
        ]
    );
    let c = read(&mut db).await;
    assert_eq!(tables(&c), ["runner_author", "runner_book", "runner_tag"]);
    assert!(c.tables["runner_book"].column("isbn").is_some());
    assert!(!nullable(&c, "runner_book", "title"));
    assert_eq!(versions(&mut db).await, [(1, true), (2, true)]);
    let (author, book) = (q(dialect, "runner_author"), q(dialect, "runner_book"));
    db.execute(&format!(
        "INSERT INTO {author} ({}, {}) VALUES (1, 'Le Guin')",
        q(dialect, "id"),
        q(dialect, "name")
    ))
    .await
    .unwrap();
    db.execute(&format!(
        "INSERT INTO {book} ({}, {}, {}, {}) VALUES (1, 'The Dispossessed', 1, '9780060512750')",
        q(dialect, "id"),
        q(dialect, "title"),
        q(dialect, "author_id"),
        q(dialect, "isbn")
    ))
    .await
    .unwrap();
    let book_row = format!(
        "SELECT {}, {} FROM {book}",
        q(dialect, "title"),
        q(dialect, "isbn")
    );
    let row = vec![vec![
        Some("The Dispossessed".to_string()),
        Some("9780060512750".to_string()),
    ]];

    // To the latest; on SQLite 0003 is a table rebuild that keeps the row.
    assert_eq!(
        ok(&db, &root, None).await,
        (vec![], names(&["0003_book_title_nullable"]))
    );
    let full = read(&mut db).await;
    assert!(nullable(&full, "runner_book", "title"));
    assert_eq!(db.rows(&book_row).await.unwrap(), row);
    assert_eq!(versions(&mut db).await, [(1, true), (2, true), (3, true)]);

    // Again: nothing to do, nothing changes.
    assert_eq!(ok(&db, &root, None).await, (vec![], vec![]));
    assert_eq!(read(&mut db).await, full);
    let listing = runner::show(&url, &root).await.unwrap();
    assert!(
        listing.migrations.iter().all(|m| m.state == State::Applied),
        "{listing:?}"
    );

    // Back by full name: 0003's down migration runs.
    assert_eq!(
        ok(&db, &root, Some("0002_book_add_isbn")).await,
        (names(&["0003_book_title_nullable"]), vec![])
    );
    let c = read(&mut db).await;
    assert!(!nullable(&c, "runner_book", "title"));
    assert_eq!(db.rows(&book_row).await.unwrap(), row);
    assert_eq!(versions(&mut db).await, [(1, true), (2, true)]);

    // Back by number.
    assert_eq!(
        ok(&db, &root, Some("1")).await,
        (names(&["0002_book_add_isbn"]), vec![])
    );
    let c = read(&mut db).await;
    assert_eq!(tables(&c), ["runner_author", "runner_book"]);
    assert!(c.tables["runner_book"].column("isbn").is_none());
    assert_eq!(versions(&mut db).await, [(1, true)]);

    // To zero.
    assert_eq!(
        ok(&db, &root, Some("zero")).await,
        (names(&["0001_initial"]), vec![])
    );
    let c = read(&mut db).await;
    assert!(tables(&c).is_empty(), "{:?}", tables(&c));
    assert_eq!(versions(&mut db).await, []);

    // Forwards again: the same schema as the first time.
    assert_eq!(
        ok(&db, &root, None).await,
        (
            vec![],
            names(&[
                "0001_initial",
                "0002_book_add_isbn",
                "0003_book_title_nullable"
            ])
        )
    );
    assert_eq!(read(&mut db).await, full);
}

#[tokio::test]
async fn round_trip_postgres() {
    round_trip("round_trip_postgres", DialectName::Postgres).await;
}

#[tokio::test]
async fn round_trip_mysql() {
    round_trip("round_trip_mysql", DialectName::MySql).await;
}

#[tokio::test]
async fn round_trip_sqlite() {
    round_trip("round_trip_sqlite", DialectName::Sqlite).await;
}

/// The catalog and the history, to compare before and after a refusal.
async fn snapshot(db: &mut TestDb) -> (Catalog, Option<Vec<Vec<Option<String>>>>) {
    (read(db).await, history(db).await)
}

async fn refused(db: &TestDb, root: &Path, target: Option<&str>) -> runner::Error {
    match run(db, root, target).await {
        Ok(r) => panic!("{}: migrate {target:?} succeeded: {r:?}", db.dialect()),
        Err(e) => e,
    }
}

async fn refusals(test: &str, dialect: DialectName) {
    let Some(mut db) = TestDb::create(test, dialect).await else {
        return;
    };
    let scratch = Scratch::copy("basic");
    let root = scratch.path();
    let dir = root.join(dialect.as_str());
    let shown = runner::redact(db.url());

    // An unknown target on a new database: not even the history table is created.
    let e = refused(&db, root, Some("0009")).await;
    assert_eq!(e.kind, ErrorKind::UnknownTarget);
    assert_eq!(
        e.to_string(),
        format!(
            "error: no migration `0009` in `{}`; the migrations are: 0001_initial, 0002_book_add_isbn, 0003_book_title_nullable\n  = help: name the target by its number (0002), its full name (0002_product_add_slug), or zero to unapply every migration",
            dir.display()
        )
    );
    let e = refused(&db, root, Some("0002_book")).await;
    assert_eq!(e.kind, ErrorKind::UnknownTarget);
    assert_eq!(snapshot(&mut db).await, (Catalog::default(), None));

    ok(&db, root, None).await;
    let before = snapshot(&mut db).await;

    // An applied migration edited since: refused forwards, backwards and to the same place.
    let up = dir.join("0001_initial.up.sql");
    let original = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, format!("{original}-- one more comment\n")).unwrap();
    let expected = format!(
        "error: migration 0001_initial was edited after it was applied on {shown}: `{}` no longer has the checksum recorded in _sqlx_migrations\n  = help: restore the file as it was applied (from version control); change the schema with a new migration (modelc makemigrations), never by editing an applied one",
        up.display()
    );
    for target in [None, Some("zero"), Some("0002")] {
        let e = refused(&db, root, target).await;
        assert_eq!(e.kind, ErrorKind::Edited, "{target:?}");
        assert_eq!(e.to_string(), expected, "{target:?}");
        assert_eq!(snapshot(&mut db).await, before, "{target:?}");
    }
    let listing = runner::show(db.url(), root).await.unwrap();
    assert_eq!(listing.migrations[0].state, State::Edited);
    std::fs::write(&up, original).unwrap();

    // An applied migration whose files are gone.
    for ext in ["up", "down"] {
        std::fs::remove_file(dir.join(format!("0003_book_title_nullable.{ext}.sql"))).unwrap();
    }
    let e = refused(&db, root, None).await;
    assert_eq!(e.kind, ErrorKind::MissingFile);
    assert_eq!(
        e.to_string(),
        format!(
            "error: migration 0003_book_title_nullable is applied on {shown}, but `{d}` has no file for it (number 3)\n  = help: restore 0003_book_title_nullable.up.sql and 0003_book_title_nullable.down.sql in `{d}` (from version control, or the branch that added it); to drop it from this database, restore them and run modelc migrate 0002_book_add_isbn",
            d = dir.display()
        )
    );
    assert_eq!(snapshot(&mut db).await, before);
    let listing = runner::show(db.url(), root).await.unwrap();
    let last = listing.migrations.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.state),
        ("0003_book_title_nullable", State::Missing)
    );
    assert_eq!(snapshot(&mut db).await, before);
}

#[tokio::test]
async fn refusals_postgres() {
    refusals("refusals_postgres", DialectName::Postgres).await;
}

#[tokio::test]
async fn refusals_mysql() {
    refusals("refusals_mysql", DialectName::MySql).await;
}

#[tokio::test]
async fn refusals_sqlite() {
    refusals("refusals_sqlite", DialectName::Sqlite).await;
}

async fn no_down(test: &str, dialect: DialectName) {
    let Some(mut db) = TestDb::create(test, dialect).await else {
        return;
    };
    let root = fixture("no_down");
    ok(&db, &root, None).await;
    let before = snapshot(&mut db).await;
    for target in ["zero", "0001"] {
        let e = refused(&db, &root, Some(target)).await;
        assert_eq!(e.kind, ErrorKind::NoDownMigration);
        assert_eq!(
            e.to_string(),
            format!(
                "error: cannot unapply 0002_one_way: it has no down migration (`{}/0002_one_way.down.sql`)\n  = help: write the SQL that undoes 0002_one_way into 0002_one_way.down.sql, or migrate back only as far as 0002_one_way",
                root.join(dialect.as_str()).display()
            )
        );
        // Refused before anything ran: 0001, which has a down file, is still applied.
        assert_eq!(snapshot(&mut db).await, before);
    }
}

#[tokio::test]
async fn no_down_postgres() {
    no_down("no_down_postgres", DialectName::Postgres).await;
}

#[tokio::test]
async fn no_down_mysql() {
    no_down("no_down_mysql", DialectName::MySql).await;
}

#[tokio::test]
async fn no_down_sqlite() {
    no_down("no_down_sqlite", DialectName::Sqlite).await;
}

/// The third statement of 0002_broken inserts into a table that does not exist.
async fn fault(test: &str, dialect: DialectName, case: &str) {
    let Some(mut db) = TestDb::create(test, dialect).await else {
        return;
    };
    let root = fixture(case);
    let file = root.join(dialect.as_str()).join("0002_broken.up.sql");
    let shown = runner::redact(db.url());
    ok(&db, &root, Some("0001")).await;
    let before = snapshot(&mut db).await;

    let e = refused(&db, &root, None).await;
    assert_eq!(e.kind, ErrorKind::MigrationFailed);
    let first_line = e.message.lines().next().unwrap();
    assert!(
        first_line.starts_with(&format!(
            "cannot apply 0002_broken on {shown} (the migrations before it stay applied): "
        )) && first_line.contains("runner_missing"),
        "{e}"
    );
    assert_eq!(
        e.message.lines().nth(1),
        Some(format!("  --> {}", file.display()).as_str())
    );
    let missing = q(dialect, "runner_missing");
    if dialect == DialectName::MySql {
        // DDL commits implicitly: the first two statements stayed, and sqlx marked 0002 dirty.
        assert_eq!(
            e.help,
            "MySQL/MariaDB commit each DDL statement implicitly: the statements of 0002_broken before the failing one stayed, and _sqlx_migrations marks it partially applied; undo them by hand, delete its row with `DELETE FROM _sqlx_migrations WHERE version = 2`, fix the cause and run modelc migrate again"
        );
        let c = read(&mut db).await;
        assert_eq!(tables(&c), ["runner_a", "runner_b", "runner_c"]);
        assert_eq!(versions(&mut db).await, [(1, true), (2, false)]);

        // The next migrate, either way, reports the dirty migration and changes nothing.
        let dirty = snapshot(&mut db).await;
        for target in [None, Some("zero")] {
            let e = refused(&db, &root, target).await;
            assert_eq!(e.kind, ErrorKind::Dirty);
            assert_eq!(
                e.to_string(),
                format!(
                    "error: migration 0002_broken is partially applied on {shown}: an earlier migrate failed part-way through it, and MySQL/MariaDB had committed its statements up to the failure (each DDL statement commits implicitly); _sqlx_migrations keeps its row with success = false\n  = help: fix the database by hand: undo what 0002_broken did before it failed (see `{}`), then delete its row with `DELETE FROM _sqlx_migrations WHERE version = 2` and run modelc migrate again to apply it (sqlx's recovery for a dirty migration)",
                    file.display()
                )
            );
            assert_eq!(snapshot(&mut db).await, dirty);
        }
        let listing = runner::show(db.url(), &root).await.unwrap();
        assert_eq!(listing.migrations[1].state, State::Dirty);

        // The recovery the message gives works.
        db.execute("DROP TABLE `runner_c`").await.unwrap();
        db.execute("DROP TABLE `runner_b`").await.unwrap();
        db.execute("DELETE FROM _sqlx_migrations WHERE version = 2")
            .await
            .unwrap();
        assert_eq!(snapshot(&mut db).await, before);
    } else {
        let help = if case == "fault_no_transaction" {
            "0002_broken opts out of sqlx's transaction (-- no-transaction): a transaction it opened itself was rolled back, but what it committed before the failure stayed; check the database, fix the cause and run modelc migrate again"
        } else {
            "nothing of 0002_broken stayed: sqlx ran it in one transaction and rolled it back; fix the cause and run modelc migrate again"
        };
        assert_eq!(e.help, help);
        // Exactly as before: tables, columns, history (and no row in runner_a).
        assert_eq!(snapshot(&mut db).await, before);
        assert_eq!(
            db.value("SELECT COUNT(*) FROM runner_a").await.unwrap(),
            Some("0".into())
        );
    }

    // With the cause fixed, the same migration applies on the same database.
    db.execute(&format!(
        "CREATE TABLE {missing} ({} integer PRIMARY KEY)",
        q(dialect, "id")
    ))
    .await
    .unwrap();
    assert_eq!(
        ok(&db, &root, None).await,
        (vec![], names(&["0002_broken"]))
    );
    let c = read(&mut db).await;
    assert!(c.tables.contains_key("runner_b"), "{:?}", tables(&c));
    assert_eq!(versions(&mut db).await, [(1, true), (2, true)]);
}

#[tokio::test]
async fn fault_postgres() {
    fault("fault_postgres", DialectName::Postgres, "fault").await;
}

#[tokio::test]
async fn fault_mysql() {
    fault("fault_mysql", DialectName::MySql, "fault").await;
}

#[tokio::test]
async fn fault_sqlite() {
    fault("fault_sqlite", DialectName::Sqlite, "fault").await;
}

#[tokio::test]
async fn fault_no_transaction_postgres() {
    fault(
        "fault_no_transaction_postgres",
        DialectName::Postgres,
        "fault_no_transaction",
    )
    .await;
}

#[tokio::test]
async fn fault_no_transaction_sqlite() {
    fault(
        "fault_no_transaction_sqlite",
        DialectName::Sqlite,
        "fault_no_transaction",
    )
    .await;
}

/// A SQLite URL in a new directory, and the file it names (which must stay uncreated).
fn sqlite_scratch(name: &str) -> (Scratch, String, PathBuf) {
    let scratch = Scratch::copy("slow");
    let file = scratch.path().join(format!("{name}.sqlite3"));
    let url = format!("sqlite://{}", file.display());
    (scratch, url, file)
}

async fn refused_at(url: &str, root: &Path, target: Option<&str>) -> runner::Error {
    let target = target.map(Target::parse);
    match runner::migrate(url, root, target.as_ref(), &mut |_| {}).await {
        Ok(r) => panic!("migrate {} succeeded: {r:?}", root.display()),
        Err(e) => e,
    }
}

#[tokio::test]
async fn folder_errors() {
    let (_scratch, url, file) = sqlite_scratch("untouched");

    let root = fixture("duplicate");
    let e = refused_at(&url, &root, None).await;
    assert_eq!(e.kind, ErrorKind::DuplicateNumber);
    assert_eq!(
        e.to_string(),
        format!(
            "error: 0002_a and 0002_b both claim number 2 in `{}`\n  = help: they come from two branches; renumber one (rename its .toml and its .up/.down.sql to 0003_..., and run modelc makemigrations --check)",
            root.join("sqlite").display()
        )
    );
    let e = runner::show(&url, &root).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::DuplicateNumber);

    let root = fixture("duplicate_toml");
    let e = refused_at(&url, &root, None).await;
    assert_eq!(
        e.to_string(),
        format!(
            "error: 0002_a and 0002_b both claim number 2 in `{}`\n  = help: they come from two branches; renumber one (rename its .toml and its .up/.down.sql to 0003_..., and run modelc makemigrations --check)",
            root.display()
        )
    );

    let root = fixture("not_compiled");
    let e = refused_at(&url, &root, None).await;
    assert_eq!(e.kind, ErrorKind::NotCompiled);
    assert_eq!(
        e.to_string(),
        format!(
            "error: migration 0002_add_b (migrations/0002_add_b.toml) has no SQL for sqlite in `{}`\n  = help: run modelc makemigrations to compile it for sqlite",
            root.join("sqlite").display()
        )
    );

    // No folder for the dialect; nothing connects, so a closed port does not matter.
    let root = fixture("fault_no_transaction");
    let e = refused_at("mysql://root@127.0.0.1:1/nowhere", &root, None).await;
    assert_eq!(e.kind, ErrorKind::NoMigrations);
    assert_eq!(
        e.to_string(),
        format!(
            "error: `{}` does not exist: no migrations are compiled for mysql\n  = help: run modelc makemigrations (with \"mysql\" in [project] dialects) to compile the migrations for mysql",
            root.join("mysql").display()
        )
    );
    let missing = fixture("no_such_case");
    let e = refused_at(&url, &missing, None).await;
    assert_eq!(
        e.to_string(),
        format!(
            "error: no migrations folder `{}`\n  = help: run modelc makemigrations to write the first migration, or pass --migrations DIR",
            missing.display()
        )
    );

    // A file sqlx would stop at.
    let scratch = Scratch::copy("slow");
    std::fs::write(scratch.path().join("sqlite/draft_notes.sql"), "").unwrap();
    let e = refused_at(&url, scratch.path(), None).await;
    assert_eq!(e.kind, ErrorKind::BadFileName);

    assert!(
        !file.exists(),
        "a refused migrate created {}",
        file.display()
    );
}

/// A TCP port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn unreachable_database() {
    let root = fixture("basic");
    for scheme in ["postgres", "mysql"] {
        let port = closed_port();
        let url = format!("{scheme}://someone:s3cret@127.0.0.1:{port}/app");
        let e = refused_at(&url, &root, None).await;
        assert_eq!(e.kind, ErrorKind::Unreachable, "{e}");
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "error: cannot connect to {scheme}://someone:***@127.0.0.1:{port}/app: "
            )),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "{text}");
        assert!(
            text.ends_with("\n  = help: check that the server runs and that the URL (user, password, host, port, database) is right; the database is --database, else DATABASE_URL, else sqlite://db.sqlite3"),
            "{text}"
        );
        let e = runner::show(&url, &root).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unreachable);
    }
}
