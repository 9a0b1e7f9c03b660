//! The one place SQL text is made: identifiers are quoted and literals escaped through the
//! [`Dialect`], and statements are laid out the same way for every dialect.

use crate::ir::{BinOp, Expr, ExprKind, Func, SqlExprKind, UnaryOp, Value};

use super::{
    AddForeignKey, ColumnDef, ColumnDefault, CommentSupport, CreateIndex, CreateTable, Dialect,
    ForeignKeyRef, SqlType, Statement, TableConstraint,
};

/// Builds SQL text for one dialect.
pub struct SqlWriter<'d> {
    dialect: &'d dyn Dialect,
    out: String,
}

impl std::fmt::Debug for SqlWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlWriter")
            .field("dialect", &self.dialect.name())
            .finish()
    }
}

impl<'d> SqlWriter<'d> {
    pub fn new(dialect: &'d dyn Dialect) -> Self {
        SqlWriter {
            dialect,
            out: String::new(),
        }
    }

    pub fn dialect(&self) -> &'d dyn Dialect {
        self.dialect
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// Takes the text written so far, leaving the writer empty (and its buffer allocated).
    pub fn take(&mut self) -> String {
        let text = self.out.clone();
        self.out.clear();
        text
    }

    /// Appends SQL keywords or punctuation (never user text).
    pub fn push(&mut self, sql: &str) {
        self.out.push_str(sql);
    }

    /// Appends a quoted identifier.
    pub fn ident(&mut self, ident: &str) {
        self.dialect.quote_ident(&mut self.out, ident);
    }

    /// Appends a string literal.
    pub fn string(&mut self, s: &str) {
        self.dialect.quote_str(&mut self.out, s);
    }

    /// Appends a literal of a column of type `ty`.
    pub fn literal(&mut self, value: &Value, ty: &SqlType) {
        self.dialect.literal(&mut self.out, value, ty);
    }

    fn idents(&mut self, idents: &[super::Ident<'_>]) {
        for (i, c) in idents.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.ident(c);
        }
    }

    pub fn statement(&mut self, s: &Statement) {
        match s {
            Statement::CreateTable(t) => self.create_table(t),
            Statement::CreateIndex(i) => self.create_index(i),
            Statement::AddForeignKey(f) => self.add_foreign_key(f),
            Statement::CommentOnTable { table, comment } => {
                self.push("COMMENT ON TABLE ");
                self.ident(table);
                self.push(" IS ");
                self.string(comment);
            }
            Statement::CommentOnColumn {
                table,
                column,
                comment,
            } => {
                self.push("COMMENT ON COLUMN ");
                self.ident(table);
                self.push(".");
                self.ident(column);
                self.push(" IS ");
                self.string(comment);
            }
        }
    }

    fn create_table(&mut self, t: &CreateTable) {
        self.push("CREATE TABLE ");
        self.ident(&t.name);
        self.push(" (\n");
        let mut first = true;
        for c in &t.columns {
            if !first {
                self.push(",\n");
            }
            first = false;
            self.push("    ");
            self.column(c);
        }
        for c in &t.constraints {
            self.push(",\n    ");
            self.table_constraint(c);
        }
        self.push("\n)");
        self.dialect.table_options(self, t);
    }

    /// `name type [COMMENT] [DEFAULT] NULL|NOT NULL [PRIMARY KEY] [suffix] [REFERENCES]`,
    /// the order of Django's `_iter_column_sql`.
    pub fn column(&mut self, c: &ColumnDef) {
        self.ident(&c.name);
        self.push(" ");
        let ty = self.dialect.type_name(&c.ty, c.auto_increment);
        self.push(&ty);
        if let Some(comment) = &c.comment {
            if self.dialect.caps().comments == CommentSupport::Inline {
                self.push(" COMMENT ");
                self.string(comment);
            }
        }
        if let Some(default) = &c.default {
            self.push(" DEFAULT ");
            self.dialect.column_default(self, default, &c.ty);
        }
        self.push(if c.null { " NULL" } else { " NOT NULL" });
        if c.primary_key {
            self.push(" PRIMARY KEY");
        }
        if c.auto_increment {
            let suffix = self.dialect.auto_suffix();
            if !suffix.is_empty() {
                self.push(" ");
                self.push(suffix);
            }
        }
        if let Some(r) = &c.references {
            self.push(" ");
            self.references(r);
        }
    }

