//! Text in the models reaches every database exactly: defaults, db_default, choice codes, a
//! check and an index condition, table and column comments, all full of quotes, backslashes
//! (MySQL reads escapes in strings), `;`, `--`, `/*`, placeholders, newlines, tabs and
//! non-ASCII text (`tests/fixtures/escaping/models.toml`).
//!
//! - `values_*`: the DDL applies; a row relying on the defaults reads back byte for byte; the
//!   Meta check rejects exactly its literal; the partial index keeps its literal.
//! - `comments_*`: the table and column comments read back from the catalog exactly
//!   (PostgreSQL, MariaDB; SQLite has no comments).
//! - `choices_*`: the choices CHECK accepts every code (bound as a parameter, so the test does
//!   no escaping of its own) and rejects near misses: other case, spaces around, an accent
//!   dropped or decomposed, a backslash lost or doubled.
//!
//! The expected values are written here as Rust strings, and the IR is checked against them
//! too, so a frontend that changed a value would be caught as well.

use modelc::ir::{DialectName, Schema, Value};
use modelc_tests::catalog;
use modelc_tests::db::{TestDb, compile};
use modelc_tests::repo_root;
use sqlx::error::ErrorKind;

const FIXTURE: &str = "tests/fixtures/escaping/models.toml";
const TABLE: &str = "esc_note";

/// Every column's value in a row inserted with defaults only.
const DEFAULTS: [(&str, &str); 13] = [
    ("single_quote", "it's"),
    ("double_quote", "say \"hi\""),
    ("backslash", r"C:\path\to\ \' \n \0 \Z \% \_ \\"),
    ("statement", "x'); DROP TABLE esc_note; --"),
    ("comments", "-- dash /* block */ # hash */"),
    ("whitespace", "line1\nline2\r\n\ttabbed "),
    ("placeholders", "100% _x_ ? $1 :name {} %s"),
    ("unicode", "café 日本語 🦀 e\u{301} ß"),
    ("empty", ""),
    (
        "long_text",
        "text: it's \\ \"q\" ; -- /* */ % é 日本 🦀\n\tend",
    ),
    ("from_db", r"db: it's -- ; \ /* x */ 🦀"),
    ("status", "it's"),
    ("level", "0"),
];

const TABLE_COMMENT: &str = "Notes: it's \"quoted\" \\ back\\slash; -- not a comment /* nor this */ 100% é 日本 ☃\nsecond line\tTAB";

const COLUMN_COMMENTS: [(&str, &str); 8] = [
    ("single_quote", "it's a 'comment'"),
    ("double_quote", "say \"hi\" `tick`"),
    ("backslash", r"back\slash \' \n \\"),
    ("statement", "'; DROP TABLE esc_note; --"),
    ("comments", "/* open -- dash # hash"),
    ("whitespace", "line1\nline2\r\n\ttabbed "),
    ("placeholders", "100% ? $1 :name %s"),
    ("unicode", "café 日本語 ☃ e\u{301} ß"),
];

const CODES: [&str; 11] = [
    "it's",
    "say \"hi\"",
    r"back\slash",
    "semi;--",
    "/*x*/",
    "100%_",
    "tab\there",
    "new\nline",
    "é",
    "日本",
    "🦀",
];

const LABELS: [&str; 11] = [
    "Quote ' label",
    "Double \" label",
    "Back \\ label",
    "Semi ; -- label",
    "Block /* */ label",
    "Percent % label",
    "Tab \t label",
    "New \n line",
    "Accent é",
    "Japan 日本",
    "Crab 🦀",
];

/// The literal of the Meta check (`single_quote <> '...'`) and of the index condition.
const CHECK_LITERAL: &str = r"x'y; -- /* z */ \ é";
const INDEX_LITERAL_SQL: &str = r"'a''b -- c /* d */ \'";

