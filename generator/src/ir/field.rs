//! Fields: type, options and relations.

use crate::source::Span;

use super::{CompactString, Name, SqlExpr, Value};

/// Every field type of the models.toml language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    Auto,
    BigAuto,
    SmallAuto,
    Char,
    Text,
    Slug,
    Email,
    Url,
    Integer,
    SmallInteger,
    BigInteger,
    PositiveInteger,
    PositiveSmallInteger,
    PositiveBigInteger,
    Float,
    Decimal,
    Boolean,
    Date,
    DateTime,
    Time,
    Duration,
    Uuid,
    Json,
    Binary,
    IpAddress,
    ForeignKey,
    OneToOne,
    ManyToMany,
    /// A field whose type could not be read; later passes skip it so one mistake does not
    /// cascade into others.
    Error,
}

impl FieldType {
    /// `(models.toml name, Django class name, type)` for every type.
    pub const NAMES: [(&'static str, &'static str, FieldType); 28] = [
        ("auto", "AutoField", FieldType::Auto),
        ("big_auto", "BigAutoField", FieldType::BigAuto),
        ("small_auto", "SmallAutoField", FieldType::SmallAuto),
        ("char", "CharField", FieldType::Char),
        ("text", "TextField", FieldType::Text),
        ("slug", "SlugField", FieldType::Slug),
        ("email", "EmailField", FieldType::Email),
        ("url", "URLField", FieldType::Url),
        ("integer", "IntegerField", FieldType::Integer),
        (
            "small_integer",
            "SmallIntegerField",
            FieldType::SmallInteger,
        ),
        ("big_integer", "BigIntegerField", FieldType::BigInteger),
        (
            "positive_integer",
            "PositiveIntegerField",
            FieldType::PositiveInteger,
        ),
        (
            "positive_small_integer",
            "PositiveSmallIntegerField",
            FieldType::PositiveSmallInteger,
        ),
        (
            "positive_big_integer",
            "PositiveBigIntegerField",
            FieldType::PositiveBigInteger,
        ),
        ("float", "FloatField", FieldType::Float),
        ("decimal", "DecimalField", FieldType::Decimal),
        ("boolean", "BooleanField", FieldType::Boolean),
        ("date", "DateField", FieldType::Date),
        ("datetime", "DateTimeField", FieldType::DateTime),
        ("time", "TimeField", FieldType::Time),
        ("duration", "DurationField", FieldType::Duration),
        ("uuid", "UUIDField", FieldType::Uuid),
        ("json", "JSONField", FieldType::Json),
        ("binary", "BinaryField", FieldType::Binary),
        ("ip_address", "GenericIPAddressField", FieldType::IpAddress),
        ("foreign_key", "ForeignKey", FieldType::ForeignKey),
        ("one_to_one", "OneToOneField", FieldType::OneToOne),
        ("many_to_many", "ManyToManyField", FieldType::ManyToMany),
    ];

    /// Reads a type name: the models.toml name or Django's class name.
    pub fn parse(s: &str) -> Option<FieldType> {
        Self::NAMES
            .iter()
            .find(|(name, django, _)| *name == s || *django == s)
            .map(|&(_, _, t)| t)
    }

