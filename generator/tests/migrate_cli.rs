//! `modelc migrate` and `modelc showmigrations` as a user runs them: output, exit codes, the
//! database they pick, and two processes migrating one database at once.
//!
//! The migrations are the hand-written fixtures of `tests/fixtures/migrations/runner/`.
//! PostgreSQL and MariaDB tests get a fresh database each (named like those of
//! `tests/src/db.rs`, so its sweep also removes any a killed run leaves), dropped afterwards.
//! An unreachable server skips the test with a `SKIP` line on stderr; with `CI=true` it fails.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::Connection;

fn modelc(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run modelc")
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_modelc"));
    c.args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1");
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/migrations/runner")
        .join(case)
}

/// A fresh empty directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("modelc-migrate-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A scratch directory with fixture `case` copied into `migrations/`.
    fn with_migrations(name: &str, case: &str) -> Scratch {
        let s = Scratch::new(name);
        copy_dir(&fixture(case), &s.0.join("migrations"));
        s
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

/// Asserts the exit code, stdout and stderr of a run.
#[track_caller]
fn expect(out: &Output, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (
            out.status.code(),
            text(&out.stdout).as_str(),
            text(&out.stderr).as_str()
        ),
        (Some(code), stdout, stderr)
    );
}

#[test]
fn migrate_and_showmigrations_explain_themselves() {
    let dir = Scratch::new("help");
    let out = modelc(&dir.0, &["--help"]);
    let help = text(&out.stdout);
    assert!(
        help.contains("migrate") && help.contains("showmigrations"),
        "{help}"
    );
    let out = modelc(&dir.0, &["migrate", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for needle in [
        "Usage: modelc migrate [OPTIONS] [TARGET]",
        "--database <URL>",
        "DATABASE_URL",
        "sqlite://db.sqlite3",
        "--migrations <DIR>",
        "zero",
        "_sqlx_migrations",
        "--models <PATH>",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    let out = modelc(&dir.0, &["showmigrations", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for needle in ["[X] 0001_initial", "--database <URL>", "--migrations <DIR>"] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn a_sqlite_session_like_django() {
    let dir = Scratch::with_migrations("session", "basic");
    let d = &dir.0;
    let all = "[ ] 0001_initial\n[ ] 0002_book_add_isbn\n[ ] 0003_book_title_nullable\n";

    // Nothing there yet; showing does not create the default database.
    expect(&modelc(d, &["showmigrations"]), 0, all, "");
    assert!(!d.join("db.sqlite3").exists());

    // The default database, db.sqlite3, is created on first use.
    expect(
        &modelc(d, &["migrate"]),
        0,
        "Applying 0001_initial... OK\nApplying 0002_book_add_isbn... OK\nApplying 0003_book_title_nullable... OK\n",
        "",
    );
    assert!(d.join("db.sqlite3").is_file());
    expect(
        &modelc(d, &["showmigrations"]),
        0,
        "[X] 0001_initial\n[X] 0002_book_add_isbn\n[X] 0003_book_title_nullable\n",
        "",
    );
    expect(&modelc(d, &["migrate"]), 0, "No migrations to apply.\n", "");

    // Back to a target through the down migrations, then to zero.
    expect(
        &modelc(d, &["migrate", "0001"]),
        0,
        "Unapplying 0003_book_title_nullable... OK\nUnapplying 0002_book_add_isbn... OK\n",
        "",
    );
    expect(
        &modelc(d, &["showmigrations"]),
        0,
        "[X] 0001_initial\n[ ] 0002_book_add_isbn\n[ ] 0003_book_title_nullable\n",
        "",
    );
    expect(
        &modelc(d, &["migrate", "0002_book_add_isbn"]),
        0,
        "Applying 0002_book_add_isbn... OK\n",
        "",
    );
    expect(
        &modelc(d, &["migrate", "zero"]),
        0,
        "Unapplying 0002_book_add_isbn... OK\nUnapplying 0001_initial... OK\n",
        "",
    );
    expect(&modelc(d, &["showmigrations"]), 0, all, "");

    // A target that does not exist: exit 1, nothing run.
    expect(
        &modelc(d, &["migrate", "0009"]),
        1,
        "",
        "error: no migration `0009` in `migrations/sqlite`; the migrations are: 0001_initial, 0002_book_add_isbn, 0003_book_title_nullable\n  = help: name the target by its number (0002), its full name (0002_product_add_slug), or zero to unapply every migration\n",
    );
    expect(&modelc(d, &["showmigrations"]), 0, all, "");
}

#[test]
fn the_database_and_the_folder_to_use() {
    let dir = Scratch::new("which");
    let d = &dir.0;
    copy_dir(&fixture("slow"), &d.join("app/migrations"));
    copy_dir(&fixture("no_down"), &d.join("elsewhere"));

    // migrations/ next to the models file.
    expect(
        &modelc(d, &["--models", "app/models.toml", "migrate"]),
        0,
        "Applying 0001_slow... OK\n",
        "",
    );
    assert!(d.join("db.sqlite3").is_file());

    // DATABASE_URL, and --database before it.
    let out = command(d, &["migrate", "--migrations", "elsewhere"])
        .env("DATABASE_URL", "sqlite://from_env.sqlite3")
        .output()
        .unwrap();
    expect(
        &out,
        0,
        "Applying 0001_initial... OK\nApplying 0002_one_way... OK\n",
        "",
    );
    assert!(d.join("from_env.sqlite3").is_file());
    let out = command(
        d,
        &[
            "showmigrations",
            "--migrations",
            "elsewhere",
            "--database",
            "sqlite://from_flag.sqlite3",
        ],
    )
    .env("DATABASE_URL", "sqlite://from_env.sqlite3")
    .output()
    .unwrap();
    expect(&out, 0, "[ ] 0001_initial\n[ ] 0002_one_way\n", "");
    assert!(!d.join("from_flag.sqlite3").exists());
}

#[test]
fn refusals_exit_1_with_a_message() {
    let dir = Scratch::new("refusals");
    let d = &dir.0;
    expect(
        &modelc(d, &["migrate"]),
        1,
        "",
        "error: no migrations folder `migrations`\n  = help: run modelc makemigrations to write the first migration, or pass --migrations DIR\n",
    );
    let dup = fixture("duplicate");
    let dup = dup.to_str().unwrap();
    expect(
        &modelc(d, &["migrate", "--migrations", dup]),
        1,
        "",
        &format!(
            "error: 0002_a and 0002_b both claim number 2 in `{dup}/sqlite`\n  = help: they come from two branches; renumber one (rename its .toml and its .up/.down.sql to 0003_..., and run modelc makemigrations --check)\n"
        ),
    );
    expect(
        &modelc(d, &["showmigrations", "--migrations", dup]),
        1,
        "",
        &format!(
            "error: 0002_a and 0002_b both claim number 2 in `{dup}/sqlite`\n  = help: they come from two branches; renumber one (rename its .toml and its .up/.down.sql to 0003_..., and run modelc makemigrations --check)\n"
        ),
    );
    assert!(!d.join("db.sqlite3").exists());

    // An unreachable server, its password hidden.
    let basic = fixture("basic");
    for scheme in ["postgres", "mysql"] {
        let port = closed_port();
        let url = format!("{scheme}://app:hunter2@127.0.0.1:{port}/shop");
        for cmd in ["migrate", "showmigrations"] {
            let out = modelc(
                d,
                &[
                    cmd,
                    "--database",
                    &url,
                    "--migrations",
                    basic.to_str().unwrap(),
                ],
            );
            assert_eq!(out.status.code(), Some(1));
            assert_eq!(text(&out.stdout), "");
            let err = text(&out.stderr);
            assert!(
                err.starts_with(&format!(
                    "error: cannot connect to {scheme}://app:***@127.0.0.1:{port}/shop: "
                )) && err.contains("\n  = help: check that the server runs")
                    && !err.contains("hunter2"),
                "{err}"
            );
        }
    }
}

#[test]
fn a_failing_migration_on_sqlite() {
    let dir = Scratch::with_migrations("fault", "fault");
    let d = &dir.0;
    let out = modelc(d, &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "Applying 0001_initial... OK\nApplying 0002_broken... FAILED\n"
    );
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "error: cannot apply 0002_broken on sqlite://db.sqlite3 (the migrations before it stay applied): "
        ) && err.contains("runner_missing")
            && err.contains("\n  --> migrations/sqlite/0002_broken.up.sql\n  = help: nothing of 0002_broken stayed: sqlx ran it in one transaction and rolled it back; fix the cause and run modelc migrate again\n"),
        "{err}"
    );
    expect(
        &modelc(d, &["showmigrations"]),
        0,
        "[X] 0001_initial\n[ ] 0002_broken\n",
        "",
    );
}

/// A TCP port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Server {
    Postgres,
    MariaDb,
}

/// A fresh database on a server, dropped when this value is dropped.
struct ServerDb {
    server: Server,
    admin: String,
    name: String,
    url: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn admin_exec(server: Server, admin: &str, sql: &str) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match server {
        Server::Postgres => {
            let mut c = sqlx::PgConnection::connect(admin).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
            c.close().await
        }
        Server::MariaDb => {
            let mut c = sqlx::MySqlConnection::connect(admin).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
            c.close().await
        }
    }
}

impl ServerDb {
    /// `None` when the server is unreachable (a failure under `CI=true`).
    fn create(test: &str, server: Server) -> Option<ServerDb> {
        let (var, default) = match server {
            Server::Postgres => (
                "MODELC_TEST_POSTGRES",
                "postgres://postgres@127.0.0.1:5432/postgres",
            ),
            Server::MariaDb => ("MODELC_TEST_MYSQL", "mysql://root@127.0.0.1:3306"),
        };
        let admin = std::env::var(var).unwrap_or_else(|_| default.to_string());
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(
            "modelc_t_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        match runtime().block_on(admin_exec(
            server,
            &admin,
            &format!("CREATE DATABASE {name}"),
        )) {
            Ok(()) => {}
            Err(e @ (sqlx::Error::Io(_) | sqlx::Error::Tls(_))) => {
                let what = format!("{test}: {server:?} unreachable at {admin} ({e})");
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!("{what}; CI=true requires every database server to be reachable");
                }
                let line = format!("SKIP {what} (set CI=true to make this a failure)\n");
                let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
                return None;
            }
            Err(e) => panic!("{test}: CREATE DATABASE {name} on {admin}: {e}"),
        }
        let (head, query) = match admin.split_once('?') {
            Some((h, q)) => (h.to_string(), format!("?{q}")),
            None => (admin.clone(), String::new()),
        };
        let base = match head.find("://").map(|s| s + 3) {
            Some(s) => match head[s..].find('/') {
                Some(p) => head[..s + p].to_string(),
                None => head.clone(),
            },
            None => head.clone(),
        };
        let url = format!("{base}/{name}{query}");
        Some(ServerDb {
            server,
            admin,
            name,
            url,
        })
    }

    /// The first column of each row of a query, as text.
    fn column(&self, sql: &str) -> Vec<String> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        runtime().block_on(async {
            match self.server {
                Server::Postgres => {
                    let mut c = sqlx::PgConnection::connect(&self.url).await.unwrap();
                    let rows: Vec<String> =
                        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap();
                    c.close().await.unwrap();
                    rows
                }
                Server::MariaDb => {
                    let mut c = sqlx::MySqlConnection::connect(&self.url).await.unwrap();
                    let rows: Vec<String> =
                        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap();
                    c.close().await.unwrap();
                    rows
                }
            }
        })
    }

    /// The tables of the database, sorted.
    fn tables(&self) -> Vec<String> {
        let mut tables = self.column(match self.server {
            Server::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() ORDER BY 1"
            }
            Server::MariaDb => {
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() ORDER BY 1"
            }
        });
        tables.sort();
        tables
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let sql = match self.server {
            Server::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            Server::MariaDb => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        if let Err(e) = runtime().block_on(admin_exec(self.server, &self.admin, &sql)) {
            let line = format!("warning: test database left behind: {sql}: {e}\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        }
    }
}

/// Two `modelc migrate` processes started at once on one database: both exit 0, one applies
/// the migration (which sleeps a second under sqlx's lock), the other waits for the lock and
/// then finds nothing to do; one history row, one table.
fn concurrent(test: &str, server: Server) {
    let Some(db) = ServerDb::create(test, server) else {
        return;
    };
    let dir = Scratch::with_migrations(test, "slow");
    let spawn = || {
        command(&dir.0, &["migrate", "--database", &db.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let start = Instant::now();
    let (a, b) = (spawn(), spawn());
    let finish =
        |child: Child| std::thread::spawn(move || (child.wait_with_output(), start.elapsed()));
    let (a, b) = (finish(a), finish(b));
    let ((a, a_took), (b, b_took)) = (a.join().unwrap(), b.join().unwrap());
    let (a, b) = (a.unwrap(), b.unwrap());
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{:?}\n{}{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "");
    }
    // Both ran while the migration slept: the one with nothing to do waited for the lock.
    assert!(
        a_took >= Duration::from_millis(900) && b_took >= Duration::from_millis(900),
        "{a_took:?} {b_took:?}"
    );
    let mut outputs = [text(&a.stdout), text(&b.stdout)];
    outputs.sort();
    assert_eq!(
        outputs,
        ["Applying 0001_slow... OK\n", "No migrations to apply.\n"]
    );
    let versions = match server {
        Server::Postgres => "SELECT version::text FROM _sqlx_migrations",
        Server::MariaDb => "SELECT CAST(version AS CHAR) FROM _sqlx_migrations",
    };
    assert_eq!(db.column(versions), ["1"]);
    assert_eq!(db.tables(), ["_sqlx_migrations", "runner_slow"]);
}

#[test]
fn two_processes_at_once_on_postgres() {
    concurrent("two_processes_at_once_on_postgres", Server::Postgres);
}

#[test]
fn two_processes_at_once_on_mariadb() {
    concurrent("two_processes_at_once_on_mariadb", Server::MariaDb);
}

/// On MariaDB a migration that fails at its third statement keeps the first two; the next
/// `migrate` refuses with the dirty migration named, and `showmigrations` marks it.
#[test]
fn a_dirty_migration_on_mariadb() {
    let Some(db) = ServerDb::create("a_dirty_migration_on_mariadb", Server::MariaDb) else {
        return;
    };
    let dir = Scratch::with_migrations("dirty", "fault");
    let d = &dir.0;
    let out = modelc(d, &["migrate", "--database", &db.url]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "Applying 0001_initial... OK\nApplying 0002_broken... FAILED\n"
    );
    assert!(
        text(&out.stderr).contains("the statements of 0002_broken before the failing one stayed"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        db.tables(),
        ["_sqlx_migrations", "runner_a", "runner_b", "runner_c"]
    );
    expect(
        &modelc(d, &["migrate", "--database", &db.url]),
        1,
        "",
        &format!(
            "error: migration 0002_broken is partially applied on {}: an earlier migrate failed part-way through it, and MySQL/MariaDB had committed its statements up to the failure (each DDL statement commits implicitly); _sqlx_migrations keeps its row with success = false\n  = help: fix the database by hand: undo what 0002_broken did before it failed (see `migrations/mysql/0002_broken.up.sql`), then delete its row with `DELETE FROM _sqlx_migrations WHERE version = 2` and run modelc migrate again to apply it (sqlx's recovery for a dirty migration)\n",
            db.url
        ),
    );
    expect(
        &modelc(d, &["showmigrations", "--database", &db.url]),
        0,
        "[X] 0001_initial\n[!] 0002_broken (partially applied: modelc migrate says how to recover)\n",
        "",
    );
}
