//! Real databases for tests: each test gets a database of its own, created fresh and dropped
//! afterwards, also when the test panics.
//!
//! ```no_run
//! # async fn demo() {
//! use modelc::ir::DialectName;
//! use modelc_tests::db::TestDb;
//!
//! let Some(mut db) = TestDb::create("my_test", DialectName::Postgres).await else {
//!     return; // server unreachable: skipped (a failure under CI=true)
//! };
//! # let schema: modelc::ir::Schema = todo!();
//! db.apply(&schema).await; // every DDL statement, one by one
//! db.execute("INSERT INTO t DEFAULT VALUES").await.unwrap(); // ad-hoc SQL
//! db.execute_with("INSERT INTO t (a) VALUES (?)", &["it's"]).await.unwrap(); // bound
//! let rows = db.rows("SELECT a, b FROM t").await.unwrap(); // cells as text
//! # }
//! ```
//!
//! - PostgreSQL and MariaDB/MySQL: `CREATE DATABASE modelc_t_<pid>_<counter>_<nanos>` through
//!   an admin connection (`MODELC_TEST_POSTGRES`, default
//!   `postgres://postgres@127.0.0.1:5432/postgres`; `MODELC_TEST_MYSQL`, default
//!   `mysql://root@127.0.0.1:3306`). Dropping the [`TestDb`] drops the database from a thread of
//!   its own with its own runtime, so it works inside a runtime and while unwinding. Databases
//!   of this harness older than [`STALE_AFTER`] (left by a killed run) are dropped when the
//!   first database of a process is made.
//! - SQLite: a file in a new directory under the system temp dir, opened with foreign keys on;
//!   the directory is removed afterwards.
//! - An unreachable server makes [`TestDb::create`] print `SKIP <test>: ...` on stderr and
//!   return `None`; with `CI=true` in the environment it panics instead, so CI cannot pass
//!   without the databases.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use modelc::ddl;
use modelc::ir::{DialectName, Schema};
use sqlx::{Column as _, Connection, MySqlConnection, PgConnection, Row, SqliteConnection};

/// Prefix of every database (and SQLite directory) this harness creates.
pub const PREFIX: &str = "modelc_t_";

/// Age after which a database of this harness is taken as left behind by a killed run.
pub const STALE_AFTER: Duration = Duration::from_secs(3 * 3600);

const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const MYSQL_DEFAULT: &str = "mysql://root@127.0.0.1:3306";

/// A connection to one of the three databases (sqlx has no `Any` driver here).
#[derive(Debug)]
pub enum Conn {
    Postgres(PgConnection),
    MySql(MySqlConnection),
    Sqlite(SqliteConnection),
}

/// Decodes every cell of a row as text, trying each listed type in turn, then bytes.
macro_rules! texts {
    ($row:expr, $($t:ty),+) => {{
        let row = $row;
        (0..row.len())
            .map(|i| {
                $(
                    if let Ok(v) = row.try_get::<Option<$t>, _>(i) {
                        return v.map(|v| v.to_string());
                    }
                )+
                if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
                    return v.map(|b| {
                        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                        format!("0x{hex}")
                    });
                }
                panic!(
                    "column {i} ({}) has a type TestDb::rows cannot read: cast it to text",
                    row.column(i).name()
                )
            })
            .collect::<Vec<Option<String>>>()
    }};
}

/// A fresh database, dropped when this value is dropped.
#[derive(Debug)]
pub struct TestDb {
    dialect: DialectName,
    name: String,
    url: String,
    conn: Option<Conn>,
    /// MySQL: the server's id of `conn`, killed before the database is dropped.
    mysql_conn_id: Option<u64>,
    sqlite_dir: Option<PathBuf>,
}

/// The environment variable holding the admin URL of a server dialect.
fn admin_var(dialect: DialectName) -> &'static str {
    match dialect {
        DialectName::Postgres => "MODELC_TEST_POSTGRES",
        _ => "MODELC_TEST_MYSQL",
    }
}

/// The admin URL of a server dialect (environment or default).
fn admin_url(dialect: DialectName) -> String {
    let default = match dialect {
        DialectName::Postgres => PG_DEFAULT,
        DialectName::MySql => MYSQL_DEFAULT,
        DialectName::Sqlite => return String::new(),
    };
    std::env::var(admin_var(dialect)).unwrap_or_else(|_| default.to_string())
}

