//! `default = ...` of a field: the attribute literal checked against the field's type, so
//! the IR holds the same [`Value`] models.toml would give.

use crate::diagnostics::Diagnostic;
use crate::ir::{Date, DefaultFn, FieldType, Value};

use super::attr::{Val, ValKind};
use super::cx::Cx;

type Problem = (String, String);

impl Cx<'_> {
    pub(crate) fn default_value(&mut self, v: &Val, ty: FieldType, what: &str) -> Option<Value> {
        match lower(&v.kind, ty) {
            Ok(value) => Some(value),
            Err((message, help)) => {
                self.error(
                    v.tokens,
                    Diagnostic::error(format!("invalid {what}: {message}"))
                        .label(message)
                        .help(help),
                );
                None
            }
        }
    }
}

fn expected(what: &str, v: &ValKind, help: &str) -> Problem {
    (
        format!("expected {what}, found {}", v.describe()),
        help.to_string(),
    )
}

fn lower(v: &ValKind, ty: FieldType) -> Result<Value, Problem> {
    use FieldType as T;
    match ty {
        _ if ty.is_string() => match v {
            ValKind::Str(s) => Ok(Value::Str(s.clone())),
            _ => Err(expected("a string", v, "write the default in quotes: default = \"...\"")),
        },
        _ if ty.is_integer() => match v {
            ValKind::Int(n) => {
                let (min, max) = ty.int_range().unwrap_or((i64::MIN.into(), i64::MAX.into()));
                if *n < min || *n > max {
                    return Err((
                        format!("{n} is out of range for {} fields ({min} to {max})", ty.as_str()),
                        "use a value in range, or a wider integer type".into(),
                    ));
                }
                Ok(Value::Int(*n as i64))
            }
            ValKind::Str(s) if s.parse::<i64>().is_ok() => {
                Err(expected("an integer", v, &format!("write {s} without quotes")))
            }
            _ => Err(expected("an integer", v, "write a whole number, e.g. default = 0")),
        },
        T::ForeignKey | T::OneToOne => match v {
            ValKind::Int(n) => i64::try_from(*n).map(Value::Int).map_err(|_| {
                ("the integer does not fit in 64 bits".to_string(), "use a smaller key".to_string())
            }),
            ValKind::Str(s) => Ok(Value::Str(s.clone())),
            _ => Err(expected(
                "an integer or a string (a key of the target model)",
                v,
                "write the target row's primary key",
            )),
        },
        T::Float => match v {
            ValKind::Float(x) if x.is_finite() => Ok(Value::Float(*x)),
            ValKind::Int(n) => Ok(Value::Float(*n as f64)),
            _ => Err(expected("a number", v, "write a number, e.g. default = 0.5")),
        },
        T::Decimal => match v {
            ValKind::Str(s) => decimal(s).map(Value::Decimal),
            ValKind::Int(n) => Ok(Value::Decimal(n.to_string())),
            ValKind::Float(x) => Err((
                "a float is not exact".into(),
                format!("write the decimal as a string: default = \"{x}\""),
            )),
            _ => Err(expected("a string such as \"0.00\"", v, "write the decimal as a string: default = \"0.00\"")),
        },
        T::Boolean => match v {
            ValKind::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(expected("a boolean", v, "write default = true or default = false")),
        },
        T::Date => match v {
            ValKind::Str(s) => date(s).map(Value::Date).ok_or_else(|| {
                (format!("`{s}` is not a date"), "write the date as \"2024-01-31\"".into())
            }),
            _ => Err(expected("a date string", v, "write default = \"2024-01-31\"")),
        },
        T::Json => match v {
            ValKind::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j) => Ok(Value::Json(j.to_string())),
                Err(e) => Err((format!("not JSON: {e}"), "write JSON text: default = \"{\\\"a\\\": 1}\"".into())),
            },
            _ => Err(expected("a string of JSON", v, "write JSON text: default = \"[]\"")),
        },
        _ => Err((
            format!("a default of a {} field cannot be written in #[model] yet", ty.as_str()),
            "write the default as SQL the database evaluates: db_default = \"...\", or declare this field in models.toml".into(),
        )),
    }
}

/// `YYYY-MM-DD`.
fn date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || year == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day)
    {
        return None;
    }
    Some(Date { year, month, day })
}

/// Canonical decimal text: optional `-`, digits, optional `.digits` (as models.toml reads it).
fn decimal(s: &str) -> Result<String, Problem> {
    let t = s.trim();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !ok {
        return Err((
            format!("`{s}` is not a decimal number"),
            "write digits with an optional fraction, e.g. \"12.50\"".into(),
        ));
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let sign = if int == "0" && frac.bytes().all(|b| b == b'0') {
        ""
    } else {
        sign
    };
    Ok(if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    })
}

pub(crate) fn default_fn_fits(f: DefaultFn, ty: FieldType) -> bool {
    matches!(
        (f, ty),
        (DefaultFn::Uuid4, FieldType::Uuid)
            | (DefaultFn::Now, FieldType::DateTime)
            | (DefaultFn::Today, FieldType::Date)
    )
}
