//! The SQL of a migration: the difference between the DDL of the state before it and the
//! state after it, per dialect.
//!
//! Both states are planned table by table as fresh DDL would create them; tables and columns
//! are matched by their keys (identities that survive renames), and indexes, constraints and
//! foreign keys by what they are (their columns, by key, and their properties), whatever they
//! are called. What differs becomes typed changes ([`Change`]) in an order that is always
//! valid: foreign keys and indexes that go away first, renames, dropped tables and columns,
//! new tables and columns, altered columns, new indexes and constraints, and new foreign keys
//! last. A database migrated this way has the catalog that fresh DDL of the new state makes,
//! by construction. SQLite, which cannot alter a column or a constraint in place, gets one
//! rebuild per changed table, with every row copied.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use crate::ddl::alter::{Change, CopyFrom, Script};
use crate::ddl::{
    AddForeignKey, ColumnDef, ColumnDefault, ColumnKey, CreateIndex, Dialect, Planner, Statement,
    TableConstraint, TableKey, TablePlan, TableSource, table_sources,
};
use crate::frontend::toml::name_limit;
use crate::ir::{DialectName, Expr, ExprKind, Schema, auto_through};

/// The tables of one state, whatever the dialect: where each comes from, in creation order,
/// with its key and its name. Found once for a state, and shared by its diffs in every
/// dialect and in both directions.
#[derive(Debug)]
pub struct Tables<'a> {
    schema: &'a Schema,
    sources: Vec<TableSource>,
    keys: Vec<TableKey>,
    /// Table key -> index in `sources`.
    by_key: HashMap<TableKey, usize>,
    /// Table name -> key (foreign keys name their target table).
    by_name: HashMap<Cow<'a, str>, TableKey>,
}

impl<'a> Tables<'a> {
    pub fn new(schema: &'a Schema) -> Self {
        let all = table_sources(schema);
        let mut sources = Vec::with_capacity(all.len());
        let mut keys = Vec::with_capacity(all.len());
        let mut by_name = HashMap::with_capacity(all.len());
        // The key and name of each table, as its plan will have them (a many-to-many field
        // whose table cannot be made has no plan, and no table).
        for source in all {
            let (key, name) = match source {
                TableSource::Model(m) => {
                    let model = &schema.models[m];
                    (
                        TableKey::Model(model.key),
                        Cow::Borrowed(model.db_table.as_str()),
                    )
                }
                TableSource::ManyToMany { model, field } => {
                    let (m, f) = (&schema.models[model], &schema.models[model].fields[field]);
                    let Some(through) = auto_through(schema, m, f) else {
                        continue;
                    };
                    (
                        TableKey::ManyToMany {
                            model: m.key,
                            field: f.key,
                        },
                        Cow::Owned(through.table),
                    )
                }
            };
            sources.push(source);
            keys.push(key);
            by_name.insert(name, key);
        }
        let by_key = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        Tables {
            schema,
            sources,
            keys,
            by_key,
            by_name,
        }
    }
}

/// The tables of a state in one dialect, with what the differ needs to compare. Tables are
/// planned when first asked for: a migration that changes a few tables of a large schema
/// plans those and the tables they point at, not every table on both sides.
struct Side<'t, 'a> {
    planner: Planner<'a>,
    tables: &'t Tables<'a>,
    plans: Vec<OnceCell<TablePlan<'a>>>,
}

impl<'t, 'a> Side<'t, 'a> {
    fn new(tables: &'t Tables<'a>, d: &'a dyn Dialect) -> Self {
        let plans = std::iter::repeat_with(OnceCell::new)
            .take(tables.sources.len())
            .collect();
        Side {
            planner: Planner::new(tables.schema, d),
            tables,
            plans,
        }
    }

