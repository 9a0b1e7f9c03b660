//! Field options: what each type needs, what options exclude each other, and defaults and
//! choices that fit the field (Django's fields.E0xx–E1xx and more).

use std::collections::HashMap;
use std::fmt;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{ExprKind, Field, FieldType, Model, Opt, Schema, SqlExprKind, Value};

use super::is_identifier;

pub(super) fn check_model(schema: &Schema, model: &Model, diags: &mut Diagnostics) {
    let mut pk: Option<&Field> = None;
    for field in &model.fields {
        if field.ty == FieldType::Error {
            continue;
        }
        if field.primary_key {
            match pk {
                Some(first) => diags.push(
                    Diagnostic::error(format!("`{}` has two primary keys: `{}` and `{}`", model.name, first.name, field.name))
                        .at(field.span_of(Opt::PrimaryKey))
                        .label("second primary key")
                        .related(first.span_of(Opt::PrimaryKey), "first primary key")
                        .help("keep primary_key = true on one field; use a unique constraint for the other")
                        .note("Django's models.E026"),
                ),
                None => pk = Some(field),
            }
        }
        check_field(schema, model, field, diags);
    }
}

fn check_field(schema: &Schema, model: &Model, field: &Field, diags: &mut Diagnostics) {
    let what = super::FieldPath(model, field);
    let ty = field.ty;
    // An option written with a bad value was reported where it was read.
    if ty == FieldType::Char && !field.has(Opt::MaxLength) {
        diags.push(
            Diagnostic::error(format!("char field {what} has no max_length"))
                .at(field.span_of(Opt::Type))
                .label("char needs max_length")
                .help("add max_length = 255, or use type = \"text\" for unbounded strings")
                .note("Django's fields.E120"),
        );
    }
    if ty == FieldType::Decimal {
        match (field.max_digits, field.decimal_places) {
            (None, _) | (_, None) if !field.has(Opt::MaxDigits) || !field.has(Opt::DecimalPlaces) => {
                let missing: Vec<&str> = [("max_digits", !field.has(Opt::MaxDigits)), ("decimal_places", !field.has(Opt::DecimalPlaces))]
                    .iter()
                    .filter(|(_, m)| *m)
                    .map(|(n, _)| *n)
                    .collect();
                diags.push(
                    Diagnostic::error(format!("decimal field {what} has no {}", missing.join(" and no ")))
                        .at(field.span_of(Opt::Type))
                        .label("decimal needs max_digits and decimal_places")
                        .help("add max_digits = 10, decimal_places = 2 (total digits, and digits after the point)")
                        .note("Django's fields.E130, E132"),
                );
            }
            (Some(digits), Some(places)) if places > digits => diags.push(
                Diagnostic::error(format!("decimal field {what} has decimal_places {places} greater than max_digits {digits}"))
                    .at(field.span_of(Opt::DecimalPlaces))
                    .label("more places than digits")
                    .related(field.span_of(Opt::MaxDigits), "total digits")
                    .help("max_digits counts all digits, those after the point included; make it at least decimal_places")
                    .note("Django's fields.E134"),
            ),
            _ => {}
        }
    }
    if field.primary_key && field.null {
        diags.push(
            Diagnostic::error(format!("primary key {what} is nullable"))
                .at(field.span_of(Opt::Null))
                .label("a primary key cannot be null")
                .help("remove null = true")
                .note("Django's fields.E007"),
        );
    }
    if ty.is_auto() && !field.primary_key {
        diags.push(
            Diagnostic::error(format!("{what} is an auto field but not the primary key"))
                .at(field.span_of(Opt::Type))
                .label("auto fields are primary keys")
                .help("add primary_key = true, or use an integer type")
                .note("Django's fields.E100"),
        );
    }
    if field.auto_now && field.auto_now_add {
        diags.push(
            Diagnostic::error(format!("{what} sets both auto_now and auto_now_add"))
                .at(field.span_of(Opt::AutoNowAdd))
                .label("choose one")
                .related(field.span_of(Opt::AutoNow), "auto_now set here")
                .help(
                    "auto_now sets the value on every save, auto_now_add on insert only: keep one",
                )
                .note("Django's fields.E160"),
        );
    }
    if (field.auto_now || field.auto_now_add)
        && (field.default.is_some() || field.default_fn.is_some())
    {
        let opt = if field.default.is_some() {
            Opt::Default
        } else {
            Opt::DefaultFn
        };
        diags.push(
            Diagnostic::error(format!(
                "{what} has a default and {}",
                if field.auto_now {
                    "auto_now"
                } else {
                    "auto_now_add"
                }
            ))
            .at(field.span_of(opt))
            .label("the default would never be used")
            .help("remove the default")
            .note("Django's fields.E160"),
        );
    }
    let defaults: Vec<Opt> = [
        (Opt::Default, field.default.is_some()),
        (Opt::DefaultFn, field.default_fn.is_some()),
        (Opt::DbDefault, field.db_default.is_some()),
    ]
    .iter()
    .filter(|(_, set)| *set)
    .map(|(o, _)| *o)
    .collect();
    if defaults.len() > 1 {
        let name = |o: Opt| match o {
            Opt::Default => "default",
            Opt::DefaultFn => "default_fn",
            _ => "db_default",
        };
        diags.push(
            Diagnostic::error(format!("{what} sets both {} and {}", name(defaults[0]), name(defaults[1])))
                .at(field.span_of(defaults[1]))
                .label("a second default")
                .related(field.span_of(defaults[0]), "first default")
                .help("keep one: `default` is a literal stored as the column default, `default_fn` a value the code makes, `db_default` SQL the database evaluates"),
        );
    }
    if let Some(db_default) = &field.db_default {
        if let SqlExprKind::Portable(e) = &db_default.kind {
            if let Some((name, span)) = e.columns().first() {
                diags.push(
                    Diagnostic::error(format!("db_default of {what} refers to `{name}`"))
                        .at(*span)
                        .label("defaults cannot read other columns")
                        .help("use a constant expression, e.g. CURRENT_TIMESTAMP or 0"),
                );
            }
        }
        super::meta::check_coverage(schema, db_default, &format!("db_default of {what}"), diags);
    }
    if let Some(default) = &field.default {
        check_value(
            field,
            default,
            &format_args!("default of {what}"),
            field.span_of(Opt::Default),
            diags,
        );
        if let Some(choices) = &field.choices {
            if !choices.items.is_empty() && !choices.items.iter().any(|c| c.value == **default) {
                let codes: Vec<String> =
                    choices.items.iter().map(|c| c.value.to_string()).collect();
                diags.push(
                    Diagnostic::error(format!(
                        "default {default} of {what} is not one of its choices"
                    ))
                    .at(field.span_of(Opt::Default))
                    .label("not a choice")
                    .related(choices.span, "choices declared here")
                    .help(format!("use one of {}", codes.join(", "))),
                );
            }
        }
    }
    if let Some(choices) = &field.choices {
        let mut seen = HashMap::new();
        for c in &choices.items {
            let key = c.value.to_string();
            if let Some(first) = seen.get(&key) {
                diags.push(
                    Diagnostic::error(format!("choice {key} of {what} is listed twice"))
                        .at(c.span)
                        .label("duplicate choice")
                        .related(*first, "first listed here")
                        .help("remove one"),
                );
                continue;
            }
            seen.insert(key.clone(), c.span);
            check_value(
                field,
                &c.value,
                &format_args!("choice {key} of {what}"),
                c.span,
                diags,
            );
            if let Some(name) = &c.name {
                if !is_identifier(name) || name.chars().next().is_some_and(|ch| ch.is_ascii_digit())
                {
                    diags.push(
                        Diagnostic::error(format!(
                            "choice name `{name}` of {what} is not a valid Rust variant name"
                        ))
                        .at(c.span)
                        .label("not an identifier")
                        .help("use letters, digits and `_`, starting with a letter"),
                    );
                }
            }
        }
        if let Some(e) = &choices.enum_name {
            if !is_identifier(&e.text) {
                diags.push(
                    Diagnostic::error(format!(
                        "choices_enum `{}` of {what} is not a valid Rust type name",
                        e.text
                    ))
                    .at(e.span)
                    .label("not an identifier")
                    .help("use a CamelCase name such as `Membership`"),
                );
            }
        }
    }
    for (opt, text) in [(Opt::DbComment, &field.db_comment)] {
        if let Some(text) = text {
            if text.contains('\0') {
                diags.push(nul_error(&what, field.span_of(opt)));
            }
        }
    }
}