    fn references(&mut self, r: &ForeignKeyRef) {
        self.push("REFERENCES ");
        self.ident(&r.table);
        self.push(" (");
        self.ident(&r.column);
        self.push(")");
        if let Some(rule) = r.on_delete {
            self.push(" ON DELETE ");
            self.push(on_delete_sql(rule));
        }
        if r.deferrable {
            self.push(" DEFERRABLE INITIALLY DEFERRED");
        }
    }

    pub fn table_constraint(&mut self, c: &TableConstraint) {
        match c {
            TableConstraint::Unique { name, columns, .. } => {
                self.push("CONSTRAINT ");
                self.ident(name);
                self.push(" UNIQUE (");
                self.idents(columns);
                self.push(")");
            }
            TableConstraint::Check { name, expr, .. } => {
                self.push("CONSTRAINT ");
                self.ident(name);
                self.push(" CHECK (");
                self.expr(expr);
                self.push(")");
            }
            TableConstraint::CheckRaw { name, sql, .. } => {
                self.push("CONSTRAINT ");
                self.ident(name);
                self.push(" CHECK (");
                // Checked by `frontend::expr::check_raw`: one balanced expression.
                self.push(sql);
                self.push(")");
            }
            TableConstraint::Positive { name, column, .. } => {
                self.push("CONSTRAINT ");
                self.ident(name);
                self.push(" CHECK (");
                self.ident(column);
                self.push(" >= 0)");
            }
            TableConstraint::JsonValid { name, column, .. } => {
                self.push("CONSTRAINT ");
                self.ident(name);
                self.push(" CHECK (json_valid(");
                self.ident(column);
                self.push(") OR ");
                self.ident(column);
                self.push(" IS NULL)");
            }
            TableConstraint::Choices {
                name,
                column,
                values,
                exact,
                ..
            } => {
                self.push("CONSTRAINT ");
                self.ident(name);
                self.push(" CHECK (");
                if *exact {
                    self.dialect.exact(self, column);
                } else {
                    self.ident(column);
                }
                self.push(" IN (");
                for (i, choice) in values.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    match &choice.value {
                        Value::Int(n) => self.push(&n.to_string()),
                        Value::Str(s) => self.string(s),
                        other => self.string(&other.to_string()),
                    }
                }
                self.push("))");
            }
        }
    }

    fn create_index(&mut self, i: &CreateIndex) {
        self.push(if i.unique {
            "CREATE UNIQUE INDEX "
        } else {
            "CREATE INDEX "
        });
        self.ident(&i.name);
        self.push(" ON ");
        self.ident(&i.table);
        self.push(" (");
        for (n, (col, desc)) in i.columns.iter().enumerate() {
            if n > 0 {
                self.push(", ");
            }
            self.ident(col);
            if let Some(opclass) = i.opclass {
                self.push(" ");
                self.push(opclass);
            }
            if *desc {
                self.push(" DESC");
            }
        }
        self.push(")");
        if let Some(cond) = &i.condition {
            self.push(" WHERE ");
            self.expr(cond);
        } else if let Some(raw) = &i.condition_raw {
            self.push(" WHERE (");
            self.push(raw);
            self.push(")");
        }
    }

    fn add_foreign_key(&mut self, f: &AddForeignKey) {
        self.push("ALTER TABLE ");
        self.ident(&f.table);
        self.push(" ADD CONSTRAINT ");
        self.ident(&f.name);
        self.push(" FOREIGN KEY (");
        self.ident(&f.column);
        self.push(") ");
        self.references(&f.target);
    }

    /// Appends an expression whose column references are column names.
    pub fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Column(c) => self.ident(c),
            ExprKind::Str(s) => self.string(s),
            ExprKind::Number(n) => self.push(n),
            ExprKind::Bool(b) => self.dialect.bool_literal(&mut self.out, *b),
            ExprKind::Null => self.push("NULL"),
            ExprKind::Unary(UnaryOp::Not, inner) => {
                self.push("NOT ");
                self.child(inner, 3, false);
            }
            ExprKind::Unary(UnaryOp::Neg, inner) => {
                self.push("-");
                self.child(inner, 7, true);
            }
            ExprKind::Binary(op, l, r) => {
                let prec = op.precedence();
                let comparison = prec == 4;
                let right_strict = comparison || matches!(op, BinOp::Sub | BinOp::Div | BinOp::Mod);
                self.child(l, prec, comparison);
                self.push(" ");
                self.push(op.as_sql());
                self.push(" ");
                self.child(r, prec, right_strict);
            }
            ExprKind::IsNull { expr, negated } => {
                self.child(expr, 4, true);
                self.push(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            ExprKind::InList {
                expr,
                list,
                negated,
            } => {
                self.child(expr, 4, true);
                self.push(if *negated { " NOT IN (" } else { " IN (" });
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.child(item, 5, false);
                }
                self.push(")");
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                self.child(expr, 4, true);
                self.push(if *negated {
                    " NOT BETWEEN "
                } else {
                    " BETWEEN "
                });
                self.child(low, 5, false);
                self.push(" AND ");
                self.child(high, 5, false);
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => {
                self.child(expr, 4, true);
                self.push(if *negated { " NOT LIKE " } else { " LIKE " });
                self.child(pattern, 5, false);
            }
            ExprKind::Call(func, args) => {
                self.push(self.dialect.func_name(*func));
                // CURRENT_TIMESTAMP and friends are keywords, written without parentheses.
                if !func.is_volatile() {
                    self.push("(");
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.expr(a);
                    }
                    self.push(")");
                }
            }
        }
    }

    /// Appends `e` as an operand of an operator of precedence `prec`, in parentheses when
    /// it binds looser (or as tight, when `strict`).
    fn child(&mut self, e: &Expr, prec: u8, strict: bool) {
        let own = precedence(e);
        let wrap = own < prec || (strict && own == prec);
        if wrap {
            self.push("(");
        }
        self.expr(e);
        if wrap {
            self.push(")");
        }
    }
}

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, _, _) => op.precedence(),
        ExprKind::IsNull { .. }
        | ExprKind::InList { .. }
        | ExprKind::Between { .. }
        | ExprKind::Like { .. } => 4,
        ExprKind::Unary(UnaryOp::Not, _) => 3,
        ExprKind::Unary(UnaryOp::Neg, _) => 7,
        _ => 10,
    }
}

