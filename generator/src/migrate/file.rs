//! Migration files: the TOML that holds a migration's operations.
//!
//! Fields, indexes and constraints are written in the models.toml language itself, one line
//! each, so a migration reads like the models it records, and `frontend::toml::migration`
//! reads it back with the same code that reads models.toml. Only what reaches the database is
//! written (a field's help_text or related_name is not), and the same state always gives the
//! same bytes. The text of one field's definition is also its canonical form: two fields with
//! the same text make the same column.

use std::fmt::Write as _;

use crate::ddl;
use crate::ir::{
    CompactString, Constraint, DialectName, Field, FieldSet, Index, IpProtocol, OnDelete, Opt,
    SqlExpr, SqlExprKind, Value,
};

use super::ops::{Op, Operation, PerDialectSql};

/// A TOML basic string.
pub fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise.
pub fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        toml_str(k)
    }
}

/// A literal as models.toml writes it for a field of its type.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Str(s) => toml_str(s),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => format!("{x:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Decimal(d) => toml_str(d),
        Value::Date(d) => d.to_string(),
        Value::Time(t) => t.to_string(),
        Value::DateTime(dt) => format!("{}T{}Z", dt.date, dt.time),
        Value::Duration(us) => {
            let sign = if *us < 0 { "-" } else { "" };
            let abs = us.unsigned_abs();
            let text = if abs % 1_000_000 == 0 {
                format!("{sign}PT{}S", abs / 1_000_000)
            } else {
                format!("{sign}PT{}.{:06}S", abs / 1_000_000, abs % 1_000_000)
            };
            toml_str(&text)
        }
        Value::Uuid(u) => {
            let h = format!("{u:032x}");
            toml_str(&format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            ))
        }
        Value::Json(j) => match serde_json::from_str::<serde_json::Value>(j) {
            Ok(json) => json_as_toml(&json),
            Err(_) => toml_str(j),
        },
        Value::Bytes(b) => {
            let items: Vec<String> = b.iter().map(u8::to_string).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

fn json_as_toml(v: &serde_json::Value) -> String {
    match v {
        // TOML has no null; models.toml cannot write one, so no state holds one.
        serde_json::Value::Null => "\"\"".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => toml_str(s),
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(json_as_toml).collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::Object(map) => {
            if map.is_empty() {
                return "{}".into();
            }
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), json_as_toml(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// An expression as models.toml writes it (portable text, or the per-dialect table); empty
/// for none.
pub fn expr_text(e: Option<&SqlExpr>) -> String {
    let Some(e) = e else {
        return String::new();
    };
    match &e.kind {
        // PostgreSQL's rendering of the portable subset is portable text itself: quoted
        // names, '' in strings, TRUE/FALSE, and the subset's function names.
        SqlExprKind::Portable(expr) => toml_str(&ddl::expr_sql(
            expr,
            ddl::dialect_for(DialectName::Postgres),
        )),
        SqlExprKind::PerDialect(items) => per_dialect_text(items),
    }
}

fn per_dialect_text(items: &PerDialectSql) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|(d, text)| {
            format!(
                "{} = {}",
                d.map_or("default", |d| d.as_str()),
                toml_str(text)
            )
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

fn names_text<'a>(names: impl Iterator<Item = String> + 'a) -> String {
    let items: Vec<String> = names.map(|n| toml_str(&n)).collect();
    format!("[{}]", items.join(", "))
}

fn field_set_text(set: &FieldSet) -> String {
    names_text(set.fields.iter().map(|n| n.text.to_string()))
}

/// An index as `indexes = [...]` writes it.
pub fn index_text(i: &Index) -> String {
    let fields = names_text(i.fields.iter().map(|f| {
        if f.descending {
            format!("-{}", f.field)
        } else {
            f.field.text.to_string()
        }
    }));
    let mut out = format!("{{ fields = {fields}");
    if let Some(n) = &i.name {
        let _ = write!(out, ", name = {}", toml_str(&n.text));
    }
    if i.condition.is_some() {
        let _ = write!(out, ", condition = {}", expr_text(i.condition.as_ref()));
    }
    out.push_str(" }");
    out
}

/// A constraint as `constraints = [...]` writes it.
pub fn constraint_text(c: &Constraint) -> String {
    match c {
        Constraint::Unique {
            name,
            fields,
            condition,
            ..
        } => {
            let mut out = format!("{{ type = \"unique\", fields = {}", field_set_text(fields));
            if let Some(n) = name {
                let _ = write!(out, ", name = {}", toml_str(&n.text));
            }
            if condition.is_some() {
                let _ = write!(out, ", condition = {}", expr_text(condition.as_ref()));
            }
            out.push_str(" }");
            out
        }
        Constraint::Check { name, check, .. } => {
            let mut out = format!("{{ type = \"check\", check = {}", expr_text(Some(check)));
            if let Some(n) = name {
                let _ = write!(out, ", name = {}", toml_str(&n.text));
            }
            out.push_str(" }");
            out
        }
    }
}

/// A field's definition as an inline table, with what reaches the database only. With
/// `labels`, choices carry their labels (for files); without, only their codes (to compare).
pub fn field_def(field: &Field, labels: bool) -> String {
    let mut parts: Vec<String> = vec![format!("type = {}", toml_str(field.ty.as_str()))];
    let mut flag = |name: &str, on: bool| {
        if on {
            parts.push(format!("{name} = true"));
        }
    };
    flag("primary_key", field.primary_key);
    flag("unique", field.unique);
    flag("null", field.null);
    if let Some(i) = field.db_index {
        parts.push(format!("db_index = {i}"));
    }
    if field.has(Opt::DbColumn) {
        parts.push(format!("db_column = {}", toml_str(&field.column)));
    }
    if let Some(n) = field.max_length {
        parts.push(format!("max_length = {n}"));
    }
    if let Some(n) = field.max_digits {
        parts.push(format!("max_digits = {n}"));
    }
    if let Some(n) = field.decimal_places {
        parts.push(format!("decimal_places = {n}"));
    }
    if let Some(v) = &field.default {
        parts.push(format!("default = {}", value_text(v)));
    }
    if field.db_default.is_some() {
        parts.push(format!(
            "db_default = {}",
            expr_text(field.db_default.as_deref())
        ));
    }
    if let Some(c) = &field.db_comment {
        parts.push(format!("db_comment = {}", toml_str(c)));
    }
    if let Some(choices) = &field.choices {
        let items: Vec<String> = choices
            .items
            .iter()
            .map(|c| {
                let code = match &c.value {
                    Value::Str(s) => toml_key(s),
                    other => toml_key(&other.to_string()),
                };
                let label = if labels { c.label.as_str() } else { "" };
                format!("{code} = {}", toml_str(label))
            })
            .collect();
        parts.push(format!("choices = {{ {} }}", items.join(", ")));
    }
    match field.protocol {
        IpProtocol::Both => {}
        IpProtocol::Ipv4 => parts.push("protocol = \"ipv4\"".into()),
        IpProtocol::Ipv6 => parts.push("protocol = \"ipv6\"".into()),
    }
    if let Some(rel) = &field.relation {
        parts.push(format!("to = {}", toml_str(&rel.to.text)));
        if let Some(tf) = &rel.to_field {
            parts.push(format!("to_field = {}", toml_str(&tf.text)));
        }
        if let Some(rule) = rel.on_delete {
            parts.push(format!("on_delete = {}", toml_str(rule.as_str())));
        }
        if !rel.db_constraint {
            parts.push("db_constraint = false".into());
        }
        if let Some(s) = rel.symmetrical {
            parts.push(format!("symmetrical = {s}"));
        }
        if let Some(t) = &rel.through {
            parts.push(format!("through = {}", toml_str(&t.text)));
        }
    }
    format!("{{ {} }}", parts.join(", "))
}

/// What [`field_def`] writes of a relation.
type RelationParts<'f> = (
    &'f CompactString,
    Option<&'f CompactString>,
    Option<OnDelete>,
    bool,
    Option<bool>,
    Option<&'f CompactString>,
);

/// Whether two fields have the same [`field_def`] without labels, known without writing
/// it: `true` only when every part that text is made of is equal (`false` says nothing; a
/// default expression, for one, is left to the text). The autodetector compares every field
/// of the models with its state this way first. It reads what `field_def` writes: keep the
/// two in step.
pub fn same_def_parts(a: &Field, b: &Field) -> bool {
    fn relation(f: &Field) -> Option<RelationParts<'_>> {
        f.relation.as_deref().map(|r| {
            (
                &r.to.text,
                r.to_field.as_ref().map(|n| &n.text),
                r.on_delete,
                r.db_constraint,
                r.symmetrical,
                r.through.as_ref().map(|n| &n.text),
            )
        })
    }
    let codes = match (&a.choices, &b.choices) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            x.items.len() == y.items.len()
                && x.items
                    .iter()
                    .zip(&y.items)
                    .all(|(p, q)| p.value == q.value)
        }
        _ => false,
    };
    let db_column = a.has(Opt::DbColumn);
    a.ty == b.ty
        && a.primary_key == b.primary_key
        && a.unique == b.unique
        && a.null == b.null
        && a.db_index == b.db_index
        && db_column == b.has(Opt::DbColumn)
        && (!db_column || a.column == b.column)
        && a.max_length == b.max_length
        && a.max_digits == b.max_digits
        && a.decimal_places == b.decimal_places
        && a.default == b.default
        && a.db_default.is_none()
        && b.db_default.is_none()
        && a.db_comment == b.db_comment
        && codes
        && a.protocol == b.protocol
        && relation(a) == relation(b)
}

