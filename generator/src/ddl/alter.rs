//! Typed changes of an existing schema (ALTER TABLE and friends), for migrations.
//!
//! The migration planner (`migrate::sql`) decides what changes; this module only says how,
//! per dialect, through the same [`SqlWriter`] that writes CREATE TABLE: identifiers quoted,
//! literals escaped. What a dialect cannot alter in place (SQLite: nearly everything but
//! renames and added columns) arrives here as a [`Change::Rebuild`].

use super::{
    AddForeignKey, ColumnDef, ColumnDefault, CreateIndex, CreateTable, Ident, SqlWriter, Statement,
    TableConstraint,
};

/// One change of a schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Change<'a> {
    /// A statement that creates something (table, index, foreign key, comment).
    Create(Statement<'a>),
    DropTable {
        name: Ident<'a>,
    },
    RenameTable {
        from: Ident<'a>,
        to: Ident<'a>,
    },
    AddColumn {
        table: Ident<'a>,
        column: ColumnDef<'a>,
    },
    DropColumn {
        table: Ident<'a>,
        column: Ident<'a>,
    },
    RenameColumn {
        table: Ident<'a>,
        from: Ident<'a>,
        to: Ident<'a>,
        /// The column as it is before the migration's alterations, under its new name
        /// (for a dialect that restates it, see [`super::Dialect::rename_column`]).
        column: ColumnDef<'a>,
    },
    /// A column's new definition (same name); the dialect decides the statements.
    AlterColumn {
        table: Ident<'a>,
        old: ColumnDef<'a>,
        new: ColumnDef<'a>,
    },
    AddConstraint {
        table: Ident<'a>,
        constraint: TableConstraint<'a>,
    },
    DropConstraint {
        table: Ident<'a>,
        constraint: TableConstraint<'a>,
    },
    /// Renames a unique or check constraint (where the dialect can; else drop and add).
    RenameConstraint {
        table: Ident<'a>,
        from: Ident<'a>,
        to: Ident<'a>,
    },
    DropIndex {
        table: Ident<'a>,
        name: Ident<'a>,
    },
    RenameIndex {
        table: Ident<'a>,
        from: Ident<'a>,
        to: Ident<'a>,
    },
    DropForeignKey {
        table: Ident<'a>,
        name: Ident<'a>,
    },
    /// PostgreSQL's primary key constraint `<table>_pkey`, renamed with its table.
    RenamePrimaryKey {
        table: Ident<'a>,
        from: Ident<'a>,
        to: Ident<'a>,
    },
    DropPrimaryKey {
        table: Ident<'a>,
        name: Ident<'a>,
    },
    AddPrimaryKey {
        table: Ident<'a>,
        columns: Vec<Ident<'a>>,
    },
    /// A table comment set or removed (PostgreSQL `COMMENT ON`, MySQL `COMMENT=`).
    TableComment {
        table: Ident<'a>,
        comment: Option<&'a str>,
    },
    /// A column comment set or removed where comments are statements (PostgreSQL).
    ColumnComment {
        table: Ident<'a>,
        column: Ident<'a>,
        comment: Option<&'a str>,
    },
    /// SQLite's table rebuild: create the new table under a temporary name, copy every row,
    /// drop the old table, rename the new one, create its indexes. Foreign keys are off
    /// around it (see [`Script`]), so no row of this table or of its children is lost.
    Rebuild {
        old_name: Ident<'a>,
        table: CreateTable<'a>,
        /// `(new column, where its values come from)`: an old column, or an expression.
        copy: Vec<(Ident<'a>, CopyFrom<'a>)>,
        indexes: Vec<CreateIndex<'a>>,
    },
    /// Fills the NULLs of a column about to become NOT NULL with its default.
    FillNulls {
        table: Ident<'a>,
        column: Ident<'a>,
        default: ColumnDefault<'a>,
        ty: super::SqlType,
    },
    /// RunSQL text, as written.
    Raw(&'a str),
}

/// Where a rebuilt column's values come from.
#[derive(Clone, Debug, PartialEq)]
pub enum CopyFrom<'a> {
    Column(Ident<'a>),
    /// `coalesce(old, default)`: a column that becomes NOT NULL.
    ColumnOrDefault(Ident<'a>, ColumnDefault<'a>, super::SqlType),
}

impl<'a> Change<'a> {
    pub fn add_foreign_key(fk: AddForeignKey<'a>) -> Self {
        Change::Create(Statement::AddForeignKey(fk))
    }
}

/// A migration's SQL for one dialect: its changes, and whether it must manage its own
/// transaction (SQLite rebuilds switch foreign keys off, which only works outside one).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Script<'a> {
    pub changes: Vec<Change<'a>>,
    pub own_transaction: bool,
}