fn nul_error(what: &dyn fmt::Display, span: crate::source::Span) -> Diagnostic {
    Diagnostic::error(format!("{what} contains a NUL character"))
        .at(span)
        .label("NUL cannot be stored")
        .help("remove the \\u0000 escape; PostgreSQL text cannot hold NUL")
}

/// Checks a default or choice code against the field: length, range, precision, protocol.
fn check_value(
    field: &Field,
    value: &Value,
    what: &dyn fmt::Display,
    span: crate::source::Span,
    diags: &mut Diagnostics,
) {
    match value {
        Value::Str(s) => {
            if s.contains('\0') {
                diags.push(nul_error(what, span));
            }
            if let Some(max) = field.effective_max_length() {
                let len = s.chars().count();
                if field.ty.has_max_length() && len > max as usize {
                    diags.push(
                        Diagnostic::error(format!(
                            "{what} is {len} characters long, more than max_length {max}"
                        ))
                        .at(span)
                        .label(format!("{len} characters"))
                        .related(field.span_of(Opt::MaxLength), "max_length")
                        .help(format!(
                            "raise max_length to at least {len}, or shorten the value"
                        ))
                        .note("Django's fields.E009"),
                    );
                }
            }
            if field.ty == FieldType::IpAddress {
                use crate::ir::IpProtocol;
                let addr = s.parse::<std::net::IpAddr>();
                let bad = match (field.protocol, addr) {
                    (IpProtocol::Ipv4, Ok(std::net::IpAddr::V6(_))) => {
                        Some("an IPv6 address in an ipv4 field")
                    }
                    (IpProtocol::Ipv6, Ok(std::net::IpAddr::V4(_))) => {
                        Some("an IPv4 address in an ipv6 field")
                    }
                    _ => None,
                };
                if let Some(bad) = bad {
                    diags.push(
                        Diagnostic::error(format!("{what} is {bad}"))
                            .at(span)
                            .label(bad)
                            .help("change the value or the protocol"),
                    );
                }
            }
        }
        Value::Int(n) => {
            if let Some((min, max)) = field.ty.int_range() {
                if i128::from(*n) < min || i128::from(*n) > max {
                    diags.push(
                        Diagnostic::error(format!(
                            "{what} is out of range for {} fields ({min} to {max})",
                            field.ty.as_str()
                        ))
                        .at(span)
                        .label(format!("{n} is out of range"))
                        .help("use a value in range, or a wider integer type"),
                    );
                }
            }
        }
        Value::Decimal(d) => {
            if let (Some(digits), Some(places)) = (field.max_digits, field.decimal_places) {
                let unsigned = d.trim_start_matches('-');
                let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
                let int_digits = if int == "0" { 0 } else { int.len() as u32 };
                if frac.len() as u32 > places || int_digits > digits.saturating_sub(places) {
                    diags.push(
                        Diagnostic::error(format!(
                            "{what} {d} does not fit decimal({digits}, {places})"
                        ))
                        .at(span)
                        .label("too many digits")
                        .help(format!(
                            "use at most {} digits before the point and {places} after",
                            digits.saturating_sub(places)
                        )),
                    );
                }
            }
        }
        _ => {}
    }
}

/// Whether a portable expression uses a function that depends on when it runs.
pub(super) fn volatile_call(e: &crate::ir::Expr) -> Option<crate::source::Span> {
    let mut found = None;
    e.walk(&mut |n| {
        if let ExprKind::Call(f, _) = &n.kind {
            if f.is_volatile() && found.is_none() {
                found = Some(n.span);
            }
        }
    });
    found
}