pub(crate) fn on_delete_sql(rule: crate::ir::OnDelete) -> &'static str {
    use crate::ir::OnDelete;
    match rule {
        OnDelete::Cascade => "CASCADE",
        OnDelete::Protect | OnDelete::Restrict => "RESTRICT",
        OnDelete::SetNull => "SET NULL",
        OnDelete::SetDefault => "SET DEFAULT",
        OnDelete::DoNothing => "NO ACTION",
    }
}

/// The default rendering of literals; dialects override [`Dialect::literal`] for what differs.
pub(crate) fn default_literal<D: Dialect + ?Sized>(
    d: &D,
    out: &mut String,
    value: &Value,
    ty: &SqlType,
) {
    match value {
        Value::Str(s) => d.quote_str(out, s),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(x) => out.push_str(&format_float(*x)),
        Value::Decimal(s) => out.push_str(s),
        Value::Bool(b) => d.bool_literal(out, *b),
        Value::Date(date) => d.quote_str(out, &date.to_string()),
        Value::Time(t) => d.quote_str(out, &t.to_string()),
        Value::DateTime(dt) => d.quote_str(out, &format!("{} {}+00:00", dt.date, dt.time)),
        Value::Duration(us) => out.push_str(&us.to_string()),
        Value::Uuid(u) => d.quote_str(out, &format!("{u:032x}")),
        Value::Json(j) => d.quote_str(out, j),
        Value::Bytes(b) => {
            out.push_str("X'");
            for byte in b {
                out.push_str(&format!("{byte:02X}"));
            }
            out.push('\'');
        }
    }
    let _ = ty;
}

