//! Django fidelity: modelc's DDL creates the same tables and columns as Django's.
//!
//! The reference is Django 5.2's own `manage.py sqlmigrate` output, committed as test data in
//! `tests/django/expected/{store,kitchen}/{postgres,mysql,sqlite}.sql` and produced by
//! `tests/django/regenerate.sh` from hand translations of the two models files (see
//! `tests/django/README.md`): the storefront `models.toml` (app `store`) and
//! `tests/fixtures/all_types/models.toml` (app `kitchen`).
//!
//! For each fixture and dialect, both scripts are parsed into the *final shape* of every table
//! (Django's `ALTER TABLE ... ADD COLUMN` and SQLite table rebuilds applied; the last definition
//! wins) and compared:
//!
//! - the set of table names;
//! - per table, the set of column names (as sets: Django's `makemigrations` moves relation fields
//!   last and its SQLite rebuilds reorder them again);
//! - per column, the type text (everything between the column name and the first column
//!   constraint, whitespace collapsed, MySQL's `AUTO_INCREMENT` taken out), nullability, whether
//!   it is the primary key, and whether it is auto-incremented (PostgreSQL identity, MySQL
//!   `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`).
//!
//! Separately, modelc's own column order must be the field order of the models (the IR), its
//! tables exactly the managed concrete models plus automatic many-to-many tables, and unmanaged
//! and proxy models must have no table on either side.
//!
//! Not compared, by construction: defaults, `ON DELETE` clauses, CHECK constraints (choices, the
//! positive-integer and JSON checks, Meta constraints), indexes, comments, and the names of
//! constraints and indexes. DESIGN.md's deliberate improvements (DB defaults, real `ON DELETE`,
//! choices as CHECK) live only there, so they need no exception.
//!
//! [`ALLOWED`] is the allow-list: each entry is one difference in the compared shape that is a
//! deliberate improvement listed in DESIGN.md or a documented dialect choice, with its reason;
//! any other difference fails with a list of every difference found. It is empty: the compared
//! shape matches Django with no exception. An entry that no longer matches a difference fails
//! the test, so the list cannot go stale.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use modelc::ir::{DialectName, FieldType, ModelKind, Schema};
use modelc_tests::repo_root;

use sql_shape::{Table, Tables, parse_script};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
struct Fixture {
    /// Django app label, also the folder under `tests/django/expected/`.
    name: &'static str,
    /// The models file, relative to the repository root.
    models: &'static str,
}

const STORE: Fixture = Fixture {
    name: "store",
    models: "models.toml",
};

const KITCHEN: Fixture = Fixture {
    name: "kitchen",
    models: "tests/fixtures/all_types/models.toml",
};

const FIXTURES: [Fixture; 2] = [STORE, KITCHEN];

impl Fixture {
    fn compile(&self) -> modelc::Compilation {
        let path = repo_root().join(self.models);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let compilation = modelc::compile_str(self.models, text);
        assert!(
            compilation.is_ok(),
            "{} does not compile:\n{}",
            self.models,
            compilation.render_diagnostics(false)
        );
        compilation
    }

    /// Django's reference, relative to the repository root.
    fn expected(&self, dialect: DialectName) -> String {
        format!(
            "tests/django/expected/{}/{}.sql",
            self.name,
            dialect.as_str()
        )
    }

    fn expected_path(&self, dialect: DialectName) -> PathBuf {
        repo_root().join(self.expected(dialect))
    }

    fn django_sql(&self, dialect: DialectName) -> String {
        let path = self.expected_path(dialect);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read Django's reference {}: {e} (tests/django/regenerate.sh writes it)",
                path.display()
            )
        })
    }
}

/// Both sides of one fixture and dialect, parsed.
struct Case {
    fixture: Fixture,
    dialect: DialectName,
    compilation: modelc::Compilation,
    ours: Tables,
    django: Tables,
    django_sql: String,
}

impl Case {
    fn load(fixture: Fixture, dialect: DialectName) -> Case {
        let compilation = fixture.compile();
        let sql = compilation
            .sql(dialect)
            .expect("a schema that compiled has SQL");
        let ours = parse_script(&sql, dialect).unwrap_or_else(|e| {
            panic!(
                "{}/{dialect}: cannot parse modelc's DDL: {e}\n--- modelc's DDL ---\n{sql}",
                fixture.name
            )
        });
        let django_sql = fixture.django_sql(dialect);
        let django = parse_script(&django_sql, dialect).unwrap_or_else(|e| {
            panic!(
                "{}/{dialect}: cannot parse {}: {e}",
                fixture.name,
                fixture.expected_path(dialect).display()
            )
        });
        Case {
            fixture,
            dialect,
            compilation,
            ours,
            django,
            django_sql,
        }
    }

    fn schema(&self) -> &Schema {
        self.compilation.schema.as_ref().expect("compiled")
    }

    fn label(&self) -> String {
        format!("{}/{}", self.fixture.name, self.dialect)
    }
}

// ---------------------------------------------------------------------------------------------
// The allow-list
// ---------------------------------------------------------------------------------------------

/// One accepted difference in the compared shape.
#[derive(Debug)]
struct Allowed {
    /// A short name for the difference.
    name: &'static str,
    /// Why it is deliberate: which DESIGN.md improvement or documented dialect choice it is.
    reason: &'static str,
    /// Fixture (`store`, `kitchen`) and dialect it applies to.
    fixture: &'static str,
    dialect: DialectName,
    /// What differs, exactly as [`Difference`] reports it.
    table: &'static str,
    column: Option<&'static str>,
    aspect: Aspect,
    ours: &'static str,
    django: &'static str,
}

