//! Column types: what SQL type each field's column has, before a dialect names it.

use crate::ir::{Field, FieldType, Schema};

use super::{Dialect, SqlType};

/// The SQL type of `field`'s column. A relation's column takes its target's type, without
/// auto-increment, and unsigned only where the dialect matches related types exactly.
pub fn column_type(schema: &Schema, field: &Field, dialect: &dyn Dialect) -> SqlType {
    if field.ty.is_fk() {
        if let Some((_, target)) = schema.target(field) {
            return related_type(base_type(target), dialect);
        }
    }
    base_type(field)
}

pub(crate) fn base_type(field: &Field) -> SqlType {
    use FieldType as T;
    match field.ty {
        T::Auto | T::Integer => SqlType::Int { unsigned: false },
        T::BigAuto | T::BigInteger => SqlType::BigInt { unsigned: false },
        T::SmallAuto | T::SmallInteger => SqlType::SmallInt { unsigned: false },
        T::PositiveInteger => SqlType::Int { unsigned: true },
        T::PositiveSmallInteger => SqlType::SmallInt { unsigned: true },
        T::PositiveBigInteger => SqlType::BigInt { unsigned: true },
        T::Char | T::Slug | T::Email | T::Url => {
            SqlType::Varchar(field.effective_max_length().unwrap_or(255))
        }
        T::Text => SqlType::Text,
        T::Float => SqlType::Float,
        T::Decimal => SqlType::Decimal {
            digits: field.max_digits.unwrap_or(10),
            places: field.decimal_places.unwrap_or(0),
        },
        T::Boolean => SqlType::Bool,
        T::Date => SqlType::Date,
        T::DateTime => SqlType::DateTime,
        T::Time => SqlType::Time,
        T::Duration => SqlType::Duration,
        T::Uuid => SqlType::Uuid,
        T::Json => SqlType::Json,
        T::Binary => SqlType::Binary,
        T::IpAddress => SqlType::Inet(field.protocol),
        // Validation guarantees relations resolve; many-to-many has no column.
        T::ForeignKey | T::OneToOne | T::ManyToMany | T::Error => {
            SqlType::BigInt { unsigned: false }
        }
    }
}

/// A key column pointing at a column of type `ty`: unsigned only where the dialect matches
/// related types exactly (Django's `related_fields_match_type`).
pub(crate) fn related_type(ty: SqlType, dialect: &dyn Dialect) -> SqlType {
    if dialect.caps().related_fields_match_type {
        return ty;
    }
    match ty {
        SqlType::SmallInt { .. } => SqlType::SmallInt { unsigned: false },
        SqlType::Int { .. } => SqlType::Int { unsigned: false },
        SqlType::BigInt { .. } => SqlType::BigInt { unsigned: false },
        other => other,
    }
}
