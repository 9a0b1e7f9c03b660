//! DDL: typed statements planned from a validated schema, rendered per dialect.
//!
//! `plan` turns the IR into [`Statement`]s for one dialect (names, types, constraints); the
//! [`SqlWriter`] renders them, quoting every identifier and escaping every literal through the
//! [`Dialect`]. Each dialect module overrides only what differs from the defaults here, and
//! what a dialect can and cannot do lives in its [`Capabilities`], which validation reads too.
//! Compilation is pure: the same schema gives the same bytes.

pub mod alter;
mod capabilities;
pub mod mysql;
pub mod order;
mod plan;
pub mod postgres;
pub mod sqlite;
mod statement;
mod types;
mod writer;

pub use capabilities::{Capabilities, CommentSupport};
pub use mysql::MySql;
pub use plan::{Planner, TablePlan, TableSource, model_table_sources, plan, table_sources};
pub use postgres::Postgres;
pub use sqlite::Sqlite;
pub use statement::{
    AddForeignKey, ColumnDef, ColumnDefault, ColumnKey, CreateIndex, CreateTable, ForeignKeyRef,
    Ident, SqlType, Statement, TableConstraint, TableKey,
};
pub use types::column_type;
pub use writer::SqlWriter;

use crate::ir::{DialectName, Expr, Func, Schema, Value};

/// What differs between SQL dialects. Defaults follow PostgreSQL and the SQL standard;
/// each dialect overrides what it does differently.
pub trait Dialect: Sync {
    fn name(&self) -> DialectName;

    fn caps(&self) -> &'static Capabilities;

    /// Appends `ident` quoted. Defaults to standard double quotes, doubled inside.
    fn quote_ident(&self, out: &mut String, ident: &str) {
        out.push('"');
        push_doubling(out, ident, '"');
        out.push('"');
    }

    /// Appends `s` as a string literal. Defaults to the standard: single quotes, doubled
    /// inside; every other character stands for itself.
    fn quote_str(&self, out: &mut String, s: &str) {
        out.push('\'');
        push_doubling(out, s, '\'');
        out.push('\'');
    }

    /// The column type, as written in CREATE TABLE. `auto` marks an auto-increment key.
    fn type_name(&self, ty: &SqlType, auto: bool) -> String;

    /// Appends a literal of a column of type `ty` (a default value, a choice code).
    fn literal(&self, out: &mut String, value: &Value, ty: &SqlType) {
        writer::default_literal(self, out, value, ty);
    }

    /// Appends a boolean literal.
    fn bool_literal(&self, out: &mut String, b: bool) {
        out.push_str(if b { "TRUE" } else { "FALSE" });
    }

