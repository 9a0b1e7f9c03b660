//! Literals of a field's type: `default` values and choice codes.
//!
//! Each TOML value is checked against the field's type here, so backends only ever see a
//! [`Value`] that means what the field stores: exact decimals, UTC datetimes, durations in
//! microseconds, canonical JSON.

use toml::de::DeValue;

use crate::diagnostics::Diagnostic;
use crate::ir::{Date, DateTime, FieldType, Time, Value};

use super::reader::{Reader, Value as TValue, kind_of};

impl Reader<'_> {
    /// Reads `v` as a literal of type `ty`. `what` names the option (e.g. "`default` of
    /// `Product.price`").
    pub fn literal(
        &mut self,
        v: &TValue<'_>,
        ty: FieldType,
        what: &dyn std::fmt::Display,
    ) -> Option<Value> {
        match lower(v.get_ref(), ty) {
            Ok(value) => Some(value),
            Err((message, help)) => {
                let mut d = Diagnostic::error(format!("invalid {what}: {message}"))
                    .at(self.vspan(v))
                    .label(message.clone());
                if let Some(help) = help {
                    d = d.help(help);
                }
                self.push(d);
                None
            }
        }
    }
}

type Problem = (String, Option<String>);

fn expected(what: &str, v: &DeValue<'_>, help: &str) -> Problem {
    (
        format!("expected {what}, found {}", kind_of(v)),
        Some(help.to_string()),
    )
}

fn too_big() -> Problem {
    (
        "the integer does not fit in 64 bits".to_string(),
        Some(format!("use a value from {} to {}", i64::MIN, i64::MAX)),
    )
}

