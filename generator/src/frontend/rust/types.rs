//! Rust field types: what a field's type says about its column (`Option<T>` is nullable,
//! `String` is text, `i64` is big_integer, ...), and where the type is written.

use syn::{GenericArgument, PathArguments, Type};

use crate::ir::FieldType;

use super::span::Tokens;

/// The Rust types modelc knows, by what they store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Str,
    I16,
    I32,
    I64,
    U16,
    U32,
    U64,
    F64,
    Bool,
    Decimal,
    DateTime,
    Date,
    Time,
    Duration,
    Uuid,
    Json,
    Bytes,
    IpAddr,
}

impl Class {
    /// How the class is written in Rust, for messages.
    pub fn rust(self) -> &'static str {
        match self {
            Class::Str => "String",
            Class::I16 => "i16",
            Class::I32 => "i32",
            Class::I64 => "i64",
            Class::U16 => "u16",
            Class::U32 => "u32",
            Class::U64 => "u64",
            Class::F64 => "f64",
            Class::Bool => "bool",
            Class::Decimal => "rust_decimal::Decimal",
            Class::DateTime => "chrono::DateTime<Utc>",
            Class::Date => "chrono::NaiveDate",
            Class::Time => "chrono::NaiveTime",
            Class::Duration => "chrono::TimeDelta",
            Class::Uuid => "uuid::Uuid",
            Class::Json => "serde_json::Value",
            Class::Bytes => "Vec<u8>",
            Class::IpAddr => "std::net::IpAddr",
        }
    }

    /// The field type a Rust type means when nothing else is said (`String` is text unless
    /// a `max_length` makes it char).
    pub fn field_type(self, bounded: bool) -> FieldType {
        use FieldType as T;
        match self {
            Class::Str if bounded => T::Char,
            Class::Str => T::Text,
            Class::I16 => T::SmallInteger,
            Class::I32 => T::Integer,
            Class::I64 => T::BigInteger,
            Class::U16 => T::PositiveSmallInteger,
            Class::U32 => T::PositiveInteger,
            Class::U64 => T::PositiveBigInteger,
            Class::F64 => T::Float,
            Class::Bool => T::Boolean,
            Class::Decimal => T::Decimal,
            Class::DateTime => T::DateTime,
            Class::Date => T::Date,
            Class::Time => T::Time,
            Class::Duration => T::Duration,
            Class::Uuid => T::Uuid,
            Class::Json => T::Json,
            Class::Bytes => T::Binary,
            Class::IpAddr => T::IpAddress,
        }
    }

    /// Whether a field of type `ty` may be held in this Rust type (relations: the key's type,
    /// checked against the target separately).
    pub fn holds(self, ty: FieldType) -> bool {
        use FieldType as T;
        match ty {
            T::Auto => self == Class::I32,
            T::BigAuto => self == Class::I64,
            T::SmallAuto => self == Class::I16,
            T::ForeignKey | T::OneToOne | T::ManyToMany | T::Error => true,
            _ if ty.is_string() => self == Class::Str,
            _ => self.field_type(true) == ty,
        }
    }

    /// The class the generated Rust uses for a key of type `ty` (for foreign keys).
    pub fn of_key(ty: FieldType) -> Option<Class> {
        use FieldType as T;
        Some(match ty {
            T::Auto | T::Integer => Class::I32,
            T::BigAuto | T::BigInteger => Class::I64,
            T::SmallAuto | T::SmallInteger => Class::I16,
            T::PositiveInteger => Class::U32,
            T::PositiveSmallInteger => Class::U16,
            T::PositiveBigInteger => Class::U64,
            T::Uuid => Class::Uuid,
            T::Date => Class::Date,
            T::DateTime => Class::DateTime,
            T::Decimal => Class::Decimal,
            _ if ty.is_string() => Class::Str,
            _ => return None,
        })
    }
}

/// A field's Rust type, read.
#[derive(Clone, Debug)]
pub(crate) struct RustType {
    /// Written `Option<T>`.
    pub option: bool,
    /// What `T` stores, when modelc knows it.
    pub class: Option<Class>,
    /// `T` as written (for messages).
    pub text: String,
    /// Where the whole type is.
    pub tokens: Tokens,
    /// Where the `Option` is, when written.
    pub option_tokens: Option<Tokens>,
}

