//! The Rust type of each column, per dialect: what sqlx encodes and decodes on that database
//! without loss.

use crate::ddl::{Dialect, SqlType, column_type};
use crate::ir::{DialectName, Field, FieldType, Schema};

/// A value's way between the struct field and the database, where sqlx has no direct
/// mapping for the field's Rust type on the dialect: a newtype of the generated file's
/// `modelc_wire` module, read with `.0` and bound as `Wire(value)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wire {
    /// `uuid::Uuid` as 32 hex digits (Django's `char(32)` on MySQL and SQLite).
    UuidText,
    /// `rust_decimal::Decimal` on SQLite, which stores numbers as INTEGER, REAL or TEXT.
    SqliteDecimal,
    /// `std::net::IpAddr` as text (SQLite has no address type).
    IpText,
    /// `chrono::TimeDelta` as a bigint of microseconds (Django's storage of a duration on
    /// MySQL and SQLite).
    Micros,
    /// `chrono::TimeDelta` as a PostgreSQL interval.
    Interval,
    /// `chrono::DateTime<chrono::Utc>` on MySQL, bound as a DATETIME (naive, in UTC). sqlx
    /// binds a `DateTime<Utc>` as a TIMESTAMP, and MariaDB holds such a parameter to
    /// TIMESTAMP's range (1970 to 2038), storing NULL for a time outside it.
    MySqlDateTime,
}

impl Wire {
    pub fn name(self) -> &'static str {
        match self {
            Wire::UuidText => "UuidText",
            Wire::SqliteDecimal => "SqliteDecimal",
            Wire::IpText => "IpText",
            Wire::Micros => "Micros",
            Wire::Interval => "Interval",
            Wire::MySqlDateTime => "MySqlDateTime",
        }
    }
}

/// The Rust side of one column.
#[derive(Clone, Debug)]
pub struct RustType {
    /// The type, without `Option` for a nullable column.
    pub ty: String,
    pub wire: Option<Wire>,
    /// Whether the type is `Copy` (bound by value rather than by reference).
    pub copy: bool,
}

impl RustType {
    fn new(ty: &str, copy: bool) -> Self {
        RustType {
            ty: ty.to_string(),
            wire: None,
            copy,
        }
    }

    fn wired(ty: &str, wire: Wire) -> Self {
        RustType {
            ty: ty.to_string(),
            wire: Some(wire),
            copy: true,
        }
    }
}

/// The crates a generated file may name, for the README's table and the file's header.
pub const DECIMAL: &str = "rust_decimal::Decimal";
pub const UUID: &str = "uuid::Uuid";

/// The Rust type of `field`'s column on `d` (its choices enum aside).
pub fn rust_type(schema: &Schema, field: &Field, d: &dyn Dialect) -> RustType {
    let dialect = d.name();
    let sql = column_type(schema, field, d);
    let unsigned = |u: bool| u && dialect == DialectName::MySql;
    match sql {
        SqlType::SmallInt { unsigned: u } if unsigned(u) => RustType::new("u16", true),
        SqlType::SmallInt { .. } => RustType::new("i16", true),
        SqlType::Int { unsigned: u } if unsigned(u) => RustType::new("u32", true),
        SqlType::Int { .. } => RustType::new("i32", true),
        SqlType::BigInt { unsigned: u } if unsigned(u) => RustType::new("u64", true),
        SqlType::BigInt { .. } => RustType::new("i64", true),
        SqlType::Varchar(_) | SqlType::Text => RustType::new("String", false),
        SqlType::Float => RustType::new("f64", true),
        SqlType::Decimal { .. } => match dialect {
            DialectName::Sqlite => RustType::wired(DECIMAL, Wire::SqliteDecimal),
            _ => RustType::new(DECIMAL, true),
        },
        SqlType::Bool => RustType::new("bool", true),
        SqlType::Date => RustType::new("chrono::NaiveDate", true),
        SqlType::DateTime => match dialect {
            DialectName::MySql => {
                RustType::wired("chrono::DateTime<chrono::Utc>", Wire::MySqlDateTime)
            }
            _ => RustType::new("chrono::DateTime<chrono::Utc>", true),
        },
        SqlType::Time => RustType::new("chrono::NaiveTime", true),
        SqlType::Duration => match dialect {
            DialectName::Postgres => RustType::wired("chrono::TimeDelta", Wire::Interval),
            _ => RustType::wired("chrono::TimeDelta", Wire::Micros),
        },
        SqlType::Uuid => match dialect {
            DialectName::Postgres => RustType::new(UUID, true),
            _ => RustType::wired(UUID, Wire::UuidText),
        },
        SqlType::Json => RustType::new("serde_json::Value", false),
        SqlType::Binary => RustType::new("Vec<u8>", false),
        SqlType::Inet(_) => match dialect {
            DialectName::Sqlite => RustType::wired("std::net::IpAddr", Wire::IpText),
            _ => RustType::new("std::net::IpAddr", true),
        },
    }
}

/// The type of a choices enum's code, by the field's type.
pub fn code_type(schema: &Schema, field: &Field, d: &dyn Dialect) -> Option<String> {
    if field.ty.is_string() {
        return Some("&'static str".into());
    }
    if field.ty.is_integer() || field.ty == FieldType::ForeignKey {
        let t = rust_type(schema, field, d);
        return Some(t.ty);
    }
    None
}

/// Rust's keywords: a field of that name is written as a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// `name` as a Rust identifier: raw where it is a keyword; `self`, `super`, `crate` and
/// `Self`, which cannot be raw, get a trailing underscore.
pub fn ident(name: &str) -> String {
    match name {
        "self" | "super" | "crate" | "Self" | "_" => format!("{name}_"),
        n if KEYWORDS.contains(&n) => format!("r#{n}"),
        n => n.to_string(),
    }
}
