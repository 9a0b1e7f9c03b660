//! Rows of a test database, and what a migration may do to them: every row read as text by
//! primary key ([`read_rows`]), compared through the migration's renames ([`rows_diff`]); and
//! the rows files of the tests, run statement by statement ([`run_sql`]).

use std::collections::{BTreeMap, BTreeSet};

use modelc::ir::DialectName;

use super::quote;
use crate::catalog::Catalog;
use crate::db::TestDb;

/// The rows of every table: `table -> primary key values -> column -> value as text`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rows {
    pub tables: BTreeMap<String, TableRows>,
}

/// The rows of one table, by the values of its primary key (of all its columns without one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableRows {
    pub key: Vec<String>,
    pub rows: BTreeMap<Vec<Option<String>>, BTreeMap<String, Option<String>>>,
}

impl Rows {
    /// The number of rows of `table` (0 when it is not there).
    pub fn count(&self, table: &str) -> usize {
        self.tables.get(table).map_or(0, |t| t.rows.len())
    }

    /// The value of `column` in the row of `table` whose key is `key`.
    pub fn value(&self, table: &str, key: &[&str], column: &str) -> Option<String> {
        let key: Vec<Option<String>> = key.iter().map(|k| Some(k.to_string())).collect();
        self.tables
            .get(table)?
            .rows
            .get(&key)?
            .get(column)
            .cloned()
            .flatten()
    }
}

/// `column` cast to text by the database.
fn as_text(dialect: DialectName, column: &str) -> String {
    let q = quote(dialect, column);
    match dialect {
        DialectName::Postgres => format!("CAST({q} AS text)"),
        DialectName::MySql => format!("CAST({q} AS CHAR)"),
        DialectName::Sqlite => format!("CAST({q} AS TEXT)"),
    }
}

/// Every row of every table of `catalog` in `db`.
pub async fn read_rows(db: &mut TestDb, catalog: &Catalog) -> Rows {
    let dialect = db.dialect();
    let mut out = Rows::default();
    for (name, t) in &catalog.tables {
        let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        let key: Vec<String> = if t.primary_key.is_empty() {
            columns.iter().map(|c| c.to_string()).collect()
        } else {
            t.primary_key.clone()
        };
        let select: Vec<String> = columns.iter().map(|c| as_text(dialect, c)).collect();
        let sql = format!("SELECT {} FROM {}", select.join(", "), quote(dialect, name));
        let rows = db
            .rows(&sql)
            .await
            .unwrap_or_else(|e| panic!("{dialect}: {sql}: {e}"));
        let mut table = TableRows {
            key: key.clone(),
            rows: BTreeMap::new(),
        };
        for row in rows {
            let values: BTreeMap<String, Option<String>> =
                columns.iter().map(|c| c.to_string()).zip(row).collect();
            let k: Vec<Option<String>> = key.iter().map(|c| values[c].clone()).collect();
            let previous = table.rows.insert(k.clone(), values);
            assert!(
                previous.is_none(),
                "{dialect}: two rows of {name} have the key {k:?}"
            );
        }
        out.tables.insert(name.clone(), table);
    }
    out
}

/// What a migration renames: tables, and columns (by the old table's name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renames {
    /// `(old table, new table)`.
    pub tables: Vec<(String, String)>,
    /// `(old table, old column, new column)`.
    pub columns: Vec<(String, String, String)>,
}

impl Renames {
    pub fn table(mut self, from: &str, to: &str) -> Self {
        self.tables.push((from.into(), to.into()));
        self
    }

    pub fn column(mut self, table: &str, from: &str, to: &str) -> Self {
        self.columns.push((table.into(), from.into(), to.into()));
        self
    }

    /// The renames that undo these.
    pub fn inverse(&self) -> Renames {
        Renames {
            tables: self
                .tables
                .iter()
                .map(|(a, b)| (b.clone(), a.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|(t, a, b)| (self.table_of(t), b.clone(), a.clone()))
                .collect(),
        }
    }

    fn table_of(&self, old: &str) -> String {
        self.tables
            .iter()
            .find(|(a, _)| a == old)
            .map_or_else(|| old.to_string(), |(_, b)| b.clone())
    }

    fn column_of(&self, old_table: &str, old: &str) -> String {
        self.columns
            .iter()
            .find(|(t, a, _)| t == old_table && a == old)
            .map_or_else(|| old.to_string(), |(_, _, b)| b.clone())
    }
}

/// Values are the same when their text is, or when both are numbers of the same value (a
/// widened decimal reads `12.5000` where it read `12.50`).
fn same_value(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if a != b => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => a == b,
    }
}

