//! One `migrate`, under sqlx's lock: read the history, refuse what sqlx would refuse (with
//! modelc's messages), plan the steps to the goal, and run each with sqlx's migrator.

use std::collections::BTreeSet;
use std::time::Instant;

use sqlx::migrate::{MigrateError, Migrator};

use crate::ir::DialectName;

use super::database::{self, Applied, Conn, on_conn};
use super::source::{Folder, MigrationFiles, recorded_name, up_checksums};
use super::{Direction, Error, ErrorKind, HISTORY_TABLE, Progress, Report, Target, query_failed};

/// Where the applied set should end up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Goal {
    /// Every migration applied.
    Latest,
    /// Exactly the migrations up to this number applied.
    To(i64),
    /// None applied.
    Zero,
}

pub(super) fn goal(target: Option<&Target>, folder: &Folder) -> Result<Goal, Error> {
    let name = match target {
        None => return Ok(Goal::Latest),
        Some(Target::Zero) => return Ok(Goal::Zero),
        Some(Target::Migration(name)) => name,
    };
    let found = if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        name.parse::<i64>().ok().and_then(|v| folder.get(v))
    } else {
        folder.migrations.iter().find(|m| &m.name == name)
    };
    match found {
        Some(m) => Ok(Goal::To(m.version)),
        None => Err(Error::new(
            ErrorKind::UnknownTarget,
            format!(
                "no migration `{name}` in `{}`; the migrations are: {}",
                folder.dir.display(),
                folder.names()
            ),
            "name the target by its number (0002), its full name (0002_product_add_slug), or zero to unapply every migration",
        )),
    }
}

/// What one run works with.
pub(super) struct Context<'a> {
    pub(super) dialect: DialectName,
    pub(super) shown: &'a str,
    pub(super) folder: &'a Folder,
    pub(super) migrator: &'a Migrator,
}