    /// The plan of table `i` (in creation order).
    fn plan(&self, i: usize) -> &TablePlan<'a> {
        self.plans[i].get_or_init(|| {
            self.planner
                .table(self.tables.sources[i])
                .expect("a table with a name has a plan")
        })
    }

    /// The plan of table `i`, out of the cache (planned now if it is not there).
    fn take(&mut self, i: usize) -> TablePlan<'a> {
        match self.plans[i].take() {
            Some(plan) => plan,
            None => self
                .planner
                .table(self.tables.sources[i])
                .expect("a table with a name has a plan"),
        }
    }

    fn column_key(&self, table: &str, column: &str) -> Option<(ColumnKey, &ColumnDef<'a>)> {
        let key = self.tables.by_name.get(table)?;
        let plan = self.plan(*self.tables.by_key.get(key)?);
        plan.table
            .columns
            .iter()
            .find(|c| c.name == column)
            .map(|c| (c.key, c))
    }
}

/// The models whose tables two states plan alike, by key: the model is the same in both, and
/// so is every model its relations point at (which give its foreign keys their types,
/// tables and columns), under the same project settings. Their tables, and the automatic
/// many-to-many tables of their fields, have the same plan on both sides and no change.
/// Computed once for a pair of states; their diff in every dialect and in either direction
/// skips those tables without planning them.
#[derive(Debug, Default)]
pub struct Unchanged(HashSet<u32>);

impl Unchanged {
    pub fn between(before: &Schema, after: &Schema) -> Self {
        let mut out = HashSet::new();
        if !same_settings(before, after) {
            return Unchanged(out);
        }
        // Models are matched by key: keys must tell them apart (they do in migration states).
        let mut by_key = HashMap::with_capacity(before.models.len());
        for (i, m) in before.models.iter().enumerate() {
            if by_key.insert(m.key, i).is_some() {
                return Unchanged(out);
            }
        }
        let mut keys = HashSet::with_capacity(after.models.len());
        if !after.models.iter().all(|m| keys.insert(m.key)) {
            return Unchanged(out);
        }
        // Whether the model at each index is the same in both states (relations point at
        // models by index), compared once.
        let mut same_at: Vec<Option<bool>> = vec![None; after.models.len()];
        let mut same_at = |t: usize| -> bool {
            match same_at.get(t).copied() {
                Some(Some(same)) => same,
                Some(None) => {
                    let same = before.models.get(t) == after.models.get(t);
                    same_at[t] = Some(same);
                    same
                }
                None => false,
            }
        };
        for (j, b) in after.models.iter().enumerate() {
            let Some(&i) = by_key.get(&b.key) else {
                continue;
            };
            let same = if i == j {
                same_at(j)
            } else {
                before.models[i] == *b
            };
            if same
                && b.fields.iter().all(|f| {
                    f.relation
                        .as_ref()
                        .and_then(|r| r.target)
                        .is_none_or(|(t, _)| same_at(t))
                })
            {
                out.insert(b.key);
            }
        }
        Unchanged(out)
    }

    /// Whether table `key` is planned alike in both states.
    fn contains(&self, key: TableKey) -> bool {
        match key {
            TableKey::Model(k) | TableKey::ManyToMany { model: k, .. } => self.0.contains(&k),
        }
    }
}

/// Whether the project settings that planning reads are the same in both states.
fn same_settings(before: &Schema, after: &Schema) -> bool {
    before.project.default_auto_field == after.project.default_auto_field
        && name_limit(&before.project) == name_limit(&after.project)
}

/// Identity of a schema object within its table: what it is, with columns by key.
fn columns_sig(plan: &TablePlan, columns: &[Cow<str>]) -> String {
    let keys: Vec<String> = columns
        .iter()
        .map(|c| {
            plan.table
                .columns
                .iter()
                .find(|x| x.name == *c)
                .map_or_else(|| format!("?{c}"), |x| format!("{:?}", x.key))
        })
        .collect();
    keys.join(",")
}

fn expr_sig(plan: &TablePlan, e: &Expr) -> String {
    let mut e = e.clone();
    rekey(&mut e, plan);
    crate::ddl::expr_sql(&e, crate::ddl::dialect_for(DialectName::Postgres))
}

