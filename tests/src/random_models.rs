//! Random models and random edits of them, for the migration property test
//! (`tests/tests/migrate_property.rs`).
//!
//! A case is a seed: [`Rng::new`] of it draws a schema A ([`Models::random`]: 2–6 models of
//! 2–8 fields of every kind the language has for columns, relations to earlier models and to
//! the model itself, Meta indexes, unique_together and constraints) and a sequence of edits
//! ([`Models::random_edit`]) that gives B. Both are kept as a small structure in which every
//! model and field has an identity that survives renames, so the test can tell which column
//! of B holds which column of A, and rendered as models.toml text ([`Models::toml`]).
//!
//! Everything is drawn so that a database of A with the rows of [`Models::rows`] can be
//! migrated to B without losing or refusing data:
//! - values in rows always satisfy the checks that can be drawn: numbers are `>= 0`,
//!   strings are non-empty lowercase ASCII, a choices field holds one of its choices;
//! - the values of a column that may become unique are distinct per row (or NULL), and
//!   [`Field::distinct`] says whether that still holds after the edits so far;
//! - fields added to a model with rows are nullable or have a default (a foreign key's
//!   default is a row of its target that exists), and a new unique field is nullable
//!   without a default;
//! - changes of type only widen (max_length, integer size, decimal digits, char to text),
//!   NOT NULL is only set with a default on a column that is in no unique set, and choices
//!   only grow (or go);
//! - a removed field takes the indexes and constraints that name it along, a removed model
//!   the relations that point at it; a new name is never a name used before.
//!
//! What is drawn is not always valid models (a MySQL index on a text column, a reverse
//! accessor clash); the test compiles each draw and draws again when it does not compile.

use std::fmt::Write as _;

/// splitmix64: a small, well-mixed, deterministic generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x6d6f_6465_6c63_7072);
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    fn lower(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| (b'a' + self.below(26) as u8) as char)
            .collect()
    }
}

/// Integer sizes, smallest first; `positive` ones hold no negatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntSize {
    Small,
    Normal,
    Big,
}

impl IntSize {
    fn rank(self) -> u8 {
        match self {
            IntSize::Small => 0,
            IntSize::Normal => 1,
            IntSize::Big => 2,
        }
    }

    fn from_rank(r: u8) -> IntSize {
        match r {
            0 => IntSize::Small,
            1 => IntSize::Normal,
            _ => IntSize::Big,
        }
    }
}

/// `on_delete` of a foreign key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    Protect,
    Restrict,
    SetNull,
    SetDefault,
    DoNothing,
}

impl OnDelete {
    pub fn as_str(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::Protect => "protect",
            OnDelete::Restrict => "restrict",
            OnDelete::SetNull => "set_null",
            OnDelete::SetDefault => "set_default",
            OnDelete::DoNothing => "do_nothing",
        }
    }
}

/// A field's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// An auto-increment primary key.
    Auto(IntSize),
    Char(u32),
    /// `slug` (`false`) or `email` (`true`): strings with a max_length, like char.
    CharLike {
        max_length: u32,
        email: bool,
    },
    Text,
    Int {
        size: IntSize,
        positive: bool,
    },
    Decimal {
        digits: u32,
        places: u32,
    },
    Bool,
    Float,
    Date,
    DateTime,
    Time,
    Uuid,
    Json,
    /// A foreign key (`one_to_one` when `unique`) to the model with this id.
    Fk {
        to: u32,
        on_delete: OnDelete,
        one_to_one: bool,
    },
    ManyToMany {
        to: u32,
    },
}

impl Ty {
    fn type_name(&self) -> &'static str {
        match self {
            Ty::Auto(IntSize::Small) => "small_auto",
            Ty::Auto(IntSize::Normal) => "auto",
            Ty::Auto(IntSize::Big) => "big_auto",
            Ty::Char(_) => "char",
            Ty::CharLike { email: false, .. } => "slug",
            Ty::CharLike { email: true, .. } => "email",
            Ty::Text => "text",
            Ty::Int { size, positive } => match (size, positive) {
                (IntSize::Small, false) => "small_integer",
                (IntSize::Normal, false) => "integer",
                (IntSize::Big, false) => "big_integer",
                (IntSize::Small, true) => "positive_small_integer",
                (IntSize::Normal, true) => "positive_integer",
                (IntSize::Big, true) => "positive_big_integer",
            },
            Ty::Decimal { .. } => "decimal",
            Ty::Bool => "boolean",
            Ty::Float => "float",
            Ty::Date => "date",
            Ty::DateTime => "datetime",
            Ty::Time => "time",
            Ty::Uuid => "uuid",
            Ty::Json => "json",
            Ty::Fk {
                one_to_one: false, ..
            } => "foreign_key",
            Ty::Fk {
                one_to_one: true, ..
            } => "one_to_one",
            Ty::ManyToMany { .. } => "many_to_many",
        }
    }

    /// Whether the field has a column.
    pub fn has_column(&self) -> bool {
        !matches!(self, Ty::ManyToMany { .. })
    }

    /// Whether its column may take part in a unique set or an index on every dialect
    /// (MySQL indexes no text or JSON column).
    fn indexable(&self) -> bool {
        !matches!(self, Ty::Text | Ty::Json | Ty::ManyToMany { .. })
    }

    /// Whether `>= 0` can be checked on it.
    fn numeric(&self) -> bool {
        matches!(self, Ty::Int { .. } | Ty::Decimal { .. } | Ty::Float)
    }

    fn stringy(&self) -> bool {
        matches!(self, Ty::Char(_) | Ty::CharLike { .. } | Ty::Text)
    }

    fn target(&self) -> Option<u32> {
        match self {
            Ty::Fk { to, .. } | Ty::ManyToMany { to } => Some(*to),
            _ => None,
        }
    }
}

/// A value of a column: in rows, defaults and choices.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    Str(String),
    Int(i64),
    /// A decimal's text, `"12.50"`.
    Dec(String),
    Bool(bool),
    /// `2024-01-31`
    Date(String),
    /// `2024-01-31 12:34:56` (UTC)
    DateTime(String),
    /// `12:34:56`
    Time(String),
    /// A float with an exact binary value, `12.5`.
    Float(String),
    Uuid(u128),
    /// `{"k": n}`
    Json(i64),
}

