//! Synthetic models files of any size, for the benchmarks (issue 2).
//!
//! [`models_toml`] writes `n` models of about twelve fields each, of mixed types: char with
//! max_length (some with db_index), text, the integer kinds, decimal, boolean, datetime with
//! auto_now / auto_now_add, nullable date, choices (string and integer codes), uuid, json,
//! email, slug, float; one or two foreign keys per model to models declared before it, with
//! every `on_delete` rule but set_default; self foreign keys, a few one-to-one and
//! many-to-many fields; and Meta ordering, indexes, unique_together and check and unique
//! constraints.
//!
//! The output is deterministic: the same count and seed give the same bytes, on every
//! platform (the random numbers come from SplitMix64, not from a crate whose streams may
//! change). Every relation points at an earlier model or at the model itself, every name
//! is unique where it must be, and nothing asks a dialect for what it can't do, so the file
//! compiles for PostgreSQL, MySQL and SQLite without a single diagnostic
//! (`tests/tests/synth.rs` holds it to that). A 1,000-model file is about 0.9 MB.

use std::fmt::Write;

/// The seed of the files the benchmarks read.
pub const DEFAULT_SEED: u64 = 0x6d6f_6465_6c63;

/// A models file of `models` models, from [`DEFAULT_SEED`].
pub fn models_toml(models: usize) -> String {
    models_toml_seeded(models, DEFAULT_SEED)
}

/// A models file of `models` models, from `seed`.
pub fn models_toml_seeded(models: usize, seed: u64) -> String {
    let mut out = String::with_capacity(models * 960 + 256);
    let _ = writeln!(
        out,
        "# Synthetic models for the benchmarks: {models} models, seed {seed:#x}.\n\
         # Written by modelc-tests' synth module; regenerate, don't edit.\n\
         \n\
         [project]\n\
         app = \"synth\"\n\
         dialects = [\"postgres\", \"mysql\", \"sqlite\"]"
    );
    let mut rng = Rng::new(seed);
    for i in 0..models {
        model(&mut out, &mut rng, i);
    }
    out
}

/// The name of model `i`: a noun and the index, so every name is unique.
pub fn model_name(i: usize) -> String {
    const NOUNS: [&str; 16] = [
        "Product",
        "Order",
        "Customer",
        "Invoice",
        "Shipment",
        "Supplier",
        "Warehouse",
        "Article",
        "Comment",
        "Ticket",
        "Payment",
        "Account",
        "Review",
        "Coupon",
        "Category",
        "Employee",
    ];
    format!("{}{i:05}", NOUNS[i % NOUNS.len()])
}

/// SplitMix64 (Steele, Lea and Flood 2014): small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The scalar fields a model draws from, in the order they are written.
#[derive(Clone, Copy, PartialEq)]
enum Scalar {
    Description,
    Code,
    Email,
    Slug,
    Quantity,
    Rank,
    Views,
    Stock,
    Price,
    Ratio,
    IsActive,
    Status,
    Priority,
    Uid,
    Payload,
    DueOn,
    CreatedAt,
    UpdatedAt,
}

const SCALARS: [Scalar; 18] = [
    Scalar::Description,
    Scalar::Code,
    Scalar::Email,
    Scalar::Slug,
    Scalar::Quantity,
    Scalar::Rank,
    Scalar::Views,
    Scalar::Stock,
    Scalar::Price,
    Scalar::Ratio,
    Scalar::IsActive,
    Scalar::Status,
    Scalar::Priority,
    Scalar::Uid,
    Scalar::Payload,
    Scalar::DueOn,
    Scalar::CreatedAt,
    Scalar::UpdatedAt,
];

/// Scalar fields per model, besides `name` and the relations.
const SCALARS_PER_MODEL: usize = 9;

const ROLES: [&str; 6] = [
    "owner", "category", "source", "account", "batch", "assignee",
];

fn field(out: &mut String, name: &str, body: &str) {
    let _ = writeln!(out, "{name:<10} = {{ {body} }}");
}

