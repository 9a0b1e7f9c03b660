//! Issue 4's repository benchmark: the generated storefront repository
//! (`modelc_generated::storefront::<dialect>::Product`) against the sqlx code an application
//! would write by hand for the same table, on PostgreSQL and SQLite in the same run.
//!
//! - `repo_<dialect>_insert`: insert one product and read it back (`RETURNING`), inside an
//!   open transaction that is committed after each sample, untimed (no commit's fsync is
//!   timed: the stricter test of the code's own overhead). On SQLite both sides read the
//!   `RETURNING` row with `fetch_all`, which runs the statement to its end (see
//!   `Repo::FETCH_ALL_INSERT`); `handwritten_fetch_one` is the `fetch_one` many applications
//!   write, measured for comparison.
//! - `repo_<dialect>_get`: a product by primary key, the keys taken in turn from 1,000 rows.
//! - `repo_<dialect>_list_1000`: a page of 1,000 products in primary-key order.
//! - `repo_<dialect>_bulk`: `Product::insert_many` of 100,000 rows (one transaction, chunked
//!   under the bind limit) against `Product::insert` one row at a time, 10,000 rows in one
//!   transaction, compared per row; and, for scale, 1,000 rows one at a time with a commit
//!   each (autocommit, as a naive loop does). The table is emptied before each iteration,
//!   untimed.
//!
//! The hand-written side is `sqlx::query_as` on a `#[derive(sqlx::FromRow)]` struct of its
//! own, with the SQL an application would write (unquoted names, `$n` or `?`). sqlx has no
//! decimal type for SQLite, so there the hand-written struct reads the price through a small
//! text-decimal wrapper of its own, as an application must (the generated code carries one
//! too), and binds it as text.
//!
//! Criterion runs the generated and the hand-written benchmark one after the other, and on a
//! shared machine the load can change in between. So after criterion, the three comparisons
//! are measured again interleaved: 200 rounds, each a block of calls of one side then a
//! block of the other (the order alternating), and the ratio is the median of the rounds'
//! ratios; so are `insert_many` and one row at a time, in 6 rounds. The summary prints both.
//!
//! On a VM with two vCPUs a call's latency has two regimes: while the other vCPU is idle
//! (halted), every hand-off to another thread or process (the PostgreSQL backend, sqlx's
//! SQLite worker thread) waits some 70 us for it to wake; while it is busy, or under
//! `taskset -c 0` for SQLite, a call takes 10-30 us. The generated / hand-written ratios hold
//! in both; the speed-up of `insert_many` over single inserts depends on it (BENCHMARKS.md).
//!
//! Each database is a fresh one of `modelc_tests::db` (PostgreSQL: a new database on
//! `MODELC_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432/postgres`, dropped at
//! the end; SQLite: a file in a new temp directory, removed at the end) with the storefront's
//! tables, used through one connection on a current-thread tokio runtime. An unreachable
//! PostgreSQL skips its part with a printed line (a failure under `CI=true`, as in the tests).
//!
//! `cargo bench -p modelc-tests --bench repository`; after criterion's own report it prints a
//! table of this run's medians with the throughput ratio generated / hand-written (target:
//! at least 0.97) and the per-row speed-up of `insert_many` (target: at least 10x). Under
//! `cargo test --all-targets` (criterion's test mode, every benchmark run once) the bulk
//! sizes are 1,000, 100 and 10 rows, and there is no interleaved pass.

use std::hint::black_box;

use modelc_tests::bench::{criterion_dir, fresh_median_ns};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use modelc::ir::DialectName;
use modelc_generated::storefront::{postgres as pg, sqlite as lite};
use modelc_tests::db::{Conn, TestDb, compile};
use rust_decimal::Decimal;
use sqlx::{Connection, PgConnection, SqliteConnection};
use tokio::runtime::Runtime;

/// Rows read by `list`, and the rows whose keys `get` takes in turn.
const PAGE: i64 = 1_000;

const GENERATED: &str = "generated";
const HAND: &str = "handwritten";
const INSERT_MANY: &str = "insert_many";
const ONE_BY_ONE: &str = "insert_one_by_one";
const AUTOCOMMIT: &str = "insert_one_by_one_autocommit";
const HAND_FETCH_ONE: &str = "handwritten_fetch_one";

/// The three comparisons of generated and hand-written code.
const OPS: [Op; 3] = [Op::Insert, Op::Get, Op::List];

