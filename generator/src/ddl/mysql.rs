//! MySQL 8 and MariaDB 10.5+: backtick identifiers, backslash escapes in strings,
//! `AUTO_INCREMENT`, inline comments, InnoDB table options, and no partial indexes, no
//! deferrable constraints and no `ON DELETE SET DEFAULT`.
//! Types follow Django's `django/db/backends/mysql/base.py` `data_types` for MySQL (UUIDs as
//! `char(32)`, which MariaDB reads too).

use crate::ir::{DialectName, ExprKind, Func, SqlExprKind, Value};

use super::{
    Capabilities, ColumnDefault, CommentSupport, CreateTable, Dialect, SqlType, SqlWriter,
};

/// MySQL 8.0.16+ and MariaDB 10.5+ (CHECK constraints are enforced from those versions).
#[derive(Clone, Copy, Debug, Default)]
pub struct MySql;

static CAPS: Capabilities = Capabilities {
    max_identifier_len: Some(64),
    identifier_len_in_bytes: false,
    transactional_ddl: false,
    alter_column: true,
    deferrable_fks: false,
    on_delete_set_default: false,
    partial_indexes: false,
    inline_foreign_keys: false,
    fk_creates_index: true,
    comments: CommentSupport::Inline,
    max_column_comment: Some(1024),
    max_table_comment: Some(2048),
    comments_bmp_only: true,
    related_fields_match_type: true,
    pattern_ops_index: false,
    bind_param_limit: 65535,
    index_text_columns: false,
    max_index_key_bytes: Some(3072),
    index_bytes_per_char: 4,
    max_varchar: 16383,
    max_decimal_digits: 65,
    max_decimal_places: 30,
    text_defaults_need_parens: true,
    rename_index: true,
    rename_constraint: false,
};

impl Dialect for MySql {
    fn name(&self) -> DialectName {
        DialectName::MySql
    }