fn int_of(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

fn lower(v: &DeValue<'_>, ty: FieldType) -> Result<Value, Problem> {
    use FieldType as T;
    match ty {
        T::Char | T::Text | T::Slug | T::Email | T::Url => match v {
            DeValue::String(s) => Ok(Value::Str(s.to_string())),
            _ => Err(expected(
                "a string",
                v,
                "write the default in quotes: default = \"...\"",
            )),
        },
        T::Auto
        | T::BigAuto
        | T::SmallAuto
        | T::Integer
        | T::SmallInteger
        | T::BigInteger
        | T::PositiveInteger
        | T::PositiveSmallInteger
        | T::PositiveBigInteger => match v {
            DeValue::Integer(_) => {
                let n = int_of(v).ok_or_else(too_big)?;
                if let Some((min, max)) = ty.int_range() {
                    if i128::from(n) < min || i128::from(n) > max {
                        return Err((
                            format!(
                                "{n} is out of range for {} fields ({min} to {max})",
                                ty.as_str()
                            ),
                            Some("use a value in range, or a wider integer type".into()),
                        ));
                    }
                }
                Ok(Value::Int(n))
            }
            DeValue::String(s) if s.parse::<i64>().is_ok() => Err(expected(
                "an integer",
                v,
                &format!("write {s} without quotes"),
            )),
            _ => Err(expected(
                "an integer",
                v,
                "write a whole number, e.g. default = 0",
            )),
        },
        // A relation's default is a value of the target's key; its type is checked against
        // the target once relations are resolved.
        T::ForeignKey | T::OneToOne => match v {
            DeValue::Integer(_) => int_of(v).map(Value::Int).ok_or_else(too_big),
            DeValue::String(s) => Ok(Value::Str(s.to_string())),
            _ => Err(expected(
                "an integer or a string (a key of the target model)",
                v,
                "write the target row's primary key",
            )),
        },
        T::Float => match v {
            DeValue::Float(f) => {
                let x: f64 = f.as_str().replace('_', "").parse().map_err(|_| {
                    (
                        "not a number".to_string(),
                        Some("write a number such as 1.5".into()),
                    )
                })?;
                if !x.is_finite() {
                    return Err((
                        "inf and nan cannot be stored as a default".into(),
                        Some("use a finite number".into()),
                    ));
                }
                Ok(Value::Float(x))
            }
            DeValue::Integer(_) => int_of(v)
                .map(|n| Value::Float(n as f64))
                .ok_or_else(too_big),
            _ => Err(expected(
                "a number",
                v,
                "write a number, e.g. default = 0.5",
            )),
        },
        T::Decimal => match v {
            DeValue::String(s) => decimal(s).map(Value::Decimal),
            DeValue::Integer(_) => int_of(v)
                .map(|n| Value::Decimal(n.to_string()))
                .ok_or_else(too_big),
            DeValue::Float(f) => Err((
                "a float is not exact".into(),
                Some(format!(
                    "write the decimal as a string: default = \"{}\"",
                    f.as_str()
                )),
            )),
            _ => Err(expected(
                "a string such as \"0.00\"",
                v,
                "write the decimal as a string: default = \"0.00\"",
            )),
        },
        T::Boolean => match v {
            DeValue::Boolean(b) => Ok(Value::Bool(*b)),
            _ => Err(expected(
                "a boolean",
                v,
                "write default = true or default = false",
            )),
        },
        T::Date => match v {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => Ok(Value::Date(date(d)?)),
                _ => Err((
                    "expected a date such as 2024-01-31".into(),
                    Some("write a TOML date without quotes: default = 2024-01-31".into()),
                )),
            },
            _ => Err(expected(
                "a date",
                v,
                "write a TOML date without quotes: default = 2024-01-31",
            )),
        },
        T::Time => match v {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (None, Some(t), None) => Ok(Value::Time(time(t))),
                _ => Err((
                    "expected a time of day such as 09:30:00".into(),
                    Some("write a TOML time without quotes: default = 09:30:00".into()),
                )),
            },
            _ => Err(expected(
                "a time",
                v,
                "write a TOML time without quotes: default = 09:30:00",
            )),
        },
        T::DateTime => match v {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), Some(t)) => {
                    let offset = match dt.offset {
                        None | Some(toml_datetime::Offset::Z) => 0,
                        Some(toml_datetime::Offset::Custom { minutes }) => i64::from(minutes),
                    };
                    Ok(Value::DateTime(to_utc(date(d)?, time(t), offset)))
                }
                _ => Err((
                    "expected a date and time such as 2024-01-31T09:30:00Z".into(),
                    Some("write a TOML datetime without quotes".into()),
                )),
            },
            _ => Err(expected(
                "a datetime",
                v,
                "write a TOML datetime without quotes: default = 2024-01-31T09:30:00Z",
            )),
        },
        T::Duration => match v {
            DeValue::String(s) => duration(s).map(Value::Duration),
            _ => Err(expected(
                "an ISO 8601 duration string",
                v,
                "write e.g. default = \"PT40H\" or \"P1DT2H30M\"",
            )),
        },
        T::Uuid => match v {
            DeValue::String(s) => uuid(s).map(Value::Uuid),
            _ => Err(expected(
                "a UUID string",
                v,
                "write e.g. default = \"6f1c8f9e-3b1a-4c5e-9f7d-0a1b2c3d4e5f\"",
            )),
        },
        T::Json => Ok(Value::Json(json(v))),
        T::Binary => match v {
            DeValue::String(s) => Ok(Value::Bytes(s.as_bytes().to_vec())),
            DeValue::Array(items) => items
                .iter()
                .map(|item| match int_of(item.get_ref()) {
                    Some(n) if (0..=255).contains(&n) => Ok(n as u8),
                    _ => Err((
                        "binary defaults are a string or an array of bytes 0 to 255".to_string(),
                        Some("write default = \"bytes\" or default = [0, 255]".into()),
                    )),
                })
                .collect::<Result<Vec<u8>, _>>()
                .map(Value::Bytes),
            _ => Err(expected(
                "a string or an array of bytes",
                v,
                "write default = \"bytes\" or default = [0, 255]",
            )),
        },
        T::IpAddress => match v {
            DeValue::String(s) => match s.parse::<std::net::IpAddr>() {
                Ok(_) => Ok(Value::Str(s.to_string())),
                Err(_) => Err((
                    format!("`{s}` is not an IPv4 or IPv6 address"),
                    Some("write e.g. default = \"127.0.0.1\"".into()),
                )),
            },
            _ => Err(expected(
                "an IP address string",
                v,
                "write e.g. default = \"127.0.0.1\"",
            )),
        },
        T::ManyToMany | T::Error => Err((
            "this field has no default".into(),
            Some("remove the default".into()),
        )),
    }
}

fn date(d: toml_datetime::Date) -> Result<Date, Problem> {
    if d.year < 1 {
        return Err((
            "year 0 cannot be stored by every database".into(),
            Some("use a year from 1 to 9999".into()),
        ));
    }
    Ok(Date {
        year: d.year,
        month: d.month,
        day: d.day,
    })
}