/// The text of a migration file.
pub fn write_migration(name: &str, ops: &[Op]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# modelc migration {name}");
    out.push_str(
        "# Operations on the models: the source of truth of the migration history. The SQL in\n",
    );
    let _ = writeln!(
        out,
        "# migrations/<dialect>/{name}.up.sql and .down.sql is compiled from them."
    );
    for op in ops {
        let _ = writeln!(out, "#   {}", op.kind.describe());
    }
    for op in ops {
        out.push_str("\n[[operations]]\n");
        let _ = writeln!(out, "op = {}", toml_str(op.kind.tag()));
        write_op(&mut out, &op.kind);
    }
    out
}

fn write_op(out: &mut String, op: &Operation) {
    let mut line = |k: &str, v: String| {
        let _ = writeln!(out, "{k} = {v}");
    };
    match op {
        Operation::CreateModel(m) => {
            line("model", toml_str(&m.name.text));
            line("table", toml_str(&m.db_table));
            if !m.meta.managed {
                line("managed", "false".into());
            }
            for f in &m.fields {
                line(
                    &format!("fields.{}", toml_key(&f.name.text)),
                    field_def(f, true),
                );
            }
            if let Some(c) = &m.meta.db_comment {
                line("meta.db_comment", toml_str(c));
            }
            if !m.meta.unique_together.is_empty() {
                let sets: Vec<String> = m.meta.unique_together.iter().map(field_set_text).collect();
                line("meta.unique_together", format!("[{}]", sets.join(", ")));
            }
            if !m.meta.indexes.is_empty() {
                let items: Vec<String> = m.meta.indexes.iter().map(index_text).collect();
                line(
                    "meta.indexes",
                    format!("[\n    {},\n]", items.join(",\n    ")),
                );
            }
            if !m.meta.constraints.is_empty() {
                let items: Vec<String> = m.meta.constraints.iter().map(constraint_text).collect();
                line(
                    "meta.constraints",
                    format!("[\n    {},\n]", items.join(",\n    ")),
                );
            }
        }
        Operation::DeleteModel { model } => line("model", toml_str(model)),
        Operation::RenameModel { from, to } => {
            line("from", toml_str(from));
            line("to", toml_str(to));
        }
        Operation::AlterModelTable { model, table } => {
            line("model", toml_str(model));
            line("table", toml_str(table));
        }
        Operation::AlterModelComment { model, comment } => {
            line("model", toml_str(model));
            if let Some(c) = comment {
                line("comment", toml_str(c));
            }
        }
        Operation::AddField { model, field } | Operation::AlterField { model, field } => {
            line("model", toml_str(model));
            line(
                &format!("field.{}", toml_key(&field.name.text)),
                field_def(field, true),
            );
        }
        Operation::RemoveField { model, field } => {
            line("model", toml_str(model));
            line("field", toml_str(field));
        }
        Operation::RenameField { model, from, to } => {
            line("model", toml_str(model));
            line("from", toml_str(from));
            line("to", toml_str(to));
        }
        Operation::AddIndex { model, index } | Operation::RemoveIndex { model, index } => {
            line("model", toml_str(model));
            line("index", index_text(index));
        }
        Operation::AddConstraint { model, constraint }
        | Operation::RemoveConstraint { model, constraint } => {
            line("model", toml_str(model));
            line("constraint", constraint_text(constraint));
        }
        Operation::AlterUniqueTogether { model, sets } => {
            line("model", toml_str(model));
            let sets: Vec<String> = sets.iter().map(field_set_text).collect();
            line("unique_together", format!("[{}]", sets.join(", ")));
        }
        Operation::RunSql { forward, reverse } => {
            line("sql", per_dialect_text(forward));
            match reverse {
                Some(r) => line("reverse_sql", per_dialect_text(r)),
                None => {
                    let _ = writeln!(
                        out,
                        "# irreversible: without reverse_sql this migration cannot be undone"
                    );
                }
            }
        }
    }
}