impl SqlWriter<'_> {
    /// Appends one change: one statement or several, each ending with `;` and a newline.
    pub fn change(&mut self, c: &Change) {
        let d = self.dialect();
        match c {
            Change::Create(s) => {
                self.statement(s);
                self.push(";\n");
            }
            Change::DropTable { name } => {
                self.push("DROP TABLE ");
                self.ident(name);
                d.drop_table_suffix(self);
                self.push(";\n");
            }
            Change::RenameTable { from, to } => {
                d.rename_table(self, from, to);
                self.push(";\n");
            }
            Change::AddColumn { table, column } => {
                self.alter_table(table);
                self.push("ADD COLUMN ");
                self.column(column);
                self.push(";\n");
            }
            Change::DropColumn { table, column } => {
                self.alter_table(table);
                self.push("DROP COLUMN ");
                self.ident(column);
                self.push(";\n");
            }
            Change::RenameColumn {
                table,
                from,
                to,
                column,
            } => {
                d.rename_column(self, table, from, to, column);
                self.push(";\n");
            }
            Change::AlterColumn { table, old, new } => d.alter_column(self, table, old, new),
            Change::AddConstraint { table, constraint } => {
                self.alter_table(table);
                self.push("ADD ");
                self.table_constraint(constraint);
                self.push(";\n");
            }
            Change::DropConstraint { table, constraint } => {
                d.drop_constraint(self, table, constraint);
                self.push(";\n");
            }
            Change::RenameConstraint { table, from, to }
            | Change::RenamePrimaryKey { table, from, to } => {
                self.alter_table(table);
                self.push("RENAME CONSTRAINT ");
                self.ident(from);
                self.push(" TO ");
                self.ident(to);
                self.push(";\n");
            }
            Change::DropIndex { table, name } => {
                d.drop_index(self, table, name);
                self.push(";\n");
            }
            Change::RenameIndex { table, from, to } => {
                d.rename_index(self, table, from, to);
                self.push(";\n");
            }
            Change::DropForeignKey { table, name } => {
                d.drop_foreign_key(self, table, name);
                self.push(";\n");
            }
            Change::DropPrimaryKey { table, name } => {
                d.drop_primary_key(self, table, name);
                self.push(";\n");
            }
            Change::AddPrimaryKey { table, columns } => {
                self.alter_table(table);
                self.push("ADD PRIMARY KEY (");
                self.ident_list(columns);
                self.push(");\n");
            }
            Change::TableComment { table, comment } => {
                d.table_comment(self, table, *comment);
                self.push(";\n");
            }
            Change::ColumnComment {
                table,
                column,
                comment,
            } => {
                self.push("COMMENT ON COLUMN ");
                self.ident(table);
                self.push(".");
                self.ident(column);
                self.push(" IS ");
                match comment {
                    Some(c) => self.string(c),
                    None => self.push("NULL"),
                }
                self.push(";\n");
            }
            Change::Rebuild {
                old_name,
                table,
                copy,
                indexes,
            } => {
                let temp = format!("new__{}", table.name);
                let mut create = table.clone();
                create.name = temp.clone().into();
                self.statement(&Statement::CreateTable(create));
                self.push(";\n");
                self.push("INSERT INTO ");
                self.ident(&temp);
                self.push(" (");
                let targets: Vec<Ident> = copy.iter().map(|(c, _)| c.clone()).collect();
                self.ident_list(&targets);
                self.push(") SELECT ");
                for (i, (_, from)) in copy.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    match from {
                        CopyFrom::Column(c) => self.ident(c),
                        CopyFrom::ColumnOrDefault(c, default, ty) => {
                            self.push("coalesce(");
                            self.ident(c);
                            self.push(", ");
                            d.column_default(self, default, ty);
                            self.push(")");
                        }
                    }
                }
                self.push(" FROM ");
                self.ident(old_name);
                self.push(";\nDROP TABLE ");
                self.ident(old_name);
                self.push(";\nALTER TABLE ");
                self.ident(&temp);
                self.push(" RENAME TO ");
                self.ident(&table.name);
                self.push(";\n");
                for i in indexes {
                    self.statement(&Statement::CreateIndex(i.clone()));
                    self.push(";\n");
                }
            }
            Change::FillNulls {
                table,
                column,
                default,
                ty,
            } => {
                self.push("UPDATE ");
                self.ident(table);
                self.push(" SET ");
                self.ident(column);
                self.push(" = ");
                d.column_default(self, default, ty);
                self.push(" WHERE ");
                self.ident(column);
                self.push(" IS NULL;\n");
                d.after_update(self);
            }
            Change::Raw(sql) => {
                self.push(sql.trim_end());
                if !sql.trim_end().ends_with(';') {
                    self.push(";");
                }
                self.push("\n");
            }
        }
    }

    /// `ALTER TABLE "t" `
    pub fn alter_table(&mut self, table: &str) {
        self.push("ALTER TABLE ");
        self.ident(table);
        self.push(" ");
    }

    pub fn ident_list(&mut self, idents: &[Ident<'_>]) {
        for (i, c) in idents.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.ident(c);
        }
    }
}

/// Renders a migration script for `dialect`: the changes in order, wrapped where the script
/// manages its own transaction (SQLite rebuilds: foreign keys off around the transaction,
/// and a check of every foreign key before it commits).
pub fn render_script(script: &Script, dialect: &dyn super::Dialect) -> String {
    let mut w = SqlWriter::new(dialect);
    if script.own_transaction {
        dialect.begin_own_transaction(&mut w);
    }
    for c in &script.changes {
        w.change(c);
    }
    if script.own_transaction {
        dialect.end_own_transaction(&mut w);
    }
    w.finish()
}
