//! The SQLite cascade trap: SQLite cannot alter a column or add a constraint in place, so a
//! migration rebuilds the table (create, copy, drop, rename). Dropping a parent table with
//! foreign keys on deletes its rows first, which runs its children's ON DELETE actions:
//! CASCADE deletes the children, SET NULL empties their keys. modelc's rebuild must keep every
//! row of the table and of its children.
//!
//! The models (`tests/fixtures/migrations/ops/cascade/`): Customer (the parent, referring to
//! itself with SET NULL), Order (CASCADE to Customer), Profile (SET NULL to Customer) and
//! OrderLine (CASCADE to Order). 0002 alters Customer's and Order's columns, 0003 adds a check
//! to Customer: on SQLite both rebuild the parent (0002 the child too). After each migration,
//! forwards and back: the catalog equals fresh DDL of those models, and every row and every
//! key value is intact (NULL emails become the new default), with no foreign key violated.
//! Then deleting a customer still cascades and sets NULL through the rebuilt tables. The same
//! on PostgreSQL and MariaDB, where the columns are altered in place.

use modelc::ir::DialectName;
use modelc_tests::db::TestDb;
use modelc_tests::migrations::{
    Project, Renames, Rows, assert_same, check_rows, fresh_catalog, migrate, read_rows, run_sql,
    schema_catalog,
};
use modelc_tests::repo_root;

fn fixture(file: &str) -> String {
    let path = repo_root()
        .join("tests/fixtures/migrations/ops/cascade")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(id, value of column)` of every row of `table`, by id.
fn column(rows: &Rows, table: &str, column: &str) -> Vec<(String, Option<String>)> {
    rows.tables[table]
        .rows
        .iter()
        .map(|(k, r)| (k[0].clone().unwrap_or_default(), r[column].clone()))
        .collect::<Vec<_>>()
}

fn pairs(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect()
}

/// No row violates a foreign key (SQLite's check; the servers enforce them always).
async fn no_violations(db: &mut TestDb, what: &str) {
    if db.dialect() == DialectName::Sqlite {
        let rows = db
            .rows("SELECT * FROM pragma_foreign_key_check")
            .await
            .unwrap();
        assert!(rows.is_empty(), "{what}: foreign keys violated: {rows:?}");
    }
}

async fn cascade(dialect: DialectName) {
    let test = format!("sqlite_cascade_{dialect}");
    let Some(mut db) = TestDb::create(&test, dialect).await else {
        return;
    };
    let Some(mut fresh) = TestDb::create(&test, dialect).await else {
        return;
    };
    let project = Project::new(&test);
    let models: Vec<String> = ["0001.toml", "0002.toml", "0003.toml"]
        .iter()
        .map(|f| fixture(f))
        .collect();
    let mut expected = Vec::new();
    for m in &models {
        expected.push(fresh_catalog(&mut fresh, m).await);
    }

    project.write_models(&models[0]);
    let first = project.make(false);
    migrate(&db, &project, None).await;
    run_sql(&mut db, &fixture("rows.sql")).await;
    let start = schema_catalog(&mut db).await;
    assert_same(&format!("{test}: 0001"), &expected[0], &start);
    let rows0 = read_rows(&mut db, &start).await;

    project.write_models(&models[1]);
    let second = project.make(true);
    project.write_models(&models[2]);
    let third = project.make(false);
    let sql = |name: &str| {
        std::fs::read_to_string(
            project
                .migrations()
                .join(dialect.as_str())
                .join(format!("{name}.up.sql")),
        )
        .unwrap()
    };
    if dialect == DialectName::Sqlite {
        // The trap is armed: both migrations rebuild the parent, 0002 the child too.
        for (name, tables) in [
            (&second, &["shop_customer", "shop_order"][..]),
            (&third, &["shop_customer"][..]),
        ] {
            let up = sql(name);
            for t in tables {
                assert!(
                    up.contains(&format!("CREATE TABLE \"new__{t}\"")),
                    "{name} does not rebuild {t}:\n{up}"
                );
            }
        }
    }

    // Forwards, one migration at a time.
    let fills = [("shop_customer", "email", "")];
    migrate(&db, &project, Some(&second)).await;
    let c2 = schema_catalog(&mut db).await;
    assert_same(
        &format!("{test}: {second}\n{}", sql(&second)),
        &expected[1],
        &c2,
    );
    let rows2 = read_rows(&mut db, &c2).await;
    check_rows(
        &format!("{test}: {second}"),
        &rows0,
        &rows2,
        &Renames::default(),
        &fills,
    );
    no_violations(&mut db, &second).await;

    migrate(&db, &project, None).await;
    let c3 = schema_catalog(&mut db).await;
    assert_same(
        &format!("{test}: {third}\n{}", sql(&third)),
        &expected[2],
        &c3,
    );
    let rows3 = read_rows(&mut db, &c3).await;
    check_rows(
        &format!("{test}: {third}"),
        &rows2,
        &rows3,
        &Renames::default(),
        &[],
    );
    assert_eq!(rows3, rows2, "{test}: {third} changed a value");
    no_violations(&mut db, &third).await;

    // Back to 0001: the down migrations rebuild again.
    migrate(&db, &project, Some(&first)).await;
    let back = schema_catalog(&mut db).await;
    assert_same(&format!("{test}: back to {first}"), &expected[0], &back);
    let rows_back = read_rows(&mut db, &back).await;
    check_rows(
        &format!("{test}: back"),
        &rows3,
        &rows_back,
        &Renames::default(),
        &[],
    );
    no_violations(&mut db, "back").await;

    // Forwards again, then the foreign keys of the rebuilt tables still act.
    migrate(&db, &project, None).await;
    db.execute("DELETE FROM shop_customer WHERE id = 1")
        .await
        .unwrap();
    let after = read_rows(&mut db, &c3).await;
    assert_eq!(
        column(&after, "shop_customer", "referrer_id"),
        pairs(&[("2", None), ("3", Some("2")), ("4", None)]),
        "{test}: SET NULL on the self-reference"
    );
    assert_eq!(
        column(&after, "shop_order", "customer_id"),
        pairs(&[("3", Some("2")), ("4", Some("3"))]),
        "{test}: CASCADE to the orders"
    );
    assert_eq!(
        column(&after, "shop_orderline", "order_id"),
        pairs(&[("4", Some("3")), ("5", Some("4"))]),
        "{test}: CASCADE to the order lines"
    );
    assert_eq!(
        column(&after, "shop_profile", "customer_id"),
        pairs(&[("1", None), ("2", Some("2")), ("3", None)]),
        "{test}: SET NULL on the profiles"
    );
}

#[tokio::test]
async fn sqlite() {
    cascade(DialectName::Sqlite).await;
}

#[tokio::test]
async fn postgres() {
    cascade(DialectName::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    cascade(DialectName::MySql).await;
}
