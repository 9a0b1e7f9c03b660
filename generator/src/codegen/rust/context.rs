//! What the templates see: per model, its struct's fields, its `New` struct's fields, its
//! choices enums and the pieces of its repository, with every SQL statement already written
//! (identifiers quoted, literals escaped by the dialect) as a Rust string literal, and every
//! user-written text (docs, labels, codes) as an escaped Rust literal. Templates only arrange
//! these pieces; nothing they receive can break out of a literal or an identifier.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde::Serialize;

use crate::ddl::{Dialect, SqlType, column_type};
use crate::diagnostics::Diagnostic;
use crate::ir::{DefaultFn, DialectName, Field, FieldType, Model, OnDelete, Schema, Value};

use super::types::{RustType, Wire, code_type, ident, rust_type};

/// A Rust string literal of `s` (quotes and escapes included): quotes and backslashes
/// escaped, control characters as escapes (a bare carriage return is not allowed in a
/// literal), the rest as it is. (`format!("{s:?}")` gives a valid literal too, at three
/// times the cost; literals are a fifth of the generated code.)
pub fn lit(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + s.len() / 8 + 2);
    out.push('"');
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\0' => "\\0",
            c if c.is_control() => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        plain = i + c.len_utf8();
    }
    out.push_str(&s[plain..]);
    out.push('"');
    out
}

/// The largest number of bind parameters one statement may carry on each database.
pub fn bind_limit(d: DialectName) -> usize {
    match d {
        DialectName::Postgres | DialectName::MySql => 65_535,
        // SQLITE_MAX_VARIABLE_NUMBER's default since SQLite 3.32.
        DialectName::Sqlite => 32_766,
    }
}

