//! Lowering of one struct field with its `#[model(...)]` options into an [`ir::Field`].
//!
//! The field type comes from, in order: a relation key (`foreign_key = Target`, ...), an
//! explicit `type = "..."`, or the Rust type (`String` is text, or char with a
//! `max_length`; `i64` is big_integer; ...). `Option<T>` makes the column nullable.

use crate::diagnostics::Diagnostic;
use crate::frontend::toml::did_you_mean;
use crate::ir::{DefaultFn, Field, FieldType, IpProtocol, Name, OnDelete, Opt, Relation};

use super::attr::{Arg, Key, Val};
use super::cx::Cx;
use super::span::Tokens;
use super::types::{self, Class, RustType};
use super::value;

/// Every `#[model(...)]` key of a field, and the option it sets (`None`: no IR option of
/// its own).
pub(crate) const FIELD_KEYS: &[(&str, Option<Opt>)] = &[
    ("type", Some(Opt::Type)),
    ("primary_key", Some(Opt::PrimaryKey)),
    ("auto", None),
    ("null", Some(Opt::Null)),
    ("blank", Some(Opt::Blank)),
    ("unique", Some(Opt::Unique)),
    ("db_index", Some(Opt::DbIndex)),
    ("db_column", Some(Opt::DbColumn)),
    ("db_comment", Some(Opt::DbComment)),
    ("default", Some(Opt::Default)),
    ("default_fn", Some(Opt::DefaultFn)),
    ("db_default", Some(Opt::DbDefault)),
    ("max_length", Some(Opt::MaxLength)),
    ("max_digits", Some(Opt::MaxDigits)),
    ("decimal_places", Some(Opt::DecimalPlaces)),
    ("auto_now", Some(Opt::AutoNow)),
    ("auto_now_add", Some(Opt::AutoNowAdd)),
    ("choices", Some(Opt::Choices)),
    ("foreign_key", Some(Opt::To)),
    ("one_to_one", Some(Opt::To)),
    ("many_to_many", Some(Opt::To)),
    ("to_field", Some(Opt::ToField)),
    ("on_delete", Some(Opt::OnDelete)),
    ("related_name", Some(Opt::RelatedName)),
    ("symmetrical", Some(Opt::Symmetrical)),
    ("through", Some(Opt::Through)),
    ("db_constraint", Some(Opt::DbConstraint)),
    ("protocol", Some(Opt::Protocol)),
    ("renamed_from", Some(Opt::RenamedFrom)),
    ("help_text", Some(Opt::HelpText)),
    ("verbose_name", Some(Opt::VerboseName)),
    ("editable", Some(Opt::Editable)),
];

/// A field as lowered, with what only the whole file can settle: its choices enum and, for
/// a relation, the Rust type of its key.
#[derive(Debug)]
pub(crate) struct FieldDecl {
    pub field: Field,
    /// `choices = Enum`: the enum's name as written.
    pub choices: Option<(Name, Tokens)>,
    pub rust: RustType,
    /// Written without `#[model(...)]`: in a struct that `extends` an abstract base, a field
    /// of the base's name is the struct's place for the inherited column.
    pub plain: bool,
}

/// Whether option `key` means something on a field of type `ty`.
fn applies(key: &str, ty: FieldType) -> bool {
    use FieldType as T;
    match key {
        "max_length" => ty.has_max_length(),
        "max_digits" | "decimal_places" => ty == T::Decimal,
        "auto_now" | "auto_now_add" => matches!(ty, T::Date | T::DateTime | T::Time),
        "choices" => ty.is_string() || (ty.is_integer() && !ty.is_auto()),
        "to_field" | "on_delete" => ty.is_fk(),
        "related_name" | "db_constraint" => ty.is_relation(),
        "symmetrical" | "through" => ty == T::ManyToMany,
        "protocol" => ty == T::IpAddress,
        "default_fn" => matches!(ty, T::Uuid | T::Date | T::DateTime),
        "null" | "unique" | "primary_key" | "default" | "db_default" | "db_index" | "db_column"
        | "db_comment" => ty != T::ManyToMany,
        _ => true,
    }
}

