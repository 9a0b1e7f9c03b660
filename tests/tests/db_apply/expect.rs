//! What each database's catalog must hold for a schema, computed from the IR (never from the
//! DDL text), as one line per fact so a mismatch reads as a diff.
//!
//! Lines: `column <n> <name>: <type> [NULL|NOT NULL] [DEFAULT] [AUTO] [COMMENT '...']`,
//! `primary key (...)`, `unique [name] (...)`, `foreign key (...) -> table(...) ON DELETE x
//! [deferred|not deferred]` (nothing where the catalog does not say), `index [name] (col [DESC] [opclass], ...) [unique] [partial]`,
//! `check [name] on (...)`, `comment '...'`. A name is part of a line only where the models
//! give it (generated names are Django's, checked by the Django fidelity tests).

use std::collections::{BTreeMap, BTreeSet};

use modelc::ir::{
    Constraint, DialectName, Field, FieldType, Model, OnDelete, Schema, SqlExprKind, auto_through,
};
use modelc_tests::catalog;

use super::types::{column_type, type_text};

/// Which server a MySQL-dialect database runs on: the catalogs differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Postgres,
    MariaDb,
    MySql,
    Sqlite,
}

impl Server {
    fn dialect(self) -> DialectName {
        match self {
            Server::Postgres => DialectName::Postgres,
            Server::MariaDb | Server::MySql => DialectName::MySql,
            Server::Sqlite => DialectName::Sqlite,
        }
    }
}

/// The facts of one table, and the names the models give (which the actual side may show).
#[derive(Debug, Default)]
pub struct Expected {
    pub lines: Vec<String>,
    pub names: BTreeSet<String>,
}

/// Every table the schema must create, with its facts.
pub fn tables(schema: &Schema, server: Server) -> BTreeMap<String, Expected> {
    let mut out = BTreeMap::new();
    for model in schema.managed_models() {
        out.insert(model.db_table.clone(), model_table(schema, model, server));
        for field in model
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::ManyToMany)
        {
            if let Some(t) = auto_through(schema, model, field) {
                let from = &schema.models[t.from_model].fields[t.from_field];
                let to = &schema.models[t.to_model].fields[t.to_field];
                let mut e = Expected::default();
                let id = schema.project.default_auto_field;
                let cols = [
                    ("id".to_string(), column_type(id, None, server, false)),
                    (
                        t.from_column.clone(),
                        column_type(from.ty, Some(from), server, true),
                    ),
                    (
                        t.to_column.clone(),
                        column_type(to.ty, Some(to), server, true),
                    ),
                ];
                for (i, (name, ty)) in cols.iter().enumerate() {
                    let auto = if i == 0 { " AUTO" } else { "" };
                    let ty = type_text(&ty.data_type, ty.len, ty.numeric, ty.fsp);
                    e.lines
                        .push(format!("column {i} {name}: {ty} NOT NULL{auto}"));
                }
                e.lines.push("primary key (id)".into());
                e.lines
                    .push(format!("unique ({}, {})", t.from_column, t.to_column));
                let mut b = Builder::new(server, &mut e);
                for (column, m, f) in [
                    (&t.from_column, t.from_model, from),
                    (&t.to_column, t.to_model, to),
                ] {
                    let target = &schema.models[m];
                    b.fk(column, &target.db_table, &f.column, OnDelete::Cascade);
                    b.own_index(column, textual(f.ty));
                }
                b.finish();
                out.insert(t.table, e);
            }
        }
    }
    out
}

