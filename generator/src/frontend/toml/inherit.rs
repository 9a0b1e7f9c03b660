//! Builds the schema from lowered models: folds abstract bases into the models that extend
//! them, resolves proxies, adds implicit primary keys and fills in table and column names.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Field, FieldOrigin, FieldType, Model, ModelKind, Name, Project, Schema};
use crate::naming;
use crate::source::Span;

use super::meta::RawMeta;
use super::reader::did_you_mean;

/// A model as lowered from its own table, before inheritance.
#[derive(Debug)]
pub(crate) struct RawModel {
    pub name: Name,
    pub extends: Option<Name>,
    pub fields: Vec<Field>,
    pub meta: RawMeta,
    pub fields_span: Option<Span>,
}

/// The shortest identifier limit among the configured dialects: generated table names are
/// shortened to it so that every dialect gets the same table names.
pub(crate) fn name_limit(project: &Project) -> Option<usize> {
    project
        .dialects
        .iter()
        .filter_map(|d| crate::ddl::dialect_for(*d).caps().max_identifier_len)
        .min()
}

struct Builder<'a> {
    raw: &'a [RawModel],
    /// Each raw model's own fields, moved out of `raw` and taken when its fields are
    /// resolved (once: later calls hit `resolved`).
    own: Vec<Vec<Field>>,
    /// Whether some model extends raw model `i`: only then are its resolved fields kept in
    /// `resolved`, as the models extending it read them again.
    extended: Vec<bool>,
    index: HashMap<&'a str, usize>,
    /// Final fields per raw model (memoized), `None` while being computed (cycle guard).
    resolved: HashMap<usize, Option<Vec<Field>>>,
    app: Option<String>,
    diags: &'a mut Diagnostics,
}

pub(crate) fn build(project: Project, mut raw: Vec<RawModel>, diags: &mut Diagnostics) -> Schema {
    let app = project.app.as_ref().map(|a| a.text.to_string());
    let limit = name_limit(&project);
    let own = raw
        .iter_mut()
        .map(|r| std::mem::take(&mut r.fields))
        .collect();
    let index: HashMap<&str, usize> = raw
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.text.as_str(), i))
        .collect();
    let mut extended = vec![false; raw.len()];
    for r in &raw {
        if let Some(&j) = r.extends.as_ref().and_then(|e| index.get(e.text.as_str())) {
            extended[j] = true;
        }
    }
    let mut b = Builder {
        raw: &raw,
        own,
        extended,
        index,
        resolved: HashMap::new(),
        app: app.clone(),
        diags,
    };
    let mut models = Vec::new();
    let mut abstracts = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let fields = b.fields(i);
        let kind = b.kind(i);
        let mut meta = r.meta.meta.clone();
        b.inherit_meta(i, &mut meta);
        let mut model = Model {
            key: 0,
            name: r.name.clone(),
            kind,
            extends: r.extends.clone(),
            db_table: String::new(),
            db_table_span: r.meta.db_table.as_ref().map_or(r.name.span, |n| n.span),
            fields,
            meta,
        };
        match &model.kind {
            ModelKind::Abstract => {
                abstracts.push(model);
                continue;
            }
            ModelKind::Concrete => {
                model.db_table = match &r.meta.db_table {
                    Some(t) => t.text.to_string(),
                    None => naming::table_name(app.as_deref(), &model.name.text, limit),
                };
                b.add_implicit_pk(&mut model, project.default_auto_field);
            }
            ModelKind::Proxy { .. } => {}
        }
        models.push(model);
    }
    // Proxies take the table and fields of the concrete model they stand for.
    let has_proxies = models
        .iter()
        .any(|m| matches!(m.kind, ModelKind::Proxy { .. }));
    let concrete: HashMap<String, (String, Vec<Field>)> = models
        .iter()
        .filter(|m| has_proxies && m.kind == ModelKind::Concrete)
        .map(|m| {
            (
                m.name.text.to_string(),
                (m.db_table.clone(), m.fields.clone()),
            )
        })
        .collect();
    for m in &mut models {
        if matches!(m.kind, ModelKind::Proxy { .. }) {
            let root = b.proxy_root(&m.name.text);
            if let Some((table, fields)) = concrete.get(&root) {
                m.db_table = table.clone();
                m.fields = fields
                    .iter()
                    .cloned()
                    .map(|mut f| {
                        f.origin = FieldOrigin::Inherited {
                            base: root.as_str().into(),
                        };
                        f
                    })
                    .collect();
            } else if b.is_proxy(&root) {
                // `proxy_root` gave up: the proxies extend each other in a cycle.
                if let ModelKind::Proxy { of } = &m.kind {
                    b.diags.push(
                        Diagnostic::error(format!(
                            "proxy model `{}` stands for no model with a table: its `extends` form a cycle",
                            m.name.text
                        ))
                        .at(of.span)
                        .label("cycle of proxies")
                        .help("a proxy extends a model with a table; remove proxy = true from one model of the cycle"),
                    );
                }
            }
        }
        for f in &mut m.fields {
            if f.column.is_empty() && f.has_column() {
                f.column = if f.ty.is_fk() {
                    format!("{}_id", f.name.text).into()
                } else {
                    f.name.text.clone()
                };
            }
        }
    }
    // The field lists are final: give back what their growth over-allocated.
    for m in &mut models {
        m.fields.shrink_to_fit();
    }
    Schema::new(project, models, abstracts)
}