/// Rounds of the interleaved pass (see [`Op::block`] for the calls per block).
const ROUNDS: usize = 200;
/// Rounds of the interleaved pass of `insert_many` against one row at a time.
const BULK_ROUNDS: usize = 6;

/// The rows of the bulk comparison.
#[derive(Clone, Copy, Debug)]
struct Bulk {
    /// Rows of `insert_many`.
    many: usize,
    /// Rows inserted one by one in a transaction.
    one_by_one: usize,
    /// Rows inserted one by one, each committed.
    autocommit: usize,
}

const BULK: Bulk = Bulk {
    many: 100_000,
    one_by_one: 10_000,
    autocommit: 1_000,
};
const BULK_TEST: Bulk = Bulk {
    many: 1_000,
    one_by_one: 100,
    autocommit: 10,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Insert,
    Get,
    List,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Get => "get",
            Op::List => "list_1000",
        }
    }

    /// Calls per block of the interleaved pass: a few milliseconds each.
    fn block(self) -> usize {
        match self {
            Op::Insert | Op::Get => 100,
            Op::List => 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Generated,
    Hand,
    /// SQLite's insert only: the hand-written insert reading its `RETURNING` row with
    /// `fetch_one`, as many applications write it (see [`Repo::FETCH_ALL_INSERT`]).
    HandFetchOne,
}

/// The interleaved pass's result for one comparison: the median time per call of each
/// side, and the median of the rounds' ratios (hand-written time / generated time, that is
/// generated throughput / hand-written throughput).
#[derive(Debug)]
struct Paired {
    dialect: DialectName,
    op: Op,
    /// The hand-written side compared: [`Side::Hand`], or [`Side::HandFetchOne`].
    hand_side: Side,
    generated_ns: f64,
    hand_ns: f64,
    ratio: f64,
}

/// The interleaved pass's result for `insert_many` against one row at a time in a
/// transaction: the median time per row of each, and the median of the rounds' speed-ups.
#[derive(Debug)]
struct BulkPaired {
    dialect: DialectName,
    many_ns_per_row: f64,
    one_ns_per_row: f64,
    speedup: f64,
}

/// Whether criterion measures (`cargo bench` passes `--bench`) rather than runs each
/// benchmark once as a test.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn group(dialect: DialectName, op: &str) -> String {
    format!("repo_{dialect}_{op}")
}

/// Sample counts for a suite that runs in a few minutes on two shared cores.
fn configure(g: &mut BenchmarkGroup<'_, WallTime>, slow: bool) {
    if slow {
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(20));
        g.sample_size(10);
        g.sampling_mode(SamplingMode::Flat);
    } else {
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(4));
        g.sample_size(40);
    }
}

/// The hand-written row of PostgreSQL: what `#[derive(sqlx::FromRow)]` gives an application.
#[derive(Debug, sqlx::FromRow)]
struct PgProduct {
    id: i64,
    title: String,
    description: String,
    price: Decimal,
    inventory: i32,
    last_update: DateTime<Utc>,
    collection_id: i64,
}

/// The hand-written row of SQLite: the same, with the price read through [`TextDecimal`].
#[derive(Debug, sqlx::FromRow)]
struct LiteProduct {
    id: i64,
    title: String,
    description: String,
    #[sqlx(try_from = "TextDecimal")]
    price: Decimal,
    inventory: i32,
    last_update: DateTime<Utc>,
    collection_id: i64,
}

/// A decimal on SQLite, read from the INTEGER, REAL or TEXT that SQLite's NUMERIC affinity
/// stored: the wrapper an application writes, sqlx having none.
struct TextDecimal(Decimal);

impl sqlx::Type<sqlx::Sqlite> for TextDecimal {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }

    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
            || <f64 as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
            || <i64 as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for TextDecimal {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as sqlx::Decode<'r, sqlx::Sqlite>>::decode(value)?;
        Ok(Self(text.parse()?))
    }
}

impl From<TextDecimal> for Decimal {
    fn from(d: TextDecimal) -> Self {
        d.0
    }
}

/// One dialect's generated repository and hand-written code, on one connection.
trait Repo {
    type Conn;
    type New;
    const DIALECT: DialectName;
    /// Whether the hand-written insert reads its `RETURNING` row with `fetch_all`, as the
    /// generated one does on SQLite: SQLite checks deferred foreign keys when the statement
    /// runs to its end, and a statement reset after its first row loses a violating insert
    /// without an error (see templates/rust/repository.rs.jinja). Equivalent code does the
    /// same; the `fetch_one` many applications write is measured too, as
    /// [`Side::HandFetchOne`].
    const FETCH_ALL_INSERT: bool;

