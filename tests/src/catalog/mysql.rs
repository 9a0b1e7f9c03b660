//! MariaDB/MySQL: `information_schema` only; every value is cast, as MariaDB and MySQL 8
//! give these columns different (sometimes binary) types.

use std::collections::BTreeMap;

use sqlx::MySqlConnection;

use super::{
    Check, Column, ForeignKey, Index, IndexColumn, Table, Unique, non_empty, table, to_u32,
};

const MY_TABLES: &str = "
SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_COMMENT AS CHAR)
FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";

const MY_COLUMNS: &str = "
SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR),
       CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED), CAST(NUMERIC_PRECISION AS SIGNED),
       CAST(NUMERIC_SCALE AS SIGNED), CAST(DATETIME_PRECISION AS SIGNED),
       CAST(IS_NULLABLE = 'YES' AS SIGNED), CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR),
       CAST(COLUMN_COMMENT AS CHAR), CAST(DATA_TYPE AS CHAR)
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION";

const MY_INDEXES: &str = "
SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED),
       CAST(COLUMN_NAME AS CHAR), CAST(COLLATION AS CHAR)
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const MY_FKS: &str = "
SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR),
       CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR),
       CAST(r.DELETE_RULE AS CHAR)
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

// MariaDB's CHECK_CONSTRAINTS has TABLE_NAME (MySQL 8 would need TABLE_CONSTRAINTS).
const MY_CHECKS: &str = "
SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR)
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

type MyColumnRow = (
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    Option<String>,
    String,
    String,
    String,
);

/// MySQL's COLUMN_TYPE without integer display widths, except `tinyint(1)`.
fn mysql_type(column_type: &str) -> String {
    let ty = column_type.to_lowercase();
    let Some(open) = ty.find('(') else {
        return ty;
    };
    let base = &ty[..open];
    let integer = ["tinyint", "smallint", "mediumint", "int", "bigint"].contains(&base);
    if !integer || ty.starts_with("tinyint(1)") {
        return ty;
    }
    let close = ty[open..].find(')').map_or(ty.len(), |i| open + i + 1);
    format!("{base}{}", &ty[close..])
}

pub(super) async fn read(c: &mut MySqlConnection) -> Result<BTreeMap<String, Table>, sqlx::Error> {
    let mut tables = BTreeMap::new();
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(MY_TABLES).fetch_all(&mut *c).await?;
    for (name, comment) in rows {
        table(&mut tables, &name).comment = non_empty(comment);
    }
    let rows: Vec<MyColumnRow> = sqlx::query_as(MY_COLUMNS).fetch_all(&mut *c).await?;
    for (t, name, column_type, len, prec, scale, dtp, nullable, default, extra, comment, ty) in rows
    {
        let ty = ty.to_lowercase();
        let numeric = (ty == "decimal")
            .then(|| Some((to_u32(prec)?, to_u32(scale)?)))
            .flatten();
        let chars = ty == "char" || ty == "varchar";
        let timed = ty == "datetime" || ty == "time" || ty == "timestamp";
        table(&mut tables, &t).columns.push(Column {
            name,
            data_type: mysql_type(&column_type),
            max_length: if chars { to_u32(len) } else { None },
            numeric,
            datetime_precision: if timed { to_u32(dtp) } else { None },
            nullable: nullable != 0,
            default: default.filter(|d| !(nullable != 0 && d == "NULL")),
            auto_increment: extra.to_lowercase().contains("auto_increment"),
            comment: non_empty(Some(comment)),
        });
    }
    let rows: Vec<(String, String, i64, String, Option<String>)> =
        sqlx::query_as(MY_INDEXES).fetch_all(&mut *c).await?;
    let mut indexes: BTreeMap<(String, String), (bool, Vec<IndexColumn>)> = BTreeMap::new();
    for (t, name, non_unique, column, collation) in rows {
        let entry = indexes
            .entry((t, name))
            .or_insert((non_unique == 0, Vec::new()));
        entry.1.push(IndexColumn {
            name: column,
            descending: collation.as_deref() == Some("D"),
            opclass: None,
        });
    }
    for ((t, name), (unique, columns)) in indexes {
        let table = table(&mut tables, &t);
        if name == "PRIMARY" {
            table.primary_key = columns.into_iter().map(|c| c.name).collect();
        } else if unique {
            table.uniques.push(Unique {
                columns: columns.into_iter().map(|c| c.name).collect(),
                name: Some(name),
            });
        } else {
            table.indexes.push(Index {
                columns,
                unique,
                predicate: None,
                name,
            });
        }
    }
    let rows: Vec<(String, String, String, String, String, String)> =
        sqlx::query_as(MY_FKS).fetch_all(&mut *c).await?;
    for (t, name, column, ref_table, ref_column, rule) in rows {
        let table = table(&mut tables, &t);
        match table.foreign_keys.iter_mut().find(|f| f.name == name) {
            Some(fk) => {
                fk.columns.push(column);
                fk.ref_columns.push(ref_column);
            }
            None => table.foreign_keys.push(ForeignKey {
                columns: vec![column],
                ref_table,
                ref_columns: vec![ref_column],
                on_delete: rule.to_uppercase(),
                deferred: Some(false),
                name,
            }),
        }
    }
    let rows: Vec<(String, String, String)> = sqlx::query_as(MY_CHECKS).fetch_all(&mut *c).await?;
    for (t, name, clause) in rows {
        table(&mut tables, &t).checks.push(Check {
            name: Some(name),
            expression: clause,
        });
    }
    Ok(tables)
}
