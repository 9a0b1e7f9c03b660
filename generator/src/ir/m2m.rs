//! The table Django creates for a many-to-many field without `through`.

use super::{Field, Model, Schema};

/// Names and ends of an automatic many-to-many table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoThrough {
    /// `<model table>_<field name>`, shortened like Django's `truncate_name`.
    pub table: String,
    /// `<model>_id`, or `from_<model>_id` when the field points at its own model.
    pub from_column: String,
    /// `<target>_id`, or `to_<model>_id` when the field points at its own model.
    pub to_column: String,
    /// Model and primary-key field indices of each end.
    pub from_model: usize,
    pub from_field: usize,
    pub to_model: usize,
    pub to_field: usize,
}

/// The automatic table of many-to-many `field` of `model` (`None` when the relation has
/// an explicit `through` model or does not resolve).
pub fn auto_through(schema: &Schema, model: &Model, field: &Field) -> Option<AutoThrough> {
    let rel = field.relation.as_ref()?;
    if rel.through.is_some() {
        return None;
    }
    let from_model = schema.model_index(&model.name.text)?;
    let from_field = model.pk_index()?;
    let (to_model, to_field) = rel.target?;
    let target = &schema.models[to_model];
    let limit = crate::frontend::toml::name_limit(&schema.project);
    let table =
        crate::naming::truncate_name(&format!("{}_{}", model.db_table, field.name.text), limit);
    let (from_column, to_column) = if target.name.text == model.name.text {
        let lower = model.lower_name();
        (format!("from_{lower}_id"), format!("to_{lower}_id"))
    } else {
        (
            format!("{}_id", model.lower_name()),
            format!("{}_id", target.lower_name()),
        )
    };
    Some(AutoThrough {
        table,
        from_column,
        to_column,
        from_model,
        from_field,
        to_model,
        to_field,
    })
}