    /// Row `i` of the benchmarks, under collection `collection`.
    fn new(i: usize, collection: i64) -> Self::New;
    /// Inserts a collection and [`PAGE`] products under it; returns the collection's key
    /// and the products' keys. Checks that both sides read the same row.
    async fn seed(conn: &mut Self::Conn) -> (i64, Vec<i64>);
    /// Inserts `new` `n` times in a transaction; returns the time of the inserts (the
    /// commit after them is not timed).
    async fn insert_block(conn: &mut Self::Conn, side: Side, new: &Self::New, n: u64) -> Duration;
    async fn get(conn: &mut Self::Conn, side: Side, pk: i64);
    async fn list(conn: &mut Self::Conn, side: Side);
    async fn empty(conn: &mut Self::Conn);
    async fn insert_many(conn: &mut Self::Conn, rows: &[Self::New]);
    /// Inserts `rows` one at a time with the generated `insert`: in one transaction, or each
    /// committed on its own.
    async fn one_by_one(conn: &mut Self::Conn, rows: &[Self::New], transaction: bool);
}

/// Implements [`Repo`] for one dialect. `$module`: the generated module; `$conn`: the
/// connection type; `$hand`: the hand-written row; `$insert`, `$get`, `$list`: the
/// hand-written SQL; `$price`: how the hand-written code binds a price; `$empty`: the SQL
/// that empties the products table.
macro_rules! repo {
    (
        $repo:ident, $module:ident, $dialect:expr, $conn:ty, $hand:ty,
        $insert:expr, $get:expr, $list:expr, $price:expr, $empty:expr, $fetch_all:expr
    ) => {
        struct $repo;

        impl Repo for $repo {
            type Conn = $conn;
            type New = $module::NewProduct;
            const DIALECT: DialectName = $dialect;
            const FETCH_ALL_INSERT: bool = $fetch_all;

            fn new(i: usize, collection: i64) -> Self::New {
                $module::NewProduct {
                    title: format!("Product {i}"),
                    description: format!("The description of product {i}, a sentence or two long."),
                    price: Decimal::new(100 + (i % 9_900) as i64, 2),
                    inventory: (i % 1_000) as i32,
                    collection_id: collection,
                }
            }

            async fn seed(conn: &mut Self::Conn) -> (i64, Vec<i64>) {
                let collection = $module::Collection::insert(
                    &mut *conn,
                    &$module::NewCollection {
                        title: "Bench".into(),
                    },
                )
                .await
                .expect("insert a collection");
                let rows: Vec<_> = (0..PAGE as usize)
                    .map(|i| Self::new(i, collection.id))
                    .collect();
                let n = $module::Product::insert_many(&mut *conn, &rows)
                    .await
                    .expect("insert_many");
                assert_eq!(n, PAGE as u64);
                let keys: Vec<i64> = $module::Product::list(&mut *conn, PAGE, 0)
                    .await
                    .expect("list")
                    .iter()
                    .map(|p| p.id)
                    .collect();
                assert_eq!(keys.len(), PAGE as usize);

                let generated = $module::Product::get(&mut *conn, keys[7])
                    .await
                    .expect("get")
                    .expect("the row is there");
                let hand: $hand = sqlx::query_as($get)
                    .bind(keys[7])
                    .fetch_one(&mut *conn)
                    .await
                    .expect("hand-written get");
                assert_eq!(
                    (
                        generated.id,
                        &generated.title,
                        &generated.description,
                        generated.price,
                        generated.inventory,
                        generated.last_update,
                        generated.collection_id
                    ),
                    (
                        hand.id,
                        &hand.title,
                        &hand.description,
                        hand.price,
                        hand.inventory,
                        hand.last_update,
                        hand.collection_id
                    )
                );
                (collection.id, keys)
            }

            async fn insert_block(
                conn: &mut Self::Conn,
                side: Side,
                new: &Self::New,
                n: u64,
            ) -> Duration {
                let price = $price;
                let mut tx = conn.begin().await.expect("begin");
                let start = Instant::now();
                for _ in 0..n {
                    let new = black_box(new);
                    match side {
                        Side::Generated => {
                            let row = $module::Product::insert(&mut *tx, new)
                                .await
                                .expect("insert");
                            black_box(row);
                        }
                        Side::Hand | Side::HandFetchOne => {
                            let query = sqlx::query_as::<_, $hand>($insert)
                                .bind(&new.title)
                                .bind(&new.description)
                                .bind(price(new.price))
                                .bind(new.inventory)
                                .bind(Utc::now())
                                .bind(new.collection_id);
                            let row = if side == Side::Hand && Self::FETCH_ALL_INSERT {
                                let mut rows = query
                                    .fetch_all(&mut *tx)
                                    .await
                                    .expect("hand-written insert");
                                rows.pop().expect("the inserted row")
                            } else {
                                query
                                    .fetch_one(&mut *tx)
                                    .await
                                    .expect("hand-written insert")
                            };
                            black_box(row);
                        }
                    }
                }
                let elapsed = start.elapsed();
                tx.commit().await.expect("commit");
                elapsed
            }

            async fn get(conn: &mut Self::Conn, side: Side, pk: i64) {
                match side {
                    Side::Generated => {
                        let row = $module::Product::get(&mut *conn, black_box(pk))
                            .await
                            .expect("get");
                        black_box(row.expect("the row is there"));
                    }
                    Side::Hand | Side::HandFetchOne => {
                        let row = sqlx::query_as::<_, $hand>($get)
                            .bind(black_box(pk))
                            .fetch_optional(&mut *conn)
                            .await
                            .expect("hand-written get");
                        black_box(row.expect("the row is there"));
                    }
                }
            }

            async fn list(conn: &mut Self::Conn, side: Side) {
                let n = match side {
                    Side::Generated => {
                        let rows = $module::Product::list(&mut *conn, black_box(PAGE), 0)
                            .await
                            .expect("list");
                        black_box(rows).len()
                    }
                    Side::Hand | Side::HandFetchOne => {
                        let rows = sqlx::query_as::<_, $hand>($list)
                            .bind(black_box(PAGE))
                            .bind(0_i64)
                            .fetch_all(&mut *conn)
                            .await
                            .expect("hand-written list");
                        black_box(rows).len()
                    }
                };
                assert_eq!(n, PAGE as usize);
            }

            async fn empty(conn: &mut Self::Conn) {
                sqlx::raw_sql($empty)
                    .execute(&mut *conn)
                    .await
                    .expect("empty the table");
            }

            async fn insert_many(conn: &mut Self::Conn, rows: &[Self::New]) {
                let n = $module::Product::insert_many(&mut *conn, black_box(rows))
                    .await
                    .expect("insert_many");
                assert_eq!(n, rows.len() as u64);
            }

            async fn one_by_one(conn: &mut Self::Conn, rows: &[Self::New], transaction: bool) {
                if transaction {
                    let mut tx = conn.begin().await.expect("begin");
                    for new in black_box(rows) {
                        let row = $module::Product::insert(&mut *tx, new)
                            .await
                            .expect("insert");
                        black_box(row);
                    }
                    tx.commit().await.expect("commit");
                } else {
                    for new in black_box(rows) {
                        let row = $module::Product::insert(&mut *conn, new)
                            .await
                            .expect("insert");
                        black_box(row);
                    }
                }
            }
        }
    };
}

