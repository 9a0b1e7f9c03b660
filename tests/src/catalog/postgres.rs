//! PostgreSQL: `information_schema.columns` for columns, `pg_catalog` for constraints,
//! indexes (with operator classes, DESC flags and predicates) and comments.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use super::{
    Check, Column, ForeignKey, Index, IndexColumn, Table, Unique, non_empty, table, to_u32,
};

const PG_COLUMNS: &str = "
SELECT c.table_name::text, c.column_name::text, c.data_type::text,
       c.character_maximum_length::int8, c.numeric_precision::int8, c.numeric_scale::int8,
       c.datetime_precision::int8, c.is_nullable::text = 'YES', c.column_default::text,
       c.is_identity::text = 'YES', col_description(t.oid, a.attnum)
FROM information_schema.columns c
JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
JOIN pg_catalog.pg_class t ON t.relnamespace = n.oid AND t.relname = c.table_name
JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
WHERE c.table_schema = current_schema() AND t.relkind IN ('r', 'p')
ORDER BY c.table_name, c.ordinal_position";

const PG_TABLES: &str = "
SELECT t.relname::text, obj_description(t.oid, 'pg_class')
FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')";

const PG_CONSTRAINTS: &str = "
SELECT t.relname::text, con.conname::text, con.contype::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord),
       f.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.ord),
       con.confdeltype::text, con.condeferrable AND con.condeferred,
       pg_get_constraintdef(con.oid)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_class f ON f.oid = con.confrelid
WHERE n.nspname = current_schema()";

// Indexes that back a primary key or unique constraint are reported with the constraint.
const PG_INDEXES: &str = "
SELECT t.relname::text, i.relname::text, ix.indisunique, pg_get_expr(ix.indpred, ix.indrelid),
       ARRAY(SELECT coalesce(a.attname::text, pg_get_indexdef(ix.indexrelid, k.ord::int, true))
             FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(num, ord)
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num
             ORDER BY k.ord),
       ARRAY(SELECT (o & 1) = 1 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY k(o, ord)
             ORDER BY k.ord),
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END
             FROM unnest(ix.indclass::oid[]) WITH ORDINALITY k(cls, ord)
             JOIN pg_catalog.pg_opclass oc ON oc.oid = k.cls ORDER BY k.ord)
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema()
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                  WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))";

type PgColumnRow = (
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    bool,
    Option<String>,
    bool,
    Option<String>,
);

type PgConstraintRow = (
    String,
    String,
    String,
    Vec<String>,
    Option<String>,
    Vec<String>,
    String,
    bool,
    String,
);

type PgIndexRow = (
    String,
    String,
    bool,
    Option<String>,
    Vec<String>,
    Vec<bool>,
    Vec<String>,
);

pub(super) async fn read(c: &mut PgConnection) -> Result<BTreeMap<String, Table>, sqlx::Error> {
    let mut tables = BTreeMap::new();
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(PG_TABLES).fetch_all(&mut *c).await?;
    for (name, comment) in rows {
        table(&mut tables, &name).comment = comment;
    }
    let rows: Vec<PgColumnRow> = sqlx::query_as(PG_COLUMNS).fetch_all(&mut *c).await?;
    for (t, name, ty, len, prec, scale, dtp, nullable, default, identity, comment) in rows {
        let numeric = (ty == "numeric")
            .then(|| Some((to_u32(prec)?, to_u32(scale)?)))
            .flatten();
        let timed = ty.starts_with("time");
        table(&mut tables, &t).columns.push(Column {
            name,
            max_length: if ty.starts_with("character") {
                to_u32(len)
            } else {
                None
            },
            numeric,
            datetime_precision: if timed { to_u32(dtp) } else { None },
            data_type: ty,
            nullable,
            default,
            auto_increment: identity,
            comment,
        });
    }
    let rows: Vec<PgConstraintRow> = sqlx::query_as(PG_CONSTRAINTS).fetch_all(&mut *c).await?;
    for (t, name, kind, cols, ref_table, ref_cols, del, deferred, def) in rows {
        let table = table(&mut tables, &t);
        match kind.as_str() {
            "p" => table.primary_key = cols,
            "u" => table.uniques.push(Unique {
                columns: cols,
                name: Some(name),
            }),
            "f" => table.foreign_keys.push(ForeignKey {
                columns: cols,
                ref_table: ref_table.unwrap_or_default(),
                ref_columns: ref_cols,
                on_delete: match del.as_str() {
                    "a" => "NO ACTION",
                    "r" => "RESTRICT",
                    "c" => "CASCADE",
                    "n" => "SET NULL",
                    "d" => "SET DEFAULT",
                    other => other,
                }
                .to_string(),
                deferred: Some(deferred),
                name,
            }),
            "c" => table.checks.push(Check {
                name: Some(name),
                expression: def.strip_prefix("CHECK ").unwrap_or(&def).to_string(),
            }),
            _ => {}
        }
    }
    let rows: Vec<PgIndexRow> = sqlx::query_as(PG_INDEXES).fetch_all(&mut *c).await?;
    for (t, name, unique, predicate, cols, desc, opclasses) in rows {
        let columns = cols
            .into_iter()
            .enumerate()
            .map(|(i, name)| IndexColumn {
                name,
                descending: desc.get(i).copied().unwrap_or(false),
                opclass: non_empty(opclasses.get(i).cloned()),
            })
            .collect();
        table(&mut tables, &t).indexes.push(Index {
            columns,
            unique,
            predicate,
            name,
        });
    }
    Ok(tables)
}