fn scalar(out: &mut String, rng: &mut Rng, s: Scalar) -> &'static str {
    match s {
        Scalar::Description => {
            field(
                out,
                "description",
                "type = \"text\", blank = true, help_text = \"Shown on the page\"",
            );
            "description"
        }
        Scalar::Code => {
            let len = rng.pick(&[12, 16, 24]);
            field(
                out,
                "code",
                &format!("type = \"char\", max_length = {len}, db_index = true"),
            );
            "code"
        }
        Scalar::Email => {
            field(out, "email", "type = \"email\", null = true");
            "email"
        }
        Scalar::Slug => {
            field(
                out,
                "slug",
                "type = \"slug\", max_length = 80, unique = true",
            );
            "slug"
        }
        Scalar::Quantity => {
            field(out, "quantity", "type = \"integer\", default = 0");
            "quantity"
        }
        Scalar::Rank => {
            let d = rng.below(100);
            field(
                out,
                "rank",
                &format!("type = \"small_integer\", default = {d}"),
            );
            "rank"
        }
        Scalar::Views => {
            field(out, "views", "type = \"big_integer\", default = 0");
            "views"
        }
        Scalar::Stock => {
            field(out, "stock", "type = \"positive_integer\", default = 0");
            "stock"
        }
        Scalar::Price => {
            let (digits, places) = *rng.pick(&[(10, 2), (12, 4), (8, 2)]);
            let zero = format!("0.{}", "0".repeat(places));
            field(
                out,
                "price",
                &format!(
                    "type = \"decimal\", max_digits = {digits}, decimal_places = {places}, default = \"{zero}\""
                ),
            );
            "price"
        }
        Scalar::Ratio => {
            field(out, "ratio", "type = \"float\", null = true");
            "ratio"
        }
        Scalar::IsActive => {
            let d = rng.one_in(4);
            field(
                out,
                "is_active",
                &format!("type = \"boolean\", default = {}", !d),
            );
            "is_active"
        }
        Scalar::Status => {
            field(
                out,
                "status",
                "type = \"char\", max_length = 2, default = \"dr\", choices = { dr = \"Draft\", pu = \"Published\", ar = \"Archived\" }",
            );
            "status"
        }
        Scalar::Priority => {
            field(
                out,
                "priority",
                "type = \"small_integer\", default = 1, choices = { 0 = \"Low\", 1 = \"Normal\", 2 = \"High\" }",
            );
            "priority"
        }
        Scalar::Uid => {
            field(
                out,
                "uid",
                "type = \"uuid\", unique = true, default_fn = \"uuid4\"",
            );
            "uid"
        }
        Scalar::Payload => {
            field(out, "payload", "type = \"json\", null = true");
            "payload"
        }
        Scalar::DueOn => {
            field(out, "due_on", "type = \"date\", null = true");
            "due_on"
        }
        Scalar::CreatedAt => {
            field(
                out,
                "created_at",
                "type = \"datetime\", auto_now_add = true",
            );
            "created_at"
        }
        Scalar::UpdatedAt => {
            field(out, "updated_at", "type = \"datetime\", auto_now = true");
            "updated_at"
        }
    }
}

/// Up to `n` distinct earlier models (`0..i`), most of them close to `i`.
fn targets(rng: &mut Rng, i: usize, n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(n);
    for _ in 0..n.min(i) {
        for _ in 0..8 {
            let t = if rng.one_in(2) {
                i - 1 - rng.below(i.min(16))
            } else {
                rng.below(i)
            };
            if !out.contains(&t) {
                out.push(t);
                break;
            }
        }
    }
    out
}