/// `base` with its database path replaced by `db`.
fn url_with_db(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (base, String::new()),
    };
    let authority_start = head.find("://").map_or(0, |i| i + 3);
    let root = match head[authority_start..].find('/') {
        Some(slash) => &head[..authority_start + slash],
        None => head,
    };
    format!("{root}/{db}{query}")
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{PREFIX}{}_{n}_{nanos}", std::process::id())
}

/// When a harness database was made, from its name.
fn created_at(name: &str) -> Option<SystemTime> {
    let nanos: u64 = name
        .strip_prefix(PREFIX)?
        .rsplit('_')
        .next()?
        .parse()
        .ok()?;
    Some(UNIX_EPOCH + Duration::from_nanos(nanos))
}

fn is_stale(name: &str) -> bool {
    // Only names this harness makes, which are safe to write unquoted in SQL.
    let ours = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ours && created_at(name)
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > STALE_AFTER)
}

/// Prints the SKIP line, or panics under `CI=true`.
fn unreachable(test: &str, dialect: DialectName, url: &str, e: &sqlx::Error) {
    let what = format!("{test}: {dialect} unreachable at {url} ({e})");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what}; CI=true requires every database server to be reachable");
    }
    notice(&format!("SKIP {what} (set CI=true to make this a failure)"));
}

/// Writes a line to the stderr handle itself: the test harness captures `eprintln!`, and a
/// skip or a database left behind must show in a normal `cargo test` run.
fn notice(line: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
}

/// Whether a connection error means "no server there" rather than a misconfigured server.
fn is_unreachable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Io(_) | sqlx::Error::Tls(_))
}

impl TestDb {
    /// Creates a fresh database for test `test` on `dialect` and connects to it. `None` means
    /// the server cannot be reached and the test should return (see the module docs).
    ///
    /// # Panics
    /// When the server is reachable but refuses (bad credentials, no permission), and under
    /// `CI=true` when it is unreachable.
    pub async fn create(test: &str, dialect: DialectName) -> Option<TestDb> {
        let name = unique_name();
        match dialect {
            DialectName::Sqlite => Some(Self::create_sqlite(test, name).await),
            DialectName::Postgres | DialectName::MySql => {
                let admin = admin_url(dialect);
                let mut conn = match admin_connect(dialect, &admin).await {
                    Ok(c) => c,
                    Err(e) if is_unreachable(&e) => {
                        unreachable(test, dialect, &admin, &e);
                        return None;
                    }
                    Err(e) => panic!(
                        "{test}: cannot connect to {dialect} at {admin}: {e} (the server answers \
                         but refuses; set {} to an admin URL that works)",
                        admin_var(dialect)
                    ),
                };
                sweep_stale(&mut conn).await;
                exec(&mut conn, &format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap_or_else(|e| panic!("{test}: CREATE DATABASE {name} failed: {e}"));
                close(conn).await;
                let url = url_with_db(&admin, &name);
                let mut db = TestDb {
                    dialect,
                    name,
                    url,
                    conn: None,
                    mysql_conn_id: None,
                    sqlite_dir: None,
                };
                // From here on, `db` drops the database even if connecting fails.
                let conn = match dialect {
                    DialectName::Postgres => {
                        PgConnection::connect(&db.url).await.map(Conn::Postgres)
                    }
                    _ => MySqlConnection::connect(&db.url).await.map(Conn::MySql),
                }
                .unwrap_or_else(|e| panic!("{test}: cannot connect to {}: {e}", db.url));
                db.conn = Some(conn);
                if dialect == DialectName::MySql {
                    let id = db.rows("SELECT CONNECTION_ID()").await.ok();
                    db.mysql_conn_id = id
                        .and_then(|r| r.first()?.first()?.clone())
                        .and_then(|s| s.parse().ok());
                }
                Some(db)
            }
        }
    }

    async fn create_sqlite(test: &str, name: String) -> TestDb {
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("{test}: cannot create {}: {e}", dir.display()));
        let file = dir.join("db.sqlite3");
        let mut db = TestDb {
            dialect: DialectName::Sqlite,
            name,
            url: format!("sqlite://{}", file.display()),
            conn: None,
            mysql_conn_id: None,
            sqlite_dir: Some(dir),
        };
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .foreign_keys(true);
        let conn = SqliteConnection::connect_with(&opts)
            .await
            .unwrap_or_else(|e| panic!("{test}: cannot open {}: {e}", file.display()));
        db.conn = Some(Conn::Sqlite(conn));
        db
    }

