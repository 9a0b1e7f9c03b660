//! Synthetic `#[derive(Model)]` files of any size, for the derive's benchmarks (issue 5):
//! [`models_rs`] writes `n` structs of ten fields each (char with an index, text, integer,
//! decimal, boolean, a choices enum held as the enum, a nullable date, an `auto_now`
//! datetime) and, from the second on, a foreign key to the model before, and one shared
//! `#[derive(Choices)]` enum. [`models_toml`] is the project that reads it, for the CLI and
//! for `build.rs`, and for the derive when it is the crate's models.toml.

use std::fmt::Write;

/// A Rust file of `models` derived models.
pub fn models_rs(models: usize) -> String {
    let mut out = String::with_capacity(models * 900 + 512);
    let _ = writeln!(
        out,
        "// Synthetic derived models for the benchmarks: {models} models.\n\
         // Written by modelc-tests' synth_rust module; regenerate, don't edit.\n\
         \n\
         use chrono::{{DateTime, NaiveDate, Utc}};\n\
         use modelc_macros::{{Choices, Model}};\n\
         use rust_decimal::Decimal;\n\
         \n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Choices)]\n\
         pub enum Status {{\n    \
             #[choice(\"A\", label = \"Active\")]\n    Active,\n    \
             #[choice(\"P\", label = \"Paused\")]\n    Paused,\n    \
             #[choice(\"C\", label = \"Closed\")]\n    Closed,\n\
         }}"
    );
    for i in 0..models {
        let name = super::synth::model_name(i);
        let _ = write!(
            out,
            "\n#[derive(Debug, Clone, PartialEq, Model)]\n\
             #[model(app = \"synth\", ordering = [\"name\"])]\n\
             pub struct {name} {{\n    \
                 pub id: i64,\n    \
                 #[model(max_length = 120, db_index)]\n    \
                 pub name: String,\n    \
                 pub description: String,\n    \
                 #[model(default = 0)]\n    \
                 pub quantity: i32,\n    \
                 #[model(max_digits = 10, decimal_places = 2)]\n    \
                 pub price: Decimal,\n    \
                 pub is_active: bool,\n    \
                 #[model(type = \"char\", max_length = 1, choices = Status, default = \"A\")]\n    \
                 pub status: Status,\n    \
                 pub due_on: Option<NaiveDate>,\n    \
                 #[model(auto_now)]\n    \
                 pub updated_at: DateTime<Utc>,\n"
        );
        if i > 0 {
            let parent = super::synth::model_name(i - 1);
            let _ = writeln!(
                out,
                "    #[model(foreign_key = {parent}, on_delete = \"cascade\", related_name = \"next_{i:05}\")]\n    \
                 pub previous: i64,"
            );
        }
        out.push_str("}\n");
    }
    out
}

/// The project of a derived models file `file` (a path relative to the models.toml), for
/// `dialect`.
pub fn models_toml(file: &str, dialect: &str) -> String {
    format!(
        "[project]\napp = \"synth\"\nsources = [\"{file}\"]\n\n[generate.rust]\ndialect = \"{dialect}\"\nunmigrated = \"ignore\"\n"
    )
}