fn model(out: &mut String, rng: &mut Rng, i: usize) {
    let name = model_name(i);
    let lower = name.to_lowercase();
    let table = format!("synth_{lower}");
    let _ = writeln!(out, "\n[models.{name}.fields]");

    let max_length = rng.pick(&[80, 120, 200, 255]);
    let index = if rng.one_in(4) {
        ", db_index = true"
    } else {
        ""
    };
    field(
        out,
        "name",
        &format!("type = \"char\", max_length = {max_length}{index}"),
    );

    // Nine distinct scalar fields, written in the order of SCALARS.
    let mut chosen = [false; SCALARS.len()];
    let mut count = 0;
    while count < SCALARS_PER_MODEL {
        let k = rng.below(SCALARS.len());
        if !chosen[k] {
            chosen[k] = true;
            count += 1;
        }
    }
    let mut scalars: Vec<&str> = Vec::with_capacity(SCALARS_PER_MODEL);
    for (k, s) in SCALARS.iter().enumerate() {
        if chosen[k] {
            scalars.push(scalar(out, rng, *s));
        }
    }

    // Relations: each to a different model, so default reverse names never clash.
    let fk_count = if rng.one_in(2) { 2 } else { 1 };
    let one_to_one = rng.one_in(20);
    let many_to_many = rng.one_in(10);
    let mut to = targets(
        rng,
        i,
        fk_count + usize::from(one_to_one) + usize::from(many_to_many),
    )
    .into_iter();
    let mut fks: Vec<&str> = Vec::new();
    let first_role = rng.below(ROLES.len());
    for k in 0..fk_count {
        let Some(t) = to.next() else { break };
        let role = ROLES[(first_role + k) % ROLES.len()];
        let rule = *rng.pick(&[
            "cascade",
            "cascade",
            "protect",
            "restrict",
            "set_null",
            "do_nothing",
        ]);
        let null = if rule == "set_null" || rng.one_in(5) {
            ", null = true"
        } else {
            ""
        };
        field(
            out,
            role,
            &format!(
                "type = \"foreign_key\", to = \"{}\", on_delete = \"{rule}\"{null}",
                model_name(t)
            ),
        );
        fks.push(role);
    }
    if rng.one_in(8) {
        field(
            out,
            "parent",
            "type = \"foreign_key\", to = \"self\", on_delete = \"set_null\", null = true, related_name = \"children\"",
        );
    }
    if one_to_one {
        if let Some(t) = to.next() {
            field(
                out,
                "profile",
                &format!(
                    "type = \"one_to_one\", to = \"{}\", on_delete = \"cascade\", null = true",
                    model_name(t)
                ),
            );
        }
    }
    if many_to_many {
        if let Some(t) = to.next() {
            field(
                out,
                "tags",
                &format!(
                    "type = \"many_to_many\", to = \"{}\", blank = true",
                    model_name(t)
                ),
            );
        }
    }

    // Meta: written only when it says something.
    let mut meta = String::new();
    let has = |f: &str| scalars.contains(&f);
    if rng.one_in(2) {
        let first = if has("created_at") {
            "-created_at"
        } else {
            "name"
        };
        let _ = writeln!(meta, "ordering = [\"{first}\"]");
    }
    if rng.one_in(3) {
        let second = scalars[rng.below(scalars.len())];
        let second = match second {
            "description" | "payload" => "id",
            s => s,
        };
        if rng.one_in(3) {
            let _ = writeln!(meta, "indexes = [{{ fields = [\"name\", \"-{second}\"] }}]");
        } else {
            let _ = writeln!(
                meta,
                "indexes = [{{ fields = [\"name\", \"-{second}\"], name = \"{lower}_name_idx\" }}]"
            );
        }
    }
    if let Some(fk) = fks.first() {
        if rng.one_in(5) {
            let _ = writeln!(meta, "unique_together = [[\"name\", \"{fk}\"]]");
        }
    }
    let mut constraints: Vec<String> = Vec::new();
    if has("quantity") && rng.one_in(3) {
        constraints.push(format!(
            "{{ type = \"check\", check = \"quantity >= 0\", name = \"{table}_quantity_check\" }}"
        ));
    }
    if has("price") && rng.one_in(4) {
        constraints.push(format!(
            "{{ type = \"check\", check = \"price >= 0 AND price < 1000000\", name = \"{table}_price_check\" }}"
        ));
    }
    if has("code") && rng.one_in(6) {
        constraints.push(format!(
            "{{ type = \"unique\", fields = [\"code\", \"name\"], name = \"{table}_code_uniq\" }}"
        ));
    }
    if !constraints.is_empty() {
        let _ = writeln!(
            meta,
            "constraints = [\n    {},\n]",
            constraints.join(",\n    ")
        );
    }
    if !meta.is_empty() {
        let _ = write!(out, "\n[models.{name}.meta]\n{meta}");
    }
}