    /// The database's dialect.
    pub fn dialect(&self) -> DialectName {
        self.dialect
    }

    /// The database's name (the SQLite directory's name for SQLite).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL of the database that sqlx and `modelc apply` accept.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The test's connection.
    pub fn conn(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("TestDb has a connection until dropped")
    }

    /// Creates every managed table of `schema`: plans the DDL for this dialect and runs each
    /// statement on its own. Returns the number of statements run.
    ///
    /// # Panics
    /// On the first statement that fails, with its number, the error and the statement.
    pub async fn apply(&mut self, schema: &Schema) -> usize {
        let d = ddl::dialect_for(self.dialect);
        let statements = ddl::plan(schema, d);
        let total = statements.len();
        for (i, statement) in statements.iter().enumerate() {
            let sql = ddl::render(std::slice::from_ref(statement), d);
            if let Err(e) = self.execute(&sql).await {
                panic!(
                    "statement {} of {total} failed on {}: {e}\n{}",
                    i + 1,
                    self.dialect,
                    sql.trim_end()
                );
            }
        }
        total
    }

    /// Runs SQL (one or more statements, no parameters) and returns the rows affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        exec(self.conn(), sql).await
    }

    /// Runs one statement with string parameters, each written `?` in `sql` (rewritten to
    /// `$1`, `$2`... on PostgreSQL, so `?` must not appear elsewhere in `sql`). Values reach the
    /// database as bound parameters, never as SQL text.
    pub async fn execute_with(&mut self, sql: &str, params: &[&str]) -> Result<u64, sqlx::Error> {
        let sql = if self.dialect == DialectName::Postgres {
            let mut n = 0;
            sql.split('?')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_string()
                    } else {
                        n += 1;
                        format!("${n}{part}")
                    }
                })
                .collect()
        } else {
            sql.to_string()
        };
        macro_rules! run {
            ($c:expr) => {{
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for p in params {
                    q = q.bind(*p);
                }
                q.execute($c).await?.rows_affected()
            }};
        }
        Ok(match self.conn() {
            Conn::Postgres(c) => run!(c),
            Conn::MySql(c) => run!(c),
            Conn::Sqlite(c) => run!(c),
        })
    }

    /// Runs a query and returns every row, each cell as text (`None` for NULL): strings as
    /// they are, integers and floats in decimal, booleans as `true`/`false`, bytes as
    /// `0x<hex>`.
    ///
    /// # Panics
    /// On a column of another type (numeric, uuid, dates...): cast it to text in the query.
    pub async fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        let q = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        Ok(match self.conn() {
            Conn::Postgres(c) => {
                let rows = q.fetch_all(c).await?;
                rows.iter()
                    .map(|r| texts!(r, String, i64, i32, i16, f64, f32, bool))
                    .collect()
            }
            Conn::MySql(c) => {
                let rows = q.fetch_all(c).await?;
                rows.iter()
                    .map(|r| {
                        texts!(
                            r, String, i64, u64, i32, u32, i16, u16, i8, u8, f64, f32, bool
                        )
                    })
                    .collect()
            }
            Conn::Sqlite(c) => {
                let rows = q.fetch_all(c).await?;
                rows.iter().map(|r| texts!(r, String, i64, f64)).collect()
            }
        })
    }

    /// The first cell of the first row of a query (see [`TestDb::rows`]).
    pub async fn value(&mut self, sql: &str) -> Result<Option<String>, sqlx::Error> {
        let rows = self.rows(sql).await?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .flatten())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Close the test's connection first; a server connection can only be closed on the
        // runtime that made it, so it is dropped (the socket closes) rather than shut down.
        let conn = self.conn.take();
        let (sqlite, server) = match conn {
            Some(Conn::Sqlite(c)) => (Some(c), None),
            other => (None, other),
        };
        drop(server);
        let dialect = self.dialect;
        let name = self.name.clone();
        let kill = self.mysql_conn_id;
        let dir = self.sqlite_dir.take();
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("no runtime to drop {name}: {e}"))?;
            rt.block_on(async move {
                if let Some(c) = sqlite {
                    // The SQLite connection runs on a worker thread of its own, so it can be
                    // closed from this runtime.
                    let _ = c.close().await;
                }
                if let Some(dir) = dir {
                    return std::fs::remove_dir_all(&dir)
                        .map_err(|e| format!("cannot remove {}: {e}", dir.display()));
                }
                drop_database(dialect, &name, kill).await
            })
        });
        match cleanup.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => notice(&format!("warning: test database left behind: {e}")),
            Err(_) => notice(&format!(
                "warning: dropping test database {} panicked",
                self.name
            )),
        }
    }
}