impl Val {
    /// As models.toml writes it.
    pub fn toml(&self) -> String {
        match self {
            Val::Str(s) => format!("\"{s}\""),
            Val::Int(i) => i.to_string(),
            Val::Dec(d) => format!("\"{d}\""),
            Val::Bool(b) => b.to_string(),
            Val::Date(d) => d.clone(),
            Val::DateTime(dt) => format!("{}Z", dt.replace(' ', "T")),
            Val::Time(t) => t.clone(),
            Val::Float(f) => f.clone(),
            Val::Uuid(u) => {
                let h = format!("{u:032x}");
                format!(
                    "\"{}-{}-{}-{}-{}\"",
                    &h[0..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..32]
                )
            }
            Val::Json(n) => format!("{{ k = {n} }}"),
        }
    }
}

/// A check that every row the test writes satisfies.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// `f >= 0` (a number)
    NonNegative(u32),
    /// `f <> ''` (a string)
    NotEmpty(u32),
    /// `f IN (...)`: the field's choices when the check was drawn.
    In(u32, Vec<Val>),
    And(Box<Check>, Box<Check>),
    Or(Box<Check>, Box<Check>),
}

impl Check {
    /// Whether it holds a field to a list of values.
    fn mentions_in(&self, id: u32) -> bool {
        match self {
            Check::In(f, _) => *f == id,
            Check::And(a, b) | Check::Or(a, b) => a.mentions_in(id) || b.mentions_in(id),
            _ => false,
        }
    }

    fn fields(&self, out: &mut Vec<u32>) {
        match self {
            Check::NonNegative(f) | Check::NotEmpty(f) | Check::In(f, _) => out.push(*f),
            Check::And(a, b) | Check::Or(a, b) => {
                a.fields(out);
                b.fields(out);
            }
        }
    }

    fn text(&self, m: &Model) -> String {
        let name = |f: &u32| m.field(*f).map_or("?", |f| f.name.as_str()).to_string();
        match self {
            Check::NonNegative(f) => format!("{} >= 0", name(f)),
            Check::NotEmpty(f) => format!("{} <> ''", name(f)),
            Check::In(f, vals) => {
                let items: Vec<String> = vals.iter().map(sql_text).collect();
                format!("{} IN ({})", name(f), items.join(", "))
            }
            Check::And(a, b) => format!("({}) AND ({})", a.text(m), b.text(m)),
            Check::Or(a, b) => format!("({}) OR ({})", a.text(m), b.text(m)),
        }
    }
}

/// A literal of a check, in the portable subset.
fn sql_text(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("'{s}'"),
        Val::Int(i) => i.to_string(),
        other => format!("'{other:?}'"),
    }
}

/// An index of Meta.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    /// `(field, descending)`
    pub fields: Vec<(u32, bool)>,
    pub name: Option<String>,
    /// A partial index: `f IS NOT NULL`.
    pub condition: Option<u32>,
}

/// A constraint of Meta.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    Unique {
        fields: Vec<u32>,
        name: String,
        /// `f IS NOT NULL`
        condition: Option<u32>,
    },
    Check {
        check: Check,
        name: Option<String>,
    },
}

impl Constraint {
    fn fields(&self) -> Vec<u32> {
        match self {
            Constraint::Unique {
                fields, condition, ..
            } => fields.iter().chain(condition).copied().collect(),
            Constraint::Check { check, .. } => {
                let mut out = Vec::new();
                check.fields(&mut out);
                out
            }
        }
    }
}

/// One field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Identity: the same through renames and alterations.
    pub id: u32,
    pub name: String,
    /// Its name in schema A, when it is a field of A.
    pub a_name: Option<String>,
    pub ty: Ty,
    pub primary_key: bool,
    pub null: bool,
    pub unique: bool,
    pub db_index: Option<bool>,
    pub default: Option<Val>,
    pub choices: Option<Vec<Val>>,
    pub db_column: Option<String>,
    pub comment: Option<String>,
    /// Whether the values of its column are distinct in every row (or NULL), so that it may
    /// become unique.
    pub distinct: bool,
}

impl Field {
    /// Whether its column is unique: `unique`, the primary key, or a one-to-one.
    fn is_unique(&self) -> bool {
        self.unique
            || self.primary_key
            || matches!(
                self.ty,
                Ty::Fk {
                    one_to_one: true,
                    ..
                }
            )
    }

    fn toml(&self, models: &Models) -> String {
        let mut out = format!("{{ type = \"{}\"", self.ty.type_name());
        match &self.ty {
            Ty::Char(n) | Ty::CharLike { max_length: n, .. } => {
                let _ = write!(out, ", max_length = {n}");
            }
            Ty::Decimal { digits, places } => {
                let _ = write!(out, ", max_digits = {digits}, decimal_places = {places}");
            }
            Ty::Fk { to, on_delete, .. } => {
                let target = models.model(*to).map_or("?", |m| m.name.as_str());
                let _ = write!(
                    out,
                    ", to = \"{target}\", on_delete = \"{}\", related_name = \"+\"",
                    on_delete.as_str()
                );
            }
            Ty::ManyToMany { to } => {
                let target = models.model(*to).map_or("?", |m| m.name.as_str());
                let _ = write!(out, ", to = \"{target}\", related_name = \"+\"");
            }
            _ => {}
        }
        if self.primary_key {
            out.push_str(", primary_key = true");
        }
        if self.null {
            out.push_str(", null = true");
        }
        if self.unique {
            out.push_str(", unique = true");
        }
        if let Some(i) = self.db_index {
            let _ = write!(out, ", db_index = {i}");
        }
        if let Some(d) = &self.default {
            let _ = write!(out, ", default = {}", d.toml());
        }
        if let Some(choices) = &self.choices {
            let items: Vec<String> = choices
                .iter()
                .map(|c| {
                    let key = match c {
                        Val::Str(s) => s.clone(),
                        Val::Int(i) => i.to_string(),
                        other => format!("{other:?}"),
                    };
                    format!("{key} = \"L{key}\"")
                })
                .collect();
            let _ = write!(out, ", choices = {{ {} }}", items.join(", "));
        }
        if let Some(c) = &self.db_column {
            let _ = write!(out, ", db_column = \"{c}\"");
        }
        if let Some(c) = &self.comment {
            let _ = write!(out, ", db_comment = \"{c}\"");
        }
        if let Some(a) = &self.a_name {
            if *a != self.name {
                let _ = write!(out, ", renamed_from = \"{a}\"");
            }
        }
        out.push_str(" }");
        out
    }
}