repo!(
    Postgres,
    pg,
    DialectName::Postgres,
    PgConnection,
    PgProduct,
    "INSERT INTO store_product \
     (title, description, price, inventory, last_update, collection_id) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     RETURNING id, title, description, price, inventory, last_update, collection_id",
    "SELECT id, title, description, price, inventory, last_update, collection_id \
     FROM store_product WHERE id = $1",
    "SELECT id, title, description, price, inventory, last_update, collection_id \
     FROM store_product ORDER BY id LIMIT $1 OFFSET $2",
    |d: Decimal| d,
    "TRUNCATE store_product",
    false
);

repo!(
    Sqlite,
    lite,
    DialectName::Sqlite,
    SqliteConnection,
    LiteProduct,
    "INSERT INTO store_product \
     (title, description, price, inventory, last_update, collection_id) \
     VALUES (?, ?, ?, ?, ?, ?) \
     RETURNING id, title, description, price, inventory, last_update, collection_id",
    "SELECT id, title, description, price, inventory, last_update, collection_id \
     FROM store_product WHERE id = ?",
    "SELECT id, title, description, price, inventory, last_update, collection_id \
     FROM store_product ORDER BY id LIMIT ? OFFSET ?",
    |d: Decimal| d.to_string(),
    "DELETE FROM store_product",
    true
);

