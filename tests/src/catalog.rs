//! Reads a database's catalog back into one shape for all three dialects, so tests compare
//! what a database really holds with what the models say.
//!
//! Sources: `information_schema` and `pg_catalog` on PostgreSQL; `information_schema`
//! (COLUMNS, STATISTICS, KEY_COLUMN_USAGE, REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS) on
//! MariaDB/MySQL; `sqlite_master` and the `pragma_table_info`, `pragma_index_list`,
//! `pragma_index_xinfo` and `pragma_foreign_key_list` functions on SQLite.
//!
//! Normalizations (everything else is as the catalog reports it):
//! - Only tables of the connection's schema/database; SQLite's own `sqlite_*` tables are left out.
//! - [`Column::data_type`]: PostgreSQL's `information_schema.columns.data_type`
//!   (`character varying`, `timestamp with time zone`); MySQL's `COLUMN_TYPE` lowercased, with
//!   the display width of integer types dropped (`int(11)` → `int`, as MySQL 8.0.19+ reports
//!   them) except `tinyint(1)`, the boolean marker; SQLite's declared type, lowercased.
//! - [`Column::max_length`] only for `char`/`varchar` types, [`Column::numeric`] only for
//!   `numeric`/`decimal`, [`Column::datetime_precision`] only for time and timestamp types, and
//!   only where the catalog reports them (not on SQLite, which declares but does not keep them).
//! - [`Column::default`]: MariaDB reports `NULL` as the default of a nullable column without
//!   one; that is read as no default. Empty comments (MySQL's "no comment") are `None`.
//! - [`Column::auto_increment`]: PostgreSQL identity columns; MySQL `auto_increment`; on SQLite
//!   an `integer` primary key (the rowid alias) of a table declared with `AUTOINCREMENT`.
//! - Primary keys are in [`Table::primary_key`] only. Unique constraints (and MySQL's unique
//!   keys, which are its unique constraints) are in [`Table::uniques`], with no name on SQLite
//!   (its catalog keeps only `sqlite_autoindex_*`). [`Table::indexes`] holds the other indexes:
//!   those created by `CREATE [UNIQUE] INDEX`, and on MySQL the indexes InnoDB makes for
//!   foreign keys.
//! - [`ForeignKey::on_delete`] is upper case (`CASCADE`, `RESTRICT`, `SET NULL`, `SET DEFAULT`,
//!   `NO ACTION`), as each catalog reports it (a MySQL key without a clause reads as the
//!   server's default). [`ForeignKey::deferred`] is `None` on SQLite, whose pragma does not say.
//! - [`Check::expression`]: PostgreSQL's `pg_get_constraintdef` without `CHECK `; MySQL's
//!   `CHECK_CLAUSE`; on SQLite the text inside `CHECK (...)` in the table's SQL.
//! - Uniques, foreign keys, indexes and checks are sorted, so equal catalogs compare equal.

use std::collections::BTreeMap;

use crate::db::{Conn, TestDb};

mod mysql;
mod postgres;
mod sqlite;

/// Every table of a database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub tables: BTreeMap<String, Table>,
}

/// One table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub comment: Option<String>,
    /// In column order.
    pub columns: Vec<Column>,
    /// Primary key columns in key order; empty without a primary key.
    pub primary_key: Vec<String>,
    pub uniques: Vec<Unique>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
}

/// One column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub data_type: String,
    pub max_length: Option<u32>,
    /// `(precision, scale)`.
    pub numeric: Option<(u32, u32)>,
    /// Digits of fractional seconds.
    pub datetime_precision: Option<u32>,
    pub nullable: bool,
    /// The default expression's text as the catalog reports it.
    pub default: Option<String>,
    pub auto_increment: bool,
    pub comment: Option<String>,
}

/// A unique constraint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unique {
    pub columns: Vec<String>,
    pub name: Option<String>,
}

/// A foreign key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: String,
    /// `DEFERRABLE INITIALLY DEFERRED`; `None` where the catalog does not say (SQLite).
    pub deferred: Option<bool>,
    pub name: String,
}

/// An index other than a primary key or a unique constraint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    pub columns: Vec<IndexColumn>,
    pub unique: bool,
    /// A partial index's `WHERE` text.
    pub predicate: Option<String>,
    pub name: String,
}