    /// The models.toml name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, _, t)| *t == self)
            .map_or("<error>", |(name, _, _)| name)
    }

    pub fn is_auto(self) -> bool {
        matches!(
            self,
            FieldType::Auto | FieldType::BigAuto | FieldType::SmallAuto
        )
    }

    pub fn is_relation(self) -> bool {
        matches!(
            self,
            FieldType::ForeignKey | FieldType::OneToOne | FieldType::ManyToMany
        )
    }

    /// Relations stored in a column of this model's table (FK and one-to-one).
    pub fn is_fk(self) -> bool {
        matches!(self, FieldType::ForeignKey | FieldType::OneToOne)
    }

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            FieldType::Auto
                | FieldType::BigAuto
                | FieldType::SmallAuto
                | FieldType::Integer
                | FieldType::SmallInteger
                | FieldType::BigInteger
                | FieldType::PositiveInteger
                | FieldType::PositiveSmallInteger
                | FieldType::PositiveBigInteger
        )
    }

    pub fn is_positive(self) -> bool {
        matches!(
            self,
            FieldType::PositiveInteger
                | FieldType::PositiveSmallInteger
                | FieldType::PositiveBigInteger
        )
    }

    /// Types stored as text whose values are strings (char and its specialisations, text).
    pub fn is_string(self) -> bool {
        matches!(
            self,
            FieldType::Char | FieldType::Text | FieldType::Slug | FieldType::Email | FieldType::Url
        )
    }

    /// Types stored as `varchar(max_length)`.
    pub fn has_max_length(self) -> bool {
        matches!(
            self,
            FieldType::Char | FieldType::Slug | FieldType::Email | FieldType::Url
        )
    }

    /// Django's default `max_length` (EmailField 254, URLField 200, SlugField 50).
    pub fn default_max_length(self) -> Option<u32> {
        match self {
            FieldType::Email => Some(254),
            FieldType::Url => Some(200),
            FieldType::Slug => Some(50),
            _ => None,
        }
    }

    /// Range of values an integer type holds.
    pub fn int_range(self) -> Option<(i128, i128)> {
        Some(match self {
            FieldType::SmallAuto | FieldType::SmallInteger => (i16::MIN as i128, i16::MAX as i128),
            FieldType::Auto | FieldType::Integer => (i32::MIN as i128, i32::MAX as i128),
            FieldType::BigAuto | FieldType::BigInteger => (i64::MIN as i128, i64::MAX as i128),
            FieldType::PositiveSmallInteger => (0, i16::MAX as i128),
            FieldType::PositiveInteger => (0, i32::MAX as i128),
            FieldType::PositiveBigInteger => (0, i64::MAX as i128),
            _ => return None,
        })
    }
}

/// `on_delete` rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OnDelete {
    Cascade,
    Protect,
    Restrict,
    SetNull,
    SetDefault,
    DoNothing,
}

impl OnDelete {
    pub const NAMES: [(&'static str, &'static str, OnDelete); 6] = [
        ("cascade", "CASCADE", OnDelete::Cascade),
        ("protect", "PROTECT", OnDelete::Protect),
        ("restrict", "RESTRICT", OnDelete::Restrict),
        ("set_null", "SET_NULL", OnDelete::SetNull),
        ("set_default", "SET_DEFAULT", OnDelete::SetDefault),
        ("do_nothing", "DO_NOTHING", OnDelete::DoNothing),
    ];

    pub fn parse(s: &str) -> Option<OnDelete> {
        Self::NAMES
            .iter()
            .find(|(name, django, _)| *name == s || *django == s || format!("models.{django}") == s)
            .map(|&(_, _, r)| r)
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, _, r)| *r == self)
            .map_or("", |(name, _, _)| name)
    }
}

/// Values the generated code makes on insert (Django's callable defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultFn {
    Uuid4,
    Now,
    Today,
}

impl DefaultFn {
    pub const NAMES: [&'static str; 3] = ["uuid4", "now", "today"];

    pub fn parse(s: &str) -> Option<DefaultFn> {
        match s {
            "uuid4" => Some(DefaultFn::Uuid4),
            "now" => Some(DefaultFn::Now),
            "today" => Some(DefaultFn::Today),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DefaultFn::Uuid4 => "uuid4",
            DefaultFn::Now => "now",
            DefaultFn::Today => "today",
        }
    }
}

/// `protocol` of an `ip_address` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpProtocol {
    Both,
    Ipv4,
    Ipv6,
}

impl IpProtocol {
    pub fn parse(s: &str) -> Option<IpProtocol> {
        match s.to_ascii_lowercase().as_str() {
            "both" => Some(IpProtocol::Both),
            "ipv4" => Some(IpProtocol::Ipv4),
            "ipv6" => Some(IpProtocol::Ipv6),
            _ => None,
        }
    }
}

/// One choice: the stored code, the label, and the Rust variant name if given.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub value: Value,
    pub label: String,
    pub name: Option<String>,
    pub span: Span,
}

/// `choices` of a field, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct Choices {
    pub items: Vec<Choice>,
    /// `choices_enum`: the name of the generated Rust enum.
    pub enum_name: Option<Name>,
    pub span: Span,
}

/// A relation: ForeignKey, OneToOne or ManyToMany.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// The target model's name (`self` already replaced by the model's own name).
    pub to: Name,
    pub to_field: Option<Name>,
    pub on_delete: Option<OnDelete>,
    pub related_name: Option<Name>,
    pub symmetrical: Option<bool>,
    pub through: Option<Name>,
    pub db_constraint: bool,
    /// `(model index, field index)` of the target column: the target's primary key or
    /// `to_field`. Set by validation.
    pub target: Option<(usize, usize)>,
}