/// The fixture the comparisons run on.
struct Fixture<R: Repo> {
    collection: i64,
    keys: Vec<i64>,
    /// The row `insert` inserts.
    new: R::New,
    /// The next key `get` reads.
    turn: usize,
}

impl<R: Repo> Fixture<R> {
    fn next_key(&mut self) -> i64 {
        self.turn = (self.turn + 1) % self.keys.len();
        self.keys[self.turn]
    }

    /// `n` calls of `op` on `side`; returns their time.
    fn run(&mut self, rt: &Runtime, conn: &mut R::Conn, op: Op, side: Side, n: u64) -> Duration {
        match op {
            Op::Insert => rt.block_on(R::insert_block(conn, side, &self.new, n)),
            Op::Get => rt.block_on(async {
                let start = Instant::now();
                for _ in 0..n {
                    let pk = self.next_key();
                    R::get(conn, side, pk).await;
                }
                start.elapsed()
            }),
            Op::List => rt.block_on(async {
                let start = Instant::now();
                for _ in 0..n {
                    R::list(conn, side).await;
                }
                start.elapsed()
            }),
        }
    }
}

/// Criterion's benchmarks of one dialect, then (when measuring) the interleaved pass.
fn benches<R: Repo>(
    c: &mut Criterion,
    rt: &Runtime,
    conn: &mut R::Conn,
    bulk: Bulk,
) -> (Vec<Paired>, Option<BulkPaired>) {
    let (collection, keys) = rt.block_on(R::seed(conn));
    let mut fx = Fixture::<R> {
        collection,
        keys,
        new: R::new(42, collection),
        turn: 0,
    };

    for op in OPS {
        let mut g = c.benchmark_group(group(R::DIALECT, op.name()));
        configure(&mut g, false);
        g.throughput(Throughput::Elements(match op {
            Op::List => PAGE as u64,
            _ => 1,
        }));
        let mut sides = vec![(Side::Generated, GENERATED), (Side::Hand, HAND)];
        if op == Op::Insert && R::FETCH_ALL_INSERT {
            sides.push((Side::HandFetchOne, HAND_FETCH_ONE));
        }
        for (side, name) in sides {
            g.bench_function(name, |b| {
                b.iter_custom(|iters| fx.run(rt, conn, op, side, iters))
            });
        }
        g.finish();
    }

    // Before the bulk benchmarks, which empty the table.
    let paired = if measuring() {
        interleaved(rt, conn, &mut fx)
    } else {
        Vec::new()
    };

    // insert_many against one row at a time; the table emptied first, untimed.
    let rows: Vec<R::New> = (0..bulk.many).map(|i| R::new(i, fx.collection)).collect();
    let mut g = c.benchmark_group(group(R::DIALECT, "bulk"));
    configure(&mut g, true);
    let cases = [
        (INSERT_MANY, bulk.many),
        (ONE_BY_ONE, bulk.one_by_one),
        (AUTOCOMMIT, bulk.autocommit),
    ];
    for (name, n) in cases {
        let rows = &rows[..n];
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        R::empty(conn).await;
                        let start = Instant::now();
                        match name {
                            INSERT_MANY => R::insert_many(conn, rows).await,
                            ONE_BY_ONE => R::one_by_one(conn, rows, true).await,
                            _ => R::one_by_one(conn, rows, false).await,
                        }
                        total += start.elapsed();
                    }
                    total
                })
            })
        });
    }
    g.finish();

    let bulk_paired = measuring().then(|| interleaved_bulk::<R>(rt, conn, &rows, bulk));
    rt.block_on(R::empty(conn));
    (paired, bulk_paired)
}