fn model_table(schema: &Schema, model: &Model, server: Server) -> Expected {
    let dialect = server.dialect();
    let comments = dialect != DialectName::Sqlite;
    let mut e = Expected::default();
    if let (true, Some(c)) = (comments, &model.meta.db_comment) {
        e.lines.push(format!("comment {c:?}"));
    }
    for (i, f) in model.columns().enumerate() {
        let ty = match schema.target(f).filter(|_| f.ty.is_fk()) {
            Some((_, t)) => column_type(t.ty, Some(t), server, true),
            None => column_type(f.ty, Some(f), server, false),
        };
        let mut line = format!(
            "column {i} {}: {} {}",
            f.column,
            type_text(&ty.data_type, ty.len, ty.numeric, ty.fsp),
            if f.null && !f.primary_key {
                "NULL"
            } else {
                "NOT NULL"
            }
        );
        if has_default(f, dialect) {
            line.push_str(" DEFAULT");
        }
        if f.ty.is_auto() {
            line.push_str(" AUTO");
        }
        if let (true, Some(c)) = (comments, &f.db_comment) {
            line.push_str(&format!(" COMMENT {c:?}"));
        }
        e.lines.push(line);
    }
    if let Some(pk) = model.pk() {
        e.lines.push(format!("primary key ({})", pk.column));
    }
    let mut b = Builder::new(server, &mut e);
    for f in model.columns().filter(|f| f.is_unique() && !f.primary_key) {
        b.unique(None, vec![f.column.to_string()]);
    }
    for set in &model.meta.unique_together {
        b.unique(
            None,
            columns(model, set.fields.iter().map(|n| n.text.as_str())),
        );
    }
    for c in &model.meta.constraints {
        match c {
            Constraint::Unique {
                name,
                fields,
                condition,
                ..
            } => {
                let cols = columns(model, fields.fields.iter().map(|n| n.text.as_str()));
                let name = name.as_ref().map(|n| n.text.to_string());
                match condition {
                    None => b.unique(name, cols),
                    // A conditional unique constraint is a partial unique index; MySQL has
                    // none, and leaves it out.
                    Some(_) if dialect == DialectName::MySql => {}
                    Some(_) => b.index(
                        name,
                        cols.into_iter().map(|c| (c, false, None)).collect(),
                        true,
                        true,
                    ),
                }
            }
            Constraint::Check { name, check, .. } => {
                let cols = match &check.kind {
                    SqlExprKind::Portable(expr) => {
                        let names: Vec<&str> = expr.columns().into_iter().map(|(n, _)| n).collect();
                        columns(model, names.into_iter())
                    }
                    SqlExprKind::PerDialect(_) => Vec::new(),
                };
                b.check(name.as_ref().map(|n| n.text.to_string()), cols);
            }
        }
    }
    for index in &model.meta.indexes {
        let cols = index
            .fields
            .iter()
            .map(|f| (lookup(model, &f.field.text), f.descending, None))
            .collect();
        let partial = index.condition.is_some() && dialect != DialectName::MySql;
        b.index(
            index.name.as_ref().map(|n| n.text.to_string()),
            cols,
            false,
            partial,
        );
    }
    for f in model.columns() {
        let textual = match schema.target(f).filter(|_| f.ty.is_fk()) {
            Some((_, t)) => textual(t.ty),
            None => textual(f.ty),
        };
        let constrained = f.ty.is_fk() && f.relation.as_ref().is_some_and(|r| r.db_constraint);
        if constrained {
            if let (Some((tm, tf)), Some(rule)) = (
                schema.target(f),
                f.relation.as_ref().and_then(|r| r.on_delete),
            ) {
                b.fk(&f.column, &tm.db_table, &tf.column, rule);
            }
        }
        // On MySQL a constrained foreign key gets InnoDB's index instead (see `finish`).
        if f.wants_index() && !(constrained && dialect == DialectName::MySql) {
            b.index(
                None,
                vec![(f.column.to_string(), false, None)],
                false,
                false,
            );
        }
        // Django's `*_pattern_ops` twin of every index of a varchar or text column (PostgreSQL).
        let indexed = f.db_index.unwrap_or(f.ty.is_fk()) || f.is_unique();
        if server == Server::Postgres && indexed {
            if let Some(opclass) = textual {
                b.index(
                    None,
                    vec![(f.column.to_string(), false, Some(opclass))],
                    false,
                    false,
                );
            }
        }
        if f.ty.is_positive() {
            b.check(None, vec![f.column.to_string()]);
        }
        if f.choices.is_some() {
            b.check(None, vec![f.column.to_string()]);
        }
        // SQLite: modelc's json_valid check; MariaDB: its own, for its JSON alias of longtext.
        if f.ty == FieldType::Json && matches!(server, Server::Sqlite | Server::MariaDb) {
            b.check(None, vec![f.column.to_string()]);
        }
    }
    b.finish();
    e
}