fn rekey(e: &mut Expr, plan: &TablePlan) {
    if let ExprKind::Column(name) = &mut e.kind {
        if let Some(c) = plan.table.columns.iter().find(|c| c.name == name.as_str()) {
            *name = format!("#{:?}", c.key);
        }
    }
    match &mut e.kind {
        ExprKind::Unary(_, a) | ExprKind::IsNull { expr: a, .. } => rekey(a, plan),
        ExprKind::Binary(_, l, r) => {
            rekey(l, plan);
            rekey(r, plan);
        }
        ExprKind::InList { expr, list, .. } => {
            rekey(expr, plan);
            list.iter_mut().for_each(|x| rekey(x, plan));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            rekey(expr, plan);
            rekey(low, plan);
            rekey(high, plan);
        }
        ExprKind::Like { expr, pattern, .. } => {
            rekey(expr, plan);
            rekey(pattern, plan);
        }
        ExprKind::Call(_, args) => args.iter_mut().for_each(|x| rekey(x, plan)),
        _ => {}
    }
}

fn constraint_sig(plan: &TablePlan, c: &TableConstraint) -> String {
    let one = |col: &Cow<str>| columns_sig(plan, std::slice::from_ref(col));
    match c {
        TableConstraint::Unique { columns, .. } => format!("U|{}", columns_sig(plan, columns)),
        TableConstraint::Check { expr, .. } => format!("C|{}", expr_sig(plan, expr)),
        TableConstraint::CheckRaw { sql, .. } => format!("R|{sql}"),
        TableConstraint::Positive { column, .. } => format!("P|{}", one(column)),
        TableConstraint::Choices {
            column,
            values,
            exact,
            ..
        } => {
            let codes: Vec<String> = values.iter().map(|v| v.value.to_string()).collect();
            format!("H|{}|{exact}|{}", one(column), codes.join(","))
        }
        TableConstraint::JsonValid { column, .. } => format!("J|{}", one(column)),
    }
}

fn index_sig(plan: &TablePlan, i: &CreateIndex) -> String {
    let cols: Vec<String> = i
        .columns
        .iter()
        .map(|(c, desc)| {
            format!(
                "{}{}",
                columns_sig(plan, std::slice::from_ref(c)),
                if *desc { "-" } else { "" }
            )
        })
        .collect();
    format!(
        "I|{}|{:?}|{}|{}|{}",
        i.unique,
        i.opclass,
        cols.join(","),
        i.condition
            .as_ref()
            .map(|e| expr_sig(plan, e))
            .unwrap_or_default(),
        i.condition_raw.unwrap_or_default()
    )
}

fn fk_sig(side: &Side, plan: &TablePlan, fk: &AddForeignKey) -> String {
    let (col_key, col) = side
        .column_key(&plan.table.name, &fk.column)
        .map_or_else(|| (None, None), |(k, c)| (Some(k), Some(c)));
    let target = side.column_key(&fk.target.table, &fk.target.column);
    format!(
        "F|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}",
        col_key,
        col.map(|c| &c.ty),
        side.tables.by_name.get(fk.target.table.as_ref()),
        target.map(|(k, _)| k),
        target.map(|(_, c)| &c.ty),
        fk.target.on_delete,
        fk.target.deferrable
    )
}

/// A column's definition as it matters to the database, name and key aside.
fn column_sig(side: &Side, c: &ColumnDef) -> String {
    let references = c.references.as_ref().map(|r| {
        let target = side.column_key(&r.table, &r.column);
        format!(
            "{:?}|{:?}|{:?}|{:?}|{}",
            side.tables.by_name.get(r.table.as_ref()),
            target.map(|(k, _)| k),
            target.map(|(_, t)| &t.ty),
            r.on_delete,
            r.deferrable
        )
    });
    format!(
        "{:?}|{}|{}|{}|{:?}|{:?}|{:?}",
        c.ty, c.null, c.primary_key, c.auto_increment, c.default, c.comment, references
    )
}