/// A float as SQL: the shortest text that reads back as the same `f64` (`0.5`, `1e300`),
/// which every dialect reads as a number.
pub(crate) fn format_float(x: f64) -> String {
    format!("{x:?}")
}

/// The default rendering of column defaults.
pub(crate) fn default_column_default(w: &mut SqlWriter<'_>, default: &ColumnDefault, ty: &SqlType) {
    let d = w.dialect();
    match default {
        ColumnDefault::Literal(v) => {
            let parens = d.caps().text_defaults_need_parens && ty.is_large();
            if parens {
                w.push("(");
            }
            w.literal(v, ty);
            if parens {
                w.push(")");
            }
        }
        ColumnDefault::Expr(e) => match &e.kind {
            SqlExprKind::Portable(expr) => {
                let bare = match &expr.kind {
                    ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {
                        true
                    }
                    ExprKind::Unary(UnaryOp::Neg, inner) => {
                        matches!(inner.kind, ExprKind::Number(_))
                    }
                    ExprKind::Call(
                        Func::CurrentTimestamp | Func::CurrentDate | Func::CurrentTime,
                        args,
                    ) => args.is_empty(),
                    _ => false,
                } && !(d.caps().text_defaults_need_parens && ty.is_large());
                if bare {
                    w.expr(expr);
                } else {
                    w.push("(");
                    w.expr(expr);
                    w.push(")");
                }
            }
            SqlExprKind::PerDialect(_) => {
                if let Some(raw) = e.raw_for(d.name()) {
                    w.push("(");
                    // Checked by `frontend::expr::check_raw`: one balanced expression.
                    w.push(raw);
                    w.push(")");
                }
            }
        },
    }
}

/// PostgreSQL's ALTER COLUMN statements for a column going from `old` to `new`.
pub(crate) fn postgres_alter_column(
    w: &mut SqlWriter<'_>,
    table: &str,
    old: &ColumnDef,
    new: &ColumnDef,
) {
    let d = w.dialect();
    let column: &str = &new.name;
    let alter = |w: &mut SqlWriter<'_>| {
        w.alter_table(table);
        w.push("ALTER COLUMN ");
        w.ident(column);
        w.push(" ");
    };
    let type_changes = d.type_name(&old.ty, false) != d.type_name(&new.ty, false);
    let default_changes = old.default != new.default || (type_changes && old.default.is_some());
    if default_changes && old.default.is_some() {
        alter(w);
        w.push("DROP DEFAULT;\n");
    }
    if old.auto_increment && !new.auto_increment {
        alter(w);
        w.push("DROP IDENTITY IF EXISTS;\n");
    }
    if type_changes {
        let ty = d.type_name(&new.ty, false);
        alter(w);
        w.push("TYPE ");
        w.push(&ty);
        w.push(" USING ");
        w.ident(column);
        w.push("::");
        w.push(&ty);
        w.push(";\n");
    }
    if new.auto_increment && !old.auto_increment {
        alter(w);
        w.push("ADD GENERATED BY DEFAULT AS IDENTITY;\n");
        // Rows already there: the identity starts after the largest value.
        w.push("SELECT setval(pg_get_serial_sequence(");
        let mut qualified = String::new();
        d.quote_ident(&mut qualified, table);
        w.string(&qualified);
        w.push(", ");
        w.string(column);
        w.push("), coalesce(max(");
        w.ident(column);
        w.push("), 0) + 1, false) FROM ");
        w.ident(table);
        w.push(";\n");
    }
    if default_changes {
        if let Some(default) = &new.default {
            alter(w);
            w.push("SET DEFAULT ");
            d.column_default(w, default, &new.ty);
            w.push(";\n");
        }
    }
    if old.null != new.null {
        alter(w);
        w.push(if new.null {
            "DROP NOT NULL;\n"
        } else {
            "SET NOT NULL;\n"
        });
    }
}

impl SqlWriter<'_> {
    /// A column definition without PRIMARY KEY and REFERENCES (for MySQL's MODIFY COLUMN,
    /// where keys are separate).
    pub fn column_alone(&mut self, c: &ColumnDef) {
        let mut bare = c.clone();
        bare.primary_key = false;
        bare.references = None;
        self.column(&bare);
    }
}