/// Compiles the fixture and checks that the IR holds the values above exactly.
fn fixture() -> modelc::Compilation {
    let text = std::fs::read_to_string(repo_root().join(FIXTURE)).expect("read the fixture");
    let compilation = compile(FIXTURE, &text);
    let schema = compilation.schema.as_ref().expect("compiled");
    let note = schema.model("Note").expect("model Note");
    assert_eq!(note.db_table, TABLE);
    assert_eq!(note.meta.db_comment.as_deref(), Some(TABLE_COMMENT));
    for (column, value) in DEFAULTS {
        let field = note.lookup(column).expect(column);
        match field.default.as_deref() {
            Some(Value::Str(s)) => assert_eq!(s, value, "IR default of {column}"),
            Some(Value::Int(i)) => assert_eq!(i.to_string(), value, "IR default of {column}"),
            other => assert!(field.db_default.is_some(), "{column}: default {other:?}"),
        }
    }
    for (column, comment) in COLUMN_COMMENTS {
        let field = note.lookup(column).expect(column);
        assert_eq!(
            field.db_comment.as_deref(),
            Some(comment),
            "IR comment of {column}"
        );
    }
    let choices = note
        .lookup("status")
        .and_then(|f| f.choices.as_ref())
        .expect("choices");
    let codes: Vec<&Value> = choices.items.iter().map(|c| &c.value).collect();
    let labels: Vec<&str> = choices.items.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        codes,
        CODES
            .map(|c| Value::Str(c.to_string()))
            .iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(labels, LABELS);
    compilation
}

fn is_check_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == ErrorKind::CheckViolation)
}

async fn setup(test: &str, dialect: DialectName) -> Option<(TestDb, modelc::Compilation)> {
    let compilation = fixture();
    let mut db = TestDb::create(test, dialect).await?;
    let schema: &Schema = compilation.schema.as_ref().expect("compiled");
    db.apply(schema).await;
    Some((db, compilation))
}

async fn values(test: &str, dialect: DialectName) {
    let Some((mut db, _compilation)) = setup(test, dialect).await else {
        return;
    };
    let insert = match dialect {
        DialectName::MySql => format!("INSERT INTO {TABLE} () VALUES ()"),
        _ => format!("INSERT INTO {TABLE} DEFAULT VALUES"),
    };
    db.execute(&insert).await.expect("insert a row of defaults");
    let columns: Vec<&str> = DEFAULTS.iter().map(|(c, _)| *c).collect();
    let rows = db
        .rows(&format!("SELECT {} FROM {TABLE}", columns.join(", ")))
        .await
        .expect("select the row");
    let row = rows.first().expect("one row");
    for ((column, expected), got) in DEFAULTS.iter().zip(row) {
        assert_eq!(
            got.as_deref(),
            Some(*expected),
            "{dialect}: default of {column}"
        );
    }

    // The check's literal is exactly the models' text: that value is refused, a neighbour is not.
    let sql = format!("INSERT INTO {TABLE} (single_quote) VALUES (?)");
    match db.execute_with(&sql, &[CHECK_LITERAL]).await {
        Ok(_) => panic!("{dialect}: the check accepted its own literal {CHECK_LITERAL:?}"),
        Err(e) => assert!(is_check_violation(&e), "{dialect}: {e}"),
    }
    let neighbour = CHECK_LITERAL.replace('\\', "");
    db.execute_with(&sql, &[&neighbour])
        .await
        .unwrap_or_else(|e| panic!("{dialect}: {neighbour:?} must pass the check: {e}"));

    // The partial index keeps its condition's literal (MySQL has no partial indexes).
    if dialect != DialectName::MySql {
        let catalog = catalog::read(&mut db).await.expect("read the catalog");
        let index = catalog.tables[TABLE]
            .indexes
            .iter()
            .find(|i| i.name == "esc_note_status_idx")
            .expect("esc_note_status_idx");
        let predicate = index.predicate.as_deref().unwrap_or_default();
        assert!(
            predicate.contains(INDEX_LITERAL_SQL),
            "{dialect}: index condition {predicate:?} lacks {INDEX_LITERAL_SQL}"
        );
    }
}

#[tokio::test]
async fn values_postgres() {
    values("values_postgres", DialectName::Postgres).await;
}

#[tokio::test]
async fn values_mysql() {
    values("values_mysql", DialectName::MySql).await;
}