pub(crate) fn time(t: toml_datetime::Time) -> Time {
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
pub(crate) fn to_utc(mut d: Date, t: Time, offset_minutes: i64) -> DateTime {
    let mut minutes = i64::from(t.hour) * 60 + i64::from(t.minute) - offset_minutes;
    let mut day_shift = 0i64;
    while minutes < 0 {
        minutes += 1440;
        day_shift -= 1;
    }
    while minutes >= 1440 {
        minutes -= 1440;
        day_shift += 1;
    }
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

/// Canonical decimal text: optional `-`, digits, optional `.digits`.
pub(crate) fn decimal(s: &str) -> Result<String, Problem> {
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
            Some("write digits with an optional fraction, e.g. \"12.50\"".into()),
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

/// An ISO 8601 duration (`PnW`, `PnDTnHnMnS`, fractional seconds) in microseconds.
/// Years and months have no fixed length and are refused.
pub(crate) fn duration(s: &str) -> Result<i64, Problem> {
    let bad = || {
        (
            format!("`{s}` is not an ISO 8601 duration"),
            Some("write e.g. \"PT40H\", \"P1DT2H30M\", \"PT0.5S\" or \"-PT1H\"".to_string()),
        )
    };
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    if rest.is_empty() {
        return Err(bad());
    }
    let mut micros: i128 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if !in_time && number.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            _ => {
                if number.is_empty() {
                    return Err(bad());
                }
                let unit: i128 = match (c, in_time) {
                    ('W', false) => 7 * 86_400_000_000,
                    ('D', false) => 86_400_000_000,
                    ('H', true) => 3_600_000_000,
                    ('M', true) => 60_000_000,
                    ('S', true) => 1_000_000,
                    ('Y', false) | ('M', false) => {
                        return Err((
                            "years and months have no fixed length".into(),
                            Some(
                                "write the duration in weeks, days, hours, minutes and seconds"
                                    .into(),
                            ),
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
                    let digits = frac.len().min(12) as u32;
                    let f: i128 = frac[..digits as usize].parse().map_err(|_| bad())?;
                    part += f * unit / 10i128.pow(digits);
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
            Some("durations are stored in microseconds: keep it under 292,000 years".into()),
        )
    })
}

/// A UUID in hyphenated or plain 32-hex-digit form.
pub(crate) fn uuid(s: &str) -> Result<u128, Problem> {
    let hex: String = s
        .trim_matches(|c| c == '{' || c == '}')
        .chars()
        .filter(|&c| c != '-')
        .collect();
    let shape_ok = hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    let hyphens_ok = !s.contains('-') || {
        let groups: Vec<usize> = s
            .trim_matches(|c| c == '{' || c == '}')
            .split('-')
            .map(str::len)
            .collect();
        groups == [8, 4, 4, 4, 12]
    };
    if !shape_ok || !hyphens_ok {
        return Err((
            format!("`{s}` is not a UUID"),
            Some("write 32 hex digits, optionally as 8-4-4-4-12 groups".into()),
        ));
    }
    u128::from_str_radix(&hex, 16).map_err(|_| {
        (
            format!("`{s}` is not a UUID"),
            Some("write 32 hex digits, optionally as 8-4-4-4-12 groups".into()),
        )
    })
}

/// Compact JSON text of a TOML value, keys in the order written.
fn json(v: &DeValue<'_>) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

fn write_json(out: &mut String, v: &DeValue<'_>) {
    match v {
        DeValue::String(s) => out.push_str(&serde_json::Value::String(s.to_string()).to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => out.push_str(&n.to_string()),
            Err(_) => out.push_str(&serde_json::Value::String(i.as_str().to_string()).to_string()),
        },
        DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() => out.push_str(&serde_json::Value::from(x).to_string()),
            _ => out.push_str("null"),
        },
        DeValue::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        DeValue::Datetime(dt) => {
            out.push_str(&serde_json::Value::String(dt.to_string()).to_string())
        }
        DeValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item.get_ref());
            }
            out.push(']');
        }
        DeValue::Table(t) => {
            out.push('{');
            for (i, (k, item)) in t.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.get_ref().to_string()).to_string());
                out.push(':');
                write_json(out, item.get_ref());
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("PT40H").ok(), Some(40 * 3_600_000_000));
        assert_eq!(
            duration("P1DT2H30M").ok(),
            Some(86_400_000_000 + 2 * 3_600_000_000 + 30 * 60_000_000)
        );
        assert_eq!(duration("PT0.5S").ok(), Some(500_000));
        assert_eq!(duration("-PT1H").ok(), Some(-3_600_000_000));
        assert_eq!(duration("P2W").ok(), Some(14 * 86_400_000_000));
        assert!(duration("P1Y").is_err());
        assert!(duration("PT").is_err());
        assert!(duration("40H").is_err());
        assert!(duration("P").is_err());
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal("0.00").ok().as_deref(), Some("0.00"));
        assert_eq!(decimal("-007.50").ok().as_deref(), Some("-7.50"));
        assert_eq!(decimal("-0.0").ok().as_deref(), Some("0.0"));
        assert!(decimal("1e5").is_err());
        assert!(decimal("1.").is_err());
        assert!(decimal("").is_err());
    }

    #[test]
    fn uuids() {
        assert_eq!(uuid("00000000-0000-0000-0000-0000000000ff").ok(), Some(255));
        assert!(uuid("0000-0000").is_err());
        assert!(uuid("zz000000000000000000000000000000").is_err());
    }

    #[test]
    fn offsets_are_applied() {
        let d = Date {
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
        let utc = to_utc(d, t, 60);
        assert_eq!(
            (
                utc.date.year,
                utc.date.month,
                utc.date.day,
                utc.time.hour,
                utc.time.minute
            ),
            (2023, 12, 31, 23, 30)
        );
    }
}