fn not_applicable_help(key: &str, ty: FieldType) -> String {
    match (key, ty) {
        ("max_length", FieldType::Text) => {
            "text has no length limit; write type = \"char\" for a bounded string".into()
        }
        ("max_length", _) => {
            "max_length applies to char, slug, email and url fields; remove it".into()
        }
        ("choices", _) => "choices apply to string and integer fields".into(),
        ("on_delete", FieldType::ManyToMany) => {
            "rows of a many-to-many table are always deleted with either side; remove on_delete"
                .into()
        }
        ("auto_now" | "auto_now_add", _) => {
            "auto_now and auto_now_add apply to date, datetime and time fields".into()
        }
        ("symmetrical" | "through", _) => {
            "symmetrical and through apply to many_to_many fields; remove it".into()
        }
        ("protocol", _) => "protocol applies to ip_address fields; remove it".into(),
        _ => "remove it".into(),
    }
}

impl Cx<'_> {
    /// Lowers one named field of struct `model`.
    pub(crate) fn field(&mut self, model: &str, f: &syn::Field) -> Option<FieldDecl> {
        let ident = f.ident.as_ref()?;
        let fname = syn::ext::IdentExt::unraw(ident).to_string();
        let name_tokens = Tokens::one(ident.span());
        let rust = types::read(&f.ty, name_tokens);
        let (args, errors) = super::attr::args_of(&f.attrs, "model");
        for e in &errors {
            self.syn_error(
                e,
                "#[model] attribute",
                "write #[model(key = value, flag, ...)]",
            );
        }
        let what_field = format!("field `{model}.{fname}`");

        // Keys: each known at most once; unknown ones reported.
        let mut keyed: Vec<(&Key, &Arg)> = Vec::new();
        let mut misspelt: Vec<Opt> = Vec::new();
        for arg in &args {
            let Some(key) = &arg.key else {
                if let Some(v) = &arg.value {
                    self.error(
                        v.tokens,
                        Diagnostic::error(format!("expected an option of {what_field}, found {}", v.kind.describe()))
                            .label("not `key` or `key = value`")
                            .help("write options as `key = value` or as a flag: #[model(max_length = 255, unique)]"),
                    );
                }
                continue;
            };
            if !FIELD_KEYS.iter().any(|(k, _)| *k == key.text) {
                let names: Vec<&str> = FIELD_KEYS.iter().map(|(k, _)| *k).collect();
                self.unknown_key(key, "field option", &names);
                if let Some(opt) = did_you_mean(&key.text, names.iter().copied())
                    .and_then(|best| FIELD_KEYS.iter().find(|(k, _)| *k == best))
                    .and_then(|(_, o)| *o)
                {
                    misspelt.push(opt);
                }
                continue;
            }
            if let Some((first, _)) = keyed.iter().find(|(k, _)| k.text == key.text) {
                let first = self.span(first.tokens);
                self.error(
                    key.tokens,
                    Diagnostic::error(format!("`{}` of {what_field} is set twice", key.text))
                        .label("set again here")
                        .related(first, "first set here")
                        .help("keep one of them"),
                );
                continue;
            }
            keyed.push((key, arg));
        }
        let get = |k: &str| keyed.iter().find(|(key, _)| key.text == k).copied();

        let mut field = Field::new(self.name(&fname, name_tokens), FieldType::Error);
        field.decl_span = self.span(name_tokens.to(rust.tokens));
        for opt in misspelt {
            field.spans.push((opt, field.name.span));
        }
        let ty = self.field_type(&what_field, &rust, &get);
        field.ty = ty;
        if !field.spans.iter().any(|(o, _)| *o == Opt::Type) {
            field.spans.push((Opt::Type, self.span(rust.tokens)));
        }

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
        let mut choices = None;
        for &(key, arg) in &keyed {
            let k = key.text.as_str();
            if matches!(
                k,
                "type" | "foreign_key" | "one_to_one" | "many_to_many" | "auto"
            ) {
                // Read with the type; an explicit type is where type problems point.
                if let ("type", Some(v)) = (k, &arg.value) {
                    field.spans.insert(0, (Opt::Type, self.span(v.tokens)));
                }
                if k != "auto" && k != "type" {
                    if let Some(to) = arg.value.as_ref().and_then(|v| {
                        self.target(
                            v,
                            &format!("`{k}` of {what_field}"),
                            &format!("{k} = Model"),
                        )
                    }) {
                        let to = if to.text == "Self" || to.text == "self" {
                            Name::new(model, to.span)
                        } else {
                            to
                        };
                        field.spans.push((Opt::To, to.span));
                        rel.to = to;
                    }
                }
                continue;
            }
            if ty != FieldType::Error && !applies(k, ty) {
                self.error(
                    key.tokens,
                    Diagnostic::error(format!(
                        "option `{k}` does not apply to {} fields",
                        ty.as_str()
                    ))
                    .label(format!("not an option of {}", ty.as_str()))
                    .help(not_applicable_help(k, ty)),
                );
                continue;
            }
            let what = format!("`{k}` of {what_field}");
            let opt = FIELD_KEYS
                .iter()
                .find(|(n, _)| *n == k)
                .and_then(|(_, o)| *o);
            let at = arg.value.as_ref().map_or(key.tokens, |v| v.tokens);
            if let Some(opt) = opt {
                field.spans.push((opt, self.span(at)));
            }
            match k {
                "primary_key" => field.primary_key = self.flag(arg, key, &what).unwrap_or(false),
                "null" => {
                    let null = self.flag(arg, key, &what);
                    if null == Some(true) && !rust.option && ty != FieldType::Error {
                        self.error(
                            key.tokens,
                            Diagnostic::error(format!(
                                "{what_field} is null, but its Rust type `{}` is not an Option",
                                rust.text
                            ))
                            .label("nullable column")
                            .help(format!(
                                "write the type as Option<{}> (null is then implied)",
                                rust.text
                            )),
                        );
                    } else if null == Some(false) && rust.option {
                        self.error(
                            key.tokens,
                            Diagnostic::error(format!(
                                "{what_field} is `null = false`, but its Rust type is an Option"
                            ))
                            .label("not nullable")
                            .help(format!(
                                "write the type as {} without Option, or remove `null = false`",
                                rust.text
                            )),
                        );
                    }
                }
                "blank" => field.blank = self.flag(arg, key, &what).unwrap_or(false),
                "unique" => field.unique = self.flag(arg, key, &what).unwrap_or(false),
                "db_index" => field.db_index = self.flag(arg, key, &what),
                "editable" => field.editable = self.flag(arg, key, &what).unwrap_or(true),
                "auto_now" => field.auto_now = self.flag(arg, key, &what).unwrap_or(false),
                "auto_now_add" => field.auto_now_add = self.flag(arg, key, &what).unwrap_or(false),
                "db_constraint" => rel.db_constraint = self.flag(arg, key, &what).unwrap_or(true),
                "symmetrical" => rel.symmetrical = self.flag(arg, key, &what),
                _ => {
                    let Some(v) = self.value(arg, key, &format!("{k} = ...")) else {
                        continue;
                    };
                    self.field_value(&mut field, &mut rel, &mut choices, k, v, &what);
                }
            }
        }
        if rust.option && ty != FieldType::ManyToMany {
            field.null = true;
            if !field.has(Opt::Null) {
                field.spans.push((
                    Opt::Null,
                    self.span(rust.option_tokens.unwrap_or(rust.tokens)),
                ));
            }
        }
        if ty.is_relation() {
            if ty.is_fk() && rel.on_delete.is_none() && !field.has(Opt::OnDelete) {
                self.error(
                    name_tokens,
                    Diagnostic::error(format!("relation `{model}.{fname}` has no on_delete rule"))
                        .label("no `on_delete`")
                        .help("add on_delete = \"cascade\" (or protect, restrict, set_null, set_default, do_nothing)"),
                );
            }
            field.relation = Some(Box::new(rel));
        }
        field.spans.shrink_to_fit();
        Some(FieldDecl {
            field,
            choices,
            rust,
            plain: !f.attrs.iter().any(|a| a.path().is_ident("model")),
        })
    }

    /// The field's type: from a relation key, `type = "..."`, or the Rust type.
    fn field_type<'k>(
        &mut self,
        what_field: &str,
        rust: &RustType,
        get: &dyn Fn(&str) -> Option<(&'k Key, &'k Arg)>,
    ) -> FieldType {
        let relations: Vec<(&Key, FieldType)> = [
            ("foreign_key", FieldType::ForeignKey),
            ("one_to_one", FieldType::OneToOne),
            ("many_to_many", FieldType::ManyToMany),
        ]
        .into_iter()
        .filter_map(|(k, t)| get(k).map(|(key, _)| (key, t)))
        .collect();
        if let [(first, _), (second, _), ..] = relations.as_slice() {
            let first = self.span(first.tokens);
            self.error(
                second.tokens,
                Diagnostic::error(format!("{what_field} is declared as two kinds of relation"))
                    .label("second relation")
                    .related(first, "first relation")
                    .help("keep one of foreign_key, one_to_one and many_to_many"),
            );
            return FieldType::Error;
        }
        let explicit = get("type");
        if let Some(&(key, ty)) = relations.first() {
            if let Some((tkey, _)) = explicit {
                self.error(
                    tkey.tokens,
                    Diagnostic::error(format!("{what_field} has both `type` and `{}`", key.text))
                        .label("type of a relation")
                        .help(format!(
                            "remove `type`: `{}` makes the field a {}",
                            key.text,
                            ty.as_str()
                        )),
                );
            }
            return ty;
        }
        let auto = get("auto");
        if let Some((key, arg)) = explicit {
            let Some(v) = self.value(arg, key, "type = \"char\"") else {
                return FieldType::Error;
            };
            let Some(s) = self.string(v, &format!("`type` of {what_field}"), "type = \"char\"")
            else {
                return FieldType::Error;
            };
            let Some(ty) = FieldType::parse(s) else {
                let names = FieldType::NAMES.iter().flat_map(|(a, b, _)| [*a, *b]);
                let mut d = Diagnostic::error(format!("unknown type `{s}` of {what_field}"))
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
                self.error(v.tokens, d);
                return FieldType::Error;
            };
            if ty.is_relation() {
                self.error(
                    v.tokens,
                    Diagnostic::error(format!("`type = \"{s}\"` of {what_field} names a relation"))
                        .label("relation type")
                        .help(format!("write {s} = Model instead of type = \"{s}\"")),
                );
                return FieldType::Error;
            }
            if let Some(class) = rust.class {
                if !class.holds(ty) {
                    self.error(
                        v.tokens,
                        Diagnostic::error(format!(
                            "{what_field} is {} but its Rust type is `{}`",
                            ty.as_str(),
                            rust.text
                        ))
                        .label(format!("{} field", ty.as_str()))
                        .help(format!(
                            "{} fields are held in `{}`: change the Rust type, or the `type`",
                            ty.as_str(),
                            Class::of_key(ty).map_or("another Rust type", Class::rust)
                        )),
                    );
                    return FieldType::Error;
                }
            }
            return ty;
        }
        let Some(class) = rust.class else {
            self.error(
                rust.tokens,
                Diagnostic::error(format!(
                    "cannot tell the column type of {what_field} from its Rust type `{}`",
                    rust.text
                ))
                .label("unknown Rust type")
                .help("name the field type: #[model(type = \"json\")] (any models.toml type), or use a Rust type modelc knows (String, i64, bool, Decimal, DateTime<Utc>, Uuid, ...)"),
            );
            return FieldType::Error;
        };
        if let Some((key, _)) = auto {
            return match class {
                Class::I16 => FieldType::SmallAuto,
                Class::I32 => FieldType::Auto,
                Class::I64 => FieldType::BigAuto,
                _ => {
                    self.error(
                        key.tokens,
                        Diagnostic::error(format!(
                            "`auto` of {what_field} needs an integer Rust type, found `{}`",
                            rust.text
                        ))
                        .label("not an integer")
                        .help("write the field as i64 (big_auto), i32 (auto) or i16 (small_auto)"),
                    );
                    FieldType::Error
                }
            };
        }
        class.field_type(get("max_length").is_some())
    }

    /// Options with values.
    fn field_value(
        &mut self,
        field: &mut Field,
        rel: &mut Relation,
        choices: &mut Option<(Name, Tokens)>,
        k: &str,
        v: &Val,
        what: &str,
    ) {
        let ty = field.ty;
        match k {
            "max_length" => field.max_length = self.count(v, what, 1),
            "max_digits" => field.max_digits = self.count(v, what, 1),
            "decimal_places" => field.decimal_places = self.count(v, what, 0),
            "db_column" => {
                field.column = self
                    .name_value(v, what, "db_column = \"name\"")
                    .map(|n| n.text)
                    .unwrap_or_default()
            }
            "db_comment" => {
                field.db_comment = self.string(v, what, "db_comment = \"...\"").map(Box::from)
            }
            "help_text" => {
                field.docs.get_or_insert_default().help_text = self
                    .string(v, what, "help_text = \"...\"")
                    .map(str::to_string)
            }
            "verbose_name" => {
                field.docs.get_or_insert_default().verbose_name = self
                    .string(v, what, "verbose_name = \"...\"")
                    .map(str::to_string)
            }
            "renamed_from" => {
                field.renamed_from = self
                    .name_value(v, what, "renamed_from = \"old_name\"")
                    .map(Box::new)
            }
            "related_name" => {
                rel.related_name = self.name_value(v, what, "related_name = \"items\"")
            }
            "to_field" => rel.to_field = self.name_value(v, what, "to_field = \"code\""),
            "through" => rel.through = self.target(v, what, "through = Membership"),
            "protocol" => {
                if let Some(s) = self.string(v, what, "protocol = \"ipv4\"") {
                    match IpProtocol::parse(s) {
                        Some(p) => field.protocol = p,
                        None => self.unknown_value(v, s, "protocol", ["both", "ipv4", "ipv6"]),
                    }
                }
            }
            "on_delete" => {
                if let Some(s) = self.string(v, what, "on_delete = \"cascade\"") {
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
            "default_fn" => {
                if let Some(s) = self.string(v, what, "default_fn = \"now\"") {
                    match DefaultFn::parse(s) {
                        Some(f) if value::default_fn_fits(f, ty) => field.default_fn = Some(f),
                        Some(f) => self.error(
                            v.tokens,
                            Diagnostic::error(format!(
                                "default_fn `{}` does not make a value of a {} field",
                                f.as_str(),
                                ty.as_str()
                            ))
                            .label("wrong kind of value")
                            .help("default_fn is `uuid4` for uuid fields, `now` for datetime and `today` for date fields"),
                        ),
                        None => self.unknown_value(v, s, "default_fn", DefaultFn::NAMES.iter().copied()),
                    }
                }
            }
            "db_default" => field.db_default = self.sql(v, what).map(Box::new),
            "default" => field.default = self.default_value(v, ty, what).map(Box::new),
            "choices" => {
                if let Some(name) = self.target(v, what, "choices = EnumName") {
                    *choices = Some((name, v.tokens));
                }
            }
            _ => {}
        }
    }

    pub(crate) fn unknown_value<'c>(
        &mut self,
        v: &Val,
        s: &str,
        what: &str,
        candidates: impl IntoIterator<Item = &'c str> + Clone,
    ) {
        let all: Vec<&str> = candidates.clone().into_iter().collect();
        let mut d =
            Diagnostic::error(format!("unknown {what} `{s}`")).label(format!("unknown {what}"));
        d = match did_you_mean(s, candidates) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!("expected one of: {}", all.join(", "))),
        };
        self.error(v.tokens, d);
    }
}