/// The columns a check constraint reads (none for a unique constraint or raw SQL).
fn check_columns<'c>(c: &'c TableConstraint) -> Vec<&'c str> {
    match c {
        TableConstraint::Check { expr, .. } => expr.columns().into_iter().map(|c| c.0).collect(),
        TableConstraint::Positive { column, .. }
        | TableConstraint::Choices { column, .. }
        | TableConstraint::JsonValid { column, .. } => vec![column.as_ref()],
        TableConstraint::Unique { .. } | TableConstraint::CheckRaw { .. } => Vec::new(),
    }
}

/// Pairs objects of the old and new table by identity: `(old, new)` for each kept one,
/// and the ones only on either side.
fn pair_up<'x, T>(
    old: &'x [T],
    new: &'x [T],
    sig_old: impl Fn(&T) -> String,
    sig_new: impl Fn(&T) -> String,
) -> (Vec<(&'x T, &'x T)>, Vec<&'x T>, Vec<&'x T>) {
    let mut pool: HashMap<String, Vec<&'x T>> = HashMap::new();
    for o in old {
        pool.entry(sig_old(o)).or_default().push(o);
    }
    let mut kept = Vec::new();
    let mut added = Vec::new();
    for n in new {
        match pool
            .get_mut(&sig_new(n))
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
        {
            Some(o) => kept.push((o, n)),
            None => added.push(n),
        }
    }
    let mut removed: Vec<&T> = Vec::new();
    for o in old {
        let still = pool
            .get(&sig_old(o))
            .is_some_and(|v| v.iter().any(|x| std::ptr::eq(*x, o)));
        if still {
            removed.push(o);
        }
    }
    (kept, removed, added)
}

/// The phases of a migration's changes, in the order they run.
#[derive(Default)]
struct Phases<'a> {
    drop_fks: Vec<Change<'a>>,
    drop_objects: Vec<Change<'a>>,
    renames: Vec<Change<'a>>,
    drop_tables: Vec<Change<'a>>,
    drop_columns: Vec<Change<'a>>,
    create_tables: Vec<Change<'a>>,
    add_columns: Vec<Change<'a>>,
    alter_columns: Vec<Change<'a>>,
    add_objects: Vec<Change<'a>>,
    comments: Vec<Change<'a>>,
    add_fks: Vec<Change<'a>>,
    rebuilt: bool,
}

impl<'a> Phases<'a> {
    fn into_changes(self) -> (Vec<Change<'a>>, bool) {
        let mut out = self.drop_fks;
        for mut part in [
            self.drop_objects,
            self.renames,
            self.drop_tables,
            self.drop_columns,
            self.create_tables,
            self.add_columns,
            self.alter_columns,
            self.add_objects,
            self.comments,
            self.add_fks,
        ] {
            out.append(&mut part);
        }
        (out, self.rebuilt)
    }
}

/// The changes that take a database from `before` to `after` in `dialect`, and whether
/// they need to manage their own transaction (SQLite rebuilds).
pub fn diff<'a>(
    before: &'a Schema,
    after: &'a Schema,
    d: &'a dyn Dialect,
) -> (Vec<Change<'a>>, bool) {
    diff_known(
        &Tables::new(before),
        &Tables::new(after),
        d,
        &Unchanged::between(before, after),
    )
}

