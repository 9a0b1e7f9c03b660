//! What a configured dialect cannot express. Where modelc can still compile something that
//! means the same (ON DELETE SET DEFAULT carried out by the generated repository on MySQL,
//! a full index for a partial one), it warns, naming the dialect and the model; under
//! `[project] strict = true` the warning is an error. Where it cannot (an index MySQL can't
//! build, a number a dialect can't hold), it is an error.

use crate::ddl::{self, Dialect, SqlType};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Constraint, DialectName, Field, Model, OnDelete, Opt, Schema};
use crate::source::Span;

fn dialect_title(d: DialectName) -> &'static str {
    match d {
        DialectName::Postgres => "PostgreSQL",
        DialectName::MySql => "MySQL/MariaDB",
        DialectName::Sqlite => "SQLite",
    }
}

/// A "can't express this" finding: a warning, or an error under `strict`.
fn limitation(schema: &Schema, message: String) -> Diagnostic {
    if schema.project.strict {
        Diagnostic::error(message).note("[project] strict = true makes this an error")
    } else {
        Diagnostic::warning(message)
    }
}

pub(super) fn check_model(schema: &Schema, model: &Model, diags: &mut Diagnostics) {
    for &dn in &schema.project.dialects {
        let d = ddl::dialect_for(dn);
        let caps = d.caps();
        let title = dialect_title(dn);
        for field in model.columns() {
            let ty = ddl::column_type(schema, field, d);
            check_type(schema, d, model, field, &ty, diags);
            if let Some(rel) = &field.relation {
                if rel.on_delete == Some(OnDelete::SetDefault)
                    && !caps.on_delete_set_default
                    && rel.db_constraint
                {
                    diags.push(
                        limitation(schema, format!("{title} cannot enforce on_delete = \"set_default\" on `{}.{}`", model.name, field.name))
                            .at(field.span_of(Opt::OnDelete))
                            .label("InnoDB rejects ON DELETE SET DEFAULT")
                            .help("the foreign key gets no ON DELETE action there, and the generated repository sets the default in the same transaction before it deletes (as Django does); choose another rule to have the database do it"),
                    );
                }
            }
        }
        if !model.meta.managed {
            continue;
        }
        for index in &model.meta.indexes {
            if index.condition.is_some() && !caps.partial_indexes {
                let name = index
                    .name
                    .as_ref()
                    .map_or_else(String::new, |n| format!(" `{}`", n.text));
                diags.push(
                    limitation(schema, format!("{title} has no partial indexes: index{name} of `{}` covers every row there", model.name))
                        .at(index.condition.as_ref().map_or(index.span, |c| c.span))
                        .label(format!("condition left out on {title}"))
                        .help("the index is still correct, only larger; as Django does, it is created without its condition"),
                );
            }
            let fields: Vec<&Field> = index
                .fields
                .iter()
                .filter_map(|f| model.lookup(&f.field.text))
                .collect();
            index_width(schema, d, model, &fields, index.span, diags);
        }
        for set in &model.meta.unique_together {
            let fields: Vec<&Field> = set
                .fields
                .iter()
                .filter_map(|f| model.lookup(&f.text))
                .collect();
            index_width(schema, d, model, &fields, set.span, diags);
        }
        for c in &model.meta.constraints {
            if let Constraint::Unique {
                fields,
                condition,
                span,
                name,
            } = c
            {
                if condition.is_some() && !caps.partial_indexes {
                    let name = name
                        .as_ref()
                        .map_or_else(String::new, |n| format!(" `{}`", n.text));
                    diags.push(
                        limitation(schema, format!("{title} has no partial indexes: conditional unique constraint{name} of `{}` is left out there", model.name))
                            .at(condition.as_ref().map_or(*span, |c| c.span))
                            .label(format!("not created on {title}"))
                            .help("without its condition it would forbid more than asked, so it is not created there (as Django does); enforce it in code, or drop the condition"),
                    );
                } else {
                    let fs: Vec<&Field> = fields
                        .fields
                        .iter()
                        .filter_map(|f| model.lookup(&f.text))
                        .collect();
                    index_width(schema, d, model, &fs, *span, diags);
                }
            }
        }
        if let (true, Some(text), Some(span)) = (
            caps.comments_bmp_only,
            &model.meta.db_comment,
            model.meta.db_comment_span,
        ) {
            bmp_only(
                title,
                &format!("the table comment of `{}`", model.name),
                text,
                span,
                diags,
            );
        }
        if let (Some(max), Some(text), Some(span)) = (
            caps.max_table_comment,
            &model.meta.db_comment,
            model.meta.db_comment_span,
        ) {
            let len = text.chars().count();
            if len > max {
                diags.push(
                    Diagnostic::error(format!(
                        "the table comment of `{}` is {len} characters; {title} allows {max}",
                        model.name
                    ))
                    .at(span)
                    .label("too long")
                    .help(format!("shorten it to {max} characters")),
                );
            }
        }
    }
}

