//! What both benchmarks measure: the pipeline on a synthetic models file, and its floor.

use modelc::ir::DialectName;

/// The model counts of issue 2.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// The floor: the `toml` crate parsing the text into a generic table (no spans, no IR).
pub fn toml_parse_generic(text: &str) -> toml::Table {
    toml::from_str::<toml::Table>(text).expect("synthetic models are valid TOML")
}

/// The whole pipeline: parse with spans, lower, validate, then the DDL of every configured
/// dialect, rendered and dropped one dialect at a time (as `modelc sql --out` writes them).
/// Returns the bytes of SQL rendered.
pub fn pipeline(text: String) -> usize {
    let c = modelc::compile_str("models.toml", text);
    let schema = c.schema.as_ref().expect("synthetic models compile");
    assert_eq!(schema.project.dialects, DialectName::ALL);
    let mut bytes = 0;
    for &d in &schema.project.dialects {
        let sql = c.sql(d).expect("SQL for a schema without errors");
        bytes += std::hint::black_box(sql).len();
    }
    bytes
}
