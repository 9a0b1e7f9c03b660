//! Literal values: defaults and choice codes, already checked against the field's type.

use std::fmt;

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A time of day with nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub nanosecond: u32,
}

/// A point in time in UTC (offsets in the models file are applied on reading).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub time: Time,
}

/// A literal of a field's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A decimal as its canonical text (`-12.50`), exact.
    Decimal(String),
    Date(Date),
    Time(Time),
    DateTime(DateTime),
    /// A duration in microseconds.
    Duration(i64),
    Uuid(u128),
    /// JSON text, compact, keys in the order written.
    Json(String),
    Bytes(Vec<u8>),
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Time {
    /// `HH:MM:SS` with as many fractional digits as `digits` (0, 3 or 6 are useful).
    pub fn format(&self, digits: usize) -> String {
        let mut s = format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second);
        if digits > 0 {
            let frac = format!("{:09}", self.nanosecond);
            s.push('.');
            s.push_str(&frac[..digits.min(9)]);
        }
        s
    }
}

impl fmt::Display for Time {
    /// `HH:MM:SS`, with microseconds when there are any (databases keep at most six digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = if self.nanosecond / 1000 == 0 { 0 } else { 6 };
        f.write_str(&self.format(digits))
    }
}

impl Value {
    /// A short description of the value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::Decimal(_) => "decimal",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::DateTime(_) => "datetime",
            Value::Duration(_) => "duration",
            Value::Uuid(_) => "uuid",
            Value::Json(_) => "json",
            Value::Bytes(_) => "binary",
        }
    }
}

impl fmt::Display for Value {
    /// The value as a user would write it (used in messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::Time(t) => write!(f, "{t}"),
            Value::DateTime(dt) => write!(f, "{} {}", dt.date, dt.time),
            Value::Duration(us) => write!(f, "{us}us"),
            Value::Uuid(u) => write!(f, "{u:032x}"),
            Value::Json(j) => f.write_str(j),
            Value::Bytes(b) => write!(f, "{} bytes", b.len()),
        }
    }
}