pub(crate) fn read(ty: &Type, fallback: Tokens) -> RustType {
    let tokens = tokens_of(ty).unwrap_or(fallback);
    if let Some(inner) = generic_arg(ty, "Option") {
        let mut inner_type = read(inner, tokens);
        inner_type.option = true;
        inner_type.tokens = tokens;
        inner_type.option_tokens = Some(tokens);
        return inner_type;
    }
    RustType {
        option: false,
        class: classify(ty),
        text: text_of(ty),
        tokens,
        option_tokens: None,
    }
}

/// The one type argument of `Name<T>` (by the last segment of the path).
fn generic_arg<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn classify(ty: &Type) -> Option<Class> {
    let Type::Path(p) = ty else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    let bare = matches!(last.arguments, PathArguments::None);
    Some(match name.as_str() {
        "String" if bare => Class::Str,
        "i16" if bare => Class::I16,
        "i32" if bare => Class::I32,
        "i64" if bare => Class::I64,
        "u16" if bare => Class::U16,
        "u32" if bare => Class::U32,
        "u64" if bare => Class::U64,
        "f64" if bare => Class::F64,
        "bool" if bare => Class::Bool,
        "Decimal" if bare => Class::Decimal,
        "NaiveDate" if bare => Class::Date,
        "NaiveTime" if bare => Class::Time,
        "TimeDelta" | "Duration" if bare => Class::Duration,
        "Uuid" if bare => Class::Uuid,
        "Value" | "JsonValue" if bare => Class::Json,
        "IpAddr" if bare => Class::IpAddr,
        "DateTime" => match generic_arg(ty, "DateTime") {
            Some(Type::Path(tz)) if tz.path.segments.last().is_some_and(|s| s.ident == "Utc") => {
                Class::DateTime
            }
            _ => return None,
        },
        "Vec" => match generic_arg(ty, "Vec") {
            Some(Type::Path(b)) if b.path.is_ident("u8") => Class::Bytes,
            _ => return None,
        },
        _ => return None,
    })
}

/// A type as written, for messages (the generator has no token printer).
pub(crate) fn text_of(ty: &Type) -> String {
    match ty {
        Type::Path(p) => {
            let mut out = String::new();
            if p.path.leading_colon.is_some() {
                out.push_str("::");
            }
            for (i, seg) in p.path.segments.iter().enumerate() {
                if i > 0 {
                    out.push_str("::");
                }
                out.push_str(&seg.ident.to_string());
                if let PathArguments::AngleBracketed(args) = &seg.arguments {
                    let parts: Vec<String> = args
                        .args
                        .iter()
                        .map(|a| match a {
                            GenericArgument::Type(t) => text_of(t),
                            GenericArgument::Lifetime(l) => format!("'{}", l.ident),
                            _ => "_".into(),
                        })
                        .collect();
                    out.push_str(&format!("<{}>", parts.join(", ")));
                }
            }
            out
        }
        Type::Reference(r) => format!("&{}", text_of(&r.elem)),
        Type::Slice(s) => format!("[{}]", text_of(&s.elem)),
        Type::Array(a) => format!("[{}; _]", text_of(&a.elem)),
        Type::Tuple(t) => format!(
            "({})",
            t.elems.iter().map(text_of).collect::<Vec<_>>().join(", ")
        ),
        _ => "this type".into(),
    }
}

/// Where a type is written (first to last token), for the kinds of types fields have.
fn tokens_of(ty: &Type) -> Option<Tokens> {
    match ty {
        Type::Path(p) => {
            let first = p.path.segments.first()?.ident.span();
            let last_seg = p.path.segments.last()?;
            let last = match &last_seg.arguments {
                PathArguments::AngleBracketed(args) => args.gt_token.spans[0],
                _ => last_seg.ident.span(),
            };
            Some(Tokens { first, last })
        }
        Type::Reference(r) => {
            let inner = tokens_of(&r.elem)?;
            Some(Tokens::one(r.and_token.spans[0]).to(inner))
        }
        Type::Slice(s) => Some(Tokens {
            first: s.bracket_token.span.open(),
            last: s.bracket_token.span.close(),
        }),
        Type::Array(a) => Some(Tokens {
            first: a.bracket_token.span.open(),
            last: a.bracket_token.span.close(),
        }),
        Type::Tuple(t) => Some(Tokens {
            first: t.paren_token.span.open(),
            last: t.paren_token.span.close(),
        }),
        _ => None,
    }
}