/// The accepted differences in the compared shape (names, types, nullability, primary key,
/// auto-increment). Only deliberate improvements that DESIGN.md lists and documented dialect
/// choices belong here, each with its reason; anything else is a bug in modelc (or a stale
/// Django translation: fix it and run tests/django/regenerate.sh).
///
/// `ours` and `django` are written as the failure message shows them (types in backticks,
/// `NULL`/`NOT NULL`, `true`/`false`, `present`/`absent`).
///
/// Empty, because no difference remains in the compared shape:
///
/// - DESIGN.md's deliberate improvements (literal defaults as DB defaults, `ON DELETE` clauses,
///   choices as CHECK constraints) change defaults and constraints, not names, types or
///   nullability;
/// - modelc's one `mysql` output uses MySQL's `char(32)` for UUIDs on MySQL and MariaDB alike
///   (DESIGN.md), and the reference is Django's MySQL 8 flavour (tests/django/README.md,
///   "The MySQL 8 override"), so both say `char(32)`;
/// - generated constraint and index names, which modelc shortens to the shortest identifier
///   limit of the configured dialects (63, PostgreSQL's) where Django uses each backend's own
///   (64 on MySQL, none on SQLite), are not compared. No table name in these fixtures is long
///   enough to be shortened; one that is would show up here as a table difference.
const ALLOWED: &[Allowed] = &[];

impl Allowed {
    fn matches(&self, fixture: &str, dialect: DialectName, d: &Difference) -> bool {
        self.fixture == fixture
            && self.dialect == dialect
            && self.table == d.table
            && self.column == d.column.as_deref()
            && self.aspect == d.aspect
            && self.ours == d.ours
            && self.django == d.django
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aspect {
    /// The table exists.
    Table,
    /// The column exists.
    Column,
    Type,
    Nullable,
    PrimaryKey,
    AutoIncrement,
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Aspect::Table => "table",
            Aspect::Column => "column",
            Aspect::Type => "type",
            Aspect::Nullable => "nullable",
            Aspect::PrimaryKey => "primary key",
            Aspect::AutoIncrement => "auto-increment",
        })
    }
}

/// One way modelc's shape differs from Django's.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Difference {
    table: String,
    column: Option<String>,
    aspect: Aspect,
    ours: String,
    django: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = match &self.column {
            Some(c) => format!("{}.{c}", self.table),
            None => self.table.clone(),
        };
        write!(
            f,
            "{at:<40} {:<15} modelc: {:<28} Django: {}",
            self.aspect.to_string(),
            self.ours,
            self.django
        )
    }
}

fn present(yes: bool) -> String {
    if yes { "present" } else { "absent" }.to_string()
}

/// Every difference between the two shapes, tables and columns in name order.
fn compare(ours: &Tables, django: &Tables) -> Vec<Difference> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = ours.keys().chain(django.keys()).collect();
    for name in names {
        let (o, d) = match (ours.get(name), django.get(name)) {
            (Some(o), Some(d)) => (o, d),
            (o, d) => {
                out.push(Difference {
                    table: name.clone(),
                    column: None,
                    aspect: Aspect::Table,
                    ours: present(o.is_some()),
                    django: present(d.is_some()),
                });
                continue;
            }
        };
        let columns: BTreeSet<&str> = o
            .columns
            .iter()
            .chain(&d.columns)
            .map(|c| c.name.as_str())
            .collect();
        for col in columns {
            let diff = |aspect, ours: String, django: String| Difference {
                table: name.clone(),
                column: Some(col.to_string()),
                aspect,
                ours,
                django,
            };
            let (oc, dc) = match (o.column(col), d.column(col)) {
                (Some(oc), Some(dc)) => (oc, dc),
                (oc, dc) => {
                    out.push(diff(
                        Aspect::Column,
                        present(oc.is_some()),
                        present(dc.is_some()),
                    ));
                    continue;
                }
            };
            if oc.ty != dc.ty {
                out.push(diff(
                    Aspect::Type,
                    format!("`{}`", oc.ty),
                    format!("`{}`", dc.ty),
                ));
            }
            if oc.nullable != dc.nullable {
                let null = |n: bool| if n { "NULL" } else { "NOT NULL" }.to_string();
                out.push(diff(Aspect::Nullable, null(oc.nullable), null(dc.nullable)));
            }
            if oc.primary_key != dc.primary_key {
                out.push(diff(
                    Aspect::PrimaryKey,
                    oc.primary_key.to_string(),
                    dc.primary_key.to_string(),
                ));
            }
            if oc.auto_increment != dc.auto_increment {
                out.push(diff(
                    Aspect::AutoIncrement,
                    oc.auto_increment.to_string(),
                    dc.auto_increment.to_string(),
                ));
            }
        }
    }
    out
}

/// The differences of a case that the allow-list does not accept, and the allow-list entries
/// for the case that matched nothing.
fn unexplained(case: &Case) -> (Vec<Difference>, Vec<&'static Allowed>) {
    let diffs = compare(&case.ours, &case.django);
    let rest = diffs
        .iter()
        .filter(|d| {
            !ALLOWED
                .iter()
                .any(|a| a.matches(case.fixture.name, case.dialect, d))
        })
        .cloned()
        .collect();
    let stale = ALLOWED
        .iter()
        .filter(|a| a.fixture == case.fixture.name && a.dialect == case.dialect)
        .filter(|a| {
            !diffs
                .iter()
                .any(|d| a.matches(case.fixture.name, case.dialect, d))
        })
        .collect();
    (rest, stale)
}

