//! The column type each catalog reports for each field type, written from the catalogs'
//! documentation and Django's backends, not from modelc's type names: PostgreSQL's
//! `information_schema.columns.data_type`, MariaDB's `COLUMN_TYPE` (integer display widths
//! dropped by `catalog`), SQLite's declared type.

use modelc::ir::{Field, FieldType};

use super::Server;

/// A column type as a catalog reports it (see `catalog::Column`).
#[derive(Debug)]
pub struct Ty {
    pub data_type: String,
    pub len: Option<u32>,
    pub numeric: Option<(u32, u32)>,
    pub fsp: Option<u32>,
}

impl Ty {
    fn new(data_type: impl Into<String>) -> Ty {
        Ty {
            data_type: data_type.into(),
            len: None,
            numeric: None,
            fsp: None,
        }
    }

    fn len(mut self, n: u32) -> Ty {
        self.len = Some(n);
        self
    }

    fn fsp(mut self, n: u32) -> Ty {
        self.fsp = Some(n);
        self
    }
}

/// `data_type [len n] [p,s] [fsp n]`, the same text for both sides.
pub fn type_text(
    data_type: &str,
    len: Option<u32>,
    numeric: Option<(u32, u32)>,
    fsp: Option<u32>,
) -> String {
    let mut s = data_type.to_string();
    if let Some(n) = len {
        s.push_str(&format!(" [len {n}]"));
    }
    if let Some((p, sc)) = numeric {
        s.push_str(&format!(" [{p},{sc}]"));
    }
    if let Some(n) = fsp {
        s.push_str(&format!(" [fsp {n}]"));
    }
    s
}

/// The type each catalog reports for a column of `ty`. `as_fk`: the column of a relation
/// pointing at a field of this type (no auto-increment; not unsigned except on MySQL).
pub fn column_type(ty: FieldType, field: Option<&Field>, server: Server, as_fk: bool) -> Ty {
    use FieldType as T;
    let max_length = field.and_then(Field::effective_max_length).unwrap_or(255);
    let (digits, places) = field.map_or((10, 0), |f| {
        (f.max_digits.unwrap_or(10), f.decimal_places.unwrap_or(0))
    });
    let int_size = match ty {
        T::SmallAuto | T::SmallInteger | T::PositiveSmallInteger => 16,
        T::Auto | T::Integer | T::PositiveInteger => 32,
        _ => 64,
    };
    match server {
        Server::Postgres => match ty {
            _ if ty.is_integer() => Ty::new(match int_size {
                16 => "smallint",
                32 => "integer",
                _ => "bigint",
            }),
            t if t.has_max_length() => Ty::new("character varying").len(max_length),
            T::Text => Ty::new("text"),
            T::Float => Ty::new("double precision"),
            T::Decimal => Ty {
                numeric: Some((digits, places)),
                ..Ty::new("numeric")
            },
            T::Boolean => Ty::new("boolean"),
            T::Date => Ty::new("date"),
            T::DateTime => Ty::new("timestamp with time zone").fsp(6),
            T::Time => Ty::new("time without time zone").fsp(6),
            T::Duration => Ty::new("interval"),
            T::Uuid => Ty::new("uuid"),
            T::Json => Ty::new("jsonb"),
            T::Binary => Ty::new("bytea"),
            T::IpAddress => Ty::new("inet"),
            other => Ty::new(format!("<{}>", other.as_str())),
        },
        Server::MariaDb | Server::MySql => match ty {
            _ if ty.is_integer() => {
                let base = match int_size {
                    16 => "smallint",
                    32 => "int",
                    _ => "bigint",
                };
                // Foreign keys match their target's type exactly, unsigned included.
                Ty::new(if ty.is_positive() {
                    format!("{base} unsigned")
                } else {
                    base.into()
                })
            }
            t if t.has_max_length() => Ty::new(format!("varchar({max_length})")).len(max_length),
            T::Text => Ty::new("longtext"),
            T::Float => Ty::new("double"),
            T::Decimal => Ty {
                numeric: Some((digits, places)),
                ..Ty::new(format!("decimal({digits},{places})"))
            },
            T::Boolean => Ty::new("tinyint(1)"),
            T::Date => Ty::new("date"),
            T::DateTime => Ty::new("datetime(6)").fsp(6),
            T::Time => Ty::new("time(6)").fsp(6),
            T::Duration => Ty::new("bigint"),
            T::Uuid => Ty::new("char(32)").len(32),
            // MariaDB's JSON is an alias of longtext with a json_valid check.
            T::Json if server == Server::MariaDb => Ty::new("longtext"),
            T::Json => Ty::new("json"),
            T::Binary => Ty::new("longblob"),
            T::IpAddress => Ty::new("char(39)").len(39),
            other => Ty::new(format!("<{}>", other.as_str())),
        },
        Server::Sqlite => match ty {
            // Only `integer PRIMARY KEY` is the rowid alias that auto-increments.
            _ if ty.is_auto() && !as_fk => Ty::new("integer"),
            _ if ty.is_integer() => {
                let base = match int_size {
                    16 => "smallint",
                    32 => "integer",
                    _ => "bigint",
                };
                Ty::new(if ty.is_positive() && !as_fk {
                    format!("{base} unsigned")
                } else {
                    base.into()
                })
            }
            t if t.has_max_length() => Ty::new(format!("varchar({max_length})")),
            T::Text | T::Json => Ty::new("text"),
            T::Float => Ty::new("real"),
            T::Decimal => Ty::new("decimal"),
            T::Boolean => Ty::new("bool"),
            T::Date => Ty::new("date"),
            T::DateTime => Ty::new("datetime"),
            T::Time => Ty::new("time"),
            T::Duration => Ty::new("bigint"),
            T::Uuid => Ty::new("char(32)"),
            T::Binary => Ty::new("blob"),
            T::IpAddress => Ty::new("char(39)"),
            other => Ty::new(format!("<{}>", other.as_str())),
        },
    }
}