/// [`diff`] of the [`Tables`] of two states, with the tables known to be [`Unchanged`]
/// between them.
fn diff_known<'a>(
    before: &Tables<'a>,
    after: &Tables<'a>,
    d: &'a dyn Dialect,
    unchanged: &Unchanged,
) -> (Vec<Change<'a>>, bool) {
    let old = Side::new(before, d);
    let mut new = Side::new(after, d);
    let mut p = Phases::default();
    // Tables that go away: their own foreign keys first (a dropped table may be pointed at
    // by another dropped table), then the tables, dependents before what they depend on.
    for i in (0..before.keys.len()).rev() {
        if !after.by_key.contains_key(&before.keys[i]) {
            let plan = old.plan(i);
            for k in &plan.foreign_keys {
                p.drop_fks.push(Change::DropForeignKey {
                    table: plan.table.name.clone(),
                    name: k.name.clone(),
                });
            }
            p.drop_tables.push(Change::DropTable {
                name: plan.table.name.clone(),
            });
            // SQLite empties a table it drops, which would run its children's ON DELETE
            // actions: its foreign keys are off for the whole script then.
            if !d.caps().alter_column {
                p.rebuilt = true;
            }
        }
    }
    for j in 0..after.keys.len() {
        match before.by_key.get(&after.keys[j]) {
            None => {
                let plan = new.take(j);
                p.create_tables
                    .push(Change::Create(Statement::CreateTable(plan.table)));
                p.create_tables
                    .extend(plan.comments.into_iter().map(Change::Create));
                p.create_tables.extend(
                    plan.indexes
                        .into_iter()
                        .map(|i| Change::Create(Statement::CreateIndex(i))),
                );
                p.add_fks
                    .extend(plan.foreign_keys.into_iter().map(Change::add_foreign_key));
            }
            // A table made from the same inputs on both sides has the same plan: nothing
            // changes, and neither side needs planning.
            Some(_) if unchanged.contains(after.keys[j]) => {}
            Some(&i) => table(&old, old.plan(i), &new, new.plan(j), d, &mut p),
        }
    }
    p.into_changes()
}