#[derive(Debug, Serialize)]
pub struct FileCtx {
    pub dialect: &'static str,
    /// `sqlx::Postgres`, ...
    pub db: &'static str,
    /// `sqlx::postgres::PgRow`, ...
    pub row: &'static str,
    /// Names of the `modelc_wire` newtypes the models use.
    pub wires: Vec<&'static str>,
    /// MySQL: whether `insert_many` measures JSON values (`modelc_size::json`).
    pub json_size: bool,
    pub models: Vec<String>,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ModelCtx {
    pub name: String,
    pub new_name: String,
    pub table_lit: String,
    pub dialect: &'static str,
    pub db: &'static str,
    pub row: &'static str,
    /// `#[doc = "..."]` lines of the struct.
    pub docs: Vec<String>,
    pub fields: Vec<FieldCtx>,
    pub new_fields: Vec<NewFieldCtx>,
    pub enums: Vec<EnumCtx>,
    pub pk: PkCtx,
    /// `let` statements that make the values an insert needs (timestamps, default_fn).
    pub insert_lets: Vec<String>,
    /// `let` statements of `insert_many`, made once for every row.
    pub insert_many_lets: Vec<String>,
    /// `let` statements of `insert_many`, made for each row (`new` is the row).
    pub insert_row_lets: Vec<String>,
    pub insert: InsertCtx,
    pub select_lit: String,
    pub get_lit: String,
    pub list_lit: String,
    pub count_lit: String,
    pub delete_lit: String,
    pub update: Option<UpdateCtx>,
    pub fks: Vec<FkCtx>,
    pub m2ms: Vec<M2mCtx>,
    /// MySQL's emulation of `on_delete = "set_default"`, when deleting a row of this model
    /// reaches such a relation (directly or through CASCADE).
    pub set_defaults: Option<SetDefaultsCtx>,
}

/// MySQL has no `ON DELETE SET DEFAULT` (InnoDB rejects it), so the DDL leaves the clause out
/// and the repository's `delete` gives the rows their default first, in its transaction:
/// those pointing at the row, and those pointing at the rows its delete cascades to.
#[derive(Debug, Serialize)]
pub struct SetDefaultsCtx {
    /// The key's type, owned (`String` for a string key).
    pub key_ty: String,
    /// The expression binding the parameter `key`.
    pub bind_key: String,
    /// `self`'s key as `key_ty`.
    pub self_key: String,
    /// `UPDATE` statements setting the default of the rows that point at the row; each
    /// binds the key once.
    pub updates: Vec<String>,
    /// The models the delete cascades to whose deletes set defaults in turn.
    pub cascades: Vec<CascadeCtx>,
}

/// Rows that a delete cascades to, whose own deletes set defaults.
#[derive(Debug, Serialize)]
pub struct CascadeCtx {
    pub model: String,
    /// `SELECT` of their keys; binds the deleted row's key once.
    pub select_lit: String,
    /// The type `query_scalar` reads a key as (the key's type, or its `modelc_wire` type).
    pub decode_ty: String,
    /// The key from the value read, `k`.
    pub key_expr: String,
}

/// The relations that MySQL's emulation of SET DEFAULT follows, found once per schema.
#[derive(Debug, Default)]
pub struct SetDefaultPlan {
    /// Per model index: whether deleting one of its rows reaches a set_default relation.
    needed: Vec<bool>,
    /// Per target model index: `(child model, child column field)` of the set_default
    /// relations pointing at it.
    set_default: Vec<Vec<(usize, usize)>>,
    /// Per target model index: the CASCADE relations pointing at it.
    cascade: Vec<Vec<(usize, usize)>>,
}

impl SetDefaultPlan {
    /// Reads the relations of `schema` carried out by the database (those with a
    /// constraint); empty unless `d` is MySQL.
    pub fn new(schema: &Schema, d: DialectName) -> Self {
        let n = schema.models.len();
        let mut plan = SetDefaultPlan {
            needed: vec![false; n],
            set_default: vec![Vec::new(); n],
            cascade: vec![Vec::new(); n],
        };
        if d != DialectName::MySql {
            return plan;
        }
        for (ci, child) in schema.models.iter().enumerate() {
            if !child.has_table() {
                continue;
            }
            for (fi, f) in child.fields.iter().enumerate() {
                let Some(rel) = f.relation.as_ref().filter(|_| f.has_column()) else {
                    continue;
                };
                let Some((ti, _)) = rel.target.filter(|_| rel.db_constraint) else {
                    continue;
                };
                match rel.on_delete {
                    Some(OnDelete::SetDefault) if f.default.is_some() => {
                        plan.set_default[ti].push((ci, fi));
                        plan.needed[ti] = true;
                    }
                    Some(OnDelete::Cascade) => plan.cascade[ti].push((ci, fi)),
                    _ => {}
                }
            }
        }
        // A model needs it when a model it cascades to does.
        let mut changed = true;
        while changed {
            changed = false;
            for t in 0..n {
                if !plan.needed[t] && plan.cascade[t].iter().any(|&(c, _)| plan.needed[c]) {
                    plan.needed[t] = true;
                    changed = true;
                }
            }
        }
        plan
    }
}

#[derive(Debug, Serialize)]
pub struct FieldCtx {
    pub name: String,
    /// The type, `Option<...>` for a nullable column.
    pub ty: String,
    pub column_lit: String,
    /// The expression that reads the field from `row`.
    pub decode: String,
    pub docs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct NewFieldCtx {
    pub name: String,
    pub ty: String,
    pub docs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PkCtx {
    pub name: String,
    pub ty: String,
    /// The parameter type of `get` (`&str` for a string key).
    pub arg_ty: String,
    /// The expression that binds the parameter `pk`.
    pub bind_arg: String,
    /// The expression that binds `self`'s key.
    pub bind_self: String,
    /// Whether the database makes the key (auto-increment).
    pub auto: bool,
    /// MySQL: the conversion of `last_insert_id()` (u64) into the key's type.
    pub from_last_insert_id: String,
    /// MySQL, a key the caller gives: the expression of the key just inserted.
    pub inserted: String,
}

#[derive(Debug, Serialize)]
pub struct InsertCtx {
    /// PostgreSQL and SQLite: `INSERT ... RETURNING`; MySQL: the bare INSERT.
    pub sql_lit: String,
    /// The expressions bound, in order.
    pub binds: Vec<String>,
    /// `insert_many`: the statement's head (`INSERT INTO t (a, b) `).
    pub head_lit: String,
    /// The expressions bound for each row of `insert_many`.
    pub row_binds: Vec<String>,
    /// Rows per statement under the dialect's bind limit.
    pub chunk: usize,
    /// MySQL, a model with fields of variable size (text, bytes, JSON): the expressions of
    /// their sizes in a row `new`, for `insert_many` to keep each statement under
    /// `max_allowed_packet`. Empty otherwise (a statement of fixed-size values stays far
    /// under it).
    pub row_bytes: Vec<String>,
    /// MySQL: the bytes counted for each row besides `row_bytes` (a bound value's type,
    /// length and fixed-size data).
    pub fixed_bytes: usize,
}

/// Bytes counted per bound value in a MySQL statement besides its variable-size data: its
/// type, a length prefix, and fixed-size data up to a decimal's text.
const MYSQL_VALUE_BYTES: usize = 48;

#[derive(Debug, Serialize)]
pub struct UpdateCtx {
    pub sql_lit: String,
    /// `self.x = ...;` statements (auto_now).
    pub sets: Vec<String>,
    pub binds: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FkCtx {
    /// The relation's name (`collection`).
    pub name: String,
    /// The struct field holding the key (`collection_id`).
    pub field: String,
    pub target: String,
    pub nullable: bool,
    /// Parameter type of `filter_by_<name>`.
    pub arg_ty: String,
    pub bind_arg: String,
    /// The expression binding the key of `self` (non-null: the value; nullable: unwrapped
    /// in the template).
    pub bind_self: String,
    pub filter_lit: String,
    pub fetch_lit: String,
}

#[derive(Debug, Serialize)]
pub struct M2mCtx {
    pub name: String,
    pub target: String,
    /// Type of one target key in `add_`/`remove_`.
    pub target_ty: String,
    /// Expression binding one target key `id` (a reference into the slice).
    pub bind_target: String,
    /// Whether the table is automatic (add and remove are generated only then).
    pub auto: bool,
    /// A symmetrical relation to the model itself (Django's default for a many-to-many to
    /// `self`): each link is stored both ways, so add and remove write both.
    pub symmetrical: bool,
    pub list_lit: String,
    /// PostgreSQL and SQLite: `INSERT INTO t (from, to) ` before the values. MySQL: the
    /// head of an `INSERT ... SELECT` from a derived table of the pairs (`UNION` drops the
    /// duplicates), each pair aliased `modelc_from`, `modelc_to`.
    pub add_head_lit: String,
    /// PostgreSQL and SQLite: `ON CONFLICT DO NOTHING`. MySQL: closes the derived table
    /// and keeps the pairs already linked out, so the rows affected are the links added
    /// (`ON DUPLICATE KEY UPDATE` alone counts a kept link as affected, sqlx setting
    /// CLIENT_FOUND_ROWS).
    pub add_tail_lit: String,
    /// `DELETE FROM t WHERE from = ` (`(from = ` when symmetrical).
    pub remove_head_lit: String,
    /// ` AND to IN (`.
    pub remove_tail_lit: String,
    /// Symmetrical: `) OR (to = ` and ` AND from IN (`, the links stored the other way.
    pub remove_back_head_lit: String,
    pub remove_back_tail_lit: String,
}

/// The statements of one automatic many-to-many table.
struct M2mSql {
    list: String,
    auto: bool,
    symmetrical: bool,
    add_head: String,
    add_tail: String,
    remove_head: String,
    remove_tail: String,
    remove_back_head: String,
    remove_back_tail: String,
}

#[derive(Debug, Serialize)]
pub struct EnumCtx {
    pub name: String,
    /// `&'static str`, `i32`, ...
    pub code_ty: String,
    pub string_codes: bool,
    pub variants: Vec<VariantCtx>,
    /// `Model.field`, for error messages.
    pub field_lit: String,
    pub doc_lit: String,
    pub db: &'static str,
}

#[derive(Debug, Serialize)]
pub struct VariantCtx {
    pub name: String,
    /// The code as a Rust literal of `code_ty`.
    pub code: String,
    /// The code as a Rust string literal (Display, FromStr).
    pub code_str: String,
    pub label_lit: String,
}

/// Writes SQL for one dialect: quoted identifiers and numbered or plain placeholders.
struct Sql<'d> {
    d: &'d dyn Dialect,
}

impl<'d> Sql<'d> {
    pub fn new(d: &'d dyn Dialect) -> Self {
        Sql { d }
    }

    pub fn q(&self, ident: &str) -> String {
        let mut out = String::new();
        self.d.quote_ident(&mut out, ident);
        out
    }

    /// The `n`th placeholder (from 1).
    pub fn p(&self, n: usize) -> String {
        match self.d.name() {
            DialectName::Postgres => format!("${n}"),
            _ => "?".into(),
        }
    }

    fn literal(&self, value: &Value, ty: &SqlType) -> String {
        let mut out = String::new();
        self.d.literal(&mut out, value, ty);
        out
    }
}

fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| format!("#[doc = {}]", lit(&format!(" {l}"))))
        .collect()
}

/// How the struct's fields are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldNames {
    /// The column's attribute name (`collection_id` for a relation, as Django's `attname`):
    /// the generated structs.
    Attname,
    /// The field's name (`collection`): a `#[derive(Model)]` struct, whose fields are the
    /// user's.
    Field,
}

