//! What both benchmarks measure: the pipeline on a synthetic models file, and its floor.

use modelc::ir::DialectName;

/// The model counts of issue 2.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// The floor: the `toml` crate parsing the text into a generic table (no spans, no IR).
pub fn toml_parse_generic(text: &str) -> toml::Table {
    toml::from_str::<toml::Table>(text).expect("synthetic models are valid TOML")
}

/// The whole pipeline: parse with spans, lower, validate, then the DDL of every configured
/// dialect, written as `modelc sql --out` writes it: in one pass over the models, streamed
/// table by table into each dialect's output (here sinks that count the bytes). Returns the
/// bytes of SQL written.
pub fn pipeline(text: String) -> usize {
    let c = modelc::compile_str("models.toml", text);
    let schema = c.schema.as_ref().expect("synthetic models compile");
    assert_eq!(schema.project.dialects, DialectName::ALL);
    let (mut pg, mut my, mut lite) = (Counter(0), Counter(0), Counter(0));
    modelc::ddl::write_schemas(
        schema,
        &mut [
            (DialectName::Postgres, &mut pg),
            (DialectName::MySql, &mut my),
            (DialectName::Sqlite, &mut lite),
        ],
    )
    .expect("a sink never fails");
    std::hint::black_box(pg.0 + my.0 + lite.0)
}

/// Counts the bytes written to it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