async fn admin_connect(dialect: DialectName, url: &str) -> Result<Conn, sqlx::Error> {
    Ok(match dialect {
        DialectName::Postgres => Conn::Postgres(PgConnection::connect(url).await?),
        DialectName::MySql => Conn::MySql(MySqlConnection::connect(url).await?),
        DialectName::Sqlite => {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
            Conn::Sqlite(SqliteConnection::connect_with(&opts).await?)
        }
    })
}

async fn exec(conn: &mut Conn, sql: &str) -> Result<u64, sqlx::Error> {
    let q = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
    Ok(match conn {
        Conn::Postgres(c) => q.execute(c).await?.rows_affected(),
        Conn::MySql(c) => q.execute(c).await?.rows_affected(),
        Conn::Sqlite(c) => q.execute(c).await?.rows_affected(),
    })
}

async fn close(conn: Conn) {
    let _ = match conn {
        Conn::Postgres(c) => c.close().await,
        Conn::MySql(c) => c.close().await,
        Conn::Sqlite(c) => c.close().await,
    };
}

async fn drop_database(dialect: DialectName, name: &str, kill: Option<u64>) -> Result<(), String> {
    let admin = admin_url(dialect);
    let mut conn = admin_connect(dialect, &admin)
        .await
        .map_err(|e| format!("{name}: cannot connect to {admin}: {e}"))?;
    if let Some(id) = kill {
        // The test's own session, by its id: it may still hold locks if the test panicked
        // inside a transaction. It is usually gone already.
        let _ = exec(&mut conn, &format!("KILL CONNECTION {id}")).await;
    }
    let sql = match dialect {
        // WITH (FORCE) ends the test's session if the server has not noticed it closed.
        DialectName::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        _ => format!("DROP DATABASE IF EXISTS {name}"),
    };
    let result = exec(&mut conn, &sql)
        .await
        .map(|_| ())
        .map_err(|e| format!("{sql}: {e}"));
    close(conn).await;
    result
}

/// Drops databases of this harness older than [`STALE_AFTER`], once per process and server.
async fn sweep_stale(conn: &mut Conn) {
    static PG: AtomicBool = AtomicBool::new(false);
    static MYSQL: AtomicBool = AtomicBool::new(false);
    let (done, list) = match conn {
        Conn::Postgres(_) => (&PG, "SELECT datname::text FROM pg_database"),
        Conn::MySql(_) => (
            &MYSQL,
            "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA",
        ),
        Conn::Sqlite(_) => return,
    };
    if done.swap(true, Ordering::Relaxed) {
        return;
    }
    let q = sqlx::raw_sql(list);
    let names: Vec<String> = match conn {
        Conn::Postgres(c) => q.fetch_all(c).await.map(|r| names_of(&r)),
        Conn::MySql(c) => q.fetch_all(c).await.map(|r| names_of(&r)),
        Conn::Sqlite(_) => return,
    }
    .unwrap_or_default();
    for name in names.iter().filter(|n| is_stale(n)) {
        let force = if matches!(conn, Conn::Postgres(_)) {
            " WITH (FORCE)"
        } else {
            ""
        };
        let _ = exec(conn, &format!("DROP DATABASE IF EXISTS {name}{force}")).await;
    }
}

fn names_of<R: Row>(rows: &[R]) -> Vec<String>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok())
        .collect()
}

/// Compiles models text for a database test.
///
/// # Panics
/// When the models have errors, with the rendered diagnostics.
pub fn compile(path: &str, text: &str) -> modelc::Compilation {
    let compilation = modelc::compile_str(path, text);
    assert!(
        compilation.is_ok(),
        "{path} does not compile:\n{}",
        compilation.render_diagnostics(false)
    );
    compilation
}