/// One column of an index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexColumn {
    pub name: String,
    pub descending: bool,
    /// A non-default operator class (PostgreSQL's `varchar_pattern_ops`).
    pub opclass: Option<String>,
}

/// A check constraint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Check {
    pub name: Option<String>,
    pub expression: String,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The table's columns that `check` mentions, sorted: identifiers (quoted or bare) of its
    /// expression that name a column, leaving out string literals and type names after `::`.
    pub fn check_columns(&self, check: &Check) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let tokens = tokenize(&check.expression);
        for (i, (t, _, _)) in tokens.iter().enumerate() {
            let after_cast = i > 0 && tokens[i - 1].0 == Token::Punct("::".into());
            let name = match t {
                Token::Ident(s) => s.as_str(),
                Token::Word(w) if !after_cast => w.as_str(),
                _ => continue,
            };
            if self.column(name).is_some() && !out.iter().any(|c| c == name) {
                out.push(name.to_string());
            }
        }
        out.sort();
        out
    }
}

/// Reads the catalog of the test database.
pub async fn read(db: &mut TestDb) -> Result<Catalog, sqlx::Error> {
    let mut tables = match db.conn() {
        Conn::Postgres(c) => postgres::read(c).await?,
        Conn::MySql(c) => mysql::read(c).await?,
        Conn::Sqlite(c) => sqlite::read(c).await?,
    };
    for t in tables.values_mut() {
        t.uniques.sort();
        t.foreign_keys.sort();
        t.indexes.sort();
        t.checks.sort();
    }
    Ok(Catalog { tables })
}

fn table<'a>(tables: &'a mut BTreeMap<String, Table>, name: &str) -> &'a mut Table {
    tables.entry(name.to_string()).or_insert_with(|| Table {
        name: name.to_string(),
        ..Table::default()
    })
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn to_u32(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

/// A token of SQL text, enough to find CHECK clauses and WHERE in SQLite's stored SQL and
/// the columns a check mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// A bare word (keyword or identifier), as written.
    Word(String),
    /// A quoted identifier, unquoted.
    Ident(String),
    /// A string literal.
    Str,
    Open,
    Close,
    Punct(String),
}

impl Token {
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }
}

/// Tokens of `sql`, each with the byte offsets where it starts and ends.
fn tokenize(sql: &str) -> Vec<(Token, usize, usize)> {
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(sql.len(), |x| x.0);
    let at = |i: usize| chars.get(i).map(|x| x.1);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let c = chars[i].1;
        let next = at(i + 1);
        let token = match c {
            _ if c.is_whitespace() => {
                i += 1;
                None
            }
            '-' if next == Some('-') => {
                while i < chars.len() && chars[i].1 != '\n' {
                    i += 1;
                }
                None
            }
            '/' if next == Some('*') => {
                i += 2;
                while i < chars.len() && !(chars[i].1 == '*' && at(i + 1) == Some('/')) {
                    i += 1;
                }
                i += 2;
                None
            }
            '\'' | '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut text = String::new();
                i += 1;
                while let Some(ch) = at(i) {
                    if ch == close {
                        if close != ']' && at(i + 1) == Some(close) {
                            text.push(ch);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    text.push(ch);
                    i += 1;
                }
                i += 1;
                Some(if c == '\'' {
                    Token::Str
                } else {
                    Token::Ident(text)
                })
            }
            '(' | ')' => {
                i += 1;
                Some(if c == '(' { Token::Open } else { Token::Close })
            }
            _ if c.is_alphanumeric() || c == '_' => {
                let mut word = String::new();
                while let Some(ch) = at(i).filter(|ch| ch.is_alphanumeric() || *ch == '_') {
                    word.push(ch);
                    i += 1;
                }
                Some(Token::Word(word))
            }
            ':' if next == Some(':') => {
                i += 2;
                Some(Token::Punct("::".into()))
            }
            _ => {
                i += 1;
                Some(Token::Punct(c.to_string()))
            }
        };
        if let Some(t) = token {
            out.push((t, offset(start), offset(i.min(chars.len()))));
        }
    }
    out
}
