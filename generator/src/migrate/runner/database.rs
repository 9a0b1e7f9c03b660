//! The database side: which database a URL names, connecting to it, sqlx's migration lock,
//! and reading sqlx's history table without changing anything.

use std::str::FromStr;

use sqlx::migrate::Migrate;
use sqlx::{Connection, MySqlConnection, PgConnection, SqliteConnection};

use crate::ir::DialectName;

use super::{Error, ErrorKind, HISTORY_TABLE};

/// The database used when neither `--database` nor `DATABASE_URL` names one: a SQLite file
/// in the current directory, created by the first `migrate`.
pub const DEFAULT_DATABASE: &str = "sqlite://db.sqlite3";

/// The database to use: `flag` (`--database`), else the `DATABASE_URL` environment variable
/// (when set and not empty), else [`DEFAULT_DATABASE`].
pub fn database_url(flag: Option<&str>) -> String {
    if let Some(url) = flag {
        return url.to_string();
    }
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => DEFAULT_DATABASE.to_string(),
    }
}

/// The dialect of a database URL, from its scheme: `postgres`/`postgresql`, `mysql`/`mariadb`,
/// `sqlite`.
pub fn dialect_of_url(url: &str) -> Result<DialectName, Error> {
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    match scheme.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => Ok(DialectName::Postgres),
        "mysql" | "mariadb" => Ok(DialectName::MySql),
        "sqlite" => Ok(DialectName::Sqlite),
        _ => Err(Error::new(
            ErrorKind::InvalidUrl,
            format!("`{}` is not a database URL modelc knows", redact(url)),
            "use postgres://user@host/db, mysql://user@host/db (MariaDB too) or sqlite://file.sqlite3",
        )),
    }
}

/// `url` with its password hidden: the one in `user:password@` and any `password=` query
/// parameter become `***`.
pub fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[start..];
    // The user info ends at the last `@` before the query: a password may hold `@` or `/`
    // that were not percent-encoded.
    let head_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let mut out = url[..start].to_string();
    let userinfo_end = match rest[..head_end].rfind('@') {
        Some(at) => {
            match rest[..at].split_once(':') {
                Some((user, _)) => out.push_str(&format!("{user}:***")),
                None => out.push_str(&rest[..at]),
            }
            at
        }
        None => 0,
    };
    let tail = &rest[userinfo_end..];
    match tail.split_once('?') {
        Some((path, query)) => {
            let (query, fragment) = match query.split_once('#') {
                Some((q, f)) => (q, Some(f)),
                None => (query, None),
            };
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            out.push_str(path);
            out.push('?');
            out.push_str(&params.join("&"));
            if let Some(f) = fragment {
                out.push('#');
                out.push_str(f);
            }
        }
        None => out.push_str(tail),
    }
    out
}

/// A connection to one of the three databases.
#[derive(Debug)]
pub(super) enum Conn {
    Postgres(PgConnection),
    MySql(MySqlConnection),
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection inside `$conn` (sqlx's migrator
/// is generic over the connection type; there is no `Any` driver here).
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::migrate::runner::database::Conn::Postgres($c) => $body,
            $crate::migrate::runner::database::Conn::MySql($c) => $body,
            $crate::migrate::runner::database::Conn::Sqlite($c) => $body,
        }
    };
}
pub(super) use on_conn;

/// Whether a missing SQLite file may be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Create {
    /// `migrate`: the database is made on first use.
    Yes,
    /// `showmigrations`: a file that does not exist is an empty database, left uncreated.
    No,
}

