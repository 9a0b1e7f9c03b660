//! The lists of a struct's `#[model(...)]`: `unique_together`, `indexes`, `checks` and
//! `constraints`, each entry read into the IR models.toml's Meta gives.

use crate::diagnostics::Diagnostic;
use crate::frontend::toml::did_you_mean;
use crate::ir::{Constraint, FieldSet, Index, IndexField, Name};

use super::attr::{Arg, Key, Val, ValKind};
use super::cx::Cx;

pub(super) const CONSTRAINTS_EXAMPLE: &str = "constraints = [unique(fields = [\"email\"], name = \"...\", condition = \"...\"), check(\"price >= 0\", name = \"...\")]";

/// The constraint kinds of `constraints = [...]`, as models.toml's `type`.
const CONSTRAINT_KINDS: &[&str] = &["unique", "check"];

impl Cx<'_> {
    /// `[["a", "b"], ["c"]]`, or one set written flat: `["a", "b"]`.
    pub(super) fn unique_together(&mut self, v: &Val, what: &str) -> Vec<FieldSet> {
        let example = "unique_together = [[\"a\", \"b\"]]";
        let Some(items) = self.array(v, what, example) else {
            return Vec::new();
        };
        if !items.is_empty() && items.iter().all(|i| matches!(i.kind, ValKind::Str(_))) {
            return vec![FieldSet {
                fields: self.names(v, what, example),
                span: self.span(v.tokens),
            }];
        }
        let entry = format!("an entry of {what}");
        items
            .iter()
            .map(|item| FieldSet {
                fields: self.names(item, &entry, example),
                span: self.span(item.tokens),
            })
            .collect()
    }

    /// `["a", "-b"]` or `index(fields = [...], name = "...", condition = "...")`.
    pub(super) fn index(&mut self, model: &str, item: &Val, example: &str) -> Option<Index> {
        let what = format!("an index of `{model}`");
        let span = self.span(item.tokens);
        let fields_of = |cx: &mut Self, v: &Val| -> Vec<IndexField> {
            cx.names(v, &format!("`fields` of {what}"), example)
                .into_iter()
                .map(|n| {
                    let (descending, field) = signed(n);
                    IndexField { field, descending }
                })
                .collect()
        };
        match &item.kind {
            ValKind::Array(_) => Some(Index {
                name: None,
                fields: fields_of(self, item),
                condition: None,
                span,
            }),
            ValKind::Call(call, args) if call == "index" => {
                let mut index = Index {
                    name: None,
                    fields: Vec::new(),
                    condition: None,
                    span,
                };
                let mut has_fields = false;
                for arg in args {
                    let (Some(key), Some(v)) = (&arg.key, &arg.value) else {
                        self.error(
                            arg.tokens(),
                            Diagnostic::error(format!("expected `key = value` in {what}"))
                                .label("not `key = value`")
                                .help("write index(fields = [\"a\", \"-b\"], name = \"...\", condition = \"...\")"),
                        );
                        continue;
                    };
                    match key.text.as_str() {
                        "fields" => {
                            has_fields = true;
                            index.fields = fields_of(self, v);
                        }
                        "name" => {
                            index.name =
                                self.name_value(v, &format!("`name` of {what}"), "name = \"...\"")
                        }
                        "condition" => {
                            index.condition = self.sql(v, &format!("`condition` of {what}"))
                        }
                        _ => {
                            self.unknown_key(key, "index option", &["fields", "name", "condition"])
                        }
                    }
                }
                if !has_fields {
                    self.error(
                        item.tokens,
                        Diagnostic::error(format!("{what} has no `fields`"))
                            .label("no fields")
                            .help("write index(fields = [\"field\", \"-other\"])"),
                    );
                    return None;
                }
                Some(index)
            }
            _ => {
                self.mismatch(
                    item,
                    "an array of field names or index(...)",
                    &what,
                    format!("write {example}"),
                );
                None
            }
        }
    }

    /// One entry of `constraints`: `unique(fields = [...], name = "...", condition = "...")`
    /// or `check("SQL", name = "...")`, as models.toml's `{ type = "unique", ... }` and
    /// `{ type = "check", ... }`.
    pub(super) fn constraint(&mut self, model: &str, item: &Val) -> Option<Constraint> {
        let ValKind::Call(call, args) = &item.kind else {
            self.mismatch(
                item,
                "unique(...) or check(...)",
                &format!("a constraint of `{model}`"),
                format!("write {CONSTRAINTS_EXAMPLE}"),
            );
            return None;
        };
        match call.as_str() {
            "check" => self.check(model, item, CONSTRAINTS_EXAMPLE),
            "unique" => self.unique(model, item, args),
            other => {
                let mut d = Diagnostic::error(format!("unknown constraint type `{other}`"))
                    .label("unknown constraint type");
                d = match did_you_mean(other, CONSTRAINT_KINDS.iter().copied()) {
                    Some(best) => d.help(format!("did you mean `{best}(...)`?")),
                    None => d.help("write unique(fields = [...]) or check(\"SQL\")"),
                };
                let mut at = item.tokens;
                at.last = at.first;
                self.error(at, d);
                None
            }
        }
    }

    /// `unique(fields = ["a", "b"], name = "...", condition = "...")`.
    fn unique(&mut self, model: &str, item: &Val, args: &[Arg]) -> Option<Constraint> {
        let what = format!("a unique constraint of `{model}`");
        let example = "unique(fields = [\"a\", \"b\"], name = \"...\", condition = \"...\")";
        let allowed = ["fields", "name", "condition"];
        let mut seen: Vec<&Key> = Vec::new();
        let mut name = None;
        let mut fields = None;
        let mut condition = None;
        for arg in args {
            let (Some(key), Some(v)) = (&arg.key, &arg.value) else {
                self.error(
                    arg.tokens(),
                    Diagnostic::error(format!("expected `key = value` in {what}"))
                        .label("not `key = value`")
                        .help(format!("write {example}")),
                );
                continue;
            };
            let k = key.text.as_str();
            if !allowed.contains(&k) {
                self.unknown_key(key, "unique constraint option", &allowed);
                continue;
            }
            if let Some(first) = seen.iter().find(|s| s.text == k) {
                let first = self.span(first.tokens);
                self.error(
                    key.tokens,
                    Diagnostic::error(format!("`{k}` of {what} is set twice"))
                        .label("set again here")
                        .related(first, "first set here")
                        .help("keep one of them"),
                );
                continue;
            }
            seen.push(key);
            match k {
                "fields" => {
                    fields = Some(FieldSet {
                        fields: self.names(v, &format!("`fields` of {what}"), example),
                        span: self.span(v.tokens),
                    })
                }
                "name" => name = self.name_value(v, &format!("`name` of {what}"), "name = \"...\""),
                _ => condition = self.sql(v, &format!("`condition` of {what}")),
            }
        }
        let span = self.span(item.tokens);
        match fields {
            Some(fields) => Some(Constraint::Unique {
                name,
                fields,
                condition,
                span,
            }),
            None => {
                self.error(
                    item.tokens,
                    Diagnostic::error(format!("{what} has no `fields`"))
                        .label("no fields")
                        .help(format!("write {example}")),
                );
                None
            }
        }
    }

    /// `"price >= 0"` or `check("price >= 0", name = "...")`.
    pub(super) fn check(&mut self, model: &str, item: &Val, example: &str) -> Option<Constraint> {
        let what = format!("a check of `{model}`");
        let span = self.span(item.tokens);
        match &item.kind {
            ValKind::Str(_) => Some(Constraint::Check {
                name: None,
                check: self.sql(item, &what)?,
                span,
            }),
            ValKind::Call(call, args) if call == "check" => {
                let mut name = None;
                let mut check = None;
                for arg in args {
                    match (&arg.key, &arg.value) {
                        (None, Some(v)) if check.is_none() => check = Some(self.sql(v, &what)),
                        (Some(key), Some(v)) if key.text == "check" && check.is_none() => {
                            check = Some(self.sql(v, &format!("`check` of {what}")))
                        }
                        (Some(key), Some(v)) if key.text == "name" => {
                            name =
                                self.name_value(v, &format!("`name` of {what}"), "name = \"...\"")
                        }
                        (Some(key), _) if key.text == "check" => self.error(
                            key.tokens,
                            Diagnostic::error(format!("{what} has two conditions"))
                                .label("second condition")
                                .help("write the condition once: check(\"price >= 0\", name = \"...\")"),
                        ),
                        (Some(key), _) => self.unknown_key(key, "check option", &["check", "name"]),
                        _ => self.error(
                            arg.tokens(),
                            Diagnostic::error(format!("unexpected argument in {what}"))
                                .label("unexpected")
                                .help("write check(\"price >= 0\", name = \"...\")"),
                        ),
                    }
                }
                match check {
                    Some(Some(check)) => Some(Constraint::Check { name, check, span }),
                    Some(None) => None,
                    None => {
                        self.error(
                            item.tokens,
                            Diagnostic::error(format!("{what} has no condition"))
                                .label("no SQL")
                                .help("write check(\"price >= 0\", name = \"...\")"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.mismatch(
                    item,
                    "a string of SQL or check(...)",
                    &what,
                    format!("write {example}"),
                );
                None
            }
        }
    }
}

/// Splits a leading `-` (descending) off a field name.
pub(super) fn signed(n: Name) -> (bool, Name) {
    match n.text.strip_prefix('-') {
        Some(rest) => {
            let mut span = n.span;
            span.start = (span.start + 1).min(span.end);
            (true, Name::new(rest, span))
        }
        None => (false, n),
    }
}