/// The opclass of the `_like` index of a textual column type, if it is one.
fn textual(ty: FieldType) -> Option<&'static str> {
    match ty {
        FieldType::Text => Some("text_pattern_ops"),
        t if t.has_max_length() => Some("varchar_pattern_ops"),
        _ => None,
    }
}

fn lookup(model: &Model, name: &str) -> String {
    model
        .lookup(name)
        .map_or_else(|| name.to_string(), |f| f.column.to_string())
}

fn columns<'a>(model: &Model, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    names.map(|n| lookup(model, n)).collect()
}

fn has_default(f: &Field, dialect: DialectName) -> bool {
    f.default.is_some()
        || f.db_default.as_ref().is_some_and(|e| match &e.kind {
            SqlExprKind::Portable(_) => true,
            SqlExprKind::PerDialect(_) => e.raw_for(dialect).is_some(),
        })
}

/// The ON DELETE a catalog reports for a rule. InnoDB has no SET DEFAULT, so modelc writes no
/// clause there, which MariaDB reports as RESTRICT (its default action).
fn on_delete(rule: OnDelete, server: Server) -> &'static str {
    match rule {
        OnDelete::Cascade => "CASCADE",
        OnDelete::Protect | OnDelete::Restrict => "RESTRICT",
        OnDelete::SetNull => "SET NULL",
        OnDelete::SetDefault if server == Server::MariaDb => "RESTRICT",
        OnDelete::SetDefault if server == Server::MySql => "NO ACTION",
        OnDelete::SetDefault => "SET DEFAULT",
        OnDelete::DoNothing => "NO ACTION",
    }
}

type IndexCols = Vec<(String, bool, Option<&'static str>)>;

/// Collects uniques, indexes, foreign keys and checks of one table.
struct Builder<'e> {
    server: Server,
    e: &'e mut Expected,
    /// Leading columns of the primary key, uniques and indexes (MySQL reuses them for FKs).
    leading: BTreeSet<String>,
    /// FK columns that need an index InnoDB makes if no index leads with them (MySQL).
    fk_columns: Vec<String>,
}