/// The tables modelc must create according to the IR: each managed concrete model's columns in
/// field order, and each automatic many-to-many table (`id`, then its two ends).
fn ir_tables(schema: &Schema) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut add = |table: String, columns: Vec<String>| {
        let again = out.insert(table.clone(), columns);
        assert!(again.is_none(), "two tables named {table} in the IR");
    };
    for model in &schema.models {
        if !model.has_table() || !model.meta.managed {
            continue;
        }
        add(
            model.db_table.clone(),
            model.columns().map(|f| f.column.to_string()).collect(),
        );
        for field in model
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::ManyToMany)
        {
            if let Some(through) = modelc::ir::auto_through(schema, model, field) {
                add(
                    through.table,
                    vec!["id".to_string(), through.from_column, through.to_column],
                );
            }
        }
    }
    out
}

fn column_names(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| c.name.clone()).collect()
}

/// The whole check of one fixture in one dialect.
fn check(fixture: Fixture, dialect: DialectName) {
    let case = Case::load(fixture, dialect);
    let failures = failures(&case);
    assert!(
        failures.is_empty(),
        "{}: Django fidelity\n\n{}",
        case.label(),
        failures.join("\n")
    );
}

/// Everything wrong with one case, one readable paragraph each.
fn failures(case: &Case) -> Vec<String> {
    let (fixture, dialect) = (case.fixture, case.dialect);
    let mut failures = Vec::new();

    // 1. The shape, against Django.
    let (diffs, stale) = unexplained(case);
    if !diffs.is_empty() {
        let mut s = format!(
            "modelc's DDL differs from Django's ({}) in {} place(s):\n",
            fixture.expected(dialect),
            diffs.len()
        );
        for d in &diffs {
            s.push_str(&format!("    {d}\n"));
        }
        s.push_str(
            "  A modelc bug unless it is a deliberate improvement (DESIGN.md) or a documented \
             dialect choice: then add it to ALLOWED with its reason.\n",
        );
        failures.push(s);
    }
    for a in stale {
        failures.push(format!(
            "allow-list entry `{}` matches no difference any more; remove it\n",
            a.name
        ));
    }

    // 2. Our tables and column order, against the models.
    let expected = ir_tables(case.schema());
    let ours: BTreeMap<String, Vec<String>> = case
        .ours
        .iter()
        .map(|(name, t)| (name.clone(), column_names(t)))
        .collect();
    if ours.keys().ne(expected.keys()) {
        failures.push(format!(
            "modelc's tables are not the models' tables:\n    modelc: {:?}\n    models: {:?}\n",
            ours.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        ));
    }
    for (table, want) in &expected {
        if let Some(got) = ours.get(table)
            && got != want
        {
            failures.push(format!(
                "column order of {table} is not the models' field order:\n    modelc: {got:?}\n    \
                 models: {want:?}\n"
            ));
        }
    }

    // 3. No table for unmanaged and proxy models.
    failures.extend(tableless_failures(case));
    failures
}

