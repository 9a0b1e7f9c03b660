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
        T::Time => match v {
            ValKind::Str(s) => match s.parse::<toml_datetime::Datetime>() {
                Ok(toml_datetime::Datetime {
                    date: None,
                    time: Some(t),
                    offset: None,
                }) => Ok(Value::Time(time(t))),
                _ => Err((
                    format!("`{s}` is not a time of day"),
                    "write the time as \"09:30:00\"".into(),
                )),
            },
            _ => Err(expected("a time string", v, "write default = \"09:30:00\"")),
        },
        T::DateTime => match v {
            ValKind::Str(s) => match s.parse::<toml_datetime::Datetime>() {
                Ok(toml_datetime::Datetime {
                    date: Some(d),
                    time: Some(t),
                    offset,
                }) if d.year >= 1 => {
                    let offset = match offset {
                        None | Some(toml_datetime::Offset::Z) => 0,
                        Some(toml_datetime::Offset::Custom { minutes }) => i64::from(minutes),
                    };
                    let date = Date {
                        year: d.year,
                        month: d.month,
                        day: d.day,
                    };
                    Ok(Value::DateTime(to_utc(date, time(t), offset)))
                }
                _ => Err((
                    format!("`{s}` is not a date and time"),
                    "write the datetime as \"2024-01-31T09:30:00Z\" (an offset such as +02:00 is applied; none is UTC)".into(),
                )),
            },
            _ => Err(expected("a datetime string", v, "write default = \"2024-01-31T09:30:00Z\"")),
        },
        T::Duration => match v {
            ValKind::Str(s) => duration(s).map(Value::Duration),
            _ => Err(expected("an ISO 8601 duration string", v, "write e.g. default = \"PT40H\" or \"P1DT2H30M\"")),
        },
        T::Uuid => match v {
            ValKind::Str(s) => uuid(s).map(Value::Uuid),
            _ => Err(expected("a UUID string", v, "write e.g. default = \"6f1c8f9e-3b1a-4c5e-9f7d-0a1b2c3d4e5f\"")),
        },
        T::Binary => match v {
            ValKind::Str(s) => Ok(Value::Bytes(s.as_bytes().to_vec())),
            ValKind::Array(items) => items
                .iter()
                .map(|item| match item.kind {
                    ValKind::Int(n) if (0..=255).contains(&n) => Ok(n as u8),
                    _ => Err((
                        "binary defaults are a string or an array of bytes 0 to 255".to_string(),
                        "write default = \"bytes\" or default = [0, 255]".to_string(),
                    )),
                })
                .collect::<Result<Vec<u8>, _>>()
                .map(Value::Bytes),
            _ => Err(expected("a string or an array of bytes", v, "write default = \"bytes\" or default = [0, 255]")),
        },
        T::IpAddress => match v {
            ValKind::Str(s) => match s.parse::<std::net::IpAddr>() {
                Ok(_) => Ok(Value::Str(s.clone())),
                Err(_) => Err((
                    format!("`{s}` is not an IPv4 or IPv6 address"),
                    "write e.g. default = \"127.0.0.1\"".into(),
                )),
            },
            _ => Err(expected("an IP address string", v, "write e.g. default = \"127.0.0.1\"")),
        },
        T::Json => match v {
            ValKind::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j) => Ok(Value::Json(j.to_string())),
                Err(e) => Err((format!("not JSON: {e}"), "write JSON text: default = \"{\\\"a\\\": 1}\"".into())),
            },
            _ => Err(expected("a string of JSON", v, "write JSON text: default = \"[]\"")),
        },
        // Many-to-many fields (no column) and fields of no type.
        _ => Err((
            "this field has no default".into(),
            "remove the default".into(),
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
    from_toml(literal::decimal(s))
}

pub(crate) fn default_fn_fits(f: DefaultFn, ty: FieldType) -> bool {
    matches!(
        (f, ty),
        (DefaultFn::Uuid4, FieldType::Uuid)
            | (DefaultFn::Now, FieldType::DateTime)
            | (DefaultFn::Today, FieldType::Date)
    )
}

// Times, durations, UUIDs and decimals read by models.toml's own functions
// (`frontend::toml::literal`): the same text gives the same value, and the same errors.

use crate::frontend::toml::literal::{self, time, to_utc};

/// models.toml's problem, whose help is always given for these.
fn from_toml<T>(r: Result<T, (String, Option<String>)>) -> Result<T, Problem> {
    r.map_err(|(message, help)| (message, help.unwrap_or_default()))
}

fn duration(s: &str) -> Result<i64, Problem> {
    from_toml(literal::duration(s))
}

fn uuid(s: &str) -> Result<u128, Problem> {
    from_toml(literal::uuid(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parsers are models.toml's (tested there); what this file adds is carrying
    /// their help into the attribute's error.
    #[test]
    fn errors_keep_models_toml_help() {
        assert_eq!(duration("PT40H").ok(), Some(40 * 3_600_000_000));
        for (bad, help) in [
            (duration("P1Y").err(), "weeks, days"),
            (uuid("0000-0000").err(), "32 hex digits"),
            (decimal("1.2.3").err(), "optional fraction"),
        ] {
            let (message, got) = bad.expect("an error");
            assert!(!message.is_empty());
            assert!(got.contains(help), "{got}");
        }
    }
}