/// Connects to `url`. `None` only for a SQLite file that does not exist with [`Create::No`].
///
/// sqlx's default connect options are kept, so migrations run as `sqlx migrate run` and
/// `sqlx::migrate!` run them (on SQLite: `foreign_keys` on, the journal mode of the file).
pub(super) async fn connect(
    url: &str,
    dialect: DialectName,
    create: Create,
) -> Result<Option<Conn>, Error> {
    let shown = redact(url);
    let unreachable = |e: sqlx::Error| {
        Error::new(
            ErrorKind::Unreachable,
            format!("cannot connect to {shown}: {e}"),
            match dialect {
                // A SQLite "server" is a file: what fails is its path or its permissions.
                DialectName::Sqlite => {
                    "check that the folder of the SQLite file exists and that the file can be read and written (sqlite://FILE, relative to the current directory); the database is --database, else DATABASE_URL, else sqlite://db.sqlite3"
                }
                _ => {
                    "check that the server runs and that the URL (user, password, host, port, database) is right; the database is --database, else DATABASE_URL, else sqlite://db.sqlite3"
                }
            },
        )
    };
    let conn = match dialect {
        DialectName::Postgres => {
            let opts = sqlx::postgres::PgConnectOptions::from_str(url).map_err(&unreachable)?;
            Conn::Postgres(
                PgConnection::connect_with(&opts)
                    .await
                    .map_err(&unreachable)?,
            )
        }
        DialectName::MySql => {
            let opts = sqlx::mysql::MySqlConnectOptions::from_str(url).map_err(&unreachable)?;
            Conn::MySql(
                MySqlConnection::connect_with(&opts)
                    .await
                    .map_err(&unreachable)?,
            )
        }
        DialectName::Sqlite => {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).map_err(&unreachable)?;
            let file = opts.get_filename();
            let in_memory = file.to_string_lossy().starts_with("file:sqlx-in-memory")
                || url.contains("mode=memory");
            if create == Create::No && !in_memory && !file.exists() {
                return Ok(None);
            }
            let opts = opts.create_if_missing(create == Create::Yes);
            Conn::Sqlite(
                SqliteConnection::connect_with(&opts)
                    .await
                    .map_err(&unreachable)?,
            )
        }
    };
    Ok(Some(conn))
}

impl Conn {
    /// Closes the connection, which also ends its session's locks (`pg_advisory_lock`,
    /// `GET_LOCK`) and rolls back a transaction left open.
    pub(super) async fn close(self) {
        let _ = on_conn!(self, c => c.close().await);
    }

    /// Takes sqlx's migration lock, waiting as long as another migrator holds it:
    /// `pg_advisory_lock` on PostgreSQL, through sqlx; none on SQLite (a no-op in sqlx).
    ///
    /// On MySQL/MariaDB the lock is sqlx's `GET_LOCK` name, taken here rather than by sqlx:
    /// sqlx asks for `GET_LOCK(name, -1)`, which MySQL reads as "wait forever" but MariaDB
    /// answers with NULL at once, without the lock
    /// (<https://mariadb.com/kb/en/get_lock/>: the timeout is a number of seconds), and sqlx
    /// does not look at the answer. So the same name is asked for with a finite timeout, again
    /// until it is granted: a `sqlx migrate run` on MySQL waits for modelc and the other way
    /// round, and two modelc processes exclude each other on MariaDB too.
    pub(super) async fn lock(&mut self) -> Result<(), String> {
        match self {
            Conn::MySql(c) => {
                let database: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| e.to_string())?;
                let name = mysql_lock_name(database.as_deref().unwrap_or(""));
                loop {
                    let granted: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 60)")
                        .bind(&name)
                        .fetch_one(&mut *c)
                        .await
                        .map_err(|e| e.to_string())?;
                    match granted {
                        Some(1) => return Ok(()),
                        // Timed out: another migrator still holds it.
                        Some(0) => continue,
                        _ => return Err(format!("GET_LOCK('{name}', 60) returned NULL")),
                    }
                }
            }
            Conn::Postgres(c) => c.lock().await.map_err(|e| e.to_string()),
            Conn::Sqlite(c) => c.lock().await.map_err(|e| e.to_string()),
        }
    }

    /// Releases the lock [`Conn::lock`] took.
    pub(super) async fn unlock(&mut self) -> Result<(), String> {
        match self {
            Conn::MySql(c) => {
                let database: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| e.to_string())?;
                let name = mysql_lock_name(database.as_deref().unwrap_or(""));
                sqlx::query("SELECT RELEASE_LOCK(?)")
                    .bind(&name)
                    .execute(&mut *c)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Conn::Postgres(c) => c.unlock().await.map_err(|e| e.to_string()),
            Conn::Sqlite(c) => c.unlock().await.map_err(|e| e.to_string()),
        }
    }

    /// Rolls back a transaction a `-- no-transaction` migration opened and left open when
    /// one of its statements failed. Without one, PostgreSQL only warns and SQLite errors;
    /// both are ignored.
    pub(super) async fn rollback_leftover(&mut self) {
        let _ = on_conn!(self, c => sqlx::raw_sql("ROLLBACK").execute(&mut *c).await.map(|_| ()));
    }

    /// The version sqlx marks as partially applied (`success = false`), if any.
    pub(super) async fn dirty_version(&mut self) -> Option<i64> {
        on_conn!(self, c => c.dirty_version(HISTORY_TABLE).await.ok().flatten())
    }
}