impl Builder<'_> {
    fn kind(&self, i: usize) -> ModelKind {
        let r = &self.raw[i];
        if r.meta.is_abstract {
            ModelKind::Abstract
        } else if r.meta.proxy.is_some() {
            match &r.extends {
                Some(base) => ModelKind::Proxy { of: base.clone() },
                None => ModelKind::Concrete,
            }
        } else {
            ModelKind::Concrete
        }
    }

    /// Whether `name` is a proxy that says which model it stands for.
    fn is_proxy(&self, name: &str) -> bool {
        self.index.get(name).is_some_and(|&i| {
            let r = &self.raw[i];
            r.meta.proxy.is_some() && r.extends.is_some()
        })
    }

    /// Follows proxies down to the concrete model whose table they use.
    fn proxy_root(&self, name: &str) -> String {
        let mut current = name.to_string();
        for _ in 0..self.raw.len() + 1 {
            let Some(&i) = self.index.get(current.as_str()) else {
                return current;
            };
            let r = &self.raw[i];
            match (&r.meta.proxy, &r.extends) {
                (Some(_), Some(base)) => current = base.text.to_string(),
                _ => return current,
            }
        }
        current
    }

    /// The base a model extends, if it exists; reports unknown bases.
    fn base(&mut self, i: usize) -> Option<usize> {
        let r = &self.raw[i];
        let base = r.extends.as_ref()?;
        match self.index.get(base.text.as_str()) {
            Some(&j) => Some(j),
            None => {
                let names = self.raw.iter().map(|m| m.name.text.as_str());
                let mut d = Diagnostic::error(format!(
                    "`{}` extends unknown model `{}`",
                    r.name.text, base.text
                ))
                .at(base.span)
                .label("no such model");
                d = match did_you_mean(&base.text, names) {
                    Some(best) => d.help(format!("did you mean `{best}`?")),
                    None => d.help("declare the base with [models.<Base>.meta] abstract = true"),
                };
                self.diags.push(d);
                None
            }
        }
    }

    /// The fields of raw model `i` after inheritance.
    fn fields(&mut self, i: usize) -> Vec<Field> {
        match self.resolved.get(&i) {
            Some(Some(fields)) => return fields.clone(),
            Some(None) => {
                let r = &self.raw[i];
                let span = r.extends.as_ref().map_or(r.name.span, |e| e.span);
                self.diags.push(
                    Diagnostic::error(format!(
                        "`{}` extends itself through a cycle of `extends`",
                        r.name.text
                    ))
                    .at(span)
                    .label("cycle")
                    .help("remove one `extends` of the cycle"),
                );
                return Vec::new();
            }
            None => {}
        }
        self.resolved.insert(i, None);
        let r = &self.raw[i];
        let own = std::mem::take(&mut self.own[i]);
        let is_proxy = r.meta.proxy.is_some();
        let mut fields = Vec::new();
        if is_proxy && r.extends.is_none() {
            let span = r.meta.proxy.unwrap_or(r.name.span);
            self.diags.push(
                Diagnostic::error(format!(
                    "proxy model `{}` does not say which model it stands for",
                    r.name.text
                ))
                .at(span)
                .label("proxy without `extends`")
                .help(format!(
                    "add extends = \"Model\" under [models.{}]",
                    r.name.text
                )),
            );
        }
        if let Some(j) = self.base(i) {
            let base_is_abstract = self.raw[j].meta.is_abstract;
            let base_name = self.raw[j].name.text.clone();
            let extends_span = r.extends.as_ref().map_or(r.name.span, |e| e.span);
            if is_proxy {
                if base_is_abstract {
                    self.diags.push(
                        Diagnostic::error(format!(
                            "proxy model `{}` extends abstract model `{base_name}`",
                            r.name.text
                        ))
                        .at(extends_span)
                        .label("abstract base")
                        .help("a proxy stands for a model with a table; extend a concrete model"),
                    );
                } else if let Some(first) = own.first() {
                    self.diags.push(
                        Diagnostic::error(format!("proxy model `{}` declares fields", r.name.text))
                            .at(first.name.span)
                            .label("a proxy has no fields of its own")
                            .help(format!(
                                "move the field to `{base_name}`, or make `{}` a model of its own",
                                r.name.text
                            )),
                    );
                }
                // A proxy's fields are those of the concrete model it stands for, copied
                // once that model is complete (with its implicit key).
                self.resolved.insert(i, Some(Vec::new()));
                return Vec::new();
            }
            if !base_is_abstract {
                self.diags.push(
                    Diagnostic::error(format!("`{}` extends `{base_name}`, which is not abstract", r.name.text))
                        .at(extends_span)
                        .label("not an abstract base")
                        .help(format!(
                            "multi-table inheritance is not supported: set abstract = true in [models.{base_name}.meta], or proxy = true in [models.{}.meta]",
                            r.name.text
                        )),
                );
            } else {
                for mut f in self.fields(j) {
                    if let Some(mine) = own.iter().find(|o| o.name.text == f.name.text) {
                        self.diags.push(
                            Diagnostic::error(format!(
                                "field `{}` of `{}` clashes with the field of the same name inherited from `{base_name}`",
                                f.name.text, r.name.text
                            ))
                            .at(mine.name.span)
                            .label("declared again here")
                            .related(f.name.span, "inherited from here")
                            .help("rename one of the fields"),
                        );
                        continue;
                    }
                    if f.origin == FieldOrigin::Declared {
                        f.origin = FieldOrigin::Inherited {
                            base: base_name.as_str().into(),
                        };
                    }
                    if let Some(rel) = f.relation.as_mut() {
                        if let Some(rn) = rel.related_name.as_mut() {
                            rn.text = self.substitute(&rn.text, &r.name.text).into();
                        }
                        // `to = "self"` in a base means the model that extends it.
                        if rel.to.text == base_name {
                            rel.to.text = r.name.text.clone();
                        }
                    }
                    fields.push(f);
                }
            }
        }
        fields.extend(own);
        let memo = if self.extended[i] {
            fields.clone()
        } else {
            Vec::new()
        };
        self.resolved.insert(i, Some(memo));
        fields
    }

    /// `%(class)s` and `%(app_label)s` in names inherited from abstract bases.
    fn substitute(&self, text: &str, model: &str) -> String {
        text.replace("%(class)s", &model.to_lowercase())
            .replace("%(app_label)s", self.app.as_deref().unwrap_or(""))
    }

    /// Meta options a model takes from its abstract base when it doesn't write them.
    fn inherit_meta(&mut self, i: usize, meta: &mut crate::ir::Meta) {
        let r = &self.raw[i];
        if r.meta.proxy.is_some() {
            return;
        }
        let mut current = i;
        let model_name = r.name.text.clone();
        let mut seen = vec![i];
        while let Some(base) = self.raw[current].extends.as_ref() {
            let Some(&j) = self.index.get(base.text.as_str()) else {
                return;
            };
            if seen.contains(&j) || !self.raw[j].meta.is_abstract {
                return;
            }
            seen.push(j);
            let b = &self.raw[j].meta;
            let mine = &self.raw[i].meta;
            if !mine.has_ordering && meta.ordering.is_empty() {
                meta.ordering = b.meta.ordering.clone();
            }
            if !mine.has_get_latest_by && meta.get_latest_by.is_none() {
                meta.get_latest_by = b.meta.get_latest_by.clone();
            }
            if !mine.has_managed && b.has_managed {
                meta.managed = b.meta.managed;
            }
            if !mine.has_unique_together && meta.unique_together.is_empty() {
                meta.unique_together = b.meta.unique_together.clone();
            }
            if !mine.has_indexes && meta.indexes.is_empty() {
                meta.indexes = b.meta.indexes.clone();
                for index in &mut meta.indexes {
                    if let Some(n) = index.name.as_mut() {
                        n.text = self.substitute(&n.text, &model_name).into();
                    }
                }
            }
            if !mine.has_constraints && meta.constraints.is_empty() {
                meta.constraints = b.meta.constraints.clone();
                for c in &mut meta.constraints {
                    let name = match c {
                        crate::ir::Constraint::Unique { name, .. }
                        | crate::ir::Constraint::Check { name, .. } => name,
                    };
                    if let Some(n) = name.as_mut() {
                        n.text = self.substitute(&n.text, &model_name).into();
                    }
                }
            }
            current = j;
        }
    }

    fn add_implicit_pk(&mut self, model: &mut Model, auto: FieldType) {
        if model.fields.iter().any(|f| f.primary_key) {
            return;
        }
        if let Some(id) = model.fields.iter().find(|f| f.name.text == "id") {
            self.diags.push(
                Diagnostic::error(format!(
                    "`{}.id` is not the primary key, but `id` is the name of the implicit primary key",
                    model.name.text
                ))
                .at(id.name.span)
                .label("`id` without primary_key")
                .help("add primary_key = true to `id`, or rename the field"),
            );
            return;
        }
        // Exactly one more: `insert` on a full Vec would double its capacity.
        model.fields.reserve_exact(1);
        model.fields.insert(0, implicit_pk(model.name.span, auto));
    }
}

fn implicit_pk(span: Span, auto: FieldType) -> Field {
    let mut id = Field::new(Name::new("id", span), auto);
    id.primary_key = true;
    id.origin = FieldOrigin::Implicit;
    id.decl_span = span;
    id
}