    /// The SQL name of a portable function.
    fn func_name(&self, func: Func) -> &'static str {
        match func {
            Func::Length => "char_length",
            _ => func.name(),
        }
    }

    /// Appends `e` so that comparing it with string literals is exact (byte for byte).
    /// Defaults to `e` itself: PostgreSQL and SQLite compare strings exactly unless told
    /// otherwise.
    fn exact(&self, w: &mut SqlWriter<'_>, column: &str) {
        w.ident(column);
    }

    /// Text that follows the column definition of an auto-increment primary key
    /// (PostgreSQL's identity, SQLite's AUTOINCREMENT). Empty by default.
    fn auto_suffix(&self) -> &'static str {
        ""
    }

    /// Table options after the closing parenthesis of CREATE TABLE.
    fn table_options(&self, _w: &mut SqlWriter<'_>, _table: &CreateTable) {}

    /// Appends a column default. Expressions other than bare literals are parenthesised,
    /// which every dialect accepts.
    fn column_default(&self, w: &mut SqlWriter<'_>, default: &ColumnDefault, ty: &SqlType) {
        writer::default_column_default(w, default, ty);
    }

    // What follows renders changes of an existing schema (migrations). The defaults are
    // PostgreSQL's; a dialect that cannot do a change in place never receives it (the
    // migration planner rebuilds the table instead, see `Capabilities::alter_column`).

    /// Text after `DROP TABLE "t"`. None by default: foreign keys to the table are dropped
    /// before it.
    fn drop_table_suffix(&self, _w: &mut SqlWriter<'_>) {}

    /// `ALTER TABLE "a" RENAME TO "b"` (PostgreSQL, SQLite, MySQL alike).
    fn rename_table(&self, w: &mut SqlWriter<'_>, from: &str, to: &str) {
        w.alter_table(from);
        w.push("RENAME TO ");
        w.ident(to);
    }

    /// Statements after an UPDATE of a migration (NULLs filled before NOT NULL). None by
    /// default; PostgreSQL runs the deferred foreign key checks the update queued, else a
    /// later ALTER TABLE of the table in the same transaction fails with "pending trigger
    /// events" (Django does the same).
    fn after_update(&self, _w: &mut SqlWriter<'_>) {}

    /// `ALTER TABLE "t" RENAME COLUMN "a" TO "b"`; `column` is its definition under the new
    /// name, for a dialect that must restate it.
    fn rename_column(
        &self,
        w: &mut SqlWriter<'_>,
        table: &str,
        from: &str,
        to: &str,
        _column: &ColumnDef,
    ) {
        w.alter_table(table);
        w.push("RENAME COLUMN ");
        w.ident(from);
        w.push(" TO ");
        w.ident(to);
    }

    /// Changes a column from `old` to `new` (same name). PostgreSQL: one ALTER COLUMN per
    /// changed property; the default is dropped around a type change, which could not cast it.
    fn alter_column(&self, w: &mut SqlWriter<'_>, table: &str, old: &ColumnDef, new: &ColumnDef) {
        writer::postgres_alter_column(w, table, old, new);
    }

    /// Drops a unique or check constraint.
    fn drop_constraint(&self, w: &mut SqlWriter<'_>, table: &str, c: &TableConstraint) {
        w.alter_table(table);
        w.push("DROP CONSTRAINT ");
        w.ident(c.name());
    }

    /// `DROP INDEX "i"`: index names are schema-wide (PostgreSQL, SQLite).
    fn drop_index(&self, w: &mut SqlWriter<'_>, _table: &str, name: &str) {
        w.push("DROP INDEX ");
        w.ident(name);
    }

    /// `ALTER INDEX "a" RENAME TO "b"` (PostgreSQL).
    fn rename_index(&self, w: &mut SqlWriter<'_>, _table: &str, from: &str, to: &str) {
        w.push("ALTER INDEX ");
        w.ident(from);
        w.push(" RENAME TO ");
        w.ident(to);
    }

    fn drop_foreign_key(&self, w: &mut SqlWriter<'_>, table: &str, name: &str) {
        w.alter_table(table);
        w.push("DROP CONSTRAINT ");
        w.ident(name);
    }

    fn drop_primary_key(&self, w: &mut SqlWriter<'_>, table: &str, name: &str) {
        w.alter_table(table);
        w.push("DROP CONSTRAINT ");
        w.ident(name);
    }

    /// The name the database gives a table's primary key constraint, where migrations must
    /// know it: PostgreSQL's `<table>_pkey`. `None` where it is fixed (MySQL's PRIMARY) or
    /// never needed (SQLite rebuilds).
    fn primary_key_name(&self, table: &str) -> Option<String> {
        let _ = table;
        None
    }

    /// Sets or removes a table comment. PostgreSQL: `COMMENT ON TABLE`.
    fn table_comment(&self, w: &mut SqlWriter<'_>, table: &str, comment: Option<&str>) {
        w.push("COMMENT ON TABLE ");
        w.ident(table);
        w.push(" IS ");
        match comment {
            Some(c) => w.string(c),
            None => w.push("NULL"),
        }
    }

    /// Opens a script that manages its own transaction (see `alter::Script`).
    fn begin_own_transaction(&self, w: &mut SqlWriter<'_>) {
        w.push("BEGIN;\n");
    }

    /// Closes what [`Dialect::begin_own_transaction`] opened.
    fn end_own_transaction(&self, w: &mut SqlWriter<'_>) {
        w.push("COMMIT;\n");
    }
}

/// Appends `s` with every `quote` doubled (the quoting rule of SQL identifiers and strings),
/// copying the runs between quotes whole.
pub(crate) fn push_doubling(out: &mut String, s: &str, quote: char) {
    let mut rest = s;
    while let Some(i) = rest.find(quote) {
        let end = i + quote.len_utf8();
        out.push_str(&rest[..end]);
        out.push(quote);
        rest = &rest[end..];
    }
    out.push_str(rest);
}

static POSTGRES: Postgres = Postgres;
static MYSQL: MySql = MySql;
static SQLITE: Sqlite = Sqlite;

/// The dialect implementation for `name`.
pub fn dialect_for(name: DialectName) -> &'static dyn Dialect {
    match name {
        DialectName::Postgres => &POSTGRES,
        DialectName::MySql => &MYSQL,
        DialectName::Sqlite => &SQLITE,
    }
}

/// Whether a blank line goes before `s`, which follows `prev`: before each table, and
/// before the foreign keys that follow the tables.
fn blank_before(prev: Option<&Statement>, s: &Statement) -> bool {
    match (prev, s) {
        (None, _) => false,
        (Some(_), Statement::CreateTable(_)) => true,
        (Some(p), Statement::AddForeignKey(_)) => !matches!(p, Statement::AddForeignKey(_)),
        _ => false,
    }
}

/// Renders `statements` as one SQL script: each statement ends with `;` and a newline, with
/// a blank line before each table and before the foreign keys.
pub fn render(statements: &[Statement], dialect: &dyn Dialect) -> String {
    let mut w = SqlWriter::new(dialect);
    let mut prev = None;
    for s in statements {
        if blank_before(prev, s) {
            w.push("\n");
        }
        w.statement(s);
        w.push(";\n");
        prev = Some(s);
    }
    w.finish()
}

/// Writes the DDL creating every managed table of a validated schema to `out`, table by
/// table, holding no more than one table's plan and text at a time. The text is that of
/// [`render`]`(&`[`plan`]`(..))`.
pub fn write_schema(
    schema: &Schema,
    dialect: DialectName,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_schemas(schema, &mut [(dialect, out)])
}

/// [`write_schema`] for several dialects at once, in one pass over the models: each table is
/// planned and written for every dialect while its model is at hand.
pub fn write_schemas(
    schema: &Schema,
    outs: &mut [(DialectName, &mut dyn std::io::Write)],
) -> std::io::Result<()> {
    let sources = table_sources(schema);
    let mut writers: Vec<(Planner, SqlWriter, bool)> = outs
        .iter()
        .map(|(d, _)| {
            let d = dialect_for(*d);
            (Planner::new(schema, d), SqlWriter::new(d), false)
        })
        .collect();
    for &source in &sources {
        for ((planner, w, wrote_any), (_, out)) in writers.iter_mut().zip(outs.iter_mut()) {
            let Some(t) = planner.table(source) else {
                continue;
            };
            if *wrote_any {
                w.push("\n");
            }
            *wrote_any = true;
            w.statement(&Statement::CreateTable(t.table));
            w.push(";\n");
            for c in &t.comments {
                w.statement(c);
                w.push(";\n");
            }
            for i in t.indexes {
                w.statement(&Statement::CreateIndex(i));
                w.push(";\n");
            }
            out.write_all(w.take().as_bytes())?;
        }
    }
    for ((planner, w, wrote_any), (_, out)) in writers.iter_mut().zip(outs.iter_mut()) {
        let mut first_fk = true;
        for &source in &sources {
            for fk in planner.foreign_keys(source) {
                if first_fk && *wrote_any {
                    w.push("\n");
                }
                first_fk = false;
                w.statement(&Statement::AddForeignKey(fk));
                w.push(";\n");
            }
            out.write_all(w.take().as_bytes())?;
        }
    }
    Ok(())
}

/// DDL creating every managed table of a validated schema, for one dialect.
pub fn schema_sql(schema: &Schema, dialect: DialectName) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_schema(schema, dialect, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Renders one expression (already resolved to column names) for `dialect`.
pub fn expr_sql(expr: &Expr, dialect: &dyn Dialect) -> String {
    let mut w = SqlWriter::new(dialect);
    w.expr(expr);
    w.finish()
}