/// `insert_many` of `bulk.many` rows and `bulk.one_by_one` rows one at a time in a
/// transaction, interleaved, each after emptying the table (untimed).
fn interleaved_bulk<R: Repo>(
    rt: &Runtime,
    conn: &mut R::Conn,
    rows: &[R::New],
    bulk: Bulk,
) -> BulkPaired {
    let (mut many, mut one, mut speedups) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..BULK_ROUNDS {
        let mut times = [0.0; 2];
        for first in [true, false] {
            let is_many = first == (round % 2 == 0);
            let elapsed = rt.block_on(async {
                R::empty(conn).await;
                let start = Instant::now();
                if is_many {
                    R::insert_many(conn, &rows[..bulk.many]).await;
                } else {
                    R::one_by_one(conn, &rows[..bulk.one_by_one], true).await;
                }
                start.elapsed()
            });
            let n = if is_many { bulk.many } else { bulk.one_by_one };
            times[usize::from(!is_many)] = elapsed.as_nanos() as f64 / n as f64;
        }
        many.push(times[0]);
        one.push(times[1]);
        speedups.push(times[1] / times[0]);
    }
    BulkPaired {
        dialect: R::DIALECT,
        many_ns_per_row: median(&mut many),
        one_ns_per_row: median(&mut one),
        speedup: median(&mut speedups),
    }
}

