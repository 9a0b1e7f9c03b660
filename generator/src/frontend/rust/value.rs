//! `default = ...` of a field: the attribute literal checked against the field's type, so
//! the IR holds the same [`Value`] models.toml would give.

use crate::diagnostics::Diagnostic;
use crate::ir::{Date, DateTime, DefaultFn, FieldType, Time, Value};

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

// Times, durations and UUIDs read as models.toml reads them (`frontend::toml::literal`):
// the same text gives the same value.

fn time(t: toml_datetime::Time) -> Time {
    Time {
        hour: t.hour,
        minute: t.minute,
        second: t.second.unwrap_or(0).min(59),
        nanosecond: t.nanosecond.unwrap_or(0),
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Applies a UTC offset (in minutes) to a local date and time.
fn to_utc(mut d: Date, t: Time, offset_minutes: i64) -> DateTime {
    let mut minutes = i64::from(t.hour) * 60 + i64::from(t.minute) - offset_minutes;
    let day_shift = minutes.div_euclid(1440);
    minutes = minutes.rem_euclid(1440);
    for _ in 0..day_shift {
        if d.day < days_in_month(d.year, d.month) {
            d.day += 1;
        } else if d.month < 12 {
            d.month += 1;
            d.day = 1;
        } else {
            d.year = d.year.saturating_add(1);
            d.month = 1;
            d.day = 1;
        }
    }
    for _ in day_shift..0 {
        if d.day > 1 {
            d.day -= 1;
        } else if d.month > 1 {
            d.month -= 1;
            d.day = days_in_month(d.year, d.month);
        } else {
            d.year = d.year.saturating_sub(1).max(1);
            d.month = 12;
            d.day = 31;
        }
    }
    DateTime {
        date: d,
        time: Time {
            hour: (minutes / 60) as u8,
            minute: (minutes % 60) as u8,
            ..t
        },
    }
}

/// An ISO 8601 duration (`PnW`, `PnDTnHnMnS`, fractional seconds) in microseconds. Years
/// and months have no fixed length and are refused.
fn duration(s: &str) -> Result<i64, Problem> {
    let bad = || {
        (
            format!("`{s}` is not an ISO 8601 duration"),
            "write e.g. \"PT40H\", \"P1DT2H30M\", \"PT0.5S\" or \"-PT1H\"".to_string(),
        )
    };
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    let mut micros: i128 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if !in_time && number.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            _ => {
                let unit: i128 = match (c, in_time) {
                    _ if number.is_empty() => return Err(bad()),
                    ('W', false) => 7 * 86_400_000_000,
                    ('D', false) => 86_400_000_000,
                    ('H', true) => 3_600_000_000,
                    ('M', true) => 60_000_000,
                    ('S', true) => 1_000_000,
                    ('Y' | 'M', false) => {
                        return Err((
                            "years and months have no fixed length".into(),
                            "write the duration in weeks, days, hours, minutes and seconds".into(),
                        ));
                    }
                    _ => return Err(bad()),
                };
                let (int, frac) = number.split_once('.').unwrap_or((&number, ""));
                if int.is_empty() && frac.is_empty() {
                    return Err(bad());
                }
                let whole: i128 = if int.is_empty() {
                    0
                } else {
                    int.parse().map_err(|_| bad())?
                };
                let mut part = whole.checked_mul(unit).ok_or_else(bad)?;
                if !frac.is_empty() {
                    let digits = frac.len().min(12);
                    let f: i128 = frac
                        .get(..digits)
                        .unwrap_or("0")
                        .parse()
                        .map_err(|_| bad())?;
                    part += f * unit / 10i128.pow(digits as u32);
                }
                micros = micros.checked_add(part).ok_or_else(bad)?;
                number.clear();
                any = true;
            }
        }
    }
    if !number.is_empty() || !any {
        return Err(bad());
    }
    let micros = if negative { -micros } else { micros };
    i64::try_from(micros).map_err(|_| {
        (
            "the duration is too long to store".into(),
            "durations are stored in microseconds: keep it under 292,000 years".into(),
        )
    })
}

/// A UUID in hyphenated or plain 32-hex-digit form.
fn uuid(s: &str) -> Result<u128, Problem> {
    let bare = s.trim_matches(|c| c == '{' || c == '}');
    let hex: String = bare.chars().filter(|&c| c != '-').collect();
    let shape_ok = hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    let hyphens_ok = !s.contains('-') || bare.split('-').map(str::len).eq([8, 4, 4, 4, 12]);
    let bad = || {
        (
            format!("`{s}` is not a UUID"),
            "write 32 hex digits, optionally as 8-4-4-4-12 groups".to_string(),
        )
    };
    if !shape_ok || !hyphens_ok {
        return Err(bad());
    }
    u128::from_str_radix(&hex, 16).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_models_toml_reads_them() {
        assert_eq!(duration("PT40H").ok(), Some(40 * 3_600_000_000));
        assert_eq!(duration("PT0.5S").ok(), Some(500_000));
        assert_eq!(duration("-PT1H").ok(), Some(-3_600_000_000));
        assert_eq!(duration("P2W").ok(), Some(14 * 86_400_000_000));
        for bad in ["P1Y", "PT", "40H", "P", "PT.H"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uuids_and_offsets() {
        assert_eq!(uuid("00000000-0000-0000-0000-0000000000ff").ok(), Some(255));
        assert!(uuid("0000-0000").is_err());
        let local = Date {
            year: 2024,
            month: 1,
            day: 1,
        };
        let t = Time {
            hour: 0,
            minute: 30,
            second: 0,
            nanosecond: 0,
        };
        let utc = to_utc(local, t, 60);
        assert_eq!(
            (utc.date.year, utc.date.month, utc.date.day, utc.time.hour),
            (2023, 12, 31, 23)
        );
    }
}