/// What `after` lost or changed of `before`, one line each, through `renames`: every row of
/// every table of `before` that `after` still has (by its new name) must be there, by its key,
/// with the same value in every column both have; and `after` must hold no other row. A NULL
/// of a column named in `fills` (`(old table, old column, value)`) must have become that value.
pub fn rows_diff(
    before: &Rows,
    after: &Rows,
    renames: &Renames,
    fills: &[(&str, &str, &str)],
) -> Vec<String> {
    let mut out = Vec::new();
    for (old_table, b) in &before.tables {
        let table = renames.table_of(old_table);
        let Some(a) = after.tables.get(&table) else {
            continue;
        };
        let columns: Vec<(&String, String)> = b
            .rows
            .values()
            .next()
            .map(|r| {
                r.keys()
                    .map(|c| (c, renames.column_of(old_table, c)))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        for row in b.rows.values() {
            let key: Vec<Option<String>> = b.key.iter().map(|c| row[c].clone()).collect::<Vec<_>>();
            // The key under the new column names, in the new key's order.
            let new_key: Vec<Option<String>> = a
                .key
                .iter()
                .map(|nc| {
                    columns
                        .iter()
                        .find(|(_, n)| n == nc)
                        .and_then(|(old, _)| row[*old].clone())
                })
                .collect();
            let Some(got) = a.rows.get(&new_key).or_else(|| {
                // A key whose text changed with its type (widened numbers): by value.
                a.rows.iter().find_map(|(k, v)| {
                    (k.len() == new_key.len()
                        && k.iter().zip(&new_key).all(|(x, y)| same_value(x, y)))
                    .then_some(v)
                })
            }) else {
                out.push(format!("{old_table} row {key:?} is gone (as {table})"));
                continue;
            };
            seen.insert(new_key);
            for (old, new) in &columns {
                let Some(value) = got.get(new) else {
                    continue;
                };
                let mut expected = row[*old].clone();
                if expected.is_none() {
                    if let Some((_, _, v)) =
                        fills.iter().find(|(t, c, _)| t == old_table && c == *old)
                    {
                        expected = Some(v.to_string());
                    }
                }
                if !same_value(&expected, value) {
                    out.push(format!(
                        "{old_table} row {key:?}: {old} was {expected:?}, {table}.{new} is {value:?}"
                    ));
                }
            }
        }
        if a.rows.len() != b.rows.len() {
            let extra: Vec<&Vec<Option<String>>> =
                a.rows.keys().filter(|k| !seen.contains(*k)).collect();
            out.push(format!(
                "{table} has {} rows where {old_table} had {}; not there before: {extra:?}",
                a.rows.len(),
                b.rows.len()
            ));
        }
    }
    out
}

/// Asserts [`rows_diff`] is empty.
pub fn check_rows(
    what: &str,
    before: &Rows,
    after: &Rows,
    renames: &Renames,
    fills: &[(&str, &str, &str)],
) {
    let diff = rows_diff(before, after, renames, fills);
    assert!(
        diff.is_empty(),
        "{what}: rows lost or changed:\n  {}\nbefore: {before:#?}\nafter: {after:#?}",
        diff.join("\n  ")
    );
}

/// Runs the statements of an SQL text (separated by `;` at the end of a line), each on its
/// own so a failure names it.
pub async fn run_sql(db: &mut TestDb, sql: &str) {
    for statement in statements(sql) {
        db.execute(&statement)
            .await
            .unwrap_or_else(|e| panic!("{}: {statement}: {e}", db.dialect()));
    }
}

/// The statements of an SQL text: lines up to one that ends with `;`, `--` comment lines and
/// blank lines left out.
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("--") {
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
        if trimmed.ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}