#[tokio::test]
async fn values_sqlite() {
    values("values_sqlite", DialectName::Sqlite).await;
}

async fn comments(test: &str, dialect: DialectName) {
    let Some((mut db, _compilation)) = setup(test, dialect).await else {
        return;
    };
    let catalog = catalog::read(&mut db).await.expect("read the catalog");
    let table = &catalog.tables[TABLE];
    let mut wrong = Vec::new();
    if table.comment.as_deref() != Some(TABLE_COMMENT) {
        wrong.push(format!(
            "table comment:\n    want {TABLE_COMMENT:?}\n    got  {:?}",
            table.comment
        ));
    }
    for column in &table.columns {
        let want = COLUMN_COMMENTS
            .iter()
            .find(|(c, _)| *c == column.name)
            .map(|(_, v)| *v);
        if column.comment.as_deref() != want {
            wrong.push(format!(
                "comment of {}:\n    want {want:?}\n    got  {:?}",
                column.name, column.comment
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{dialect}: comments read back differ from the models:\n  {}",
        wrong.join("\n  ")
    );
}

#[tokio::test]
async fn comments_postgres() {
    comments("comments_postgres", DialectName::Postgres).await;
}

#[tokio::test]
async fn comments_mysql() {
    comments("comments_mysql", DialectName::MySql).await;
}

/// Strings that are not choice codes but are close to one.
fn near_misses() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in CODES {
        out.push(code.to_uppercase());
        out.push(format!("{code} "));
        out.push(format!(" {code}"));
    }
    let extra = [
        "e",
        "E",
        "e\u{301}",
        "backslash",
        r"back\\slash",
        "it''s",
        r"it\'s",
        "newline",
        "new\rline",
        "tab here",
        "100%",
        "日",
        "🦀🦀",
        "",
    ];
    out.extend(extra.iter().map(|s| s.to_string()));
    out.retain(|s| !CODES.contains(&s.as_str()));
    out.sort();
    out.dedup();
    out
}

async fn choices(test: &str, dialect: DialectName) {
    let Some((mut db, _compilation)) = setup(test, dialect).await else {
        return;
    };
    let sql = format!("INSERT INTO {TABLE} (status) VALUES (?)");
    for code in CODES {
        db.execute_with(&sql, &[code])
            .await
            .unwrap_or_else(|e| panic!("{dialect}: choice code {code:?} refused: {e}"));
    }
    let stored = db
        .rows(&format!("SELECT status FROM {TABLE} ORDER BY id"))
        .await
        .expect("select codes");
    let stored: Vec<String> = stored.into_iter().filter_map(|mut r| r.remove(0)).collect();
    assert_eq!(stored, CODES, "{dialect}: codes read back");

    let mut accepted = Vec::new();
    for miss in near_misses() {
        match db.execute_with(&sql, &[&miss]).await {
            Ok(_) => accepted.push(miss),
            Err(e) => assert!(is_check_violation(&e), "{dialect}: {miss:?}: {e}"),
        }
    }
    assert!(
        accepted.is_empty(),
        "{dialect}: the choices CHECK of {TABLE}.status accepted values that are not choice \
         codes: {accepted:?}"
    );

    for level in ["0", "1", "-1"] {
        db.execute(&format!("INSERT INTO {TABLE} (level) VALUES ({level})"))
            .await
            .unwrap_or_else(|e| panic!("{dialect}: level {level} refused: {e}"));
    }
    for level in ["2", "-2", "10"] {
        match db
            .execute(&format!("INSERT INTO {TABLE} (level) VALUES ({level})"))
            .await
        {
            Ok(_) => panic!("{dialect}: level {level} is not a choice but was accepted"),
            Err(e) => assert!(is_check_violation(&e), "{dialect}: level {level}: {e}"),
        }
    }
}

#[tokio::test]
async fn choices_postgres() {
    choices("choices_postgres", DialectName::Postgres).await;
}

#[tokio::test]
async fn choices_mysql() {
    choices("choices_mysql", DialectName::MySql).await;
}

#[tokio::test]
async fn choices_sqlite() {
    choices("choices_sqlite", DialectName::Sqlite).await;
}