/// One model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub id: u32,
    pub name: String,
    /// Its name in schema A, when it is a model of A (whose table has rows).
    pub a_name: Option<String>,
    /// Fields in declaration order; without a primary key field, the implicit `id`.
    pub fields: Vec<Field>,
    pub indexes: Vec<Index>,
    pub unique_together: Vec<Vec<u32>>,
    pub constraints: Vec<Constraint>,
    pub comment: Option<String>,
    /// An explicit `db_table` (else `p_<name>`, which follows a rename).
    pub db_table: Option<String>,
}

impl Model {
    pub fn field(&self, id: u32) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    fn field_mut(&mut self, id: u32) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// The primary key field, `None` for the implicit `id`.
    pub fn pk(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// Whether its table has the rows of schema A.
    pub fn has_rows(&self) -> bool {
        self.a_name.is_some()
    }

    /// Whether field `id` is in an index, a unique set or a constraint of Meta.
    fn in_meta(&self, id: u32) -> bool {
        self.indexes
            .iter()
            .any(|i| i.fields.iter().any(|f| f.0 == id) || i.condition == Some(id))
            || self.unique_together.iter().any(|s| s.contains(&id))
            || self.constraints.iter().any(|c| c.fields().contains(&id))
    }

    /// Whether field `id` is in a unique set of Meta.
    fn in_unique_set(&self, id: u32) -> bool {
        self.unique_together.iter().any(|s| s.contains(&id))
            || self
                .constraints
                .iter()
                .any(|c| matches!(c, Constraint::Unique { fields, .. } if fields.contains(&id)))
    }

    /// Drops every Meta entry that names field `id`.
    fn forget(&mut self, id: u32) {
        self.indexes
            .retain(|i| !i.fields.iter().any(|f| f.0 == id) && i.condition != Some(id));
        self.unique_together.retain(|s| !s.contains(&id));
        self.constraints.retain(|c| !c.fields().contains(&id));
    }
}

/// A schema: the models, and the counter that names new things.
#[derive(Clone, Debug, PartialEq)]
pub struct Models {
    pub models: Vec<Model>,
    next: u32,
}

/// The weights of the kinds of edit [`Models::random_edit`] draws.
const EDIT_WEIGHTS: [u32; 15] = [14, 8, 9, 22, 4, 3, 4, 6, 4, 7, 4, 4, 3, 2, 2];

impl Models {
    pub fn model(&self, id: u32) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }

