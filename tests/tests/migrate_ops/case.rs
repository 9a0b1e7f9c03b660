//! One operation case: a pair of models files, the rows to insert, and what the migration
//! between them renames or fills; run on one dialect.

use modelc::ir::DialectName;
use modelc_tests::db::TestDb;
use modelc_tests::migrations::{
    Project, Renames, assert_same, check_rows, fresh_catalog, migrate, read_rows, run_sql,
    schema_catalog,
};
use modelc_tests::repo_root;

/// Where the models and rows of the cases are.
fn fixture(path: &str) -> String {
    let file = repo_root().join("tests/fixtures/migrations/ops").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// A case: migrate from `models/<before>.toml` to `models/<after>.toml`.
#[derive(Debug)]
pub struct Case {
    before: &'static str,
    after: &'static str,
    /// `rows/<name>.sql`, run in order after the first migration.
    rows: &'static [&'static str],
    destructive: bool,
    renames: Renames,
    /// `(old table, old column, value)`: NULLs the migration fills with a default.
    fills: &'static [(&'static str, &'static str, &'static str)],
    /// The `op = "..."` of the second migration, in order.
    ops: &'static [&'static str],
}

impl Case {
    pub fn new(before: &'static str, after: &'static str) -> Case {
        Case {
            before,
            after,
            rows: &["base"],
            destructive: false,
            renames: Renames::default(),
            fills: &[],
            ops: &[],
        }
    }

    pub fn rows(mut self, rows: &'static [&'static str]) -> Case {
        self.rows = rows;
        self
    }

    /// The migration drops or narrows something: made with `--allow-destructive`.
    pub fn destructive(mut self) -> Case {
        self.destructive = true;
        self
    }

    pub fn renames(mut self, renames: Renames) -> Case {
        self.renames = renames;
        self
    }

    pub fn fills(mut self, fills: &'static [(&'static str, &'static str, &'static str)]) -> Case {
        self.fills = fills;
        self
    }

    pub fn ops(mut self, ops: &'static [&'static str]) -> Case {
        self.ops = ops;
        self
    }

    /// Database 1: the first models migrated from zero (checked against fresh DDL), rows in
    /// every table, the second migration forwards (catalog against fresh DDL of the second
    /// models, every row and value kept), then backwards (catalog against fresh DDL of the
    /// first models, every value kept). Database 2 holds the fresh DDL, one models file at a
    /// time.
    pub async fn run(&self, name: &str, dialect: DialectName) {
        let test = format!("{name}_{dialect}");
        let before = fixture(&format!("models/{}.toml", self.before));
        let after = fixture(&format!("models/{}.toml", self.after));
        let Some(mut db) = TestDb::create(&test, dialect).await else {
            return;
        };
        let Some(mut fresh) = TestDb::create(&test, dialect).await else {
            return;
        };
        let project = Project::new(&test);

        project.write_models(&before);
        let first = project.make(false);
        migrate(&db, &project, None).await;
        let start = schema_catalog(&mut db).await;
        let fresh_before = fresh_catalog(&mut fresh, &before).await;
        assert_same(
            &format!(
                "{test}: {}.toml migrated from zero vs its fresh DDL",
                self.before
            ),
            &fresh_before,
            &start,
        );
        for r in self.rows {
            run_sql(&mut db, &fixture(&format!("rows/{r}.sql"))).await;
        }
        let rows_before = read_rows(&mut db, &start).await;
        for table in start.tables.keys() {
            assert!(
                rows_before.count(table) >= 2,
                "{test}: the rows files leave {table} with fewer than two rows"
            );
        }

        project.write_models(&after);
        let second = project.make(self.destructive);
        let toml = std::fs::read_to_string(project.migrations().join(format!("{second}.toml")))
            .expect("the new migration");
        let ops: Vec<&str> = toml
            .lines()
            .filter_map(|l| l.strip_prefix("op = \"")?.strip_suffix('"'))
            .collect();
        assert_eq!(ops, self.ops, "{test}: the operations of {second}:\n{toml}");
        let sql = |direction: &str| {
            let file = project
                .migrations()
                .join(dialect.as_str())
                .join(format!("{second}.{direction}.sql"));
            std::fs::read_to_string(file).unwrap_or_default()
        };

        migrate(&db, &project, None).await;
        let migrated = schema_catalog(&mut db).await;
        let fresh_after = fresh_catalog(&mut fresh, &after).await;
        assert_same(
            &format!(
                "{test}: {second} applied vs fresh DDL of {}.toml; its SQL:\n{}",
                self.after,
                sql("up")
            ),
            &fresh_after,
            &migrated,
        );
        let rows_after = read_rows(&mut db, &migrated).await;
        check_rows(
            &format!("{test}: {second} forwards; its SQL:\n{}", sql("up")),
            &rows_before,
            &rows_after,
            &self.renames,
            self.fills,
        );

        migrate(&db, &project, Some(&first)).await;
        let back = schema_catalog(&mut db).await;
        assert_same(
            &format!(
                "{test}: {second} unapplied vs fresh DDL of {}.toml; its down SQL:\n{}",
                self.before,
                sql("down")
            ),
            &fresh_before,
            &back,
        );
        let rows_back = read_rows(&mut db, &back).await;
        check_rows(
            &format!("{test}: {second} backwards; its down SQL:\n{}", sql("down")),
            &rows_after,
            &rows_back,
            &self.renames.inverse(),
            &[],
        );
    }
}