/// The name sqlx's MySQL migrator locks (`generate_lock_id` in sqlx-mysql's `migrate.rs`):
/// the CRC-32 of the database name times 0x3d32ad9e, in lower-case hex.
fn mysql_lock_name(database: &str) -> String {
    format!(
        "{:x}",
        0x3d32_ad9e_i64 * i64::from(crc32(database.as_bytes()))
    )
}

/// CRC-32 (ISO-HDLC, the zlib one; `crc::CRC_32_ISO_HDLC` in sqlx).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A row of sqlx's history table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Applied {
    pub version: i64,
    /// sqlx's description: the name after the number, `_` read as spaces.
    pub description: String,
    /// `false`: the migration failed part-way (MySQL); sqlx calls the database dirty.
    pub success: bool,
    /// SHA-384 of the up migration's SQL as it was applied.
    pub checksum: Vec<u8>,
}

/// The rows of sqlx's history table, by version; empty when the table does not exist.
/// Reads only: the table is not created.
pub(super) async fn history(conn: &mut Conn) -> Result<Vec<Applied>, sqlx::Error> {
    let exists: bool = match conn {
        Conn::Postgres(c) => {
            // `to_regclass` resolves the name through search_path, as sqlx's unqualified
            // `_sqlx_migrations` does.
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(&mut *c)
                .await?
        }
        Conn::MySql(c) => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name = '_sqlx_migrations'",
            )
            .fetch_one(&mut *c)
            .await?
                > 0
        }
        Conn::Sqlite(c) => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM sqlite_master \
                 WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(&mut *c)
            .await?
                > 0
        }
    };
    if !exists {
        return Ok(Vec::new());
    }
    const SELECT: &str = "SELECT version, description, success, checksum \
                          FROM _sqlx_migrations ORDER BY version";
    type Row = (i64, String, bool, Vec<u8>);
    let rows: Vec<Row> = match conn {
        Conn::Postgres(c) => sqlx::query_as(SELECT).fetch_all(&mut *c).await?,
        Conn::MySql(c) => sqlx::query_as(SELECT).fetch_all(&mut *c).await?,
        Conn::Sqlite(c) => sqlx::query_as(SELECT).fetch_all(&mut *c).await?,
    };
    Ok(rows
        .into_iter()
        .map(|(version, description, success, checksum)| Applied {
            version,
            description,
            success,
            checksum,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        for (url, shown) in [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("mysql://root:p@ss@h:3306/db", "mysql://root:***@h:3306/db"),
            ("mysql://root:a/b@h/db", "mysql://root:***@h/db"),
            (
                "postgres://h/db?user=u&password=secret&sslmode=disable",
                "postgres://h/db?user=u&password=***&sslmode=disable",
            ),
            ("sqlite://db.sqlite3", "sqlite://db.sqlite3"),
            ("sqlite:///tmp/x/db.sqlite3", "sqlite:///tmp/x/db.sqlite3"),
            ("postgres://u:pw@h", "postgres://u:***@h"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn mysql_lock_name_is_sqlxs() {
        // The CRC-32 check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // MariaDB: SELECT LOWER(HEX(0x3d32ad9e * CRC32('modelc'))).
        assert_eq!(crc32(b"modelc"), 0xf961_206d);
        assert_eq!(mysql_lock_name("modelc"), "3b9d82d2db25ac46");
    }

    #[test]
    fn dialects_from_schemes() {
        assert_eq!(
            dialect_of_url("postgresql://h/db").ok(),
            Some(DialectName::Postgres)
        );
        assert_eq!(
            dialect_of_url("mariadb://h/db").ok(),
            Some(DialectName::MySql)
        );
        assert_eq!(
            dialect_of_url("sqlite::memory:").ok(),
            Some(DialectName::Sqlite)
        );
        let e = dialect_of_url("oracle://u:pw@h/db")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                "error: `oracle://u:***@h/db` is not a database URL modelc knows\n  = help: use postgres://user@host/db, mysql://user@host/db (MariaDB too) or sqlite://file.sqlite3"
            )
        );
    }
}
