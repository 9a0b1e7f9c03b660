//! The benchmarks' input stays valid: synthetic models files compile for all three
//! dialects without a single diagnostic, and the generator is deterministic.

use modelc::ir::DialectName;
use modelc_tests::synth;

fn assert_compiles(models: usize) {
    let text = synth::models_toml(models);
    let c = modelc::compile_str("synth.toml", text);
    assert!(
        c.diagnostics.is_empty(),
        "{models} synthetic models do not compile cleanly:\n{}",
        c.render_diagnostics(false)
    );
    let schema = c.schema.as_ref().expect("a schema without errors");
    assert_eq!(schema.models.len(), models);
    assert_eq!(schema.project.dialects, DialectName::ALL.to_vec());
    for d in DialectName::ALL {
        let sql = c.sql(d).expect("SQL for a schema without errors");
        let creates = sql.matches("CREATE TABLE").count();
        assert!(
            creates >= models,
            "{d}: {creates} CREATE TABLE for {models} models"
        );
    }
}

#[test]
fn ten_models_compile() {
    assert_compiles(10);
}

#[test]
fn hundred_models_compile() {
    assert_compiles(100);
}

#[test]
fn thousand_models_compile() {
    assert_compiles(1_000);
}

#[test]
fn deterministic_and_seeded() {
    assert_eq!(synth::models_toml(50), synth::models_toml(50));
    assert_ne!(
        synth::models_toml_seeded(50, 1),
        synth::models_toml_seeded(50, 2)
    );
}

#[test]
fn thousand_models_are_about_0_9_mb() {
    let len = synth::models_toml(1_000).len();
    assert!(
        (800_000..=1_000_000).contains(&len),
        "1,000 models are {len} bytes; the issue's figures are for about 0.9 MB"
    );
}

#[test]
fn models_have_about_twelve_fields_and_mixed_relations() {
    let c = modelc::compile_str("synth.toml", synth::models_toml(1_000));
    let schema = c.schema.as_ref().expect("a schema without errors");
    // Declared fields, not the implicit `id`.
    let fields: usize = schema.models.iter().map(|m| m.fields.len() - 1).sum();
    let per_model = fields as f64 / 1_000.0;
    assert!(
        (11.0..=13.0).contains(&per_model),
        "{per_model} fields a model"
    );
    let text = synth::models_toml(1_000);
    for needle in [
        "to = \"self\"",
        "\"many_to_many\"",
        "\"one_to_one\"",
        "on_delete = \"cascade\"",
        "on_delete = \"protect\"",
        "on_delete = \"restrict\"",
        "on_delete = \"set_null\"",
        "on_delete = \"do_nothing\"",
        "unique_together",
        "type = \"check\"",
        "indexes = ",
        "db_index = true",
        "choices = ",
    ] {
        assert!(
            text.contains(needle),
            "no `{needle}` in 1,000 synthetic models"
        );
    }
}
