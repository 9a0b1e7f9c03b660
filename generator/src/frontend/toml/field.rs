//! Lowering of one field declaration: `name = { type = "...", option = value, ... }`.

use std::fmt;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diagnostic;
use crate::ir::{
    Choice, Choices, DefaultFn, DialectName, Field, FieldType, IpProtocol, Name, OnDelete, Opt,
    Relation, SqlExpr, SqlExprKind, Value,
};

use super::reader::{Reader, Value as TValue, did_you_mean};

/// Every field option: its key and its [`Opt`].
pub(crate) const FIELD_OPTIONS: &[(&str, Opt)] = &[
    ("type", Opt::Type),
    ("null", Opt::Null),
    ("blank", Opt::Blank),
    ("unique", Opt::Unique),
    ("primary_key", Opt::PrimaryKey),
    ("default", Opt::Default),
    ("default_fn", Opt::DefaultFn),
    ("db_default", Opt::DbDefault),
    ("db_index", Opt::DbIndex),
    ("db_column", Opt::DbColumn),
    ("db_comment", Opt::DbComment),
    ("help_text", Opt::HelpText),
    ("verbose_name", Opt::VerboseName),
    ("editable", Opt::Editable),
    ("choices", Opt::Choices),
    ("choices_enum", Opt::ChoicesEnum),
    ("max_length", Opt::MaxLength),
    ("max_digits", Opt::MaxDigits),
    ("decimal_places", Opt::DecimalPlaces),
    ("auto_now", Opt::AutoNow),
    ("auto_now_add", Opt::AutoNowAdd),
    ("to", Opt::To),
    ("to_field", Opt::ToField),
    ("on_delete", Opt::OnDelete),
    ("related_name", Opt::RelatedName),
    ("symmetrical", Opt::Symmetrical),
    ("through", Opt::Through),
    ("db_constraint", Opt::DbConstraint),
    ("protocol", Opt::Protocol),
    ("renamed_from", Opt::RenamedFrom),
];

/// Whether option `opt` means something on a field of type `ty`.
fn applies(opt: Opt, ty: FieldType) -> bool {
    use FieldType as T;
    match opt {
        Opt::Type
        | Opt::HelpText
        | Opt::VerboseName
        | Opt::RenamedFrom
        | Opt::Editable
        | Opt::Blank => true,
        Opt::Null
        | Opt::Unique
        | Opt::PrimaryKey
        | Opt::Default
        | Opt::DbDefault
        | Opt::DbIndex
        | Opt::DbColumn
        | Opt::DbComment => ty != T::ManyToMany,
        Opt::Choices | Opt::ChoicesEnum => ty.is_string() || (ty.is_integer() && !ty.is_auto()),
        Opt::MaxLength => ty.has_max_length(),
        Opt::MaxDigits | Opt::DecimalPlaces => ty == T::Decimal,
        Opt::AutoNow | Opt::AutoNowAdd => matches!(ty, T::Date | T::DateTime | T::Time),
        Opt::DefaultFn => matches!(ty, T::Uuid | T::Date | T::DateTime),
        Opt::To | Opt::RelatedName | Opt::DbConstraint => ty.is_relation(),
        Opt::ToField | Opt::OnDelete => ty.is_fk(),
        Opt::Symmetrical | Opt::Through => ty == T::ManyToMany,
        Opt::Protocol => ty == T::IpAddress,
    }
}

/// What a field of type `ty` needs to be told about option `opt`, when it doesn't apply.
fn not_applicable_help(opt: Opt, ty: FieldType) -> String {
    match (opt, ty) {
        (Opt::MaxLength, FieldType::Text) => {
            "text has no length limit; use type = \"char\" for a bounded string".into()
        }
        (Opt::MaxLength, _) => {
            "max_length applies to char, slug, email and url fields; remove it".into()
        }
        (Opt::Choices, _) => "choices apply to string and integer fields".into(),
        (Opt::OnDelete, FieldType::ManyToMany) => {
            "rows of a many-to-many table are always deleted with either side; remove on_delete"
                .into()
        }
        (Opt::Null, FieldType::ManyToMany) => {
            "a many-to-many field has no column, so it cannot be null; remove it".into()
        }
        (Opt::DefaultFn, _) => {
            "default_fn is `uuid4` for uuid fields, `now` for datetime and `today` for date fields"
                .into()
        }
        _ => "remove it".into(),
    }
}

/// "field `Model.field`" in a message, written only when a message uses it.
struct FieldOf<'a> {
    model: &'a str,
    field: &'a str,
}

