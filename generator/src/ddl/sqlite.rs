//! SQLite: foreign keys declared inline in CREATE TABLE, `integer PRIMARY KEY AUTOINCREMENT`
//! for auto keys (the rowid alias), Django's type names (`django/db/backends/sqlite3/base.py`),
//! no comments, and booleans stored as 1 and 0.

use crate::ir::{DialectName, Func, Value};

use super::{Capabilities, CommentSupport, Dialect, SqlType};

/// SQLite 3.35 or later (the bundled library).
#[derive(Clone, Copy, Debug, Default)]
pub struct Sqlite;

static CAPS: Capabilities = Capabilities {
    max_identifier_len: None,
    identifier_len_in_bytes: true,
    transactional_ddl: true,
    alter_column: false,
    deferrable_fks: true,
    on_delete_set_default: true,
    partial_indexes: true,
    inline_foreign_keys: true,
    fk_creates_index: false,
    comments: CommentSupport::None,
    max_column_comment: None,
    max_table_comment: None,
    comments_bmp_only: false,
    related_fields_match_type: false,
    pattern_ops_index: false,
    bind_param_limit: 32766,
    index_text_columns: true,
    max_index_key_bytes: None,
    index_bytes_per_char: 4,
    max_varchar: 1_000_000_000,
    max_decimal_digits: u32::MAX,
    max_decimal_places: u32::MAX,
    text_defaults_need_parens: false,
    rename_index: false,
    rename_constraint: false,
};

impl Dialect for Sqlite {
    fn name(&self) -> DialectName {
        DialectName::Sqlite
    }

    fn caps(&self) -> &'static Capabilities {
        &CAPS
    }

    fn type_name(&self, ty: &SqlType, auto: bool) -> String {
        // Only a column declared exactly `integer PRIMARY KEY` is the rowid alias.
        if auto {
            return "integer".into();
        }
        let unsigned = |u: &bool| if *u { " unsigned" } else { "" };
        match ty {
            SqlType::SmallInt { unsigned: u } => format!("smallint{}", unsigned(u)),
            SqlType::Int { unsigned: u } => format!("integer{}", unsigned(u)),
            SqlType::BigInt { unsigned: u } => format!("bigint{}", unsigned(u)),
            SqlType::Varchar(n) => format!("varchar({n})"),
            SqlType::Text => "text".into(),
            SqlType::Decimal { .. } => "decimal".into(),
            SqlType::Float => "real".into(),
            SqlType::Bool => "bool".into(),
            SqlType::Date => "date".into(),
            SqlType::DateTime => "datetime".into(),
            SqlType::Time => "time".into(),
            SqlType::Duration => "bigint".into(),
            SqlType::Uuid => "char(32)".into(),
            SqlType::Json => "text".into(),
            SqlType::Binary => "BLOB".into(),
            SqlType::Inet(_) => "char(39)".into(),
        }
    }

    /// sqlx runs a migration that starts with `-- no-transaction` as it is: foreign keys can
    /// be switched off only outside a transaction ("ALTER TABLE", section 7), and the script
    /// checks every foreign key before it commits: a violation aborts it through a CHECK
    /// constraint named after the problem, and the transaction rolls back.
    fn begin_own_transaction(&self, w: &mut super::SqlWriter<'_>) {
        w.push("-- no-transaction\nPRAGMA foreign_keys = OFF;\nBEGIN;\n");
    }

    fn end_own_transaction(&self, w: &mut super::SqlWriter<'_>) {
        w.push(concat!(
            "CREATE TEMP TABLE \"modelc_foreign_key_check\" (\"violations\" integer NOT NULL ",
            "CONSTRAINT \"foreign keys violated: see PRAGMA foreign_key_check\" CHECK (\"violations\" = 0));\n",
            "INSERT INTO \"modelc_foreign_key_check\" SELECT count(*) FROM pragma_foreign_key_check;\n",
            "DROP TABLE \"modelc_foreign_key_check\";\n",
            "COMMIT;\n",
            "PRAGMA foreign_keys = ON;\n",
        ));
    }

    fn auto_suffix(&self) -> &'static str {
        "AUTOINCREMENT"
    }

    fn bool_literal(&self, out: &mut String, b: bool) {
        out.push_str(if b { "1" } else { "0" });
    }

    fn func_name(&self, func: Func) -> &'static str {
        match func {
            Func::Length => "length",
            _ => func.name(),
        }
    }

    fn literal(&self, out: &mut String, value: &Value, ty: &SqlType) {
        match value {
            // Django's SQLite format: 'YYYY-MM-DD HH:MM:SS[.ffffff]', UTC, no offset.
            Value::DateTime(dt) => self.quote_str(out, &format!("{} {}", dt.date, dt.time)),
            _ => super::writer::default_literal(self, out, value, ty),
        }
    }
}