/// Where a field came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldOrigin {
    Declared,
    /// The implicit `id` primary key.
    Implicit,
    /// Copied from an abstract base.
    Inherited {
        base: Box<str>,
    },
}

/// Option keys, to find where an option was written (see [`Field::span_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Opt {
    Type,
    Null,
    Blank,
    Unique,
    PrimaryKey,
    Default,
    DefaultFn,
    DbDefault,
    DbIndex,
    DbColumn,
    DbComment,
    HelpText,
    VerboseName,
    Editable,
    Choices,
    ChoicesEnum,
    MaxLength,
    MaxDigits,
    DecimalPlaces,
    AutoNow,
    AutoNowAdd,
    To,
    ToField,
    OnDelete,
    RelatedName,
    Symmetrical,
    Through,
    DbConstraint,
    Protocol,
    RenamedFrom,
}

/// Documentation of a field, for generated code and forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldDocs {
    pub help_text: Option<String>,
    pub verbose_name: Option<String>,
}

/// One field of a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: Name,
    /// Identity across renames, given by migration state replay (0 elsewhere).
    pub key: u32,
    pub ty: FieldType,
    /// The column in the model's table (`<name>_id` for relations, `db_column` if set).
    /// Empty for many-to-many fields, which have a table instead.
    pub column: CompactString,
    pub null: bool,
    pub blank: bool,
    pub unique: bool,
    pub primary_key: bool,
    /// `db_index`; `None` when not written (relations default to an index).
    pub db_index: Option<bool>,
    pub editable: bool,
    pub default: Option<Box<Value>>,
    pub default_fn: Option<DefaultFn>,
    pub db_default: Option<Box<SqlExpr>>,
    pub db_comment: Option<Box<str>>,
    /// `help_text` and `verbose_name` (rarely written; no SQL).
    pub docs: Option<Box<FieldDocs>>,
    pub choices: Option<Box<Choices>>,
    pub max_length: Option<u32>,
    pub max_digits: Option<u32>,
    pub decimal_places: Option<u32>,
    pub auto_now: bool,
    pub auto_now_add: bool,
    pub relation: Option<Box<Relation>>,
    pub protocol: IpProtocol,
    pub renamed_from: Option<Box<Name>>,
    pub origin: FieldOrigin,
    /// Where each written option's value is.
    pub spans: Vec<(Opt, Span)>,
    /// The whole field declaration (its value in the models file).
    pub decl_span: Span,
}

impl Field {
    /// A field with every option at its default.
    pub fn new(name: Name, ty: FieldType) -> Self {
        let decl_span = name.span;
        Field {
            name,
            key: 0,
            ty,
            column: CompactString::default(),
            null: false,
            blank: false,
            unique: false,
            primary_key: false,
            db_index: None,
            editable: true,
            default: None,
            default_fn: None,
            db_default: None,
            db_comment: None,
            docs: None,
            choices: None,
            max_length: None,
            max_digits: None,
            decimal_places: None,
            auto_now: false,
            auto_now_add: false,
            relation: None,
            protocol: IpProtocol::Both,
            renamed_from: None,
            origin: FieldOrigin::Declared,
            spans: Vec::new(),
            decl_span,
        }
    }

    /// Where option `opt` was written; the field name if it was not.
    pub fn span_of(&self, opt: Opt) -> Span {
        self.spans
            .iter()
            .find(|(o, _)| *o == opt)
            .map_or(self.name.span, |&(_, s)| s)
    }

    /// Whether option `opt` was written.
    pub fn has(&self, opt: Opt) -> bool {
        self.spans.iter().any(|(o, _)| *o == opt)
    }

    /// Whether the field is stored in a column of its model's table.
    pub fn has_column(&self) -> bool {
        self.ty != FieldType::ManyToMany && self.ty != FieldType::Error
    }

    /// Whether the column is unique (primary keys and one-to-one are).
    pub fn is_unique(&self) -> bool {
        self.unique || self.primary_key || self.ty == FieldType::OneToOne
    }

    /// Whether the column gets an index of its own (db_index, relations by default).
    pub fn wants_index(&self) -> bool {
        if self.primary_key || self.is_unique() {
            return false;
        }
        self.db_index.unwrap_or(self.ty.is_fk())
    }

    /// `max_length`, or the type's default.
    pub fn effective_max_length(&self) -> Option<u32> {
        self.max_length.or(self.ty.default_max_length())
    }
}