/// The interleaved pass: per round, a block of one side then one of the other, the order
/// alternating between rounds.
fn interleaved<R: Repo>(rt: &Runtime, conn: &mut R::Conn, fx: &mut Fixture<R>) -> Vec<Paired> {
    let mut cases: Vec<(Op, Side)> = OPS.iter().map(|&op| (op, Side::Hand)).collect();
    if R::FETCH_ALL_INSERT {
        cases.push((Op::Insert, Side::HandFetchOne));
    }
    let mut paired = Vec::new();
    for (op, hand_side) in cases {
        let n = op.block() as u64;
        // Warm both sides up.
        fx.run(rt, conn, op, Side::Generated, n);
        fx.run(rt, conn, op, hand_side, n);
        let (mut generated, mut hand, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let order = if round % 2 == 0 {
                [Side::Generated, hand_side]
            } else {
                [hand_side, Side::Generated]
            };
            let mut times = [0.0; 2];
            for side in order {
                let ns = fx.run(rt, conn, op, side, n).as_nanos() as f64 / n as f64;
                times[usize::from(side != Side::Generated)] = ns;
            }
            generated.push(times[0]);
            hand.push(times[1]);
            ratios.push(times[1] / times[0]);
        }
        paired.push(Paired {
            dialect: R::DIALECT,
            op,
            hand_side,
            generated_ns: median(&mut generated),
            hand_ns: median(&mut hand),
            ratio: median(&mut ratios),
        });
    }
    paired
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

/// A fresh database of `dialect` with the storefront's tables; `None` when the server is
/// unreachable (`TestDb::create` has printed why).
fn open(rt: &Runtime, dialect: DialectName) -> Option<TestDb> {
    let text = std::fs::read_to_string(modelc_tests::repo_root().join("models.toml"))
        .expect("read the storefront's models");
    let compilation = compile("models.toml", &text);
    let schema = compilation
        .schema
        .as_ref()
        .expect("the storefront compiles");
    rt.block_on(async {
        let mut db = TestDb::create("bench_repository", dialect).await?;
        db.apply(schema).await;
        Some(db)
    })
}

fn main() {
    let started = SystemTime::now();
    let bulk = if measuring() { BULK } else { BULK_TEST };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut c = Criterion::default().configure_from_args();
    let (mut paired, mut bulk_paired) = (Vec::new(), Vec::new());

    match open(&rt, DialectName::Postgres) {
        Some(mut db) => {
            let Conn::Postgres(conn) = db.conn() else {
                unreachable!("a PostgreSQL TestDb holds a PostgreSQL connection")
            };
            let (p, b) = benches::<Postgres>(&mut c, &rt, conn, bulk);
            paired.extend(p);
            bulk_paired.extend(b);
            drop(db);
        }
        None => println!("PostgreSQL is unreachable: its repository benchmarks are skipped"),
    }
    let mut db = open(&rt, DialectName::Sqlite).expect("SQLite needs no server");
    let Conn::Sqlite(conn) = db.conn() else {
        unreachable!("a SQLite TestDb holds a SQLite connection")
    };
    let (p, b) = benches::<Sqlite>(&mut c, &rt, conn, bulk);
    paired.extend(p);
    bulk_paired.extend(b);
    drop(db);

    c.final_summary();
    summary(started, bulk, &paired, &bulk_paired);
}

/// Prints the medians this run measured, and the ratios the targets are stated in.
fn summary(started: SystemTime, bulk: Bulk, paired: &[Paired], bulk_paired: &[BulkPaired]) {
    let Some(dir) = criterion_dir() else {
        return;
    };
    let median = |dialect: DialectName, op: &str, bench: &str| -> Option<f64> {
        let path = dir
            .join(group(dialect, op))
            .join(bench)
            .join("new/estimates.json");
        fresh_median_ns(&path, started)
    };
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    let mut header = false;
    for dialect in [DialectName::Postgres, DialectName::Sqlite] {
        let mut rows = Vec::new();
        for op in OPS {
            let (g, h) = (
                median(dialect, op.name(), GENERATED),
                median(dialect, op.name(), HAND),
            );
            let p = paired
                .iter()
                .find(|p| p.dialect == dialect && p.op == op && p.hand_side == Side::Hand);
            if let (Some(g), Some(h)) = (g, h) {
                rows.push((op, g, h, p));
            }
        }
        if rows.is_empty() {
            continue;
        }
        if !header {
            println!(
                "\nmedians of this run (us per call); ratio: generated / hand-written \
                 throughput (target: at least 0.97)"
            );
            header = true;
        }
        println!(
            "\n{:<10} {:>10} {:>12} {:>8}   {:>18} {:>12} {:>14}",
            dialect.to_string(),
            GENERATED,
            HAND,
            "ratio",
            "interleaved: gen.",
            "hand",
            "median ratio"
        );
        for (op, g, h, p) in rows {
            let interleaved = p.map_or_else(String::new, |p| {
                format!(
                    "{:>18.1} {:>12.1} {:>8.3} ({})",
                    p.generated_ns / 1e3,
                    p.hand_ns / 1e3,
                    p.ratio,
                    verdict(p.ratio >= 0.97)
                )
            });
            println!(
                "{:<10} {:>10.1} {:>12.1} {:>8.3} ({}) {interleaved}",
                op.name(),
                g / 1e3,
                h / 1e3,
                h / g,
                verdict(h / g >= 0.97)
            );
        }
        if let (Some(g), Some(h)) = (
            median(dialect, Op::Insert.name(), GENERATED),
            median(dialect, Op::Insert.name(), HAND_FETCH_ONE),
        ) {
            let p = paired.iter().find(|p| {
                p.dialect == dialect && p.op == Op::Insert && p.hand_side == Side::HandFetchOne
            });
            let interleaved = p.map_or_else(String::new, |p| {
                format!(
                    "{:>18.1} {:>12.1} {:>8.3}",
                    p.generated_ns / 1e3,
                    p.hand_ns / 1e3,
                    p.ratio
                )
            });
            println!(
                "{:<10} {:>10.1} {:>12.1} {:>8.3}           {interleaved}   (hand-written with \
                 fetch_one: not equivalent, see the source)",
                "insert",
                g / 1e3,
                h / 1e3,
                h / g
            );
        }
        let bulk_median =
            |name: &str, n: usize| median(dialect, "bulk", name).map(|ns| (ns, ns / n as f64));
        if let (Some((many, per_many)), Some((one, per_one))) = (
            bulk_median(INSERT_MANY, bulk.many),
            bulk_median(ONE_BY_ONE, bulk.one_by_one),
        ) {
            let speedup = per_one / per_many;
            println!(
                "insert_many, {} rows: {:.1} ms ({:.2} us/row); one by one in a transaction, \
                 {} rows: {:.1} ms ({:.2} us/row): insert_many {speedup:.1}x faster per row \
                 (target: at least 10x; {})",
                bulk.many,
                many / 1e6,
                per_many / 1e3,
                bulk.one_by_one,
                one / 1e6,
                per_one / 1e3,
                verdict(speedup >= 10.0)
            );
            if let Some(b) = bulk_paired.iter().find(|b| b.dialect == dialect) {
                println!(
                    "interleaved, {BULK_ROUNDS} rounds: insert_many {:.2} us/row, one by one \
                     {:.2} us/row: insert_many {:.1}x faster per row (median of the rounds; {})",
                    b.many_ns_per_row / 1e3,
                    b.one_ns_per_row / 1e3,
                    b.speedup,
                    verdict(b.speedup >= 10.0)
                );
            }
            if let Some((auto, per_auto)) = bulk_median(AUTOCOMMIT, bulk.autocommit) {
                println!(
                    "one by one with a commit each, {} rows: {:.1} ms ({:.2} us/row): \
                     insert_many {:.1}x faster per row",
                    bulk.autocommit,
                    auto / 1e6,
                    per_auto / 1e3,
                    per_auto / per_many
                );
            }
        }
    }
}