/// Types and single-column indexes the dialect can hold.
fn check_type(
    schema: &Schema,
    d: &dyn Dialect,
    model: &Model,
    field: &Field,
    ty: &SqlType,
    diags: &mut Diagnostics,
) {
    let caps = d.caps();
    let title = dialect_title(d.name());
    let what = super::FieldPath(model, field);
    match ty {
        SqlType::Varchar(n) if *n > caps.max_varchar => diags.push(
            Diagnostic::error(format!("max_length {n} of {what} is more than {title} allows ({})", caps.max_varchar))
                .at(field.span_of(Opt::MaxLength))
                .label(format!("too long for {title}"))
                .help("use type = \"text\" for long strings"),
        ),
        SqlType::Decimal { digits, places } if *digits > caps.max_decimal_digits || *places > caps.max_decimal_places => diags.push(
            Diagnostic::error(format!(
                "decimal({digits}, {places}) of {what} is more than {title} holds (at most {} digits, {} after the point)",
                caps.max_decimal_digits, caps.max_decimal_places
            ))
            .at(field.span_of(if *digits > caps.max_decimal_digits { Opt::MaxDigits } else { Opt::DecimalPlaces }))
            .label(format!("too large for {title}"))
            .help("lower max_digits and decimal_places"),
        ),
        _ => {}
    }
    if let (true, Some(text)) = (caps.comments_bmp_only, &field.db_comment) {
        bmp_only(
            title,
            &format!("the db_comment of {what}"),
            text,
            field.span_of(Opt::DbComment),
            diags,
        );
    }
    if let (Some(max), Some(text)) = (caps.max_column_comment, &field.db_comment) {
        let len = text.chars().count();
        if len > max {
            diags.push(
                Diagnostic::error(format!(
                    "the db_comment of {what} is {len} characters; {title} allows {max}"
                ))
                .at(field.span_of(Opt::DbComment))
                .label("too long")
                .help(format!("shorten it to {max} characters")),
            );
        }
    }
    let indexed = field.is_unique() || field.wants_index();
    if indexed {
        // Point at the option that asks for the index, if one was written.
        let span = [
            (Opt::PrimaryKey, field.primary_key),
            (Opt::Unique, field.unique),
            (Opt::DbIndex, field.db_index == Some(true)),
        ]
        .into_iter()
        .find(|&(o, set)| set && field.has(o))
        .map_or(field.decl_span, |(o, _)| field.span_of(o));
        index_width(schema, d, model, &[field], span, diags);
    }
}

/// An index over `fields` must be one the dialect can build: MySQL indexes no TEXT, BLOB or
/// JSON column without a prefix, and no key wider than 3072 bytes.
fn index_width(
    schema: &Schema,
    d: &dyn Dialect,
    model: &Model,
    fields: &[&Field],
    span: Span,
    diags: &mut Diagnostics,
) {
    let caps = d.caps();
    let title = dialect_title(d.name());
    let mut bytes: u64 = 0;
    for field in fields {
        let ty = ddl::column_type(schema, field, d);
        if ty.is_large() && !caps.index_text_columns {
            diags.push(
                Diagnostic::error(format!("{title} cannot index {} column `{}.{}`", field.ty.as_str(), model.name, field.name))
                    .at(span)
                    .label(format!("unique or indexed {} column", field.ty.as_str()))
                    .help("MySQL indexes TEXT, BLOB and JSON columns only by a prefix; use type = \"char\" with a max_length, or remove the index"),
            );
            return;
        }
        bytes += match ty {
            SqlType::Varchar(n) => u64::from(n) * u64::from(caps.index_bytes_per_char),
            SqlType::Uuid | SqlType::Inet(_) => 39 * u64::from(caps.index_bytes_per_char),
            _ => 8,
        };
    }
    if let Some(max) = caps.max_index_key_bytes {
        if bytes > u64::from(max) {
            diags.push(
                Diagnostic::error(format!(
                    "the index key of `{}` ({}) is {bytes} bytes wide; {title} allows {max}",
                    model.name,
                    fields.iter().map(|f| f.name.text.as_str()).collect::<Vec<_>>().join(", ")
                ))
                .at(span)
                .label(format!("index key too wide for {title}"))
                .help(format!(
                    "utf8mb4 counts 4 bytes a character: keep indexed char fields under {} characters in all",
                    max / caps.index_bytes_per_char
                )),
            );
        }
    }
}

/// MySQL and MariaDB keep comments in 3-byte UTF-8 and store `?` for any character beyond
/// it (emoji among them) without an error: refuse what would not be stored as written.
fn bmp_only(title: &str, what: &str, text: &str, span: Span, diags: &mut Diagnostics) {
    if let Some(c) = text.chars().find(|c| u32::from(*c) > 0xFFFF) {
        diags.push(
            Diagnostic::error(format!(
                "{what} contains `{c}` (U+{:X}), which {title} cannot store in a comment",
                u32::from(c)
            ))
            .at(span)
            .label("stored as `?` there")
            .help("comments there hold 3-byte UTF-8 only (no emoji and other characters beyond U+FFFF); remove the character, or drop mysql from [project] dialects"),
        );
    }
}