/// The changes of one table present before and after.
fn table<'a>(
    old_side: &Side<'_, 'a>,
    old: &TablePlan<'a>,
    new_side: &Side<'_, 'a>,
    new: &TablePlan<'a>,
    d: &dyn Dialect,
    p: &mut Phases<'a>,
) {
    let caps = d.caps();
    let old_name = old.table.name.clone();
    let name = new.table.name.clone();
    // Columns by key.
    let old_cols: HashMap<ColumnKey, &ColumnDef> =
        old.table.columns.iter().map(|c| (c.key, c)).collect();
    let new_cols: HashMap<ColumnKey, &ColumnDef> =
        new.table.columns.iter().map(|c| (c.key, c)).collect();
    let dropped: Vec<&ColumnDef> = old
        .table
        .columns
        .iter()
        .filter(|c| !new_cols.contains_key(&c.key))
        .collect();
    let added: Vec<&ColumnDef> = new
        .table
        .columns
        .iter()
        .filter(|c| !old_cols.contains_key(&c.key))
        .collect();
    let mut renamed: Vec<(&ColumnDef, &ColumnDef)> = Vec::new();
    let mut altered: Vec<(&ColumnDef, &ColumnDef)> = Vec::new();
    for c in &new.table.columns {
        if let Some(o) = old_cols.get(&c.key) {
            if o.name != c.name {
                renamed.push((o, c));
            }
            if column_sig(old_side, o) != column_sig(new_side, c) {
                altered.push((o, c));
            }
        }
    }
    let (mut kept_c, mut removed_c, mut added_c) = pair_up(
        &old.table.constraints,
        &new.table.constraints,
        |c| constraint_sig(old, c),
        |c| constraint_sig(new, c),
    );
    let (mut kept_i, mut removed_i, mut added_i) = pair_up(
        &old.indexes,
        &new.indexes,
        |i| index_sig(old, i),
        |i| index_sig(new, i),
    );
    let (kept_f, removed_f, added_f) = pair_up(
        &old.foreign_keys,
        &new.foreign_keys,
        |k| fk_sig(old_side, old, k),
        |k| fk_sig(new_side, new, k),
    );
    let pk = |plan: &TablePlan| -> Vec<ColumnKey> {
        plan.table
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.key)
            .collect()
    };
    let (old_pk, new_pk) = (pk(old), pk(new));

    // SQLite alters little in place: anything beyond renames, simple added columns and
    // indexes rebuilds the table.
    if !caps.alter_column {
        let simple_add = |c: &ColumnDef| {
            !c.primary_key
                && (c.null || matches!(c.default, Some(ColumnDefault::Literal(_))))
                && !matches!(c.default, Some(ColumnDefault::Expr(_)))
                && (c.references.is_none() || c.default.is_none())
        };
        let constraints_changed = !removed_c.is_empty()
            || !added_c.is_empty()
            || kept_c.iter().any(|(o, n)| o.name() != n.name());
        let needs_rebuild = !dropped.is_empty()
            || !altered.is_empty()
            || constraints_changed
            || old_pk != new_pk
            || added.iter().any(|c| !simple_add(c));
        if needs_rebuild {
            p.rebuilt = true;
            // A renamed table and renamed columns are renamed first, then the table is
            // rebuilt from the new names: SQLite's RENAME points the foreign keys of other
            // tables at the new names, which dropping the old table and renaming a copy of
            // it, with its columns renamed in the copy, would not do.
            let from = if old_name != name {
                p.renames.push(Change::RenameTable {
                    from: old_name.clone(),
                    to: name.clone(),
                });
                name.clone()
            } else {
                old_name
            };
            for (o, c) in &renamed {
                let mut column = (*o).clone();
                column.name = c.name.clone();
                p.renames.push(Change::RenameColumn {
                    table: name.clone(),
                    from: o.name.clone(),
                    to: c.name.clone(),
                    column,
                });
            }
            let copy = new
                .table
                .columns
                .iter()
                .filter_map(|c| {
                    let o = old_cols.get(&c.key)?;
                    let from = match (&c.default, o.null && !c.null) {
                        (Some(default), true) => {
                            CopyFrom::ColumnOrDefault(c.name.clone(), default.clone(), c.ty.clone())
                        }
                        _ => CopyFrom::Column(c.name.clone()),
                    };
                    Some((c.name.clone(), from))
                })
                .collect();
            p.add_columns.push(Change::Rebuild {
                old_name: from,
                table: new.table.clone(),
                copy,
                indexes: new.indexes.clone(),
            });
            return;
        }
    }

    // Checks and partial indexes over a column whose type changes are made again:
    // PostgreSQL keeps them through ALTER COLUMN TYPE, but parsed again from their text, so
    // what it stores then (where the casts are) is not what fresh DDL stores.
    let retyped: HashSet<&str> = altered
        .iter()
        .filter(|(o, c)| o.ty != c.ty)
        .map(|(_, c)| c.name.as_ref())
        .collect();
    if !retyped.is_empty() {
        let reads_retyped = |cols: Vec<&str>| cols.iter().any(|c| retyped.contains(c));
        let (again, kept): (Vec<_>, Vec<_>) = kept_c
            .into_iter()
            .partition(|(_, n)| reads_retyped(check_columns(n)));
        kept_c = kept;
        for (o, n) in again {
            removed_c.push(o);
            added_c.push(n);
        }
        let (again, kept): (Vec<_>, Vec<_>) = kept_i.into_iter().partition(|(_, n)| {
            n.condition
                .as_ref()
                .is_some_and(|e| reads_retyped(e.columns().into_iter().map(|c| c.0).collect()))
        });
        kept_i = kept;
        for (o, n) in again {
            removed_i.push(o);
            added_i.push(n);
        }
    }
    // Objects that go away, before anything they depend on changes.
    for k in &removed_f {
        p.drop_fks.push(Change::DropForeignKey {
            table: old_name.clone(),
            name: k.name.clone(),
        });
    }
    for i in &removed_i {
        p.drop_objects.push(Change::DropIndex {
            table: old_name.clone(),
            name: i.name.clone(),
        });
    }
    for c in &removed_c {
        p.drop_objects.push(Change::DropConstraint {
            table: old_name.clone(),
            constraint: (*c).clone(),
        });
    }
    let pk_name = |t: &str| d.primary_key_name(t);
    if old_pk != new_pk && !old_pk.is_empty() {
        p.drop_objects.push(Change::DropPrimaryKey {
            table: old_name.clone(),
            name: pk_name(&old_name).unwrap_or_default().into(),
        });
    }
    // Renames: the table, its columns, then what is called after them.
    if old_name != name {
        p.renames.push(Change::RenameTable {
            from: old_name.clone(),
            to: name.clone(),
        });
        if old_pk == new_pk && !new_pk.is_empty() {
            if let (Some(from), Some(to)) = (pk_name(&old_name), pk_name(&name)) {
                if from != to {
                    p.renames.push(Change::RenamePrimaryKey {
                        table: name.clone(),
                        from: from.into(),
                        to: to.into(),
                    });
                }
            }
        }
    }
    for (o, c) in &renamed {
        let mut column = (*o).clone();
        column.name = c.name.clone();
        p.renames.push(Change::RenameColumn {
            table: name.clone(),
            from: o.name.clone(),
            to: c.name.clone(),
            column,
        });
    }
    for (o, n) in &kept_i {
        if o.name != n.name {
            if caps.rename_index {
                p.renames.push(Change::RenameIndex {
                    table: name.clone(),
                    from: o.name.clone(),
                    to: n.name.clone(),
                });
            } else {
                p.drop_objects.push(Change::DropIndex {
                    table: old_name.clone(),
                    name: o.name.clone(),
                });
                p.add_objects
                    .push(Change::Create(Statement::CreateIndex((*n).clone())));
            }
        }
    }
    for (o, n) in &kept_c {
        if o.name() != n.name() {
            let unique = matches!(n, TableConstraint::Unique { .. });
            if caps.rename_constraint {
                p.renames.push(Change::RenameConstraint {
                    table: name.clone(),
                    from: o.name().to_string().into(),
                    to: n.name().to_string().into(),
                });
            } else if unique && caps.rename_index {
                // MySQL: a unique constraint is an index.
                p.renames.push(Change::RenameIndex {
                    table: name.clone(),
                    from: o.name().to_string().into(),
                    to: n.name().to_string().into(),
                });
            } else {
                p.drop_objects.push(Change::DropConstraint {
                    table: old_name.clone(),
                    constraint: (*o).clone(),
                });
                p.add_objects.push(Change::AddConstraint {
                    table: name.clone(),
                    constraint: (*n).clone(),
                });
            }
        }
    }
    // InnoDB drops the index it made for a foreign key once another index starting with the
    // key's column exists, and then refuses to drop that other index: "Cannot drop index
    // ...: needed in a foreign key constraint" (MySQL "FOREIGN KEY Constraints", Conditions
    // and Restrictions). A key whose column leads an index or unique constraint that goes
    // away is dropped first and added again last, when InnoDB makes its index again if no
    // other index serves, as it does for fresh DDL.
    let leading: HashSet<&str> = if caps.fk_creates_index {
        removed_i
            .iter()
            .filter_map(|i| i.columns.first().map(|(c, _)| c.as_ref()))
            .chain(removed_c.iter().filter_map(|c| match c {
                TableConstraint::Unique { columns, .. } => columns.first().map(|c| c.as_ref()),
                _ => None,
            }))
            .collect()
    } else {
        HashSet::new()
    };
    for (o, n) in &kept_f {
        if o.name != n.name || leading.contains(o.column.as_ref()) {
            // No dialect renames a foreign key in place everywhere: drop and add it.
            p.drop_fks.push(Change::DropForeignKey {
                table: old_name.clone(),
                name: o.name.clone(),
            });
            p.add_fks.push(Change::add_foreign_key((*n).clone()));
        }
    }
    for c in &dropped {
        p.drop_columns.push(Change::DropColumn {
            table: name.clone(),
            column: c.name.clone(),
        });
    }
    for c in &added {
        p.add_columns.push(Change::AddColumn {
            table: name.clone(),
            column: (*c).clone(),
        });
    }
    for (o, c) in &altered {
        let unchanged_but_comment = o.ty == c.ty
            && o.null == c.null
            && o.auto_increment == c.auto_increment
            && o.default == c.default
            && o.primary_key == c.primary_key
            && o.comment == c.comment;
        if unchanged_but_comment {
            // Only a referenced column's type changed: the foreign key changes, not this.
            continue;
        }
        if o.null && !c.null {
            if let Some(default) = &c.default {
                p.alter_columns.push(Change::FillNulls {
                    table: name.clone(),
                    column: c.name.clone(),
                    default: default.clone(),
                    ty: c.ty.clone(),
                });
            }
        }
        let only_key = o.ty == c.ty
            && o.null == c.null
            && o.auto_increment == c.auto_increment
            && o.default == c.default
            && o.comment == c.comment;
        if !only_key {
            let mut old_def = (*o).clone();
            old_def.name = c.name.clone();
            p.alter_columns.push(Change::AlterColumn {
                table: name.clone(),
                old: old_def,
                new: (*c).clone(),
            });
        }
    }
    if old_pk != new_pk && !new_pk.is_empty() {
        let added_inline = added.iter().any(|c| c.primary_key);
        if !added_inline {
            let columns = new
                .table
                .columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.clone())
                .collect();
            p.add_objects.push(Change::AddPrimaryKey {
                table: name.clone(),
                columns,
            });
        }
    }
    for c in &added_c {
        p.add_objects.push(Change::AddConstraint {
            table: name.clone(),
            constraint: (*c).clone(),
        });
    }
    for i in &added_i {
        p.add_objects
            .push(Change::Create(Statement::CreateIndex((*i).clone())));
    }
    for k in &added_f {
        p.add_fks.push(Change::add_foreign_key((*k).clone()));
    }
    comments(old, new, name, p);
}