impl FieldNames {
    /// The name of field `f` in the struct, as a Rust identifier.
    pub fn of(self, f: &Field) -> String {
        if f.ty.is_fk() && self == FieldNames::Attname {
            ident(&format!("{}_id", f.name.text))
        } else {
            ident(&f.name.text)
        }
    }
}

/// Whether the database or the repository fills the field, so `New` structs leave it out.
fn filled(f: &Field) -> bool {
    (f.primary_key && f.ty.is_auto()) || f.auto_now || f.auto_now_add
}

/// The expression binding `expr` (a place of type `rt`, `Option` when `null`).
fn bind_expr(rt: &RustType, null: bool, expr: &str) -> String {
    match (rt.wire, null) {
        (Some(w), false) => format!("modelc_wire::{}({expr})", w.name()),
        (Some(w), true) => format!("{expr}.map(modelc_wire::{})", w.name()),
        (None, _) if rt.copy => expr.to_string(),
        (None, _) => format!("&{expr}"),
    }
}

fn decode_expr(rt: &RustType, null: bool, column: &str, enum_ty: Option<&str>) -> String {
    let c = lit(column);
    match (rt.wire, enum_ty) {
        (_, Some(e)) if null => format!("row.try_get::<Option<{e}>, _>({c})?"),
        (_, Some(e)) => format!("row.try_get::<{e}, _>({c})?"),
        (Some(w), _) if null => format!(
            "row.try_get::<Option<modelc_wire::{}>, _>({c})?.map(|w| w.0)",
            w.name()
        ),
        (Some(w), _) => format!("row.try_get::<modelc_wire::{}, _>({c})?.0", w.name()),
        (None, _) => format!("row.try_get({c})?"),
    }
}

/// A Rust identifier for a choice's variant: its `name`, else its label in UpperCamelCase.
fn variant_name(name: Option<&str>, label: &str, code: &Value) -> String {
    let base = name.map_or_else(|| label.to_upper_camel_case(), str::to_string);
    let clean: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let clean = clean.to_upper_camel_case();
    if clean.is_empty() || clean.starts_with(|c: char| c.is_ascii_digit()) {
        let code: String = code
            .to_string()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        return format!("V{clean}{code}");
    }
    if clean == "Self" {
        "Self_".into()
    } else {
        clean
    }
}

fn db_names(d: DialectName) -> (&'static str, &'static str) {
    match d {
        DialectName::Postgres => ("sqlx::Postgres", "sqlx::postgres::PgRow"),
        DialectName::MySql => ("sqlx::MySql", "sqlx::mysql::MySqlRow"),
        DialectName::Sqlite => ("sqlx::Sqlite", "sqlx::sqlite::SqliteRow"),
    }
}