    fn fresh(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// The models.toml text.
    pub fn toml(&self) -> String {
        let mut out = String::from(
            "[project]\napp = \"p\"\ndialects = [\"postgres\", \"mysql\", \"sqlite\"]\n",
        );
        for m in &self.models {
            let _ = write!(out, "\n[models.{}.fields]\n", m.name);
            for f in &m.fields {
                let _ = writeln!(out, "{} = {}", f.name, f.toml(self));
            }
            let mut meta = Vec::new();
            if let Some(a) = &m.a_name {
                if *a != m.name {
                    meta.push(format!("renamed_from = \"{a}\""));
                }
            }
            if let Some(t) = &m.db_table {
                meta.push(format!("db_table = \"{t}\""));
            }
            if let Some(c) = &m.comment {
                meta.push(format!("db_comment = \"{c}\""));
            }
            let fname = |id: &u32| m.field(*id).map_or("?", |f| f.name.as_str()).to_string();
            if !m.indexes.is_empty() {
                let items: Vec<String> = m
                    .indexes
                    .iter()
                    .map(|i| {
                        let fields: Vec<String> = i
                            .fields
                            .iter()
                            .map(|(f, desc)| {
                                format!("\"{}{}\"", if *desc { "-" } else { "" }, fname(f))
                            })
                            .collect();
                        let mut s = format!("{{ fields = [{}]", fields.join(", "));
                        if let Some(n) = &i.name {
                            let _ = write!(s, ", name = \"{n}\"");
                        }
                        if let Some(c) = i.condition {
                            let _ = write!(s, ", condition = \"{} IS NOT NULL\"", fname(&c));
                        }
                        s.push_str(" }");
                        s
                    })
                    .collect();
                meta.push(format!("indexes = [{}]", items.join(", ")));
            }
            if !m.unique_together.is_empty() {
                let sets: Vec<String> = m
                    .unique_together
                    .iter()
                    .map(|s| {
                        let names: Vec<String> =
                            s.iter().map(|f| format!("\"{}\"", fname(f))).collect();
                        format!("[{}]", names.join(", "))
                    })
                    .collect();
                meta.push(format!("unique_together = [{}]", sets.join(", ")));
            }
            if !m.constraints.is_empty() {
                let items: Vec<String> = m
                    .constraints
                    .iter()
                    .map(|c| match c {
                        Constraint::Unique {
                            fields,
                            name,
                            condition,
                        } => {
                            let names: Vec<String> =
                                fields.iter().map(|f| format!("\"{}\"", fname(f))).collect();
                            let mut s = format!(
                                "{{ type = \"unique\", fields = [{}], name = \"{name}\"",
                                names.join(", ")
                            );
                            if let Some(c) = condition {
                                let _ = write!(s, ", condition = \"{} IS NOT NULL\"", fname(c));
                            }
                            s.push_str(" }");
                            s
                        }
                        Constraint::Check { check, name } => {
                            let mut s = format!(
                                "{{ type = \"check\", check = \"{}\"",
                                check.text(m).replace('"', "\\\"")
                            );
                            if let Some(n) = name {
                                let _ = write!(s, ", name = \"{n}\"");
                            }
                            s.push_str(" }");
                            s
                        }
                    })
                    .collect();
                meta.push(format!("constraints = [{}]", items.join(", ")));
            }
            if !meta.is_empty() {
                let _ = write!(out, "\n[models.{}.meta]\n", m.name);
                for line in meta {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
        out
    }

    /// A random schema A: 2–6 models, relations only to earlier models and to themselves
    /// (so rows can be inserted model by model).
    pub fn random(rng: &mut Rng) -> Models {
        let mut s = Models {
            models: Vec::new(),
            next: 0,
        };
        let n = rng.range(2, 6);
        for _ in 0..n {
            let id = s.fresh();
            let name = format!("M{id}");
            let targets: Vec<u32> = s.models.iter().map(|m| m.id).chain([id]).collect();
            let m = Model {
                id,
                name: name.clone(),
                a_name: Some(name),
                fields: Vec::new(),
                indexes: Vec::new(),
                unique_together: Vec::new(),
                constraints: Vec::new(),
                comment: rng.chance(10).then(|| format!("model {id}")),
                db_table: rng.chance(8).then(|| format!("t{id}")),
            };
            s.models.push(m);
            let idx = s.models.len() - 1;
            if let Some(pk) = s.random_pk(rng) {
                s.models[idx].fields.push(pk);
            }
            for _ in 0..rng.range(2, 8) {
                let f = s.random_field(rng, &targets, true);
                s.models[idx].fields.push(f);
            }
            for _ in 0..3 {
                if rng.chance(25) {
                    s.random_meta(rng, idx);
                }
            }
        }
        for m in &mut s.models {
            for f in &mut m.fields {
                f.a_name = Some(f.name.clone());
            }
        }
        s
    }

    fn random_pk(&mut self, rng: &mut Rng) -> Option<Field> {
        let ty = match rng.weighted(&[60, 6, 8, 4, 10, 8]) {
            0 => return None,
            1 => Ty::Auto(IntSize::Small),
            2 => Ty::Auto(IntSize::Normal),
            3 => Ty::Auto(IntSize::Big),
            4 => Ty::Uuid,
            _ => Ty::Char(rng.range(8, 40)),
        };
        let id = self.fresh();
        let name = if matches!(ty, Ty::Auto(_)) {
            "id".to_string()
        } else {
            format!("k{id}")
        };
        Some(Field {
            id,
            name,
            a_name: None,
            ty,
            primary_key: true,
            null: false,
            unique: false,
            db_index: None,
            default: None,
            choices: None,
            db_column: None,
            comment: None,
            distinct: true,
        })
    }

    /// A random field whose relations may point at `targets`. Not `initial`, the field is
    /// added to a table that may have rows: nullable or with a default.
    fn random_field(&mut self, rng: &mut Rng, targets: &[u32], initial: bool) -> Field {
        let id = self.fresh();
        let ty = match rng.weighted(&[18, 7, 14, 8, 7, 5, 5, 5, 4, 14, 4, 4, 3, 3, 3]) {
            0 => Ty::Char(*rng.pick(&[1, 2, 5, 10, 20, 40, 100, 255])),
            12 => Ty::Float,
            13 => Ty::Time,
            14 => Ty::CharLike {
                max_length: *rng.pick(&[20, 50, 254]),
                email: rng.chance(50),
            },
            1 => Ty::Text,
            2 => Ty::Int {
                size: IntSize::from_rank(rng.below(3) as u8),
                positive: rng.chance(35),
            },
            3 => {
                let digits = rng.range(1, 12);
                Ty::Decimal {
                    digits,
                    places: rng.range(0, (digits - 1).min(4)),
                }
            }
            4 => Ty::Bool,
            5 => Ty::Date,
            6 => Ty::DateTime,
            7 => Ty::Uuid,
            8 => Ty::Json,
            9 | 10 => Ty::Fk {
                to: *rng.pick(targets),
                on_delete: OnDelete::Cascade,
                one_to_one: rng.weighted(&[14, 4]) == 1,
            },
            _ => Ty::ManyToMany {
                to: *rng.pick(targets),
            },
        };
        let mut f = Field {
            id,
            name: format!("f{id}"),
            a_name: None,
            ty,
            primary_key: false,
            null: rng.chance(30),
            unique: false,
            db_index: None,
            default: None,
            choices: None,
            db_column: None,
            comment: None,
            distinct: initial,
        };
        if !f.ty.has_column() {
            f.null = false;
            return f;
        }
        if rng.chance(6) {
            f.db_column = Some(format!("c{id}"));
        }
        if rng.chance(8) {
            f.comment = Some(format!("field {id}"));
        }
        let choosable = matches!(f.ty, Ty::Char(_) | Ty::Text | Ty::Int { .. });
        if choosable && rng.chance(18) {
            f.choices = Some(random_choices(rng, &f.ty));
            f.distinct = false;
        }
        if matches!(f.ty, Ty::Bool) {
            f.distinct = false;
        }
        if let Ty::Fk { to, .. } = f.ty {
            // A default must name a row of the target: only a target of schema A has one.
            let target_has_rows = self.model(to).is_some_and(Model::has_rows) || initial;
            if rng.chance(20) && target_has_rows {
                f.default = Some(self.pk_value(to, 0));
            }
        } else if rng.chance(25) {
            f.default = Some(self.random_value(rng, &f, 0));
        }
        if !initial && !f.null && f.default.is_none() {
            if rng.chance(50) || !matches!(f.ty, Ty::Fk { .. }) {
                f.null = true;
            } else if let Ty::Fk { to, .. } = f.ty {
                if self.model(to).is_some_and(Model::has_rows) {
                    f.default = Some(self.pk_value(to, 0));
                } else {
                    f.null = true;
                }
            }
        }
        if let Ty::Fk { on_delete, .. } = &mut f.ty {
            *on_delete = random_on_delete(rng, f.null, f.default.is_some());
        }
        let may_be_unique = f.ty.indexable() && f.distinct && (initial || f.default.is_none());
        if may_be_unique && rng.chance(12) {
            f.unique = true;
        }
        if f.ty.indexable() && rng.chance(15) {
            f.db_index = Some(rng.chance(70));
        }
        // A unique field added to rows must be NULL in every row.
        if !initial && f.is_unique() {
            f.null = true;
            f.default = None;
            if let Ty::Fk { on_delete, .. } = &mut f.ty {
                if *on_delete == OnDelete::SetDefault {
                    *on_delete = OnDelete::SetNull;
                }
            }
        }
        if !initial && f.default.is_some() {
            f.distinct = false;
        }
        if f.null && !initial && f.default.is_none() {
            // Every row holds NULL: distinct enough for a unique constraint.
            f.distinct = !matches!(f.ty, Ty::Bool) && f.choices.is_none();
        }
        f
    }

    /// A random Meta entry (index, unique_together, constraint) of model `idx`.
    fn random_meta(&mut self, rng: &mut Rng, idx: usize) {
        let n = self.fresh();
        let m = &self.models[idx];
        let indexable: Vec<&Field> = m
            .fields
            .iter()
            .filter(|f| f.ty.indexable() && !f.primary_key)
            .collect();
        let distinct: Vec<u32> = indexable
            .iter()
            .filter(|f| f.distinct)
            .map(|f| f.id)
            .collect();
        let nullable: Vec<u32> = m
            .fields
            .iter()
            .filter(|f| f.null && f.ty.has_column())
            .map(|f| f.id)
            .collect();
        let entry = match rng.weighted(&[40, 20, 15, 25]) {
            0 if !indexable.is_empty() => {
                let k = rng.range(1, indexable.len().min(3) as u32);
                let mut fields: Vec<(u32, bool)> = Vec::new();
                for _ in 0..k {
                    let f = rng.pick(&indexable).id;
                    if !fields.iter().any(|x| x.0 == f) {
                        fields.push((f, rng.chance(20)));
                    }
                }
                let name = rng.chance(50).then(|| format!("ix{n}"));
                let condition = if name.is_some() && !nullable.is_empty() && rng.chance(25) {
                    Some(*rng.pick(&nullable))
                } else {
                    None
                };
                Some(Meta::Index(Index {
                    fields,
                    name,
                    condition,
                }))
            }
            1 if !distinct.is_empty() => {
                let first = *rng.pick(&distinct);
                let other = rng.pick(&indexable).id;
                let set = if other == first {
                    vec![first]
                } else {
                    vec![first, other]
                };
                Some(Meta::UniqueTogether(set))
            }
            2 if !distinct.is_empty() => {
                let first = *rng.pick(&distinct);
                let other = rng.pick(&indexable).id;
                let fields = if other == first {
                    vec![first]
                } else {
                    vec![other, first]
                };
                let condition = if !nullable.is_empty() && rng.chance(30) {
                    Some(*rng.pick(&nullable))
                } else {
                    None
                };
                Some(Meta::Constraint(Constraint::Unique {
                    fields,
                    name: format!("uq{n}"),
                    condition,
                }))
            }
            3 => random_check(rng, m).map(|check| {
                let name = rng.chance(60).then(|| format!("ck{n}"));
                Meta::Constraint(Constraint::Check { check, name })
            }),
            _ => None,
        };
        let m = &mut self.models[idx];
        match entry {
            Some(Meta::Index(i)) => m.indexes.push(i),
            Some(Meta::UniqueTogether(s)) => m.unique_together.push(s),
            Some(Meta::Constraint(c)) => m.constraints.push(c),
            None => {}
        }
    }

    /// The primary key value of row `row` of model `id` (rows count from 0).
    pub fn pk_value(&self, id: u32, row: usize) -> Val {
        let pk = self.model(id).and_then(Model::pk);
        match pk.map(|f| &f.ty) {
            Some(Ty::Uuid) => {
                Val::Uuid((u128::from(id) << 96) | (0xabcd_u128 << 32) | (row as u128 + 1))
            }
            Some(Ty::Char(_)) => Val::Str(format!("k{id}r{row}")),
            _ => Val::Int(row as i64 + 1),
        }
    }

    /// A value for field `f` in row `row`: distinct per row for the kinds that may be
    /// unique, within choices, and satisfying every check that can be drawn.
    pub fn random_value(&self, rng: &mut Rng, f: &Field, row: usize) -> Val {
        if let Some(choices) = &f.choices {
            return rng.pick(choices).clone();
        }
        let tag = (b'a' + (row % 26) as u8) as char;
        match &f.ty {
            Ty::Char(n) | Ty::CharLike { max_length: n, .. } => {
                let extra = rng.below(u64::from((*n).min(9))) as usize;
                Val::Str(format!("{}{tag}", rng.lower(extra)))
            }
            Ty::Text => {
                let len = rng.below(20) as usize;
                Val::Str(format!("{}{tag}", rng.lower(len)))
            }
            Ty::Auto(_) => Val::Int(row as i64 + 1),
            Ty::Int { .. } => Val::Int(row as i64 * 1000 + rng.below(1000) as i64),
            Ty::Decimal { digits, places } => {
                let int_digits = digits - places;
                let int_part = if int_digits == 0 {
                    0
                } else {
                    let max = 10u64.pow(int_digits.min(6)) - 1;
                    (row as u64 * (max / 8 + 1) + rng.below(max / 8 + 1)).min(max)
                };
                if *places == 0 {
                    Val::Dec(int_part.to_string())
                } else {
                    let frac: String = (0..*places)
                        .map(|_| (b'0' + rng.below(10) as u8) as char)
                        .collect();
                    Val::Dec(format!("{int_part}.{frac}"))
                }
            }
            Ty::Bool => Val::Bool(rng.chance(50)),
            Ty::Float => Val::Float(format!(
                "{}.{}",
                row * 100 + rng.below(100) as usize,
                rng.pick(&["0", "5", "25", "75"])
            )),
            Ty::Time => Val::Time(format!(
                "{:02}:{:02}:{:02}",
                row,
                rng.range(0, 59),
                rng.range(0, 59)
            )),
            Ty::Date => Val::Date(format!(
                "20{:02}-{:02}-{:02}",
                rng.range(0, 30),
                rng.range(1, 12),
                row % 28 + 1
            )),
            Ty::DateTime => Val::DateTime(format!(
                "20{:02}-{:02}-{:02} {:02}:{:02}:{:02}",
                rng.range(0, 30),
                rng.range(1, 12),
                row % 28 + 1,
                rng.range(0, 23),
                rng.range(0, 59),
                rng.range(0, 59)
            )),
            Ty::Uuid => Val::Uuid(
                (u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64())) ^ row as u128,
            ),
            Ty::Json => Val::Json(row as i64),
            Ty::Fk { to, .. } => self.pk_value(*to, 0),
            Ty::ManyToMany { .. } => Val::Int(0),
        }
    }

    /// Rows for every model of schema A, `rows` rows each. Relations to other models point at
    /// a permutation of their rows (so one-to-one values are distinct), to the model itself
    /// at the row itself; many-to-many tables get one pair per row, also a permutation.
    pub fn rows(&self, rng: &mut Rng, rows: usize) -> Rows {
        let mut tables = Vec::new();
        let mut links = Vec::new();
        for m in &self.models {
            let mut table = Vec::new();
            let offsets: Vec<usize> = m
                .fields
                .iter()
                .map(|_| rng.below(rows as u64) as usize)
                .collect();
            for r in 0..rows {
                let mut row = Vec::new();
                if m.pk().is_none() {
                    row.push((0, Some(Val::Int(r as i64 + 1))));
                }
                for (fi, f) in m.fields.iter().enumerate() {
                    if !f.ty.has_column() {
                        continue;
                    }
                    let v = if f.primary_key {
                        Some(self.pk_value(m.id, r))
                    } else if f.null && rng.chance(25) {
                        None
                    } else if let Ty::Fk { to, .. } = f.ty {
                        if to == m.id {
                            Some(self.pk_value(to, r))
                        } else {
                            Some(self.pk_value(to, (r + offsets[fi]) % rows))
                        }
                    } else {
                        Some(self.random_value(rng, f, r))
                    };
                    row.push((f.id, v));
                }
                table.push(row);
            }
            tables.push((m.id, table));
            for (fi, f) in m.fields.iter().enumerate() {
                if let Ty::ManyToMany { .. } = f.ty {
                    let pairs = (0..rows).map(|r| (r, (r + offsets[fi]) % rows)).collect();
                    links.push(Links {
                        model: m.id,
                        field: f.id,
                        pairs,
                    });
                }
            }
        }
        Rows { tables, links }
    }

    /// Applies one random edit and says what it did; `None` when the drawn edit does not
    /// apply to this schema (the caller draws again).
    pub fn random_edit(&mut self, rng: &mut Rng) -> Option<String> {
        let mi = rng.below(self.models.len() as u64) as usize;
        let model_id = self.models[mi].id;
        let mname = self.models[mi].name.clone();
        let targets: Vec<u32> = self.models.iter().map(|m| m.id).collect();
        match rng.weighted(&EDIT_WEIGHTS) {
            // add field
            0 => {
                let f = self.random_field(rng, &targets, false);
                let m = &mut self.models[mi];
                let fname = f.name.clone();
                let at = rng.below(m.fields.len() as u64 + 1) as usize;
                m.fields.insert(at, f);
                Some(format!("add field {mname}.{fname}"))
            }
            // remove field
            1 => {
                let m = &mut self.models[mi];
                let candidates: Vec<u32> = m
                    .fields
                    .iter()
                    .filter(|f| !f.primary_key)
                    .map(|f| f.id)
                    .collect();
                if candidates.len() < 2 {
                    return None;
                }
                let id = *rng.pick(&candidates);
                m.forget(id);
                let name = m.field(id)?.name.clone();
                m.fields.retain(|f| f.id != id);
                Some(format!("remove field {mname}.{name}"))
            }
            // rename field
            2 => {
                let n = self.fresh();
                let m = &mut self.models[mi];
                let f = rng.below(m.fields.len() as u64) as usize;
                let f = &mut m.fields[f];
                let old = std::mem::replace(&mut f.name, format!("g{n}"));
                Some(format!("rename field {mname}.{old} to {}", f.name))
            }
            // alter field
            3 => self.alter_field(rng, mi),
            // add model
            4 => {
                let id = self.fresh();
                let name = format!("M{id}");
                let mut targets = targets;
                targets.push(id);
                let m = Model {
                    id,
                    name: name.clone(),
                    a_name: None,
                    fields: Vec::new(),
                    indexes: Vec::new(),
                    unique_together: Vec::new(),
                    constraints: Vec::new(),
                    comment: rng.chance(10).then(|| format!("model {id}")),
                    db_table: rng.chance(8).then(|| format!("t{id}")),
                };
                let at = rng.below(self.models.len() as u64 + 1) as usize;
                self.models.insert(at, m);
                if let Some(pk) = self.random_pk(rng) {
                    self.models[at].fields.push(pk);
                }
                for _ in 0..rng.range(1, 6) {
                    let f = self.random_field(rng, &targets, true);
                    self.models[at].fields.push(f);
                }
                if rng.chance(30) {
                    self.random_meta(rng, at);
                }
                Some(format!("add model {name}"))
            }
            // remove model
            5 => {
                if self.models.len() < 2 {
                    return None;
                }
                self.models.remove(mi);
                for m in &mut self.models {
                    let pointing: Vec<u32> = m
                        .fields
                        .iter()
                        .filter(|f| f.ty.target() == Some(model_id))
                        .map(|f| f.id)
                        .collect();
                    for id in pointing {
                        m.forget(id);
                        m.fields.retain(|f| f.id != id);
                    }
                }
                Some(format!("remove model {mname}"))
            }
            // rename model
            6 => {
                let n = self.fresh();
                let m = &mut self.models[mi];
                m.name = format!("R{n}");
                Some(format!("rename model {mname} to {}", m.name))
            }
            // add index
            7 => {
                let before = self.models[mi].indexes.len();
                self.random_meta_of(rng, mi, 0);
                (self.models[mi].indexes.len() > before).then(|| format!("add index to {mname}"))
            }
            // remove index
            8 => {
                let m = &mut self.models[mi];
                if m.indexes.is_empty() {
                    return None;
                }
                let i = rng.below(m.indexes.len() as u64) as usize;
                m.indexes.remove(i);
                Some(format!("remove index {i} of {mname}"))
            }
            // add constraint
            9 => {
                let before = self.models[mi].constraints.len();
                let kind = if rng.chance(60) { 3 } else { 2 };
                self.random_meta_of(rng, mi, kind);
                (self.models[mi].constraints.len() > before)
                    .then(|| format!("add constraint to {mname}"))
            }
            // remove constraint
            10 => {
                let m = &mut self.models[mi];
                if m.constraints.is_empty() {
                    return None;
                }
                let i = rng.below(m.constraints.len() as u64) as usize;
                m.constraints.remove(i);
                Some(format!("remove constraint {i} of {mname}"))
            }
            // add unique_together
            11 => {
                let before = self.models[mi].unique_together.len();
                self.random_meta_of(rng, mi, 1);
                (self.models[mi].unique_together.len() > before)
                    .then(|| format!("add unique_together to {mname}"))
            }
            // model comment
            13 => {
                let n = self.fresh();
                let m = &mut self.models[mi];
                m.comment = match m.comment {
                    Some(_) if rng.chance(50) => None,
                    _ => Some(format!("model comment {n}")),
                };
                Some(format!("change the db_comment of {mname}"))
            }
            // db_table
            14 => {
                let n = self.fresh();
                let m = &mut self.models[mi];
                m.db_table = match m.db_table {
                    Some(_) if rng.chance(50) => None,
                    _ => Some(format!("t{n}")),
                };
                Some(format!("change the db_table of {mname}"))
            }
            // remove unique_together
            _ => {
                let m = &mut self.models[mi];
                if m.unique_together.is_empty() {
                    return None;
                }
                let i = rng.below(m.unique_together.len() as u64) as usize;
                m.unique_together.remove(i);
                Some(format!("remove unique_together {i} of {mname}"))
            }
        }
    }

    /// [`Models::random_meta`] of one kind (0 index, 1 unique_together, 2 unique, 3 check).
    fn random_meta_of(&mut self, rng: &mut Rng, idx: usize, kind: u32) {
        for _ in 0..8 {
            let before = self.models[idx].clone();
            self.random_meta(rng, idx);
            let m = &self.models[idx];
            let added = match kind {
                0 => m.indexes.len() > before.indexes.len(),
                1 => m.unique_together.len() > before.unique_together.len(),
                _ => m.constraints.len() > before.constraints.len(),
            };
            let right_kind = match kind {
                2 => matches!(m.constraints.last(), Some(Constraint::Unique { .. })),
                3 => matches!(m.constraints.last(), Some(Constraint::Check { .. })),
                _ => true,
            };
            if added && right_kind {
                return;
            }
            self.models[idx] = before;
        }
    }

    fn alter_field(&mut self, rng: &mut Rng, mi: usize) -> Option<String> {
        let m = &self.models[mi];
        let f = m.fields[rng.below(m.fields.len() as u64) as usize].clone();
        // Rows of A are in its table; values of A in its column.
        let table_has_rows = m.has_rows();
        let has_rows = table_has_rows && f.a_name.is_some();
        let in_unique_set = m.in_unique_set(f.id) || f.is_unique();
        let in_meta = m.in_meta(f.id);
        let mname = m.name.clone();
        let mut g = f.clone();
        let what = match rng.below(11) {
            // widen the type
            0 => match &f.ty {
                Ty::Auto(size) if size.rank() < 2 => {
                    g.ty = Ty::Auto(IntSize::from_rank(size.rank() + 1));
                    "widen auto"
                }
                Ty::CharLike { max_length, email } => {
                    g.ty = Ty::CharLike {
                        max_length: max_length + rng.range(1, 60),
                        email: *email,
                    };
                    "widen max_length"
                }
                Ty::Char(n) => {
                    if !f.primary_key
                        && !in_meta
                        && !f.is_unique()
                        && f.db_index.is_none()
                        && rng.chance(25)
                    {
                        g.ty = Ty::Text;
                        "char to text"
                    } else {
                        g.ty = Ty::Char(n + rng.range(1, 60));
                        "widen max_length"
                    }
                }
                Ty::Int { size, positive } => {
                    let rank = (size.rank() + rng.range(0, 2) as u8).min(2);
                    let positive = *positive && rng.chance(50);
                    if rank == size.rank()
                        && positive == matches!(f.ty, Ty::Int { positive: true, .. })
                    {
                        return None;
                    }
                    g.ty = Ty::Int {
                        size: IntSize::from_rank(rank),
                        positive,
                    };
                    "widen integer"
                }
                Ty::Decimal { digits, places } => {
                    let more_places = rng.range(0, 2);
                    g.ty = Ty::Decimal {
                        digits: digits + more_places + rng.range(0, 3),
                        places: places + more_places,
                    };
                    "widen decimal"
                }
                Ty::Fk {
                    to,
                    on_delete,
                    one_to_one,
                } => {
                    if *one_to_one {
                        g.ty = Ty::Fk {
                            to: *to,
                            on_delete: *on_delete,
                            one_to_one: false,
                        };
                        "one_to_one to foreign_key"
                    } else if f.distinct && !f.unique {
                        g.ty = Ty::Fk {
                            to: *to,
                            on_delete: *on_delete,
                            one_to_one: true,
                        };
                        "foreign_key to one_to_one"
                    } else {
                        return None;
                    }
                }
                _ => return None,
            },
            // NOT NULL to NULL
            1 if f.null => {
                if in_unique_set || f.primary_key {
                    return None;
                }
                g.null = false;
                if g.default.is_none() {
                    g.default = Some(match f.ty {
                        Ty::Fk { to, .. } => {
                            if table_has_rows && !self.model(to).is_some_and(Model::has_rows) {
                                return None;
                            }
                            self.pk_value(to, 0)
                        }
                        _ => self.random_value(rng, &f, 0),
                    });
                }
                if let Ty::Fk { on_delete, .. } = &mut g.ty {
                    if *on_delete == OnDelete::SetNull {
                        *on_delete = OnDelete::Cascade;
                    }
                }
                g.distinct = false;
                "make NOT NULL with a default"
            }
            1 => {
                if f.primary_key || !f.ty.has_column() {
                    return None;
                }
                g.null = true;
                "make nullable"
            }
            // default
            2 => {
                if f.primary_key || !f.ty.has_column() {
                    return None;
                }
                if f.default.is_some() && rng.chance(40) {
                    if let Ty::Fk { on_delete, .. } = &mut g.ty {
                        if *on_delete == OnDelete::SetDefault {
                            *on_delete = OnDelete::Cascade;
                        }
                    }
                    g.default = None;
                    "remove default"
                } else {
                    if f.is_unique() {
                        return None;
                    }
                    g.default = Some(match f.ty {
                        Ty::Fk { to, .. } => {
                            if !self.model(to).is_some_and(Model::has_rows) {
                                return None;
                            }
                            self.pk_value(to, rng.below(2) as usize)
                        }
                        _ => {
                            let row = rng.below(3) as usize;
                            self.random_value(rng, &f, row)
                        }
                    });
                    "change default"
                }
            }
            // db_index
            3 => {
                if !f.ty.indexable() || f.primary_key {
                    return None;
                }
                g.db_index = match f.db_index {
                    None => Some(rng.chance(60)),
                    Some(b) => {
                        if rng.chance(50) {
                            None
                        } else {
                            Some(!b)
                        }
                    }
                };
                "toggle db_index"
            }
            // unique
            4 => {
                if !f.ty.indexable() || f.primary_key {
                    return None;
                }
                if f.unique {
                    g.unique = false;
                    "drop unique"
                } else if f.distinct {
                    g.unique = true;
                    "make unique"
                } else {
                    return None;
                }
            }
            // choices
            5 => match &f.choices {
                Some(c) => {
                    if rng.chance(30) {
                        g.choices = None;
                        // A check of the old choices would hold the default to them.
                        let id = f.id;
                        self.models[mi].constraints.retain(|c| {
                            !matches!(c, Constraint::Check { check, .. } if check.mentions_in(id))
                        });
                        "drop choices"
                    } else {
                        let mut more = c.clone();
                        let extra = random_choices(rng, &f.ty);
                        for v in extra {
                            if !more.contains(&v) {
                                more.push(v);
                            }
                        }
                        if more.len() == c.len() {
                            return None;
                        }
                        g.choices = Some(more);
                        "more choices"
                    }
                }
                None => {
                    let choosable = matches!(f.ty, Ty::Char(_) | Ty::Text | Ty::Int { .. });
                    // Only where no row holds a value: a new nullable column.
                    let empty = !has_rows || (f.null && f.default.is_none() && f.a_name.is_none());
                    if !choosable || !empty || f.primary_key || f.is_unique() || in_meta {
                        return None;
                    }
                    g.choices = Some(random_choices(rng, &f.ty));
                    g.default = None;
                    g.distinct = false;
                    "add choices"
                }
            },
            // on_delete
            6 => match &mut g.ty {
                Ty::Fk { on_delete, .. } => {
                    *on_delete = random_on_delete(rng, f.null, f.default.is_some());
                    "change on_delete"
                }
                _ => return None,
            },
            // db_column
            9 => {
                if !f.ty.has_column() {
                    return None;
                }
                g.db_column = match &f.db_column {
                    Some(_) if rng.chance(50) => None,
                    _ => Some(format!("c{}", self.fresh())),
                };
                "change db_column"
            }
            // db_comment
            10 => {
                if !f.ty.has_column() {
                    return None;
                }
                g.comment = match &f.comment {
                    Some(_) if rng.chance(50) => None,
                    _ => Some(format!("comment {}", self.fresh())),
                };
                "change db_comment"
            }
            // rename too: an alteration of a renamed field
            _ => {
                let n = self.fresh();
                g.name = format!("g{n}");
                if let Ty::Char(k) = g.ty {
                    g.ty = Ty::Char(k + 1);
                    "rename and widen"
                } else if f.primary_key || !g.ty.has_column() {
                    "rename"
                } else {
                    g.null = true;
                    "rename and make nullable"
                }
            }
        };
        if g == f {
            return None;
        }
        let m = &mut self.models[mi];
        *m.field_mut(f.id)? = g;
        Some(format!("alter field {mname}.{} ({what})", f.name))
    }
}

/// Rows of schema A, from [`Models::rows`].
#[derive(Clone, Debug)]
pub struct Rows {
    /// `(model id, rows)` in model order.
    pub tables: Vec<(u32, Vec<Row>)>,
    pub links: Vec<Links>,
}

/// One row: `(field id, value)` per column, `None` for NULL; field id 0 is the implicit `id`.
pub type Row = Vec<(u32, Option<Val>)>;

/// The rows of the table of a many-to-many field.
#[derive(Clone, Debug)]
pub struct Links {
    pub model: u32,
    pub field: u32,
    /// `(row of the model, row of the target)`
    pub pairs: Vec<(usize, usize)>,
}

enum Meta {
    Index(Index),
    UniqueTogether(Vec<u32>),
    Constraint(Constraint),
}

fn random_choices(rng: &mut Rng, ty: &Ty) -> Vec<Val> {
    let n = rng.range(1, 4);
    let mut out = Vec::new();
    for _ in 0..n {
        let v = match ty {
            Ty::Char(len) => Val::Str(rng.lower((*len).clamp(1, 3) as usize)),
            Ty::Text => Val::Str(rng.lower(3)),
            _ => Val::Int(rng.below(20) as i64),
        };
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn random_on_delete(rng: &mut Rng, null: bool, default: bool) -> OnDelete {
    loop {
        let o = *rng.pick(&[
            OnDelete::Cascade,
            OnDelete::Protect,
            OnDelete::Restrict,
            OnDelete::SetNull,
            OnDelete::SetDefault,
            OnDelete::DoNothing,
        ]);
        match o {
            OnDelete::SetNull if !null => continue,
            OnDelete::SetDefault if !default => continue,
            _ => return o,
        }
    }
}

/// A random check on model `m` that every row satisfies, if it has a field to check.
fn random_check(rng: &mut Rng, m: &Model) -> Option<Check> {
    let atoms: Vec<Check> = m
        .fields
        .iter()
        .filter(|f| !f.primary_key)
        .filter_map(|f| {
            if let Some(c) = &f.choices {
                Some(Check::In(f.id, c.clone()))
            } else if f.ty.numeric() {
                Some(Check::NonNegative(f.id))
            } else if f.ty.stringy() {
                Some(Check::NotEmpty(f.id))
            } else {
                None
            }
        })
        .collect();
    if atoms.is_empty() {
        return None;
    }
    let a = rng.pick(&atoms).clone();
    Some(match rng.below(4) {
        0 => Check::And(Box::new(a), Box::new(rng.pick(&atoms).clone())),
        1 => Check::Or(Box::new(a), Box::new(rng.pick(&atoms).clone())),
        _ => a,
    })
}