impl fmt::Display for FieldOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}.{}`", self.model, self.field)
    }
}

/// "`key` of field `Model.field`" in a message, written only when a message uses it.
struct OptionOf<'a> {
    key: &'a str,
    model: &'a str,
    field: &'a str,
}

impl fmt::Display for OptionOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` of field `{}.{}`", self.key, self.model, self.field)
    }
}

/// The dialect keys of a per-dialect expression table.
const DIALECT_KEYS: [&str; 4] = ["default", "postgres", "mysql", "sqlite"];

impl Reader<'_> {
    /// Lowers `name = value` in `[models.<model>.fields]`. Returns `None` only when nothing
    /// useful can be kept; a field whose type can't be read is kept as [`FieldType::Error`].
    pub fn field(&mut self, model: &str, name: Name, v: &TValue<'_>) -> Field {
        let what_field = FieldOf {
            model,
            field: &name.text,
        };
        // `title = "text"` is shorthand for `title = { type = "text" }`.
        if let DeValue::String(s) = v.get_ref() {
            let ty = self.field_type(s, v, &what_field);
            let mut field = Field::new(name, ty);
            field.decl_span = self.vspan(v);
            field.spans.push((Opt::Type, self.vspan(v)));
            return field;
        }
        let DeValue::Table(table) = v.get_ref() else {
            self.push(
                Diagnostic::error(format!(
                    "expected a table for {what_field}, found {}",
                    super::reader::kind_of(v.get_ref())
                ))
                .at(self.vspan(v))
                .label("expected a table")
                .help(format!(
                    "write {} = {{ type = \"char\", max_length = 100 }}",
                    name.text
                )),
            );
            let mut field = Field::new(name, FieldType::Error);
            field.decl_span = self.vspan(v);
            return field;
        };
        let ty = match table.get("type") {
            Some(t) => match t.get_ref() {
                DeValue::String(s) => self.field_type(s, t, &what_field),
                _ => {
                    self.mismatch(
                        t,
                        "a string",
                        &format!("`type` of {what_field}"),
                        Some("name the type in quotes, e.g. type = \"char\"".into()),
                    );
                    FieldType::Error
                }
            },
            None => {
                self.push(
                    Diagnostic::error(format!("{what_field} has no type"))
                        .at(name.span)
                        .label("no `type`")
                        .help("add a type, e.g. type = \"char\", max_length = 100"),
                );
                FieldType::Error
            }
        };
        let mut field = Field::new(name, ty);
        field.decl_span = self.vspan(v);
        self.field_options(model, &mut field, table);
        field.spans.shrink_to_fit();
        field
    }

    fn field_type(&mut self, s: &str, v: &TValue<'_>, what_field: &dyn fmt::Display) -> FieldType {
        if let Some(ty) = FieldType::parse(s) {
            return ty;
        }
        let names = FieldType::NAMES.iter().flat_map(|(a, b, _)| [*a, *b]);
        let mut d = Diagnostic::error(format!("unknown type `{s}` of {what_field}"))
            .at(self.vspan(v))
            .label("unknown type");
        d = match did_you_mean(s, names) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!(
                "the types are: {}",
                FieldType::NAMES
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        self.push(d);
        FieldType::Error
    }

    fn field_options(&mut self, model: &str, field: &mut Field, table: &DeTable<'_>) {
        let ty = field.ty;
        let fname = field.name.text.clone();
        let mut to: Option<Name> = None;
        let mut rel = Relation {
            to: Name::new("", field.name.span),
            to_field: None,
            on_delete: None,
            related_name: None,
            symmetrical: None,
            through: None,
            db_constraint: true,
            target: None,
        };
        let mut choices_value: Option<&TValue<'_>> = None;
        let mut choices_enum: Option<Name> = None;
        for (key, v) in table.iter() {
            let k: &str = key.get_ref().as_ref();
            let Some(&(_, opt)) = FIELD_OPTIONS.iter().find(|(name, _)| *name == k) else {
                let names: Vec<&str> = FIELD_OPTIONS.iter().map(|(n, _)| *n).collect();
                self.unknown_key(key, "field option", &names);
                // A likely misspelling counts as the option written (and reported), so that
                // `max_lenght = 255` is not also reported as a char field without max_length.
                if let Some(&(_, meant)) = did_you_mean(k, names.iter().copied())
                    .and_then(|best| FIELD_OPTIONS.iter().find(|(name, _)| *name == best))
                {
                    field.spans.push((meant, self.kspan(key)));
                }
                continue;
            };
            if opt == Opt::Type {
                field.spans.push((Opt::Type, self.vspan(v)));
                continue;
            }
            if ty != FieldType::Error && !applies(opt, ty) {
                self.push(
                    Diagnostic::error(format!(
                        "option `{k}` does not apply to {} fields",
                        ty.as_str()
                    ))
                    .at(self.kspan(key))
                    .label(format!("not an option of {}", ty.as_str()))
                    .help(not_applicable_help(opt, ty)),
                );
                continue;
            }
            let what = OptionOf {
                key: k,
                model,
                field: &fname,
            };
            field.spans.push((opt, self.vspan(v)));
            match opt {
                Opt::Type => {}
                Opt::Null => field.null = self.boolean(v, &what, k).unwrap_or(false),
                Opt::Blank => field.blank = self.boolean(v, &what, k).unwrap_or(false),
                Opt::Unique => field.unique = self.boolean(v, &what, k).unwrap_or(false),
                Opt::PrimaryKey => field.primary_key = self.boolean(v, &what, k).unwrap_or(false),
                Opt::Editable => field.editable = self.boolean(v, &what, k).unwrap_or(true),
                Opt::AutoNow => field.auto_now = self.boolean(v, &what, k).unwrap_or(false),
                Opt::AutoNowAdd => field.auto_now_add = self.boolean(v, &what, k).unwrap_or(false),
                Opt::DbIndex => field.db_index = self.boolean(v, &what, k),
                Opt::Symmetrical => rel.symmetrical = self.boolean(v, &what, k),
                Opt::DbConstraint => rel.db_constraint = self.boolean(v, &what, k).unwrap_or(true),
                Opt::MaxLength => field.max_length = self.count(v, &what, 1),
                Opt::MaxDigits => field.max_digits = self.count(v, &what, 1),
                Opt::DecimalPlaces => field.decimal_places = self.count(v, &what, 0),
                Opt::DbColumn => {
                    field.column = self.name(v, &what).map(|n| n.text).unwrap_or_default()
                }
                Opt::DbComment => field.db_comment = self.string(v, &what).map(Box::from),
                Opt::HelpText => {
                    field.docs.get_or_insert_default().help_text =
                        self.string(v, &what).map(str::to_string)
                }
                Opt::VerboseName => {
                    field.docs.get_or_insert_default().verbose_name =
                        self.string(v, &what).map(str::to_string)
                }
                Opt::RenamedFrom => field.renamed_from = self.name(v, &what).map(Box::new),
                Opt::To => to = self.name(v, &what),
                Opt::ToField => rel.to_field = self.name(v, &what),
                Opt::RelatedName => rel.related_name = self.name(v, &what),
                Opt::Through => rel.through = self.name(v, &what),
                Opt::ChoicesEnum => choices_enum = self.name(v, &what),
                Opt::Choices => choices_value = Some(v),
                Opt::Default => field.default = self.literal(v, ty, &what).map(Box::new),
                Opt::DbDefault => field.db_default = self.sql_expr(v, &what).map(Box::new),
                Opt::OnDelete => {
                    if let Some(s) = self.string(v, &what) {
                        rel.on_delete = OnDelete::parse(s);
                        if rel.on_delete.is_none() {
                            self.unknown_value(
                                v,
                                s,
                                "on_delete rule",
                                OnDelete::NAMES.iter().map(|(n, _, _)| *n),
                            );
                        }
                    }
                }
                Opt::DefaultFn => {
                    if let Some(s) = self.string(v, &what) {
                        match DefaultFn::parse(s) {
                            Some(f) if default_fn_fits(f, ty) => field.default_fn = Some(f),
                            Some(f) => self.push(
                                Diagnostic::error(format!(
                                    "default_fn `{}` does not make a value of a {} field",
                                    f.as_str(),
                                    ty.as_str()
                                ))
                                .at(self.vspan(v))
                                .label("wrong kind of value")
                                .help(not_applicable_help(Opt::DefaultFn, ty)),
                            ),
                            None => self.unknown_value(
                                v,
                                s,
                                "default_fn",
                                DefaultFn::NAMES.iter().copied(),
                            ),
                        }
                    }
                }
                Opt::Protocol => {
                    if let Some(s) = self.string(v, &what) {
                        match IpProtocol::parse(s) {
                            Some(p) => field.protocol = p,
                            None => self.unknown_value(v, s, "protocol", ["both", "ipv4", "ipv6"]),
                        }
                    }
                }
            }
        }
        if let Some(v) = choices_value {
            field.choices = self
                .choices(v, ty, &format_args!("`choices` of field `{model}.{fname}`"))
                .map(Box::new);
            if let Some(c) = field.choices.as_mut() {
                c.enum_name = choices_enum;
            }
        } else if let Some(name) = choices_enum {
            self.push(
                Diagnostic::error("`choices_enum` without `choices`")
                    .at(name.span)
                    .label("names an enum of no choices")
                    .help("add choices = { CODE = \"Label\", ... } or remove choices_enum"),
            );
        }
        if ty.is_relation() {
            match to {
                Some(mut to) => {
                    if to.text == "self" {
                        to.text = model.into();
                    }
                    rel.to = to;
                }
                // A `to` written with a bad value was reported where it was read.
                None if field.has(Opt::To) => rel.to.text = Default::default(),
                None => {
                    self.push(
                        Diagnostic::error(format!(
                            "relation `{model}.{fname}` has no target model"
                        ))
                        .at(field.name.span)
                        .label("no `to`")
                        .help("add to = \"Model\" (or to = \"self\")"),
                    );
                    rel.to.text = Default::default();
                }
            }
            if ty.is_fk() && rel.on_delete.is_none() && !field.has(Opt::OnDelete) {
                self.push(
                    Diagnostic::error(format!("relation `{model}.{fname}` has no on_delete rule"))
                        .at(field.name.span)
                        .label("no `on_delete`")
                        .help("add on_delete = \"cascade\" (or protect, restrict, set_null, set_default, do_nothing)"),
                );
            }
            field.relation = Some(Box::new(rel));
        }
    }

    /// A string option that names something: non-empty, no surrounding whitespace.
    pub(crate) fn name(&mut self, v: &TValue<'_>, what: &dyn fmt::Display) -> Option<Name> {
        let s = self.string(v, what)?;
        let span = self.vspan(v);
        if s.trim().is_empty() {
            self.push(
                Diagnostic::error(format!("{what} is empty"))
                    .at(span)
                    .label("empty name")
                    .help("write a name, or remove the option"),
            );
            return None;
        }
        let inner = self.inner_span(v, s);
        Some(Name::new(s, inner(0..s.len())))
    }

    fn unknown_value<'c>(
        &mut self,
        v: &TValue<'_>,
        s: &str,
        what: &str,
        candidates: impl IntoIterator<Item = &'c str> + Clone,
    ) {
        let all: Vec<&str> = candidates.clone().into_iter().collect();
        let mut d = Diagnostic::error(format!("unknown {what} `{s}`"))
            .at(self.vspan(v))
            .label(format!("unknown {what}"));
        d = match did_you_mean(s, candidates) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!("expected one of: {}", all.join(", "))),
        };
        self.push(d);
    }

    /// `choices = { B = "Bronze" }` or `choices = [{ value = "B", label = "Bronze", name = "Bronze" }]`.
    fn choices(
        &mut self,
        v: &TValue<'_>,
        ty: FieldType,
        what: &dyn fmt::Display,
    ) -> Option<Choices> {
        let span = self.vspan(v);
        let mut items = Vec::new();
        match v.get_ref() {
            DeValue::Table(t) => {
                for (key, label) in t.iter() {
                    let code: &str = key.get_ref().as_ref();
                    let kspan = self.kspan(key);
                    let value = if ty.is_integer() {
                        match code.trim().parse::<i64>() {
                            Ok(n) => Value::Int(n),
                            Err(_) => {
                                self.push(
                                    Diagnostic::error(format!("choice code `{code}` is not an integer"))
                                        .at(kspan)
                                        .label("expected an integer code")
                                        .help(format!("the field is {}; its choice codes are integers, e.g. {{ 0 = \"Off\", 1 = \"On\" }}", ty.as_str())),
                                );
                                continue;
                            }
                        }
                    } else {
                        Value::Str(code.to_string())
                    };
                    let Some(label) = self.string(label, &format!("the label of choice `{code}`"))
                    else {
                        continue;
                    };
                    items.push(Choice {
                        value,
                        label: label.to_string(),
                        name: None,
                        span: kspan,
                    });
                }
            }
            DeValue::Array(a) => {
                for item in a.iter() {
                    let Some(t) = self.table(item, &format!("an entry of {what}")) else {
                        continue;
                    };
                    let ispan = self.vspan(item);
                    let mut value = None;
                    let mut label = None;
                    let mut name = None;
                    for (key, iv) in t.iter() {
                        match key.get_ref().as_ref() {
                            "value" => {
                                value = self
                                    .literal(iv, ty, &"choice `value`")
                                    .map(|x| (x, self.vspan(iv)))
                            }
                            "label" => {
                                label = self.string(iv, &"choice `label`").map(str::to_string)
                            }
                            "name" => name = self.string(iv, &"choice `name`").map(str::to_string),
                            _ => self.unknown_key(key, "choice key", &["value", "label", "name"]),
                        }
                    }
                    match (value, label) {
                        (Some((value, vspan)), Some(label)) => items.push(Choice {
                            value,
                            label,
                            name,
                            span: vspan,
                        }),
                        (None, _) if !t.contains_key("value") => self.push(
                            Diagnostic::error("choice without `value`")
                                .at(ispan)
                                .label("no value")
                                .help("add value = ..."),
                        ),
                        (_, None) if !t.contains_key("label") => self.push(
                            Diagnostic::error("choice without `label`")
                                .at(ispan)
                                .label("no label")
                                .help("add label = \"...\""),
                        ),
                        _ => {}
                    }
                }
            }
            _ => {
                self.mismatch(
                    v,
                    "a table or an array of tables",
                    what,
                    Some("write choices = { B = \"Bronze\", S = \"Silver\" }".into()),
                );
                return None;
            }
        }
        if items.is_empty() && !self.diags.has_errors() {
            self.push(
                Diagnostic::error(format!("{what} is empty"))
                    .at(span)
                    .label("no choices")
                    .help("list at least one choice, or remove `choices`"),
            );
        }
        Some(Choices {
            items,
            enum_name: None,
            span,
        })
    }

    /// `check`, `condition` and `db_default`: portable SQL text, or a per-dialect table.
    pub fn sql_expr(&mut self, v: &TValue<'_>, what: &dyn fmt::Display) -> Option<SqlExpr> {
        let span = self.vspan(v);
        match v.get_ref() {
            DeValue::String(s) => {
                let map = self.inner_span(v, s);
                match crate::frontend::expr::parse(s, &map) {
                    Ok(expr) => Some(SqlExpr {
                        kind: SqlExprKind::Portable(expr),
                        span,
                    }),
                    Err(e) => {
                        let mut d =
                            Diagnostic::error(format!("invalid SQL in {what}: {}", e.message))
                                .at(map(e.range.clone()))
                                .label(e.message.clone());
                        d = d.help(e.help.unwrap_or_else(|| {
                            "write a condition in the portable subset (comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL), or per-dialect text: { default = \"...\", sqlite = \"...\" }".into()
                        }));
                        self.push(d);
                        None
                    }
                }
            }
            DeValue::Table(t) => {
                let mut items = Vec::new();
                for (key, tv) in t.iter() {
                    let k: &str = key.get_ref().as_ref();
                    if !DIALECT_KEYS.contains(&k) {
                        self.unknown_key(key, "dialect", &DIALECT_KEYS);
                        continue;
                    }
                    let dialect = DialectName::parse(k);
                    let Some(text) = self.string(tv, &format!("`{k}` of {what}")) else {
                        continue;
                    };
                    if let Err(e) = crate::frontend::expr::check_raw(text, dialect) {
                        let map = self.inner_span(tv, text);
                        self.push(
                            Diagnostic::error(format!("invalid SQL in {what}: {}", e.message))
                                .at(map(e.range.clone()))
                                .label(e.message.clone())
                                .help(e.help.unwrap_or_else(|| {
                                    "per-dialect text must be one balanced SQL expression".into()
                                })),
                        );
                        continue;
                    }
                    items.push((dialect, text.to_string()));
                }
                if items.is_empty() {
                    return None;
                }
                Some(SqlExpr {
                    kind: SqlExprKind::PerDialect(items),
                    span,
                })
            }
            _ => {
                self.mismatch(
                    v,
                    "a string of SQL or a per-dialect table",
                    what,
                    Some("write e.g. \"price >= 0\"".into()),
                );
                None
            }
        }
    }
}

fn default_fn_fits(f: DefaultFn, ty: FieldType) -> bool {
    matches!(
        (f, ty),
        (DefaultFn::Uuid4, FieldType::Uuid)
            | (DefaultFn::Now, FieldType::DateTime)
            | (DefaultFn::Today, FieldType::Date)
    )
}