/// What the file's head needs to know of the models, gathered as they are rendered.
#[derive(Debug, Default)]
pub struct Uses {
    pub wires: BTreeSet<Wire>,
    pub json_size: bool,
    pub models: Vec<String>,
}

impl Uses {
    /// Notes what `m` (built with `self.wires`) uses.
    pub fn add(&mut self, m: &ModelCtx) {
        self.json_size |= m
            .insert
            .row_bytes
            .iter()
            .any(|b| b.contains("modelc_size::json"));
        self.models.push(m.name.clone());
    }

    /// The uses of the models of `self`, then of `other`.
    pub fn merge(&mut self, other: Uses) {
        self.wires.extend(other.wires);
        self.json_size |= other.json_size;
        self.models.extend(other.models);
    }
}

pub fn file(d: DialectName, uses: &Uses) -> FileCtx {
    let (db, row) = db_names(d);
    FileCtx {
        dialect: d.as_str(),
        db,
        row,
        wires: uses.wires.iter().map(|w| w.name()).collect(),
        json_size: uses.json_size,
        models: uses.models.clone(),
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// The model that declares each choices enum, by the enum's name: the first (in the order
/// of the models) of those whose fields use it, as several may (`choices = Status` on fields
/// of several structs, or one `choices_enum` named twice).
pub fn enum_owners(schema: &Schema) -> std::collections::HashMap<String, String> {
    let mut owners = std::collections::HashMap::new();
    for m in schema.models.iter().filter(|m| m.has_table()) {
        for f in m.fields.iter().filter(|f| f.choices.is_some()) {
            owners
                .entry(enum_name(m, f))
                .or_insert_with(|| m.name.text.to_string());
        }
    }
    owners
}

/// The enum name of a choices field.
fn enum_name(m: &Model, f: &Field) -> String {
    match f.choices.as_ref().and_then(|c| c.enum_name.as_ref()) {
        Some(n) => n.text.to_string(),
        None => format!("{}{}", m.name.text, f.name.text.to_upper_camel_case()),
    }
}

/// The context of model `m` of `schema` (one with a table) for dialect `d`; the wire
/// newtypes its fields use are added to `wires`.
pub fn model(
    schema: &Schema,
    m: &Model,
    d: &dyn Dialect,
    plan: &SetDefaultPlan,
    wires: &mut BTreeSet<Wire>,
    names: FieldNames,
) -> Result<ModelCtx, Vec<Diagnostic>> {
    let attr_name = |f: &Field| names.of(f);
    let dialect = d.name();
    let (db, row) = db_names(dialect);
    let sql = Sql::new(d);
    let table = sql.q(&m.db_table);
    let mut errors = Vec::new();
    let mut docs = Vec::new();
    if let Some(v) = &m.meta.verbose_name {
        docs.extend(doc_lines(v));
    }
    if let Some(c) = &m.meta.db_comment {
        docs.extend(doc_lines(c));
    }
    docs.extend(doc_lines(&format!("Table `{}`.", m.db_table)));

    let columns: Vec<&Field> = m.columns().collect();
    let mut fields = Vec::new();
    let mut new_fields = Vec::new();
    let mut enums = Vec::new();
    // Per column: (rust type, field type string without Option, enum name)
    let mut types: Vec<(RustType, Option<String>)> = Vec::new();
    for f in &columns {
        let rt = rust_type(schema, f, d);
        if let Some(w) = rt.wire {
            wires.insert(w);
        }
        let en = match &f.choices {
            Some(ch) if code_type(schema, f, d).is_some() => {
                let name = enum_name(m, f);
                let code_ty = code_type(schema, f, d).unwrap_or_default();
                let string_codes = f.ty.is_string();
                let mut variants: Vec<VariantCtx> = Vec::new();
                for c in &ch.items {
                    let vname = variant_name(c.name.as_deref(), &c.label, &c.value);
                    if let Some(prev) = variants.iter().find(|v| v.name == vname) {
                        errors.push(
                            Diagnostic::error(format!(
                                "two choices of `{}.{}` make the Rust variant `{vname}` of enum `{name}`",
                                m.name.text, f.name.text
                            ))
                            .at(c.span)
                            .label("this choice")
                            .help(format!(
                                "give one of them a variant name: {{ value = ..., label = ..., name = \"...\" }} (the other is the choice with code {})",
                                prev.code_str
                            )),
                        );
                        continue;
                    }
                    let code = match &c.value {
                        Value::Str(s) => lit(s),
                        Value::Int(i) => i.to_string(),
                        other => lit(&other.to_string()),
                    };
                    let code_str = match &c.value {
                        Value::Str(s) => lit(s),
                        other => lit(&other.to_string()),
                    };
                    variants.push(VariantCtx {
                        name: vname,
                        code,
                        code_str,
                        label_lit: lit(&c.label),
                    });
                }
                enums.push(EnumCtx {
                    name: name.clone(),
                    code_ty,
                    string_codes,
                    variants,
                    field_lit: lit(&format!("{}.{}", m.name.text, f.name.text)),
                    doc_lit: lit(&format!(
                        " The choices of `{}.{}`, stored as their codes.",
                        m.name.text, f.name.text
                    )),
                    db,
                });
                Some(name)
            }
            _ => None,
        };
        types.push((rt, en));
    }
    let field_ty = |i: usize| -> String {
        let (rt, en) = &types[i];
        let base = en.clone().unwrap_or_else(|| rt.ty.clone());
        if columns[i].null {
            format!("Option<{base}>")
        } else {
            base
        }
    };
    // An enum is Copy: bound by value.
    let rt_of = |i: usize| -> RustType {
        let (rt, en) = &types[i];
        match en {
            Some(e) => RustType {
                ty: e.clone(),
                wire: None,
                copy: true,
            },
            None => rt.clone(),
        }
    };
    for (i, f) in columns.iter().enumerate() {
        let mut fdocs = Vec::new();
        if let Some(docs) = &f.docs {
            if let Some(v) = &docs.verbose_name {
                fdocs.extend(doc_lines(v));
            }
            if let Some(h) = &docs.help_text {
                fdocs.extend(doc_lines(h));
            }
        }
        if let Some(c) = &f.db_comment {
            fdocs.extend(doc_lines(c));
        }
        let (rt, en) = &types[i];
        fields.push(FieldCtx {
            name: attr_name(f),
            ty: field_ty(i),
            column_lit: lit(&f.column),
            decode: decode_expr(rt, f.null, &f.column, en.as_deref()),
            docs: fdocs.clone(),
        });
        if !filled(f) {
            let ty = if f.default_fn.is_some() && !f.null {
                format!("Option<{}>", field_ty(i))
            } else {
                field_ty(i)
            };
            let mut docs = fdocs;
            if f.default_fn.is_some() {
                docs.extend(doc_lines(&format!(
                    "`None`: made on insert ({}).",
                    f.default_fn.map_or("", DefaultFn::as_str)
                )));
            }
            new_fields.push(NewFieldCtx {
                name: attr_name(f),
                ty,
                docs,
            });
        }
    }

    // The primary key.
    let Some(pk_field) = m.pk() else {
        return Err(vec![
            Diagnostic::error(format!(
                "model `{}` has no primary key, so no repository can be generated",
                m.name.text
            ))
            .at(m.name.span)
            .help("give it a primary key field"),
        ]);
    };
    let pk_i = columns
        .iter()
        .position(|f| std::ptr::eq(*f, pk_field))
        .unwrap_or(0);
    let pk_rt = rt_of(pk_i);
    let pk_name = attr_name(pk_field);
    let pk_is_string = pk_rt.ty == "String";
    let pk_arg_ty = if pk_is_string {
        "&str".to_string()
    } else {
        pk_rt.ty.clone()
    };
    let pk_auto = pk_field.ty.is_auto();
    let pk = PkCtx {
        name: pk_name.clone(),
        ty: pk_rt.ty.clone(),
        arg_ty: pk_arg_ty,
        bind_arg: if pk_is_string {
            "pk".into()
        } else {
            bind_expr(&pk_rt, false, "pk")
        },
        bind_self: bind_expr(&pk_rt, false, &format!("self.{pk_name}")),
        auto: pk_auto,
        from_last_insert_id: format!(
            "{}::try_from(done.last_insert_id()).map_err(|e| sqlx::Error::Decode(Box::new(e)))?",
            pk_rt.ty
        ),
        inserted: {
            let place = if pk_field.default_fn.is_some() {
                format!("{}_value", pk_name.trim_start_matches("r#"))
            } else {
                format!("new.{pk_name}")
            };
            if pk_is_string {
                format!("{place}.as_str()")
            } else {
                place
            }
        },
    };

    let cols_sql: Vec<String> = columns.iter().map(|f| sql.q(&f.column)).collect();
    let select = cols_sql.join(", ");
    let pk_col = sql.q(&pk_field.column);
    let order = order_by(m, &sql, &pk_col);

    // Insert: every column but an auto key.
    let mut insert_lets = Vec::new();
    let mut many_lets = Vec::new();
    let mut row_lets = Vec::new();
    let mut needs_now = false;
    let mut ins_cols = Vec::new();
    let mut binds = Vec::new();
    let mut row_binds = Vec::new();
    let mut row_bytes = Vec::new();
    for (i, f) in columns.iter().enumerate() {
        if f.primary_key && pk_auto {
            continue;
        }
        ins_cols.push(sql.q(&f.column));
        let name = attr_name(f);
        let rt = rt_of(i);
        if dialect == DialectName::MySql && types[i].1.is_none() {
            let size = match rt.ty.as_str() {
                "String" => Some("String::len"),
                "Vec<u8>" => Some("Vec::len"),
                "serde_json::Value" => Some("modelc_size::json"),
                _ => None,
            };
            row_bytes.extend(size.map(|len| match (f.null, len) {
                (true, len) => format!("new.{name}.as_ref().map_or(0, {len})"),
                (false, "modelc_size::json") => format!("modelc_size::json(&new.{name})"),
                (false, _) => format!("new.{name}.len()"),
            }));
        }
        let (value, row_value) = if f.auto_now || f.auto_now_add {
            needs_now = true;
            let v = if f.ty == FieldType::Date {
                "now.date_naive()"
            } else if f.ty == FieldType::Time {
                "now.time()"
            } else {
                "now"
            };
            let v = if f.null {
                format!("Some({v})")
            } else {
                v.to_string()
            };
            (v.clone(), v)
        } else if let Some(df) = f.default_fn.filter(|_| !f.null) {
            let local = format!("{}_value", name.trim_start_matches("r#"));
            let make = match df {
                DefaultFn::Uuid4 => format!("new.{name}.unwrap_or_else(uuid::Uuid::new_v4)"),
                DefaultFn::Now => {
                    needs_now = true;
                    format!("new.{name}.unwrap_or(now)")
                }
                DefaultFn::Today => {
                    needs_now = true;
                    format!("new.{name}.unwrap_or_else(|| now.date_naive())")
                }
            };
            let let_stmt = format!("let {local} = {make};");
            insert_lets.push(let_stmt.clone());
            row_lets.push(let_stmt);
            (local.clone(), local)
        } else {
            (format!("new.{name}"), format!("new.{name}"))
        };
        binds.push(bind_expr(&rt, f.null, &value));
        row_binds.push(bind_expr(&rt, f.null, &row_value));
    }
    if needs_now {
        let now =
            "let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);".to_string();
        insert_lets.insert(0, now.clone());
        many_lets.push(now);
    }
    let placeholders: Vec<String> = (1..=ins_cols.len()).map(|n| sql.p(n)).collect();
    let values = if ins_cols.is_empty() {
        match dialect {
            DialectName::MySql => "() VALUES ()".to_string(),
            _ => "DEFAULT VALUES".to_string(),
        }
    } else {
        format!(
            "({}) VALUES ({})",
            ins_cols.join(", "),
            placeholders.join(", ")
        )
    };
    let insert_sql = match dialect {
        DialectName::MySql => format!("INSERT INTO {table} {values}"),
        _ => format!("INSERT INTO {table} {values} RETURNING {select}"),
    };
    let head = format!("INSERT INTO {table} ({}) ", ins_cols.join(", "));
    let chunk = if ins_cols.is_empty() {
        1
    } else {
        (bind_limit(dialect) / ins_cols.len()).max(1)
    };

    // Update: every column but the key.
    let update = {
        let mut sets_sql = Vec::new();
        let mut sets = Vec::new();
        let mut ubinds = Vec::new();
        let mut now_needed = false;
        for (i, f) in columns.iter().enumerate() {
            if f.primary_key {
                continue;
            }
            let name = attr_name(f);
            if f.auto_now {
                now_needed = true;
                let v = if f.ty == FieldType::Date {
                    "now.date_naive()"
                } else if f.ty == FieldType::Time {
                    "now.time()"
                } else {
                    "now"
                };
                let v = if f.null {
                    format!("Some({v})")
                } else {
                    v.into()
                };
                sets.push(format!("self.{name} = {v};"));
            }
            sets_sql.push(format!(
                "{} = {}",
                sql.q(&f.column),
                sql.p(sets_sql.len() + 1)
            ));
            ubinds.push(bind_expr(&rt_of(i), f.null, &format!("self.{name}")));
        }
        if sets_sql.is_empty() {
            None
        } else {
            if now_needed {
                sets.insert(
                    0,
                    "let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);".into(),
                );
            }
            ubinds.push(pk.bind_self.clone());
            Some(UpdateCtx {
                sql_lit: lit(&format!(
                    "UPDATE {table} SET {} WHERE {pk_col} = {}",
                    sets_sql.join(", "),
                    sql.p(ubinds.len())
                )),
                sets,
                binds: ubinds,
            })
        }
    };

    // Foreign keys.
    let mut fks = Vec::new();
    for (i, f) in columns.iter().enumerate() {
        if !f.ty.is_fk() {
            continue;
        }
        let Some((target, target_field)) = schema.target(f) else {
            continue;
        };
        let rt = rt_of(i);
        // The key's own type, not a choices enum (relations have no choices in practice).
        let is_string = rt.ty == "String";
        let name = attr_name(f);
        let tcols: Vec<String> = target.columns().map(|c| sql.q(&c.column)).collect();
        let rel = f.name.text.to_string();
        fks.push(FkCtx {
            name: ident(&rel),
            field: name.clone(),
            target: target.name.text.to_string(),
            nullable: f.null,
            arg_ty: if is_string {
                "&str".into()
            } else {
                rt.ty.clone()
            },
            bind_arg: if is_string {
                "value".into()
            } else {
                bind_expr(&rt, false, "value")
            },
            bind_self: if f.null {
                if is_string {
                    "value.as_str()".into()
                } else {
                    bind_expr(&rt, false, "*value")
                }
            } else {
                bind_expr(&rt, false, &format!("self.{name}"))
            },
            filter_lit: lit(&format!(
                "SELECT {select} FROM {table} WHERE {} = {} ORDER BY {order}",
                sql.q(&f.column),
                sql.p(1)
            )),
            fetch_lit: lit(&format!(
                "SELECT {} FROM {} WHERE {} = {}",
                tcols.join(", "),
                sql.q(&target.db_table),
                sql.q(&target_field.column),
                sql.p(1)
            )),
        });
    }

    // Many-to-many.
    let mut m2ms = Vec::new();
    for f in m.fields.iter().filter(|f| f.ty == FieldType::ManyToMany) {
        let Some((target, target_pk)) = schema.target(f) else {
            continue;
        };
        let trt = rust_type(schema, target_pk, d);
        let tcols: Vec<String> = target
            .columns()
            .map(|c| format!("t.{}", sql.q(&c.column)))
            .collect();
        let torder: String = order_by(target, &sql, &sql.q(&target_pk.column))
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let name = f.name.text.to_string();
        let bind_target = if trt.copy {
            bind_expr(&trt, false, "*id")
        } else {
            "id".to_string()
        };
        let through = crate::ir::auto_through(schema, m, f);
        let statements = match &through {
            Some(t) => {
                let tt = sql.q(&t.table);
                let from = sql.q(&t.from_column);
                let to = sql.q(&t.to_column);
                let symmetrical = target.name.text == m.name.text
                    && f.relation
                        .as_ref()
                        .is_none_or(|r| r.symmetrical.unwrap_or(true));
                let (add_head, add_tail) = match dialect {
                    DialectName::MySql => (
                        format!(
                            "INSERT INTO {tt} ({from}, {to}) SELECT modelc_pairs.modelc_from, modelc_pairs.modelc_to FROM ("
                        ),
                        format!(
                            ") modelc_pairs WHERE NOT EXISTS (SELECT 1 FROM {tt} modelc_link WHERE modelc_link.{from} = modelc_pairs.modelc_from AND modelc_link.{to} = modelc_pairs.modelc_to) ON DUPLICATE KEY UPDATE {to} = {to}"
                        ),
                    ),
                    _ => (
                        format!("INSERT INTO {tt} ({from}, {to}) "),
                        " ON CONFLICT DO NOTHING".to_string(),
                    ),
                };
                M2mSql {
                    list: format!(
                        "SELECT {} FROM {} t JOIN {tt} x ON x.{to} = t.{} WHERE x.{from} = {} ORDER BY {torder}",
                        tcols.join(", "),
                        sql.q(&target.db_table),
                        sql.q(&target_pk.column),
                        sql.p(1)
                    ),
                    auto: true,
                    symmetrical,
                    add_head,
                    add_tail,
                    remove_head: if symmetrical {
                        format!("DELETE FROM {tt} WHERE ({from} = ")
                    } else {
                        format!("DELETE FROM {tt} WHERE {from} = ")
                    },
                    remove_tail: format!(" AND {to} IN ("),
                    remove_back_head: if symmetrical {
                        format!(") OR ({to} = ")
                    } else {
                        String::new()
                    },
                    remove_back_tail: if symmetrical {
                        format!(" AND {from} IN (")
                    } else {
                        String::new()
                    },
                }
            }
            None => {
                // An explicit through model: its two relations to the ends.
                let Some(through_name) = f.relation.as_ref().and_then(|r| r.through.as_ref())
                else {
                    continue;
                };
                let Some(tm) = schema.model(&through_name.text) else {
                    continue;
                };
                let from_f = tm.fields.iter().find(|x| {
                    x.ty.is_fk()
                        && x.relation
                            .as_ref()
                            .is_some_and(|r| r.to.text == m.name.text)
                });
                let to_f = tm.fields.iter().rev().find(|x| {
                    x.ty.is_fk()
                        && x.relation
                            .as_ref()
                            .is_some_and(|r| r.to.text == target.name.text)
                });
                let (Some(from_f), Some(to_f)) = (from_f, to_f) else {
                    continue;
                };
                M2mSql {
                    list: format!(
                        "SELECT {} FROM {} t JOIN {} x ON x.{} = t.{} WHERE x.{} = {} ORDER BY {torder}",
                        tcols.join(", "),
                        sql.q(&target.db_table),
                        sql.q(&tm.db_table),
                        sql.q(&to_f.column),
                        sql.q(&target_pk.column),
                        sql.q(&from_f.column),
                        sql.p(1)
                    ),
                    auto: false,
                    symmetrical: false,
                    add_head: String::new(),
                    add_tail: String::new(),
                    remove_head: String::new(),
                    remove_tail: String::new(),
                    remove_back_head: String::new(),
                    remove_back_tail: String::new(),
                }
            }
        };
        m2ms.push(M2mCtx {
            name: name.clone(),
            target: target.name.text.to_string(),
            target_ty: trt.ty.clone(),
            bind_target,
            auto: statements.auto,
            symmetrical: statements.symmetrical,
            list_lit: lit(&statements.list),
            add_head_lit: lit(&statements.add_head),
            add_tail_lit: lit(&statements.add_tail),
            remove_head_lit: lit(&statements.remove_head),
            remove_tail_lit: lit(&statements.remove_tail),
            remove_back_head_lit: lit(&statements.remove_back_head),
            remove_back_tail_lit: lit(&statements.remove_back_tail),
        });
    }

    // MySQL cannot SET DEFAULT on delete: the repository does it first.
    let set_defaults = schema
        .model_index(&m.name.text)
        .filter(|&mi| plan.needed.get(mi).copied().unwrap_or(false))
        .map(|mi| set_defaults(schema, mi, &sql, plan, &pk, &pk_rt, wires));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ModelCtx {
        name: m.name.text.to_string(),
        new_name: format!("New{}", m.name.text),
        table_lit: lit(&m.db_table),
        dialect: dialect.as_str(),
        db,
        row,
        docs,
        fields,
        new_fields,
        enums,
        insert_lets,
        insert_many_lets: many_lets,
        insert_row_lets: row_lets,
        insert: InsertCtx {
            sql_lit: lit(&insert_sql),
            binds,
            head_lit: lit(&head),
            row_binds,
            chunk,
            row_bytes,
            fixed_bytes: MYSQL_VALUE_BYTES * ins_cols.len(),
        },
        select_lit: lit(&select),
        get_lit: lit(&format!(
            "SELECT {select} FROM {table} WHERE {pk_col} = {}",
            sql.p(1)
        )),
        list_lit: lit(&format!(
            "SELECT {select} FROM {table} ORDER BY {order} LIMIT {} OFFSET {}",
            sql.p(1),
            sql.p(2)
        )),
        count_lit: lit(&format!("SELECT COUNT(*) FROM {table}")),
        delete_lit: lit(&format!(
            "DELETE FROM {table} WHERE {pk_col} = {}",
            sql.p(1)
        )),
        update,
        fks,
        m2ms,
        set_defaults,
        pk,
    })
}

/// MySQL's emulation of SET DEFAULT for the model at `mi` (see [`SetDefaultsCtx`]).
fn set_defaults(
    schema: &Schema,
    mi: usize,
    sql: &Sql,
    plan: &SetDefaultPlan,
    pk: &PkCtx,
    pk_rt: &RustType,
    wires: &mut BTreeSet<Wire>,
) -> SetDefaultsCtx {
    let m = &schema.models[mi];
    let table = sql.q(&m.db_table);
    let pk_col = m.pk().map_or_else(String::new, |f| sql.q(&f.column));
    // The value a child's column holds for the row whose key is bound: the key itself, or
    // the `to_field` column read from the row (through a derived table, which MySQL allows
    // where the child is this very table, error 1093 otherwise).
    let referenced = |child: &Field| -> String {
        match schema.target(child) {
            Some((_, target)) if !target.primary_key => {
                let col = sql.q(&target.column);
                format!(
                    "(SELECT {col} FROM (SELECT {col} FROM {table} WHERE {pk_col} = ?) modelc_ref)"
                )
            }
            _ => "?".to_string(),
        }
    };
    let mut updates = Vec::new();
    for &(ci, fi) in &plan.set_default[mi] {
        let child = &schema.models[ci];
        let cf = &child.fields[fi];
        let Some(default) = cf.default.as_deref() else {
            continue;
        };
        let ty = column_type(schema, cf, sql.d);
        updates.push(lit(&format!(
            "UPDATE {} SET {} = {} WHERE {} = {}",
            sql.q(&child.db_table),
            sql.q(&cf.column),
            sql.literal(default, &ty),
            sql.q(&cf.column),
            referenced(cf)
        )));
    }
    let mut cascades = Vec::new();
    for &(ci, fi) in &plan.cascade[mi] {
        if !plan.needed[ci] {
            continue;
        }
        let child = &schema.models[ci];
        let Some(child_pk) = child.pk() else {
            continue;
        };
        let cf = &child.fields[fi];
        let rt = rust_type(schema, child_pk, sql.d);
        let (decode_ty, key_expr) = match rt.wire {
            Some(w) => {
                wires.insert(w);
                (format!("modelc_wire::{}", w.name()), "k.0".to_string())
            }
            None => (rt.ty.clone(), "k".to_string()),
        };
        cascades.push(CascadeCtx {
            model: child.name.text.to_string(),
            select_lit: lit(&format!(
                "SELECT {} FROM {} WHERE {} = {}",
                sql.q(&child_pk.column),
                sql.q(&child.db_table),
                sql.q(&cf.column),
                referenced(cf)
            )),
            decode_ty,
            key_expr,
        });
    }
    SetDefaultsCtx {
        key_ty: pk_rt.ty.clone(),
        bind_key: bind_expr(pk_rt, false, "key"),
        self_key: if pk_rt.copy {
            format!("self.{}", pk.name)
        } else {
            format!("self.{}.clone()", pk.name)
        },
        updates,
        cascades,
    }
}

/// `ORDER BY` of a model: Meta.ordering, then the key (a stable order for pages).
fn order_by(m: &Model, sql: &Sql, pk_col: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for o in &m.meta.ordering {
        let Some(f) = m.lookup(&o.field.text) else {
            continue;
        };
        if f.ty == FieldType::ManyToMany {
            continue;
        }
        let col = sql.q(&f.column);
        parts.push(if o.descending {
            format!("{col} DESC")
        } else {
            format!("{col} ASC")
        });
    }
    if !parts.iter().any(|p| p.starts_with(pk_col)) {
        parts.push(format!("{pk_col} ASC"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::lit;

    /// Every literal is Rust, and reads back as the text it was made of.
    #[test]
    fn literals_read_back() {
        for text in [
            "",
            "plain",
            "\"quoted\" \\ back\\slash",
            "line\nbreak\r\ttab\0nul\u{7}bell\u{7f}del\u{85}next",
            "ünïcödé ✓ 漢字 \u{301}combining \u{200b}zero-width \u{1F600}",
            "SELECT \"id\" FROM \"t\" WHERE \"a\" = '\\'' ",
            "{}{{}} #\"# r#\"raw\"#",
        ] {
            let code = lit(text);
            let parsed = syn::parse_str::<syn::LitStr>(&code).map(|l| l.value());
            assert!(
                parsed.as_ref().is_ok_and(|v| v == text),
                "{code} reads back as {parsed:?}"
            );
        }
    }
}
