//! `modelc apply`: create the schema in an empty database.
//!
//! The database is named by URL and nothing else is touched. Before anything is created,
//! modelc checks that none of the tables exists. PostgreSQL and SQLite run all the DDL in one
//! transaction, so a failure leaves nothing behind; MySQL commits each DDL statement
//! implicitly, so a failure there says which statements had already run.

use std::fmt;
use std::str::FromStr;

use sqlx::{Connection, Executor, MySqlConnection, PgConnection, SqliteConnection};

use crate::ddl::{self, Statement};
use crate::ir::{DialectName, Schema};

/// What `apply` did.
#[derive(Debug)]
pub struct Report {
    pub database: String,
    pub tables: usize,
    pub statements: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "created {} tables ({} statements) in {}",
            self.tables, self.statements, self.database
        )
    }
}

/// An error of `apply`, with what to do about it.
#[derive(Debug)]
pub struct ApplyError {
    pub message: String,
    pub help: String,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  = help: {}", self.message, self.help)
    }
}

impl std::error::Error for ApplyError {}

fn err(message: impl Into<String>, help: impl Into<String>) -> ApplyError {
    ApplyError {
        message: message.into(),
        help: help.into(),
    }
}

/// The dialect of a database URL.
pub fn dialect_of_url(url: &str) -> Result<DialectName, ApplyError> {
    let scheme = url.split(':').next().unwrap_or("");
    match scheme {
        "postgres" | "postgresql" => Ok(DialectName::Postgres),
        "mysql" | "mariadb" => Ok(DialectName::MySql),
        "sqlite" => Ok(DialectName::Sqlite),
        _ => Err(err(
            format!("`{url}` is not a database URL modelc knows"),
            "use postgres://user@host/db, mysql://user@host/db or sqlite://file.sqlite3",
        )),
    }
}

/// Hides a password in a URL shown to the user.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Runs [`apply`] on a single-threaded runtime.
pub fn apply_blocking(schema: &Schema, url: &str) -> Result<Report, ApplyError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            err(
                format!("cannot start the async runtime: {e}"),
                "this is a bug in modelc; please report it",
            )
        })?;
    rt.block_on(apply(schema, url))
}

/// Creates every managed table of `schema` in the empty database at `url`.
pub async fn apply(schema: &Schema, url: &str) -> Result<Report, ApplyError> {
    let dialect = dialect_of_url(url)?;
    if !schema.project.dialects.contains(&dialect) {
        return Err(err(
            format!("the models are not compiled for {dialect} ([project] dialects)"),
            format!(
                "add \"{dialect}\" to [project] dialects so modelc checks what {dialect} can express"
            ),
        ));
    }
    let d = ddl::dialect_for(dialect);
    let plan = ddl::plan(schema, d);
    let statements: Vec<String> = plan
        .iter()
        .map(|s| ddl::render(std::slice::from_ref(s), d))
        .collect();
    let tables: Vec<&str> = plan
        .iter()
        .filter_map(|s| match s {
            Statement::CreateTable(t) => Some(t.name.as_ref()),
            _ => None,
        })
        .collect();
    let shown = redact(url);
    let unreachable = |e: sqlx::Error| {
        err(
            format!("cannot connect to {shown}: {e}"),
            "check that the server runs and the URL (user, password, host, port, database) is right",
        )
    };
    match dialect {
        DialectName::Sqlite => {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .map_err(unreachable)?
                .create_if_missing(true)
                .foreign_keys(true);
            let mut conn = SqliteConnection::connect_with(&opts)
                .await
                .map_err(unreachable)?;
            let existing: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(&mut conn)
                    .await
                    .map_err(|e| query_failed(&shown, e))?;
            refuse_existing(&existing, &tables, &shown)?;
            let mut tx = conn.begin().await.map_err(|e| query_failed(&shown, e))?;
            run_all(&mut *tx, &statements, &shown, true).await?;
            tx.commit().await.map_err(|e| query_failed(&shown, e))?;
        }
        DialectName::Postgres => {
            let mut conn = PgConnection::connect(url).await.map_err(unreachable)?;
            let existing: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
            )
            .fetch_all(&mut conn)
            .await
            .map_err(|e| query_failed(&shown, e))?;
            refuse_existing(&existing, &tables, &shown)?;
            let mut tx = conn.begin().await.map_err(|e| query_failed(&shown, e))?;
            run_all(&mut *tx, &statements, &shown, true).await?;
            tx.commit().await.map_err(|e| query_failed(&shown, e))?;
        }
        DialectName::MySql => {
            let mut conn = MySqlConnection::connect(url).await.map_err(unreachable)?;
            let existing: Vec<String> = sqlx::query_scalar(
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE()",
            )
            .fetch_all(&mut conn)
            .await
            .map_err(|e| query_failed(&shown, e))?;
            refuse_existing(&existing, &tables, &shown)?;
            run_all(&mut conn, &statements, &shown, false).await?;
        }
    }
    Ok(Report {
        database: shown,
        tables: tables.len(),
        statements: statements.len(),
    })
}

fn query_failed(shown: &str, e: sqlx::Error) -> ApplyError {
    err(
        format!("query on {shown} failed: {e}"),
        "check that the user may read the catalog and create tables",
    )
}

fn refuse_existing(existing: &[String], tables: &[&str], shown: &str) -> Result<(), ApplyError> {
    let clash: Vec<&str> = tables
        .iter()
        .copied()
        .filter(|t| existing.iter().any(|e| e.eq_ignore_ascii_case(t)))
        .collect();
    if clash.is_empty() {
        return Ok(());
    }
    Err(err(
        format!(
            "{shown} already has table{} {}",
            if clash.len() == 1 { "" } else { "s" },
            clash.join(", ")
        ),
        "`modelc apply` creates a schema in an empty database; use a new database (or drop those tables)",
    ))
}

async fn run_all<'c, E>(
    conn: &mut E,
    statements: &[String],
    shown: &str,
    transactional: bool,
) -> Result<(), ApplyError>
where
    for<'e> &'e mut E: Executor<'e>,
{
    for (i, sql) in statements.iter().enumerate() {
        // The statements were rendered by modelc's SQL writer from validated models:
        // identifiers quoted, literals escaped.
        if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str()))
            .execute(&mut *conn)
            .await
        {
            let help = if transactional {
                "nothing was created: the transaction was rolled back".to_string()
            } else {
                format!(
                    "MySQL commits DDL implicitly: the {i} statement{} before this one stayed; drop those tables before trying again",
                    if i == 1 { "" } else { "s" }
                )
            };
            return Err(err(
                format!(
                    "statement {} of {} failed on {shown}: {e}\n{}",
                    i + 1,
                    statements.len(),
                    sql.trim_end()
                ),
                help,
            ));
        }
    }
    Ok(())
}