    fn caps(&self) -> &'static Capabilities {
        &CAPS
    }

    fn quote_ident(&self, out: &mut String, ident: &str) {
        out.push('`');
        super::push_doubling(out, ident, '`');
        out.push('`');
    }

    /// MySQL reads backslash escapes in string literals unless the server runs with
    /// NO_BACKSLASH_ESCAPES ("String Literals"), so a backslash is doubled as well as a quote.
    fn quote_str(&self, out: &mut String, s: &str) {
        out.push('\'');
        for c in s.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
        }
        out.push('\'');
    }

    fn type_name(&self, ty: &SqlType, auto: bool) -> String {
        let unsigned = |u: &bool| if *u { " UNSIGNED" } else { "" };
        let mut name = match ty {
            SqlType::SmallInt { unsigned: u } => format!("smallint{}", unsigned(u)),
            SqlType::Int { unsigned: u } => format!("integer{}", unsigned(u)),
            SqlType::BigInt { unsigned: u } => format!("bigint{}", unsigned(u)),
            SqlType::Varchar(n) => format!("varchar({n})"),
            SqlType::Text => "longtext".into(),
            SqlType::Decimal { digits, places } => format!("numeric({digits}, {places})"),
            SqlType::Float => "double precision".into(),
            SqlType::Bool => "bool".into(),
            SqlType::Date => "date".into(),
            SqlType::DateTime => "datetime(6)".into(),
            SqlType::Time => "time(6)".into(),
            SqlType::Duration => "bigint".into(),
            SqlType::Uuid => "char(32)".into(),
            SqlType::Json => "json".into(),
            SqlType::Binary => "longblob".into(),
            SqlType::Inet(_) => "char(39)".into(),
        };
        if auto {
            name.push_str(" AUTO_INCREMENT");
        }
        name
    }

    fn literal(&self, out: &mut String, value: &Value, ty: &SqlType) {
        match value {
            // datetime(6) holds no offset: values are stored in UTC, as Django does.
            Value::DateTime(dt) => {
                self.quote_str(out, &format!("{} {}", dt.date, dt.time.format(6)))
            }
            Value::Time(t) => self.quote_str(out, &t.format(6)),
            _ => super::writer::default_literal(self, out, value, ty),
        }
    }

    /// The fractional-seconds precision of the function must match the column's
    /// ("Fractional Seconds in Time Values").
    fn func_name(&self, func: Func) -> &'static str {
        match func {
            Func::Length => "CHAR_LENGTH",
            Func::CurrentTimestamp => "CURRENT_TIMESTAMP(6)",
            Func::CurrentTime => "CURRENT_TIME(6)",
            _ => func.name(),
        }
    }

    /// Only CURRENT_TIMESTAMP may be a bare default, and only of a datetime; every other
    /// expression default goes in parentheses ("Data Type Default Values").
    fn column_default(&self, w: &mut SqlWriter<'_>, default: &ColumnDefault, ty: &SqlType) {
        if let ColumnDefault::Expr(e) = default {
            if let SqlExprKind::Portable(expr) = &e.kind {
                let bare_now = matches!(&expr.kind, ExprKind::Call(Func::CurrentTimestamp, args) if args.is_empty())
                    && *ty == SqlType::DateTime;
                let literal = matches!(
                    expr.kind,
                    ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null
                ) && !ty.is_large();
                if !bare_now && !literal {
                    w.push("(");
                    w.expr(expr);
                    w.push(")");
                    return;
                }
            }
        }
        super::writer::default_column_default(w, default, ty);
    }

    /// MySQL compares strings with the column's collation, which ignores case, trailing
    /// spaces and accents (`utf8mb4_general_ci`: 'DR' = 'dr', 'é' = 'e'), so a choices check
    /// would let near misses in. A binary string compares byte for byte ("The BINARY
    /// Operator", "Cast Functions and Operators").
    fn exact(&self, w: &mut SqlWriter<'_>, column: &str) {
        w.push("CAST(");
        w.ident(column);
        w.push(" AS BINARY)");
    }

    /// `MODIFY COLUMN` restates the whole column: type, null, default, auto-increment and
    /// comment. NULLs are filled first by the planner when the column becomes NOT NULL.
    fn alter_column(
        &self,
        w: &mut SqlWriter<'_>,
        table: &str,
        _old: &super::ColumnDef,
        new: &super::ColumnDef,
    ) {
        w.alter_table(table);
        w.push("MODIFY COLUMN ");
        w.column_alone(new);
        w.push(";\n");
    }

    /// MariaDB's `json` is `longtext` with a column CHECK (json_valid(...)) named after the
    /// column, which RENAME COLUMN leaves under the old name: a JSON column is renamed with
    /// CHANGE COLUMN and its definition restated, which names the check as a new column's.
    fn rename_column(
        &self,
        w: &mut SqlWriter<'_>,
        table: &str,
        from: &str,
        to: &str,
        column: &super::ColumnDef,
    ) {
        w.alter_table(table);
        if column.ty == super::SqlType::Json {
            w.push("CHANGE COLUMN ");
            w.ident(from);
            w.push(" ");
            w.column_alone(column);
        } else {
            w.push("RENAME COLUMN ");
            w.ident(from);
            w.push(" TO ");
            w.ident(to);
        }
    }

    /// A unique constraint is an index in MySQL; a check is a constraint.
    fn drop_constraint(&self, w: &mut SqlWriter<'_>, table: &str, c: &super::TableConstraint) {
        w.alter_table(table);
        match c {
            super::TableConstraint::Unique { .. } => w.push("DROP INDEX "),
            _ => w.push("DROP CONSTRAINT "),
        }
        w.ident(c.name());
    }

    /// Index names are per table: `DROP INDEX "i" ON "t"`.
    fn drop_index(&self, w: &mut SqlWriter<'_>, table: &str, name: &str) {
        w.push("DROP INDEX ");
        w.ident(name);
        w.push(" ON ");
        w.ident(table);
    }

    fn rename_index(&self, w: &mut SqlWriter<'_>, table: &str, from: &str, to: &str) {
        w.alter_table(table);
        w.push("RENAME INDEX ");
        w.ident(from);
        w.push(" TO ");
        w.ident(to);
    }

    fn drop_foreign_key(&self, w: &mut SqlWriter<'_>, table: &str, name: &str) {
        w.alter_table(table);
        w.push("DROP FOREIGN KEY ");
        w.ident(name);
    }

    fn drop_primary_key(&self, w: &mut SqlWriter<'_>, table: &str, _name: &str) {
        w.alter_table(table);
        w.push("DROP PRIMARY KEY");
    }

    /// `ALTER TABLE "t" COMMENT = '...'`; an empty comment removes it.
    fn table_comment(&self, w: &mut SqlWriter<'_>, table: &str, comment: Option<&str>) {
        w.alter_table(table);
        w.push("COMMENT = ");
        w.string(comment.unwrap_or(""));
    }

    /// InnoDB enforces foreign keys; utf8mb4 stores all of Unicode.
    fn table_options(&self, w: &mut SqlWriter<'_>, table: &CreateTable) {
        w.push(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        if let Some(comment) = &table.comment {
            w.push(" COMMENT=");
            w.string(comment);
        }
    }
}