impl<'e> Builder<'e> {
    fn new(server: Server, e: &'e mut Expected) -> Self {
        let mut leading = BTreeSet::new();
        for line in &e.lines {
            if let Some(rest) = line
                .strip_prefix("primary key (")
                .or_else(|| line.strip_prefix("unique ("))
            {
                leading.insert(
                    rest.split([',', ')'])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
        }
        Builder {
            server,
            e,
            leading,
            fk_columns: Vec::new(),
        }
    }

    fn named(&mut self, name: Option<String>) -> String {
        match name {
            Some(n) => {
                let shown = format!("{n} ");
                self.e.names.insert(n);
                shown
            }
            None => String::new(),
        }
    }

    fn unique(&mut self, name: Option<String>, cols: Vec<String>) {
        // SQLite's catalog does not keep unique constraints' names.
        let name = name.filter(|_| self.server != Server::Sqlite);
        let name = self.named(name);
        if let Some(first) = cols.first() {
            self.leading.insert(first.clone());
        }
        self.e
            .lines
            .push(format!("unique {name}({})", cols.join(", ")));
    }

    fn index(&mut self, name: Option<String>, cols: IndexCols, unique: bool, partial: bool) {
        let name = self.named(name);
        if let Some((first, _, _)) = cols.first() {
            self.leading.insert(first.clone());
        }
        let cols: Vec<String> = cols
            .into_iter()
            .map(|(c, desc, opclass)| {
                let mut s = c;
                if desc {
                    s.push_str(" DESC");
                }
                if let Some(o) = opclass {
                    s.push(' ');
                    s.push_str(o);
                }
                s
            })
            .collect();
        let mut line = format!("index {name}({})", cols.join(", "));
        if unique {
            line.push_str(" unique");
        }
        if partial {
            line.push_str(" partial");
        }
        self.e.lines.push(line);
    }

    /// The index of a relation column of its own (M2M ends; on MySQL the FK's).
    fn own_index(&mut self, column: &str, textual: Option<&'static str>) {
        if self.server.dialect() == DialectName::MySql {
            return; // the FK's index, added in `finish` when needed
        }
        self.index(None, vec![(column.to_string(), false, None)], false, false);
        if self.server == Server::Postgres {
            if let Some(opclass) = textual {
                self.index(
                    None,
                    vec![(column.to_string(), false, Some(opclass))],
                    false,
                    false,
                );
            }
        }
    }

    fn fk(&mut self, column: &str, table: &str, target: &str, rule: OnDelete) {
        let deferred = match self.server {
            Server::Postgres => " deferred",
            Server::MariaDb | Server::MySql => " not deferred",
            Server::Sqlite => "",
        };
        let action = on_delete(rule, self.server);
        self.e.lines.push(format!(
            "foreign key ({column}) -> {table}({target}) ON DELETE {action}{deferred}"
        ));
        self.fk_columns.push(column.to_string());
    }

    fn check(&mut self, name: Option<String>, cols: Vec<String>) {
        let name = self.named(name);
        let mut cols = cols;
        cols.sort();
        cols.dedup();
        self.e
            .lines
            .push(format!("check {name}on ({})", cols.join(", ")));
    }

    /// InnoDB indexes every foreign key column that no index leads with, when the FK is added
    /// (after every index modelc creates).
    fn finish(mut self) {
        if self.server.dialect() != DialectName::MySql {
            return;
        }
        for column in std::mem::take(&mut self.fk_columns) {
            if !self.leading.contains(&column) {
                self.index(None, vec![(column, false, None)], false, false);
            }
        }
    }
}

/// The lines of an actual table, in the same form, showing only names the models give.
pub fn actual(t: &catalog::Table, names: &BTreeSet<String>) -> Vec<String> {
    let shown = |n: &str| {
        if names.contains(n) {
            format!("{n} ")
        } else {
            String::new()
        }
    };
    let mut lines = Vec::new();
    if let Some(c) = &t.comment {
        lines.push(format!("comment {c:?}"));
    }
    for (i, c) in t.columns.iter().enumerate() {
        let mut line = format!(
            "column {i} {}: {} {}",
            c.name,
            type_text(&c.data_type, c.max_length, c.numeric, c.datetime_precision),
            if c.nullable { "NULL" } else { "NOT NULL" }
        );
        if c.default.is_some() {
            line.push_str(" DEFAULT");
        }
        if c.auto_increment {
            line.push_str(" AUTO");
        }
        if let Some(comment) = &c.comment {
            line.push_str(&format!(" COMMENT {comment:?}"));
        }
        lines.push(line);
    }
    if !t.primary_key.is_empty() {
        lines.push(format!("primary key ({})", t.primary_key.join(", ")));
    }
    for u in &t.uniques {
        let name = u.name.as_deref().map(shown).unwrap_or_default();
        lines.push(format!("unique {name}({})", u.columns.join(", ")));
    }
    for f in &t.foreign_keys {
        let deferred = match f.deferred {
            Some(true) => " deferred",
            Some(false) => " not deferred",
            None => "",
        };
        lines.push(format!(
            "foreign key ({}) -> {}({}) ON DELETE {}{deferred}",
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", "),
            f.on_delete
        ));
    }
    for i in &t.indexes {
        let cols: Vec<String> = i
            .columns
            .iter()
            .map(|c| {
                let mut s = c.name.clone();
                if c.descending {
                    s.push_str(" DESC");
                }
                if let Some(o) = &c.opclass {
                    s.push(' ');
                    s.push_str(o);
                }
                s
            })
            .collect();
        let mut line = format!("index {}({})", shown(&i.name), cols.join(", "));
        if i.unique {
            line.push_str(" unique");
        }
        if i.predicate.is_some() {
            line.push_str(" partial");
        }
        lines.push(line);
    }
    for c in &t.checks {
        let name = c.name.as_deref().map(shown).unwrap_or_default();
        lines.push(format!(
            "check {name}on ({})",
            t.check_columns(c).join(", ")
        ));
    }
    lines
}