/// Unmanaged and proxy models: no table of their own on either side, and Django says so
/// (`-- (no-op)`). An unmanaged model's table is its `db_table`; a proxy shares its concrete
/// model's table, so what must not exist is the table Django would name after the proxy.
fn tableless_failures(case: &Case) -> Vec<String> {
    let schema = case.schema();
    let app = schema.project.app.as_ref().map(|a| a.text.clone());
    let mut failures = Vec::new();
    for model in &schema.models {
        let (table, header) = match &model.kind {
            ModelKind::Proxy { .. } => (
                match &app {
                    Some(app) => format!("{app}_{}", model.lower_name()),
                    None => model.lower_name(),
                },
                format!("-- Create proxy model {}\n--\n-- (no-op)", model.name),
            ),
            _ if !model.meta.managed => (
                model.db_table.clone(),
                format!("-- Create model {}\n--\n-- (no-op)", model.name),
            ),
            _ => continue,
        };
        for (side, tables) in [("modelc", &case.ours), ("Django", &case.django)] {
            if tables.contains_key(&table) {
                failures.push(format!(
                    "{side} creates table {table} for {} (unmanaged or proxy)\n",
                    model.name
                ));
            }
        }
        if !case.django_sql.contains(&header) {
            failures.push(format!(
                "Django's reference lacks `{}` for {}: is the Django translation up to date?\n",
                header.lines().next().unwrap_or_default(),
                model.name
            ));
        }
    }
    failures
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn store_postgres() {
    check(STORE, DialectName::Postgres);
}

#[test]
fn store_mysql() {
    check(STORE, DialectName::MySql);
}

#[test]
fn store_sqlite() {
    check(STORE, DialectName::Sqlite);
}

#[test]
fn kitchen_postgres() {
    check(KITCHEN, DialectName::Postgres);
}

#[test]
fn kitchen_mysql() {
    check(KITCHEN, DialectName::MySql);
}

#[test]
fn kitchen_sqlite() {
    check(KITCHEN, DialectName::Sqlite);
}

/// The unmanaged/proxy check is not vacuous: the all-types fixture has both kinds, and
/// neither side creates a table for them in any dialect.
#[test]
fn unmanaged_and_proxy_models_have_no_table() {
    let schema = KITCHEN.compile().schema.expect("compiled");
    let unmanaged: Vec<_> = schema
        .models
        .iter()
        .filter(|m| m.has_table() && !m.meta.managed)
        .map(|m| m.db_table.clone())
        .collect();
    let proxies: Vec<_> = schema
        .models
        .iter()
        .filter(|m| matches!(m.kind, ModelKind::Proxy { .. }))
        .map(|m| format!("kitchen_{}", m.lower_name()))
        .collect();
    assert_eq!(unmanaged, ["legacy_report"]);
    assert_eq!(proxies, ["kitchen_recentsample"]);
    for fixture in FIXTURES {
        for dialect in DialectName::ALL {
            let case = Case::load(fixture, dialect);
            let failures = tableless_failures(&case);
            assert!(
                failures.is_empty(),
                "{}: {}",
                case.label(),
                failures.join("")
            );
            for table in unmanaged.iter().chain(&proxies) {
                assert!(!case.ours.contains_key(table), "{}: {table}", case.label());
                assert!(
                    !case.django.contains_key(table),
                    "{}: {table}",
                    case.label()
                );
            }
        }
    }
}

/// Every allow-list entry has a name and a reason, and names a real fixture.
#[test]
fn allow_list_entries_are_documented() {
    for a in ALLOWED {
        assert!(
            !a.name.trim().is_empty(),
            "an ALLOWED entry has no name: {a:?}"
        );
        assert!(
            a.reason.trim().len() > 20,
            "ALLOWED entry `{}` needs a reason",
            a.name
        );
        assert!(
            FIXTURES.iter().any(|f| f.name == a.fixture),
            "ALLOWED entry `{}` names no fixture",
            a.name
        );
    }
}

/// The comparison itself reports what differs, readably.
#[test]
fn comparison_reports_each_kind_of_difference() {
    let ours = parse_script(
        r#"CREATE TABLE "t" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
               "a" uuid NOT NULL, "b" integer NULL, "only_ours" text NOT NULL);
           CREATE TABLE "mine" ("x" integer NOT NULL);"#,
        DialectName::Postgres,
    )
    .unwrap();
    let django = parse_script(
        r#"CREATE TABLE "t" ("id" bigint NOT NULL PRIMARY KEY, "a" char(32) NOT NULL,
               "b" integer NOT NULL, "only_django" text NOT NULL);"#,
        DialectName::Postgres,
    )
    .unwrap();
    let lines: Vec<String> = compare(&ours, &django)
        .iter()
        .map(|d| {
            d.to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        lines,
        [
            "mine table modelc: present Django: absent",
            "t.a type modelc: `uuid` Django: `char(32)`",
            "t.b nullable modelc: NULL Django: NOT NULL",
            "t.id auto-increment modelc: true Django: false",
            "t.only_django column modelc: absent Django: present",
            "t.only_ours column modelc: present Django: absent",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The SQL parser
// ---------------------------------------------------------------------------------------------

/// A small parser of DDL scripts into the final shape of each table.
///
/// It understands what Django's `sqlmigrate` and modelc emit: `CREATE TABLE` (one line or
/// many), `ALTER TABLE ... ADD COLUMN` (with more actions after a comma, as MySQL's `, ADD
/// CONSTRAINT`), `ALTER TABLE ... RENAME TO`, `DROP TABLE` (so SQLite's rebuild, `CREATE TABLE
/// "new__x"`, copy, drop, rename, leaves the last definition), and statements that do not change
/// columns (indexes, constraints, comments, `INSERT`, transaction control), which it skips.
/// Anything else is an error rather than a silent guess. Quoted strings, quoted identifiers and
/// parentheses are respected everywhere (a `;` or `NOT NULL` inside a string or a CHECK is not
/// taken for one); `--` and `/* */` comments are skipped.
mod sql_shape {
    use std::collections::BTreeMap;

    use modelc::ir::DialectName;

    /// One column's compared shape.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Column {
        pub name: String,
        /// Everything between the column name and its first constraint keyword, whitespace
        /// collapsed, without MySQL's `AUTO_INCREMENT`.
        pub ty: String,
        /// Not `NOT NULL` and not the primary key.
        pub nullable: bool,
        pub primary_key: bool,
        /// PostgreSQL identity, MySQL `AUTO_INCREMENT` or SQLite `AUTOINCREMENT`.
        pub auto_increment: bool,
    }

    /// A table's columns in definition order.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Table {
        pub columns: Vec<Column>,
    }

    impl Table {
        pub fn column(&self, name: &str) -> Option<&Column> {
            self.columns.iter().find(|c| c.name == name)
        }
    }

    /// Tables by name.
    pub type Tables = BTreeMap<String, Table>;

    /// Keywords that end a column's type: the first of them starts its constraints.
    const TYPE_ENDS: &[&str] = &[
        "COMMENT",
        "DEFAULT",
        "NULL",
        "UNIQUE",
        "CHECK",
        "REFERENCES",
        "CONSTRAINT",
        "GENERATED",
        "AUTOINCREMENT",
    ];

    /// Parses a whole script into the final shape of its tables.
    pub fn parse_script(sql: &str, dialect: DialectName) -> Result<Tables, String> {
        let mut tables = Tables::new();
        for stmt in split_statements(sql, dialect)? {
            apply(&mut tables, &stmt, dialect).map_err(|e| format!("{e}\n  in: {stmt}"))?;
        }
        Ok(tables)
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Kind {
        /// A bare word: keyword, number, unquoted name, operator.
        Word,
        /// `"x"` or `` `x` ``.
        Ident,
        /// `'x'`.
        Str,
        /// `( ... )`, nested, as one token.
        Group,
        /// `,`, `;`, `=`.
        Punct,
    }

    #[derive(Clone, Copy, Debug)]
    struct Token<'a> {
        kind: Kind,
        text: &'a str,
        start: usize,
        end: usize,
    }

    impl Token<'_> {
        fn is(&self, keyword: &str) -> bool {
            self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
        }
    }

    /// The end (exclusive) of the quoted text starting at `start` (the opening quote).
    /// A doubled quote is an escaped quote; so is a backslash in MySQL strings.
    fn quoted_end(s: &str, start: usize, backslash: bool) -> Result<usize, String> {
        let b = s.as_bytes();
        let q = b[start];
        let mut i = start + 1;
        while i < b.len() {
            if backslash && b[i] == b'\\' {
                i += 2;
            } else if b[i] == q {
                if b.get(i + 1) == Some(&q) {
                    i += 2;
                } else {
                    return Ok(i + 1);
                }
            } else {
                i += 1;
            }
        }
        Err(format!(
            "unterminated {} at byte {start}",
            char::from(q).escape_default()
        ))
    }

    fn mysql_strings(dialect: DialectName) -> bool {
        dialect == DialectName::MySql
    }

    /// Splits a script into statements at `;` outside quotes and parentheses, dropping comments.
    fn split_statements(sql: &str, dialect: DialectName) -> Result<Vec<String>, String> {
        let b = sql.as_bytes();
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut depth = 0usize;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'-' if b.get(i + 1) == Some(&b'-') => {
                    i = sql[i..].find('\n').map_or(b.len(), |n| i + n);
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let end = sql[i + 2..]
                        .find("*/")
                        .ok_or_else(|| format!("unterminated /* comment at byte {i}"))?;
                    i += 2 + end + 2;
                    cur.push(' ');
                }
                q @ (b'\'' | b'"' | b'`') => {
                    let end = quoted_end(sql, i, q == b'\'' && mysql_strings(dialect))?;
                    cur.push_str(&sql[i..end]);
                    i = end;
                }
                b'(' => {
                    depth += 1;
                    cur.push('(');
                    i += 1;
                }
                b')' => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| format!("unbalanced `)` at byte {i}"))?;
                    cur.push(')');
                    i += 1;
                }
                b';' if depth == 0 => {
                    let stmt = cur.trim();
                    if !stmt.is_empty() {
                        out.push(stmt.to_string());
                    }
                    cur.clear();
                    i += 1;
                }
                _ => {
                    let ch = sql[i..].chars().next().unwrap_or(' ');
                    cur.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        if depth != 0 {
            return Err("unbalanced `(` at the end of the script".to_string());
        }
        let rest = cur.trim();
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
        Ok(out)
    }

    /// Splits one statement (or a part of one) into tokens.
    fn tokenize(s: &str, dialect: DialectName) -> Result<Vec<Token<'_>>, String> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            let kind = match b[i] {
                c if c.is_ascii_whitespace() => {
                    i += 1;
                    continue;
                }
                b'\'' => {
                    i = quoted_end(s, i, mysql_strings(dialect))?;
                    Kind::Str
                }
                b'"' | b'`' => {
                    i = quoted_end(s, i, false)?;
                    Kind::Ident
                }
                b'(' => {
                    let mut depth = 0usize;
                    loop {
                        match b.get(i) {
                            None => return Err(format!("unbalanced `(` in: {s}")),
                            Some(b'(') => {
                                depth += 1;
                                i += 1;
                            }
                            Some(b')') => {
                                depth -= 1;
                                i += 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            Some(&q @ (b'\'' | b'"' | b'`')) => {
                                i = quoted_end(s, i, q == b'\'' && mysql_strings(dialect))?;
                            }
                            Some(_) => i += 1,
                        }
                    }
                    Kind::Group
                }
                b')' => return Err(format!("unbalanced `)` in: {s}")),
                b',' | b';' | b'=' => {
                    i += 1;
                    Kind::Punct
                }
                _ => {
                    while i < b.len()
                        && !b[i].is_ascii_whitespace()
                        && !b"'\"`(),;=".contains(&b[i])
                    {
                        i += 1;
                    }
                    Kind::Word
                }
            };
            out.push(Token {
                kind,
                text: &s[start..i],
                start,
                end: i,
            });
        }
        Ok(out)
    }

    /// An identifier's name: unquoted, doubled quotes undone.
    fn ident(t: Option<&Token>) -> Result<String, String> {
        match t {
            Some(t) if t.kind == Kind::Ident => {
                let q = &t.text[..1];
                Ok(t.text[1..t.text.len() - 1].replace(&q.repeat(2), q))
            }
            Some(t) if t.kind == Kind::Word => Ok(t.text.to_string()),
            Some(t) => Err(format!("expected a name, found `{}`", t.text)),
            None => Err("expected a name, found the end".to_string()),
        }
    }

    /// Slices of `s` between top-level commas.
    fn split_commas<'a>(s: &'a str, toks: &[Token]) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut from = 0;
        for t in toks
            .iter()
            .filter(|t| t.kind == Kind::Punct && t.text == ",")
        {
            out.push(s[from..t.start].trim());
            from = t.end;
        }
        out.push(s[from..].trim());
        out
    }

    fn words_are(toks: &[Token], words: &[&str]) -> bool {
        toks.len() >= words.len() && toks.iter().zip(words).all(|(t, w)| t.is(w))
    }

    /// Applies one statement to the tables.
    fn apply(tables: &mut Tables, stmt: &str, dialect: DialectName) -> Result<(), String> {
        let toks = tokenize(stmt, dialect)?;
        let t = toks.as_slice();
        if words_are(t, &["CREATE", "TABLE"]) {
            let mut i = 2;
            if words_are(&t[i..], &["IF", "NOT", "EXISTS"]) {
                i += 3;
            }
            let name = ident(t.get(i))?;
            let body = t
                .get(i + 1)
                .filter(|b| b.kind == Kind::Group)
                .ok_or("expected the column list after the table name")?;
            let table = parse_table_body(&body.text[1..body.text.len() - 1], dialect)?;
            if tables.insert(name.clone(), table).is_some() {
                return Err(format!("table {name} created twice"));
            }
            Ok(())
        } else if words_are(t, &["ALTER", "TABLE"]) {
            let name = ident(t.get(2))?;
            let rest_at = t.get(2).map_or(stmt.len(), |n| n.end);
            let rest = &stmt[rest_at..];
            let rest_toks = tokenize(rest, dialect)?;
            for action in split_commas(rest, &rest_toks) {
                alter(tables, &name, action, dialect)?;
            }
            Ok(())
        } else if words_are(t, &["DROP", "TABLE"]) {
            let if_exists = words_are(&t[2..], &["IF", "EXISTS"]);
            let name = ident(t.get(if if_exists { 4 } else { 2 }))?;
            if tables.remove(&name).is_none() && !if_exists {
                return Err(format!("DROP TABLE of unknown table {name}"));
            }
            Ok(())
        } else if words_are(t, &["CREATE", "INDEX"])
            || words_are(t, &["CREATE", "UNIQUE", "INDEX"])
            || words_are(t, &["INSERT", "INTO"])
            || words_are(t, &["COMMENT", "ON"])
            || words_are(t, &["SET", "CONSTRAINTS"])
            || words_are(t, &["BEGIN"]) && t.len() == 1
            || words_are(t, &["COMMIT"]) && t.len() == 1
        {
            Ok(())
        } else {
            Err("unsupported statement".to_string())
        }
    }

    /// One action of `ALTER TABLE name ...`.
    fn alter(
        tables: &mut Tables,
        name: &str,
        action: &str,
        dialect: DialectName,
    ) -> Result<(), String> {
        let toks = tokenize(action, dialect)?;
        let t = toks.as_slice();
        let table = || format!("ALTER TABLE of unknown table {name}");
        if words_are(t, &["ADD", "COLUMN"])
            || t.len() > 1 && t[0].is("ADD") && t[1].kind == Kind::Ident
        {
            let from = if t[1].is("COLUMN") {
                t[1].end
            } else {
                t[0].end
            };
            let column = parse_column(action[from..].trim(), dialect)?;
            let table = tables.get_mut(name).ok_or_else(table)?;
            if table.column(&column.name).is_some() {
                return Err(format!("column {} added twice to {name}", column.name));
            }
            table.columns.push(column);
        } else if words_are(t, &["ADD", "CONSTRAINT"])
            || words_are(t, &["ADD", "FOREIGN", "KEY"])
            || words_are(t, &["ADD", "UNIQUE"])
            || words_are(t, &["ADD", "CHECK"])
            || words_are(t, &["ADD", "INDEX"])
            || words_are(t, &["COMMENT"])
        {
            if !tables.contains_key(name) {
                return Err(table());
            }
            if t.iter().any(|x| x.is("PRIMARY")) {
                return Err("a primary key added by ALTER TABLE is not supported".to_string());
            }
        } else if words_are(t, &["RENAME", "TO"]) && t.len() == 3 {
            let new = ident(t.get(2))?;
            let moved = tables.remove(name).ok_or_else(table)?;
            if tables.insert(new.clone(), moved).is_some() {
                return Err(format!("RENAME TO {new}, which exists"));
            }
        } else {
            return Err(format!("unsupported ALTER TABLE action `{action}`"));
        }
        Ok(())
    }

    /// The inside of `CREATE TABLE x ( ... )`: columns and table constraints.
    fn parse_table_body(body: &str, dialect: DialectName) -> Result<Table, String> {
        let toks = tokenize(body, dialect)?;
        let mut table = Table::default();
        let mut primary_key = Vec::new();
        for item in split_commas(body, &toks) {
            let it = tokenize(item, dialect)?;
            let first = it.first().ok_or("empty item in a column list")?;
            let is_constraint = first.kind == Kind::Word
                && [
                    "CONSTRAINT",
                    "PRIMARY",
                    "UNIQUE",
                    "CHECK",
                    "FOREIGN",
                    "KEY",
                    "INDEX",
                ]
                .iter()
                .any(|k| first.is(k));
            if !is_constraint {
                let column = parse_column(item, dialect)?;
                if table.column(&column.name).is_some() {
                    return Err(format!("column {} defined twice", column.name));
                }
                table.columns.push(column);
                continue;
            }
            // A table-level primary key marks its columns.
            if let Some(k) = (0..it.len()).find(|&k| words_are(&it[k..], &["PRIMARY", "KEY"])) {
                let group = it
                    .get(k + 2)
                    .filter(|g| g.kind == Kind::Group)
                    .ok_or("PRIMARY KEY without its columns")?;
                let inner = &group.text[1..group.text.len() - 1];
                let inner_toks = tokenize(inner, dialect)?;
                for col in split_commas(inner, &inner_toks) {
                    let col_toks = tokenize(col, dialect)?;
                    primary_key.push(ident(col_toks.first())?);
                }
            }
        }
        for name in primary_key {
            let col = table
                .columns
                .iter_mut()
                .find(|c| c.name == name)
                .ok_or_else(|| format!("PRIMARY KEY names unknown column {name}"))?;
            col.primary_key = true;
            col.nullable = false;
        }
        Ok(table)
    }

    /// Whether the constraints of a column start at token `i`.
    fn type_ends_at(t: &[Token], i: usize) -> bool {
        TYPE_ENDS.iter().any(|k| t[i].is(k))
            || words_are(&t[i..], &["NOT", "NULL"])
            || words_are(&t[i..], &["PRIMARY", "KEY"])
    }

    /// One column definition: `"name" type [constraints...]`.
    pub(super) fn parse_column_def(def: &str, dialect: DialectName) -> Result<Column, String> {
        parse_column(def, dialect)
    }

    fn parse_column(def: &str, dialect: DialectName) -> Result<Column, String> {
        let toks = tokenize(def, dialect)?;
        let t = toks.as_slice();
        let name = ident(t.first())?;
        let ends = (1..t.len())
            .find(|&i| type_ends_at(t, i))
            .unwrap_or(t.len());
        let type_end = t.get(ends).map_or(def.len(), |x| x.start);
        let type_start = t[0].end;
        let mut auto_increment = false;
        let ty = def[type_start..type_end]
            .split_whitespace()
            .filter(|w| {
                let auto = w.eq_ignore_ascii_case("AUTO_INCREMENT");
                auto_increment |= auto;
                !auto
            })
            .collect::<Vec<_>>()
            .join(" ");
        if ty.is_empty() {
            return Err(format!("column {name} has no type"));
        }

        let mut not_null = false;
        let mut null = false;
        let mut primary_key = false;
        let mut i = ends;
        while i < t.len() {
            let rest = &t[i..];
            if words_are(rest, &["NOT", "NULL"]) {
                not_null = true;
                i += 2;
            } else if rest[0].is("NULL") {
                null = true;
                i += 1;
            } else if words_are(rest, &["PRIMARY", "KEY"]) {
                primary_key = true;
                i += 2;
            } else if rest[0].is("AUTOINCREMENT") || rest[0].is("AUTO_INCREMENT") {
                auto_increment = true;
                i += 1;
            } else if rest[0].is("UNIQUE") {
                i += if words_are(rest, &["UNIQUE", "KEY"]) {
                    2
                } else {
                    1
                };
            } else if rest[0].is("DEFAULT") {
                // The default is the next token (`NULL` included) and whatever follows it up
                // to the next constraint (`CURRENT_TIMESTAMP(6)`, `'{}'::jsonb`).
                i += 2;
                while i < t.len() && !type_ends_at(t, i) && !t[i].is("AUTO_INCREMENT") {
                    i += 1;
                }
            } else if rest[0].is("COMMENT") || rest[0].is("CONSTRAINT") || rest[0].is("COLLATE") {
                i += 2;
            } else if rest[0].is("CHECK") {
                if rest.get(1).is_none_or(|g| g.kind != Kind::Group) {
                    return Err(format!("CHECK without its condition on column {name}"));
                }
                i += 2;
            } else if rest[0].is("REFERENCES") {
                // REFERENCES table [(column)] [ON DELETE|UPDATE action] [[NOT] DEFERRABLE]
                // [INITIALLY DEFERRED|IMMEDIATE] [MATCH kind]
                ident(rest.get(1))?;
                i += 2;
                if t.get(i).is_some_and(|g| g.kind == Kind::Group) {
                    i += 1;
                }
                loop {
                    let r = &t[i.min(t.len())..];
                    if words_are(r, &["ON"]) && r.len() >= 3 {
                        // ON DELETE SET NULL / SET DEFAULT / NO ACTION / CASCADE / RESTRICT
                        i += if r[2].is("SET") || r[2].is("NO") {
                            4
                        } else {
                            3
                        };
                    } else if words_are(r, &["NOT", "DEFERRABLE"]) {
                        i += 2;
                    } else if words_are(r, &["DEFERRABLE"]) {
                        i += 1;
                    } else if words_are(r, &["INITIALLY"]) || words_are(r, &["MATCH"]) {
                        i += 2;
                    } else {
                        break;
                    }
                }
            } else if rest[0].is("GENERATED") {
                // GENERATED {ALWAYS | BY DEFAULT} AS {IDENTITY [(options)] | (expr) [STORED]}
                i += if words_are(rest, &["GENERATED", "BY", "DEFAULT", "AS"]) {
                    4
                } else if words_are(rest, &["GENERATED", "ALWAYS", "AS"]) {
                    3
                } else {
                    return Err(format!("unsupported GENERATED clause on column {name}"));
                };
                match t.get(i) {
                    Some(x) if x.is("IDENTITY") => {
                        auto_increment = true;
                        i += 1;
                        if t.get(i).is_some_and(|g| g.kind == Kind::Group) {
                            i += 1;
                        }
                    }
                    Some(x) if x.kind == Kind::Group => {
                        i += 1;
                        if t.get(i).is_some_and(|w| w.is("STORED") || w.is("VIRTUAL")) {
                            i += 1;
                        }
                    }
                    _ => return Err(format!("unsupported GENERATED clause on column {name}")),
                }
            } else {
                return Err(format!(
                    "unexpected `{}` in the definition of column {name}",
                    rest[0].text
                ));
            }
        }
        if not_null && null {
            return Err(format!("column {name} is both NULL and NOT NULL"));
        }
        Ok(Column {
            name,
            ty,
            nullable: !not_null && !primary_key,
            primary_key,
            auto_increment,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The parser, on a few lines
// ---------------------------------------------------------------------------------------------

mod parser {
    use modelc::ir::DialectName;

    use super::sql_shape::{Column, parse_script};

    fn col(name: &str, ty: &str, nullable: bool, pk: bool, auto: bool) -> Column {
        Column {
            name: name.to_string(),
            ty: ty.to_string(),
            nullable,
            primary_key: pk,
            auto_increment: auto,
        }
    }

    fn def(text: &str, dialect: DialectName) -> Column {
        super::sql_shape::parse_column_def(text, dialect).unwrap()
    }

    #[test]
    fn column_types_end_at_the_first_constraint() {
        use DialectName::*;
        let cases = [
            (
                r#""id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY"#,
                Postgres,
                col("id", "bigint", false, true, true),
            ),
            (
                "`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY",
                MySql,
                col("id", "bigint", false, true, true),
            ),
            (
                r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#,
                Sqlite,
                col("id", "integer", false, true, true),
            ),
            (
                r#""published_at"   timestamp   with time zone DEFAULT (STATEMENT_TIMESTAMP()) NOT NULL"#,
                Postgres,
                col(
                    "published_at",
                    "timestamp with time zone",
                    false,
                    false,
                    false,
                ),
            ),
            (
                "`name` varchar(100)  COMMENT 'Shown in; NOT NULL menus' NOT NULL",
                MySql,
                col("name", "varchar(100)", false, false, false),
            ),
            (
                r#""rank" integer unsigned NOT NULL CHECK ("rank" >= 0 AND "x" IS NOT NULL)"#,
                Sqlite,
                col("rank", "integer unsigned", false, false, false),
            ),
            (
                r#""price" numeric(6, 2) DEFAULT NULL NULL"#,
                Postgres,
                col("price", "numeric(6, 2)", true, false, false),
            ),
            (
                r#""parent_id" char(32) NULL REFERENCES "t" ("uid") ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED"#,
                Sqlite,
                col("parent_id", "char(32)", true, false, false),
            ),
            (
                r#""payload" jsonb DEFAULT '{"a":"b''c"}'::jsonb NOT NULL"#,
                Postgres,
                col("payload", "jsonb", false, false, false),
            ),
            (
                r"`note` longtext DEFAULT ('it\'s') NOT NULL",
                MySql,
                col("note", "longtext", false, false, false),
            ),
            (
                r#""customer_id" varchar(254) NOT NULL CONSTRAINT "fk" REFERENCES "c"("email") DEFERRABLE INITIALLY DEFERRED"#,
                Postgres,
                col("customer_id", "varchar(254)", false, false, false),
            ),
            (
                r#""main_tag_id" smallint NULL UNIQUE"#,
                Postgres,
                col("main_tag_id", "smallint", true, false, false),
            ),
        ];
        for (text, dialect, want) in cases {
            assert_eq!(def(text, dialect), want, "{text}");
        }
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        use DialectName::Postgres;
        let bad = [
            r#"CREATE TABLE "t" ("a" integer NOT NULL NULL);"#,
            r#"CREATE TABLE "t" ("a" integer NOT NULL FROBNICATE);"#,
            r#"CREATE TABLE "t" ("a" NOT NULL);"#,
            r#"CREATE TABLE "t" ("a" integer); ALTER TABLE "t" DROP COLUMN "a";"#,
            r#"ALTER TABLE "missing" ADD COLUMN "a" integer NULL;"#,
            r#"CREATE TABLE "t" ("a" integer); CREATE TABLE "t" ("b" integer);"#,
            r#"DROP TABLE "missing";"#,
            r#"CREATE VIEW "v" AS SELECT 1;"#,
            r#"CREATE TABLE "t" ("a" text DEFAULT 'unterminated);"#,
        ];
        for sql in bad {
            assert!(parse_script(sql, Postgres).is_err(), "accepted: {sql}");
        }
    }

    #[test]
    fn final_shape_after_add_column_and_sqlite_rebuild() {
        let sql = r#"
BEGIN;
--
-- Create model Address; a comment with a ; in it
--
CREATE TABLE "a" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "street" varchar(255) NOT NULL);
CREATE TABLE "b" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "note" text DEFAULT 'x;y' NOT NULL,
    CONSTRAINT "b_check" CHECK ("note" <> '')
);
CREATE TABLE "new__a" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "street" varchar(255) NOT NULL, "b_id" bigint NOT NULL REFERENCES "b" ("id") DEFERRABLE INITIALLY DEFERRED);
INSERT INTO "new__a" ("id", "street", "b_id") SELECT "id", "street", NULL FROM "a";
DROP TABLE "a";
ALTER TABLE "new__a" RENAME TO "a";
CREATE INDEX "a_b_id_1234" ON "a" ("b_id");
CREATE TABLE "c" ("x" integer, "y" text, PRIMARY KEY ("x"));
/* a block comment */
ALTER TABLE "c" ADD COLUMN "z" date NULL, ADD CONSTRAINT "c_fk" FOREIGN KEY ("z") REFERENCES "b" ("id");
COMMIT;
"#;
        let tables = parse_script(sql, DialectName::Sqlite).unwrap();
        assert_eq!(tables.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(
            tables["a"].columns,
            [
                col("id", "integer", false, true, true),
                col("street", "varchar(255)", false, false, false),
                col("b_id", "bigint", false, false, false),
            ]
        );
        assert_eq!(
            tables["b"].columns,
            [
                col("id", "integer", false, true, true),
                col("note", "text", false, false, false),
            ]
        );
        assert_eq!(
            tables["c"].columns,
            [
                col("x", "integer", false, true, false),
                col("y", "text", true, false, false),
                col("z", "date", true, false, false),
            ]
        );
    }

    #[test]
    fn mysql_add_column_with_constraint_and_table_options() {
        let sql = "CREATE TABLE `t` (\n    `id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY\n) \
                   ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='it''s; a \\' table';\n\
                   ALTER TABLE `t` ADD COLUMN `u` char(32) NOT NULL , ADD CONSTRAINT `fk` \
                   FOREIGN KEY (`u`) REFERENCES `x`(`uid`);\n\
                   ALTER TABLE `t` COMMENT = 'One row; per sample';";
        let tables = parse_script(sql, DialectName::MySql).unwrap();
        assert_eq!(
            tables["t"].columns,
            [
                col("id", "bigint", false, true, true),
                col("u", "char(32)", false, false, false),
            ]
        );
    }
}
