//! SQLite: `sqlite_master` and the pragma table functions; check constraints and partial
//! index conditions are read from the stored SQL, which SQLite keeps as written.

use std::collections::BTreeMap;

use sqlx::SqliteConnection;

use super::{Check, Column, ForeignKey, Index, IndexColumn, Table, Token, Unique, table, tokenize};

type SqliteColumnRow = (String, String, bool, Option<String>, i64);

pub(super) async fn read(c: &mut SqliteConnection) -> Result<BTreeMap<String, Table>, sqlx::Error> {
    let mut tables = BTreeMap::new();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *c)
    .await?;
    for (name, sql) in rows {
        let tokens = tokenize(&sql);
        let autoincrement = tokens.iter().any(|(t, _, _)| t.is_word("AUTOINCREMENT"));
        let cols: Vec<SqliteColumnRow> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut *c)
        .await?;
        let table = table(&mut tables, &name);
        let mut pk: Vec<(i64, String)> = cols
            .iter()
            .filter(|c| c.4 > 0)
            .map(|c| (c.4, c.0.clone()))
            .collect();
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, n)| n).collect();
        for (col, ty, notnull, default, key) in cols {
            let ty = ty.to_lowercase();
            let rowid = key > 0 && table.primary_key.len() == 1 && ty == "integer";
            table.columns.push(Column {
                name: col,
                data_type: ty,
                nullable: !notnull,
                default,
                auto_increment: rowid && autoincrement,
                ..Column::default()
            });
        }
        table.checks = sqlite_checks(&tokens, &sql);
        let list: Vec<(String, bool, String, bool)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
                .bind(&name)
                .fetch_all(&mut *c)
                .await?;
        for (index, unique, origin, partial) in list {
            let cols: Vec<(Option<String>, bool)> = sqlx::query_as(
                "SELECT name, \"desc\" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
            )
            .bind(&index)
            .fetch_all(&mut *c)
            .await?;
            let names = cols.iter().map(|(n, _)| n.clone().unwrap_or_default());
            match origin.as_str() {
                "pk" => {}
                "u" => table.uniques.push(Unique {
                    columns: names.collect(),
                    name: None,
                }),
                _ => {
                    let predicate = if partial {
                        let sql: Option<String> =
                            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = ?")
                                .bind(&index)
                                .fetch_one(&mut *c)
                                .await?;
                        sql.as_deref().and_then(sqlite_where)
                    } else {
                        None
                    };
                    table.indexes.push(Index {
                        columns: cols
                            .into_iter()
                            .map(|(n, desc)| IndexColumn {
                                name: n.unwrap_or_default(),
                                descending: desc,
                                opclass: None,
                            })
                            .collect(),
                        unique,
                        predicate,
                        name: index,
                    });
                }
            }
        }
        let fks: Vec<(i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(&mut *c)
        .await?;
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, ref_table, from, to, on_delete) in fks {
            let fk = by_id.entry(id).or_insert_with(|| ForeignKey {
                columns: Vec::new(),
                ref_table,
                ref_columns: Vec::new(),
                on_delete: on_delete.to_uppercase(),
                deferred: None,
                name: String::new(),
            });
            fk.columns.push(from);
            fk.ref_columns.push(to.unwrap_or_default());
        }
        table.foreign_keys = by_id.into_values().collect();
    }
    Ok(tables)
}

/// `CONSTRAINT name CHECK (expr)` and bare `CHECK (expr)` clauses of a CREATE TABLE.
fn sqlite_checks(tokens: &[(Token, usize, usize)], sql: &str) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, (t, _, _)) in tokens.iter().enumerate() {
        if !t.is_word("CHECK") {
            continue;
        }
        let Some((Token::Open, _, start)) = tokens.get(i + 1) else {
            continue;
        };
        let mut depth = 0usize;
        let mut end = None;
        for (t, at, _) in &tokens[i + 1..] {
            match t {
                Token::Open => depth += 1,
                Token::Close => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(*at);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        let before = |k: usize| i.checked_sub(k).map(|j| &tokens[j].0);
        let name = match (before(2), before(1)) {
            (Some(c), Some(Token::Ident(n) | Token::Word(n))) if c.is_word("CONSTRAINT") => {
                Some(n.clone())
            }
            _ => None,
        };
        out.push(Check {
            name,
            expression: sql[*start..end].trim().to_string(),
        });
    }
    out
}

/// The text after the top-level `WHERE` of a CREATE INDEX.
fn sqlite_where(sql: &str) -> Option<String> {
    let mut depth = 0i32;
    for (t, _, end) in tokenize(sql) {
        match t {
            Token::Open => depth += 1,
            Token::Close => depth -= 1,
            _ if depth == 0 && t.is_word("WHERE") => return Some(sql[end..].trim().to_string()),
            _ => {}
        }
    }
    None
}