/// Table and column comments that changed, where comments are statements (PostgreSQL);
/// MySQL's inline comments change with the column (ALTER COLUMN) and the table options.
fn comments<'a>(old: &TablePlan<'a>, new: &TablePlan<'a>, name: Cow<'a, str>, p: &mut Phases<'a>) {
    let table_comment = |plan: &TablePlan<'a>| -> Option<&'a str> {
        plan.comments
            .iter()
            .find_map(|s| match s {
                Statement::CommentOnTable { comment, .. } => Some(*comment),
                _ => None,
            })
            .or(plan.table.comment)
    };
    let (o, n) = (table_comment(old), table_comment(new));
    if o != n {
        p.comments.push(Change::TableComment {
            table: name.clone(),
            comment: n,
        });
    }
    let column_comments = |plan: &TablePlan<'a>| -> HashMap<ColumnKey, &'a str> {
        plan.comments
            .iter()
            .filter_map(|s| match s {
                Statement::CommentOnColumn {
                    column, comment, ..
                } => plan
                    .table
                    .columns
                    .iter()
                    .find(|c| c.name == *column)
                    .map(|c| (c.key, *comment)),
                _ => None,
            })
            .collect()
    };
    let (oc, nc) = (column_comments(old), column_comments(new));
    for c in &new.table.columns {
        let (was, is) = (oc.get(&c.key).copied(), nc.get(&c.key).copied());
        if was != is {
            p.comments.push(Change::ColumnComment {
                table: name.clone(),
                column: c.name.clone(),
                comment: is,
            });
        }
    }
}

/// A migration's script for one dialect: the schema changes between each pair of states,
/// with hand-written SQL between them.
pub fn script<'a>(steps: &[Step<'a>], d: &'a dyn Dialect) -> Script<'a> {
    let mut script = Script::default();
    for step in steps {
        match step {
            Step::Schema {
                before,
                after,
                unchanged,
            } => {
                let (changes, rebuilt) = diff_known(before, after, d, unchanged);
                script.changes.extend(changes);
                script.own_transaction |= rebuilt;
            }
            Step::Raw(sql) => script.changes.push(Change::Raw(sql)),
        }
    }
    script
}

/// A step of a migration's script.
#[derive(Debug)]
pub enum Step<'a> {
    Schema {
        before: &'a Tables<'a>,
        after: &'a Tables<'a>,
        /// [`Unchanged::between`] the two states (either way round: it is symmetric).
        unchanged: &'a Unchanged,
    },
    Raw(&'a str),
}