impl Context<'_> {
    /// Under sqlx's lock: reads the history, checks it, plans and runs.
    pub(super) async fn run(
        &self,
        conn: &mut Conn,
        goal: Goal,
        progress: &mut (dyn FnMut(Progress<'_>) + Send),
    ) -> Result<Report, Error> {
        let applied = self.history(conn).await?;
        self.check(&applied)?;
        let applied: BTreeSet<i64> = applied.iter().map(|a| a.version).collect();
        let (backwards, forwards) = self.plan(&applied, goal)?;
        let mut report = Report {
            database: self.shown.to_string(),
            ..Report::default()
        };
        for m in backwards {
            let direction = Direction::Backwards;
            progress(Progress::Start {
                direction,
                name: &m.name,
            });
            let start = Instant::now();
            // sqlx's `undo` reverts every applied migration above the target, newest first;
            // the ones above `m` are already unapplied, so this unapplies `m`.
            let target = m.version.saturating_sub(1);
            let result = on_conn!(&mut *conn, c => self.migrator.undo(&mut *c, target).await);
            self.finish(conn, m, direction, result).await?;
            report.unapplied.push(m.name.clone());
            progress(Progress::Done {
                direction,
                name: &m.name,
                elapsed: start.elapsed(),
            });
        }
        for m in forwards {
            let direction = Direction::Forwards;
            progress(Progress::Start {
                direction,
                name: &m.name,
            });
            let start = Instant::now();
            // sqlx's `run_to` applies every unapplied migration up to the target, oldest
            // first; the ones before `m` are applied already, so this applies `m`.
            let result = on_conn!(&mut *conn, c => self.migrator.run_to(m.version, &mut *c).await);
            self.finish(conn, m, direction, result).await?;
            report.applied.push(m.name.clone());
            progress(Progress::Done {
                direction,
                name: &m.name,
                elapsed: start.elapsed(),
            });
        }
        Ok(report)
    }

    async fn history(&self, conn: &mut Conn) -> Result<Vec<Applied>, Error> {
        database::history(conn)
            .await
            .map_err(|e| query_failed(self.shown, &e.to_string()))
    }

    /// What sqlx's migrator would refuse, refused first with modelc's message: a dirty
    /// migration, an applied migration without its file, an edited one.
    fn check(&self, applied: &[Applied]) -> Result<(), Error> {
        let shown = self.shown;
        let dir = self.folder.dir.display();
        if let Some(a) = applied.iter().find(|a| !a.success) {
            let name = self
                .folder
                .get(a.version)
                .map_or_else(|| recorded_name(a, self.folder), |m| m.name.clone());
            let why = match self.dialect {
                DialectName::MySql => format!(
                    "an earlier migrate failed part-way through it, and MySQL/MariaDB had committed its statements up to the failure (each DDL statement commits implicitly); {HISTORY_TABLE} keeps its row with success = false"
                ),
                _ => format!(
                    "it failed part-way through at an earlier migrate; {HISTORY_TABLE} keeps its row with success = false"
                ),
            };
            return Err(Error::new(
                ErrorKind::Dirty,
                format!("migration {name} is partially applied on {shown}: {why}"),
                format!(
                    "fix the database by hand: undo what {name} did before it failed (see `{dir}/{name}.up.sql`), then delete its row with `DELETE FROM {HISTORY_TABLE} WHERE version = {}` and run modelc migrate again to apply it (sqlx's recovery for a dirty migration)",
                    a.version
                ),
            ));
        }
        if let Some(a) = applied
            .iter()
            .find(|a| self.folder.get(a.version).is_none())
        {
            let name = recorded_name(a, self.folder);
            let below = self
                .folder
                .migrations
                .iter()
                .rfind(|m| m.version < a.version)
                .map_or("zero", |m| m.name.as_str());
            return Err(Error::new(
                ErrorKind::MissingFile,
                format!(
                    "migration {name} is applied on {shown}, but `{dir}` has no file for it (number {})",
                    a.version
                ),
                format!(
                    "restore {name}.up.sql and {name}.down.sql in `{dir}` (from version control, or the branch that added it); to drop it from this database, restore them and run modelc migrate {below}"
                ),
            ));
        }
        let checksums = up_checksums(self.migrator);
        for a in applied {
            if let (Some(m), Some(sum)) = (self.folder.get(a.version), checksums.get(&a.version))
                && *sum != a.checksum.as_slice()
            {
                return Err(Error::new(
                    ErrorKind::Edited,
                    format!(
                        "migration {} was edited after it was applied on {shown}: `{}` no longer has the checksum recorded in {HISTORY_TABLE}",
                        m.name,
                        m.up.display()
                    ),
                    "restore the file as it was applied (from version control); change the schema with a new migration (modelc makemigrations), never by editing an applied one",
                ));
            }
        }
        Ok(())
    }

    /// The migrations to unapply (newest first) and to apply (oldest first) to reach `goal`.
    #[allow(clippy::type_complexity)]
    fn plan(
        &self,
        applied: &BTreeSet<i64>,
        goal: Goal,
    ) -> Result<(Vec<&MigrationFiles>, Vec<&MigrationFiles>), Error> {
        let keep = |v: i64| match goal {
            Goal::Latest => true,
            Goal::To(t) => v <= t,
            Goal::Zero => false,
        };
        let backwards: Vec<&MigrationFiles> = self
            .folder
            .migrations
            .iter()
            .rev()
            .filter(|m| applied.contains(&m.version) && !keep(m.version))
            .collect();
        if let Some(m) = backwards.iter().find(|m| m.down.is_none()) {
            return Err(Error::new(
                ErrorKind::NoDownMigration,
                format!(
                    "cannot unapply {}: it has no down migration (`{}/{}.down.sql`)",
                    m.name,
                    self.folder.dir.display(),
                    m.name
                ),
                format!(
                    "write the SQL that undoes {} into {}.down.sql, or migrate back only as far as {}",
                    m.name, m.name, m.name
                ),
            ));
        }
        let forwards = self
            .folder
            .migrations
            .iter()
            .filter(|m| !applied.contains(&m.version) && keep(m.version))
            .collect();
        Ok((backwards, forwards))
    }

    /// Turns sqlx's result of one step into modelc's, and checks that the history now says
    /// what the step should have done.
    async fn finish(
        &self,
        conn: &mut Conn,
        m: &MigrationFiles,
        direction: Direction,
        result: Result<(), MigrateError>,
    ) -> Result<(), Error> {
        if let Err(e) = result {
            return Err(self.failed(conn, m, direction, e).await);
        }
        let applied = self.history(conn).await?;
        let recorded = applied.iter().any(|a| a.version == m.version && a.success);
        if recorded != (direction == Direction::Forwards) {
            return Err(Error::new(
                ErrorKind::Database,
                format!(
                    "sqlx's migrator did not {} {} on {}",
                    verb(direction),
                    m.name,
                    self.shown
                ),
                "this is a bug in modelc; please report it with the output of modelc showmigrations",
            ));
        }
        Ok(())
    }

    /// The error for a migration whose SQL failed, saying what stayed.
    async fn failed(
        &self,
        conn: &mut Conn,
        m: &MigrationFiles,
        direction: Direction,
        e: MigrateError,
    ) -> Error {
        let (file, no_tx) = match direction {
            Direction::Forwards => (m.up.clone(), m.up_no_transaction),
            Direction::Backwards => (
                m.down.clone().unwrap_or_else(|| m.up.clone()),
                m.down_no_transaction,
            ),
        };
        let cause = match e {
            MigrateError::ExecuteMigration(e, _) | MigrateError::Execute(e) => e.to_string(),
            other => other.to_string(),
        };
        let name = &m.name;
        let help = match self.dialect {
            DialectName::MySql => {
                if conn.dirty_version().await == Some(m.version) {
                    format!(
                        "MySQL/MariaDB commit each DDL statement implicitly: the statements of {name} before the failing one stayed, and {HISTORY_TABLE} marks it partially applied; undo them by hand, delete its row with `DELETE FROM {HISTORY_TABLE} WHERE version = {}`, fix the cause and run modelc migrate again",
                        m.version
                    )
                } else {
                    format!(
                        "nothing of {name} was committed; fix the cause and run modelc migrate again"
                    )
                }
            }
            _ if no_tx => {
                conn.rollback_leftover().await;
                format!(
                    "{name} opts out of sqlx's transaction (-- no-transaction): a transaction it opened itself was rolled back, but what it committed before the failure stayed; check the database, fix the cause and run modelc migrate again"
                )
            }
            _ => format!(
                "nothing of {name} stayed: sqlx ran it in one transaction and rolled it back; fix the cause and run modelc migrate again"
            ),
        };
        let before = match direction {
            Direction::Forwards => " (the migrations before it stay applied)",
            Direction::Backwards => "",
        };
        Error::new(
            ErrorKind::MigrationFailed,
            format!(
                "cannot {} {name} on {}{before}: {cause}\n  --> {}",
                verb(direction),
                self.shown,
                file.display()
            ),
            help,
        )
    }
}

fn verb(direction: Direction) -> &'static str {
    match direction {
        Direction::Forwards => "apply",
        Direction::Backwards => "unapply",
    }
}
